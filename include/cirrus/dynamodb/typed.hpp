#pragma once
// The typed operations of dynamodb::client: GetItem into a described struct, PutItem of
// one, and Query and Scan pages into a std::vector of them, without an intermediate
// dynamodb::item.
//
//   #include <cirrus/dynamodb/typed.hpp>
//   struct row_key { std::string pk; std::int64_t sk = 0; };
//   BOOST_DESCRIBE_STRUCT(row_key, (), (pk, sk))
//
//   co_await db.async_put("clients", row);                    // PutItem of a described struct
//   bool found = co_await db.async_get("clients", row_key{"a", 1}, row);  // GetItem into it
//   auto page = co_await db.async_query({.table = "clients", .key_condition = k}, rows);  // one page
//   auto pages = db.query_pages<row>({.table = "clients", .key_condition = k});            // every page
//
// The request's JSON is written when the operation is started (the table, the key, the
// struct and the Query or Scan request are read then, so temporaries are fine with every
// token), into a buffer the client keeps for its later operations; the response is read
// into the caller's struct or vector with typed_reader, whose strings keep their storage.
// A steady stream of typed GetItems of a struct of fixed size makes no heap allocation in
// cirrus (docs/dynamodb.md).
//
// This header includes <simdjson.h>; include it where the typed operations are called.

#include <cirrus/dynamodb/client.hpp>
#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/detail/typed_writer.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb::detail {

template <class T>
struct typed_codec {
    static_assert(described<T>, "the typed operations read and write structs described with BOOST_DESCRIBE_STRUCT");

    template <class Key>
    static void write_get(std::string& out, std::string_view table, const Key& key, const get_options& o) {
        json_writer w(out);
        w.begin_object();
        w.field("TableName", table);
        w.key("Key");
        write_typed_key(w, key);
        if (o.consistent_read) w.field_bool("ConsistentRead", true);
        w.end_object();
    }

    static void write_put(std::string& out, std::string_view table, const T& v) {
        json_writer w(out);
        w.begin_object();
        w.field("TableName", table);
        w.key("Item");
        write_typed_item(w, v);
        w.end_object();
    }

    static error_code parse_get(typed_reader& reader, std::string& body, void* out, bool& found) {
        return reader.get_item(body, *static_cast<T*>(out), found);
    }

    static error_code parse_page(typed_reader& reader, std::string& body, void* items, std::int64_t& count,
                                 std::int64_t& scanned_count, std::string& last_key) {
        return reader.query_page(body, *static_cast<std::vector<T>*>(items), count, scanned_count, last_key);
    }
};

} // namespace cirrus::dynamodb::detail
