#pragma once
// Helpers of the codecs (codec.hpp): integer, float, bytea and timestamp parsing shared by
// several type_traits specialisations. Defined in postgres/impl/codec.ipp.

#include <cirrus/core/config.hpp>
#include <cirrus/core/detail/type_traits.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/detail/datetime.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/field.hpp>
#include <cirrus/postgres/types.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::postgres::detail {

inline error_code bad_value() noexcept { return make_error_code(client_errc::invalid_field_value); }
inline error_code out_of_range() noexcept { return make_error_code(client_errc::value_out_of_range); }

using cirrus::detail::is_optional;

template <class T>
constexpr oid_t param_oid_of() noexcept {
    if constexpr (is_optional<T>::value) return param_oid_of<typename T::value_type>();
    else if constexpr (requires { type_traits<T>::param_oid; }) return type_traits<T>::param_oid;
    else return type_traits<T>::type_oid;
}
template <class T>
constexpr format param_format_of() noexcept {
    if constexpr (is_optional<T>::value) return param_format_of<typename T::value_type>();
    else if constexpr (requires { type_traits<T>::param_format; }) return type_traits<T>::param_format;
    else return format::binary;
}
template <class T>
constexpr oid_t type_oid_of() noexcept {
    if constexpr (requires { type_traits<T>::type_oid; }) return type_traits<T>::type_oid;
    else return 0;
}
template <class T>
constexpr oid_t array_oid_of() noexcept {
    if constexpr (requires { type_traits<T>::array_oid; }) return type_traits<T>::array_oid;
    else return 0;
}
template <class T>
bool is_null_value(const T& v) noexcept {
    if constexpr (requires { type_traits<T>::is_null(v); }) return type_traits<T>::is_null(v);
    else return false;
}

CIRRUS_DECL bool is_text_like(oid_t t) noexcept;

CIRRUS_DECL bool is_integer_type(oid_t t) noexcept;

CIRRUS_DECL error_code read_integer(const field_data& f, std::int64_t& v) noexcept;

template <class Float>
error_code parse_float_text(std::string_view s, Float& out) noexcept {
    if (s == "NaN") {
        out = std::numeric_limits<Float>::quiet_NaN();
        return {};
    }
    if (s == "Infinity") {
        out = std::numeric_limits<Float>::infinity();
        return {};
    }
    if (s == "-Infinity") {
        out = -std::numeric_limits<Float>::infinity();
        return {};
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc::result_out_of_range) return out_of_range();
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return bad_value();
    return {};
}

template <class Float>
void format_float(std::string& out, Float v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "Infinity" : "-Infinity";
    } else {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    }
}

// bytea text input: "\x" hex, or the escape format (backslash octal, "\\").
CIRRUS_DECL error_code parse_bytea_text(std::string_view s, bytea& out);

// Microseconds since 1970 <-> the wire's microseconds since 2000, with infinities.
CIRRUS_DECL error_code pg_to_unix_usecs(std::int64_t pg, std::int64_t& unix_usecs) noexcept;

// Shared by timestamp and timestamptz: fills `usecs` (unix) or reports infinity.
CIRRUS_DECL error_code read_timestamp(const field_data& f, bool with_zone, std::int64_t& usecs, special& sp);

CIRRUS_DECL error_code write_timestamp(std::int64_t unix_usecs, std::string& out);

// True if the client decodes `t` in binary format, so results of that type are requested
// in binary; every other type comes as text.
CIRRUS_DECL bool has_binary_codec(oid_t t) noexcept;

// Renders any field as the server's text form (binary fields of known types are
// converted, text fields copied).
CIRRUS_DECL error_code render_text(const field_data& f, std::string& out);

} // namespace cirrus::postgres::detail
