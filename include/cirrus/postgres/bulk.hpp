#pragma once
// Bulk helpers: a table from a row struct, a range of rows inserted through binary COPY
// (connection::async_create_table, async_insert_rows), and the COPY that reads a table
// back into such rows (connection::async_copy_out into a std::vector<Row>).
//
//   struct person { std::int64_t id; std::string name; std::optional<double> score; };
//   BOOST_DESCRIBE_STRUCT(person, (), (id, name, score))
//   create_table_sql<person>("People")
//     -> CREATE TABLE "People" ("id" int8 NOT NULL, "name" text NOT NULL, "score" float8)
//   copy_in_sql<person>("People")
//     -> COPY "People" ("id", "name", "score") FROM STDIN (FORMAT binary)
//   copy_out_sql<person>("People")
//     -> COPY "People" ("id", "name", "score") TO STDOUT (FORMAT binary)
//
// Identifiers are always quoted (so their case is kept and any character but NUL is
// allowed); a qualified name is given as {schema, table}. A column's type is the
// PostgreSQL type of the field's codec (type_traits<F>::type_oid): std::int64_t int8,
// std::int32_t int4, double float8, std::string text, pg::timestamptz timestamptz,
// std::vector<T> T[] ...; std::optional<T> makes the column nullable, every other field
// is NOT NULL. Rows must be BOOST_DESCRIBE_STRUCT types (the members name the columns).

#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/postgres/typed_row.hpp>
#include <cirrus/postgres/types.hpp>

#include <string>
#include <string_view>

namespace cirrus::postgres {

// A table name, optionally schema-qualified.
struct table_name {
    std::string_view schema; // empty: the search_path decides
    std::string_view name;

    table_name(std::string_view n) noexcept : name(n) {} // NOLINT: implicit from a name
    table_name(const char* n) noexcept : name(n) {}      // NOLINT
    table_name(const std::string& n) noexcept : name(n) {} // NOLINT
    table_name(std::string_view s, std::string_view n) noexcept : schema(s), name(n) {}
};

inline std::string quote_table(const table_name& t) {
    if (t.schema.empty()) return quote_identifier(t.name);
    return quote_identifier(t.schema) + "." + quote_identifier(t.name);
}

namespace detail {
template <class F>
constexpr bool nullable_field() {
    return is_optional<F>::value;
}
} // namespace detail

// The PostgreSQL type of a field: "int8", "text", "float8[]" ...; empty for a type the
// client cannot name (a user codec with an OID outside the built-in list).
template <class F>
std::string_view column_type_of() {
    return type_name(detail::type_oid_of<std::remove_cvref_t<F>>());
}

// CREATE TABLE [IF NOT EXISTS] for a described row type.
template <class Row>
std::string create_table_sql(const table_name& table, bool if_not_exists = false) {
    static_assert(described_row<Row>, "create_table_sql: the row type must be a BOOST_DESCRIBE_STRUCT type");
    std::string sql = if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
    sql += quote_table(table);
    sql += " (";
    bool first = true;
    cirrus::detail::for_each_member<Row>([&](std::size_t, std::string_view name, auto get) {
        using F = std::remove_cvref_t<decltype(get(std::declval<Row&>()))>;
        static_assert(encodable<F>, "create_table_sql: a member's type has no codec");
        if (!first) sql += ", ";
        first = false;
        sql += quote_identifier(name);
        sql += ' ';
        auto type = column_type_of<F>();
        sql += type.empty() ? std::string_view("text") : type;
        if (!detail::nullable_field<F>()) sql += " NOT NULL";
    });
    sql += ')';
    return sql;
}

// COPY "table" ("a", "b", ...) FROM STDIN (FORMAT binary) for a described row type; any
// other row type copies into the table's columns in order.
template <class Row>
std::string copy_in_sql(const table_name& table) {
    std::string sql = "COPY " + quote_table(table);
    if constexpr (described_row<Row>) sql += " (" + copy_columns<Row>() + ")";
    sql += " FROM STDIN (FORMAT binary)";
    return sql;
}

// COPY "table" ("a", "b", ...) TO STDOUT (FORMAT binary) for a described row type, whose
// members then read the columns of the same names (connection::async_copy_out into
// rows); any other row type reads the table's columns in order.
template <class Row>
std::string copy_out_sql(const table_name& table) {
    std::string sql = "COPY " + quote_table(table);
    if constexpr (described_row<Row>) sql += " (" + copy_columns<Row>() + ")";
    sql += " TO STDOUT (FORMAT binary)";
    return sql;
}

} // namespace cirrus::postgres
