// The benchmark's echo function on cirrus::lambda::runtime (benchmarks/run_lambda.sh):
//
//   echo_function [bytes|typed]
//
// bytes (default): the event answered as it came, without parsing it.
// typed: the event read into a described struct with lambda::typed_handler and written
// back (lambda/json.hpp), the same work as the Rust peer's serde echo
// (benchmarks/peers/rust-lambda).

#include <cirrus/lambda/runtime.hpp>
#include <cirrus/lambda/runtime_json.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/describe/class.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace lambda = cirrus::lambda;

struct item {
    std::string sku;
    std::int64_t qty = 0;
    double price = 0;
};
BOOST_DESCRIBE_STRUCT(item, (), (sku, qty, price))

struct event {
    std::int64_t id = 0;
    std::string name;
    std::vector<std::string> tags;
    std::vector<item> items;
};
BOOST_DESCRIBE_STRUCT(event, (), (id, name, tags, items))

asio::awaitable<lambda::response> echo_bytes(const lambda::invocation& in) { co_return lambda::response::ok(in.payload); }

asio::awaitable<event> echo_typed(const event& e) { co_return e; }

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "typed") return lambda::run_function(lambda::typed_handler<event>(&echo_typed));
    return lambda::run_function(&echo_bytes);
}
