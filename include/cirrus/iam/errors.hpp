#pragma once
// IAM error codes.
//
// A failure whose error document (<ErrorResponse><Error><Code>NoSuchEntity</Code>
// <Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>) names a code
// listed here becomes a cirrus::iam::errc; the service's code string, message and request
// id stay in cirrus::diagnostics. Failures without an IAM meaning (5xx, transport errors,
// AccessDenied and the other authentication failures) keep the transport's code
// (http::aws_errc ...). A policy document the builder (iam/policy.hpp) refuses before
// sending is errc::malformed_policy_document as well, with the reason in the diagnostics.

#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::iam {

enum class errc {
    ok = 0,
    no_such_entity = 1,          // NoSuchEntity
    entity_already_exists,       // EntityAlreadyExists
    delete_conflict,             // DeleteConflict (the entity still has attachments)
    malformed_policy_document,   // MalformedPolicyDocument (or refused by the builder)
    invalid_input,               // InvalidInput, ValidationError
    limit_exceeded,              // LimitExceeded
    entity_temporarily_unmodifiable, // EntityTemporarilyUnmodifiable
    unmodifiable_entity,         // UnmodifiableEntity
    password_policy_violation,   // PasswordPolicyViolation
    concurrent_modification,     // ConcurrentModification
    service_failure,             // ServiceFailure
    malformed_response,          // the response is not the XML IAM sends
};

namespace detail {

class iam_category final : public boost::system::error_category {
public:
    constexpr iam_category() noexcept : error_category(0x6369727275736902ULL) {}
    const char* name() const noexcept override { return "cirrus.iam"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::no_such_entity: return "the entity does not exist";
        case errc::entity_already_exists: return "an entity with this name already exists";
        case errc::delete_conflict: return "the entity still has attached resources";
        case errc::malformed_policy_document: return "the policy document is malformed";
        case errc::invalid_input: return "the request was not valid";
        case errc::limit_exceeded: return "an IAM quota was exceeded";
        case errc::entity_temporarily_unmodifiable: return "the entity cannot be modified now";
        case errc::unmodifiable_entity: return "the entity cannot be modified";
        case errc::password_policy_violation: return "the password does not satisfy the account's password policy";
        case errc::concurrent_modification: return "another request modified the entity at the same time";
        case errc::service_failure: return "IAM failed to process the request";
        case errc::malformed_response: return "the response is not an IAM response";
        }
        return "unknown IAM error";
    }
};

} // namespace detail

inline const boost::system::error_category& iam_category() noexcept {
    static constexpr detail::iam_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), iam_category()}; }

// The errc of an IAM error code ("NoSuchEntity"); errc::ok when it has no IAM meaning.
constexpr errc errc_from_code(std::string_view code) noexcept {
    struct entry {
        std::string_view code;
        errc value;
    };
    constexpr entry table[] = {
        {"NoSuchEntity", errc::no_such_entity},
        {"EntityAlreadyExists", errc::entity_already_exists},
        {"DeleteConflict", errc::delete_conflict},
        {"MalformedPolicyDocument", errc::malformed_policy_document},
        {"InvalidInput", errc::invalid_input},
        {"ValidationError", errc::invalid_input},
        {"LimitExceeded", errc::limit_exceeded},
        {"EntityTemporarilyUnmodifiable", errc::entity_temporarily_unmodifiable},
        {"UnmodifiableEntity", errc::unmodifiable_entity},
        {"PasswordPolicyViolation", errc::password_policy_violation},
        {"ConcurrentModification", errc::concurrent_modification},
        {"ServiceFailure", errc::service_failure},
    };
    for (const auto& e : table)
        if (e.code == code) return e.value;
    return errc::ok;
}

namespace detail {

// Turns what the transport reported into the IAM vocabulary.
inline error_code to_iam_error(error_code ec, std::string_view service_code) noexcept {
    if (!ec || ec.category() != http::aws_category()) return ec;
    if (const errc e = errc_from_code(service_code); e != errc::ok) return make_error_code(e);
    return ec;
}

} // namespace detail

} // namespace cirrus::iam

template <>
struct boost::system::is_error_code_enum<cirrus::iam::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::iam::errc> : std::true_type {};
