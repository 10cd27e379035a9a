#pragma once
// Credentials from the container credentials endpoint of ECS tasks (and EKS Pod Identity):
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI  a path on http://169.254.170.2 (ECS), or
//   AWS_CONTAINER_CREDENTIALS_FULL_URI      a whole URL: https:// to any host, or http://
//                                           to a loopback address (127.0.0.0/8, ::1,
//                                           localhost), the ECS address 169.254.170.2 or
//                                           the EKS addresses 169.254.170.23, fd00:ec2::23
//                                           (the AWS SDKs' rule); any other is refused.
// The relative URI wins when both are set. The request carries an Authorization header
// when AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every call; it rotates) or
// AWS_CONTAINER_AUTHORIZATION_TOKEN is set. The answer is a JSON document with
// AccessKeyId, SecretAccessKey, Token and Expiration. Asynchronous: wrap it in
// caching_provider (docs/credentials.md).
//
// Errors: errc::missing_credentials when neither variable is set (a chain moves on);
// errc::invalid_config for a refused or malformed URI or token; once configured, a
// failure of the endpoint is returned as it is (the transport's or the HTTP status's
// error), errc::expired_credentials for expired credentials, errc::protocol_error for an
// answer that is not a credentials document. Messages name the endpoint (without its
// query) and never hold the token or a secret.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/provider.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/result.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace cirrus::auth {

struct container_options {
    // Where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI points (tests point it elsewhere).
    std::string relative_uri_base = "http://169.254.170.2";
    std::chrono::milliseconds timeout{2000}; // each attempt
    unsigned max_attempts = 3;               // a 5xx or a timeout is retried
};

class container_provider {
public:
    container_provider() = default;
    explicit container_provider(container_options options) : options_(std::move(options)) {}

    CIRRUS_DECL boost::asio::awaitable<result<credentials>> async_get(time_point now, diagnostics& diag);

    const container_options& options() const noexcept { return options_; }

    // Whether http:// may be used to reach `host` (the rule above).
    CIRRUS_DECL static bool allowed_http_host(std::string_view host);

private:
    container_options options_;
};

static_assert(async_credentials_provider<container_provider>);

} // namespace cirrus::auth

#if CIRRUS_HEADER_ONLY
#include <cirrus/auth/impl/container_provider.ipp>
#endif
