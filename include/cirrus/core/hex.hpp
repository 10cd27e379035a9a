#pragma once
// Lower-case hex encoding (what SigV4 and checksums print) and tolerant decoding.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::hex {

inline constexpr char lower_digits[] = "0123456789abcdef";
inline constexpr char upper_digits[] = "0123456789ABCDEF";

namespace detail {
// The two lower-case digits of every byte value, so that encoding is one load and one
// two-byte store per byte (digests are hex-encoded on every signature).
inline constexpr std::array<char, 512> lower_pairs = [] {
    std::array<char, 512> t{};
    for (std::size_t i = 0; i < 256; ++i) {
        t[2 * i] = lower_digits[i >> 4];
        t[2 * i + 1] = lower_digits[i & 0xF];
    }
    return t;
}();
} // namespace detail

// Writes 2 * in.size() characters at out; returns one past the last written.
inline char* encode_to(std::span<const std::uint8_t> in, char* out) noexcept {
    const std::uint8_t* p = in.data();
    const std::size_t n = in.size();
    for (std::size_t i = 0; i < n; ++i) std::memcpy(out + 2 * i, detail::lower_pairs.data() + 2 * p[i], 2);
    return out + 2 * n;
}

inline std::string encode(std::span<const std::uint8_t> in) {
    std::string out(in.size() * 2, '\0');
    encode_to(in, out.data());
    return out;
}

inline std::string encode(std::string_view in) {
    return encode(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()));
}

// Fixed-size digest to a fixed-size hex array, for allocation-free paths.
template <std::size_t N>
std::array<char, 2 * N> encode_array(const std::array<std::uint8_t, N>& in) noexcept {
    std::array<char, 2 * N> out{};
    encode_to(in, out.data());
    return out;
}

constexpr int digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Accepts either case; nullopt on odd length or a non-hex character.
inline std::optional<std::string> decode(std::string_view in) {
    if (in.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.resize(in.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = digit_value(in[2 * i]);
        int lo = digit_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<char>((hi << 4) | lo);
    }
    return out;
}

} // namespace cirrus::hex
