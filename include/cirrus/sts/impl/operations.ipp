#pragma once
// Definitions for sts/detail/operations.hpp.

#include <cirrus/auth/detail/time.hpp>
#include <cirrus/aws/detail/query.hpp>
#include <cirrus/sts/detail/operations.hpp>

#include <charconv>
#include <string>
#include <utility>

namespace cirrus::sts::detail {

namespace {
constexpr std::string_view version = "2011-06-15";
} // namespace

CIRRUS_DECL aws::detail::service_names names() noexcept { return {.endpoint_id = "sts", .signing_name = "sts"}; }

namespace {

inline void add_duration(aws::detail::query_form& f, const std::optional<std::chrono::seconds>& d) {
    if (d) f.add("DurationSeconds", static_cast<long long>(d->count()));
}

inline bool read_credentials_leaf(std::string_view path, std::string& v, auth::credentials& c, bool& bad_time) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos || !aws::detail::path_ends_with(path.substr(0, slash), "Credentials"))
        return false;
    const auto name = aws::detail::leaf_name(path);
    if (name == "AccessKeyId") c.access_key_id = std::move(v);
    else if (name == "SecretAccessKey") c.secret_access_key = std::move(v);
    else if (name == "SessionToken") c.session_token = std::move(v);
    else if (name == "Expiration") {
        c.expiration = auth::detail::parse_iso8601(v);
        bad_time = !c.expiration;
    }
    return true;
}

inline error_code malformed() { return make_error_code(errc::protocol_error); }

// Sends `form`, parsing the response with `parse` on success.
template <class Result, class Parse>
task exchange(service& s, std::string_view body, Result& out, diagnostics& diag, Parse parse, bool anonymous = false) {
    aws::detail::service_call call{.body = body, .content_type = "application/x-www-form-urlencoded"};
    call.anonymous = anonymous;
    if (auto ec = co_await s.send(call, diag)) co_return ec;
    if (auto ec = parse(call.res.body, out)) {
        diag.clear();
        diag.http_status = call.res.status;
        diag.message = "malformed STS response";
        co_return ec;
    }
    co_return error_code{};
}

} // namespace

CIRRUS_DECL error_code parse_caller_identity(std::string_view xml, caller_identity& out) {
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        const auto name = aws::detail::leaf_name(path);
        if (name == "Account") out.account = std::move(v);
        else if (name == "Arn") out.arn = std::move(v);
        else if (name == "UserId") out.user_id = std::move(v);
    });
    if (!ok || out.arn.empty()) return malformed();
    return {};
}

CIRRUS_DECL error_code parse_assume_role(std::string_view xml, assume_role_result& out) {
    bool bad_time = false;
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        if (read_credentials_leaf(path, v, out.credentials, bad_time)) return;
        const auto name = aws::detail::leaf_name(path);
        if (aws::detail::path_ends_with(path, "AssumedRoleUser/Arn")) out.assumed_role_arn = std::move(v);
        else if (aws::detail::path_ends_with(path, "AssumedRoleUser/AssumedRoleId")) out.assumed_role_id = std::move(v);
        else if (name == "PackedPolicySize") {
            int n = 0;
            std::from_chars(v.data(), v.data() + v.size(), n);
            out.packed_policy_size = n;
        } else if (name == "SourceIdentity") out.source_identity = std::move(v);
        else if (name == "SubjectFromWebIdentityToken") out.subject_from_web_identity_token = std::move(v);
        else if (name == "Audience") out.audience = std::move(v);
        else if (name == "Provider") out.provider = std::move(v);
    });
    if (!ok || bad_time || out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty())
        return malformed();
    return {};
}

CIRRUS_DECL error_code parse_session_token(std::string_view xml, session_token_result& out) {
    bool bad_time = false;
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        (void)read_credentials_leaf(path, v, out.credentials, bad_time);
    });
    if (!ok || bad_time || out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty())
        return malformed();
    return {};
}

namespace ops {

CIRRUS_DECL task get_caller_identity(service& s, const get_caller_identity_request&, caller_identity& out,
                                     diagnostics& diag) {
    aws::detail::query_form f("GetCallerIdentity", version);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag, &parse_caller_identity);
}

CIRRUS_DECL task assume_role(service& s, const assume_role_request& r, assume_role_result& out, diagnostics& diag) {
    aws::detail::query_form f("AssumeRole", version);
    f.add("RoleArn", r.role_arn).add("RoleSessionName", r.session_name);
    add_duration(f, r.duration);
    f.add_if("ExternalId", r.external_id)
        .add_if("Policy", r.policy)
        .add_if("SerialNumber", r.serial_number)
        .add_if("TokenCode", r.token_code)
        .add_if("SourceIdentity", r.source_identity);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag, &parse_assume_role);
}

CIRRUS_DECL task assume_role_with_web_identity(service& s, const assume_role_with_web_identity_request& r,
                                               assume_role_result& out, diagnostics& diag) {
    aws::detail::query_form f("AssumeRoleWithWebIdentity", version);
    f.add("RoleArn", r.role_arn).add("RoleSessionName", r.session_name).add("WebIdentityToken", r.web_identity_token);
    add_duration(f, r.duration);
    f.add_if("ProviderId", r.provider_id).add_if("Policy", r.policy);
    const std::string body = f.take();
    // Unsigned, as the AWS SDKs send it: the token is the proof, and the caller may have
    // no credentials at all (this is how a web-identity provider gets its first ones).
    co_return co_await exchange(s, body, out, diag, &parse_assume_role, true);
}

CIRRUS_DECL task get_session_token(service& s, const get_session_token_request& r, session_token_result& out,
                                   diagnostics& diag) {
    aws::detail::query_form f("GetSessionToken", version);
    add_duration(f, r.duration);
    f.add_if("SerialNumber", r.serial_number).add_if("TokenCode", r.token_code);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag, &parse_session_token);
}

} // namespace ops

} // namespace cirrus::sts::detail
