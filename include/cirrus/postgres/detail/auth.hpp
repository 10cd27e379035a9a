#pragma once
// The client's side of authentication, without I/O: the connection hands it each
// Authentication request of the startup phase and sends what it writes. What the client
// is willing to answer is decided here:
//  - require_auth (libpq 16): the methods the server may use;
//  - channel_binding=require: SCRAM-SHA-256-PLUS or nothing;
//  - a cleartext password only to a server whose certificate chain was verified (or
//    with allow_cleartext_password);
//  - no MD5 hash on the plain connection that sslmode=prefer makes after a failed TLS
//    handshake: whoever broke the handshake may be the one asking, with a salt of their
//    choosing;
//  - at most scram_max_iterations PBKDF2 iterations, and a SCRAM exchange the server
//    completes with its proof of the password.

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/detail/scram.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cirrus::postgres::detail {

// What the client knows about the transport when the server asks for authentication.
struct auth_channel {
    bool tls = false;
    bool verified = false;         // the server's certificate chain was verified
    bool after_failed_tls = false; // a plain retry after a failed TLS handshake
    // The RFC 5929 tls-server-end-point hash of the server certificate for SCRAM-PLUS, or
    // why there is none.
    std::string end_point;
    error_code end_point_error = make_error_code(client_errc::channel_binding_not_supported);
};

class authenticator {
public:
    // `password_file_warning`: why the password file was ignored, for the message when a
    // password is needed and there is none.
    authenticator(const connect_params& p, std::string_view password, std::string_view password_file_warning,
                  auth_channel channel)
        : p_(p), password_(password), file_warning_(password_file_warning), channel_(std::move(channel)) {
        std::string ignored;
        parse_require_auth(p.require_auth, allowed_, ignored); // validated before connecting
    }

    // Handles one Authentication request; the answer, if any, is appended to `reply`.
    error_code on_request(const auth_request& req, cirrus::buffer& reply, diagnostics& diag) {
        if (authenticated_) {
            diag.assign_client("the server asked for authentication after accepting the client");
            return make_error_code(client_errc::unexpected_message);
        }
        switch (req.code) {
        case 0: return on_ok(diag);
        case 3: return on_cleartext(reply, diag);
        case 5: return on_md5(req.data, reply, diag);
        case 10: return on_sasl(req.data, reply, diag);
        case 11: return on_sasl_continue(req.data, reply, diag);
        case 12: return on_sasl_final(req.data, diag);
        case 7:
        case 8:
            if (!allows(auth_methods::gss)) return refuse("server requested GSSAPI authentication", diag);
            return unsupported("GSSAPI", diag);
        case 9:
            if (!allows(auth_methods::sspi)) return refuse("server requested SSPI authentication", diag);
            return unsupported("SSPI", diag);
        case 2: return unsupported("Kerberos V5", diag);
        case 6: return unsupported("SCM credentials", diag);
        default:
            diag.assign_client("the server requested an unknown authentication method (" + std::to_string(req.code) +
                               ")");
            return make_error_code(client_errc::unsupported_auth_method);
        }
    }

    // "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "md5", "password", or "trust" after an
    // AuthenticationOk without any exchange.
    const std::string& mechanism() const noexcept { return mechanism_; }
    // AuthenticationOk came and passed every check. Until then the startup may not end:
    // a server that skipped it would bypass every rule above.
    bool authenticated() const noexcept { return authenticated_; }

private:
    bool allows(unsigned method) const noexcept { return (allowed_ & method) != 0; }

    error_code refuse(std::string_view reason, diagnostics& diag) const {
        diag.assign_client("authentication method requirement \"" + p_.require_auth +
                           "\" failed: " + std::string(reason));
        return make_error_code(client_errc::auth_method_not_allowed);
    }

    static error_code unsupported(std::string_view what, diagnostics& diag) {
        diag.assign_client("the server requested " + std::string(what) + " authentication, which is not supported");
        return make_error_code(client_errc::unsupported_auth_method);
    }

    error_code channel_binding_refusal(std::string_view what, diagnostics& diag) const {
        diag.assign_client("channel binding required, but the server " + std::string(what));
        return make_error_code(client_errc::channel_binding_required);
    }

    error_code no_password(diagnostics& diag) const {
        std::string text = "the server requested a password, but none was provided";
        if (!file_warning_.empty()) text += " (" + std::string(file_warning_) + ")";
        diag.assign_client(text);
        return make_error_code(client_errc::password_required);
    }

    error_code on_ok(diagnostics& diag) {
        if (scram_ && !scram_verified_) {
            diag.assign_client("the server did not complete SCRAM authentication");
            return make_error_code(client_errc::scram_server_signature_mismatch);
        }
        if (!allows(auth_methods::none) && !answered_) return refuse("server did not complete authentication", diag);
        if (p_.channel_binding == channel_binding_mode::require && mechanism_ != "SCRAM-SHA-256-PLUS")
            return channel_binding_refusal("authenticated the client without channel binding", diag);
        if (mechanism_.empty()) mechanism_ = "trust";
        authenticated_ = true;
        return {};
    }

    error_code on_cleartext(cirrus::buffer& reply, diagnostics& diag) {
        if (!allows(auth_methods::password)) return refuse("server requested a cleartext password", diag);
        if (p_.channel_binding == channel_binding_mode::require)
            return channel_binding_refusal("requested a cleartext password", diag);
        if (!p_.allow_cleartext_password && !(channel_.tls && channel_.verified)) {
            diag.assign_client(channel_.tls
                                   ? "the server requested a cleartext password, but its certificate was not "
                                     "verified; refused (use sslmode=verify-full with sslrootcert, or set "
                                     "allow_cleartext_password to send it anyway)"
                                   : "the server requested a cleartext password over a connection without TLS; "
                                     "refused (set allow_cleartext_password to permit it)");
            return make_error_code(client_errc::cleartext_password_not_allowed);
        }
        if (password_.empty()) return no_password(diag);
        if (auto ec = write_password(reply, password_)) {
            reply.clear();
            diag.assign_client("the password contains a NUL character");
            return ec;
        }
        mechanism_ = "password";
        answered_ = true;
        return {};
    }

    error_code on_md5(std::string_view salt, cirrus::buffer& reply, diagnostics& diag) {
        if (!allows(auth_methods::md5)) return refuse("server requested a hashed password", diag);
        if (p_.channel_binding == channel_binding_mode::require)
            return channel_binding_refusal("requested MD5 authentication", diag);
        if (channel_.after_failed_tls && !p_.allow_cleartext_password) {
            diag.assign_client("the server requested an MD5 password hash on the plain connection made after the "
                               "TLS handshake failed; refused (fix the TLS problem, or connect with "
                               "sslmode=disable or allow to use MD5 without TLS on purpose)");
            return make_error_code(client_errc::auth_method_not_allowed);
        }
        if (password_.empty()) return no_password(diag);
        write_password(reply, md5_password_response(p_.user, password_, salt));
        mechanism_ = "md5";
        answered_ = true;
        return {};
    }

    error_code on_sasl(std::string_view mechanisms, cirrus::buffer& reply, diagnostics& diag) {
        if (!allows(auth_methods::scram_sha_256)) return refuse("server requested SASL authentication", diag);
        bool plain = false, plus = false;
        if (auto ec = for_each_sasl_mechanism(mechanisms, [&](std::string_view mech) {
                plain = plain || mech == "SCRAM-SHA-256";
                plus = plus || mech == "SCRAM-SHA-256-PLUS";
            }))
            return ec;
        if (password_.empty()) return no_password(diag);
        std::string cbind;
        bool use_plus = false;
        if (channel_.tls && plus && p_.channel_binding != channel_binding_mode::disable) {
            auto cbec = channel_.end_point_error;
            if (!cbec) {
                use_plus = true;
                cbind = channel_.end_point;
            } else if (p_.channel_binding == channel_binding_mode::require) {
                diag.assign_client("channel binding is not possible with the server's certificate");
                return cbec;
            }
        }
        if (!use_plus && p_.channel_binding == channel_binding_mode::require)
            return channel_binding_refusal("did not offer SCRAM-SHA-256-PLUS over TLS", diag);
        if (!use_plus && !plain) {
            diag.assign_client("none of the server's SASL authentication mechanisms are supported");
            return make_error_code(client_errc::unsupported_auth_method);
        }
        // "y": we could bind but the server did not offer it over TLS (a downgrade the
        // server can detect); "n": no TLS or binding disabled.
        auto binding = use_plus ? scram_client::binding::server_end_point
                       : (channel_.tls && p_.channel_binding != channel_binding_mode::disable)
                           ? scram_client::binding::unused
                           : scram_client::binding::none;
        scram_ = std::make_unique<scram_client>(password_, binding, std::move(cbind));
        scram_->limit_iterations(p_.scram_max_iterations);
        write_sasl_initial_response(reply, scram_->mechanism(), scram_->client_first());
        mechanism_ = std::string(scram_->mechanism());
        return {};
    }

    error_code on_sasl_continue(std::string_view data, cirrus::buffer& reply, diagnostics& diag) {
        if (!scram_) return make_error_code(client_errc::unexpected_message);
        std::string final_msg;
        if (auto ec = scram_->server_first(data, final_msg)) {
            if (ec == client_errc::scram_too_many_iterations)
                diag.assign_client("the server asked for " + std::to_string(scram_->requested_iterations()) +
                                   " SCRAM iterations, more than scram_max_iterations (" +
                                   std::to_string(p_.scram_max_iterations) +
                                   "); raise it if the server's scram_iterations is really that high");
            else diag.assign_client("invalid SCRAM server-first-message");
            return ec;
        }
        write_sasl_response(reply, final_msg);
        return {};
    }

    error_code on_sasl_final(std::string_view data, diagnostics& diag) {
        if (!scram_) return make_error_code(client_errc::unexpected_message);
        if (auto ec = scram_->server_final(data)) {
            diag.assign_client("the server's SCRAM signature is invalid");
            return ec;
        }
        scram_verified_ = true;
        answered_ = true;
        return {};
    }

    const connect_params& p_;
    std::string_view password_;
    std::string_view file_warning_;
    auth_channel channel_;
    unsigned allowed_ = auth_methods::all;
    std::unique_ptr<scram_client> scram_;
    bool scram_verified_ = false;
    bool answered_ = false; // the client has proven the password
    bool authenticated_ = false;
    std::string mechanism_;
};

} // namespace cirrus::postgres::detail
