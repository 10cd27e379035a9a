// LISTEN/NOTIFY (connection::async_next_notification, postgres::listener) and the
// connection pool, against the PostgreSQL 15 of scripts/services.sh and, for the tests
// that stop and restart the server, a private one (support/pg_scratch.hpp).

#include "integration/postgres_support.hpp"

#include <support/pg_scratch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using cirrus::error_code;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using pgtest::tok;

// A channel name of this process, so that parallel runs do not hear each other.
std::string channel(const char* base) { return std::string(base) + "_" + std::to_string(::getpid()); }

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(tok);
}

asio::awaitable<error_code> notify(pg::connection& c, const std::string& ch, const std::string& payload) {
    pg::results r;
    pg::diagnostics d;
    auto [ec] = co_await c.async_execute(pg::query("select pg_notify($1, $2)", ch, payload), r, d, tok);
    if (ec) ADD_FAILURE() << "notify: " << d.what();
    co_return ec;
}

// Restarts a scratch server on another thread: stop, `down` without a server, start.
struct restarter {
    std::thread thread;
    std::atomic<bool> ok{false};
    std::atomic<bool> done{false};
    // After `delay`, once `ready()` holds (at most 20 s).
    template <class Ready>
    void run(cirrus::test::pg_scratch_server& s, std::chrono::milliseconds delay, std::chrono::milliseconds down,
             Ready ready) {
        thread = std::thread([this, &s, delay, down, ready] {
            std::this_thread::sleep_for(delay);
            for (int i = 0; i < 2000 && !ready(); ++i) std::this_thread::sleep_for(10ms);
            bool stopped = s.stop();
            std::this_thread::sleep_for(down);
            ok = stopped && s.start();
            done = true;
        });
    }
    void run(cirrus::test::pg_scratch_server& s, std::chrono::milliseconds delay, std::chrono::milliseconds down) {
        run(s, delay, down, [] { return true; });
    }
    ~restarter() {
        if (thread.joinable()) thread.join();
    }
};

// ------------------------------------------------------------------------ notifications

TEST(PostgresNotify, AcrossTwoConnections) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto listener = co_await pgtest::connect();
        auto sender = co_await pgtest::connect();
        PG_CO_REQUIRE(listener && sender);
        const auto ch = channel("jobs");
        co_await listener->async_listen(ch);
        PG_CO_REQUIRE(!(co_await notify(*sender, ch, "first")));
        auto n = co_await listener->async_next_notification();
        EXPECT_EQ(n.channel, ch);
        EXPECT_EQ(n.payload, "first");
        EXPECT_EQ(n.sender_pid, sender->backend_pid());

        // Notifications that arrive while the listener runs queries are queued, in order.
        for (int i = 0; i < 3; ++i) PG_CO_REQUIRE(!(co_await notify(*sender, ch, "q" + std::to_string(i))));
        pg::results r;
        co_await listener->async_query("select pg_sleep(0.05)", r);
        EXPECT_EQ(listener->queued_notifications(), 3u);
        for (int i = 0; i < 3; ++i) {
            auto q = co_await listener->async_next_notification();
            EXPECT_EQ(q.payload, "q" + std::to_string(i));
        }
        EXPECT_EQ(listener->queued_notifications(), 0u);

        // After UNLISTEN nothing arrives: the wait is canceled by the timer, and the
        // connection stays usable.
        co_await listener->async_unlisten(ch);
        PG_CO_REQUIRE(!(co_await notify(*sender, ch, "unheard")));
        auto waited = co_await (listener->async_next_notification(tok) || sleep_for(300ms));
        PG_CO_REQUIRE(waited.index() == 1);
        co_await listener->async_query("select 1", r);
        EXPECT_EQ(listener->queued_notifications(), 0u);
    });
}

TEST(PostgresNotify, BoundedQueueDropsTheOldest) {
    pgtest::run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.notification_queue_capacity = 2;
        auto listener = co_await pgtest::connect(pgtest::scram_params(), opts);
        auto sender = co_await pgtest::connect();
        PG_CO_REQUIRE(listener && sender);
        const auto ch = channel("bounded");
        co_await listener->async_listen(ch);
        for (int i = 0; i < 5; ++i) PG_CO_REQUIRE(!(co_await notify(*sender, ch, std::to_string(i))));
        pg::results r;
        co_await listener->async_query("select pg_sleep(0.05)", r);
        EXPECT_EQ(listener->queued_notifications(), 2u);
        EXPECT_EQ(listener->dropped_notifications(), 3u);
        EXPECT_EQ((co_await listener->async_next_notification()).payload, "3");
        EXPECT_EQ((co_await listener->async_next_notification()).payload, "4");
    });
}

TEST(PostgresNotify, WaitCanceledThroughASlotKeepsTheConnection) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto listener = co_await pgtest::connect();
        auto sender = co_await pgtest::connect();
        PG_CO_REQUIRE(listener && sender);
        const auto ch = channel("cancel");
        co_await listener->async_listen(ch);
        asio::cancellation_signal cancel;
        asio::steady_timer t(co_await asio::this_coro::executor, 100ms);
        t.async_wait([&](error_code) { cancel.emit(asio::cancellation_type::terminal); });
        auto [ec, n] = co_await listener->async_next_notification(
            asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
        EXPECT_EQ(ec, asio::error::operation_aborted);
        EXPECT_TRUE(listener->is_open());
        PG_CO_REQUIRE(!(co_await notify(*sender, ch, "after")));
        EXPECT_EQ((co_await listener->async_next_notification()).payload, "after");
    });
}

TEST(PostgresNotify, ListenerReconnectsThroughAServerRestart) {
    cirrus::test::pg_scratch_server server;
    ASSERT_EQ(server.error(), "");
    restarter restart;
    pgtest::run(
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            pg::listener_options lo;
            lo.reconnect = {.initial = 50ms, .max = 400ms};
            const auto params = server.params();
            pg::listener l(ex, params, lo);
            co_await l.async_listen("jobs");
            co_await l.async_listen("other channel");
            EXPECT_EQ(l.channels().size(), 2u);
            auto sender = co_await pgtest::connect(params);
            PG_CO_REQUIRE(sender);
            PG_CO_REQUIRE(!(co_await notify(*sender, "jobs", "before")));
            auto ev = co_await l.async_next();
            EXPECT_EQ(ev.what, pg::listener_event::kind::notification);
            EXPECT_EQ(ev.notification.payload, "before");
            const auto pid_before = l.backend_pid();

            restart.run(server, 0ms, 500ms);
            ev = co_await l.async_next();
            PG_CO_REQUIRE(ev.what == pg::listener_event::kind::reconnected);
            EXPECT_TRUE(ev.lost_because) << ev.lost_message;
            EXPECT_FALSE(ev.lost_message.empty());
            EXPECT_LE(ev.lost_at, ev.restored_at);
            EXPECT_GE(ev.restored_at - ev.lost_at, 300ms); // the server was down that long
            EXPECT_GE(ev.attempts, 2u);
            EXPECT_NE(l.backend_pid(), pid_before);
            restart.thread.join();
            EXPECT_TRUE(restart.ok);

            // Every channel is listened to again.
            sender = co_await pgtest::connect(params);
            PG_CO_REQUIRE(sender);
            PG_CO_REQUIRE(!(co_await notify(*sender, "other channel", "after")));
            ev = co_await l.async_next();
            EXPECT_EQ(ev.what, pg::listener_event::kind::notification);
            EXPECT_EQ(ev.notification.channel, "other channel");
            EXPECT_EQ(ev.notification.payload, "after");
            EXPECT_EQ(ev.notification.sender_pid, sender->backend_pid());
        },
        30s);
}

// ------------------------------------------------------------------------------- pool

pg::pool_options shared_pool(std::size_t size) {
    pg::pool_options o;
    o.params = pgtest::scram_params();
    o.max_size = size;
    return o;
}

asio::awaitable<std::string> scalar(pg::connection& c, const std::string& sql) {
    pg::results r;
    pg::diagnostics d;
    auto [ec] = co_await c.async_query(sql, r, d, tok);
    if (ec) co_return "error: " + d.what();
    co_return r.back()[0][0].is_null() ? "null" : r.back()[0][0].to_string();
}

TEST(PostgresPool, ResetOnReturn) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        const auto opts = shared_pool(1);
        pg::pool pool(ex, opts);
        std::int32_t pid = 0;
        {
            auto c = co_await pool.async_acquire();
            pid = c->backend_pid();
            EXPECT_EQ(co_await scalar(*c, "set application_name = 'leaked'; create temp table t_leak(x int); "
                                          "select current_setting('application_name')"),
                      "leaked");
        }
        {
            // The same connection (a pool of one), reset: no setting, no temp table.
            auto c = co_await pool.async_acquire();
            EXPECT_EQ(c->backend_pid(), pid);
            EXPECT_EQ(co_await scalar(*c, "select current_setting('application_name')"), "cirrus-tests");
            EXPECT_EQ(co_await scalar(*c, "select to_regclass('pg_temp.t_leak')::text"), "null");
            // A promise of plain queries skips the reset ...
            pg::results r;
            co_await c->async_query("set application_name = 'kept'", r);
            c.return_without_reset();
        }
        {
            auto c = co_await pool.async_acquire();
            EXPECT_EQ(co_await scalar(*c, "select current_setting('application_name')"), "kept");
            // ... but not for a connection left inside a transaction.
            pg::results r;
            co_await c->async_query("begin; set local work_mem = '1MB'; create temp table t_txn(x int)", r);
            EXPECT_EQ(c->transaction_status(), pg::transaction_status::in_transaction);
            c.return_without_reset();
        }
        {
            auto c = co_await pool.async_acquire();
            EXPECT_EQ(c->backend_pid(), pid);
            EXPECT_EQ(c->transaction_status(), pg::transaction_status::idle);
            EXPECT_EQ(co_await scalar(*c, "select to_regclass('pg_temp.t_txn')::text"), "null");
            // A failed transaction too.
            pg::results r;
            auto [ec] = co_await c->async_query("begin; select 1/0", r, tok);
            EXPECT_TRUE(ec);
            EXPECT_EQ(c->transaction_status(), pg::transaction_status::failed);
            c.return_without_reset();
        }
        {
            auto c = co_await pool.async_acquire();
            EXPECT_EQ(c->backend_pid(), pid);
            EXPECT_EQ(co_await scalar(*c, "select 7"), "7");
            // A closed connection is dropped; the next user gets a new one.
            c->close();
        }
        auto c = co_await pool.async_acquire();
        EXPECT_NE(c->backend_pid(), pid);
        EXPECT_EQ(pool.stats().total, 1u);
    });
}

TEST(PostgresPool, KeepStatementsResetKeepsTheStatementCache) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto opts = shared_pool(1);
        opts.reset = pg::pool_reset::keep_statements;
        pg::pool pool(co_await asio::this_coro::executor, opts);
        {
            auto c = co_await pool.async_acquire();
            pg::results r;
            co_await c->async_execute(pg::query("select $1::int", 1), r);
            co_await c->async_query("set search_path = pg_catalog; create temp table t_keep(x int)", r);
            EXPECT_EQ(c->cached_statements(), 1u);
        }
        auto c = co_await pool.async_acquire();
        EXPECT_EQ(c->cached_statements(), 1u);
        EXPECT_EQ(co_await scalar(*c, "select current_setting('search_path')"), "\"$user\", public");
        EXPECT_EQ(co_await scalar(*c, "select to_regclass('pg_temp.t_keep')::text"), "null");
        pg::results r;
        co_await c->async_execute(pg::query("select $1::int", 2), r); // the cached statement still works
        EXPECT_EQ(r[0][0][0].as<std::int32_t>(), 2);
    });
}

TEST(PostgresPool, AcquireTimeoutAndCancellation) {
    pgtest::run([]() -> asio::awaitable<void> {
        pg::pool pool(co_await asio::this_coro::executor, shared_pool(1));
        auto held = co_await pool.async_acquire();
        pg::diagnostics diag;
        auto t0 = std::chrono::steady_clock::now();
        auto [ec, none] = co_await pool.async_acquire(200ms, diag, tok);
        auto waited = std::chrono::steady_clock::now() - t0;
        EXPECT_EQ(ec, pg::client_errc::pool_timeout);
        EXPECT_FALSE(none.valid());
        EXPECT_NE(diag.message.find("within 200 ms"), std::string::npos) << diag.message;
        EXPECT_GE(waited, 200ms);
        EXPECT_LT(waited, 2s);

        // A cancellation ends the wait at once.
        asio::cancellation_signal cancel;
        asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
        t.async_wait([&](error_code) { cancel.emit(asio::cancellation_type::terminal); });
        t0 = std::chrono::steady_clock::now();
        auto [cec, c2] = co_await pool.async_acquire(
            10s, asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
        EXPECT_EQ(cec, asio::error::operation_aborted);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
        EXPECT_EQ(pool.stats().waiting, 0u);

        // `||` with a timer cancels too; then a returned connection goes to the next caller.
        auto raced = co_await (pool.async_acquire(asio::as_tuple(asio::use_awaitable)) || sleep_for(50ms));
        EXPECT_EQ(raced.index(), 1u);
        const auto pid = held->backend_pid();
        held.release();
        auto again = co_await pool.async_acquire(1s);
        EXPECT_EQ(again->backend_pid(), pid);

        pool.cancel();
        auto [closed_ec, c3] = co_await pool.async_acquire(1s, asio::as_tuple(asio::use_awaitable));
        EXPECT_EQ(closed_ec, pg::client_errc::pool_closed);
    });
}

TEST(PostgresPool, ConnectionErrorsAreClear) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        // A wrong password is not retried.
        auto opts = shared_pool(2);
        opts.params.password = "not-the-password";
        pg::pool bad(ex, opts);
        pg::diagnostics diag;
        auto t0 = std::chrono::steady_clock::now();
        auto [ec, c] = co_await bad.async_acquire(5s, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::invalid_password) << ec.message() << " / " << diag.what();
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);

        // Nothing listens: attempts back off until the caller's timeout, which names the cause.
        auto down = shared_pool(2);
        down.params.hosts = {pg::host_spec{"127.0.0.1", 1, {}}};
        down.reconnect = {.initial = 20ms, .max = 100ms};
        pg::pool nobody(ex, down);
        auto [dec, d] = co_await nobody.async_acquire(400ms, diag, tok);
        EXPECT_EQ(dec, pg::client_errc::pool_timeout);
        EXPECT_NE(diag.message.find("the last connection attempt failed"), std::string::npos) << diag.message;
        EXPECT_NE(diag.message.find("onnection refused"), std::string::npos) << diag.message;
        EXPECT_EQ(nobody.stats().total, 0u);
    });
}

TEST(PostgresPool, HealthCheckLifetimeAndIdleEviction) {
    pgtest::run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto admin = co_await pgtest::connect();
        PG_CO_REQUIRE(admin);
        pg::results r;
        {
            // An idle connection whose backend was terminated is not handed out.
            pg::pool pool(ex, shared_pool(2));
            std::int32_t pid = 0;
            {
                auto c = co_await pool.async_acquire();
                pid = c->backend_pid();
                c.return_without_reset();
            }
            co_await admin->async_execute(pg::query("select pg_terminate_backend($1)", pid), r);
            co_await sleep_for(100ms);
            auto c = co_await pool.async_acquire(2s);
            EXPECT_NE(c->backend_pid(), pid);
            EXPECT_EQ(co_await scalar(*c, "select 1"), "1");
            EXPECT_EQ(pool.stats().total, 1u);
        }
        {
            // Idle for longer than max_idle_time: closed by the maintenance timer.
            auto opts = shared_pool(2);
            opts.max_idle_time = 100ms;
            pg::pool pool(ex, opts);
            {
                auto c = co_await pool.async_acquire();
            }
            co_await sleep_for(50ms);
            EXPECT_EQ(pool.stats().total, 1u);
            EXPECT_EQ(pool.stats().idle, 1u);
            co_await sleep_for(300ms);
            EXPECT_EQ(pool.stats().total, 0u);
        }
        {
            // Older than max_lifetime: closed when given back.
            auto opts = shared_pool(2);
            opts.max_lifetime = 150ms;
            pg::pool pool(ex, opts);
            std::int32_t pid = 0;
            {
                auto c = co_await pool.async_acquire();
                pid = c->backend_pid();
                co_await sleep_for(200ms);
                c.return_without_reset();
            }
            auto c = co_await pool.async_acquire();
            EXPECT_NE(c->backend_pid(), pid);
        }
    });
}

// 200 coroutines on two threads share 10 connections while the server restarts: every
// request completes (none hangs, none is lost), successfully or with a clear error, and
// the pool serves everyone again afterwards.
TEST(PostgresPool, ManyCoroutinesThroughAServerRestart) {
    cirrus::test::pg_scratch_server server;
    ASSERT_EQ(server.error(), "");
    pg::pool_options opts;
    opts.params = server.params();
    opts.max_size = 10;
    opts.acquire_timeout = 10s;
    opts.reconnect = {.initial = 20ms, .max = 200ms};
    opts.health_check_after = 5s;

    asio::io_context ioc;
    pg::pool pool(ioc.get_executor(), opts);
    constexpr int workers = 200, rounds = 5;
    std::atomic<int> issued{0}, ok{0}, failed{0}, running{workers}, max_total{0};
    std::mutex m;
    std::map<std::string, int> errors;
    restarter restart;

    auto worker = [&](int id) -> asio::awaitable<void> {
        // At least `rounds` requests each, and on until the server is back.
        for (int round = 0; round < rounds || (!restart.done && round < 1000); ++round) {
            ++issued;
            pg::diagnostics diag;
            error_code ec;
            {
                auto [aec, c] = co_await pool.async_acquire(diag, tok);
                ec = aec;
                if (!ec) {
                    max_total = std::max<int>(max_total, static_cast<int>(pool.stats().total));
                    pg::results r;
                    auto [qec] = co_await c->async_execute(
                        pg::query("select $1::int + pg_backend_pid() * 0 from pg_sleep(0.002)", id), r, diag, tok);
                    ec = qec;
                    if (!ec && r[0][0][0].as<std::int32_t>() != id) ec = make_error_code(pg::client_errc::unexpected_message);
                    if (!ec) c.return_without_reset();
                }
            }
            if (ec) {
                ++failed;
                std::lock_guard lock(m);
                ++errors[ec.message() + (diag.what().empty() ? " (no diagnostics)" : "")];
            } else {
                ++ok;
            }
        }
    };
    // The pool's maintenance timer keeps the context busy: stop it when the last one ends.
    for (int i = 0; i < workers; ++i)
        asio::co_spawn(ioc, worker(i), [&](std::exception_ptr e) {
            if (e) ADD_FAILURE() << "a worker threw";
            if (--running == 0) ioc.stop();
        });
    // Once the pool is busy: queries are running on every connection.
    restart.run(server, 100ms, 500ms, [&] { return ok >= 100; });
    std::thread second([&] { ioc.run_for(40s); });
    ioc.run_for(40s);
    second.join();
    restart.thread.join();
    EXPECT_TRUE(restart.ok);
    EXPECT_EQ(running, 0) << "requests still pending (hung)";
    EXPECT_EQ(ok + failed, issued);
    EXPECT_GE(issued, workers * rounds);
    EXPECT_LE(max_total, 10);
    EXPECT_GT(failed, 0) << "the restart went unnoticed";
    EXPECT_GT(ok, failed);
    std::cout << "  " << issued << " requests: " << ok << " succeeded, " << failed << " failed\n";
    for (const auto& [what, n] : errors) {
        std::cout << "  " << n << " x " << what << "\n";
        EXPECT_EQ(what.find("(no diagnostics)"), std::string::npos) << what;
    }

    // Afterwards every request succeeds.
    ioc.restart();
    std::atomic<int> after_ok{0}, after_running{workers};
    auto again = [&](int i) -> asio::awaitable<void> {
        pg::results r;
        auto [ec, c] = co_await pool.async_acquire(tok);
        if (!ec) {
            auto [qec] = co_await c->async_execute(pg::query("select $1::int", i), r, tok);
            if (!qec) ++after_ok;
        }
    };
    for (int i = 0; i < workers; ++i)
        asio::co_spawn(ioc, again(i), [&](std::exception_ptr) {
            if (--after_running == 0) ioc.stop();
        });
    ioc.run_for(20s);
    EXPECT_EQ(after_running, 0);
    EXPECT_EQ(after_ok, workers);
    pool.cancel();
    ioc.restart();
    ioc.run_for(1s);
}

} // namespace
