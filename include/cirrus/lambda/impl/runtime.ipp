#pragma once
// Definitions for lambda/runtime.hpp: the Runtime API over one plain HTTP/1.1 connection
// (Beast), reopened when the API closes it.

#include <cirrus/lambda/runtime.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <cstdlib>
#include <exception>
#include <optional>
#include <typeinfo>

namespace cirrus::lambda {

namespace runtime_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// "host:port[/prefix]" -> host, port, prefix (without a trailing slash).
struct api_address {
    std::string host, port, prefix;
};
inline api_address split_api(std::string_view api) {
    api_address a;
    if (api.substr(0, 7) == "http://") api.remove_prefix(7);
    const auto slash = api.find('/');
    std::string_view hostport = api.substr(0, slash);
    if (slash != std::string_view::npos) a.prefix = std::string(api.substr(slash));
    while (!a.prefix.empty() && a.prefix.back() == '/') a.prefix.pop_back();
    const auto colon = hostport.rfind(':');
    a.host = std::string(hostport.substr(0, colon));
    a.port = colon == std::string_view::npos ? "80" : std::string(hostport.substr(colon + 1));
    return a;
}

inline void json_quoted(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20) {
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        } else {
            out.push_back(ch);
        }
    }
    out.push_back('"');
}

inline std::string error_document(std::string_view type, std::string_view message) {
    std::string body = "{\"errorType\":";
    json_quoted(body, type);
    body += ",\"errorMessage\":";
    json_quoted(body, message);
    body += ",\"stackTrace\":[]}";
    return body;
}

} // namespace runtime_detail

struct runtime::impl {
    runtime_detail::api_address api;
    boost::asio::ip::tcp::resolver resolver;
    boost::beast::tcp_stream stream;
    boost::beast::flat_buffer buffer;
    bool connected = false;

    impl(boost::asio::any_io_executor ex, std::string_view address)
        : api(runtime_detail::split_api(address)), resolver(ex), stream(ex) {}

    // One exchange; reconnects once when a kept-alive connection turned out closed.
    boost::asio::awaitable<error_code> exchange(boost::beast::http::verb method, std::string target,
                                                std::string body, std::string_view error_type,
                                                boost::beast::http::response<boost::beast::http::string_body>& res) {
        namespace bhttp = boost::beast::http;
        using boost::asio::redirect_error;
        using boost::asio::use_awaitable;
        for (int attempt = 0; attempt < 2; ++attempt) {
            error_code ec;
            if (!connected) {
                auto endpoints = co_await resolver.async_resolve(api.host, api.port, redirect_error(use_awaitable, ec));
                if (ec) co_return ec;
                co_await stream.async_connect(endpoints, redirect_error(use_awaitable, ec));
                if (ec) co_return ec;
                connected = true;
                buffer.clear();
            }
            bhttp::request<bhttp::string_body> req{method, api.prefix + target, 11};
            req.set(bhttp::field::host, api.host + ":" + api.port);
            req.set(bhttp::field::user_agent, "cirrus-lambda-runtime");
            if (!error_type.empty()) req.set("Lambda-Runtime-Function-Error-Type", error_type);
            if (method == bhttp::verb::post) {
                req.set(bhttp::field::content_type, "application/json");
                req.body() = body;
                req.prepare_payload();
            }
            stream.expires_never(); // next is a long poll
            co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
            if (!ec) {
                bhttp::response_parser<bhttp::string_body> parser;
                parser.body_limit(7 * 1024 * 1024); // Lambda's payload limit is 6 MB
                co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
                if (!ec) {
                    res = parser.release();
                    if (!res.keep_alive()) {
                        error_code ignored;
                        stream.socket().close(ignored);
                        connected = false;
                    }
                    co_return error_code{};
                }
            }
            error_code ignored;
            stream.socket().close(ignored);
            connected = false;
            if (attempt == 0 && (ec == boost::beast::http::error::end_of_stream || ec == boost::asio::error::eof ||
                                 ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe))
                continue;
            co_return ec;
        }
        co_return make_error_code(boost::system::errc::connection_aborted);
    }
};

inline runtime::runtime(boost::asio::any_io_executor ex, runtime_options o) : options_(std::move(o)) {
    std::string api = options_.api;
    if (api.empty())
        if (const char* v = std::getenv("AWS_LAMBDA_RUNTIME_API")) api = v;
    impl_ = std::make_unique<impl>(std::move(ex), api);
}

inline runtime::~runtime() = default;

inline boost::asio::awaitable<error_code> runtime::async_next(invocation& out) {
    namespace bhttp = boost::beast::http;
    bhttp::response<bhttp::string_body> res;
    if (auto ec = co_await impl_->exchange(bhttp::verb::get, "/2018-06-01/runtime/invocation/next", {}, {}, res))
        co_return ec;
    if (res.result_int() != 200) co_return make_error_code(boost::system::errc::protocol_error);
    out = invocation{};
    out.request_id = std::string(res["Lambda-Runtime-Aws-Request-Id"]);
    out.invoked_function_arn = std::string(res["Lambda-Runtime-Invoked-Function-Arn"]);
    out.trace_id = std::string(res["Lambda-Runtime-Trace-Id"]);
    out.client_context = std::string(res["Lambda-Runtime-Client-Context"]);
    out.cognito_identity = std::string(res["Lambda-Runtime-Cognito-Identity"]);
    const auto deadline = res["Lambda-Runtime-Deadline-Ms"];
    std::from_chars(deadline.data(), deadline.data() + deadline.size(), out.deadline_ms);
    out.payload = std::move(res.body());
    if (out.request_id.empty()) co_return make_error_code(boost::system::errc::protocol_error);
    if (!out.trace_id.empty()) ::setenv("_X_AMZN_TRACE_ID", out.trace_id.c_str(), 1);
    co_return error_code{};
}

inline boost::asio::awaitable<error_code> runtime::async_respond(const invocation& in, const response& r) {
    namespace bhttp = boost::beast::http;
    bhttp::response<bhttp::string_body> res;
    std::string target = "/2018-06-01/runtime/invocation/" + in.request_id + (r.failed ? "/error" : "/response");
    std::string body = r.failed ? runtime_detail::error_document(r.error_type, r.error_message) : r.payload;
    if (auto ec = co_await impl_->exchange(bhttp::verb::post, std::move(target), std::move(body),
                                           r.failed ? std::string_view(r.error_type) : std::string_view(), res))
        co_return ec;
    if (res.result_int() != 202 && res.result_int() != 200) co_return make_error_code(boost::system::errc::protocol_error);
    co_return error_code{};
}

inline boost::asio::awaitable<error_code> runtime::async_init_error(std::string_view type,
                                                                        std::string_view message) {
    namespace bhttp = boost::beast::http;
    bhttp::response<bhttp::string_body> res;
    co_return co_await impl_->exchange(bhttp::verb::post, "/2018-06-01/runtime/init/error",
                                       runtime_detail::error_document(type, message), type, res);
}

inline boost::asio::awaitable<error_code> runtime::async_run(handler h) {
    for (;;) {
        if (options_.max_invocations != 0 && count_ >= options_.max_invocations) co_return error_code{};
        invocation in;
        if (auto ec = co_await async_next(in)) co_return ec;
        response r;
        std::optional<response> thrown;
        try {
            r = co_await h(in);
        } catch (const std::exception& e) {
            thrown = response::failure(typeid(e).name(), e.what());
        } catch (...) {
            thrown = response::failure("UnknownException", "the handler threw something that is no std::exception");
        }
        if (thrown) r = std::move(*thrown);
        ++count_;
        if (auto ec = co_await async_respond(in, r)) co_return ec;
    }
}

inline int run_function(handler h, runtime_options o) {
    boost::asio::io_context ioc(1);
    runtime rt(ioc.get_executor(), std::move(o));
    error_code result;
    boost::asio::co_spawn(ioc, rt.async_run(std::move(h)), [&](std::exception_ptr e, error_code ec) {
        result = e ? make_error_code(boost::system::errc::interrupted) : ec;
    });
    ioc.run();
    return result ? 1 : 0;
}

} // namespace cirrus::lambda
