#pragma once
// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS client (RFC 5802, RFC 7677, RFC 5929
// tls-server-end-point), as PostgreSQL uses it: the user name in the SCRAM messages is
// empty (the server takes it from the startup packet). Also the md5 password hash.
//
// The password is prepared with SASLprep (saslprep.hpp) as libpq and the server do, used
// only inside this file's computations and never copied into a message, error or
// diagnostic.

#include <cirrus/core/base64.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/hmac.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/crypto/sha256.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/detail/saslprep.hpp>
#include <cirrus/postgres/error.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::postgres::detail {

// "md5" + hex(md5(hex(md5(password + user)) + salt)), the AuthenticationMD5Password reply.
inline std::string md5_password_response(std::string_view user, std::string_view password, std::string_view salt) {
    std::string inner;
    inner.reserve(password.size() + user.size());
    inner.append(password).append(user);
    auto first = hex::encode(crypto::md5(inner));
    OPENSSL_cleanse(inner.data(), inner.size());
    first.append(salt);
    auto second = hex::encode(crypto::md5(first));
    return "md5" + second;
}

// PBKDF2-HMAC-SHA-256 with one 32-byte block: SCRAM's Hi().
inline bool scram_hi(std::string_view password, std::string_view salt, std::uint32_t iterations,
                     crypto::sha256_digest& out) noexcept {
    return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                             reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                             static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()), out.data()) == 1;
}

class scram_client {
public:
    enum class binding {
        none,             // "n,,": client does not support channel binding
        unused,           // "y,,": client supports it but thinks the server does not
        server_end_point, // "p=tls-server-end-point,,": SCRAM-SHA-256-PLUS
    };

    // cbind_data: the tls-server-end-point hash of the server certificate (binding::server_end_point).
    // The password goes through SASLprep; where SASLprep refuses it (not UTF-8, prohibited
    // characters) its raw bytes are used, as libpq does.
    scram_client(std::string_view password, binding b, std::string cbind_data = {}, std::string_view user = {})
        : password_(scram_password(password)), binding_(b), cbind_data_(std::move(cbind_data)), user_(user) {}

    scram_client(const scram_client&) = delete;
    scram_client& operator=(const scram_client&) = delete;
    ~scram_client() {
        OPENSSL_cleanse(salted_.data(), salted_.size());
        if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
    }

    // The most iterations server_first accepts (connect_params::scram_max_iterations).
    void limit_iterations(std::uint32_t n) noexcept { max_iterations_ = n; }
    // What the server asked for in its server-first-message (0 before it).
    std::uint32_t requested_iterations() const noexcept { return requested_iterations_; }

    std::string_view mechanism() const noexcept {
        return binding_ == binding::server_end_point ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256";
    }

    // client-first-message. nonce_override is for known-answer tests only.
    std::string client_first(std::string_view nonce_override = {}) {
        if (!nonce_override.empty()) {
            nonce_.assign(nonce_override);
        } else {
            std::array<std::uint8_t, 18> raw{};
            RAND_bytes(raw.data(), static_cast<int>(raw.size()));
            nonce_ = base64::encode(raw);
        }
        first_bare_ = "n=";
        first_bare_ += user_;
        first_bare_ += ",r=";
        first_bare_ += nonce_;
        return gs2_header() + first_bare_;
    }

    // Consumes server-first-message; returns client-final-message.
    error_code server_first(std::string_view msg, std::string& client_final) {
        std::string_view nonce, salt64, iter;
        if (!split_attributes(msg, nonce, salt64, iter)) return bad_message();
        if (nonce.size() <= nonce_.size() || nonce.substr(0, nonce_.size()) != nonce_) return bad_message();
        auto salt = base64::decode(salt64);
        if (!salt || salt->empty()) return bad_message();
        std::uint32_t iterations = 0;
        if (iter.empty() || iter.size() > 9) return bad_message();
        for (char c : iter) {
            if (c < '0' || c > '9') return bad_message();
            iterations = iterations * 10 + static_cast<std::uint32_t>(c - '0');
        }
        if (iterations == 0) return bad_message();
        requested_iterations_ = iterations;
        if (iterations > max_iterations_) return make_error_code(client_errc::scram_too_many_iterations);
        for (char c : nonce) {
            if (c < 0x21 || c > 0x7e || c == ',') return bad_message();
        }

        if (!scram_hi(password_, *salt, iterations, salted_)) return bad_message();
        if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
        password_.clear();

        std::string cbind_input = gs2_header();
        if (binding_ == binding::server_end_point) cbind_input += cbind_data_;
        std::string without_proof = "c=" + base64::encode(cbind_input) + ",r=" + std::string(nonce);

        auth_message_ = first_bare_;
        auth_message_ += ',';
        auth_message_ += msg;
        auth_message_ += ',';
        auth_message_ += without_proof;

        crypto::hmac_sha256_engine mac;
        auto client_key = mac.mac(salted_, "Client Key");
        auto stored_key = crypto::sha256(client_key);
        auto client_signature = mac.mac(stored_key, auth_message_);
        std::array<std::uint8_t, 32> proof{};
        for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ client_signature[i];
        OPENSSL_cleanse(client_key.data(), client_key.size());

        client_final = std::move(without_proof);
        client_final += ",p=";
        client_final += base64::encode(proof);
        return {};
    }

    // Verifies server-final-message ("v=<signature>" or "e=<error>").
    error_code server_final(std::string_view msg) {
        if (msg.starts_with("e=")) return make_error_code(client_errc::scram_server_signature_mismatch);
        if (!msg.starts_with("v=")) return bad_message();
        auto v = msg.substr(2);
        if (auto comma = v.find(','); comma != std::string_view::npos) v = v.substr(0, comma);
        auto sig = base64::decode(v);
        if (!sig || sig->size() != 32 || auth_message_.empty()) return bad_message();
        crypto::hmac_sha256_engine mac;
        auto server_key = mac.mac(salted_, "Server Key");
        auto expected = mac.mac(server_key, auth_message_);
        if (CRYPTO_memcmp(expected.data(), sig->data(), 32) != 0)
            return make_error_code(client_errc::scram_server_signature_mismatch);
        return {};
    }

private:
    static error_code bad_message() noexcept { return make_error_code(client_errc::scram_invalid_server_message); }

    std::string gs2_header() const {
        switch (binding_) {
        case binding::none: return "n,,";
        case binding::unused: return "y,,";
        case binding::server_end_point: return "p=tls-server-end-point,,";
        }
        return "n,,";
    }

    // r=...,s=...,i=... (extensions after them are allowed and ignored; a mandatory
    // extension "m=" is refused).
    static bool split_attributes(std::string_view msg, std::string_view& r, std::string_view& s, std::string_view& i) {
        if (msg.starts_with("m=")) return false;
        while (!msg.empty()) {
            auto comma = msg.find(',');
            auto attr = msg.substr(0, comma);
            msg = comma == std::string_view::npos ? std::string_view{} : msg.substr(comma + 1);
            if (attr.size() < 2 || attr[1] != '=') return false;
            auto value = attr.substr(2);
            switch (attr[0]) {
            case 'r': r = value; break;
            case 's': s = value; break;
            case 'i': i = value; break;
            default: break;
            }
        }
        return !r.empty() && !s.empty() && !i.empty();
    }

    std::string password_;
    binding binding_;
    std::string cbind_data_;
    std::string user_;
    std::string nonce_;
    std::string first_bare_;
    std::string auth_message_;
    std::uint32_t max_iterations_ = connect_params::default_scram_max_iterations;
    std::uint32_t requested_iterations_ = 0;
    crypto::sha256_digest salted_{};
};

} // namespace cirrus::postgres::detail
