#pragma once
// A reusable OpenSSL EVP digest context. The context is created once; every reset()
// re-initialises it with the same fetched algorithm, which OpenSSL 3 does in place,
// so a hasher that lives as long as its owner hashes without touching the heap.

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
        if (ctx_ == nullptr || Fetch() == nullptr) throw std::bad_alloc();
        reset();
    }
    evp_hasher(const evp_hasher&) = delete;
    evp_hasher& operator=(const evp_hasher&) = delete;
    evp_hasher(evp_hasher&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
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
        digest_type out{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, out.data(), &len);
        reset();
        return out;
    }

private:
    EVP_MD_CTX* ctx_;
};

} // namespace cirrus::crypto::detail
