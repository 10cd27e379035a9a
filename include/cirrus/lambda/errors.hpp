#pragma once
// Lambda error codes.
//
// A failure whose service code (the x-amzn-ErrorType header, or the JSON body's "Type" /
// "__type") is listed here becomes a cirrus::lambda::errc; the code string, message and
// request id stay in cirrus::diagnostics. TooManyRequestsException is retried by the
// transport with backoff (http/retry.hpp) and becomes errc::too_many_requests when the
// retries run out. Failures without a Lambda meaning (5xx, transport errors,
// AccessDeniedException and the other authentication failures) keep the transport's code
// (http::aws_errc ...).
//
// errc::function_error is not a failure of the service: the function ran and failed. Its
// own error document ({"errorType": ..., "errorMessage": ...}) stays in
// invoke_result::payload, which the completion handler receives with the error; the
// diagnostics hold its errorType (service_code) and errorMessage (message).

#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::lambda {

enum class errc {
    ok = 0,
    resource_not_found = 1,  // ResourceNotFoundException (function, version, alias, layer, policy)
    resource_conflict,       // ResourceConflictException (exists already, update in progress)
    invalid_parameter_value, // InvalidParameterValueException
    validation,              // ValidationException (moto's answer to a malformed field)
    too_many_requests,       // TooManyRequestsException after the retries
    precondition_failed,     // PreconditionFailedException (RevisionId mismatch)
    resource_not_ready,      // ResourceNotReadyException (the function is not Active yet)
    request_too_large,       // RequestTooLargeException (payload over the limit)
    code_storage_exceeded,   // CodeStorageExceededException
    unsupported_media_type,  // UnsupportedMediaTypeException
    function_error,          // the function ran and failed (X-Amz-Function-Error, or the emulator's 500)
    function_failed,         // a waiter saw State=Failed or LastUpdateStatus=Failed
    wait_timeout,            // a waiter's deadline passed first
    malformed_response,      // the response body is not the JSON Lambda sends
    payload_mismatch,        // a typed payload (lambda/json.hpp) is not JSON or does not fit its type
};

namespace detail {

class lambda_category final : public boost::system::error_category {
public:
    constexpr lambda_category() noexcept : error_category(0x63697272756c6d01ULL) {}
    const char* name() const noexcept override { return "cirrus.lambda"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::resource_not_found: return "the function, version, alias, layer or statement does not exist";
        case errc::resource_conflict: return "the resource exists already or is being changed";
        case errc::invalid_parameter_value: return "a parameter of the request is not valid";
        case errc::validation: return "the request was not valid";
        case errc::too_many_requests: return "too many requests (throttled)";
        case errc::precondition_failed: return "the revision id does not match";
        case errc::resource_not_ready: return "the function is not ready";
        case errc::request_too_large: return "the request payload is too large";
        case errc::code_storage_exceeded: return "the account's code storage is full";
        case errc::unsupported_media_type: return "the content type is not supported";
        case errc::function_error: return "the function returned an error";
        case errc::function_failed: return "the function's state or last update failed";
        case errc::wait_timeout: return "the function did not reach the state in time";
        case errc::malformed_response: return "the response is not a Lambda response";
        case errc::payload_mismatch: return "the payload does not match its type";
        }
        return "unknown Lambda error";
    }
};

} // namespace detail

inline const boost::system::error_category& lambda_category() noexcept {
    static constexpr detail::lambda_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), lambda_category()}; }

// The errc of a Lambda error code ("ResourceNotFoundException"); errc::ok when it has no
// Lambda meaning of its own.
constexpr errc errc_from_code(std::string_view code) noexcept {
    struct entry {
        std::string_view code;
        errc value;
    };
    constexpr entry table[] = {
        {"ResourceNotFoundException", errc::resource_not_found},
        {"ResourceConflictException", errc::resource_conflict},
        {"ResourceInUseException", errc::resource_conflict},
        {"ConflictException", errc::resource_conflict}, // moto's code for an alias that exists
        {"InvalidParameterValueException", errc::invalid_parameter_value},
        {"InvalidRequestContentException", errc::invalid_parameter_value},
        {"ValidationException", errc::validation},
        {"TooManyRequestsException", errc::too_many_requests},
        {"PreconditionFailedException", errc::precondition_failed},
        {"ResourceNotReadyException", errc::resource_not_ready},
        {"RequestTooLargeException", errc::request_too_large},
        {"CodeStorageExceededException", errc::code_storage_exceeded},
        {"UnsupportedMediaTypeException", errc::unsupported_media_type},
    };
    for (const auto& e : table)
        if (e.code == code) return e.value;
    return errc::ok;
}

namespace detail {

// Turns what the transport reported into the Lambda vocabulary.
inline error_code to_lambda_error(error_code ec, std::string_view service_code) noexcept {
    if (!ec || ec.category() != http::aws_category()) return ec;
    if (const errc e = errc_from_code(service_code); e != errc::ok) return make_error_code(e);
    return ec;
}

} // namespace detail

} // namespace cirrus::lambda

template <>
struct boost::system::is_error_code_enum<cirrus::lambda::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::lambda::errc> : std::true_type {};
