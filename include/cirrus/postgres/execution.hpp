#pragma once
// Streamed rows: a query whose rows are read a batch at a time, straight from the receive
// buffer into the caller's row structs, in bounded memory whatever the size of the result.
//
//   pg::execution_state st;
//   co_await conn.async_start_execution(pg::query("select id, name from big where k > $1", k), st);
//   std::vector<item> rows; // reused from batch to batch
//   while (!st.complete()) {
//       co_await conn.async_read_some_rows(st, rows);
//       for (const auto& r : rows) use(r);
//   }
//
// async_read_some_rows replaces the contents of `rows` with the rows the receive buffer
// holds (at least one, unless the result is over): the vector's elements are reused, so
// fixed-size fields cost no allocation per row. A batch is bounded by the buffer (64 KiB,
// or one larger row), so memory stays bounded. Row types are those of typed_row.hpp, and
// may have std::string_view fields (and optional ones): they point into the receive buffer
// and stay valid until the next operation on the connection.
//
// While an execution is unfinished, other operations on the connection fail with
// client_errc::operation_in_progress. An execution_state destroyed before the end (a loop
// left early, an exception) hands the rest of the result to the connection, which reads
// and drops it before its next operation.
//
// Errors end the execution and keep the connection usable: an ErrorResponse of the server
// (division by zero on row N ...), a row that does not match the row type (diagnostics name
// the row, the column and the member, as read_rows does), a cancellation or a query timeout
// (a CancelRequest, then operation_aborted / query_timeout) all read the rest of the
// result up to ReadyForQuery and drop it; the failing call's batch is empty. After an error
// the state is complete(). A lost connection closes it.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/detail/session.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::postgres {

namespace detail {

struct execution_access;

// How the session hands DataRow bodies to the typed decoder of one async_read_some_rows.
struct row_sink {
    void* self = nullptr;
    // Decodes one row into the batch; an error (diag filled) stops the batch. A
    // protocol_error is a malformed message.
    error_code (*on_row)(void* self, std::string_view body, diagnostics& diag) = nullptr;
    // Drops the rows of this batch (an error or a cancellation came after them).
    void (*discard)(void* self) noexcept = nullptr;
    // The row type does not match the columns: the execution is ended with this error.
    error_code setup_error;
    const diagnostics* setup_diag = nullptr;
};

} // namespace detail

// The progress of one streamed query (connection::async_start_execution). Neither copied
// nor moved; it may be reused for another execution once complete().
class execution_state {
public:
    execution_state() = default;
    execution_state(const execution_state&) = delete;
    execution_state& operator=(const execution_state&) = delete;
    ~execution_state() { abandon(); }

    // async_start_execution succeeded.
    bool started() const noexcept { return started_; }
    // Every row was read (or the execution ended with an error): the connection is free.
    bool complete() const noexcept { return complete_; }
    // The result's columns (empty for a statement that returns no rows).
    const std::vector<column>& columns() const noexcept { return columns_; }
    // Rows handed to the caller so far.
    std::uint64_t rows_read() const noexcept { return rows_; }
    // Once complete: "SELECT 1000000", "UPDATE 3" ...
    const std::string& command_tag() const noexcept { return tag_; }
    std::uint64_t affected_rows() const noexcept { return detail::affected_rows_of(tag_); }

private:
    friend struct detail::execution_access;

    void abandon() noexcept {
        if (started_ && !complete_)
            if (auto impl = impl_.lock()) detail::abandon_execution(*impl, id_);
        complete_ = true;
    }

    std::weak_ptr<detail::connection_impl> impl_;
    std::uint64_t id_ = 0;
    std::vector<column> columns_;
    std::vector<field_view> fields_; // the current row, reused
    std::string tag_;
    std::uint64_t rows_ = 0;
    bool started_ = false;
    bool complete_ = false;
};

namespace detail {

struct execution_access {
    // A new execution `id` on `impl` with these columns (formats as requested).
    static void start(execution_state& st, std::weak_ptr<connection_impl> impl, std::uint64_t id,
                      const std::vector<column>& cols) {
        st.abandon();
        st.impl_ = std::move(impl);
        st.id_ = id;
        st.columns_ = cols;
        st.fields_.assign(cols.size(), field_view{});
        st.tag_.clear();
        st.rows_ = 0;
        st.started_ = true;
        st.complete_ = false;
    }
    static void abandon(execution_state& st) noexcept { st.abandon(); }
    static std::uint64_t id(const execution_state& st) noexcept { return st.id_; }
    static bool started(const execution_state& st) noexcept { return st.started_; }
    static bool complete(const execution_state& st) noexcept { return st.complete_; }
    static void finish(execution_state& st) noexcept { st.complete_ = true; }
    static void set_tag(execution_state& st, std::string_view tag) { st.tag_.assign(tag); }
    static const std::vector<column>& columns(const execution_state& st) noexcept { return st.columns_; }
    static std::vector<field_view>& fields(execution_state& st) noexcept { return st.fields_; }
    static void add_rows(execution_state& st, std::size_t n) noexcept { st.rows_ += n; }
};

// One row of field_views for read_mapped.
struct fields_row {
    const field_view* fields;
    field_view operator[](std::size_t i) const noexcept { return fields[i]; }
};

// Decodes a batch into the caller's vector, reusing its elements.
template <class Row>
class row_batch_decoder {
public:
    row_batch_decoder(execution_state& st, std::vector<Row>& rows) : st_(st), rows_(rows) {
        row_failure fail;
        const auto& cols = execution_access::columns(st);
        // (a statement without rows has nothing to match)
        if (auto ec = cols.empty() ? error_code{} : map_columns<Row>(cols, map_, &fail)) {
            describe_row_failure(fail, ec, setup_diag_);
            sink_.setup_error = ec;
            sink_.setup_diag = &setup_diag_;
        }
        sink_.self = this;
        sink_.on_row = &on_row;
        sink_.discard = &discard;
    }
    row_batch_decoder(const row_batch_decoder&) = delete;
    row_batch_decoder& operator=(const row_batch_decoder&) = delete;

    row_sink& sink() noexcept { return sink_; }

    // The batch is over: drops the elements beyond it.
    void finish() {
        rows_.resize(n_);
        execution_access::add_rows(st_, n_);
    }

private:
    static error_code on_row(void* p, std::string_view body, diagnostics& diag) {
        auto& self = *static_cast<row_batch_decoder*>(p);
        const auto& cols = execution_access::columns(self.st_);
        auto& fields = execution_access::fields(self.st_);
        auto ec = parse_data_row(body, cols.size(), [&](std::size_t i, std::optional<std::string_view> v) {
            fields[i] = v ? field_view(&cols[i], false, *v) : field_view(&cols[i], true, {});
        });
        if (ec) return ec;
        Row& r = self.n_ < self.rows_.size() ? self.rows_[self.n_] : self.rows_.emplace_back();
        row_failure fail;
        if (auto dec = read_mapped(fields_row{fields.data()}, self.map_, r, &cols, &fail)) {
            fail.row = static_cast<std::size_t>(self.st_.rows_read()) + self.n_;
            describe_row_failure(fail, dec, diag);
            return dec;
        }
        ++self.n_;
        return {};
    }
    static void discard(void* p) noexcept { static_cast<row_batch_decoder*>(p)->n_ = 0; }

    execution_state& st_;
    std::vector<Row>& rows_;
    std::vector<std::size_t> map_;
    std::size_t n_ = 0;
    diagnostics setup_diag_;
    row_sink sink_;
};

template <class Row>
boost::asio::awaitable<error_code> read_row_batch(connection_impl* impl, execution_state& st, std::vector<Row>& rows,
                                                  diagnostics& diag, std::shared_ptr<op_signal> sig) {
    row_batch_decoder<Row> dec(st, rows);
    auto ec = co_await run_read_some_rows(*impl, st, dec.sink(), diag, std::move(sig));
    dec.finish();
    co_return ec;
}

} // namespace detail
} // namespace cirrus::postgres
