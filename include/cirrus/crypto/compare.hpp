#pragma once
// Comparison of secrets (signatures, MACs, SCRAM proofs) in time that does not depend on
// where the inputs first differ. Only the length may leak, and lengths here are public
// (a digest's size is fixed by its algorithm).

#include <openssl/crypto.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

inline bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace cirrus::crypto
