#pragma once
// Definitions for postgres/pool.hpp. Everything below runs on the pool's strand, except
// the functions the header documents as thread-safe, which post to it.

#include <cirrus/postgres/detail/connection_impl.hpp>
#include <cirrus/postgres/pool.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <list>
#include <random>
#include <string>
#include <vector>

namespace cirrus::postgres::detail {

using pool_clock = std::chrono::steady_clock;

struct pool_node {
    pool_node(const asio::any_io_executor& ex, const connection_options& o)
        : conn(ex, o), created(pool_clock::now()), idle_since(created) {}
    connection conn;
    pool_clock::time_point created;
    pool_clock::time_point idle_since;
    std::list<std::unique_ptr<pool_node>>::iterator self;
};

struct pool_access {
    static const std::shared_ptr<connection_impl>& impl(connection& c) noexcept { return c.impl_; }
    static pooled_connection make(std::shared_ptr<pool_state> s, pool_node* n) {
        pooled_connection c;
        c.state_ = std::move(s);
        c.node_ = n;
        c.conn_ = &n->conn;
        return c;
    }
};

// An async_acquire waiting for a connection; its timer is canceled to wake it.
struct pool_waiter {
    asio::steady_timer* timer;
    bool woken = false;
};

struct pool_state : std::enable_shared_from_this<pool_state> {
    pool_state(const asio::any_io_executor& ex, const pool_options& o)
        : strand(asio::make_strand(ex)), opts(o), backoff(o.reconnect.initial), rng(std::random_device{}()) {
        if (opts.max_size == 0) opts.max_size = 1;
    }

    asio::any_io_executor strand;
    pool_options opts;
    std::list<std::unique_ptr<pool_node>> nodes; // every connection, whatever its state
    std::vector<pool_node*> idle;                // the most recently returned last
    std::list<pool_waiter*> waiters;
    bool closed = false;
    bool sweeping = false;
    asio::steady_timer* sweep_timer = nullptr;
    // Connection attempts back off while they fail.
    pool_clock::time_point next_connect_at{};
    std::chrono::milliseconds backoff;
    error_code last_connect_error;
    std::string last_connect_message;
    std::minstd_rand rng;
    std::atomic<std::size_t> n_total{0}, n_idle{0}, n_in_use{0}, n_waiting{0};

    void update_counts() noexcept {
        n_total = nodes.size();
        n_idle = idle.size();
    }
    void wake_one() {
        if (waiters.empty()) return;
        pool_waiter* w = waiters.front();
        waiters.pop_front();
        w->woken = true;
        w->timer->cancel();
    }
    void wake_all() {
        while (!waiters.empty()) wake_one();
    }
    pool_node* add_node() {
        nodes.push_back(std::make_unique<pool_node>(strand, opts.connection));
        auto* n = nodes.back().get();
        n->self = std::prev(nodes.end());
        update_counts();
        return n;
    }
    // The node is neither idle nor held: close it, forget it, and let a waiter make a new one.
    void discard(pool_node* n) {
        n->conn.close();
        nodes.erase(n->self);
        update_counts();
        wake_one();
    }
    void make_idle(pool_node* n) {
        n->idle_since = pool_clock::now();
        idle.push_back(n);
        update_counts();
        wake_one();
    }
    bool too_old(const pool_node* n, pool_clock::time_point now) const noexcept {
        return opts.max_lifetime.count() > 0 && now - n->created >= opts.max_lifetime;
    }
    bool idle_too_long(const pool_node* n, pool_clock::time_point now) const noexcept {
        return opts.max_idle_time.count() > 0 && now - n->idle_since >= opts.max_idle_time;
    }
    void connect_succeeded() noexcept {
        backoff = opts.reconnect.initial;
        next_connect_at = {};
        last_connect_error = {};
        last_connect_message.clear();
    }
    void connect_failed(error_code ec, const diagnostics& d) {
        last_connect_error = ec;
        last_connect_message = d.message.empty() ? ec.message() : d.what();
        auto jitter = backoff.count() > 4
                          ? std::uniform_int_distribution<std::int64_t>(0, backoff.count() / 4)(rng)
                          : std::int64_t{0};
        next_connect_at = pool_clock::now() + backoff + std::chrono::milliseconds(jitter);
        backoff = std::min(backoff * 2, std::max(opts.reconnect.max, opts.reconnect.initial));
    }
    std::chrono::milliseconds sweep_period() const noexcept {
        auto p = std::chrono::milliseconds(10'000);
        if (opts.max_idle_time.count() > 0) p = std::min(p, opts.max_idle_time / 2);
        if (opts.max_lifetime.count() > 0) p = std::min(p, opts.max_lifetime / 2);
        return std::max(p, std::chrono::milliseconds(50));
    }
    void start_sweeper();
    void sweep();
    void shutdown();
    void on_return(pool_node* n, bool skip_reset);
};

// Errors worth another attempt: the server is down, starting, restarting or full.
// Authentication and configuration errors are not.
inline bool transient_connect_error(const error_code& ec) {
    if (ec.category() == client_category()) return false;
    if (ec.category() == sqlstate_category()) {
        auto code = sqlstate_of(ec);
        auto cls = code.substr(0, 2);
        return cls == "08" || cls == "53" || cls == "57" || cls == "58";
    }
    return true;
}

// Runs `op` on node `n`; past `limit` the connection is closed, which ends it.
inline task bounded(std::shared_ptr<connection_impl> impl, std::chrono::milliseconds limit, task op) {
    asio::steady_timer t(impl->executor());
    auto done = std::make_shared<bool>(false);
    t.expires_after(limit);
    t.async_wait([impl, done](error_code ec) {
        if (!ec && !*done) impl->close_now();
    });
    auto ec = co_await std::move(op);
    *done = true;
    t.cancel();
    co_return ec;
}

// A round trip (an empty query) on an idle connection.
inline task ping(std::shared_ptr<connection_impl> impl, std::chrono::milliseconds limit, signal_ptr sig) {
    results r;
    diagnostics d;
    co_return co_await bounded(impl, limit, impl->simple_query("", r, d, std::move(sig)));
}

inline std::string pool_reset_sql(pool_reset r) {
    if (r == pool_reset::keep_statements)
        return "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; "
               "SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES";
    return "DISCARD ALL";
}

inline asio::awaitable<void> reset_node(std::shared_ptr<pool_state> s, pool_node* n) {
    bool ok = false;
    try {
        auto impl = pool_access::impl(n->conn);
        auto sig = std::make_shared<op_signal>();
        error_code ec;
        // DISCARD ALL cannot run inside a transaction block.
        if (impl->txn_status() != transaction_status::idle) {
            results r;
            diagnostics d;
            ec = co_await bounded(impl, s->opts.health_check_timeout, impl->simple_query("ROLLBACK", r, d, sig));
        }
        if (!ec) {
            results r;
            diagnostics d;
            ec = co_await bounded(impl, s->opts.health_check_timeout,
                                  impl->simple_query(pool_reset_sql(s->opts.reset), r, d, sig));
        }
        ok = !ec && impl->is_open() && impl->txn_status() == transaction_status::idle;
    } catch (...) {
        ok = false;
    }
    if (ok && !s->closed) s->make_idle(n);
    else s->discard(n);
}

inline void pool_state::on_return(pool_node* n, bool skip_reset) {
    --n_in_use;
    auto now = pool_clock::now();
    if (closed || !n->conn.is_open() || too_old(n, now)) {
        discard(n);
        return;
    }
    // A connection returned inside a transaction is rolled back and reset whatever the
    // caller promised.
    if (skip_reset && n->conn.transaction_status() == transaction_status::idle) {
        make_idle(n);
        return;
    }
    asio::co_spawn(strand, reset_node(shared_from_this(), n), asio::detached);
}

inline asio::awaitable<void> sweep_loop(std::weak_ptr<pool_state> weak) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        {
            auto s = weak.lock();
            if (!s || s->closed) co_return;
            timer.expires_after(s->sweep_period());
            s->sweep_timer = &timer;
        }
        auto [ec] = co_await timer.async_wait(as_tuple_awaitable);
        (void)ec;
        auto s = weak.lock();
        if (!s) co_return;
        s->sweep_timer = nullptr;
        if (s->closed) {
            s->sweeping = false;
            co_return;
        }
        s->sweep();
    }
}

inline void pool_state::start_sweeper() {
    if (sweeping || closed || (opts.max_idle_time.count() == 0 && opts.max_lifetime.count() == 0)) return;
    sweeping = true;
    asio::co_spawn(strand, sweep_loop(weak_from_this()), asio::detached);
}

inline void pool_state::sweep() {
    auto now = pool_clock::now();
    std::vector<pool_node*> keep;
    std::vector<pool_node*> drop;
    for (auto* n : idle) (idle_too_long(n, now) || too_old(n, now) || !n->conn.is_open() ? drop : keep).push_back(n);
    idle = std::move(keep);
    update_counts();
    for (auto* n : drop) discard(n);
}

inline void pool_state::shutdown() {
    if (closed) return;
    closed = true;
    wake_all();
    if (sweep_timer) sweep_timer->cancel();
    auto drop = std::move(idle);
    idle.clear();
    update_counts();
    for (auto* n : drop) discard(n);
}

CIRRUS_DECL std::shared_ptr<pool_state> make_pool(const boost::asio::any_io_executor& ex, const pool_options& opts) {
    return std::make_shared<pool_state>(ex, opts);
}

CIRRUS_DECL const boost::asio::any_io_executor& pool_executor(const pool_state& s) noexcept { return s.strand; }

CIRRUS_DECL void pool_give_back(const std::shared_ptr<pool_state>& s, pool_node* node, bool skip_reset) noexcept {
    try {
        asio::post(s->strand, [s, node, skip_reset] { s->on_return(node, skip_reset); });
    } catch (...) {
        // Out of memory: the node stays counted as in use; the pool is smaller by one.
    }
}

CIRRUS_DECL void pool_cancel(const std::shared_ptr<pool_state>& s) noexcept {
    try {
        asio::post(s->strand, [s] { s->shutdown(); });
    } catch (...) {
    }
}

CIRRUS_DECL pool_counts pool_stats(const pool_state& s) noexcept {
    return pool_counts{s.n_total.load(), s.n_idle.load(), s.n_in_use.load(), s.n_waiting.load()};
}

CIRRUS_DECL task run_pool_acquire(std::shared_ptr<pool_state> sp, std::chrono::milliseconds timeout,
                                  pooled_connection& out, diagnostics& diag, signal_ptr sig) {
    pool_state& s = *sp;
    if (timeout.count() < 0) timeout = s.opts.acquire_timeout;
    const auto started = pool_clock::now();
    const auto deadline = timeout.count() > 0 ? started + timeout : pool_clock::time_point::max();
    s.start_sweeper();
    asio::steady_timer timer(s.strand);
    for (;;) {
        if (s.closed) {
            diag.assign_client("the connection pool was canceled");
            co_return make_error_code(client_errc::pool_closed);
        }
        if (sig->requested) co_return asio::error::operation_aborted;
        auto now = pool_clock::now();

        // An idle connection, the most recently used first (its socket is the warmest).
        while (!s.idle.empty()) {
            pool_node* n = s.idle.back();
            s.idle.pop_back();
            s.update_counts();
            auto impl = pool_access::impl(n->conn);
            int probe = probe_idle(*impl);
            if (probe < 0 || s.too_old(n, now) || s.idle_too_long(n, now)) {
                s.discard(n);
                continue;
            }
            // Bytes from the server on an idle connection (most often the FATAL error of
            // a server shutdown) or a long idle time: a round trip tells.
            if (probe > 0 || now - n->idle_since >= s.opts.health_check_after) {
                auto ec = co_await ping(impl, s.opts.health_check_timeout, sig);
                if (ec || !impl->is_open()) {
                    s.discard(n);
                    if (sig->requested) co_return asio::error::operation_aborted;
                    continue;
                }
                if (s.closed) {
                    s.discard(n);
                    continue;
                }
                if (sig->requested) {
                    s.make_idle(n);
                    continue;
                }
            }
            ++s.n_in_use;
            out = pool_access::make(sp, n);
            co_return error_code{};
        }

        // A new connection.
        if (s.nodes.size() < s.opts.max_size && now >= s.next_connect_at) {
            pool_node* n = s.add_node();
            auto impl = pool_access::impl(n->conn);
            diagnostics cdiag;
            auto ec = co_await run_connect(*impl, s.opts.params, cdiag, sig);
            if (!ec && !s.closed) {
                s.connect_succeeded();
                n->created = n->idle_since = pool_clock::now();
                ++s.n_in_use;
                out = pool_access::make(sp, n);
                co_return error_code{};
            }
            if (ec && ec != asio::error::operation_aborted) s.connect_failed(ec, cdiag);
            s.discard(n);
            if (sig->requested || ec == asio::error::operation_aborted) co_return asio::error::operation_aborted;
            if (ec && !transient_connect_error(ec)) {
                diag = std::move(cdiag);
                co_return ec;
            }
            continue;
        }

        // Wait for a connection to come back, for the next connection attempt, or the end.
        if (now >= deadline) {
            std::string m = "no connection became available within " + std::to_string(timeout.count()) +
                            " ms (pool of " + std::to_string(s.opts.max_size) + ", " +
                            std::to_string(s.nodes.size()) + " open)";
            if (s.last_connect_error) m += "; the last connection attempt failed: " + s.last_connect_message;
            diag.assign_client(m);
            co_return make_error_code(client_errc::pool_timeout);
        }
        auto until = deadline;
        if (s.nodes.size() < s.opts.max_size) until = std::min(until, s.next_connect_at);
        pool_waiter w{&timer};
        s.waiters.push_back(&w);
        auto it = std::prev(s.waiters.end());
        ++s.n_waiting;
        timer.expires_at(until);
        sig->on_cancel = [&timer](asio::cancellation_type_t) { timer.cancel(); };
        auto [wec] = co_await timer.async_wait(as_tuple_awaitable);
        (void)wec;
        sig->on_cancel = nullptr;
        --s.n_waiting;
        if (!w.woken) s.waiters.erase(it);
        else if (sig->requested) s.wake_one(); // pass the wake on
    }
}

} // namespace cirrus::postgres::detail
