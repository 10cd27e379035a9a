#pragma once
// What the server said about a failure (ErrorResponse) or in passing (NoticeResponse).
// cirrus::postgres::diagnostics extends cirrus::diagnostics: service_code holds the
// SQLSTATE and message the primary message, so code written against the core type keeps
// working; the other ErrorResponse fields sit beside them. None of the fields ever holds
// a password: the client writes only its own fixed texts and the server's words.

#include <cirrus/core/diagnostics.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace cirrus::postgres {

// The fields of an ErrorResponse or NoticeResponse (protocol "Error and Notice Message
// Fields"). Numbers the server sends as text stay text where they are informational.
struct server_message_fields {
    std::string severity;                // 'V' (never localized) or else 'S': ERROR, FATAL, PANIC, WARNING, NOTICE ...
    std::string sqlstate;                // 'C'
    std::string message;                 // 'M'
    std::string detail;                  // 'D'
    std::string hint;                    // 'H'
    std::uint32_t position = 0;          // 'P': 1-based character index into the query, 0 if absent
    std::uint32_t internal_position = 0; // 'p'
    std::string internal_query;          // 'q'
    std::string where;                   // 'W'
    std::string schema_name;             // 's'
    std::string table_name;              // 't'
    std::string column_name;             // 'c'
    std::string data_type_name;          // 'd'
    std::string constraint_name;         // 'n'
    std::string file;                    // 'F'
    std::uint32_t line = 0;              // 'L'
    std::string routine;                 // 'R'

    // Member by member: no allocation, and the strings keep their storage.
    void clear() noexcept {
        for (std::string* f : {&severity, &sqlstate, &message, &detail, &hint, &internal_query, &where, &schema_name,
                               &table_name, &column_name, &data_type_name, &constraint_name, &file, &routine})
            f->clear();
        position = internal_position = line = 0;
    }
};

namespace detail {
inline std::uint32_t parse_position(std::string_view v) noexcept {
    std::uint32_t out = 0;
    for (char c : v) {
        if (c < '0' || c > '9' || out > 100000000u) return 0;
        out = out * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return out;
}

// Stores one field of an ErrorResponse/NoticeResponse; unknown codes are ignored as the
// protocol requires.
inline void assign_field(server_message_fields& f, char code, std::string_view value) {
    switch (code) {
    case 'V': f.severity.assign(value); break;
    case 'S':
        if (f.severity.empty()) f.severity.assign(value);
        break;
    case 'C': f.sqlstate.assign(value); break;
    case 'M': f.message.assign(value); break;
    case 'D': f.detail.assign(value); break;
    case 'H': f.hint.assign(value); break;
    case 'P': f.position = parse_position(value); break;
    case 'p': f.internal_position = parse_position(value); break;
    case 'q': f.internal_query.assign(value); break;
    case 'W': f.where.assign(value); break;
    case 's': f.schema_name.assign(value); break;
    case 't': f.table_name.assign(value); break;
    case 'c': f.column_name.assign(value); break;
    case 'd': f.data_type_name.assign(value); break;
    case 'n': f.constraint_name.assign(value); break;
    case 'F': f.file.assign(value); break;
    case 'L': f.line = parse_position(value); break;
    case 'R': f.routine.assign(value); break;
    default: break;
    }
}
} // namespace detail

// A NoticeResponse, delivered to the connection's notice handler.
struct notice : server_message_fields {};

class diagnostics : public cirrus::diagnostics {
public:
    // service_code (SQLSTATE) and message are the base's; the rest of the ErrorResponse:
    std::string severity;
    std::string detail;
    std::string hint;
    std::uint32_t position = 0;
    std::uint32_t internal_position = 0;
    std::string internal_query;
    std::string where;
    std::string schema_name;
    std::string table_name;
    std::string column_name;
    std::string data_type_name;
    std::string constraint_name;
    std::string file;
    std::uint32_t line = 0;
    std::string routine;

    // True when the fields came from a server ErrorResponse (not a client-side failure).
    bool is_server_error = false;

    const std::string& sqlstate() const noexcept { return service_code; }

    // Member by member: no allocation, and the strings keep their storage (a pipeline
    // clears one per query).
    void clear() noexcept {
        cirrus::diagnostics::clear();
        for (std::string* f : {&severity, &detail, &hint, &internal_query, &where, &schema_name, &table_name,
                               &column_name, &data_type_name, &constraint_name, &file, &routine})
            f->clear();
        position = internal_position = line = 0;
        is_server_error = false;
    }

    void assign_server(const server_message_fields& f) {
        clear();
        is_server_error = true;
        service_code = f.sqlstate;
        message = f.message;
        severity = f.severity;
        detail = f.detail;
        hint = f.hint;
        position = f.position;
        internal_position = f.internal_position;
        internal_query = f.internal_query;
        where = f.where;
        schema_name = f.schema_name;
        table_name = f.table_name;
        column_name = f.column_name;
        data_type_name = f.data_type_name;
        constraint_name = f.constraint_name;
        file = f.file;
        line = f.line;
        routine = f.routine;
    }

    // A client-side explanation (no SQLSTATE). Callers pass fixed texts and names only.
    void assign_client(std::string_view text) {
        clear();
        message.assign(text);
    }

    // "ERROR 23505: duplicate key value violates unique constraint "t_pkey"
    //  (detail: Key (id)=(1) already exists.)"
    std::string what() const {
        std::string out;
        if (!severity.empty()) {
            out += severity;
            out += ' ';
        }
        out += service_code;
        if (!message.empty()) {
            if (!out.empty()) out += ": ";
            out += message;
        }
        if (!detail.empty()) {
            out += " (detail: ";
            out += detail;
            out += ')';
        }
        if (!hint.empty()) {
            out += " (hint: ";
            out += hint;
            out += ')';
        }
        return out;
    }
};

// What a with_diagnostics token (the default) throws for a failed PostgreSQL operation:
// error_with_diagnostics with every ErrorResponse field.
class error_with_diagnostics : public cirrus::error_with_diagnostics {
public:
    error_with_diagnostics(error_code ec, const diagnostics& diag)
        : cirrus::error_with_diagnostics(ec, diag.what(), diag), pg_diag_(diag) {}

    const diagnostics& get_diagnostics() const noexcept { return pg_diag_; }

private:
    diagnostics pg_diag_;
};

inline std::exception_ptr make_exception_ptr_for(error_code ec, const diagnostics& diag) {
    return std::make_exception_ptr(error_with_diagnostics(ec, diag));
}

} // namespace cirrus::postgres
