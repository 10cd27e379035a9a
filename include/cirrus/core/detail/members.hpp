#pragma once
// The one walk over the members of a row-like type, for the readers and writers that map
// C++ structs to records (PostgreSQL typed rows and COPY, DynamoDB items, CSV rows):
//
//  - a type described with BOOST_DESCRIBE_STRUCT: its public members, with their names;
//  - a std::tuple: its elements, by position (no names);
//  - another aggregate: its fields through Boost.PFR, by position (no names).
//
// for_each_member<T>(f) calls f(index, name, get) for each member in order, where
// get(t) is that member of a T (or of a const T) and name is empty for positional
// members. get needs no object, so a walk may also check member types at compile time.

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace cirrus::detail {

template <class T>
struct is_std_tuple : std::false_type {};
template <class... T>
struct is_std_tuple<std::tuple<T...>> : std::true_type {};

template <class T>
concept described_members = boost::describe::has_describe_members<T>::value;

template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public>;

// Positional member I of t (a tuple or an aggregate, const or not).
template <std::size_t I, class T>
decltype(auto) positional_member(T& t) {
    if constexpr (is_std_tuple<std::remove_const_t<T>>::value) return std::get<I>(t);
    else return boost::pfr::get<I>(t);
}

// How many members the walk visits.
template <class T>
constexpr std::size_t member_count() {
    if constexpr (described_members<T>) return boost::mp11::mp_size<public_members<T>>::value;
    else if constexpr (is_std_tuple<T>::value) return std::tuple_size_v<T>;
    else return boost::pfr::tuple_size_v<T>;
}

template <class T, class F>
void for_each_member(F&& f) {
    if constexpr (described_members<T>) {
        std::size_t i = 0;
        boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
            using member = decltype(d);
            f(i++, std::string_view(member::name), [](auto& t) -> decltype(auto) { return t.*member::pointer; });
        });
    } else {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f(I, std::string_view(), [](auto& t) -> decltype(auto) { return positional_member<I>(t); }), ...);
        }
        (std::make_index_sequence<member_count<T>()>());
    }
}

} // namespace cirrus::detail
