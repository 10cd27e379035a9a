#pragma once
// AWS Signature Version 4a (SigV4a): the asymmetric variant of SigV4, for S3 Multi-Region
// Access Points and other endpoints that accept a request in more than one region.
//
// The canonical request is SigV4's, plus the signed X-Amz-Region-Set (a header, or a
// query parameter when presigning); the credential scope leaves the region out
// (date/service/aws4_request); the string to sign starts with AWS4-ECDSA-P256-SHA256;
// and the signature is an ECDSA P-256 signature (DER, hex) of the string to sign's
// SHA-256 under a key pair derived from the credentials. ECDSA signatures are
// randomised: two signatures of one request differ, and both verify. See docs/sigv4.md.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <openssl/types.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::auth::sigv4a {

inline constexpr std::string_view algorithm = "AWS4-ECDSA-P256-SHA256";

struct signing_params {
    // Where the signature is valid: "*" (any region), one region, or a comma-separated
    // list (patterns such as "us-*" allowed). Sent as X-Amz-Region-Set.
    std::string_view region_set = "*";
    std::string_view service;
    std::chrono::system_clock::time_point time;
    sigv4::uri_rules rules = sigv4::uri_rules::standard;
    std::string_view payload_hash = {}; // as in sigv4::signing_params
    bool content_sha256_header = false;
    bool omit_session_token = false;
};

// Views into the signer's storage (and the credentials), valid until its next call.
struct signature_headers {
    std::string_view authorization;
    std::string_view amz_date;
    std::string_view region_set; // X-Amz-Region-Set, to send as is
    std::string_view content_sha256;
    std::string_view security_token;
    std::string_view signature; // hex of the DER-encoded ECDSA signature
};

// The ECDSA P-256 key pair of one access key, derived as the SigV4a specification does:
// HMAC-SHA256 keyed with "AWS4A" + secret over the NIST SP 800-108 fixed input (counter
// mode, one block: i = 1, the label AWS4-ECDSA-P256-SHA256, 0x00, the access key id and a
// one-byte counter, L = 256), the counter counting up from 1 until the candidate is at
// most n - 2 (n: the order of P-256); the private key is the candidate plus one.
class key_pair {
public:
    key_pair() = default;

    // errc::missing_credentials for an empty key id or secret; errc::invalid_argument if
    // no counter value gives a key (never seen in practice).
    CIRRUS_DECL static result<key_pair> derive(std::string_view access_key_id, std::string_view secret_access_key);

    // The public key's affine coordinates, 32 bytes each (big-endian).
    const std::array<std::uint8_t, 32>& public_x() const noexcept { return x_; }
    const std::array<std::uint8_t, 32>& public_y() const noexcept { return y_; }

    // Signs a SHA-256 digest: the DER encoding of (r, s) in `der` (72 bytes at most);
    // returns its length, or 0 on failure.
    CIRRUS_DECL std::size_t sign_digest(const crypto::sha256_digest& digest, std::span<std::uint8_t, 72> der) const;

    // Verifies a DER signature of a SHA-256 digest with the public key (x, y).
    CIRRUS_DECL static bool verify_digest(std::span<const std::uint8_t, 32> x, std::span<const std::uint8_t, 32> y,
                                          const crypto::sha256_digest& digest, std::span<const std::uint8_t> der);

    explicit operator bool() const noexcept { return key_ != nullptr; }

private:
    std::shared_ptr<EVP_PKEY> key_; // immutable once derived: shared by copies
    std::array<std::uint8_t, 32> x_{}, y_{};
};

// Signs requests with SigV4a. Like sigv4::signer it reuses its buffers; it caches the key
// pairs of the last few access keys (keyed by access key id, checked against the secret),
// since a derivation costs a scalar multiplication.
class signer {
public:
    signer() { base_.algorithm_ = algorithm; }
    signer(const signer&) = delete;
    signer& operator=(const signer&) = delete;
    CIRRUS_DECL ~signer();

    // Signs `req` for the Authorization header; the caller sends X-Amz-Date,
    // X-Amz-Region-Set (and the token, the content hash) from `out`.
    CIRRUS_DECL error_code sign(const sigv4::request_view& req, const credentials& creds, const signing_params& params,
                                signature_headers& out);

    // Presigned URL: the query string to send, X-Amz-Region-Set and X-Amz-Signature
    // included, already encoded.
    CIRRUS_DECL result<std::string> presign(const sigv4::request_view& req, const credentials& creds,
                                            const signing_params& params, std::chrono::seconds expires);

    // The key pair for these credentials, from the cache when it is there.
    CIRRUS_DECL result<key_pair> key_for(const credentials& creds);

    // Inspection for tests and debugging (see sigv4::signer).
    std::string_view last_canonical_request() const noexcept { return base_.last_canonical_request(); }
    std::string_view last_string_to_sign() const noexcept { return base_.last_string_to_sign(); }
    std::string_view last_scope() const noexcept { return base_.last_scope(); }

private:
    CIRRUS_DECL sigv4::signing_params base_params(const signing_params& params) noexcept;
    CIRRUS_DECL error_code sign_string_to_sign(const key_pair& key);

    struct cache_entry {
        std::string access_key_id, secret;
        key_pair key;
    };
    sigv4::signer base_;
    std::array<cache_entry, 4> cache_{};
    std::size_t next_slot_ = 0;
    std::array<char, 144> signature_{};
    std::size_t signature_size_ = 0;
};

} // namespace cirrus::auth::sigv4a

#if CIRRUS_HEADER_ONLY
#include <cirrus/auth/impl/sigv4a.ipp>
#endif
