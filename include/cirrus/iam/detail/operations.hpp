#pragma once
// The IAM operations over the shared AWS service core. Most are one awsQuery exchange: the
// request's form (form(request)) and the result's parser (parse(xml, result)), both
// defined in iam/impl/operations.ipp (compiled once with CIRRUS_SEPARATE_COMPILATION);
// the deletes with cleanup are coroutines of their own there.

#include <cirrus/aws/detail/operation.hpp>
#include <cirrus/aws/detail/query.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/iam/errors.hpp>
#include <cirrus/iam/model.hpp>
#include <cirrus/iam/requests.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::iam::detail {

using task = boost::asio::awaitable<error_code>;
using aws::detail::service;

inline constexpr std::string_view api_version = "2010-05-08";

CIRRUS_DECL aws::detail::service_names names() noexcept;

// ------------------------------------------------------------------ response parsers
CIRRUS_DECL error_code parse(std::string_view xml, empty_result& out);
CIRRUS_DECL error_code parse(std::string_view xml, user& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<user>& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<tag>& out);
CIRRUS_DECL error_code parse(std::string_view xml, login_profile& out);
CIRRUS_DECL error_code parse(std::string_view xml, access_key& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<access_key>& out);
CIRRUS_DECL error_code parse(std::string_view xml, access_key_last_used& out);
CIRRUS_DECL error_code parse(std::string_view xml, group& out);
CIRRUS_DECL error_code parse(std::string_view xml, get_group_result& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<group>& out);
CIRRUS_DECL error_code parse(std::string_view xml, role& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<role>& out);
CIRRUS_DECL error_code parse(std::string_view xml, instance_profile& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<instance_profile>& out);
CIRRUS_DECL error_code parse(std::string_view xml, policy& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<policy>& out);
CIRRUS_DECL error_code parse(std::string_view xml, policy_version& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<policy_version>& out);
CIRRUS_DECL error_code parse(std::string_view xml, policy_entities& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<attached_policy>& out);
CIRRUS_DECL error_code parse(std::string_view xml, inline_policy& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<std::string>& out); // policy names

// A policy document as IAM returns it (percent-encoded) decoded; a document that is
// already JSON stays as it is.
CIRRUS_DECL std::string decode_document(std::string_view s);

// ------------------------------------------------------------------ request forms
CIRRUS_DECL std::string form(const create_user_request& r);
CIRRUS_DECL std::string form(const get_user_request& r);
CIRRUS_DECL std::string form(const list_users_request& r);
CIRRUS_DECL std::string form(const update_user_request& r);
CIRRUS_DECL std::string form(const delete_user_request& r);
CIRRUS_DECL std::string form(const tag_user_request& r);
CIRRUS_DECL std::string form(const untag_user_request& r);
CIRRUS_DECL std::string form(const list_user_tags_request& r);
CIRRUS_DECL std::string form(const create_login_profile_request& r);
CIRRUS_DECL std::string form(const get_login_profile_request& r);
CIRRUS_DECL std::string form(const delete_login_profile_request& r);
CIRRUS_DECL std::string form(const create_access_key_request& r);
CIRRUS_DECL std::string form(const list_access_keys_request& r);
CIRRUS_DECL std::string form(const update_access_key_request& r);
CIRRUS_DECL std::string form(const delete_access_key_request& r);
CIRRUS_DECL std::string form(const get_access_key_last_used_request& r);
CIRRUS_DECL std::string form(const create_group_request& r);
CIRRUS_DECL std::string form(const get_group_request& r);
CIRRUS_DECL std::string form(const list_groups_request& r);
CIRRUS_DECL std::string form(const delete_group_request& r);
CIRRUS_DECL std::string form(const add_user_to_group_request& r);
CIRRUS_DECL std::string form(const remove_user_from_group_request& r);
CIRRUS_DECL std::string form(const list_groups_for_user_request& r);
CIRRUS_DECL std::string form(const create_role_request& r);
CIRRUS_DECL std::string form(const get_role_request& r);
CIRRUS_DECL std::string form(const list_roles_request& r);
CIRRUS_DECL std::string form(const update_role_request& r);
CIRRUS_DECL std::string form(const update_assume_role_policy_request& r);
CIRRUS_DECL std::string form(const delete_role_request& r);
CIRRUS_DECL std::string form(const create_instance_profile_request& r);
CIRRUS_DECL std::string form(const get_instance_profile_request& r);
CIRRUS_DECL std::string form(const list_instance_profiles_request& r);
CIRRUS_DECL std::string form(const list_instance_profiles_for_role_request& r);
CIRRUS_DECL std::string form(const add_role_to_instance_profile_request& r);
CIRRUS_DECL std::string form(const remove_role_from_instance_profile_request& r);
CIRRUS_DECL std::string form(const delete_instance_profile_request& r);
CIRRUS_DECL std::string form(const create_policy_request& r);
CIRRUS_DECL std::string form(const get_policy_request& r);
CIRRUS_DECL std::string form(const list_policies_request& r);
CIRRUS_DECL std::string form(const delete_policy_request& r);
CIRRUS_DECL std::string form(const create_policy_version_request& r);
CIRRUS_DECL std::string form(const get_policy_version_request& r);
CIRRUS_DECL std::string form(const list_policy_versions_request& r);
CIRRUS_DECL std::string form(const delete_policy_version_request& r);
CIRRUS_DECL std::string form(const set_default_policy_version_request& r);
CIRRUS_DECL std::string form(const list_entities_for_policy_request& r);

// The form of "<Verb><User|Group|Role><Noun>" with <User|Group|Role>Name=name.
CIRRUS_DECL aws::detail::query_form entity_form(std::string_view verb, entity e, std::string_view noun,
                                                std::string_view name);
CIRRUS_DECL void add_paging(aws::detail::query_form& f, std::string_view marker, int max_items);

template <entity E>
std::string form(const attach_policy_request<E>& r) {
    return entity_form("Attach", E, "Policy", r.name).add("PolicyArn", r.policy_arn).take();
}
template <entity E>
std::string form(const detach_policy_request<E>& r) {
    return entity_form("Detach", E, "Policy", r.name).add("PolicyArn", r.policy_arn).take();
}
template <entity E>
std::string form(const list_attached_policies_request<E>& r) {
    auto f = entity_form("ListAttached", E, "Policies", r.name);
    f.add_if("PathPrefix", r.path_prefix);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}
template <entity E>
std::string form(const put_inline_policy_request<E>& r) {
    return entity_form("Put", E, "Policy", r.name)
        .add("PolicyName", r.policy_name)
        .add("PolicyDocument", r.policy_document)
        .take();
}
template <entity E>
std::string form(const get_inline_policy_request<E>& r) {
    return entity_form("Get", E, "Policy", r.name).add("PolicyName", r.policy_name).take();
}
template <entity E>
std::string form(const delete_inline_policy_request<E>& r) {
    return entity_form("Delete", E, "Policy", r.name).add("PolicyName", r.policy_name).take();
}
template <entity E>
std::string form(const list_inline_policies_request<E>& r) {
    auto f = entity_form("List", E, "Policies", r.name);
    add_paging(f, r.marker, r.max_items);
    return f.take();
}

// ------------------------------------------------------------------ one exchange
using parse_fn = error_code (*)(std::string_view xml, void* out);

// Sends `body`; on success parses the response into *out with `parse` (a malformed one is
// errc::malformed_response).
CIRRUS_DECL task exchange(service& s, std::string body, parse_fn parse, void* out, diagnostics& diag);

template <class Result>
error_code parse_into(std::string_view xml, void* out) {
    return parse(xml, *static_cast<Result*>(out));
}

// The operation of a request that is one exchange.
template <class Request, class Result>
struct query_operation {
    using result_type = Result;
    static task run(service& s, const Request& r, Result& out, diagnostics& diag) {
        return exchange(s, form(r), &parse_into<Result>, &out, diag);
    }
};

// The deletes with cleanup (plain deletes when cleanup is false).
namespace ops {
CIRRUS_DECL task delete_user(service& s, const delete_user_request& r, empty_result& out, diagnostics& diag);
CIRRUS_DECL task delete_group(service& s, const delete_group_request& r, empty_result& out, diagnostics& diag);
CIRRUS_DECL task delete_role(service& s, const delete_role_request& r, empty_result& out, diagnostics& diag);
CIRRUS_DECL task delete_policy(service& s, const delete_policy_request& r, empty_result& out, diagnostics& diag);
} // namespace ops

template <class Request, class Result, task (*Run)(service&, const Request&, Result&, diagnostics&)>
using composite_operation = aws::detail::bound_operation<Request, Result, Run>;

// The table: request type -> result type and coroutine.
template <class Request>
struct operation;
template <entity E>
struct operation<attach_policy_request<E>> : query_operation<attach_policy_request<E>, empty_result> {};
template <entity E>
struct operation<detach_policy_request<E>> : query_operation<detach_policy_request<E>, empty_result> {};
template <entity E>
struct operation<list_attached_policies_request<E>>
    : query_operation<list_attached_policies_request<E>, page<attached_policy>> {};
template <entity E>
struct operation<put_inline_policy_request<E>> : query_operation<put_inline_policy_request<E>, empty_result> {};
template <entity E>
struct operation<get_inline_policy_request<E>> : query_operation<get_inline_policy_request<E>, inline_policy> {};
template <entity E>
struct operation<delete_inline_policy_request<E>> : query_operation<delete_inline_policy_request<E>, empty_result> {};
template <entity E>
struct operation<list_inline_policies_request<E>>
    : query_operation<list_inline_policies_request<E>, page<std::string>> {};

#define CIRRUS_IAM_OPERATION(name, result)                                                                             \
    template <>                                                                                                        \
    struct operation<name##_request> : query_operation<name##_request, result> {};
CIRRUS_IAM_OPERATION(create_user, user)
CIRRUS_IAM_OPERATION(get_user, user)
CIRRUS_IAM_OPERATION(list_users, page<user>)
CIRRUS_IAM_OPERATION(update_user, empty_result)
CIRRUS_IAM_OPERATION(tag_user, empty_result)
CIRRUS_IAM_OPERATION(untag_user, empty_result)
CIRRUS_IAM_OPERATION(list_user_tags, page<tag>)
CIRRUS_IAM_OPERATION(create_login_profile, login_profile)
CIRRUS_IAM_OPERATION(get_login_profile, login_profile)
CIRRUS_IAM_OPERATION(delete_login_profile, empty_result)
CIRRUS_IAM_OPERATION(create_access_key, access_key)
CIRRUS_IAM_OPERATION(list_access_keys, page<access_key>)
CIRRUS_IAM_OPERATION(update_access_key, empty_result)
CIRRUS_IAM_OPERATION(delete_access_key, empty_result)
CIRRUS_IAM_OPERATION(get_access_key_last_used, access_key_last_used)
CIRRUS_IAM_OPERATION(create_group, group)
CIRRUS_IAM_OPERATION(get_group, get_group_result)
CIRRUS_IAM_OPERATION(list_groups, page<group>)
CIRRUS_IAM_OPERATION(add_user_to_group, empty_result)
CIRRUS_IAM_OPERATION(remove_user_from_group, empty_result)
CIRRUS_IAM_OPERATION(list_groups_for_user, page<group>)
CIRRUS_IAM_OPERATION(create_role, role)
CIRRUS_IAM_OPERATION(get_role, role)
CIRRUS_IAM_OPERATION(list_roles, page<role>)
CIRRUS_IAM_OPERATION(update_role, empty_result)
CIRRUS_IAM_OPERATION(update_assume_role_policy, empty_result)
CIRRUS_IAM_OPERATION(create_instance_profile, instance_profile)
CIRRUS_IAM_OPERATION(get_instance_profile, instance_profile)
CIRRUS_IAM_OPERATION(list_instance_profiles, page<instance_profile>)
CIRRUS_IAM_OPERATION(list_instance_profiles_for_role, page<instance_profile>)
CIRRUS_IAM_OPERATION(add_role_to_instance_profile, empty_result)
CIRRUS_IAM_OPERATION(remove_role_from_instance_profile, empty_result)
CIRRUS_IAM_OPERATION(delete_instance_profile, empty_result)
CIRRUS_IAM_OPERATION(create_policy, policy)
CIRRUS_IAM_OPERATION(get_policy, policy)
CIRRUS_IAM_OPERATION(list_policies, page<policy>)
CIRRUS_IAM_OPERATION(create_policy_version, policy_version)
CIRRUS_IAM_OPERATION(get_policy_version, policy_version)
CIRRUS_IAM_OPERATION(list_policy_versions, page<policy_version>)
CIRRUS_IAM_OPERATION(delete_policy_version, empty_result)
CIRRUS_IAM_OPERATION(set_default_policy_version, empty_result)
CIRRUS_IAM_OPERATION(list_entities_for_policy, policy_entities)
#undef CIRRUS_IAM_OPERATION
template <>
struct operation<delete_user_request> : composite_operation<delete_user_request, empty_result, &ops::delete_user> {};
template <>
struct operation<delete_group_request> : composite_operation<delete_group_request, empty_result, &ops::delete_group> {};
template <>
struct operation<delete_role_request> : composite_operation<delete_role_request, empty_result, &ops::delete_role> {};
template <>
struct operation<delete_policy_request>
    : composite_operation<delete_policy_request, empty_result, &ops::delete_policy> {};

// What a pager (core/pager.hpp) needs of an IAM listing: every list moves on by
// IsTruncated and Marker.
struct pages {
    static std::optional<std::string_view> next(const auto& page) noexcept {
        if (!page.is_truncated) return std::nullopt;
        return std::string_view(page.marker);
    }
    static auto& items(auto& page) noexcept { return page.items; }
};
template <class Request>
using paging = aws::detail::marker_paging<operation<Request>, Request, &Request::marker, pages>;

} // namespace cirrus::iam::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/iam/impl/operations.ipp>
#endif
