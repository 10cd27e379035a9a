#pragma once
// See slow_lookup.cpp: a host name whose lookup takes slow_lookup_delay and then fails.
// ".invalid" never resolves anywhere (RFC 6761), should the override not be linked.

#include <chrono>

namespace cirrus::test {
inline constexpr const char* slow_lookup_name = "slow-lookup.cirrus.invalid";
inline constexpr std::chrono::milliseconds slow_lookup_delay{2000};
} // namespace cirrus::test
