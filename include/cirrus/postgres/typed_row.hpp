#pragma once
// Typed rows: read result rows into C++ types.
//
//  - Structs described with BOOST_DESCRIBE_STRUCT are matched to columns by name (every
//    member needs a column of that name; extra columns are ignored).
//  - Other aggregates (through Boost.PFR) and std::tuple are matched by position and must
//    have as many fields as there are columns.
//  - A type with a codec (std::int64_t, std::string ...) reads a single-column result.
// Every field type must have a codec; a field without one stops compilation with a
// message naming the row type, the field and its type.
//
//   struct user { std::int64_t id; std::string name; std::optional<std::string> email; };
//   BOOST_DESCRIBE_STRUCT(user, (), (id, name, email))
//   std::vector<user> users;
//   co_await conn.async_execute(pg::query("select id, name, email from users"), users, diag, token);

#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/results.hpp>

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::postgres {

template <class T>
concept described_row = boost::describe::has_describe_members<T>::value;

namespace detail {
template <class T>
struct is_std_tuple : std::false_type {};
template <class... T>
struct is_std_tuple<std::tuple<T...>> : std::true_type {};

template <class Row>
struct field_types;

template <class Row>
    requires(is_std_tuple<Row>::value)
struct field_types<Row> {
    static constexpr std::size_t size = std::tuple_size_v<Row>;
    template <std::size_t I>
    using type = std::tuple_element_t<I, Row>;
};

template <class Row>
    requires(!is_std_tuple<Row>::value && std::is_aggregate_v<Row>)
struct field_types<Row> {
    static constexpr std::size_t size = boost::pfr::tuple_size_v<Row>;
    template <std::size_t I>
    using type = boost::pfr::tuple_element_t<I, Row>;
};

template <class Row, std::size_t... I>
constexpr bool all_positional_fields_decodable(std::index_sequence<I...>) {
    return (decodable<typename field_types<Row>::template type<I>> && ...);
}

template <class Row>
constexpr bool all_described_fields_decodable() {
    bool ok = true;
    boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([&](auto d) {
        using F = std::remove_cvref_t<decltype(std::declval<Row&>().*d.pointer)>;
        ok = ok && decodable<F>;
    });
    return ok;
}
} // namespace detail

// Row types that the client can read into (all fields have codecs).
template <class Row>
concept row_type =
    decodable<Row> ||
    (described_row<Row> && detail::all_described_fields_decodable<Row>()) ||
    ((detail::is_std_tuple<Row>::value || (std::is_aggregate_v<Row> && !described_row<Row>)) &&
     detail::all_positional_fields_decodable<Row>(std::make_index_sequence<detail::field_types<Row>::size>{}));

namespace detail {

// Instantiated once per field so that a missing codec names the row type, the field
// (index or member descriptor) and the field type in the diagnostic.
template <class Row, class FieldId, class Field>
struct check_field_codec {
    static_assert(decodable<Field>,
                  "cirrus::postgres: a field of this row type has no codec: specialise "
                  "cirrus::postgres::type_traits<Field> or change the field's type "
                  "(see the template arguments: Row, the field, and Field)");
    static constexpr bool value = true;
};

template <class Row>
constexpr bool check_row_codecs() {
    if constexpr (decodable<Row>) {
        return true;
    } else if constexpr (described_row<Row>) {
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([](auto d) {
            using F = std::remove_cvref_t<decltype(std::declval<Row&>().*d.pointer)>;
            static_assert(check_field_codec<Row, decltype(d), F>::value);
        });
        return true;
    } else {
        static_assert(is_std_tuple<Row>::value || std::is_aggregate_v<Row>,
                      "cirrus::postgres: a row type must be an aggregate, a std::tuple, a "
                      "BOOST_DESCRIBE_STRUCT type, or a type with a codec");
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (check_field_codec<Row, std::integral_constant<std::size_t, I>,
                                      typename field_types<Row>::template type<I>>::value && ...);
        }(std::make_index_sequence<field_types<Row>::size>{});
    }
}

template <class Row>
auto& positional_get(Row& r, auto index) {
    if constexpr (is_std_tuple<Row>::value) return std::get<decltype(index)::value>(r);
    else return boost::pfr::get<decltype(index)::value>(r);
}

// Column index per field, resolved once per result set.
template <class Row>
error_code map_columns(const resultset& rs, std::vector<std::size_t>& map) {
    const auto& cols = rs.columns();
    map.clear();
    if constexpr (decodable<Row>) {
        if (cols.size() != 1) return make_error_code(client_errc::field_count_mismatch);
        map.push_back(0);
    } else if constexpr (described_row<Row>) {
        error_code ec;
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([&](auto d) {
            if (ec) return;
            std::string_view name = d.name;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                if (cols[i].name == name) {
                    map.push_back(i);
                    return;
                }
            }
            ec = make_error_code(client_errc::column_not_found);
        });
        return ec;
    } else {
        if (cols.size() != field_types<Row>::size) return make_error_code(client_errc::field_count_mismatch);
        for (std::size_t i = 0; i < cols.size(); ++i) map.push_back(i);
    }
    return {};
}

template <class Row>
error_code read_mapped(row_view row, const std::vector<std::size_t>& map, Row& out) {
    if constexpr (decodable<Row>) {
        return row[map[0]].get_to(out);
    } else if constexpr (described_row<Row>) {
        error_code ec;
        std::size_t k = 0;
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([&](auto d) {
            if (!ec) ec = row[map[k]].get_to(out.*d.pointer);
            ++k;
        });
        return ec;
    } else {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            error_code ec;
            ((ec = ec ? ec : row[map[I]].get_to(positional_get(out, std::integral_constant<std::size_t, I>{}))), ...);
            return ec;
        }(std::make_index_sequence<field_types<Row>::size>{});
    }
}

} // namespace detail

// Reads one row. Matching is resolved per call; read_rows resolves it once.
template <class Row>
error_code read_row(row_view row, const resultset& rs, Row& out) {
    static_assert(detail::check_row_codecs<Row>());
    std::vector<std::size_t> map;
    if (auto ec = detail::map_columns<Row>(rs, map)) return ec;
    return detail::read_mapped(row, map, out);
}

// Appends every row of rs to out. On error, out keeps the rows read before the failure.
template <class Row>
error_code read_rows(const resultset& rs, std::vector<Row>& out) {
    static_assert(detail::check_row_codecs<Row>());
    std::vector<std::size_t> map;
    if (auto ec = detail::map_columns<Row>(rs, map)) return ec;
    out.reserve(out.size() + rs.size());
    for (auto row : rs) {
        Row r{};
        if (auto ec = detail::read_mapped(row, map, r)) return ec;
        out.push_back(std::move(r));
    }
    return {};
}

} // namespace cirrus::postgres
