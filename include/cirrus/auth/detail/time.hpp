#pragma once
// ISO 8601 timestamps of credential expirations (core/iso8601.hpp).

#include <cirrus/core/iso8601.hpp>

namespace cirrus::auth::detail {

inline std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s) noexcept {
    return iso8601::parse(s);
}
inline std::string format_iso8601(std::chrono::system_clock::time_point tp) { return iso8601::format(tp); }

} // namespace cirrus::auth::detail
