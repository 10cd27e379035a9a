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

#include <cirrus/core/config.hpp>
#include <cirrus/core/detail/members.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/results.hpp>

#include <boost/core/type_name.hpp>

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::postgres {

template <class T>
concept described_row = cirrus::detail::described_members<T>;

namespace detail {
using cirrus::detail::is_std_tuple;

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
    decodable<Row> ||(described_row<Row>&& detail::all_described_fields_decodable<Row>()) ||
    ((detail::is_std_tuple<Row>::value || (std::is_aggregate_v<Row> && !described_row<Row>)) &&
     detail::all_positional_fields_decodable<Row>(std::make_index_sequence<detail::field_types<Row>::size>{}));

namespace detail {

// Instantiated once per field so that a missing codec names the row type, the field
// (index or member descriptor) and the field type in the diagnostic.
template <class Row, class FieldId, class Field>
struct check_field_codec {
    static_assert(decodable<Field>, "cirrus::postgres: a field of this row type has no codec: specialise "
                                    "cirrus::postgres::type_traits<Field> or change the field's type "
                                    "(see the template arguments: Row, the field, and Field)");
    static constexpr bool value = true;
};

// Check<Row, Id, Field>::value for each field of Row (Id: its describe descriptor or its
// index), or for Row itself when Row has a codec; the failing check's static_assert names
// the field.
template <class Row, template <class, class, class> class Check>
constexpr bool check_each_field() {
    if constexpr (decodable<Row>) {
        return Check<Row, Row, Row>::value;
    } else if constexpr (described_row<Row>) {
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([](auto d) {
            using F = std::remove_cvref_t<decltype(std::declval<Row&>().*d.pointer)>;
            static_assert(Check<Row, decltype(d), F>::value);
        });
        return true;
    } else {
        static_assert(is_std_tuple<Row>::value || std::is_aggregate_v<Row>,
                      "cirrus::postgres: a row type must be an aggregate, a std::tuple, a "
                      "BOOST_DESCRIBE_STRUCT type, or a type with a codec");
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (Check<Row, std::integral_constant<std::size_t, I>,
                          typename field_types<Row>::template type<I>>::value &&
                    ...);
        }
        (std::make_index_sequence<field_types<Row>::size>{});
    }
}

template <class Row>
constexpr bool check_row_codecs() {
    return check_each_field<Row, check_field_codec>();
}

// Where a typed read failed: filled on the error path only.
struct row_failure {
    std::string row_type;    // the C++ row type
    std::string member;      // "email" (described), "field #2" (aggregate, tuple), empty (scalar)
    std::string member_type; // the C++ type of that member
    std::size_t column = 0;  // index of the column in the result
    std::string column_name;
    oid_t column_type = 0;
    std::size_t row = 0;     // index of the row in the result set
    std::size_t columns = 0; // for field_count_mismatch: the result's column count
    std::size_t fields = 0;  //   and the row type's field count
    bool has_row = false;    // a value failed (not the column matching)
};

// Explains `f` and `ec` in diag (message, column_name, data_type_name); never includes a
// value, which may be secret.
CIRRUS_DECL void describe_row_failure(const row_failure& f, error_code ec, diagnostics& diag);

template <class T>
std::string cpp_type_name() {
    return boost::core::type_name<T>();
}

// Calls f(field, index, name) on each field of a described, tuple or aggregate row (Row
// may be const) in order until f returns an error, and returns that error. name is the
// member's name; empty for a tuple or aggregate.
template <class Row, class F>
error_code for_each_field(Row& row, F&& f) {
    error_code ec;
    cirrus::detail::for_each_member<std::remove_const_t<Row>>([&](std::size_t k, std::string_view name, auto get) {
        if (!ec) ec = f(get(row), k, name);
    });
    return ec;
}

// Column index per field, resolved once per result set.
template <class Row>
error_code map_columns(const std::vector<column>& cols, std::vector<std::size_t>& map, row_failure* fail = nullptr) {
    map.clear();
    auto count_mismatch = [&](std::size_t fields) {
        if (fail) {
            fail->row_type = cpp_type_name<Row>();
            fail->columns = cols.size();
            fail->fields = fields;
        }
        return make_error_code(client_errc::field_count_mismatch);
    };
    if constexpr (decodable<Row>) {
        if (cols.size() != 1) return count_mismatch(1);
        map.push_back(0);
    } else if constexpr (described_row<Row>) {
        error_code ec;
        cirrus::detail::for_each_member<Row>([&](std::size_t, std::string_view name, auto get) {
            if (ec) return;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                if (cols[i].name == name) {
                    map.push_back(i);
                    return;
                }
            }
            ec = make_error_code(client_errc::column_not_found);
            if (fail) {
                using F = std::remove_cvref_t<decltype(get(std::declval<Row&>()))>;
                fail->row_type = cpp_type_name<Row>();
                fail->member = name;
                fail->member_type = cpp_type_name<F>();
                fail->column_name = name;
            }
        });
        return ec;
    } else {
        if (cols.size() != field_types<Row>::size) return count_mismatch(field_types<Row>::size);
        for (std::size_t i = 0; i < cols.size(); ++i) map.push_back(i);
    }
    return {};
}

// Fills the value part of `fail` for field `member` (type F) read from column `col`.
template <class Row, class F>
void note_field_failure(const std::vector<column>& cols, std::size_t col, std::string member, row_failure* fail) {
    if (!fail) return;
    fail->row_type = cpp_type_name<Row>();
    fail->member = std::move(member);
    fail->member_type = cpp_type_name<F>();
    fail->column = col;
    if (col < cols.size()) {
        fail->column_name = cols[col].name;
        fail->column_type = cols[col].type_oid;
    }
    fail->has_row = true;
}

// `row`: a row_view, or any row of field_views indexed by column.
template <class Row, class RowView>
error_code read_mapped(const RowView& row, const std::vector<std::size_t>& map, Row& out,
                       const std::vector<column>* rs = nullptr, row_failure* fail = nullptr) {
    if constexpr (decodable<Row>) {
        auto ec = row[map[0]].get_to(out);
        if (ec && rs) note_field_failure<Row, Row>(*rs, map[0], {}, fail);
        return ec;
    } else {
        return for_each_field(out, [&](auto& field, std::size_t k, std::string_view name) {
            auto ec = row[map[k]].get_to(field);
            if (ec && rs) {
                using F = std::remove_cvref_t<decltype(field)>;
                note_field_failure<Row, F>(*rs, map[k],
                                           described_row<Row> ? std::string(name) : "field #" + std::to_string(k),
                                           fail);
            }
            return ec;
        });
    }
}

} // namespace detail

// Reads one row. Matching is resolved per call; read_rows resolves it once.
template <class Row>
error_code read_row(row_view row, const resultset& rs, Row& out) {
    static_assert(detail::check_row_codecs<Row>());
    std::vector<std::size_t> map;
    if (auto ec = detail::map_columns<Row>(rs.columns(), map)) return ec;
    return detail::read_mapped(row, map, out);
}

// Appends every row of rs to out. On error, out keeps the rows read before the failure,
// and diag (when given) says where it failed: the row number, the column (name, position
// and PostgreSQL type), the struct member and its C++ type, for example
//   row 17: column "age" (#3, text) into member "age" (int) of person: the field's
//   PostgreSQL type cannot be read into this C++ type
// with diag.column_name and diag.data_type_name set. Values are never included.
template <class Row>
error_code read_rows(const resultset& rs, std::vector<Row>& out, diagnostics* diag = nullptr) {
    static_assert(detail::check_row_codecs<Row>());
    std::vector<std::size_t> map;
    detail::row_failure fail;
    detail::row_failure* fp = diag ? &fail : nullptr;
    if (auto ec = detail::map_columns<Row>(rs.columns(), map, fp)) {
        if (diag) detail::describe_row_failure(fail, ec, *diag);
        return ec;
    }
    out.reserve(out.size() + rs.size());
    std::size_t index = 0;
    for (auto row : rs) {
        Row r{};
        if (auto ec = detail::read_mapped(row, map, r, &rs.columns(), fp)) {
            if (diag) {
                fail.row = index;
                detail::describe_row_failure(fail, ec, *diag);
            }
            return ec;
        }
        out.push_back(std::move(r));
        ++index;
    }
    return {};
}

} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/typed_row.ipp>
#endif
