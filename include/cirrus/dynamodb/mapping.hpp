#pragma once
// Typed items: C++ structs to DynamoDB items and back, field by field, with the names
// given by Boost.Describe.
//
//   struct address { std::string city; int zip = 0; };
//   BOOST_DESCRIBE_STRUCT(address, (), (city, zip))
//   struct client_row {
//       std::int64_t clientid = 0;
//       std::string name;
//       std::optional<std::string> email;       // absent from the item when empty
//       std::vector<std::string> tags;          // L of S
//       std::map<std::string, double> scores;   // M of N
//       address home;                           // M
//   };
//   BOOST_DESCRIBE_STRUCT(client_row, (), (clientid, name, email, tags, scores, home))
//
//   dynamodb::item i = dynamodb::to_item(row);
//   client_row back;
//   if (auto ec = dynamodb::from_item(i, back)) ...
//
// Mapped types: bool (BOOL), integers and floating point (N, exact for integers),
// dynamodb::decimal (N as its exact decimal text),
// enums (N of the underlying value), std::string (S), binary (B: dynamodb::bytes),
// std::optional<T> (absent or NULL when empty), std::vector<T> (L), std::set<std::string>
// (SS), std::map<std::string, T> (M), attribute_value and item themselves, and described
// structs (M). Any other field type stops the compilation at the field, naming the
// concept dynamodb::mappable.

#include <cirrus/core/detail/members.hpp>
#include <cirrus/core/detail/type_traits.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/dynamodb/attribute_value.hpp>
#include <cirrus/dynamodb/errors.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::dynamodb {

// Bytes, mapped to B.
struct bytes {
    std::string data;
    friend bool operator==(const bytes&, const bytes&) = default;
};

// A number kept as its exact decimal text ("12345678901234567890123456789012345678",
// "-0.5", "1E+3"), mapped to N: for the 38 significant digits no C++ arithmetic type holds.
struct decimal {
    std::string text;
    friend bool operator==(const decimal&, const decimal&) = default;
};

namespace detail {
using cirrus::detail::is_optional;
template <class T>
struct is_std_vector : std::false_type {};
template <class T, class A>
struct is_std_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T>
struct is_string_set : std::false_type {};
template <class C, class A>
struct is_string_set<std::set<std::string, C, A>> : std::true_type {};
template <class T>
concept described = cirrus::detail::described_members<T>;
} // namespace detail

template <class T>
concept mappable = std::is_same_v<T, bool> || std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                   std::is_same_v<T, std::string> || std::is_same_v<T, bytes> || std::is_same_v<T, decimal> ||
                   std::is_same_v<T, attribute_value> ||
                   std::is_same_v<T, item> || detail::is_string_set<T>::value || detail::described<T> ||
                   (detail::is_optional<T>::value&& requires { typename T::value_type; }) ||
                   detail::is_std_vector<T>::value || detail::is_string_map<T>::value;

template <class T>
attribute_value to_attribute(const T& v);
template <class T>
error_code from_attribute(const attribute_value& a, T& out);

namespace detail {
// Calls f(name, value) for each field of a described struct that goes into its item, in
// the order of the description: every field but an empty optional. A field of a type that
// does not map stops the compilation here.
template <class T, class F>
    requires described<T>
void for_each_item_field(const T& v, F&& f) {
    cirrus::detail::for_each_member<T>([&](std::size_t, std::string_view name, auto get) {
        const auto& field = get(v);
        using field_type = std::remove_cvref_t<decltype(field)>;
        static_assert(mappable<field_type>,
                      "a field of this struct has a type that does not map to a DynamoDB attribute "
                      "(see dynamodb::mappable in cirrus/dynamodb/mapping.hpp)");
        if constexpr (is_optional<field_type>::value) {
            if (!field) return;
        }
        f(name, field);
    });
}
} // namespace detail

template <class T>
    requires detail::described<T> item to_item(const T& v) {
        item out;
        detail::for_each_item_field(v, [&](std::string_view name, const auto& field) {
            out.insert_or_assign(std::string(name), to_attribute(field));
        });
        return out;
    }

template <class T>
attribute_value to_attribute(const T& v) {
    static_assert(mappable<T>, "this type does not map to a DynamoDB attribute (see dynamodb::mappable)");
    if constexpr (std::is_same_v<T, attribute_value>) {
        return v;
    } else if constexpr (std::is_same_v<T, item>) {
        return attribute_value::map(v);
    } else if constexpr (std::is_same_v<T, bool>) {
        return attribute_value::boolean(v);
    } else if constexpr (std::is_enum_v<T>) {
        return attribute_value::number(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_arithmetic_v<T>) {
        return attribute_value::number(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
        return attribute_value::string(v);
    } else if constexpr (std::is_same_v<T, bytes>) {
        return attribute_value::binary(v.data);
    } else if constexpr (std::is_same_v<T, decimal>) {
        return attribute_value::number(v.text);
    } else if constexpr (detail::is_string_set<T>::value) {
        return attribute_value::string_set(std::vector<std::string>(v.begin(), v.end()));
    } else if constexpr (detail::described<T>) {
        return attribute_value::map(to_item(v));
    } else if constexpr (detail::is_optional<T>::value) {
        return v ? to_attribute(*v) : attribute_value::null();
    } else if constexpr (detail::is_std_vector<T>::value) {
        attribute_list l;
        l.reserve(v.size());
        for (const auto& e : v) l.push_back(to_attribute(e));
        return attribute_value::list(std::move(l));
    } else {
        item m;
        for (const auto& [k, e] : v) m.insert_or_assign(k, to_attribute(e));
        return attribute_value::map(std::move(m));
    }
}

// Fills `out` from an item; a missing field keeps its value when it is optional (reset)
// and is an error (errc::validation) otherwise, as is a value of the wrong type. The name
// of the field that failed goes to *failed_field when given.
template <class T>
    requires detail::described<T> error_code from_item(const item& in, T& out, std::string* failed_field = nullptr) {
        error_code ec;
        cirrus::detail::for_each_member<T>([&](std::size_t, std::string_view name, auto get) {
            if (ec) return;
            auto& field = get(out);
            using field_type = std::remove_cvref_t<decltype(field)>;
            static_assert(mappable<field_type>,
                          "a field of this struct has a type that does not map to a DynamoDB attribute "
                          "(see dynamodb::mappable in cirrus/dynamodb/mapping.hpp)");
            const auto it = in.find(name);
            if (it == in.end()) {
                if constexpr (detail::is_optional<field_type>::value) {
                    field.reset();
                } else {
                    ec = make_error_code(errc::validation);
                }
            } else {
                ec = from_attribute(it->second, field);
            }
            if (ec && failed_field != nullptr && failed_field->empty()) *failed_field = name;
        });
        return ec;
    }

template <class T>
error_code from_attribute(const attribute_value& a, T& out) {
    static_assert(mappable<T>, "this type does not map to a DynamoDB attribute (see dynamodb::mappable)");
    const error_code mismatch = make_error_code(errc::validation);
    if constexpr (std::is_same_v<T, attribute_value>) {
        out = a;
    } else if constexpr (std::is_same_v<T, item>) {
        if (!a.m()) return mismatch;
        out = *a.m();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!a.boolean()) return mismatch;
        out = *a.boolean();
    } else if constexpr (std::is_enum_v<T>) {
        std::underlying_type_t<T> u{};
        if (!a.get_number(u)) return mismatch;
        out = static_cast<T>(u);
    } else if constexpr (std::is_arithmetic_v<T>) {
        if (!a.get_number(out)) return mismatch;
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!a.s()) return mismatch;
        out = *a.s();
    } else if constexpr (std::is_same_v<T, bytes>) {
        if (!a.b()) return mismatch;
        out.data = *a.b();
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (!a.n()) return mismatch;
        out.text = *a.n();
    } else if constexpr (detail::is_string_set<T>::value) {
        if (!a.ss()) return mismatch;
        out = T(a.ss()->begin(), a.ss()->end());
    } else if constexpr (detail::described<T>) {
        if (!a.m()) return mismatch;
        return from_item(*a.m(), out);
    } else if constexpr (detail::is_optional<T>::value) {
        if (a.is_null()) {
            out.reset();
            return {};
        }
        return from_attribute(a, out.emplace());
    } else if constexpr (detail::is_std_vector<T>::value) {
        if (!a.l()) return mismatch;
        out.clear();
        out.resize(a.l()->size());
        for (std::size_t i = 0; i < out.size(); ++i)
            if (auto ec = from_attribute((*a.l())[i], out[i])) return ec;
    } else {
        if (!a.m()) return mismatch;
        out.clear();
        for (const auto& [k, e] : *a.m())
            if (auto ec = from_attribute(e, out[k])) return ec;
    }
    return {};
}

// The struct of an item; errc::validation when a field is missing or of the wrong type.
template <class T>
    requires detail::described<T> result<T> from_item(const item& in) {
        T out{};
        if (auto ec = from_item(in, out)) return ec;
        return out;
    }

} // namespace cirrus::dynamodb
