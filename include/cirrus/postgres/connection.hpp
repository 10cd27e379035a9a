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
// One operation at a time per connection; a second one started meanwhile fails with
// client_errc::operation_in_progress. The connection must outlive its operations.

#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/detail/connection_impl.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
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

template <class R>
struct op_result;
template <>
struct op_result<error_code> {
    using signature = void(error_code);
    template <class Handler>
    static void complete(Handler& h, error_code r) {
        std::move(h)(r);
    }
};
template <class T>
struct op_result<std::pair<error_code, T>> {
    using signature = void(error_code, T);
    template <class Handler>
    static void complete(Handler& h, std::pair<error_code, T> r) {
        std::move(h)(r.first, std::move(r.second));
    }
};

template <class Handler, class R>
struct op_completion {
    Handler handler;
    asio::cancellation_slot slot;
    std::shared_ptr<connection_impl> keep_alive; // the session outlives its operations

    void operator()(std::exception_ptr e, R r) {
        if (slot.is_connected()) slot.clear();
        if (e) std::rethrow_exception(e);
        op_result<R>::complete(handler, std::move(r));
    }
};

// Starts `make(signal)` (returning asio::awaitable<R>) on the connection's executor and
// completes the caller's token with R. Cancellation requests on the token's slot reach
// the operation through `signal` instead of aborting its I/O.
template <class Token, class Make>
auto start_op(const std::shared_ptr<connection_impl>& impl, Token&& token, Make make) {
    using R = typename std::invoke_result_t<Make, std::shared_ptr<op_signal>>::value_type;
    using Sig = typename op_result<R>::signature;
    return asio::async_initiate<Token, Sig>(
        [impl](auto handler, Make make) {
            auto ex = impl->executor();
            auto slot = asio::get_associated_cancellation_slot(handler);
            auto sig = std::make_shared<op_signal>();
            if (slot.is_connected()) {
                slot.assign([sig, ex](asio::cancellation_type_t t) {
                    asio::dispatch(ex, [sig, t] { sig->emit(t); });
                });
            }
            auto handler_ex = asio::get_associated_executor(handler, ex);
            using H = std::decay_t<decltype(handler)>;
            asio::co_spawn(ex, make(sig),
                           asio::bind_executor(handler_ex, op_completion<H, R>{std::move(handler), slot, impl}));
        },
        token, std::move(make));
}

} // namespace detail

class connection {
public:
    using executor_type = asio::any_io_executor;

    explicit connection(executor_type ex, connection_options opts = {})
        : impl_(std::make_shared<detail::connection_impl>(std::move(ex), opts)) {}
    explicit connection(asio::io_context& ctx, connection_options opts = {})
        : connection(ctx.get_executor(), opts) {}

    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept = default;
    ~connection() {
        if (impl_) impl_->close_now();
    }

    executor_type get_executor() const { return impl_->executor(); }
    const connection_options& options() const noexcept { return impl_->options(); }

    bool is_open() const noexcept { return impl_->is_open(); }
    // From the last ReadyForQuery.
    postgres::transaction_status transaction_status() const noexcept { return impl_->txn_status(); }
    std::int32_t backend_pid() const noexcept { return impl_->backend_pid(); }
    bool uses_tls() const noexcept { return impl_->uses_tls(); }
    // "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "md5", "password" or "trust".
    const std::string& auth_mechanism() const noexcept { return impl_->auth_mechanism(); }
    // A ParameterStatus value: server_version, TimeZone, client_encoding ...
    std::optional<std::string_view> server_parameter(std::string_view name) const {
        return impl_->server_parameter(name);
    }
    // Prepared statements currently held by the statement cache.
    std::size_t cached_statements() const noexcept { return impl_->cached_statements(); }
    // Called for every NoticeResponse (warnings, RAISE NOTICE ...), on the connection's
    // executor, during whichever operation receives it.
    void set_notice_handler(std::function<void(const notice&)> handler) {
        impl_->set_notice_handler(std::move(handler));
    }

    // Connects and authenticates; tries each host in turn.  Signature: void(error_code).
    template <class Token>
    auto async_connect(const connect_params& params, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), params, &diag](std::shared_ptr<detail::op_signal> sig) {
                                    return impl->connect(params, diag, std::move(sig));
                                });
    }

    // Parses a connection string or URI (see connect_params.hpp), then connects.
    template <class Token>
    auto async_connect(std::string_view conninfo, diagnostics& diag, Token&& token) {
        connect_params params;
        diagnostics parse_diag;
        auto parse_ec = parse_connection_string(conninfo, params, &parse_diag);
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), params = std::move(params), parse_ec,
                                 parse_diag = std::move(parse_diag), &diag](auto sig) {
                                    return connect_parsed(impl, params, parse_ec, parse_diag, diag, std::move(sig));
                                });
    }

    // Simple query protocol: any number of statements separated by ';', one result set
    // each, all values in text format. No parameters.  Signature: void(error_code).
    template <class Token>
    auto async_query(std::string_view sql, results& out, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(sql), &out, &diag](auto sig) {
                                    return impl->simple_query(sql, out, diag, std::move(sig));
                                });
    }

    // Extended protocol with parameters, through the statement cache; binary results
    // where a codec exists.  Signature: void(error_code).
    template <class Token>
    auto async_execute(const bound_query& q, results& out, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(q.sql), params = q.params, &out,
                                 &diag](auto sig) {
                                    return impl->execute_query(sql, params, out, diag, std::move(sig));
                                });
    }
    template <class Token>
    auto async_execute(std::string_view sql, results& out, diagnostics& diag, Token&& token) {
        return async_execute(bound_query{sql, {}}, out, diag, std::forward<Token>(token));
    }
    // A prepared statement with its arguments.  Signature: void(error_code).
    template <class Token>
    auto async_execute(const bound_statement& s, results& out, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), stmt = s.statement(), params = s.params(), &out,
                                 &diag](auto sig) {
                                    return impl->execute_statement(stmt, params, out, diag, std::move(sig));
                                });
    }

    // Typed rows: the first result set read into Row (see typed_row.hpp). Rows are
    // appended to `rows`.  Signature: void(error_code).
    template <class Row, class Token>
    auto async_query(std::string_view sql, std::vector<Row>& rows, diagnostics& diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(sql), &rows, &diag](auto sig) {
                                    return typed_query(impl, sql, rows, diag, std::move(sig));
                                });
    }
    template <class Row, class Token>
    auto async_execute(const bound_query& q, std::vector<Row>& rows, diagnostics& diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(q.sql), params = q.params, &rows,
                                 &diag](auto sig) { return typed_execute(impl, sql, params, rows, diag, std::move(sig)); });
    }
    template <class Row, class Token>
    auto async_execute(const bound_statement& s, std::vector<Row>& rows, diagnostics& diag, Token&& token) {
        static_assert(detail::check_row_codecs<Row>());
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), stmt = s.statement(), params = s.params(), &rows,
                                 &diag](auto sig) {
                                    return typed_execute_statement(impl, stmt, params, rows, diag, std::move(sig));
                                });
    }

    // Prepares a named statement.  Signature: void(error_code, statement).
    template <class Token>
    auto async_prepare(std::string_view sql, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(sql), &diag](auto sig) {
                                    return impl->prepare(sql, diag, std::move(sig));
                                });
    }

    // Signature: void(error_code).
    template <class Token>
    auto async_close_statement(const statement& stmt, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), stmt, &diag](auto sig) {
                                    return impl->close_statement(stmt, diag, std::move(sig));
                                });
    }

    // BEGIN; the returned transaction rolls back when dropped uncommitted (see
    // transaction).  Signature: void(error_code, transaction).
    template <class Token>
    auto async_begin(diagnostics& diag, Token&& token);
    template <class Token>
    auto async_begin(std::string_view begin_sql, diagnostics& diag, Token&& token);

    // COMMIT / ROLLBACK of the current transaction.  Signature: void(error_code).
    template <class Token>
    auto async_commit(diagnostics& diag, Token&& token) {
        return transaction_command("COMMIT", diag, std::forward<Token>(token));
    }
    template <class Token>
    auto async_rollback(diagnostics& diag, Token&& token) {
        return transaction_command("ROLLBACK", diag, std::forward<Token>(token));
    }

    // Sends Terminate and closes the socket.  Signature: void(error_code).
    template <class Token>
    auto async_close(Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get()](auto) { return impl->terminate(); });
    }

    // Closes the socket at once.
    void close() { impl_->close_now(); }

private:
    friend class transaction;

    // Coroutine bodies take everything by value or by caller-owned reference: the
    // lambdas that start them are gone once the coroutine runs.
    static asio::awaitable<error_code> connect_parsed(detail::connection_impl* impl, connect_params params,
                                                      error_code parse_ec, diagnostics parse_diag,
                                                      diagnostics& diag, std::shared_ptr<detail::op_signal> sig) {
        if (parse_ec) {
            diag = std::move(parse_diag);
            co_return parse_ec;
        }
        co_return co_await impl->connect(std::move(params), diag, std::move(sig));
    }
    template <class Row>
    static asio::awaitable<error_code> typed_query(detail::connection_impl* impl, std::string sql,
                                                   std::vector<Row>& rows, diagnostics& diag,
                                                   std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await impl->simple_query(std::move(sql), r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    template <class Row>
    static asio::awaitable<error_code> typed_execute(detail::connection_impl* impl, std::string sql,
                                                     detail::param_list params, std::vector<Row>& rows,
                                                     diagnostics& diag, std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await impl->execute_query(std::move(sql), std::move(params), r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    template <class Row>
    static asio::awaitable<error_code> typed_execute_statement(detail::connection_impl* impl, statement stmt,
                                                               detail::param_list params, std::vector<Row>& rows,
                                                               diagnostics& diag,
                                                               std::shared_ptr<detail::op_signal> sig) {
        results r;
        auto ec = co_await impl->execute_statement(std::move(stmt), std::move(params), r, diag, std::move(sig));
        co_return ec ? ec : read_typed(r, rows, diag);
    }
    static asio::awaitable<std::pair<error_code, transaction>> begin_transaction(
        std::shared_ptr<detail::connection_impl> impl, std::string sql, diagnostics& diag,
        std::shared_ptr<detail::op_signal> sig);

    template <class Row>
    static error_code read_typed(const results& r, std::vector<Row>& rows, diagnostics& diag) {
        if (r.empty() || !r.front().has_columns()) {
            diag.assign_client("the statement returned no rows to read");
            return make_error_code(client_errc::no_result_set);
        }
        if (auto ec = read_rows(r.front(), rows)) {
            diag.assign_client("the result does not match the row type");
            return ec;
        }
        return {};
    }

    template <class Token>
    auto transaction_command(const char* sql, diagnostics& diag, Token&& token) {
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), sql = std::string(sql), &diag](auto sig) {
                                    return impl->transaction_command(sql, diag, std::move(sig));
                                });
    }

    std::shared_ptr<detail::connection_impl> impl_;
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
    template <class Token>
    auto async_commit(diagnostics& diag, Token&& token) {
        return finish("COMMIT", diag, std::forward<Token>(token));
    }
    template <class Token>
    auto async_rollback(diagnostics& diag, Token&& token) {
        return finish("ROLLBACK", diag, std::forward<Token>(token));
    }

private:
    friend class connection;
    explicit transaction(std::shared_ptr<detail::connection_impl> impl) noexcept
        : impl_(std::move(impl)), session_(impl_->session()), active_(true) {}

    void abandon() noexcept {
        if (active_ && impl_) impl_->schedule_rollback(session_);
        active_ = false;
    }

    static asio::awaitable<error_code> finish_body(detail::connection_impl* impl, bool was_active,
                                                   std::uint64_t session, std::string sql, diagnostics& diag,
                                                   std::shared_ptr<detail::op_signal> sig) {
        if (!was_active || session != impl->session()) {
            diag.assign_client("the transaction is no longer active");
            co_return make_error_code(errc::invalid_argument);
        }
        co_return co_await impl->transaction_command(std::move(sql), diag, std::move(sig));
    }

    template <class Token>
    auto finish(const char* sql, diagnostics& diag, Token&& token) {
        bool was_active = std::exchange(active_, false);
        return detail::start_op(impl_, std::forward<Token>(token),
                                [impl = impl_.get(), was_active, session = session_, sql = std::string(sql),
                                 &diag](auto sig) {
                                    return finish_body(impl, was_active, session, sql, diag, std::move(sig));
                                });
    }

    std::shared_ptr<detail::connection_impl> impl_;
    std::uint64_t session_ = 0;
    bool active_ = false;
};

inline asio::awaitable<std::pair<error_code, transaction>> connection::begin_transaction(
    std::shared_ptr<detail::connection_impl> impl, std::string sql, diagnostics& diag,
    std::shared_ptr<detail::op_signal> sig) {
    auto ec = co_await impl->transaction_command(std::move(sql), diag, std::move(sig));
    if (ec) co_return std::pair<error_code, transaction>{ec, transaction{}};
    co_return std::pair<error_code, transaction>{error_code{}, transaction(std::move(impl))};
}

template <class Token>
auto connection::async_begin(diagnostics& diag, Token&& token) {
    return async_begin("BEGIN", diag, std::forward<Token>(token));
}

template <class Token>
auto connection::async_begin(std::string_view begin_sql, diagnostics& diag, Token&& token) {
    return detail::start_op(impl_, std::forward<Token>(token),
                            [impl = impl_, sql = std::string(begin_sql), &diag](auto sig) {
                                return begin_transaction(impl, sql, diag, std::move(sig));
                            });
}

} // namespace cirrus::postgres
