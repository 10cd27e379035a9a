#pragma once
// The typed operations of dynamodb::client: GetItem into a described struct, PutItem of
// one (under a condition), UpdateItem with its new item read into one, DeleteItem by key,
// and Query and Scan pages into a std::vector of them, without an intermediate
// dynamodb::item.
//
//   #include <cirrus/dynamodb/typed.hpp>
//   struct row_key { std::string pk; std::int64_t sk = 0; };
//   BOOST_DESCRIBE_STRUCT(row_key, (), (pk, sk))
//
//   co_await db.async_put("clients", row);                    // PutItem of a described struct
//   bool found = co_await db.async_get("clients", row_key{"a", 1}, row);  // GetItem into it
//   co_await db.async_update("clients", row_key{"a", 1}, ddb::update().increment(attr("visits"), 1), row);
//   bool existed = co_await db.async_delete("clients", row_key{"a", 1});
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
#include <cirrus/dynamodb/detail/placeholders.hpp>
#include <cirrus/dynamodb/detail/typed_writer.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb::detail {

// ConditionExpression with its placeholders, and ReturnValuesOnConditionCheckFailure.
inline void write_condition(json_writer& w, const expression_view& condition, bool return_old) {
    placeholders p;
    p.field(w, "ConditionExpression", condition);
    p.write_maps(w);
    if (return_old) w.field("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
}

// The opening every request by key shares: {"TableName": table, "Key": key (a described
// struct or an item).
template <class Key>
void begin_keyed(json_writer& w, std::string_view table, const Key& key) {
    w.begin_object();
    w.field("TableName", table);
    w.key("Key");
    write_typed_key(w, key);
}

// DeleteItem with ReturnValues ALL_OLD (whether an item was there, read without reading the
// item), a condition when o is not null. Key: a described struct or an item.
template <class Key>
struct typed_delete_codec {
    static void write(std::string& out, std::string_view table, const Key& key, const delete_options* o) {
        json_writer w(out);
        begin_keyed(w, table, key);
        if (o != nullptr) write_condition(w, o->condition, false);
        w.field("ReturnValues", "ALL_OLD");
        w.end_object();
    }
    static error_code parse(typed_reader& reader, std::string& body, void*, bool& found) {
        return reader.has_attributes(body, found);
    }
};

template <class T>
struct typed_codec {
    static_assert(described<T>, "the typed operations read and write structs described with BOOST_DESCRIBE_STRUCT");

    template <class Key>
    static void write_get(std::string& out, std::string_view table, const Key& key, const get_options& o) {
        json_writer w(out);
        begin_keyed(w, table, key);
        if (o.consistent_read) w.field_bool("ConsistentRead", true);
        w.end_object();
    }

    // PutItem, with a condition when o is not null; return_old: the item as it was on a
    // failed condition (ReturnValuesOnConditionCheckFailure).
    static void write_put(std::string& out, std::string_view table, const T& v, const put_options* o = nullptr,
                          bool return_old = false) {
        json_writer w(out);
        w.begin_object();
        w.field("TableName", table);
        w.key("Item");
        write_typed_item(w, v);
        if (o != nullptr) write_condition(w, o->condition, return_old);
        w.end_object();
    }

    // UpdateItem with ReturnValues ALL_NEW: the update's and the condition's placeholders
    // numbered together.
    template <class Key>
    static void write_update(std::string& out, std::string_view table, const Key& key, const update& u,
                             const update_options* o) {
        json_writer w(out);
        placeholders p;
        begin_keyed(w, table, key);
        if (!u.empty()) p.field(w, "UpdateExpression", u.expr());
        if (o != nullptr) p.field(w, "ConditionExpression", o->condition);
        p.write_maps(w);
        w.field("ReturnValues", "ALL_NEW");
        if (o != nullptr && o->return_old_item_on_condition_failure)
            w.field("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
        w.end_object();
    }

    static error_code parse_get(typed_reader& reader, std::string& body, void* out, bool& found) {
        return reader.get_item(body, *static_cast<T*>(out), found);
    }

    // The new item of an UpdateItem (ReturnValues ALL_NEW).
    static error_code parse_attributes(typed_reader& reader, std::string& body, void* out, bool& found) {
        return reader.attributes(body, *static_cast<T*>(out), found);
    }

    static error_code parse_page(typed_reader& reader, std::string& body, void* items, std::int64_t& count,
                                 std::int64_t& scanned_count, std::string& last_key) {
        return reader.query_page(body, *static_cast<std::vector<T>*>(items), count, scanned_count, last_key);
    }
};

} // namespace cirrus::dynamodb::detail
