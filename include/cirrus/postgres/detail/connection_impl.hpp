#pragma once
// The state and the protocol coroutines behind cirrus::postgres::connection.
//
// Every public operation runs as one coroutine on the connection's executor. Its socket
// I/O is never cancelled directly: a cancellation request on the operation (or the
// client-side query timeout) sends a CancelRequest over a second connection, and the
// operation goes on reading until ReadyForQuery, so the connection stays usable. Only
// if the server does not answer within cancel_timeout is the socket closed. During
// connect, cancellation closes the socket at once.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/buffer.hpp>
#include <cirrus/core/detail/resolver.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/postgres/detail/auth.hpp>
#include <cirrus/postgres/detail/collector.hpp>
#include <cirrus/postgres/detail/notification_queue.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/detail/server_parameters.hpp>
#include <cirrus/postgres/detail/stream.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/execution.hpp>
#include <cirrus/postgres/options.hpp>
#include <cirrus/postgres/pipeline.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <openssl/err.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace cirrus::postgres {

namespace detail {

// Cancellation requests of one operation, forwarded from its completion handler's slot.
using op_signal = cirrus::detail::cancel_signal;

// One CancelRequest in flight, shared with the detached coroutine that sends it.
struct cancel_flight {
    explicit cancel_flight(const asio::any_io_executor& ex) : event(ex, std::chrono::steady_clock::time_point::max()) {}
    asio::steady_timer event; // canceled when the request has been delivered (or failed)
    bool done = false;
    void finish() {
        done = true;
        event.cancel();
    }
};

struct cancel_target {
    std::variant<std::monostate, asio::ip::tcp::endpoint, std::string> where;
    backend_key key;
};

// Sends a CancelRequest and waits until the server closes that connection, which it
// does after it has signalled the backend.
inline asio::awaitable<void> send_cancel_request(cancel_target target, std::chrono::milliseconds timeout,
                                                 std::shared_ptr<cancel_flight> flight);

struct cached_statement {
    std::string name;
    std::vector<oid_t> param_types;
    std::vector<column> columns;
};

// The statement cache's key of a query text with its parameter types.
inline std::string statement_key(const std::string& sql, const std::vector<oid_t>& types) {
    std::string key;
    key.reserve(sql.size() + 1 + types.size() * sizeof(oid_t));
    key = sql;
    key.push_back('\0');
    for (oid_t t : types) key.append(reinterpret_cast<const char*>(&t), sizeof t);
    return key;
}

// A query of execute_query that may be sent together with its neighbours in the queue
// (connection_options::implicit_pipelining); `done` when another operation ran it.
struct batch_query {
    const std::string* sql = nullptr;
    const param_list* params = nullptr;
    results* out = nullptr;
    bool done = false;
};

// One step of a pipeline body: the query text and its parameters, owned by the caller.
struct pipeline_step_ref {
    const std::string* sql = nullptr;
    const param_list* params = nullptr;
};

class connection_impl;

// An operation waiting for its turn on a connection that runs another one.
struct turn_waiter {
    enum class status {
        queued,  // in connection_impl::turn_queue_
        granted, // its turn: it starts when it resumes
        running, // it started
        batched, // taken into another operation's batch, not answered yet
        done,    // answered in a batch: `result` and the caller's diagnostics are set
        aborted, // canceled while queued
        closed,  // the connection closed while it was queued
    };

    turn_waiter(connection_impl& owner, const asio::any_io_executor& ex)
        : owner(&owner), wake(ex, std::chrono::steady_clock::time_point::max()) {}
    turn_waiter(const turn_waiter&) = delete;
    turn_waiter& operator=(const turn_waiter&) = delete;
    inline ~turn_waiter();

    connection_impl* owner;
    asio::steady_timer wake; // canceled to resume the waiting operation
    status st = status::queued;
    batch_query* query = nullptr; // null: an operation that runs alone
    diagnostics* diag = nullptr;
    op_signal* sig = nullptr;
    error_code result;
    std::size_t batch_index = 0; // its step in the batch it was taken into
    bool cancel_wanted = false;  // canceled while batched, before the server reached it
    bool retried = false;        // sent again after its cached statement went stale

    void resume(status s) {
        st = s;
        wake.cancel();
    }
};

class connection_impl : public std::enable_shared_from_this<connection_impl> {
public:
    explicit connection_impl(asio::any_io_executor ex, connection_options opts)
        : ex_(std::move(ex)), opts_(opts), stream_(ex_), resolver_(ex_), connect_timer_(ex_), query_timer_(ex_),
          grace_timer_(ex_), reader_(opts.max_message_size), notifications_(opts.notification_queue_capacity) {}

    connection_impl(const connection_impl&) = delete;
    connection_impl& operator=(const connection_impl&) = delete;

    const asio::any_io_executor& executor() const noexcept { return ex_; }
    const connection_options& options() const noexcept { return opts_; }
    bool is_open() const noexcept { return state_ == state::ready || state_ == state::busy; }
    transaction_status txn_status() const noexcept { return txn_; }
    std::int32_t backend_pid() const noexcept { return target_.key.process_id; }
    bool uses_tls() const noexcept { return stream_.is_tls(); }
    const std::string& auth_mechanism() const noexcept { return auth_mechanism_; }
    std::optional<std::string_view> server_parameter(std::string_view name) const { return server_params_.find(name); }
    void set_notice_handler(std::function<void(const notice&)> h) { notice_handler_ = std::move(h); }
    // A transaction object of `session` was dropped while open; a transaction of an
    // earlier session (before a reconnect) is already gone with it.
    void schedule_rollback(std::uint64_t session) noexcept {
        if (session == session_ && is_open()) rollback_pending_ = true;
    }
    std::uint64_t session() const noexcept { return session_; }
    std::size_t cached_statements() const noexcept { return cache_.size(); }
    std::size_t queued_notifications() const noexcept { return notifications_.size(); }
    std::uint64_t dropped_notifications() const noexcept { return notifications_.dropped(); }
    // Operations waiting for their turn (connection_options::implicit_pipelining).
    std::size_t waiting_operations() const noexcept { return turn_queue_.size(); }

    // Of the last failed operation started without the caller's diagnostics.
    diagnostics last_diagnostics;

    // Of an idle connection, without I/O: -1 closed (by either side), 1 the server sent
    // something (a notice, a FATAL error before it closed ...), 0 nothing.
    int probe_idle() noexcept {
        if (state_ != state::ready) return -1;
        if (reader_.buffered() != 0 || exec_.active) return 1;
        return stream_.peek_idle();
    }

    // Closes the socket immediately (no Terminate).
    void close_now() { fail_connection(); }

    // ---------------------------------------------------------------------------------
    // connect

    asio::awaitable<error_code> connect(connect_params p, diagnostics& diag, std::shared_ptr<op_signal> sig);

    // ---------------------------------------------------------------------------------
    // operations

    // Simple query protocol: one or more statements, text results.
    asio::awaitable<error_code> simple_query(std::string sql, results& out, diagnostics& diag,
                                             std::shared_ptr<op_signal> sig);

    // Extended protocol through the statement cache.
    asio::awaitable<error_code> execute_query(std::string sql, param_list params, results& out, diagnostics& diag,
                                              std::shared_ptr<op_signal> sig);

    asio::awaitable<error_code> execute_statement(statement stmt, param_list params, results& out, diagnostics& diag,
                                                  std::shared_ptr<op_signal> sig);

    asio::awaitable<std::pair<error_code, statement>> prepare(std::string sql, diagnostics& diag,
                                                              std::shared_ptr<op_signal> sig);

    asio::awaitable<error_code> close_statement(statement stmt, diagnostics& diag, std::shared_ptr<op_signal> sig);

    // COMMIT and ROLLBACK through the simple protocol; a COMMIT that the server turned
    // into a ROLLBACK (failed transaction) is reported as commit_rolled_back.
    asio::awaitable<error_code> transaction_command(std::string sql, diagnostics& diag, std::shared_ptr<op_signal> sig);

    asio::awaitable<error_code> terminate();

    // The oldest queued notification, or the next one the server sends. While it waits
    // the connection is busy; a cancellation ends the wait and keeps the connection.
    asio::awaitable<error_code> next_notification(notification& out, diagnostics& diag, std::shared_ptr<op_signal> sig);

    // Pipelining (impl/pipeline.ipp).
    asio::awaitable<error_code> run_pipeline(const pipeline& p, pipeline_results& out, diagnostics& diag,
                                             std::shared_ptr<op_signal> sig);

    // COPY FROM STDIN / TO STDOUT (impl/copy.ipp). `rows`: the count of the server's
    // CommandComplete.
    asio::awaitable<error_code> copy_in(std::string sql, const copy_source& src, std::uint64_t& rows, diagnostics& diag,
                                        std::shared_ptr<op_signal> sig);
    asio::awaitable<error_code> copy_out(std::string sql, const copy_sink& sink, std::uint64_t& rows, diagnostics& diag,
                                         std::shared_ptr<op_signal> sig);

    // Streamed rows (impl/execution.ipp): Bind and Execute through the cache (or of
    // `stmt`), read up to BindComplete; then a batch of rows per read_some_rows.
    asio::awaitable<error_code> start_execution(std::string sql, param_list params, const statement* stmt,
                                                execution_state& st, diagnostics& diag, std::shared_ptr<op_signal> sig);
    asio::awaitable<error_code> read_some_rows(execution_state& st, row_sink& sink, diagnostics& diag,
                                               std::shared_ptr<op_signal> sig);
    // The rest of execution `id` is read and dropped before the next operation.
    void abandon_execution(std::uint64_t id) noexcept {
        if (exec_.active && exec_.id == id) exec_.abandoned = true;
    }

private:
    asio::awaitable<error_code> copy_in_body(const std::string& sql, const copy_source& src, std::uint64_t& rows,
                                             diagnostics& diag);
    asio::awaitable<error_code> copy_out_body(const std::string& sql, const copy_sink& sink, std::uint64_t& rows,
                                              diagnostics& diag);
    // `on_step(i)`, when given, runs as soon as step i's answer is complete (in order).
    asio::awaitable<error_code> pipeline_body(const std::vector<pipeline_step_ref>& steps, pipeline_sync sync,
                                              pipeline_results& out, diagnostics& diag,
                                              const std::function<void(std::size_t)>* on_step);

    enum class state { closed, connecting, ready, busy };
    enum class cancel_reason { none, user, timeout, result_limit, copy_sink };

    // ---------------------------------------------------------------------------------
    // I/O primitives

    void abort_io() {
        resolver_.cancel();
        stream_.close();
    }

    void fail_connection();

    asio::awaitable<error_code> flush();
    // Explains a message_too_large from read_message: its size, the limit and the setting.
    void describe_oversize(diagnostics& diag, std::string_view when);

    // Next complete message from the server. Errors: I/O failures, EOF, or framing
    // violations (protocol_error, message_too_large).
    asio::awaitable<error_code> read_message(message_view& m);

    // Notices, parameter changes and notifications may arrive at any time.
    bool handle_async(const message_view& m, error_code& ec);

    // Sends out_ and feeds every answer to `c` until ReadyForQuery. Returns the batch's
    // error (server SQLSTATE filled into diag) or a connection-level error (after which
    // the connection is closed).
    asio::awaitable<error_code> exchange(response_collector& c, diagnostics& diag);

    // ---------------------------------------------------------------------------------
    // operation framing: state checks, pending rollback, cancellation and timeouts

    // `stream_call`: a read of the unfinished execution, which other operations wait for.
    error_code begin_op(diagnostics& diag, const std::shared_ptr<op_signal>& sig, bool stream_call = false);

    // begin_op, after waiting for the operation's turn when another one runs and
    // connection_options::implicit_pipelining is on. A `query` may instead be answered
    // inside the batch of the operation ahead of it (query->done, the result returned).
    asio::awaitable<error_code> start_op(diagnostics& diag, const std::shared_ptr<op_signal>& sig,
                                         batch_query* query = nullptr, bool stream_call = false);

    asio::awaitable<error_code> end_op(error_code ec, diagnostics& diag);

    friend struct turn_waiter;
    // Whether an operation starting now must queue behind another.
    bool must_wait() const noexcept {
        return opts_.implicit_pipelining && (op_framed_ || turn_reserved_ || !turn_queue_.empty());
    }
    // Gives the turn to the oldest waiting operation when none runs; waiting queries go
    // to drive_batch.
    void pass_turn();
    void on_waiter_cancel(turn_waiter& w, asio::cancellation_type_t t);
    // The queries at the front of the queue, taken into one batch.
    std::vector<turn_waiter*> take_batch();
    // Runs the waiting queries at the front of the queue as one operation.
    asio::awaitable<void> drive_batch(std::shared_ptr<connection_impl> self);
    // `batch` as one pipeline with a Sync per query; each query is answered (its waiter
    // resumed) as soon as its answer is complete. Returns the connection's failure, if any.
    asio::awaitable<error_code> run_batch(const std::vector<turn_waiter*>& batch, diagnostics& diag);
    // Queries whose statements are cached, streamed: those waiting at the front of the
    // queue are sent, and those that arrive while the answers are read are sent too, until
    // none is left to read (or max_streamed were sent). Returns the connection's failure.
    asio::awaitable<error_code> stream_queries(diagnostics& diag);
    static constexpr std::size_t max_streamed = 1024;
    // The cached statement of a waiting query (touched in the LRU), or null.
    const cached_statement* cached_for(const batch_query& q);
    // Completes a batched query with its outcome (its operation may be gone right after).
    void answer_batched(turn_waiter& w, error_code ec, diagnostics&& d);
    // A batched query that failed only because its cached statement is gone from the
    // server (DISCARD ALL, DEALLOCATE, a changed result type), outside a transaction and
    // for the first time: it is kept to go again, prepared afresh. True when kept.
    bool keep_stale(turn_waiter& w, error_code ec, const diagnostics& d);
    // The kept queries back at the front of the queue, in their order.
    void requeue_stale();
    // A batched query its batch can no longer answer (an exception ended the batch).
    static void abandon_batched(turn_waiter& w) noexcept;
    // Takes a queued waiter out of the queue.
    void unqueue(turn_waiter& w) noexcept;

    // DISCARD ALL / DEALLOCATE ALL among `rs`: the server dropped every prepared statement.
    static bool drops_statements(const results& rs) noexcept {
        for (const auto& set : rs)
            if (set.command_tag() == "DISCARD ALL" || set.command_tag() == "DEALLOCATE ALL") return true;
        return false;
    }
    // A failure only because a cached statement was dropped behind our back (DEALLOCATE,
    // DISCARD ALL) or invalidated by a schema change.
    static bool stale_statement(error_code ec, const diagnostics& diag) {
        return ec == sqlstate::invalid_sql_statement_name ||
               (ec == sqlstate::feature_not_supported &&
                diag.message.find("cached plan must not change result type") != std::string::npos);
    }
    // The statement cache emptied: the server's statements are gone.
    void forget_statements() noexcept {
        cache_.clear();
        lru_.clear();
        pending_closes_.clear();
    }
    // Drops `key` from the statement cache; `close` queues a Close of the server's copy.
    void evict_cached(const std::string& key, bool close) {
        auto it = cache_.find(key);
        if (it == cache_.end()) return;
        if (close) pending_closes_.push_back(it->second.stmt.name);
        lru_.erase(it->second.lru);
        cache_.erase(it);
    }
    // A batched query's outcome when the batch was canceled (by one of its queries, the
    // query timeout or the result limit).
    error_code batched_outcome(error_code ec, diagnostics& diag, bool requested) const;

    void request_cancel(cancel_reason why);

    // Before an operation's first request: the rest of an abandoned execution, then the
    // ROLLBACK of a dropped transaction.
    asio::awaitable<error_code> run_pending_rollback(diagnostics& diag);

    asio::awaitable<error_code> simple_query_body(std::string_view sql, results* out, diagnostics& diag);

    // ---------------------------------------------------------------------------------
    // extended protocol

    // Whether values may travel in binary (connection_options::values).
    bool binary_values() const noexcept {
        switch (opts_.values) {
        case value_format::text: return false;
        case value_format::binary_where_known: return true;
        case value_format::automatic: break;
        }
        auto version = server_params_.find("server_version");
        return !version || !before_version_9(*version);
    }
    // "8.0.2" (Amazon Redshift), "7.4": a major version before 9. Anything else, including
    // text that is not a version, is not.
    static bool before_version_9(std::string_view version) noexcept {
        std::size_t digits = 0;
        while (digits < version.size() && version[digits] >= '0' && version[digits] <= '9') ++digits;
        return digits == 1 && version[0] < '9';
    }

    std::vector<column> with_result_formats(std::vector<column> cols) const {
        bool const binary = binary_values();
        for (auto& c : cols) c.format = binary && has_binary_codec(c.type_oid) ? format::binary : format::text;
        return cols;
    }

    void queue_pending_closes() {
        for (const auto& name : pending_closes_) write_close(out_, 'S', name);
        pending_closes_.clear();
    }

    asio::awaitable<error_code> parse_describe(const std::string& name, std::string_view sql,
                                               const std::vector<oid_t>& types, cached_statement& desc,
                                               diagnostics& diag);

    // A parameter its codec refused (a ragged nested vector): the operation fails before
    // anything is sent.
    static error_code refused_parameter(const param_list& params, diagnostics& diag);

    // A Bind of the unnamed portal into `out`: parameters in binary where `binary` and
    // the statement's type agree, otherwise in text (converted from binary where needed);
    // results in the formats of `columns` (all text without them). On failure `out` is
    // as it was and `failure` says what went wrong.
    static error_code write_bind(cirrus::buffer& out, const std::string& name, const std::vector<oid_t>& server_types,
                                 const std::vector<column>* columns, const param_list& params, bool binary,
                                 std::string& failure);

    // Bind (parameters converted to the statement's types where needed), Execute, Sync
    // into out_; with a Flush after the Bind when asked.
    error_code write_bind_execute(const std::string& name, const std::vector<oid_t>& server_types,
                                  const std::vector<column>& columns, const param_list& params, diagnostics& diag,
                                  bool flush_after_bind = false);

    asio::awaitable<error_code> bind_execute(const std::string& name, const std::vector<oid_t>& server_types,
                                             const std::vector<column>& columns, const param_list& params, results& out,
                                             diagnostics& diag);

    // Results into `out`, or (out null) a streamed execution started into `st`.
    asio::awaitable<error_code> execute_cached(const std::string& sql, const param_list& params, results* out,
                                               execution_state* st, diagnostics& diag);

    // impl/execution.ipp
    asio::awaitable<error_code> bind_stream(const std::string& name, const std::vector<oid_t>& server_types,
                                            const std::vector<column>& columns, const param_list& params,
                                            execution_state& st, diagnostics& diag);
    asio::awaitable<error_code> drain_execution(diagnostics& diag);
    // A read failed (I/O, framing) or the server broke the protocol: explains it, closes.
    error_code lost_connection(error_code ec, diagnostics& diag, bool io_error);

    const cached_statement& insert_cached(const std::string& key, cached_statement stmt);

    // ---------------------------------------------------------------------------------
    // connection establishment

    asio::awaitable<error_code> open_transport(const connect_params& p, const host_spec& host, diagnostics& diag);

    // SSLRequest and handshake. `plain_ok`: an 'N' answer continues without TLS.
    asio::awaitable<error_code> negotiate_tls(const connect_params& p, const host_spec& host, bool plain_ok,
                                              diagnostics& diag, bool& handshake_failed);

    // The password for one host: the given one, else one from the password file.
    struct host_password {
        std::string_view password;
        std::string from_file;    // the password file's password, wiped on destruction
        std::string file_ignored; // why the password file was ignored (no password in it)

        host_password() = default;
        host_password(const host_password&) = delete;
        host_password& operator=(const host_password&) = delete;
        ~host_password() {
            if (!from_file.empty()) OPENSSL_cleanse(from_file.data(), from_file.size());
        }
    };

    // libpq searches the password file for each host when no password was given. A file
    // ignored for its permissions is reported to the notice handler (libpq prints a
    // warning) and later in the diagnostics if the server asks for a password.
    void resolve_password(const connect_params& p, const host_spec& host, host_password& out);

    // after_failed_tls: a plain attempt after a failed TLS handshake (sslmode=prefer).
    asio::awaitable<error_code> connect_attempt(const connect_params& p, const host_spec& host,
                                                const host_password& password, bool try_tls, bool after_failed_tls,
                                                diagnostics& diag, bool& retry, bool& handshake_failed);

    asio::awaitable<error_code> startup(const connect_params& p, const host_password& pw, bool after_failed_tls,
                                        diagnostics& diag, bool& server_error);

    struct cache_entry {
        cached_statement stmt;
        std::list<std::string>::iterator lru;
    };

    asio::any_io_executor ex_;
    connection_options opts_;
    pg_stream stream_;
    cirrus::detail::name_resolver resolver_;
    asio::steady_timer connect_timer_;
    asio::steady_timer query_timer_;
    asio::steady_timer grace_timer_;
    message_reader reader_;
    cirrus::buffer out_;
    state state_ = state::closed;
    transaction_status txn_ = transaction_status::idle;
    cancel_target target_;
    server_parameters server_params_;
    std::string auth_mechanism_;
    std::function<void(const notice&)> notice_handler_;
    std::unordered_map<std::string, cache_entry> cache_;
    std::list<std::string> lru_;
    std::vector<std::string> pending_closes_;
    std::uint64_t statement_counter_ = 0;
    std::uint64_t session_ = 0;
    std::uint64_t op_id_ = 0;
    std::uint64_t attempt_id_ = 0;
    bool connect_timed_out_ = false;
    bool tls_verified_ = false; // the TLS session's certificate chain was verified
    bool rollback_pending_ = false;
    std::size_t oversize_bytes_ = 0; // the declared size of the last message over the limit
    char oversize_type_ = 0;
    cancel_reason cancel_reason_ = cancel_reason::none;
    std::shared_ptr<cancel_flight> flight_;
    std::shared_ptr<op_signal> current_sig_;
    // The unfinished streamed execution, if any.
    struct stream_status {
        bool active = false;
        bool abandoned = false; // its execution_state is gone: drain before the next operation
        std::uint64_t id = 0;
    } exec_;
    std::uint64_t execution_counter_ = 0;
    bool keep_buffer_ = false; // the operation handed out views into the receive buffer
    notification_queue notifications_;
    // Implicit pipelining: operations started while another runs wait here in order.
    std::deque<turn_waiter*> turn_queue_;
    bool op_framed_ = false;     // an operation is between begin_op and end_op
    bool turn_reserved_ = false; // a granted waiter has not resumed yet
    pipeline_results batch_results_;
    std::size_t batch_answered_ = 0; // steps of the running batch answered so far
    asio::steady_timer* stream_more_ = nullptr; // canceled when a query joins the queue
    std::vector<turn_waiter*> stale_;           // keep_stale
};

inline turn_waiter::~turn_waiter() {
    // The operation's frame is destroyed while it waits (its executor shut down).
    if (st == status::queued) {
        owner->unqueue(*this);
    } else if (st == status::granted) {
        owner->turn_reserved_ = false;
        owner->pass_turn();
    }
}

} // namespace detail
} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/connect.ipp>
#include <cirrus/postgres/impl/connection_impl.ipp>
#include <cirrus/postgres/impl/copy.ipp>
#include <cirrus/postgres/impl/execution.ipp>
#include <cirrus/postgres/impl/pipeline.ipp>
#endif
