#pragma once
// numeric: exact decimal text <-> the binary wire form (base-10000 digits, weight,
// sign, display scale). The text form is canonical: optional '-', integer digits without
// leading zeros, optional '.' and exactly dscale fraction digits; or NaN, Infinity,
// -Infinity.

#include <cirrus/core/ascii.hpp>
#include <cirrus/postgres/detail/datetime.hpp>
#include <cirrus/postgres/detail/protocol.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres::detail {

inline constexpr std::uint16_t numeric_pos = 0x0000;
inline constexpr std::uint16_t numeric_neg = 0x4000;
inline constexpr std::uint16_t numeric_nan = 0xC000;
inline constexpr std::uint16_t numeric_pinf = 0xD000;
inline constexpr std::uint16_t numeric_ninf = 0xF000;
inline constexpr std::int32_t numeric_max_dscale = 0x3FFF;
// PostgreSQL's limits: 131072 digits before the point, 16383 after.
inline constexpr std::size_t numeric_max_int_digits = 131072;

// Parses any numeric literal PostgreSQL accepts (sign, digits, point, exponent,
// NaN/Infinity in any case, surrounding spaces) into the canonical form.
inline std::optional<std::string> canonical_numeric(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    bool neg = false;
    std::string_view body = s;
    if (body.front() == '+' || body.front() == '-') {
        neg = body.front() == '-';
        body.remove_prefix(1);
    }
    constexpr auto ieq = ascii::iequals;
    if (ieq(s, "nan")) return std::string("NaN");
    if (ieq(body, "infinity") || ieq(body, "inf")) return std::string(neg ? "-Infinity" : "Infinity");

    std::string digits; // all significant digits, integer then fraction
    std::size_t int_len = 0;
    std::size_t i = 0;
    bool any = false;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
        digits.push_back(body[i++]);
        any = true;
    }
    int_len = digits.size();
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
            digits.push_back(body[i++]);
            any = true;
        }
    }
    if (!any) return std::nullopt;
    std::int64_t exponent = 0;
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (i < body.size() && (body[i] == '+' || body[i] == '-')) eneg = body[i++] == '-';
        bool edig = false;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
            exponent = exponent * 10 + (body[i++] - '0');
            edig = true;
            if (exponent > 1'000'000) return std::nullopt;
        }
        if (!edig) return std::nullopt;
        if (eneg) exponent = -exponent;
    }
    if (i != body.size()) return std::nullopt;

    std::size_t frac_len = digits.size() - int_len;
    // Shift the point by the exponent.
    std::int64_t point = static_cast<std::int64_t>(int_len) + exponent;
    std::int64_t scale = static_cast<std::int64_t>(frac_len) - exponent;
    if (scale < 0) scale = 0;
    if (point > static_cast<std::int64_t>(numeric_max_int_digits) || scale > numeric_max_dscale) return std::nullopt;
    std::string int_part, frac_part;
    if (point <= 0) {
        int_part = "0";
        frac_part.assign(static_cast<std::size_t>(-point), '0');
        frac_part += digits;
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
        int_part = digits;
        int_part.append(static_cast<std::size_t>(point) - digits.size(), '0');
    } else {
        int_part = digits.substr(0, static_cast<std::size_t>(point));
        frac_part = digits.substr(static_cast<std::size_t>(point));
    }
    frac_part.resize(static_cast<std::size_t>(scale), '0');
    auto nz = int_part.find_first_not_of('0');
    int_part = nz == std::string::npos ? "0" : int_part.substr(nz);
    bool zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
    std::string out;
    out.reserve(int_part.size() + frac_part.size() + 2);
    if (neg && !zero) out.push_back('-');
    out += int_part;
    if (!frac_part.empty()) {
        out.push_back('.');
        out += frac_part;
    }
    return out;
}

// Canonical text -> binary wire form.
inline bool encode_numeric_binary(std::string_view canon, std::string& out) {
    std::uint16_t sign = numeric_pos;
    if (canon == "NaN") sign = numeric_nan;
    else if (canon == "Infinity") sign = numeric_pinf;
    else if (canon == "-Infinity") sign = numeric_ninf;
    if (sign != numeric_pos) {
        put_u16(out, 0);
        put_u16(out, 0);
        put_u16(out, sign);
        put_u16(out, 0);
        return true;
    }
    if (!canon.empty() && canon.front() == '-') {
        sign = numeric_neg;
        canon.remove_prefix(1);
    }
    auto dot = canon.find('.');
    std::string_view ip = canon.substr(0, dot);
    std::string_view fp = dot == std::string_view::npos ? std::string_view{} : canon.substr(dot + 1);
    if (fp.size() > static_cast<std::size_t>(numeric_max_dscale) || ip.size() > numeric_max_int_digits) return false;
    // Align both parts on 4-digit groups around the point.
    std::string padded((4 - ip.size() % 4) % 4, '0');
    padded += ip;
    std::size_t int_groups = padded.size() / 4;
    padded += fp;
    padded.append((4 - fp.size() % 4) % 4, '0');
    std::vector<std::uint16_t> groups;
    groups.reserve(padded.size() / 4);
    for (std::size_t g = 0; g < padded.size(); g += 4) {
        std::uint16_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) v = static_cast<std::uint16_t>(v * 10 + (padded[g + k] - '0'));
        groups.push_back(v);
    }
    std::int64_t weight = static_cast<std::int64_t>(int_groups) - 1;
    std::size_t first = 0;
    while (first < groups.size() && groups[first] == 0) {
        ++first;
        --weight;
    }
    std::size_t last = groups.size();
    while (last > first && groups[last - 1] == 0) --last;
    if (first == last) {
        weight = 0;
        sign = numeric_pos;
    }
    if (weight > 32767 || weight < -32768 || last - first > 32767) return false;
    put_u16(out, static_cast<std::uint16_t>(last - first));
    put_u16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
    put_u16(out, sign);
    put_u16(out, static_cast<std::uint16_t>(fp.size()));
    for (std::size_t g = first; g < last; ++g) put_u16(out, groups[g]);
    return true;
}

// Binary wire form -> canonical text.
inline bool decode_numeric_binary(std::string_view bytes, std::string& out) {
    body_reader r(bytes);
    std::int16_t ndigits = r.i16();
    std::int16_t weight = r.i16();
    std::uint16_t sign = r.u16();
    std::int16_t dscale = r.i16();
    if (!r.ok() || ndigits < 0 || r.remaining() != static_cast<std::size_t>(ndigits) * 2) return false;
    if (sign == numeric_nan || sign == numeric_pinf || sign == numeric_ninf) {
        out = sign == numeric_nan ? "NaN" : sign == numeric_pinf ? "Infinity" : "-Infinity";
        return ndigits == 0;
    }
    if (sign != numeric_pos && sign != numeric_neg) return false;
    if (dscale < 0 || dscale > numeric_max_dscale) return false;
    std::vector<std::uint16_t> d(static_cast<std::size_t>(ndigits));
    for (auto& v : d) {
        v = r.u16();
        if (v > 9999) return false;
    }
    auto digit = [&](std::int64_t i) -> std::uint16_t {
        return i >= 0 && i < ndigits ? d[static_cast<std::size_t>(i)] : 0;
    };
    std::string ip;
    if (weight >= 0) {
        ip.reserve(static_cast<std::size_t>(weight + 1) * 4);
        for (std::int64_t i = 0; i <= weight; ++i) append_padded(ip, digit(i), 4);
        auto nz = ip.find_first_not_of('0');
        ip = nz == std::string::npos ? "0" : ip.substr(nz);
    } else {
        ip = "0";
    }
    std::string fp;
    fp.reserve(static_cast<std::size_t>(dscale) + 4);
    for (std::int64_t j = 1; static_cast<std::int64_t>(fp.size()) < dscale; ++j)
        append_padded(fp, digit(weight + j), 4);
    fp.resize(static_cast<std::size_t>(dscale));
    bool zero = ip == "0" && fp.find_first_not_of('0') == std::string::npos;
    out.clear();
    if (sign == numeric_neg && !zero) out.push_back('-');
    out += ip;
    if (!fp.empty()) {
        out.push_back('.');
        out += fp;
    }
    return true;
}

} // namespace cirrus::postgres::detail
