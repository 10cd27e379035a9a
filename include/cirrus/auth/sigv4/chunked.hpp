#pragma once
// aws-chunked bodies (Content-Encoding: aws-chunked).
//
// Signed streaming (x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the
// request is signed with that constant as payload hash, and its signature seeds a chain
// in which each chunk is signed over the previous signature and the chunk's SHA-256:
//   <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n   ...   0;chunk-signature=<sig>\r\n\r\n
// Signed streaming with a trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER): signed
// chunks as above, then after the final chunk the trailing header and its signature (over
// the final chunk's signature and the SHA-256 of "x-amz-checksum-crc32c:<base64>\n"):
//   ...   0;chunk-signature=<sig>\r\nx-amz-checksum-crc32c:<base64>\r\n
//   x-amz-trailer-signature:<64 hex>\r\n\r\n
// Unsigned streaming with a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER): plain chunks,
// then the trailing checksum header after the final zero-size chunk:
//   <hex size>\r\n<data>\r\n   ...   0\r\nx-amz-checksum-crc32c:<base64>\r\n\r\n

#include <cirrus/auth/sigv4/signer.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::auth::sigv4 {

namespace chunked {

inline constexpr std::string_view signature_extension = ";chunk-signature=";

constexpr std::size_t hex_digits(std::uint64_t n) noexcept {
    std::size_t d = 1;
    while (n >= 16) {
        n >>= 4;
        ++d;
    }
    return d;
}

// Bytes on the wire of one signed chunk carrying `size` bytes of data.
constexpr std::uint64_t signed_chunk_length(std::uint64_t size) noexcept {
    return hex_digits(size) + signature_extension.size() + 64 + 2 + size + 2;
}

inline constexpr std::string_view trailer_signature_name = "x-amz-trailer-signature";

// Content-Length of a signed aws-chunked body: full chunks of `chunk_size`, one partial
// chunk and the final empty chunk.
constexpr std::uint64_t signed_encoded_length(std::uint64_t decoded_length, std::uint64_t chunk_size) noexcept {
    const std::uint64_t full = chunk_size == 0 ? 0 : decoded_length / chunk_size;
    const std::uint64_t rest = chunk_size == 0 ? decoded_length : decoded_length % chunk_size;
    std::uint64_t total = full * signed_chunk_length(chunk_size);
    if (rest != 0) total += signed_chunk_length(rest);
    return total + signed_chunk_length(0);
}

// Content-Length of a signed aws-chunked body with one trailer header `<name>:<value>\r\n`
// of the given length (name + ':' + value) and the trailer signature line after it.
constexpr std::uint64_t signed_trailer_encoded_length(std::uint64_t decoded_length, std::uint64_t chunk_size,
                                                      std::uint64_t trailer_line_length) noexcept {
    // The final chunk's closing "\r\n" (counted in signed_encoded_length) ends the trailer block.
    return signed_encoded_length(decoded_length, chunk_size) + trailer_line_length + 2 + trailer_signature_name.size() +
           1 + 64 + 2;
}

// Content-Length of an unsigned aws-chunked body with one trailer header
// `<name>:<value>\r\n` of the given total length (name + ':' + value).
constexpr std::uint64_t unsigned_encoded_length(std::uint64_t decoded_length, std::uint64_t chunk_size,
                                                std::uint64_t trailer_line_length) noexcept {
    auto chunk = [](std::uint64_t n) { return hex_digits(n) + 2 + n + 2; };
    const std::uint64_t full = chunk_size == 0 ? 0 : decoded_length / chunk_size;
    const std::uint64_t rest = chunk_size == 0 ? decoded_length : decoded_length % chunk_size;
    std::uint64_t total = full * chunk(chunk_size);
    if (rest != 0) total += chunk(rest);
    return total + 1 + 2 + trailer_line_length + 2 + 2; // "0\r\n" trailer "\r\n" "\r\n"
}

// Writes "<hex size>" at out; returns one past the last character.
inline char* write_hex_size(std::uint64_t size, char* out) noexcept {
    const std::size_t n = hex_digits(size);
    for (std::size_t i = n; i-- > 0;) {
        out[i] = hex::lower_digits[size & 0xF];
        size >>= 4;
    }
    return out + n;
}

} // namespace chunked

// Signs the chunks of one aws-chunked body, each over the previous signature.
class chunk_signer {
public:
    chunk_signer(const signing_key& key, std::string_view amz_date, std::string_view scope,
                 std::string_view seed_signature)
        : key_(key) {
        prefix_.append("AWS4-HMAC-SHA256-PAYLOAD\n");
        prefix_.append(amz_date);
        prefix_.push_back('\n');
        prefix_.append(scope);
        prefix_.push_back('\n');
        trailer_prefix_.append("AWS4-HMAC-SHA256-TRAILER\n");
        trailer_prefix_.append(amz_date);
        trailer_prefix_.push_back('\n');
        trailer_prefix_.append(scope);
        trailer_prefix_.push_back('\n');
        if (seed_signature.size() == previous_.size())
            std::copy(seed_signature.begin(), seed_signature.end(), previous_.begin());
    }
    chunk_signer(const chunk_signer&) = delete;
    chunk_signer& operator=(const chunk_signer&) = delete;
    chunk_signer(chunk_signer&&) = default;
    ~chunk_signer() { OPENSSL_cleanse(key_.data(), key_.size()); }

    // Signature of the next chunk (the final chunk is the empty one); valid until the
    // next call.
    std::string_view sign_chunk(std::span<const std::uint8_t> data) {
        hasher_.update(data);
        const auto digest = hasher_.finish();
        sts_.clear();
        sts_.append(prefix_.view());
        sts_.append(std::string_view(previous_.data(), previous_.size()));
        sts_.push_back('\n');
        sts_.append(crypto::empty_sha256_hex);
        sts_.push_back('\n');
        hex::encode_to(digest, sts_.extend(64));
        return finish();
    }
    std::string_view sign_chunk(std::string_view data) {
        return sign_chunk(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
    }

    // Signature of the trailer block (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER), over
    // the trailing headers in canonical form: "name:value\n" for each.
    std::string_view sign_trailer(std::string_view canonical_trailers) {
        hasher_.update(canonical_trailers);
        const auto digest = hasher_.finish();
        sts_.clear();
        sts_.append(trailer_prefix_.view());
        sts_.append(std::string_view(previous_.data(), previous_.size()));
        sts_.push_back('\n');
        hex::encode_to(digest, sts_.extend(64));
        return finish();
    }

    // Appends the framing that precedes a chunk of `size` bytes and the signature given:
    // "<hex size>;chunk-signature=<sig>\r\n".
    template <class Buffer>
    static void append_chunk_header(Buffer& out, std::uint64_t size, std::string_view signature) {
        char digits[16];
        char* end = chunked::write_hex_size(size, digits);
        out.append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
        out.append(chunked::signature_extension);
        out.append(signature);
        out.append("\r\n");
    }

    std::string_view previous_signature() const noexcept { return {previous_.data(), previous_.size()}; }

private:
    std::string_view finish() {
        const auto mac = hmac_.mac(key_, sts_.view());
        hex::encode_to(mac, previous_.data());
        return {previous_.data(), previous_.size()};
    }

    signing_key key_;
    std::array<char, 64> previous_{};
    crypto::hmac_sha256_engine hmac_;
    crypto::sha256_hasher hasher_;
    basic_buffer<160> prefix_;
    basic_buffer<160> trailer_prefix_;
    basic_buffer<320> sts_;
};

// The chunk signer that continues a request signed with a streaming payload hash.
inline chunk_signer make_chunk_signer(signer& s, const credentials& creds, const signing_params& params,
                                      std::string_view seed_signature) {
    const signing_key& key = s.derive_key(creds.secret_access_key, params);
    char date[16];
    detail::format_amz_date(params.time, date);
    basic_buffer<128> scope;
    scope.append(std::string_view(date, 8));
    scope.push_back('/');
    scope.append(params.region);
    scope.push_back('/');
    scope.append(params.service);
    scope.append("/aws4_request");
    return chunk_signer(key, std::string_view(date, 16), scope.view(), seed_signature);
}

} // namespace cirrus::auth::sigv4
