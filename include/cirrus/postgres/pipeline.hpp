#pragma once
// Pipelining: many extended-protocol queries sent before any result is read.
//
//   pg::pipeline p;                                   // one Sync for the whole batch
//   for (int id : ids) p.add("select name from users where id = $1", id);
//   pg::pipeline_results r;
//   co_await conn.async_run_pipeline(p, r, diag);     // fails with the first step's error
//   std::vector<user> rows;
//   r.read(0, rows);                                  // typed rows of step 0
//
// Error isolation follows the server: an error in query k makes the server skip every
// message up to the next Sync. With pipeline_sync::per_batch (one Sync at the end) the
// queries after k report client_errc::pipeline_aborted, and the whole batch runs in one
// implicit transaction (a failure rolls back the earlier queries too, unless an explicit
// transaction is open). With pipeline_sync::per_query each query has its own Sync: a
// failure affects only that query, and each query commits on its own.

#include <cirrus/core/error.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres {

enum class pipeline_sync {
    per_batch, // one Sync after the last query: the first error skips the rest of the batch
    per_query, // a Sync after each query: an error affects only its own query
};

class pipeline {
public:
    struct step {
        std::string sql;
        detail::param_list params;
    };

    explicit pipeline(pipeline_sync sync = pipeline_sync::per_batch) : sync_(sync) {}

    // Appends a query; the arguments are encoded now. Returns the step's index.
    template <parameter... Args>
    std::size_t add(std::string_view sql, const Args&... args) {
        step s{std::string(sql), {}};
        (s.params.add(args), ...);
        steps_.push_back(std::move(s));
        return steps_.size() - 1;
    }
    std::size_t add(const bound_query& q) {
        steps_.push_back(step{std::string(q.sql), q.params});
        return steps_.size() - 1;
    }

    pipeline_sync sync() const noexcept { return sync_; }
    void set_sync(pipeline_sync s) noexcept { sync_ = s; }
    std::size_t size() const noexcept { return steps_.size(); }
    bool empty() const noexcept { return steps_.empty(); }
    void clear() noexcept { steps_.clear(); }
    void reserve(std::size_t n) { steps_.reserve(n); }
    const std::vector<step>& steps() const noexcept { return steps_; }

private:
    pipeline_sync sync_;
    std::vector<step> steps_;
};

// The outcome of one pipelined query.
struct pipeline_step_result {
    // Success, the server's SQLSTATE (sqlstate_category), client_errc::pipeline_aborted
    // for a query the server skipped, or client_errc::copy_not_supported.
    error_code error;
    // The server's ErrorResponse for a failed query (empty otherwise).
    diagnostics diag;
    // The query's result set (rows and command tag); empty when it failed.
    results rows;
};

class pipeline_results {
public:
    std::size_t size() const noexcept { return steps_.size(); }
    bool empty() const noexcept { return steps_.empty(); }
    const pipeline_step_result& operator[](std::size_t i) const { return steps_[i]; }
    pipeline_step_result& operator[](std::size_t i) { return steps_[i]; }
    auto begin() const noexcept { return steps_.begin(); }
    auto end() const noexcept { return steps_.end(); }

    // Index of the first step that failed, or size() when every step succeeded.
    std::size_t first_error() const noexcept {
        for (std::size_t i = 0; i < steps_.size(); ++i)
            if (steps_[i].error) return i;
        return steps_.size();
    }
    // Number of steps that failed (including the aborted ones).
    std::size_t error_count() const noexcept {
        std::size_t n = 0;
        for (const auto& s : steps_) n += s.error ? 1 : 0;
        return n;
    }

    // The typed rows of step i (the existing typed-row machinery: by position, or by
    // name for described structs).
    template <class Row>
    error_code read(std::size_t i, std::vector<Row>& rows, diagnostics* diag = nullptr) const {
        static_assert(detail::check_row_codecs<Row>());
        const auto& s = steps_.at(i);
        if (s.error) {
            if (diag) *diag = s.diag;
            return s.error;
        }
        if (s.rows.empty() || !s.rows.front().has_columns()) {
            if (diag) diag->assign_client("pipeline step " + std::to_string(i) + " returned no rows to read");
            return make_error_code(client_errc::no_result_set);
        }
        return read_rows(s.rows.front(), rows, diag);
    }

    // Resizes to n steps; each keeps the storage of its results.
    void reset(std::size_t n) {
        steps_.resize(n);
        for (auto& s : steps_) {
            s.error = {};
            s.diag.clear();
            s.rows.clear();
        }
    }

private:
    std::vector<pipeline_step_result> steps_;
};

} // namespace cirrus::postgres
