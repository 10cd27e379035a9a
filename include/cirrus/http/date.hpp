#pragma once
// HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime
// forms a recipient must still accept. Used to read a server's clock from its Date header.

#include <cirrus/core/detail/calendar.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cirrus::http {

namespace detail {

using cirrus::detail::days_from_civil;

constexpr int month_from_name(std::string_view m) noexcept {
    constexpr std::string_view names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (m == names[i]) return i + 1;
    return 0;
}

class date_cursor {
public:
    explicit constexpr date_cursor(std::string_view s) noexcept : s_(s) {}
    constexpr bool literal(std::string_view lit) noexcept {
        if (s_.substr(i_, lit.size()) != lit) return false;
        i_ += lit.size();
        return true;
    }
    constexpr void spaces() noexcept {
        while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    }
    constexpr std::optional<int> number(std::size_t min_digits, std::size_t max_digits) noexcept {
        int v = 0;
        std::size_t n = 0;
        while (i_ < s_.size() && n < max_digits && s_[i_] >= '0' && s_[i_] <= '9') {
            v = v * 10 + (s_[i_] - '0');
            ++i_;
            ++n;
        }
        if (n < min_digits) return std::nullopt;
        return v;
    }
    constexpr std::string_view word() noexcept {
        const std::size_t start = i_;
        while (i_ < s_.size() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z'))) ++i_;
        return s_.substr(start, i_ - start);
    }
    constexpr bool at_end() const noexcept { return i_ == s_.size(); }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

// The years a Date may name: no real clock is outside them, and within them the time
// minus a system_clock::time_point (nanoseconds, which end in 2262) cannot overflow.
inline constexpr int earliest_http_year = 1900;
inline constexpr int latest_http_year = 2199;

constexpr std::optional<std::chrono::sys_seconds> make_time(int year, int month, int day, int h, int m,
                                                            int s) noexcept {
    if (year < earliest_http_year || year > latest_http_year) return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
    const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    return std::chrono::sys_seconds{std::chrono::seconds{days * 86400 + h * 3600 + m * 60 + s}};
}

} // namespace detail

// Parses "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" and
// "Sun Nov  6 08:49:37 1994". nullopt for anything else, and for a year outside 1900-2199.
constexpr std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) noexcept {
    detail::date_cursor c(s);
    const std::string_view weekday = c.word();
    if (weekday.size() < 3) return std::nullopt;
    if (c.literal(",")) {
        c.spaces();
        const auto day = c.number(1, 2);
        if (!day) return std::nullopt;
        int year = 0;
        int month = 0;
        if (c.literal(" ")) { // IMF-fixdate
            month = detail::month_from_name(c.word());
            if (!c.literal(" ")) return std::nullopt;
            const auto y = c.number(4, 4);
            if (!y) return std::nullopt;
            year = *y;
        } else if (c.literal("-")) { // RFC 850
            month = detail::month_from_name(c.word());
            if (!c.literal("-")) return std::nullopt;
            const auto y = c.number(2, 2);
            if (!y) return std::nullopt;
            year = *y < 70 ? 2000 + *y : 1900 + *y;
        } else {
            return std::nullopt;
        }
        if (month == 0 || !c.literal(" ")) return std::nullopt;
        const auto h = c.number(2, 2);
        if (!h || !c.literal(":")) return std::nullopt;
        const auto m = c.number(2, 2);
        if (!m || !c.literal(":")) return std::nullopt;
        const auto sec = c.number(2, 2);
        if (!sec || !c.literal(" GMT") || !c.at_end()) return std::nullopt;
        return detail::make_time(year, month, *day, *h, *m, *sec);
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (!c.literal(" ")) return std::nullopt;
    const int month = detail::month_from_name(c.word());
    if (month == 0) return std::nullopt;
    c.spaces();
    const auto day = c.number(1, 2);
    if (!day || !c.literal(" ")) return std::nullopt;
    const auto h = c.number(2, 2);
    if (!h || !c.literal(":")) return std::nullopt;
    const auto m = c.number(2, 2);
    if (!m || !c.literal(":")) return std::nullopt;
    const auto sec = c.number(2, 2);
    if (!sec || !c.literal(" ")) return std::nullopt;
    const auto year = c.number(4, 4);
    if (!year || !c.at_end()) return std::nullopt;
    return detail::make_time(*year, month, *day, *h, *m, *sec);
}

// Writes the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT", 29 characters).
inline std::array<char, 29> format_http_date(std::chrono::sys_seconds t) noexcept {
    constexpr std::string_view days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto dp = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{dp};
    const std::chrono::hh_mm_ss hms{t - dp};
    const auto day_count = dp.time_since_epoch().count();
    const auto wd = static_cast<std::size_t>(((day_count % 7) + 7) % 7);
    std::array<char, 29> out{};
    auto put2 = [&](std::size_t at, unsigned v) {
        out[at] = static_cast<char>('0' + v / 10);
        out[at + 1] = static_cast<char>('0' + v % 10);
    };
    for (std::size_t i = 0; i < 3; ++i) out[i] = days[wd][i];
    out[3] = ',';
    out[4] = ' ';
    put2(5, static_cast<unsigned>(ymd.day()));
    out[7] = ' ';
    for (std::size_t i = 0; i < 3; ++i) out[8 + i] = months[static_cast<unsigned>(ymd.month()) - 1][i];
    out[11] = ' ';
    const int y = static_cast<int>(ymd.year());
    put2(12, static_cast<unsigned>(y / 100 % 100));
    put2(14, static_cast<unsigned>(y % 100));
    out[16] = ' ';
    put2(17, static_cast<unsigned>(hms.hours().count()));
    out[19] = ':';
    put2(20, static_cast<unsigned>(hms.minutes().count()));
    out[22] = ':';
    put2(23, static_cast<unsigned>(hms.seconds().count()));
    const std::string_view gmt = " GMT";
    for (std::size_t i = 0; i < 4; ++i) out[25 + i] = gmt[i];
    return out;
}

} // namespace cirrus::http
