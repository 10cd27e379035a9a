#pragma once
// An asynchronous HTTP/1.1 client for AWS-protocol services.
//
//   cirrus::http::client http(co_await asio::this_coro::executor);
//   cirrus::http::response res;
//   co_await http.async_send({.endpoint = ep, .method = verb::get, .path = "/bucket/key",
//                             .signing = {.credentials = &creds, .region = "us-east-1",
//                                         .service = "s3", .content_sha256_header = true}},
//                            res);
//
// Every request is signed (SigV4) just before it goes out on a pooled connection, after
// any retry delay; failures come back as an error_code (aws_errc for what the service
// answered, http::errc for the transport) with response::diag filled. async_send starts
// like every cirrus operation (core/async_op.hpp, docs/async.md): any completion token,
// cirrus::default_token when none is given. The request is a set of views, copied into the
// operation when it starts (strings, headers, callables); the response, body memory and
// descriptors are used in place and must stay alive until the operation completes. A terminal cancellation through the handler's cancellation slot
// stops the request, closes the connection it was using and leaves the pool consistent.
//
// The client is used from its executor: one thread, or a strand for a multi-threaded
// io_context.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/http/detail/transport.hpp>
#include <cirrus/http/message.hpp>
#include <cirrus/http/options.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cirrus::http {

namespace detail {

struct send_op {
    using result_type = void;
    using diagnostics_type = cirrus::diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<client_state> state;
    cirrus::detail::owned_copy<request> req;
    response* res;

    boost::asio::awaitable<error_code> start(diagnostics& diag) { return run_request(state, req.get(), *res, &diag); }
};

struct get_url_op {
    using result_type = response;
    using diagnostics_type = cirrus::diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<client_state> state;
    std::string url;

    boost::asio::awaitable<error_code> start(diagnostics& diag, response& out) {
        return get_url(state, url, out, diag);
    }
};

} // namespace detail

class client {
public:
    using executor_type = boost::asio::any_io_executor;

    explicit client(executor_type ex) : client(std::move(ex), client_options{}) {}
    client(executor_type ex, client_options options)
        : state_(detail::make_client_state(ex, std::move(options))), executor_(std::move(ex)) {}

    client(const client&) = delete;
    client& operator=(const client&) = delete;
    client(client&&) noexcept = default;
    client& operator=(client&&) noexcept = default;

    // Closes the idle connections; requests still running finish, and their connections
    // are closed instead of pooled.
    ~client() {
        if (state_) detail::shutdown(*state_);
    }

    executor_type get_executor() const noexcept { return executor_; }
    const client_options& options() const noexcept { return detail::options(*state_); }

    // Sends `req` and fills `res` (res.diag tells what went wrong). Completion signature:
    // void(error_code).
    template <cirrus::detail::completion_token Token = default_token>
    auto async_send(const request& req, response& res, Token&& token = {}) {
        return cirrus::detail::async_op(executor_, std::forward<Token>(token),
                                        detail::send_op{state_, cirrus::detail::owned_copy<request>(req), &res},
                                        nullptr, &detail::last_diagnostics(*state_));
    }

    // GETs a URL as it is, unsigned (a presigned URL, or any http:// or https:// URL),
    // with the client's pool, timeouts and retries. Completion signature
    // void(error_code, response): status, headers and body; a status of 300 or more is an
    // error (aws_errc) with what the server said in the diagnostics.
    //   auto res = co_await http.async_get_url(presigned->url);
    template <cirrus::detail::completion_token Token = default_token>
    auto async_get_url(std::string_view url, Token&& token = {}) {
        return cirrus::detail::async_op(executor_, std::forward<Token>(token),
                                        detail::get_url_op{state_, std::string(url)}, nullptr,
                                        &detail::last_diagnostics(*state_));
    }
    template <class Token = default_token>
    auto async_get_url(std::string_view url, diagnostics& diag, Token&& token = {}) {
        return cirrus::detail::async_op(executor_, std::forward<Token>(token),
                                        detail::get_url_op{state_, std::string(url)}, &diag,
                                        &detail::last_diagnostics(*state_));
    }

    // What the server (or the client) said about the last failed request.
    const diagnostics& last_diagnostics() const noexcept { return detail::last_diagnostics(*state_); }

    pool_stats stats() const { return detail::stats(*state_); }
    // Closes every idle connection now (they are otherwise closed when next looked at
    // after idle_timeout).
    void close_idle() { detail::close_idle(*state_); }

    // Retry tokens left in the bucket.
    unsigned retry_tokens() const noexcept { return detail::retry_tokens(*state_); }

    // The correction added to the local clock when signing, learnt from servers that
    // reported clock skew (or set by hand).
    std::chrono::system_clock::duration clock_offset() const noexcept { return detail::clock_offset(*state_); }
    void set_clock_offset(std::chrono::system_clock::duration d) noexcept { detail::set_clock_offset(*state_, d); }

    // For the service clients built on this one, which run requests inside their own
    // operations (detail::run_request).
    const std::shared_ptr<detail::client_state>& state() const noexcept { return state_; }

private:
    std::shared_ptr<detail::client_state> state_;
    executor_type executor_;
};

} // namespace cirrus::http
