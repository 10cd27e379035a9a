#pragma once
// Standard base64 (RFC 4648, with padding): Content-MD5, checksums, POST policies, SCRAM.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::base64 {

inline constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::size_t encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

// Writes encoded_size(in.size()) characters at out; returns one past the last written.
inline char* encode_to(std::span<const std::uint8_t> in, char* out) noexcept {
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = alphabet[(v >> 6) & 63];
        *out++ = alphabet[v & 63];
    }
    std::size_t rest = in.size() - i;
    if (rest == 1) {
        std::uint32_t v = std::uint32_t{in[i]} << 16;
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (rest == 2) {
        std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
        *out++ = alphabet[(v >> 18) & 63];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
    return out;
}

inline std::string encode(std::span<const std::uint8_t> in) {
    std::string out(encoded_size(in.size()), '\0');
    encode_to(in, out.data());
    return out;
}

inline std::string encode(std::string_view in) {
    return encode(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()));
}

constexpr int value_of(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Strict decoding: length a multiple of 4, padding only at the end, no whitespace.
inline std::optional<std::string> decode(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    if (!in.empty() && in.back() == '=') ++pad;
    if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        bool last = i + 4 == in.size();
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = in[i + j];
            int d;
            if (c == '=' && last && j >= 4 - pad) {
                d = 0;
            } else {
                d = value_of(c);
                if (d < 0) return std::nullopt;
            }
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        out.push_back(static_cast<char>(v >> 16));
        if (!(last && pad >= 2)) out.push_back(static_cast<char>((v >> 8) & 0xFF));
        if (!(last && pad >= 1)) out.push_back(static_cast<char>(v & 0xFF));
    }
    return out;
}

} // namespace cirrus::base64
