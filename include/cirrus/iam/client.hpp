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
    using base = aws::detail::client_base<Provider, detail::operation, &detail::names>;

public:
    using base::base;

    // ------------------------------------------------------------------ users
    template <class... Args>
    auto async_create_user(const create_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_user(const get_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_users(const list_users_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_users_request> list_users_pages(const list_users_request& r = {}) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_update_user(const update_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_user(const delete_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_tag_user(const tag_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_untag_user(const untag_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_user_tags(const list_user_tags_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_user_tags_request> list_user_tags_pages(const list_user_tags_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_create_login_profile(const create_login_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_login_profile(const get_login_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_login_profile(const delete_login_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    // ------------------------------------------------------------------ access keys
    template <class... Args>
    auto async_create_access_key(const create_access_key_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_access_keys(const list_access_keys_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_access_keys_request> list_access_keys_pages(const list_access_keys_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_update_access_key(const update_access_key_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_access_key(const delete_access_key_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_access_key_last_used(const get_access_key_last_used_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    // ------------------------------------------------------------------ groups
    template <class... Args>
    auto async_create_group(const create_group_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_group(const get_group_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<get_group_request> get_group_pages(const get_group_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_groups(const list_groups_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_groups_request> list_groups_pages(const list_groups_request& r = {}) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_delete_group(const delete_group_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_add_user_to_group(const add_user_to_group_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_remove_user_from_group(const remove_user_from_group_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_groups_for_user(const list_groups_for_user_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_groups_for_user_request> list_groups_for_user_pages(const list_groups_for_user_request& r) const { return {this->service_ptr(), r}; }
    // ------------------------------------------------------------------ roles and instance profiles
    template <class... Args>
    auto async_create_role(const create_role_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_role(const get_role_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_roles(const list_roles_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_roles_request> list_roles_pages(const list_roles_request& r = {}) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_update_role(const update_role_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_update_assume_role_policy(const update_assume_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_role(const delete_role_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_create_instance_profile(const create_instance_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_instance_profile(const get_instance_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_instance_profiles(const list_instance_profiles_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_instance_profiles_request> list_instance_profiles_pages(const list_instance_profiles_request& r = {}) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_instance_profiles_for_role(const list_instance_profiles_for_role_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_instance_profiles_for_role_request> list_instance_profiles_for_role_pages(const list_instance_profiles_for_role_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_add_role_to_instance_profile(const add_role_to_instance_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_remove_role_from_instance_profile(const remove_role_from_instance_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_instance_profile(const delete_instance_profile_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    // ------------------------------------------------------------------ managed policies
    template <class... Args>
    auto async_create_policy(const create_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_policy(const get_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_policies(const list_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_policies_request> list_policies_pages(const list_policies_request& r = {}) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_delete_policy(const delete_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_create_policy_version(const create_policy_version_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_policy_version(const get_policy_version_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_policy_versions(const list_policy_versions_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_policy_versions_request> list_policy_versions_pages(const list_policy_versions_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_delete_policy_version(const delete_policy_version_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_set_default_policy_version(const set_default_policy_version_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_entities_for_policy(const list_entities_for_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    // ------------------------------------------------------------------ policies of users, groups and roles
    template <class... Args>
    auto async_attach_user_policy(const attach_user_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_attach_group_policy(const attach_group_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_attach_role_policy(const attach_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_detach_user_policy(const detach_user_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_detach_group_policy(const detach_group_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_detach_role_policy(const detach_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_attached_user_policies(const list_attached_user_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_attached_user_policies_request> list_attached_user_policies_pages(const list_attached_user_policies_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_attached_group_policies(const list_attached_group_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_attached_group_policies_request> list_attached_group_policies_pages(const list_attached_group_policies_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_attached_role_policies(const list_attached_role_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_attached_role_policies_request> list_attached_role_policies_pages(const list_attached_role_policies_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_put_user_policy(const put_user_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_put_group_policy(const put_group_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_put_role_policy(const put_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_user_policy(const get_user_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_group_policy(const get_group_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_role_policy(const get_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_user_policy(const delete_user_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_group_policy(const delete_group_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_role_policy(const delete_role_policy_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_user_policies(const list_user_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_user_policies_request> list_user_policies_pages(const list_user_policies_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_group_policies(const list_group_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_group_policies_request> list_group_policies_pages(const list_group_policies_request& r) const { return {this->service_ptr(), r}; }
    template <class... Args>
    auto async_list_role_policies(const list_role_policies_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    pager<list_role_policies_request> list_role_policies_pages(const list_role_policies_request& r) const { return {this->service_ptr(), r}; }
};

} // namespace cirrus::iam
