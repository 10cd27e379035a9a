// Moves a table of client rows from Redshift or PostgreSQL (over the PostgreSQL wire
// protocol, or as an exported CSV) into DynamoDB, then serves the two reads the application
// needs: a client by id, and the clients of a year and month.
//
//   dynamodb_migrate [options]
//     --from-postgres URL  read the rows from this database (a libpq URI or connection
//                          string; Redshift speaks the same protocol): the columns
//                          clientid, name, year, month, status of --source-table
//     --source-table NAME  the source table (default "clients")
//     --create-source      first create the source table and fill it with the --csv or
//                          --rows rows (one pipelined batch); dropped again with --cleanup
//     --csv FILE        rows "clientid,name,year,month,status" (default: --rows generated rows)
//     --rows N          how many rows to generate without --csv (default 2000)
//     --table NAME      the table (default "clients"); created with a GSI "by_date" on (year, month)
//     --endpoint URL    e.g. http://127.0.0.1:8000 for DynamoDB Local (default:
//                       $AWS_ENDPOINT_URL_DYNAMODB, then AWS)
//     --region R        region (default: $AWS_REGION, else us-east-1)
//     --cleanup         delete the table at the end
//
// Credentials come from the environment or the shared files, as for the AWS SDKs
// (DynamoDB Local accepts any).

#include "migrate_rows.hpp"

#include <cirrus/dynamodb/dynamodb.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/describe/class.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace ddb = cirrus::dynamodb;
using ddb::attr;

namespace {

struct options {
    postgres_source postgres;
    std::string csv;
    std::size_t rows = 2000;
    std::string table = "clients";
    std::string endpoint;
    std::string region;
    bool cleanup = false;
};

std::vector<client_row> load_rows(const options& o) {
    std::vector<client_row> rows;
    if (o.csv.empty()) {
        for (std::size_t i = 0; i < o.rows; ++i) {
            rows.push_back({.clientid = static_cast<std::int64_t>(i + 1),
                            .name = "client " + std::to_string(i + 1),
                            .year = 2020 + static_cast<int>(i % 5),
                            .month = 1 + static_cast<int>(i % 12),
                            .status = i % 7 == 0 ? "closed" : "open"});
        }
        return rows;
    }
    std::ifstream in(o.csv);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, name, year, month, status;
        if (!std::getline(fields, id, ',') || !std::getline(fields, name, ',') || !std::getline(fields, year, ',') ||
            !std::getline(fields, month, ',') || !std::getline(fields, status))
            continue;
        rows.push_back({std::stoll(id), name, std::stoi(year), std::stoi(month), status});
    }
    return rows;
}

asio::awaitable<int> migrate(options o) {
    ddb::client_options copts;
    copts.endpoint = o.endpoint;
    copts.region = o.region;
    ddb::client<> db(co_await asio::this_coro::executor, copts);

    // The table: keyed by the numeric clientid, with a GSI to read by year and month.
    const std::array<ddb::global_secondary_index, 1> by_date = {ddb::global_secondary_index{
        .name = "by_date",
        .hash_key = {"year", ddb::scalar_type::n},
        .range_key = ddb::key_attribute{"month", ddb::scalar_type::n},
        .projection = {.type = ddb::projection_type::all}}};
    cirrus::diagnostics diag;
    auto [ce, created] = co_await db.async_create_table(
        {.table = o.table, .hash_key = {"clientid", ddb::scalar_type::n}, .global_indexes = by_date}, diag,
        asio::as_tuple(asio::use_awaitable));
    if (ce && ce != ddb::errc::resource_in_use) {
        std::fprintf(stderr, "create table: %s\n", diag.what().c_str());
        co_return 1;
    }
    co_await db.async_wait_table_active({.table = o.table});

    // The rows, 25 per BatchWriteItem call; unprocessed items are sent again.
    // (Two statements: g++ 12 mishandles a temporary of a conditional holding a co_await.)
    std::vector<client_row> rows;
    if (o.postgres.url.empty()) {
        rows = load_rows(o);
    } else {
        const auto seed = o.postgres.create ? load_rows(o) : std::vector<client_row>{};
        rows = co_await read_postgres(o.postgres, seed);
    }
    std::vector<ddb::item> items;
    items.reserve(rows.size());
    for (const auto& r : rows) items.push_back(ddb::to_item(r));
    const auto start = std::chrono::steady_clock::now();
    auto written = co_await db.async_batch_write({.table = o.table, .put = items});
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::printf("wrote %zu rows in %u calls (%lld ms)\n", written.written, written.calls,
                static_cast<long long>(ms.count()));

    // A client by id.
    if (!rows.empty()) {
        const ddb::item key{{"clientid", rows.back().clientid}};
        auto got = co_await db.async_get_item({.table = o.table, .key = key});
        if (!got.item) {
            std::fprintf(stderr, "client %lld is missing\n", static_cast<long long>(rows.back().clientid));
            co_return 1;
        }
        auto row = ddb::from_item<client_row>(*got.item);
        if (!row) {
            std::fprintf(stderr, "client %lld does not map back\n", static_cast<long long>(rows.back().clientid));
            co_return 1;
        }
        std::printf("client %lld: %s, %d-%02d, %s\n", static_cast<long long>(row->clientid), row->name.c_str(),
                    row->year, row->month, row->status.c_str());
    }

    // The clients of a year and month, and of a year's first half, through the GSI.
    auto march_2022 = attr("year") == 2022 && attr("month") == 3;
    auto pages = db.query_pages({.table = o.table, .index = "by_date", .key_condition = march_2022});
    std::size_t n = 0;
    while (auto item = co_await pages.async_next()) {
        if (n < 3) std::printf("  2022-03: %s\n", item->at("name").s()->c_str());
        ++n;
    }
    std::printf("2022-03: %zu clients\n", n);
    auto first_half = attr("year") == 2023 && ddb::between(attr("month"), 1, 6);
    auto open = attr("status") == "open";
    auto half = co_await db.async_query(
        {.table = o.table, .index = "by_date", .key_condition = first_half, .filter = open, .select = ddb::select::count});
    std::printf("2023 H1: %lld open clients (%lld evaluated)\n", static_cast<long long>(half.count),
                static_cast<long long>(half.scanned_count));

    if (o.cleanup) {
        co_await db.async_delete_table({.table = o.table});
        co_await db.async_wait_table_not_exists({.table = o.table});
        std::printf("deleted %s\n", o.table.c_str());
    }
    co_return 0;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    if (const char* r = std::getenv("AWS_REGION")) o.region = r;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--from-postgres") o.postgres.url = value();
        else if (a == "--source-table") o.postgres.table = value();
        else if (a == "--create-source") o.postgres.create = true;
        else if (a == "--csv") o.csv = value();
        else if (a == "--rows") o.rows = std::stoul(value());
        else if (a == "--table") o.table = value();
        else if (a == "--endpoint") o.endpoint = value();
        else if (a == "--region") o.region = value();
        else if (a == "--cleanup") o.cleanup = o.postgres.drop_created = true;
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (o.region.empty()) o.region = "us-east-1";
    asio::io_context ioc;
    int status = 1;
    asio::co_spawn(ioc, migrate(o), [&](std::exception_ptr e, int rc) {
        if (!e) {
            status = rc;
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            std::fprintf(stderr, "failed: %s\n", x.what());
        }
    });
    ioc.run();
    return status;
}
