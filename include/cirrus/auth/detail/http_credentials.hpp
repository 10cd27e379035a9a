#pragma once
// What the providers that fetch credentials over HTTP (EC2 instance metadata, ECS and EKS
// container endpoints) share: one GET or PUT through the transport with short timeouts,
// the JSON document both services answer with, and URL checks. Included by their .ipp
// files only. Nothing here puts a secret (credentials, tokens) into a message.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/detail/time.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/http/detail/transport.hpp>
#include <cirrus/http/endpoint.hpp>
#include <cirrus/http/message.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>

#include <simdjson.h>

#include <chrono>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::auth::detail {

struct http_fetch {
    unsigned status = 0;
    std::string body;
    error_code ec; // transport failure, or aws_errc for a status of 300 or more
};

// One request with its own short-lived client: these providers run once an hour or so.
inline boost::asio::awaitable<http_fetch> fetch(const http::endpoint& ep, http::verb method, std::string_view path,
                                                std::span<const http::header> headers,
                                                std::chrono::milliseconds timeout, unsigned max_attempts) {
    http::client_options options;
    options.timeouts.connect = timeout;
    options.timeouts.inactivity = timeout;
    options.timeouts.attempt = timeout;
    options.retry.max_attempts = max_attempts == 0 ? 1 : max_attempts;
    options.retry.base_delay = std::chrono::milliseconds(50);
    options.retry.max_backoff = std::chrono::milliseconds(500);
    options.max_collected_body = 64 * 1024;
    http::client client(co_await boost::asio::this_coro::executor, std::move(options));
    http::response res;
    const http::request req{.endpoint = ep.view(), .method = method, .path = path, .headers = headers};
    http_fetch out;
    out.ec = co_await http::detail::run_request(client.state(), req, res);
    out.status = res.status;
    out.body = std::move(res.body);
    co_return out;
}

// "<what>: HTTP 404" or "<what>: <transport error>", never the answer's body (which a
// misbehaving endpoint could fill with anything).
inline std::string describe_failure(std::string_view what, const http_fetch& f) {
    std::string m(what);
    if (f.status >= 300) m += ": HTTP " + std::to_string(f.status);
    else m += ": " + f.ec.message();
    return m;
}

// The credentials document of the instance metadata service and of the container
// endpoints: AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601), and from IMDS a
// Code that must be "Success". `source` names the endpoint in messages.
inline error_code parse_credentials_document(std::string_view body, std::string_view source, credentials& out,
                                             diagnostics& diag) {
    auto fail = [&](errc code, std::string message) {
        diag.message = std::string(source) + ": " + std::move(message);
        return make_error_code(code);
    };
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(body.data(), body.size(), true).get(obj) != simdjson::SUCCESS)
        return fail(errc::protocol_error, "the answer is not a JSON object");
    auto field = [&](std::string_view key, std::string_view& v) { return obj.at_key(key).get(v) == simdjson::SUCCESS; };
    std::string_view code, id, secret, token, expiration;
    if (field("Code", code) && code != "Success") {
        std::string printable;
        for (char c : code.substr(0, 64)) printable.push_back(c >= 0x20 && c < 0x7F ? c : '?');
        return fail(errc::missing_credentials, "the service reported " + printable);
    }
    if (!field("AccessKeyId", id) || id.empty()) return fail(errc::protocol_error, "the answer has no AccessKeyId");
    if (!field("SecretAccessKey", secret) || secret.empty())
        return fail(errc::protocol_error, "the answer has no SecretAccessKey");
    field("Token", token);
    credentials c;
    if (field("Expiration", expiration) && !expiration.empty()) {
        c.expiration = parse_iso8601(expiration);
        if (!c.expiration) return fail(errc::protocol_error, "Expiration is not an ISO 8601 time");
    }
    c.access_key_id.assign(id);
    c.secret_access_key.assign(secret);
    c.session_token.assign(token);
    out = std::move(c);
    return {};
}

// "http://host:port/path?query" -> endpoint and "/path?query" (the path "/" when none).
struct split_url_result {
    http::endpoint endpoint;
    std::string target;
};
inline result<split_url_result> split_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return make_error_code(errc::invalid_config);
    const auto path_at = url.find_first_of("/?", scheme_end + 3);
    const std::string_view authority = url.substr(0, path_at);
    auto ep = http::endpoint::parse(authority);
    if (!ep) return make_error_code(errc::invalid_config);
    split_url_result out{std::move(*ep), std::string(path_at == std::string_view::npos ? "/" : url.substr(path_at))};
    if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
    for (char c : out.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return make_error_code(errc::invalid_config);
    return out;
}

// A loopback address literal (127.0.0.0/8, ::1), or "localhost".
inline bool is_loopback_host(std::string_view host) {
    if (host == "localhost") return true;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

// Values that cannot go into a header (a token read from a file or the environment).
inline bool has_line_break(std::string_view v) noexcept {
    return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

} // namespace cirrus::auth::detail
