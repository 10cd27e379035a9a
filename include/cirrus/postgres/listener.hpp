#pragma once
// cirrus::postgres::listener: LISTEN/NOTIFY on a dedicated connection that survives
// server restarts (docs/postgres.md, "LISTEN/NOTIFY").
//
//   pg::listener l(co_await asio::this_coro::executor, params);
//   co_await l.async_listen("jobs");
//   for (;;) {
//       auto ev = co_await l.async_next();
//       if (ev.what == pg::listener_event::kind::reconnected) resync(ev); // some may be lost
//       else handle(ev.notification);
//   }
//
// When the connection is lost, async_next reconnects with exponential backoff, LISTENs
// again on every channel and completes with a `reconnected` event that says when the
// connection was lost and when it was back: NOTIFYs sent in between were not received.
// Notifications received before the loss are delivered first.
//
// One operation at a time (like a connection): async_listen while async_next waits fails
// with client_errc::operation_in_progress; cancel the wait first (a bound cancellation
// slot; the connection stays usable). Runs on the executor given to the constructor.

#include <cirrus/core/async_op.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/connection.hpp>
#include <cirrus/postgres/detail/session.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/notification.hpp>
#include <cirrus/postgres/options.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres {

struct listener_options {
    connection_options connection;
    backoff_options reconnect;
    // Reconnection attempts after a loss before async_next fails with the last attempt's
    // error (the next call starts again). 0: until it succeeds or the wait is canceled.
    std::uint32_t max_reconnect_attempts = 0;
};

struct listener_event {
    enum class kind { notification, reconnected };
    kind what = kind::notification;
    // what == kind::notification:
    postgres::notification notification;
    // what == kind::reconnected: the gap during which notifications were not received.
    std::chrono::system_clock::time_point lost_at;
    std::chrono::system_clock::time_point restored_at;
    error_code lost_because;    // the error that ended the old connection
    std::string lost_message;   // its diagnostics
    std::uint32_t attempts = 0; // connection attempts it took
};

namespace detail {

struct listener_state;

CIRRUS_DECL std::shared_ptr<listener_state> make_listener(const boost::asio::any_io_executor& ex,
                                                          const connect_params& params, const listener_options& opts);
CIRRUS_DECL std::shared_ptr<connection_impl> listener_session(listener_state& s) noexcept;
CIRRUS_DECL std::vector<std::string> listener_channels(const listener_state& s);
CIRRUS_DECL task run_listener_listen(listener_state& s, const std::string& channel, bool listen, diagnostics& diag,
                                     signal_ptr sig);
CIRRUS_DECL task run_listener_next(listener_state& s, listener_event& out, diagnostics& diag, signal_ptr sig);

} // namespace detail

class listener {
public:
    using executor_type = boost::asio::any_io_executor;

    listener(executor_type ex, const connect_params& params, const listener_options& opts = {})
        : state_(detail::make_listener(ex, params, opts)), executor_(std::move(ex)) {}
    listener(listener&&) noexcept = default;
    listener& operator=(listener&&) noexcept = default;
    ~listener() {
        if (state_) detail::close_now(*detail::listener_session(*state_));
    }

    executor_type get_executor() const { return executor_; }
    bool is_open() const noexcept { return detail::is_open(*session()); }
    std::int32_t backend_pid() const noexcept { return detail::backend_pid(*session()); }
    // The channels LISTENed to (again after every reconnect).
    std::vector<std::string> channels() const { return detail::listener_channels(*state_); }
    std::uint64_t dropped_notifications() const noexcept { return detail::dropped_notifications(*session()); }
    const diagnostics& last_diagnostics() const noexcept { return detail::last_diagnostics(*session()); }

    // Connects when not connected (one attempt: a wrong password is reported, not
    // retried), then LISTENs.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_listen(std::string_view channel, Token&& token = {}) {
        return listen_op(channel, true, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_listen(std::string_view channel, diagnostics& diag, Token&& token = {}) {
        return listen_op(channel, true, &diag, std::forward<Token>(token));
    }
    // UNLISTENs (when connected) and forgets the channel.  Signature: void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_unlisten(std::string_view channel, Token&& token = {}) {
        return listen_op(channel, false, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_unlisten(std::string_view channel, diagnostics& diag, Token&& token = {}) {
        return listen_op(channel, false, &diag, std::forward<Token>(token));
    }

    // The next notification, or a `reconnected` event after a loss (see above).
    // Signature: void(error_code, listener_event).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_next(Token&& token = {}) {
        return next_op(nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_next(diagnostics& diag, Token&& token = {}) {
        return next_op(&diag, std::forward<Token>(token));
    }

    // Closes the connection at once; the next operation connects again.
    void close() { detail::close_now(*session()); }

private:
    std::shared_ptr<detail::connection_impl> session() const noexcept { return detail::listener_session(*state_); }

    template <class R, class Token, class Body>
    auto start(diagnostics* diag, Token&& token, Body body) {
        auto impl = session();
        auto* keep_last = &detail::last_diagnostics(*impl);
        return cirrus::detail::async_op(executor_, std::forward<Token>(token),
                                        detail::connection_op<R, Body>{std::move(impl), std::move(body)}, diag,
                                        keep_last);
    }
    template <class Token>
    auto listen_op(std::string_view channel, bool listen, diagnostics* diag, Token&& token) {
        return start<void>(diag, std::forward<Token>(token),
                           [state = state_, channel = std::string(channel), listen](detail::connection_impl*,
                                                                                   diagnostics& d, const auto& sig) {
                               return detail::run_listener_listen(*state, channel, listen, d, sig);
                           });
    }
    template <class Token>
    auto next_op(diagnostics* diag, Token&& token) {
        return start<listener_event>(diag, std::forward<Token>(token),
                                     [state = state_](detail::connection_impl*, diagnostics& d, listener_event& out,
                                                      const auto& sig) {
                                         return detail::run_listener_next(*state, out, d, sig);
                                     });
    }

    std::shared_ptr<detail::listener_state> state_;
    executor_type executor_;
};

} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/listener.ipp>
#endif
