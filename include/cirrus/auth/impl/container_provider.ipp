#pragma once
// Definitions of <cirrus/auth/container_provider.hpp>.

#include <cirrus/auth/container_provider.hpp>
#include <cirrus/auth/detail/http_credentials.hpp>
#include <cirrus/core/detail/environment.hpp>

#include <fstream>
#include <sstream>

namespace cirrus::auth {

namespace detail {
inline error_code container_failure(diagnostics& diag, errc code, std::string message) {
    diag.message = "container credentials: " + std::move(message);
    return code;
}
} // namespace detail

CIRRUS_DECL bool container_provider::allowed_http_host(std::string_view host) {
    if (detail::is_loopback_host(host)) return true;
    // ECS task metadata, EKS Pod Identity (IPv4 and IPv6).
    if (host == "169.254.170.2" || host == "169.254.170.23") return true;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && address == boost::asio::ip::make_address("fd00:ec2::23");
}

CIRRUS_DECL boost::asio::awaitable<result<credentials>> container_provider::async_get(time_point now,
                                                                                      diagnostics& diag) {
    const auto relative = cirrus::detail::getenv_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const auto full = cirrus::detail::getenv_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!relative && !full)
        co_return detail::container_failure(diag, errc::missing_credentials,
                                            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                                            "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
    const char* variable = relative ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    if (relative && relative->front() != '/')
        co_return detail::container_failure(diag, errc::invalid_config,
                                            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI does not start with '/'");
    auto parts = detail::split_url(relative ? options_.relative_uri_base + *relative : *full);
    if (!parts)
        co_return detail::container_failure(diag, errc::invalid_config,
                                            std::string(variable) + " is not a valid http:// or https:// URL");
    const http::endpoint& ep = parts->endpoint;
    if (!relative && ep.scheme() == http::scheme::http && !allowed_http_host(ep.host()))
        co_return detail::
            container_failure(diag, errc::invalid_config,
                              "AWS_CONTAINER_CREDENTIALS_FULL_URI names host '" + ep.host() +
                                  "' over http://, which only loopback addresses, 169.254.170.2, 169.254.170.23 and "
                                  "fd00:ec2::23 may use (use https://)");

    std::string token;
    if (auto file = cirrus::detail::getenv_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
        std::ifstream in(*file, std::ios::binary);
        std::ostringstream text;
        if (!in || !(text << in.rdbuf()))
            co_return detail::container_failure(diag, errc::invalid_config,
                                                "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (" + *file + ")");
        token = std::move(text).str();
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
            token.pop_back();
    } else if (auto value = cirrus::detail::getenv_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        token = std::move(*value);
    }
    if (detail::has_line_break(token))
        co_return detail::container_failure(diag, errc::invalid_config,
                                            "the authorization token contains a line break or a NUL");

    // Named in messages without the query, which could carry something private.
    const std::string where = ep.url() + parts->target.substr(0, parts->target.find('?'));
    http::header headers[2] = {{"Accept", "application/json"}, {"Authorization", token}};
    auto f = co_await detail::fetch(ep, http::verb::get, parts->target,
                                    std::span<const http::header>(headers, token.empty() ? 1 : 2), options_.timeout,
                                    options_.max_attempts);
    if (f.ec) {
        diag.http_status = f.status;
        diag.message = "container credentials: " + detail::describe_failure("GET " + where, f);
        co_return f.ec;
    }
    credentials c;
    if (auto ec = detail::parse_credentials_document(f.body, "container credentials: " + where, c, diag)) co_return ec;
    if (c.expired(now))
        co_return detail::container_failure(diag, errc::expired_credentials,
                                            "the credentials from " + where + " expired at " +
                                                detail::format_iso8601(*c.expiration));
    co_return c;
}

} // namespace cirrus::auth
