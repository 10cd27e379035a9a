#pragma once
// Definitions for dynamodb/detail/json_reader.hpp.

#include <cirrus/core/base64.hpp>
#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/errors.hpp>

#include <simdjson.h>

#include <string>
#include <string_view>

namespace cirrus::dynamodb::detail {

namespace od = simdjson::ondemand;

struct json_reader::impl {
    od::parser parser;
};

namespace json {

inline error_code bad() noexcept { return make_error_code(errc::malformed_response); }

inline simdjson::padded_string_view padded(std::string& body) {
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING)
        body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

inline bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A JSON string into `out`: straight from the input when it has no escapes.
inline error_code read_string(od::value v, std::string& out) {
    std::string_view tok = v.raw_json_token();
    while (!tok.empty() && is_space(tok.back())) tok.remove_suffix(1);
    if (tok.size() >= 2 && tok.front() == '"' && tok.back() == '"' && tok.find('\\') == std::string_view::npos) {
        out.assign(tok.data() + 1, tok.size() - 2);
        return {};
    }
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return bad();
    out.assign(s);
    return {};
}

inline error_code read_base64(od::value v, std::string& out) {
    std::string text;
    if (auto ec = read_string(v, text)) return ec;
    auto bytes = cirrus::base64::decode(text);
    if (!bytes) return bad();
    out = std::move(*bytes);
    return {};
}

inline error_code read_int(od::value v, std::int64_t& out) {
    if (v.get_int64().get(out) != simdjson::SUCCESS) return bad();
    return {};
}

inline error_code read_bool(od::value v, bool& out) {
    if (v.get_bool().get(out) != simdjson::SUCCESS) return bad();
    return {};
}

// Calls f(key, value) for each field of an object; f returns an error_code.
template <class F>
error_code for_each_field(od::value v, F&& f) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return bad();
    for (auto field_result : obj) {
        od::field field;
        if (std::move(field_result).get(field) != simdjson::SUCCESS) return bad();
        // A key without escapes is read in place (attribute names are copied once, into
        // the item); others are unescaped by simdjson. The document's strings are closed
        // (simdjson checked that before iterating), so the scan ends at the quote.
        std::string_view key;
        const char* first = field.key().raw();
        const char* last = first;
        while (*last != '"' && *last != '\\') ++last;
        if (*last == '"') key = std::string_view(first, static_cast<std::size_t>(last - first));
        else if (field.unescaped_key().get(key) != simdjson::SUCCESS) return bad();
        if (auto ec = f(key, field.value())) return ec;
    }
    return {};
}

// Calls f(value) for each element of an array.
template <class F>
error_code for_each_element(od::value v, F&& f) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return bad();
    for (auto element_result : arr) {
        od::value element;
        if (std::move(element_result).get(element) != simdjson::SUCCESS) return bad();
        if (auto ec = f(element)) return ec;
    }
    return {};
}

inline error_code read_map(od::value v, item& out, int depth);

inline error_code read_value(od::value v, attribute_value& out, int depth) {
    if (depth > max_depth) return bad();
    bool seen = false;
    return for_each_field(v,
                          [&](std::string_view type, od::value val) -> error_code {
                              if (seen) return bad(); // one type per value
                              seen = true;
                              if (type == "S") return read_string(val, out.emplace_scalar(attribute_type::s));
                              if (type == "N") return read_string(val, out.emplace_scalar(attribute_type::n));
                              if (type == "B") return read_base64(val, out.emplace_scalar(attribute_type::b));
                              if (type == "BOOL") {
                                  bool b = false;
                                  if (auto ec = read_bool(val, b)) return ec;
                                  out = attribute_value::boolean(b);
                                  return {};
                              }
                              if (type == "NULL") {
                                  bool b = false;
                                  if (auto ec = read_bool(val, b)) return ec;
                                  out = attribute_value::null();
                                  return {};
                              }
                              if (type == "M") return read_map(val, out.emplace_map(), depth + 1);
                              if (type == "L") {
                                  auto& list = out.emplace_list();
                                  return for_each_element(val, [&](od::value e) {
                                      list.emplace_back();
                                      return read_value(e, list.back(), depth + 1);
                                  });
                              }
                              if (type == "SS" || type == "NS" || type == "BS") {
                                  const attribute_type t = type == "SS"   ? attribute_type::ss
                                                           : type == "NS" ? attribute_type::ns
                                                                          : attribute_type::bs;
                                  auto& set = out.emplace_set(t);
                                  return for_each_element(val, [&](od::value e) {
                                      set.emplace_back();
                                      return t == attribute_type::bs ? read_base64(e, set.back())
                                                                     : read_string(e, set.back());
                                  });
                              }
                              return bad();
                          })
               ? bad()
               : (seen ? error_code{} : bad());
}

inline error_code read_map(od::value v, item& out, int depth) {
    if (depth > max_depth) return bad();
    return for_each_field(v, [&](std::string_view name, od::value val) -> error_code {
        auto [it, inserted] = out.try_emplace(std::string(name));
        if (!inserted) it->second = attribute_value{};
        return read_value(val, it->second, depth + 1);
    });
}

inline error_code read_items(od::value v, std::vector<item>& out) {
    return for_each_element(v, [&](od::value e) {
        out.emplace_back();
        return read_map(e, out.back(), 0);
    });
}

inline error_code read_string_list(od::value v, std::vector<std::string>& out) {
    return for_each_element(v, [&](od::value e) {
        out.emplace_back();
        return read_string(e, out.back());
    });
}

// Parses a whole document whose root is an object, calling f(key, value) for each field.
template <class F>
error_code document(od::parser& parser, std::string& body, F&& f) {
    od::document doc;
    if (parser.iterate(padded(body)).get(doc) != simdjson::SUCCESS) return bad();
    od::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS) return bad();
    return for_each_field(root, f);
}

inline error_code read_key_schema(od::value v, std::vector<key_schema_element>& out) {
    return for_each_element(v, [&](od::value e) {
        key_schema_element k;
        auto ec = for_each_field(e, [&](std::string_view key, od::value val) -> error_code {
            if (key == "AttributeName") return read_string(val, k.name);
            if (key == "KeyType") {
                std::string t;
                if (auto ec = read_string(val, t)) return ec;
                k.type = t == "RANGE" ? key_type::range : key_type::hash;
            }
            return {};
        });
        out.push_back(std::move(k));
        return ec;
    });
}

inline error_code read_throughput(od::value v, throughput& out) {
    return for_each_field(v, [&](std::string_view key, od::value val) -> error_code {
        if (key == "ReadCapacityUnits") return read_int(val, out.read_capacity_units);
        if (key == "WriteCapacityUnits") return read_int(val, out.write_capacity_units);
        return {};
    });
}

inline error_code read_indexes(od::value v, std::vector<index_description>& out) {
    return for_each_element(v, [&](od::value e) {
        index_description ix;
        auto ec = for_each_field(e, [&](std::string_view key, od::value val) -> error_code {
            if (key == "IndexName") return read_string(val, ix.name);
            if (key == "KeySchema") return read_key_schema(val, ix.key_schema);
            if (key == "IndexStatus") return read_string(val, ix.status);
            if (key == "ItemCount") return read_int(val, ix.item_count);
            if (key == "ProvisionedThroughput") return read_throughput(val, ix.provisioned);
            if (key == "Projection")
                return for_each_field(val, [&](std::string_view pk, od::value pv) -> error_code {
                    if (pk == "NonKeyAttributes") return read_string_list(pv, ix.non_key_attributes);
                    if (pk != "ProjectionType") return {};
                    std::string t;
                    if (auto ec = read_string(pv, t)) return ec;
                    ix.projection = t == "KEYS_ONLY" ? projection_type::keys_only
                                    : t == "INCLUDE" ? projection_type::include
                                                     : projection_type::all;
                    return {};
                });
            return {};
        });
        out.push_back(std::move(ix));
        return ec;
    });
}

inline table_status status_of(std::string_view s) noexcept {
    if (s == "CREATING") return table_status::creating;
    if (s == "UPDATING") return table_status::updating;
    if (s == "DELETING") return table_status::deleting;
    if (s == "ACTIVE") return table_status::active;
    if (s == "ARCHIVING") return table_status::archiving;
    if (s == "ARCHIVED") return table_status::archived;
    if (s == "INACCESSIBLE_ENCRYPTION_CREDENTIALS") return table_status::inaccessible;
    return table_status::unknown;
}

inline error_code read_table(od::value v, table_description& t) {
    return for_each_field(v, [&](std::string_view key, od::value val) -> error_code {
        if (key == "TableName") return read_string(val, t.name);
        if (key == "TableArn") return read_string(val, t.arn);
        if (key == "TableId") return read_string(val, t.id);
        if (key == "TableStatus") {
            std::string s;
            if (auto ec = read_string(val, s)) return ec;
            t.status = status_of(s);
            return {};
        }
        if (key == "KeySchema") return read_key_schema(val, t.key_schema);
        if (key == "AttributeDefinitions")
            return for_each_element(val, [&](od::value e) {
                attribute_definition d;
                auto ec = for_each_field(e, [&](std::string_view k, od::value dv) -> error_code {
                    if (k == "AttributeName") return read_string(dv, d.name);
                    if (k != "AttributeType") return {};
                    std::string s;
                    if (auto ec = read_string(dv, s)) return ec;
                    d.type = s == "N" ? scalar_type::n : s == "B" ? scalar_type::b : scalar_type::s;
                    return {};
                });
                t.attribute_definitions.push_back(std::move(d));
                return ec;
            });
        if (key == "BillingModeSummary")
            return for_each_field(val, [&](std::string_view k, od::value bv) -> error_code {
                if (k != "BillingMode") return {};
                std::string s;
                if (auto ec = read_string(bv, s)) return ec;
                t.billing = s == "PAY_PER_REQUEST" ? billing_mode::pay_per_request : billing_mode::provisioned;
                return {};
            });
        if (key == "ProvisionedThroughput") return read_throughput(val, t.provisioned);
        if (key == "ItemCount") return read_int(val, t.item_count);
        if (key == "TableSizeBytes") return read_int(val, t.size_bytes);
        if (key == "GlobalSecondaryIndexes") return read_indexes(val, t.global_indexes);
        if (key == "LocalSecondaryIndexes") return read_indexes(val, t.local_indexes);
        if (key == "DeletionProtectionEnabled") return read_bool(val, t.deletion_protection);
        return {};
    });
}

inline error_code read_reasons(od::value v, std::vector<cancellation_reason>& out) {
    return for_each_element(v, [&](od::value e) {
        cancellation_reason r;
        auto ec = for_each_field(e, [&](std::string_view k, od::value rv) -> error_code {
            if (k == "Code") return read_string(rv, r.code);
            if (k == "Message") return read_string(rv, r.message);
            if (k == "Item") return read_map(rv, r.item.emplace(), 0);
            return {};
        });
        out.push_back(std::move(r));
        return ec;
    });
}

} // namespace json

CIRRUS_DECL json_reader::json_reader() : impl_(std::make_unique<impl>()) {}
CIRRUS_DECL json_reader::~json_reader() = default;

CIRRUS_DECL error_code json_reader::parse_item(std::string& text, item& out) {
    od::document doc;
    if (impl_->parser.iterate(json::padded(text)).get(doc) != simdjson::SUCCESS) return json::bad();
    od::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS) return json::bad();
    return json::read_map(root, out, 0);
}

CIRRUS_DECL error_code json_reader::parse_value(std::string& text, attribute_value& out) {
    od::document doc;
    if (impl_->parser.iterate(json::padded(text)).get(doc) != simdjson::SUCCESS) return json::bad();
    od::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS) return json::bad();
    return json::read_value(root, out, 0);
}

CIRRUS_DECL error_code json_reader::get_item(std::string& body, get_item_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Item") return json::read_map(v, out.item.emplace(), 0);
        return {};
    });
}

CIRRUS_DECL error_code json_reader::attributes(std::string& body, item& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Attributes") return json::read_map(v, out, 0);
        return {};
    });
}

CIRRUS_DECL error_code json_reader::query(std::string& body, query_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Items") return json::read_items(v, out.items);
        if (key == "Count") return json::read_int(v, out.count);
        if (key == "ScannedCount") return json::read_int(v, out.scanned_count);
        if (key == "LastEvaluatedKey") return json::read_map(v, out.last_evaluated_key, 0);
        return {};
    });
}

CIRRUS_DECL error_code json_reader::table(std::string& body, table_description& out) {
    bool found = false;
    auto ec = json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key != "Table" && key != "TableDescription") return {};
        found = true;
        return json::read_table(v, out);
    });
    if (ec) return ec;
    return found ? error_code{} : json::bad();
}

CIRRUS_DECL error_code json_reader::list_tables(std::string& body, list_tables_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "TableNames") return json::read_string_list(v, out.tables);
        if (key == "LastEvaluatedTableName") return json::read_string(v, out.last_evaluated_table);
        return {};
    });
}

CIRRUS_DECL error_code json_reader::time_to_live(std::string& body, time_to_live_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key != "TimeToLiveSpecification" && key != "TimeToLiveDescription") return {};
        return json::for_each_field(v, [&](std::string_view k, od::value tv) -> error_code {
            if (k == "AttributeName") return json::read_string(tv, out.attribute);
            if (k == "Enabled") return json::read_bool(tv, out.enabled);
            if (k == "TimeToLiveStatus") {
                if (auto ec = json::read_string(tv, out.status)) return ec;
                out.enabled = out.status == "ENABLED" || out.status == "ENABLING";
            }
            return {};
        });
    });
}

CIRRUS_DECL error_code json_reader::batch_write(std::string& body, std::string_view table, unprocessed_writes& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key != "UnprocessedItems") return {};
        return json::for_each_field(v, [&](std::string_view name, od::value list) -> error_code {
            if (name != table) return json::bad();
            return json::for_each_element(list, [&](od::value w) {
                return json::for_each_field(w, [&](std::string_view kind, od::value req) -> error_code {
                    const bool put = kind == "PutRequest";
                    if (!put && kind != "DeleteRequest") return json::bad();
                    return json::for_each_field(req, [&](std::string_view k, od::value m) -> error_code {
                        if (put && k == "Item") return json::read_map(m, out.puts.emplace_back(), 0);
                        if (!put && k == "Key") return json::read_map(m, out.deletes.emplace_back(), 0);
                        return {};
                    });
                });
            });
        });
    });
}

CIRRUS_DECL error_code json_reader::batch_get(std::string& body, std::string_view table, std::vector<item>& items,
                                              std::vector<item>& unprocessed_keys) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Responses")
            return json::for_each_field(v, [&](std::string_view name, od::value list) -> error_code {
                if (name != table) return json::bad();
                return json::read_items(list, items);
            });
        if (key == "UnprocessedKeys")
            return json::for_each_field(v, [&](std::string_view name, od::value ka) -> error_code {
                if (name != table) return json::bad();
                return json::for_each_field(ka, [&](std::string_view k, od::value keys) -> error_code {
                    if (k == "Keys") return json::read_items(keys, unprocessed_keys);
                    return {};
                });
            });
        return {};
    });
}

CIRRUS_DECL error_code json_reader::transact_get(std::string& body, transact_get_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key != "Responses") return {};
        return json::for_each_element(v, [&](od::value r) {
            auto& slot = out.items.emplace_back();
            return json::for_each_field(r, [&](std::string_view k, od::value m) -> error_code {
                if (k == "Item") return json::read_map(m, slot.emplace(), 0);
                return {};
            });
        });
    });
}

CIRRUS_DECL error_code json_reader::execute_statement(std::string& body, execute_statement_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Items") return json::read_items(v, out.items);
        if (key == "NextToken") return json::read_string(v, out.next_token);
        if (key == "LastEvaluatedKey") return json::read_map(v, out.last_evaluated_key, 0);
        return {};
    });
}

CIRRUS_DECL error_code json_reader::batch_execute_statement(std::string& body, batch_execute_statement_result& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key != "Responses") return {};
        return json::for_each_element(v, [&](od::value r) {
            auto& resp = out.responses.emplace_back();
            return json::for_each_field(r, [&](std::string_view k, od::value f) -> error_code {
                if (k == "TableName") return json::read_string(f, resp.table);
                if (k == "Item") return json::read_map(f, resp.item.emplace(), 0);
                if (k == "Error")
                    return json::for_each_field(f, [&](std::string_view ek, od::value ev) -> error_code {
                        if (ek == "Code") return json::read_string(ev, resp.error_code);
                        if (ek == "Message") return json::read_string(ev, resp.error_message);
                        if (ek == "Item") return json::read_map(ev, resp.item.emplace(), 0);
                        return {};
                    });
                return {};
            });
        });
    });
}

CIRRUS_DECL error_code json_reader::error(std::string& body, error_details& out) {
    return json::document(impl_->parser, body, [&](std::string_view key, od::value v) -> error_code {
        if (key == "Item") return json::read_map(v, out.item.emplace(), 0);
        if (key == "CancellationReasons") return json::read_reasons(v, out.reasons);
        return {};
    });
}

} // namespace cirrus::dynamodb::detail
