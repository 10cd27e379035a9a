#pragma once
// The byte stream under one connection: TCP, or TLS over TCP, chosen at run time so that
// the HTTP read and write algorithms are instantiated once.
//
// Timeouts: every read, write, connect and handshake is watched by one timer per
// connection (a watchdog) that ends the operation when it outlasts the nearer of its own
// limit and the request's deadline. The watchdog is armed once and re-armed only when it
// fires early (the operation it watched has ended and a later one is running), so a
// request costs one timer wait however many reads and writes it takes; disarm() stops it
// when the exchange ends. A watchdog that fires closes the socket: the pending operation
// ends with operation_aborted, timed_out() says why, and the connection is not reused.

#include <cirrus/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

namespace cirrus::http::detail {

namespace asio = boost::asio;

// The end of an operation that may take up to `limit` (zero: no limit of its own) and
// must not outlast `deadline`.
inline std::chrono::steady_clock::time_point limit_end(std::chrono::milliseconds limit,
                                                       std::chrono::steady_clock::time_point deadline) {
    const auto now = std::chrono::steady_clock::now();
    return limit.count() > 0 && now + limit < deadline ? now + limit : deadline;
}

// Shared with the timer's handler, which may run after the stream is gone.
class watchdog : public std::enable_shared_from_this<watchdog> {
public:
    using clock = std::chrono::steady_clock;

    // `sock` is the socket closed when an operation outlasts its end.
    watchdog(const asio::any_io_executor& ex, asio::ip::tcp::socket& sock) : timer_(ex), sock_(&sock) {}

    // The operation about to start must end by `end` (time_point::max(): no limit).
    void watch(clock::time_point end) {
        until_ = end;
        active_ = true;
        if (end == clock::time_point::max()) return; // a running wait finds nothing due and stops
        if (!waiting_) start(end);
        else if (armed_for_ > end) timer_.cancel(); // the handler re-arms for the nearer end
    }

    // No operation is watched any more.
    void stop() noexcept {
        active_ = false;
        if (waiting_) timer_.cancel();
    }

    // The stream is going away: never touch its socket again.
    void detach() noexcept {
        sock_ = nullptr;
        stop();
    }

    bool fired() const noexcept { return fired_; }

private:
    void start(clock::time_point end) {
        waiting_ = true;
        armed_for_ = end;
        timer_.expires_at(end);
        timer_.async_wait([self = shared_from_this()](const error_code&) { self->on_timer(); });
    }

    void on_timer() {
        waiting_ = false;
        if (!active_) return;
        if (clock::now() >= until_) {
            fired_ = true;
            active_ = false;
            if (sock_ != nullptr) {
                error_code ignored;
                sock_->close(ignored);
            }
            return;
        }
        if (until_ != clock::time_point::max()) start(until_);
    }

    asio::steady_timer timer_;
    asio::ip::tcp::socket* sock_ = nullptr;
    clock::time_point until_ = clock::time_point::max();     // end of the watched operation
    clock::time_point armed_for_ = clock::time_point::max(); // expiry of the running wait
    bool active_ = false;
    bool waiting_ = false;
    bool fired_ = false;
};

class stream {
public:
    using executor_type = asio::any_io_executor;
    using clock = std::chrono::steady_clock;
    using socket_type = asio::ip::tcp::socket;

    stream(const executor_type& ex, asio::ssl::context* tls) {
        if (tls != nullptr) tls_.emplace(ex, *tls);
        else plain_.emplace(ex);
        watch_ = std::make_shared<watchdog>(ex, socket());
    }
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    ~stream() { watch_->detach(); }

    executor_type get_executor() noexcept { return socket().get_executor(); }

    socket_type& socket() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
    bool is_tls() const noexcept { return tls_.has_value(); }
    asio::ssl::stream<socket_type>& tls() noexcept { return *tls_; }

    // Limits for the operations that follow. A zero inactivity means none.
    void set_limits(std::chrono::milliseconds inactivity, clock::time_point deadline) noexcept {
        inactivity_ = inactivity;
        deadline_ = deadline;
    }
    clock::time_point deadline() const noexcept { return deadline_; }

    // Watches an operation about to start that may take up to `limit` (and never past the
    // deadline).
    void arm(std::chrono::milliseconds limit) { watch_->watch(limit_end(limit, deadline_)); }

    // Stops watching: no operation is pending. Without it a running wait would keep the
    // executor's work count up until it expired.
    void disarm() noexcept { watch_->stop(); }

    // Disarms the stream when the scope that used it ends, however it ends.
    class disarm_guard {
    public:
        explicit disarm_guard(stream& s) noexcept : s_(s) {}
        disarm_guard(const disarm_guard&) = delete;
        disarm_guard& operator=(const disarm_guard&) = delete;
        ~disarm_guard() { s_.disarm(); }

    private:
        stream& s_;
    };

    // True once an operation outlasted its limit (the socket was closed to end it).
    bool timed_out() const noexcept { return watch_->fired(); }

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
        return asio::async_initiate<ReadToken, void(error_code, std::size_t)>(
            [this](auto handler, const MutableBufferSequence& b) {
                arm(inactivity_);
                if (tls_) tls_->async_read_some(b, std::move(handler));
                else plain_->async_read_some(b, std::move(handler));
            },
            token, buffers);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
        return asio::async_initiate<WriteToken, void(error_code, std::size_t)>(
            [this](auto handler, const ConstBufferSequence& b) {
                arm(inactivity_);
                if (tls_) tls_->async_write_some(b, std::move(handler));
                else plain_->async_write_some(b, std::move(handler));
            },
            token, buffers);
    }

    // True when the peer has not closed the connection and sent nothing unasked: an idle
    // HTTP/1.1 connection must have nothing to read.
    bool looks_alive() noexcept {
        auto& sock = socket();
        if (!sock.is_open()) return false;
        char byte;
        const auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) return false; // orderly close
        if (n > 0) return false;  // unsolicited bytes (or a TLS close_notify)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }

    void close() noexcept {
        error_code ignored;
        auto& sock = socket();
        if (sock.is_open()) {
            sock.shutdown(socket_type::shutdown_both, ignored);
            sock.close(ignored);
        }
        watch_->stop();
    }

private:
    std::optional<socket_type> plain_;
    std::optional<asio::ssl::stream<socket_type>> tls_;
    std::shared_ptr<watchdog> watch_;
    std::chrono::milliseconds inactivity_{0};
    clock::time_point deadline_ = clock::time_point::max();
};

} // namespace cirrus::http::detail
