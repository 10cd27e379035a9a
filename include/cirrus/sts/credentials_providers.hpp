#pragma once
// Credentials providers backed by STS, and the AWS SDKs' default chain with them:
//
//   assume_role_provider   AssumeRole with source credentials (or a source provider)
//   web_identity_provider  AssumeRoleWithWebIdentity with an OIDC token read from a file
//                          (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME)
//   profile_provider       a shared-file profile: static keys, or role_arn with
//                          source_profile / credential_source / web_identity_token_file
//   default_async_chain()  environment, web identity (environment), profile, container, IMDS
//
// All are asynchronous providers (auth::async_credentials_provider) that ask STS on every
// call: put them behind auth::caching_provider, which refreshes ahead of expiry with one
// refresh in flight (docs/credentials.md):
//
//   auto creds = cirrus::auth::any_credentials_provider(cirrus::auth::caching_provider(
//       cirrus::sts::assume_role_provider(source, {.role_arn = arn, .session_name = "deploy"})));
//   cirrus::s3::client<> s3(ex, {.credentials = creds});
//
// Each call makes its own STS connection on the caller's executor (a refresh happens once
// per session, so there is no connection to keep). Failures of STS come back as the STS
// client's errors (diagnostics with STS's code, message and request id); failures of the
// source as the source's. Messages name the role ARN, the profile and the token file,
// never a secret, a session token or the web identity token.

#include <cirrus/auth/async_chain.hpp>
#include <cirrus/auth/container_provider.hpp>
#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/imds_provider.hpp>
#include <cirrus/auth/profile_file.hpp>
#include <cirrus/auth/provider.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/result.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::sts {

// Where STS is (region, endpoint, HTTP settings) for the providers. Its credentials field
// is not used: each provider says where its caller's credentials come from.
using provider_client_options = aws::service_options;

struct assume_role_options {
    std::string role_arn;
    std::string session_name = {};                     // empty: "cirrus-<unix seconds>"
    std::optional<std::chrono::seconds> duration = {}; // empty: STS's default (1 hour)
    std::string external_id = {};
    std::string policy = {}; // an inline session policy (JSON)
    provider_client_options sts = {};
};

// AssumeRole signed with the source's credentials. Returns the role's temporary
// credentials (with their expiration).
class assume_role_provider {
public:
    assume_role_provider(auth::any_credentials_provider source, assume_role_options options)
        : source_(std::move(source)), options_(std::move(options)) {}
    assume_role_provider(auth::credentials source, assume_role_options options)
        : assume_role_provider(auth::any_credentials_provider(auth::static_provider(std::move(source))),
                               std::move(options)) {}

    CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> async_get(auth::time_point now, diagnostics& diag);

    const assume_role_options& options() const noexcept { return options_; }

private:
    auth::any_credentials_provider source_;
    assume_role_options options_;
};

// Fields left empty are read from the environment on every call (unless
// from_environment is false): token_file from AWS_WEB_IDENTITY_TOKEN_FILE, role_arn from
// AWS_ROLE_ARN, session_name from AWS_ROLE_SESSION_NAME (else "cirrus-<unix seconds>").
struct web_identity_options {
    std::string token_file = {};
    std::string role_arn = {};
    std::string session_name = {};
    std::optional<std::chrono::seconds> duration = {};
    std::string policy = {};
    provider_client_options sts = {};
    bool from_environment = true;
};

// AssumeRoleWithWebIdentity (unsigned, as the SDKs send it) with the token read from the
// token file on every call, since the platform (EKS, GitHub Actions ...) rotates it.
// Errors: errc::missing_credentials when no token file is configured (a chain moves on);
// errc::invalid_config for a token file without a role ARN, or an unreadable or empty
// token file; STS's error otherwise.
class web_identity_provider {
public:
    web_identity_provider() = default;
    explicit web_identity_provider(web_identity_options options) : options_(std::move(options)) {}

    CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> async_get(auth::time_point now, diagnostics& diag);

    const web_identity_options& options() const noexcept { return options_; }

private:
    web_identity_options options_;
};

struct profile_options {
    // The files and the profile; empty: from the environment on every call
    // (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE).
    std::optional<auth::profile_file_locations> locations = {};
    provider_client_options sts = {};
    auth::container_options container = {}; // for credential_source = EcsContainer
    auth::imds_options imds = {};           // for credential_source = Ec2InstanceMetadata
};

// A profile of the shared files as the AWS SDKs read it (docs/credentials.md):
// - role_arn with source_profile: AssumeRole with the source profile's credentials (its
//   static keys, or its own role, chained); a profile may name itself to use its own keys;
// - role_arn with credential_source: Environment, Ec2InstanceMetadata or EcsContainer;
// - role_arn with web_identity_token_file: AssumeRoleWithWebIdentity;
// - role_session_name, external_id and duration_seconds apply to the role;
// - otherwise the profile's static keys (as auth::profile_provider).
// Errors: missing_credentials when the profile does not exist or has neither keys nor a
// role; invalid_config for a loop of source profiles, a missing source profile, both
// source_profile and credential_source, an unknown credential_source, or a source that has
// no credentials; errc::unsupported for mfa_serial (there is no one to ask for a code).
class profile_provider {
public:
    profile_provider() = default;
    explicit profile_provider(profile_options options) : options_(std::move(options)) {}

    CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> async_get(auth::time_point now, diagnostics& diag);

    const profile_options& options() const noexcept { return options_; }

private:
    profile_options options_;
};

static_assert(auth::async_credentials_provider<assume_role_provider>);
static_assert(auth::async_credentials_provider<web_identity_provider>);
static_assert(auth::async_credentials_provider<profile_provider>);

struct chain_options {
    provider_client_options sts = {};
    auth::container_options container = {};
    auth::imds_options imds = {};
};

using default_async_chain_type = auth::async_chain_provider<
    auth::environment_provider, web_identity_provider, profile_provider, auth::container_provider, auth::imds_provider>;

// The AWS SDKs' order: the environment, web identity from the environment, the shared
// files' profile (with assume-role), the container endpoint, the instance metadata
// service. Put it behind auth::caching_provider.
inline default_async_chain_type default_async_chain(chain_options o = {}) {
    web_identity_options web;
    web.sts = o.sts;
    profile_options profile;
    profile.sts = o.sts;
    profile.container = o.container;
    profile.imds = o.imds;
    return default_async_chain_type(auth::environment_provider{}, web_identity_provider(std::move(web)),
                                    profile_provider(std::move(profile)),
                                    auth::container_provider(std::move(o.container)),
                                    auth::imds_provider(std::move(o.imds)));
}

namespace detail {

// What a profile resolves to: a first source, then roles assumed one after the other,
// each with the credentials of the one before. Built without I/O (resolve_profile).
enum class profile_source : std::uint8_t {
    profile_keys,  // the named profile's own keys, read as auth::profile_provider reads them
    static_keys,   // a source profile's keys (in `keys`)
    environment,   // credential_source = Environment
    ec2_metadata,  // credential_source = Ec2InstanceMetadata
    ecs_container, // credential_source = EcsContainer
    web_identity,  // roles[0] is assumed with the token of `token_file`
};

struct profile_role {
    std::string profile; // the profile that names the role (for messages)
    std::string role_arn;
    std::string session_name;
    std::string external_id;
    std::optional<std::chrono::seconds> duration;
};

struct profile_chain {
    profile_source source = profile_source::profile_keys;
    std::string source_profile; // the profile the first source is named by
    auth::credentials keys;     // static_keys only
    std::string token_file;     // web_identity only
    std::vector<profile_role> roles;
};

CIRRUS_DECL error_code resolve_profile(const auth::profile_set& set, std::string_view name, profile_chain& out,
                                       diagnostics& diag);

} // namespace detail

} // namespace cirrus::sts

#if CIRRUS_HEADER_ONLY
#include <cirrus/sts/impl/credentials_providers.ipp>
#endif
