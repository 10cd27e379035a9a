#pragma once
// Reflected CRCs (32 or 64 bits wide) by carry-less multiplication (PCLMULQDQ), about ten
// times the speed of slice-by-8. Selected at run time; nothing needs -mpclmul.
//
// The data is folded 16 bytes at a time. A 128-bit lane holds a polynomial X whose bit k
// is the coefficient of x^(127-k) (the byte order of the data, least significant bit
// first, as reflected CRCs read it). Moving X forward by D bits, onto the data D bits
// later, multiplies it by x^D; with X = h*x^64 + l (h the low quadword), that is
// congruent modulo P to h*(x^(D+63) mod P)*x + l*(x^(D-1) mod P)*x, and the trailing *x
// is exactly what the carry-less product of two 64-bit reflected operands carries. Four
// lanes run in parallel (D = 512), are folded into one (D = 128), and the last lane is
// reduced by the table code, which gives (X * x^W) mod P from the lane's 16 bytes.

#include <cirrus/crypto/detail/crc.hpp>

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#include <wmmintrin.h>
#endif

namespace cirrus::crypto::detail {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

template <class Engine>
struct pclmul_constants {
    // A W-bit reflected remainder as a 64-bit reflected operand.
    static constexpr std::uint64_t widen(typename Engine::reg_type r) noexcept {
        return static_cast<std::uint64_t>(r) << (64 - Engine::width);
    }
    static constexpr std::uint64_t fold128_low = widen(Engine::x_pow_mod(128 + 63));
    static constexpr std::uint64_t fold128_high = widen(Engine::x_pow_mod(128 - 1));
    static constexpr std::uint64_t fold512_low = widen(Engine::x_pow_mod(512 + 63));
    static constexpr std::uint64_t fold512_high = widen(Engine::x_pow_mod(512 - 1));
};

// k holds the constant for the low quadword of x in its low quadword, and for the high
// quadword in its high one.
__attribute__((target("pclmul"))) inline __m128i pclmul_fold(__m128i x, __m128i k) noexcept {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul"))) inline __m128i pclmul_load(const unsigned char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

template <class Engine>
__attribute__((target("pclmul"))) inline typename Engine::reg_type pclmul_update(typename Engine::reg_type reg,
                                                                                 const unsigned char* p,
                                                                                 std::size_t n) noexcept {
    using constants = pclmul_constants<Engine>;
    if (n < 64) return Engine::update(reg, p, n);
    const __m128i k512 = _mm_set_epi64x(static_cast<long long>(constants::fold512_high),
                                        static_cast<long long>(constants::fold512_low));
    const __m128i k128 = _mm_set_epi64x(static_cast<long long>(constants::fold128_high),
                                        static_cast<long long>(constants::fold128_low));
    // The register is the polynomial in front of the data: it adds into the first bits.
    __m128i x0 = _mm_xor_si128(pclmul_load(p), _mm_cvtsi64_si128(static_cast<long long>(reg)));
    __m128i x1 = pclmul_load(p + 16);
    __m128i x2 = pclmul_load(p + 32);
    __m128i x3 = pclmul_load(p + 48);
    p += 64;
    n -= 64;
    for (; n >= 64; p += 64, n -= 64) {
        x0 = _mm_xor_si128(pclmul_fold(x0, k512), pclmul_load(p));
        x1 = _mm_xor_si128(pclmul_fold(x1, k512), pclmul_load(p + 16));
        x2 = _mm_xor_si128(pclmul_fold(x2, k512), pclmul_load(p + 32));
        x3 = _mm_xor_si128(pclmul_fold(x3, k512), pclmul_load(p + 48));
    }
    __m128i x = _mm_xor_si128(pclmul_fold(x0, k128), x1);
    x = _mm_xor_si128(pclmul_fold(x, k128), x2);
    x = _mm_xor_si128(pclmul_fold(x, k128), x3);
    for (; n >= 16; p += 16, n -= 16) x = _mm_xor_si128(pclmul_fold(x, k128), pclmul_load(p));

    alignas(16) unsigned char lane[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(lane), x);
    reg = Engine::update(0, lane, sizeof lane);
    return Engine::update(reg, p, n);
}

inline bool pclmul_available() noexcept {
    static const bool available = [] {
        __builtin_cpu_init(); // needed when first called from a static initializer
        return __builtin_cpu_supports("pclmul") != 0;
    }();
    return available;
}

// The register after `n` bytes: PCLMUL when the CPU has it, tables otherwise.
template <class Engine>
typename Engine::reg_type fast_update(typename Engine::reg_type reg, const unsigned char* p, std::size_t n) noexcept {
    return pclmul_available() ? pclmul_update<Engine>(reg, p, n) : Engine::update(reg, p, n);
}

#else

inline bool pclmul_available() noexcept { return false; }

template <class Engine>
typename Engine::reg_type pclmul_update(typename Engine::reg_type reg, const unsigned char* p, std::size_t n) noexcept {
    return Engine::update(reg, p, n);
}

template <class Engine>
typename Engine::reg_type fast_update(typename Engine::reg_type reg, const unsigned char* p, std::size_t n) noexcept {
    return Engine::update(reg, p, n);
}

#endif

// The finalized CRC through fast_update, and through PCLMUL alone (only faster when
// pclmul_available(); correct either way).
template <class Engine>
typename Engine::reg_type fast_crc(const void* data, std::size_t size, typename Engine::reg_type previous) noexcept {
    return ~fast_update<Engine>(~previous, static_cast<const unsigned char*>(data), size);
}
template <class Engine>
typename Engine::reg_type pclmul_crc(const void* data, std::size_t size, typename Engine::reg_type previous) noexcept {
    return ~pclmul_update<Engine>(~previous, static_cast<const unsigned char*>(data), size);
}

// The function object (crc_function) of a CRC computed by fast_crc: crc32 and crc64nvme.
template <class Engine>
using fast_crc_function = crc_function<typename Engine::reg_type, &fast_crc<Engine>>;

} // namespace cirrus::crypto::detail
