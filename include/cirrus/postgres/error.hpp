#pragma once
// Error codes of the PostgreSQL client.
//
// Two categories:
//  - client_errc ("cirrus.postgres"): failures detected by the client itself (an auth
//    method we refuse, a NULL read into a non-optional field, a closed connection ...).
//  - sqlstate ("cirrus.postgres.sqlstate"): the SQLSTATE of a server ErrorResponse. The
//    five-character code is stored in the error_code value in base 36, so every SQLSTATE
//    the server sends (not only the enumerators below) round-trips, and "00000" is 0.
// Plus sqlstate_class, an error condition that matches every code of a SQLSTATE class:
//    if (ec == cirrus::postgres::sqlstate_class::integrity_constraint_violation) ...
// Protocol violations by the server use cirrus::errc::protocol_error, truncated and
// message_too_large from core.

#include <cirrus/core/error.hpp>

#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/error_condition.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::postgres {

enum class client_errc {
    ok = 0,
    not_connected = 1,               // no connection, or it was closed after an error
    operation_in_progress,           // an operation is already running on this connection
    invalid_connection_string,       // a malformed conninfo string or URI
    ssl_not_supported,               // sslmode requires TLS and the server answered 'N'
    unsupported_auth_method,         // the server asked for an auth method we do not implement
    cleartext_password_not_allowed,  // cleartext password to a server whose certificate was not verified
    password_required,               // the server asked for a password and none was given
    scram_invalid_server_message,    // a malformed SCRAM server-first/final message
    scram_server_signature_mismatch, // the server could not prove it knows the password
    channel_binding_required,        // channel_binding=require but SCRAM-PLUS was not possible
    channel_binding_not_supported,   // the server certificate's signature hash is unusable
    unexpected_null,                 // a NULL field read into a type that cannot hold NULL
    incompatible_type,               // no codec maps this column type to the requested type
    invalid_field_value,             // a field's bytes are not a valid value of its type
    value_out_of_range,              // a value does not fit the requested C++ type
    array_dimension_mismatch,        // an array's dimensions differ from the vector nesting depth
    field_count_mismatch,            // a row type's field count differs from the columns
    column_not_found,                // a described row field has no column of that name
    parameter_count_mismatch,        // bound parameters differ from the statement's count
    statement_not_owned,             // a statement prepared on another connection
    no_result_set,                   // rows requested from a command that returns none
    query_timeout,                   // the client-side query timeout expired (query canceled)
    commit_rolled_back,              // COMMIT of a failed transaction rolled it back
    copy_not_supported,              // COPY is not available through this call
    unexpected_message,              // a message that is valid but not expected now
    service_not_found,               // the connection service is in no service file
    invalid_service_file,            // a service file cannot be read or has a syntax error
    non_rectangular_array,           // an array parameter whose sub-arrays differ in length
    auth_method_not_allowed,         // require_auth, or a plain retry after a failed TLS handshake, refused it
    result_too_large,                // an operation's results exceeded connection_options::max_result_bytes
    scram_too_many_iterations,       // the server asked for more SCRAM iterations than scram_max_iterations
    pipeline_aborted,                // a pipelined query skipped: an earlier query of its segment failed
    not_a_copy,                      // the statement given to a COPY operation is not the COPY it expects
    pool_timeout,                    // no pooled connection became available within the acquire timeout
    pool_closed,                     // the pool was canceled or destroyed
    not_binary_copy,                 // COPY data read into rows is not in the binary format
    invalid_copy_data,               // binary COPY data that is not well formed (header, trailer, lengths)
    row_too_large, // a binary COPY row read into a struct is over connection_options::max_message_size

    unsupported_array_dimensions = array_dimension_mismatch, // the former name
};

namespace detail {
class client_category final : public boost::system::error_category {
public:
    constexpr client_category() noexcept : error_category(0x6369727275735047ULL) {}
    const char* name() const noexcept override { return "cirrus.postgres"; }
    std::string message(int ev) const override {
        switch (static_cast<client_errc>(ev)) {
        case client_errc::ok: return "success";
        case client_errc::not_connected: return "not connected";
        case client_errc::operation_in_progress: return "another operation is in progress on this connection";
        case client_errc::invalid_connection_string: return "invalid connection string";
        case client_errc::ssl_not_supported: return "the server does not support SSL, but SSL was required";
        case client_errc::unsupported_auth_method: return "the server requested an unsupported authentication method";
        case client_errc::cleartext_password_not_allowed:
            return "cleartext password authentication to a server whose certificate was not verified is not allowed";
        case client_errc::password_required: return "the server requested a password, but none was provided";
        case client_errc::scram_invalid_server_message: return "invalid SCRAM message from the server";
        case client_errc::scram_server_signature_mismatch: return "SCRAM server signature mismatch";
        case client_errc::channel_binding_required:
            return "channel binding required, but the server did not offer SCRAM-SHA-256-PLUS over TLS";
        case client_errc::channel_binding_not_supported:
            return "channel binding is not supported for the server certificate";
        case client_errc::unexpected_null: return "unexpected NULL value";
        case client_errc::incompatible_type: return "incompatible column type";
        case client_errc::invalid_field_value: return "invalid field value";
        case client_errc::value_out_of_range: return "value out of range";
        case client_errc::array_dimension_mismatch:
            return "the array's number of dimensions differs from the nesting depth of the vector";
        case client_errc::field_count_mismatch: return "field count mismatch";
        case client_errc::column_not_found: return "column not found";
        case client_errc::parameter_count_mismatch: return "parameter count mismatch";
        case client_errc::statement_not_owned: return "the statement belongs to another connection";
        case client_errc::no_result_set: return "the command returned no result set";
        case client_errc::query_timeout: return "query timeout";
        case client_errc::commit_rolled_back: return "COMMIT rolled back the failed transaction";
        case client_errc::copy_not_supported: return "COPY is not supported by this operation";
        case client_errc::unexpected_message: return "unexpected message from the server";
        case client_errc::service_not_found: return "definition of the connection service not found";
        case client_errc::invalid_service_file: return "invalid connection service file";
        case client_errc::non_rectangular_array: return "the sub-arrays of a multi-dimensional array differ in length";
        case client_errc::auth_method_not_allowed: return "the server's authentication method is not allowed";
        case client_errc::result_too_large: return "the results exceeded the client's limit (max_result_bytes)";
        case client_errc::scram_too_many_iterations: return "the server asked for more SCRAM iterations than allowed";
        case client_errc::pipeline_aborted: return "not executed: an earlier query of the same pipeline segment failed";
        case client_errc::not_a_copy: return "the statement is not the COPY this operation expects";
        case client_errc::pool_timeout: return "no pooled connection became available within the acquire timeout";
        case client_errc::pool_closed: return "the connection pool was canceled";
        case client_errc::not_binary_copy: return "the COPY data is not in the binary format";
        case client_errc::invalid_copy_data: return "invalid binary COPY data";
        case client_errc::row_too_large: return "a COPY row is larger than the connection allows";
        }
        return "unknown postgres client error";
    }
};
} // namespace detail

inline const boost::system::error_category& client_category() noexcept {
    static constexpr detail::client_category category;
    return category;
}

inline error_code make_error_code(client_errc e) noexcept { return {static_cast<int>(e), client_category()}; }

// --- SQLSTATE ------------------------------------------------------------------------

// Base-36 value of a five-character SQLSTATE ('0'-'9' then 'A'-'Z'), -1 if malformed.
constexpr int sqlstate_value(std::string_view code) noexcept {
    if (code.size() != 5) return -1;
    int v = 0;
    for (char c : code) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
        else return -1;
        v = v * 36 + d;
    }
    return v;
}

// The five-character SQLSTATE of a base-36 value.
inline std::string sqlstate_string(int value) {
    std::string s(5, '0');
    if (value < 0) return "?????";
    for (int i = 4; i >= 0; --i) {
        int d = value % 36;
        s[static_cast<std::size_t>(i)] = static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10);
        value /= 36;
    }
    return s;
}

// Common SQLSTATEs (PostgreSQL Appendix A). Any other code still maps to the category.
enum class sqlstate : int {
    successful_completion = 0,
    connection_exception = sqlstate_value("08000"),
    connection_does_not_exist = sqlstate_value("08003"),
    connection_failure = sqlstate_value("08006"),
    sqlclient_unable_to_establish_sqlconnection = sqlstate_value("08001"),
    sqlserver_rejected_establishment_of_sqlconnection = sqlstate_value("08004"),
    protocol_violation = sqlstate_value("08P01"),
    feature_not_supported = sqlstate_value("0A000"),
    cardinality_violation = sqlstate_value("21000"),
    data_exception = sqlstate_value("22000"),
    string_data_right_truncation = sqlstate_value("22001"),
    numeric_value_out_of_range = sqlstate_value("22003"),
    null_value_not_allowed = sqlstate_value("22004"),
    invalid_datetime_format = sqlstate_value("22007"),
    datetime_field_overflow = sqlstate_value("22008"),
    division_by_zero = sqlstate_value("22012"),
    invalid_parameter_value = sqlstate_value("22023"),
    array_subscript_error = sqlstate_value("2202E"),
    invalid_text_representation = sqlstate_value("22P02"),
    integrity_constraint_violation = sqlstate_value("23000"),
    restrict_violation = sqlstate_value("23001"),
    not_null_violation = sqlstate_value("23502"),
    foreign_key_violation = sqlstate_value("23503"),
    unique_violation = sqlstate_value("23505"),
    check_violation = sqlstate_value("23514"),
    exclusion_violation = sqlstate_value("23P01"),
    invalid_transaction_state = sqlstate_value("25000"),
    active_sql_transaction = sqlstate_value("25001"),
    read_only_sql_transaction = sqlstate_value("25006"),
    no_active_sql_transaction = sqlstate_value("25P01"),
    in_failed_sql_transaction = sqlstate_value("25P02"),
    invalid_sql_statement_name = sqlstate_value("26000"),
    invalid_authorization_specification = sqlstate_value("28000"),
    invalid_password = sqlstate_value("28P01"),
    dependent_objects_still_exist = sqlstate_value("2BP01"),
    invalid_catalog_name = sqlstate_value("3D000"),
    invalid_schema_name = sqlstate_value("3F000"),
    transaction_rollback = sqlstate_value("40000"),
    serialization_failure = sqlstate_value("40001"),
    deadlock_detected = sqlstate_value("40P01"),
    syntax_error_or_access_rule_violation = sqlstate_value("42000"),
    insufficient_privilege = sqlstate_value("42501"),
    syntax_error = sqlstate_value("42601"),
    invalid_name = sqlstate_value("42602"),
    name_too_long = sqlstate_value("42622"),
    ambiguous_column = sqlstate_value("42702"),
    undefined_column = sqlstate_value("42703"),
    undefined_object = sqlstate_value("42704"),
    duplicate_object = sqlstate_value("42710"),
    datatype_mismatch = sqlstate_value("42804"),
    cannot_coerce = sqlstate_value("42846"),
    undefined_function = sqlstate_value("42883"),
    undefined_table = sqlstate_value("42P01"),
    undefined_parameter = sqlstate_value("42P02"),
    duplicate_prepared_statement = sqlstate_value("42P05"),
    duplicate_table = sqlstate_value("42P07"),
    indeterminate_datatype = sqlstate_value("42P18"),
    insufficient_resources = sqlstate_value("53000"),
    disk_full = sqlstate_value("53100"),
    out_of_memory = sqlstate_value("53200"),
    too_many_connections = sqlstate_value("53300"),
    program_limit_exceeded = sqlstate_value("54000"),
    object_not_in_prerequisite_state = sqlstate_value("55000"),
    lock_not_available = sqlstate_value("55P03"),
    operator_intervention = sqlstate_value("57000"),
    query_canceled = sqlstate_value("57014"),
    admin_shutdown = sqlstate_value("57P01"),
    crash_shutdown = sqlstate_value("57P02"),
    cannot_connect_now = sqlstate_value("57P03"),
    system_error = sqlstate_value("58000"),
    io_error = sqlstate_value("58030"),
    config_file_error = sqlstate_value("F0000"),
    plpgsql_error = sqlstate_value("P0000"),
    raise_exception = sqlstate_value("P0001"),
    no_data_found = sqlstate_value("P0002"),
    too_many_rows = sqlstate_value("P0003"),
    internal_error = sqlstate_value("XX000"),
    data_corrupted = sqlstate_value("XX001"),
    index_corrupted = sqlstate_value("XX002"),
};

// SQLSTATE classes (the first two characters), as error conditions.
enum class sqlstate_class : int {
    warning = sqlstate_value("01000"),
    connection_exception = sqlstate_value("08000"),
    feature_not_supported = sqlstate_value("0A000"),
    cardinality_violation = sqlstate_value("21000"),
    data_exception = sqlstate_value("22000"),
    integrity_constraint_violation = sqlstate_value("23000"),
    invalid_cursor_state = sqlstate_value("24000"),
    invalid_transaction_state = sqlstate_value("25000"),
    invalid_sql_statement_name = sqlstate_value("26000"),
    invalid_authorization_specification = sqlstate_value("28000"),
    invalid_catalog_name = sqlstate_value("3D000"),
    invalid_schema_name = sqlstate_value("3F000"),
    transaction_rollback = sqlstate_value("40000"),
    syntax_error_or_access_rule_violation = sqlstate_value("42000"),
    insufficient_resources = sqlstate_value("53000"),
    program_limit_exceeded = sqlstate_value("54000"),
    object_not_in_prerequisite_state = sqlstate_value("55000"),
    operator_intervention = sqlstate_value("57000"),
    system_error = sqlstate_value("58000"),
    plpgsql_error = sqlstate_value("P0000"),
    internal_error = sqlstate_value("XX000"),
};

namespace detail {

inline const char* sqlstate_name(int value) noexcept {
    switch (static_cast<sqlstate>(value)) {
    case sqlstate::successful_completion: return "successful_completion";
    case sqlstate::connection_exception: return "connection_exception";
    case sqlstate::connection_does_not_exist: return "connection_does_not_exist";
    case sqlstate::connection_failure: return "connection_failure";
    case sqlstate::sqlclient_unable_to_establish_sqlconnection: return "sqlclient_unable_to_establish_sqlconnection";
    case sqlstate::sqlserver_rejected_establishment_of_sqlconnection:
        return "sqlserver_rejected_establishment_of_sqlconnection";
    case sqlstate::protocol_violation: return "protocol_violation";
    case sqlstate::feature_not_supported: return "feature_not_supported";
    case sqlstate::cardinality_violation: return "cardinality_violation";
    case sqlstate::data_exception: return "data_exception";
    case sqlstate::string_data_right_truncation: return "string_data_right_truncation";
    case sqlstate::numeric_value_out_of_range: return "numeric_value_out_of_range";
    case sqlstate::null_value_not_allowed: return "null_value_not_allowed";
    case sqlstate::invalid_datetime_format: return "invalid_datetime_format";
    case sqlstate::datetime_field_overflow: return "datetime_field_overflow";
    case sqlstate::division_by_zero: return "division_by_zero";
    case sqlstate::invalid_parameter_value: return "invalid_parameter_value";
    case sqlstate::array_subscript_error: return "array_subscript_error";
    case sqlstate::invalid_text_representation: return "invalid_text_representation";
    case sqlstate::integrity_constraint_violation: return "integrity_constraint_violation";
    case sqlstate::restrict_violation: return "restrict_violation";
    case sqlstate::not_null_violation: return "not_null_violation";
    case sqlstate::foreign_key_violation: return "foreign_key_violation";
    case sqlstate::unique_violation: return "unique_violation";
    case sqlstate::check_violation: return "check_violation";
    case sqlstate::exclusion_violation: return "exclusion_violation";
    case sqlstate::invalid_transaction_state: return "invalid_transaction_state";
    case sqlstate::active_sql_transaction: return "active_sql_transaction";
    case sqlstate::read_only_sql_transaction: return "read_only_sql_transaction";
    case sqlstate::no_active_sql_transaction: return "no_active_sql_transaction";
    case sqlstate::in_failed_sql_transaction: return "in_failed_sql_transaction";
    case sqlstate::invalid_sql_statement_name: return "invalid_sql_statement_name";
    case sqlstate::invalid_authorization_specification: return "invalid_authorization_specification";
    case sqlstate::invalid_password: return "invalid_password";
    case sqlstate::dependent_objects_still_exist: return "dependent_objects_still_exist";
    case sqlstate::invalid_catalog_name: return "invalid_catalog_name";
    case sqlstate::invalid_schema_name: return "invalid_schema_name";
    case sqlstate::transaction_rollback: return "transaction_rollback";
    case sqlstate::serialization_failure: return "serialization_failure";
    case sqlstate::deadlock_detected: return "deadlock_detected";
    case sqlstate::syntax_error_or_access_rule_violation: return "syntax_error_or_access_rule_violation";
    case sqlstate::insufficient_privilege: return "insufficient_privilege";
    case sqlstate::syntax_error: return "syntax_error";
    case sqlstate::invalid_name: return "invalid_name";
    case sqlstate::name_too_long: return "name_too_long";
    case sqlstate::ambiguous_column: return "ambiguous_column";
    case sqlstate::undefined_column: return "undefined_column";
    case sqlstate::undefined_object: return "undefined_object";
    case sqlstate::duplicate_object: return "duplicate_object";
    case sqlstate::datatype_mismatch: return "datatype_mismatch";
    case sqlstate::cannot_coerce: return "cannot_coerce";
    case sqlstate::undefined_function: return "undefined_function";
    case sqlstate::undefined_table: return "undefined_table";
    case sqlstate::undefined_parameter: return "undefined_parameter";
    case sqlstate::duplicate_prepared_statement: return "duplicate_prepared_statement";
    case sqlstate::duplicate_table: return "duplicate_table";
    case sqlstate::indeterminate_datatype: return "indeterminate_datatype";
    case sqlstate::insufficient_resources: return "insufficient_resources";
    case sqlstate::disk_full: return "disk_full";
    case sqlstate::out_of_memory: return "out_of_memory";
    case sqlstate::too_many_connections: return "too_many_connections";
    case sqlstate::program_limit_exceeded: return "program_limit_exceeded";
    case sqlstate::object_not_in_prerequisite_state: return "object_not_in_prerequisite_state";
    case sqlstate::lock_not_available: return "lock_not_available";
    case sqlstate::operator_intervention: return "operator_intervention";
    case sqlstate::query_canceled: return "query_canceled";
    case sqlstate::admin_shutdown: return "admin_shutdown";
    case sqlstate::crash_shutdown: return "crash_shutdown";
    case sqlstate::cannot_connect_now: return "cannot_connect_now";
    case sqlstate::system_error: return "system_error";
    case sqlstate::io_error: return "io_error";
    case sqlstate::config_file_error: return "config_file_error";
    case sqlstate::plpgsql_error: return "plpgsql_error";
    case sqlstate::raise_exception: return "raise_exception";
    case sqlstate::no_data_found: return "no_data_found";
    case sqlstate::too_many_rows: return "too_many_rows";
    case sqlstate::internal_error: return "internal_error";
    case sqlstate::data_corrupted: return "data_corrupted";
    case sqlstate::index_corrupted: return "index_corrupted";
    }
    return nullptr;
}

inline constexpr int sqlstate_class_divisor = 36 * 36 * 36;

class sqlstate_category_impl final : public boost::system::error_category {
public:
    constexpr sqlstate_category_impl() noexcept : error_category(0x6369727275735153ULL) {}
    const char* name() const noexcept override { return "cirrus.postgres.sqlstate"; }
    std::string message(int ev) const override {
        std::string out = "SQLSTATE " + sqlstate_string(ev);
        if (const char* n = sqlstate_name(ev)) {
            out += " (";
            out += n;
            out += ')';
        }
        return out;
    }
    // A SQLSTATE code matches the sqlstate_class condition of its first two characters.
    bool equivalent(const boost::system::error_code& code, int condition) const noexcept override;
};

class sqlstate_class_category_impl final : public boost::system::error_category {
public:
    constexpr sqlstate_class_category_impl() noexcept : error_category(0x6369727275735143ULL) {}
    const char* name() const noexcept override { return "cirrus.postgres.sqlstate_class"; }
    std::string message(int ev) const override { return "SQLSTATE class " + sqlstate_string(ev).substr(0, 2); }
    bool equivalent(const boost::system::error_code& code, int condition) const noexcept override;
};

} // namespace detail

inline const boost::system::error_category& sqlstate_category() noexcept {
    static constexpr detail::sqlstate_category_impl category;
    return category;
}

inline const boost::system::error_category& sqlstate_class_category() noexcept {
    static constexpr detail::sqlstate_class_category_impl category;
    return category;
}

namespace detail {
inline bool sqlstate_category_impl::equivalent(const boost::system::error_code& code, int condition) const noexcept {
    return code.category() == *this && code.value() == condition;
}
inline bool sqlstate_class_category_impl::equivalent(const boost::system::error_code& code,
                                                     int condition) const noexcept {
    return code.category() == sqlstate_category() &&
           code.value() / sqlstate_class_divisor == condition / sqlstate_class_divisor;
}
} // namespace detail

inline error_code make_error_code(sqlstate e) noexcept { return {static_cast<int>(e), sqlstate_category()}; }

inline boost::system::error_condition make_error_condition(sqlstate_class c) noexcept {
    return {static_cast<int>(c), sqlstate_class_category()};
}

// The error_code of a SQLSTATE string as sent by the server; a malformed code maps to
// internal_error ("XX000") so that a server error is never mistaken for success.
inline error_code sqlstate_error(std::string_view code) noexcept {
    int v = sqlstate_value(code);
    if (v <= 0) v = static_cast<int>(sqlstate::internal_error);
    return {v, sqlstate_category()};
}

// The SQLSTATE string of an error_code of the sqlstate category, empty otherwise.
inline std::string sqlstate_of(const error_code& ec) {
    if (ec.category() != sqlstate_category()) return {};
    return sqlstate_string(ec.value());
}

} // namespace cirrus::postgres

template <>
struct boost::system::is_error_code_enum<cirrus::postgres::client_errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::postgres::client_errc> : std::true_type {};
template <>
struct boost::system::is_error_code_enum<cirrus::postgres::sqlstate> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::postgres::sqlstate> : std::true_type {};
template <>
struct boost::system::is_error_condition_enum<cirrus::postgres::sqlstate_class> : std::true_type {};
