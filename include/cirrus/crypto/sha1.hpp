#pragma once
// SHA-1 through OpenSSL EVP, for x-amz-checksum-sha1 only: S3 still offers it as an
// integrity checksum. Never used where collision resistance matters.

#include <cirrus/crypto/detail/evp.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

using sha1_digest = std::array<std::uint8_t, 20>;
using sha1_hasher = detail::evp_hasher<20, detail::fetch_sha1>;

inline sha1_digest sha1(const void* data, std::size_t size) {
    sha1_digest out{};
    unsigned int len = 0;
    EVP_Digest(data, size, out.data(), &len, detail::fetch_sha1(), nullptr);
    return out;
}
inline sha1_digest sha1(std::string_view s) { return sha1(s.data(), s.size()); }
inline sha1_digest sha1(std::span<const std::uint8_t> s) { return sha1(s.data(), s.size()); }

} // namespace cirrus::crypto
