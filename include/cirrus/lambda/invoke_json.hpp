#pragma once
// Invoke with typed JSON payloads: the event a C++ value written as JSON, the function's
// response read into another (lambda/json.hpp: Boost.Describe structs, vectors, maps,
// optionals ...).
//
//   struct order { std::int64_t id = 0; std::vector<line> lines; };   // described
//   struct receipt { std::int64_t id = 0; double total = 0; };        // described
//   auto r = co_await lambda::async_invoke<receipt>(fn, {.function_name = "price"}, order{7, lines});
//   // r.value: the receipt; r.response: status, log tail, executed version, raw payload
//
// Completes with void(error_code, typed_invoke_result<Out>) like every cirrus operation
// (any completion token; cirrus::default_token throws error_with_diagnostics). The
// request's `.payload` is replaced by the event's JSON; its other fields (qualifier,
// invocation type, log type, max_attempts ...) apply as they are. Errors:
// - the service's, as async_invoke's (lambda::errc, the diagnostics);
// - errc::function_error when the function failed: `response.payload` holds its error
//   document, the diagnostics its errorType (service_code) and errorMessage (message),
//   `value` is left default;
// - errc::payload_mismatch when the response is not JSON or does not fit Out: the
//   diagnostics' message names the field and what was expected
//   (`payload: field "total": expected a number, found a string`), `response.payload` holds
//   the text.
// Event and DryRun invocations answer no payload: `value` stays default.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/lambda/client.hpp>
#include <cirrus/lambda/json.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <utility>

namespace cirrus::lambda {

template <class Out>
struct typed_invoke_result {
    Out value{};
    invoke_result response; // status, function_error, log_result, executed_version, payload as sent
};

namespace detail {

template <class Out>
boost::asio::awaitable<error_code> invoke_typed(service& fn, invoke_request r, std::string_view event,
                                                typed_invoke_result<Out>& out, diagnostics& d) {
    r.payload = event;
    if (auto ec = co_await ops::invoke(fn, r, out.response, d)) co_return ec;
    if (out.response.status_code != 200) co_return error_code{}; // Event (202), DryRun (204)
    std::string why;
    if (auto ec = from_json(out.response.payload, out.value, &why)) {
        d.message = "payload: " + why;
        co_return ec;
    }
    co_return error_code{};
}

template <class Out>
struct invoke_typed_op {
    using result_type = typed_invoke_result<Out>;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<service> fn;
    cirrus::detail::owned_copy<invoke_request> request;
    std::string event; // the event's JSON; the request views it only once started

    boost::asio::awaitable<error_code> start(diagnostics& d, result_type& out) {
        return invoke_typed<Out>(*fn, request.get(), event, out, d);
    }
};

// Both async_invoke<Out> overloads: `diag` null keeps the diagnostics in the client's
// last_diagnostics() on failure.
template <class Out, provider::Provider P, class In, class Token>
auto start_invoke_typed(const client<P>& fn, const invoke_request& r, const In& event, diagnostics* diag,
                        Token&& token) {
    const auto& svc = service_of(fn);
    invoke_request without_payload = r;
    without_payload.payload = {};
    return cirrus::detail::async_op(svc->executor, std::forward<Token>(token),
                                    invoke_typed_op<Out>{svc,
                                                         cirrus::detail::owned_copy<invoke_request>(without_payload),
                                                         to_json(event)},
                                    diag, &svc->last_diagnostics);
}

} // namespace detail

template <class Out, provider::Provider P, class In, cirrus::detail::completion_token Token = default_token>
    requires json_mappable<Out> && json_mappable<In>
auto async_invoke(const client<P>& fn, const invoke_request& r, const In& event, Token&& token = {}) {
    return detail::start_invoke_typed<Out>(fn, r, event, nullptr, std::forward<Token>(token));
}
template <class Out, provider::Provider P, class In, class Token = default_token>
    requires json_mappable<Out> && json_mappable<In>
auto async_invoke(const client<P>& fn, const invoke_request& r, const In& event, diagnostics& diag,
                  Token&& token = {}) {
    return detail::start_invoke_typed<Out>(fn, r, event, &diag, std::forward<Token>(token));
}

} // namespace cirrus::lambda
