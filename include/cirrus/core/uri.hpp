#pragma once
// Percent-encoding as SigV4 defines it: every byte except the unreserved set
// A-Z a-z 0-9 - _ . ~ becomes %XX with upper-case hex. Paths keep '/'.

#include <cirrus/core/hex.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus::uri {

constexpr bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

enum class slash { encode, keep };

// Appends the encoding of `in` to any container with push_back(char) (std::string,
// cirrus::buffer).
template <class Out>
void encode_to(std::string_view in, Out& out, slash s = slash::encode) {
    for (char c : in) {
        if (is_unreserved(c) || (c == '/' && s == slash::keep)) {
            out.push_back(c);
        } else {
            auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex::upper_digits[b >> 4]);
            out.push_back(hex::upper_digits[b & 0xF]);
        }
    }
}

inline std::string encode(std::string_view in, slash s = slash::encode) {
    std::string out;
    out.reserve(in.size() + in.size() / 2);
    encode_to(in, out, s);
    return out;
}

inline std::string encode_path(std::string_view in) { return encode(in, slash::keep); }

// Decodes %XX sequences; a '%' not followed by two hex digits is kept literally, and
// '+' stays '+' (SigV4 never treats it as a space).
template <class Out>
void decode_to(std::string_view in, Out& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size()) {
            int hi = hex::digit_value(in[i + 1]);
            int lo = hex::digit_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>((hi << 4) | lo));
                i += 2;
                continue;
            }
        }
        out.push_back(in[i]);
    }
}

inline std::string decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    decode_to(in, out);
    return out;
}

} // namespace cirrus::uri
