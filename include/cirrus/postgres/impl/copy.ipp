#pragma once
// Definitions for COPY (postgres/copy.hpp): connection_impl::copy_in and copy_out.
//
// Both send the statement as a simple Query.
//
// COPY FROM STDIN: once the server answers CopyInResponse, a writer sends the source's
// chunks as CopyData (the next chunk is asked for only when the previous one is on the
// socket) and ends with CopyDone, while a reader waits for the server's answer. An
// ErrorResponse during the copy (a bad CSV line) stops the writer; the server drops any
// CopyData still in flight and answers ReadyForQuery, so the connection stays usable. A
// source that fails (or a cancellation) sends CopyFail instead of CopyDone.
//
// COPY TO STDOUT: each CopyData is given to the sink, and the next message is read only
// once the sink's awaitable has completed. A sink that fails makes the client send a
// CancelRequest, then drain to ReadyForQuery.

#include <cirrus/postgres/detail/connection_impl.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <exception>

namespace cirrus::postgres::detail {

namespace copy_detail {

// What the server said about a COPY statement, outside the data.
struct copy_answer {
    server_message_fields error;
    bool has_error = false;
    bool not_copy = false; // a statement other than the expected COPY answered
    bool done = false;     // ReadyForQuery
    std::uint64_t rows = 0;

    void record_error(const message_view& m, error_code& ec) {
        if (has_error) return; // the first error is the one that counts
        ec = parse_server_message(m.body, error);
        has_error = !ec;
    }
};

inline void write_copy_data_header(std::array<char, 5>& h, std::size_t n) {
    h[0] = 'd';
    store_u32(h.data() + 1, static_cast<std::uint32_t>(n + 4));
}

inline void write_copy_done(cirrus::buffer& out) {
    message_writer w(out);
    w.begin('c');
    w.finish();
}

// The text of an exception thrown by a caller's source or sink.
inline std::string exception_text(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

} // namespace copy_detail

CIRRUS_DECL asio::awaitable<error_code> connection_impl::copy_in(std::string sql, const copy_source& src,
                                                                 std::uint64_t& rows, diagnostics& diag,
                                                                 std::shared_ptr<op_signal> sig) {
    rows = 0;
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    auto ec = co_await copy_in_body(sql, src, rows, diag);
    co_return co_await end_op(ec, diag);
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::copy_out(std::string sql, const copy_sink& sink,
                                                                  std::uint64_t& rows, diagnostics& diag,
                                                                  std::shared_ptr<op_signal> sig) {
    rows = 0;
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    auto ec = co_await copy_out_body(sql, sink, rows, diag);
    co_return co_await end_op(ec, diag);
}

// The writer and reader lambdas live in the coroutine frame (g++: -Wsubobject-linkage).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
CIRRUS_DECL asio::awaitable<error_code> connection_impl::copy_in_body(const std::string& sql, const copy_source& src,
                                                                      std::uint64_t& rows, diagnostics& diag) {
    using namespace copy_detail;
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    out_.clear();
    if (auto ec = write_query(out_, sql)) {
        diag.assign_client("the statement contains a NUL character");
        co_return ec;
    }
    if (auto ec = co_await flush()) {
        fail_connection();
        co_return ec;
    }

    copy_answer ans;
    bool in_copy_out = false;   // a COPY TO STDOUT answered instead: its data is dropped
    bool copy_started = false;  // CopyInResponse received
    bool extra_copy_in = false; // a second COPY FROM STDIN in the same statement text
    // A failed read: an error the server sent before closing (FATAL), else the I/O error.
    auto read_failure = [&](error_code ec) {
        if (ans.has_error && ec != errc::protocol_error && ec != errc::message_too_large) {
            diag.assign_server(ans.error);
            ec = sqlstate_error(ans.error.sqlstate);
        } else if (ec == errc::message_too_large) {
            describe_oversize(diag, " during COPY");
        } else if (ec == errc::protocol_error) {
            diag.assign_client("the server sent an invalid message; the connection was closed");
        }
        return ec;
    };
    // Every message other than the copy's own; false: a protocol violation.
    auto on_other = [&](const message_view& m, error_code& ec) -> bool {
        if (handle_async(m, ec)) return true;
        switch (m.type) {
        case msg::error_response: ans.record_error(m, ec); return true;
        case msg::ready_for_query:
            ec = parse_ready_for_query(m.body, txn_);
            ans.done = true;
            return true;
        case msg::command_complete: {
            std::string_view tag;
            ec = parse_command_complete(m.body, tag);
            if (!ec && copy_started && !in_copy_out && tag.starts_with("COPY ")) ans.rows = affected_rows_of(tag);
            else ans.not_copy = ans.not_copy || !copy_started;
            in_copy_out = false;
            return true;
        }
        case msg::copy_out_response: {
            format f;
            std::size_t n;
            ec = parse_copy_response(m.body, f, n);
            ans.not_copy = true;
            in_copy_out = true;
            return true;
        }
        case msg::copy_data: return in_copy_out;
        case msg::copy_done: return in_copy_out && m.body.empty();
        case msg::row_description:
        case msg::data_row:
        case msg::empty_query_response:
            if (!copy_started) ans.not_copy = true;
            return true;
        default: return false;
        }
    };

    // 1. Up to CopyInResponse (or the end of a statement that is not a COPY FROM STDIN).
    while (!ans.done && !copy_started) {
        message_view m;
        if (auto ec = co_await read_message(m)) {
            ec = read_failure(ec);
            fail_connection();
            co_return ec;
        }
        error_code ec;
        if (m.type == msg::copy_in_response) {
            format f;
            std::size_t n;
            ec = parse_copy_response(m.body, f, n);
            copy_started = !ec;
        } else if (!on_other(m, ec)) {
            ec = make_error_code(errc::protocol_error);
        }
        if (ec) {
            ec = read_failure(ec);
            fail_connection();
            co_return ec;
        }
    }

    // 2. The data, written while the server's answer is read.
    error_code source_ec;
    std::string source_reason;
    error_code write_ec;
    bool write_done = !copy_started;
    asio::steady_timer written(ex_, std::chrono::steady_clock::time_point::max());
    auto writer = [&]() -> asio::awaitable<void> {
        cirrus::buffer chunk;
        cirrus::buffer tail; // CopyDone or CopyFail
        std::array<char, 5> header{};
        for (;;) {
            if (ans.done || ans.has_error) break; // the server has given up on the data
            if (cancel_reason_ != cancel_reason::none) {
                write_copy_fail(tail, "canceled by the client");
                break;
            }
            chunk.clear();
            error_code sec;
            std::exception_ptr thrown;
            try {
                sec = co_await src(chunk);
            } catch (...) {
                thrown = std::current_exception();
            }
            if (thrown) {
                sec = make_error_code(cirrus::errc::unexpected_exception);
                source_reason = exception_text(thrown);
            }
            if (ans.done || ans.has_error) break;
            if (sec) {
                source_ec = sec;
                if (source_reason.empty()) source_reason = sec.message();
                write_copy_fail(tail, "the client's COPY source failed: " + source_reason);
                break;
            }
            if (chunk.empty()) {
                write_copy_done(tail);
                break;
            }
            if (chunk.size() > 0x7FFFFFFBu) {
                source_ec = make_error_code(errc::invalid_argument);
                source_reason = "a chunk is larger than a protocol message can carry";
                write_copy_fail(tail, source_reason);
                break;
            }
            write_copy_data_header(header, chunk.size());
            auto [ec, n] = co_await stream_.write(std::array<asio::const_buffer, 2>{
                asio::buffer(header.data(), header.size()), asio::buffer(chunk.data(), chunk.size())});
            (void)n;
            if (ec) {
                write_ec = ec;
                break;
            }
        }
        if (!write_ec && !tail.empty() && !ans.done) {
            auto [ec, n] = co_await stream_.write(asio::buffer(tail.data(), tail.size()));
            (void)n;
            write_ec = ec;
        }
        write_done = true;
        written.cancel();
        if (write_ec) abort_io(); // the reader stops too
    };
    auto reader = [&]() -> asio::awaitable<error_code> {
        while (!ans.done) {
            message_view m;
            if (auto ec = co_await read_message(m)) co_return ec;
            error_code ec;
            if (m.type == msg::copy_in_response) {
                // A second COPY FROM STDIN in the same text: refused once the first is sent.
                format f;
                std::size_t n;
                ec = parse_copy_response(m.body, f, n);
                if (!ec) {
                    extra_copy_in = true;
                    if (!write_done) co_await written.async_wait(as_tuple_awaitable);
                    cirrus::buffer fail;
                    write_copy_fail(fail, "one COPY FROM STDIN per operation");
                    auto [wec, wn] = co_await stream_.write(asio::buffer(fail.data(), fail.size()));
                    (void)wn;
                    ec = wec;
                }
            } else if (!on_other(m, ec)) {
                ec = make_error_code(errc::protocol_error);
            }
            if (ec) co_return ec;
        }
        co_return error_code{};
    };
    using namespace asio::experimental::awaitable_operators;
    auto guarded_reader = [&]() -> asio::awaitable<error_code> {
        auto ec = co_await reader();
        if (ec && !write_done) abort_io(); // a writer blocked on the socket stops too
        co_return ec;
    };
    error_code read_ec;
    if (copy_started) read_ec = co_await (writer() && guarded_reader());
    if (read_ec || write_ec) {
        auto ec = read_failure(read_ec ? read_ec : write_ec);
        fail_connection();
        co_return ec;
    }
    rows = ans.rows;
    if (source_ec) {
        diag.assign_client("the COPY source failed: " + source_reason + "; the server aborted the COPY");
        co_return source_ec;
    }
    if (ans.has_error) {
        diag.assign_server(ans.error);
        co_return sqlstate_error(ans.error.sqlstate);
    }
    if (ans.not_copy || !copy_started || extra_copy_in) {
        diag.assign_client(extra_copy_in ? "the statement text holds more than one COPY FROM STDIN"
                                         : "the statement is not a COPY ... FROM STDIN");
        co_return make_error_code(client_errc::not_a_copy);
    }
    co_return error_code{};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

CIRRUS_DECL asio::awaitable<error_code> connection_impl::copy_out_body(const std::string& sql, const copy_sink& sink,
                                                                       std::uint64_t& rows, diagnostics& diag) {
    using namespace copy_detail;
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    out_.clear();
    if (auto ec = write_query(out_, sql)) {
        diag.assign_client("the statement contains a NUL character");
        co_return ec;
    }
    if (auto ec = co_await flush()) {
        fail_connection();
        co_return ec;
    }
    copy_answer ans;
    bool in_copy = false;
    bool copy_seen = false;
    bool refused_copy_in = false; // a COPY FROM STDIN, answered with CopyFail
    error_code sink_ec;
    std::string sink_reason;
    while (!ans.done) {
        message_view m;
        error_code ec = co_await read_message(m);
        if (!ec && !handle_async(m, ec)) {
            switch (m.type) {
            case msg::copy_out_response: {
                format f;
                std::size_t n;
                ec = parse_copy_response(m.body, f, n);
                if (copy_seen) ans.not_copy = true; // a second COPY TO STDOUT: not given to the sink
                copy_seen = true;
                in_copy = true;
                break;
            }
            case msg::copy_data:
                if (!in_copy) {
                    ec = make_error_code(errc::protocol_error);
                } else if (!sink_ec && !ans.not_copy) {
                    std::exception_ptr thrown;
                    try {
                        sink_ec = co_await sink(m.body);
                    } catch (...) {
                        thrown = std::current_exception();
                    }
                    if (thrown) {
                        sink_ec = make_error_code(cirrus::errc::unexpected_exception);
                        sink_reason = exception_text(thrown);
                    } else if (sink_ec) {
                        sink_reason = sink_ec.message();
                    }
                    // The server stops sending; what it already sent is read and dropped.
                    if (sink_ec) request_cancel(cancel_reason::copy_sink);
                }
                break;
            case msg::copy_done:
                if (!in_copy || !m.body.empty()) ec = make_error_code(errc::protocol_error);
                in_copy = false;
                break;
            case msg::copy_in_response: {
                format f;
                std::size_t n;
                ec = parse_copy_response(m.body, f, n);
                ans.not_copy = true;
                refused_copy_in = true;
                cirrus::buffer fail;
                write_copy_fail(fail, "COPY FROM STDIN is not supported by async_copy_out");
                if (!ec) {
                    auto [wec, wn] = co_await stream_.write(asio::buffer(fail.data(), fail.size()));
                    (void)wn;
                    ec = wec;
                }
                break;
            }
            case msg::command_complete: {
                std::string_view tag;
                ec = parse_command_complete(m.body, tag);
                if (!ec && copy_seen && tag.starts_with("COPY ") && !ans.not_copy) ans.rows = affected_rows_of(tag);
                else if (!copy_seen) ans.not_copy = true;
                break;
            }
            case msg::error_response: ans.record_error(m, ec); break;
            case msg::ready_for_query:
                ec = parse_ready_for_query(m.body, txn_);
                ans.done = true;
                break;
            case msg::row_description:
            case msg::data_row:
            case msg::empty_query_response:
                if (in_copy) ec = make_error_code(errc::protocol_error);
                else if (!copy_seen) ans.not_copy = true;
                break;
            default: ec = make_error_code(errc::protocol_error); break;
            }
        }
        if (ec) {
            if (ans.has_error && ec != errc::protocol_error && ec != errc::message_too_large) {
                diag.assign_server(ans.error);
                ec = sqlstate_error(ans.error.sqlstate);
            } else if (ec == errc::message_too_large) {
                describe_oversize(diag, " during COPY");
            } else if (ec == errc::protocol_error) {
                diag.assign_client("the server sent an invalid message; the connection was closed");
            }
            fail_connection();
            co_return ec;
        }
    }
    rows = ans.rows;
    if (sink_ec) {
        diag.assign_client("the COPY sink failed: " + sink_reason + "; the COPY was canceled");
        co_return sink_ec;
    }
    if (ans.has_error && !refused_copy_in) {
        diag.assign_server(ans.error);
        co_return sqlstate_error(ans.error.sqlstate);
    }
    if (ans.not_copy || !copy_seen) {
        diag.assign_client("the statement is not a single COPY ... TO STDOUT");
        co_return make_error_code(client_errc::not_a_copy);
    }
    // The end of the data: the sink flushes.
    std::exception_ptr thrown;
    error_code end_ec;
    try {
        end_ec = co_await sink(std::string_view{});
    } catch (...) {
        thrown = std::current_exception();
    }
    if (thrown) {
        diag.assign_client("the COPY sink failed at the end of the data: " + exception_text(thrown));
        co_return make_error_code(cirrus::errc::unexpected_exception);
    }
    if (end_ec) {
        diag.assign_client("the COPY sink failed at the end of the data: " + end_ec.message());
        co_return end_ec;
    }
    co_return error_code{};
}

} // namespace cirrus::postgres::detail
