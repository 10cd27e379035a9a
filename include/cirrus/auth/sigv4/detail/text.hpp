#pragma once
// Small text helpers of the signer: validation, ASCII case, time stamps.

#include <array>
#include <chrono>
#include <cirrus/core/ascii.hpp>
#include <cirrus/core/utf8.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cirrus::auth::sigv4::detail {

using ascii::iequals;
using ascii::is_tchar;
using ascii::is_token;
using ascii::to_lower;

// High bit set in each byte of w that differs from c, clear where it equals c (exact).
constexpr std::uint64_t bytes_not_equal(std::uint64_t w, unsigned char c) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const std::uint64_t x = w ^ (ones * c);
    return (((x & ~highs) + ~highs) | x) & highs;
}

// A header value may hold any byte but the ones that would end or split the header.
// Eight bytes at a time: every value of every request is checked.
inline bool is_safe_header_value(std::string_view v) noexcept {
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, v.data() + i, 8);
        if ((bytes_not_equal(w, '\r') & bytes_not_equal(w, '\n') & bytes_not_equal(w, 0)) != highs) return false;
    }
    for (; i < v.size(); ++i)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0') return false;
    return true;
}

// True when every character is unreserved or '/': such a path needs no decoding,
// validation or re-encoding, which is the common case for keys and API paths.
constexpr bool is_plain_path(std::string_view p) noexcept {
    for (char c : p) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                        c == '-' || c == '_' || c == '.' || c == '~';
        if (!ok) return false;
    }
    return true;
}

// True when the path is already in the form SigV4 encoding gives (unreserved characters,
// '/', and upper-case %XX escapes of ASCII bytes that need escaping), so decoding and
// re-encoding it would give it back unchanged.
constexpr bool is_canonically_encoded_path(std::string_view p) noexcept {
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
            c == '_' || c == '.' || c == '~')
            continue;
        if (c != '%' || i + 2 >= p.size()) return false;
        auto upper_hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'); };
        if (!upper_hex(p[i + 1]) || !upper_hex(p[i + 2])) return false;
        auto digit = [](char h) { return h <= '9' ? h - '0' : h - 'A' + 10; };
        const int b = digit(p[i + 1]) * 16 + digit(p[i + 2]);
        const char decoded = static_cast<char>(b);
        const bool unreserved = (decoded >= 'a' && decoded <= 'z') || (decoded >= 'A' && decoded <= 'Z') ||
                                (decoded >= '0' && decoded <= '9') || decoded == '-' || decoded == '_' ||
                                decoded == '.' || decoded == '~';
        if (b >= 0x80 || b == 0 || unreserved) return false;
        i += 2;
    }
    return true;
}

enum class path_form {
    plain,   // is_plain_path
    encoded, // not plain, but is_canonically_encoded_path
    other,   // needs decoding, validation and encoding
};

// Both tests above in one pass (the signer asks both of every path).
constexpr path_form classify_path(std::string_view p) noexcept {
    constexpr auto unreserved_or_slash = [] {
        std::array<bool, 256> t{};
        for (int c = 0; c < 256; ++c)
            t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                             (c >= '0' && c <= '9') || c == '/' || c == '-' || c == '_' || c == '.' ||
                                             c == '~';
        return t;
    }();
    bool plain = true;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (unreserved_or_slash[static_cast<unsigned char>(p[i])]) continue;
        plain = false;
        if (p[i] != '%' || i + 2 >= p.size()) return path_form::other;
        auto upper_hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'); };
        if (!upper_hex(p[i + 1]) || !upper_hex(p[i + 2])) return path_form::other;
        auto digit = [](char h) { return h <= '9' ? h - '0' : h - 'A' + 10; };
        const int b = digit(p[i + 1]) * 16 + digit(p[i + 2]);
        if (b >= 0x80 || b == 0 || (b != '/' && unreserved_or_slash[static_cast<std::size_t>(b)]))
            return path_form::other;
        i += 2;
    }
    return plain ? path_form::plain : path_form::encoded;
}

constexpr bool is_valid_utf8(std::string_view s) noexcept { return utf8::is_valid(s); }

constexpr void put2(char* p, unsigned v) noexcept {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
}

struct civil_time {
    int year;
    unsigned month, day, hour, minute, second;
};

inline civil_time to_civil(std::chrono::system_clock::time_point t) noexcept {
    using namespace std::chrono;
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    return {static_cast<int>(ymd.year()),
            static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day()),
            static_cast<unsigned>(hms.hours().count()),
            static_cast<unsigned>(hms.minutes().count()),
            static_cast<unsigned>(hms.seconds().count())};
}

// "20150830T123600Z" (16 characters) at out.
inline void format_amz_date(std::chrono::system_clock::time_point t, char* out) noexcept {
    auto c = to_civil(t);
    auto y = static_cast<unsigned>(c.year);
    put2(out, y / 100);
    put2(out + 2, y % 100);
    put2(out + 4, c.month);
    put2(out + 6, c.day);
    out[8] = 'T';
    put2(out + 9, c.hour);
    put2(out + 11, c.minute);
    put2(out + 13, c.second);
    out[15] = 'Z';
}

// "2015-12-30T12:00:00.000Z" (24 characters) at out: the POST policy expiration format.
inline void format_iso8601_millis(std::chrono::system_clock::time_point t, char* out) noexcept {
    auto c = to_civil(t);
    auto y = static_cast<unsigned>(c.year);
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, c.month);
    out[7] = '-';
    put2(out + 8, c.day);
    out[10] = 'T';
    put2(out + 11, c.hour);
    out[13] = ':';
    put2(out + 14, c.minute);
    out[16] = ':';
    put2(out + 17, c.second);
    auto ms = static_cast<unsigned>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000);
    out[19] = '.';
    out[20] = static_cast<char>('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
}

} // namespace cirrus::auth::sigv4::detail
