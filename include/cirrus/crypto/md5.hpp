#pragma once
// MD5 through OpenSSL EVP: Content-MD5 for the S3 calls that require it and the
// PostgreSQL md5 password method. Never used for anything that needs collision resistance.

#include <cirrus/crypto/detail/evp.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

using md5_digest = std::array<std::uint8_t, 16>;
using md5_hasher = detail::evp_hasher<16, detail::fetch_md5>;

inline md5_digest md5(const void* data, std::size_t size) {
    md5_digest out{};
    unsigned int len = 0;
    EVP_Digest(data, size, out.data(), &len, detail::fetch_md5(), nullptr);
    return out;
}
inline md5_digest md5(std::string_view s) { return md5(s.data(), s.size()); }
inline md5_digest md5(std::span<const std::uint8_t> s) { return md5(s.data(), s.size()); }

} // namespace cirrus::crypto
