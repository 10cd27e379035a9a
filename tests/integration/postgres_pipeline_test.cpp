// Pipelining against the PostgreSQL 15 of scripts/services.sh: batches of many queries
// sent before any result is read, error isolation per Sync segment, typed results.

#include "postgres_support.hpp"

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
