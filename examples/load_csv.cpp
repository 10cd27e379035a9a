// Loads CSV batches into a PostgreSQL table with COPY, from local files or straight from
// S3 objects (streamed in ranged GETs, never stored on disk), one transaction per batch.
//
//   load_csv <postgres-url> <table> <source>... [options]
//     <source>           a CSV file, or s3://bucket/key
//     --columns a,b,c    the table's columns, created as text with --create
//     --create           create the table when it does not exist (needs --columns)
//     --replace          empty the table first (in the first batch's transaction)
//     --header           each source starts with a header line (skipped)
//     --drop             drop the table at the end (for tests and demos)
//     --delimiter C      the field separator (default ',')
//     --endpoint URL     an S3-compatible endpoint, e.g. http://127.0.0.1:7070 (default: AWS)
//     --region R         region (default: $AWS_REGION, else us-east-1)
//
// A batch that fails (a malformed row, a missing object, an object replaced during the
// load, an S3 checksum that does not match) is rolled back whole and reported with the
// server's SQLSTATE or S3's code and request id; the other batches still load, and the exit
// status is 1. An S3 object's stored full-object checksum (CRC64NVME ...) is compared with
// the bytes sent before the batch may commit.
//
// Credentials for S3 come from the environment, the shared files or the metadata services;
// the PostgreSQL URL carries its own (postgresql://user:password@host:port/db?sslmode=...).

#include <cirrus/postgres/postgres.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/copy_from_object.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
namespace s3 = cirrus::s3;
namespace transfer = cirrus::transfer;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

struct options {
    std::string url;
    std::string table;
    std::vector<std::string> sources;
    std::vector<std::string> columns;
    bool create = false;
    bool replace = false;
    bool header = false;
    bool drop = false;
    char delimiter = ',';
    std::string endpoint;
    std::string region;
};

int usage() {
    std::fprintf(stderr, "usage: load_csv <postgres-url> <table> <source>... [--columns a,b,c] [--create] [--replace]\n"
                         "                [--header] [--drop] [--delimiter C] [--endpoint URL] [--region R]\n"
                         "       <source>: a CSV file or s3://bucket/key\n");
    return 2;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    for (;;) {
        const auto at = s.find(sep);
        out.emplace_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s.remove_prefix(at + 1);
    }
}

// A literal for COPY's options: 'x', with quotes doubled.
std::string sql_literal(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

// Runs `sql`; false (and a message) on an error. A view, so that a literal makes no
// std::string temporary inside co_await (see docs/async.md on GCC 12).
asio::awaitable<bool> exec(pg::connection& conn, std::string_view sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec) std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(sql.size()), sql.data(), diag.what().c_str());
    co_return !ec;
}

// One batch in one transaction; the rows loaded, or nullopt after a rollback.
asio::awaitable<std::optional<std::uint64_t>> load_one(pg::connection& conn, s3::client<>& storage,
                                                       const options& o, const std::string& source, bool first) {
    const std::string table = pg::quote_identifier(o.table);
    const std::string copy = "COPY " + table + " FROM STDIN (FORMAT csv, DELIMITER " +
                             sql_literal(std::string_view(&o.delimiter, 1)) + (o.header ? ", HEADER" : "") + ")";
    if (!co_await exec(conn, "BEGIN")) co_return std::nullopt;
    const std::string truncate = "TRUNCATE " + table;
    if (first && o.replace && !co_await exec(conn, truncate)) {
        co_await exec(conn, "ROLLBACK");
        co_return std::nullopt;
    }

    pg::copy_source src;
    transfer::object_copy_report report;
    const bool from_s3 = source.starts_with("s3://");
    if (from_s3) {
        const std::string_view rest = std::string_view(source).substr(5);
        const auto slash = rest.find('/');
        if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
            std::fprintf(stderr, "%s: expected s3://bucket/key\n", source.c_str());
            co_await exec(conn, "ROLLBACK");
            co_return std::nullopt;
        }
        src = transfer::copy_from_object(storage, rest.substr(0, slash), rest.substr(slash + 1), {}, &report);
    } else {
        src = pg::copy_from_file(source);
    }

    pg::diagnostics diag;
    const auto t0 = std::chrono::steady_clock::now();
    auto [ec, rows] = co_await conn.async_copy_in(copy, src, diag, tok);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (ec) {
        std::fprintf(stderr, "%s: not loaded: %s", source.c_str(), ec.message().c_str());
        if (!diag.sqlstate().empty())
            std::fprintf(stderr, " (SQLSTATE %s: %s)", diag.sqlstate().c_str(), diag.message.c_str());
        if (report.error) std::fprintf(stderr, " (S3: %s)", report.s3_diagnostics.what().c_str());
        std::fprintf(stderr, "\n");
        co_await exec(conn, "ROLLBACK");
        co_return std::nullopt;
    }
    if (!co_await exec(conn, "COMMIT")) co_return std::nullopt;
    std::printf("loaded %llu rows from %s in %.2f s", static_cast<unsigned long long>(rows), source.c_str(), secs);
    if (from_s3)
        std::printf(" (%.1f MiB in %u requests%s)", static_cast<double>(report.bytes_sent) / (1024.0 * 1024.0),
                    report.requests, report.checksum_verified ? ", checksum verified" : "");
    std::printf("\n");
    co_return rows;
}

asio::awaitable<int> run(const options& o) {
    auto ex = co_await asio::this_coro::executor;
    pg::connection conn(ex);
    pg::diagnostics diag;
    auto [cec] = co_await conn.async_connect(o.url, diag, tok);
    if (cec) {
        std::fprintf(stderr, "cannot connect: %s (%s)\n", cec.message().c_str(), diag.what().c_str());
        co_return 1;
    }
    s3::client<> storage(ex, {.region = o.region, .endpoint = o.endpoint});

    if (o.create) {
        std::string ddl = "CREATE TABLE IF NOT EXISTS " + pg::quote_identifier(o.table) + " (";
        for (std::size_t i = 0; i < o.columns.size(); ++i)
            ddl += (i ? ", " : "") + pg::quote_identifier(o.columns[i]) + " text";
        ddl += ")";
        if (!co_await exec(conn, ddl)) co_return 1;
    }

    std::uint64_t total = 0;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < o.sources.size(); ++i) {
        auto rows = co_await load_one(conn, storage, o, o.sources[i], i == 0);
        if (rows) total += *rows;
        else ++failed;
    }
    const std::string count_sql = "SELECT count(*) FROM " + pg::quote_identifier(o.table);
    std::vector<std::tuple<std::int64_t>> count;
    auto [qec] = co_await conn.async_query(count_sql, count, diag, tok);
    std::printf("%zu of %zu batches loaded, %llu rows; the table holds %lld rows\n", o.sources.size() - failed,
                o.sources.size(), static_cast<unsigned long long>(total),
                qec || count.empty() ? -1LL : static_cast<long long>(std::get<0>(count[0])));
    if (o.drop) {
        const std::string drop = "DROP TABLE " + pg::quote_identifier(o.table);
        if (co_await exec(conn, drop)) std::printf("dropped %s\n", o.table.c_str());
    }
    auto [close_ec] = co_await conn.async_close(tok);
    (void)close_ec;
    co_return failed == 0 && !qec ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    std::vector<std::string_view> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--columns") o.columns = split(value(), ',');
        else if (a == "--create") o.create = true;
        else if (a == "--replace") o.replace = true;
        else if (a == "--header") o.header = true;
        else if (a == "--drop") o.drop = true;
        else if (a == "--delimiter") {
            const std::string_view d = value();
            if (d.size() != 1) return usage();
            o.delimiter = d[0];
        } else if (a == "--endpoint") o.endpoint = value();
        else if (a == "--region") o.region = value();
        else if (a.starts_with("--")) return usage();
        else positional.push_back(a);
    }
    if (positional.size() < 3 || (o.create && o.columns.empty())) return usage();
    o.url = positional[0];
    o.table = positional[1];
    for (std::size_t i = 2; i < positional.size(); ++i) o.sources.emplace_back(positional[i]);
    if (o.region.empty()) {
        const char* r = std::getenv("AWS_REGION");
        o.region = r != nullptr && *r != '\0' ? r : "us-east-1";
    }

    asio::io_context ioc;
    int status = 1;
    asio::co_spawn(ioc, run(o), [&](std::exception_ptr e, int s) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "error: %s\n", ex.what());
            }
            return;
        }
        status = s;
    });
    ioc.run();
    return status;
}
