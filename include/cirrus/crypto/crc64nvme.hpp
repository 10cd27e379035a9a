#pragma once
// CRC-64/NVME (polynomial 0xAD93D23594C93659, reflected, initial value and final xor all
// ones): x-amz-checksum-crc64nvme. Carry-less multiplication (PCLMULQDQ) where the CPU
// has it, slice-by-8 tables elsewhere; crc64nvme(b, crc64nvme(a)) == crc64nvme(a + b).

#include <cirrus/crypto/detail/crc.hpp>
#include <cirrus/crypto/detail/crc_pclmul.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::crypto {

namespace detail {
inline std::uint64_t crc64nvme_software(const void* data, std::size_t size, std::uint64_t previous = 0) noexcept {
    return ~crc64nvme_engine::update(~previous, static_cast<const unsigned char*>(data), size);
}
// Only faster when pclmul_available(); correct either way.
inline std::uint64_t crc64nvme_hardware(const void* data, std::size_t size, std::uint64_t previous = 0) noexcept {
    return ~pclmul_update<crc64nvme_engine>(~previous, static_cast<const unsigned char*>(data), size);
}
} // namespace detail

inline std::uint64_t crc64nvme(const void* data, std::size_t size, std::uint64_t previous = 0) noexcept {
    return ~detail::fast_update<detail::crc64nvme_engine>(~previous, static_cast<const unsigned char*>(data), size);
}
inline std::uint64_t crc64nvme(std::string_view s, std::uint64_t previous = 0) noexcept {
    return crc64nvme(s.data(), s.size(), previous);
}
inline std::uint64_t crc64nvme(std::span<const std::uint8_t> s, std::uint64_t previous = 0) noexcept {
    return crc64nvme(s.data(), s.size(), previous);
}

// crc64nvme(a + b) from crc64nvme(a), crc64nvme(b) and b.size().
constexpr std::uint64_t crc64nvme_combine(std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t size_b) noexcept {
    return detail::crc64nvme_engine::combine(crc_a, crc_b, size_b);
}

using crc64nvme_hasher = detail::crc_hasher<std::uint64_t, crc64nvme>;

} // namespace cirrus::crypto
