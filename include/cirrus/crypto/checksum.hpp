#pragma once
// S3 flexible checksums: the algorithms, their names and header names, and the header
// value, which is the base64 of the checksum in big-endian byte order
// (CRC-32C of "hello world" = 0xC99465AA -> "yZRlqg==").

#include <cirrus/core/base64.hpp>
#include <cirrus/crypto/crc32.hpp>
#include <cirrus/crypto/crc32c.hpp>
#include <cirrus/crypto/crc64nvme.hpp>
#include <cirrus/crypto/sha1.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace cirrus::crypto {

enum class checksum_algorithm : std::uint8_t { crc32, crc32c, crc64nvme, sha1, sha256 };

// The value S3 uses in x-amz-checksum-algorithm and x-amz-sdk-checksum-algorithm.
constexpr std::string_view algorithm_name(checksum_algorithm a) noexcept {
    switch (a) {
    case checksum_algorithm::crc32: return "CRC32";
    case checksum_algorithm::crc32c: return "CRC32C";
    case checksum_algorithm::crc64nvme: return "CRC64NVME";
    case checksum_algorithm::sha1: return "SHA1";
    case checksum_algorithm::sha256: return "SHA256";
    }
    return {};
}

// The header (and trailer) that carries the checksum value.
constexpr std::string_view checksum_header_name(checksum_algorithm a) noexcept {
    switch (a) {
    case checksum_algorithm::crc32: return "x-amz-checksum-crc32";
    case checksum_algorithm::crc32c: return "x-amz-checksum-crc32c";
    case checksum_algorithm::crc64nvme: return "x-amz-checksum-crc64nvme";
    case checksum_algorithm::sha1: return "x-amz-checksum-sha1";
    case checksum_algorithm::sha256: return "x-amz-checksum-sha256";
    }
    return {};
}

// Size in bytes of the raw checksum.
constexpr std::size_t checksum_size(checksum_algorithm a) noexcept {
    switch (a) {
    case checksum_algorithm::crc32:
    case checksum_algorithm::crc32c: return 4;
    case checksum_algorithm::crc64nvme: return 8;
    case checksum_algorithm::sha1: return 20;
    case checksum_algorithm::sha256: return 32;
    }
    return 0;
}

// Accepts the names in any case ("crc32c", "CRC32C").
constexpr std::optional<checksum_algorithm> parse_checksum_algorithm(std::string_view name) noexcept {
    constexpr checksum_algorithm all[] = {checksum_algorithm::crc32, checksum_algorithm::crc32c,
                                          checksum_algorithm::crc64nvme, checksum_algorithm::sha1,
                                          checksum_algorithm::sha256};
    for (checksum_algorithm a : all) {
        std::string_view expected = algorithm_name(a);
        if (expected.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i) {
            char c = name[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            same = c == expected[i];
        }
        if (same) return a;
    }
    return std::nullopt;
}

// The base64 text of a checksum, held inline: at most 44 characters (SHA-256).
class checksum_value {
public:
    static constexpr std::size_t max_raw_size = 32;
    static constexpr std::size_t capacity = base64::encoded_size(max_raw_size);

    checksum_value() noexcept = default;

    // raw.size() must not exceed max_raw_size; longer input is truncated.
    static checksum_value from_bytes(std::span<const std::uint8_t> raw) noexcept {
        checksum_value v;
        if (raw.size() > max_raw_size) raw = raw.first(max_raw_size);
        char* end = base64::encode_to(raw, v.chars_.data());
        v.size_ = static_cast<std::uint8_t>(end - v.chars_.data());
        return v;
    }
    static checksum_value from_crc32(std::uint32_t crc) noexcept {
        const std::array<std::uint8_t, 4> be{static_cast<std::uint8_t>(crc >> 24), static_cast<std::uint8_t>(crc >> 16),
                                             static_cast<std::uint8_t>(crc >> 8), static_cast<std::uint8_t>(crc)};
        return from_bytes(be);
    }
    static checksum_value from_crc64(std::uint64_t crc) noexcept {
        std::array<std::uint8_t, 8> be{};
        for (std::size_t i = 0; i < be.size(); ++i) be[i] = static_cast<std::uint8_t>(crc >> (56 - 8 * i));
        return from_bytes(be);
    }

    std::string_view view() const noexcept { return {chars_.data(), size_}; }
    std::string str() const { return std::string(view()); }
    bool empty() const noexcept { return size_ == 0; }

    // Checksums are not secrets: plain comparison is fine.
    friend bool operator==(const checksum_value& a, const checksum_value& b) noexcept { return a.view() == b.view(); }
    friend bool operator==(const checksum_value& a, std::string_view b) noexcept { return a.view() == b; }

private:
    std::array<char, capacity> chars_{};
    std::uint8_t size_ = 0;
};

// Streams data through any of the algorithms. finish() leaves it ready for the next
// message; only SHA-1 and SHA-256 hold an OpenSSL context.
class checksum_hasher {
public:
    explicit checksum_hasher(checksum_algorithm a) : state_(make_state(a)) {}

    checksum_algorithm algorithm() const noexcept { return static_cast<checksum_algorithm>(state_.index()); }

    void update(const void* data, std::size_t size) {
        std::visit([&](auto& h) { h.update(data, size); }, state_);
    }
    void update(std::string_view s) { update(s.data(), s.size()); }
    void update(std::span<const std::uint8_t> s) { update(s.data(), s.size()); }

    checksum_value finish() {
        switch (algorithm()) {
        case checksum_algorithm::crc32: return checksum_value::from_crc32(std::get<0>(state_).finish());
        case checksum_algorithm::crc32c: return checksum_value::from_crc32(std::get<1>(state_).finish());
        case checksum_algorithm::crc64nvme: return checksum_value::from_crc64(std::get<2>(state_).finish());
        case checksum_algorithm::sha1: return checksum_value::from_bytes(std::get<3>(state_).finish());
        case checksum_algorithm::sha256: return checksum_value::from_bytes(std::get<4>(state_).finish());
        }
        return {};
    }

private:
    // Alternatives in the order of checksum_algorithm.
    using state_type = std::variant<crc32_hasher, crc32c_hasher, crc64nvme_hasher, sha1_hasher, sha256_hasher>;

    static state_type make_state(checksum_algorithm a) {
        switch (a) {
        case checksum_algorithm::crc32: return state_type(std::in_place_index<0>);
        case checksum_algorithm::crc32c: return state_type(std::in_place_index<1>);
        case checksum_algorithm::crc64nvme: return state_type(std::in_place_index<2>);
        case checksum_algorithm::sha1: return state_type(std::in_place_index<3>);
        case checksum_algorithm::sha256: return state_type(std::in_place_index<4>);
        }
        return state_type(std::in_place_index<1>);
    }

    state_type state_;
};

// One-shot: the header value of `data` under `a`.
inline checksum_value compute_checksum(checksum_algorithm a, std::span<const std::uint8_t> data) {
    switch (a) {
    case checksum_algorithm::crc32: return checksum_value::from_crc32(crc32(data));
    case checksum_algorithm::crc32c: return checksum_value::from_crc32(crc32c(data));
    case checksum_algorithm::crc64nvme: return checksum_value::from_crc64(crc64nvme(data));
    case checksum_algorithm::sha1: return checksum_value::from_bytes(sha1(data));
    case checksum_algorithm::sha256: return checksum_value::from_bytes(sha256(data));
    }
    return {};
}
inline checksum_value compute_checksum(checksum_algorithm a, std::string_view data) {
    return compute_checksum(a, std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

} // namespace cirrus::crypto
