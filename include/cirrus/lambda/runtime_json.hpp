#pragma once
// Typed handlers for C++ functions: the event read into a C++ value, the value returned
// written as the response (lambda/json.hpp: Boost.Describe structs, vectors, maps ...).
//
//   struct order { std::int64_t id = 0; std::vector<line> lines; };   // described
//   struct receipt { std::int64_t id = 0; double total = 0; };        // described
//   boost::asio::awaitable<receipt> price(const order& o, const lambda::invocation& in) {
//       if (o.lines.empty()) throw std::invalid_argument("an order without lines");
//       co_return receipt{o.id, total_of(o.lines)};
//   }
//   int main() { return lambda::run_function(lambda::typed_handler<order>(&price)); }
//
// typed_handler<In>(f) makes a lambda::handler of a callable taking (const In&, const
// invocation&) or (const In&) and returning boost::asio::awaitable<Out>. An event that is
// not JSON or does not fit In fails the invocation without calling f, with the errorType
// "InvalidEvent" and a message naming the field ("event: field \"lines[0].qty\": expected
// an integer, found a string"); what f throws fails it as with any handler (runtime.hpp).
// The caller sees both as errc::function_error.

#include <cirrus/lambda/json.hpp>
#include <cirrus/lambda/runtime.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <type_traits>
#include <utility>

namespace cirrus::lambda {

namespace detail {

template <class In, class F>
struct typed_handler_fn {
    F f;

    boost::asio::awaitable<response> operator()(const invocation& in) {
        In event{};
        std::string why;
        if (from_json(in.payload, event, &why)) co_return response::failure("InvalidEvent", "event: " + why);
        // The result is named, not a temporary inside the co_await expression (g++ 12).
        if constexpr (std::is_invocable_v<F&, const In&, const invocation&>) {
            auto result = co_await f(event, in);
            co_return response::ok(to_json(result));
        } else {
            auto result = co_await f(event);
            co_return response::ok(to_json(result));
        }
    }
};

} // namespace detail

template <class In, class F>
    requires json_mappable<In> &&
             (std::is_invocable_v<F&, const In&, const invocation&> || std::is_invocable_v<F&, const In&>)
handler typed_handler(F f) {
    return detail::typed_handler_fn<In, std::decay_t<F>>{std::move(f)};
}

} // namespace cirrus::lambda
