#pragma once
// ISO 8601 UTC timestamps as AWS writes them (credential expirations, S3's LastModified):
// "2024-05-01T12:00:00Z", with optional fractional seconds or a numeric offset.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::iso8601 {

inline std::optional<std::chrono::system_clock::time_point> parse(std::string_view s) noexcept {
    using namespace std::chrono;
    std::size_t pos = 0;
    auto digits = [&](std::size_t n, int& out) {
        if (pos + n > s.size()) return false;
        int v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = s[pos + i];
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        out = v;
        pos += n;
        return true;
    };
    auto expect = [&](auto pred) {
        if (pos >= s.size() || !pred(s[pos])) return false;
        ++pos;
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(4, y) || !expect([](char c) { return c == '-'; }) || !digits(2, mo) ||
        !expect([](char c) { return c == '-'; }) || !digits(2, d) ||
        !expect([](char c) { return c == 'T' || c == 't' || c == ' '; }) || !digits(2, h) ||
        !expect([](char c) { return c == ':'; }) || !digits(2, mi) || !expect([](char c) { return c == ':'; }) ||
        !digits(2, sec))
        return std::nullopt;
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt; // 60: a leap second
    // system_clock counts nanoseconds in 64 bits: years 1678..2261 are representable.
    if (y < 1678 || y > 2261) return std::nullopt;
    nanoseconds fraction{0};
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::int64_t scale = 100'000'000;
        std::size_t count = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            fraction += nanoseconds{(s[pos] - '0') * scale};
            scale /= 10;
            ++pos;
            ++count;
        }
        if (count == 0) return std::nullopt;
    }
    minutes offset{0};
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const bool negative = s[pos] == '-';
        ++pos;
        int oh = 0, om = 0;
        if (!digits(2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (!digits(2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = hours{oh} + minutes{om};
        if (negative) offset = -offset;
    } else {
        return std::nullopt; // a time without a zone is ambiguous
    }
    if (pos != s.size()) return std::nullopt;
    const auto tp = sys_days{date} + hours{h} + minutes{mi} + seconds{sec} - offset;
    return time_point_cast<system_clock::duration>(tp + fraction);
}

// "2024-05-01T12:00:00Z" (whole seconds).
inline std::string format(std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(tp);
    const auto day_start = floor<days>(secs);
    const year_month_day date{day_start};
    const hh_mm_ss<seconds> time{secs - day_start};
    char buf[32];
    auto put = [&](std::size_t at, unsigned value, std::size_t width) {
        for (std::size_t i = width; i-- > 0; value /= 10) buf[at + i] = static_cast<char>('0' + value % 10);
    };
    const int y = static_cast<int>(date.year());
    put(0, static_cast<unsigned>(y < 0 ? 0 : y), 4);
    buf[4] = '-';
    put(5, static_cast<unsigned>(date.month()), 2);
    buf[7] = '-';
    put(8, static_cast<unsigned>(date.day()), 2);
    buf[10] = 'T';
    put(11, static_cast<unsigned>(time.hours().count()), 2);
    buf[13] = ':';
    put(14, static_cast<unsigned>(time.minutes().count()), 2);
    buf[16] = ':';
    put(17, static_cast<unsigned>(time.seconds().count()), 2);
    buf[19] = 'Z';
    return std::string(buf, 20);
}

} // namespace cirrus::iso8601
