#pragma once
// CRC-32C (Castagnoli): x-amz-checksum-crc32c, and the checksum of many storage formats.
// x86-64 CPUs with SSE4.2 have an instruction for it; it is selected at run time, so
// nothing needs -msse4.2, and slice-by-8 tables serve every other CPU.
//
// crc32c(b, crc32c(a)) == crc32c(a + b), as with zlib's crc32().

#include <cirrus/crypto/detail/crc.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#endif

namespace cirrus::crypto {
namespace detail {

inline std::uint32_t crc32c_software(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return ~crc32c_engine::update(~previous, static_cast<const unsigned char*>(data), size);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

// The crc32 instruction has a latency of three cycles and a throughput of one, so long
// inputs run as three independent streams over adjacent blocks; the registers are then
// merged by appending the later blocks' length as zeros (one table lookup per byte of
// register) and xoring.
inline constexpr std::size_t crc32c_long_block = 8192;
inline constexpr std::size_t crc32c_short_block = 256;
inline constexpr crc32c_engine::shift_table crc32c_long_shift = crc32c_engine::make_shift_table(crc32c_long_block);
inline constexpr crc32c_engine::shift_table crc32c_short_shift = crc32c_engine::make_shift_table(crc32c_short_block);

__attribute__((target("sse4.2"))) inline void crc32c_sse42_streams(std::uint64_t& reg, const unsigned char*& p,
                                                                   std::size_t& n, std::size_t block,
                                                                   const crc32c_engine::shift_table& shift) noexcept {
    while (n >= 3 * block) {
        std::uint64_t c0 = reg, c1 = 0, c2 = 0;
        const unsigned char* const end = p + block;
        do {
            c0 = _mm_crc32_u64(c0, load_le64(p));
            c1 = _mm_crc32_u64(c1, load_le64(p + block));
            c2 = _mm_crc32_u64(c2, load_le64(p + 2 * block));
            p += 8;
        } while (p != end);
        c0 = shift(static_cast<std::uint32_t>(c0)) ^ c1;
        reg = shift(static_cast<std::uint32_t>(c0)) ^ c2;
        p += 2 * block;
        n -= 3 * block;
    }
}

__attribute__((target("sse4.2"))) inline std::uint32_t crc32c_sse42_update(std::uint32_t reg32, const unsigned char* p,
                                                                           std::size_t n) noexcept {
    std::uint64_t reg = reg32;
    // Align the word loads (an unaligned word costs a split load on every cache line).
    while (n != 0 && (reinterpret_cast<std::uintptr_t>(p) & 7) != 0) {
        reg = _mm_crc32_u8(static_cast<std::uint32_t>(reg), *p++);
        --n;
    }
    crc32c_sse42_streams(reg, p, n, crc32c_long_block, crc32c_long_shift);
    crc32c_sse42_streams(reg, p, n, crc32c_short_block, crc32c_short_shift);
    for (; n >= 8; n -= 8, p += 8) reg = _mm_crc32_u64(reg, load_le64(p));
    auto r = static_cast<std::uint32_t>(reg);
    while (n-- != 0) r = _mm_crc32_u8(r, *p++);
    return r;
}

inline bool crc32c_hardware_available() noexcept {
    static const bool available = [] {
        __builtin_cpu_init(); // needed when first called from a static initializer
        return __builtin_cpu_supports("sse4.2") != 0;
    }();
    return available;
}

// Only valid when crc32c_hardware_available().
inline std::uint32_t crc32c_hardware(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return ~crc32c_sse42_update(~previous, static_cast<const unsigned char*>(data), size);
}

#else

inline bool crc32c_hardware_available() noexcept { return false; }
inline std::uint32_t crc32c_hardware(const void* data, std::size_t size, std::uint32_t previous = 0) noexcept {
    return crc32c_software(data, size, previous);
}

#endif

} // namespace detail

namespace detail {
inline std::uint32_t crc32c_compute(const void* data, std::size_t size, std::uint32_t previous) noexcept {
    return crc32c_hardware_available() ? crc32c_hardware(data, size, previous) : crc32c_software(data, size, previous);
}
using crc32c_function = crc_function<std::uint32_t, &crc32c_compute>;
} // namespace detail

// crc32c(data, size[, previous]), crc32c(text[, previous]), crc32c(bytes[, previous]).
inline constexpr detail::crc32c_function crc32c{};

// crc32c(a + b) from crc32c(a), crc32c(b) and b.size(): whole-object checksums from the
// checksums of parts computed in parallel.
constexpr std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) noexcept {
    return detail::crc32c_engine::combine(crc_a, crc_b, size_b);
}

// Incremental CRC-32C: update() any number of times, finish() for the value.
using crc32c_hasher = detail::crc_hasher<detail::crc32c_function>;

} // namespace cirrus::crypto
