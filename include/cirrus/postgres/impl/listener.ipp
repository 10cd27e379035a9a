#pragma once
// Definitions for postgres/listener.hpp.

#include <cirrus/postgres/bulk.hpp>
#include <cirrus/postgres/detail/connection_impl.hpp>
#include <cirrus/postgres/listener.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <random>

namespace cirrus::postgres::detail {

struct listener_state {
    listener_state(const asio::any_io_executor& ex, const connect_params& p, const listener_options& o)
        : session(make_session(ex, o.connection)), params(p), opts(o), timer(ex), rng(std::random_device{}()) {}

    std::shared_ptr<connection_impl> session;
    connect_params params;
    listener_options opts;
    std::vector<std::string> channels;
    asio::steady_timer timer;
    std::minstd_rand rng;
    bool connected_once = false;
    // A loss not reported yet by async_next.
    bool lost = false;
    std::chrono::system_clock::time_point lost_at, restored_at;
    error_code lost_because;
    std::string lost_message;
    std::uint32_t attempts = 0;

    void note_loss(error_code ec, const std::string& message) {
        if (lost) return;
        lost = true;
        lost_at = std::chrono::system_clock::now();
        lost_because = ec;
        lost_message = message;
        attempts = 0;
    }
};

// A wait of `d` plus up to a quarter of jitter, ended early by a cancellation.
inline task backoff_wait(asio::steady_timer& t, std::chrono::milliseconds d, std::minstd_rand& rng,
                         const signal_ptr& sig) {
    auto jitter = d.count() > 4 ? std::uniform_int_distribution<std::int64_t>(0, d.count() / 4)(rng) : 0;
    t.expires_after(d + std::chrono::milliseconds(jitter));
    if (sig->requested) co_return asio::error::operation_aborted;
    sig->on_cancel = [&t](asio::cancellation_type_t) { t.cancel(); };
    auto [ec] = co_await t.async_wait(as_tuple_awaitable);
    (void)ec;
    sig->on_cancel = nullptr;
    if (sig->requested) co_return asio::error::operation_aborted;
    co_return error_code{};
}

inline task relisten(listener_state& s, diagnostics& diag, const signal_ptr& sig) {
    for (const auto& ch : s.channels) {
        std::string sql = "LISTEN " + quote_identifier(ch);
        if (auto ec = co_await run_transaction_command(*s.session, sql, diag, sig)) co_return ec;
    }
    co_return error_code{};
}

// Connects and LISTENs again, retrying with backoff.
inline task reconnect(listener_state& s, diagnostics& diag, const signal_ptr& sig) {
    auto delay = s.opts.reconnect.initial;
    for (std::uint32_t n = 0;;) {
        if (sig->requested) co_return asio::error::operation_aborted;
        ++s.attempts;
        diag.clear();
        auto ec = co_await run_connect(*s.session, s.params, diag, sig);
        if (!ec) {
            ec = co_await relisten(s, diag, sig);
            if (!ec) {
                s.restored_at = std::chrono::system_clock::now();
                co_return error_code{};
            }
            close_now(*s.session);
        }
        if (sig->requested) co_return asio::error::operation_aborted;
        ++n;
        if (s.opts.max_reconnect_attempts != 0 && n >= s.opts.max_reconnect_attempts) co_return ec;
        if (auto wec = co_await backoff_wait(s.timer, delay, s.rng, sig)) co_return wec;
        delay = std::min(delay * 2, std::max(s.opts.reconnect.max, s.opts.reconnect.initial));
    }
}

inline task first_connect(listener_state& s, diagnostics& diag, const signal_ptr& sig) {
    if (auto ec = co_await run_connect(*s.session, s.params, diag, sig)) co_return ec;
    s.connected_once = true;
    if (auto ec = co_await relisten(s, diag, sig)) {
        close_now(*s.session);
        co_return ec;
    }
    co_return error_code{};
}

CIRRUS_DECL std::shared_ptr<listener_state> make_listener(const boost::asio::any_io_executor& ex,
                                                          const connect_params& params, const listener_options& opts) {
    return std::make_shared<listener_state>(ex, params, opts);
}

CIRRUS_DECL std::shared_ptr<connection_impl> listener_session(listener_state& s) noexcept { return s.session; }

CIRRUS_DECL std::vector<std::string> listener_channels(const listener_state& s) { return s.channels; }

CIRRUS_DECL task run_listener_listen(listener_state& s, const std::string& channel, bool listen, diagnostics& diag,
                                     signal_ptr sig) {
    auto known = std::find(s.channels.begin(), s.channels.end(), channel);
    if (!s.session->is_open()) {
        if (!listen) {
            // Nothing to undo on the server: the next connection simply does not LISTEN.
            if (known != s.channels.end()) s.channels.erase(known);
            co_return error_code{};
        }
        if (!s.connected_once) {
            if (auto ec = co_await first_connect(s, diag, sig)) co_return ec;
        } else {
            // One attempt; async_next reports the gap.
            s.note_loss(make_error_code(client_errc::not_connected), "the connection was closed");
            s.attempts = 1;
            if (auto ec = co_await run_connect(*s.session, s.params, diag, sig)) co_return ec;
            if (auto ec = co_await relisten(s, diag, sig)) {
                close_now(*s.session);
                co_return ec;
            }
            s.restored_at = std::chrono::system_clock::now();
        }
        known = std::find(s.channels.begin(), s.channels.end(), channel);
    }
    std::string sql = (listen ? "LISTEN " : "UNLISTEN ") + quote_identifier(channel);
    auto ec = co_await run_transaction_command(*s.session, sql, diag, sig);
    if (ec) {
        if (!s.session->is_open()) s.note_loss(ec, diag.message);
        co_return ec;
    }
    if (listen && known == s.channels.end()) s.channels.push_back(channel);
    if (!listen && known != s.channels.end()) s.channels.erase(known);
    co_return error_code{};
}

CIRRUS_DECL task run_listener_next(listener_state& s, listener_event& out, diagnostics& diag, signal_ptr sig) {
    if (!s.connected_once) {
        if (auto ec = co_await first_connect(s, diag, sig)) co_return ec;
    }
    for (;;) {
        if (s.lost && s.session->is_open()) {
            out = listener_event{};
            out.what = listener_event::kind::reconnected;
            out.lost_at = s.lost_at;
            out.restored_at = s.restored_at;
            out.lost_because = s.lost_because;
            out.lost_message = std::move(s.lost_message);
            out.attempts = s.attempts;
            s.lost = false;
            co_return error_code{};
        }
        if (s.session->is_open()) {
            notification n;
            auto ec = co_await run_next_notification(*s.session, n, diag, sig);
            if (!ec) {
                out = listener_event{};
                out.notification = std::move(n);
                co_return error_code{};
            }
            // Canceled (the connection stays), or another operation is running.
            if (s.session->is_open()) co_return ec;
            s.note_loss(ec, diag.message.empty() ? ec.message() : diag.message);
            diag.clear();
        } else {
            s.note_loss(make_error_code(client_errc::not_connected), "the connection was closed");
        }
        if (auto ec = co_await reconnect(s, diag, sig)) co_return ec;
    }
}

} // namespace cirrus::postgres::detail
