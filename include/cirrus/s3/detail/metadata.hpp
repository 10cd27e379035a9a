#pragma once
// User metadata values outside ASCII, the way S3 itself returns them: RFC 2047 encoded
// words. HTTP header values are ASCII by convention (boto3 refuses anything else, and reads
// raw UTF-8 bytes as Latin-1 mojibake), so a value with a byte over 0x7F goes out as one
// encoded word, "=?UTF-8?B?<base64 of the UTF-8 bytes>?=", and values that consist of
// encoded words (charset UTF-8, US-ASCII or ISO-8859-1; B or Q encoding) are decoded on
// read. An ASCII value that itself looks like an encoded word ("=?...?=") is encoded too,
// so that every value reads back as written.

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::s3::detail {

inline bool needs_rfc2047(std::string_view value) noexcept {
    for (char c : value)
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    return value.size() >= 4 && value.starts_with("=?") && value.ends_with("?=");
}

inline std::string encode_rfc2047(std::string_view utf8) {
    std::string out = "=?UTF-8?B?";
    out += base64::encode(utf8);
    out += "?=";
    return out;
}

namespace rfc2047 {

// The bytes of one word's text in Q encoding ('_' is a space, =XX a byte).
inline std::optional<std::string> decode_q(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex::digit_value(text[i + 1]), lo = hex::digit_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// Latin-1 bytes as UTF-8.
inline std::string latin1_to_utf8(std::string_view in) {
    std::string out;
    for (char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

} // namespace rfc2047

// The UTF-8 text of a value made of encoded words (separated by white space, which is
// dropped between words); nullopt when the value is anything else, which is then used as is.
inline std::optional<std::string> decode_rfc2047(std::string_view value) {
    if (!value.starts_with("=?")) return std::nullopt;
    std::string out;
    while (!value.empty()) {
        if (!value.starts_with("=?")) return std::nullopt;
        const auto q1 = value.find('?', 2);
        if (q1 == std::string_view::npos || q1 + 2 >= value.size() || value[q1 + 2] != '?') return std::nullopt;
        const std::string_view charset = value.substr(2, q1 - 2);
        const char encoding = ascii::to_lower(value[q1 + 1]);
        const auto end = value.find("?=", q1 + 3);
        if (end == std::string_view::npos) return std::nullopt;
        const std::string_view text = value.substr(q1 + 3, end - q1 - 3);
        std::optional<std::string> bytes;
        if (encoding == 'b') bytes = base64::decode(text);
        else if (encoding == 'q') bytes = rfc2047::decode_q(text);
        if (!bytes) return std::nullopt;
        if (ascii::iequals(charset, "utf-8") || ascii::iequals(charset, "us-ascii")) {
            if (!utf8::is_valid(*bytes)) return std::nullopt;
            out += *bytes;
        } else if (ascii::iequals(charset, "iso-8859-1")) {
            out += rfc2047::latin1_to_utf8(*bytes);
        } else {
            return std::nullopt;
        }
        value.remove_prefix(end + 2);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    }
    return out;
}

} // namespace cirrus::s3::detail
