#pragma once
// Definitions for aws/detail/service.hpp.

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/http/error.hpp>

#include <chrono>
#include <utility>

namespace cirrus::aws::detail {

CIRRUS_DECL service::service(asio::any_io_executor ex, service_names n, service_options o, http::endpoint ep,
                             std::string region)
    : executor(ex), names(n), options(std::move(o)), http(ex, options.http), endpoint(std::move(ep)),
      signing_region(std::move(region)), credentials(auth::provider_or_default(options.credentials)) {}

CIRRUS_DECL asio::awaitable<error_code> service::get_credentials(auth::credentials_ptr& out, diagnostics& diag) const {
    const auto now = std::chrono::system_clock::now();
    auto r = co_await credentials.async_get_shared(now, diag);
    if (!r) co_return r.error();
    out = std::move(*r);
    co_return error_code();
}

CIRRUS_DECL asio::awaitable<error_code> service::send(service_call& call, diagnostics& diag) {
    if (endpoint.host().empty()) {
        diag.clear();
        diag.message = "no endpoint for the service ";
        diag.message += names.endpoint_id;
        co_return make_error_code(http::errc::invalid_endpoint);
    }
    if (call.anonymous) {
        call.creds.reset();
    } else {
        // At hand (static credentials, a cache outside its refresh margin): no coroutine.
        call.creds = credentials.peek_shared(std::chrono::system_clock::now());
        if (!call.creds) {
            if (auto ec = co_await get_credentials(call.creds, diag)) co_return ec;
        }
    }
    call.views.clear();
    call.views.reserve(call.headers.size() + 2);
    if (!call.content_type.empty()) call.views.push_back({"content-type", call.content_type});
    if (!call.target.empty()) call.views.push_back({"x-amz-target", call.target});
    for (const auto& h : call.headers) call.views.push_back(h);
    call.res.clear();
    const http::request req{.endpoint = endpoint.view(),
                            .method = call.method,
                            .path = call.path,
                            .query = call.query,
                            .headers = call.views,
                            .body = http::request_body(call.body),
                            .sink = {},
                            .signing = {.credentials = call.creds.get(),
                                        .region = signing_region,
                                        .service = names.signing_name,
                                        .rules = auth::sigv4::uri_rules::standard,
                                        .payload = http::payload_signing::sha256},
                            .max_attempts = call.max_attempts};
    error_code ec = co_await http::detail::run_request(http.state(), req, call.res);
    if (!ec) co_return ec;
    diag = call.res.diag;
    if (diag.http_status == 0) diag.http_status = call.res.status;
    if (names.map_error != nullptr) ec = names.map_error(ec, diag);
    co_return ec;
}

} // namespace cirrus::aws::detail
