#include <cirrus/postgres/postgres.hpp>
#include <cirrus/s3/s3.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
namespace pg = cirrus::postgres;

asio::awaitable<void> run() {
    // Endpoint, region and keys as the AWS SDKs read them (AWS_ENDPOINT_URL_S3, AWS_REGION,
    // AWS_ACCESS_KEY_ID ... or ~/.aws).
    s3::client<> storage(co_await asio::this_coro::executor);
    co_await storage.async_create_bucket({.bucket = "cirrus-readme"});
    co_await storage.async_put_object({.bucket = "cirrus-readme", .key = "hello.txt", .body = "hello"});
    auto object = co_await storage.async_get_object({.bucket = "cirrus-readme", .key = "hello.txt"});
    co_await storage.async_delete_bucket({.bucket = "cirrus-readme", .empty_first = true});

    // A libpq connection string or URI.
    pg::connection db(co_await asio::this_coro::executor);
    co_await db.async_connect(std::getenv("DATABASE_URL"));
    pg::results rows;
    co_await db.async_execute(pg::query("select $1::text || ', from postgres'", object.body), rows);
    std::printf("%s\n", rows[0][0][0].as<std::string>().c_str());
}

int main() {
    asio::io_context ioc;
    asio::co_spawn(ioc, run(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e); // cirrus::error_with_diagnostics says what the server said
    });
    ioc.run();
}
