#pragma once
// What every DynamoDB operation shares: the endpoint, the signing region, credentials
// (obtained in get_credentials() only), the HTTP client, the response reader, and one
// exchange: an awsJson1.0 POST with X-Amz-Target, signed for "dynamodb", sent through the
// transport's request loop (which retries throttling with backoff), with failures turned
// into dynamodb::errc and the error body's details (old item, cancellation reasons) read.
// Included by the .ipp files only.

#include <cirrus/auth/provider.hpp>
#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/options.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/http/detail/transport.hpp>

#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cirrus::dynamodb::detail {

namespace asio = boost::asio;
using task = asio::awaitable<error_code>;

// One call, kept alive in the operation's frame.
struct exchange {
    std::string body;   // the request's JSON
    http::response res; // the response; res.body the response's JSON
    auth::credentials creds;
    std::string target; // "DynamoDB_20120810.<Operation>"
    std::array<http::header, 2> headers{};
    error_details details; // of a failure: old item, cancellation reasons

    void reset() {
        body.clear();
        res.clear();
        details = {};
    }
};

class core {
public:
    core(asio::any_io_executor ex, client_options opts, http::endpoint ep, std::string signing_region)
        : executor(ex), options(std::move(opts)), http(ex, options.http), endpoint(std::move(ep)),
          signing_region(std::move(signing_region)), credentials(auth::provider_or_default(options.credentials)) {}

    asio::any_io_executor executor;
    client_options options;
    http::client http;
    http::endpoint endpoint;
    std::string signing_region;
    auth::any_credentials_provider credentials;
    json_reader reader;
    diagnostics last_diagnostics; // of the last failed operation started without its own

    // The one place credentials are obtained.
    error_code get_credentials(auth::credentials& out, diagnostics& diag) const {
        auto r = credentials.get(std::chrono::system_clock::now(), diag);
        if (!r) return r.error();
        out = std::move(*r);
        return {};
    }

    // Sends x.body as the operation `op` ("PutItem" ...); on failure the diagnostics and
    // the details of the error body are filled.
    task send(exchange& x, std::string_view op, diagnostics& diag) {
        if (auto ec = get_credentials(x.creds, diag)) co_return ec;
        x.target = "DynamoDB_20120810.";
        x.target += op;
        x.headers = {http::header{"Content-Type", "application/x-amz-json-1.0"},
                     http::header{"X-Amz-Target", x.target}};
        x.res.clear();
        const http::request req{.endpoint = endpoint.view(),
                                .method = http::verb::post,
                                .path = "/",
                                .headers = x.headers,
                                .body = http::request_body::memory(std::string_view(x.body)),
                                .signing = {.credentials = &x.creds, .region = signing_region, .service = "dynamodb"}};
        const error_code ec = co_await http::detail::run_request(http.state(), req, x.res);
        if (!ec) co_return ec;
        diag = x.res.diag;
        if (diag.http_status == 0) diag.http_status = x.res.status;
        const error_code mapped = to_dynamodb_error(ec, diag.service_code);
        if ((mapped == errc::conditional_check_failed || mapped == errc::transaction_canceled) && !x.res.body.empty())
            (void)reader.error(x.res.body, x.details); // the details are a bonus: a malformed body keeps the error
        co_return mapped;
    }
};

} // namespace cirrus::dynamodb::detail
