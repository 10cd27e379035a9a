// http::client starts operations like every cirrus client (core/async_op.hpp): the
// documented one-liners with g++ 12 under ASan, every token, a throwing callback, the
// diagnostics without a diagnostics&, and cancellation through a bound slot.

#include "unit/http_test_server.hpp"

#include <cirrus/http/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;
namespace http = cirrus::http;
using cirrus::error_code;
using cirrus::test::server_action;
using cirrus::test::test_server;
using namespace std::chrono_literals;

namespace {

http::endpoint endpoint_of(const test_server& s) { return http::endpoint::parse(s.url()).value(); }

TEST(HttpAsync, DocumentedOneLinersWithTheDefaultToken) {
    test_server server;
    server.push(server_action::ok("first"));
    server.push(server_action::s3_error(404, "NoSuchKey", "The specified key does not exist.", "REQ404"));
    server.push(server_action::s3_error(403, "AccessDenied", "Access Denied", "REQ403"));
    const auto ep = endpoint_of(server);
    const std::string path = "/bucket/a/key/long/enough/to/live/on/the/heap";
    asio::io_context ioc;
    std::string body, thrown, kept;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            http::client c(co_await asio::this_coro::executor);
            http::response res;
            co_await c.async_send({.endpoint = ep.view(), .path = path}, res);
            body = res.body;
            try {
                co_await c.async_send({.endpoint = ep.view(), .path = path}, res);
            } catch (const cirrus::error_with_diagnostics& e) {
                thrown = e.what();
            }
            auto [ec] = co_await c.async_send({.endpoint = ep.view(), .path = path}, res,
                                              asio::as_tuple(asio::use_awaitable));
            EXPECT_EQ(ec, http::aws_errc::access_denied);
            kept = c.last_diagnostics().what();
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_EQ(body, "first");
    EXPECT_NE(thrown.find("NoSuchKey: The specified key does not exist. (HTTP 404, request id REQ404)"),
              std::string::npos)
        << thrown;
    EXPECT_NE(kept.find("AccessDenied"), std::string::npos) << kept;
}

TEST(HttpAsync, EveryTokenKind) {
    test_server server;
    server.set_default(server_action::ok("same"));
    const auto ep = endpoint_of(server);
    asio::io_context ioc;
    http::client c(ioc.get_executor());
    http::response r1, r2, r3, r4;
    error_code cb_ec = make_error_code(cirrus::errc::invalid_argument);
    c.async_send({.endpoint = ep.view()}, r1, [&](error_code ec) { cb_ec = ec; });
    auto fut = c.async_send({.endpoint = ep.view()}, r2, asio::use_future);
    auto deferred_op = c.async_send({.endpoint = ep.view()}, r3, asio::deferred);
    error_code deferred_ec = make_error_code(cirrus::errc::invalid_argument);
    std::move(deferred_op)([&](error_code ec) { deferred_ec = ec; });
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { co_await c.async_send({.endpoint = ep.view()}, r4, asio::use_awaitable); },
        asio::detached);
    ioc.run();
    EXPECT_FALSE(cb_ec);
    EXPECT_NO_THROW(fut.get());
    EXPECT_FALSE(deferred_ec);
    EXPECT_EQ(r1.body + r2.body + r3.body + r4.body, "samesamesamesame");
}

TEST(HttpAsync, AThrowingGeneratorCompletesWithAnError) {
    test_server server;
    server.set_default(server_action::ok());
    const auto ep = endpoint_of(server);
    asio::io_context ioc;
    http::client c(ioc.get_executor());
    auto fill = [](std::span<std::uint8_t>) -> cirrus::result<std::size_t> { throw std::runtime_error("no more"); };
    http::response res;
    error_code result;
    c.async_send({.endpoint = ep.view(), .method = http::verb::put, .body = http::request_body::generator(fill, 5)}, res,
                 [&](error_code ec) { result = ec; });
    ioc.run();
    EXPECT_EQ(result, cirrus::errc::unexpected_exception);
    EXPECT_NE(c.last_diagnostics().message.find("no more"), std::string::npos) << c.last_diagnostics().message;
}

TEST(HttpAsync, CancellationThroughABoundSlot) {
    test_server server;
    server.push({.body = "late", .delay = 5s});
    const auto ep = endpoint_of(server);
    asio::io_context ioc;
    http::client c(ioc.get_executor());
    asio::cancellation_signal signal;
    http::response res;
    error_code result;
    const auto start = std::chrono::steady_clock::now();
    c.async_send({.endpoint = ep.view()}, res,
                 asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { result = ec; }));
    asio::steady_timer timer(ioc, 50ms);
    timer.async_wait([&](error_code) { signal.emit(asio::cancellation_type::terminal); });
    ioc.run();
    EXPECT_EQ(result, asio::error::operation_aborted);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(c.stats().in_use, 0u);
}

} // namespace
