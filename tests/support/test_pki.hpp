#pragma once
// A throwaway PKI for TLS tests: a CA and a server certificate signed by it, made at test
// time through OpenSSL's API (no files, no openssl command).

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace cirrus::test {

// A CA and a server certificate signed by it, as PEM, made with OpenSSL's API.
struct test_pki {
    std::string ca_cert_pem;
    std::string server_cert_pem;
    std::string server_key_pem;

    // SAN entries like "DNS:localhost", "IP:127.0.0.1".
    static test_pki make(const std::vector<std::string>& subject_alt_names, const std::string& ca_name = "cirrus test CA") {
        test_pki out;
        EVP_PKEY* ca_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        if (ca_key == nullptr || key == nullptr) throw std::runtime_error("keygen failed");
        X509* ca = make_cert(ca_key, ca_key, nullptr, ca_name, true, {});
        X509* cert = make_cert(key, ca_key, ca, "cirrus test server", false, subject_alt_names);
        out.ca_cert_pem = to_pem(ca);
        out.server_cert_pem = to_pem(cert);
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
        out.server_key_pem = bio_string(bio);
        BIO_free(bio);
        X509_free(ca);
        X509_free(cert);
        EVP_PKEY_free(ca_key);
        EVP_PKEY_free(key);
        return out;
    }

    // A TLS server context with the server certificate and key.
    boost::asio::ssl::context server_context() const {
        boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
        ctx.use_certificate_chain(boost::asio::buffer(server_cert_pem));
        ctx.use_private_key(boost::asio::buffer(server_key_pem), boost::asio::ssl::context::pem);
        return ctx;
    }

private:
    static std::string bio_string(BIO* bio) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        return std::string(data, static_cast<std::size_t>(n));
    }
    static std::string to_pem(X509* x) {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(bio, x);
        std::string s = bio_string(bio);
        BIO_free(bio);
        return s;
    }
    static void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (ext == nullptr) throw std::runtime_error("bad extension " + value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
    static X509* make_cert(EVP_PKEY* key, EVP_PKEY* signer, X509* issuer, const std::string& cn, bool is_ca,
                           const std::vector<std::string>& sans) {
        static std::atomic<long> serial{1000};
        X509* x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
        X509_set_pubkey(x, key);
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0);
        X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
        X509* iss = issuer != nullptr ? issuer : x;
        if (is_ca) {
            add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE");
            add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
        } else {
            add_ext(x, iss, NID_basic_constraints, "critical,CA:FALSE");
            add_ext(x, iss, NID_ext_key_usage, "serverAuth");
            if (!sans.empty()) {
                std::string joined;
                for (const auto& s : sans) joined += (joined.empty() ? "" : ",") + s;
                add_ext(x, iss, NID_subject_alt_name, joined);
            }
        }
        X509_sign(x, signer, EVP_sha256());
        return x;
    }
};

} // namespace cirrus::test
