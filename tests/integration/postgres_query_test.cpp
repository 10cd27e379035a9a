// PostgreSQL client against the PostgreSQL 15 of scripts/services.sh: simple and
// extended queries, errors and notices, prepared statements and the statement cache,
// every codec round-tripped through the server (binary and text), typed rows and
// transactions.

#include "postgres_support.hpp"

#include <boost/describe.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

using namespace pgtest;
using namespace std::chrono;
using namespace std::string_literals;

namespace {

// Column i of the wide-row test: g * 15000 for c15, which overflows int16 from g = 3.
std::string fmt_col(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "c%02d", i);
    if (i == 15) return "(g * 15000)::int8 as " + std::string(name);
    return "g::int8 as " + std::string(name);
}

asio::awaitable<pg::results> simple(pg::connection& conn, std::string sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec) ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
    co_return r;
}

template <class T>
asio::awaitable<T> scalar(pg::connection& conn, std::string sql) {
    auto r = co_await simple(conn, std::move(sql));
    if (r.empty() || r.back().empty()) {
        ADD_FAILURE() << "no rows";
        co_return T{};
    }
    co_return r.back()[0][0].template as<T>();
}

// Sends `value` as a parameter and reads it back in binary; has the server compare it
// with `literal`; reads the literal back through the simple protocol (text) and the
// extended protocol (binary).
template <class T, class Eq = std::equal_to<T>>
asio::awaitable<void> check_codec(pg::connection& conn, std::string type, std::string literal, T value, Eq eq = {}) {
    SCOPED_TRACE(type + " " + literal);
    pg::diagnostics diag;
    pg::results r;
    // json has no equality operator: compare its text.
    std::string cmp = type == "json" ? "::text" : "";
    std::string echo = "select $1::" + type + ", $1::" + type + cmp + " is not distinct from (" + literal + ")::" + type + cmp;
    auto [ec] = co_await conn.async_execute(pg::query(echo, value), r, diag, tok);
    PG_CO_CHECK(ec, diag);
    PG_CO_REQUIRE(r.size() == 1 && r[0].size() == 1);
    EXPECT_EQ(r[0][0][0].format(), pg::format::binary);
    T back{};
    auto dec = r[0][0][0].get_to(back);
    EXPECT_FALSE(dec) << dec.message();
    EXPECT_TRUE(eq(back, value)) << "binary echo: " << r[0][0][0].to_string();
    EXPECT_TRUE(r[0][0][1].as<bool>()) << "the server read the parameter as " << r[0][0][0].to_string();

    std::string sql = "select (" + literal + ")::" + type;
    pg::results text;
    auto [tec] = co_await conn.async_query(sql, text, diag, tok);
    PG_CO_CHECK(tec, diag);
    T from_text{};
    auto tdec = text[0][0][0].get_to(from_text);
    EXPECT_FALSE(tdec) << tdec.message() << ": " << text[0][0][0].raw();
    EXPECT_TRUE(eq(from_text, value)) << "text: " << text[0][0][0].raw();

    pg::results bin;
    auto [bec] = co_await conn.async_execute(sql, bin, diag, tok);
    PG_CO_CHECK(bec, diag);
    T from_binary{};
    EXPECT_FALSE(bin[0][0][0].get_to(from_binary));
    EXPECT_TRUE(eq(from_binary, value)) << "binary: " << bin[0][0][0].to_string();
    // The rendering of a binary field matches the server's text output (timestamptz is
    // rendered in UTC, the server uses the session's time zone).
    if (type.find("timestamptz") == std::string::npos) {
        EXPECT_EQ(bin[0][0][0].to_string(), std::string(text[0][0][0].raw()));
    }
}

struct nan_aware {
    template <class F>
    bool operator()(F a, F b) const {
        return (std::isnan(a) && std::isnan(b)) || a == b;
    }
};

} // namespace

// --- simple query ------------------------------------------------------------------------

TEST(PostgresQuery, SimpleQueryWithSeveralStatements) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto r = co_await simple(*conn, "create temp table t(id int, name text); "
                                        "insert into t values (1, 'one'), (2, null); "
                                        "select id, name from t order by id; "
                                        "select 'x' as a, 2.5::numeric as b where false; "
                                        "update t set name = 'two' where id = 2");
        PG_CO_REQUIRE(r.size() == 5);
        EXPECT_EQ(r[0].command_tag(), "CREATE TABLE");
        EXPECT_EQ(r[1].command_tag(), "INSERT 0 2");
        EXPECT_EQ(r[1].affected_rows(), 2u);
        PG_CO_REQUIRE(r[2].size() == 2u);
        EXPECT_EQ(r[2].columns()[0].name, "id");
        EXPECT_EQ(r[2].columns()[0].type_oid, pg::oids::int4);
        EXPECT_EQ(r[2].columns()[1].type_oid, pg::oids::text);
        EXPECT_EQ(r[2][0][0].as<std::int32_t>(), 1);
        EXPECT_EQ(r[2][0].at("name").as<std::string>(), "one");
        EXPECT_TRUE(r[2][1][1].is_null());
        EXPECT_EQ(r[2].command_tag(), "SELECT 2");
        EXPECT_TRUE(r[3].has_columns());
        EXPECT_TRUE(r[3].empty());
        EXPECT_EQ(r[3].columns()[1].type_oid, pg::oids::numeric);
        EXPECT_EQ(r[4].command_tag(), "UPDATE 1");
        auto empty = co_await simple(*conn, "");
        EXPECT_TRUE(empty.empty());
        auto only_comment = co_await simple(*conn, "-- nothing");
        EXPECT_TRUE(only_comment.empty());
    });
}

TEST(PostgresQuery, SyntaxErrorHasFullFieldsAndTheConnectionSurvives) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query("select 1; selec 2", r, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::syntax_error);
        EXPECT_TRUE(ec == pg::sqlstate_class::syntax_error_or_access_rule_violation);
        EXPECT_TRUE(diag.is_server_error);
        EXPECT_EQ(diag.sqlstate(), "42601");
        EXPECT_EQ(diag.severity, "ERROR");
        EXPECT_EQ(diag.message, "syntax error at or near \"selec\"");
        EXPECT_EQ(diag.position, 11u);
        EXPECT_FALSE(diag.file.empty());
        EXPECT_GT(diag.line, 0u);
        EXPECT_FALSE(diag.routine.empty());
        // The whole query string is one statement batch: nothing ran.
        EXPECT_TRUE(r.empty());
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        EXPECT_EQ(co_await scalar<std::int32_t>(*conn, "select 5"), 5);

        // Extended protocol: the error comes at Parse.
        auto [eec] = co_await conn->async_execute(pg::query("select nosuchcolumn from pg_class where oid = $1", 1), r, diag, tok);
        EXPECT_EQ(eec, pg::sqlstate::undefined_column);
        EXPECT_EQ(diag.position, 8u);
        // Runtime error at Execute.
        auto [xec] = co_await conn->async_execute(pg::query("select 1 / $1", 0), r, diag, tok);
        EXPECT_EQ(xec, pg::sqlstate::division_by_zero);
        EXPECT_TRUE(xec == pg::sqlstate_class::data_exception);
        EXPECT_EQ(co_await scalar<std::int32_t>(*conn, "select 6"), 6);
        // An error after rows: the rows of the failed statement are not reported as complete.
        auto [rec] = co_await conn->async_query("select 1/(3-g) from generate_series(1,5) g", r, diag, tok);
        EXPECT_EQ(rec, pg::sqlstate::division_by_zero);
    });
}

TEST(PostgresQuery, ConstraintErrorsCarrySchemaTableColumnConstraint) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table parent(id int primary key); "
                               "create temp table child(id int primary key, "
                               "  parent_id int not null references parent(id), "
                               "  qty int constraint qty_positive check (qty > 0)); "
                               "insert into parent values (1); insert into child values (1, 1, 1)");
        pg::results r;
        pg::diagnostics diag;

        auto [u] = co_await conn->async_execute(pg::query("insert into child values ($1, $2, $3)", 1, 1, 1), r, diag, tok);
        EXPECT_EQ(u, pg::sqlstate::unique_violation);
        EXPECT_TRUE(u == pg::sqlstate_class::integrity_constraint_violation);
        EXPECT_EQ(diag.constraint_name, "child_pkey");
        EXPECT_EQ(diag.table_name, "child");
        EXPECT_EQ(diag.schema_name.substr(0, 7), "pg_temp");
        EXPECT_EQ(diag.detail, "Key (id)=(1) already exists.");
        EXPECT_EQ(diag.message, "duplicate key value violates unique constraint \"child_pkey\"");

        auto [n] = co_await conn->async_execute(pg::query("insert into child values ($1, $2, $3)", 2, std::optional<int>{}, 1),
                                                r, diag, tok);
        EXPECT_EQ(n, pg::sqlstate::not_null_violation);
        EXPECT_EQ(diag.column_name, "parent_id");
        EXPECT_EQ(diag.table_name, "child");

        auto [c] = co_await conn->async_execute(pg::query("insert into child values ($1, $2, $3)", 3, 1, -1), r, diag, tok);
        EXPECT_EQ(c, pg::sqlstate::check_violation);
        EXPECT_EQ(diag.constraint_name, "qty_positive");

        auto [f] = co_await conn->async_execute(pg::query("insert into child values ($1, $2, $3)", 4, 99, 1), r, diag, tok);
        EXPECT_EQ(f, pg::sqlstate::foreign_key_violation);
        EXPECT_EQ(diag.constraint_name, "child_parent_id_fkey");
        EXPECT_EQ(diag.detail, "Key (parent_id)=(99) is not present in table \"parent\".");

        auto [t] = co_await conn->async_execute(pg::query("select $1::int", "not a number"), r, diag, tok);
        EXPECT_EQ(t, pg::sqlstate::invalid_text_representation);

        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from child"), 1);
    });
}

TEST(PostgresQuery, FailedTransactionStateIsTracked) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        co_await simple(*conn, "begin");
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
        auto [ec] = co_await conn->async_query("select 1/0", r, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::division_by_zero);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::failed);
        auto [ec2] = co_await conn->async_execute(pg::query("select $1::int", 1), r, diag, tok);
        EXPECT_EQ(ec2, pg::sqlstate::in_failed_sql_transaction);
        co_await simple(*conn, "rollback");
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
    });
}

TEST(PostgresQuery, NoticesReachTheHandler) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        std::vector<pg::notice> notices;
        conn->set_notice_handler([&](const pg::notice& n) { notices.push_back(n); });
        co_await simple(*conn, "do $$ begin raise notice 'hello %', 42 using hint = 'a hint'; "
                               "raise warning 'careful'; end $$");
        PG_CO_REQUIRE(notices.size() == 2);
        EXPECT_EQ(notices[0].severity, "NOTICE");
        EXPECT_EQ(notices[0].message, "hello 42");
        EXPECT_EQ(notices[0].hint, "a hint");
        EXPECT_EQ(notices[0].sqlstate, "00000");
        EXPECT_EQ(notices[1].severity, "WARNING");
        EXPECT_EQ(notices[1].sqlstate, "01000");
        // Notices during the extended protocol too.
        co_await simple(*conn, "create temp table n1(x int)");
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute("drop table if exists cirrus_no_such_table_xyz", r, diag, tok);
        EXPECT_FALSE(ec);
        EXPECT_EQ(notices.size(), 3u);
        EXPECT_NE(notices.back().message.find("does not exist"), std::string::npos);
    });
}

TEST(PostgresQuery, CopyIsRefusedAndTheConnectionSurvives) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table c(x int)");
        pg::results r;
        pg::diagnostics diag;
        auto [in] = co_await conn->async_query("copy c from stdin", r, diag, tok);
        EXPECT_EQ(in, pg::client_errc::copy_not_supported);
        auto [out] = co_await conn->async_query("copy (select generate_series(1, 1000)) to stdout", r, diag, tok);
        EXPECT_EQ(out, pg::client_errc::copy_not_supported);
        EXPECT_EQ(co_await scalar<std::int32_t>(*conn, "select 9"), 9);
    });
}

TEST(PostgresQuery, LargeResultsAndFields) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute(pg::query("select g, md5(g::text) from generate_series(1, $1) g", 20000), r,
                                                 diag, tok);
        PG_CO_CHECK(ec, diag);
        PG_CO_REQUIRE(r[0].size() == 20000u);
        EXPECT_EQ(r[0][19999][0].as<std::int32_t>(), 20000);
        std::string big(3 * 1024 * 1024, 'z');
        big[12345] = 'a';
        auto [bec] = co_await conn->async_execute(pg::query("select $1::text, length($1::text)", big), r, diag, tok);
        PG_CO_CHECK(bec, diag);
        EXPECT_EQ(r[0][0][0].as<std::string>(), big);
        EXPECT_EQ(r[0][0][1].as<std::int32_t>(), static_cast<std::int32_t>(big.size()));
    });
}

TEST(PostgresQuery, TerminatedBackendReportsTheServerError) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query("select pg_terminate_backend(pg_backend_pid())", r, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::admin_shutdown) << ec.message() << " / " << diag.what();
        EXPECT_EQ(diag.severity, "FATAL");
        EXPECT_FALSE(conn->is_open());
        auto [ec2] = co_await conn->async_query("select 1", r, diag, tok);
        EXPECT_EQ(ec2, pg::client_errc::not_connected);
    });
}

TEST(PostgresQuery, MessageLargerThanTheLimitClosesTheConnection) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.max_message_size = 64 * 1024;
        auto conn = co_await connect(scram_params(), opts);
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ok] = co_await conn->async_query("select repeat('x', 1000)", r, diag, tok);
        EXPECT_FALSE(ok);
        auto [ec] = co_await conn->async_query("select repeat('x', 100000)", r, diag, tok);
        EXPECT_EQ(ec, cirrus::errc::message_too_large);
        EXPECT_FALSE(conn->is_open());
        // The diagnostics name the size, the limit and the setting.
        EXPECT_NE(diag.message.find("over the limit of 65536 bytes"), std::string::npos) << diag.what();
        EXPECT_NE(diag.message.find("connection_options::max_message_size"), std::string::npos) << diag.what();
        EXPECT_NE(diag.message.find("of type 'D' of 100"), std::string::npos) << diag.what();
    });
}

TEST(PostgresQuery, ResultLimitCancelsTheQueryAndKeepsTheConnection) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.max_result_bytes = 1 << 20;
        auto conn = co_await connect(scram_params(), opts);
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        // About 100 MB of rows against a 1 MiB limit, in both protocols.
        const auto start = std::chrono::steady_clock::now();
        auto [ec] = co_await conn->async_query("select repeat('x', 1000) from generate_series(1, 100000)", r, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::result_too_large) << ec.message() << " / " << diag.what();
        EXPECT_NE(diag.message.find("max_result_bytes"), std::string::npos) << diag.message;
        EXPECT_TRUE(r.empty());
        auto [eec] = co_await conn->async_execute(pg::query("select repeat('y', 1000) from generate_series(1, $1)", 100000),
                                                  r, diag, tok);
        EXPECT_EQ(eec, pg::client_errc::result_too_large) << eec.message() << " / " << diag.what();
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        EXPECT_EQ(co_await scalar<std::int32_t>(*conn, "select 7"), 7);
        // Under the limit nothing changes.
        auto [ok] = co_await conn->async_query("select repeat('x', 1000) from generate_series(1, 500)", r, diag, tok);
        PG_CO_CHECK(ok, diag);
        EXPECT_EQ(r.front().size(), 500u);
    });
}

// --- extended protocol, statements ---------------------------------------------------------

TEST(PostgresExtended, ParametersAreSentOutOfBand) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table users(id int primary key, name text)");
        const std::string evil = "x'); drop table users; --";
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute(pg::query("insert into users values ($1, $2)", 1, evil), r, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(r[0].affected_rows(), 1u);
        // A string parameter takes the type the context needs: compared with an int here.
        auto [ec2] = co_await conn->async_execute(pg::query("select name from users where id = $1", "1"), r, diag, tok);
        PG_CO_CHECK(ec2, diag);
        EXPECT_EQ(r[0][0][0].as<std::string>(), evil);
        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from users"), 1);
        // NULL parameters, untyped and typed.
        auto [ec3] = co_await conn->async_execute(pg::query("select $1::int is null, $2::text is null", std::nullopt,
                                                            std::optional<std::string>{}),
                                                  r, diag, tok);
        PG_CO_CHECK(ec3, diag);
        EXPECT_TRUE(r[0][0][0].as<bool>());
        EXPECT_TRUE(r[0][0][1].as<bool>());
        // Results come back in binary where a codec exists, in text otherwise.
        auto [ec4] = co_await conn->async_execute(pg::query("select $1::int8 + 1, 'a'::text, '(1,2)'::point", 41), r, diag, tok);
        PG_CO_CHECK(ec4, diag);
        EXPECT_EQ(r[0][0][0].format(), pg::format::binary);
        EXPECT_EQ(r[0][0][0].as<std::int64_t>(), 42);
        EXPECT_EQ(r[0][0][2].format(), pg::format::text);
        EXPECT_EQ(r[0][0][2].as<std::string>(), "(1,2)");
    });
}

TEST(PostgresExtended, StatementCacheReusesAndEvicts) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.statement_cache_capacity = 2;
        auto conn = co_await connect(scram_params(), opts);
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto count_prepared = [&]() -> asio::awaitable<std::int64_t> {
            co_return co_await scalar<std::int64_t>(*conn, "select count(*) from pg_prepared_statements");
        };
        for (int i = 0; i < 3; ++i) {
            auto [ec] = co_await conn->async_execute(pg::query("select $1::int * 2", i), r, diag, tok);
            PG_CO_CHECK(ec, diag);
            EXPECT_EQ(r[0][0][0].as<std::int32_t>(), 2 * i);
        }
        EXPECT_EQ(conn->cached_statements(), 1u);
        EXPECT_EQ(co_await count_prepared(), 1);
        // The same SQL with another parameter type is another statement.
        auto [ec] = co_await conn->async_execute(pg::query("select $1::int * 2", std::int64_t{5}), r, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(conn->cached_statements(), 2u);
        auto [ec2] = co_await conn->async_execute(pg::query("select $1::text", "third"), r, diag, tok);
        PG_CO_CHECK(ec2, diag);
        EXPECT_EQ(conn->cached_statements(), 2u);
        // The evicted statement was closed on the server (with the next batch).
        auto [ec3] = co_await conn->async_execute(pg::query("select $1::text", "again"), r, diag, tok);
        PG_CO_CHECK(ec3, diag);
        EXPECT_EQ(co_await count_prepared(), 2);
        // Statements dropped behind the cache's back are prepared again.
        co_await simple(*conn, "deallocate all");
        EXPECT_EQ(conn->cached_statements(), 0u);
        auto [ec4] = co_await conn->async_execute(pg::query("select $1::text", "after deallocate"), r, diag, tok);
        PG_CO_CHECK(ec4, diag);
        EXPECT_EQ(r[0][0][0].as<std::string>(), "after deallocate");
        // ... also when the client does not see it happen (a function deallocates).
        co_await simple(*conn, "create function pg_temp.dealloc() returns void language plpgsql as $$ begin "
                               "execute 'deallocate all'; end $$");
        co_await simple(*conn, "select pg_temp.dealloc()");
        auto [ec5] = co_await conn->async_execute(pg::query("select $1::text", "after hidden deallocate"), r, diag, tok);
        PG_CO_CHECK(ec5, diag);
        EXPECT_EQ(r[0][0][0].as<std::string>(), "after hidden deallocate");
        // A schema change that alters the result type of a cached statement.
        co_await simple(*conn, "create temp table shape(a int)");
        auto [ec6] = co_await conn->async_execute("select * from shape", r, diag, tok);
        PG_CO_CHECK(ec6, diag);
        co_await simple(*conn, "alter table shape add column b text");
        auto [ec7] = co_await conn->async_execute("select * from shape", r, diag, tok);
        PG_CO_CHECK(ec7, diag);
        EXPECT_EQ(r[0].columns().size(), 2u);
    });
}

TEST(PostgresExtended, UnnamedStatementsWhenTheCacheIsOff) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.statement_cache_capacity = 0;
        auto conn = co_await connect(scram_params(), opts);
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        for (int i = 0; i < 3; ++i) {
            auto [ec] = co_await conn->async_execute(pg::query("select $1::int + $2::int", i, 10), r, diag, tok);
            PG_CO_CHECK(ec, diag);
            EXPECT_EQ(r[0][0][0].as<std::int32_t>(), i + 10);
        }
        EXPECT_EQ(conn->cached_statements(), 0u);
        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from pg_prepared_statements"), 0);
    });
}

TEST(PostgresExtended, PreparedStatements) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table items(id int primary key, label varchar(20), price numeric(10,2))");
        pg::diagnostics diag;
        auto [ec, insert] = co_await conn->async_prepare("insert into items values ($1, $2, $3) returning id", diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_TRUE(insert.valid());
        EXPECT_EQ(insert.param_types(), (std::vector<pg::oid_t>{pg::oids::int4, pg::oids::varchar, pg::oids::numeric}));
        PG_CO_REQUIRE(insert.columns().size() == 1u);
        pg::results r;
        auto [e1] = co_await conn->async_execute(insert.bind(1, "one", *pg::numeric::parse("1.50")), r, diag, tok);
        PG_CO_CHECK(e1, diag);
        EXPECT_EQ(r[0][0][0].as<std::int32_t>(), 1);
        // Arguments of other types are converted by the server: int64 -> int4, double -> numeric.
        auto [e2] = co_await conn->async_execute(insert.bind(std::int64_t{2}, std::string("two"), 2.25), r, diag, tok);
        PG_CO_CHECK(e2, diag);
        auto [e3] = co_await conn->async_execute(insert.bind(std::int64_t{1} << 40, "big", 1.0), r, diag, tok);
        EXPECT_EQ(e3, pg::sqlstate::numeric_value_out_of_range);
        auto [e4] = co_await conn->async_execute(insert.bind(3, "three"), r, diag, tok);
        EXPECT_EQ(e4, pg::client_errc::parameter_count_mismatch);

        auto [sec, select] = co_await conn->async_prepare("select id, label, price from items order by id", diag, tok);
        PG_CO_CHECK(sec, diag);
        auto [e5] = co_await conn->async_execute(select.bind(), r, diag, tok);
        PG_CO_CHECK(e5, diag);
        PG_CO_REQUIRE(r[0].size() == 2u);
        EXPECT_EQ(r[0][1][1].as<std::string>(), "two");
        EXPECT_EQ(r[0][0][2].as<pg::numeric>().to_string(), "1.50");
        EXPECT_EQ(r[0][1][2].as<pg::numeric>().to_string(), "2.25");

        auto [cec] = co_await conn->async_close_statement(select, diag, tok);
        EXPECT_FALSE(cec);
        auto [e6] = co_await conn->async_execute(select.bind(), r, diag, tok);
        EXPECT_EQ(e6, pg::sqlstate::invalid_sql_statement_name);
        auto [pec, bad] = co_await conn->async_prepare("select from nowhere_table_xyz", diag, tok);
        EXPECT_EQ(pec, pg::sqlstate::undefined_table);
        EXPECT_FALSE(bad.valid());

        // A statement of one connection cannot run on another.
        auto other = co_await connect();
        PG_CO_REQUIRE(other);
        auto [oec] = co_await other->async_execute(insert.bind(9, "x", 1), r, diag, tok);
        EXPECT_EQ(oec, pg::client_errc::statement_not_owned);
    });
}

// --- codecs through the server -----------------------------------------------------------

TEST(PostgresCodecs, BoolIntegersFloats) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await check_codec(*conn, "bool", "true", true);
        co_await check_codec(*conn, "bool", "false", false);
        co_await check_codec(*conn, "int2", "-32768", std::numeric_limits<std::int16_t>::min());
        co_await check_codec(*conn, "int2", "32767", std::numeric_limits<std::int16_t>::max());
        co_await check_codec(*conn, "int4", "-2147483648", std::numeric_limits<std::int32_t>::min());
        co_await check_codec(*conn, "int4", "2147483647", std::numeric_limits<std::int32_t>::max());
        co_await check_codec(*conn, "int8", "-9223372036854775808", std::numeric_limits<std::int64_t>::min());
        co_await check_codec(*conn, "int8", "9223372036854775807", std::numeric_limits<std::int64_t>::max());
        co_await check_codec(*conn, "int8", "0", std::int64_t{0});
        co_await check_codec(*conn, "float4", "'1.5'", 1.5f);
        co_await check_codec(*conn, "float4", "'-3.4028235e+38'", std::numeric_limits<float>::lowest());
        co_await check_codec(*conn, "float4", "'NaN'", std::numeric_limits<float>::quiet_NaN(), nan_aware{});
        co_await check_codec(*conn, "float4", "'-Infinity'", -std::numeric_limits<float>::infinity());
        co_await check_codec(*conn, "float8", "'0.1'", 0.1);
        co_await check_codec(*conn, "float8", "'1.7976931348623157e+308'", std::numeric_limits<double>::max());
        co_await check_codec(*conn, "float8", "'4.9406564584124654e-324'", std::numeric_limits<double>::denorm_min());
        co_await check_codec(*conn, "float8", "'NaN'", std::numeric_limits<double>::quiet_NaN(), nan_aware{});
        co_await check_codec(*conn, "float8", "'Infinity'", std::numeric_limits<double>::infinity());
        co_await check_codec(*conn, "float8", "'-Infinity'", -std::numeric_limits<double>::infinity());
        co_await check_codec(*conn, "float8", "'-0'", -0.0);
    });
}

TEST(PostgresCodecs, NumericExact) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto num = [](std::string_view s) { return *pg::numeric::parse(s); };
        co_await check_codec(*conn, "numeric", "0", num("0"));
        co_await check_codec(*conn, "numeric", "'-123.4500'", num("-123.4500"));
        co_await check_codec(*conn, "numeric", "'0.00000001'", num("0.00000001"));
        co_await check_codec(*conn, "numeric", "'100000000'", num("100000000"));
        co_await check_codec(*conn, "numeric", "'NaN'", num("NaN"));
        co_await check_codec(*conn, "numeric", "'Infinity'", num("Infinity"));
        co_await check_codec(*conn, "numeric", "'-Infinity'", num("-Infinity"));
        // 1,000 significant digits: 700 before the point, 300 after.
        std::string big = "-";
        for (int i = 0; i < 700; ++i) big.push_back(static_cast<char>('1' + i % 9));
        big.push_back('.');
        for (int i = 0; i < 300; ++i) big.push_back(static_cast<char>('0' + (i * 3) % 10));
        co_await check_codec(*conn, "numeric", "'" + big + "'", num(big));
        // numeric read as a string is exact too.
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute(pg::query("select $1::numeric * 2", num(big.substr(1))), r, diag, tok);
        PG_CO_CHECK(ec, diag);
        auto doubled = r[0][0][0].as<std::string>();
        EXPECT_EQ(doubled.size(), big.size() - 1);
        EXPECT_EQ(doubled.substr(0, 4), "2469");
    });
}

TEST(PostgresCodecs, Text) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await check_codec(*conn, "text", "'héllo wörld ✓'", "héllo wörld ✓"s);
        co_await check_codec(*conn, "text", "''", ""s);
        co_await check_codec(*conn, "varchar(10)", "'short'", "short"s);
        co_await check_codec(*conn, "char(4)", "'ab'", "ab  "s);
        co_await check_codec(*conn, "name", "'pg_class'", "pg_class"s);
        co_await check_codec(*conn, "\"char\"", "'x'", "x"s);
        std::string quotes = "it's \"quoted\" \\ back";
        co_await check_codec(*conn, "text", "$q$" + quotes + "$q$", quotes);
    });
}

TEST(PostgresCodecs, Bytea) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::bytea all;
        std::string hex = "'\\x";
        for (int i = 0; i < 256; ++i) {
            all.push_back(static_cast<std::byte>(i));
            hex += cirrus::hex::encode(std::string(1, static_cast<char>(i)));
        }
        hex += "'";
        co_await check_codec(*conn, "bytea", hex, all);
        co_await check_codec(*conn, "bytea", "''", pg::bytea{});
        // bytea_output = escape, through the text protocol.
        co_await simple(*conn, "set bytea_output = 'escape'");
        EXPECT_EQ(co_await scalar<pg::bytea>(*conn, "select " + hex + "::bytea"), all);
    });
}

TEST(PostgresCodecs, DatesTimesAndInfinities) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await check_codec(*conn, "date", "'2024-02-29'", pg::date(year{2024} / 2 / 29));
        co_await check_codec(*conn, "date", "'1969-12-31'", pg::date(year{1969} / 12 / 31));
        co_await check_codec(*conn, "date", "'2100-01-01'", pg::date(year{2100} / 1 / 1));
        co_await check_codec(*conn, "date", "'0044-03-15 BC'", pg::date(days(cirrus::postgres::detail::days_from_civil(-43, 3, 15))));
        co_await check_codec(*conn, "date", "'5874897-12-31'", pg::date(days(cirrus::postgres::detail::days_from_civil(5874897, 12, 31))));
        co_await check_codec(*conn, "date", "'infinity'", pg::date::max());
        co_await check_codec(*conn, "date", "'-infinity'", pg::date::min());
        co_await check_codec(*conn, "time", "'13:59:01.000005'", pg::time_of_day(13h + 59min + 1s + 5us));
        co_await check_codec(*conn, "time", "'24:00:00'", pg::time_of_day(24h));
        co_await check_codec(*conn, "time", "'00:00:00'", pg::time_of_day(0));
        co_await check_codec(*conn, "timestamp", "'2038-01-19 03:14:08'",
                             pg::timestamp(local_days(year{2038} / 1 / 19) + 3h + 14min + 8s));
        co_await check_codec(*conn, "timestamp", "'1900-01-01 00:00:00.000001'",
                             pg::timestamp(local_days(year{1900} / 1 / 1) + 1us));
        co_await check_codec(*conn, "timestamp", "'infinity'", pg::timestamp::max());
        co_await check_codec(*conn, "timestamptz", "'1969-07-20 20:17:40.123456+00'",
                             pg::timestamptz(sys_days(year{1969} / 7 / 20) + 20h + 17min + 40s + 123456us));
        co_await check_codec(*conn, "timestamptz", "'9999-12-31 23:59:59.999999+00'",
                             pg::timestamptz(sys_days(year{9999} / 12 / 31) + 23h + 59min + 59s + 999999us));
        co_await check_codec(*conn, "timestamptz", "'0044-03-15 12:00:00+00 BC'",
                             pg::timestamptz(sys_days(days(cirrus::postgres::detail::days_from_civil(-43, 3, 15))) + 12h));
        co_await check_codec(*conn, "timestamptz", "'-infinity'", pg::timestamptz::min());
        // Text results carry the session's time zone offset.
        co_await simple(*conn, "set timezone = 'Asia/Kolkata'");
        EXPECT_EQ(co_await scalar<pg::timestamptz>(*conn, "select '2000-01-01 05:30:00+05:30'::timestamptz"),
                  pg::timestamptz(sys_days(year{2000} / 1 / 1)));
        co_await simple(*conn, "set timezone = 'America/New_York'");
        co_await check_codec(*conn, "timestamptz", "'2050-06-01 12:00:00+00'", pg::timestamptz(sys_days(year{2050} / 6 / 1) + 12h));
    });
}

TEST(PostgresCodecs, Intervals) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await check_codec(*conn, "interval", "'1 year 2 mons 3 days 04:05:06.789'", pg::interval{14, 3, 14706'789'000LL});
        co_await check_codec(*conn, "interval", "'-1 days +02:03:00'", pg::interval{0, -1, 7380'000'000LL});
        co_await check_codec(*conn, "interval", "'0'", pg::interval{});
        co_await check_codec(*conn, "interval", "'178956970 years 7 mons 2147483647 days 2562047788:00:54.775807'",
                             pg::interval{std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::max(),
                                          std::numeric_limits<std::int64_t>::max()});
        co_await check_codec(*conn, "interval", "'-178956970 years -8 mons -2147483648 days -2562047788:00:54.775807'::interval - '1 microsecond'",
                             pg::interval{std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::min(),
                                          std::numeric_limits<std::int64_t>::min()});
        co_await simple(*conn, "set intervalstyle = 'iso_8601'");
        EXPECT_EQ(co_await scalar<pg::interval>(*conn, "select '1 year -2 days 03:00:00.5'::interval"),
                  (pg::interval{12, -2, 10800'500'000LL}));
    });
}

TEST(PostgresCodecs, UuidJsonInet) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await check_codec(*conn, "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                             *pg::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        co_await check_codec(*conn, "uuid", "'00000000-0000-0000-0000-000000000000'", pg::uuid{});
        // Named first: GCC 12 destroys a braced aggregate temporary twice in a co_await.
        pg::json doc{"{\"a\": [1, 2, {\"b\": null}], \"c\": \"✓\"}"};
        co_await check_codec(*conn, "json", "'" + doc.text + "'", doc);
        pg::json docb{"{\"a\": [1, 2, {\"b\": null}]}"};
        co_await check_codec(*conn, "jsonb", "'" + docb.text + "'", docb);
        co_await check_codec(*conn, "inet", "'192.168.0.1/24'", *pg::inet::parse("192.168.0.1/24"));
        co_await check_codec(*conn, "inet", "'10.1.2.3'", *pg::inet::parse("10.1.2.3"));
        co_await check_codec(*conn, "inet", "'2001:db8::1'", *pg::inet::parse("2001:db8::1"));
        co_await check_codec(*conn, "cidr", "'10.0.0.0/8'", *pg::inet::parse("10.0.0.0/8", true));
        co_await check_codec(*conn, "cidr", "'2001:db8::/32'", *pg::inet::parse("2001:db8::/32", true));
    });
}

TEST(PostgresCodecs, ArraysWithNullsAndEmpty) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        // Values are built before each co_await: GCC 12 mishandles initializer lists in a
        // full expression that suspends.
        using opt_ints = std::vector<std::optional<std::int32_t>>;
        opt_ints ints{1, std::nullopt, 3};
        co_await check_codec(*conn, "int4[]", "array[1, null, 3]", ints);
        co_await check_codec(*conn, "int4[]", "'{}'", opt_ints{});
        std::vector<std::int64_t> extremes{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
        co_await check_codec(*conn, "int8[]", "array[-9223372036854775808, 9223372036854775807]", extremes);
        std::vector<std::optional<std::string>> texts{"a", std::nullopt, "b c", "q\"x", "", "NULL", "{}", "back\\slash"};
        co_await check_codec(*conn, "text[]", "array['a', null, 'b c', 'q\"x', '', 'NULL', '{}', 'back\\slash']", texts);
        std::vector<double> floats{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 1.5};
        auto floats_eq = [](const std::vector<double>& a, const std::vector<double>& b) {
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!nan_aware{}(a[i], b[i])) return false;
            return true;
        };
        co_await check_codec(*conn, "float8[]", "array['NaN', 'Infinity', 1.5]::float8[]", floats, floats_eq);
        std::vector<std::optional<pg::numeric>> numerics{*pg::numeric::parse("1.50"), *pg::numeric::parse("NaN"), std::nullopt};
        co_await check_codec(*conn, "numeric[]", "array[1.50, 'NaN', null]", numerics);
        std::vector<bool> bools{true, false};
        co_await check_codec(*conn, "bool[]", "array[true, false]", bools);
        std::vector<pg::bytea> blobs{{std::byte{0}, std::byte{0xff}}, {}};
        co_await check_codec(*conn, "bytea[]", "array['\\x00ff'::bytea, '']", blobs);
        std::vector<pg::date> dates{pg::date(year{2000} / 1 / 1), pg::date::max()};
        co_await check_codec(*conn, "date[]", "array['2000-01-01'::date, 'infinity']", dates);
        std::vector<pg::timestamptz> stamps{pg::timestamptz(sys_days(year{1960} / 1 / 1))};
        co_await check_codec(*conn, "timestamptz[]", "array['1960-01-01 00:00:00+00'::timestamptz]", stamps);
        std::vector<pg::uuid> uuids{*pg::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")};
        co_await check_codec(*conn, "uuid[]", "array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]", uuids);
        std::vector<std::optional<pg::interval>> intervals{pg::interval{0, 1, 0}, std::nullopt};
        co_await check_codec(*conn, "interval[]", "array['1 day'::interval, null]", intervals);
        std::vector<pg::inet> addrs{*pg::inet::parse("::1")};
        co_await check_codec(*conn, "inet[]", "array['::1'::inet]", addrs);
        std::vector<pg::json> docs{pg::json{"{\"k\": 1}"}};
        co_await check_codec(*conn, "jsonb[]", "array['{\"k\": 1}'::jsonb]", docs);
        std::vector<std::string> names{"v1", "v 2"};
        co_await check_codec(*conn, "varchar[]", "array['v1', 'v 2']::varchar[]", names);
        // A NULL element into a non-optional element type, and two dimensions, are errors.
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute("select array[1, null]::int4[], array[[1,2],[3,4]]", r, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(r[0][0][0].try_as<std::vector<std::int32_t>>().error(), pg::client_errc::unexpected_null);
        EXPECT_EQ(r[0][0][1].try_as<std::vector<std::int32_t>>().error(), pg::client_errc::array_dimension_mismatch);
        EXPECT_EQ(r[0][0][1].to_string(), "{{1,2},{3,4}}");
    });
}

namespace {
template <class T>
using grid = std::vector<std::vector<T>>;
template <class T>
using cube = std::vector<std::vector<std::vector<T>>>;
} // namespace

TEST(PostgresCodecs, MultiDimensionalArrays) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        // Each value goes to the server as a parameter and comes back in binary, and the
        // literal is read in text (simple protocol) and binary (extended protocol).
        grid<std::optional<std::int32_t>> ints{{1, 2, 3}, {4, std::nullopt, -2147483647 - 1}};
        co_await check_codec(*conn, "int4[][]", "array[[1, 2, 3], [4, null, -2147483648]]", ints);
        grid<std::int32_t> single{{7}};
        co_await check_codec(*conn, "int4[][]", "array[[7]]", single);
        grid<std::optional<std::string>> texts{{"a\"b", "c,d", std::nullopt, "{x}"}, {"", "NULL", "back\\slash", " sp "}};
        co_await check_codec(*conn, "text[][]",
                             "array[['a\"b', 'c,d', null, '{x}'], ['', 'NULL', 'back\\slash', ' sp ']]", texts);
        cube<double> floats{{{1.5, -2.25}, {1e300, 0.1}}, {{std::numeric_limits<double>::infinity(), 0}, {-1, 3}}};
        co_await check_codec(*conn, "float8[][][]",
                             "array[[[1.5, -2.25], [1e300, 0.1]], [['Infinity', 0], [-1, 3]]]::float8[]", floats);
        grid<std::optional<pg::numeric>> numerics{{*pg::numeric::parse("1.50"), *pg::numeric::parse("NaN")},
                                                  {*pg::numeric::parse("-0.001"), std::nullopt},
                                                  {*pg::numeric::parse("123456789012345678901234567890.5"), *pg::numeric::parse("0")}};
        co_await check_codec(*conn, "numeric[][]",
                             "array[[1.50, 'NaN'], [-0.001, null], [123456789012345678901234567890.5, 0]]::numeric[]", numerics);
        grid<pg::timestamptz> stamps{{pg::timestamptz(sys_days(year{1960} / 1 / 1)),
                                      pg::timestamptz(sys_days(year{2024} / 2 / 29) + 12h + 34min + 56s + 789012us)},
                                     {pg::timestamptz::max(), pg::timestamptz(sys_days(year{1969} / 7 / 20) + 20h + 17min + 40s)}};
        co_await check_codec(*conn, "timestamptz[][]",
                             "array[['1960-01-01 00:00:00+00', '2024-02-29 12:34:56.789012+00'], "
                             "['infinity', '1969-07-20 20:17:40+00']]::timestamptz[]",
                             stamps);
        cube<std::optional<std::int64_t>> deep{{{std::nullopt}}, {{std::numeric_limits<std::int64_t>::max()}}};
        co_await check_codec(*conn, "int8[][][]", "array[[[null]], [[9223372036854775807]]]::int8[]", deep);
        // Nothing in it: the empty array, whatever the nesting.
        grid<std::int32_t> none{{}, {}};
        co_await check_codec(*conn, "int4[][]", "'{}'", grid<std::int32_t>{});
        pg::results r;
        pg::diagnostics diag;
        auto [eec] = co_await conn->async_execute(pg::query("select array_ndims($1), cardinality($1), $1 = '{}'", none),
                                                  r, diag, tok);
        PG_CO_CHECK(eec, diag);
        EXPECT_TRUE(r[0][0][0].is_null());
        EXPECT_EQ(r[0][0][1].as<std::int32_t>(), 0);
        EXPECT_TRUE(r[0][0][2].as<bool>());

        // The server sends the dimensions: lower bounds other than 1 (a "[0:1][2:3]=" prefix
        // in text), and depth mismatches in both formats.
        std::string sql = "select '[0:1][2:3]={{1,2},{3,4}}'::int4[], array[[1,2],[3,4]], array[1,2], "
                          "'{}'::int4[], array[[[1]]]";
        for (int text_format = 0; text_format < 2; ++text_format) {
            SCOPED_TRACE(text_format ? "text" : "binary");
            pg::results res;
            cirrus::error_code ec;
            if (text_format) std::tie(ec) = co_await conn->async_query(sql, res, diag, tok);
            else std::tie(ec) = co_await conn->async_execute(sql, res, diag, tok);
            PG_CO_CHECK(ec, diag);
            auto row = res[0][0];
            EXPECT_EQ(row[0].format(), text_format ? pg::format::text : pg::format::binary);
            EXPECT_EQ(row[0].as<grid<std::int32_t>>(), (grid<std::int32_t>{{1, 2}, {3, 4}}));
            EXPECT_EQ(row[1].as<grid<std::int64_t>>(), (grid<std::int64_t>{{1, 2}, {3, 4}}));
            EXPECT_EQ(row[1].try_as<std::vector<std::int32_t>>().error(), pg::client_errc::array_dimension_mismatch);
            EXPECT_EQ(row[1].try_as<cube<std::int32_t>>().error(), pg::client_errc::array_dimension_mismatch);
            EXPECT_EQ(row[2].try_as<grid<std::int32_t>>().error(), pg::client_errc::array_dimension_mismatch);
            EXPECT_TRUE(row[3].as<cube<std::int32_t>>().empty());
            EXPECT_EQ(row[4].as<cube<std::int32_t>>(), (cube<std::int32_t>{{{1}}}));
            EXPECT_EQ(row[1].try_as<grid<std::string>>().value(), (grid<std::string>{{"1", "2"}, {"3", "4"}}));
        }
    });
}

TEST(PostgresCodecs, RaggedArrayParametersAreRefusedBeforeSending) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table grids(g int4[])");
        co_await simple(*conn, "begin");
        auto prepared_before = co_await scalar<std::int64_t>(*conn, "select count(*) from pg_prepared_statements");
        pg::results r;
        pg::diagnostics diag;
        grid<std::int32_t> ragged{{1, 2}, {3}};
        auto [ec] = co_await conn->async_execute(pg::query("insert into grids values ($2) returning $1::int", 1, ragged), r, diag,
                                                 tok);
        EXPECT_EQ(ec, pg::client_errc::non_rectangular_array);
        EXPECT_FALSE(diag.is_server_error);
        EXPECT_NE(diag.message.find("parameter 2"), std::string::npos) << diag.message;
        EXPECT_TRUE(r.empty());
        // Nothing reached the server: no statement was parsed, and the open transaction is
        // not failed (a server-side error would have aborted it).
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from pg_prepared_statements"), prepared_before);
        // The same through a prepared statement, and as an optional.
        auto [pec, stmt] = co_await conn->async_prepare("insert into grids values ($1)", diag, tok);
        PG_CO_CHECK(pec, diag);
        std::optional<grid<std::int32_t>> maybe = grid<std::int32_t>{{2}, {3, 4}};
        auto [sec] = co_await conn->async_execute(stmt.bind(maybe), r, diag, tok);
        EXPECT_EQ(sec, pg::client_errc::non_rectangular_array);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
        // Rectangular and empty shapes go through; "{{},{}}" is stored as '{}'.
        grid<std::int32_t> square{{1, 2}, {3, 4}}, empty{{}, {}};
        auto [i1] = co_await conn->async_execute(stmt.bind(square), r, diag, tok);
        PG_CO_CHECK(i1, diag);
        auto [i2] = co_await conn->async_execute(stmt.bind(empty), r, diag, tok);
        PG_CO_CHECK(i2, diag);
        co_await simple(*conn, "commit");
        std::vector<grid<std::int32_t>> stored;
        auto [sel] = co_await conn->async_execute(pg::query("select g from grids order by cardinality(g) desc"), stored, diag, tok);
        PG_CO_CHECK(sel, diag);
        EXPECT_EQ(stored, (std::vector<grid<std::int32_t>>{{{1, 2}, {3, 4}}, {}}));
        EXPECT_EQ(co_await scalar<std::string>(*conn, "select string_agg(g::text, ';' order by cardinality(g) desc) from grids"),
                  "{{1,2},{3,4}};{}");
    });
}

TEST(PostgresCodecs, UnknownTypesFallBackToText) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_execute("select '(1,2),(3,4)'::box, 'fat & rat'::tsquery, '1'::money, "
                                                 "'12:00+02'::timetz",
                                                 r, diag, tok);
        PG_CO_CHECK(ec, diag);
        for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(r[0][0][i].format(), pg::format::text);
        EXPECT_EQ(r[0][0][0].as<std::string>(), "(3,4),(1,2)");
        EXPECT_EQ(r[0][0][1].as<std::string>(), "'fat' & 'rat'");
        EXPECT_EQ(r[0][0][3].as<std::string>(), "12:00:00+02");
        EXPECT_EQ(r[0][0][0].try_as<std::int32_t>().error(), pg::client_errc::incompatible_type);
    });
}

// --- typed rows ---------------------------------------------------------------------------

namespace {
struct user {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
    std::vector<std::string> tags;
};
BOOST_DESCRIBE_STRUCT(user, (), (id, name, email, tags))

struct user_row {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
};

// Eighteen members, as in a wide table, to check that a failure names the one at fault.
struct wide {
    std::int64_t c01; std::int64_t c02; std::int64_t c03; std::int64_t c04; std::int64_t c05; std::int64_t c06;
    std::int64_t c07; std::int64_t c08; std::int64_t c09; std::int64_t c10; std::int64_t c11; std::int64_t c12;
    std::int64_t c13; std::int64_t c14; std::int16_t c15; std::int64_t c16; std::int64_t c17; std::int64_t c18;
};
BOOST_DESCRIBE_STRUCT(wide, (), (c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15, c16, c17, c18))
} // namespace

TEST(PostgresTypedRows, ErrorsNameTheRowColumnMemberAndTypes) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        std::string cols;
        for (int i = 1; i <= 18; ++i) cols += (i > 1 ? ", " : "") + fmt_col(i);
        // Row 2 (counting from 0) has a c15 that does not fit int16.
        std::string sql = "select " + cols + " from generate_series(1, 4) g";
        pg::diagnostics diag;
        for (bool text : {false, true}) {
            SCOPED_TRACE(text ? "text" : "binary");
            std::vector<wide> rows;
            cirrus::error_code ec;
            if (text) std::tie(ec) = co_await conn->async_query(sql, rows, diag, tok);
            else std::tie(ec) = co_await conn->async_execute(pg::query(sql), rows, diag, tok);
            EXPECT_EQ(ec, pg::client_errc::value_out_of_range);
            EXPECT_EQ(rows.size(), 2u); // the rows before the failure
            EXPECT_EQ(diag.column_name, "c15");
            EXPECT_EQ(diag.data_type_name, "int8");
            EXPECT_NE(diag.message.find("row 2: column \"c15\" (#14, int8) into member \"c15\" (short) of "),
                      std::string::npos) << diag.message;
            EXPECT_NE(diag.message.find("wide"), std::string::npos) << diag.message;
        }
        // A NULL into a non-optional member, by position: the field number and the types.
        std::vector<user_row> nulls;
        auto [e1] = co_await conn->async_execute(pg::query("select 1::int8, 'a'::text, null::text union all "
                                                           "select 2, null, null"), nulls, diag, tok);
        EXPECT_EQ(e1, pg::client_errc::unexpected_null);
        EXPECT_NE(diag.message.find("row 1: column \"text\" (#1, text) into member \"field #1\""), std::string::npos)
            << diag.message;
        EXPECT_NE(diag.message.find("std::optional"), std::string::npos) << diag.message;
        // An incompatible type names both types.
        std::vector<user_row> wrong_type;
        auto [e2] = co_await conn->async_execute(pg::query("select now(), 'x', null::text"), wrong_type, diag, tok);
        EXPECT_EQ(e2, pg::client_errc::incompatible_type);
        EXPECT_NE(diag.message.find("(#0, timestamptz) into member \"field #0\" ("), std::string::npos)
            << diag.message;
        EXPECT_EQ(diag.data_type_name, "timestamptz");
        // Column matching: the member without a column, and the counts.
        std::vector<user> missing;
        auto [e3] = co_await conn->async_execute(pg::query("select 1::int8 as id, 'x' as name"), missing, diag, tok);
        EXPECT_EQ(e3, pg::client_errc::column_not_found);
        EXPECT_NE(diag.message.find("no column \"email\" for member \"email\""), std::string::npos) << diag.message;
        std::vector<user_row> count;
        auto [e4] = co_await conn->async_execute(pg::query("select 1::int8, 'x'"), count, diag, tok);
        EXPECT_EQ(e4, pg::client_errc::field_count_mismatch);
        EXPECT_NE(diag.message.find("the result has 2 columns but"), std::string::npos) << diag.message;
        EXPECT_NE(diag.message.find("has 3 fields"), std::string::npos) << diag.message;
    });
}

// A timestamp beyond the client's microsecond range (year 294247 and later) is
// value_out_of_range in both formats.
TEST(PostgresCodecs, OutOfRangeTimestampsAgreeInTextAndBinary) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "set timezone = 'UTC'");
        for (std::string type : {"timestamp", "timestamptz"}) {
            std::string sql = "select '294276-12-31 23:59:59'::" + type;
            SCOPED_TRACE(sql);
            pg::results text, bin;
            pg::diagnostics diag;
            auto [tec] = co_await conn->async_query(sql, text, diag, tok);
            PG_CO_CHECK(tec, diag);
            auto [bec] = co_await conn->async_execute(sql, bin, diag, tok);
            PG_CO_CHECK(bec, diag);
            EXPECT_EQ(text[0][0][0].format(), pg::format::text);
            EXPECT_EQ(bin[0][0][0].format(), pg::format::binary);
            pg::timestamptz tz{};
            pg::timestamp ts{};
            auto t1 = type == "timestamp" ? text[0][0][0].get_to(ts) : text[0][0][0].get_to(tz);
            auto b1 = type == "timestamp" ? bin[0][0][0].get_to(ts) : bin[0][0][0].get_to(tz);
            EXPECT_EQ(t1, pg::client_errc::value_out_of_range) << t1.message();
            EXPECT_EQ(b1, pg::client_errc::value_out_of_range) << b1.message();
            // The last representable year still reads, in both formats.
            std::string ok = "select '294246-12-31 23:59:59'::" + type;
            pg::results t2, b2;
            auto [e1] = co_await conn->async_query(ok, t2, diag, tok);
            PG_CO_CHECK(e1, diag);
            auto [e2] = co_await conn->async_execute(ok, b2, diag, tok);
            PG_CO_CHECK(e2, diag);
            EXPECT_FALSE(type == "timestamp" ? t2[0][0][0].get_to(ts) : t2[0][0][0].get_to(tz));
            EXPECT_FALSE(type == "timestamp" ? b2[0][0][0].get_to(ts) : b2[0][0][0].get_to(tz));
        }
    });
}

TEST(PostgresTypedRows, DescribedAggregatesTuplesScalars) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table users(id bigint primary key, name text not null, email text, "
                               "tags text[] not null default '{}'); "
                               "insert into users values (1, 'ann', 'ann@example.com', '{a,b}'), (2, 'bob', null, '{}')");
        pg::diagnostics diag;
        // By name: the column order does not matter.
        std::vector<user> users;
        auto [e1] = co_await conn->async_execute(pg::query("select tags, email, name, id from users where id >= $1 order by id", 1),
                                                 users, diag, tok);
        PG_CO_CHECK(e1, diag);
        PG_CO_REQUIRE(users.size() == 2);
        EXPECT_EQ(users[0].id, 1);
        EXPECT_EQ(users[0].name, "ann");
        EXPECT_EQ(users[0].email, "ann@example.com");
        EXPECT_EQ(users[0].tags, (std::vector<std::string>{"a", "b"}));
        EXPECT_FALSE(users[1].email);
        EXPECT_TRUE(users[1].tags.empty());
        // The same through the simple protocol (text values).
        std::vector<user> again;
        auto [e2] = co_await conn->async_query("select * from users order by id", again, diag, tok);
        PG_CO_CHECK(e2, diag);
        EXPECT_EQ(again.size(), 2u);
        EXPECT_EQ(again[0].tags, users[0].tags);
        // By position.
        std::vector<user_row> rows;
        auto [e3] = co_await conn->async_execute(pg::query("select id, name, email from users order by id"), rows, diag, tok);
        PG_CO_CHECK(e3, diag);
        EXPECT_EQ(rows[1].name, "bob");
        std::vector<std::tuple<std::int64_t, std::optional<std::string>>> tuples;
        auto [e4] = co_await conn->async_execute(pg::query("select id, email from users order by id"), tuples, diag, tok);
        PG_CO_CHECK(e4, diag);
        EXPECT_EQ(std::get<1>(tuples[0]), "ann@example.com");
        std::vector<std::string> names;
        auto [e5] = co_await conn->async_execute(pg::query("select name from users order by name desc"), names, diag, tok);
        PG_CO_CHECK(e5, diag);
        EXPECT_EQ(names, (std::vector<std::string>{"bob", "ann"}));
        // Mismatches are errors, not garbage.
        std::vector<user_row> wrong;
        auto [e6] = co_await conn->async_execute(pg::query("select id, name from users"), wrong, diag, tok);
        EXPECT_EQ(e6, pg::client_errc::field_count_mismatch);
        std::vector<user> missing;
        auto [e7] = co_await conn->async_execute(pg::query("select id, name, email from users"), missing, diag, tok);
        EXPECT_EQ(e7, pg::client_errc::column_not_found);
        std::vector<user_row> nulls;
        auto [e8] = co_await conn->async_execute(pg::query("select id, email, name from users"), nulls, diag, tok);
        EXPECT_EQ(e8, pg::client_errc::unexpected_null);
        std::vector<std::int32_t> none;
        auto [e9] = co_await conn->async_execute(pg::query("update users set name = name"), none, diag, tok);
        EXPECT_EQ(e9, pg::client_errc::no_result_set);
        // A prepared statement with typed rows.
        auto [pec, stmt] = co_await conn->async_prepare("select id, name, email from users where id = $1", diag, tok);
        PG_CO_CHECK(pec, diag);
        std::vector<user_row> one;
        auto [e10] = co_await conn->async_execute(stmt.bind(2), one, diag, tok);
        PG_CO_CHECK(e10, diag);
        EXPECT_EQ(one.size(), 1u);
        EXPECT_EQ(one[0].name, "bob");
    });
}

namespace {
struct heatmap {
    std::int64_t id;
    grid<std::optional<double>> cells;
    std::optional<cube<std::string>> labels;
};
BOOST_DESCRIBE_STRUCT(heatmap, (), (id, cells, labels))
} // namespace

TEST(PostgresTypedRows, NestedVectorMembers) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table heatmaps(id bigint, cells float8[], labels text[]); "
                               "insert into heatmaps values (1, '{{0.5,NULL},{2,3}}', '{{{a,\"b c\"}}}'), "
                               "(2, '{}', null)");
        pg::diagnostics diag;
        for (int text_format = 0; text_format < 2; ++text_format) {
            SCOPED_TRACE(text_format ? "text" : "binary");
            std::vector<heatmap> maps;
            std::string sql = "select * from heatmaps order by id";
            cirrus::error_code ec;
            if (text_format) std::tie(ec) = co_await conn->async_query(sql, maps, diag, tok);
            else std::tie(ec) = co_await conn->async_execute(pg::query(sql), maps, diag, tok);
            PG_CO_CHECK(ec, diag);
            PG_CO_REQUIRE(maps.size() == 2);
            EXPECT_EQ(maps[0].cells, (grid<std::optional<double>>{{0.5, std::nullopt}, {2.0, 3.0}}));
            EXPECT_EQ(maps[0].labels, (cube<std::string>{{{"a", "b c"}}}));
            EXPECT_TRUE(maps[1].cells.empty());
            EXPECT_FALSE(maps[1].labels);
        }
    });
}

// --- values in text (connection_options::values) -----------------------------------------

namespace {
struct every_type {
    std::int64_t id;
    std::int16_t small;
    double ratio;
    bool ok;
    pg::numeric amount;
    std::string name;
    pg::bytea data;
    pg::date born;
    pg::timestamptz at;
    pg::uuid tag;
    pg::json doc;
    std::vector<std::optional<std::int32_t>> scores;
    std::vector<std::string> labels;
    std::optional<pg::interval> wait;
};
BOOST_DESCRIBE_STRUCT(every_type, (), (id, small, ratio, ok, amount, name, data, born, at, tag, doc, scores, labels, wait))

bool same(const every_type& a, const every_type& b) {
    return a.id == b.id && a.small == b.small && a.ratio == b.ratio && a.ok == b.ok && a.amount == b.amount &&
           a.name == b.name && a.data == b.data && a.born == b.born && a.at == b.at && a.tag == b.tag &&
           a.doc.text == b.doc.text && a.scores == b.scores && a.labels == b.labels && a.wait == b.wait;
}

// Every column of every result set has the format `f`.
bool all_in(const pg::results& r, pg::format f) {
    for (const auto& rs : r)
        for (const auto& row : rs)
            for (std::size_t i = 0; i < row.size(); ++i)
                if (row[i].format() != f) return false;
    return true;
}
} // namespace

// value_format::text against the real server: parameters of every codec are sent in
// their text form, and results come back in text, through queries, prepared statements,
// pipelines and streamed reads; the same statements on a default connection come back in
// binary, so the test fails if the option does nothing.
TEST(PostgresTextValues, EveryCodecTravelsAsTextWhenAsked) {
    run([]() -> asio::awaitable<void> {
        auto p = scram_params();
        pg::connection_options opts;
        opts.values = pg::value_format::text;
        auto conn = co_await connect(p, opts);
        PG_CO_REQUIRE(conn);
        auto plain = co_await connect();
        PG_CO_REQUIRE(plain);
        co_await simple(*conn, "create temp table every_type(id int8 primary key, small int2, ratio float8, ok bool, "
                               "amount numeric, name text, data bytea, born date, at timestamptz, tag uuid, doc json, "
                               "scores int4[], labels text[], wait interval)");
        every_type v;
        v.id = 9'007'199'254'740'993;
        v.small = -32768;
        v.ratio = 0.1;
        v.ok = true;
        v.amount = *pg::numeric::parse("-12345678901234567890.000000000000000001");
        v.name = "héllo, \"wörld\" \\ ✓";
        for (int b = 0; b < 256; ++b) v.data.push_back(static_cast<std::byte>(b));
        v.born = pg::date(year{1969} / 7 / 20);
        v.at = pg::timestamptz(sys_days(year{2038} / 1 / 19) + 3h + 14min + 8s + 123456us);
        v.tag = *pg::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        v.doc.text = "{\"a\": [1, 2, {\"b\": null}], \"c\": \"✓\"}";
        v.scores = {1, std::nullopt, -3};
        v.labels = {"a", "b c", "NULL", "{x}", ""};
        v.wait = pg::interval{14, 3, 14706'789'000LL};
        pg::diagnostics diag;
        pg::results r;
        auto insert = pg::query("insert into every_type values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                                v.id, v.small, v.ratio, v.ok, v.amount, v.name, v.data, v.born, v.at, v.tag, v.doc,
                                v.scores, v.labels, *v.wait);
        auto [ie] = co_await conn->async_execute(insert, r, diag, tok);
        PG_CO_CHECK(ie, diag);
        // The server read each parameter as the value it is.
        auto check = pg::query("select id = $1 and small = $2 and ratio = $3 and ok = $4 and amount = $5 and name = $6 and "
                               "data = $7 and born = $8 and at = $9 and tag = $10 and doc::text = $11::text and scores = $12 "
                               "and labels = $13 and wait = $14 from every_type",
                               v.id, v.small, v.ratio, v.ok, v.amount, v.name, v.data, v.born, v.at, v.tag, v.doc, v.scores,
                               v.labels, *v.wait);
        auto [ce] = co_await conn->async_execute(check, r, diag, tok);
        PG_CO_CHECK(ce, diag);
        PG_CO_REQUIRE(r.size() == 1 && r[0].size() == 1);
        EXPECT_TRUE(r[0][0][0].as<bool>());
        EXPECT_TRUE(all_in(r, pg::format::text));

        // Typed rows through the extended protocol, in text.
        const std::string select_all = "select * from every_type";
        auto [de] = co_await conn->async_execute(select_all, r, diag, tok);
        PG_CO_CHECK(de, diag);
        EXPECT_TRUE(all_in(r, pg::format::text));
        std::vector<every_type> rows;
        auto q = pg::query(select_all);
        auto [te] = co_await conn->async_execute(q, rows, diag, tok);
        PG_CO_CHECK(te, diag);
        PG_CO_REQUIRE(rows.size() == 1u);
        EXPECT_TRUE(same(rows[0], v));
        // The default connection gets the same statement in binary.
        const std::string known = "select 1::int8, 'x'::text, 0.5::float8, true, '{1,2}'::int4[], now()";
        auto [be] = co_await plain->async_execute(known, r, diag, tok);
        PG_CO_CHECK(be, diag);
        EXPECT_TRUE(all_in(r, pg::format::binary));

        // A prepared statement, bound with a parameter in text.
        auto [pe, stmt] = co_await conn->async_prepare("select * from every_type where id = $1", diag, tok);
        PG_CO_CHECK(pe, diag);
        rows.clear();
        auto [se] = co_await conn->async_execute(stmt.bind(v.id), rows, diag, tok);
        PG_CO_CHECK(se, diag);
        PG_CO_REQUIRE(rows.size() == 1u);
        EXPECT_TRUE(same(rows[0], v));

        // A pipeline.
        pg::pipeline pl;
        pl.add("select * from every_type where id = $1", v.id);
        pl.add("select $1::int8[] as scores", std::vector<std::int64_t>{5, 6});
        pg::pipeline_results pr;
        auto [le] = co_await conn->async_run_pipeline(pl, pr, diag, tok);
        PG_CO_CHECK(le, diag);
        PG_CO_REQUIRE(pr.size() == 2u);
        rows.clear();
        pg::diagnostics rdiag;
        EXPECT_FALSE(pr.read(0, rows, &rdiag)) << rdiag.what();
        PG_CO_REQUIRE(rows.size() == 1u);
        EXPECT_TRUE(same(rows[0], v));
        std::vector<std::vector<std::int64_t>> arrays;
        EXPECT_FALSE(pr.read(1, arrays, &rdiag)) << rdiag.what();
        EXPECT_EQ(arrays, (std::vector<std::vector<std::int64_t>>{{5, 6}}));

        // A streamed read.
        pg::execution_state st;
        auto streamed = pg::query("select * from every_type where id = $1", v.id);
        auto [xe] = co_await conn->async_start_execution(streamed, st, diag, tok);
        PG_CO_CHECK(xe, diag);
        std::vector<every_type> got;
        while (!st.complete()) {
            auto [re] = co_await conn->async_read_some_rows(st, rows, diag, tok);
            PG_CO_CHECK(re, diag);
            got.insert(got.end(), rows.begin(), rows.end());
        }
        PG_CO_REQUIRE(got.size() == 1u);
        EXPECT_TRUE(same(got[0], v));
    });
}

// --- transactions -------------------------------------------------------------------------

TEST(PostgresTransactions, CommitRollbackAndGuard) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await simple(*conn, "create temp table ledger(v int)");
        pg::diagnostics diag;
        pg::results r;
        {
            auto [ec, tx] = co_await conn->async_begin(diag, tok);
            PG_CO_CHECK(ec, diag);
            EXPECT_TRUE(tx.active());
            EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
            co_await conn->async_execute(pg::query("insert into ledger values ($1)", 1), r, diag, tok);
            auto [cec] = co_await tx.async_commit(diag, tok);
            PG_CO_CHECK(cec, diag);
            EXPECT_FALSE(tx.active());
        }
        {
            auto [ec, tx] = co_await conn->async_begin(diag, tok);
            PG_CO_CHECK(ec, diag);
            co_await conn->async_execute(pg::query("insert into ledger values ($1)", 2), r, diag, tok);
            auto [rec] = co_await tx.async_rollback(diag, tok);
            PG_CO_CHECK(rec, diag);
        }
        // A coroutine that leaves by an exception: the guard rolls back.
        auto failing = [&]() -> asio::awaitable<void> {
            auto tx = co_await conn->async_begin(diag, asio::use_awaitable);
            co_await conn->async_execute(pg::query("insert into ledger values ($1)", 3), r, diag, asio::use_awaitable);
            co_await conn->async_execute(pg::query("insert into ledger values ($1)", "not an int"), r, diag,
                                         asio::use_awaitable); // throws
            co_await tx.async_commit(diag, asio::use_awaitable);
        };
        bool threw = false;
        try {
            co_await failing();
        } catch (const boost::system::system_error& e) {
            threw = true;
            EXPECT_EQ(e.code(), pg::sqlstate::invalid_text_representation);
        }
        EXPECT_TRUE(threw);
        // The next operation first rolls the abandoned transaction back.
        EXPECT_EQ(co_await scalar<std::string>(*conn, "select string_agg(v::text, ',' order by v) from ledger"), "1");
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        // An early co_return without an exception behaves the same.
        auto early = [&]() -> asio::awaitable<void> {
            auto tx = co_await conn->async_begin(diag, asio::use_awaitable);
            co_await conn->async_execute(pg::query("insert into ledger values ($1)", 4), r, diag, asio::use_awaitable);
            co_return;
        };
        co_await early();
        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from ledger"), 1);
        // COMMIT of a failed transaction is reported.
        {
            auto [ec, tx] = co_await conn->async_begin("begin isolation level serializable", diag, tok);
            PG_CO_CHECK(ec, diag);
            EXPECT_EQ(co_await scalar<std::string>(*conn, "show transaction_isolation"), "serializable");
            auto [fec] = co_await conn->async_query("select 1/0", r, diag, tok);
            EXPECT_EQ(fec, pg::sqlstate::division_by_zero);
            auto [cec] = co_await tx.async_commit(diag, tok);
            EXPECT_EQ(cec, pg::client_errc::commit_rolled_back);
            EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
            auto [again] = co_await tx.async_commit(diag, tok);
            EXPECT_TRUE(again);
        }
    });
}

TEST(PostgresTransactions, ConcurrentOperationWaitsItsTurn) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r1, r2;
        pg::diagnostics d1, d2;
        cirrus::error_code first, second;
        bool first_done = false;
        conn->async_query("select pg_sleep(0.2)", r1, d1, [&](cirrus::error_code ec) {
            first = ec;
            first_done = true;
        });
        auto [ec] = co_await conn->async_query("select 1", r2, d2, tok);
        second = ec;
        // connection_options::implicit_pipelining: it ran after the first one.
        EXPECT_FALSE(second) << d2.what();
        EXPECT_TRUE(first_done);
        asio::steady_timer t(co_await asio::this_coro::executor);
        while (!first_done) {
            t.expires_after(10ms);
            co_await t.async_wait(asio::use_awaitable);
        }
        EXPECT_FALSE(first) << d1.what();
        EXPECT_EQ(co_await scalar<std::int32_t>(*conn, "select 11"), 11);
    });
}

TEST(PostgresTransactions, TransactionDoesNotOutliveItsSession) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::diagnostics diag;
        auto [ec, tx] = co_await conn->async_begin(diag, tok);
        PG_CO_CHECK(ec, diag);
        // Reconnect: the old session (and its transaction) ends with the old socket.
        auto [cec] = co_await conn->async_connect(scram_params(), diag, tok);
        PG_CO_CHECK(cec, diag);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        co_await simple(*conn, "create temp table fresh(v int); begin; insert into fresh values (1)");
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
        // Committing the old transaction object does not touch the new session ...
        auto [old] = co_await tx.async_commit(diag, tok);
        EXPECT_TRUE(old);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::in_transaction);
        // ... and neither does dropping another one from the old session.
        co_await simple(*conn, "commit");
        EXPECT_EQ(co_await scalar<std::int64_t>(*conn, "select count(*) from fresh"), 1);
    });
}
