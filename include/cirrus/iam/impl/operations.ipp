#pragma once
// Definitions for iam/detail/operations.hpp.

#include <cirrus/aws/detail/query.hpp>
#include <cirrus/iam/detail/operations.hpp>

#include <string>
#include <utility>

namespace cirrus::iam::detail {

namespace {

constexpr std::string_view iam_version = "2010-05-08";

// The path below "<Action>Response/<Action>Result/", or empty when outside the result.
inline std::string_view result_relative(std::string_view path) noexcept {
    const auto a = path.find('/');
    if (a == std::string_view::npos) return {};
    const auto b = path.find('/', a + 1);
    if (b == std::string_view::npos) return {};
    return path.substr(b + 1);
}

inline void read_field(user& u, std::string_view rel, std::string* v) {
    if (v == nullptr) {
        if (rel == "Tags/member") u.tags.emplace_back();
        return;
    }
    if (rel == "Path") u.path = std::move(*v);
    else if (rel == "UserName") u.user_name = std::move(*v);
    else if (rel == "UserId") u.user_id = std::move(*v);
    else if (rel == "Arn") u.arn = std::move(*v);
    else if (rel == "CreateDate") u.create_date = std::move(*v);
    else if (rel == "PasswordLastUsed") u.password_last_used = std::move(*v);
    else if (rel == "PermissionsBoundary/PermissionsBoundaryArn") u.permissions_boundary_arn = std::move(*v);
    else if (rel == "Tags/member/Key" && !u.tags.empty()) u.tags.back().key = std::move(*v);
    else if (rel == "Tags/member/Value" && !u.tags.empty()) u.tags.back().value = std::move(*v);
}

inline void read_field(access_key& k, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "UserName") k.user_name = std::move(*v);
    else if (rel == "AccessKeyId") k.access_key_id = std::move(*v);
    else if (rel == "Status") k.status = *v == "Inactive" ? access_key_status::inactive : access_key_status::active;
    else if (rel == "SecretAccessKey") k.secret_access_key = std::move(*v);
    else if (rel == "CreateDate") k.create_date = std::move(*v);
}

inline error_code malformed() { return make_error_code(errc::protocol_error); }

// One entity at <Result>/<element>.
template <class T>
error_code parse_one(std::string_view xml, std::string_view element, T& out) {
    bool seen = false;
    auto rel_of = [&](std::string_view path) -> std::string_view {
        const auto rel = result_relative(path);
        if (rel.size() <= element.size() || rel.substr(0, element.size()) != element || rel[element.size()] != '/')
            return {};
        return rel.substr(element.size() + 1);
    };
    const bool ok = aws::detail::walk_leaves(
        xml,
        [&](std::string_view path, std::string&& v) {
            if (const auto rel = rel_of(path); !rel.empty()) read_field(out, rel, &v);
        },
        [&](std::string_view path) {
            if (result_relative(path) == element) seen = true;
            else if (const auto rel = rel_of(path); !rel.empty()) read_field(out, rel, nullptr);
        });
    return ok && seen ? error_code{} : malformed();
}

// A page of entities at <Result>/<list>/member, with IsTruncated and Marker.
template <class T>
error_code parse_page(std::string_view xml, std::string_view list, page<T>& out) {
    const std::string prefix = std::string(list) + "/member";
    auto rel_of = [&](std::string_view path) -> std::string_view {
        const auto rel = result_relative(path);
        if (rel.size() <= prefix.size() || rel.substr(0, prefix.size()) != prefix || rel[prefix.size()] != '/')
            return {};
        return rel.substr(prefix.size() + 1);
    };
    const bool ok = aws::detail::walk_leaves(
        xml,
        [&](std::string_view path, std::string&& v) {
            const auto rel = result_relative(path);
            if (rel == "IsTruncated") out.is_truncated = v == "true";
            else if (rel == "Marker") out.marker = std::move(v);
            else if (const auto r = rel_of(path); !r.empty() && !out.items.empty()) read_field(out.items.back(), r, &v);
        },
        [&](std::string_view path) {
            if (result_relative(path) == prefix) out.items.emplace_back();
            else if (const auto r = rel_of(path); !r.empty() && !out.items.empty())
                read_field(out.items.back(), r, nullptr);
        });
    return ok ? error_code{} : malformed();
}

inline void add_paging(aws::detail::query_form& f, std::string_view marker, int max_items) {
    f.add_if("Marker", marker);
    if (max_items > 0) f.add("MaxItems", static_cast<long long>(max_items));
}

template <class Result>
task exchange(service& s, std::string_view body, Result& out, diagnostics& diag) {
    aws::detail::service_call call{.body = body, .content_type = "application/x-www-form-urlencoded"};
    if (auto ec = co_await s.send(call, diag)) co_return ec;
    if (auto ec = parse(call.res.body, out)) {
        diag.clear();
        diag.http_status = call.res.status;
        diag.message = "malformed IAM response";
        co_return ec;
    }
    co_return error_code{};
}

} // namespace

CIRRUS_DECL aws::detail::service_names names() noexcept { return {.endpoint_id = "iam", .signing_name = "iam"}; }

CIRRUS_DECL error_code parse(std::string_view xml, user& out) { return parse_one(xml, "User", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<user>& out) { return parse_page(xml, "Users", out); }
CIRRUS_DECL error_code parse(std::string_view xml, access_key& out) { return parse_one(xml, "AccessKey", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<access_key>& out) {
    return parse_page(xml, "AccessKeyMetadata", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, empty_result&) {
    return aws::detail::walk_leaves(xml, [](std::string_view, std::string&&) {}) ? error_code{} : malformed();
}

namespace ops {

CIRRUS_DECL task create_user(service& s, const create_user_request& r, user& out, diagnostics& diag) {
    aws::detail::query_form f("CreateUser", iam_version);
    f.add("UserName", r.user_name).add_if("Path", r.path);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task get_user(service& s, const get_user_request& r, user& out, diagnostics& diag) {
    aws::detail::query_form f("GetUser", iam_version);
    f.add_if("UserName", r.user_name);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task list_users(service& s, const list_users_request& r, page<user>& out, diagnostics& diag) {
    aws::detail::query_form f("ListUsers", iam_version);
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task delete_user(service& s, const delete_user_request& r, empty_result& out, diagnostics& diag) {
    aws::detail::query_form f("DeleteUser", iam_version);
    f.add("UserName", r.user_name);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task create_access_key(service& s, const create_access_key_request& r, access_key& out, diagnostics& diag) {
    aws::detail::query_form f("CreateAccessKey", iam_version);
    f.add_if("UserName", r.user_name);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task list_access_keys(service& s, const list_access_keys_request& r, page<access_key>& out,
                                  diagnostics& diag) {
    aws::detail::query_form f("ListAccessKeys", iam_version);
    f.add_if("UserName", r.user_name);
    add_paging(f, r.marker, r.max_items);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

CIRRUS_DECL task delete_access_key(service& s, const delete_access_key_request& r, empty_result& out,
                                   diagnostics& diag) {
    aws::detail::query_form f("DeleteAccessKey", iam_version);
    f.add("UserName", r.user_name).add("AccessKeyId", r.access_key_id);
    const std::string body = f.take();
    co_return co_await exchange(s, body, out, diag);
}

} // namespace ops

} // namespace cirrus::iam::detail
