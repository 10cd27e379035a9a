#pragma once
// Credentials of the IAM role of an EC2 instance, from the instance metadata service
// (IMDSv2):
//   PUT /latest/api/token   (X-aws-ec2-metadata-token-ttl-seconds: 21600)  -> a session token
//   GET /latest/meta-data/iam/security-credentials/          -> the role's name
//   GET /latest/meta-data/iam/security-credentials/<role>    -> the credentials (JSON)
// both GETs with the token in X-aws-ec2-metadata-token. The token is kept until shortly
// before its TTL ends, and fetched again when the service refuses it (401).
//
// The endpoint is http://169.254.169.254 (http://[fd00:ec2::254] with
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6), or AWS_EC2_METADATA_SERVICE_ENDPOINT;
// AWS_EC2_METADATA_DISABLED=true switches the provider off. Variables are read on every
// call. The provider is asynchronous: wrap it in caching_provider, which refreshes the
// credentials ahead of their expiry (see docs/credentials.md).
//
// Errors: errc::missing_credentials when the service is off, unreachable, slow or has no
// role (a chain moves on), errc::expired_credentials when it hands out expired
// credentials, errc::invalid_config for a malformed endpoint, errc::protocol_error for an
// answer that is not a credentials document. Messages never hold the token or a secret.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/provider.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/result.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace cirrus::auth {

struct imds_options {
    // "http://169.254.169.254"; empty: AWS_EC2_METADATA_SERVICE_ENDPOINT, else the default
    // of AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 or IPv6).
    std::string endpoint = {};
    std::chrono::seconds token_ttl{21600};   // asked for in the token PUT (1 s .. 6 h)
    std::chrono::milliseconds timeout{1000}; // each attempt of each request
    unsigned max_attempts = 2;               // per request (a 5xx or a timeout is retried)
    std::string role = {};                   // empty: the role the service lists
    bool ignore_environment = false;         // do not read AWS_EC2_METADATA_DISABLED
};

class imds_provider {
public:
    imds_provider() : imds_provider(imds_options{}) {}
    explicit imds_provider(imds_options options)
        : options_(std::move(options)), token_(std::make_shared<token_state>()) {}

    CIRRUS_DECL boost::asio::awaitable<result<credentials>> async_get(time_point now, diagnostics& diag);

    const imds_options& options() const noexcept { return options_; }

private:
    struct token_state {
        std::mutex mutex;
        std::string token;
        time_point expires{};
    };
    imds_options options_;
    std::shared_ptr<token_state> token_; // shared by copies
};

static_assert(async_credentials_provider<imds_provider>);

} // namespace cirrus::auth

#if CIRRUS_HEADER_ONLY
#include <cirrus/auth/impl/imds_provider.ipp>
#endif
