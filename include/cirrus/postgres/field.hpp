#pragma once
// One field of a result as it came off the wire, and the codec customisation point
// (see codec.hpp).

#include <cirrus/core/error.hpp>
#include <cirrus/postgres/types.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace cirrus::postgres {

// One field as it came off the wire.
struct field_data {
    oid_t type = 0;
    postgres::format format = format::text;
    bool is_null = false;
    std::string_view bytes;
};

template <class T>
struct type_traits; // specialised per supported type

template <class T>
concept decodable = requires(const field_data& f, T& v, oid_t o) {
    { type_traits<T>::accepts(o) } -> std::same_as<bool>;
    { type_traits<T>::decode(f, v) } -> std::same_as<error_code>;
};

template <class T>
concept encodable = requires(const T& v, std::string& out) {
    { type_traits<T>::type_oid } -> std::convertible_to<oid_t>;
    type_traits<T>::encode(v, out);
};

// Decodes f into out (defined in codec.hpp).
template <decodable T>
error_code decode_field(const field_data& f, T& out);

} // namespace cirrus::postgres
