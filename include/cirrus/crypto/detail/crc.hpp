#pragma once
// Table-driven CRCs over reflected polynomials (all the CRCs S3 checksums use are
// reflected, with initial value and final xor all ones). Everything here works on the raw
// register, without the initial and final inversion; the public headers add those.
//
// - slice-by-8 tables, generated at compile time: eight bytes per step.
// - multiplication modulo the polynomial, which appends n zero bytes to a register in
//   O(width * log n): the basis of combine() (the CRC of A||B from the CRCs of A and B),
//   of the three-stream hardware CRC32C and of the PCLMUL folding constants.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>

namespace cirrus::crypto::detail {

inline std::uint64_t load_le64(const unsigned char* p) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        std::uint64_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    } else {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
        return v;
    }
}

// Reg is the register type (uint32_t or uint64_t); Poly is the reflected polynomial.
template <class Reg, Reg Poly>
struct reflected_crc {
    using reg_type = Reg;
    static constexpr int width = sizeof(Reg) * 8;
    static constexpr Reg top_bit = Reg{1} << (width - 1); // x^0 in reflected order

    static constexpr std::array<std::array<Reg, 256>, 8> make_tables() noexcept {
        std::array<std::array<Reg, 256>, 8> t{};
        for (unsigned i = 0; i < 256; ++i) {
            Reg r = i;
            for (int bit = 0; bit < 8; ++bit) r = (r & 1) ? (r >> 1) ^ Poly : r >> 1;
            t[0][i] = r;
        }
        // t[k][i]: the register after byte i followed by k zero bytes.
        for (std::size_t k = 1; k < 8; ++k)
            for (unsigned i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
        return t;
    }
    static constexpr std::array<std::array<Reg, 256>, 8> tables = make_tables();

    static Reg update(Reg reg, const unsigned char* p, std::size_t n) noexcept {
        const auto& t = tables;
        while (n >= 8) {
            // The register overlaps the first sizeof(Reg) bytes of the word.
            std::uint64_t w = load_le64(p) ^ reg;
            reg = static_cast<Reg>(t[7][w & 0xFF] ^ t[6][(w >> 8) & 0xFF] ^ t[5][(w >> 16) & 0xFF] ^
                                   t[4][(w >> 24) & 0xFF] ^ t[3][(w >> 32) & 0xFF] ^ t[2][(w >> 40) & 0xFF] ^
                                   t[1][(w >> 48) & 0xFF] ^ t[0][w >> 56]);
            p += 8;
            n -= 8;
        }
        while (n-- != 0) reg = (reg >> 8) ^ t[0][(reg ^ *p++) & 0xFF];
        return reg;
    }

    // a * b modulo the polynomial, both in reflected order.
    static constexpr Reg multiply(Reg a, Reg b) noexcept {
        Reg product = 0;
        for (Reg m = top_bit; m != 0; m >>= 1) {
            if (a & m) {
                product ^= b;
                if ((a & (m - 1)) == 0) break;
            }
            b = (b & 1) ? (b >> 1) ^ Poly : b >> 1;
        }
        return product;
    }

    // powers[k] = x^(2^k) mod P, for every bit of a 64-bit byte count times 8.
    static constexpr std::array<Reg, 67> make_powers() noexcept {
        std::array<Reg, 67> p{};
        p[0] = top_bit >> 1; // x^1
        for (std::size_t k = 1; k < p.size(); ++k) p[k] = multiply(p[k - 1], p[k - 1]);
        return p;
    }
    static constexpr std::array<Reg, 67> powers = make_powers();

    // x^n mod P, for n < 2^64.
    static constexpr Reg x_pow_mod(std::uint64_t n) noexcept {
        Reg r = top_bit; // x^0
        for (std::size_t k = 0; n != 0; n >>= 1, ++k)
            if (n & 1) r = multiply(powers[k], r);
        return r;
    }

    // x^(8 * bytes) mod P: the operator that appends `bytes` zero bytes to a register.
    static constexpr Reg zeros_operator(std::uint64_t bytes) noexcept {
        Reg r = top_bit; // x^0
        for (std::size_t k = 3; bytes != 0; bytes >>= 1, ++k)
            if (bytes & 1) r = multiply(powers[k], r);
        return r;
    }

    // CRC of A||B from crc(A), crc(B) and |B|. Valid for finalized values too when the
    // initial value and the final xor are equal (all ones here): the inversions cancel.
    static constexpr Reg combine(Reg crc_a, Reg crc_b, std::uint64_t size_b) noexcept {
        return multiply(zeros_operator(size_b), crc_a) ^ crc_b;
    }

    // A byte-wise table for appending a fixed number of zero bytes in sizeof(Reg) lookups.
    struct shift_table {
        std::array<std::array<Reg, 256>, sizeof(Reg)> t{};
        constexpr Reg operator()(Reg reg) const noexcept {
            Reg out = 0;
            for (std::size_t i = 0; i < sizeof(Reg); ++i) out ^= t[i][(reg >> (8 * i)) & 0xFF];
            return out;
        }
    };
    static constexpr shift_table make_shift_table(std::uint64_t bytes) noexcept {
        shift_table s;
        const Reg op = zeros_operator(bytes);
        for (std::size_t i = 0; i < sizeof(Reg); ++i)
            for (unsigned b = 0; b < 256; ++b) s.t[i][b] = multiply(op, Reg(b) << (8 * i));
        return s;
    }
};

inline constexpr std::uint32_t crc32c_poly = 0x82F63B78u;            // Castagnoli, reflected
inline constexpr std::uint32_t crc32_poly = 0xEDB88320u;             // IEEE 802.3 / zlib, reflected
inline constexpr std::uint64_t crc64nvme_poly = 0x9A6C9329AC4BC9B5u; // NVMe, reflected

using crc32c_engine = reflected_crc<std::uint32_t, crc32c_poly>;
using crc32_engine = reflected_crc<std::uint32_t, crc32_poly>;
using crc64nvme_engine = reflected_crc<std::uint64_t, crc64nvme_poly>;

// The finalized CRC (initial and final inversion applied) from the tables alone.
template <class Engine>
typename Engine::reg_type software_crc(const void* data, std::size_t size,
                                       typename Engine::reg_type previous) noexcept {
    return ~Engine::update(~previous, static_cast<const unsigned char*>(data), size);
}

// A CRC as a function object, with the overloads each of the three offers:
// crc(data, size[, previous]), crc(text[, previous]) and crc(bytes[, previous]), where
// previous continues an earlier result: crc(b, crc(a)) == crc(a + b). Compute returns the
// finalized CRC of (data, size) continuing `previous`.
template <class Reg, Reg (*Compute)(const void*, std::size_t, Reg) noexcept>
struct crc_function {
    using value_type = Reg;

    Reg operator()(const void* data, std::size_t size, Reg previous = 0) const noexcept {
        return Compute(data, size, previous);
    }
    Reg operator()(std::string_view s, Reg previous = 0) const noexcept {
        return Compute(s.data(), s.size(), previous);
    }
    Reg operator()(std::span<const std::uint8_t> s, Reg previous = 0) const noexcept {
        return Compute(s.data(), s.size(), previous);
    }
};

// The incremental hasher shared by the three CRCs: Function is the CRC's crc_function.
template <class Function>
class crc_hasher {
public:
    using value_type = typename Function::value_type;
    using Reg = value_type;

    void update(const void* data, std::size_t size) noexcept { value_ = Function{}(data, size, value_); }
    void update(std::string_view s) noexcept { update(s.data(), s.size()); }
    void update(std::span<const std::uint8_t> s) noexcept { update(s.data(), s.size()); }

    // The CRC of everything since the last reset, without resetting.
    Reg value() const noexcept { return value_; }
    void reset() noexcept { value_ = 0; }
    // Returns the CRC and leaves the hasher ready for the next message.
    Reg finish() noexcept { return std::exchange(value_, Reg{0}); }

private:
    Reg value_ = 0;
};

} // namespace cirrus::crypto::detail
