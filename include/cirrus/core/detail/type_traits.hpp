#pragma once
// Type traits shared by the typed mappings of the library (DynamoDB items, Lambda JSON
// payloads, PostgreSQL parameters and rows, CSV rows) and the request copies.

#include <optional>
#include <type_traits>

namespace cirrus::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

} // namespace cirrus::detail
