#pragma once
// Definitions for postgres/typed_row.hpp.

#include <cirrus/postgres/typed_row.hpp>

#include <string>

namespace cirrus::postgres::detail {

CIRRUS_DECL void describe_row_failure(const row_failure& f, error_code ec, diagnostics& diag) {
    std::string m;
    auto pg_type = [&](oid_t t) {
        auto n = type_name(t);
        return n.empty() ? "oid " + std::to_string(t) : std::string(n);
    };
    if (ec == client_errc::field_count_mismatch) {
        m = "the result has " + std::to_string(f.columns) + " column" + (f.columns == 1 ? "" : "s") + " but " +
            f.row_type + " has " + std::to_string(f.fields) + " field" + (f.fields == 1 ? "" : "s");
    } else if (ec == client_errc::column_not_found) {
        m = "the result has no column \"" + f.column_name + "\" for member \"" + f.member + "\" (" + f.member_type +
            ") of " + f.row_type;
    } else {
        m = "row " + std::to_string(f.row) + ": column \"" + f.column_name + "\" (#" + std::to_string(f.column) + ", " +
            pg_type(f.column_type) + ") into ";
        if (f.member.empty()) m += f.member_type;
        else m += "member \"" + f.member + "\" (" + f.member_type + ") of " + f.row_type;
        m += ": ";
        if (ec == client_errc::unexpected_null)
            m += "the value is NULL and the member cannot hold NULL (use std::optional)";
        else if (ec == client_errc::incompatible_type) m += "no codec reads this PostgreSQL type into this C++ type";
        else if (ec == client_errc::value_out_of_range) m += "the value does not fit the C++ type";
        else if (ec == client_errc::invalid_field_value) m += "the field's bytes are not a valid value of its type";
        else m += ec.message();
    }
    diag.assign_client(m);
    diag.column_name = f.column_name;
    if (f.column_type != 0) diag.data_type_name = pg_type(f.column_type);
}

} // namespace cirrus::postgres::detail
