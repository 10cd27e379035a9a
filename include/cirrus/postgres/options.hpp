#pragma once
// Settings of a PostgreSQL connection (what a connection string cannot say; see
// connect_params.hpp for what it can).

#include <chrono>
#include <cstddef>

namespace cirrus::postgres {

namespace detail {
// Larger backend messages are refused unless connection_options says otherwise.
inline constexpr std::size_t default_max_message_size = std::size_t{64} << 20;
} // namespace detail

// Waits between reconnection attempts (postgres::pool, postgres::listener): `initial`
// after the first failure, doubled after each further one up to `max`, each wait with
// up to a quarter of random jitter so that many clients do not retry in step.
struct backoff_options {
    std::chrono::milliseconds initial{100};
    std::chrono::milliseconds max{5'000};
};

// How values travel in the extended protocol: result columns and parameters.
enum class value_format {
    // binary_where_known, except on a server that announces a server_version before 9:
    // text there (Amazon Redshift announces 8.0.2, and neither sends nor accepts every
    // type in binary).
    automatic,
    // Binary for the types cirrus has a binary codec for, text for the rest.
    binary_where_known,
    // Text only, whatever the server.
    text,
};

struct connection_options {
    // Largest backend message accepted (a DataRow holds one whole row). Larger ones are a
    // protocol error and close the connection.
    std::size_t max_message_size = detail::default_max_message_size;
    // Prepared statements kept per connection for query(); 0 uses the unnamed statement.
    std::size_t statement_cache_capacity = 256;
    // The most bytes of results one operation keeps: its rows and result sets, counted as
    // their bytes on the wire plus 16 per field and about 120 per result set. Past it the
    // query is canceled and the operation fails with client_errc::result_too_large (the
    // connection stays usable). 0 means no limit. Each row is also a message, so
    // max_message_size bounds it on its own.
    std::size_t max_result_bytes = std::size_t{1} << 30;
    // Client-side limit per query/execute; on expiry the query is canceled
    // (client_errc::query_timeout). 0 means none: a query may rightly run for hours, and
    // only the caller knows how long is too long (the server's statement_timeout is the
    // other way to bound it).
    std::chrono::milliseconds query_timeout{0};
    // After a cancel request, how long to wait for the server to end the query before
    // closing the connection.
    std::chrono::milliseconds cancel_timeout{10'000};
    // NOTIFY messages received and not yet taken by async_next_notification, kept while
    // the connection runs other operations. When full, the oldest is dropped and
    // counted (connection::dropped_notifications()).
    std::size_t notification_queue_capacity = 10'000;
    // The format of values in the extended protocol (results and parameters). The typed
    // rows and fields read either format; the simple query protocol is text anyway.
    value_format values = value_format::automatic;
    // Several coroutines may share the connection: an operation started while another
    // runs waits for its turn, in the order they were started, instead of failing with
    // client_errc::operation_in_progress. Queries (async_execute of a query text, into
    // results or typed rows) waiting together are sent together, as one pipeline with a
    // Sync after each (each keeps its own error and its own implicit transaction) and
    // each completes as soon as its own answer is in, as tokio-postgres does. Other
    // operations run alone in their turn. They all run in the session of whoever runs
    // first: a query queued behind a BEGIN runs inside that transaction. Off: one
    // operation at a time, the rest fail.
    bool implicit_pipelining = true;
};

} // namespace cirrus::postgres
