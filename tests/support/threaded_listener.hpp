#pragma once
// The plumbing of the scripted test servers: a TCP listener on 127.0.0.1 with an
// ephemeral port that serves each accepted connection on a thread of its own with blocking
// I/O, so the server shares nothing with the asynchronous client under test, and a stop()
// that unblocks every thread (shutdown of the listening and the open sockets) and joins it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cirrus::test {

class threaded_listener {
public:
    using tcp = boost::asio::ip::tcp;
    // Serves one connection; `index` counts the accepted connections from 0. The socket
    // is closed when it returns.
    using handler = std::function<void(tcp::socket& socket, std::size_t index)>;

    threaded_listener() : acceptor_(ioc_) {
        const tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
    }
    threaded_listener(const threaded_listener&) = delete;
    threaded_listener& operator=(const threaded_listener&) = delete;
    ~threaded_listener() { stop(); }

    // Starts accepting; called once, when the owner is ready to serve.
    void start(handler serve) {
        serve_ = std::move(serve);
        accept_thread_ = std::thread([this] { accept_loop(); });
    }

    void stop() {
        if (stopped_.exchange(true)) return;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        {
            std::lock_guard lock(mutex_);
            for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
        }
        if (accept_thread_.joinable()) accept_thread_.join();
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            threads.swap(threads_);
        }
        for (auto& t : threads) t.join();
    }

    // True once stop() began: long-running answers (a trickle) end early.
    bool stopped() const noexcept { return stopped_; }
    std::uint16_t port() const noexcept { return port_; }
    std::size_t accepted() const noexcept { return accepted_.load(); }
    // Connections currently open on the server side.
    std::size_t open_connections() const {
        std::lock_guard lock(mutex_);
        return open_fds_.size();
    }

private:
    void accept_loop() {
        for (;;) {
            auto sock = std::make_shared<tcp::socket>(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(*sock, ec);
            if (ec || stopped_) return;
            const std::size_t index = accepted_++;
            std::lock_guard lock(mutex_);
            open_fds_.push_back(sock->native_handle());
            threads_.emplace_back([this, sock, index] { serve_one(*sock, index); });
        }
    }

    void serve_one(tcp::socket& sock, std::size_t index) {
        const int fd = sock.native_handle();
        try {
            serve_(sock, index);
        } catch (...) {
        }
        std::lock_guard lock(mutex_);
        std::erase(open_fds_, fd);
        boost::system::error_code ignored;
        sock.close(ignored);
    }

    boost::asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    handler serve_;
    std::thread accept_thread_;
    std::atomic<bool> stopped_{false};
    std::atomic<std::size_t> accepted_{0};
    mutable std::mutex mutex_;
    std::vector<std::thread> threads_;
    std::vector<int> open_fds_;
};

} // namespace cirrus::test
