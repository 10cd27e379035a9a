#pragma once
// The requests of the IAM client: views, copied when an operation starts (docs/async.md).
// A list operation takes marker and max_items (0: the service's default) for one page;
// the client's *_pages(request) walks every page (cirrus::pager).
//
// Policies of users, groups and roles share one request shape per action, named by the
// kind of principal: attach_user_policy_request is attach_policy_request<entity::user>,
// {.name = "ada", .policy_arn = arn}.

#include <cirrus/core/views.hpp>
#include <cirrus/iam/model.hpp>

#include <string_view>

namespace cirrus::iam {

// ------------------------------------------------------------------ users
struct create_user_request {
    std::string_view user_name;
    std::string_view path = {};
    std::string_view permissions_boundary = {}; // a policy ARN
    list_view<tag_view> tags = {};
};
struct get_user_request {
    std::string_view user_name = {}; // empty: the caller
};
struct list_users_request {
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct update_user_request {
    std::string_view user_name;
    std::string_view new_user_name = {};
    std::string_view new_path = {};
};
// With cleanup, first removes what IAM refuses to delete a user with (DeleteConflict):
// access keys, the login profile, group memberships, attached and inline policies. (MFA
// devices, signing certificates, SSH keys and service-specific credentials are not
// removed: a user holding them still fails with errc::delete_conflict.)
struct delete_user_request {
    std::string_view user_name;
    bool cleanup = false;
};
struct tag_user_request {
    std::string_view user_name;
    list_view<tag_view> tags;
};
struct untag_user_request {
    std::string_view user_name;
    list_view<std::string_view> tag_keys;
};
struct list_user_tags_request {
    std::string_view user_name;
    std::string_view marker = {};
    int max_items = 0;
};
struct create_login_profile_request {
    std::string_view user_name;
    std::string_view password; // never printed
    bool password_reset_required = false;
};
struct get_login_profile_request {
    std::string_view user_name;
};
struct delete_login_profile_request {
    std::string_view user_name;
};

// ------------------------------------------------------------------ access keys
struct create_access_key_request {
    std::string_view user_name = {};
};
struct list_access_keys_request {
    std::string_view user_name = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct update_access_key_request {
    std::string_view user_name;
    std::string_view access_key_id;
    access_key_status status;
};
struct delete_access_key_request {
    std::string_view user_name;
    std::string_view access_key_id;
};
struct get_access_key_last_used_request {
    std::string_view access_key_id;
};

// ------------------------------------------------------------------ groups
struct create_group_request {
    std::string_view group_name;
    std::string_view path = {};
};
// The group and one page of its users.
struct get_group_request {
    std::string_view group_name;
    std::string_view marker = {};
    int max_items = 0;
};
struct list_groups_request {
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
// With cleanup, first removes the group's users, attached and inline policies.
struct delete_group_request {
    std::string_view group_name;
    bool cleanup = false;
};
struct add_user_to_group_request {
    std::string_view group_name;
    std::string_view user_name;
};
struct remove_user_from_group_request {
    std::string_view group_name;
    std::string_view user_name;
};
struct list_groups_for_user_request {
    std::string_view user_name;
    std::string_view marker = {};
    int max_items = 0;
};

// ------------------------------------------------------------------ roles, instance profiles
struct create_role_request {
    std::string_view role_name;
    std::string_view assume_role_policy_document; // JSON: iam::policy_document::json() or a string
    std::string_view path = {};
    std::string_view description = {};
    int max_session_duration = 0; // seconds, 3600 to 43200; 0: the service's default (3600)
    std::string_view permissions_boundary = {};
    list_view<tag_view> tags = {};
};
struct get_role_request {
    std::string_view role_name;
};
struct list_roles_request {
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct update_role_request {
    std::string_view role_name;
    std::string_view description = {};
    int max_session_duration = 0;
};
struct update_assume_role_policy_request {
    std::string_view role_name;
    std::string_view policy_document;
};
// With cleanup, first detaches managed policies, deletes inline policies and removes the
// role from its instance profiles.
struct delete_role_request {
    std::string_view role_name;
    bool cleanup = false;
};
struct create_instance_profile_request {
    std::string_view instance_profile_name;
    std::string_view path = {};
};
struct get_instance_profile_request {
    std::string_view instance_profile_name;
};
struct list_instance_profiles_request {
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct list_instance_profiles_for_role_request {
    std::string_view role_name;
    std::string_view marker = {};
    int max_items = 0;
};
struct add_role_to_instance_profile_request {
    std::string_view instance_profile_name;
    std::string_view role_name;
};
struct remove_role_from_instance_profile_request {
    std::string_view instance_profile_name;
    std::string_view role_name;
};
struct delete_instance_profile_request {
    std::string_view instance_profile_name;
};

// ------------------------------------------------------------------ managed policies
struct create_policy_request {
    std::string_view policy_name;
    std::string_view policy_document;
    std::string_view path = {};
    std::string_view description = {};
    list_view<tag_view> tags = {};
};
struct get_policy_request {
    std::string_view policy_arn;
};
enum class policy_scope { all, aws, local };
struct list_policies_request {
    policy_scope scope = policy_scope::all;
    bool only_attached = false;
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
// With cleanup, first detaches the policy from every user, group and role and deletes its
// versions other than the default.
struct delete_policy_request {
    std::string_view policy_arn;
    bool cleanup = false;
};
struct create_policy_version_request {
    std::string_view policy_arn;
    std::string_view policy_document;
    bool set_as_default = false;
};
struct get_policy_version_request {
    std::string_view policy_arn;
    std::string_view version_id;
};
struct list_policy_versions_request {
    std::string_view policy_arn;
    std::string_view marker = {};
    int max_items = 0;
};
struct delete_policy_version_request {
    std::string_view policy_arn;
    std::string_view version_id;
};
struct set_default_policy_version_request {
    std::string_view policy_arn;
    std::string_view version_id;
};
struct list_entities_for_policy_request {
    std::string_view policy_arn;
    std::string_view marker = {};
    int max_items = 0;
};

// ------------------------------------------------------------------ policies of users, groups, roles
enum class entity { user, group, role };

template <entity E>
struct attach_policy_request {
    std::string_view name; // of the user, group or role
    std::string_view policy_arn;
};
template <entity E>
struct detach_policy_request {
    std::string_view name;
    std::string_view policy_arn;
};
template <entity E>
struct list_attached_policies_request {
    std::string_view name;
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0;
};
template <entity E>
struct put_inline_policy_request {
    std::string_view name;
    std::string_view policy_name;
    std::string_view policy_document;
};
template <entity E>
struct get_inline_policy_request {
    std::string_view name;
    std::string_view policy_name;
};
template <entity E>
struct delete_inline_policy_request {
    std::string_view name;
    std::string_view policy_name;
};
template <entity E>
struct list_inline_policies_request {
    std::string_view name;
    std::string_view marker = {};
    int max_items = 0;
};

using attach_user_policy_request = attach_policy_request<entity::user>;
using attach_group_policy_request = attach_policy_request<entity::group>;
using attach_role_policy_request = attach_policy_request<entity::role>;
using detach_user_policy_request = detach_policy_request<entity::user>;
using detach_group_policy_request = detach_policy_request<entity::group>;
using detach_role_policy_request = detach_policy_request<entity::role>;
using list_attached_user_policies_request = list_attached_policies_request<entity::user>;
using list_attached_group_policies_request = list_attached_policies_request<entity::group>;
using list_attached_role_policies_request = list_attached_policies_request<entity::role>;
using put_user_policy_request = put_inline_policy_request<entity::user>;
using put_group_policy_request = put_inline_policy_request<entity::group>;
using put_role_policy_request = put_inline_policy_request<entity::role>;
using get_user_policy_request = get_inline_policy_request<entity::user>;
using get_group_policy_request = get_inline_policy_request<entity::group>;
using get_role_policy_request = get_inline_policy_request<entity::role>;
using delete_user_policy_request = delete_inline_policy_request<entity::user>;
using delete_group_policy_request = delete_inline_policy_request<entity::group>;
using delete_role_policy_request = delete_inline_policy_request<entity::role>;
using list_user_policies_request = list_inline_policies_request<entity::user>;
using list_group_policies_request = list_inline_policies_request<entity::group>;
using list_role_policies_request = list_inline_policies_request<entity::role>;

} // namespace cirrus::iam
