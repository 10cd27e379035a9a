#pragma once
// The IAM client (awsQuery: form-encoded POST, XML responses).
//
//   cirrus::iam::client<> iam(co_await asio::this_coro::executor);
//   auto u = co_await iam.async_create_user({.user_name = "ada"});
//   auto key = co_await iam.async_create_access_key({.user_name = "ada"});
//   // key.secret_access_key is returned once; printing the key never shows it
//   auto users = iam.list_users_pages();
//   while (auto u = co_await users.async_next()) use(*u);
//   co_await iam.async_delete_user({.user_name = "ada", .cleanup = true});
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) and completes with
// void(error_code, <result>), started like every cirrus operation (docs/async.md). A
// failure is an iam::errc (errc::no_such_entity, entity_already_exists, delete_conflict,
// malformed_policy_document ...; iam/errors.hpp) or the transport's error, and its
// diagnostics hold the service's code ("NoSuchEntity" ...), message and request id. The
// endpoint comes from options.endpoint, $AWS_ENDPOINT_URL_IAM, $AWS_ENDPOINT_URL or the
// provider's endpoint. Listings return one page (page<T>: items, is_truncated, marker);
// <name>_pages(request) walks them all (cirrus::pager). Policy documents are JSON strings:
// write them with iam::policy_document (iam/policy.hpp).

#include <cirrus/aws/detail/client_base.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/iam/detail/operations.hpp>
#include <cirrus/iam/errors.hpp>
#include <cirrus/iam/model.hpp>
#include <cirrus/iam/requests.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>

#include <utility>

namespace cirrus::iam {

using client_options = aws::service_options;

// The pages of an IAM listing as an async range (core/pager.hpp). Keep the pager alive and
// call one async_next* at a time.
template <class Request>
using pager = cirrus::pager<detail::paging<Request>>;

template <provider::Provider Provider = provider::aws>
class client : public aws::detail::client_base<Provider, detail::operation, &detail::names> {
public:
    using client::client_base::client_base;

    // ------------------------------------------------------------------ users
    CIRRUS_AWS_OPERATION(create_user)
    CIRRUS_AWS_OPERATION(get_user)
    CIRRUS_AWS_OPERATION(list_users)
    pager<list_users_request> list_users_pages(const list_users_request& r = {}) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(update_user)
    CIRRUS_AWS_OPERATION(delete_user)
    CIRRUS_AWS_OPERATION(tag_user)
    CIRRUS_AWS_OPERATION(untag_user)
    CIRRUS_AWS_OPERATION(list_user_tags)
    pager<list_user_tags_request> list_user_tags_pages(const list_user_tags_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(create_login_profile)
    CIRRUS_AWS_OPERATION(get_login_profile)
    CIRRUS_AWS_OPERATION(delete_login_profile)
    // ------------------------------------------------------------------ access keys
    CIRRUS_AWS_OPERATION(create_access_key)
    CIRRUS_AWS_OPERATION(list_access_keys)
    pager<list_access_keys_request> list_access_keys_pages(const list_access_keys_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(update_access_key)
    CIRRUS_AWS_OPERATION(delete_access_key)
    CIRRUS_AWS_OPERATION(get_access_key_last_used)
    // ------------------------------------------------------------------ groups
    CIRRUS_AWS_OPERATION(create_group)
    CIRRUS_AWS_OPERATION(get_group)
    pager<get_group_request> get_group_pages(const get_group_request& r) const { return {this->service_ptr(), r}; }
    CIRRUS_AWS_OPERATION(list_groups)
    pager<list_groups_request> list_groups_pages(const list_groups_request& r = {}) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(delete_group)
    CIRRUS_AWS_OPERATION(add_user_to_group)
    CIRRUS_AWS_OPERATION(remove_user_from_group)
    CIRRUS_AWS_OPERATION(list_groups_for_user)
    pager<list_groups_for_user_request> list_groups_for_user_pages(const list_groups_for_user_request& r) const {
        return {this->service_ptr(), r};
    }
    // ------------------------------------------------------------------ roles and instance profiles
    CIRRUS_AWS_OPERATION(create_role)
    CIRRUS_AWS_OPERATION(get_role)
    CIRRUS_AWS_OPERATION(list_roles)
    pager<list_roles_request> list_roles_pages(const list_roles_request& r = {}) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(update_role)
    CIRRUS_AWS_OPERATION(update_assume_role_policy)
    CIRRUS_AWS_OPERATION(delete_role)
    CIRRUS_AWS_OPERATION(create_instance_profile)
    CIRRUS_AWS_OPERATION(get_instance_profile)
    CIRRUS_AWS_OPERATION(list_instance_profiles)
    pager<list_instance_profiles_request> list_instance_profiles_pages(
        const list_instance_profiles_request& r = {}) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(list_instance_profiles_for_role)
    pager<list_instance_profiles_for_role_request> list_instance_profiles_for_role_pages(
        const list_instance_profiles_for_role_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(add_role_to_instance_profile)
    CIRRUS_AWS_OPERATION(remove_role_from_instance_profile)
    CIRRUS_AWS_OPERATION(delete_instance_profile)
    // ------------------------------------------------------------------ managed policies
    CIRRUS_AWS_OPERATION(create_policy)
    CIRRUS_AWS_OPERATION(get_policy)
    CIRRUS_AWS_OPERATION(list_policies)
    pager<list_policies_request> list_policies_pages(const list_policies_request& r = {}) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(delete_policy)
    CIRRUS_AWS_OPERATION(create_policy_version)
    CIRRUS_AWS_OPERATION(get_policy_version)
    CIRRUS_AWS_OPERATION(list_policy_versions)
    pager<list_policy_versions_request> list_policy_versions_pages(const list_policy_versions_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(delete_policy_version)
    CIRRUS_AWS_OPERATION(set_default_policy_version)
    CIRRUS_AWS_OPERATION(list_entities_for_policy)
    // ------------------------------------------------------------------ policies of users, groups and roles
    CIRRUS_AWS_OPERATION(attach_user_policy)
    CIRRUS_AWS_OPERATION(attach_group_policy)
    CIRRUS_AWS_OPERATION(attach_role_policy)
    CIRRUS_AWS_OPERATION(detach_user_policy)
    CIRRUS_AWS_OPERATION(detach_group_policy)
    CIRRUS_AWS_OPERATION(detach_role_policy)
    CIRRUS_AWS_OPERATION(list_attached_user_policies)
    pager<list_attached_user_policies_request> list_attached_user_policies_pages(
        const list_attached_user_policies_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(list_attached_group_policies)
    pager<list_attached_group_policies_request> list_attached_group_policies_pages(
        const list_attached_group_policies_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(list_attached_role_policies)
    pager<list_attached_role_policies_request> list_attached_role_policies_pages(
        const list_attached_role_policies_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(put_user_policy)
    CIRRUS_AWS_OPERATION(put_group_policy)
    CIRRUS_AWS_OPERATION(put_role_policy)
    CIRRUS_AWS_OPERATION(get_user_policy)
    CIRRUS_AWS_OPERATION(get_group_policy)
    CIRRUS_AWS_OPERATION(get_role_policy)
    CIRRUS_AWS_OPERATION(delete_user_policy)
    CIRRUS_AWS_OPERATION(delete_group_policy)
    CIRRUS_AWS_OPERATION(delete_role_policy)
    CIRRUS_AWS_OPERATION(list_user_policies)
    pager<list_user_policies_request> list_user_policies_pages(const list_user_policies_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(list_group_policies)
    pager<list_group_policies_request> list_group_policies_pages(const list_group_policies_request& r) const {
        return {this->service_ptr(), r};
    }
    CIRRUS_AWS_OPERATION(list_role_policies)
    pager<list_role_policies_request> list_role_policies_pages(const list_role_policies_request& r) const {
        return {this->service_ptr(), r};
    }
};

} // namespace cirrus::iam
