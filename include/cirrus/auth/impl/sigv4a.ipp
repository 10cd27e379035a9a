#pragma once
// Definitions of <cirrus/auth/sigv4a.hpp>.

#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/hmac.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <cstring>

namespace cirrus::auth::sigv4a {

namespace detail {

// n - 2, n the order of the P-256 group, big-endian.
inline constexpr std::array<std::uint8_t, 32> p256_order_minus_two{0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,
                                                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                                   0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
                                                                   0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F};

// a <= b for 32-byte big-endian numbers, without an early exit.
inline bool less_or_equal(const std::array<std::uint8_t, 32>& a, const std::array<std::uint8_t, 32>& b) noexcept {
    int result = 0; // sign of a - b at the first differing byte
    for (std::size_t i = 0; i < 32; ++i) {
        const int diff = int(a[i]) - int(b[i]);
        const int undecided = result == 0;
        result += undecided * diff;
    }
    return result <= 0;
}

struct pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct pkey_ctx_deleter {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct param_bld_deleter {
    void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
};
struct params_deleter {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct bn_clear_deleter {
    void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
};
struct group_deleter {
    void operator()(EC_GROUP* p) const noexcept { EC_GROUP_free(p); }
};
struct point_deleter {
    void operator()(EC_POINT* p) const noexcept { EC_POINT_free(p); }
};

// An EC P-256 key from its uncompressed public point and, for a key pair, its private scalar.
inline EVP_PKEY* make_p256_key(std::span<const std::uint8_t> public_point, const BIGNUM* priv) {
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
    if (!bld) return nullptr;
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_point.data(),
                                         public_point.size()) != 1)
        return nullptr;
    if (priv != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) return nullptr;
    std::unique_ptr<OSSL_PARAM, params_deleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return nullptr;
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &key, priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return key;
}

} // namespace detail

CIRRUS_DECL result<key_pair> key_pair::derive(std::string_view access_key_id, std::string_view secret_access_key) {
    if (access_key_id.empty() || secret_access_key.empty()) return errc::missing_credentials;

    std::string input_key = "AWS4A";
    input_key.append(secret_access_key);
    std::string fixed_input;
    fixed_input.append("\x00\x00\x00\x01", 4); // i = 1: one block of output
    fixed_input.append(algorithm);             // the label
    fixed_input.push_back('\0');
    fixed_input.append(access_key_id); // the context: access key id, counter
    const std::size_t counter_at = fixed_input.size();
    fixed_input.push_back('\x01');
    fixed_input.append("\x00\x00\x01\x00", 4); // L = 256 bits

    crypto::hmac_sha256_engine hmac;
    std::array<std::uint8_t, 32> candidate{};
    bool found = false;
    for (unsigned counter = 1; counter <= 254 && !found; ++counter) {
        fixed_input[counter_at] = static_cast<char>(counter);
        candidate = hmac.mac(input_key, fixed_input);
        found = detail::less_or_equal(candidate, detail::p256_order_minus_two);
    }
    OPENSSL_cleanse(input_key.data(), input_key.size());
    if (!found) {
        OPENSSL_cleanse(candidate.data(), candidate.size());
        return errc::invalid_argument;
    }
    // d = candidate + 1 (no carry out: candidate <= n - 2).
    for (std::size_t i = candidate.size(); i-- > 0;)
        if (++candidate[i] != 0) break;

    std::unique_ptr<BIGNUM, detail::bn_clear_deleter> d(BN_secure_new());
    if (!d || BN_bin2bn(candidate.data(), static_cast<int>(candidate.size()), d.get()) == nullptr) {
        OPENSSL_cleanse(candidate.data(), candidate.size());
        return errc::invalid_argument;
    }
    OPENSSL_cleanse(candidate.data(), candidate.size());

    std::unique_ptr<EC_GROUP, detail::group_deleter> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    if (!group) return errc::unsupported;
    std::unique_ptr<EC_POINT, detail::point_deleter> point(EC_POINT_new(group.get()));
    std::array<std::uint8_t, 65> uncompressed{};
    if (!point || EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, nullptr) != 1 ||
        EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, uncompressed.data(),
                           uncompressed.size(), nullptr) != uncompressed.size())
        return errc::invalid_argument;

    key_pair out;
    EVP_PKEY* key = detail::make_p256_key(uncompressed, d.get());
    if (key == nullptr) return errc::unsupported;
    out.key_ = std::shared_ptr<EVP_PKEY>(key, detail::pkey_deleter{});
    std::memcpy(out.x_.data(), uncompressed.data() + 1, 32);
    std::memcpy(out.y_.data(), uncompressed.data() + 33, 32);
    return out;
}

CIRRUS_DECL std::size_t key_pair::sign_digest(const crypto::sha256_digest& digest,
                                              std::span<std::uint8_t, 72> der) const {
    if (!key_) return 0;
    std::unique_ptr<EVP_PKEY_CTX, detail::pkey_ctx_deleter> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
        return 0;
    std::size_t size = der.size();
    if (EVP_PKEY_sign(ctx.get(), der.data(), &size, digest.data(), digest.size()) != 1) return 0;
    return size;
}

CIRRUS_DECL bool key_pair::verify_digest(std::span<const std::uint8_t, 32> x, std::span<const std::uint8_t, 32> y,
                                         const crypto::sha256_digest& digest, std::span<const std::uint8_t> der) {
    std::array<std::uint8_t, 65> point{};
    point[0] = 0x04;
    std::memcpy(point.data() + 1, x.data(), 32);
    std::memcpy(point.data() + 33, y.data(), 32);
    std::unique_ptr<EVP_PKEY, detail::pkey_deleter> key(detail::make_p256_key(point, nullptr));
    if (!key) return false;
    std::unique_ptr<EVP_PKEY_CTX, detail::pkey_ctx_deleter> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
        return false;
    return EVP_PKEY_verify(ctx.get(), der.data(), der.size(), digest.data(), digest.size()) == 1;
}

// ---------------------------------------------------------------------------------------

CIRRUS_DECL signer::~signer() {
    for (auto& e : cache_)
        if (!e.secret.empty()) OPENSSL_cleanse(e.secret.data(), e.secret.size());
}

CIRRUS_DECL result<key_pair> signer::key_for(const credentials& creds) {
    for (const auto& e : cache_)
        if (e.key && e.access_key_id == creds.access_key_id && e.secret == creds.secret_access_key) return e.key;
    auto derived = key_pair::derive(creds.access_key_id, creds.secret_access_key);
    if (!derived) return derived.error();
    auto& e = cache_[next_slot_];
    next_slot_ = (next_slot_ + 1) % cache_.size();
    if (!e.secret.empty()) OPENSSL_cleanse(e.secret.data(), e.secret.size());
    e.access_key_id.assign(creds.access_key_id);
    e.secret.assign(creds.secret_access_key);
    e.key = *derived;
    return e.key;
}

CIRRUS_DECL sigv4::signing_params signer::base_params(const signing_params& params) noexcept {
    base_.region_set_ = params.region_set;
    return {.region = params.region_set,
            .service = params.service,
            .time = params.time,
            .rules = params.rules,
            .payload_hash = params.payload_hash,
            .content_sha256_header = params.content_sha256_header,
            .omit_session_token = params.omit_session_token};
}

CIRRUS_DECL error_code signer::sign_string_to_sign(const key_pair& key) {
    base_.build_string_to_sign();
    const auto digest = crypto::sha256(base_.string_to_sign_.view());
    std::array<std::uint8_t, 72> der{};
    const std::size_t size = key.sign_digest(digest, der);
    if (size == 0) return errc::invalid_argument;
    hex::encode_to(std::span<const std::uint8_t>(der.data(), size), signature_.data());
    signature_size_ = size * 2;
    return {};
}

CIRRUS_DECL error_code signer::sign(const sigv4::request_view& req, const credentials& creds,
                                    const signing_params& params, signature_headers& out) {
    out = {};
    if (params.region_set.empty()) return errc::invalid_argument;
    const sigv4::signing_params base = base_params(params);
    if (auto ec = base_.begin_header_signing(req, creds, base)) return ec;
    auto key = key_for(creds);
    if (!key) return key.error();
    if (auto ec = sign_string_to_sign(*key)) return ec;
    sigv4::signature_headers v4;
    base_.finish_header_signing(creds, base, std::string_view(signature_.data(), signature_size_), v4);
    out.authorization = v4.authorization;
    out.amz_date = v4.amz_date;
    out.region_set = params.region_set;
    out.content_sha256 = v4.content_sha256;
    out.security_token = v4.security_token;
    out.signature = v4.signature;
    return {};
}

CIRRUS_DECL result<std::string> signer::presign(const sigv4::request_view& req, const credentials& creds,
                                                const signing_params& params, std::chrono::seconds expires) {
    if (expires < std::chrono::seconds{1} || expires > sigv4::max_presign_expiry) return errc::expiry_out_of_range;
    if (params.region_set.empty()) return errc::invalid_argument;
    const sigv4::signing_params base = base_params(params);
    if (auto ec = base_.prepare(req, creds, base, true, expires)) return ec;
    base_.build_canonical_request(req.method);
    auto key = key_for(creds);
    if (!key) return key.error();
    if (auto ec = sign_string_to_sign(*key)) return ec;
    return base_.finish_presigning(creds, base, std::string_view(signature_.data(), signature_size_));
}

} // namespace cirrus::auth::sigv4a
