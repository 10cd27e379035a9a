// transfer::copy_from_object against versitygw and PostgreSQL 15: the UCI Adult CSV stored
// as an object loads through COPY FROM STDIN in ranges (with and without prefetch) into the
// same rows as a COPY from the file; a missing object and an object replaced mid-COPY
// abort the COPY (no rows kept) with S3's error, and the connection stays usable.

#include "postgres_support.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <cirrus/provider/all.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/copy_from_object.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using namespace pgtest;
namespace s3 = cirrus::s3;
namespace transfer = cirrus::transfer;
using cirrus::error_code;

namespace {

using client_type = s3::client<cirrus::provider::versitygw>;

client_type make_client(asio::any_io_executor ex) {
    cirrus::test::s3_service svc;
    return client_type(ex, s3::client_options{.region = svc.region,
                                              .endpoint = svc.endpoint,
                                              .credentials = cirrus::auth::any_credentials_provider(
                                                  cirrus::auth::static_provider(svc.access_key, svc.secret_key))});
}

// The Adult data set as CSV, as tests/integration/postgres_copy_test.cpp builds it.
std::string adult_csv(std::size_t& records) {
    std::string out;
    records = 0;
    for (const char* name : {"adult.data", "adult.test"}) {
        std::ifstream in(std::string(CIRRUS_TEST_DATA_DIR) + "/adult/" + name);
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '|') continue;
            if (line.back() == '.') line.pop_back();
            for (std::size_t i = 0; i < line.size(); ++i) {
                out += line[i];
                if (line[i] == ',' && i + 1 < line.size() && line[i + 1] == ' ') ++i;
            }
            out += '\n';
            ++records;
        }
    }
    return out;
}

constexpr const char* adult_columns =
    "(age text, workclass text, fnlwgt text, education text, education_num text, marital_status text, "
    "occupation text, relationship text, race text, sex text, capital_gain text, capital_loss text, "
    "hours_per_week text, native_country text, class text)";

asio::awaitable<void> exec(pg::connection& conn, const std::string& sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec) ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
}

asio::awaitable<std::string> scalar(pg::connection& conn, const std::string& sql) {
    std::vector<std::tuple<std::optional<std::string>>> rows;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, rows, diag, tok);
    if (ec || rows.size() != 1) {
        ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
        co_return "";
    }
    co_return std::get<0>(rows[0]).value_or("NULL");
}

// Views, so that a literal key makes no std::string temporary inside co_await (GCC 12).
asio::awaitable<error_code> put(client_type& c, std::string_view bucket, std::string_view key, std::string_view data) {
    s3::put_object_request r{.bucket = bucket, .key = key, .body = data};
    r.checksum_algorithm = cirrus::crypto::checksum_algorithm::crc64nvme; // a full-object checksum
    auto [e, pr] = co_await c.async_put_object(r, asio::as_tuple(asio::use_awaitable));
    (void)pr;
    co_return e;
}

std::string table_digest_sql(const std::string& table) {
    return "select count(*)::text || ' ' || md5(string_agg(t::text, E'\\n' order by t::text)) from " + table + " t";
}

class TransferToPostgres : public ::testing::Test {
protected:
    void SetUp() override {
        static std::mt19937_64 rng(std::random_device{}());
        bucket_ = "xfer-pg-" + std::to_string(rng() % 1000000000);
        tag_ = std::to_string(::getpid());
    }
    std::string bucket_;
    std::string tag_;
};

} // namespace

TEST_F(TransferToPostgres, AdultCsvObjectLoadsLikeTheFile) {
    cirrus::test::temp_dir dir("cirrus-xfer-pg");
    std::size_t records = 0;
    const std::string csv = adult_csv(records);
    ASSERT_EQ(records, 48842u);
    const std::string csv_path = dir.write("adult.csv", csv);
    const std::string t_file = "adult_from_file_" + tag_, t_ranges = "adult_from_object_" + tag_,
                      t_prefetch = "adult_prefetched_" + tag_;

    run([&]() -> asio::awaitable<void> {
        auto s3c = make_client(co_await asio::this_coro::executor);
        const s3::create_bucket_request cb{.bucket = bucket_};
        auto [cb_ec, cbr] = co_await s3c.async_create_bucket(cb, tok);
        (void)cbr;
        PG_CO_REQUIRE(!cb_ec);
        PG_CO_REQUIRE(!co_await put(s3c, bucket_, "batches/adult.csv", csv));

        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        for (const auto& t : {t_file, t_ranges, t_prefetch}) {
            const std::string ddl = "drop table if exists " + t + "; create table " + t + adult_columns;
            co_await exec(*conn, ddl);
        }
        pg::diagnostics diag;
        const std::string copy_file_sql = "COPY " + t_file + " FROM STDIN (FORMAT csv)";
        auto file_src = pg::copy_from_file(csv_path);
        auto [fe, file_rows] = co_await conn->async_copy_in(copy_file_sql, file_src, diag, tok);
        PG_CO_REQUIRE(!fe);
        EXPECT_EQ(file_rows, 48842u);

        // Ranges of 1 MiB one after the other, then with the next one prefetched.
        const std::uint64_t size = csv.size();
        const std::uint64_t ranges = (size + (1u << 20) - 1) >> 20;
        for (bool prefetch : {false, true}) {
            const std::string& table = prefetch ? t_prefetch : t_ranges;
            transfer::object_copy_report report;
            transfer::object_copy_options o;
            o.range_size = 1u << 20;
            o.prefetch = prefetch;
            auto src = transfer::copy_from_object(s3c, bucket_, "batches/adult.csv", o, &report);
            const std::string copy_sql = "COPY " + table + " FROM STDIN (FORMAT csv)";
            auto [ce, rows] = co_await conn->async_copy_in(copy_sql, src, diag, tok);
            EXPECT_FALSE(ce) << ce.message() << " / " << diag.what() << " / " << report.s3_diagnostics.what();
            EXPECT_EQ(rows, 48842u);
            EXPECT_EQ(report.object_size, size);
            EXPECT_EQ(report.bytes_sent, size);
            EXPECT_EQ(report.requests, 1 + ranges); // the HEAD and one GET per range
            EXPECT_TRUE(report.checksum_verified);  // CRC64NVME of the object over the bytes sent
            EXPECT_FALSE(report.error);
        }
        const std::string q_file = table_digest_sql(t_file), q_ranges = table_digest_sql(t_ranges),
                          q_prefetch = table_digest_sql(t_prefetch);
        const std::string expected = co_await scalar(*conn, q_file);
        EXPECT_EQ(expected.substr(0, 6), "48842 ");
        EXPECT_EQ(co_await scalar(*conn, q_ranges), expected);
        EXPECT_EQ(co_await scalar(*conn, q_prefetch), expected);
        for (const auto& t : {t_file, t_ranges, t_prefetch}) {
            const std::string drop = "drop table " + t;
            co_await exec(*conn, drop);
        }
        const s3::delete_bucket_request db{.bucket = bucket_, .empty_first = true};
        auto [db_ec, dbr] = co_await s3c.async_delete_bucket(db, tok);
        (void)dbr;
        EXPECT_FALSE(db_ec) << db_ec.message();
    });
}

namespace {

// Hands the COPY the object's first range, then replaces the object before the next.
struct replacing_source {
    pg::copy_source inner;
    client_type* client;
    std::string bucket;
    int calls = 0;

    asio::awaitable<error_code> next(cirrus::buffer& chunk) {
        if (++calls == 2) {
            const std::string other(300000, 'x');
            if (auto e = co_await put(*client, bucket, "replaced.csv", other)) co_return e;
        }
        co_return co_await inner(chunk);
    }
};

} // namespace

TEST_F(TransferToPostgres, MissingOrReplacedObjectAbortsTheCopy) {
    const std::string table = "copy_abort_" + tag_;
    run([&]() -> asio::awaitable<void> {
        auto s3c = make_client(co_await asio::this_coro::executor);
        const s3::create_bucket_request cb{.bucket = bucket_};
        auto [cb_ec, cbr] = co_await s3c.async_create_bucket(cb, tok);
        (void)cbr;
        PG_CO_REQUIRE(!cb_ec);
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        const std::string ddl = "drop table if exists " + table + "; create table " + table + " (a int, b text)";
        co_await exec(*conn, ddl);
        const std::string copy_sql = "COPY " + table + " FROM STDIN (FORMAT csv)";
        pg::diagnostics diag;

        {   // No such key: the HEAD fails, the COPY is abandoned with S3's error.
            transfer::object_copy_report report;
            auto src = transfer::copy_from_object(s3c, bucket_, "no/such.csv", {}, &report);
            auto [ce, rows] = co_await conn->async_copy_in(copy_sql, src, diag, tok);
            EXPECT_EQ(ce, s3::errc::no_such_key) << ce.message();
            EXPECT_EQ(rows, 0u);
            EXPECT_EQ(report.error, s3::errc::no_such_key);
            EXPECT_EQ(report.s3_diagnostics.http_status, 404u);
        }
        {   // Replaced after the first range: the next GET's If-Match fails; no row is kept.
            std::string csv;
            for (int i = 0; i < 40000; ++i) csv += std::to_string(i) + ",row " + std::to_string(i) + "\n";
            PG_CO_REQUIRE(!co_await put(s3c, bucket_, "replaced.csv", csv));
            transfer::object_copy_report report;
            transfer::object_copy_options o;
            o.range_size = 64 * 1024;
            o.prefetch = false;
            replacing_source wrapper{transfer::copy_from_object(s3c, bucket_, "replaced.csv", o, &report), &s3c,
                                     bucket_};
            pg::copy_source src = [&wrapper](cirrus::buffer& chunk) { return wrapper.next(chunk); };
            auto [ce, rows] = co_await conn->async_copy_in(copy_sql, src, diag, tok);
            EXPECT_EQ(ce, transfer::errc::object_changed) << ce.message() << " / " << diag.what();
            EXPECT_EQ(report.error, transfer::errc::object_changed);
            EXPECT_EQ(report.bytes_sent, 64u * 1024u);
            (void)rows;
        }
        // The connection is usable and the table empty.
        const std::string count_sql = "select count(*)::text from " + table;
        EXPECT_EQ(co_await scalar(*conn, count_sql), "0");
        const std::string drop = "drop table " + table;
        co_await exec(*conn, drop);
        const s3::delete_bucket_request db{.bucket = bucket_, .empty_first = true};
        auto [db_ec, dbr] = co_await s3c.async_delete_bucket(db, tok);
        (void)dbr;
        EXPECT_FALSE(db_ec) << db_ec.message();
    });
}
