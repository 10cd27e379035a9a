#pragma once
// The JSON writer of DynamoDB requests: the library's writer (core/detail/json_writer.hpp)
// and attribute values in DynamoDB's wire format.

#include <cirrus/core/detail/json_writer.hpp>
#include <cirrus/dynamodb/attribute_value.hpp>

namespace cirrus::dynamodb::detail {

class json_writer : public cirrus::detail::json_writer {
public:
    using cirrus::detail::json_writer::json_writer;

    // An attribute value: {"S": "..."}, {"M": {...}} ...
    void value(const attribute_value& v) {
        begin_object();
        key(type_name(v.type()));
        switch (v.type()) {
        case attribute_type::null: boolean(true); break;
        case attribute_type::s: string(v.scalar_text()); break;
        case attribute_type::n: string(v.scalar_text()); break;
        case attribute_type::b: base64(v.scalar_text()); break;
        case attribute_type::boolean: boolean(*v.boolean()); break;
        case attribute_type::m: map(*v.m()); break;
        case attribute_type::l:
            begin_array();
            for (const auto& e : *v.l()) value(e);
            end_array();
            break;
        case attribute_type::ss:
        case attribute_type::ns:
            begin_array();
            for (const auto& e : v.set_elements()) string(e);
            end_array();
            break;
        case attribute_type::bs:
            begin_array();
            for (const auto& e : v.set_elements()) base64(e);
            end_array();
            break;
        }
        end_object();
    }
    // A map of attribute values (an item): {"name": {"S": "..."}, ...}.
    void map(const item& m) {
        begin_object();
        for (const auto& [k, v] : m) {
            key(k);
            value(v);
        }
        end_object();
    }
};

} // namespace cirrus::dynamodb::detail
