#pragma once
// The rows dynamodb_migrate moves, and where they come from when the source is a
// PostgreSQL or Redshift table (examples/migrate_postgres.cpp, its own translation unit so
// that dynamodb_migrate.cpp includes the DynamoDB client alone).

#include <boost/asio/awaitable.hpp>
#include <boost/describe/class.hpp>

#include <cstdint>
#include <string>
#include <vector>

// One row of the source table; Boost.Describe names the fields for both mappings (columns
// by name in PostgreSQL, attributes in DynamoDB).
struct client_row {
    std::int64_t clientid = 0;
    std::string name;
    int year = 0;
    int month = 0;
    std::string status;
};
BOOST_DESCRIBE_STRUCT(client_row, (), (clientid, name, year, month, status))

struct postgres_source {
    std::string url;                // a libpq URI or connection string
    std::string table = "clients";  // lower-case letters, digits and _
    bool create = false;            // create and fill the table first
    bool drop_created = false;      // drop it again after reading (with create)
};

// The rows of source.table, by clientid. With source.create, the table is created first
// and filled with `seed` in one pipelined batch.
boost::asio::awaitable<std::vector<client_row>> read_postgres(const postgres_source& source,
                                                              const std::vector<client_row>& seed);
