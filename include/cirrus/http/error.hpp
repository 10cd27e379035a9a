#pragma once
// Error codes of the HTTP layer.
//
// aws_errc classifies what an AWS-protocol server answered (the service's own code string
// stays in diagnostics::service_code); http::errc is what went wrong on our side of the
// wire before a complete answer arrived.

#include <cirrus/core/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::http {

enum class aws_errc {
    ok = 0,
    signature_does_not_match = 1, // SignatureDoesNotMatch, InvalidSignatureException
    access_denied,                // AccessDenied, AccessDeniedException, 403 without a code
    invalid_access_key_id,        // InvalidAccessKeyId, InvalidClientTokenId, UnrecognizedClientException
    expired_token,                // ExpiredToken, ExpiredTokenException, TokenRefreshRequired
    request_time_too_skewed,      // RequestTimeTooSkewed, RequestExpired, RequestInTheFuture
    throttling,                   // 429 and the throttling codes (SlowDown, ThrottlingException, ...)
    request_timeout,              // RequestTimeout, RequestTimeoutException, PriorRequestNotComplete
    not_found,                    // NoSuchKey, NoSuchBucket, ResourceNotFoundException, 404
    precondition_failed,          // 412, PreconditionFailed
    not_modified,                 // 304
    redirect,                     // 301/302/307, PermanentRedirect, TemporaryRedirect
    conflict,                     // 409 without a more specific code
    service_error,                // any other 5xx
    client_error,                 // any other 4xx (and unexpected 1xx/3xx)
};

enum class errc {
    ok = 0,
    connect_timeout = 1,        // no TCP connection within the connect timeout
    inactivity_timeout,         // a read or write made no progress within the inactivity timeout
    total_timeout,              // the request's total deadline passed (retries included)
    connection_closed,          // the peer closed or reset the connection before a full response
    body_not_replayable,        // a retry would need a request body that cannot be read again
    response_too_large,         // a response body exceeds the caller's buffer or the configured limit
    client_closed,              // the client was shut down while the request waited
    invalid_endpoint,           // an endpoint URL that cannot be used (scheme, host, port)
    retry_quota_exceeded,       // a retryable failure, but the retry token bucket is empty
    body_source_failed,         // a request body generator or file read reported an error
    body_sink_failed,           // a response sink (file, handler) reported an error
    attempt_timeout,            // one attempt outlasted timeouts.attempt (it may be retried)
    pool_timeout,               // no connection slot came free within pool.acquire_timeout
    too_many_interim_responses, // more 1xx interim responses than max_interim_responses
};

namespace detail {

class aws_category final : public boost::system::error_category {
public:
    constexpr aws_category() noexcept : error_category(0x6369727275736801ULL) {}
    const char* name() const noexcept override { return "cirrus.aws"; }
    std::string message(int ev) const override {
        switch (static_cast<aws_errc>(ev)) {
        case aws_errc::ok: return "success";
        case aws_errc::signature_does_not_match: return "the request signature does not match";
        case aws_errc::access_denied: return "access denied";
        case aws_errc::invalid_access_key_id: return "unknown access key id";
        case aws_errc::expired_token: return "the security token has expired";
        case aws_errc::request_time_too_skewed: return "the request time is too far from the server's clock";
        case aws_errc::throttling: return "the request was throttled";
        case aws_errc::request_timeout: return "the server timed out waiting for the request";
        case aws_errc::not_found: return "not found";
        case aws_errc::precondition_failed: return "precondition failed";
        case aws_errc::not_modified: return "not modified";
        case aws_errc::redirect: return "the resource is served by another endpoint";
        case aws_errc::conflict: return "conflict";
        case aws_errc::service_error: return "service error";
        case aws_errc::client_error: return "client error";
        }
        return "unknown AWS error";
    }
};

class http_category final : public boost::system::error_category {
public:
    constexpr http_category() noexcept : error_category(0x6369727275736802ULL) {}
    const char* name() const noexcept override { return "cirrus.http"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::connect_timeout: return "connect timed out";
        case errc::inactivity_timeout: return "no progress within the inactivity timeout";
        case errc::total_timeout: return "request timed out";
        case errc::connection_closed: return "connection closed before a complete response";
        case errc::body_not_replayable: return "request body cannot be replayed for a retry";
        case errc::response_too_large: return "response body too large";
        case errc::client_closed: return "client closed";
        case errc::invalid_endpoint: return "invalid endpoint";
        case errc::retry_quota_exceeded: return "retry quota exceeded";
        case errc::body_source_failed: return "request body source failed";
        case errc::body_sink_failed: return "response body sink failed";
        case errc::attempt_timeout: return "attempt timed out";
        case errc::pool_timeout: return "no connection became free within the pool's acquire timeout";
        case errc::too_many_interim_responses: return "too many interim (1xx) responses";
        }
        return "unknown HTTP error";
    }
};

} // namespace detail

inline const boost::system::error_category& aws_category() noexcept {
    static constexpr detail::aws_category category;
    return category;
}

inline const boost::system::error_category& http_category() noexcept {
    static constexpr detail::http_category category;
    return category;
}

inline error_code make_error_code(aws_errc e) noexcept { return {static_cast<int>(e), aws_category()}; }
inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), http_category()}; }

// The codes AWS SDKs treat as throttling in the standard retry mode.
inline bool is_throttling_code(std::string_view code) noexcept {
    constexpr std::string_view codes[] = {"Throttling",
                                          "ThrottlingException",
                                          "ThrottledException",
                                          "RequestThrottledException",
                                          "TooManyRequestsException",
                                          "ProvisionedThroughputExceededException",
                                          "TransactionInProgressException",
                                          "RequestLimitExceeded",
                                          "BandwidthLimitExceeded",
                                          "LimitExceededException",
                                          "RequestThrottled",
                                          "SlowDown",
                                          "EC2ThrottledException"};
    for (auto c : codes)
        if (code == c) return true;
    return false;
}

// Codes that say "try again" without being throttling.
inline bool is_transient_code(std::string_view code) noexcept {
    return code == "RequestTimeout" || code == "RequestTimeoutException" || code == "PriorRequestNotComplete" ||
           code == "InternalError" || code == "ServiceUnavailable";
}

// Codes a server gives when the request time (and so the signature) may be off from its
// clock; for the signature codes the caller must also see a skewed Date header.
inline bool is_possible_clock_skew_code(std::string_view code) noexcept {
    return code == "RequestTimeTooSkewed" || code == "RequestExpired" || code == "RequestInTheFuture" ||
           code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" || code == "AuthFailure" ||
           code == "RequestTimeTooSkewedException";
}

// Maps an HTTP status and the service's code string (possibly empty) to an aws_errc.
inline aws_errc classify(unsigned status, std::string_view code) noexcept {
    if (!code.empty()) {
        if (code == "SignatureDoesNotMatch" || code == "InvalidSignatureException" || code == "IncompleteSignature" ||
            code == "IncompleteSignatureException")
            return aws_errc::signature_does_not_match;
        if (code == "AccessDenied" || code == "AccessDeniedException" || code == "Forbidden" ||
            code == "AllAccessDisabled" || code == "AuthFailure")
            return aws_errc::access_denied;
        if (code == "InvalidAccessKeyId" || code == "InvalidClientTokenId" || code == "UnrecognizedClientException" ||
            code == "InvalidSecurity")
            return aws_errc::invalid_access_key_id;
        if (code == "ExpiredToken" || code == "ExpiredTokenException" || code == "TokenRefreshRequired" ||
            code == "InvalidToken")
            return aws_errc::expired_token;
        if (code == "RequestTimeTooSkewed" || code == "RequestExpired" || code == "RequestInTheFuture" ||
            code == "RequestTimeTooSkewedException")
            return aws_errc::request_time_too_skewed;
        if (is_throttling_code(code)) return aws_errc::throttling;
        if (code == "RequestTimeout" || code == "RequestTimeoutException" || code == "PriorRequestNotComplete")
            return aws_errc::request_timeout;
        if (code == "NoSuchKey" || code == "NoSuchBucket" || code == "NoSuchUpload" || code == "NoSuchVersion" ||
            code == "NotFound" || code == "ResourceNotFoundException" || code == "NoSuchEntity" ||
            code == "NoSuchEntityException" || code == "NoSuchLifecycleConfiguration" || code == "NoSuchBucketPolicy" ||
            code == "NoSuchTagSet" || code == "NoSuchCORSConfiguration" ||
            code == "ObjectLockConfigurationNotFoundError")
            return aws_errc::not_found;
        if (code == "PreconditionFailed") return aws_errc::precondition_failed;
        if (code == "NotModified") return aws_errc::not_modified;
        if (code == "PermanentRedirect" || code == "TemporaryRedirect" || code == "Redirect") return aws_errc::redirect;
    }
    if (status == 429) return aws_errc::throttling;
    if (status == 404) return aws_errc::not_found;
    if (status == 403) return aws_errc::access_denied;
    if (status == 412) return aws_errc::precondition_failed;
    if (status == 304) return aws_errc::not_modified;
    if (status == 408) return aws_errc::request_timeout;
    if (status == 409) return aws_errc::conflict;
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) return aws_errc::redirect;
    if (status >= 500) return aws_errc::service_error;
    return aws_errc::client_error;
}

} // namespace cirrus::http

template <>
struct boost::system::is_error_code_enum<cirrus::http::aws_errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::http::aws_errc> : std::true_type {};
template <>
struct boost::system::is_error_code_enum<cirrus::http::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::http::errc> : std::true_type {};
