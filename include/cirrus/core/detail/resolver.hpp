#pragma once
// Name lookups that can be abandoned. Cancelling Asio's resolver does not interrupt a
// getaddrinfo() already running on the resolver's thread: an awaited async_resolve would
// wait for it however long the system resolver takes (a dead DNS server costs tens of
// seconds). Here the lookup is not awaited directly: its handler stores the answer in
// shared state and wakes the waiting coroutine through a timer, so a timeout, cancel()
// or the coroutine's cancellation slot ends the wait at once, and an abandoned lookup
// finishes later into state nobody reads.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace cirrus::detail {

class name_resolver {
public:
    using clock = std::chrono::steady_clock;
    using results_type = boost::asio::ip::tcp::resolver::results_type;

    explicit name_resolver(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
    name_resolver(const name_resolver&) = delete;
    name_resolver& operator=(const name_resolver&) = delete;
    ~name_resolver() { cancel(); }

    // Resolves `host`:`service`. Ends with the lookup's own result, with
    // asio::error::timed_out at `limit`, or with asio::error::operation_aborted after
    // cancel() or a cancellation of the awaiting coroutine.
    boost::asio::awaitable<boost::system::error_code> resolve(std::string_view host, std::string_view service,
                                                              clock::time_point limit, results_type& out) {
        namespace asio = boost::asio;
        cancel();
        auto l = std::make_shared<lookup>(ex_);
        current_ = l;
        l->wake.expires_at(limit);
        l->resolver.async_resolve(std::string(host), std::string(service),
                                  [l](boost::system::error_code ec, results_type results) {
                                      l->ec = ec;
                                      l->results = std::move(results);
                                      l->done = true;
                                      l->wake.cancel();
                                  });
        boost::system::error_code wait_ec;
        co_await l->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
        if (current_ == l) current_.reset();
        if (l->aborted) co_return asio::error::operation_aborted;
        if (l->done) {
            out = std::move(l->results);
            co_return l->ec;
        }
        l->resolver.cancel();
        if (wait_ec) co_return asio::error::operation_aborted;
        co_return asio::error::timed_out;
    }

    // Ends a running resolve() with operation_aborted; harmless when none runs.
    void cancel() {
        if (!current_) return;
        auto l = std::move(current_);
        l->aborted = true;
        l->wake.cancel();
        l->resolver.cancel();
    }

private:
    struct lookup {
        explicit lookup(const boost::asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
        boost::asio::ip::tcp::resolver resolver;
        boost::asio::steady_timer wake;
        results_type results;
        boost::system::error_code ec;
        bool done = false;
        bool aborted = false;
    };

    boost::asio::any_io_executor ex_;
    std::shared_ptr<lookup> current_;
};

} // namespace cirrus::detail
