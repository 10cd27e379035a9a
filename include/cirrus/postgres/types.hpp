#pragma once
// Value types for PostgreSQL types that have no standard C++ counterpart, the type OIDs,
// and the std::chrono aliases the codecs map dates and times to.
//
//   bool, int2/4/8, float4/8          bool, std::int16_t/int32_t/int64_t, float, double
//   numeric                           cirrus::postgres::numeric (exact), or std::string
//   text, varchar, bpchar, name        std::string (std::string_view for parameters)
//   bytea                             std::vector<std::byte> (cirrus::postgres::bytea)
//   date                              std::chrono::sys_days
//   time                              std::chrono::microseconds (since midnight)
//   timestamp                         std::chrono::local_time<std::chrono::microseconds>
//   timestamptz                       std::chrono::sys_time<std::chrono::microseconds>
//   interval                          cirrus::postgres::interval
//   uuid                              cirrus::postgres::uuid
//   json, jsonb                       cirrus::postgres::json (or std::string)
//   inet, cidr                        cirrus::postgres::inet
//   arrays                            std::vector<T>, std::vector<std::optional<T>>
//   NULL                              std::optional<T>
// The infinite dates and timestamps map to the time_point's max() and min().

#include <cirrus/postgres/detail/numeric.hpp>
#include <cirrus/postgres/detail/protocol.hpp>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres {

// Built-in type OIDs (pg_type.dat).
namespace oids {
inline constexpr oid_t unspecified = 0;
inline constexpr oid_t boolean = 16;
inline constexpr oid_t bytea = 17;
inline constexpr oid_t char_ = 18; // "char", one byte
inline constexpr oid_t name = 19;
inline constexpr oid_t int8 = 20;
inline constexpr oid_t int2 = 21;
inline constexpr oid_t int4 = 23;
inline constexpr oid_t text = 25;
inline constexpr oid_t oid = 26;
inline constexpr oid_t json = 114;
inline constexpr oid_t xml = 142;
inline constexpr oid_t json_array = 199;
inline constexpr oid_t cidr = 650;
inline constexpr oid_t cidr_array = 651;
inline constexpr oid_t float4 = 700;
inline constexpr oid_t float8 = 701;
inline constexpr oid_t unknown = 705;
inline constexpr oid_t inet = 869;
inline constexpr oid_t bool_array = 1000;
inline constexpr oid_t bytea_array = 1001;
inline constexpr oid_t char_array = 1002;
inline constexpr oid_t name_array = 1003;
inline constexpr oid_t int2_array = 1005;
inline constexpr oid_t int4_array = 1007;
inline constexpr oid_t text_array = 1009;
inline constexpr oid_t bpchar_array = 1014;
inline constexpr oid_t varchar_array = 1015;
inline constexpr oid_t int8_array = 1016;
inline constexpr oid_t float4_array = 1021;
inline constexpr oid_t float8_array = 1022;
inline constexpr oid_t oid_array = 1028;
inline constexpr oid_t inet_array = 1041;
inline constexpr oid_t bpchar = 1042;
inline constexpr oid_t varchar = 1043;
inline constexpr oid_t date = 1082;
inline constexpr oid_t time = 1083;
inline constexpr oid_t timestamp = 1114;
inline constexpr oid_t timestamp_array = 1115;
inline constexpr oid_t date_array = 1182;
inline constexpr oid_t time_array = 1183;
inline constexpr oid_t timestamptz = 1184;
inline constexpr oid_t timestamptz_array = 1185;
inline constexpr oid_t interval = 1186;
inline constexpr oid_t interval_array = 1187;
inline constexpr oid_t numeric_array = 1231;
inline constexpr oid_t numeric = 1700;
inline constexpr oid_t uuid = 2950;
inline constexpr oid_t uuid_array = 2951;
inline constexpr oid_t jsonb = 3802;
inline constexpr oid_t jsonb_array = 3807;
} // namespace oids

// The element type of a built-in array type, 0 if `t` is not one we know.
constexpr oid_t array_element_oid(oid_t t) noexcept {
    switch (t) {
    case oids::bool_array: return oids::boolean;
    case oids::bytea_array: return oids::bytea;
    case oids::char_array: return oids::char_;
    case oids::name_array: return oids::name;
    case oids::int2_array: return oids::int2;
    case oids::int4_array: return oids::int4;
    case oids::int8_array: return oids::int8;
    case oids::text_array: return oids::text;
    case oids::bpchar_array: return oids::bpchar;
    case oids::varchar_array: return oids::varchar;
    case oids::float4_array: return oids::float4;
    case oids::float8_array: return oids::float8;
    case oids::oid_array: return oids::oid;
    case oids::inet_array: return oids::inet;
    case oids::cidr_array: return oids::cidr;
    case oids::timestamp_array: return oids::timestamp;
    case oids::timestamptz_array: return oids::timestamptz;
    case oids::date_array: return oids::date;
    case oids::time_array: return oids::time;
    case oids::interval_array: return oids::interval;
    case oids::numeric_array: return oids::numeric;
    case oids::uuid_array: return oids::uuid;
    case oids::json_array: return oids::json;
    case oids::jsonb_array: return oids::jsonb;
    default: return 0;
    }
}

// The name of a built-in type as PostgreSQL spells it (pg_type.typname; arrays as
// "int4[]"), empty for a type the client does not know by OID.
constexpr std::string_view type_name(oid_t t) noexcept {
    switch (t) {
    case oids::boolean: return "bool";
    case oids::bytea: return "bytea";
    case oids::char_: return "char";
    case oids::name: return "name";
    case oids::int8: return "int8";
    case oids::int2: return "int2";
    case oids::int4: return "int4";
    case oids::text: return "text";
    case oids::oid: return "oid";
    case oids::json: return "json";
    case oids::float4: return "float4";
    case oids::float8: return "float8";
    case oids::unknown: return "unknown";
    case oids::inet: return "inet";
    case oids::cidr: return "cidr";
    case oids::bpchar: return "bpchar";
    case oids::varchar: return "varchar";
    case oids::date: return "date";
    case oids::time: return "time";
    case oids::timestamp: return "timestamp";
    case oids::timestamptz: return "timestamptz";
    case oids::interval: return "interval";
    case oids::numeric: return "numeric";
    case oids::uuid: return "uuid";
    case oids::jsonb: return "jsonb";
    case oids::bool_array: return "bool[]";
    case oids::bytea_array: return "bytea[]";
    case oids::char_array: return "char[]";
    case oids::name_array: return "name[]";
    case oids::int2_array: return "int2[]";
    case oids::int4_array: return "int4[]";
    case oids::int8_array: return "int8[]";
    case oids::text_array: return "text[]";
    case oids::bpchar_array: return "bpchar[]";
    case oids::varchar_array: return "varchar[]";
    case oids::float4_array: return "float4[]";
    case oids::float8_array: return "float8[]";
    case oids::oid_array: return "oid[]";
    case oids::inet_array: return "inet[]";
    case oids::cidr_array: return "cidr[]";
    case oids::timestamp_array: return "timestamp[]";
    case oids::timestamptz_array: return "timestamptz[]";
    case oids::date_array: return "date[]";
    case oids::time_array: return "time[]";
    case oids::interval_array: return "interval[]";
    case oids::numeric_array: return "numeric[]";
    case oids::uuid_array: return "uuid[]";
    case oids::json_array: return "json[]";
    case oids::jsonb_array: return "jsonb[]";
    default: return {};
    }
}

using bytea = std::vector<std::byte>;
using date = std::chrono::sys_days;
using time_of_day = std::chrono::microseconds;
using timestamp = std::chrono::local_time<std::chrono::microseconds>;
using timestamptz = std::chrono::sys_time<std::chrono::microseconds>;

// The infinite values of date, timestamp and timestamptz.
template <class TimePoint>
constexpr TimePoint infinity() noexcept {
    return TimePoint::max();
}
template <class TimePoint>
constexpr TimePoint minus_infinity() noexcept {
    return TimePoint::min();
}

// interval: months, days and microseconds are kept apart, as the server does, because
// a month has no fixed number of days and a day (across DST) no fixed number of hours.
struct interval {
    std::int32_t months = 0;
    std::int32_t days = 0;
    std::int64_t microseconds = 0;

    friend bool operator==(const interval&, const interval&) = default;

    std::string to_string() const {
        std::string out;
        detail::format_interval(out, months, days, microseconds);
        return out;
    }
};

struct uuid {
    std::array<std::uint8_t, 16> bytes{};

    friend bool operator==(const uuid&, const uuid&) = default;
    friend auto operator<=>(const uuid&, const uuid&) = default;

    // Accepts the canonical 8-4-4-4-12 form, upper or lower case, with or without
    // hyphens and braces, like the server.
    static std::optional<uuid> parse(std::string_view s) noexcept {
        if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
        uuid u;
        std::size_t n = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            char c = s[i];
            if (c == '-') {
                if (n == 0 || n % 4 != 0 || i + 1 == s.size() || s[i + 1] == '-') return std::nullopt;
                continue;
            }
            int v = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
            if (v < 0 || n == 32) return std::nullopt;
            u.bytes[n / 2] = static_cast<std::uint8_t>((u.bytes[n / 2] << 4) | v);
            ++n;
        }
        if (n != 32) return std::nullopt;
        return u;
    }

    std::string to_string() const {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out;
        out.reserve(36);
        for (std::size_t i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
            out.push_back(digits[bytes[i] >> 4]);
            out.push_back(digits[bytes[i] & 0xF]);
        }
        return out;
    }
};

// JSON text, for json and jsonb columns. Sent as a parameter of unspecified type in text
// format, so the server reads it as whichever of json/jsonb the context needs.
struct json {
    std::string text;
    friend bool operator==(const json&, const json&) = default;
};

// inet and cidr: an IPv4 or IPv6 address with a prefix length.
struct inet {
    enum class family : std::uint8_t { v4, v6 };

    postgres::inet::family address_family = family::v4;
    std::array<std::uint8_t, 16> address{}; // v4 uses the first 4 bytes
    std::uint8_t prefix_length = 32;
    bool is_cidr = false;

    friend bool operator==(const inet&, const inet&) = default;

    std::size_t address_size() const noexcept { return address_family == family::v4 ? 4 : 16; }
    std::uint8_t max_prefix() const noexcept { return address_family == family::v4 ? 32 : 128; }

    // "192.168.1.5", "10.0.0.0/8", "::1", "2001:db8::/32".
    static std::optional<inet> parse(std::string_view s, bool cidr = false) {
        inet out;
        out.is_cidr = cidr;
        auto slash = s.find('/');
        std::string addr(s.substr(0, slash));
        if (addr.find(':') != std::string::npos) {
            out.address_family = family::v6;
            if (::inet_pton(AF_INET6, addr.c_str(), out.address.data()) != 1) return std::nullopt;
        } else {
            out.address_family = family::v4;
            if (::inet_pton(AF_INET, addr.c_str(), out.address.data()) != 1) return std::nullopt;
        }
        out.prefix_length = out.max_prefix();
        if (slash != std::string_view::npos) {
            auto p = s.substr(slash + 1);
            if (p.empty() || p.size() > 3) return std::nullopt;
            unsigned v = 0;
            for (char c : p) {
                if (c < '0' || c > '9') return std::nullopt;
                v = v * 10 + static_cast<unsigned>(c - '0');
            }
            if (v > out.max_prefix()) return std::nullopt;
            out.prefix_length = static_cast<std::uint8_t>(v);
        }
        return out;
    }

    // The server's text form: inet omits a full-length prefix, cidr always shows it.
    std::string to_string() const {
        char buf[INET6_ADDRSTRLEN] = {};
        ::inet_ntop(address_family == family::v4 ? AF_INET : AF_INET6, address.data(), buf, sizeof buf);
        std::string out = buf;
        if (is_cidr || prefix_length != max_prefix()) {
            out.push_back('/');
            out += std::to_string(prefix_length);
        }
        return out;
    }
};

// An exact decimal, kept in the canonical text form (see detail/numeric.hpp): scale is
// part of the value, so numeric("1.50") keeps its two fraction digits as the server
// would, and == compares representations (1.5 != 1.50).
class numeric {
public:
    numeric() : text_("0") {}
    template <class Int>
        requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
    numeric(Int v) : text_(std::to_string(v)) {}

    // nullopt if `s` is not a numeric literal the server would accept.
    static std::optional<numeric> parse(std::string_view s) {
        auto canon = detail::canonical_numeric(s);
        if (!canon) return std::nullopt;
        numeric n;
        n.text_ = std::move(*canon);
        return n;
    }

    const std::string& to_string() const noexcept { return text_; }
    bool is_nan() const noexcept { return text_ == "NaN"; }
    bool is_infinity() const noexcept { return text_ == "Infinity" || text_ == "-Infinity"; }
    bool is_negative() const noexcept { return !text_.empty() && text_[0] == '-'; }
    // Number of digits after the point (the server's dscale).
    std::size_t scale() const noexcept {
        auto dot = text_.find('.');
        return dot == std::string::npos ? 0 : text_.size() - dot - 1;
    }

    friend bool operator==(const numeric&, const numeric&) = default;

private:
    friend struct numeric_access;
    std::string text_;
};

struct numeric_access {
    static numeric from_canonical(std::string s) {
        numeric n;
        n.text_ = std::move(s);
        return n;
    }
};

} // namespace cirrus::postgres
