#pragma once
// Calendar arithmetic shared by the HTTP dates and PostgreSQL's date and time types.

#include <cstdint>

namespace cirrus::detail {

// Days since 1970-01-01 of a proleptic Gregorian date with astronomical years (year 0 is
// 1 BC), for any 64-bit year (H. Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace cirrus::detail
