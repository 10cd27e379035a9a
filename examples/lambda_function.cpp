// A Lambda function written in C++ on cirrus::lambda::runtime: ship the executable as
// `bootstrap` (mode 0755) in a zip for the provided.al2023 runtime. It greets the "name" of
// its event, and fails with its own error when the event has none.
//
//   lambda_function [max_invocations]      (0 or nothing: serve for ever, as Lambda wants)
//
// Under cargo-lambda's emulator: AWS_LAMBDA_RUNTIME_API=127.0.0.1:9100/.rt lambda_function,
// then POST the event to http://127.0.0.1:9100/2015-03-31/functions/_/invocations.

#include <cirrus/lambda/runtime.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdlib>
#include <string>

namespace lambda = cirrus::lambda;

namespace {

// The value of "name" in a flat JSON event, without a JSON library (a real function would
// use simdjson or Boost.JSON).
std::string name_of(const std::string& event) {
    const auto key = event.find("\"name\"");
    if (key == std::string::npos) return {};
    const auto open = event.find('"', event.find(':', key) + 1);
    if (open == std::string::npos) return {};
    const auto close = event.find('"', open + 1);
    if (close == std::string::npos) return {};
    return event.substr(open + 1, close - open - 1);
}

boost::asio::awaitable<lambda::response> handle(const lambda::invocation& in) {
    const std::string name = name_of(in.payload);
    if (name.empty()) co_return lambda::response::failure("MissingName", "the event has no \"name\"");
    co_return lambda::response::ok("{\"greeting\":\"hello " + name + "\",\"request\":\"" + in.request_id + "\"}");
}

} // namespace

int main(int argc, char** argv) {
    lambda::runtime_options o;
    if (argc > 1) o.max_invocations = static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10));
    return lambda::run_function(&handle, o);
}
