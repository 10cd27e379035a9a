#pragma once
// CRC-64/NVME (polynomial 0xAD93D23594C93659, reflected, initial value and final xor all
// ones): x-amz-checksum-crc64nvme. Carry-less multiplication (PCLMULQDQ) where the CPU
// has it, slice-by-8 tables elsewhere; crc64nvme(b, crc64nvme(a)) == crc64nvme(a + b).

#include <cirrus/crypto/detail/crc.hpp>
#include <cirrus/crypto/detail/crc_pclmul.hpp>

#include <cstdint>

namespace cirrus::crypto {

// crc64nvme(data, size[, previous]), crc64nvme(text[, previous]), crc64nvme(bytes[, previous]).
inline constexpr detail::fast_crc_function<detail::crc64nvme_engine> crc64nvme{};

// crc64nvme(a + b) from crc64nvme(a), crc64nvme(b) and b.size().
constexpr std::uint64_t crc64nvme_combine(std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t size_b) noexcept {
    return detail::crc64nvme_engine::combine(crc_a, crc_b, size_b);
}

using crc64nvme_hasher = detail::crc_hasher<detail::fast_crc_function<detail::crc64nvme_engine>>;

} // namespace cirrus::crypto
