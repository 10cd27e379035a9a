// Pipelining against the PostgreSQL 15 of scripts/services.sh: batches of many queries
// sent before any result is read, error isolation per Sync segment, typed results.

#include "postgres_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

using namespace pgtest;
using namespace std::chrono;

namespace {

struct id_row {
    std::int64_t id;
    std::string name;
};

asio::awaitable<void> exec(pg::connection& conn, std::string sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec) ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
}

asio::awaitable<std::int64_t> count(pg::connection& conn, std::string sql) {
    std::vector<std::tuple<std::int64_t>> rows;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, rows, diag, tok);
    if (ec || rows.size() != 1) {
        ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
        co_return -1;
    }
    co_return std::get<0>(rows[0]);
}

constexpr int n_statements = 10000;
constexpr int failing = 5000;

// 10,000 inserts with a division by zero at step 5000.
pg::pipeline ten_thousand(pg::pipeline_sync sync) {
    pg::pipeline p(sync);
    p.reserve(n_statements);
    for (int i = 0; i < n_statements; ++i) {
        if (i == failing) p.add("insert into pipe(id, name) values ($1, 'x' || (1 / $2)::text)", std::int64_t{i}, 0);
        else p.add("insert into pipe(id, name) values ($1, $2)", std::int64_t{i}, std::to_string(i));
    }
    return p;
}

} // namespace

TEST(PostgresPipeline, TenThousandPerQuerySyncIsolatesTheFailure) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table pipe(id int8 primary key, name text)");
        auto p = ten_thousand(pg::pipeline_sync::per_query);
        pg::pipeline_results r;
        pg::diagnostics diag;
        auto t0 = steady_clock::now();
        auto [ec] = co_await conn->async_run_pipeline(p, r, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        std::printf("pipeline of %d statements (sync per query): %lld ms\n", n_statements, static_cast<long long>(ms));
        EXPECT_EQ(ec, pg::sqlstate::division_by_zero);
        EXPECT_EQ(diag.sqlstate(), "22012");
        PG_CO_REQUIRE(r.size() == static_cast<std::size_t>(n_statements));
        EXPECT_EQ(r.first_error(), static_cast<std::size_t>(failing));
        EXPECT_EQ(r.error_count(), 1u);
        EXPECT_EQ(r[failing].error, pg::sqlstate::division_by_zero);
        EXPECT_EQ(r[failing].diag.sqlstate(), "22012");
        PG_CO_REQUIRE(!r[0].rows.empty());
        EXPECT_EQ(r[0].rows.front().command_tag(), "INSERT 0 1");
        EXPECT_EQ(r[failing + 1].rows.front().command_tag(), "INSERT 0 1");
        EXPECT_EQ(co_await count(*conn, "select count(*) from pipe"), n_statements - 1);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        // The connection and its statement cache stay usable.
        EXPECT_EQ(co_await count(*conn, "select 7::int8"), 7);
    });
}

TEST(PostgresPipeline, TenThousandOneSyncAbortsTheRestOfTheBatch) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table pipe(id int8 primary key, name text)");
        auto p = ten_thousand(pg::pipeline_sync::per_batch);
        pg::pipeline_results r;
        pg::diagnostics diag;
        auto t0 = steady_clock::now();
        auto [ec] = co_await conn->async_run_pipeline(p, r, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        std::printf("pipeline of %d statements (one sync): %lld ms\n", n_statements, static_cast<long long>(ms));
        EXPECT_EQ(ec, pg::sqlstate::division_by_zero);
        PG_CO_REQUIRE(r.size() == static_cast<std::size_t>(n_statements));
        EXPECT_EQ(r.first_error(), static_cast<std::size_t>(failing));
        for (int i = 0; i < failing; ++i) {
            if (r[i].error) {
                ADD_FAILURE() << "step " << i << ": " << r[i].error.message();
                break;
            }
        }
        EXPECT_EQ(r[failing].error, pg::sqlstate::division_by_zero);
        for (int i = failing + 1; i < n_statements; ++i) {
            if (r[i].error != pg::client_errc::pipeline_aborted) {
                ADD_FAILURE() << "step " << i << ": " << r[i].error.message();
                break;
            }
        }
        EXPECT_EQ(r.error_count(), static_cast<std::size_t>(n_statements - failing));
        // One implicit transaction: the failure rolled back the earlier inserts too.
        EXPECT_EQ(co_await count(*conn, "select count(*) from pipe"), 0);

        // Without the failing step every statement runs.
        pg::pipeline ok;
        for (int i = 0; i < n_statements; ++i) ok.add("insert into pipe(id, name) values ($1, $2)", std::int64_t{i}, "n");
        auto [ec2] = co_await conn->async_run_pipeline(ok, r, diag, tok);
        EXPECT_FALSE(ec2) << ec2.message() << " / " << diag.what();
        EXPECT_EQ(r.error_count(), 0u);
        EXPECT_EQ(co_await count(*conn, "select count(*) from pipe"), n_statements);
    });
}

TEST(PostgresPipeline, TypedResultsSyntaxErrorsAndMixedStatements) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::pipeline p(pg::pipeline_sync::per_query);
        p.add("select g::int8 as id, 'n' || g as name from generate_series(1, $1) g", 3);
        p.add("selec 1");                                   // refused at Parse, in its place
        p.add(pg::query("select $1::int8 as id, $2::text as name", std::int64_t{42}, "answer"));
        p.add("select 1::int8 as id, 'x' as name where false");
        p.add("");                                          // empty query
        pg::pipeline_results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_run_pipeline(p, r, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::syntax_error);
        EXPECT_EQ(diag.message, "syntax error at or near \"selec\"");
        PG_CO_REQUIRE(r.size() == 5u);
        std::vector<id_row> rows;
        pg::diagnostics rdiag;
        EXPECT_FALSE(r.read(0, rows, &rdiag)) << rdiag.what();
        PG_CO_REQUIRE(rows.size() == 3u);
        EXPECT_EQ(rows[2].id, 3);
        EXPECT_EQ(rows[2].name, "n3");
        EXPECT_EQ(r[1].error, pg::sqlstate::syntax_error);
        EXPECT_EQ(r.read(1, rows, &rdiag), pg::sqlstate::syntax_error);
        rows.clear();
        EXPECT_FALSE(r.read(2, rows, &rdiag)) << rdiag.what();
        PG_CO_REQUIRE(rows.size() == 1u);
        EXPECT_EQ(rows[0].id, 42);
        EXPECT_EQ(rows[0].name, "answer");
        EXPECT_FALSE(r[3].error);
        rows.clear();
        EXPECT_FALSE(r.read(3, rows, &rdiag));
        EXPECT_TRUE(rows.empty());
        EXPECT_FALSE(r[4].error);

        // Inside an explicit transaction (no prepare round: every text is sent unnamed)
        // the error aborts the transaction, as it would without pipelining.
        co_await exec(*conn, "begin");
        pg::pipeline t;
        t.add("select $1::int8 as id, 'a' as name", std::int64_t{1});
        t.add("select 1 / $1", 0);
        t.add("select 2");
        auto [tec] = co_await conn->async_run_pipeline(t, r, diag, tok);
        EXPECT_EQ(tec, pg::sqlstate::division_by_zero);
        rows.clear();
        EXPECT_FALSE(r.read(0, rows, &rdiag)) << rdiag.what();
        PG_CO_REQUIRE(rows.size() == 1u);
        EXPECT_EQ(rows[0].id, 1);
        EXPECT_EQ(r[2].error, pg::client_errc::pipeline_aborted);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::failed);
        co_await exec(*conn, "rollback");

        // An empty pipeline completes at once; a busy connection refuses a pipeline.
        pg::pipeline none;
        auto [nec] = co_await conn->async_run_pipeline(none, r, diag, tok);
        EXPECT_FALSE(nec);
        EXPECT_TRUE(r.empty());
        EXPECT_EQ(co_await count(*conn, "select 8::int8"), 8);
    });
}

// ---------------------------------------------------------------------------------------
// Implicit pipelining: several coroutines on one connection (connection_options::
// implicit_pipelining, on by default).

namespace {

struct n_row {
    std::int32_t n = 0;
};

// Waits (polling the executor) until `done` reaches `n` or `limit` passes.
asio::awaitable<bool> wait_for(const int& done, int n, milliseconds limit) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    const auto until = steady_clock::now() + limit;
    while (done < n && steady_clock::now() < until) {
        t.expires_after(2ms);
        co_await t.async_wait(asio::use_awaitable);
    }
    co_return done >= n;
}

// The outcomes of n operations started with callbacks: handler(i) records the i-th.
struct outcomes {
    explicit outcomes(std::size_t n) : out(n), diags(n), ecs(n), at(n) {}
    std::vector<pg::results> out;
    std::vector<pg::diagnostics> diags;
    std::vector<cirrus::error_code> ecs;
    std::vector<steady_clock::time_point> at;
    int done = 0;
    auto handler(std::size_t i) {
        return [this, i](cirrus::error_code ec) {
            ecs[i] = ec;
            at[i] = steady_clock::now();
            ++done;
        };
    }
};

} // namespace

TEST(PostgresImplicitPipelining, FiveHundredCoroutinesShareOneConnection) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        constexpr int n = 500;
        std::vector<std::vector<n_row>> rows(n);
        std::vector<pg::results> texts(n);
        std::vector<pg::diagnostics> diags(n);
        std::vector<cirrus::error_code> ecs(n);
        int done = 0;
        for (int i = 0; i < n; ++i) {
            auto handler = [&, i](cirrus::error_code ec) {
                ecs[i] = ec;
                ++done;
            };
            if (i % 100 == 7) {
                // A division by zero: only this query fails.
                auto q = pg::query("select 1 / ($1::int4 - $1::int4) as n", i);
                conn->async_execute(q, rows[i], diags[i], handler);
            } else if (i % 100 == 50) {
                // A simple query runs alone, in its turn.
                conn->async_query("select " + std::to_string(i * 2) + " as n", texts[i], diags[i], handler);
            } else {
                auto q = pg::query("select $1::int4 * 2 as n", i);
                conn->async_execute(q, rows[i], diags[i], handler);
            }
        }
        PG_CO_REQUIRE(co_await wait_for(done, n, 60'000ms));
        for (int i = 0; i < n; ++i) {
            if (i % 100 == 7) {
                EXPECT_EQ(ecs[i], pg::sqlstate::division_by_zero) << i;
                EXPECT_EQ(diags[i].sqlstate(), "22012") << i;
                EXPECT_TRUE(rows[i].empty()) << i;
            } else if (i % 100 == 50) {
                EXPECT_FALSE(ecs[i]) << i << ": " << diags[i].what();
                std::vector<std::tuple<std::int32_t>> v;
                EXPECT_FALSE(pg::read_rows(texts[i].front(), v));
                PG_CO_REQUIRE(v.size() == 1u);
                EXPECT_EQ(std::get<0>(v[0]), i * 2);
            } else {
                EXPECT_FALSE(ecs[i]) << i << ": " << diags[i].what();
                PG_CO_REQUIRE(rows[i].size() == 1u);
                EXPECT_EQ(rows[i][0].n, i * 2) << i;
                EXPECT_TRUE(diags[i].sqlstate().empty()) << i;
            }
        }
        EXPECT_EQ(co_await count(*conn, "select 9::int8"), 9);
    });
}

TEST(PostgresImplicitPipelining, OperationsRunInTheOrderTheyWereStarted) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temporary table turns(seq serial primary key, who int4 not null)");
        // Inserts by query and by simple query alternate in runs; the serial column records
        // the order in which the server ran them.
        constexpr int n = 120;
        std::vector<pg::results> out(n);
        std::vector<pg::diagnostics> diags(n);
        int done = 0;
        int failed = 0;
        for (int i = 0; i < n; ++i) {
            auto handler = [&](cirrus::error_code ec) {
                failed += ec ? 1 : 0;
                ++done;
            };
            if ((i / 10) % 3 == 2)
                conn->async_query("insert into turns(who) values (" + std::to_string(i) + ")", out[i], diags[i],
                                  handler);
            else conn->async_execute(pg::query("insert into turns(who) values ($1)", i), out[i], diags[i], handler);
        }
        PG_CO_REQUIRE(co_await wait_for(done, n, 60'000ms));
        EXPECT_EQ(failed, 0);
        std::vector<std::tuple<std::int32_t>> order;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query("select who from turns order by seq", order, diag, tok);
        PG_CO_CHECK(ec, diag);
        PG_CO_REQUIRE(order.size() == static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) EXPECT_EQ(std::get<0>(order[i]), i);
    });
}

TEST(PostgresImplicitPipelining, CancelingAQueuedOrBatchedQueryLeavesTheOthers) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto ex = co_await asio::this_coro::executor;
        // Round 1: A runs alone; B and C wait; B is canceled while it waits, C still runs.
        {
            outcomes o(3);
            auto& [out, diags, ecs, at, done] = o;
            auto handler = [&](std::size_t i) { return o.handler(i); };
            asio::cancellation_signal cancel_b;
            conn->async_execute(pg::query("select pg_sleep($1::float8)", 0.4), out[0], diags[0], handler(0));
            conn->async_execute(pg::query("select $1::int4", 2), out[1], diags[1],
                                asio::bind_cancellation_slot(cancel_b.slot(), handler(1)));
            conn->async_execute(pg::query("select $1::int4", 3), out[2], diags[2], handler(2));
            asio::steady_timer t(ex, 50ms);
            co_await t.async_wait(asio::use_awaitable);
            cancel_b.emit(asio::cancellation_type::terminal);
            PG_CO_REQUIRE(co_await wait_for(done, 3, 10'000ms));
            EXPECT_FALSE(ecs[0]) << diags[0].what();
            EXPECT_EQ(ecs[1], asio::error::operation_aborted);
            EXPECT_LT(at[1], at[0]); // it did not wait for A
            EXPECT_FALSE(ecs[2]) << diags[2].what();
            EXPECT_EQ(out[2].front().size(), 1u);
        }
        // Round 2: A runs alone; B (lead), C and D wait and go as one batch; C sleeps and is
        // canceled while the server runs it; B and D are answered.
        {
            outcomes o(4);
            auto& [out, diags, ecs, at, done] = o;
            auto handler = [&](std::size_t i) { return o.handler(i); };
            asio::cancellation_signal cancel_c;
            const auto start = steady_clock::now();
            conn->async_execute(pg::query("select pg_sleep($1::float8)", 0.2), out[0], diags[0], handler(0));
            conn->async_execute(pg::query("select $1::int4", 2), out[1], diags[1], handler(1));
            conn->async_execute(pg::query("select pg_sleep($1::float8)", 20.0), out[2], diags[2],
                                asio::bind_cancellation_slot(cancel_c.slot(), handler(2)));
            conn->async_execute(pg::query("select $1::int4", 4), out[3], diags[3], handler(3));
            asio::steady_timer t(ex, 700ms);
            co_await t.async_wait(asio::use_awaitable);
            EXPECT_EQ(done, 2); // A and B
            cancel_c.emit(asio::cancellation_type::terminal);
            PG_CO_REQUIRE(co_await wait_for(done, 4, 15'000ms));
            EXPECT_LT(steady_clock::now() - start, 10s);
            EXPECT_FALSE(ecs[0]) << diags[0].what();
            EXPECT_FALSE(ecs[1]) << diags[1].what();
            EXPECT_EQ(ecs[2], asio::error::operation_aborted) << ecs[2].message() << " / " << diags[2].what();
            EXPECT_FALSE(ecs[3]) << diags[3].what();
            if (!ecs[3]) {
                EXPECT_EQ(out[3].front().size(), 1u);
            }
        }
        EXPECT_EQ(co_await count(*conn, "select 5::int8"), 5);
    });
}

TEST(PostgresImplicitPipelining, QueuedOperationsFailWhenTheConnectionCloses) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto ex = co_await asio::this_coro::executor;
        outcomes o(3);
        auto& [out, diags, ecs, at, done] = o;
        auto handler = [&](std::size_t i) { return o.handler(i); };
        conn->async_execute(pg::query("select pg_sleep($1::float8)", 5.0), out[0], diags[0], handler(0));
        conn->async_execute(pg::query("select $1::int4", 2), out[1], diags[1], handler(1));
        conn->async_query("select 3", out[2], diags[2], handler(2));
        asio::steady_timer t(ex, 100ms);
        co_await t.async_wait(asio::use_awaitable);
        conn->close();
        PG_CO_REQUIRE(co_await wait_for(done, 3, 3'000ms));
        for (int i = 0; i < 3; ++i) EXPECT_TRUE(ecs[i]) << i;
        EXPECT_EQ(ecs[1], pg::client_errc::not_connected) << ecs[1].message();
        EXPECT_NE(diags[1].what().find("waited for its turn"), std::string::npos) << diags[1].what();
        EXPECT_EQ(ecs[2], pg::client_errc::not_connected) << ecs[2].message();
    });
}

TEST(PostgresImplicitPipelining, OffRefusesASecondOperation) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.implicit_pipelining = false;
        auto p = scram_params();
        auto conn = co_await connect(p, opts);
        PG_CO_REQUIRE(conn);
        pg::results r1, r2;
        pg::diagnostics d1, d2;
        int done = 0;
        cirrus::error_code first;
        conn->async_execute(pg::query("select pg_sleep($1::float8)", 0.2), r1, d1, [&](cirrus::error_code ec) {
            first = ec;
            ++done;
        });
        auto q = pg::query("select $1::int4", 1);
        auto [ec] = co_await conn->async_execute(q, r2, d2, tok);
        EXPECT_EQ(ec, pg::client_errc::operation_in_progress);
        PG_CO_REQUIRE(co_await wait_for(done, 1, 5'000ms));
        EXPECT_FALSE(first) << d1.what();
    });
}

// A DISCARD ALL among streamed queries drops the server's prepared statements: the
// queries after it are prepared again, and none fails for a statement that is gone.
TEST(PostgresImplicitPipelining, DiscardAllAmongStreamedQueries) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        // Cached first, so that the queries below stream.
        EXPECT_EQ(co_await count(*conn, "select 1::int8"), 1);
        std::vector<n_row> warm;
        pg::diagnostics wdiag;
        auto wq = pg::query("select $1::int4 + 1 as n", 0);
        auto [wec] = co_await conn->async_execute(wq, warm, wdiag, tok);
        PG_CO_CHECK(wec, wdiag);
        constexpr int n = 200;
        std::vector<std::vector<n_row>> rows(n);
        std::vector<pg::results> other(n);
        std::vector<pg::diagnostics> diags(n);
        std::vector<cirrus::error_code> ecs(n);
        int done = 0;
        for (int i = 0; i < n; ++i) {
            auto handler = [&, i](cirrus::error_code ec) {
                ecs[i] = ec;
                ++done;
            };
            if (i == 60) conn->async_execute(pg::query("discard all"), other[i], diags[i], handler);
            else conn->async_execute(pg::query("select $1::int4 + 1 as n", i), rows[i], diags[i], handler);
        }
        PG_CO_REQUIRE(co_await wait_for(done, n, 60'000ms));
        for (int i = 0; i < n; ++i) {
            EXPECT_FALSE(ecs[i]) << i << ": " << diags[i].what();
            if (i != 60 && rows[i].size() == 1u) {
                EXPECT_EQ(rows[i][0].n, i + 1);
            }
        }
        // The cache was emptied with the server's statements: the next query prepares anew.
        std::vector<n_row> after;
        auto q = pg::query("select $1::int4 + 1 as n", 41);
        auto [ec] = co_await conn->async_execute(q, after, wdiag, tok);
        PG_CO_CHECK(ec, wdiag);
        PG_CO_REQUIRE(after.size() == 1u);
        EXPECT_EQ(after[0].n, 42);
    });
}
