#pragma once
// HMAC-SHA256 (RFC 2104) over a reusable EVP SHA-256 context. Built from two digest
// passes rather than EVP_MAC so that a long-lived hmac_sha256_engine computes MACs
// without allocating: the signer runs one per request on its hot path.

#include <cirrus/crypto/sha256.hpp>

#include <openssl/crypto.h>

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

// HMAC-SHA256 under one fixed key whose inner and outer pad blocks are absorbed once:
// each MAC then hashes only the message and the inner digest, two compression blocks
// fewer than hmac_sha256_engine. For keys used many times, like a SigV4 signing key.
// The pad states are key material: the contexts are wiped when rekeyed or destroyed.
class hmac_sha256_keyed {
public:
    static constexpr std::size_t block_size = hmac_sha256_engine::block_size;

    hmac_sha256_keyed() = default;
    explicit hmac_sha256_keyed(std::span<const std::uint8_t> key) { rekey(key); }

    void rekey(std::span<const std::uint8_t> key) {
        std::array<std::uint8_t, block_size> k0{};
        if (key.size() > block_size) {
            work_.reset();
            work_.update(key);
            const auto hashed = work_.finish();
            std::memcpy(k0.data(), hashed.data(), hashed.size());
        } else if (!key.empty()) {
            std::memcpy(k0.data(), key.data(), key.size());
        }
        std::array<std::uint8_t, block_size> pad;
        for (std::size_t i = 0; i < block_size; ++i) pad[i] = k0[i] ^ 0x36;
        inner_.reset();
        inner_.update(pad);
        for (std::size_t i = 0; i < block_size; ++i) pad[i] = k0[i] ^ 0x5c;
        outer_.reset();
        outer_.update(pad);
        OPENSSL_cleanse(pad.data(), pad.size());
        OPENSSL_cleanse(k0.data(), k0.size());
    }

    sha256_digest mac(std::string_view message) {
        work_.copy_state_from(inner_);
        work_.update(message);
        const auto inner = work_.finish_detached();
        work_.copy_state_from(outer_);
        work_.update(inner);
        return work_.finish_detached();
    }

private:
    sha256_hasher inner_;
    sha256_hasher outer_;
    sha256_hasher work_;
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
