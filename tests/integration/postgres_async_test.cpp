// postgres::connection starts operations like every cirrus client (core/async_op.hpp):
// the documented one-liners with g++ 12 under ASan, every token, the diagnostics without a
// diagnostics&, a throwing callback, and cancellation through a bound slot (a server-side
// cancel that leaves the connection usable).

#include "integration/postgres_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <stdexcept>

namespace {

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using cirrus::error_code;
using namespace std::chrono_literals;
using pgtest::srv;

std::string conninfo() {
    return "postgresql://" + srv().user + ":" + srv().password + "@" + srv().host + ":" + std::to_string(srv().port) +
           "/" + srv().database + "?sslmode=disable";
}

TEST(PostgresAsync, DocumentedOneLinersWithTheDefaultToken) {
    const std::string info = conninfo();
    pgtest::run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        co_await conn.async_connect(info);
        pg::results res;
        co_await conn.async_execute(pg::query("select $1::int + 1", 41), res);
        EXPECT_EQ(res[0][0][0].as<std::int32_t>(), 42);
        std::string thrown, sqlstate;
        try {
            co_await conn.async_query("select * from no_such_table_at_all", res);
        } catch (const pg::error_with_diagnostics& e) {
            thrown = e.what();
            sqlstate = e.get_diagnostics().sqlstate();
        }
        EXPECT_EQ(sqlstate, "42P01");
        EXPECT_NE(thrown.find("no_such_table_at_all"), std::string::npos) << thrown;
        // Without diagnostics and without the default token, the message stays on the connection.
        auto [ec] = co_await conn.async_query("select 1/0", res, asio::as_tuple(asio::use_awaitable));
        EXPECT_TRUE(ec);
        EXPECT_EQ(conn.last_diagnostics().sqlstate(), "22012");
        // The connection is still usable.
        co_await conn.async_query("select 1", res);
        co_await conn.async_close();
    });
}

TEST(PostgresAsync, EveryTokenKind) {
    asio::io_context ioc;
    pg::connection conn(ioc.get_executor());
    const auto p = pgtest::scram_params();
    auto connected = conn.async_connect(p, asio::use_future);
    ioc.run();
    ASSERT_NO_THROW(connected.get());
    pg::results r1, r2, r3;
    error_code cb = make_error_code(cirrus::errc::invalid_argument);
    conn.async_query("select 'callback'", r1, [&](error_code ec) {
        cb = ec;
        // deferred, launched from the callback: one operation at a time on a connection.
        conn.async_query("select 'deferred'", r2, asio::deferred)([&](error_code ec2) {
            cb = cb ? cb : ec2;
            conn.async_query("select 'awaitable'", r3, asio::deferred)(asio::detached);
        });
    });
    ioc.restart();
    ioc.run();
    EXPECT_FALSE(cb) << cb.message();
    EXPECT_EQ(r1[0][0][0].as<std::string>(), "callback");
    EXPECT_EQ(r2[0][0][0].as<std::string>(), "deferred");
    EXPECT_EQ(r3[0][0][0].as<std::string>(), "awaitable");
}

TEST(PostgresAsync, AThrowingNoticeHandlerCompletesWithAnError) {
    pgtest::run([&]() -> asio::awaitable<void> {
        auto conn = co_await pgtest::connect();
        PG_CO_REQUIRE(conn);
        conn->set_notice_handler([](const pg::notice&) { throw std::runtime_error("handler gave up"); });
        pg::results res;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query("do $$ begin raise notice 'hello'; end $$", res, diag, pgtest::tok);
        EXPECT_EQ(ec, cirrus::errc::unexpected_exception) << ec.message();
        EXPECT_NE(diag.message.find("handler gave up"), std::string::npos) << diag.what();
        // The session is in an unknown place of the protocol: it is closed, never reused.
        EXPECT_FALSE(conn->is_open());
    });
}

TEST(PostgresAsync, CancellationThroughABoundSlotKeepsTheConnection) {
    pgtest::run([&]() -> asio::awaitable<void> {
        auto conn = co_await pgtest::connect();
        PG_CO_REQUIRE(conn);
        asio::cancellation_signal signal;
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        timer.async_wait([&](error_code) { signal.emit(asio::cancellation_type::terminal); });
        pg::results res;
        const auto start = std::chrono::steady_clock::now();
        auto [ec] = co_await conn->async_query("select pg_sleep(10)", res,
                                               asio::bind_cancellation_slot(signal.slot(), pgtest::tok));
        EXPECT_EQ(ec, asio::error::operation_aborted) << ec.message();
        EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
        auto [ec2] = co_await conn->async_query("select 2", res, pgtest::tok);
        EXPECT_FALSE(ec2) << ec2.message();
    });
}

} // namespace
