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
#include <cirrus/postgres/detail/array_codec.hpp>
#include <cirrus/postgres/detail/codec_support.hpp>
#include <cirrus/postgres/detail/datetime.hpp>
#include <cirrus/postgres/detail/numeric.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/field.hpp>
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
        else if (v == TimePoint::min())
            put_u64(out, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()));
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
struct type_traits<timestamptz> : detail::timestamp_traits<timestamptz, oids::timestamptz, oids::timestamptz_array> {
    static bool accepts(oid_t t) noexcept { return t == oids::timestamptz || t == oids::timestamp; }
};

template <>
struct type_traits<timestamp> : detail::timestamp_traits<timestamp, oids::timestamp, oids::timestamp_array> {
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
        return detail::parse_interval_text(f.bytes, out.months, out.days, out.microseconds) ? error_code{}
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
    static error_code check(const std::optional<T>& v) requires requires(const T& x) { type_traits<T>::check(x); }
    { return v ? type_traits<T>::check(*v) : error_code{}; }
    static void encode(const std::optional<T>& v, std::string& out) requires encodable<T> {
        if (v) type_traits<T>::encode(*v, out);
    }
    static bool accepts(oid_t t) noexcept requires decodable<T> { return type_traits<T>::accepts(t); }
    static error_code decode(const field_data& f, std::optional<T>& out) requires decodable<T>;
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
requires decodable<T> {
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

template <class T>
    requires(!std::is_same_v<T, std::byte> &&
             (decodable<T> || encodable<T>)&&detail::array_depth<T> < detail::max_array_dimensions &&
             !detail::is_optional_array<detail::array_element_t<T>>::value)
struct type_traits<std::vector<T>> {
    using element_type = detail::array_element_t<T>;
    static constexpr std::size_t dimensions = 1 + detail::array_depth<T>;
    static constexpr oid_t type_oid = detail::array_oid_of<element_type>();
    static constexpr oid_t array_oid = 0;

    static bool accepts(oid_t t) noexcept requires decodable<element_type> {
        oid_t e = array_element_oid(t);
        return e != 0 && type_traits<element_type>::accepts(e);
    }

    // Refuses what encode could not send as it is: sub-vectors of different lengths
    // (non_rectangular_array), or an extent beyond the wire's 32 bits.
    static error_code check(const std::vector<T>& v) requires encodable<element_type> {
        std::size_t dims[detail::max_array_dimensions];
        std::size_t ndim = 0;
        if (auto ec = detail::array_shape(v, dims, ndim)) return ec;
        return detail::check_elements(v);
    }

    // Parameters go through check() first; a value it refuses is written as the empty
    // array here, never as a malformed one.
    static void encode(const std::vector<T>& v, std::string& out) requires encodable<element_type> {
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
    static error_code decode(const field_data& f, std::vector<T>& out) requires decodable<element_type> {
        return detail::decode_array(f, out);
    }
};

} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/codec.ipp>
#endif
