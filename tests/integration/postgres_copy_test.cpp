// COPY FROM STDIN and TO STDOUT against the PostgreSQL 15 of scripts/services.sh: text,
// CSV and binary, from files, generators and ranges of rows, to files and handlers; the UCI
// Adult data set (tests/data/adult) compared with a load by psql's \copy; server errors,
// failing sources and sinks, cancellation.

#include "postgres_support.hpp"
#include "support/adult_csv.hpp"

#include <support/temp_dir.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/describe.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using namespace pgtest;
using namespace std::chrono;

namespace {

asio::awaitable<void> exec(pg::connection& conn, std::string sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec) ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
}

asio::awaitable<std::string> scalar(pg::connection& conn, std::string sql) {
    std::vector<std::tuple<std::optional<std::string>>> rows;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, rows, diag, tok);
    if (ec || rows.size() != 1) {
        ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
        co_return "";
    }
    co_return std::get<0>(rows[0]).value_or("NULL");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string_view> sorted_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

using cirrus::test::adult_columns;
using cirrus::test::adult_csv;

// Count, sums and an order-independent digest of every row's text.
std::string adult_checksum_sql(const std::string& table) {
    return "select count(*)::text || ' ' || count(distinct fnlwgt)::text || ' ' || "
           "md5(string_agg(t::text, E'\\n' order by t::text)) from " +
           table + " t";
}

std::string conninfo_for_psql() {
    const auto& s = srv();
    return "host=" + s.host + " port=" + std::to_string(s.port) + " dbname=" + s.database + " user=" + s.user +
           " sslmode=disable";
}

struct measurement {
    std::int32_t id;
    std::string name;
    std::optional<double> value;
    std::int64_t big;
    bool flag;
};
BOOST_DESCRIBE_STRUCT(measurement, (), (id, name, value, big, flag))

} // namespace

TEST(PostgresCopy, AdultCsvInMatchesPsqlCopyAndExportsByteEqual) {
    cirrus::test::temp_dir dir("cirrus-copy");
    std::size_t records = 0;
    const std::string csv = adult_csv(records);
    ASSERT_EQ(records, 48842u);
    const std::string csv_path = dir.write("adult.csv", csv);
    const std::string tag = std::to_string(::getpid());
    const std::string t_cirrus = "adult_cirrus_" + tag, t_psql = "adult_psql_" + tag, t_bin = "adult_bin_" + tag;

    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        for (const auto& t : {t_cirrus, t_psql, t_bin})
            co_await exec(*conn, "drop table if exists " + t + "; create table " + t + adult_columns);

        // In: cirrus, in chunks of 64 KiB.
        pg::diagnostics diag;
        auto src = pg::copy_from_file(csv_path, 64 * 1024);
        auto t0 = steady_clock::now();
        auto [ec, rows] = co_await conn->async_copy_in("COPY " + t_cirrus + " FROM STDIN (FORMAT csv)", src, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        EXPECT_FALSE(ec) << ec.message() << " / " << diag.what();
        EXPECT_EQ(rows, 48842u);
        std::printf("COPY FROM STDIN (csv) of %zu Adult rows: %lld ms\n", records, static_cast<long long>(ms));

        // In: psql \copy of the same file.
        std::string cmd = "PGPASSWORD='" + srv().password + "' psql -X -q -v ON_ERROR_STOP=1 \"" +
                          conninfo_for_psql() + "\" -c \"\\copy " + t_psql + " from '" + csv_path +
                          "' with (format csv)\"";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;

        auto sum_cirrus = co_await scalar(*conn, adult_checksum_sql(t_cirrus));
        auto sum_psql = co_await scalar(*conn, adult_checksum_sql(t_psql));
        std::printf("checksums: cirrus %s, psql %s\n", sum_cirrus.c_str(), sum_psql.c_str());
        EXPECT_TRUE(sum_cirrus.starts_with("48842 "));
        EXPECT_EQ(sum_cirrus, sum_psql);

        // Out: CSV to a file, byte-equal to what went in.
        const std::string out_path = dir.path + "/out.csv";
        auto sink = pg::copy_to_file(out_path);
        auto [ec2, rows2] = co_await conn->async_copy_out("COPY " + t_cirrus + " TO STDOUT (FORMAT csv)", sink, diag, tok);
        EXPECT_FALSE(ec2) << ec2.message() << " / " << diag.what();
        EXPECT_EQ(rows2, 48842u);
        // The same lines (PostgreSQL's bulk insert does not keep the input order in the heap,
        // so psql's \copy out differs in order too): compared as sorted lines.
        EXPECT_TRUE(sorted_lines(read_file(out_path)) == sorted_lines(csv))
            << "the exported CSV differs from the loaded one";

        // Binary out to a file, then binary in from it: the same rows.
        const std::string bin_path = dir.path + "/adult.bin";
        auto bin_sink = pg::copy_to_file(bin_path);
        auto [ec3, rows3] =
            co_await conn->async_copy_out("COPY " + t_cirrus + " TO STDOUT (FORMAT binary)", bin_sink, diag, tok);
        EXPECT_FALSE(ec3) << diag.what();
        EXPECT_EQ(rows3, 48842u);
        EXPECT_TRUE(read_file(bin_path).starts_with(std::string("PGCOPY\n\xff\r\n\0", 11)));
        auto bin_src = pg::copy_from_file(bin_path, 4096);
        auto [ec4, rows4] = co_await conn->async_copy_in("COPY " + t_bin + " FROM STDIN (FORMAT binary)", bin_src, diag, tok);
        EXPECT_FALSE(ec4) << diag.what();
        EXPECT_EQ(rows4, 48842u);
        EXPECT_EQ(co_await scalar(*conn, adult_checksum_sql(t_bin)), sum_psql);

        // Text format to a handler: one row per call.
        std::size_t calls = 0, bytes = 0, bad = 0;
        auto text_sink = pg::copy_to_handler([&](std::string_view row) {
            ++calls;
            bytes += row.size();
            if (row.empty() || row.back() != '\n' || row.find('\n') != row.size() - 1) ++bad;
        });
        auto [ec5, rows5] = co_await conn->async_copy_out("COPY " + t_cirrus + " TO STDOUT", text_sink, diag, tok);
        EXPECT_FALSE(ec5) << diag.what();
        EXPECT_EQ(rows5, 48842u);
        EXPECT_EQ(calls, 48842u);
        EXPECT_EQ(bad, 0u);
        EXPECT_EQ(bytes, csv.size()); // tabs instead of commas, nothing to escape

        for (const auto& t : {t_cirrus, t_psql, t_bin}) co_await exec(*conn, "drop table " + t);
    });
}

TEST(PostgresCopy, TypedRowsFromAGeneratorAndARangeThroughBinaryCopy) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table m(id int4, name text, value float8, big int8, flag bool)");
        constexpr int n = 200000;
        int i = 0;
        auto gen = pg::copy_from_rows<measurement>([&](measurement& r) {
            if (i == n) return false;
            r.id = i;
            r.name = "n" + std::to_string(i);
            r.value = i % 10 == 0 ? std::nullopt : std::optional<double>(i * 0.5);
            r.big = std::int64_t{i} * 1000000007;
            r.flag = i % 2 == 0;
            ++i;
            return true;
        });
        pg::diagnostics diag;
        auto sql = "COPY m (" + pg::copy_columns<measurement>() + ") FROM STDIN (FORMAT binary)";
        EXPECT_EQ(sql, "COPY m (\"id\", \"name\", \"value\", \"big\", \"flag\") FROM STDIN (FORMAT binary)");
        auto t0 = steady_clock::now();
        auto [ec, rows] = co_await conn->async_copy_in(sql, gen, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        EXPECT_FALSE(ec) << ec.message() << " / " << diag.what();
        EXPECT_EQ(rows, static_cast<std::uint64_t>(n));
        std::printf("binary COPY of %d generated rows: %lld ms\n", n, static_cast<long long>(ms));
        EXPECT_EQ(co_await scalar(*conn, "select count(*)::text || ' ' || count(value)::text || ' ' || sum(id)::text || "
                                         "' ' || sum(big)::text || ' ' || sum(value)::text || ' ' || "
                                         "count(*) filter (where flag)::text || ' ' || "
                                         "count(*) filter (where name = 'n' || id) from m"),
                  "200000 180000 19999900000 19999900139999300000 9000000000 100000 200000");

        // A range (a vector) of rows, read back through typed rows.
        std::vector<measurement> some = {{1, "one", 1.5, -1, true}, {2, "tw\"o,\n\t", std::nullopt, 9, false}};
        auto range = pg::copy_from_range(some);
        co_await exec(*conn, "truncate m");
        auto [ec2, rows2] = co_await conn->async_copy_in(sql, range, diag, tok);
        EXPECT_FALSE(ec2) << diag.what();
        EXPECT_EQ(rows2, 2u);
        std::vector<measurement> back;
        auto [ec3] = co_await conn->async_query("select * from m order by id", back, diag, tok);
        EXPECT_FALSE(ec3) << diag.what();
        PG_CO_REQUIRE(back.size() == 2);
        EXPECT_EQ(back[1].name, "tw\"o,\n\t");
        EXPECT_FALSE(back[1].value.has_value());
        EXPECT_EQ(back[0].value, 1.5);
        EXPECT_EQ(back[0].big, -1);

        // A C++ type that differs from the column's: the server's 22P03.
        std::vector<std::tuple<std::int64_t>> wrong = {{1}};
        auto wrong_src = pg::copy_from_range(wrong);
        auto [ec4, rows4] = co_await conn->async_copy_in("COPY m (id) FROM STDIN (FORMAT binary)", wrong_src, diag, tok);
        EXPECT_TRUE(ec4);
        EXPECT_EQ(diag.sqlstate(), "22P03");
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from m"), "2");
    });
}

TEST(PostgresCopy, BadCsvLineIsATypedErrorAndStopsAnEndlessSource) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table c(a int4, b text)");
        // Good lines, one bad line at 1000, then good lines forever: after the server's
        // error the client must stop asking the source.
        std::int64_t line = 0;
        std::int64_t calls = 0;
        pg::copy_source endless = [&](cirrus::buffer& chunk) -> asio::awaitable<cirrus::error_code> {
            ++calls;
            for (int k = 0; k < 500; ++k, ++line) {
                if (line == 1000) chunk.append("not-a-number,x\n");
                else chunk.append(std::to_string(line) + ",row\n");
            }
            co_return cirrus::error_code{};
        };
        pg::diagnostics diag;
        auto [ec, rows] = co_await conn->async_copy_in("COPY c FROM STDIN (FORMAT csv)", endless, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::invalid_text_representation) << ec.message();
        EXPECT_EQ(diag.sqlstate(), "22P02");
        EXPECT_NE(diag.what().find("not-a-number"), std::string::npos) << diag.what();
        EXPECT_EQ(rows, 0u);
        std::printf("the source was called %lld times\n", static_cast<long long>(calls));
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from c"), "0");
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);

        // Inside a transaction the error fails the transaction, which rolls back cleanly.
        co_await exec(*conn, "begin");
        line = 0;
        auto [ec2, rows2] = co_await conn->async_copy_in("COPY c FROM STDIN (FORMAT csv)", endless, diag, tok);
        EXPECT_EQ(ec2, pg::sqlstate::invalid_text_representation);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::failed);
        co_await exec(*conn, "rollback");
        EXPECT_EQ(co_await scalar(*conn, "select 41 + 1"), "42");
    });
}

TEST(PostgresCopy, FailingOrThrowingSourceSendsCopyFail) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table c(a int4)");
        int calls = 0;
        pg::copy_source failing = [&](cirrus::buffer& chunk) -> asio::awaitable<cirrus::error_code> {
            if (++calls == 3) co_return make_error_code(boost::system::errc::io_error);
            chunk.append("1\n2\n");
            co_return cirrus::error_code{};
        };
        pg::diagnostics diag;
        auto [ec, rows] = co_await conn->async_copy_in("COPY c FROM STDIN", failing, diag, tok);
        EXPECT_EQ(ec, boost::system::errc::io_error) << ec.message();
        EXPECT_NE(diag.message.find("COPY source failed"), std::string::npos) << diag.what();
        EXPECT_EQ(rows, 0u);
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from c"), "0");

        pg::copy_source throwing = [](cirrus::buffer&) -> asio::awaitable<cirrus::error_code> {
            throw std::runtime_error("the generator broke");
            co_return cirrus::error_code{};
        };
        auto [ec2, rows2] = co_await conn->async_copy_in("COPY c FROM STDIN", throwing, diag, tok);
        EXPECT_EQ(ec2, cirrus::errc::unexpected_exception);
        EXPECT_NE(diag.message.find("the generator broke"), std::string::npos) << diag.what();

        // A missing file: the system's error, before any data.
        auto missing = pg::copy_from_file("/nonexistent/cirrus/adult.csv");
        auto [ec3, rows3] = co_await conn->async_copy_in("COPY c FROM STDIN", missing, diag, tok);
        EXPECT_EQ(ec3, boost::system::errc::no_such_file_or_directory) << ec3.message();
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from c"), "0");
    });
}

TEST(PostgresCopy, FailingSinkCancelsTheCopyOut) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        int calls = 0;
        pg::copy_sink sink = [&](std::string_view) -> asio::awaitable<cirrus::error_code> {
            if (++calls == 10) co_return make_error_code(boost::system::errc::no_space_on_device);
            co_return cirrus::error_code{};
        };
        pg::diagnostics diag;
        auto t0 = steady_clock::now();
        // generate_series in the select list streams its rows; in FROM the server would
        // first write all 100 million to a temporary file (gigabytes of disk).
        auto [ec, rows] = co_await conn->async_copy_out("COPY (select generate_series(1, 100000000)) TO STDOUT",
                                                       sink, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        EXPECT_EQ(ec, boost::system::errc::no_space_on_device) << ec.message();
        EXPECT_NE(diag.message.find("COPY sink failed"), std::string::npos) << diag.what();
        EXPECT_EQ(calls, 10);
        EXPECT_LT(ms, 20000);
        EXPECT_EQ(co_await scalar(*conn, "select 1"), "1");
    });
}

TEST(PostgresCopy, CancellationStopsCopyInAndOutAndTheConnectionStaysUsable) {
    using namespace asio::experimental::awaitable_operators;
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto ex = co_await asio::this_coro::executor;
        co_await exec(*conn, "create temp table c(a int4)");
        pg::copy_source endless = [](cirrus::buffer& chunk) -> asio::awaitable<cirrus::error_code> {
            for (int k = 0; k < 1000; ++k) chunk.append("7\n");
            co_return cirrus::error_code{};
        };
        pg::diagnostics diag;
        asio::steady_timer timer(ex, milliseconds(300));
        // The timer wins; the COPY is canceled (its result is dropped by the operator).
        auto r = co_await (conn->async_copy_in("COPY c FROM STDIN", endless, diag, tok) || timer.async_wait(tok));
        EXPECT_EQ(r.index(), 1u);
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from c"), "0");

        std::size_t got = 0;
        pg::copy_sink sink = [&](std::string_view d) -> asio::awaitable<cirrus::error_code> {
            got += d.size();
            co_return cirrus::error_code{};
        };
        timer.expires_after(milliseconds(300));
        // A set-returning function in the select list streams its rows (one in FROM is
        // materialised first, and nothing would arrive before the timer).
        auto r2 = co_await (conn->async_copy_out("COPY (select generate_series(1, 1000000000)) TO STDOUT", sink, diag,
                                                 tok) ||
                            timer.async_wait(tok));
        EXPECT_EQ(r2.index(), 1u);
        EXPECT_GT(got, 0u);
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select 2"), "2");
    });
}

TEST(PostgresCopy, StatementsThatAreNotTheExpectedCopy) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "create temp table c(a int4)");
        pg::diagnostics diag;
        std::vector<std::tuple<std::int32_t>> none;
        auto src = pg::copy_from_range(none);
        auto [ec, rows] = co_await conn->async_copy_in("select 1", src, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::not_a_copy);
        auto [ec2, rows2] = co_await conn->async_copy_in("COPY c TO STDOUT", src, diag, tok);
        EXPECT_EQ(ec2, pg::client_errc::not_a_copy);
        auto sink = pg::copy_to_handler([](std::string_view) {});
        auto [ec3, rows3] = co_await conn->async_copy_out("COPY c FROM STDIN", sink, diag, tok);
        EXPECT_EQ(ec3, pg::client_errc::not_a_copy);
        auto [ec4, rows4] = co_await conn->async_copy_out("COPY nowhere TO STDOUT", sink, diag, tok);
        EXPECT_EQ(ec4, pg::sqlstate::undefined_table);
        EXPECT_EQ(co_await scalar(*conn, "select count(*) from c"), "0");
    });
}

TEST(PostgresCopy, CopyOutOfAMillionRowsStreamsInBoundedMemory) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        rusage before{};
        ::getrusage(RUSAGE_SELF, &before);
        std::size_t bytes = 0, calls = 0;
        auto sink = pg::copy_to_handler([&](std::string_view d) {
            bytes += d.size();
            ++calls;
        });
        pg::diagnostics diag;
        auto t0 = steady_clock::now();
        auto [ec, rows] = co_await conn->async_copy_out(
            "COPY (select g, repeat('x', 100) from generate_series(1, 1000000) g) TO STDOUT", sink, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        rusage after{};
        ::getrusage(RUSAGE_SELF, &after);
        EXPECT_FALSE(ec) << diag.what();
        EXPECT_EQ(rows, 1000000u);
        EXPECT_EQ(calls, 1000000u);
        EXPECT_GT(bytes, 100000000u);
        long grew_kb = after.ru_maxrss - before.ru_maxrss;
        std::printf("COPY TO STDOUT of 1,000,000 rows (%zu bytes): %lld ms, peak RSS grew by %ld KiB\n", bytes,
                    static_cast<long long>(ms), grew_kb);
        EXPECT_LT(grew_kb, 32 * 1024); // far below the 100 MB that went through
    });
}

namespace {

struct adult_record {
    std::int32_t age;
    std::optional<std::string> workclass;
    std::int64_t fnlwgt;
    std::string education;
    double hours;
    std::vector<std::int32_t> tags;
    std::optional<pg::timestamptz> seen;
};
BOOST_DESCRIBE_STRUCT(adult_record, (), (age, workclass, fnlwgt, education, hours, tags, seen))

struct odd_names {
    std::int32_t Select;
    std::string with_quote_;
};
BOOST_DESCRIBE_STRUCT(odd_names, (), (Select, with_quote_))

} // namespace

TEST(PostgresBulk, CreateTableSqlQuotesIdentifiersAndMapsTypes) {
    EXPECT_EQ(pg::create_table_sql<adult_record>("Adult \"x\""),
              "CREATE TABLE \"Adult \"\"x\"\"\" (\"age\" int4 NOT NULL, \"workclass\" text, \"fnlwgt\" int8 NOT NULL, "
              "\"education\" text NOT NULL, \"hours\" float8 NOT NULL, \"tags\" int4[] NOT NULL, \"seen\" timestamptz)");
    EXPECT_EQ(pg::create_table_sql<odd_names>({"my schema", "T"}, true),
              "CREATE TABLE IF NOT EXISTS \"my schema\".\"T\" (\"Select\" int4 NOT NULL, \"with_quote_\" text NOT NULL)");
    EXPECT_EQ(pg::copy_in_sql<odd_names>("t"), "COPY \"t\" (\"Select\", \"with_quote_\") FROM STDIN (FORMAT binary)");
    EXPECT_EQ((pg::copy_in_sql<std::tuple<int, int>>("t")), "COPY \"t\" FROM STDIN (FORMAT binary)");
    EXPECT_EQ(pg::quote_identifier("a\"b"), "\"a\"\"b\"");
}

TEST(PostgresBulk, CreateTableFromAStructAndInsertARangeThroughBinaryCopy) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        const std::string table = "Bulk Adult " + std::to_string(::getpid());
        co_await exec(*conn, "drop table if exists " + pg::quote_identifier(table));
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_create_table<adult_record>(table, diag, tok);
        EXPECT_FALSE(ec) << diag.what();
        PG_CO_REQUIRE(!ec);
        std::vector<adult_record> rows;
        const auto t = pg::timestamptz(std::chrono::sys_days(std::chrono::year(2024) / 2 / 29));
        for (int i = 0; i < 50000; ++i) {
            rows.push_back(adult_record{i % 90, i % 7 == 0 ? std::nullopt : std::optional<std::string>("Private"),
                                        std::int64_t{i} * 3, "Bachelors", 40.5, {i, -i}, i % 2 ? std::optional(t) : std::nullopt});
        }
        auto t0 = steady_clock::now();
        auto [ec2, n] = co_await conn->async_insert_rows(table, rows, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        EXPECT_FALSE(ec2) << ec2.message() << " / " << diag.what();
        EXPECT_EQ(n, 50000u);
        std::printf("async_insert_rows of 50,000 structs: %lld ms\n", static_cast<long long>(ms));
        auto q = pg::quote_identifier(table);
        EXPECT_EQ(co_await scalar(*conn, "select count(*)::text || ' ' || count(workclass)::text || ' ' || sum(fnlwgt)::text || "
                                         "' ' || sum(tags[1] + tags[2])::text || ' ' || count(seen)::text || ' ' || "
                                         "min(seen at time zone 'UTC')::text from " + q),
                  "50000 42857 3749925000 0 25000 2024-02-29 00:00:00");
        // Read back into the same struct.
        std::vector<adult_record> back;
        auto [ec3] = co_await conn->async_query("select * from " + q + " where fnlwgt = 3", back, diag, tok);
        EXPECT_FALSE(ec3) << diag.what();
        PG_CO_REQUIRE(back.size() == 1);
        EXPECT_EQ(back[0].tags, (std::vector<std::int32_t>{1, -1}));
        EXPECT_EQ(back[0].seen, std::optional(t));
        // Creating it again: the server's 42P07.
        auto [ec4] = co_await conn->async_create_table<adult_record>(table, diag, tok);
        EXPECT_EQ(ec4, pg::sqlstate::duplicate_table);
        co_await exec(*conn, "drop table " + q);
    });
}

namespace {

// The Adult data with typed columns (stray values such as "A" and "?" become NULL).
struct adult_typed {
    std::optional<std::int32_t> age;
    std::optional<std::string> workclass;
    std::optional<std::int64_t> fnlwgt;
    std::string education;
    std::optional<std::int16_t> education_num;
    std::optional<double> capital_gain;
    std::optional<std::int32_t> hours_per_week;
    std::string label;
};
BOOST_DESCRIBE_STRUCT(adult_typed, (),
                      (age, workclass, fnlwgt, education, education_num, capital_gain, hours_per_week, label))

// fnlwgt is an int8 column: an int32 member is the wrong type.
struct adult_wrong_type {
    std::optional<std::int32_t> age;
    std::optional<std::string> workclass;
    std::optional<std::int32_t> fnlwgt;
    std::string education;
    std::optional<std::int16_t> education_num;
    std::optional<double> capital_gain;
    std::optional<std::int32_t> hours_per_week;
    std::string label;
};
BOOST_DESCRIBE_STRUCT(adult_wrong_type, (),
                      (age, workclass, fnlwgt, education, education_num, capital_gain, hours_per_week, label))

// workclass has NULLs: a std::string member cannot hold them.
struct adult_not_null {
    std::optional<std::int32_t> age;
    std::string workclass;
};
BOOST_DESCRIBE_STRUCT(adult_not_null, (), (age, workclass))

// What the checksum query computes, from decoded rows.
struct adult_sums {
    std::uint64_t rows = 0, null_workclass = 0, education_bytes = 0, label_bytes = 0;
    std::int64_t age = 0, fnlwgt = 0, education_num = 0, hours = 0;
    double capital_gain = 0;
    void add(const adult_typed& a) {
        ++rows;
        age += a.age.value_or(0);
        null_workclass += a.workclass ? 0 : 1;
        fnlwgt += a.fnlwgt.value_or(0);
        education_bytes += a.education.size();
        education_num += a.education_num.value_or(0);
        capital_gain += a.capital_gain.value_or(0);
        hours += a.hours_per_week.value_or(0);
        label_bytes += a.label.size();
    }
    std::string text() const {
        return std::to_string(rows) + " " + std::to_string(age) + " " + std::to_string(null_workclass) + " " +
               std::to_string(fnlwgt) + " " + std::to_string(education_bytes) + " " + std::to_string(education_num) +
               " " + std::to_string(static_cast<std::int64_t>(capital_gain)) + " " + std::to_string(hours) + " " +
               std::to_string(label_bytes);
    }
};

std::string adult_sums_sql(const std::string& table) {
    return "select count(*)::text || ' ' || coalesce(sum(age), 0)::text || ' ' || "
           "(count(*) - count(workclass))::text || ' ' || coalesce(sum(fnlwgt), 0)::text || ' ' || "
           "sum(octet_length(education))::text || ' ' || coalesce(sum(education_num), 0)::text || ' ' || "
           "coalesce(sum(capital_gain), 0)::int8::text || ' ' || coalesce(sum(hours_per_week), 0)::text || ' ' || "
           "sum(octet_length(label))::text from " +
           table;
}

} // namespace

TEST(PostgresCopy, AdultOutInBinaryIntoTypedRows) {
    std::size_t records = 0;
    const std::string csv = adult_csv(records);
    ASSERT_EQ(records, 48842u);
    const std::string tag = std::to_string(::getpid());
    const std::string t_text = "adult_text_" + tag, t_typed = "adult_typed_" + tag;

    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        co_await exec(*conn, "drop table if exists " + t_text + "; create temp table " + t_text + adult_columns);
        pg::diagnostics diag;
        pg::copy_source src = [&, sent = false](cirrus::buffer& chunk) mutable -> asio::awaitable<cirrus::error_code> {
            if (!sent) chunk.append(csv);
            sent = true;
            co_return cirrus::error_code{};
        };
        auto [ec0, rows0] = co_await conn->async_copy_in("COPY " + t_text + " FROM STDIN (FORMAT csv)", src, diag, tok);
        EXPECT_FALSE(ec0) << diag.what();
        EXPECT_EQ(rows0, 48842u);
        auto num = [](const char* c, const char* type) {
            return std::string("case when ") + c + " ~ '^ *[0-9]+ *$' then " + c + "::" + type + " end as " + c;
        };
        co_await exec(*conn, "drop table if exists " + t_typed + "; create temp table " + t_typed + " as select " +
                                 num("age", "int4") + ", nullif(workclass, '?') as workclass, " +
                                 num("fnlwgt", "int8") + ", education, " + num("education_num", "int2") + ", " +
                                 num("capital_gain", "float8") + ", " + num("hours_per_week", "int4") +
                                 ", class as label from " + t_text);
        const std::string expected = co_await scalar(*conn, adult_sums_sql(t_typed));
        EXPECT_TRUE(expected.starts_with("48842 ")) << expected;

        // Into a vector, with the statement built from the struct.
        std::vector<adult_typed> rows;
        const std::string sql = pg::copy_out_sql<adult_typed>(t_typed);
        auto t0 = steady_clock::now();
        auto [ec, n] = co_await conn->async_copy_out(sql, rows, diag, tok);
        auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        EXPECT_FALSE(ec) << ec.message() << " / " << diag.what();
        EXPECT_EQ(n, 48842u);
        PG_CO_REQUIRE(rows.size() == 48842u);
        std::printf("binary COPY out of %zu Adult rows into structs: %lld ms\n", rows.size(),
                    static_cast<long long>(ms));
        adult_sums sums;
        for (const auto& r : rows) sums.add(r);
        EXPECT_EQ(sums.text(), expected);
        EXPECT_GT(sums.null_workclass, 0u);

        // Streamed to a handler, one row at a time, in the column order of a query.
        adult_sums streamed;
        auto sink = pg::copy_to_rows<adult_typed>([&](adult_typed&& a) { streamed.add(a); });
        auto [ec2, n2] = co_await conn->async_copy_out("COPY (select age, workclass, fnlwgt, education, education_num, "
                                                       "capital_gain, hours_per_week, label from " +
                                                           t_typed + ") TO STDOUT (FORMAT binary)",
                                                       sink, diag, tok);
        EXPECT_FALSE(ec2) << diag.what();
        EXPECT_EQ(n2, 48842u);
        EXPECT_EQ(streamed.text(), expected);
        // The same sink again.
        streamed = adult_sums{};
        auto [ec3, n3] = co_await conn->async_copy_out(sql, sink, diag, tok);
        EXPECT_FALSE(ec3) << diag.what();
        EXPECT_EQ(streamed.text(), expected);

        // A member of another type than its column: a typed error naming it; the
        // connection goes on.
        std::vector<adult_wrong_type> wrong;
        auto [ec4, n4] = co_await conn->async_copy_out(pg::copy_out_sql<adult_wrong_type>(t_typed), wrong, diag, tok);
        EXPECT_EQ(ec4, pg::client_errc::invalid_field_value) << ec4.message();
        EXPECT_TRUE(wrong.empty());
        EXPECT_NE(diag.message.find("row 0: field #2 into member \"fnlwgt\" (std::optional<int>) of"),
                  std::string::npos)
            << diag.message;
        EXPECT_NE(diag.message.find("not a binary int4"), std::string::npos) << diag.message;
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select 1"), "1");

        // NULL into a member that cannot hold it: the rows before it are kept.
        std::vector<adult_not_null> not_null;
        const std::string nulls_last = "COPY (select age, workclass from " + t_typed +
                                       " order by workclass is null, age) TO STDOUT (FORMAT binary)";
        auto [ec5, n5] = co_await conn->async_copy_out(nulls_last, not_null, diag, tok);
        EXPECT_EQ(ec5, pg::client_errc::unexpected_null) << ec5.message();
        EXPECT_EQ(not_null.size(), 48842u - sums.null_workclass);
        EXPECT_NE(diag.message.find("member \"workclass\""), std::string::npos) << diag.message;
        EXPECT_NE(diag.message.find("row " + std::to_string(48842u - sums.null_workclass)), std::string::npos)
            << diag.message;
        EXPECT_EQ(co_await scalar(*conn, "select 2"), "2");

        // A struct with fewer members than the COPY has columns.
        std::vector<adult_not_null> few;
        auto [ec6, n6] = co_await conn->async_copy_out("COPY " + t_typed + " TO STDOUT (FORMAT binary)", few, diag,
                                                       tok);
        EXPECT_EQ(ec6, pg::client_errc::field_count_mismatch);
        EXPECT_NE(diag.message.find("the COPY data has 8 fields but"), std::string::npos) << diag.message;
        EXPECT_EQ(co_await scalar(*conn, "select 3"), "3");

        // A text COPY given to the rows form.
        std::vector<adult_typed> from_text;
        auto [ec7, n7] = co_await conn->async_copy_out("COPY " + t_typed + " TO STDOUT", from_text, diag, tok);
        EXPECT_EQ(ec7, pg::client_errc::not_binary_copy);
        EXPECT_NE(diag.message.find("FORMAT binary"), std::string::npos) << diag.message;
        EXPECT_TRUE(from_text.empty());
        // ... also when it has no rows, so no data at all.
        auto [ec8, n8] = co_await conn->async_copy_out("COPY (select * from " + t_typed + " where false) TO STDOUT",
                                                       from_text, diag, tok);
        EXPECT_EQ(ec8, pg::client_errc::not_binary_copy);
        EXPECT_EQ(co_await scalar(*conn, "select 4"), "4");

        co_await exec(*conn, "drop table " + t_typed + "; drop table " + t_text);
    });
}

TEST(PostgresCopy, CancellationOfACopyIntoRowsKeepsTheConnectionUsable) {
    using namespace asio::experimental::awaitable_operators;
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto ex = co_await asio::this_coro::executor;
        std::int64_t got = 0, sum = 0;
        auto sink = pg::copy_to_rows<std::int32_t>([&](std::int32_t v) {
            ++got;
            sum += v;
        });
        pg::diagnostics diag;
        asio::steady_timer timer(ex, milliseconds(300));
        auto r = co_await (
            conn->async_copy_out("COPY (select generate_series(1, 1000000000)) TO STDOUT (FORMAT binary)", sink, diag,
                                 tok) ||
            timer.async_wait(tok));
        EXPECT_EQ(r.index(), 1u);
        EXPECT_GT(got, 0);
        EXPECT_EQ(sum, got * (got + 1) / 2); // every row, in order, none lost
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select 2"), "2");
        // The sink is usable again after the canceled COPY.
        got = sum = 0;
        auto [ec, n] = co_await conn->async_copy_out("COPY (select generate_series(1, 1000)) TO STDOUT (FORMAT binary)",
                                                     sink, diag, tok);
        EXPECT_FALSE(ec) << diag.what();
        EXPECT_EQ(n, 1000u);
        EXPECT_EQ(sum, 500500);
    });
}
