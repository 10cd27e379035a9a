#pragma once
// Described structs written straight into a request's JSON, without building an item:
// the same mapping as dynamodb::to_item (mapping.hpp), field by field with the
// Boost.Describe names, an empty optional field left out of the item (NULL inside a list
// or a map), numbers as their decimal text.

#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/mapping.hpp>

#include <charconv>
#include <string_view>
#include <type_traits>

namespace cirrus::dynamodb::detail {

template <class T>
void write_typed_value(json_writer& w, const T& v);

// {"field": {"S": ...}, ...}
template <class T>
    requires described<T>
void write_typed_item(json_writer& w, const T& v) {
    w.begin_object();
    for_each_item_field(v, [&](std::string_view name, const auto& field) {
        w.key(name);
        write_typed_value(w, field);
    });
    w.end_object();
}

// One attribute value: {"<type>": <value>}.
template <class T>
void write_typed_value(json_writer& w, const T& v) {
    static_assert(mappable<T>, "this type does not map to a DynamoDB attribute (see dynamodb::mappable)");
    if constexpr (std::is_same_v<T, attribute_value>) {
        w.value(v);
    } else if constexpr (std::is_same_v<T, item>) {
        w.begin_object();
        w.key("M");
        w.map(v);
        w.end_object();
    } else if constexpr (is_optional<T>::value) {
        if (v) {
            write_typed_value(w, *v);
        } else {
            w.begin_object();
            w.key("NULL");
            w.boolean(true);
            w.end_object();
        }
    } else {
        w.begin_object();
        if constexpr (std::is_same_v<T, bool>) {
            w.key("BOOL");
            w.boolean(v);
        } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
            char buf[64];
            std::to_chars_result r;
            if constexpr (std::is_enum_v<T>) r = std::to_chars(buf, buf + sizeof buf, std::underlying_type_t<T>(v));
            else r = std::to_chars(buf, buf + sizeof buf, v);
            w.key("N");
            w.string(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
        } else if constexpr (std::is_same_v<T, std::string>) {
            w.key("S");
            w.string(v);
        } else if constexpr (std::is_same_v<T, decimal>) {
            w.key("N");
            w.string(v.text);
        } else if constexpr (std::is_same_v<T, bytes>) {
            w.key("B");
            w.base64(v.data);
        } else if constexpr (is_string_set<T>::value) {
            w.key("SS");
            w.begin_array();
            for (const auto& e : v) w.string(e);
            w.end_array();
        } else if constexpr (described<T>) {
            w.key("M");
            write_typed_item(w, v);
        } else if constexpr (is_std_vector<T>::value) {
            w.key("L");
            w.begin_array();
            for (const auto& e : v) write_typed_value(w, e);
            w.end_array();
        } else {
            static_assert(is_string_map<T>::value);
            w.key("M");
            w.begin_object();
            for (const auto& [k, e] : v) {
                w.key(k);
                write_typed_value(w, e);
            }
            w.end_object();
        }
        w.end_object();
    }
}

// A key: a described struct of the key's attributes, or an item.
template <class Key>
void write_typed_key(json_writer& w, const Key& key) {
    if constexpr (std::is_same_v<Key, item>) w.map(key);
    else write_typed_item(w, key);
}

} // namespace cirrus::dynamodb::detail
