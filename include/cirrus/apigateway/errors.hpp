#pragma once
// API Gateway error codes.
//
// A failure whose service code (the x-amzn-ErrorType header, or the JSON body's "__type")
// is listed here becomes a cirrus::apigateway::errc; the code string, message and request
// id stay in cirrus::diagnostics. TooManyRequestsException is retried by the transport with
// backoff and becomes errc::too_many_requests when the retries run out. Failures without an
// API Gateway meaning (5xx, transport errors, authentication failures) keep the
// transport's code (http::aws_errc ...).

#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::apigateway {

enum class errc {
    ok = 0,
    not_found = 1,      // NotFoundException (API, resource, method, stage, usage plan, key)
    bad_request,        // BadRequestException (a parameter is missing or not valid)
    conflict,           // ConflictException (exists already, or in use)
    limit_exceeded,     // LimitExceededException
    too_many_requests,  // TooManyRequestsException after the retries
    unauthorized,       // UnauthorizedException
    malformed_response, // the response body is not the JSON API Gateway sends
};

namespace detail {

class apigateway_category final : public boost::system::error_category {
public:
    constexpr apigateway_category() noexcept : error_category(0x6369727275616701ULL) {}
    const char* name() const noexcept override { return "cirrus.apigateway"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::not_found: return "the API, resource, method, stage, usage plan or key does not exist";
        case errc::bad_request: return "a parameter of the request is missing or not valid";
        case errc::conflict: return "the resource exists already or is in use";
        case errc::limit_exceeded: return "a limit of the account was reached";
        case errc::too_many_requests: return "too many requests (throttled)";
        case errc::unauthorized: return "the caller is not authorized";
        case errc::malformed_response: return "the response is not an API Gateway response";
        }
        return "unknown API Gateway error";
    }
};

} // namespace detail

inline const boost::system::error_category& apigateway_category() noexcept {
    static constexpr detail::apigateway_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), apigateway_category()}; }

// The errc of an API Gateway error code ("NotFoundException"); errc::ok when it has no
// API Gateway meaning of its own.
constexpr errc errc_from_code(std::string_view code) noexcept {
    struct entry {
        std::string_view code;
        errc value;
    };
    constexpr entry table[] = {
        {"NotFoundException", errc::not_found},
        {"BadRequestException", errc::bad_request},
        {"ConflictException", errc::conflict},
        {"LimitExceededException", errc::limit_exceeded},
        {"TooManyRequestsException", errc::too_many_requests},
        {"UnauthorizedException", errc::unauthorized},
    };
    for (const auto& e : table)
        if (e.code == code) return e.value;
    return errc::ok;
}

namespace detail {

inline error_code to_apigateway_error(error_code ec, std::string_view service_code) noexcept {
    if (!ec || ec.category() != http::aws_category()) return ec;
    if (const errc e = errc_from_code(service_code); e != errc::ok) return make_error_code(e);
    return ec;
}

} // namespace detail

} // namespace cirrus::apigateway

template <>
struct boost::system::is_error_code_enum<cirrus::apigateway::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::apigateway::errc> : std::true_type {};
