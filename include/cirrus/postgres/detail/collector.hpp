#pragma once
// What the server sends back for one request batch (everything up to ReadyForQuery),
// interpreted without I/O: result sets and rows, command tags, the first ErrorResponse,
// describe results, COPY that this client refuses. The connection feeds it messages;
// unit tests and the fuzz target feed it bytes directly.

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/results.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace cirrus::postgres::detail {

class response_collector {
public:
    // Where rows go (may be null when no rows are expected).
    results* out = nullptr;
    // Extended protocol: the columns of the portal being executed (there is no
    // RowDescription for Bind/Execute), with the formats that were requested.
    const std::vector<column>* portal_columns = nullptr;
    // Describe of a statement: parameter types and row description land here instead of
    // in a result set.
    bool describing = false;
    std::vector<oid_t> param_types;
    std::vector<column> row_description;
    bool no_data = false;

    // Outcome.
    bool done = false;
    transaction_status txn = transaction_status::idle;
    bool has_server_error = false;
    server_message_fields error;
    bool copy_refused = false;
    std::size_t complete_count = 0; // CommandComplete / EmptyQueryResponse seen

    // The most bytes of results kept (rows, column descriptions, command tags, with a
    // small overhead per field and per result set); 0 keeps everything. Past it the
    // results are dropped, the rest of the answer is only read, and limit_exceeded tells
    // the connection to cancel the query.
    std::size_t max_bytes = 0;
    std::size_t collected_bytes = 0;
    bool limit_exceeded = false;

    // Handles one message. A returned error is a protocol violation: the connection must
    // be closed. Messages to send back (CopyFail) are appended to `reply`.
    error_code on_message(const message_view& m, cirrus::buffer& reply) {
        if (done) return protocol_error();
        switch (m.type) {
        case msg::row_description: {
            if (describing) {
                if (auto ec = parse_row_description(m.body, row_description)) return ec;
                return {};
            }
            if (limit_exceeded) return {};
            std::vector<column> cols;
            if (auto ec = parse_row_description(m.body, cols)) return ec;
            if (!out) return protocol_error();
            if (!charge(m.body.size() + sizeof(resultset))) return {};
            current_ = &out->add();
            current_->set_columns(std::move(cols));
            return {};
        }
        case msg::data_row: {
            if (limit_exceeded) return {};
            if (!current_) {
                if (!out || !portal_columns) return protocol_error();
                if (!charge(sizeof(resultset))) return {};
                current_ = &out->add();
                current_->set_columns(*portal_columns);
            }
            if (!charge(m.body.size() + current_->columns().size() * bytes_per_field)) return {};
            return current_->append_data_row(m.body);
        }
        case msg::command_complete: {
            std::string_view tag;
            if (auto ec = parse_command_complete(m.body, tag)) return ec;
            if (limit_exceeded) return {};
            if (!charge(tag.size() + (current_ ? 0 : sizeof(resultset)))) return {};
            if (!current_ && out) {
                current_ = &out->add();
                if (portal_columns) current_->set_columns(*portal_columns);
            }
            if (current_) current_->set_command_tag(tag);
            current_ = nullptr;
            in_copy_out_ = false;
            ++complete_count;
            return {};
        }
        case msg::empty_query_response:
            if (!m.body.empty()) return protocol_error();
            current_ = nullptr;
            ++complete_count;
            return {};
        case msg::error_response: {
            server_message_fields f;
            if (auto ec = parse_server_message(m.body, f)) return ec;
            if (!has_server_error) {
                has_server_error = true;
                error = std::move(f);
            }
            current_ = nullptr;
            in_copy_out_ = false;
            return {};
        }
        case msg::ready_for_query:
            if (auto ec = parse_ready_for_query(m.body, txn)) return ec;
            if (in_copy_out_) return protocol_error();
            done = true;
            return {};
        case msg::parse_complete:
        case msg::bind_complete:
        case msg::close_complete: return m.body.empty() ? error_code{} : protocol_error();
        case msg::no_data:
            if (!m.body.empty()) return protocol_error();
            no_data = true;
            return {};
        case msg::parameter_description:
            if (!describing) return protocol_error();
            return parse_parameter_description(m.body, param_types);
        case msg::copy_in_response: {
            format f;
            std::size_t n;
            if (auto ec = parse_copy_response(m.body, f, n)) return ec;
            copy_refused = true;
            write_copy_fail(reply, "COPY FROM STDIN is not supported by this operation");
            return {};
        }
        case msg::copy_out_response: {
            format f;
            std::size_t n;
            if (auto ec = parse_copy_response(m.body, f, n)) return ec;
            copy_refused = true;
            in_copy_out_ = true;
            return {};
        }
        case msg::copy_data: return in_copy_out_ ? error_code{} : protocol_error();
        case msg::copy_done:
            if (!in_copy_out_ || !m.body.empty()) return protocol_error();
            return {};
        default:
            // Authentication, BackendKeyData, CopyBoth, FunctionCallResponse,
            // PortalSuspended ... are not valid answers to the requests this client sends.
            return protocol_error();
        }
    }

    // The error_code of the batch once done: result_too_large, copy_not_supported, or the
    // server's SQLSTATE.
    // As a new collector (without allocating): every field back to its default.
    void reset() noexcept {
        out = nullptr;
        portal_columns = nullptr;
        describing = false;
        param_types.clear();
        row_description.clear();
        no_data = false;
        done = false;
        txn = transaction_status::idle;
        error.clear();
        has_server_error = false;
        copy_refused = false;
        complete_count = 0;
        max_bytes = 0;
        collected_bytes = 0;
        limit_exceeded = false;
        current_ = nullptr;
        in_copy_out_ = false;
    }

    error_code result_code() const noexcept {
        if (limit_exceeded) return make_error_code(client_errc::result_too_large);
        if (copy_refused) return make_error_code(client_errc::copy_not_supported);
        if (has_server_error) return sqlstate_error(error.sqlstate);
        return {};
    }

private:
    // What the index of one field costs beside its bytes (resultset's offset and length).
    static constexpr std::size_t bytes_per_field = 16;

    // Counts n more bytes; false (and the results dropped) once past max_bytes.
    bool charge(std::size_t n) {
        collected_bytes += n;
        if (max_bytes == 0 || collected_bytes <= max_bytes) return true;
        limit_exceeded = true;
        current_ = nullptr;
        if (out) out->clear();
        return false;
    }

    resultset* current_ = nullptr;
    bool in_copy_out_ = false;
};

} // namespace cirrus::postgres::detail
