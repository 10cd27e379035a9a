#pragma once
// Tests that run an operation as a tuple of its results: a with_diagnostics token (the
// default) completes with (std::exception_ptr, ...); this turns that into (error_code, ...).

#include <cirrus/core/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>

namespace cirrus::test {

inline error_code error_of(const std::exception_ptr& e) {
    if (!e) return {};
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
        return se.code();
    } catch (...) {
        return make_error_code(errc::unexpected_exception);
    }
}

template <class First, class... Rest>
auto error_tuple(std::tuple<First, Rest...> t) {
    if constexpr (std::is_same_v<First, std::exception_ptr>) {
        return std::apply(
            [](const std::exception_ptr& e, Rest&... rest) {
                return std::tuple<error_code, Rest...>(error_of(e), std::move(rest)...);
            },
            t);
    } else {
        return t;
    }
}

// Runs a deferred operation (client.async_x(request) with the deferred token, or any
// callable taking a token) to completion on ioc; returns (error_code, results...).
template <class Deferred>
auto sync(boost::asio::io_context& ioc, Deferred&& op) {
    namespace asio = boost::asio;
    auto fut = asio::co_spawn(
        ioc, [op = std::forward<Deferred>(op)]() mutable { return std::move(op)(asio::as_tuple(asio::use_awaitable)); },
        asio::use_future);
    ioc.restart();
    ioc.run();
    return error_tuple(fut.get());
}

} // namespace cirrus::test
