#pragma once
// The control plane: tables, indexes, time to live, and the waiters.
//
// Requests are views (see core/views.hpp): aggregates of string_views, list_views,
// numbers and enums, copied by the client when the operation starts. Results own their
// data.

#include <cirrus/core/views.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb {

enum class key_type { hash, range };
enum class scalar_type { s, n, b };
enum class billing_mode { pay_per_request, provisioned };
enum class projection_type { all, keys_only, include };
enum class table_status { creating, updating, deleting, active, archiving, archived, inaccessible, unknown };
enum class stream_view_type { none, keys_only, new_image, old_image, new_and_old_images };

// A key attribute: its name and scalar type.
struct key_attribute {
    std::string_view name = {};
    scalar_type type = scalar_type::s;
};

struct throughput {
    std::int64_t read_capacity_units = 0;
    std::int64_t write_capacity_units = 0;
};

struct index_projection {
    projection_type type = projection_type::all;
    list_view<std::string_view> non_key_attributes = {}; // for projection_type::include
};

struct global_secondary_index {
    std::string_view name = {};
    key_attribute hash_key = {};
    std::optional<key_attribute> range_key = {};
    index_projection projection = {};
    std::optional<throughput> provisioned = {}; // with billing_mode::provisioned
};

struct local_secondary_index {
    std::string_view name = {};
    key_attribute range_key = {}; // the hash key is the table's
    index_projection projection = {};
};

// CreateTable. The attribute definitions are made from the keys of the table and its
// indexes.
struct create_table_request {
    std::string_view table = {};
    key_attribute hash_key = {};
    std::optional<key_attribute> range_key = {};
    billing_mode billing = billing_mode::pay_per_request;
    std::optional<throughput> provisioned = {}; // required with billing_mode::provisioned
    list_view<global_secondary_index> global_indexes = {};
    list_view<local_secondary_index> local_indexes = {};
    stream_view_type stream = stream_view_type::none;
    bool deletion_protection = false;
};

struct describe_table_request {
    std::string_view table = {};
};

struct delete_table_request {
    std::string_view table = {};
};

// UpdateTable: the billing mode, the provisioned throughput, and GSIs to create or delete.
struct update_table_request {
    std::string_view table = {};
    std::optional<billing_mode> billing = {};
    std::optional<throughput> provisioned = {};
    list_view<global_secondary_index> create_global_indexes = {};
    list_view<std::string_view> delete_global_indexes = {};
    std::optional<bool> deletion_protection = {};
};

// One page of ListTables; list_tables_pages() walks them all.
struct list_tables_request {
    std::string_view exclusive_start_table = {};
    std::optional<std::int32_t> limit = {}; // 1..100
};

struct update_time_to_live_request {
    std::string_view table = {};
    std::string_view attribute = {};
    bool enabled = true;
};

struct describe_time_to_live_request {
    std::string_view table = {};
};

// Waits until the table exists and is ACTIVE (and its indexes too), or until the table no
// longer exists, polling DescribeTable with exponential backoff between `min_delay` and
// `max_delay`; completes with errc::wait_timeout after `timeout`.
struct table_active_request {
    std::string_view table = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(50);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};
struct table_not_exists_request {
    std::string_view table = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(50);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};

// ------------------------------------------------------------------------------ results

struct key_schema_element {
    std::string name;
    key_type type = key_type::hash;
    friend bool operator==(const key_schema_element&, const key_schema_element&) = default;
};

struct attribute_definition {
    std::string name;
    scalar_type type = scalar_type::s;
    friend bool operator==(const attribute_definition&, const attribute_definition&) = default;
};

struct index_description {
    std::string name;
    std::vector<key_schema_element> key_schema;
    projection_type projection = projection_type::all;
    std::vector<std::string> non_key_attributes;
    std::string status; // GSIs: CREATING, ACTIVE, ...
    std::int64_t item_count = 0;
    throughput provisioned = {};
};

struct table_description {
    std::string name;
    std::string arn;
    std::string id;
    table_status status = table_status::unknown;
    std::vector<key_schema_element> key_schema;
    std::vector<attribute_definition> attribute_definitions;
    billing_mode billing = billing_mode::provisioned;
    throughput provisioned = {};
    std::int64_t item_count = 0;
    std::int64_t size_bytes = 0;
    std::vector<index_description> global_indexes;
    std::vector<index_description> local_indexes;
    bool deletion_protection = false;

    // The name of the hash (partition) and range (sort) key; empty when there is none.
    std::string_view hash_key() const noexcept { return key_of(key_type::hash); }
    std::string_view range_key() const noexcept { return key_of(key_type::range); }

private:
    std::string_view key_of(key_type t) const noexcept {
        for (const auto& k : key_schema)
            if (k.type == t) return k.name;
        return {};
    }
};

using create_table_result = table_description;
using describe_table_result = table_description;
using update_table_result = table_description;
using delete_table_result = table_description;

struct list_tables_result {
    std::vector<std::string> tables;
    std::string last_evaluated_table; // empty on the last page
};

struct time_to_live_result {
    std::string attribute;
    std::string status; // ENABLED, DISABLED, ENABLING, DISABLING (DescribeTimeToLive)
    bool enabled = false;
};
using update_time_to_live_result = time_to_live_result;
using describe_time_to_live_result = time_to_live_result;

struct wait_result {
    unsigned attempts = 0;                  // DescribeTable calls made
    std::optional<table_description> table; // the last description (table_active)
};

} // namespace cirrus::dynamodb
