#pragma once
// CRC-32 (IEEE 802.3, the zlib/gzip/PNG polynomial): x-amz-checksum-crc32.
// Carry-less multiplication (PCLMULQDQ) where the CPU has it, slice-by-8 tables elsewhere;
// crc32(b, crc32(a)) == crc32(a + b), as with zlib's crc32().

#include <cirrus/crypto/detail/crc.hpp>
#include <cirrus/crypto/detail/crc_pclmul.hpp>

#include <cstdint>

namespace cirrus::crypto {

// crc32(data, size[, previous]), crc32(text[, previous]), crc32(bytes[, previous]).
inline constexpr detail::fast_crc_function<detail::crc32_engine> crc32{};

// crc32(a + b) from crc32(a), crc32(b) and b.size().
constexpr std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) noexcept {
    return detail::crc32_engine::combine(crc_a, crc_b, size_b);
}

using crc32_hasher = detail::crc_hasher<detail::fast_crc_function<detail::crc32_engine>>;

} // namespace cirrus::crypto
