#pragma once
// ASCII case helpers for protocol tokens (header names, keywords, enum spellings), which
// are compared without regard to case and without any locale.

#include <cstddef>
#include <string_view>

namespace cirrus::ascii {

constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

} // namespace cirrus::ascii
