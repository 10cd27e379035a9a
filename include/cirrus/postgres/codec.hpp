#pragma once
// Codecs: how a C++ type is sent as a parameter and read from a field, in both the text
// and the binary wire formats.
//
// A type T has a codec when cirrus::postgres::type_traits<T> is specialised:
//   decoding (reading fields):
//     static bool accepts(oid_t column_type);         // can this column type be read?
//     static error_code decode(const field_data&, T&); // never called with NULL fields
//                                                      // (std::optional handles those)
//   encoding (sending parameters):
//     static constexpr oid_t type_oid;   // the PostgreSQL type of the value
//     static constexpr oid_t array_oid;  // its array type, 0 if arrays are not supported
//     static void encode(const T&, std::string& out); // appends the binary form
//     optional: static constexpr oid_t param_oid;  (default type_oid; 0 lets the server
//               infer the type, like a literal), static constexpr format param_format
//               (default binary), static bool is_null(const T&),
//               static error_code check(const T&): a value that cannot be sent (a ragged
//               nested vector); the statement then fails with that error before anything
//               is sent, and encode is not called for it.
// Users add codecs for their own types the same way.

#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/postgres/detail/datetime.hpp>
#include <cirrus/postgres/detail/numeric.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/types.hpp>

#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::postgres {

// One field as it came off the wire.
struct field_data {
    oid_t type = 0;
    postgres::format format = format::text;
    bool is_null = false;
    std::string_view bytes;
};

template <class T>
struct type_traits; // specialised per supported type

template <class T>
concept decodable = requires(const field_data& f, T& v, oid_t o) {
    { type_traits<T>::accepts(o) } -> std::same_as<bool>;
    { type_traits<T>::decode(f, v) } -> std::same_as<error_code>;
};

template <class T>
concept encodable = requires(const T& v, std::string& out) {
    { type_traits<T>::type_oid } -> std::convertible_to<oid_t>;
    type_traits<T>::encode(v, out);
};

namespace detail {

inline error_code bad_value() noexcept { return make_error_code(client_errc::invalid_field_value); }
inline error_code out_of_range() noexcept { return make_error_code(client_errc::value_out_of_range); }

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

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

inline bool is_text_like(oid_t t) noexcept {
    switch (t) {
    case oids::text: case oids::varchar: case oids::bpchar: case oids::name: case oids::char_:
    case oids::json: case oids::xml: case oids::unknown:
        return true;
    default:
        return false;
    }
}

inline bool is_integer_type(oid_t t) noexcept {
    return t == oids::int2 || t == oids::int4 || t == oids::int8 || t == oids::oid;
}

inline error_code read_integer(const field_data& f, std::int64_t& v) noexcept {
    if (f.format == format::binary) {
        const char* p = f.bytes.data();
        switch (f.type) {
        case oids::int2:
            if (f.bytes.size() != 2) return bad_value();
            v = static_cast<std::int16_t>(load_u16(p));
            return {};
        case oids::int4:
            if (f.bytes.size() != 4) return bad_value();
            v = static_cast<std::int32_t>(load_u32(p));
            return {};
        case oids::oid:
            if (f.bytes.size() != 4) return bad_value();
            v = load_u32(p);
            return {};
        case oids::int8:
            if (f.bytes.size() != 8) return bad_value();
            v = static_cast<std::int64_t>(load_u64(p));
            return {};
        default:
            return make_error_code(client_errc::incompatible_type);
        }
    }
    auto s = f.bytes;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc::result_out_of_range) return out_of_range();
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return bad_value();
    return {};
}

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
inline error_code parse_bytea_text(std::string_view s, bytea& out) {
    out.clear();
    if (s.starts_with("\\x")) {
        s.remove_prefix(2);
        out.reserve(s.size() / 2);
        std::size_t i = 0;
        while (i < s.size()) {
            if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
                ++i;
                continue;
            }
            if (i + 1 >= s.size()) return bad_value();
            int hi = hex::digit_value(s[i]), lo = hex::digit_value(s[i + 1]);
            if (hi < 0 || lo < 0) return bad_value();
            out.push_back(static_cast<std::byte>((hi << 4) | lo));
            i += 2;
        }
        return {};
    }
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(static_cast<std::byte>(s[i]));
        } else if (i + 1 < s.size() && s[i + 1] == '\\') {
            out.push_back(std::byte{'\\'});
            ++i;
        } else if (i + 3 < s.size() + 0 && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                   s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out.push_back(static_cast<std::byte>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0')));
            i += 3;
        } else {
            return bad_value();
        }
    }
    return {};
}

// Microseconds since 1970 <-> the wire's microseconds since 2000, with infinities.
inline error_code pg_to_unix_usecs(std::int64_t pg, std::int64_t& unix_usecs) noexcept {
    if (__builtin_add_overflow(pg, pg_epoch_usecs, &unix_usecs)) return out_of_range();
    return {};
}

// Shared by timestamp and timestamptz: fills `usecs` (unix) or reports infinity.
inline error_code read_timestamp(const field_data& f, bool with_zone, std::int64_t& usecs, special& sp) {
    sp = special::none;
    if (f.format == format::binary) {
        if (f.bytes.size() != 8) return bad_value();
        auto v = static_cast<std::int64_t>(load_u64(f.bytes.data()));
        if (v == std::numeric_limits<std::int64_t>::max()) {
            sp = special::pos_infinity;
            return {};
        }
        if (v == std::numeric_limits<std::int64_t>::min()) {
            sp = special::neg_infinity;
            return {};
        }
        return pg_to_unix_usecs(v, usecs);
    }
    sp = special_value(f.bytes);
    if (sp != special::none) return {};
    return parse_timestamp_text(f.bytes, with_zone, usecs) ? error_code{} : bad_value();
}

inline error_code write_timestamp(std::int64_t unix_usecs, std::string& out) {
    std::int64_t pg;
    if (__builtin_sub_overflow(unix_usecs, pg_epoch_usecs, &pg)) return out_of_range();
    put_u64(out, static_cast<std::uint64_t>(pg));
    return {};
}

} // namespace detail

// --- scalar codecs -------------------------------------------------------------------

template <>
struct type_traits<bool> {
    static constexpr oid_t type_oid = oids::boolean;
    static constexpr oid_t array_oid = oids::bool_array;
    static bool accepts(oid_t t) noexcept { return t == oids::boolean; }
    static void encode(bool v, std::string& out) { out.push_back(v ? '\1' : '\0'); }
    static error_code decode(const field_data& f, bool& out) noexcept {
        if (f.format == format::binary) {
            if (f.bytes.size() != 1) return detail::bad_value();
            out = f.bytes[0] != 0;
            return {};
        }
        if (f.bytes == "t" || f.bytes == "true") out = true;
        else if (f.bytes == "f" || f.bytes == "false") out = false;
        else return detail::bad_value();
        return {};
    }
};

namespace detail {
template <class Int, oid_t Oid, oid_t ArrayOid>
struct integer_traits {
    static constexpr oid_t type_oid = Oid;
    static constexpr oid_t array_oid = ArrayOid;
    // Any integer column is accepted; a value that does not fit is value_out_of_range.
    static bool accepts(oid_t t) noexcept { return is_integer_type(t); }
    static void encode(Int v, std::string& out) {
        if constexpr (sizeof(Int) == 2) put_u16(out, static_cast<std::uint16_t>(v));
        else if constexpr (sizeof(Int) == 4) put_u32(out, static_cast<std::uint32_t>(v));
        else put_u64(out, static_cast<std::uint64_t>(v));
    }
    static error_code decode(const field_data& f, Int& out) noexcept {
        std::int64_t v = 0;
        if (auto ec = read_integer(f, v)) return ec;
        if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) return out_of_range();
        out = static_cast<Int>(v);
        return {};
    }
};
} // namespace detail

template <>
struct type_traits<std::int16_t> : detail::integer_traits<std::int16_t, oids::int2, oids::int2_array> {};
template <>
struct type_traits<std::int32_t> : detail::integer_traits<std::int32_t, oids::int4, oids::int4_array> {};
template <>
struct type_traits<std::int64_t> : detail::integer_traits<std::int64_t, oids::int8, oids::int8_array> {};

// long long where it is not std::int64_t (LP64 defines int64_t as long).
template <class T>
    requires(std::is_same_v<T, long long> && !std::is_same_v<long long, std::int64_t>)
struct type_traits<T> : detail::integer_traits<long long, oids::int8, oids::int8_array> {};

template <>
struct type_traits<float> {
    static constexpr oid_t type_oid = oids::float4;
    static constexpr oid_t array_oid = oids::float4_array;
    static bool accepts(oid_t t) noexcept { return t == oids::float4; }
    static void encode(float v, std::string& out) { detail::put_u32(out, std::bit_cast<std::uint32_t>(v)); }
    static error_code decode(const field_data& f, float& out) noexcept {
        if (f.format == format::binary) {
            if (f.bytes.size() != 4) return detail::bad_value();
            out = std::bit_cast<float>(detail::load_u32(f.bytes.data()));
            return {};
        }
        return detail::parse_float_text(f.bytes, out);
    }
};

template <>
struct type_traits<double> {
    static constexpr oid_t type_oid = oids::float8;
    static constexpr oid_t array_oid = oids::float8_array;
    static bool accepts(oid_t t) noexcept { return t == oids::float8 || t == oids::float4; }
    static void encode(double v, std::string& out) { detail::put_u64(out, std::bit_cast<std::uint64_t>(v)); }
    static error_code decode(const field_data& f, double& out) noexcept {
        if (f.format == format::binary) {
            if (f.type == oids::float4) {
                if (f.bytes.size() != 4) return detail::bad_value();
                out = std::bit_cast<float>(detail::load_u32(f.bytes.data()));
                return {};
            }
            if (f.bytes.size() != 8) return detail::bad_value();
            out = std::bit_cast<double>(detail::load_u64(f.bytes.data()));
            return {};
        }
        return detail::parse_float_text(f.bytes, out);
    }
};

namespace detail {
// Renders any field as the server's text form (binary fields of known types are
// converted, text fields copied). Defined below the codecs it uses.
inline error_code render_text(const field_data& f, std::string& out);
} // namespace detail

// Text-like types. As parameters they go in text format with an unspecified type, so the
// server infers the type from the context, as for a literal ("where id = $1" with "42"
// works for an integer id).
namespace detail {
struct string_encode_traits {
    static constexpr oid_t type_oid = oids::text;
    static constexpr oid_t array_oid = oids::text_array;
    static constexpr oid_t param_oid = oids::unspecified;
    static constexpr format param_format = format::text;
};
} // namespace detail

template <>
struct type_traits<std::string> : detail::string_encode_traits {
    // Every column can be read as a string: text fields as they are, binary fields of
    // known types in the server's text form (numeric exactly, for example).
    static bool accepts(oid_t) noexcept { return true; }
    static void encode(const std::string& v, std::string& out) { out += v; }
    static error_code decode(const field_data& f, std::string& out) { return detail::render_text(f, out); }
};

template <>
struct type_traits<std::string_view> : detail::string_encode_traits {
    // Zero-copy reads of text-like columns; the view points into the result's storage.
    static bool accepts(oid_t t) noexcept { return detail::is_text_like(t) || t == oids::jsonb; }
    static void encode(std::string_view v, std::string& out) { out += v; }
    static error_code decode(const field_data& f, std::string_view& out) noexcept {
        if (f.format == format::binary && f.type == oids::jsonb) {
            if (f.bytes.empty() || f.bytes[0] != 1) return detail::bad_value();
            out = f.bytes.substr(1);
            return {};
        }
        if (f.format == format::binary && !detail::is_text_like(f.type))
            return make_error_code(client_errc::incompatible_type);
        out = f.bytes;
        return {};
    }
};

template <>
struct type_traits<const char*> : detail::string_encode_traits {
    static void encode(const char* v, std::string& out) { out += v; }
};

template <>
struct type_traits<bytea> {
    static constexpr oid_t type_oid = oids::bytea;
    static constexpr oid_t array_oid = oids::bytea_array;
    static bool accepts(oid_t t) noexcept { return t == oids::bytea; }
    static void encode(const bytea& v, std::string& out) {
        out.append(reinterpret_cast<const char*>(v.data()), v.size());
    }
    static error_code decode(const field_data& f, bytea& out) {
        if (f.format == format::binary) {
            auto p = reinterpret_cast<const std::byte*>(f.bytes.data());
            out.assign(p, p + f.bytes.size());
            return {};
        }
        return detail::parse_bytea_text(f.bytes, out);
    }
};

template <>
struct type_traits<std::span<const std::byte>> {
    static constexpr oid_t type_oid = oids::bytea;
    static constexpr oid_t array_oid = 0;
    static void encode(std::span<const std::byte> v, std::string& out) {
        out.append(reinterpret_cast<const char*>(v.data()), v.size());
    }
};

template <>
struct type_traits<numeric> {
    static constexpr oid_t type_oid = oids::numeric;
    static constexpr oid_t array_oid = oids::numeric_array;
    static bool accepts(oid_t t) noexcept { return t == oids::numeric || detail::is_integer_type(t); }
    static void encode(const numeric& v, std::string& out) {
        // A numeric always holds a canonical value, so encoding cannot fail except for
        // values beyond the server's limits, which the parse already refused.
        detail::encode_numeric_binary(v.to_string(), out);
    }
    static error_code decode(const field_data& f, numeric& out) {
        if (f.format == format::binary && f.type == oids::numeric) {
            std::string s;
            if (!detail::decode_numeric_binary(f.bytes, s)) return detail::bad_value();
            out = numeric_access::from_canonical(std::move(s));
            return {};
        }
        if (detail::is_integer_type(f.type)) {
            std::int64_t v = 0;
            if (auto ec = detail::read_integer(f, v)) return ec;
            out = numeric(v);
            return {};
        }
        auto n = numeric::parse(f.bytes);
        if (!n) return detail::bad_value();
        out = std::move(*n);
        return {};
    }
};

template <>
struct type_traits<date> {
    static constexpr oid_t type_oid = oids::date;
    static constexpr oid_t array_oid = oids::date_array;
    static bool accepts(oid_t t) noexcept { return t == oids::date; }
    static void encode(const date& v, std::string& out) {
        // Beyond the wire's range (and date::max()/min() themselves) are the infinities.
        std::int64_t d = v.time_since_epoch().count();
        constexpr std::int64_t hi = std::int64_t{std::numeric_limits<std::int32_t>::max()} + detail::pg_epoch_days;
        constexpr std::int64_t lo = std::int64_t{std::numeric_limits<std::int32_t>::min()} + detail::pg_epoch_days;
        std::int32_t w;
        if (d >= hi) w = std::numeric_limits<std::int32_t>::max();
        else if (d <= lo) w = std::numeric_limits<std::int32_t>::min();
        else w = static_cast<std::int32_t>(d - detail::pg_epoch_days);
        detail::put_u32(out, static_cast<std::uint32_t>(w));
    }
    static error_code decode(const field_data& f, date& out) noexcept {
        if (f.format == format::binary) {
            if (f.bytes.size() != 4) return detail::bad_value();
            auto v = static_cast<std::int32_t>(detail::load_u32(f.bytes.data()));
            if (v == std::numeric_limits<std::int32_t>::max()) out = date::max();
            else if (v == std::numeric_limits<std::int32_t>::min()) out = date::min();
            else out = date(std::chrono::days(std::int64_t{v} + detail::pg_epoch_days));
            return {};
        }
        auto sp = detail::special_value(f.bytes);
        if (sp == detail::special::pos_infinity) out = date::max();
        else if (sp == detail::special::neg_infinity) out = date::min();
        else {
            std::int64_t days;
            if (!detail::parse_date_text(f.bytes, days)) return detail::bad_value();
            out = date(std::chrono::days(days));
        }
        return {};
    }
};

template <>
struct type_traits<time_of_day> {
    static constexpr oid_t type_oid = oids::time;
    static constexpr oid_t array_oid = oids::time_array;
    static bool accepts(oid_t t) noexcept { return t == oids::time; }
    static void encode(const time_of_day& v, std::string& out) {
        detail::put_u64(out, static_cast<std::uint64_t>(v.count()));
    }
    static error_code decode(const field_data& f, time_of_day& out) noexcept {
        std::int64_t us;
        if (f.format == format::binary) {
            if (f.bytes.size() != 8) return detail::bad_value();
            us = static_cast<std::int64_t>(detail::load_u64(f.bytes.data()));
        } else if (!detail::parse_time_text(f.bytes, us)) {
            return detail::bad_value();
        }
        out = time_of_day(us);
        return {};
    }
};

namespace detail {
template <class TimePoint, oid_t Oid, oid_t ArrayOid>
struct timestamp_traits {
    static constexpr oid_t type_oid = Oid;
    static constexpr oid_t array_oid = ArrayOid;
    static void encode(const TimePoint& v, std::string& out) {
        if (v == TimePoint::max()) put_u64(out, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
        else if (v == TimePoint::min()) put_u64(out, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()));
        else if (write_timestamp(v.time_since_epoch().count(), out))
            // Beyond the wire range (within ~9.5e14 us of the int64 limits): the
            // nearest infinity, which is what the server would make of it anyway.
            put_u64(out, static_cast<std::uint64_t>(v.time_since_epoch().count() > 0
                                                        ? std::numeric_limits<std::int64_t>::max()
                                                        : std::numeric_limits<std::int64_t>::min()));
    }
    static error_code decode(const field_data& f, TimePoint& out) {
        std::int64_t us = 0;
        special sp;
        if (auto ec = read_timestamp(f, f.type == oids::timestamptz, us, sp)) return ec;
        if (sp == special::pos_infinity) out = TimePoint::max();
        else if (sp == special::neg_infinity) out = TimePoint::min();
        else out = TimePoint(std::chrono::microseconds(us));
        return {};
    }
};
} // namespace detail

// timestamptz; a timestamp (without time zone) column is read as if it were UTC.
template <>
struct type_traits<timestamptz>
    : detail::timestamp_traits<timestamptz, oids::timestamptz, oids::timestamptz_array> {
    static bool accepts(oid_t t) noexcept { return t == oids::timestamptz || t == oids::timestamp; }
};

template <>
struct type_traits<timestamp>
    : detail::timestamp_traits<timestamp, oids::timestamp, oids::timestamp_array> {
    static bool accepts(oid_t t) noexcept { return t == oids::timestamp; }
};

template <>
struct type_traits<interval> {
    static constexpr oid_t type_oid = oids::interval;
    static constexpr oid_t array_oid = oids::interval_array;
    static bool accepts(oid_t t) noexcept { return t == oids::interval; }
    static void encode(const interval& v, std::string& out) {
        detail::put_u64(out, static_cast<std::uint64_t>(v.microseconds));
        detail::put_u32(out, static_cast<std::uint32_t>(v.days));
        detail::put_u32(out, static_cast<std::uint32_t>(v.months));
    }
    static error_code decode(const field_data& f, interval& out) noexcept {
        if (f.format == format::binary) {
            if (f.bytes.size() != 16) return detail::bad_value();
            out.microseconds = static_cast<std::int64_t>(detail::load_u64(f.bytes.data()));
            out.days = static_cast<std::int32_t>(detail::load_u32(f.bytes.data() + 8));
            out.months = static_cast<std::int32_t>(detail::load_u32(f.bytes.data() + 12));
            return {};
        }
        return detail::parse_interval_text(f.bytes, out.months, out.days, out.microseconds)
                   ? error_code{}
                   : detail::bad_value();
    }
};

template <>
struct type_traits<uuid> {
    static constexpr oid_t type_oid = oids::uuid;
    static constexpr oid_t array_oid = oids::uuid_array;
    static bool accepts(oid_t t) noexcept { return t == oids::uuid; }
    static void encode(const uuid& v, std::string& out) {
        out.append(reinterpret_cast<const char*>(v.bytes.data()), 16);
    }
    static error_code decode(const field_data& f, uuid& out) noexcept {
        if (f.format == format::binary) {
            if (f.bytes.size() != 16) return detail::bad_value();
            std::memcpy(out.bytes.data(), f.bytes.data(), 16);
            return {};
        }
        auto u = uuid::parse(f.bytes);
        if (!u) return detail::bad_value();
        out = *u;
        return {};
    }
};

template <>
struct type_traits<json> {
    static constexpr oid_t type_oid = oids::json;
    static constexpr oid_t array_oid = oids::json_array;
    static constexpr oid_t param_oid = oids::unspecified;
    static constexpr format param_format = format::text;
    static bool accepts(oid_t t) noexcept { return t == oids::json || t == oids::jsonb; }
    static void encode(const json& v, std::string& out) { out += v.text; }
    static error_code decode(const field_data& f, json& out) {
        if (f.format == format::binary && f.type == oids::jsonb) {
            if (f.bytes.empty() || f.bytes[0] != 1) return detail::bad_value();
            out.text.assign(f.bytes.substr(1));
            return {};
        }
        out.text.assign(f.bytes);
        return {};
    }
};

template <>
struct type_traits<inet> {
    static constexpr oid_t type_oid = oids::inet;
    static constexpr oid_t array_oid = oids::inet_array;
    static bool accepts(oid_t t) noexcept { return t == oids::inet || t == oids::cidr; }
    static void encode(const inet& v, std::string& out) {
        // PGSQL_AF_INET is AF_INET + 0 = 2, PGSQL_AF_INET6 is AF_INET + 1 = 3.
        out.push_back(v.address_family == inet::family::v4 ? '\2' : '\3');
        out.push_back(static_cast<char>(v.prefix_length));
        out.push_back(v.is_cidr ? '\1' : '\0');
        out.push_back(static_cast<char>(v.address_size()));
        out.append(reinterpret_cast<const char*>(v.address.data()), v.address_size());
    }
    static error_code decode(const field_data& f, inet& out) {
        if (f.format == format::binary) {
            if (f.bytes.size() < 4) return detail::bad_value();
            auto fam = static_cast<std::uint8_t>(f.bytes[0]);
            auto bits = static_cast<std::uint8_t>(f.bytes[1]);
            auto nb = static_cast<std::uint8_t>(f.bytes[3]);
            inet v;
            if (fam == 2 && nb == 4) v.address_family = inet::family::v4;
            else if (fam == 3 && nb == 16) v.address_family = inet::family::v6;
            else return detail::bad_value();
            if (f.bytes.size() != 4u + nb || bits > v.max_prefix()) return detail::bad_value();
            v.prefix_length = bits;
            v.is_cidr = f.bytes[2] != 0;
            std::memcpy(v.address.data(), f.bytes.data() + 4, nb);
            out = v;
            return {};
        }
        auto v = inet::parse(f.bytes, f.type == oids::cidr);
        if (!v) return detail::bad_value();
        out = *v;
        return {};
    }
};

// --- NULL -------------------------------------------------------------------------------

template <class T>
    requires(decodable<T> || encodable<T>)
struct type_traits<std::optional<T>> {
    static constexpr oid_t type_oid = detail::type_oid_of<T>();
    static constexpr oid_t array_oid = detail::array_oid_of<T>();
    static bool is_null(const std::optional<T>& v) noexcept { return !v.has_value(); }
    static error_code check(const std::optional<T>& v)
        requires requires(const T& x) { type_traits<T>::check(x); }
    {
        return v ? type_traits<T>::check(*v) : error_code{};
    }
    static void encode(const std::optional<T>& v, std::string& out)
        requires encodable<T>
    {
        if (v) type_traits<T>::encode(*v, out);
    }
    static bool accepts(oid_t t) noexcept
        requires decodable<T>
    {
        return type_traits<T>::accepts(t);
    }
    static error_code decode(const field_data& f, std::optional<T>& out)
        requires decodable<T>;
};

// A NULL parameter of unspecified type.
template <>
struct type_traits<std::nullopt_t> {
    static constexpr oid_t type_oid = oids::unspecified;
    static constexpr oid_t array_oid = 0;
    static constexpr format param_format = format::text;
    static bool is_null(std::nullopt_t) noexcept { return true; }
    static void encode(std::nullopt_t, std::string&) {}
};

// --- decoding a field ---------------------------------------------------------------------

// Decodes f into out: NULL into a non-optional is unexpected_null, a column type the
// codec does not accept is incompatible_type.
template <decodable T>
error_code decode_field(const field_data& f, T& out) {
    if constexpr (detail::is_optional<T>::value) {
        return type_traits<T>::decode(f, out);
    } else {
        if (f.is_null) return make_error_code(client_errc::unexpected_null);
        if (!type_traits<T>::accepts(f.type)) return make_error_code(client_errc::incompatible_type);
        return type_traits<T>::decode(f, out);
    }
}

template <class T>
    requires(decodable<T> || encodable<T>)
error_code type_traits<std::optional<T>>::decode(const field_data& f, std::optional<T>& out)
    requires decodable<T>
{
    if (f.is_null) {
        out.reset();
        return {};
    }
    T v{};
    if (auto ec = decode_field(f, v)) return ec;
    out = std::move(v);
    return {};
}

// --- arrays -----------------------------------------------------------------------------
//
// std::vector<T> is a one-dimensional array, std::vector<std::vector<T>> a two-dimensional
// one, and so on up to PostgreSQL's six dimensions. The innermost T is the element type
// (std::optional<U> where elements may be NULL); bytea (std::vector<std::byte>) is an
// element, not a level. PostgreSQL arrays are rectangular and have no empty sub-arrays: an
// array without elements is "{}" whatever its dimensions.

namespace detail {

inline constexpr std::size_t max_array_dimensions = 6; // PostgreSQL's MAXDIM

template <class T>
struct array_nesting {
    static constexpr std::size_t depth = 0;
    using element = T;
};
template <class T>
    requires(!std::is_same_v<T, std::byte>)
struct array_nesting<std::vector<T>> {
    static constexpr std::size_t depth = 1 + array_nesting<T>::depth;
    using element = typename array_nesting<T>::element;
};

// Vector nesting depth of T (0 for a non-vector) and the innermost element type.
template <class T>
inline constexpr std::size_t array_depth = array_nesting<T>::depth;
template <class T>
using array_element_t = typename array_nesting<T>::element;

// Sub-arrays are never NULL, so std::vector<std::optional<std::vector<T>>> has no codec.
template <class T>
struct is_optional_array : std::false_type {};
template <class T>
struct is_optional_array<std::optional<T>> : std::bool_constant<(array_depth<T> > 0)> {};

template <class T>
error_code check_value(const T& v) {
    if constexpr (requires { type_traits<T>::check(v); }) return type_traits<T>::check(v);
    else return {};
}

// --- text form

// An array literal: its dimensions (empty for an array without elements) and its
// elements in row-major order, NULL as nullopt.
struct text_array {
    std::vector<std::size_t> dims;
    std::vector<std::optional<std::string>> items;
};

// Parses "{{1,NULL},{\"a b\",4}}", optionally preceded by bounds "[0:1][1:2]=", with
// whitespace around tokens as the server accepts it. Sub-arrays must agree in length at
// each level and elements must all be at the same depth; an empty sub-array ("{{},{}}") is
// malformed, as for the server.
class text_array_parser {
public:
    text_array_parser(std::string_view s, text_array& out) noexcept : s_(s), out_(out) {}

    error_code parse() {
        out_.dims.clear();
        out_.items.clear();
        std::size_t declared[max_array_dimensions];
        std::size_t ndeclared = 0;
        skip_space();
        while (more() && s_[i_] == '[') {
            if (ndeclared == max_array_dimensions) return bad_value();
            ++i_;
            std::int32_t lower = 1, upper = 0;
            if (!read_bound(upper)) return bad_value();
            if (more() && s_[i_] == ':') {
                ++i_;
                lower = upper;
                if (!read_bound(upper)) return bad_value();
            }
            if (!more() || s_[i_] != ']' || upper < lower) return bad_value();
            ++i_;
            declared[ndeclared++] = static_cast<std::size_t>(std::int64_t{upper} - lower + 1);
            skip_space();
        }
        if (ndeclared != 0) {
            if (!more() || s_[i_] != '=') return bad_value();
            ++i_;
            skip_space();
        }
        if (!more() || s_[i_] != '{') return bad_value();
        std::size_t open = i_++;
        skip_space();
        if (more() && s_[i_] == '}') {
            ++i_; // "{}": no elements, no dimensions
        } else {
            i_ = open;
            if (auto ec = parse_level(0)) return ec;
        }
        skip_space();
        if (more()) return bad_value();
        if (ndeclared != 0) {
            if (ndeclared != out_.dims.size()) return bad_value();
            for (std::size_t d = 0; d < ndeclared; ++d)
                if (declared[d] != out_.dims[d]) return bad_value();
        }
        return {};
    }

private:
    static bool is_space(char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    }
    bool more() const noexcept { return i_ < s_.size(); }
    void skip_space() noexcept {
        while (more() && is_space(s_[i_])) ++i_;
    }
    bool read_bound(std::int32_t& v) noexcept {
        auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
        if (r.ec != std::errc()) return false;
        i_ = static_cast<std::size_t>(r.ptr - s_.data());
        return true;
    }

    // One brace-enclosed level at s_[i_] == '{'; `level` braces are already open.
    // Recursion is bounded by max_array_dimensions.
    error_code parse_level(std::size_t level) {
        if (level == max_array_dimensions) return bad_value();
        ++i_;
        skip_space();
        bool holds_arrays = more() && s_[i_] == '{';
        // Elements all sit at the depth of the first one.
        if (holds_arrays) {
            if (ndim_ != 0 && level + 1 >= ndim_) return bad_value();
        } else if (ndim_ == 0) {
            ndim_ = level + 1;
        } else if (ndim_ != level + 1) {
            return bad_value();
        }
        if (out_.dims.size() == level) out_.dims.push_back(0);
        std::size_t n = 0;
        for (;;) {
            skip_space();
            if (!more()) return bad_value();
            if (holds_arrays) {
                if (s_[i_] != '{') return bad_value();
                if (auto ec = parse_level(level + 1)) return ec;
            } else if (auto ec = parse_element()) {
                return ec;
            }
            ++n;
            skip_space();
            if (!more()) return bad_value();
            if (s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (s_[i_] != '}') return bad_value();
            ++i_;
            break;
        }
        // Every sub-array of a level has the length of the first one.
        if (out_.dims[level] == 0) out_.dims[level] = n;
        else if (out_.dims[level] != n) return bad_value();
        return {};
    }

    error_code parse_element() {
        std::string elem;
        if (s_[i_] == '"') {
            ++i_;
            for (;;) {
                if (!more()) return bad_value();
                char c = s_[i_++];
                if (c == '"') break;
                if (c == '\\') {
                    if (!more()) return bad_value();
                    c = s_[i_++];
                }
                elem.push_back(c);
            }
            out_.items.emplace_back(std::move(elem));
            return {};
        }
        std::size_t trailing_space_from = std::string::npos;
        while (more() && s_[i_] != ',' && s_[i_] != '}') {
            char c = s_[i_++];
            if (c == '{' || c == '"') return bad_value();
            if (c == '\\') {
                if (!more()) return bad_value();
                elem.push_back(s_[i_++]);
                trailing_space_from = std::string::npos;
                continue;
            }
            if (is_space(c)) {
                if (trailing_space_from == std::string::npos) trailing_space_from = elem.size();
            } else {
                trailing_space_from = std::string::npos;
            }
            elem.push_back(c);
        }
        if (trailing_space_from != std::string::npos) elem.resize(trailing_space_from);
        if (elem.empty()) return bad_value();
        if (elem.size() == 4 && iequals(elem, "null")) out_.items.emplace_back(std::nullopt);
        else out_.items.emplace_back(std::move(elem));
        return {};
    }

    std::string_view s_;
    std::size_t i_ = 0;
    text_array& out_;
    std::size_t ndim_ = 0; // depth of the elements, 0 until the first one
};

inline error_code parse_text_array(std::string_view s, text_array& out) {
    return text_array_parser(s, out).parse();
}

// --- binary form

struct binary_array_header {
    std::int32_t ndim = 0;
    oid_t element_type = 0;
    std::vector<std::int32_t> dims;
    std::size_t count = 0;
};

// Reads the header of a binary array and leaves r at the first element. The element
// count is bounded by the bytes left (each element has at least its 4-byte length), so
// the product of the dimensions cannot overflow and nothing is sized from a lie.
inline error_code read_array_header(body_reader& r, binary_array_header& h) {
    h.ndim = r.i32();
    std::int32_t flags = r.i32();
    h.element_type = r.u32();
    if (!r.ok() || h.ndim < 0 || h.ndim > static_cast<std::int32_t>(max_array_dimensions) || (flags != 0 && flags != 1))
        return bad_value();
    h.dims.clear();
    h.count = h.ndim == 0 ? 0 : 1;
    for (std::int32_t d = 0; d < h.ndim; ++d) {
        std::int32_t n = r.i32();
        r.i32(); // lower bound
        if (!r.ok() || n < 0) return bad_value();
        h.dims.push_back(n);
        if (n != 0 && h.count > (r.remaining() / 4) / static_cast<std::size_t>(n)) return bad_value();
        h.count *= static_cast<std::size_t>(n);
    }
    if (h.count > r.remaining() / 4) return bad_value();
    return {};
}

inline void append_array_element_text(std::string& out, std::string_view v) {
    bool quote = v.empty() || (v.size() == 4 && iequals(v, "null"));
    for (char c : v) {
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t' ||
            c == '\n' || c == '\r' || c == '\v' || c == '\f')
            quote = true;
    }
    if (!quote) {
        out += v;
        return;
    }
    out.push_back('"');
    for (char c : v) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

// --- nested vectors

// Fills a nested vector of extents dims[0] x dims[1] x ... with the elements `next`
// produces in row-major order. Every extent is at most the element count, which the
// caller bounded by the input size.
template <class Vec, class Next>
error_code fill_array(Vec& out, const std::size_t* dims, Next& next) {
    out.clear();
    out.reserve(dims[0]);
    for (std::size_t k = 0; k < dims[0]; ++k) {
        if constexpr (array_depth<Vec> == 1) {
            field_data ef;
            if (auto ec = next(ef)) return ec;
            typename Vec::value_type v{};
            if (auto ec = decode_field(ef, v)) return ec;
            out.push_back(std::move(v));
        } else {
            out.emplace_back();
            if (auto ec = fill_array(out.back(), dims + 1, next)) return ec;
        }
    }
    return {};
}

template <class Vec>
error_code decode_array(const field_data& f, Vec& out) {
    constexpr std::size_t depth = array_depth<Vec>;
    out.clear();
    oid_t elem = array_element_oid(f.type);
    std::size_t dims[max_array_dimensions] = {};
    if (f.format == format::binary) {
        body_reader r(f.bytes);
        binary_array_header h;
        if (auto ec = read_array_header(r, h)) return ec;
        if (h.element_type != elem) return bad_value();
        // No elements: the empty array at any depth (the server sends it with no
        // dimensions; a zero extent is read the same way rather than sized).
        if (h.count == 0) return r.at_end() ? error_code{} : bad_value();
        if (static_cast<std::size_t>(h.ndim) != depth) return make_error_code(client_errc::array_dimension_mismatch);
        for (std::size_t d = 0; d < depth; ++d) dims[d] = static_cast<std::size_t>(h.dims[d]);
        auto next = [&](field_data& ef) -> error_code {
            std::int32_t len = r.i32();
            if (!r.ok() || len < -1) return bad_value();
            ef = field_data{elem, format::binary, len == -1, {}};
            if (len >= 0) {
                ef.bytes = r.bytes(static_cast<std::size_t>(len));
                if (!r.ok()) return bad_value();
            }
            return {};
        };
        if (auto ec = fill_array(out, dims, next)) return ec;
        return r.at_end() ? error_code{} : bad_value();
    }
    text_array a;
    if (auto ec = parse_text_array(f.bytes, a)) return ec;
    if (a.items.empty()) return {};
    if (a.dims.size() != depth) return make_error_code(client_errc::array_dimension_mismatch);
    for (std::size_t d = 0; d < depth; ++d) dims[d] = a.dims[d];
    std::size_t at = 0;
    // Elements read as std::string_view must view the field's own bytes, which outlive this
    // call, not the unescaped copies the parser made: each is found in the literal, in
    // order. An element that only exists unescaped (it had backslashes) cannot be a view.
    using element_type = array_element_t<Vec>;
    constexpr bool views = std::is_same_v<element_type, std::string_view> ||
                           std::is_same_v<element_type, std::optional<std::string_view>>;
    std::size_t cursor = 0;
    auto next = [&](field_data& ef) -> error_code {
        if (at == a.items.size()) return bad_value();
        const auto& item = a.items[at++];
        std::string_view bytes = item ? std::string_view(*item) : std::string_view{};
        if constexpr (views) {
            if (item && !item->empty()) {
                const auto pos = f.bytes.find(*item, cursor);
                if (pos == std::string_view::npos) return make_error_code(client_errc::incompatible_type);
                bytes = f.bytes.substr(pos, item->size());
                cursor = pos + item->size();
            }
        }
        ef = field_data{elem, format::text, !item.has_value(), bytes};
        return {};
    };
    return fill_array(out, dims, next);
}

template <class Vec>
void first_extents(const Vec& v, std::size_t* dims) {
    dims[0] = v.size();
    if constexpr (array_depth<Vec> > 1) {
        if (!v.empty()) first_extents(v.front(), dims + 1);
        else for (std::size_t d = 1; d < array_depth<Vec>; ++d) dims[d] = 0;
    }
}

template <class Vec>
bool has_extents(const Vec& v, const std::size_t* dims) {
    if (v.size() != dims[0]) return false;
    if constexpr (array_depth<Vec> > 1)
        for (const auto& sub : v)
            if (!has_extents(sub, dims + 1)) return false;
    return true;
}

template <class Vec>
bool has_no_elements(const Vec& v) {
    if constexpr (array_depth<Vec> == 1) {
        return v.empty();
    } else {
        for (const auto& sub : v)
            if (!has_no_elements(sub)) return false;
        return true;
    }
}

// The dimensions of a nested vector as an array parameter: ndim 0 for the empty array
// (a vector with no elements at any depth, as "{{},{}}" is "{}" to the server);
// non_rectangular_array if sub-vectors of one level differ in length and hold elements.
template <class Vec>
error_code array_shape(const Vec& v, std::size_t (&dims)[max_array_dimensions], std::size_t& ndim) {
    constexpr std::size_t depth = array_depth<Vec>;
    ndim = 0;
    first_extents(v, dims);
    if (!has_extents(v, dims))
        return has_no_elements(v) ? error_code{} : make_error_code(client_errc::non_rectangular_array);
    for (std::size_t d = 0; d < depth; ++d) {
        if (dims[d] == 0) return {};
        if (dims[d] > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) return out_of_range();
    }
    ndim = depth;
    return {};
}

template <class Vec>
error_code check_elements(const Vec& v) {
    for (const auto& e : v) {
        if constexpr (array_depth<Vec> == 1) {
            if (auto ec = check_value<typename Vec::value_type>(e)) return ec;
        } else if (auto ec = check_elements(e)) {
            return ec;
        }
    }
    return {};
}

template <class Vec>
void encode_elements(const Vec& v, std::string& out, bool& has_null) {
    for (const auto& e : v) {
        if constexpr (array_depth<Vec> == 1) {
            using E = typename Vec::value_type;
            if (is_null_value<E>(e)) {
                has_null = true;
                put_u32(out, 0xFFFFFFFFu);
                continue;
            }
            std::size_t at = out.size();
            out.append(4, '\0');
            type_traits<E>::encode(e, out);
            store_u32(out.data() + at, static_cast<std::uint32_t>(out.size() - at - 4));
        } else {
            encode_elements(e, out, has_null);
        }
    }
}

} // namespace detail

template <class T>
    requires(!std::is_same_v<T, std::byte> && (decodable<T> || encodable<T>) &&
             detail::array_depth<T> < detail::max_array_dimensions &&
             !detail::is_optional_array<detail::array_element_t<T>>::value)
struct type_traits<std::vector<T>> {
    using element_type = detail::array_element_t<T>;
    static constexpr std::size_t dimensions = 1 + detail::array_depth<T>;
    static constexpr oid_t type_oid = detail::array_oid_of<element_type>();
    static constexpr oid_t array_oid = 0;

    static bool accepts(oid_t t) noexcept
        requires decodable<element_type>
    {
        oid_t e = array_element_oid(t);
        return e != 0 && type_traits<element_type>::accepts(e);
    }

    // Refuses what encode could not send as it is: sub-vectors of different lengths
    // (non_rectangular_array), or an extent beyond the wire's 32 bits.
    static error_code check(const std::vector<T>& v)
        requires encodable<element_type>
    {
        std::size_t dims[detail::max_array_dimensions];
        std::size_t ndim = 0;
        if (auto ec = detail::array_shape(v, dims, ndim)) return ec;
        return detail::check_elements(v);
    }

    // Parameters go through check() first; a value it refuses is written as the empty
    // array here, never as a malformed one.
    static void encode(const std::vector<T>& v, std::string& out)
        requires encodable<element_type>
    {
        std::size_t dims[detail::max_array_dimensions];
        std::size_t ndim = 0;
        if (detail::array_shape(v, dims, ndim)) ndim = 0;
        detail::put_u32(out, static_cast<std::uint32_t>(ndim));
        std::size_t flags_at = out.size();
        detail::put_u32(out, 0);
        detail::put_u32(out, type_traits<element_type>::type_oid);
        for (std::size_t d = 0; d < ndim; ++d) {
            detail::put_u32(out, static_cast<std::uint32_t>(dims[d]));
            detail::put_u32(out, 1); // lower bound
        }
        if (ndim == 0) return;
        bool has_null = false;
        detail::encode_elements(v, out, has_null);
        if (has_null) detail::store_u32(out.data() + flags_at, 1);
    }

    // The array must have as many dimensions as the vector has levels
    // (array_dimension_mismatch otherwise); an array without elements reads as an empty
    // vector at any depth.
    static error_code decode(const field_data& f, std::vector<T>& out)
        requires decodable<element_type>
    {
        return detail::decode_array(f, out);
    }
};

// --- text rendering of any field ----------------------------------------------------------

namespace detail {

// True if the client decodes `t` in binary format, so results of that type are requested
// in binary; every other type comes as text.
inline bool has_binary_codec(oid_t t) noexcept {
    switch (t) {
    case oids::boolean: case oids::bytea: case oids::char_: case oids::name: case oids::int8:
    case oids::int2: case oids::int4: case oids::text: case oids::oid: case oids::json:
    case oids::float4: case oids::float8: case oids::inet: case oids::cidr: case oids::bpchar:
    case oids::varchar: case oids::date: case oids::time: case oids::timestamp:
    case oids::timestamptz: case oids::interval: case oids::numeric: case oids::uuid:
    case oids::jsonb:
        return true;
    default:
        return array_element_oid(t) != 0;
    }
}

template <class T>
error_code render_with(const field_data& f, std::string& out, void (*fmt)(std::string&, const T&)) {
    T v{};
    if (auto ec = type_traits<T>::decode(f, v)) return ec;
    fmt(out, v);
    return {};
}

inline error_code render_scalar(const field_data& f, std::string& out) {
    switch (f.type) {
    case oids::boolean:
        return render_with<bool>(f, out, [](std::string& o, const bool& v) { o += v ? "t" : "f"; });
    case oids::int2: case oids::int4: case oids::int8: case oids::oid: {
        std::int64_t v = 0;
        if (auto ec = read_integer(f, v)) return ec;
        append_int(out, v);
        return {};
    }
    case oids::float4:
        return render_with<float>(f, out, [](std::string& o, const float& v) { format_float(o, v); });
    case oids::float8:
        return render_with<double>(f, out, [](std::string& o, const double& v) { format_float(o, v); });
    case oids::numeric: {
        std::string s;
        if (!decode_numeric_binary(f.bytes, s)) return bad_value();
        out += s;
        return {};
    }
    case oids::bytea:
        out += "\\x";
        out += hex::encode(f.bytes);
        return {};
    case oids::jsonb:
        if (f.bytes.empty() || f.bytes[0] != 1) return bad_value();
        out += f.bytes.substr(1);
        return {};
    case oids::date: {
        if (f.bytes.size() != 4) return bad_value();
        auto v = static_cast<std::int32_t>(load_u32(f.bytes.data()));
        if (v == std::numeric_limits<std::int32_t>::max()) out += "infinity";
        else if (v == std::numeric_limits<std::int32_t>::min()) out += "-infinity";
        else format_date(out, std::int64_t{v} + pg_epoch_days);
        return {};
    }
    case oids::time:
        return render_with<time_of_day>(f, out, [](std::string& o, const time_of_day& v) { format_time(o, v.count()); });
    case oids::timestamp: case oids::timestamptz: {
        if (f.bytes.size() != 8) return bad_value();
        auto v = static_cast<std::int64_t>(load_u64(f.bytes.data()));
        if (v == std::numeric_limits<std::int64_t>::max()) {
            out += "infinity";
        } else if (v == std::numeric_limits<std::int64_t>::min()) {
            out += "-infinity";
        } else {
            // Format relative to 2000 to stay clear of overflow near the wire limits.
            std::int64_t days = v / usecs_per_day, tod = v % usecs_per_day;
            if (tod < 0) {
                tod += usecs_per_day;
                --days;
            }
            bool bc = append_date_part(out, days + pg_epoch_days);
            out.push_back(' ');
            append_time_part(out, tod);
            if (f.type == oids::timestamptz) out += "+00";
            if (bc) out += " BC";
        }
        return {};
    }
    case oids::interval:
        return render_with<interval>(f, out, [](std::string& o, const interval& v) {
            format_interval(o, v.months, v.days, v.microseconds);
        });
    case oids::uuid:
        return render_with<uuid>(f, out, [](std::string& o, const uuid& v) { o += v.to_string(); });
    case oids::inet: case oids::cidr:
        return render_with<inet>(f, out, [](std::string& o, const inet& v) { o += v.to_string(); });
    default:
        if (is_text_like(f.type)) {
            out += f.bytes;
            return {};
        }
        return make_error_code(client_errc::incompatible_type);
    }
}

inline error_code render_binary_array(const field_data& f, std::string& out) {
    body_reader r(f.bytes);
    binary_array_header h;
    if (auto ec = read_array_header(r, h)) return ec;
    oid_t elem = array_element_oid(f.type);
    if (h.element_type != elem) return bad_value();
    if (h.ndim == 0) {
        out += "{}";
        return {};
    }
    // Nested braces for every dimension: index i opens a brace for each dimension whose
    // sub-array starts at i and closes one for each that ends at i.
    std::vector<std::size_t> strides(h.dims.size());
    std::size_t stride = 1;
    for (std::size_t d = h.dims.size(); d-- > 0;) {
        strides[d] = stride;
        stride *= static_cast<std::size_t>(h.dims[d]);
    }
    if (h.count == 0) {
        out += "{}";
        return {};
    }
    std::string item;
    for (std::size_t i = 0; i < h.count; ++i) {
        std::size_t opens = 0;
        for (std::size_t d = 0; d < strides.size(); ++d)
            if (i % (strides[d] * static_cast<std::size_t>(h.dims[d])) == 0) ++opens;
        if (i != 0) out.push_back(',');
        out.append(opens, '{');
        std::int32_t len = r.i32();
        if (!r.ok() || len < -1) return bad_value();
        if (len == -1) {
            out += "NULL";
        } else {
            field_data ef{elem, format::binary, false, r.bytes(static_cast<std::size_t>(len))};
            if (!r.ok()) return bad_value();
            item.clear();
            if (auto ec = render_scalar(ef, item)) return ec;
            append_array_element_text(out, item);
        }
        std::size_t closes = 0;
        for (std::size_t d = 0; d < strides.size(); ++d)
            if ((i + 1) % (strides[d] * static_cast<std::size_t>(h.dims[d])) == 0) ++closes;
        out.append(closes, '}');
    }
    return r.at_end() ? error_code{} : bad_value();
}

inline error_code render_text(const field_data& f, std::string& out) {
    out.clear();
    if (f.format == format::text) {
        out.assign(f.bytes);
        return {};
    }
    if (array_element_oid(f.type) != 0) return render_binary_array(f, out);
    return render_scalar(f, out);
}

} // namespace detail

} // namespace cirrus::postgres
