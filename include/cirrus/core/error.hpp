#pragma once
// Error codes shared by every layer. Service-specific categories (S3 error codes,
// SQLSTATE classes, ...) live beside their clients; these are the client-side failures
// that any layer can report before or after talking to a server.

#include <boost/system/error_code.hpp>

#include <string>
#include <type_traits>

namespace cirrus {

using boost::system::error_code;

enum class errc {
    ok = 0,
    invalid_argument = 1, // a caller-supplied value is out of range or malformed
    invalid_header_name,  // empty, non-token, or non-ASCII header name
    invalid_header_value, // CR, LF or NUL in a header value
    invalid_utf8,         // a string that must be UTF-8 is not
    empty_host,           // a request without a Host
    expiry_out_of_range,  // presign expiry outside 1 s .. 7 days
    missing_credentials,  // no provider in a chain produced credentials
    expired_credentials,  // credentials whose expiry has passed
    invalid_config,       // a malformed shared config/credentials file or env value
    protocol_error,       // a peer sent bytes that violate its protocol
    truncated,            // a message ended before its declared length
    message_too_large,    // a message exceeds the configured ceiling
    checksum_mismatch,    // data did not match the checksum the peer announced
    unsupported,          // a feature the peer or provider does not offer
    unexpected_exception, // a callback or the library threw; the text is in the diagnostics
};

namespace detail {
class errc_category final : public boost::system::error_category {
public:
    // A fixed id makes the category comparable across shared-library boundaries.
    constexpr errc_category() noexcept : error_category(0x63697272757330ULL) {}
    const char* name() const noexcept override { return "cirrus"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::invalid_argument: return "invalid argument";
        case errc::invalid_header_name: return "invalid header name";
        case errc::invalid_header_value: return "invalid header value (CR, LF or NUL)";
        case errc::invalid_utf8: return "invalid UTF-8";
        case errc::empty_host: return "request has no host";
        case errc::expiry_out_of_range: return "presign expiry must be between 1 second and 7 days";
        case errc::missing_credentials: return "no credentials could be found";
        case errc::expired_credentials: return "credentials have expired";
        case errc::invalid_config: return "invalid configuration";
        case errc::protocol_error: return "protocol error";
        case errc::truncated: return "message truncated";
        case errc::message_too_large: return "message too large";
        case errc::checksum_mismatch: return "checksum mismatch";
        case errc::unsupported: return "unsupported";
        case errc::unexpected_exception: return "an operation ended with an exception";
        }
        return "unknown cirrus error";
    }
};
} // namespace detail

inline const boost::system::error_category& cirrus_category() noexcept {
    static constexpr detail::errc_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), cirrus_category()}; }

} // namespace cirrus

template <>
struct boost::system::is_error_code_enum<cirrus::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::errc> : std::true_type {};
