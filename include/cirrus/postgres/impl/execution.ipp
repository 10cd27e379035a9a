#pragma once
// Definitions for postgres/detail/connection_impl.hpp: streamed rows
// (postgres/execution.hpp). The execution's Bind, Execute and Sync are sent at once; the
// start reads up to BindComplete, and each read hands the typed decoder the DataRows the
// receive buffer holds, reading from the socket only when it holds none.

#include <cirrus/postgres/detail/connection_impl.hpp>

namespace cirrus::postgres {
namespace detail {

CIRRUS_DECL error_code connection_impl::lost_connection(error_code ec, diagnostics& diag, bool io_error) {
    if (ec == errc::message_too_large) describe_oversize(diag, "");
    else if (ec == errc::protocol_error)
        diag.assign_client("the server sent an invalid message; the connection was closed");
    else if (io_error && ec != asio::error::operation_aborted)
        diag.assign_client("the connection to the server was lost (" + ec.message() + "); it was closed");
    fail_connection();
    return ec;
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::start_execution(std::string sql, param_list params,
                                                                         const statement* stmt, execution_state& st,
                                                                         diagnostics& diag,
                                                                         std::shared_ptr<op_signal> sig) {
    // A state reused before the end of its execution gives that execution up.
    execution_access::abandon(st);
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    auto ec = refused_parameter(params, diag);
    if (!ec) {
        // Larger reads than the default for what is likely a long result.
        reader_.reserve(64 * 1024);
        if (!stmt) {
            ec = co_await execute_cached(sql, params, nullptr, &st, diag);
        } else if (!stmt->valid() || statement_access::owner(*stmt) != this ||
                   statement_access::session(*stmt) != session_) {
            diag.assign_client("the statement was prepared on another connection or session");
            ec = make_error_code(client_errc::statement_not_owned);
        } else {
            ec = co_await bind_stream(stmt->name(), stmt->param_types(), stmt->columns(), params, st, diag);
        }
    }
    // Canceled (or timed out) while starting: the execution is given up.
    if (!ec && cancel_reason_ != cancel_reason::none && exec_.active) {
        ec = co_await drain_execution(diag);
        execution_access::finish(st);
        if (!ec && cancel_reason_ == cancel_reason::timeout) {
            diag.assign_client("query timeout: the query was canceled");
            ec = make_error_code(client_errc::query_timeout);
        } else if (!ec) {
            ec = asio::error::operation_aborted;
        }
    }
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::bind_stream(const std::string& name,
                                                                     const std::vector<oid_t>& server_types,
                                                                     const std::vector<column>& columns,
                                                                     const param_list& params, execution_state& st,
                                                                     diagnostics& diag) {
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    // With a Flush after the Bind: the server sends BindComplete at once instead of holding
    // it in its output buffer until the query has produced 8 KiB (a slow query would keep
    // the start waiting).
    if (auto ec = write_bind_execute(name, server_types, columns, params, diag, true)) co_return ec;
    if (auto ec = co_await flush()) co_return lost_connection(ec, diag, true);
    // A failed Bind (a bad parameter, a statement gone stale) is answered by an
    // ErrorResponse and ReadyForQuery: the execution never starts.
    bool failed = false;
    server_message_fields err;
    for (;;) {
        message_view m;
        auto ec = co_await read_message(m);
        bool io_error = static_cast<bool>(ec);
        if (!ec && handle_async(m, ec) && !ec) continue;
        if (ec) {
            if (io_error && failed) {
                // A FATAL error before the server closed the connection.
                diag.assign_server(err);
                fail_connection();
                co_return sqlstate_error(err.sqlstate);
            }
            co_return lost_connection(ec, diag, io_error);
        }
        switch (m.type) {
        case msg::close_complete:
            if (!m.body.empty()) co_return lost_connection(protocol_error(), diag, false);
            continue;
        case msg::bind_complete:
            if (!m.body.empty() || failed) co_return lost_connection(protocol_error(), diag, false);
            exec_ = {true, false, ++execution_counter_};
            execution_access::start(st, weak_from_this(), exec_.id, columns);
            co_return error_code{};
        case msg::error_response: {
            server_message_fields f;
            if (parse_server_message(m.body, f)) co_return lost_connection(protocol_error(), diag, false);
            if (!failed) err = std::move(f);
            failed = true;
            continue;
        }
        case msg::ready_for_query:
            if (parse_ready_for_query(m.body, txn_) || !failed)
                co_return lost_connection(protocol_error(), diag, false);
            diag.assign_server(err);
            co_return sqlstate_error(err.sqlstate);
        default: co_return lost_connection(protocol_error(), diag, false);
        }
    }
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::drain_execution(diagnostics& diag) {
    for (;;) {
        message_view m;
        auto ec = co_await read_message(m);
        bool io_error = static_cast<bool>(ec);
        if (!ec && handle_async(m, ec) && !ec) continue;
        if (ec) co_return lost_connection(ec, diag, io_error);
        if (m.type == msg::copy_in_response) {
            write_copy_fail(out_, "COPY FROM STDIN is not supported by a streamed execution");
            if (auto wec = co_await flush()) co_return lost_connection(wec, diag, true);
        } else if (m.type == msg::ready_for_query) {
            if (parse_ready_for_query(m.body, txn_)) co_return lost_connection(protocol_error(), diag, false);
            exec_ = {};
            co_return error_code{};
        }
        // Rows, the command tag, an error: of a result nobody reads any more.
    }
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::read_some_rows(execution_state& st, row_sink& sink,
                                                                        diagnostics& diag,
                                                                        std::shared_ptr<op_signal> sig) {
    diag.clear();
    if (execution_access::complete(st)) co_return error_code{};
    if (!execution_access::started(st)) {
        diag.assign_client("the execution was not started (async_start_execution)");
        co_return make_error_code(errc::invalid_argument);
    }
    if (!exec_.active || exec_.abandoned || exec_.id != execution_access::id(st)) {
        // The connection was closed (or reconnected) since the start.
        execution_access::finish(st);
        diag.assign_client("the connection of this execution was closed; the rest of the rows are lost");
        co_return make_error_code(client_errc::not_connected);
    }
    if (auto ec = co_await start_op(diag, sig, nullptr, true)) co_return ec;
    keep_buffer_ = true;
    error_code ec;
    bool draining = false;
    if (sink.setup_error) {
        ec = sink.setup_error;
        diag = *sink.setup_diag;
        draining = true;
    }
    std::size_t n = 0;
    bool done = false;
    bool server_error = false;
    error_code lost; // the connection is closed
    bool lost_io = false;
    while (!done) {
        if (!draining && cancel_reason_ != cancel_reason::none) {
            draining = true; // the batch so far is dropped
            sink.discard(sink.self);
            n = 0;
        }
        auto r = reader_.next();
        if (r.status == frame_status::need_more) {
            // The rows decoded so far point into the buffer: hand them out first.
            if (n > 0) break;
            auto space = reader_.prepare();
            auto [rec, got] = co_await stream_.read_some(asio::buffer(space.data(), space.size()));
            if (!rec && got == 0) rec = asio::error::eof;
            if (rec) {
                lost = rec;
                lost_io = true;
                break;
            }
            reader_.commit(got);
            continue;
        }
        if (r.status == frame_status::error) {
            if (r.error == errc::message_too_large) {
                oversize_bytes_ = r.size;
                oversize_type_ = r.message.type;
            }
            lost = r.error;
            break;
        }
        const message_view& m = r.message;
        error_code aec;
        if (handle_async(m, aec)) {
            if (aec) {
                lost = protocol_error();
                break;
            }
            continue;
        }
        switch (m.type) {
        case msg::data_row:
            if (draining) break;
            if (auto dec = sink.on_row(sink.self, m.body, diag)) {
                if (dec == errc::protocol_error) {
                    lost = dec;
                    break;
                }
                ec = dec;
                draining = true; // the batch so far is dropped
                sink.discard(sink.self);
                n = 0;
            } else {
                ++n;
            }
            break;
        case msg::command_complete: {
            std::string_view tag;
            if (parse_command_complete(m.body, tag)) lost = protocol_error();
            else execution_access::set_tag(st, tag);
            break;
        }
        case msg::empty_query_response: break;
        case msg::error_response: {
            server_message_fields f;
            if (parse_server_message(m.body, f)) {
                lost = protocol_error();
                break;
            }
            server_error = true;
            if (!ec) {
                diag.assign_server(f);
                ec = sqlstate_error(f.sqlstate);
            }
            draining = true; // the batch so far is dropped
            sink.discard(sink.self);
            n = 0;
            break;
        }
        case msg::copy_in_response:
            write_copy_fail(out_, "COPY FROM STDIN is not supported by a streamed execution");
            if (auto wec = co_await flush()) {
                lost = wec;
                lost_io = true;
            }
            [[fallthrough]];
        case msg::copy_out_response:
            if (!ec) {
                diag.assign_client("COPY is not supported by a streamed execution");
                ec = make_error_code(client_errc::copy_not_supported);
            }
            draining = true; // the batch so far is dropped
            sink.discard(sink.self);
            n = 0;
            break;
        case msg::copy_data:
        case msg::copy_done:
            if (!draining) lost = protocol_error();
            break;
        case msg::ready_for_query:
            if (parse_ready_for_query(m.body, txn_)) {
                lost = protocol_error();
                break;
            }
            exec_ = {};
            execution_access::finish(st);
            done = true;
            break;
        default: lost = protocol_error(); break;
        }
        if (lost) break;
    }
    if (lost) {
        sink.discard(sink.self);
        execution_access::finish(st);
        if (lost_io && server_error && ec) {
            // A FATAL error (a terminated backend ...) before the server closed the connection.
            fail_connection();
        } else {
            ec = lost_connection(lost, diag, lost_io || lost == errc::message_too_large);
        }
    } else if (!ec && draining && cancel_reason_ == cancel_reason::timeout) {
        diag.assign_client("query timeout: the query was canceled");
        ec = make_error_code(client_errc::query_timeout);
    } else if (!ec && draining && cancel_reason_ == cancel_reason::user) {
        diag.assign_client("operation canceled; the rest of the rows were dropped");
        ec = asio::error::operation_aborted;
    }
    co_return co_await end_op(ec, diag);
}

} // namespace detail
} // namespace cirrus::postgres
