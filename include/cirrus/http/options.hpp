#pragma once
// Settings of an HTTP client and the counters it keeps.

#include <cirrus/http/observer.hpp>
#include <cirrus/http/retry.hpp>
#include <cirrus/http/tls.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cirrus::http {

// The defaults and why they are what they are: docs/http.md, "Limits and defaults".
struct timeout_options {
    std::chrono::milliseconds connect{10'000};    // each of: name lookup, TCP connect, TLS handshake
    std::chrono::milliseconds inactivity{30'000}; // longest wait for any single read or write to progress
    // One attempt, from the wait for a connection to the last body byte; 0 = none. Ends a
    // server that trickles a byte just inside the inactivity timeout; retried like one.
    std::chrono::milliseconds attempt{15 * 60'000};
    std::chrono::milliseconds total{0}; // whole request, retries and delays included; 0 = none
};

struct pool_options {
    std::size_t max_connections_per_host = 64;      // per (scheme, host, port); requests beyond wait
    std::chrono::milliseconds idle_timeout{50'000}; // idle connections older than this are closed
    std::chrono::milliseconds dns_ttl{30'000};      // how long resolved addresses are reused
    // A pooled connection idle at least this long is probed (a non-blocking peek) before it
    // is reused; a younger one is used at once and, should it turn out closed before any
    // response byte, replaced without counting an attempt. Requests whose body cannot be
    // sent twice always probe. Zero probes every reuse.
    std::chrono::milliseconds probe_idle_after{1'000};
    // Longest wait for a connection when the endpoint is at max_connections_per_host
    // (errc::pool_timeout, not retried); 0 = until the attempt's deadline.
    std::chrono::milliseconds acquire_timeout{10'000};
    // 0: a request takes the idle connection used most recently, so that as few as
    // needed stay busy and the others expire. Above 0: it takes the one idle longest, and
    // when even that one came back less than `rest` ago and the endpoint is below
    // max_connections_per_host, a new connection is opened instead: the pool grows until
    // each connection rests this long between two requests. For servers that keep serving
    // a connection whose next request arrives at once while others wait (Go servers with a
    // goroutine per connection under load: versitygw on fasthttp, MinIO on net/http), a
    // few hundred microseconds even out the latency.
    std::chrono::microseconds rest{0};
};

struct client_options {
    tls_options tls = {};
    timeout_options timeouts = {};
    pool_options pool = {};
    retry_options retry = {};
    // Bodies of at least this many bytes go out with "Expect: 100-continue"; the body is
    // sent after the interim response, or after continue_timeout without one.
    std::uint64_t expect_continue_threshold = 1024 * 1024;
    std::chrono::milliseconds continue_timeout{1000};
    // Response status line and headers (what is buffered unparsed, and the sum of the
    // fields kept); also what a chunk-size line or the trailer of a chunked body may hold
    // before it ends.
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_interim_responses = 5; // 1xx heads skipped before the final one
    // A server clock (Date of a RequestTimeTooSkewed answer) further than this from ours is
    // not adopted: the error is returned as it is.
    std::chrono::seconds max_clock_correction{24 * 3600};
    std::size_t max_error_body = 64 * 1024;              // error bodies kept for their envelope
    std::uint64_t max_collected_body = 64 * 1024 * 1024; // default sink (response::body)
    std::size_t io_buffer_size = 64 * 1024;              // per connection, for file/generator I/O
    std::string user_agent = "cirrus/0.1";
    observer on_event = {};
    bool observe_headers = false; // pass the (redacted) request headers to on_event
};

// Connection pool counters, summed over every (scheme, host, port).
struct pool_stats {
    std::size_t open = 0;             // established connections, idle or in use
    std::size_t idle = 0;             // of those, waiting in the pool
    std::size_t in_use = 0;           // of those, serving a request
    std::size_t connecting = 0;       // connections being established
    std::size_t waiting = 0;          // requests waiting for a connection slot
    std::uint64_t created = 0;        // connections established since the client started
    std::uint64_t closed = 0;         // established connections closed since then
    std::uint64_t reused = 0;         // requests that ran on a pooled (kept-alive) connection
    std::uint64_t stale = 0;          // pooled connections found dead when taken, and replaced
    std::uint64_t expired = 0;        // idle connections closed for idleness
    std::uint64_t dns_lookups = 0;    // resolver queries
    std::uint64_t dns_cache_hits = 0; // connections that used a cached resolution
};

} // namespace cirrus::http
