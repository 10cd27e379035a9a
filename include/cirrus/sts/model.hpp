#pragma once
// Requests and results of the STS operations. Requests are views (copied when the
// operation starts); results own their data. Temporary credentials are auth::credentials,
// whose printed form never shows the secret or the session token.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/core/views.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace cirrus::sts {

struct get_caller_identity_request {};

struct caller_identity {
    std::string account;
    std::string arn;
    std::string user_id;
};

// A session policy's managed policy ARN list is not supported; an inline policy is.
struct assume_role_request {
    std::string_view role_arn;
    std::string_view session_name;
    std::optional<std::chrono::seconds> duration = {}; // the service's default (1 h) when none
    std::string_view external_id = {};
    std::string_view policy = {}; // an inline session policy (JSON)
    std::string_view serial_number = {};
    std::string_view token_code = {};
    std::string_view source_identity = {};
};

struct assume_role_with_web_identity_request {
    std::string_view role_arn;
    std::string_view session_name;
    std::string_view web_identity_token; // an OIDC token; never logged
    std::optional<std::chrono::seconds> duration = {};
    std::string_view provider_id = {};
    std::string_view policy = {};
};

struct get_session_token_request {
    std::optional<std::chrono::seconds> duration = {};
    std::string_view serial_number = {};
    std::string_view token_code = {};
};

struct assume_role_result {
    auth::credentials credentials;
    std::string assumed_role_arn; // arn:aws:sts::<account>:assumed-role/<role>/<session>
    std::string assumed_role_id;  // <role id>:<session>
    int packed_policy_size = 0;
    std::string source_identity;
    // AssumeRoleWithWebIdentity only.
    std::string subject_from_web_identity_token;
    std::string audience;
    std::string provider;
};

struct session_token_result {
    auth::credentials credentials;
};

// Printing shows identifiers only, never a secret or a session token.
inline std::ostream& operator<<(std::ostream& os, const caller_identity& c) {
    return os << "caller_identity{account=" << c.account << ", arn=" << c.arn << ", user_id=" << c.user_id << '}';
}
inline std::ostream& operator<<(std::ostream& os, const assume_role_result& r) {
    return os << "assume_role_result{" << r.credentials << ", assumed_role_arn=" << r.assumed_role_arn << '}';
}
inline std::ostream& operator<<(std::ostream& os, const session_token_result& r) {
    return os << "session_token_result{" << r.credentials << '}';
}

} // namespace cirrus::sts
