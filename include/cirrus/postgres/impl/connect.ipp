#pragma once
// Definitions for postgres/detail/connection_impl.hpp: connection establishment (hosts in
// turn, the transport, TLS negotiation, the password file, startup and authentication).

#include <cirrus/postgres/detail/connection_impl.hpp>

namespace cirrus::postgres {
namespace detail {

CIRRUS_DECL asio::awaitable<error_code> connection_impl::connect(connect_params p, diagnostics& diag,
                                                                 std::shared_ptr<op_signal> sig) {
    diag.clear();
    if (state_ == state::busy || state_ == state::connecting)
        co_return make_error_code(client_errc::operation_in_progress);
    if (auto ec = check_auth_settings(p, &diag)) co_return ec;
    if (state_ == state::ready) fail_connection();
    state_ = state::connecting;
    bool cancelled = false;
    sig->on_cancel = [this, &cancelled](asio::cancellation_type_t) {
        cancelled = true;
        abort_io();
    };
    if (sig->requested) cancelled = true;
    if (p.hosts.empty()) p.hosts.push_back(host_spec{"localhost", 5432, {}});
    error_code ec = make_error_code(client_errc::not_connected);
    for (const auto& host : p.hosts) {
        if (cancelled) break;
        host_password password;
        resolve_password(p, host, password);
        // libpq's attempt order per sslmode: prefer tries TLS then (on a failed
        // handshake or a server error over TLS) plain; allow tries plain then TLS.
        bool unix_socket = p.is_unix_socket(host);
        std::vector<bool> attempts;
        switch (p.ssl) {
        case ssl_mode::disable: attempts = {false}; break;
        case ssl_mode::allow: attempts = unix_socket ? std::vector<bool>{false} : std::vector<bool>{false, true}; break;
        case ssl_mode::prefer:
            attempts = unix_socket ? std::vector<bool>{false} : std::vector<bool>{true, false};
            break;
        default: attempts = {true}; break;
        }
        bool after_failed_tls = false;
        for (std::size_t i = 0; i < attempts.size(); ++i) {
            if (cancelled) break;
            bool retry_possible = i + 1 < attempts.size();
            bool retry = false;
            bool handshake_failed = false;
            ec = co_await connect_attempt(p, host, password, attempts[i], after_failed_tls, diag, retry,
                                          handshake_failed);
            if (!ec) break;
            if (!retry || !retry_possible) break;
            after_failed_tls = handshake_failed;
        }
        if (!ec) break;
    }
    sig->on_cancel = nullptr;
    connect_timer_.cancel();
    if (cancelled && ec) {
        diag.assign_client("connection attempt canceled");
        ec = asio::error::operation_aborted;
    }
    if (ec) {
        fail_connection();
        co_return ec;
    }
    state_ = state::ready;
    ++session_;
    co_return error_code{};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::open_transport(const connect_params& p, const host_spec& host,
                                                                        diagnostics& diag) {
    stream_.reset();
    reader_.reset();
    reader_.set_max_message_size(opts_.max_message_size);
    out_.clear();
    target_ = {};
    if (p.is_unix_socket(host)) {
        std::string path = host.host + "/.s.PGSQL." + std::to_string(host.port);
        auto& s = stream_.unix_socket();
        auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(path), as_tuple_awaitable);
        if (ec) {
            diag.assign_client("could not connect to the server socket \"" + path + "\": " + ec.message());
            co_return ec;
        }
        stream_.set_unix();
        target_.where = path;
        co_return error_code{};
    }
    const std::string& name = host.hostaddr.empty() ? host.host : host.hostaddr;
    // Bounded by connect_timeout through abort_io(), which ends the wait at once.
    asio::ip::tcp::resolver::results_type endpoints;
    const auto rec = co_await resolver_.resolve(name, std::to_string(host.port),
                                                cirrus::detail::name_resolver::clock::time_point::max(), endpoints);
    if (rec) {
        diag.assign_client("could not resolve host \"" + name + "\": " + rec.message());
        co_return rec;
    }
    auto [cec, ep] = co_await asio::async_connect(stream_.tcp(), endpoints, as_tuple_awaitable);
    if (cec) {
        diag.assign_client("could not connect to \"" + name + "\" port " + std::to_string(host.port) + ": " +
                           cec.message());
        co_return cec;
    }
    error_code ignored;
    stream_.tcp().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (p.keepalives) stream_.tcp().set_option(asio::socket_base::keep_alive(true), ignored);
    stream_.set_tcp();
    target_.where = ep;
    co_return error_code{};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::negotiate_tls(const connect_params& p, const host_spec& host,
                                                                       bool plain_ok, diagnostics& diag,
                                                                       bool& handshake_failed) {
    handshake_failed = false;
    tls_verified_ = false;
    tls_plan plan;
    if (auto ec = plan_tls(p, host, plan, diag)) co_return ec;
    write_ssl_request(out_);
    if (auto ec = co_await flush()) co_return ec;
    // Exactly one byte, read straight from the socket: anything the server sent
    // after it must not be mistaken for TLS-protected data (CVE-2021-23222).
    char answer = 0;
    auto [rec, n] = co_await asio::async_read(stream_.tcp(), asio::buffer(&answer, 1), as_tuple_awaitable);
    (void)n;
    if (rec) co_return rec;
    if (answer == 'N') {
        if (plain_ok) co_return error_code{};
        diag.assign_client("the server does not support SSL, but SSL was required");
        co_return make_error_code(client_errc::ssl_not_supported);
    }
    if (answer != 'S') {
        diag.assign_client("unexpected answer to the SSL request");
        co_return make_error_code(errc::protocol_error);
    }
    std::unique_ptr<asio::ssl::context> ctx;
    if (auto ec = make_tls_context(p, plan, ctx, diag)) co_return ec;
    auto& tls = stream_.start_tls(std::move(ctx));
    configure_ssl(tls.native_handle(), p, plan, host.host);
    auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::client, as_tuple_awaitable);
    if (hec) {
        handshake_failed = true;
        long vr = SSL_get_verify_result(tls.native_handle());
        std::string why = vr != X509_V_OK ? X509_verify_cert_error_string(vr) : hec.message();
        diag.assign_client("TLS handshake failed: " + why);
        co_return hec;
    }
    stream_.tls_established();
    tls_verified_ = plan.verify_chain;
    co_return error_code{};
}

CIRRUS_DECL void connection_impl::resolve_password(const connect_params& p, const host_spec& host, host_password& out) {
    out.password = p.password;
    if (!p.password.empty() || p.passfile.empty()) return;
    auto r = read_password_file(p.passfile, passfile_host(host), host.port, p.database, p.user);
    if (r.status == passfile_status::found) {
        out.from_file = std::move(r.password);
        out.password = out.from_file;
    } else if (!r.warning.empty()) {
        out.file_ignored = std::move(r.warning);
        if (notice_handler_) {
            notice n;
            n.severity = "WARNING";
            n.message = out.file_ignored;
            notice_handler_(n);
        }
    }
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::connect_attempt(const connect_params& p, const host_spec& host,
                                                                         const host_password& password, bool try_tls,
                                                                         bool after_failed_tls, diagnostics& diag,
                                                                         bool& retry, bool& handshake_failed) {
    retry = false;
    handshake_failed = false;
    diag.clear();
    auth_mechanism_.clear();
    server_params_.clear();
    txn_ = transaction_status::idle;
    connect_timed_out_ = false;
    ++attempt_id_;
    if (p.connect_timeout.count() > 0) {
        connect_timer_.expires_after(p.connect_timeout);
        connect_timer_.async_wait([weak = weak_from_this(), id = attempt_id_](error_code ec) {
            auto self = weak.lock();
            if (!ec && self && id == self->attempt_id_ && self->state_ == state::connecting) {
                self->connect_timed_out_ = true;
                self->abort_io();
            }
        });
    }
    auto ec = co_await open_transport(p, host, diag);
    if (!ec && try_tls) {
        ec = co_await negotiate_tls(p, host,
                                    p.ssl != ssl_mode::require && p.ssl != ssl_mode::verify_ca &&
                                        p.ssl != ssl_mode::verify_full,
                                    diag, handshake_failed);
        // prefer: a failed handshake is retried without TLS.
        if (ec && handshake_failed && p.ssl == ssl_mode::prefer) retry = true;
    }
    if (!ec) {
        bool server_error = false;
        ec = co_await startup(p, password, after_failed_tls, diag, server_error);
        // A server error (for example a pg_hba.conf rule) is retried with the other
        // transport: plain after TLS for prefer, TLS after plain for allow.
        if (ec && server_error &&
            ((p.ssl == ssl_mode::prefer && stream_.is_tls()) || (p.ssl == ssl_mode::allow && !stream_.is_tls())))
            retry = true;
    }
    connect_timer_.cancel();
    ++attempt_id_;
    if (connect_timed_out_ && ec) {
        diag.assign_client("timeout expired while connecting");
        ec = asio::error::timed_out;
    }
    if (ec) {
        stream_.close();
        co_return ec;
    }
    co_return error_code{};
}

CIRRUS_DECL asio::awaitable<error_code> connection_impl::startup(const connect_params& p, const host_password& pw,
                                                                 bool after_failed_tls, diagnostics& diag,
                                                                 bool& server_error) {
    server_error = false;
    std::vector<std::pair<std::string, std::string>> sp;
    sp.emplace_back("user", p.user);
    if (!p.database.empty()) sp.emplace_back("database", p.database);
    if (!p.application_name.empty()) sp.emplace_back("application_name", p.application_name);
    sp.emplace_back("client_encoding", "UTF8");
    sp.emplace_back("DateStyle", "ISO, MDY");
    if (!p.options.empty()) sp.emplace_back("options", p.options);
    for (const auto& kv : p.runtime_params) sp.push_back(kv);
    if (auto ec = write_startup(out_, sp)) {
        out_.clear();
        diag.assign_client("a startup parameter contains a NUL character");
        co_return ec;
    }
    if (auto ec = co_await flush()) co_return ec;

    auth_channel channel;
    channel.tls = stream_.is_tls();
    channel.verified = channel.tls && tls_verified_;
    channel.after_failed_tls = after_failed_tls;
    if (channel.tls) channel.end_point_error = tls_server_end_point(stream_.ssl_handle(), channel.end_point);
    authenticator auth(p, pw.password, pw.file_ignored, std::move(channel));
    for (;;) {
        message_view m;
        if (auto ec = co_await read_message(m)) {
            if (ec == errc::message_too_large) describe_oversize(diag, " during startup");
            else if (ec == errc::protocol_error)
                diag.assign_client("the server sent an invalid message during startup");
            co_return ec;
        }
        error_code ec;
        if (handle_async(m, ec)) {
            if (ec) co_return ec;
            continue;
        }
        switch (m.type) {
        case msg::error_response: {
            server_message_fields f;
            if (auto pec = parse_server_message(m.body, f)) co_return pec;
            diag.assign_server(f);
            server_error = true;
            co_return sqlstate_error(f.sqlstate);
        }
        case msg::authentication: {
            auth_request req;
            if (auto pec = parse_authentication(m.body, req)) co_return pec;
            auto aec = auth.on_request(req, out_, diag);
            auth_mechanism_ = auth.mechanism();
            if (aec) {
                out_.clear();
                co_return aec;
            }
            if (!out_.empty()) {
                if (auto wec = co_await flush()) co_return wec;
            }
            break;
        }
        case msg::backend_key_data:
            if (auto pec = parse_backend_key_data(m.body, target_.key)) co_return pec;
            break;
        case msg::negotiate_protocol_version: {
            std::int32_t minor = 0;
            if (auto pec = parse_negotiate_protocol_version(m.body, minor)) co_return pec;
            break;
        }
        case msg::ready_for_query:
            if (auto pec = parse_ready_for_query(m.body, txn_)) co_return pec;
            if (!auth.authenticated()) {
                diag.assign_client("the server ended the startup without authenticating the client");
                co_return make_error_code(client_errc::unexpected_message);
            }
            co_return error_code{};
        default:
            diag.assign_client("unexpected message during startup");
            co_return make_error_code(errc::protocol_error);
        }
    }
}

} // namespace detail
} // namespace cirrus::postgres
