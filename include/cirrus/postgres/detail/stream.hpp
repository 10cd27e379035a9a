#pragma once
// The transport under a connection: TCP, TCP + TLS (after SSLRequest), or a Unix socket,
// behind one read/write interface for the protocol coroutines.

#include <cirrus/core/error.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>

namespace cirrus::postgres::detail {

namespace asio = boost::asio;

inline constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

class pg_stream {
public:
    enum class kind { none, tcp, tls, unix_socket };

    explicit pg_stream(const asio::any_io_executor& ex) : tcp_(ex), unix_(ex) {}

    kind current() const noexcept { return kind_; }
    bool is_open() const noexcept { return kind_ != kind::none; }
    bool is_tls() const noexcept { return kind_ == kind::tls; }
    asio::ip::tcp::socket& tcp() noexcept { return tcp_; }
    asio::local::stream_protocol::socket& unix_socket() noexcept { return unix_; }
    SSL* ssl_handle() noexcept { return tls_ ? tls_->native_handle() : nullptr; }

    void set_tcp() noexcept { kind_ = kind::tcp; }
    void set_unix() noexcept { kind_ = kind::unix_socket; }

    // Wraps the connected TCP socket in TLS with `ctx` (owned from now on).
    asio::ssl::stream<asio::ip::tcp::socket&>& start_tls(std::unique_ptr<asio::ssl::context> ctx) {
        tls_.reset();
        ctx_ = std::move(ctx);
        tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(tcp_, *ctx_);
        return *tls_;
    }
    void tls_established() noexcept { kind_ = kind::tls; }

    asio::awaitable<std::tuple<error_code, std::size_t>> read_some(asio::mutable_buffer b) {
        switch (kind_) {
        case kind::tls: co_return co_await tls_->async_read_some(b, as_tuple_awaitable);
        case kind::tcp: co_return co_await tcp_.async_read_some(b, as_tuple_awaitable);
        case kind::unix_socket: co_return co_await unix_.async_read_some(b, as_tuple_awaitable);
        case kind::none: break;
        }
        co_return std::tuple<error_code, std::size_t>{asio::error::not_connected, 0};
    }

    // One buffer, or a message header and its payload (std::array<const_buffer, 2>) in one
    // write.
    template <class ConstBufferSequence>
    asio::awaitable<std::tuple<error_code, std::size_t>> write(ConstBufferSequence b) {
        switch (kind_) {
        case kind::tls: co_return co_await asio::async_write(*tls_, b, as_tuple_awaitable);
        case kind::tcp: co_return co_await asio::async_write(tcp_, b, as_tuple_awaitable);
        case kind::unix_socket: co_return co_await asio::async_write(unix_, b, as_tuple_awaitable);
        case kind::none: break;
        }
        co_return std::tuple<error_code, std::size_t>{asio::error::not_connected, 0};
    }

    // Closes the sockets; pending operations complete with operation_aborted. The TLS
    // state is kept until reset() because pending operations may still refer to it.
    void close() noexcept {
        error_code ignored;
        if (tcp_.is_open()) {
            tcp_.shutdown(asio::socket_base::shutdown_both, ignored);
            tcp_.close(ignored);
        }
        if (unix_.is_open()) {
            unix_.shutdown(asio::socket_base::shutdown_both, ignored);
            unix_.close(ignored);
        }
        kind_ = kind::none;
    }

    // Without blocking, what an idle connection's socket holds: -1 the peer closed it
    // (or it failed), 1 bytes are waiting, 0 nothing.
    int peek_idle() noexcept {
        int fd = -1;
        if (kind_ == kind::tcp || kind_ == kind::tls) fd = tcp_.native_handle();
        else if (kind_ == kind::unix_socket) fd = unix_.native_handle();
        if (fd < 0) return -1;
        char b;
        ssize_t n = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) return 1;
        if (n == 0) return -1;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }

    // Ends pending reads and writes (operation_aborted) and keeps the connection.
    void cancel() noexcept {
        error_code ignored;
        if (tcp_.is_open()) tcp_.cancel(ignored);
        if (unix_.is_open()) unix_.cancel(ignored);
    }

    // Before a new connection: no operation may be pending.
    void reset() noexcept {
        close();
        tls_.reset();
        ctx_.reset();
    }

private:
    kind kind_ = kind::none;
    asio::ip::tcp::socket tcp_;
    asio::local::stream_protocol::socket unix_;
    std::unique_ptr<asio::ssl::context> ctx_;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
};

inline bool file_exists(const std::string& path) {
    struct stat st {};
    return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

inline std::string home_file(const char* rel) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return {};
    return std::string(home) + "/.postgresql/" + rel;
}

// How the TLS session of one attempt is set up, derived from sslmode and the files
// present, exactly as libpq decides: a root certificate file, when it exists, turns on
// chain verification in every mode; verify-ca and verify-full require it; verify-full
// also checks the host name.
struct tls_plan {
    bool verify_chain = false;
    bool verify_host = false;
    std::string root_cert; // empty, "system", or a file
};

inline error_code plan_tls(const connect_params& p, const host_spec& host, tls_plan& plan, diagnostics& diag) {
    plan = tls_plan{};
    // With only hostaddr there is no name to check the certificate against; OpenSSL
    // would take an empty expected name as "check nothing". libpq refuses this too.
    if (p.ssl == ssl_mode::verify_full && host.host.empty()) {
        diag.assign_client("host name must be specified for a verified SSL connection");
        return make_error_code(client_errc::invalid_connection_string);
    }
    std::string root = p.ssl_root_cert.empty() ? home_file("root.crt") : p.ssl_root_cert;
    bool verify_mode = p.ssl == ssl_mode::verify_ca || p.ssl == ssl_mode::verify_full;
    if (root == "system") {
        plan.root_cert = root;
        plan.verify_chain = true;
    } else if (file_exists(root)) {
        plan.root_cert = root;
        plan.verify_chain = true;
    } else if (verify_mode) {
        diag.assign_client(p.ssl_root_cert.empty()
                               ? "root certificate file ~/.postgresql/root.crt does not exist; either provide "
                                 "the file, use the system's trusted roots with sslrootcert=system, or change "
                                 "sslmode to disable server certificate verification"
                               : "root certificate file \"" + p.ssl_root_cert + "\" does not exist");
        return make_error_code(client_errc::invalid_connection_string);
    }
    plan.verify_host = p.ssl == ssl_mode::verify_full;
    return {};
}

inline error_code make_tls_context(const connect_params& p, const tls_plan& plan,
                                   std::unique_ptr<asio::ssl::context>& out, diagnostics& diag) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
    error_code ec;
    if (plan.verify_chain) {
        if (plan.root_cert == "system") ctx->set_default_verify_paths(ec);
        else ctx->load_verify_file(plan.root_cert, ec);
        if (ec) {
            diag.assign_client("could not read the root certificate file \"" + plan.root_cert + "\"");
            return ec;
        }
        ctx->set_verify_mode(asio::ssl::verify_peer, ec);
    } else {
        ctx->set_verify_mode(asio::ssl::verify_none, ec);
    }
    if (!p.ssl_cert.empty()) {
        ctx->use_certificate_chain_file(p.ssl_cert, ec);
        if (!ec) ctx->use_private_key_file(p.ssl_key.empty() ? p.ssl_cert : p.ssl_key, asio::ssl::context::pem, ec);
        if (ec) {
            diag.assign_client("could not load the client certificate or key");
            return ec;
        }
    }
    out = std::move(ctx);
    return {};
}

inline bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// Per-connection TLS settings on the SSL object: SNI and the expected host name, which
// OpenSSL then checks during the handshake (X509_V_ERR_HOSTNAME_MISMATCH on failure).
inline void configure_ssl(SSL* ssl, const connect_params& p, const tls_plan& plan, const std::string& host) {
    bool ip = is_ip_literal(host);
    if (p.ssl_sni && !ip && !host.empty() && host[0] != '/') SSL_set_tlsext_host_name(ssl, host.c_str());
    if (plan.verify_host) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (ip) {
            X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            SSL_set1_host(ssl, host.c_str());
        }
    }
}

// RFC 5929 tls-server-end-point: the hash of the server certificate, with SHA-256 when
// the certificate's signature uses MD5 or SHA-1, else with the signature's own hash.
inline error_code tls_server_end_point(SSL* ssl, std::string& out) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return make_error_code(client_errc::channel_binding_not_supported);
    std::unique_ptr<X509, decltype(&X509_free)> guard(cert, &X509_free);
    int md_nid = NID_undef, pk_nid = NID_undef;
    if (!OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid) || md_nid == NID_undef)
        return make_error_code(client_errc::channel_binding_not_supported);
    const EVP_MD* md = (md_nid == NID_md5 || md_nid == NID_sha1) ? EVP_sha256() : EVP_get_digestbynid(md_nid);
    if (!md) return make_error_code(client_errc::channel_binding_not_supported);
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, md, buf, &len) != 1) return make_error_code(client_errc::channel_binding_not_supported);
    out.assign(reinterpret_cast<const char*>(buf), len);
    return {};
}

} // namespace cirrus::postgres::detail
