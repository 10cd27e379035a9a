#pragma once
// TLS settings of a client. Verification of the certificate chain and of the host name
// is on unless the caller writes tls_verify::none_insecure; SNI is sent for host names.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace cirrus::http {

enum class tls_verify {
    peer,          // chain to a trusted CA and a certificate that names the host
    none_insecure, // accept any certificate: only for tests against throwaway servers
};

struct tls_options {
    tls_verify verify = tls_verify::peer;
    std::string ca_file = {}; // PEM bundle of trusted CAs; empty with ca_dir empty = system store
    std::string ca_dir = {};  // OpenSSL hashed directory of trusted CAs
    bool tls13_only = false;  // otherwise TLS 1.2 is the minimum
};

namespace detail {

// A client context for the options; errors (unreadable CA file, ...) come back as codes.
inline error_code make_tls_context(const tls_options& opts, std::unique_ptr<boost::asio::ssl::context>& out) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression,
                     ec);
    if (ec) return ec;
    if (opts.tls13_only) SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
    if (!opts.ca_file.empty()) {
        ctx->load_verify_file(opts.ca_file, ec);
        if (ec) return ec;
    }
    if (!opts.ca_dir.empty()) {
        ctx->add_verify_path(opts.ca_dir, ec);
        if (ec) return ec;
    }
    if (opts.ca_file.empty() && opts.ca_dir.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) return ec;
    }
    ctx->set_verify_mode(opts.verify == tls_verify::peer ? ssl::verify_peer : ssl::verify_none, ec);
    if (ec) return ec;
    out = std::move(ctx);
    return {};
}

// Per connection: SNI for names, and the identity the certificate must carry (a DNS name
// or an IP address; OpenSSL checks it during the handshake).
inline error_code prepare_tls_session(SSL* ssl, std::string_view host, tls_verify verify) {
    const std::string h(host);
    error_code ec;
    const auto address = boost::asio::ip::make_address(h, ec);
    const bool is_ip = !ec;
    auto openssl_error = [] {
        return error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category());
    };
    if (!is_ip && SSL_set_tlsext_host_name(ssl, h.c_str()) != 1) return openssl_error();
    if (verify == tls_verify::peer) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str())
                             : X509_VERIFY_PARAM_set1_host(param, h.c_str(), h.size());
        if (ok != 1) return openssl_error();
    }
    return {};
}

} // namespace detail

} // namespace cirrus::http
