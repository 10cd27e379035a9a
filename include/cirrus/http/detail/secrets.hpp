#pragma once
// The header names whose values are secrets, wherever they show up: in the request headers
// reported to an observer, and in a service's error message that quotes the request back
// (AWS's InvalidSignatureException and SignatureDoesNotMatch do, canonical request and all).

#include <cirrus/core/ascii.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus::http::detail {

inline constexpr std::string_view redacted_value = "[redacted]";

// The SSE-C key headers carry the customer's AES-256 key itself. Their "-MD5" twins are
// not listed: the digest of a random 256-bit key does not reveal it, S3 echoes it in every
// response, and it is what tells two keys apart when debugging.
inline constexpr std::string_view secret_header_names[] = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-amz-security-token",
    "x-aws-ec2-metadata-token", // the instance metadata service's session token
    "x-amz-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key",
};

inline bool is_secret_header(std::string_view name) noexcept {
    for (std::string_view secret : secret_header_names)
        if (ascii::iequals(name, secret)) return true;
    return false;
}

// Characters that can separate a name from its ':' or '=' once a message is made
// printable (control characters become spaces).
constexpr bool is_blank_or_control(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F;
}

constexpr bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The position just after the separator of the next "<secret name> : value" or
// "<secret name>=value" in `text` at or after `from` (names matched without regard to
// case, as whole words); npos when there is none.
inline std::size_t next_secret_value(std::string_view text, std::size_t from) noexcept {
    for (std::size_t i = from; i < text.size(); ++i) {
        if (i != 0 && is_name_char(text[i - 1])) continue;
        for (std::string_view name : secret_header_names) {
            if (text.size() - i < name.size() || !ascii::iequals(text.substr(i, name.size()), name)) continue;
            std::size_t j = i + name.size();
            while (j < text.size() && is_blank_or_control(text[j])) ++j;
            if (j < text.size() && (text[j] == ':' || text[j] == '=')) return j + 1;
        }
    }
    return std::string_view::npos;
}

// Replaces the value of every secret name in free text, up to the end of its line, with
// "[redacted]".
inline void scrub_secret_values(std::string& text) {
    for (std::size_t at = next_secret_value(text, 0); at != std::string::npos;
         at = next_secret_value(text, at + redacted_value.size())) {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
        const std::size_t end = std::min(text.find_first_of("\r\n", at), text.size());
        text.replace(at, end - at, redacted_value);
    }
}

// A service message cut before the point where it quotes the request back: the canonical
// request (every signed header, secret or not) and the string to sign. What comes before
// says what went wrong; the quote only repeats what the caller sent.
inline std::string_view without_quoted_request(std::string_view message) noexcept {
    constexpr std::string_view markers[] = {"canonical string", "canonical request", "string-to-sign", "string to sign",
                                            "stringtosign"};
    std::size_t cut = message.size();
    for (std::string_view marker : markers) {
        for (std::size_t i = 0; i + marker.size() <= cut; ++i) {
            if (ascii::iequals(message.substr(i, marker.size()), marker)) {
                cut = i;
                break;
            }
        }
    }
    if (cut == message.size()) return message;
    // Back to the start of the sentence or line that introduces the quote.
    std::size_t start = 0;
    for (std::size_t i = cut; i > 0; --i) {
        const char c = message[i - 1];
        if (c == '\n' || c == '\r' || (c == ' ' && i >= 2 && (message[i - 2] == '.' || message[i - 2] == ':'))) {
            start = i;
            break;
        }
    }
    return message.substr(0, start);
}

} // namespace cirrus::http::detail
