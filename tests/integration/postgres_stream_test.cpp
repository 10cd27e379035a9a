// Streamed rows (postgres/execution.hpp) against the PostgreSQL of scripts/services.sh:
// a million rows in bounded memory (the peak RSS measured), a value that does not fit the
// row type and an SQL error in the middle of a result (the connection stays usable), an
// execution given up early, cancellation, prepared statements, and the documented
// one-liners with the default token (run under ASan by the CI build).

#include "integration/postgres_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/describe.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using cirrus::error_code;
using namespace std::chrono_literals;
using pgtest::tok;

struct series_row {
    std::int64_t id;
    std::int32_t k;
    std::string_view label; // a view into the receive buffer, valid until the next read
    std::optional<double> ratio;
};
BOOST_DESCRIBE_STRUCT(series_row, (), (id, k, label, ratio))

struct small_row {
    std::int32_t id;
    std::int32_t v;
};

// From /proc/self/status, in KiB; -1 if unavailable.
long status_kib(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
    return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux 4.0 and later).
bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

asio::awaitable<bool> usable(pg::connection& conn) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query("select 7", r, diag, tok);
    co_return !ec && r.size() == 1 && r[0][0][0].as<std::int32_t>() == 7;
}

TEST(PostgresStream, MillionRowsInBoundedMemory) {
    pgtest::run(
        [&]() -> asio::awaitable<void> {
            auto conn = co_await pgtest::connect();
            PG_CO_REQUIRE(conn);
            constexpr std::int64_t count = 1'000'000;
            pg::execution_state st;
            pg::diagnostics diag;
            std::vector<series_row> rows;
            // Whatever earlier tests allocated: the peak from here on.
            const bool peak_reset = reset_peak_rss();
            const long rss_before = status_kib("VmRSS");
            const auto t0 = std::chrono::steady_clock::now();
            auto [ec] = co_await conn->async_start_execution(
                pg::query("select g::int8 as id, (g % 1000)::int4 as k, 'row ' || g as label,"
                          " case when g % 10 = 0 then null else g / 4.0 end::float8 as ratio"
                          " from generate_series(1, $1::int8) g",
                          count),
                st, diag, tok);
            PG_CO_CHECK(ec, diag);
            EXPECT_EQ(st.columns().size(), 4u);
            std::int64_t n = 0, id_sum = 0, nulls = 0, k_sum = 0;
            std::size_t batches = 0, largest = 0;
            bool labels_ok = true;
            const series_row* last_data = nullptr;
            bool reallocated = false;
            while (!st.complete()) {
                auto [rec] = co_await conn->async_read_some_rows(st, rows, diag, tok);
                PG_CO_CHECK(rec, diag);
                ++batches;
                // The vector grows only for a batch larger than any before.
                if (!rows.empty()) {
                    if (last_data && rows.data() != last_data && rows.size() <= largest) reallocated = true;
                    last_data = rows.data();
                }
                largest = std::max(largest, rows.size());
                for (const auto& r : rows) {
                    ++n;
                    id_sum += r.id;
                    k_sum += r.k;
                    if (!r.ratio) ++nulls;
                    else if (*r.ratio != static_cast<double>(r.id) / 4.0) labels_ok = false;
                    if (r.id % 99991 == 0 && r.label != "row " + std::to_string(r.id)) labels_ok = false;
                }
            }
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const long peak = status_kib("VmHWM");
            EXPECT_EQ(n, count);
            EXPECT_EQ(st.rows_read(), static_cast<std::uint64_t>(count));
            EXPECT_EQ(id_sum, count * (count + 1) / 2);
            EXPECT_EQ(nulls, count / 10);
            EXPECT_TRUE(labels_ok);
            EXPECT_FALSE(reallocated) << "the row vector was reallocated for a batch no larger than an earlier one";
            EXPECT_EQ(st.command_tag(), "SELECT 1000000");
            EXPECT_EQ(st.affected_rows(), static_cast<std::uint64_t>(count));
            EXPECT_GT(batches, 10u);
            // A batch is what the 64 KiB receive buffer holds: ~1,300 rows of ~50 bytes.
            EXPECT_LT(largest, 5000u);
            const long growth_kib = peak - rss_before;
            std::printf("[ streamed %lld rows in %zu batches (largest %zu) in %.2f s; RSS before %ld KiB, peak %ld "
                        "KiB, growth %ld KiB%s ]\n",
                        static_cast<long long>(n), batches, largest, secs, rss_before, peak, growth_kib,
                        peak_reset ? "" : " (peak not resettable: growth is an upper bound)");
            // The result is ~45 MB on the wire and ~56 MB as row structs: streamed, the
            // process grows by little more than one batch (under ASan, plus its quarantine of
            // freed blocks: 32 MiB).
            if (peak_reset && rss_before > 0 && peak > 0) {
                EXPECT_LT(growth_kib, 32 * 1024);
            }
            EXPECT_TRUE(co_await usable(*conn));
        },
        std::chrono::seconds(120));
}

TEST(PostgresStream, ValueThatDoesNotFitMidStreamKeepsTheConnection) {
    pgtest::run([&]() -> asio::awaitable<void> {
        auto conn = co_await pgtest::connect();
        PG_CO_REQUIRE(conn);
        pg::execution_state st;
        pg::diagnostics diag;
        std::vector<small_row> rows;
        // Row 15000 (index 14999) holds 15000 * 10^6, which overflows int32.
        auto [ec] = co_await conn->async_start_execution(pg::query("select g as id, (case when g = 15000 then g::int8 "
                                                                   "* 1000000 else g end) as v"
                                                                   " from generate_series(1, 40000) g"),
                                                         st, diag, tok);
        PG_CO_CHECK(ec, diag);
        error_code failure;
        std::int64_t good = 0;
        while (!st.complete()) {
            auto [rec] = co_await conn->async_read_some_rows(st, rows, diag, tok);
            if (rec) {
                failure = rec;
                EXPECT_TRUE(rows.empty()) << "the failing call's batch is empty";
                break;
            }
            for (const auto& r : rows) {
                ++good;
                EXPECT_EQ(r.v, r.id);
            }
        }
        EXPECT_EQ(failure, pg::client_errc::value_out_of_range) << failure.message();
        EXPECT_NE(diag.message.find("row 14999"), std::string::npos) << diag.message;
        EXPECT_NE(diag.message.find("\"v\""), std::string::npos) << diag.message;
        EXPECT_NE(diag.message.find("field #1"), std::string::npos) << diag.message;
        EXPECT_EQ(diag.column_name, "v");
        EXPECT_TRUE(st.complete());
        EXPECT_LT(good, 15000);
        EXPECT_EQ(static_cast<std::uint64_t>(good), st.rows_read());
        // The rest of the result was read: the connection is in step and idle.
        EXPECT_TRUE(co_await usable(*conn));
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        // A row type whose columns do not match fails at once, and drains too.
        pg::execution_state st2;
        std::vector<series_row> wrong;
        auto [ec2] = co_await conn->async_start_execution(pg::query("select 1 as id"), st2, diag, tok);
        PG_CO_CHECK(ec2, diag);
        auto [rec2] = co_await conn->async_read_some_rows(st2, wrong, diag, tok);
        EXPECT_EQ(rec2, pg::client_errc::column_not_found);
        EXPECT_NE(diag.message.find("\"k\""), std::string::npos) << diag.message;
        EXPECT_TRUE(st2.complete());
        EXPECT_TRUE(co_await usable(*conn));
    });
}

TEST(PostgresStream, SqlErrorMidStreamKeepsTheConnection) {
    pgtest::run([&]() -> asio::awaitable<void> {
        auto conn = co_await pgtest::connect();
        PG_CO_REQUIRE(conn);
        pg::execution_state st;
        pg::diagnostics diag;
        std::vector<small_row> rows;
        // Division by zero on row 30000.
        auto [ec] = co_await conn->async_start_execution(
            pg::query("select g as id, 100000 / (30000 - g) as v from generate_series(1, 60000) g"), st, diag, tok);
        PG_CO_CHECK(ec, diag);
        error_code failure;
        std::int64_t good = 0;
        while (!st.complete()) {
            auto [rec] = co_await conn->async_read_some_rows(st, rows, diag, tok);
            if (rec) {
                failure = rec;
                break;
            }
            for (const auto& r : rows) {
                EXPECT_EQ(r.id, good + 1);
                ++good;
            }
        }
        EXPECT_EQ(failure, pg::sqlstate::division_by_zero) << failure.message();
        EXPECT_EQ(diag.sqlstate(), "22012");
        EXPECT_TRUE(st.complete());
        EXPECT_GT(good, 0);
        EXPECT_LT(good, 30000);
        EXPECT_TRUE(co_await usable(*conn));
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);

        // Inside a transaction, the error leaves it failed, as for any statement.
        pg::results r;
        auto [bec] = co_await conn->async_query("begin", r, diag, tok);
        PG_CO_CHECK(bec, diag);
        auto [ec3] =
            co_await conn->async_start_execution(pg::query(
                                                     "select g as id, 1 / (g - 1) as v from generate_series(1, 2) g"),
                                                 st, diag, tok);
        PG_CO_CHECK(ec3, diag);
        auto [rec3] = co_await conn->async_read_some_rows(st, rows, diag, tok);
        EXPECT_EQ(rec3, pg::sqlstate::division_by_zero);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::failed);
        auto [rbec] = co_await conn->async_query("rollback", r, diag, tok);
        PG_CO_CHECK(rbec, diag);
        EXPECT_TRUE(co_await usable(*conn));
    });
}

TEST(PostgresStream, GivenUpCanceledAndOtherOperationsMeanwhile) {
    pgtest::run([&]() -> asio::awaitable<void> {
        auto conn = co_await pgtest::connect();
        PG_CO_REQUIRE(conn);
        pg::diagnostics diag;
        std::vector<small_row> rows;
        {
            pg::execution_state st;
            auto [ec] =
                co_await conn->async_start_execution(pg::query(
                                                         "select g as id, g as v from generate_series(1, 200000) g"),
                                                     st, diag, tok);
            PG_CO_CHECK(ec, diag);
            auto [rec] = co_await conn->async_read_some_rows(st, rows, diag, tok);
            PG_CO_CHECK(rec, diag);
            EXPECT_FALSE(rows.empty());
            EXPECT_FALSE(st.complete());
            // One operation at a time: the execution is still being read.
            pg::results r;
            auto [busy] = co_await conn->async_query("select 1", r, diag, tok);
            EXPECT_EQ(busy, pg::client_errc::operation_in_progress);
            EXPECT_NE(diag.message.find("execution_state"), std::string::npos) << diag.message;
            // A second execution on another state is refused too.
            pg::execution_state other;
            auto [busy2] = co_await conn->async_start_execution(pg::query("select 1 as id, 2 as v"), other, diag, tok);
            EXPECT_EQ(busy2, pg::client_errc::operation_in_progress);
        } // given up: the connection reads the rest before its next operation
        EXPECT_TRUE(co_await usable(*conn));

        // A state reused before its execution ended gives the first one up.
        pg::execution_state st;
        auto [s1] =
            co_await conn->async_start_execution(pg::query("select g as id, g as v from generate_series(1, 100000) g"),
                                                 st, diag, tok);
        PG_CO_CHECK(s1, diag);
        auto [r1] = co_await conn->async_read_some_rows(st, rows, diag, tok);
        PG_CO_CHECK(r1, diag);
        auto [s2] = co_await conn->async_start_execution(pg::query("select 5 as id, 6 as v"), st, diag, tok);
        PG_CO_CHECK(s2, diag);
        auto [r2] = co_await conn->async_read_some_rows(st, rows, diag, tok);
        PG_CO_CHECK(r2, diag);
        PG_CO_REQUIRE(rows.size() == 1);
        EXPECT_EQ(rows[0].id, 5);
        EXPECT_EQ(rows[0].v, 6);
        EXPECT_TRUE(st.complete());
        EXPECT_EQ(st.rows_read(), 1u);

        // Canceling a read that waits for a slow query: a CancelRequest, the rest dropped.
        auto [s3] = co_await conn->async_start_execution(pg::query("select 1 as id, 2 as v from pg_sleep(10)"), st,
                                                         diag, tok);
        PG_CO_CHECK(s3, diag);
        asio::cancellation_signal signal;
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        timer.async_wait([&](error_code) { signal.emit(asio::cancellation_type::terminal); });
        const auto t0 = std::chrono::steady_clock::now();
        auto [cec] = co_await conn->async_read_some_rows(st, rows, diag,
                                                         asio::bind_cancellation_slot(signal.slot(), tok));
        EXPECT_EQ(cec, asio::error::operation_aborted) << cec.message();
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
        EXPECT_TRUE(st.complete());
        EXPECT_TRUE(rows.empty());
        EXPECT_TRUE(conn->is_open());
        EXPECT_TRUE(co_await usable(*conn));

        // A read after the end, and of a state never started.
        auto [after] = co_await conn->async_read_some_rows(st, rows, diag, tok);
        EXPECT_FALSE(after);
        EXPECT_TRUE(rows.empty());
        pg::execution_state fresh;
        auto [never] = co_await conn->async_read_some_rows(fresh, rows, diag, tok);
        EXPECT_EQ(never, cirrus::errc::invalid_argument);

        // A closed connection ends the execution.
        auto [s4] =
            co_await conn->async_start_execution(pg::query("select g as id, g as v from generate_series(1, 100000) g"),
                                                 st, diag, tok);
        PG_CO_CHECK(s4, diag);
        conn->close();
        auto [closed] = co_await conn->async_read_some_rows(st, rows, diag, tok);
        EXPECT_EQ(closed, pg::client_errc::not_connected);
        EXPECT_TRUE(st.complete());
    });
}

TEST(PostgresStream, DocumentedOneLinersAndPreparedStatements) {
    pgtest::run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        co_await conn.async_connect(pgtest::scram_params());
        pg::execution_state st;
        std::vector<std::tuple<std::int32_t, std::string>> rows;
        co_await conn.async_start_execution(pg::query("select $1::int + g, 'n' || g from generate_series(1, $2::int) g",
                                                      41, 3000),
                                            st);
        std::int64_t sum = 0, n = 0;
        while (!st.complete()) {
            co_await conn.async_read_some_rows(st, rows);
            for (const auto& [v, s] : rows) {
                sum += v;
                if (s != "n" + std::to_string(v - 41)) ADD_FAILURE() << s;
                ++n;
            }
        }
        EXPECT_EQ(n, 3000);
        EXPECT_EQ(sum, 3000 * 41 + 3000 * 3001 / 2);

        // A prepared statement, twice with the same state.
        auto stmt = co_await conn.async_prepare("select g as id, g * $1 as v from generate_series(1, 500) g");
        std::vector<small_row> small;
        for (int factor : {2, 3}) {
            co_await conn.async_start_execution(stmt.bind(factor), st);
            std::int64_t total = 0;
            while (!st.complete()) {
                co_await conn.async_read_some_rows(st, small);
                for (const auto& r : small) total += r.v;
            }
            EXPECT_EQ(total, factor * 500 * 501 / 2);
        }

        // A statement without rows.
        co_await conn.async_start_execution(pg::query("create temporary table stream_t (a int)"), st);
        while (!st.complete()) co_await conn.async_read_some_rows(st, small);
        EXPECT_EQ(st.command_tag(), "CREATE TABLE");
        EXPECT_TRUE(small.empty());

        // An error thrown by the default token carries the server's diagnostics; the
        // connection stays usable.
        std::string sqlstate;
        try {
            co_await conn.async_start_execution(pg::query(
                                                    "select g as id, 1 / (g - 2) as v from generate_series(1, 3) g"),
                                                st);
            while (!st.complete()) co_await conn.async_read_some_rows(st, small);
        } catch (const pg::error_with_diagnostics& e) {
            sqlstate = e.get_diagnostics().sqlstate();
        }
        EXPECT_EQ(sqlstate, "22012");
        pg::results res;
        co_await conn.async_query("select 1", res);
        co_await conn.async_close();
    });
}

} // namespace
