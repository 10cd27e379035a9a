#pragma once
// A reusable OpenSSL EVP digest context: created once, re-initialised with the same
// fetched algorithm for every message.
//
// OpenSSL 3.1 and later re-initialise an EVP_MD_CTX in place when the algorithm is
// unchanged (openssl/openssl#18105), so a long-lived hasher hashes without touching the
// heap. OpenSSL 3.0 frees and re-allocates the provider's context (112 bytes) on every
// EVP_DigestInit_ex2: one malloc per message, measured on 3.0.19. Only the deprecated
// SHA256_* entry points avoid that on 3.0, and cirrus uses no deprecated OpenSSL API, so
// on 3.0 that allocation is the price; tests/unit/crypto_alloc_test.cpp pins it down.

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>
#include <utility>

namespace cirrus::crypto::detail {

// Fetched algorithms are immutable and thread-safe once fetched; fetching is the
// expensive step, so each algorithm is fetched once per process.
inline const EVP_MD* fetch_sha256() noexcept {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return md;
}
inline const EVP_MD* fetch_sha1() noexcept {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return md;
}
inline const EVP_MD* fetch_md5() noexcept {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "MD5", nullptr);
    return md;
}

template <std::size_t DigestSize, const EVP_MD* (*Fetch)() noexcept>
class evp_hasher {
public:
    static constexpr std::size_t digest_size = DigestSize;
    using digest_type = std::array<std::uint8_t, DigestSize>;

    evp_hasher() : ctx_(EVP_MD_CTX_new()) {
        if (ctx_ == nullptr || Fetch() == nullptr) {
            EVP_MD_CTX_free(ctx_);
            throw std::bad_alloc();
        }
        reset();
    }
    evp_hasher(const evp_hasher&) = delete;
    evp_hasher& operator=(const evp_hasher&) = delete;
    evp_hasher(evp_hasher&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
    evp_hasher& operator=(evp_hasher&& other) noexcept {
        std::swap(ctx_, other.ctx_);
        return *this;
    }
    ~evp_hasher() { EVP_MD_CTX_free(ctx_); }

    void reset() noexcept { EVP_DigestInit_ex2(ctx_, Fetch(), nullptr); }

    void update(const void* data, std::size_t size) noexcept {
        if (size != 0) EVP_DigestUpdate(ctx_, data, size);
    }
    void update(std::string_view s) noexcept { update(s.data(), s.size()); }
    void update(std::span<const std::uint8_t> s) noexcept { update(s.data(), s.size()); }

    // Returns the digest and leaves the hasher ready for the next message.
    digest_type finish() noexcept {
        digest_type out = finish_detached();
        reset();
        return out;
    }

    // Continues from the state of `other` (same algorithm): what it has absorbed so far
    // counts as absorbed here. Replaces reset() for a caller that keeps a prefix state.
    void copy_state_from(const evp_hasher& other) noexcept { EVP_MD_CTX_copy_ex(ctx_, other.ctx_); }

    // Returns the digest without re-initialising: the next use must begin with reset()
    // or copy_state_from() (which is why it saves the re-initialisation).
    digest_type finish_detached() noexcept {
        digest_type out{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, out.data(), &len);
        return out;
    }

private:
    EVP_MD_CTX* ctx_;
};

// Heap allocations OpenSSL makes per message of a reused hasher (see above).
inline long evp_allocations_per_message() noexcept { return OpenSSL_version_num() >= 0x30100000L ? 0 : 1; }

} // namespace cirrus::crypto::detail
