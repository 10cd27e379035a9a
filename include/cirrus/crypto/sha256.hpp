#pragma once
// SHA-256 through OpenSSL EVP.

#include <cirrus/crypto/detail/evp.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

using sha256_digest = std::array<std::uint8_t, 32>;

// Reusable incremental hasher: update() any number of times, finish() for the digest.
using sha256_hasher = detail::evp_hasher<32, detail::fetch_sha256>;

inline sha256_digest sha256(const void* data, std::size_t size) {
    sha256_digest out{};
    unsigned int len = 0;
    EVP_Digest(data, size, out.data(), &len, detail::fetch_sha256(), nullptr);
    return out;
}
inline sha256_digest sha256(std::string_view s) { return sha256(s.data(), s.size()); }
inline sha256_digest sha256(std::span<const std::uint8_t> s) { return sha256(s.data(), s.size()); }

// Hex SHA-256 of the empty string: the payload hash of every body-less request.
inline constexpr std::string_view empty_sha256_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

} // namespace cirrus::crypto
