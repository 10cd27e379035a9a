#pragma once
// Connections, the per-endpoint pool and the state a client shares with its running
// requests.
//
// All of it is touched only from the client's executor (one thread, or a strand), so it
// needs no locks. Running requests hold the state through a shared_ptr: a client may be
// destroyed while requests are in flight; their connections are then closed instead of
// pooled.
//
// Accounting, per endpoint: established = idle + in_use; a slot is "connecting" from the
// moment a request decides to open a connection until the handshake ends. Every
// established connection is eventually counted once in `closed`.

#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/buffer.hpp>
#include <cirrus/core/detail/resolver.hpp>
#include <cirrus/http/detail/stream.hpp>
#include <cirrus/http/endpoint.hpp>
#include <cirrus/http/error.hpp>
#include <cirrus/http/options.hpp>
#include <cirrus/http/tls.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace cirrus::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

inline auto with_ec(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

struct connection {
    connection(const asio::any_io_executor& ex, asio::ssl::context* tls) : io(ex, tls) {}

    stream io;
    beast::flat_buffer read_buffer;
    buffer head;                                         // the request head being written
    std::vector<auth::sigv4::header> sign_headers;       // reused by every request
    auth::sigv4::signer signer;                          // caches signing keys per connection
    std::unique_ptr<auth::sigv4a::signer> sigv4a_signer; // made by the first SigV4a request
    std::unique_ptr<std::uint8_t[]> scratch;             // file/generator bodies, file/handler sinks
    std::size_t scratch_size = 0;
    std::string error_body;
    clock::time_point idle_since{};
    std::uint64_t requests = 0; // completed on this connection

    std::uint8_t* scratch_buffer(std::size_t at_least) {
        if (scratch_size < at_least) {
            scratch = std::make_unique_for_overwrite<std::uint8_t[]>(at_least);
            scratch_size = at_least;
        }
        return scratch.get();
    }
};

class host_pool;

// A request waiting for a connection of a full pool: woken with a connection handed over,
// with a slot to open one, or by the pool's closing. It lives in the waiting coroutine's
// frame and leaves the queue when destroyed (even by an io_context's shutdown).
struct pool_waiter {
    pool_waiter(const asio::any_io_executor& ex, host_pool& h);
    pool_waiter(const pool_waiter&) = delete;
    pool_waiter& operator=(const pool_waiter&) = delete;
    ~pool_waiter();
    asio::steady_timer timer;
    host_pool& host;
    std::unique_ptr<connection> handed;
    bool slot_granted = false;
};

class host_pool {
public:
    host_pool(http::scheme s, std::string host, std::uint16_t port) : scheme(s), host(std::move(host)), port(port) {}

    bool matches(const endpoint_view& ep) const noexcept {
        return ep.scheme == scheme && ep.port == port && ep.host == host;
    }

    const http::scheme scheme;
    const std::string host;
    const std::uint16_t port;
    std::vector<std::unique_ptr<connection>> idle; // most recently used at the back, longest idle at the front
    std::size_t in_use = 0;
    std::size_t connecting = 0;
    std::deque<pool_waiter*> waiters;

    std::size_t established() const noexcept { return idle.size() + in_use; }
};

inline pool_waiter::pool_waiter(const asio::any_io_executor& ex, host_pool& h) : timer(ex), host(h) {
    host.waiters.push_back(this);
}
inline pool_waiter::~pool_waiter() { std::erase(host.waiters, this); }

struct dns_entry {
    std::string host;
    std::uint16_t port = 0;
    tcp::resolver::results_type results;
    clock::time_point expires{};
};

class client_state : public std::enable_shared_from_this<client_state> {
public:
    client_state(asio::any_io_executor ex, client_options opts)
        : executor(std::move(ex)), options(std::move(opts)), quota(options.retry), rng(std::random_device{}()) {}

    client_state(const client_state&) = delete;
    client_state& operator=(const client_state&) = delete;

    asio::any_io_executor executor;
    const client_options options;
    retry_quota quota;
    std::minstd_rand rng;
    std::chrono::system_clock::duration clock_offset{0};
    pool_stats counters; // monotonic counters; gauges are computed in stats()
    bool closed = false;
    diagnostics last_diagnostics; // of the last failed async_send without its own

    std::unique_ptr<asio::ssl::context> tls_context;
    error_code tls_context_error;
    bool tls_context_tried = false;

    std::vector<std::unique_ptr<host_pool>> hosts;
    std::vector<dns_entry> dns;

    double uniform01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

    std::chrono::system_clock::time_point signing_now() const {
        return std::chrono::system_clock::now() + clock_offset;
    }

    pool_stats stats() const {
        pool_stats s = counters;
        s.open = s.idle = s.in_use = s.connecting = s.waiting = 0;
        for (const auto& h : hosts) {
            s.open += h->established();
            s.idle += h->idle.size();
            s.in_use += h->in_use;
            s.connecting += h->connecting;
            s.waiting += h->waiters.size();
        }
        return s;
    }

    host_pool& host_for(const endpoint_view& ep) {
        for (auto& h : hosts)
            if (h->matches(ep)) return *h;
        hosts.push_back(std::make_unique<host_pool>(ep.scheme, std::string(ep.host), ep.port));
        return *hosts.back();
    }

    asio::ssl::context* tls(error_code& ec) {
        if (!tls_context_tried) {
            tls_context_tried = true;
            tls_context_error = make_tls_context(options.tls, tls_context);
        }
        ec = tls_context_error;
        return tls_context.get();
    }

    // Closes an established connection that is not in the idle list.
    void close_in_use(host_pool& h, std::unique_ptr<connection> c) {
        c->io.close();
        c.reset();
        --h.in_use;
        ++counters.closed;
        grant_slot(h);
    }

    // A request is done with a connection: pool it, hand it to a waiter, or close it.
    void release(host_pool& h, std::unique_ptr<connection> c, bool reusable) {
        if (!reusable || closed) {
            close_in_use(h, std::move(c));
            return;
        }
        ++c->requests;
        c->idle_since = clock::now();
        if (!h.waiters.empty()) {
            pool_waiter* w = h.waiters.front();
            h.waiters.pop_front();
            w->handed = std::move(c); // stays counted in in_use
            w->timer.cancel();
            return;
        }
        --h.in_use;
        h.idle.push_back(std::move(c));
    }

    // A connection slot became free: let the first waiter open a connection.
    void grant_slot(host_pool& h) {
        if (h.waiters.empty() || h.established() + h.connecting >= options.pool.max_connections_per_host) return;
        pool_waiter* w = h.waiters.front();
        h.waiters.pop_front();
        ++h.connecting;
        w->slot_granted = true;
        w->timer.cancel();
    }

    // The slot reserved for a connection that could not be established.
    void connect_failed(host_pool& h) {
        --h.connecting;
        grant_slot(h);
    }

    void expire_idle(host_pool& h, clock::time_point now) {
        const auto limit = options.pool.idle_timeout;
        if (limit.count() <= 0 || h.idle.empty()) return;
        const auto oldest_allowed = now - limit;
        // The front holds the least recently used connections.
        std::size_t n = 0;
        while (n < h.idle.size() && h.idle[n]->idle_since < oldest_allowed) ++n;
        for (std::size_t i = 0; i < n; ++i) {
            h.idle[i]->io.close();
            ++counters.closed;
            ++counters.expired;
        }
        h.idle.erase(h.idle.begin(), h.idle.begin() + static_cast<std::ptrdiff_t>(n));
        for (std::size_t i = 0; i < n; ++i) grant_slot(h);
    }

    void close_idle() {
        for (auto& h : hosts) {
            for (auto& c : h->idle) {
                c->io.close();
                ++counters.closed;
            }
            h->idle.clear();
            while (!h->waiters.empty() && h->established() + h->connecting < options.pool.max_connections_per_host)
                grant_slot(*h);
        }
    }

    void shutdown() {
        closed = true;
        close_idle();
        for (auto& h : hosts) {
            for (pool_waiter* w : h->waiters) w->timer.cancel();
            h->waiters.clear();
        }
    }

    const dns_entry* cached_resolution(const host_pool& h) {
        const auto now = clock::now();
        for (auto it = dns.begin(); it != dns.end();) {
            if (it->expires <= now) {
                it = dns.erase(it);
                continue;
            }
            if (it->host == h.host && it->port == h.port) return &*it;
            ++it;
        }
        return nullptr;
    }

    void remember_resolution(const host_pool& h, const tcp::resolver::results_type& r) {
        forget_resolution(h);
        dns.push_back({h.host, h.port, r, clock::now() + options.pool.dns_ttl});
    }

    void forget_resolution(const host_pool& h) {
        std::erase_if(dns, [&](const dns_entry& e) { return e.host == h.host && e.port == h.port; });
    }
};

// A connection taken from the pool for one attempt. Without release() it is closed.
class lease {
public:
    lease() = default;
    lease(std::shared_ptr<client_state> s, host_pool* h, std::unique_ptr<connection> c, bool reused)
        : state_(std::move(s)), host_(h), conn_(std::move(c)), reused_(reused) {}
    lease(lease&&) = default;
    lease& operator=(lease&& other) noexcept {
        if (this != &other) {
            drop();
            state_ = std::move(other.state_);
            host_ = other.host_;
            conn_ = std::move(other.conn_);
            reused_ = other.reused_;
        }
        return *this;
    }
    ~lease() { drop(); }

    explicit operator bool() const noexcept { return conn_ != nullptr; }
    connection& operator*() const noexcept { return *conn_; }
    connection* operator->() const noexcept { return conn_.get(); }
    bool reused() const noexcept { return reused_; }

    void release(bool reusable) {
        if (conn_) state_->release(*host_, std::move(conn_), reusable);
    }
    void drop() {
        if (conn_) state_->close_in_use(*host_, std::move(conn_));
    }

private:
    std::shared_ptr<client_state> state_;
    host_pool* host_ = nullptr;
    std::unique_ptr<connection> conn_;
    bool reused_ = false;
};

inline bool cancelled(const asio::cancellation_state& cs) noexcept {
    return cs.cancelled() != asio::cancellation_type::none;
}

// Resolves (through the cache), connects and, for https, shakes hands. The caller has
// reserved a connecting slot; it is given back here on failure.
inline asio::awaitable<error_code> open_connection(std::shared_ptr<client_state> st, host_pool& h,
                                                   clock::time_point deadline, lease& out) {
    error_code ec;
    asio::ssl::context* tls = nullptr;
    if (h.scheme == scheme::https) {
        tls = st->tls(ec);
        if (ec) {
            st->connect_failed(h);
            co_return ec;
        }
    }
    auto c = std::make_unique<connection>(st->executor, tls);

    // A timeout while connecting: the request's deadline, or the connect timeout.
    auto timed_out = [&] {
        return make_error_code(clock::now() >= deadline ? errc::total_timeout : errc::connect_timeout);
    };

    tcp::resolver::results_type results;
    const auto address = asio::ip::make_address(h.host, ec);
    if (!ec) {
        results = tcp::resolver::results_type::create(tcp::endpoint(address, h.port), h.host, std::to_string(h.port));
    } else if (const dns_entry* cached = st->cached_resolution(h)) {
        results = cached->results;
        ++st->counters.dns_cache_hits;
    } else {
        ++st->counters.dns_lookups;
        cirrus::detail::name_resolver resolver(st->executor);
        // The connect timeout bounds the name lookup too (as Go's net.Dialer does).
        ec = co_await resolver.resolve(h.host, std::to_string(h.port),
                                       limit_end(st->options.timeouts.connect, deadline), results);
        if (ec) {
            st->connect_failed(h);
            co_return ec == asio::error::timed_out ? timed_out() : ec;
        }
        st->remember_resolution(h, results);
    }

    auto& io = c->io;
    const stream::disarm_guard disarm(io);
    auto map_timeout = [&](error_code e) { return io.timed_out() ? timed_out() : e; };
    io.set_limits(std::chrono::milliseconds{0}, deadline);
    io.arm(st->options.timeouts.connect);
    co_await asio::async_connect(io.socket(), results, with_ec(ec));
    if (ec) {
        st->forget_resolution(h);
        st->connect_failed(h);
        co_return map_timeout(ec);
    }
    error_code ignored;
    io.socket().set_option(tcp::no_delay(true), ignored);
    if (tls != nullptr) {
        ec = prepare_tls_session(io.tls().native_handle(), h.host, st->options.tls.verify);
        if (!ec) {
            io.arm(st->options.timeouts.connect);
            co_await io.tls().async_handshake(asio::ssl::stream_base::client, with_ec(ec));
        }
        if (ec) {
            ec = map_timeout(ec);
            io.close();
            st->connect_failed(h);
            co_return ec;
        }
    }
    --h.connecting;
    ++h.in_use;
    ++st->counters.created;
    out = lease(st, &h, std::move(c), false);
    co_return error_code{};
}

// Takes a live pooled connection or opens one, waiting while the endpoint is at its
// connection limit: until pool.acquire_timeout has passed (errc::pool_timeout) or the
// deadline (errc::total_timeout), whichever is first. Connections idle for less than
// probe_idle_after are not probed unless `always_probe` (a body that cannot be sent twice).
inline asio::awaitable<error_code> acquire(std::shared_ptr<client_state> st, const endpoint_view& ep,
                                           clock::time_point deadline, bool always_probe, lease& out) {
    host_pool& h = st->host_for(ep);
    const auto wait_limit = st->options.pool.acquire_timeout;
    const clock::time_point wait_end = limit_end(wait_limit, deadline);
    for (;;) {
        if (st->closed) co_return make_error_code(errc::client_closed);
        const auto now = clock::now();
        st->expire_idle(h, now);
        const auto probe_before = now - st->options.pool.probe_idle_after;
        const auto rest = st->options.pool.rest;
        const bool room = h.established() + h.connecting < st->options.pool.max_connections_per_host;
        while (!h.idle.empty()) {
            // pool.rest: the longest idle first (the front: connections are pooled at the
            // back), or a new one while the longest idle has not rested long enough.
            if (rest.count() > 0 && room && now - h.idle.front()->idle_since < rest) break;
            std::unique_ptr<connection> c;
            if (rest.count() > 0) {
                c = std::move(h.idle.front());
                h.idle.erase(h.idle.begin());
            } else {
                c = std::move(h.idle.back());
                h.idle.pop_back();
            }
            ++h.in_use;
            if ((always_probe || c->idle_since <= probe_before) && !c->io.looks_alive()) {
                ++st->counters.stale;
                st->close_in_use(h, std::move(c));
                continue;
            }
            ++st->counters.reused;
            out = lease(st, &h, std::move(c), true);
            co_return error_code{};
        }
        if (h.established() + h.connecting < st->options.pool.max_connections_per_host) {
            ++h.connecting;
            co_return co_await open_connection(st, h, deadline, out);
        }

        pool_waiter w(st->executor, h);
        w.timer.expires_at(wait_end);
        error_code ec;
        co_await w.timer.async_wait(with_ec(ec));
        std::erase(h.waiters, &w);
        const bool was_cancelled = cancelled(co_await asio::this_coro::cancellation_state);
        if (w.handed) {
            lease l(st, &h, std::move(w.handed), true);
            if (was_cancelled) {
                l.release(true);
                co_return make_error_code(asio::error::operation_aborted);
            }
            ++st->counters.reused;
            out = std::move(l);
            co_return error_code{};
        }
        if (w.slot_granted) {
            if (was_cancelled) {
                st->connect_failed(h);
                co_return make_error_code(asio::error::operation_aborted);
            }
            co_return co_await open_connection(st, h, deadline, out);
        }
        if (was_cancelled) co_return make_error_code(asio::error::operation_aborted);
        if (!ec) co_return make_error_code(wait_end < deadline ? errc::pool_timeout : errc::total_timeout);
        // Woken without a connection (the pool is closing): look again.
    }
}

} // namespace cirrus::http::detail
