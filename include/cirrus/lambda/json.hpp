#pragma once
// Typed JSON payloads: C++ structs to JSON text and back, field by field, with the names
// given by Boost.Describe (the same description as dynamodb/mapping.hpp). Used by typed
// Invoke (lambda/invoke_json.hpp) and typed function handlers (lambda/runtime_json.hpp).
//
//   struct line { std::string sku; int qty = 0; };
//   BOOST_DESCRIBE_STRUCT(line, (), (sku, qty))
//   struct order {
//       std::int64_t id = 0;
//       std::vector<line> lines;
//       std::optional<std::string> note;   // absent (or null) when empty
//   };
//   BOOST_DESCRIBE_STRUCT(order, (), (id, lines, note))
//
//   std::string text = lambda::to_json(o);           // {"id":7,"lines":[{"sku":"a","qty":2}]}
//   order back;
//   std::string why;
//   if (auto ec = lambda::from_json(text, back, &why)) ... // errc::payload_mismatch, why:
//                                                          // field "lines[0].qty": expected an integer,
//                                                          // found a string
//
// Mapped types: bool, integers (range-checked when read), floating point (NaN and
// infinities are written as null, which does not read back), std::string (UTF-8 as it is),
// enums described with BOOST_DESCRIBE_ENUM (by name), std::optional<T> (absent or null when
// empty; a struct's empty optional field is left out), std::vector<T>, std::map<std::string,
// T>, described structs (objects; public members, inherited ones included) and
// lambda::raw_json (any JSON, kept as text). Reading ignores members the struct does not
// have; a missing member is an error unless its field is optional. Any other field type
// stops the compilation at the field, naming the concept lambda::json_mappable.
//
// This header includes <simdjson.h>: include it only where payloads are typed.

#include <cirrus/aws/detail/json.hpp>
#include <cirrus/core/detail/type_traits.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/lambda/errors.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::lambda {

// Any JSON value, kept as (minified) text: for parts of a payload without a C++ type.
// Empty text is written as null.
struct raw_json {
    std::string text;
    friend bool operator==(const raw_json&, const raw_json&) = default;
};

namespace detail::json_map {
using cirrus::detail::is_optional;
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T>
concept described_struct = boost::describe::has_describe_members<T>::value;
template <class T>
concept described_enum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;
template <class T>
concept integer = std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>;

template <class T>
using members = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;
} // namespace detail::json_map

template <class T>
concept json_mappable = std::is_same_v<T, bool> || detail::json_map::integer<T> || std::is_floating_point_v<T> ||
                        std::is_same_v<T, std::string> || std::is_same_v<T, raw_json> ||
                        detail::json_map::described_enum<T> || detail::json_map::described_struct<T> ||
                        detail::json_map::is_optional<T>::value || detail::json_map::is_vector<T>::value ||
                        detail::json_map::is_string_map<T>::value;

// ------------------------------------------------------------------ writing

template <class T>
void append_json(std::string& out, const T& v) {
    namespace jm = detail::json_map;
    static_assert(json_mappable<T>, "this type does not map to JSON (see lambda::json_mappable in cirrus/lambda/json.hpp)");
    if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (jm::integer<T> || std::is_floating_point_v<T>) {
        if constexpr (std::is_floating_point_v<T>) {
            if (!std::isfinite(v)) {
                out += "null";
                return;
            }
        }
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    } else if constexpr (std::is_same_v<T, std::string>) {
        aws::detail::append_quoted(out, v);
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out += v.text.empty() ? std::string_view("null") : std::string_view(v.text);
    } else if constexpr (jm::described_enum<T>) {
        if (const char* name = boost::describe::enum_to_string(v, nullptr)) {
            aws::detail::append_quoted(out, name);
        } else {
            append_json(out, static_cast<std::int64_t>(static_cast<std::underlying_type_t<T>>(v)));
        }
    } else if constexpr (jm::is_optional<T>::value) {
        if (v) {
            append_json(out, *v);
        } else {
            out += "null";
        }
    } else if constexpr (jm::is_vector<T>::value) {
        out.push_back('[');
        bool first = true;
        for (const auto& e : v) {
            if (!first) out.push_back(',');
            first = false;
            append_json(out, e);
        }
        out.push_back(']');
    } else if constexpr (jm::is_string_map<T>::value) {
        out.push_back('{');
        bool first = true;
        for (const auto& [k, e] : v) {
            if (!first) out.push_back(',');
            first = false;
            aws::detail::append_quoted(out, k);
            out.push_back(':');
            append_json(out, e);
        }
        out.push_back('}');
    } else {
        out.push_back('{');
        bool first = true;
        boost::mp11::mp_for_each<jm::members<T>>([&](auto d) {
            using field_type = std::remove_cvref_t<decltype(v.*d.pointer)>;
            static_assert(json_mappable<field_type>,
                          "a field of this struct has a type that does not map to JSON "
                          "(see lambda::json_mappable in cirrus/lambda/json.hpp)");
            if constexpr (jm::is_optional<field_type>::value) {
                if (!(v.*d.pointer)) return;
            }
            if (!first) out.push_back(',');
            first = false;
            aws::detail::append_quoted(out, d.name);
            out.push_back(':');
            append_json(out, v.*d.pointer);
        });
        out.push_back('}');
    }
}

template <class T>
std::string to_json(const T& v) {
    std::string out;
    append_json(out, v);
    return out;
}

// ------------------------------------------------------------------ reading

namespace detail::json_map {

namespace dom = simdjson::dom;

// Where reading stopped: the path of the value ("lines[2].qty"; empty: the document) and
// what was expected there.
struct failure {
    std::string path;
    const char* expected = nullptr;
    const char* found = nullptr; // null: nothing there
};

inline const char* kind_of(dom::element e) {
    switch (e.type()) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64: return "an integer";
    case dom::element_type::DOUBLE: return "a number with a fraction";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
    }
    return "a value";
}

template <class T>
bool read(dom::element e, T& out, failure& f);

template <class T>
bool read_member(dom::object o, std::string_view name, T& out, failure& f) {
    const std::size_t mark = f.path.size();
    if (mark != 0) f.path.push_back('.');
    f.path += name;
    dom::element v;
    if (o.at_key(name).get(v) != simdjson::SUCCESS) {
        if constexpr (is_optional<T>::value) {
            out.reset();
        } else {
            f.expected = "a member";
            return false;
        }
    } else if (!read(v, out, f)) {
        return false;
    }
    f.path.resize(mark);
    return true;
}

template <class T>
bool read(dom::element e, T& out, failure& f) {
    static_assert(json_mappable<T>, "this type does not map to JSON (see lambda::json_mappable in cirrus/lambda/json.hpp)");
    auto fail = [&](const char* expected) {
        f.expected = expected;
        f.found = kind_of(e);
        return false;
    };
    if constexpr (std::is_same_v<T, bool>) {
        if (e.get_bool().get(out) != simdjson::SUCCESS) return fail("a boolean");
    } else if constexpr (integer<T>) {
        if constexpr (std::is_signed_v<T>) {
            std::int64_t v = 0;
            if (e.get_int64().get(v) != simdjson::SUCCESS) return fail("an integer");
            if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
                return fail("an integer in the range of its type");
            out = static_cast<T>(v);
        } else {
            std::uint64_t v = 0;
            if (e.get_uint64().get(v) != simdjson::SUCCESS) return fail("a non-negative integer");
            if (v > std::numeric_limits<T>::max()) return fail("an integer in the range of its type");
            out = static_cast<T>(v);
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        double v = 0;
        if (e.get_double().get(v) != simdjson::SUCCESS) return fail("a number");
        out = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
        std::string_view v;
        if (e.get_string().get(v) != simdjson::SUCCESS) return fail("a string");
        out.assign(v);
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out.text = simdjson::minify(e);
    } else if constexpr (described_enum<T>) {
        std::string_view v;
        bool found = false;
        if (e.get_string().get(v) == simdjson::SUCCESS) {
            boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto d) {
                if (!found && v == d.name) {
                    out = d.value;
                    found = true;
                }
            });
        }
        if (!found) return fail("one of the enumeration's names");
    } else if constexpr (is_optional<T>::value) {
        if (e.is_null()) {
            out.reset();
        } else {
            if (!out) out.emplace();
            return read(e, *out, f);
        }
    } else if constexpr (is_vector<T>::value) {
        dom::array a;
        if (e.get_array().get(a) != simdjson::SUCCESS) return fail("an array");
        out.resize(a.size());
        const std::size_t mark = f.path.size();
        std::size_t i = 0;
        for (dom::element x : a) {
            f.path += '[';
            f.path += std::to_string(i);
            f.path += ']';
            if (!read(x, out[i], f)) return false;
            f.path.resize(mark);
            ++i;
        }
    } else if constexpr (is_string_map<T>::value) {
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return fail("an object");
        out.clear();
        for (auto [k, x] : o) {
            const std::size_t mark = f.path.size();
            if (mark != 0) f.path.push_back('.');
            f.path += k;
            if (!read(x, out[std::string(k)], f)) return false;
            f.path.resize(mark);
        }
    } else {
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return fail("an object");
        bool ok = true;
        boost::mp11::mp_for_each<members<T>>([&](auto d) {
            using field_type = std::remove_cvref_t<decltype(out.*d.pointer)>;
            static_assert(json_mappable<field_type>,
                          "a field of this struct has a type that does not map to JSON "
                          "(see lambda::json_mappable in cirrus/lambda/json.hpp)");
            if (ok) ok = read_member(o, d.name, out.*d.pointer, f);
        });
        return ok;
    }
    return true;
}

} // namespace detail::json_map

// Reads `json` into `out`. errc::payload_mismatch when the text is not JSON or does not
// fit T; *why (when given) then says where and what was expected:
//   field "lines[0].qty": expected an integer, found a string
//   field "id": expected a member, found nothing
//   expected an object, found an array               (the document itself)
//   not JSON (TAPE_ERROR: ...)
// The parser is kept per thread (its buffers grow to the largest payload read).
template <class T>
error_code from_json(std::string_view json, T& out, std::string* why = nullptr) {
    namespace jm = detail::json_map;
    static_assert(json_mappable<T>, "this type does not map to JSON (see lambda::json_mappable in cirrus/lambda/json.hpp)");
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (const auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
        if (why != nullptr) {
            *why = "not JSON (";
            *why += simdjson::error_message(err);
            *why += ')';
        }
        return make_error_code(errc::payload_mismatch);
    }
    jm::failure f;
    if (jm::read(root, out, f)) return {};
    if (why != nullptr) {
        *why = f.path.empty() ? std::string("expected ") : "field \"" + f.path + "\": expected ";
        *why += f.expected != nullptr ? f.expected : "another value";
        *why += ", found ";
        *why += f.found != nullptr ? f.found : "nothing";
    }
    return make_error_code(errc::payload_mismatch);
}

} // namespace cirrus::lambda
