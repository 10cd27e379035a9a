#pragma once
// Definitions for iam/detail/operations.hpp.

#include <cirrus/aws/detail/query.hpp>
#include <cirrus/iam/detail/operations.hpp>

#include <charconv>
#include <string>
#include <utility>
#include <vector>

namespace cirrus::iam::detail {

namespace {

inline error_code map_service_error(error_code ec, const diagnostics& diag) {
    return to_iam_error(ec, diag.service_code);
}

inline error_code malformed() { return make_error_code(errc::malformed_response); }

// The path below "<Action>Response/<Action>Result/", or empty when outside the result.
inline std::string_view result_relative(std::string_view path) noexcept {
    const auto a = path.find('/');
    if (a == std::string_view::npos) return {};
    const auto b = path.find('/', a + 1);
    if (b == std::string_view::npos) return {};
    return path.substr(b + 1);
}

// `rel` below "<prefix>/", or empty.
inline std::string_view below(std::string_view rel, std::string_view prefix) noexcept {
    if (rel.size() <= prefix.size() || rel.substr(0, prefix.size()) != prefix || rel[prefix.size()] != '/') return {};
    return rel.substr(prefix.size() + 1);
}

inline int to_int(std::string_view s) noexcept {
    int v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// read_field(entity, path below the entity's element, value): v is null when an element
// starts (lists of tags and roles grow then).
inline void read_field(tag& t, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "Key") t.key = std::move(*v);
    else if (rel == "Value") t.value = std::move(*v);
}

inline void read_tags(std::vector<tag>& tags, std::string_view rel, std::string* v) {
    if (rel == "Tags/member") {
        if (v == nullptr) tags.emplace_back();
    } else if (const auto r = below(rel, "Tags/member"); !r.empty() && !tags.empty()) {
        read_field(tags.back(), r, v);
    }
}

inline void read_field(user& u, std::string_view rel, std::string* v) {
    read_tags(u.tags, rel, v);
    if (v == nullptr) return;
    if (rel == "Path") u.path = std::move(*v);
    else if (rel == "UserName") u.user_name = std::move(*v);
    else if (rel == "UserId") u.user_id = std::move(*v);
    else if (rel == "Arn") u.arn = std::move(*v);
    else if (rel == "CreateDate") u.create_date = std::move(*v);
    else if (rel == "PasswordLastUsed") u.password_last_used = std::move(*v);
    else if (rel == "PermissionsBoundary/PermissionsBoundaryArn") u.permissions_boundary_arn = std::move(*v);
}

inline void read_field(access_key& k, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "UserName") k.user_name = std::move(*v);
    else if (rel == "AccessKeyId") k.access_key_id = std::move(*v);
    else if (rel == "Status") k.status = *v == "Inactive" ? access_key_status::inactive : access_key_status::active;
    else if (rel == "SecretAccessKey") k.secret_access_key = std::move(*v);
    else if (rel == "CreateDate") k.create_date = std::move(*v);
}

inline void read_field(login_profile& p, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "UserName") p.user_name = std::move(*v);
    else if (rel == "CreateDate") p.create_date = std::move(*v);
    else if (rel == "PasswordResetRequired") p.password_reset_required = *v == "true";
}

inline void read_field(group& g, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "Path") g.path = std::move(*v);
    else if (rel == "GroupName") g.group_name = std::move(*v);
    else if (rel == "GroupId") g.group_id = std::move(*v);
    else if (rel == "Arn") g.arn = std::move(*v);
    else if (rel == "CreateDate") g.create_date = std::move(*v);
}

inline void read_field(role& r, std::string_view rel, std::string* v) {
    read_tags(r.tags, rel, v);
    if (v == nullptr) return;
    if (rel == "Path") r.path = std::move(*v);
    else if (rel == "RoleName") r.role_name = std::move(*v);
    else if (rel == "RoleId") r.role_id = std::move(*v);
    else if (rel == "Arn") r.arn = std::move(*v);
    else if (rel == "CreateDate") r.create_date = std::move(*v);
    else if (rel == "AssumeRolePolicyDocument") r.assume_role_policy_document = decode_document(*v);
    else if (rel == "Description") r.description = std::move(*v);
    else if (rel == "MaxSessionDuration") r.max_session_duration = to_int(*v);
}

inline void read_field(instance_profile& p, std::string_view rel, std::string* v) {
    if (rel == "Roles/member") {
        if (v == nullptr) p.roles.emplace_back();
        return;
    }
    if (const auto r = below(rel, "Roles/member"); !r.empty()) {
        if (!p.roles.empty()) read_field(p.roles.back(), r, v);
        return;
    }
    if (v == nullptr) return;
    if (rel == "Path") p.path = std::move(*v);
    else if (rel == "InstanceProfileName") p.instance_profile_name = std::move(*v);
    else if (rel == "InstanceProfileId") p.instance_profile_id = std::move(*v);
    else if (rel == "Arn") p.arn = std::move(*v);
    else if (rel == "CreateDate") p.create_date = std::move(*v);
}

inline void read_field(policy& p, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "PolicyName") p.policy_name = std::move(*v);
    else if (rel == "PolicyId") p.policy_id = std::move(*v);
    else if (rel == "Arn") p.arn = std::move(*v);
    else if (rel == "Path") p.path = std::move(*v);
    else if (rel == "DefaultVersionId") p.default_version_id = std::move(*v);
    else if (rel == "AttachmentCount") p.attachment_count = to_int(*v);
    else if (rel == "IsAttachable") p.is_attachable = *v == "true";
    else if (rel == "Description") p.description = std::move(*v);
    else if (rel == "CreateDate") p.create_date = std::move(*v);
    else if (rel == "UpdateDate") p.update_date = std::move(*v);
}

inline void read_field(policy_version& p, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "Document") p.document = decode_document(*v);
    else if (rel == "VersionId") p.version_id = std::move(*v);
    else if (rel == "IsDefaultVersion") p.is_default_version = *v == "true";
    else if (rel == "CreateDate") p.create_date = std::move(*v);
}

inline void read_field(attached_policy& p, std::string_view rel, std::string* v) {
    if (v == nullptr) return;
    if (rel == "PolicyName") p.policy_name = std::move(*v);
    else if (rel == "PolicyArn") p.policy_arn = std::move(*v);
}

// A list of names (<PolicyNames><member>name</member>...): the member is the leaf.
inline void read_field(std::string& s, std::string_view rel, std::string* v) {
    if (v != nullptr && rel.empty()) s = std::move(*v);
}

// One entity at <Result>/<element>.
template <class T>
error_code parse_one(std::string_view xml, std::string_view element, T& out) {
    bool seen = false;
    const bool ok = aws::detail::walk_leaves(
        xml,
        [&](std::string_view path, std::string&& v) {
            if (const auto rel = below(result_relative(path), element); !rel.empty()) read_field(out, rel, &v);
            else if (result_relative(path) == element) seen = true; // an empty element
        },
        [&](std::string_view path) {
            if (result_relative(path) == element) seen = true;
            else if (const auto rel = below(result_relative(path), element); !rel.empty())
                read_field(out, rel, nullptr);
        });
    return ok && seen ? error_code{} : malformed();
}

// Entities at <Result>/<list>/member, with IsTruncated and Marker; `other` sees every
// other leaf below the result.
template <class T, class Other>
error_code parse_list(std::string_view xml, std::string_view list, std::vector<T>& items, bool& is_truncated,
                      std::string& marker, Other&& other) {
    const std::string prefix = std::string(list) + "/member";
    const bool ok = aws::detail::walk_leaves(
        xml,
        [&](std::string_view path, std::string&& v) {
            const auto rel = result_relative(path);
            if (rel == "IsTruncated") is_truncated = v == "true";
            else if (rel == "Marker") marker = std::move(v);
            else if (rel == prefix) {
                if (!items.empty()) read_field(items.back(), {}, &v);
            } else if (const auto r = below(rel, prefix); !r.empty()) {
                if (!items.empty()) read_field(items.back(), r, &v);
            } else if (!rel.empty()) {
                other(rel, &v);
            }
        },
        [&](std::string_view path) {
            const auto rel = result_relative(path);
            if (rel == prefix) items.emplace_back();
            else if (const auto r = below(rel, prefix); !r.empty()) {
                if (!items.empty()) read_field(items.back(), r, nullptr);
            } else if (!rel.empty()) {
                other(rel, nullptr);
            }
        });
    return ok ? error_code{} : malformed();
}

template <class T>
error_code parse_page(std::string_view xml, std::string_view list, page<T>& out) {
    return parse_list(xml, list, out.items, out.is_truncated, out.marker, [](std::string_view, std::string*) {});
}

// Every page of a listing, into `all`.
template <class Request>
task list_all(service& s, Request r, std::vector<typename operation<Request>::result_type::value_type>& all,
              diagnostics& diag) {
    using result = typename operation<Request>::result_type;
    std::string marker;
    for (int pages = 0; pages < 10000; ++pages) {
        result p;
        if (auto ec = co_await operation<Request>::run(s, r, p, diag)) co_return ec;
        for (auto& i : p.items) all.push_back(std::move(i));
        if (!p.is_truncated) co_return error_code{};
        if (p.marker.empty() || p.marker == marker) co_return cirrus::detail::pagination_stuck(diag);
        marker = std::move(p.marker);
        r.marker = marker;
    }
    co_return cirrus::detail::pagination_stuck(diag);
}

// One request whose result is not needed.
template <class Request>
task call(service& s, const Request& r, diagnostics& diag) {
    typename operation<Request>::result_type unused;
    co_return co_await operation<Request>::run(s, r, unused, diag);
}

inline bool is_no_such_entity(error_code ec) noexcept { return ec == make_error_code(errc::no_such_entity); }

template <entity E>
task remove_policies(service& s, std::string_view name, diagnostics& diag) {
    std::vector<attached_policy> attached;
    if (auto ec = co_await list_all(s, list_attached_policies_request<E>{.name = name}, attached, diag)) co_return ec;
    for (const auto& p : attached)
        if (auto ec = co_await call(s, detach_policy_request<E>{.name = name, .policy_arn = p.policy_arn}, diag))
            co_return ec;
    std::vector<std::string> names;
    if (auto ec = co_await list_all(s, list_inline_policies_request<E>{.name = name}, names, diag)) co_return ec;
    for (const auto& n : names)
        if (auto ec = co_await call(s, delete_inline_policy_request<E>{.name = name, .policy_name = n}, diag))
            co_return ec;
    co_return error_code{};
}

inline aws::detail::query_form action(std::string_view name) { return aws::detail::query_form(name, api_version); }

inline void add_tags(aws::detail::query_form& f, list_view<tag_view> tags) {
    std::size_t n = 0;
    for (const auto& t : tags) {
        ++n;
        f.add_member("Tags", n, "Key", t.key);
        f.add_member("Tags", n, "Value", t.value);
    }
}

inline void add_number(aws::detail::query_form& f, std::string_view name, int v) {
    if (v > 0) f.add(name, static_cast<long long>(v));
}

inline std::string_view entity_word(entity e) noexcept {
    switch (e) {
    case entity::user: return "User";
    case entity::group: return "Group";
    case entity::role: return "Role";
    }
    return "User";
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

CIRRUS_DECL aws::detail::service_names names() noexcept {
    return {.endpoint_id = "iam", .signing_name = "iam", .map_error = &map_service_error};
}

CIRRUS_DECL std::string decode_document(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || s[first] != '%') return std::string(s);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() + 0 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// ------------------------------------------------------------------ parsers
CIRRUS_DECL error_code parse(std::string_view xml, empty_result&) {
    return aws::detail::walk_leaves(xml, [](std::string_view, std::string&&) {}) ? error_code{} : malformed();
}
CIRRUS_DECL error_code parse(std::string_view xml, user& out) { return parse_one(xml, "User", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<user>& out) { return parse_page(xml, "Users", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<tag>& out) { return parse_page(xml, "Tags", out); }
CIRRUS_DECL error_code parse(std::string_view xml, login_profile& out) {
    return parse_one(xml, "LoginProfile", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, access_key& out) { return parse_one(xml, "AccessKey", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<access_key>& out) {
    return parse_page(xml, "AccessKeyMetadata", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, access_key_last_used& out) {
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        const auto rel = result_relative(path);
        if (rel == "UserName") out.user_name = std::move(v);
        else if (rel == "AccessKeyLastUsed/LastUsedDate") out.last_used_date = std::move(v);
        else if (rel == "AccessKeyLastUsed/ServiceName") out.service_name = std::move(v);
        else if (rel == "AccessKeyLastUsed/Region") out.region = std::move(v);
    });
    return ok ? error_code{} : malformed();
}
CIRRUS_DECL error_code parse(std::string_view xml, group& out) { return parse_one(xml, "Group", out); }
CIRRUS_DECL error_code parse(std::string_view xml, get_group_result& out) {
    return parse_list(xml, "Users", out.items, out.is_truncated, out.marker, [&](std::string_view rel, std::string* v) {
        if (const auto r = below(rel, "Group"); !r.empty()) read_field(out.group, r, v);
    });
}
CIRRUS_DECL error_code parse(std::string_view xml, page<group>& out) { return parse_page(xml, "Groups", out); }
CIRRUS_DECL error_code parse(std::string_view xml, role& out) { return parse_one(xml, "Role", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<role>& out) { return parse_page(xml, "Roles", out); }
CIRRUS_DECL error_code parse(std::string_view xml, instance_profile& out) {
    return parse_one(xml, "InstanceProfile", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, page<instance_profile>& out) {
    return parse_page(xml, "InstanceProfiles", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, policy& out) { return parse_one(xml, "Policy", out); }
CIRRUS_DECL error_code parse(std::string_view xml, page<policy>& out) { return parse_page(xml, "Policies", out); }
CIRRUS_DECL error_code parse(std::string_view xml, policy_version& out) {
    return parse_one(xml, "PolicyVersion", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, page<policy_version>& out) {
    return parse_page(xml, "Versions", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, policy_entities& out) {
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        const auto rel = result_relative(path);
        if (rel == "IsTruncated") out.is_truncated = v == "true";
        else if (rel == "Marker") out.marker = std::move(v);
        else if (rel == "PolicyUsers/member/UserName") out.user_names.push_back(std::move(v));
        else if (rel == "PolicyGroups/member/GroupName") out.group_names.push_back(std::move(v));
        else if (rel == "PolicyRoles/member/RoleName") out.role_names.push_back(std::move(v));
    });
    return ok ? error_code{} : malformed();
}
CIRRUS_DECL error_code parse(std::string_view xml, page<attached_policy>& out) {
    return parse_page(xml, "AttachedPolicies", out);
}
CIRRUS_DECL error_code parse(std::string_view xml, inline_policy& out) {
    bool seen = false;
    const bool ok = aws::detail::walk_leaves(xml, [&](std::string_view path, std::string&& v) {
        const auto rel = result_relative(path);
        if (rel == "UserName" || rel == "GroupName" || rel == "RoleName") out.owner_name = std::move(v);
        else if (rel == "PolicyName") out.policy_name = std::move(v);
        else if (rel == "PolicyDocument") {
            out.document = decode_document(v);
            seen = true;
        }
    });
    return ok && seen ? error_code{} : malformed();
}
CIRRUS_DECL error_code parse(std::string_view xml, page<std::string>& out) {
    return parse_page(xml, "PolicyNames", out);
}

// ------------------------------------------------------------------ forms
CIRRUS_DECL aws::detail::query_form entity_form(std::string_view verb, entity e, std::string_view noun,
                                                std::string_view name) {
    std::string a(verb);
    a += entity_word(e);
    a += noun;
    auto f = action(a);
    std::string key(entity_word(e));
    key += "Name";
    f.add(key, name);
    return f;
}

CIRRUS_DECL void add_paging(aws::detail::query_form& f, std::string_view marker, int max_items) {
    f.add_if("Marker", marker);
    add_number(f, "MaxItems", max_items);
}

CIRRUS_DECL std::string form(const create_user_request& r) {
    auto f = action("CreateUser");
    f.add("UserName", r.user_name).add_if("Path", r.path).add_if("PermissionsBoundary", r.permissions_boundary);
    add_tags(f, r.tags);
    return f.take();
}
CIRRUS_DECL std::string form(const get_user_request& r) { return action("GetUser").add_if("UserName", r.user_name).take(); }
CIRRUS_DECL std::string form(const list_users_request& r) {
    auto f = action("ListUsers");
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const update_user_request& r) {
    return action("UpdateUser")
        .add("UserName", r.user_name)
        .add_if("NewUserName", r.new_user_name)
        .add_if("NewPath", r.new_path)
        .take();
}
CIRRUS_DECL std::string form(const delete_user_request& r) {
    return action("DeleteUser").add("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const tag_user_request& r) {
    auto f = action("TagUser");
    f.add("UserName", r.user_name);
    add_tags(f, r.tags);
    return f.take();
}
CIRRUS_DECL std::string form(const untag_user_request& r) {
    auto f = action("UntagUser");
    f.add("UserName", r.user_name);
    std::size_t n = 0;
    for (const auto k : r.tag_keys) f.add_member("TagKeys", ++n, {}, k);
    return f.take();
}
CIRRUS_DECL std::string form(const list_user_tags_request& r) {
    auto f = action("ListUserTags");
    f.add("UserName", r.user_name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const create_login_profile_request& r) {
    return action("CreateLoginProfile")
        .add("UserName", r.user_name)
        .add("Password", r.password)
        .add("PasswordResetRequired", r.password_reset_required ? "true" : "false")
        .take();
}
CIRRUS_DECL std::string form(const get_login_profile_request& r) {
    return action("GetLoginProfile").add("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const delete_login_profile_request& r) {
    return action("DeleteLoginProfile").add("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const create_access_key_request& r) {
    return action("CreateAccessKey").add_if("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const list_access_keys_request& r) {
    auto f = action("ListAccessKeys");
    f.add_if("UserName", r.user_name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const update_access_key_request& r) {
    return action("UpdateAccessKey")
        .add_if("UserName", r.user_name)
        .add("AccessKeyId", r.access_key_id)
        .add("Status", r.status == access_key_status::active ? "Active" : "Inactive")
        .take();
}
CIRRUS_DECL std::string form(const delete_access_key_request& r) {
    return action("DeleteAccessKey").add_if("UserName", r.user_name).add("AccessKeyId", r.access_key_id).take();
}
CIRRUS_DECL std::string form(const get_access_key_last_used_request& r) {
    return action("GetAccessKeyLastUsed").add("AccessKeyId", r.access_key_id).take();
}
CIRRUS_DECL std::string form(const create_group_request& r) {
    return action("CreateGroup").add("GroupName", r.group_name).add_if("Path", r.path).take();
}
CIRRUS_DECL std::string form(const get_group_request& r) {
    auto f = action("GetGroup");
    f.add("GroupName", r.group_name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const list_groups_request& r) {
    auto f = action("ListGroups");
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const delete_group_request& r) {
    return action("DeleteGroup").add("GroupName", r.group_name).take();
}
CIRRUS_DECL std::string form(const add_user_to_group_request& r) {
    return action("AddUserToGroup").add("GroupName", r.group_name).add("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const remove_user_from_group_request& r) {
    return action("RemoveUserFromGroup").add("GroupName", r.group_name).add("UserName", r.user_name).take();
}
CIRRUS_DECL std::string form(const list_groups_for_user_request& r) {
    auto f = action("ListGroupsForUser");
    f.add("UserName", r.user_name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const create_role_request& r) {
    auto f = action("CreateRole");
    f.add("RoleName", r.role_name)
        .add("AssumeRolePolicyDocument", r.assume_role_policy_document)
        .add_if("Path", r.path)
        .add_if("Description", r.description)
        .add_if("PermissionsBoundary", r.permissions_boundary);
    add_number(f, "MaxSessionDuration", r.max_session_duration);
    add_tags(f, r.tags);
    return f.take();
}
CIRRUS_DECL std::string form(const get_role_request& r) { return action("GetRole").add("RoleName", r.role_name).take(); }
CIRRUS_DECL std::string form(const list_roles_request& r) {
    auto f = action("ListRoles");
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const update_role_request& r) {
    auto f = action("UpdateRole");
    f.add("RoleName", r.role_name).add_if("Description", r.description);
    add_number(f, "MaxSessionDuration", r.max_session_duration);
    return f.take();
}
CIRRUS_DECL std::string form(const update_assume_role_policy_request& r) {
    return action("UpdateAssumeRolePolicy")
        .add("RoleName", r.role_name)
        .add("PolicyDocument", r.policy_document)
        .take();
}
CIRRUS_DECL std::string form(const delete_role_request& r) {
    return action("DeleteRole").add("RoleName", r.role_name).take();
}
CIRRUS_DECL std::string form(const create_instance_profile_request& r) {
    return action("CreateInstanceProfile")
        .add("InstanceProfileName", r.instance_profile_name)
        .add_if("Path", r.path)
        .take();
}
CIRRUS_DECL std::string form(const get_instance_profile_request& r) {
    return action("GetInstanceProfile").add("InstanceProfileName", r.instance_profile_name).take();
}
CIRRUS_DECL std::string form(const list_instance_profiles_request& r) {
    auto f = action("ListInstanceProfiles");
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const list_instance_profiles_for_role_request& r) {
    auto f = action("ListInstanceProfilesForRole");
    f.add("RoleName", r.role_name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const add_role_to_instance_profile_request& r) {
    return action("AddRoleToInstanceProfile")
        .add("InstanceProfileName", r.instance_profile_name)
        .add("RoleName", r.role_name)
        .take();
}
CIRRUS_DECL std::string form(const remove_role_from_instance_profile_request& r) {
    return action("RemoveRoleFromInstanceProfile")
        .add("InstanceProfileName", r.instance_profile_name)
        .add("RoleName", r.role_name)
        .take();
}
CIRRUS_DECL std::string form(const delete_instance_profile_request& r) {
    return action("DeleteInstanceProfile").add("InstanceProfileName", r.instance_profile_name).take();
}
CIRRUS_DECL std::string form(const create_policy_request& r) {
    auto f = action("CreatePolicy");
    f.add("PolicyName", r.policy_name)
        .add("PolicyDocument", r.policy_document)
        .add_if("Path", r.path)
        .add_if("Description", r.description);
    add_tags(f, r.tags);
    return f.take();
}
CIRRUS_DECL std::string form(const get_policy_request& r) {
    return action("GetPolicy").add("PolicyArn", r.policy_arn).take();
}
CIRRUS_DECL std::string form(const list_policies_request& r) {
    auto f = action("ListPolicies");
    if (r.scope == policy_scope::aws) f.add("Scope", "AWS");
    else if (r.scope == policy_scope::local) f.add("Scope", "Local");
    if (r.only_attached) f.add("OnlyAttached", "true");
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const delete_policy_request& r) {
    return action("DeletePolicy").add("PolicyArn", r.policy_arn).take();
}
CIRRUS_DECL std::string form(const create_policy_version_request& r) {
    auto f = action("CreatePolicyVersion");
    f.add("PolicyArn", r.policy_arn).add("PolicyDocument", r.policy_document);
    if (r.set_as_default) f.add("SetAsDefault", "true");
    return f.take();
}
CIRRUS_DECL std::string form(const get_policy_version_request& r) {
    return action("GetPolicyVersion").add("PolicyArn", r.policy_arn).add("VersionId", r.version_id).take();
}
CIRRUS_DECL std::string form(const list_policy_versions_request& r) {
    auto f = action("ListPolicyVersions");
    f.add("PolicyArn", r.policy_arn);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
CIRRUS_DECL std::string form(const delete_policy_version_request& r) {
    return action("DeletePolicyVersion").add("PolicyArn", r.policy_arn).add("VersionId", r.version_id).take();
}
CIRRUS_DECL std::string form(const set_default_policy_version_request& r) {
    return action("SetDefaultPolicyVersion").add("PolicyArn", r.policy_arn).add("VersionId", r.version_id).take();
}
CIRRUS_DECL std::string form(const list_entities_for_policy_request& r) {
    auto f = action("ListEntitiesForPolicy");
    f.add("PolicyArn", r.policy_arn);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}

// ------------------------------------------------------------------ exchange
CIRRUS_DECL task exchange(service& s, std::string body, parse_fn parse, void* out, diagnostics& diag) {
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

// ------------------------------------------------------------------ deletes with cleanup
namespace ops {

CIRRUS_DECL task delete_user(service& s, const delete_user_request& r, empty_result& out, diagnostics& diag) {
    if (r.cleanup) {
        std::vector<access_key> keys;
        if (auto ec = co_await list_all(s, list_access_keys_request{.user_name = r.user_name}, keys, diag))
            co_return ec;
        for (const auto& k : keys)
            if (auto ec = co_await call(
                    s, delete_access_key_request{.user_name = r.user_name, .access_key_id = k.access_key_id}, diag))
                co_return ec;
        if (auto ec = co_await call(s, delete_login_profile_request{.user_name = r.user_name}, diag);
            ec && !is_no_such_entity(ec))
            co_return ec;
        std::vector<group> groups;
        if (auto ec = co_await list_all(s, list_groups_for_user_request{.user_name = r.user_name}, groups, diag))
            co_return ec;
        for (const auto& g : groups)
            if (auto ec = co_await call(
                    s, remove_user_from_group_request{.group_name = g.group_name, .user_name = r.user_name}, diag))
                co_return ec;
        if (auto ec = co_await remove_policies<entity::user>(s, r.user_name, diag)) co_return ec;
    }
    diag.clear();
    const std::string body = form(r);
    co_return co_await exchange(s, body, &parse_into<empty_result>, &out, diag);
}

CIRRUS_DECL task delete_group(service& s, const delete_group_request& r, empty_result& out, diagnostics& diag) {
    if (r.cleanup) {
        std::vector<user> users;
        if (auto ec = co_await list_all(s, get_group_request{.group_name = r.group_name}, users, diag)) co_return ec;
        for (const auto& u : users)
            if (auto ec = co_await call(
                    s, remove_user_from_group_request{.group_name = r.group_name, .user_name = u.user_name}, diag))
                co_return ec;
        if (auto ec = co_await remove_policies<entity::group>(s, r.group_name, diag)) co_return ec;
    }
    const std::string body = form(r);
    co_return co_await exchange(s, body, &parse_into<empty_result>, &out, diag);
}

CIRRUS_DECL task delete_role(service& s, const delete_role_request& r, empty_result& out, diagnostics& diag) {
    if (r.cleanup) {
        if (auto ec = co_await remove_policies<entity::role>(s, r.role_name, diag)) co_return ec;
        std::vector<instance_profile> profiles;
        if (auto ec = co_await list_all(s, list_instance_profiles_for_role_request{.role_name = r.role_name}, profiles,
                                        diag))
            co_return ec;
        for (const auto& p : profiles)
            if (auto ec = co_await call(s,
                                        remove_role_from_instance_profile_request{
                                            .instance_profile_name = p.instance_profile_name, .role_name = r.role_name},
                                        diag))
                co_return ec;
    }
    const std::string body = form(r);
    co_return co_await exchange(s, body, &parse_into<empty_result>, &out, diag);
}

CIRRUS_DECL task delete_policy(service& s, const delete_policy_request& r, empty_result& out, diagnostics& diag) {
    if (r.cleanup) {
        std::string marker;
        for (int pages = 0;; ++pages) {
            if (pages == 10000) co_return cirrus::detail::pagination_stuck(diag);
            policy_entities e;
            if (auto ec = co_await operation<list_entities_for_policy_request>::run(
                    s, list_entities_for_policy_request{.policy_arn = r.policy_arn, .marker = marker}, e, diag))
                co_return ec;
            for (const auto& n : e.user_names)
                if (auto ec = co_await call(s, detach_user_policy_request{.name = n, .policy_arn = r.policy_arn}, diag))
                    co_return ec;
            for (const auto& n : e.group_names)
                if (auto ec = co_await call(s, detach_group_policy_request{.name = n, .policy_arn = r.policy_arn}, diag))
                    co_return ec;
            for (const auto& n : e.role_names)
                if (auto ec = co_await call(s, detach_role_policy_request{.name = n, .policy_arn = r.policy_arn}, diag))
                    co_return ec;
            if (!e.is_truncated || e.marker.empty() || e.marker == marker) break;
            marker = std::move(e.marker);
        }
        std::vector<policy_version> versions;
        if (auto ec = co_await list_all(s, list_policy_versions_request{.policy_arn = r.policy_arn}, versions, diag))
            co_return ec;
        for (const auto& v : versions)
            if (!v.is_default_version)
                if (auto ec = co_await call(
                        s, delete_policy_version_request{.policy_arn = r.policy_arn, .version_id = v.version_id}, diag))
                    co_return ec;
    }
    const std::string body = form(r);
    co_return co_await exchange(s, body, &parse_into<empty_result>, &out, diag);
}

} // namespace ops

} // namespace cirrus::iam::detail
