#pragma once
// The byte stream under one connection: TCP, or TLS over TCP, chosen at run time so that
// the HTTP read and write algorithms are instantiated once. Every read and write arms the
// socket's timer with the nearer of the inactivity limit and the request's deadline.

#include <cirrus/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

namespace cirrus::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

// The end of an operation that may take up to `limit` (zero: no limit of its own) and
// must not outlast `deadline`.
inline std::chrono::steady_clock::time_point limit_end(std::chrono::milliseconds limit,
                                                       std::chrono::steady_clock::time_point deadline) {
    const auto now = std::chrono::steady_clock::now();
    return limit.count() > 0 && now + limit < deadline ? now + limit : deadline;
}

class stream {
public:
    using executor_type = asio::any_io_executor;
    using clock = std::chrono::steady_clock;

    stream(const executor_type& ex, asio::ssl::context* tls) {
        if (tls != nullptr) tls_.emplace(beast::tcp_stream(ex), *tls);
        else plain_.emplace(ex);
    }

    executor_type get_executor() noexcept { return tcp().get_executor(); }

    beast::tcp_stream& tcp() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
    bool is_tls() const noexcept { return tls_.has_value(); }
    asio::ssl::stream<beast::tcp_stream>& tls() noexcept { return *tls_; }

    // Limits for the reads and writes that follow. A zero inactivity means none.
    void set_limits(std::chrono::milliseconds inactivity, clock::time_point deadline) noexcept {
        inactivity_ = inactivity;
        deadline_ = deadline;
    }
    clock::time_point deadline() const noexcept { return deadline_; }

    // Arms the timer for an operation that may take up to `limit` (and never past the
    // deadline).
    void arm(std::chrono::milliseconds limit) {
        const auto until = limit_end(limit, deadline_);
        if (until == clock::time_point::max()) tcp().expires_never();
        else tcp().expires_at(until);
    }

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
        auto& sock = tcp().socket();
        if (!sock.is_open()) return false;
        char byte;
        const auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) return false;                               // orderly close
        if (n > 0) return false;                                // unsolicited bytes (or a TLS close_notify)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }

    void close() noexcept {
        error_code ignored;
        auto& sock = tcp().socket();
        if (sock.is_open()) {
            sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            sock.close(ignored);
        }
        tcp().expires_never();
    }

private:
    std::optional<beast::tcp_stream> plain_;
    std::optional<asio::ssl::stream<beast::tcp_stream>> tls_;
    std::chrono::milliseconds inactivity_{0};
    clock::time_point deadline_ = clock::time_point::max();
};

} // namespace cirrus::http::detail
