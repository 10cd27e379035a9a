#pragma once
// The IAM entities the client returns (users, groups, roles, access keys, policies,
// instance profiles). Results own their data. Policy documents are returned decoded (IAM
// sends them percent-encoded). An access key's secret is returned once, by
// CreateAccessKey, and printing never shows it.

#include <cirrus/core/views.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cirrus::iam {

struct tag {
    std::string key;
    std::string value;
    friend bool operator==(const tag&, const tag&) = default;
};

// A tag as a request names it.
struct tag_view {
    std::string_view key;
    std::string_view value;
};

struct user {
    std::string path;
    std::string user_name;
    std::string user_id;
    std::string arn;
    std::string create_date; // ISO 8601, as IAM sends it
    std::string password_last_used;
    std::string permissions_boundary_arn;
    std::vector<tag> tags;
};

struct group {
    std::string path;
    std::string group_name;
    std::string group_id;
    std::string arn;
    std::string create_date;
};

struct role {
    std::string path;
    std::string role_name;
    std::string role_id;
    std::string arn;
    std::string create_date;
    std::string assume_role_policy_document; // decoded JSON
    std::string description;
    int max_session_duration = 0; // seconds; 0 when not reported
    std::vector<tag> tags;
};

enum class access_key_status { active, inactive };

struct access_key {
    std::string user_name;
    std::string access_key_id;
    access_key_status status = access_key_status::active;
    std::string secret_access_key; // CreateAccessKey only; never printed
    std::string create_date;
};

struct access_key_last_used {
    std::string user_name;
    std::string last_used_date; // empty when never used
    std::string service_name;   // "N/A" when never used
    std::string region;
};

struct policy {
    std::string policy_name;
    std::string policy_id;
    std::string arn;
    std::string path;
    std::string default_version_id;
    int attachment_count = 0;
    bool is_attachable = true;
    std::string description;
    std::string create_date;
    std::string update_date;
};

struct policy_version {
    std::string document; // decoded JSON (GetPolicyVersion; empty in listings)
    std::string version_id;
    bool is_default_version = false;
    std::string create_date;
};

struct attached_policy {
    std::string policy_name;
    std::string policy_arn;
};

// An inline policy of a user, group or role.
struct inline_policy {
    std::string owner_name; // the user, group or role
    std::string policy_name;
    std::string document; // decoded JSON
};

struct instance_profile {
    std::string path;
    std::string instance_profile_name;
    std::string instance_profile_id;
    std::string arn;
    std::string create_date;
    std::vector<role> roles;
};

struct login_profile {
    std::string user_name;
    std::string create_date;
    bool password_reset_required = false;
};

// The users, groups and roles a managed policy is attached to (one page).
struct policy_entities {
    std::vector<std::string> user_names;
    std::vector<std::string> group_names;
    std::vector<std::string> role_names;
    bool is_truncated = false;
    std::string marker;
};

// One page of a List* operation: the items, and the marker of the next page when
// is_truncated.
template <class T>
struct page {
    using value_type = T;
    std::vector<T> items;
    bool is_truncated = false;
    std::string marker;
};

// GetGroup: the group and one page of its users.
struct get_group_result {
    using value_type = user;
    iam::group group;
    std::vector<user> items; // the users
    bool is_truncated = false;
    std::string marker;
};

// The result of an operation that returns nothing but success.
struct empty_result {};

inline std::ostream& operator<<(std::ostream& os, access_key_status s) {
    return os << (s == access_key_status::active ? "Active" : "Inactive");
}
// Shows the key id and status; the secret never.
inline std::ostream& operator<<(std::ostream& os, const access_key& k) {
    os << "access_key{user_name=" << k.user_name << ", access_key_id=" << k.access_key_id << ", status=" << k.status;
    if (!k.secret_access_key.empty()) os << ", secret_access_key=***";
    return os << '}';
}

} // namespace cirrus::iam
