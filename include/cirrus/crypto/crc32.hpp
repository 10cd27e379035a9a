#pragma once
// CRC-32 (IEEE 802.3, the zlib/gzip/PNG polynomial): x-amz-checksum-crc32.
// Carry-less multiplication (PCLMULQDQ) where the CPU has it, slice-by-8 tables elsewhere;
// crc32(b, crc32(a)) == crc32(a + b), as with zlib's crc32().

#include <cirrus/crypto/detail/crc.hpp>
#include <cirrus/crypto/detail/crc_pclmul.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

namespace detail {
inline std::uint32_t crc32_software(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return ~crc32_engine::update(~previous, static_cast<const unsigned char*>(data), size);
}
// Only faster when pclmul_available(); correct either way.
inline std::uint32_t crc32_hardware(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return ~pclmul_update<crc32_engine>(~previous, static_cast<const unsigned char*>(data), size);
}
} // namespace detail

inline std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return ~detail::fast_update<detail::crc32_engine>(~previous, static_cast<const unsigned char*>(data), size);
}
inline std::uint32_t crc32(std::string_view s, std::uint32_t previous = 0) noexcept {
    return crc32(s.data(), s.size(), previous);
}
inline std::uint32_t crc32(std::span<const std::uint8_t> s, std::uint32_t previous = 0) noexcept {
    return crc32(s.data(), s.size(), previous);
}

// crc32(a + b) from crc32(a), crc32(b) and b.size().
constexpr std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) noexcept {
    return detail::crc32_engine::combine(crc_a, crc_b, size_b);
}

using crc32_hasher = detail::crc_hasher<std::uint32_t, crc32>;

} // namespace cirrus::crypto
