// The one way operations start (core/async_op.hpp), on a small operation of its own:
// exception policy, diagnostics with and without a diagnostics&, every kind of token,
// cancellation in both modes, and the handler's executor and allocator.

#include <cirrus/core/async_op.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;
using cirrus::error_code;
using namespace std::chrono_literals;

namespace {

struct echo_request {
    std::string text;                  // long enough to live on the heap
    std::chrono::milliseconds delay{0}; // waited on a timer before answering
    bool fail = false;                 // complete with an error and diagnostics
    bool throw_runtime = false;        // throw std::runtime_error from the coroutine
    bool throw_bad_alloc = false;
};
struct echo_result {
    std::string text;
};

// A client with one operation, written the way every cirrus client writes one.
class echo_client {
public:
    explicit echo_client(asio::any_io_executor ex) : ex_(std::move(ex)), last_(std::make_shared<cirrus::diagnostics>()) {}

    template <cirrus::detail::completion_token Token = cirrus::default_token>
    auto async_echo(echo_request r, Token&& token = {}) {
        return cirrus::detail::async_op(ex_, std::forward<Token>(token), echo_op{ex_, last_, std::move(r)}, nullptr,
                                        last_.get());
    }
    template <class Token = cirrus::default_token>
    auto async_echo(echo_request r, cirrus::diagnostics& diag, Token&& token = {}) {
        return cirrus::detail::async_op(ex_, std::forward<Token>(token), echo_op{ex_, last_, std::move(r)}, &diag,
                                        last_.get());
    }

    // notify mode: the operation is told about a cancellation and ends on its own terms.
    template <class Token = cirrus::default_token>
    auto async_wait_notified(std::chrono::milliseconds d, Token&& token = {}) {
        return cirrus::detail::async_op(ex_, std::forward<Token>(token), notify_op{ex_, d, nullptr}, nullptr, last_.get());
    }

    const cirrus::diagnostics& last_diagnostics() const { return *last_; }

private:
    struct echo_op {
        using result_type = echo_result;
        using diagnostics_type = cirrus::diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;
        asio::any_io_executor ex;
        std::shared_ptr<cirrus::diagnostics> keep; // the client's state outlives the operation
        echo_request req;
        asio::awaitable<error_code> start(cirrus::diagnostics& d, echo_result& out) { return run(ex, req, d, out); }
    };
    static asio::awaitable<error_code> run(asio::any_io_executor ex, const echo_request& r, cirrus::diagnostics& d,
                                           echo_result& out) {
        if (r.delay.count() > 0) {
            asio::steady_timer t(ex, r.delay);
            auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return ec;
        }
        if (r.throw_runtime) throw std::runtime_error("callback failed");
        if (r.throw_bad_alloc) throw std::bad_alloc();
        if (r.fail) {
            d.service_code = "NoSuchThing";
            d.message = "there is no " + r.text;
            d.request_id = "REQ123";
            d.http_status = 404;
            co_return make_error_code(cirrus::errc::invalid_argument);
        }
        out.text = r.text;
        co_return error_code{};
    }

    struct notify_op {
        using result_type = void;
        using diagnostics_type = cirrus::diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::notify;
        asio::any_io_executor ex;
        std::chrono::milliseconds delay;
        std::unique_ptr<asio::steady_timer> timer;
        asio::awaitable<error_code> start(cirrus::diagnostics&, cirrus::detail::no_result&,
                                          const std::shared_ptr<cirrus::detail::cancel_signal>& sig) {
            timer = std::make_unique<asio::steady_timer>(ex, delay);
            // The operation's own reaction: end the wait early, then report the abort.
            sig->on_cancel = [t = timer.get()](asio::cancellation_type_t) { t->cancel(); };
            return wait(timer.get(), sig.get());
        }
        static asio::awaitable<error_code> wait(asio::steady_timer* t, cirrus::detail::cancel_signal* sig) {
            // The handler's slot is not connected to this coroutine in notify mode.
            auto [ec] = co_await t->async_wait(asio::as_tuple(asio::use_awaitable));
            if (sig->requested) co_return make_error_code(asio::error::operation_aborted);
            co_return ec;
        }
    };

    asio::any_io_executor ex_;
    std::shared_ptr<cirrus::diagnostics> last_;
};

const std::string long_text(100, 'x');

template <class F>
void run_coro(asio::io_context& ioc, F f) {
    std::exception_ptr failure;
    asio::co_spawn(ioc, std::move(f), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
}

TEST(AsyncOp, ThrowingBodyCompletesWithAnErrorCode) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    error_code ec1, ec2;
    cirrus::diagnostics d1;
    c.async_echo({.text = long_text, .throw_runtime = true}, d1, [&](error_code ec, echo_result) { ec1 = ec; });
    c.async_echo({.text = long_text, .throw_bad_alloc = true}, [&](error_code ec, echo_result) { ec2 = ec; });
    ioc.run();
    EXPECT_EQ(ec1, cirrus::errc::unexpected_exception);
    EXPECT_EQ(d1.message, "unexpected exception: callback failed");
    EXPECT_EQ(ec2, boost::system::errc::not_enough_memory);
}

TEST(AsyncOp, DefaultTokenThrowsTheDiagnostics) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    bool caught = false;
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        // The braced temporary request inside co_await, with the default token.
        auto r = co_await c.async_echo({.text = long_text});
        EXPECT_EQ(r.text, long_text);
        try {
            co_await c.async_echo({.text = "thing", .fail = true});
        } catch (const cirrus::error_with_diagnostics& e) {
            caught = true;
            EXPECT_EQ(e.code(), cirrus::errc::invalid_argument);
            EXPECT_EQ(e.get_diagnostics().service_code, "NoSuchThing");
            EXPECT_NE(std::string(e.what()).find("NoSuchThing: there is no thing (HTTP 404, request id REQ123)"),
                      std::string::npos)
                << e.what();
        }
    });
    EXPECT_TRUE(caught);
    // The overload without diagnostics also leaves them on the client.
    EXPECT_EQ(c.last_diagnostics().message, "there is no thing");
}

TEST(AsyncOp, WithoutDiagnosticsTheMessageStaysReachable) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    run_coro(ioc, [&]() -> asio::awaitable<void> {
        try {
            co_await c.async_echo({.text = "plain", .fail = true}, asio::use_awaitable);
            ADD_FAILURE() << "no exception";
        } catch (const boost::system::system_error& e) {
            EXPECT_EQ(e.code(), cirrus::errc::invalid_argument);
        }
        EXPECT_EQ(c.last_diagnostics().service_code, "NoSuchThing");
        EXPECT_EQ(c.last_diagnostics().message, "there is no plain");
        // with_diagnostics carries them on any inner token.
        try {
            co_await c.async_echo({.text = "wrapped", .fail = true}, cirrus::with_diagnostics(asio::use_awaitable));
            ADD_FAILURE() << "no exception";
        } catch (const cirrus::error_with_diagnostics& e) {
            EXPECT_EQ(e.get_diagnostics().message, "there is no wrapped");
        }
        // A caller's diagnostics are filled, and the client's are left alone.
        cirrus::diagnostics mine;
        auto [ec, r] = co_await c.async_echo({.text = "mine", .fail = true}, mine, asio::as_tuple(asio::use_awaitable));
        EXPECT_EQ(ec, cirrus::errc::invalid_argument);
        EXPECT_EQ(mine.message, "there is no mine");
        EXPECT_EQ(c.last_diagnostics().message, "there is no wrapped");
    });
}

TEST(AsyncOp, EveryTokenKind) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    // callback
    std::string by_callback;
    c.async_echo({.text = long_text}, [&](error_code ec, echo_result r) {
        EXPECT_FALSE(ec);
        by_callback = r.text;
    });
    // deferred, launched later with a callback
    auto op = c.async_echo({.text = "deferred text that is rather long"}, asio::deferred);
    std::string by_deferred;
    std::move(op)([&](error_code ec, echo_result r) {
        EXPECT_FALSE(ec);
        by_deferred = r.text;
    });
    // use_future
    auto fut = c.async_echo({.text = "future"}, asio::use_future);
    // use_awaitable, deferred with and without diagnostics inside a coroutine
    std::string by_awaitable;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            by_awaitable = (co_await c.async_echo({.text = "a"}, asio::use_awaitable)).text;
            by_awaitable += (co_await c.async_echo({.text = "b"}, asio::deferred)).text;
            by_awaitable += (co_await c.async_echo({.text = "c"})).text;
        },
        asio::detached);
    ioc.run();
    EXPECT_EQ(by_callback, long_text);
    EXPECT_EQ(by_deferred, "deferred text that is rather long");
    EXPECT_EQ(fut.get().text, "future");
    EXPECT_EQ(by_awaitable, "abc");

    auto failing = c.async_echo({.text = "f", .fail = true}, asio::use_future);
    ioc.restart();
    ioc.run();
    EXPECT_THROW(failing.get(), boost::system::system_error);
}

TEST(AsyncOp, CancellationThroughABoundSlot) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    asio::cancellation_signal forward_sig, notify_sig;
    error_code forward_ec, notify_ec;
    const auto start = std::chrono::steady_clock::now();
    c.async_echo({.text = long_text, .delay = 10s},
                 asio::bind_cancellation_slot(forward_sig.slot(), [&](error_code ec, echo_result) { forward_ec = ec; }));
    c.async_wait_notified(10s, asio::bind_cancellation_slot(notify_sig.slot(), [&](error_code ec) { notify_ec = ec; }));
    asio::steady_timer t(ioc, 20ms);
    t.async_wait([&](error_code) {
        forward_sig.emit(asio::cancellation_type::terminal);
        notify_sig.emit(asio::cancellation_type::terminal);
    });
    ioc.run();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(forward_ec, asio::error::operation_aborted);
    EXPECT_EQ(notify_ec, asio::error::operation_aborted);
    // A signal emitted after completion reaches nothing.
    forward_sig.emit(asio::cancellation_type::terminal);
    notify_sig.emit(asio::cancellation_type::terminal);
}

template <class T>
struct counting_allocator {
    using value_type = T;
    int* count;
    explicit counting_allocator(int* c) : count(c) {}
    template <class U>
    counting_allocator(const counting_allocator<U>& o) : count(o.count) {}
    T* allocate(std::size_t n) {
        ++*count;
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) { std::allocator<T>().deallocate(p, n); }
    friend bool operator==(const counting_allocator&, const counting_allocator&) = default;
};

TEST(AsyncOp, HandlerExecutorAndAllocatorAreUsed) {
    asio::io_context ioc;
    echo_client c(ioc.get_executor());
    auto strand = asio::make_strand(ioc);
    bool on_strand = false;
    int allocations = 0;
    c.async_echo({.text = "s"},
                 asio::bind_executor(strand, asio::bind_allocator(counting_allocator<void>(&allocations),
                                                                  [&](error_code, echo_result) {
                                                                      on_strand = strand.running_in_this_thread();
                                                                  })));
    ioc.run();
    EXPECT_TRUE(on_strand);
    EXPECT_GE(allocations, 1);
}

} // namespace
