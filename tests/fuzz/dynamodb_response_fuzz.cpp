// Fuzzes the DynamoDB response reader: every response parser of the client (items,
// attributes, Query/Scan pages, table descriptions, ListTables, time to live, batch write
// and get, transactions, PartiQL, error details) on the same input. Any input must parse
// (dynamodb::typed_reader too, into a struct of every mapped type) or fail with
// errc::malformed_response (or errc::validation, typed); never crash, hang or read out of
// bounds. An item that parses is written back and must read back the same.

#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>

#include <boost/describe/class.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dd = cirrus::dynamodb::detail;
namespace ddb = cirrus::dynamodb;

namespace {
enum class level { low = 0, high = 1 };
struct inner {
    std::string s;
    std::optional<std::int32_t> n;
};
BOOST_DESCRIBE_STRUCT(inner, (), (s, n))
struct row {
    std::string s;
    std::int64_t n = 0;
    double d = 0;
    bool b = false;
    level e = level::low;
    ddb::bytes bin;
    std::optional<std::string> opt;
    std::vector<inner> list;
    std::set<std::string> set;
    std::map<std::string, std::uint8_t> map;
    inner nested;
};
BOOST_DESCRIBE_STRUCT(row, (), (s, n, d, b, e, bin, opt, list, set, map, nested))
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    dd::json_reader r;
    auto fresh = [&] { return std::string(input); };
    {
        std::string body = fresh();
        ddb::item i;
        if (!r.parse_item(body, i)) {
            std::string json;
            dd::json_writer w(json);
            w.map(i);
            ddb::item back;
            if (r.parse_item(json, back) || !(back == i)) std::abort();
        }
    }
    {
        std::string body = fresh();
        ddb::attribute_value v;
        (void)r.parse_value(body, v);
    }
    {
        std::string body = fresh();
        ddb::get_item_result g;
        (void)r.get_item(body, g);
    }
    {
        std::string body = fresh();
        ddb::item a;
        (void)r.attributes(body, a);
    }
    {
        std::string body = fresh();
        ddb::query_result q;
        (void)r.query(body, q);
    }
    {
        std::string body = fresh();
        ddb::table_description t;
        (void)r.table(body, t);
    }
    {
        std::string body = fresh();
        ddb::list_tables_result l;
        (void)r.list_tables(body, l);
    }
    {
        std::string body = fresh();
        ddb::time_to_live_result t;
        (void)r.time_to_live(body, t);
    }
    {
        std::string body = fresh();
        dd::unprocessed_writes u;
        (void)r.batch_write(body, "t", u);
    }
    {
        std::string body = fresh();
        std::vector<ddb::item> items, keys;
        (void)r.batch_get(body, "t", items, keys);
    }
    {
        std::string body = fresh();
        ddb::transact_get_result t;
        (void)r.transact_get(body, t);
    }
    {
        std::string body = fresh();
        ddb::execute_statement_result e;
        (void)r.execute_statement(body, e);
    }
    {
        std::string body = fresh();
        ddb::batch_execute_statement_result b;
        (void)r.batch_execute_statement(body, b);
    }
    {
        std::string body = fresh();
        dd::error_details d;
        (void)r.error(body, d);
    }
    {
        ddb::typed_reader t;
        std::string body = fresh();
        std::vector<row> rows;
        std::int64_t count = 0;
        (void)t.query_items(body, rows, &count, &count);
        body = fresh();
        bool found = false;
        if (rows.empty()) rows.emplace_back();
        (void)t.get_item(body, rows.front(), found);
    }
    return 0;
}
