#pragma once
// Settings of a postgres::pool (docs/postgres.md, "Connection pool").

#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/options.hpp>

#include <chrono>
#include <cstddef>

namespace cirrus::postgres {

// What a connection's return to the pool runs before another user gets it.
enum class pool_reset {
    // DISCARD ALL: session settings, temporary tables, prepared statements (the
    // statement cache starts empty again), LISTENs, advisory locks, cursors.
    discard_all,
    // The same except prepared statements, so the statement cache stays warm:
    // CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *;
    // SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES.
    keep_statements,
};

struct pool_options {
    // Where and as whom every connection connects (a connection string parsed with
    // parse_connection_string, or filled in).
    connect_params params;
    // Each connection's own settings (statement cache, limits, query timeout ...).
    connection_options connection;
    // At most this many connections, in use, idle, connecting or being reset.
    std::size_t max_size = 10;
    // How long async_acquire waits when no timeout is given. 0: no limit.
    std::chrono::milliseconds acquire_timeout{30'000};
    // After a failed connection attempt, how long the pool waits before the next one.
    backoff_options reconnect;
    // A connection idle for longer than this is checked (an empty query) before it is
    // handed out, and dropped when the check fails. 0: checked every time.
    std::chrono::milliseconds health_check_after{10'000};
    // A check (or a reset) that takes longer closes the connection.
    std::chrono::milliseconds health_check_timeout{5'000};
    // Connections older than this are closed when returned or found idle. 0: no limit.
    std::chrono::milliseconds max_lifetime{30 * 60'000};
    // Idle connections unused for this long are closed. 0: never.
    std::chrono::milliseconds max_idle_time{10 * 60'000};
    pool_reset reset = pool_reset::discard_all;
};

} // namespace cirrus::postgres
