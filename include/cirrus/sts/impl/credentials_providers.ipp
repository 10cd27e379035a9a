#pragma once
// Definitions of <cirrus/sts/credentials_providers.hpp>.

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/detail/environment.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/sts/credentials_providers.hpp>
#include <cirrus/sts/detail/operations.hpp>
#include <cirrus/sts/model.hpp>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace cirrus::sts {

namespace detail {

namespace {

namespace asio = boost::asio;

inline std::string default_session_name(auth::time_point now) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return "cirrus-" + std::to_string(seconds);
}

inline error_code credentials_failure(diagnostics& diag, errc code, std::string message) {
    diag.clear();
    diag.message = std::move(message);
    return code;
}

// Puts `what` in front of the message of a failure, keeping STS's code and request id.
inline void name_the_call(diagnostics& diag, std::string_view what) {
    std::string message(what);
    if (!diag.message.empty()) {
        message += ": ";
        message += diag.message;
    }
    diag.message = std::move(message);
}

// One STS call on a service of its own, signed with `caller` (null: unsigned). Returns
// the temporary credentials, checked against `now`.
// The arguments are references and pointers (no class temporaries in the caller's
// co_await, which g++ 12 miscompiles).
template <class Request>
asio::awaitable<result<auth::credentials>> call_sts(const provider_client_options& options, const Request& request,
                                                    const auth::credentials* caller, auth::time_point now,
                                                    std::string_view what, diagnostics& diag) {
    provider_client_options o = options;
    o.credentials = auth::any_credentials_provider(auth::static_provider(caller ? *caller : auth::credentials{}));
    auto ex = co_await asio::this_coro::executor;
    std::shared_ptr<service> svc = aws::detail::make_service<provider::aws>(ex, names(), std::move(o));
    assume_role_result out;
    error_code ec;
    if constexpr (std::is_same_v<Request, assume_role_request>)
        ec = co_await ops::assume_role(*svc, request, out, diag);
    else ec = co_await ops::assume_role_with_web_identity(*svc, request, out, diag);
    if (ec) {
        name_the_call(diag, what);
        co_return ec;
    }
    if (out.credentials.expired(now)) {
        std::string message(what);
        message += ": STS returned credentials that expired at ";
        message += auth::detail::format_iso8601(*out.credentials.expiration);
        co_return credentials_failure(diag, errc::expired_credentials, std::move(message));
    }
    co_return std::move(out.credentials);
}

inline std::optional<std::string_view> non_empty(const auth::profile& p, std::string_view key) {
    auto v = p.get(key);
    if (v && v->empty()) return std::nullopt;
    return v;
}

inline bool has_keys(const auth::profile& p) {
    return non_empty(p, "aws_access_key_id") && non_empty(p, "aws_secret_access_key");
}

inline auth::credentials keys_of(const auth::profile& p) {
    auth::credentials c;
    c.access_key_id = std::string(*p.get("aws_access_key_id"));
    c.secret_access_key = std::string(*p.get("aws_secret_access_key"));
    if (auto token = p.get("aws_session_token")) c.session_token = std::string(*token);
    return c;
}

inline std::string given_or_environment(bool environment, const std::string& given, const char* variable) {
    if (!given.empty() || !environment) return given;
    return cirrus::detail::getenv_nonempty(variable).value_or(std::string());
}

inline std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

inline error_code invalid_profile(diagnostics& diag, std::string message) {
    return credentials_failure(diag, errc::invalid_config, std::move(message));
}

inline error_code role_of(const auth::profile& p, profile_role& out, diagnostics& diag) {
    out.profile = p.name();
    out.role_arn = std::string(*non_empty(p, "role_arn"));
    out.session_name = std::string(non_empty(p, "role_session_name").value_or(""));
    out.external_id = std::string(non_empty(p, "external_id").value_or(""));
    if (auto d = non_empty(p, "duration_seconds")) {
        long long n = 0;
        const auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), n);
        if (ec != std::errc() || end != d->data() + d->size() || n <= 0)
            return invalid_profile(diag,
                                   "profile " + in_quotes(p.name()) + ": duration_seconds is not a number of seconds");
        out.duration = std::chrono::seconds(n);
    }
    if (non_empty(p, "mfa_serial"))
        return credentials_failure(diag, errc::unsupported,
                                   "profile " + in_quotes(p.name()) +
                                       ": mfa_serial is set, and cirrus has no way to ask for the MFA code");
    return {};
}

error_code resolve_into(const auth::profile_set& set, std::string_view name, bool top,
                        std::vector<std::string>& visited, profile_chain& out, diagnostics& diag) {
    const auth::profile* p = set.find(name);
    if (p == nullptr) {
        if (top)
            return credentials_failure(diag, errc::missing_credentials, "profile " + in_quotes(name) + " not found");
        return invalid_profile(diag, "profile " + in_quotes(visited.back()) + " names source_profile " +
                                         in_quotes(name) + ", which does not exist");
    }
    // A source profile's own keys win over its role (as botocore reads it).
    if (!top && has_keys(*p)) {
        out.source = profile_source::static_keys;
        out.source_profile = std::string(name);
        out.keys = keys_of(*p);
        return {};
    }
    if (!non_empty(*p, "role_arn")) {
        if (top) {
            out.source = profile_source::profile_keys;
            out.source_profile = std::string(name);
            return {};
        }
        return invalid_profile(diag, "source profile " + in_quotes(name) +
                                         " has neither aws_access_key_id and aws_secret_access_key nor role_arn");
    }
    profile_role role;
    if (auto ec = role_of(*p, role, diag)) return ec;
    const auto source = non_empty(*p, "source_profile");
    const auto credential_source = non_empty(*p, "credential_source");
    const auto token_file = non_empty(*p, "web_identity_token_file");
    if (source && credential_source)
        return invalid_profile(diag, "profile " + in_quotes(name) + " sets both source_profile and credential_source");
    if (source) {
        if (*source == name) {
            if (!has_keys(*p))
                return invalid_profile(diag, "profile " + in_quotes(name) +
                                                 " names itself as source_profile but has no static keys");
            out.source = profile_source::static_keys;
            out.source_profile = std::string(name);
            out.keys = keys_of(*p);
        } else {
            visited.emplace_back(name);
            if (std::find(visited.begin(), visited.end(), *source) != visited.end()) {
                std::string loop;
                for (const auto& v : visited) loop += v + " -> ";
                return invalid_profile(diag, "source_profile loop: " + loop + std::string(*source));
            }
            if (auto ec = resolve_into(set, *source, false, visited, out, diag)) return ec;
        }
    } else if (credential_source) {
        if (*credential_source == "Environment") out.source = profile_source::environment;
        else if (*credential_source == "Ec2InstanceMetadata") out.source = profile_source::ec2_metadata;
        else if (*credential_source == "EcsContainer") out.source = profile_source::ecs_container;
        else
            return invalid_profile(diag, "profile " + in_quotes(name) + ": credential_source " +
                                             in_quotes(*credential_source) +
                                             " is not Environment, Ec2InstanceMetadata or EcsContainer");
        out.source_profile = std::string(name);
    } else if (token_file) {
        out.source = profile_source::web_identity;
        out.source_profile = std::string(name);
        out.token_file = std::string(*token_file);
    } else {
        return invalid_profile(diag, "profile " + in_quotes(name) +
                                         " sets role_arn but none of source_profile, credential_source and "
                                         "web_identity_token_file");
    }
    out.roles.push_back(std::move(role));
    return {};
}

// The token of a web identity token file, without a trailing line break.
inline error_code read_token(const std::string& file, std::string& token, diagnostics& diag) {
    bool missing = false;
    diagnostics d;
    if (auth::detail::read_profile_file(file, token, missing, d) || missing)
        return invalid_profile(diag, "web identity: cannot read the token file " + file +
                                         (missing ? std::string(" (no such file)") : ""));
    while (!token.empty() &&
           (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
        token.pop_back();
    if (token.empty()) return invalid_profile(diag, "web identity: the token file " + file + " is empty");
    return {};
}

} // namespace

CIRRUS_DECL error_code resolve_profile(const auth::profile_set& set, std::string_view name, profile_chain& out,
                                       diagnostics& diag) {
    out = profile_chain{};
    std::vector<std::string> visited;
    return resolve_into(set, name, true, visited, out, diag);
}

} // namespace detail

CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> assume_role_provider::async_get(auth::time_point now,
                                                                                              diagnostics& diag) {
    const std::string what = "AssumeRole " + options_.role_arn;
    result<auth::credentials_ptr> source = co_await source_.async_get_shared(now, diag);
    if (!source) {
        detail::name_the_call(diag, what + ": the source credentials");
        co_return source.error();
    }
    const std::string session = options_.session_name.empty() ? detail::default_session_name(now)
                                                              : options_.session_name;
    const assume_role_request request{.role_arn = options_.role_arn,
                                      .session_name = session,
                                      .duration = options_.duration,
                                      .external_id = options_.external_id,
                                      .policy = options_.policy};
    const auth::credentials_ptr caller = std::move(*source);
    co_return co_await detail::call_sts(options_.sts, request, caller.get(), now, what, diag);
}

CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> web_identity_provider::async_get(auth::time_point now,
                                                                                               diagnostics& diag) {
    const bool env = options_.from_environment;
    const std::string file = detail::given_or_environment(env, options_.token_file, "AWS_WEB_IDENTITY_TOKEN_FILE");
    if (file.empty())
        co_return detail::credentials_failure(diag, errc::missing_credentials,
                                              "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set");
    const std::string role_arn = detail::given_or_environment(env, options_.role_arn, "AWS_ROLE_ARN");
    if (role_arn.empty())
        co_return detail::credentials_failure(diag, errc::invalid_config,
                                              "web identity: a token file is set (" + file +
                                                  ") but no role ARN (AWS_ROLE_ARN)");
    std::string session = detail::given_or_environment(env, options_.session_name, "AWS_ROLE_SESSION_NAME");
    if (session.empty()) session = detail::default_session_name(now);
    std::string token;
    if (auto ec = detail::read_token(file, token, diag)) co_return ec;
    const assume_role_with_web_identity_request request{.role_arn = role_arn,
                                                        .session_name = session,
                                                        .web_identity_token = token,
                                                        .duration = options_.duration,
                                                        .policy = options_.policy};
    const std::string what = "AssumeRoleWithWebIdentity " + role_arn;
    co_return co_await detail::call_sts(options_.sts, request, nullptr, now, what, diag);
}

CIRRUS_DECL boost::asio::awaitable<result<auth::credentials>> profile_provider::async_get(auth::time_point now,
                                                                                          diagnostics& diag) {
    const auth::profile_file_locations locations = options_.locations
                                                       ? *options_.locations
                                                       : auth::profile_file_locations::from_environment();
    auto set = auth::load_profile_files(locations, diag);
    if (!set) co_return set.error();
    detail::profile_chain chain;
    if (auto ec = detail::resolve_profile(*set, locations.profile_name, chain, diag)) co_return ec;

    result<auth::credentials> current = error_code(errc::missing_credentials);
    std::size_t next_role = 0;
    diagnostics d;
    const char* source_name = nullptr;
    switch (chain.source) {
    case detail::profile_source::profile_keys: {
        auth::profile_provider keys(locations);
        co_return keys.get(now, diag);
    }
    case detail::profile_source::static_keys: current = chain.keys; break;
    case detail::profile_source::environment:
        source_name = "Environment";
        current = auth::environment_provider{}.get(now, d);
        break;
    case detail::profile_source::ec2_metadata: {
        source_name = "Ec2InstanceMetadata";
        auth::imds_provider imds(options_.imds);
        current = co_await imds.async_get(now, d);
        break;
    }
    case detail::profile_source::ecs_container: {
        source_name = "EcsContainer";
        auth::container_provider container(options_.container);
        current = co_await container.async_get(now, d);
        break;
    }
    case detail::profile_source::web_identity: {
        const detail::profile_role& role = chain.roles.front();
        web_identity_options o;
        o.token_file = chain.token_file;
        o.role_arn = role.role_arn;
        o.session_name = role.session_name;
        o.duration = role.duration;
        o.sts = options_.sts;
        o.from_environment = false;
        web_identity_provider web(std::move(o));
        current = co_await web.async_get(now, diag);
        if (!current) co_return current;
        next_role = 1;
        break;
    }
    }
    if (!current) {
        // The profile is configured: a source without credentials stops the chain.
        const error_code ec = current.error();
        std::string message = "profile " + detail::in_quotes(chain.source_profile) + ": credential_source " +
                              (source_name != nullptr ? source_name : "") + ": " + d.message;
        diag = std::move(d);
        diag.message = std::move(message);
        co_return ec == errc::missing_credentials || ec == errc::expired_credentials ? error_code(errc::invalid_config)
                                                                                     : ec;
    }
    for (; next_role < chain.roles.size(); ++next_role) {
        const detail::profile_role& role = chain.roles[next_role];
        assume_role_options o;
        o.role_arn = role.role_arn;
        o.session_name = role.session_name;
        o.duration = role.duration;
        o.external_id = role.external_id;
        o.sts = options_.sts;
        assume_role_provider assume(std::move(*current), std::move(o));
        current = co_await assume.async_get(now, diag);
        if (!current) {
            detail::name_the_call(diag, "profile " + detail::in_quotes(role.profile));
            co_return current;
        }
    }
    co_return current;
}

} // namespace cirrus::sts
