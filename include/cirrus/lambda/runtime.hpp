#pragma once
// A Lambda function in C++: the custom runtime API loop (provided.al2023 / provided.al2
// runtimes), with coroutine handlers.
//
//   asio::awaitable<cirrus::lambda::response> handle(const cirrus::lambda::invocation& in) {
//       if (in.payload.empty()) co_return cirrus::lambda::response::failure("BadEvent", "no event");
//       co_return cirrus::lambda::response::ok(R"({"ok":true})");
//   }
//   int main() { return cirrus::lambda::run_function(&handle); }
//
// Build the executable as `bootstrap`, zip it with mode 0755 (zip::writer), and create the
// function with runtime "provided.al2023". The runtime reads AWS_LAMBDA_RUNTIME_API
// ("host:port", or "host:port/prefix" as cargo-lambda's emulator gives it) and then, for
// ever (or max_invocations times): GET .../runtime/invocation/next (a long poll, without
// timeout), the handler, POST .../invocation/<id>/response, or .../error with the
// document {"errorType", "errorMessage", "stackTrace": []} when the handler returns a
// failure or throws (the exception's what() is the message, "std::exception" or the
// exception's type the errorType). _X_AMZN_TRACE_ID is set for each invocation.
// Invocations run one at a time, as Lambda gives them.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cirrus::lambda {

// One event, as the Runtime API hands it over.
struct invocation {
    std::string request_id;           // Lambda-Runtime-Aws-Request-Id
    std::string payload;              // the event
    std::string invoked_function_arn; // Lambda-Runtime-Invoked-Function-Arn
    std::string trace_id;             // Lambda-Runtime-Trace-Id
    std::string client_context;       // Lambda-Runtime-Client-Context (JSON)
    std::string cognito_identity;     // Lambda-Runtime-Cognito-Identity (JSON)
    std::int64_t deadline_ms = 0;     // Lambda-Runtime-Deadline-Ms: Unix time in ms
};

// What a handler answers: a payload, or a failure that the caller of Invoke receives as
// the function's error (lambda::errc::function_error).
struct response {
    std::string payload;
    bool failed = false;
    std::string error_type;
    std::string error_message;

    static response ok(std::string payload) { return {std::move(payload), false, {}, {}}; }
    static response failure(std::string type, std::string message) {
        return {{}, true, std::move(type), std::move(message)};
    }
};

using handler = std::function<boost::asio::awaitable<response>(const invocation&)>;

struct runtime_options {
    std::string api = {}; // empty: $AWS_LAMBDA_RUNTIME_API
    // 0: serve for ever (what Lambda expects); n: return after n invocations (tests).
    std::size_t max_invocations = 0;
};

class runtime {
public:
    inline explicit runtime(boost::asio::any_io_executor ex, runtime_options o = {});
    inline ~runtime();
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    // The loop: next, handler, response or error; returns when max_invocations ran, or on
    // a failure to talk to the Runtime API (which ends the process's usefulness).
    inline boost::asio::awaitable<error_code> async_run(handler h);

    // The steps, for loops of one's own.
    inline boost::asio::awaitable<error_code> async_next(invocation& out);
    inline boost::asio::awaitable<error_code> async_respond(const invocation& in, const response& r);
    // Reports a failure before the first invocation (POST /runtime/init/error).
    inline boost::asio::awaitable<error_code> async_init_error(std::string_view type, std::string_view message);

    std::size_t invocations() const noexcept { return count_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    runtime_options options_;
    std::size_t count_ = 0;
};

// main() of a function: runs the loop on an io_context and returns the process's exit
// status (0 after max_invocations, 1 when the Runtime API failed).
inline int run_function(handler h, runtime_options o = {});

} // namespace cirrus::lambda

// Header-only in every build: only a function's own program includes it.
#include <cirrus/lambda/impl/runtime.ipp>
