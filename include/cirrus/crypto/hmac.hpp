#pragma once
// HMAC-SHA256 (RFC 2104) over a reusable EVP SHA-256 context. Built from two digest
// passes rather than EVP_MAC so that a long-lived hmac_sha256_engine computes MACs
// without allocating: the signer runs one per request on its hot path.

#include <cirrus/crypto/sha256.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace cirrus::crypto {

class hmac_sha256_engine {
public:
    static constexpr std::size_t block_size = 64;

    sha256_digest mac(std::span<const std::uint8_t> key, std::string_view message) {
        std::array<std::uint8_t, block_size> k0{};
        if (key.size() > block_size) {
            hasher_.update(key);
            auto hashed = hasher_.finish();
            std::memcpy(k0.data(), hashed.data(), hashed.size());
        } else if (!key.empty()) {
            std::memcpy(k0.data(), key.data(), key.size());
        }
        std::array<std::uint8_t, block_size> pad;
        for (std::size_t i = 0; i < block_size; ++i) pad[i] = k0[i] ^ 0x36;
        hasher_.update(pad);
        hasher_.update(message);
        auto inner = hasher_.finish();
        for (std::size_t i = 0; i < block_size; ++i) pad[i] = k0[i] ^ 0x5c;
        hasher_.update(pad);
        hasher_.update(inner);
        return hasher_.finish();
    }

    sha256_digest mac(std::string_view key, std::string_view message) {
        return mac(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()), message);
    }

private:
    sha256_hasher hasher_;
};

inline sha256_digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view message) {
    hmac_sha256_engine engine;
    return engine.mac(key, message);
}
inline sha256_digest hmac_sha256(std::string_view key, std::string_view message) {
    hmac_sha256_engine engine;
    return engine.mac(key, message);
}

} // namespace cirrus::crypto
