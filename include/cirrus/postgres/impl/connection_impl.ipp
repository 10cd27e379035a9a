#pragma once
// Definitions for postgres/detail/connection_impl.hpp: the protocol coroutines of a
// connection: the extended and simple query flows, operation framing and cancellation
// (connection establishment: impl/connect.ipp; streamed rows: impl/execution.ipp).

#include <cirrus/postgres/detail/connection_impl.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <algorithm>
#include <exception>

namespace cirrus::postgres {
namespace detail {

inline asio::awaitable<void> send_cancel_request(cancel_target target, std::chrono::milliseconds timeout,
                                                 std::shared_ptr<cancel_flight> flight) {
    auto ex = co_await asio::this_coro::executor;
    cirrus::buffer msg;
    write_cancel_request(msg, target.key.process_id, target.key.secret_key);
    asio::steady_timer deadline(ex);
    deadline.expires_after(timeout);
    // The socket is shared with the deadline handler, which may run after this frame.
    auto run = [&](auto sock, auto endpoint) -> asio::awaitable<void> {
        deadline.async_wait([sock](error_code ec) {
            if (!ec) {
                error_code ignored;
                sock->close(ignored);
            }
        });
        auto [ec] = co_await sock->async_connect(endpoint, as_tuple_awaitable);
        if (!ec) {
            auto [wec, n] = co_await asio::async_write(*sock, asio::buffer(msg.data(), msg.size()), as_tuple_awaitable);
            (void)n;
            if (!wec) {
                char b[64];
                for (;;) {
                    auto [rec, rn] = co_await sock->async_read_some(asio::buffer(b), as_tuple_awaitable);
                    (void)rn;
                    if (rec) break;
                }
            }
        }
        deadline.cancel();
        error_code ignored;
        sock->close(ignored);
    };
    if (auto* tcp_ep = std::get_if<asio::ip::tcp::endpoint>(&target.where)) {
        co_await run(std::make_shared<asio::ip::tcp::socket>(ex), *tcp_ep);
    } else if (auto* path = std::get_if<std::string>(&target.where)) {
        co_await run(std::make_shared<asio::local::stream_protocol::socket>(ex),
                     asio::local::stream_protocol::endpoint(*path));
    }
    flight->finish();
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::simple_query(std::string sql, results& out, diagnostics& diag,
                                                                      std::shared_ptr<op_signal> sig) {
    out.clear();
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    auto ec = co_await simple_query_body(sql, &out, diag);
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::execute_query(std::string sql, param_list params, results& out,
                                                                       diagnostics& diag,
                                                                       std::shared_ptr<op_signal> sig) {
    out.clear();
    diag.clear();
    if (auto ec = refused_parameter(params, diag)) co_return ec;
    batch_query q;
    q.sql = &sql;
    q.params = &params;
    q.out = &out;
    if (auto ec = co_await start_op(diag, sig, &q)) co_return ec;
    if (q.done) co_return error_code{}; // answered in a batch (the error, if any, returned above)
    auto ec = co_await execute_cached(sql, params, &out, nullptr, diag);
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::execute_statement(statement stmt, param_list params,
                                                                           results& out, diagnostics& diag,
                                                                           std::shared_ptr<op_signal> sig) {
    out.clear();
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    error_code ec;
    if (!stmt.valid() || statement_access::owner(stmt) != this || statement_access::session(stmt) != session_) {
        diag.assign_client("the statement was prepared on another connection or session");
        ec = make_error_code(client_errc::statement_not_owned);
    } else {
        ec = refused_parameter(params, diag);
        if (!ec) ec = co_await bind_execute(stmt.name(), stmt.param_types(), stmt.columns(), params, out, diag);
    }
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<std::pair<error_code, statement>> connection_impl::prepare(std::string sql,
                                                                                       diagnostics& diag,
                                                                                       std::shared_ptr<op_signal> sig) {
    if (auto ec = co_await start_op(diag, sig)) co_return std::pair<error_code, statement>{ec, statement{}};
    std::string name = "cirrus_p" + std::to_string(++statement_counter_);
    cached_statement desc;
    const std::vector<oid_t> no_types; // let the server infer every parameter type
    auto ec = co_await parse_describe(name, sql, no_types, desc, diag);
    statement stmt;
    if (!ec)
        stmt = statement_access::make(name, std::move(sql), std::move(desc.param_types), std::move(desc.columns), this,
                                      session_);
    ec = co_await end_op(ec, diag);
    co_return std::pair<error_code, statement>{ec, ec ? statement{} : std::move(stmt)};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::close_statement(statement stmt, diagnostics& diag,
                                                                         std::shared_ptr<op_signal> sig) {
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    error_code ec;
    if (statement_access::owner(stmt) != this || statement_access::session(stmt) != session_) {
        ec = make_error_code(client_errc::statement_not_owned);
    } else {
        ec = co_await run_pending_rollback(diag);
        if (!ec) {
            write_close(out_, 'S', stmt.name());
            write_sync(out_);
            response_collector c;
            ec = co_await exchange(c, diag);
        }
    }
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::transaction_command(std::string sql, diagnostics& diag,
                                                                             std::shared_ptr<op_signal> sig) {
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    results r;
    auto ec = co_await simple_query_body(sql, &r, diag);
    if (!ec && sql == "COMMIT" && !r.empty() && r.back().command_tag() == "ROLLBACK") {
        diag.assign_client("the transaction had failed; COMMIT rolled it back");
        ec = make_error_code(client_errc::commit_rolled_back);
    }
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::terminate() {
    if (state_ == state::ready) {
        out_.clear();
        write_terminate(out_);
        co_await stream_.write(asio::buffer(out_.data(), out_.size()));
    }
    fail_connection();
    co_return error_code{};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::next_notification(notification& out, diagnostics& diag,
                                                                           std::shared_ptr<op_signal> sig) {
    diag.clear();
    if (!notifications_.empty()) {
        out = notifications_.pop();
        co_return error_code{};
    }
    if (state_ == state::busy || state_ == state::connecting || (exec_.active && !exec_.abandoned) ||
        turn_reserved_ || !turn_queue_.empty()) {
        diag.assign_client("another operation is in progress on this connection");
        co_return make_error_code(client_errc::operation_in_progress);
    }
    if (state_ != state::ready) {
        diag.assign_client("the connection is not open");
        co_return make_error_code(client_errc::not_connected);
    }
    if (sig->requested) co_return asio::error::operation_aborted;
    if (exec_.active) {
        state_ = state::busy;
        auto dec = co_await drain_execution(diag);
        if (dec) co_return dec;
        state_ = state::ready;
    }
    // Between queries the server sends only asynchronous messages (and a FATAL error
    // before it closes the connection). A canceled read consumes nothing, so the
    // connection stays in step with the server.
    state_ = state::busy;
    bool canceled = false;
    sig->on_cancel = [this, &canceled](asio::cancellation_type_t) {
        canceled = true;
        stream_.cancel();
    };
    error_code ec;
    while (notifications_.empty() && !canceled) {
        message_view m;
        ec = co_await read_message(m);
        if (ec) {
            if (canceled && ec == asio::error::operation_aborted) break;
            if (ec == errc::message_too_large) describe_oversize(diag, " while waiting for notifications");
            else if (ec == errc::protocol_error) diag.assign_client("the server sent an invalid message");
            else diag.assign_client("the connection was lost while waiting for notifications: " + ec.message());
            break;
        }
        if (handle_async(m, ec)) {
            if (ec) {
                diag.assign_client("the server sent an invalid message");
                break;
            }
            continue;
        }
        if (m.type == msg::error_response) {
            // FATAL: administrator shutdown, terminated backend, idle session timeout ...
            server_message_fields f;
            if (!(ec = parse_server_message(m.body, f))) {
                diag.assign_server(f);
                ec = sqlstate_error(f.sqlstate);
            }
            break;
        }
        diag.assign_client("unexpected message while waiting for notifications");
        ec = make_error_code(client_errc::unexpected_message);
        break;
    }
    sig->on_cancel = nullptr;
    if (canceled && notifications_.empty()) {
        if (state_ == state::busy) state_ = state::ready;
        co_return asio::error::operation_aborted;
    }
    if (ec) {
        fail_connection();
        co_return ec;
    }
    state_ = state::ready;
    out = notifications_.pop();
    co_return error_code{};
}

CIRRUS_DECL void connection_impl::fail_connection() {
    abort_io();
    connect_timer_.cancel();
    query_timer_.cancel();
    grace_timer_.cancel();
    state_ = state::closed;
    reader_.reset();
    out_.clear();
    forget_statements();
    rollback_pending_ = false;
    txn_ = transaction_status::idle;
    exec_ = {};
    // Operations waiting for their turn fail now; one granted the turn fails when it resumes.
    op_framed_ = false;
    while (!turn_queue_.empty()) {
        turn_waiter* w = turn_queue_.front();
        turn_queue_.pop_front();
        w->resume(turn_waiter::status::closed);
    }
}

CIRRUS_DECL void connection_impl::describe_oversize(diagnostics& diag, std::string_view when) {
    std::string m = "the server sent a message";
    if (oversize_type_ != 0) {
        m += " of type '";
        m += oversize_type_;
        m += '\'';
    }
    m += " of " + std::to_string(oversize_bytes_) + " bytes" + std::string(when) + ", over the limit of " +
         std::to_string(reader_.max_message_size()) +
         " bytes set by connection_options::max_message_size; the connection was closed";
    diag.assign_client(m);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::flush() {
    auto [ec, n] = co_await stream_.write(asio::buffer(out_.data(), out_.size()));
    (void)n;
    out_.clear();
    co_return ec;
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::read_message(message_view& m) {
    for (;;) {
        auto r = reader_.next();
        if (r.status == frame_status::complete) {
            m = r.message;
            co_return error_code{};
        }
        if (r.status == frame_status::error) {
            if (r.error == errc::message_too_large) {
                oversize_bytes_ = r.size;
                oversize_type_ = r.message.type;
            }
            co_return r.error;
        }
        auto space = reader_.prepare();
        auto [ec, n] = co_await stream_.read_some(asio::buffer(space.data(), space.size()));
        if (ec) co_return ec;
        if (n == 0) co_return make_error_code(asio::error::eof);
        reader_.commit(n);
    }
}

CIRRUS_DECL bool connection_impl::handle_async(const message_view& m, error_code& ec) {
    switch (m.type) {
    case msg::notice_response: {
        notice n;
        ec = parse_server_message(m.body, n);
        if (!ec && notice_handler_) notice_handler_(n);
        return true;
    }
    case msg::parameter_status: {
        std::string_view name, value;
        ec = parse_parameter_status(m.body, name, value);
        if (!ec) server_params_.set(name, value);
        return true;
    }
    case msg::notification_response: {
        // Kept for async_next_notification whatever operation is running.
        notification n;
        ec = parse_notification(m.body, n);
        if (!ec) notifications_.push(std::move(n));
        return true;
    }
    default: return false;
    }
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::exchange(response_collector& c, diagnostics& diag) {
    if (auto ec = co_await flush()) {
        if (ec != asio::error::operation_aborted)
            diag.assign_client("the connection to the server was lost (" + ec.message() + "); it was closed");
        fail_connection();
        co_return ec;
    }
    cirrus::buffer reply;
    while (!c.done) {
        message_view m;
        auto ec = co_await read_message(m);
        bool io_error = static_cast<bool>(ec);
        if (!ec && !handle_async(m, ec)) ec = c.on_message(m, reply);
        // Stops the server's work too; the rest of the answer is read and dropped.
        if (c.limit_exceeded) request_cancel(cancel_reason::result_limit);
        if (ec) {
            if (io_error && c.has_server_error) {
                // A FATAL error (administrator shutdown, terminated backend ...) is
                // followed by the server closing the connection: report the error.
                diag.assign_server(c.error);
                ec = c.result_code();
            } else if (ec == errc::message_too_large) {
                describe_oversize(diag, "");
            } else if (ec == errc::protocol_error) {
                diag.assign_client("the server sent an invalid message; the connection was closed");
            } else if (io_error && ec != asio::error::operation_aborted) {
                diag.assign_client("the connection to the server was lost (" + ec.message() + "); it was closed");
            }
            fail_connection();
            co_return ec;
        }
        if (!reply.empty()) {
            auto [wec, n] = co_await stream_.write(asio::buffer(reply.data(), reply.size()));
            (void)n;
            reply.clear();
            if (wec) {
                fail_connection();
                co_return wec;
            }
        }
    }
    txn_ = c.txn;
    if (c.has_server_error) diag.assign_server(c.error);
    else if (c.copy_refused) diag.assign_client("COPY is not supported by this operation");
    co_return c.result_code();
}

CIRRUS_DECL error_code connection_impl::begin_op(diagnostics& diag, const std::shared_ptr<op_signal>& sig,
                                                 bool stream_call) {
    diag.clear();
    turn_reserved_ = false;
    if (state_ == state::busy || state_ == state::connecting) {
        diag.assign_client("another operation is in progress on this connection");
        return make_error_code(client_errc::operation_in_progress);
    }
    if (exec_.active && !exec_.abandoned && !stream_call && state_ == state::ready) {
        diag.assign_client("a streamed execution is in progress on this connection: read its rows to the end, "
                           "or destroy its execution_state");
        return make_error_code(client_errc::operation_in_progress);
    }
    if (state_ != state::ready) {
        diag.assign_client("the connection is not open");
        return make_error_code(client_errc::not_connected);
    }
    if (sig->requested) return asio::error::operation_aborted;
    state_ = state::busy;
    op_framed_ = true;
    cancel_reason_ = cancel_reason::none;
    flight_.reset();
    ++op_id_;
    sig->on_cancel = [this](asio::cancellation_type_t t) {
        using ct = asio::cancellation_type;
        if ((t & (ct::terminal | ct::partial | ct::total)) != ct::none) request_cancel(cancel_reason::user);
    };
    current_sig_ = sig;
    if (opts_.query_timeout.count() > 0) {
        query_timer_.expires_after(opts_.query_timeout);
        query_timer_.async_wait([weak = weak_from_this(), id = op_id_](error_code ec) {
            auto self = weak.lock();
            if (!ec && self && id == self->op_id_ && self->state_ == state::busy)
                self->request_cancel(cancel_reason::timeout);
        });
    }
    return {};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::end_op(error_code ec, diagnostics& diag) {
    query_timer_.cancel();
    grace_timer_.cancel();
    bool requested = false; // this operation was canceled (not another one of its batch)
    if (current_sig_) {
        requested = current_sig_->requested;
        current_sig_->on_cancel = nullptr;
        current_sig_.reset();
    }
    // A CancelRequest still on its way must arrive before the next query starts, or
    // it could cancel that one instead.
    if (flight_ && !flight_->done && state_ == state::busy) {
        auto f = flight_;
        co_await f->event.async_wait(as_tuple_awaitable);
    }
    flight_.reset();
    // A buffer that grew for a large row is released once the operation is over (unless
    // the caller holds views into it).
    if (!keep_buffer_) reader_.shrink_if_idle(1024 * 1024);
    keep_buffer_ = false;
    if (cancel_reason_ == cancel_reason::result_limit) {
        diag.assign_client("the results exceeded connection_options::max_result_bytes (" +
                           std::to_string(opts_.max_result_bytes) +
                           " bytes); the query was canceled and the rows dropped");
        ec = make_error_code(client_errc::result_too_large);
    } else if (cancel_reason_ != cancel_reason::none) {
        bool canceled_by_server = ec == sqlstate::query_canceled;
        if (cancel_reason_ == cancel_reason::timeout && (canceled_by_server || state_ != state::busy)) {
            diag.assign_client("query timeout: the query was canceled");
            ec = make_error_code(client_errc::query_timeout);
        } else if (cancel_reason_ == cancel_reason::user && requested && (canceled_by_server || state_ != state::busy)) {
            if (!canceled_by_server) diag.assign_client("operation canceled; the connection was closed");
            ec = asio::error::operation_aborted;
        }
    }
    if (state_ == state::busy) state_ = state::ready;
    op_framed_ = false;
    pass_turn();
    co_return ec;
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::start_op(diagnostics& diag,
                                                                  const std::shared_ptr<op_signal>& sig,
                                                                  batch_query* query, bool stream_call) {
    if (must_wait()) {
        if (sig->requested) co_return asio::error::operation_aborted;
        turn_waiter w(*this, ex_);
        w.query = query;
        w.diag = &diag;
        w.sig = sig.get();
        turn_queue_.push_back(&w);
        if (query && stream_more_) stream_more_->cancel(); // a stream of queries may take it
        sig->on_cancel = [this, &w](asio::cancellation_type_t t) { on_waiter_cancel(w, t); };
        co_await w.wake.async_wait(as_tuple_awaitable);
        sig->on_cancel = nullptr;
        switch (w.st) {
        case turn_waiter::status::done:
            // Answered in a batch: the results and diagnostics are in place.
            w.st = turn_waiter::status::running;
            co_return w.result;
        case turn_waiter::status::aborted:
            diag.assign_client("operation canceled while it waited for its turn on the connection");
            co_return asio::error::operation_aborted;
        case turn_waiter::status::closed:
            diag.assign_client("the connection was closed while the operation waited for its turn");
            co_return make_error_code(client_errc::not_connected);
        default: break;
        }
        w.st = turn_waiter::status::running;
    }
    auto ec = begin_op(diag, sig, stream_call);
    if (ec) pass_turn(); // the turn this operation was given goes on to the next
    co_return ec;
}

CIRRUS_DECL void connection_impl::pass_turn() {
    if (op_framed_ || turn_reserved_ || turn_queue_.empty()) return;
    turn_reserved_ = true;
    if (turn_queue_.front()->query) {
        // Queries go together, run by a coroutine of the connection's own: each completes
        // as soon as its answer is in, not when the whole batch is.
        asio::co_spawn(ex_, drive_batch(shared_from_this()), asio::detached);
        return;
    }
    turn_waiter* w = turn_queue_.front();
    turn_queue_.pop_front();
    w->resume(turn_waiter::status::granted);
}

CIRRUS_DECL void connection_impl::on_waiter_cancel(turn_waiter& w, asio::cancellation_type_t t) {
    using ct = asio::cancellation_type;
    if ((t & (ct::terminal | ct::partial | ct::total)) == ct::none) return;
    if (w.st == turn_waiter::status::queued) {
        unqueue(w);
        w.resume(turn_waiter::status::aborted);
    } else if (w.st == turn_waiter::status::batched) {
        // Sent already: a CancelRequest stops whichever statement the server runs, so it
        // goes only once the answers before this query are in.
        if (w.batch_index == batch_answered_) request_cancel(cancel_reason::user);
        else w.cancel_wanted = true;
    }
}

CIRRUS_DECL std::vector<turn_waiter*> connection_impl::take_batch() {
    constexpr std::size_t max_batch = 256; // queries per pipeline
    std::vector<turn_waiter*> batch;
    while (!turn_queue_.empty() && batch.size() < max_batch) {
        turn_waiter* w = turn_queue_.front();
        if (!w->query) break; // an operation that runs alone, in its own turn
        turn_queue_.pop_front();
        w->st = turn_waiter::status::batched;
        w->batch_index = batch.size();
        batch.push_back(w);
    }
    return batch;
}

CIRRUS_DECL error_code connection_impl::batched_outcome(error_code ec, diagnostics& diag, bool requested) const {
    if (!ec) return ec;
    bool const canceled_by_server = ec == sqlstate::query_canceled;
    if (requested && (canceled_by_server || state_ != state::busy)) {
        if (!canceled_by_server) diag.assign_client("operation canceled; the connection was closed");
        return asio::error::operation_aborted;
    }
    if (!canceled_by_server) return ec;
    if (cancel_reason_ == cancel_reason::timeout) {
        diag.assign_client("query timeout: the query was canceled");
        return make_error_code(client_errc::query_timeout);
    }
    if (cancel_reason_ == cancel_reason::result_limit) {
        diag.assign_client("the results of the pipeline this query was sent in exceeded "
                           "connection_options::max_result_bytes (" +
                           std::to_string(opts_.max_result_bytes) + " bytes); the query was canceled");
        return make_error_code(client_errc::result_too_large);
    }
    return ec;
}

CIRRUS_DECL void connection_impl::answer_batched(turn_waiter& w, error_code ec, diagnostics&& d) {
    *w.diag = std::move(d);
    w.result = batched_outcome(ec, *w.diag, w.sig->requested);
    w.query->done = true;
    w.resume(turn_waiter::status::done);
}

CIRRUS_DECL bool connection_impl::keep_stale(turn_waiter& w, error_code ec, const diagnostics& d) {
    if (!stale_statement(ec, d) || w.retried || txn_ != transaction_status::idle || opts_.statement_cache_capacity == 0) return false;
    w.retried = true;
    w.query->out->clear();
    stale_.push_back(&w);
    return true;
}

CIRRUS_DECL void connection_impl::requeue_stale() {
    if (stale_.empty()) return;
    // Their statements leave the cache (closed on the server where they still exist).
    for (auto* w : stale_) evict_cached(statement_key(*w->query->sql, w->query->params->types()), true);
    for (auto it = stale_.rbegin(); it != stale_.rend(); ++it) {
        (*it)->st = turn_waiter::status::queued;
        (*it)->cancel_wanted = false;
        turn_queue_.push_front(*it);
    }
    stale_.clear();
}

CIRRUS_DECL void connection_impl::abandon_batched(turn_waiter& w) noexcept {
    try {
        w.diag->assign_client("the connection was closed before the query's answer arrived");
    } catch (...) {
    }
    w.result = make_error_code(client_errc::not_connected);
    w.query->done = true;
    w.resume(turn_waiter::status::done);
}

CIRRUS_DECL void connection_impl::unqueue(turn_waiter& w) noexcept {
    if (auto it = std::find(turn_queue_.begin(), turn_queue_.end(), &w); it != turn_queue_.end()) turn_queue_.erase(it);
}

CIRRUS_DECL const cached_statement* connection_impl::cached_for(const batch_query& q) {
    if (opts_.statement_cache_capacity == 0) return nullptr;
    auto it = cache_.find(statement_key(*q.sql, q.params->types()));
    if (it == cache_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return &it->second.stmt;
}

CIRRUS_DECL asio::awaitable<void> connection_impl::drive_batch(std::shared_ptr<connection_impl> self) {
    (void)self; // keeps the connection alive while its batch runs
    turn_reserved_ = false;
    if (turn_queue_.empty() || !turn_queue_.front()->query) { // the next query was canceled meanwhile
        pass_turn();
        co_return;
    }
    auto sig = std::make_shared<op_signal>();
    diagnostics diag;
    error_code ec = begin_op(diag, sig);
    if (ec) {
        for (auto* w : take_batch()) {
            diagnostics d = diag;
            answer_batched(*w, ec, std::move(d));
        }
        pass_turn();
        co_return;
    }
    bool thrown = false;
    try {
        // Statements already cached stream; otherwise one batch prepares what it needs.
        if (cached_for(*turn_queue_.front()->query)) {
            ec = co_await stream_queries(diag);
        } else {
            auto batch = take_batch();
            ec = co_await run_batch(batch, diag);
        }
    } catch (...) {
        // A callback of the caller's threw (a notice handler): the session is at an unknown
        // point of the protocol. The queries taken were answered; the connection closes.
        thrown = true;
    }
    requeue_stale(); // before the turn passes on: they go first
    if (thrown) {
        fail_connection(); // the queue fails with it
        co_return;
    }
    co_await end_op(ec, diag);
}

// The writer and reader lambdas live in the coroutine frame (g++: -Wsubobject-linkage).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
CIRRUS_DECL asio::awaitable<error_code> connection_impl::stream_queries(diagnostics& diag) {
    struct entry {
        turn_waiter* w;
        const cached_statement* stmt;
    };
    std::deque<entry> inflight;
    // Queries sent and not answered when this frame ends early (an exception) must not wait on.
    // (Not when the frame is destroyed unresumed, its executor gone: so may the waiters be.)
    struct unanswered_guard {
        std::deque<entry>& inflight;
        int exceptions = std::uncaught_exceptions();
        ~unanswered_guard() {
            if (std::uncaught_exceptions() <= exceptions) return;
            for (auto& e : inflight) abandon_batched(*e.w);
            inflight.clear();
        }
    } guard{inflight, std::uncaught_exceptions()};

    if (auto ec = co_await run_pending_rollback(diag)) {
        for (auto* w : take_batch()) {
            diagnostics d = diag;
            answer_batched(*w, ec, std::move(d));
        }
        co_return state_ == state::busy ? error_code{} : ec;
    }
    const bool binary = binary_values();
    std::size_t sent = 0;
    batch_answered_ = 0;
    out_.clear();
    queue_pending_closes();
    // Encodes the waiting queries whose statements are cached.
    bool discarded = false; // DISCARD ALL / DEALLOCATE ALL dropped the server's statements
    auto append = [&] {
        // After a DISCARD ALL, or once a CancelRequest is on its way (which must not reach
        // a query sent after it), nothing more is sent: the next batch starts afresh.
        if (discarded || cancel_reason_ != cancel_reason::none) return;
        while (sent < max_streamed && !turn_queue_.empty()) {
            turn_waiter* w = turn_queue_.front();
            if (!w->query) break;
            const cached_statement* st = cached_for(*w->query);
            if (!st) break; // it needs a Parse first: it waits for the next batch
            turn_queue_.pop_front();
            w->st = turn_waiter::status::batched;
            std::string failure;
            if (write_bind(out_, st->name, st->param_types, &st->columns, *w->query->params, binary, failure)) {
                diagnostics d;
                d.assign_client(failure);
                answer_batched(*w, make_error_code(errc::invalid_argument), std::move(d));
                continue;
            }
            write_execute(out_, "", 0);
            write_sync(out_);
            w->batch_index = sent++;
            inflight.push_back({w, st});
        }
    };
    append();

    asio::steady_timer more(ex_, std::chrono::steady_clock::time_point::max());
    stream_more_ = &more;
    bool finished = false;
    cirrus::buffer reply; // CopyFail for a COPY FROM STDIN among the queries
    error_code write_ec;
    auto writer = [&]() -> asio::awaitable<void> {
        for (;;) {
            if (finished) co_return;
            if (!reply.empty()) {
                out_.append(std::string_view(reply.data(), reply.size()));
                reply.clear();
            }
            append();
            if (!out_.empty()) {
                auto [ec, n] = co_await stream_.write(asio::buffer(out_.data(), out_.size()));
                (void)n;
                out_.clear();
                if (ec) {
                    write_ec = ec;
                    abort_io(); // the reader stops too
                    co_return;
                }
                continue;
            }
            more.expires_at(std::chrono::steady_clock::time_point::max());
            co_await more.async_wait(as_tuple_awaitable);
        }
    };
    server_message_fields fatal; // an error the server sent before closing
    bool has_fatal = false;
    auto reader = [&]() -> asio::awaitable<error_code> {
        response_collector c;
        auto fresh = [&] {
            c.reset();
            if (!inflight.empty()) {
                c.out = inflight.front().w->query->out;
                c.portal_columns = &inflight.front().stmt->columns;
                c.max_bytes = opts_.max_result_bytes;
            }
        };
        fresh();
        while (!inflight.empty()) {
            message_view m;
            if (auto ec = co_await read_message(m)) {
                if (ec == errc::message_too_large) describe_oversize(diag, " in a pipeline");
                else if (ec == errc::protocol_error)
                    diag.assign_client("the server sent an invalid message; the connection was closed");
                co_return ec;
            }
            error_code ec;
            if (handle_async(m, ec)) {
                if (ec) co_return ec;
                continue;
            }
            if (auto cec = c.on_message(m, reply)) co_return cec;
            if (c.limit_exceeded) request_cancel(cancel_reason::result_limit);
            if (!reply.empty()) more.cancel();
            if (!c.done) continue;
            // ReadyForQuery: this query's answer is complete.
            txn_ = c.txn;
            entry e = inflight.front();
            inflight.pop_front();
            diagnostics d;
            if (c.has_server_error) {
                d.assign_server(c.error);
                if (!has_fatal) {
                    fatal = c.error;
                    has_fatal = true;
                }
            } else if (c.copy_refused) {
                d.assign_client("COPY is not supported by this operation");
            } else if (c.limit_exceeded) {
                d.assign_client("the results exceeded max_result_bytes");
            }
            auto result = c.result_code();
            if (drops_statements(*e.w->query->out)) discarded = true;
            ++batch_answered_;
            if (keep_stale(*e.w, result, d)) discarded = true; // stop sending: the next batch prepares
            else answer_batched(*e.w, result, std::move(d));
            fresh();
            // The next query's cancellation, asked while the server ran those before it.
            if (!inflight.empty() && inflight.front().w->cancel_wanted) request_cancel(cancel_reason::user);
        }
        co_return error_code{};
    };
    using namespace asio::experimental::awaitable_operators;
    auto guarded_reader = [&]() -> asio::awaitable<error_code> {
        auto ec = co_await reader();
        finished = true;
        more.cancel();
        if (ec) abort_io(); // the writer stops too
        co_return ec;
    };
    auto both = writer() && guarded_reader();
    error_code read_ec = co_await std::move(both);
    stream_more_ = nullptr;
    batch_answered_ = 0;
    out_.clear();
    if (discarded) forget_statements(); // the statements the queries in flight used are gone too
    if (read_ec || write_ec) {
        auto ec = read_ec ? read_ec : write_ec;
        if (has_fatal && ec != errc::protocol_error && ec != errc::message_too_large) diag.assign_server(fatal);
        else if (diag.empty())
            diag.assign_client("the connection to the server was lost (" + ec.message() + "); it was closed");
        fail_connection();
        for (auto& e : inflight) {
            diagnostics d = diag;
            answer_batched(*e.w, ec, std::move(d));
        }
        inflight.clear();
        co_return ec;
    }
    co_return error_code{};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The lambdas and the guard live in the coroutine frame (g++: -Wsubobject-linkage).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
CIRRUS_DECL asio::awaitable<error_code> connection_impl::run_batch(const std::vector<turn_waiter*>& batch,
                                                                   diagnostics& diag) {
    const std::size_t n = batch.size();
    // Completes query i, once. A query answered may be gone at once (its operation
    // completes): only `open` says which are left.
    std::vector<char> open(n, 1);
    auto answer = [&](std::size_t i, error_code ec, diagnostics&& d) {
        if (!open[i]) return;
        open[i] = 0;
        answer_batched(*batch[i], ec, std::move(d));
    };
    // Queries left unanswered when this frame ends early (an exception) must not wait on.
    // (Not when the frame is destroyed unresumed, its executor gone: so may the waiters be.)
    struct unanswered_guard {
        const std::vector<turn_waiter*>& batch;
        std::vector<char>& open;
        int exceptions = std::uncaught_exceptions();
        ~unanswered_guard() {
            if (std::uncaught_exceptions() <= exceptions) return;
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (!open[i]) continue;
                open[i] = 0;
                abandon_batched(*batch[i]);
            }
        }
    } guard{batch, open, std::uncaught_exceptions()};

    batch_answered_ = 0;
    if (n == 1) {
        // One query: the plain path (it re-prepares a statement gone stale on the server).
        turn_waiter* w = batch[0];
        diagnostics d;
        auto ec = co_await execute_cached(*w->query->sql, *w->query->params, w->query->out, nullptr, d);
        if (ec && state_ != state::busy) diag = d;
        answer(0, ec, std::move(d));
        co_return ec;
    }

    std::vector<pipeline_step_ref> steps;
    steps.reserve(n);
    for (auto* w : batch) steps.push_back({w->query->sql, w->query->params});
    auto& out = batch_results_;
    out.reset(n);
    std::function<void(std::size_t)> on_step = [&](std::size_t i) {
        batch_answered_ = i + 1;
        std::swap(*batch[i]->query->out, out[i].rows);
        if (open[i] && keep_stale(*batch[i], out[i].error, out[i].diag)) open[i] = 0;
        else answer(i, out[i].error, std::move(out[i].diag));
        // The next query's cancellation, asked while the server ran those before it.
        if (i + 1 < n && open[i + 1] && batch[i + 1]->cancel_wanted) request_cancel(cancel_reason::user);
    };
    auto ec = co_await pipeline_body(steps, pipeline_sync::per_query, out, diag, &on_step);
    const std::size_t answered = batch_answered_;
    batch_answered_ = 0;

    if (ec && answered == 0 && state_ == state::busy) {
        // Nothing was sent (a parameter the cached statement's types refuse, a failed
        // ROLLBACK of a dropped transaction): each query runs alone, in order.
        diag.clear();
        for (std::size_t i = 0; i < n; ++i) {
            turn_waiter* w = batch[i];
            diagnostics d;
            error_code qec = make_error_code(client_errc::not_connected);
            if (state_ == state::busy) {
                qec = co_await execute_cached(*w->query->sql, *w->query->params, w->query->out, nullptr, d);
            } else {
                d.assign_client("the connection was closed before the query was sent");
            }
            answer(i, qec, std::move(d));
        }
        co_return state_ == state::busy ? error_code{} : make_error_code(client_errc::not_connected);
    }
    // The connection failed: the queries not answered report it.
    for (std::size_t i = answered; i < n; ++i) {
        diagnostics d = diag;
        answer(i, ec ? ec : make_error_code(errc::protocol_error), std::move(d));
    }
    co_return state_ == state::busy ? error_code{} : ec;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

CIRRUS_DECL void connection_impl::request_cancel(cancel_reason why) {
    if (state_ != state::busy || cancel_reason_ != cancel_reason::none) return;
    cancel_reason_ = why;
    if (std::holds_alternative<std::monostate>(target_.where)) {
        fail_connection();
        return;
    }
    flight_ = std::make_shared<cancel_flight>(ex_);
    asio::co_spawn(ex_, send_cancel_request(target_, opts_.cancel_timeout, flight_), asio::detached);
    grace_timer_.expires_after(opts_.cancel_timeout);
    grace_timer_.async_wait([weak = weak_from_this(), id = op_id_](error_code ec) {
        auto self = weak.lock();
        if (!ec && self && id == self->op_id_ && self->state_ == state::busy) self->abort_io();
    });
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::run_pending_rollback(diagnostics& diag) {
    if (exec_.active && exec_.abandoned) {
        if (auto ec = co_await drain_execution(diag)) co_return ec;
    }
    if (!rollback_pending_) co_return error_code{};
    rollback_pending_ = false;
    if (txn_ == transaction_status::idle) co_return error_code{};
    co_return co_await simple_query_body("ROLLBACK", nullptr, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::simple_query_body(std::string_view sql, results* out,
                                                                           diagnostics& diag) {
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    if (auto ec = write_query(out_, sql)) {
        diag.assign_client("the query contains a NUL character");
        co_return ec;
    }
    response_collector c;
    c.out = out;
    c.max_bytes = opts_.max_result_bytes;
    auto ec = co_await exchange(c, diag);
    if (!ec && out && drops_statements(*out)) forget_statements();
    co_return ec;
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::parse_describe(const std::string& name, std::string_view sql,
                                                                        const std::vector<oid_t>& types,
                                                                        cached_statement& desc, diagnostics& diag) {
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    queue_pending_closes();
    if (auto ec = write_parse(out_, name, sql, types)) {
        out_.clear();
        diag.assign_client("the query contains a NUL character or too many parameters");
        co_return ec;
    }
    write_describe(out_, 'S', name);
    write_sync(out_);
    response_collector c;
    c.describing = true;
    auto ec = co_await exchange(c, diag);
    if (ec) co_return ec;
    desc.name = name;
    desc.param_types = std::move(c.param_types);
    desc.columns = with_result_formats(std::move(c.row_description));
    co_return error_code{};
}

CIRRUS_DECL error_code connection_impl::refused_parameter(const param_list& params, diagnostics& diag) {
    if (!params.error()) return {};
    diag.assign_client("parameter " + std::to_string(params.error_index() + 1) +
                       " cannot be sent: " + params.error().message());
    return params.error();
}

CIRRUS_DECL error_code connection_impl::write_bind(cirrus::buffer& out, const std::string& name,
                                                   const std::vector<oid_t>& server_types,
                                                   const std::vector<column>* columns, const param_list& params,
                                                   bool binary, std::string& failure) {
    if (params.size() != server_types.size()) {
        failure = "the number of parameters does not match the statement";
        return make_error_code(client_errc::parameter_count_mismatch);
    }
    std::vector<bind_param> binds;
    std::vector<std::string> converted(params.size()); // never reallocated: views stay valid
    binds.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& p = params[i];
        bind_param b;
        if (p.is_null) {
            b.fmt = format::text;
        } else if (p.fmt == format::text || (binary && (p.type == server_types[i] || server_types[i] == 0))) {
            b.fmt = p.fmt;
            b.value = params.bytes(p);
        } else {
            // The statement wants another type, or the server takes text only: send our
            // value's text form and let the server convert it (int8 -> int4, date ->
            // timestamp, ...).
            field_data f{p.type, format::binary, false, params.bytes(p)};
            if (auto ec = render_text(f, converted[i])) {
                failure = "parameter " + std::to_string(i + 1) + " cannot be converted to the statement's type";
                return ec;
            }
            b.fmt = format::text;
            b.value = converted[i];
        }
        binds.push_back(b);
    }
    std::vector<format> formats;
    if (columns) {
        formats.reserve(columns->size());
        for (const auto& c : *columns) formats.push_back(c.format);
    }
    std::size_t const mark = out.size();
    if (auto ec = detail::write_bind(out, "", name, binds, formats)) {
        out.shrink_by(out.size() - mark); // what came before (Close messages) stays
        failure = "a parameter is too large";
        return ec;
    }
    return {};
}

CIRRUS_DECL error_code connection_impl::write_bind_execute(const std::string& name,
                                                           const std::vector<oid_t>& server_types,
                                                           const std::vector<column>& columns, const param_list& params,
                                                           diagnostics& diag, bool flush_after_bind) {
    queue_pending_closes();
    std::string failure;
    if (auto ec = write_bind(out_, name, server_types, &columns, params, binary_values(), failure)) {
        diag.assign_client(std::move(failure));
        return ec;
    }
    if (flush_after_bind) {
        message_writer w(out_);
        w.begin('H');
        w.finish();
    }
    write_execute(out_, "", 0);
    write_sync(out_);
    return {};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::bind_execute(const std::string& name,
                                                                      const std::vector<oid_t>& server_types,
                                                                      const std::vector<column>& columns,
                                                                      const param_list& params, results& out,
                                                                      diagnostics& diag) {
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    if (auto ec = write_bind_execute(name, server_types, columns, params, diag)) co_return ec;
    response_collector c;
    c.out = &out;
    c.portal_columns = &columns;
    c.max_bytes = opts_.max_result_bytes;
    co_return co_await exchange(c, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::execute_cached(const std::string& sql,
                                                                        const param_list& params, results* out,
                                                                        execution_state* st, diagnostics& diag) {
    auto types = params.types();
    const std::string key = statement_key(sql, types);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const cached_statement* entry = nullptr;
        cached_statement unnamed;
        if (opts_.statement_cache_capacity == 0) {
            if (auto ec = co_await parse_describe("", sql, types, unnamed, diag)) co_return ec;
            entry = &unnamed;
        } else if (auto it = cache_.find(key); it != cache_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second.lru);
            entry = &it->second.stmt;
        } else {
            cached_statement fresh;
            std::string name = "cirrus_s" + std::to_string(++statement_counter_);
            if (auto ec = co_await parse_describe(name, sql, types, fresh, diag)) co_return ec;
            entry = &insert_cached(key, std::move(fresh));
        }
        // Copies: a retry below may evict the entry.
        auto name = entry->name;
        auto server_types = entry->param_types;
        auto columns = entry->columns;
        error_code ec;
        if (out) {
            out->clear();
            ec = co_await bind_execute(name, server_types, columns, params, *out, diag);
        } else {
            ec = co_await bind_stream(name, server_types, columns, params, *st, diag);
        }
        // A statement dropped behind our back (DEALLOCATE) or invalidated by a schema
        // change is prepared again once, when no transaction would be affected.
        if (stale_statement(ec, diag) && opts_.statement_cache_capacity != 0 && txn_ == transaction_status::idle &&
            attempt == 0) {
            evict_cached(key, ec != sqlstate::invalid_sql_statement_name);
            diag.clear();
            continue;
        }
        co_return ec;
    }
    co_return error_code{};
}

CIRRUS_DECL const cached_statement& connection_impl::insert_cached(const std::string& key, cached_statement stmt) {
    while (cache_.size() >= opts_.statement_cache_capacity && !lru_.empty()) {
        auto victim = cache_.find(lru_.back());
        if (victim != cache_.end()) {
            pending_closes_.push_back(victim->second.stmt.name);
            cache_.erase(victim);
        }
        lru_.pop_back();
    }
    lru_.push_front(key);
    auto [it, inserted] = cache_.emplace(key, cache_entry{std::move(stmt), lru_.begin()});
    (void)inserted;
    return it->second.stmt;
}

} // namespace detail
} // namespace cirrus::postgres
