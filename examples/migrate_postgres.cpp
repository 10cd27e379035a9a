// The PostgreSQL (or Redshift) side of dynamodb_migrate: reads the source table as typed
// rows, matched to client_row's members by column name.

#include "migrate_rows.hpp"

#include <cirrus/postgres/postgres.hpp>

#include <boost/asio/this_coro.hpp>

#include <cstdio>
#include <stdexcept>

namespace asio = boost::asio;
namespace pg = cirrus::postgres;

namespace {

// A table name as a quoted identifier (pg::quote_identifier); only plain names are
// accepted here.
std::string quoted_table(const std::string& name) {
    const bool plain = !name.empty() && name.size() < 64 &&
                       name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!plain) throw std::invalid_argument("--source-table: use lower-case letters, digits and _");
    return pg::quote_identifier(name);
}

} // namespace

asio::awaitable<std::vector<client_row>> read_postgres(const postgres_source& source,
                                                       const std::vector<client_row>& seed) {
    pg::connection conn(co_await asio::this_coro::executor);
    co_await conn.async_connect(source.url);
    const std::string table = quoted_table(source.table);
    pg::results res;
    if (source.create) {
        const std::string create = "drop table if exists " + table + "; create table " + table +
                                   " (clientid bigint primary key, name text not null, year int not null,"
                                   " month int not null, status text not null)";
        co_await conn.async_query(create, res);
        // Every insert is sent before any answer is read: one round trip for the batch,
        // which is one transaction (one Sync at its end).
        const std::string insert = "insert into " + table + " values ($1, $2, $3, $4, $5)";
        pg::pipeline batch;
        for (const auto& r : seed) batch.add(insert, r.clientid, r.name, r.year, r.month, r.status);
        pg::pipeline_results inserted;
        co_await conn.async_run_pipeline(batch, inserted);
        std::printf("created %s with %zu rows in postgres\n", source.table.c_str(), inserted.size());
    }
    std::vector<client_row> rows;
    const std::string select = "select clientid, name, year, month, status from " + table + " order by clientid";
    co_await conn.async_query(select, rows);
    std::printf("read %zu rows from postgres\n", rows.size());
    if (source.create && source.drop_created) {
        const std::string drop = "drop table " + table;
        co_await conn.async_query(drop, res);
    }
    co_await conn.async_close();
    co_return rows;
}
