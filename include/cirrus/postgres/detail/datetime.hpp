#pragma once
// Calendar arithmetic and the ISO text forms PostgreSQL prints for date, time, timestamp,
// timestamptz and interval (DateStyle ISO, IntervalStyle postgres or iso_8601).
// 64-bit proleptic Gregorian with astronomical years (year 0 is 1 BC), so every value
// PostgreSQL can hold (4713 BC to 294276 AD for timestamps, 5874897 AD for dates) is
// representable; std::chrono::year stops at 32767.

#include <charconv>
#include <cirrus/core/ascii.hpp>
#include <cirrus/core/detail/calendar.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::postgres::detail {

// Days between 1970-01-01 and 2000-01-01 (the PostgreSQL epoch).
inline constexpr std::int64_t pg_epoch_days = 10957;
inline constexpr std::int64_t usecs_per_day = 86'400'000'000;
inline constexpr std::int64_t pg_epoch_usecs = pg_epoch_days * usecs_per_day;

using cirrus::detail::days_from_civil;

struct civil_date {
    std::int64_t year; // astronomical
    unsigned month;
    unsigned day;
};

constexpr civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

constexpr bool is_leap(std::int64_t y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : table[m - 1];
}

// --- small text scanner ------------------------------------------------------------

class scanner {
public:
    explicit scanner(std::string_view s) noexcept : s_(s) {}
    bool eof() const noexcept { return s_.empty(); }
    char peek() const noexcept { return s_.empty() ? '\0' : s_[0]; }
    bool consume(char c) noexcept {
        if (!s_.empty() && s_[0] == c) {
            s_.remove_prefix(1);
            return true;
        }
        return false;
    }
    bool consume(std::string_view lit) noexcept {
        if (s_.starts_with(lit)) {
            s_.remove_prefix(lit.size());
            return true;
        }
        return false;
    }
    // Unsigned decimal with between min_digits and max_digits digits.
    bool number(std::int64_t& out, std::size_t min_digits = 1, std::size_t max_digits = 18) noexcept {
        std::size_t n = 0;
        std::int64_t v = 0;
        while (n < s_.size() && s_[n] >= '0' && s_[n] <= '9') {
            if (n == max_digits) return false;
            v = v * 10 + (s_[n] - '0');
            ++n;
        }
        if (n < min_digits) return false;
        s_.remove_prefix(n);
        out = v;
        return true;
    }
    // Fraction digits after '.', as microseconds (rounded half up at the 7th digit).
    bool micros(std::int64_t& out) noexcept {
        std::int64_t v = 0;
        std::size_t n = 0;
        bool round_up = false;
        while (!s_.empty() && s_[0] >= '0' && s_[0] <= '9') {
            if (n < 6) v = v * 10 + (s_[0] - '0');
            else if (n == 6) round_up = s_[0] >= '5';
            ++n;
            s_.remove_prefix(1);
        }
        if (n == 0) return false;
        for (std::size_t i = n; i < 6; ++i) v *= 10;
        out = v + (round_up ? 1 : 0);
        return true;
    }
    std::string_view rest() const noexcept { return s_; }

private:
    std::string_view s_;
};

using ascii::iequals;

// --- parsing ---------------------------------------------------------------------------

// "YYYY-MM-DD" (any number of year digits); returns days since 1970-01-01 before any
// " BC" suffix is applied by the caller.
inline bool scan_date(scanner& sc, std::int64_t& year, unsigned& month, unsigned& day) noexcept {
    std::int64_t y, m, d;
    if (!sc.number(y, 1, 9) || !sc.consume('-') || !sc.number(m, 2, 2) || !sc.consume('-') || !sc.number(d, 2, 2))
        return false;
    if (m < 1 || m > 12 || d < 1) return false;
    year = y;
    month = static_cast<unsigned>(m);
    day = static_cast<unsigned>(d);
    return true;
}

// "HH:MM:SS[.ffffff]" as microseconds since midnight; 24:00:00 is allowed.
inline bool scan_time(scanner& sc, std::int64_t& usecs) noexcept {
    std::int64_t h, m, s, f = 0;
    if (!sc.number(h, 2, 2) || !sc.consume(':') || !sc.number(m, 2, 2)) return false;
    if (sc.consume(':')) {
        if (!sc.number(s, 2, 2)) return false;
        if (sc.consume('.') && !sc.micros(f)) return false;
    } else {
        s = 0;
    }
    if (h > 24 || m > 59 || s > 60) return false;
    usecs = ((h * 60 + m) * 60 + s) * 1'000'000 + f;
    if (usecs > usecs_per_day) return false;
    return true;
}

// Applies the BC suffix: year N BC is astronomical year 1 - N.
inline bool finish_year(scanner& sc, std::int64_t& year) noexcept {
    if (sc.consume(" BC")) {
        if (year < 1) return false;
        year = 1 - year;
    }
    return true;
}

enum class special { none, pos_infinity, neg_infinity };

inline special special_value(std::string_view s) noexcept {
    if (s == "infinity") return special::pos_infinity;
    if (s == "-infinity") return special::neg_infinity;
    return special::none;
}

// Date text -> days since 1970-01-01.
inline bool parse_date_text(std::string_view s, std::int64_t& days) noexcept {
    scanner sc(s);
    std::int64_t y;
    unsigned m, d;
    if (!scan_date(sc, y, m, d) || !finish_year(sc, y) || !sc.eof()) return false;
    if (d > days_in_month(y, m)) return false;
    days = days_from_civil(y, m, d);
    return true;
}

inline bool parse_time_text(std::string_view s, std::int64_t& usecs) noexcept {
    scanner sc(s);
    return scan_time(sc, usecs) && sc.eof();
}

// Timestamp text -> microseconds since 1970-01-01 00:00 (UTC for timestamptz, the wall
// clock for timestamp). The offset, when present ("+02", "-05:30", "+00:19:32"), is
// subtracted. A well-formed timestamp beyond the microsecond range returns false with
// *overflow set (when given), so that it reads as value_out_of_range, as over binary.
inline bool parse_timestamp_text(std::string_view s, bool with_zone, std::int64_t& usecs,
                                 bool* overflow = nullptr) noexcept {
    scanner sc(s);
    std::int64_t y, tod;
    unsigned m, d;
    if (!scan_date(sc, y, m, d) || !(sc.consume(' ') || sc.consume('T')) || !scan_time(sc, tod)) return false;
    std::int64_t offset = 0;
    if (with_zone) {
        char sign = sc.peek();
        if (sign == '+' || sign == '-') {
            sc.consume(sign);
            std::int64_t oh, om = 0, os = 0;
            if (!sc.number(oh, 2, 2)) return false;
            if (sc.consume(':') && !sc.number(om, 2, 2)) return false;
            if (sc.consume(':') && !sc.number(os, 2, 2)) return false;
            offset = ((oh * 60 + om) * 60 + os) * 1'000'000;
            if (sign == '-') offset = -offset;
        } else {
            sc.consume('Z'); // no offset at all reads as UTC
        }
    }
    if (!finish_year(sc, y) || !sc.eof()) return false;
    if (d > days_in_month(y, m)) return false;
    std::int64_t days = days_from_civil(y, m, d);
    std::int64_t v;
    if (__builtin_mul_overflow(days, usecs_per_day, &v) || __builtin_add_overflow(v, tod, &v) ||
        __builtin_sub_overflow(v, offset, &usecs)) {
        if (overflow) *overflow = true;
        return false;
    }
    return true;
}

// Interval text in the postgres style ("1 year 2 mons -3 days +04:05:06.5") or ISO 8601
// ("P1Y2M3DT4H5M6.5S").
inline bool parse_interval_text(std::string_view s, std::int32_t& months, std::int32_t& days,
                                std::int64_t& usecs) noexcept {
    std::int64_t mo = 0, d = 0, us = 0;
    auto fits32 = [](std::int64_t v) {
        return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
    };
    // acc += n * unit, false on overflow.
    auto add_scaled = [](std::int64_t& acc, std::int64_t n, std::int64_t unit) {
        std::int64_t t;
        return !__builtin_mul_overflow(n, unit, &t) && !__builtin_add_overflow(acc, t, &acc);
    };
    if (s.starts_with('P') || s.starts_with("-P")) {
        // ISO 8601 with designators; each number may carry its own sign.
        scanner sc(s);
        if (!sc.consume('P')) return false;
        bool in_time = false;
        while (!sc.eof()) {
            if (sc.consume('T')) {
                in_time = true;
                continue;
            }
            bool neg = sc.consume('-');
            std::int64_t n = 0, frac = 0;
            if (!sc.number(n, 1, 12)) return false;
            bool has_frac = false;
            if (sc.consume('.')) {
                if (!sc.micros(frac)) return false;
                has_frac = true;
            }
            char unit = sc.peek();
            if (!sc.consume(unit)) return false;
            if (neg) {
                n = -n;
                frac = -frac;
            }
            if (!in_time) {
                if (has_frac) return false;
                bool ok = false;
                switch (unit) {
                case 'Y': ok = add_scaled(mo, n, 12); break;
                case 'M': ok = add_scaled(mo, n, 1); break;
                case 'W': ok = add_scaled(d, n, 7); break;
                case 'D': ok = add_scaled(d, n, 1); break;
                default: return false;
                }
                if (!ok) return false;
            } else {
                bool ok = false;
                switch (unit) {
                case 'H': ok = !has_frac && add_scaled(us, n, 3'600'000'000LL); break;
                case 'M': ok = !has_frac && add_scaled(us, n, 60'000'000LL); break;
                case 'S': ok = add_scaled(us, n, 1'000'000LL) && add_scaled(us, frac, 1); break;
                default: return false;
                }
                if (!ok) return false;
            }
            if (!fits32(mo) || !fits32(d)) return false;
        }
    } else {
        scanner sc(s);
        if (sc.consume("@ ")) return false; // postgres_verbose is not supported
        bool any = false;
        while (!sc.eof()) {
            if (any && !sc.consume(' ')) return false;
            any = true;
            bool neg = false;
            if (sc.consume('-')) neg = true;
            else sc.consume('+');
            std::int64_t n = 0;
            if (!sc.number(n, 1, 12)) return false;
            if (sc.consume(':')) {
                std::int64_t mi, se = 0, f = 0;
                if (!sc.number(mi, 2, 2)) return false;
                if (sc.consume(':')) {
                    if (!sc.number(se, 2, 2)) return false;
                    if (sc.consume('.') && !sc.micros(f)) return false;
                }
                if (mi > 59 || se > 59) return false;
                // Accumulate with the sign applied, so that -2562047788:00:54.775808
                // (INT64_MIN microseconds) does not overflow on the way.
                const std::int64_t sign = neg ? -1 : 1;
                std::int64_t t = 0;
                if (!add_scaled(t, n, sign * 3'600'000'000LL) || !add_scaled(t, mi * 60 + se, sign * 1'000'000LL) ||
                    !add_scaled(t, f, sign) || !add_scaled(us, t, 1))
                    return false;
                continue;
            }
            if (!sc.consume(' ')) return false;
            if (neg) n = -n;
            bool ok;
            if (sc.consume("years") || sc.consume("year")) ok = add_scaled(mo, n, 12);
            else if (sc.consume("mons") || sc.consume("mon")) ok = add_scaled(mo, n, 1);
            else if (sc.consume("days") || sc.consume("day")) ok = add_scaled(d, n, 1);
            else return false;
            if (!ok) return false;
            if (!fits32(mo) || !fits32(d)) return false;
        }
        if (!any) return false;
    }
    months = static_cast<std::int32_t>(mo);
    days = static_cast<std::int32_t>(d);
    usecs = us;
    return true;
}

// --- formatting -------------------------------------------------------------------------

template <class Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline void append_padded(std::string& out, std::int64_t v, int width) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (int i = static_cast<int>(r.ptr - buf); i < width; ++i) out.push_back('0');
    out.append(buf, r.ptr);
}

// Appends "YYYY-MM-DD" and returns whether the year is BC (the caller adds " BC").
inline bool append_date_part(std::string& out, std::int64_t days) {
    auto c = civil_from_days(days);
    bool bc = c.year <= 0;
    append_padded(out, bc ? 1 - c.year : c.year, 4);
    out.push_back('-');
    append_padded(out, c.month, 2);
    out.push_back('-');
    append_padded(out, c.day, 2);
    return bc;
}

// Seconds with trailing-zero-trimmed microseconds, as PostgreSQL prints them.
inline void append_seconds(std::string& out, std::int64_t sec, std::int64_t frac) {
    append_padded(out, sec, 2);
    if (frac != 0) {
        out.push_back('.');
        std::string f;
        append_padded(f, frac, 6);
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += f;
    }
}

inline void append_time_part(std::string& out, std::int64_t usecs) {
    std::int64_t frac = usecs % 1'000'000;
    std::int64_t secs = usecs / 1'000'000;
    append_padded(out, secs / 3600, 2);
    out.push_back(':');
    append_padded(out, secs / 60 % 60, 2);
    out.push_back(':');
    append_seconds(out, secs % 60, frac);
}

inline void format_date(std::string& out, std::int64_t days) {
    if (append_date_part(out, days)) out += " BC";
}

inline void format_time(std::string& out, std::int64_t usecs) { append_time_part(out, usecs); }

// Microseconds since 1970 (UTC when with_zone; printed with "+00").
inline void format_timestamp(std::string& out, std::int64_t usecs, bool with_zone) {
    std::int64_t days = usecs / usecs_per_day;
    std::int64_t tod = usecs % usecs_per_day;
    if (tod < 0) {
        tod += usecs_per_day;
        --days;
    }
    bool bc = append_date_part(out, days);
    out.push_back(' ');
    append_time_part(out, tod);
    if (with_zone) out += "+00";
    if (bc) out += " BC";
}

// IntervalStyle postgres.
inline void format_interval(std::string& out, std::int32_t months, std::int32_t days, std::int64_t usecs) {
    bool is_zero = true, is_before = false;
    auto part = [&](std::int64_t v, std::string_view unit) {
        if (v == 0) return;
        if (!is_zero) out.push_back(' ');
        if (is_before && v > 0) out.push_back('+');
        append_int(out, v);
        out.push_back(' ');
        out += unit;
        if (v != 1) out.push_back('s');
        is_before = v < 0;
        is_zero = false;
    };
    part(months / 12, "year");
    part(months % 12, "mon");
    part(days, "day");
    if (is_zero || usecs != 0) {
        bool minus = usecs < 0;
        // |INT64_MIN| does not fit: work on the unsigned magnitude.
        std::uint64_t mag = minus ? 0 - static_cast<std::uint64_t>(usecs) : static_cast<std::uint64_t>(usecs);
        if (!is_zero) out.push_back(' ');
        out += minus ? "-" : (is_before ? "+" : "");
        std::uint64_t frac = mag % 1'000'000;
        std::uint64_t secs = mag / 1'000'000;
        std::string hours;
        append_int(hours, secs / 3600);
        if (hours.size() < 2) out.push_back('0');
        out += hours;
        out.push_back(':');
        append_padded(out, static_cast<std::int64_t>(secs / 60 % 60), 2);
        out.push_back(':');
        append_seconds(out, static_cast<std::int64_t>(secs % 60), static_cast<std::int64_t>(frac));
    }
}

} // namespace cirrus::postgres::detail
