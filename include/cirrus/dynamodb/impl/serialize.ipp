#pragma once
// Definitions for dynamodb/detail/serialize.hpp.

#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/detail/placeholders.hpp>
#include <cirrus/dynamodb/detail/serialize.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb::detail {

namespace write_detail {

inline std::string_view scalar_name(scalar_type t) noexcept {
    return t == scalar_type::n ? "N" : t == scalar_type::b ? "B" : "S";
}
inline std::string_view return_values_name(return_values r) noexcept {
    switch (r) {
    case return_values::none: return "NONE";
    case return_values::all_old: return "ALL_OLD";
    case return_values::updated_old: return "UPDATED_OLD";
    case return_values::all_new: return "ALL_NEW";
    case return_values::updated_new: return "UPDATED_NEW";
    }
    return "NONE";
}
inline std::string_view select_name(select s) noexcept {
    switch (s) {
    case select::all_attributes: return "ALL_ATTRIBUTES";
    case select::all_projected_attributes: return "ALL_PROJECTED_ATTRIBUTES";
    case select::specific_attributes: return "SPECIFIC_ATTRIBUTES";
    case select::count: return "COUNT";
    default: return "";
    }
}

inline void key_schema(json_writer& w, const key_attribute& hash, const std::optional<key_attribute>& range) {
    w.key("KeySchema");
    w.begin_array();
    w.begin_object();
    w.field("AttributeName", hash.name);
    w.field("KeyType", "HASH");
    w.end_object();
    if (range) {
        w.begin_object();
        w.field("AttributeName", range->name);
        w.field("KeyType", "RANGE");
        w.end_object();
    }
    w.end_array();
}

inline void provisioned(json_writer& w, const throughput& t) {
    w.key("ProvisionedThroughput");
    w.begin_object();
    w.field("ReadCapacityUnits", t.read_capacity_units);
    w.field("WriteCapacityUnits", t.write_capacity_units);
    w.end_object();
}

inline void projection(json_writer& w, const index_projection& p) {
    w.key("Projection");
    w.begin_object();
    w.field("ProjectionType", p.type == projection_type::keys_only ? "KEYS_ONLY"
                              : p.type == projection_type::include ? "INCLUDE"
                                                                   : "ALL");
    if (p.type == projection_type::include) {
        w.key("NonKeyAttributes");
        w.begin_array();
        for (auto a : p.non_key_attributes) w.string(a);
        w.end_array();
    }
    w.end_object();
}

inline void gsi(json_writer& w, const global_secondary_index& g) {
    w.begin_object();
    w.field("IndexName", g.name);
    key_schema(w, g.hash_key, g.range_key);
    projection(w, g.projection);
    if (g.provisioned) provisioned(w, *g.provisioned);
    w.end_object();
}

// The attribute definitions of every key of the table and its indexes, each name once.
inline void attribute_definitions(json_writer& w, const create_table_request& r) {
    std::vector<key_attribute> defs;
    auto add = [&](const key_attribute& k) {
        for (const auto& d : defs)
            if (d.name == k.name) return;
        defs.push_back(k);
    };
    add(r.hash_key);
    if (r.range_key) add(*r.range_key);
    for (const auto& g : r.global_indexes) {
        add(g.hash_key);
        if (g.range_key) add(*g.range_key);
    }
    for (const auto& l : r.local_indexes) add(l.range_key);
    w.key("AttributeDefinitions");
    w.begin_array();
    for (const auto& d : defs) {
        w.begin_object();
        w.field("AttributeName", d.name);
        w.field("AttributeType", scalar_name(d.type));
        w.end_object();
    }
    w.end_array();
}

inline void table_only(std::string& out, std::string_view table) {
    json_writer w(out);
    w.begin_object();
    w.field("TableName", table);
    w.end_object();
}

inline void return_on_failure(json_writer& w, bool on) {
    if (on) w.field("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
}

inline void parameters(json_writer& w, list_view<attribute_value> ps) {
    if (ps.empty()) return;
    w.key("Parameters");
    w.begin_array();
    for (const auto& p : ps) w.value(p);
    w.end_array();
}

} // namespace write_detail

CIRRUS_DECL void write(std::string& out, const create_table_request& r) {
    using namespace write_detail;
    json_writer w(out);
    w.begin_object();
    w.field("TableName", r.table);
    attribute_definitions(w, r);
    key_schema(w, r.hash_key, r.range_key);
    if (r.billing == billing_mode::pay_per_request) {
        w.field("BillingMode", "PAY_PER_REQUEST");
    } else {
        w.field("BillingMode", "PROVISIONED");
        provisioned(w, r.provisioned.value_or(throughput{5, 5}));
    }
    if (!r.global_indexes.empty()) {
        w.key("GlobalSecondaryIndexes");
        w.begin_array();
        for (const auto& g : r.global_indexes) gsi(w, g);
        w.end_array();
    }
    if (!r.local_indexes.empty()) {
        w.key("LocalSecondaryIndexes");
        w.begin_array();
        for (const auto& l : r.local_indexes) {
            w.begin_object();
            w.field("IndexName", l.name);
            key_schema(w, r.hash_key, l.range_key);
            projection(w, l.projection);
            w.end_object();
        }
        w.end_array();
    }
    if (r.stream != stream_view_type::none) {
        w.key("StreamSpecification");
        w.begin_object();
        w.field_bool("StreamEnabled", true);
        w.field("StreamViewType", r.stream == stream_view_type::keys_only   ? "KEYS_ONLY"
                                  : r.stream == stream_view_type::new_image ? "NEW_IMAGE"
                                  : r.stream == stream_view_type::old_image ? "OLD_IMAGE"
                                                                            : "NEW_AND_OLD_IMAGES");
        w.end_object();
    }
    if (r.deletion_protection) w.field_bool("DeletionProtectionEnabled", true);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const describe_table_request& r) { write_detail::table_only(out, r.table); }
CIRRUS_DECL void write(std::string& out, const delete_table_request& r) { write_detail::table_only(out, r.table); }
CIRRUS_DECL void write(std::string& out, const describe_time_to_live_request& r) {
    write_detail::table_only(out, r.table);
}

CIRRUS_DECL void write(std::string& out, const update_table_request& r) {
    using namespace write_detail;
    json_writer w(out);
    w.begin_object();
    w.field("TableName", r.table);
    if (r.billing)
        w.field("BillingMode", *r.billing == billing_mode::pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED");
    if (r.provisioned) provisioned(w, *r.provisioned);
    if (!r.create_global_indexes.empty()) {
        std::vector<key_attribute> defs;
        for (const auto& g : r.create_global_indexes) {
            defs.push_back(g.hash_key);
            if (g.range_key) defs.push_back(*g.range_key);
        }
        w.key("AttributeDefinitions");
        w.begin_array();
        for (std::size_t i = 0; i < defs.size(); ++i) {
            bool seen = false;
            for (std::size_t j = 0; j < i; ++j) seen = seen || defs[j].name == defs[i].name;
            if (seen) continue;
            w.begin_object();
            w.field("AttributeName", defs[i].name);
            w.field("AttributeType", scalar_name(defs[i].type));
            w.end_object();
        }
        w.end_array();
    }
    if (!r.create_global_indexes.empty() || !r.delete_global_indexes.empty()) {
        w.key("GlobalSecondaryIndexUpdates");
        w.begin_array();
        for (const auto& g : r.create_global_indexes) {
            w.begin_object();
            w.key("Create");
            gsi(w, g);
            w.end_object();
        }
        for (auto name : r.delete_global_indexes) {
            w.begin_object();
            w.key("Delete");
            w.begin_object();
            w.field("IndexName", name);
            w.end_object();
            w.end_object();
        }
        w.end_array();
    }
    if (r.deletion_protection) w.field_bool("DeletionProtectionEnabled", *r.deletion_protection);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const list_tables_request& r) {
    json_writer w(out);
    w.begin_object();
    if (!r.exclusive_start_table.empty()) w.field("ExclusiveStartTableName", r.exclusive_start_table);
    if (r.limit) w.field("Limit", *r.limit);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const update_time_to_live_request& r) {
    json_writer w(out);
    w.begin_object();
    w.field("TableName", r.table);
    w.key("TimeToLiveSpecification");
    w.begin_object();
    w.field("AttributeName", r.attribute);
    w.field_bool("Enabled", r.enabled);
    w.end_object();
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const put_item_request& r) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    w.key("Item");
    w.map(r.item ? *r.item.get() : item{});
    p.field(w, "ConditionExpression", r.condition);
    p.write_maps(w);
    if (r.returns != return_values::none) w.field("ReturnValues", write_detail::return_values_name(r.returns));
    write_detail::return_on_failure(w, r.return_old_item_on_condition_failure);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const get_item_request& r) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    w.key("Key");
    w.map(r.key ? *r.key.get() : item{});
    p.field(w, "ProjectionExpression", r.projection);
    p.write_maps(w);
    if (r.consistent_read) w.field_bool("ConsistentRead", true);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const update_item_request& r) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    w.key("Key");
    w.map(r.key ? *r.key.get() : item{});
    p.field(w, "UpdateExpression", r.update);
    p.field(w, "ConditionExpression", r.condition);
    p.write_maps(w);
    if (r.returns != return_values::none) w.field("ReturnValues", write_detail::return_values_name(r.returns));
    write_detail::return_on_failure(w, r.return_old_item_on_condition_failure);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const delete_item_request& r) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    w.key("Key");
    w.map(r.key ? *r.key.get() : item{});
    p.field(w, "ConditionExpression", r.condition);
    p.write_maps(w);
    if (r.returns != return_values::none) w.field("ReturnValues", write_detail::return_values_name(r.returns));
    write_detail::return_on_failure(w, r.return_old_item_on_condition_failure);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const query_request& r) { write(out, r, std::string_view()); }

CIRRUS_DECL void write(std::string& out, const query_request& r, std::string_view start_key) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    if (!r.index.empty()) w.field("IndexName", r.index);
    p.field(w, "KeyConditionExpression", r.key_condition);
    p.field(w, "FilterExpression", r.filter);
    p.field(w, "ProjectionExpression", r.projection);
    p.write_maps(w);
    if (r.consistent_read) w.field_bool("ConsistentRead", true);
    if (!r.scan_forward) w.field_bool("ScanIndexForward", false);
    if (r.limit) w.field("Limit", *r.limit);
    if (r.select != select::automatic) w.field("Select", write_detail::select_name(r.select));
    if (!start_key.empty()) {
        w.key("ExclusiveStartKey");
        w.raw(start_key);
    } else if (!r.exclusive_start_key.empty()) {
        w.key("ExclusiveStartKey");
        w.map(*r.exclusive_start_key.get());
    }
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const scan_request& r) { write(out, r, std::string_view()); }

CIRRUS_DECL void write(std::string& out, const scan_request& r, std::string_view start_key) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.field("TableName", r.table);
    if (!r.index.empty()) w.field("IndexName", r.index);
    p.field(w, "FilterExpression", r.filter);
    p.field(w, "ProjectionExpression", r.projection);
    p.write_maps(w);
    if (r.consistent_read) w.field_bool("ConsistentRead", true);
    if (r.limit) w.field("Limit", *r.limit);
    if (r.select != select::automatic) w.field("Select", write_detail::select_name(r.select));
    if (r.segment) w.field("Segment", *r.segment);
    if (r.total_segments) w.field("TotalSegments", *r.total_segments);
    if (!start_key.empty()) {
        w.key("ExclusiveStartKey");
        w.raw(start_key);
    } else if (!r.exclusive_start_key.empty()) {
        w.key("ExclusiveStartKey");
        w.map(*r.exclusive_start_key.get());
    }
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const transact_write_request& r, std::string_view token) {
    json_writer w(out);
    w.begin_object();
    w.key("TransactItems");
    w.begin_array();
    for (const auto& t : r.items) {
        placeholders p;
        w.begin_object();
        w.key(t.action == transact_action::put           ? "Put"
              : t.action == transact_action::update      ? "Update"
              : t.action == transact_action::delete_item ? "Delete"
                                                         : "ConditionCheck");
        w.begin_object();
        w.field("TableName", t.table);
        if (t.action == transact_action::put) {
            w.key("Item");
            w.map(t.item ? *t.item.get() : item{});
        } else {
            w.key("Key");
            w.map(t.key ? *t.key.get() : item{});
        }
        if (t.action == transact_action::update) p.field(w, "UpdateExpression", t.update);
        p.field(w, "ConditionExpression", t.condition);
        p.write_maps(w);
        write_detail::return_on_failure(w, t.return_old_item_on_condition_failure);
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.field("ClientRequestToken", r.client_request_token.empty() ? token : r.client_request_token);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const transact_get_request& r) {
    json_writer w(out);
    w.begin_object();
    w.key("TransactItems");
    w.begin_array();
    for (const auto& t : r.items) {
        placeholders p;
        w.begin_object();
        w.key("Get");
        w.begin_object();
        w.field("TableName", t.table);
        w.key("Key");
        w.map(t.key ? *t.key.get() : item{});
        p.field(w, "ProjectionExpression", t.projection);
        p.write_maps(w);
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const execute_statement_request& r) {
    json_writer w(out);
    w.begin_object();
    w.field("Statement", r.statement);
    write_detail::parameters(w, r.parameters);
    if (r.consistent_read) w.field_bool("ConsistentRead", true);
    if (!r.next_token.empty()) w.field("NextToken", r.next_token);
    if (r.limit) w.field("Limit", *r.limit);
    w.end_object();
}

CIRRUS_DECL void write(std::string& out, const batch_execute_statement_request& r) {
    json_writer w(out);
    w.begin_object();
    w.key("Statements");
    w.begin_array();
    for (const auto& s : r.statements) {
        w.begin_object();
        w.field("Statement", s.statement);
        write_detail::parameters(w, s.parameters);
        if (s.consistent_read) w.field_bool("ConsistentRead", true);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

CIRRUS_DECL void write_batch_write(std::string& out, std::string_view table, std::span<const item* const> puts,
                                   std::span<const item* const> deletes) {
    json_writer w(out);
    w.begin_object();
    w.key("RequestItems");
    w.begin_object();
    w.key(table);
    w.begin_array();
    for (const item* i : puts) {
        w.begin_object();
        w.key("PutRequest");
        w.begin_object();
        w.key("Item");
        w.map(*i);
        w.end_object();
        w.end_object();
    }
    for (const item* k : deletes) {
        w.begin_object();
        w.key("DeleteRequest");
        w.begin_object();
        w.key("Key");
        w.map(*k);
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.end_object();
}

CIRRUS_DECL void write_batch_get(std::string& out, const batch_get_request& r, std::span<const item* const> keys) {
    json_writer w(out);
    placeholders p;
    w.begin_object();
    w.key("RequestItems");
    w.begin_object();
    w.key(r.table);
    w.begin_object();
    w.key("Keys");
    w.begin_array();
    for (const item* k : keys) w.map(*k);
    w.end_array();
    p.field(w, "ProjectionExpression", r.projection);
    p.write_maps(w);
    if (r.consistent_read) w.field_bool("ConsistentRead", true);
    w.end_object();
    w.end_object();
    w.end_object();
}

} // namespace cirrus::dynamodb::detail
