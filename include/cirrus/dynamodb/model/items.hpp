#pragma once
// The data plane: single items, Query and Scan.
//
// Items and keys are named by item_view, expressions by expression_view: views the
// client copies when the operation starts, like every field of a request.

#include <cirrus/core/views.hpp>
#include <cirrus/dynamodb/attribute_value.hpp>
#include <cirrus/dynamodb/expression.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb {

// ReturnValues of PutItem, UpdateItem and DeleteItem.
enum class return_values { none, all_old, updated_old, all_new, updated_new };
// Select of Query and Scan.
enum class select { automatic, all_attributes, all_projected_attributes, specific_attributes, count };

struct put_item_request {
    std::string_view table = {};
    item_view item = {};
    expression_view condition = {};
    return_values returns = return_values::none; // none or all_old
    // On a failed condition, the item as it was (in put_item_result::attributes).
    bool return_old_item_on_condition_failure = false;
};

struct get_item_request {
    std::string_view table = {};
    item_view key = {};
    expression_view projection = {};
    bool consistent_read = false;
};

// Options of the typed GetItem (client::async_get, dynamodb/typed.hpp).
struct get_options {
    bool consistent_read = false;
};

// Options of the typed PutItem (client::async_put(table, value, options, ...)). The
// condition is read when the operation is started; a named one, as in put_item_request.
// The item as it was on a failed condition is asked for by the overload with a struct to
// read it into (client::async_put(table, value, options, old, ...)).
struct put_options {
    expression_view condition = {};
};

// Options of the typed DeleteItem (client::async_delete(table, key, options, ...)).
struct delete_options {
    expression_view condition = {};
};

// Options of the typed UpdateItem (client::async_update(table, key, update, out, options,
// ...)): its condition, and whether a failed condition reads the item as it was into `out`.
struct update_options {
    expression_view condition = {};
    bool return_old_item_on_condition_failure = false;
};

struct update_item_request {
    std::string_view table = {};
    item_view key = {};
    expression_view update = {};
    expression_view condition = {};
    return_values returns = return_values::none;
    bool return_old_item_on_condition_failure = false;
};

struct delete_item_request {
    std::string_view table = {};
    item_view key = {};
    expression_view condition = {};
    return_values returns = return_values::none; // none or all_old
    bool return_old_item_on_condition_failure = false;
};

// Query: the items of one partition (of the table or an index) that match the key
// condition, in sort-key order. query_pages() walks every page.
struct query_request {
    std::string_view table = {};
    std::string_view index = {};
    expression_view key_condition = {};
    expression_view filter = {};
    expression_view projection = {};
    bool consistent_read = false;
    bool scan_forward = true;
    std::optional<std::int32_t> limit = {}; // items evaluated per page
    dynamodb::select select = dynamodb::select::automatic;
    item_view exclusive_start_key = {};
};

// Scan: every item of the table or index, optionally one segment of a parallel scan.
struct scan_request {
    std::string_view table = {};
    std::string_view index = {};
    expression_view filter = {};
    expression_view projection = {};
    bool consistent_read = false;
    std::optional<std::int32_t> limit = {};
    dynamodb::select select = dynamodb::select::automatic;
    item_view exclusive_start_key = {};
    std::optional<std::int32_t> segment = {};
    std::optional<std::int32_t> total_segments = {};
};

// A Scan of every segment at once (total_segments Scans in flight, each walking its
// pages); the items of all segments, in no particular order.
struct parallel_scan_request {
    scan_request scan = {};
    std::int32_t total_segments = 4;
};

// ------------------------------------------------------------------------------ results

struct consumed_capacity {
    double capacity_units = 0;
};

// attributes: what ReturnValues asked for; after a failed condition with
// return_old_item_on_condition_failure, the item as it was.
struct put_item_result {
    item attributes;
};
struct update_item_result {
    item attributes;
};
struct delete_item_result {
    item attributes;
};

struct get_item_result {
    std::optional<dynamodb::item> item; // nullopt: no item has the key
};

struct query_result {
    std::vector<item> items;
    std::int64_t count = 0;         // items returned (after the filter); with select::count, the count
    std::int64_t scanned_count = 0; // items evaluated (before the filter)
    item last_evaluated_key;        // empty on the last page
    bool more() const noexcept { return !last_evaluated_key.empty(); }
};
using scan_result = query_result;
using parallel_scan_result = query_result;

// What a page of a typed Query or Scan (client::async_query(request, std::vector<T>&),
// dynamodb/typed.hpp) says beside its items.
struct page_info {
    std::int64_t count = 0;         // items returned (after the filter)
    std::int64_t scanned_count = 0; // items evaluated (before the filter)
    item last_evaluated_key;        // empty on the last page; the next request's exclusive_start_key
    bool more() const noexcept { return !last_evaluated_key.empty(); }
};

} // namespace cirrus::dynamodb
