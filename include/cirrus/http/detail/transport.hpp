#pragma once
// What http::client (and the service clients built on the transport) ask of the
// transport's state, as functions of an incomplete type: their headers need no Beast,
// TLS or connection pool. In a separately compiled program these are compiled once
// (http/impl/transport.ipp, from <cirrus/src.hpp>).

#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/http/message.hpp>
#include <cirrus/http/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string_view>

namespace cirrus::http::detail {

class client_state;

CIRRUS_DECL std::shared_ptr<client_state> make_client_state(const boost::asio::any_io_executor& ex,
                                                            client_options options);
// Closes the idle connections; requests still running finish, and their connections are
// closed instead of pooled.
CIRRUS_DECL void shutdown(client_state& st) noexcept;
CIRRUS_DECL const client_options& options(const client_state& st) noexcept;
CIRRUS_DECL diagnostics& last_diagnostics(client_state& st) noexcept;
CIRRUS_DECL pool_stats stats(const client_state& st);
CIRRUS_DECL void close_idle(client_state& st);
CIRRUS_DECL unsigned retry_tokens(const client_state& st) noexcept;
CIRRUS_DECL std::chrono::system_clock::duration clock_offset(const client_state& st) noexcept;
CIRRUS_DECL void set_clock_offset(client_state& st, std::chrono::system_clock::duration d) noexcept;

// The request loop: plan, attempts on pooled connections, retries with backoff,
// clock-skew correction, observer events. `req` and `res` live in the caller's operation;
// on failure `diag` (when given) gets what the server or the client said.
CIRRUS_DECL boost::asio::awaitable<error_code> run_request(std::shared_ptr<client_state> st, const request& req,
                                                           response& res, diagnostics* diag = nullptr);

// GET of a whole URL ("https://host/path?query", e.g. a presigned URL), unsigned, through
// the request loop; `url` stays alive until it completes.
CIRRUS_DECL boost::asio::awaitable<error_code> get_url(std::shared_ptr<client_state> st, std::string_view url,
                                                       response& res, diagnostics& diag);

} // namespace cirrus::http::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/http/impl/transport.ipp>
#endif
