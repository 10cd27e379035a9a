#pragma once
// cirrus::postgres::connection: one PostgreSQL session over the v3 wire protocol.
//
// Every operation is asynchronous, takes any Asio completion token and reports failures
// as an error_code plus a diagnostics object (the server's ErrorResponse fields, or the
// client's explanation):
//
//   pg::connection conn(co_await asio::this_coro::executor);
//   pg::diagnostics diag;
//   co_await conn.async_connect("postgresql://app@localhost/app", diag, asio::use_awaitable);
//   pg::results res;
//   co_await conn.async_execute(pg::query("select $1::int + 1", 41), res, diag, asio::use_awaitable);
//
// Cancellation (asio::bind_cancellation_slot, awaitable operators, parallel groups) of a
// running query sends a CancelRequest to the server; the operation then completes with
// asio::error::operation_aborted once the server has stopped the query, and the
// connection remains usable.
//
// Several coroutines may share a connection (on its executor): an operation started while
// another runs waits for its turn, and queries waiting together go to the server as one
// pipeline (connection_options::implicit_pipelining). The connection must outlive its
// operations.

#include <cirrus/postgres/bulk.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/postgres/detail/session.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/execution.hpp>
#include <cirrus/postgres/notification.hpp>
#include <cirrus/postgres/options.hpp>
#include <cirrus/postgres/pipeline.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <cirrus/core/async_op.hpp>

#include <boost/asio/io_context.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::postgres {

namespace asio = boost::asio;

class transaction;

namespace detail {

struct pool_access;

// A connection operation for core/async_op.hpp: `body` runs on the connection with the
// operation's diagnostics, its result (when R is not void) and its cancellation signal.
// Cancellation is in notify mode: a request sends a CancelRequest to the server and the
// operation reads on to the end of the answer, so the connection stays usable.
template <class R, class Body>
struct connection_op {
    using result_type = R;
    using diagnostics_type = postgres::diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::notify;

    std::shared_ptr<connection_impl> impl; // the session outlives its operations
    Body body;

    asio::awaitable<error_code> start(diagnostics& d, cirrus::detail::result_storage_t<R>& out,
                                      const std::shared_ptr<op_signal>& sig) {
        if constexpr (std::is_void_v<R>) return closing_on_exception(impl, body(impl.get(), d, sig));
        else return closing_on_exception(impl, body(impl.get(), d, out, sig));
    }

    // An exception (a callback of the caller's that throws, std::bad_alloc) leaves the
    // session at an unknown point of the protocol: close it, so it is never reused; the
    // operation then completes with an error code (core/async_op.hpp).
    static asio::awaitable<error_code> closing_on_exception(std::shared_ptr<connection_impl> impl,
                                                            asio::awaitable<error_code> op) {
        try {
            co_return co_await std::move(op);
        } catch (...) {
            close_now(*impl);
            throw;
        }
    }
};

} // namespace detail

class connection {
public:
    using executor_type = asio::any_io_executor;

    explicit connection(executor_type ex) : connection(std::move(ex), connection_options{}) {}
    connection(executor_type ex, connection_options opts)
        : impl_(detail::make_session(ex, opts)), executor_(std::move(ex)) {}
    explicit connection(asio::io_context& ctx) : connection(ctx.get_executor(), connection_options{}) {}
    connection(asio::io_context& ctx, connection_options opts) : connection(ctx.get_executor(), opts) {}

    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept = default;
    ~connection() {
        if (impl_) detail::close_now(*impl_);
    }

    executor_type get_executor() const { return executor_; }
    const connection_options& options() const noexcept { return detail::options(*impl_); }

    bool is_open() const noexcept { return detail::is_open(*impl_); }
    // From the last ReadyForQuery.
    postgres::transaction_status transaction_status() const noexcept { return detail::txn_status(*impl_); }
    std::int32_t backend_pid() const noexcept { return detail::backend_pid(*impl_); }
    bool uses_tls() const noexcept { return detail::uses_tls(*impl_); }
    // "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "md5", "password" or "trust".
    const std::string& auth_mechanism() const noexcept { return detail::auth_mechanism(*impl_); }
    // A ParameterStatus value: server_version, TimeZone, client_encoding ...
    std::optional<std::string_view> server_parameter(std::string_view name) const {
        return detail::server_parameter(*impl_, name);
    }
    // Prepared statements currently held by the statement cache.
    std::size_t cached_statements() const noexcept { return detail::cached_statements(*impl_); }
    // Called for every NoticeResponse (warnings, RAISE NOTICE ...), on the connection's
    // executor, during whichever operation receives it.
    void set_notice_handler(std::function<void(const notice&)> handler) {
        detail::set_notice_handler(*impl_, std::move(handler));
    }
    // Notifications received and not yet taken (see async_next_notification), and those
    // dropped because the queue was full (connection_options::notification_queue_capacity).
    std::size_t queued_notifications() const noexcept { return detail::queued_notifications(*impl_); }
    std::uint64_t dropped_notifications() const noexcept { return detail::dropped_notifications(*impl_); }
    // What the server (or the client) said about the last failed operation started without
    // a diagnostics argument.
    const diagnostics& last_diagnostics() const noexcept { return detail::last_diagnostics(*impl_); }

    // Every operation comes in two forms: with a diagnostics& that receives the server's
    // ErrorResponse fields, and without one (see last_diagnostics, and with_diagnostics
    // tokens, the default). The token defaults to cirrus::default_token.

    // Connects and authenticates; tries each host in turn.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_connect(const connect_params& params, Token&& token = {}) {
        return connect_op(params, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_connect(const connect_params& params, diagnostics& diag, Token&& token = {}) {
        return connect_op(params, &diag, std::forward<Token>(token));
    }

    // Parses a connection string or URI (see connect_params.hpp), then connects.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_connect(std::string_view conninfo, Token&& token = {}) {
        return connect_string_op(conninfo, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_connect(std::string_view conninfo, diagnostics& diag, Token&& token = {}) {
        return connect_string_op(conninfo, &diag, std::forward<Token>(token));
    }
    // (a string literal would otherwise be ambiguous between the two forms above)
    template <cirrus::detail::completion_token Token = default_token>
    auto async_connect(const char* conninfo, Token&& token = {}) {
        return connect_string_op(conninfo, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_connect(const char* conninfo, diagnostics& diag, Token&& token = {}) {
        return connect_string_op(conninfo, &diag, std::forward<Token>(token));
    }

    // Simple query protocol: any number of statements separated by ';', one result set
    // each, all values in text format. No parameters.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_query(std::string_view sql, results& out, Token&& token = {}) {
        return query_op(sql, out, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_query(std::string_view sql, results& out, diagnostics& diag, Token&& token = {}) {
        return query_op(sql, out, &diag, std::forward<Token>(token));
    }

    // Extended protocol with parameters, through the statement cache; binary results
    // where a codec exists.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_execute(const bound_query& q, results& out, Token&& token = {}) {
        return execute_op(q, out, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_execute(const bound_query& q, results& out, diagnostics& diag, Token&& token = {}) {
        return execute_op(q, out, &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_execute(std::string_view sql, results& out, Token&& token = {}) {
        return execute_op(bound_query{sql, {}}, out, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_execute(std::string_view sql, results& out, diagnostics& diag, Token&& token = {}) {
        return execute_op(bound_query{sql, {}}, out, &diag, std::forward<Token>(token));
    }
    // A prepared statement with its arguments.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_execute(const bound_statement& s, results& out, Token&& token = {}) {
        return execute_statement_op(s, out, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_execute(const bound_statement& s, results& out, diagnostics& diag, Token&& token = {}) {
        return execute_statement_op(s, out, &diag, std::forward<Token>(token));
    }

    // Typed rows: the first result set read into Row (see typed_row.hpp). Rows are
    // appended to `rows`.  Signature: void(error_code).
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_query(std::string_view sql, std::vector<Row>& rows, Token&& token = {}) {
        return typed_query_op(sql, rows, nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_query(std::string_view sql, std::vector<Row>& rows, diagnostics& diag, Token&& token = {}) {
        return typed_query_op(sql, rows, &diag, std::forward<Token>(token));
    }
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const bound_query& q, std::vector<Row>& rows, Token&& token = {}) {
        return typed_execute_op(q, rows, nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_execute(const bound_query& q, std::vector<Row>& rows, diagnostics& diag, Token&& token = {}) {
        return typed_execute_op(q, rows, &diag, std::forward<Token>(token));
    }
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const bound_statement& s, std::vector<Row>& rows, Token&& token = {}) {
        return typed_statement_op(s, rows, nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_execute(const bound_statement& s, std::vector<Row>& rows, diagnostics& diag, Token&& token = {}) {
        return typed_statement_op(s, rows, &diag, std::forward<Token>(token));
    }

    // Streamed rows (postgres/execution.hpp): starts the query (through the statement
    // cache, or a prepared statement); its rows are then read a batch at a time with
    // async_read_some_rows until st.complete().  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_start_execution(const bound_query& q, execution_state& st, Token&& token = {}) {
        return start_execution_op(q.sql, q.params, nullptr, st, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_start_execution(const bound_query& q, execution_state& st, diagnostics& diag, Token&& token = {}) {
        return start_execution_op(q.sql, q.params, nullptr, st, &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_start_execution(const bound_statement& s, execution_state& st, Token&& token = {}) {
        return start_execution_op({}, s.params(), &s.statement(), st, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_start_execution(const bound_statement& s, execution_state& st, diagnostics& diag, Token&& token = {}) {
        return start_execution_op({}, s.params(), &s.statement(), st, &diag, std::forward<Token>(token));
    }
    // Replaces `rows` with the next batch (empty once the result is over). `st` and `rows`
    // must outlive the operation.  Signature: void(error_code).
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_read_some_rows(execution_state& st, std::vector<Row>& rows, Token&& token = {}) {
        return read_some_rows_op(st, rows, nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_read_some_rows(execution_state& st, std::vector<Row>& rows, diagnostics& diag, Token&& token = {}) {
        return read_some_rows_op(st, rows, &diag, std::forward<Token>(token));
    }

    // Prepares a named statement.  Signature: void(error_code, statement).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_prepare(std::string_view sql, Token&& token = {}) {
        return prepare_op(sql, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_prepare(std::string_view sql, diagnostics& diag, Token&& token = {}) {
        return prepare_op(sql, &diag, std::forward<Token>(token));
    }

    // Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_close_statement(const statement& stmt, Token&& token = {}) {
        return close_statement_op(stmt, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_close_statement(const statement& stmt, diagnostics& diag, Token&& token = {}) {
        return close_statement_op(stmt, &diag, std::forward<Token>(token));
    }

    // BEGIN (or `begin_sql`, e.g. "BEGIN ISOLATION LEVEL SERIALIZABLE"); the returned
    // transaction rolls back when dropped uncommitted (see transaction).
    // Signature: void(error_code, transaction).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_begin(Token&& token = {}) {
        return begin_op("BEGIN", nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_begin(diagnostics& diag, Token&& token = {}) {
        return begin_op("BEGIN", &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_begin(std::string_view begin_sql, Token&& token = {}) {
        return begin_op(begin_sql, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_begin(std::string_view begin_sql, diagnostics& diag, Token&& token = {}) {
        return begin_op(begin_sql, &diag, std::forward<Token>(token));
    }

    // COMMIT / ROLLBACK of the current transaction.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_commit(Token&& token = {}) {
        return transaction_command("COMMIT", nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_commit(diagnostics& diag, Token&& token = {}) {
        return transaction_command("COMMIT", &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_rollback(Token&& token = {}) {
        return transaction_command("ROLLBACK", nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_rollback(diagnostics& diag, Token&& token = {}) {
        return transaction_command("ROLLBACK", &diag, std::forward<Token>(token));
    }

    // COPY ... FROM STDIN (text, CSV or binary, as the statement says) with the data of
    // `src`, streamed chunk by chunk (postgres/copy.hpp: copy_from_file, copy_from_rows,
    // copy_from_range). A server error during the copy (a bad CSV line) completes with its
    // SQLSTATE and diagnostics; a failed source sends CopyFail and completes with the
    // source's error. The connection stays usable either way.
    // Signature: void(error_code, std::uint64_t rows).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_copy_in(std::string_view sql, const copy_source& src, Token&& token = {}) {
        return copy_in_op(sql, src, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_copy_in(std::string_view sql, const copy_source& src, diagnostics& diag, Token&& token = {}) {
        return copy_in_op(sql, src, &diag, std::forward<Token>(token));
    }
    // A source or sink is a class type: name it (a temporary inside a co_await expression
    // is what g++ 12 miscompiles). It is copied into the operation.
    template <class... Args>
    auto async_copy_in(std::string_view, copy_source&&, Args&&...) = delete;
    template <class... Args>
    auto async_copy_out(std::string_view, copy_sink&&, Args&&...) = delete;

    // COPY ... TO STDOUT (or COPY (query) TO STDOUT) into `sink`, one message at a time
    // (copy_to_file, copy_to_handler).  Signature: void(error_code, std::uint64_t rows).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_copy_out(std::string_view sql, const copy_sink& sink, Token&& token = {}) {
        return copy_out_op(sql, sink, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_copy_out(std::string_view sql, const copy_sink& sink, diagnostics& diag, Token&& token = {}) {
        return copy_out_op(sql, sink, &diag, std::forward<Token>(token));
    }

    // COPY ... TO STDOUT (FORMAT binary) decoded into rows (postgres/copy.hpp): one field
    // per member in declaration order, each read as the binary form of its member's C++
    // type. Rows are appended to `rows` (the form with a copy_row_sink gives each to its
    // handler as it arrives, in constant memory). Data that is not binary COPY
    // (client_errc::not_binary_copy), a field count that differs from the row type's
    // (field_count_mismatch), a NULL into a member that cannot hold one (unexpected_null),
    // a field whose bytes are not its member's type (invalid_field_value) or a malformed
    // header or trailer (invalid_copy_data) cancel the COPY, with the row number, the field
    // and the member in the diagnostics; the connection stays usable. `rows` keeps the rows
    // decoded before a failure.  Signature: void(error_code, std::uint64_t rows).
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_copy_out(std::string_view sql, std::vector<Row>& rows, Token&& token = {}) {
        return copy_out_rows_op(sql, rows_state(rows), nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_copy_out(std::string_view sql, std::vector<Row>& rows, diagnostics& diag, Token&& token = {}) {
        return copy_out_rows_op(sql, rows_state(rows), &diag, std::forward<Token>(token));
    }
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_copy_out(std::string_view sql, const copy_row_sink<Row>& sink, Token&& token = {}) {
        return copy_out_rows_op(sql, detail::copy_row_access::state(sink), nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_copy_out(std::string_view sql, const copy_row_sink<Row>& sink, diagnostics& diag, Token&& token = {}) {
        return copy_out_rows_op(sql, detail::copy_row_access::state(sink), &diag, std::forward<Token>(token));
    }
    template <class Row, class... Args>
    auto async_copy_out(std::string_view, copy_row_sink<Row>&&, Args&&...) = delete;

    // CREATE TABLE from a described row type (postgres/bulk.hpp: create_table_sql).
    // Signature: void(error_code).
    template <class Row, cirrus::detail::completion_token Token = default_token>
    auto async_create_table(const table_name& table, Token&& token = {}) {
        return command_op(create_table_sql<Row>(table), nullptr, std::forward<Token>(token));
    }
    template <class Row, class Token = default_token>
    auto async_create_table(const table_name& table, diagnostics& diag, Token&& token = {}) {
        return command_op(create_table_sql<Row>(table), &diag, std::forward<Token>(token));
    }
    // Inserts a range of rows (a std::vector<Row> ...) through binary COPY
    // (bulk.hpp: copy_in_sql; copy.hpp: copy_from_range). The range must be an lvalue
    // that outlives the operation.  Signature: void(error_code, std::uint64_t rows).
    template <class Range, cirrus::detail::completion_token Token = default_token>
    auto async_insert_rows(const table_name& table, Range&& rows, Token&& token = {}) {
        static_assert(std::is_lvalue_reference_v<Range>, "async_insert_rows: name the range (it must outlive the operation)");
        using Row = std::remove_cvref_t<decltype(*std::begin(rows))>;
        auto src = copy_from_range(rows);
        return copy_in_op(copy_in_sql<Row>(table), src, nullptr, std::forward<Token>(token));
    }
    template <class Range, class Token = default_token>
    auto async_insert_rows(const table_name& table, Range&& rows, diagnostics& diag, Token&& token = {}) {
        static_assert(std::is_lvalue_reference_v<Range>, "async_insert_rows: name the range (it must outlive the operation)");
        using Row = std::remove_cvref_t<decltype(*std::begin(rows))>;
        auto src = copy_from_range(rows);
        return copy_in_op(copy_in_sql<Row>(table), src, &diag, std::forward<Token>(token));
    }

    // LISTEN / UNLISTEN on a channel (quoted as an identifier: the exact name given).
    // Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_listen(std::string_view channel, Token&& token = {}) {
        return command_op("LISTEN " + quote_identifier(channel), nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_listen(std::string_view channel, diagnostics& diag, Token&& token = {}) {
        return command_op("LISTEN " + quote_identifier(channel), &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_unlisten(std::string_view channel, Token&& token = {}) {
        return command_op("UNLISTEN " + quote_identifier(channel), nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_unlisten(std::string_view channel, diagnostics& diag, Token&& token = {}) {
        return command_op("UNLISTEN " + quote_identifier(channel), &diag, std::forward<Token>(token));
    }
    // The oldest notification received (during any operation: they are queued), or the
    // next one the server sends. While it waits no other operation can run on the
    // connection; cancel it (a bound cancellation slot, `||` with a timer) to run one:
    // the connection stays usable. A lost connection completes it with the error (and
    // the connection is closed): postgres::listener reconnects by itself.
    // Signature: void(error_code, notification).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_next_notification(Token&& token = {}) {
        return next_notification_op(nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_next_notification(diagnostics& diag, Token&& token = {}) {
        return next_notification_op(&diag, std::forward<Token>(token));
    }

    // Sends Terminate and closes the socket.  Signature: void(error_code).
    // Sends every query of `p` before reading any result (postgres/pipeline.hpp). `p` and
    // `out` must outlive the operation. Completes with the first failed step's error (and
    // its diagnostics); `out` holds every step's outcome either way.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_run_pipeline(const pipeline& p, pipeline_results& out, Token&& token = {}) {
        return pipeline_op(p, out, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_run_pipeline(const pipeline& p, pipeline_results& out, diagnostics& diag, Token&& token = {}) {
        return pipeline_op(p, out, &diag, std::forward<Token>(token));
    }

    template <class Token = default_token>
    auto async_close(Token&& token = {}) {
        return start<void>(nullptr, std::forward<Token>(token),
                           [](detail::connection_impl* impl, diagnostics&, const auto&) {
                               return detail::run_terminate(*impl);
                           });
    }

    // Closes the socket at once.
    void close() { detail::close_now(*impl_); }

private:
    friend class transaction;
    friend struct detail::pool_access;

    template <class R, class Token, class Body>
    auto start(diagnostics* diag, Token&& token, Body body) {
        return cirrus::detail::async_op(executor_, std::forward<Token>(token),
                                        detail::connection_op<R, Body>{impl_, std::move(body)}, diag,
                                        &detail::last_diagnostics(*impl_));
    }

    template <class Token>
    auto command_op(std::string sql, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::move(sql)](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_transaction_command(*impl, sql, d, sig);
                           });
    }
    template <class Token>
    auto next_notification_op(diagnostics* diag, Token&& token) {
        return start<notification>(diag, std::forward<Token>(token),
                                   [](detail::connection_impl* impl, diagnostics& d, notification& out,
                                      const auto& sig) { return detail::run_next_notification(*impl, out, d, sig); });
    }
    template <class Token>
    auto copy_in_op(std::string_view sql, const copy_source& src, diagnostics* diag, Token&& token) {
        return start<std::uint64_t>(diag, std::forward<Token>(token),
                                    [sql = std::string(sql), src](
                                        detail::connection_impl* impl, diagnostics& d, std::uint64_t& rows,
                                        const auto& sig) { return detail::run_copy_in(*impl, sql, src, rows, d, sig); });
    }
    template <class Token>
    auto copy_out_op(std::string_view sql, const copy_sink& sink, diagnostics* diag, Token&& token) {
        return start<std::uint64_t>(diag, std::forward<Token>(token),
                                    [sql = std::string(sql), sink](
                                        detail::connection_impl* impl, diagnostics& d, std::uint64_t& rows,
                                        const auto& sig) { return detail::run_copy_out(*impl, sql, sink, rows, d, sig); });
    }
    template <class Row>
    static std::shared_ptr<detail::copy_row_state<Row>> rows_state(std::vector<Row>& rows) {
        static_assert(detail::check_copy_out_row<Row>());
        return std::make_shared<detail::copy_row_state<Row>>([out = &rows](Row&& row) {
            out->push_back(std::move(row));
            return error_code{};
        });
    }
    template <class Row, class Token>
    auto copy_out_rows_op(std::string_view sql, std::shared_ptr<detail::copy_row_state<Row>> st, diagnostics* diag,
                          Token&& token) {
        return start<std::uint64_t>(diag, std::forward<Token>(token),
                                    [sql = std::string(sql), st = std::move(st)](detail::connection_impl* impl,
                                                                                 diagnostics& d, std::uint64_t& rows,
                                                                                 const auto& sig) {
                                        return copy_out_rows(impl, sql, st, rows, d, sig);
                                    });
    }
    template <class Token>
    auto pipeline_op(const pipeline& p, pipeline_results& out, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [&p, &out](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_pipeline(*impl, p, out, d, sig);
                           });
    }
    template <class Token>
    auto connect_op(const connect_params& params, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [params](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_connect(*impl, params, d, sig);
                           });
    }
    template <class Token>
    auto connect_string_op(std::string_view conninfo, diagnostics* diag, Token&& token) {
        connect_params params;
        diagnostics parse_diag;
        auto parse_ec = parse_connection_string(conninfo, params, &parse_diag);
        return start<void>(diag, std::forward<Token>(token),
                           [params = std::move(params), parse_ec,
                            parse_diag = std::move(parse_diag)](detail::connection_impl* impl, diagnostics& d,
                                                                const auto& sig) {
                               return connect_parsed(impl, params, parse_ec, parse_diag, d, sig);
                           });
    }
    template <class Token>
    auto query_op(std::string_view sql, results& out, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(sql), &out](detail::connection_impl* impl, diagnostics& d,
                                                          const auto& sig) {
                               return detail::run_simple_query(*impl, sql, out, d, sig);
                           });
    }
    template <class Token>
    auto execute_op(const bound_query& q, results& out, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(q.sql), params = q.params, &out](detail::connection_impl* impl,
                                                                               diagnostics& d, const auto& sig) {
                               return detail::run_execute_query(*impl, sql, params, out, d, sig);
                           });
    }
    template <class Token>
    auto execute_statement_op(const bound_statement& s, results& out, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [stmt = s.statement(), params = s.params(), &out](detail::connection_impl* impl,
                                                                             diagnostics& d, const auto& sig) {
                               return detail::run_execute_statement(*impl, stmt, params, out, d, sig);
                           });
    }
    template <class Row, class Token>
    auto typed_query_op(std::string_view sql, std::vector<Row>& rows, diagnostics* diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(sql), &rows](detail::connection_impl* impl, diagnostics& d,
                                                           const auto& sig) {
                               return typed_query(impl, sql, rows, d, sig);
                           });
    }
    template <class Row, class Token>
    auto typed_execute_op(const bound_query& q, std::vector<Row>& rows, diagnostics* diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(q.sql), params = q.params, &rows](detail::connection_impl* impl,
                                                                                diagnostics& d, const auto& sig) {
                               return typed_execute(impl, sql, params, rows, d, sig);
                           });
    }
    template <class Row, class Token>
    auto typed_statement_op(const bound_statement& s, std::vector<Row>& rows, diagnostics* diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return start<void>(diag, std::forward<Token>(token),
                           [stmt = s.statement(), params = s.params(), &rows](detail::connection_impl* impl,
                                                                              diagnostics& d, const auto& sig) {
                               return typed_execute_statement(impl, stmt, params, rows, d, sig);
                           });
    }
    template <class Token>
    auto start_execution_op(std::string_view sql, const detail::param_list& params, const statement* stmt,
                            execution_state& st, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(sql), params, stmt = stmt ? *stmt : statement{}, prepared = stmt != nullptr,
                            &st](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_start_execution(*impl, sql, params, prepared ? &stmt : nullptr, st, d,
                                                                  sig);
                           });
    }
    template <class Row, class Token>
    auto read_some_rows_op(execution_state& st, std::vector<Row>& rows, diagnostics* diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return start<void>(diag, std::forward<Token>(token),
                           [&st, &rows](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::read_row_batch(impl, st, rows, d, sig);
                           });
    }
    template <class Token>
    auto prepare_op(std::string_view sql, diagnostics* diag, Token&& token) {
        return start<statement>(diag, std::forward<Token>(token),
                                [sql = std::string(sql)](detail::connection_impl* impl, diagnostics& d, statement& out,
                                                         const auto& sig) {
                                    return detail::run_prepare(*impl, sql, out, d, sig);
                                });
    }
    template <class Token>
    auto close_statement_op(const statement& stmt, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [stmt](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_close_statement(*impl, stmt, d, sig);
                           });
    }
    template <class Token>
    auto begin_op(std::string_view begin_sql, diagnostics* diag, Token&& token);
    template <class Token>
    auto transaction_command(const char* sql, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [sql = std::string(sql)](detail::connection_impl* impl, diagnostics& d, const auto& sig) {
                               return detail::run_transaction_command(*impl, sql, d, sig);
                           });
    }

    // Coroutine bodies take everything by value or by caller-owned reference.
    static asio::awaitable<error_code> connect_parsed(detail::connection_impl* impl, const connect_params& params,
                                                      error_code parse_ec, const diagnostics& parse_diag,
                                                      diagnostics& diag, std::shared_ptr<detail::op_signal> sig) {
        if (parse_ec) {
            diag = parse_diag;
            co_return parse_ec;
        }
        co_return co_await detail::run_connect(*impl, params, diag, std::move(sig));
    }
    template <class Row>
    static asio::awaitable<error_code> typed_query(detail::connection_impl* impl, const std::string& sql,
                                                   std::vector<Row>& rows, diagnostics& diag,
                                                   std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await detail::run_simple_query(*impl, sql, r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    template <class Row>
    static asio::awaitable<error_code> typed_execute(detail::connection_impl* impl, const std::string& sql,
                                                     const detail::param_list& params, std::vector<Row>& rows,
                                                     diagnostics& diag, std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await detail::run_execute_query(*impl, sql, params, r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    template <class Row>
    static asio::awaitable<error_code> typed_execute_statement(detail::connection_impl* impl, const statement& stmt,
                                                               const detail::param_list& params, std::vector<Row>& rows,
                                                               diagnostics& diag,
                                                               std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await detail::run_execute_statement(*impl, stmt, params, r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    template <class Row>
    static asio::awaitable<error_code> copy_out_rows(detail::connection_impl* impl, const std::string& sql,
                                                     std::shared_ptr<detail::copy_row_state<Row>> st,
                                                     std::uint64_t& rows, diagnostics& diag,
                                                     std::shared_ptr<detail::op_signal> sig) {
        st->reset();
        st->decoder.limit_tuple_bytes(detail::max_message_size(*impl));
        const copy_sink sink = detail::copy_row_state_sink(st);
        auto ec = co_await detail::run_copy_out(*impl, sql, sink, rows, diag, std::move(sig));
        if (ec && st->explains(ec)) diag.assign_client(st->explanation());
        co_return ec;
    }
    static asio::awaitable<error_code> begin_transaction(std::shared_ptr<detail::connection_impl> impl,
                                                         const std::string& sql, diagnostics& diag, transaction& out,
                                                         std::shared_ptr<detail::op_signal> sig);

    template <class Row>
    static error_code read_typed(const results& r, std::vector<Row>& rows, diagnostics& diag) {
        if (r.empty() || !r.front().has_columns()) {
            diag.assign_client("the statement returned no rows to read");
            return make_error_code(client_errc::no_result_set);
        }
        return read_rows(r.front(), rows, &diag);
    }

    std::shared_ptr<detail::connection_impl> impl_;
    executor_type executor_;
};

// A transaction begun with connection::async_begin. Commit or roll back explicitly; if
// the object is destroyed while the transaction is still open (a coroutine left by an
// exception, an early co_return), the connection issues ROLLBACK before its next
// operation, so no later statement runs inside the abandoned transaction.
class transaction {
public:
    transaction() = default;
    transaction(transaction&& other) noexcept
        : impl_(std::move(other.impl_)), session_(other.session_), active_(std::exchange(other.active_, false)) {}
    transaction& operator=(transaction&& other) noexcept {
        if (this != &other) {
            abandon();
            impl_ = std::move(other.impl_);
            session_ = other.session_;
            active_ = std::exchange(other.active_, false);
        }
        return *this;
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction() { abandon(); }

    // True until committed or rolled back through this object.
    bool active() const noexcept { return active_; }

    // Precondition: the transaction came from connection::async_begin. The transaction
    // is finished whatever the outcome.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_commit(Token&& token = {}) {
        return finish("COMMIT", nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_commit(diagnostics& diag, Token&& token = {}) {
        return finish("COMMIT", &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_rollback(Token&& token = {}) {
        return finish("ROLLBACK", nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_rollback(diagnostics& diag, Token&& token = {}) {
        return finish("ROLLBACK", &diag, std::forward<Token>(token));
    }

private:
    friend class connection;
    explicit transaction(std::shared_ptr<detail::connection_impl> impl) noexcept
        : impl_(std::move(impl)), session_(detail::session_id(*impl_)), active_(true) {}

    void abandon() noexcept {
        if (active_ && impl_) detail::schedule_rollback(*impl_, session_);
        active_ = false;
    }

    static asio::awaitable<error_code> finish_body(detail::connection_impl* impl, bool was_active,
                                                   std::uint64_t session, const std::string& sql, diagnostics& diag,
                                                   std::shared_ptr<detail::op_signal> sig) {
        if (!was_active || session != detail::session_id(*impl)) {
            diag.assign_client("the transaction is no longer active");
            co_return make_error_code(errc::invalid_argument);
        }
        co_return co_await detail::run_transaction_command(*impl, sql, diag, std::move(sig));
    }

    template <class Token>
    auto finish(const char* sql, diagnostics* diag, Token&& token) {
        bool was_active = std::exchange(active_, false);
        auto body = [was_active, session = session_, sql = std::string(sql)](detail::connection_impl* impl,
                                                                             diagnostics& d, const auto& sig) {
            return finish_body(impl, was_active, session, sql, d, sig);
        };
        return cirrus::detail::async_op(detail::session_executor(*impl_), std::forward<Token>(token),
                                        detail::connection_op<void, decltype(body)>{impl_, std::move(body)}, diag,
                                        &detail::last_diagnostics(*impl_));
    }

    std::shared_ptr<detail::connection_impl> impl_;
    std::uint64_t session_ = 0;
    bool active_ = false;
};

inline asio::awaitable<error_code> connection::begin_transaction(std::shared_ptr<detail::connection_impl> impl,
                                                                 const std::string& sql, diagnostics& diag,
                                                                 transaction& out,
                                                                 std::shared_ptr<detail::op_signal> sig) {
    auto ec = co_await detail::run_transaction_command(*impl, sql, diag, std::move(sig));
    if (!ec) out = transaction(std::move(impl));
    co_return ec;
}

template <class Token>
auto connection::begin_op(std::string_view begin_sql, diagnostics* diag, Token&& token) {
    return start<transaction>(diag, std::forward<Token>(token),
                              [keep = impl_, sql = std::string(begin_sql)](detail::connection_impl*, diagnostics& d,
                                                                           transaction& out, const auto& sig) {
                                  return begin_transaction(keep, sql, d, out, sig);
                              });
}

} // namespace cirrus::postgres
