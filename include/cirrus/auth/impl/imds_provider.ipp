#pragma once
// Definitions of <cirrus/auth/imds_provider.hpp>.

#include <cirrus/auth/detail/http_credentials.hpp>
#include <cirrus/auth/imds_provider.hpp>
#include <cirrus/core/ascii.hpp>
#include <cirrus/core/detail/environment.hpp>

#include <algorithm>

namespace cirrus::auth {

namespace detail {

inline std::string_view trim_space(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// IAM role names: letters, digits and +=,.@_- (at most 64).
inline bool valid_role_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    });
}

inline error_code imds_failure(diagnostics& diag, errc code, std::string message) {
    diag.message = "IMDS: " + std::move(message);
    return code;
}

// A 401 in the first round: the service dropped the token; forget it and start again.
inline bool imds_token_refused(const http_fetch& f, int round, std::mutex& mutex, std::string& cached,
                               const std::string& token) {
    if (f.status != 401 || round != 0) return false;
    std::lock_guard lock(mutex);
    if (cached == token) cached.clear();
    return true;
}

} // namespace detail

CIRRUS_DECL boost::asio::awaitable<result<credentials>> imds_provider::async_get(time_point now, diagnostics& diag) {
    if (!options_.ignore_environment) {
        if (auto off = cirrus::detail::getenv_nonempty("AWS_EC2_METADATA_DISABLED");
            off && ascii::iequals(detail::trim_space(*off), "true"))
            co_return detail::imds_failure(diag, errc::missing_credentials, "disabled by AWS_EC2_METADATA_DISABLED");
    }
    std::string url = options_.endpoint;
    if (url.empty()) url = cirrus::detail::getenv_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("");
    if (url.empty()) {
        const auto mode = cirrus::detail::getenv_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or("IPv4");
        if (ascii::iequals(mode, "IPv4")) url = "http://169.254.169.254";
        else if (ascii::iequals(mode, "IPv6")) url = "http://[fd00:ec2::254]";
        else
            co_return detail::imds_failure(diag, errc::invalid_config,
                                           "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is neither IPv4 nor IPv6");
    }
    auto ep = http::endpoint::parse(url);
    if (!ep)
        co_return detail::imds_failure(diag, errc::invalid_config,
                                       "the endpoint '" + url + "' is not a URL (http://host[:port])");
    if (options_.token_ttl < std::chrono::seconds{1} || options_.token_ttl > std::chrono::seconds{21600})
        co_return detail::imds_failure(diag, errc::invalid_config, "token_ttl must be between 1 second and 6 hours");

    const std::shared_ptr<token_state> ts = token_;
    const std::string ttl = std::to_string(options_.token_ttl.count());
    constexpr std::string_view list_path = "/latest/meta-data/iam/security-credentials/";
    // A second round only when the service refused a token it gave out (401).
    for (int round = 0; round < 2; ++round) {
        std::string token;
        {
            std::lock_guard lock(ts->mutex);
            if (!ts->token.empty() && now < ts->expires) token = ts->token;
        }
        if (token.empty()) {
            const http::header put_headers[] = {{"X-aws-ec2-metadata-token-ttl-seconds", ttl}};
            auto f = co_await detail::fetch(*ep, http::verb::put, "/latest/api/token", put_headers, options_.timeout,
                                            options_.max_attempts);
            if (f.ec) {
                diag.http_status = f.status;
                co_return detail::imds_failure(diag, errc::missing_credentials,
                                               detail::describe_failure("PUT /latest/api/token", f));
            }
            token.assign(detail::trim_space(f.body));
            if (token.empty() || detail::has_line_break(token) || token.size() > 4096)
                co_return detail::imds_failure(diag, errc::protocol_error,
                                               "PUT /latest/api/token: the answer is not a token");
            // Kept until a tenth of its TTL (at most a minute) before the service drops it.
            const auto slack = std::min<std::chrono::seconds>(options_.token_ttl / 10, std::chrono::seconds{60});
            std::lock_guard lock(ts->mutex);
            ts->token = token;
            ts->expires = now + options_.token_ttl - slack;
        }
        const http::header headers[] = {{"X-aws-ec2-metadata-token", token}};

        std::string role = options_.role;
        if (role.empty()) {
            auto f = co_await detail::fetch(*ep, http::verb::get, list_path, headers, options_.timeout,
                                            options_.max_attempts);
            if (detail::imds_token_refused(f, round, ts->mutex, ts->token, token)) continue;
            if (f.ec) {
                diag.http_status = f.status;
                if (f.status == 404)
                    co_return detail::imds_failure(diag, errc::missing_credentials,
                                                   "no IAM role is attached to the instance");
                co_return detail::imds_failure(diag, errc::missing_credentials,
                                               detail::describe_failure("GET " + std::string(list_path), f));
            }
            const std::string_view listed = detail::trim_space(f.body);
            role.assign(detail::trim_space(listed.substr(0, listed.find('\n'))));
            if (role.empty())
                co_return detail::imds_failure(diag, errc::missing_credentials,
                                               "no IAM role is attached to the instance");
        }
        if (!detail::valid_role_name(role))
            co_return detail::imds_failure(diag, errc::protocol_error, "the role name is not a valid IAM role name");

        const std::string path = std::string(list_path) + role;
        auto f = co_await detail::fetch(*ep, http::verb::get, path, headers, options_.timeout, options_.max_attempts);
        if (detail::imds_token_refused(f, round, ts->mutex, ts->token, token)) continue;
        if (f.ec) {
            diag.http_status = f.status;
            co_return detail::imds_failure(diag, errc::missing_credentials, detail::describe_failure("GET " + path, f));
        }
        credentials c;
        if (auto ec = detail::parse_credentials_document(f.body, "IMDS: role '" + role + "'", c, diag)) co_return ec;
        if (c.expired(now))
            co_return detail::imds_failure(diag, errc::expired_credentials,
                                           "the credentials of role '" + role + "' expired at " +
                                               detail::format_iso8601(*c.expiration));
        co_return c;
    }
    co_return detail::imds_failure(diag, errc::missing_credentials, "the service refused a fresh token (HTTP 401)");
}

} // namespace cirrus::auth
