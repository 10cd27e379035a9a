#pragma once
// cirrus::postgres::pool: a bounded set of connections shared by many coroutines and
// threads (docs/postgres.md, "Connection pool").
//
//   pg::pool_options opts;
//   pg::parse_connection_string("postgresql://app@db/app", opts.params);
//   pg::pool pool(ioc.get_executor(), opts);                 // outside any co_await
//   ...
//   auto conn = co_await pool.async_acquire();                // a pooled_connection
//   co_await conn->async_execute(pg::query("select $1::int", 1), res);
//   // conn's destructor gives the connection back (reset: pool_options::reset)
//
// Threads: the pool's state and every pooled connection run on one strand of the
// executor given to the constructor (get_executor()). async_acquire, cancel() and a
// pooled_connection's destructor may be called from any thread; completion handlers run
// on their own associated executor (a coroutine's, by default), so any number of
// threads may run the io_context. A pooled_connection is used by one coroutine at a time.
//
// Acquire: an idle connection (checked first when idle for longer than
// health_check_after), else a new one while fewer than max_size exist, else a wait for a
// returned one. When the server cannot be reached, connection attempts back off
// exponentially; waiting callers fail at their timeout with client_errc::pool_timeout
// and the last connection error in their diagnostics. An authentication or
// configuration error fails the caller at once.

#include <cirrus/core/async_op.hpp>
#include <cirrus/postgres/connection.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/pool_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace cirrus::postgres {

namespace detail {
struct pool_state;
struct pool_node;
struct pool_access;

CIRRUS_DECL std::shared_ptr<pool_state> make_pool(const boost::asio::any_io_executor& ex, const pool_options& opts);
CIRRUS_DECL const boost::asio::any_io_executor& pool_executor(const pool_state& s) noexcept;
// Thread-safe: posted to the pool's strand.
CIRRUS_DECL void pool_give_back(const std::shared_ptr<pool_state>& s, pool_node* node, bool skip_reset) noexcept;
CIRRUS_DECL void pool_cancel(const std::shared_ptr<pool_state>& s) noexcept;
struct pool_counts {
    std::size_t total = 0;  // connections that exist (any state)
    std::size_t idle = 0;   // ready to hand out
    std::size_t in_use = 0; // held by a pooled_connection
    std::size_t waiting = 0; // async_acquire calls waiting for one
};
CIRRUS_DECL pool_counts pool_stats(const pool_state& s) noexcept;
} // namespace detail

using pool_stats = detail::pool_counts;

// A connection borrowed from a pool; gives it back when destroyed (or release()d).
class pooled_connection {
public:
    pooled_connection() = default;
    pooled_connection(pooled_connection&& o) noexcept
        : state_(std::move(o.state_)), node_(std::exchange(o.node_, nullptr)), conn_(std::exchange(o.conn_, nullptr)),
          skip_reset_(o.skip_reset_) {}
    pooled_connection& operator=(pooled_connection&& o) noexcept {
        if (this != &o) {
            release();
            state_ = std::move(o.state_);
            node_ = std::exchange(o.node_, nullptr);
            conn_ = std::exchange(o.conn_, nullptr);
            skip_reset_ = o.skip_reset_;
        }
        return *this;
    }
    ~pooled_connection() { release(); }

    bool valid() const noexcept { return conn_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }
    // Preconditions: valid().
    connection& get() noexcept { return *conn_; }
    connection* operator->() noexcept { return conn_; }
    connection& operator*() noexcept { return *conn_; }

    // Promises that this use changed nothing in the session (plain queries only: no SET,
    // temporary table, PREPARE, LISTEN, advisory lock ...), so the return skips the
    // reset. A connection returned inside a transaction (or a failed one) is rolled back
    // and reset anyway; a closed one is dropped.
    void return_without_reset() noexcept { skip_reset_ = true; }

    // Gives the connection back now (the destructor does the same).
    void release() noexcept {
        if (node_ != nullptr) detail::pool_give_back(state_, node_, skip_reset_);
        node_ = nullptr;
        conn_ = nullptr;
        state_.reset();
        skip_reset_ = false;
    }

private:
    friend struct detail::pool_access;
    std::shared_ptr<detail::pool_state> state_;
    detail::pool_node* node_ = nullptr;
    connection* conn_ = nullptr;
    bool skip_reset_ = false;
};

namespace detail {
template <class T>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};
// A completion token, and not a timeout (async_acquire(5s) is a timeout).
template <class T>
concept acquire_token = cirrus::detail::completion_token<T> && !is_duration<std::remove_cvref_t<T>>::value;

CIRRUS_DECL task run_pool_acquire(std::shared_ptr<pool_state> s, std::chrono::milliseconds timeout,
                                  pooled_connection& out, diagnostics& diag, signal_ptr sig);

struct pool_acquire_op {
    using result_type = pooled_connection;
    using diagnostics_type = postgres::diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::notify;

    std::shared_ptr<pool_state> state;
    std::chrono::milliseconds timeout;

    boost::asio::awaitable<error_code> start(diagnostics& d, pooled_connection& out, const signal_ptr& sig) {
        return run_pool_acquire(state, timeout, out, d, sig);
    }
};
} // namespace detail

class pool {
public:
    using executor_type = boost::asio::any_io_executor;

    // Makes a strand of `ex` for the pool and its connections. No connection is made
    // until the first async_acquire.
    pool(executor_type ex, const pool_options& opts) : state_(detail::make_pool(ex, opts)) {}
    pool(boost::asio::io_context& ctx, const pool_options& opts) : pool(ctx.get_executor(), opts) {}
    pool(pool&&) noexcept = default;
    pool& operator=(pool&&) noexcept = default;
    // cancel(): pooled_connections still held stay usable and are closed when given back.
    ~pool() {
        if (state_) detail::pool_cancel(state_);
    }

    // The strand every pooled connection runs on.
    executor_type get_executor() const noexcept { return detail::pool_executor(*state_); }

    // A connection within `timeout` (pool_options::acquire_timeout without one).
    // Cancellation (a bound slot, `||` with a timer) ends the wait, or a connection
    // attempt in progress, with asio::error::operation_aborted.
    // Signature: void(error_code, pooled_connection).
    template <detail::acquire_token Token = default_token>
    auto async_acquire(Token&& token = {}) {
        return acquire(std::chrono::milliseconds(-1), nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_acquire(diagnostics& diag, Token&& token = {}) {
        return acquire(std::chrono::milliseconds(-1), &diag, std::forward<Token>(token));
    }
    template <cirrus::detail::completion_token Token = default_token>
    auto async_acquire(std::chrono::milliseconds timeout, Token&& token = {}) {
        return acquire(timeout, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_acquire(std::chrono::milliseconds timeout, diagnostics& diag, Token&& token = {}) {
        return acquire(timeout, &diag, std::forward<Token>(token));
    }

    // Fails every waiting and later async_acquire with client_errc::pool_closed, and
    // closes the idle connections. Thread-safe.
    void cancel() noexcept { detail::pool_cancel(state_); }

    // A snapshot, readable from any thread.
    pool_stats stats() const noexcept { return detail::pool_stats(*state_); }

private:
    template <class Token>
    auto acquire(std::chrono::milliseconds timeout, diagnostics* diag, Token&& token) {
        return cirrus::detail::async_op(get_executor(), std::forward<Token>(token),
                                        detail::pool_acquire_op{state_, timeout}, diag, nullptr);
    }

    std::shared_ptr<detail::pool_state> state_;
};

} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/pool.ipp>
#endif
