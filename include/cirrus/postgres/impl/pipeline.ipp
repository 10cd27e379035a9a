#pragma once
// Definitions for pipelining (postgres/pipeline.hpp): connection_impl::run_pipeline.
//
// 1. Every statement text not yet in the statement cache is prepared (one round trip per
//    distinct text, outside any explicit transaction). A text the server refuses is
//    not cached: it is sent again unnamed in the pipeline, so that it fails there, in
//    its place, with the isolation the caller asked for.
// 2. The whole batch is written while the answers are read (both at once, so that
//    neither side blocks on a full socket buffer): per query Bind + Execute of the cached
//    statement, or Parse + Bind + Describe + Execute unnamed (text results); a Sync after
//    each query or after the last.
// 3. Answers are dispatched in order: each query ends with CommandComplete (or
//    EmptyQueryResponse) or ErrorResponse; after an error the server skips to the Sync,
//    and the queries it skipped report client_errc::pipeline_aborted.

#include <cirrus/postgres/detail/connection_impl.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <unordered_set>

namespace cirrus::postgres::detail {

namespace pipeline_detail {

struct plan_step {
    const cached_statement* named = nullptr; // null: sent unnamed with Parse
    std::vector<oid_t> types;
};


} // namespace pipeline_detail

CIRRUS_DECL asio::awaitable<error_code> connection_impl::run_pipeline(const pipeline& p, pipeline_results& out,
                                                                      diagnostics& diag,
                                                                      std::shared_ptr<op_signal> sig) {
    out.reset(p.size());
    if (auto ec = co_await start_op(diag, sig)) co_return ec;
    std::vector<pipeline_step_ref> steps;
    steps.reserve(p.size());
    for (const auto& s : p.steps()) steps.push_back({&s.sql, &s.params});
    auto ec = co_await pipeline_body(steps, p.sync(), out, diag, nullptr);
    co_return co_await end_op(ec, diag);
}

// The writer and reader lambdas live in the coroutine frame (g++: -Wsubobject-linkage).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
CIRRUS_DECL asio::awaitable<error_code> connection_impl::pipeline_body(const std::vector<pipeline_step_ref>& steps,
                                                                       pipeline_sync sync, pipeline_results& out,
                                                                       diagnostics& diag,
                                                                       const std::function<void(std::size_t)>* on_step) {
    using namespace pipeline_detail;
    if (auto ec = co_await run_pending_rollback(diag)) co_return ec;
    if (steps.empty()) co_return error_code{};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (auto ec = refused_parameter(*steps[i].params, diag)) {
            diag.message = "pipeline step " + std::to_string(i) + ": " + diag.message;
            co_return ec;
        }
    }

    // 1. Plan: cached statements, preparing the texts not yet cached.
    std::vector<plan_step> plan(steps.size());
    std::vector<std::string> keys(steps.size());
    const bool use_cache = opts_.statement_cache_capacity != 0 && txn_ == transaction_status::idle;
    if (use_cache) {
        // Touch every cached statement this batch uses first, so that inserting new ones
        // evicts only statements the batch does not need.
        std::unordered_set<std::string> used;
        // A step with the text and types of the one before it shares its plan (a batch of
        // one lookup repeated costs one key and one cache probe).
        std::vector<char> same(steps.size(), 0);
        for (std::size_t i = 0; i < steps.size(); ++i) {
            plan[i].types = steps[i].params->types();
            if (i > 0 && *steps[i].sql == *steps[i - 1].sql && plan[i].types == plan[i - 1].types) {
                same[i] = 1;
                continue;
            }
            keys[i] = statement_key(*steps[i].sql, plan[i].types);
            if (auto it = cache_.find(keys[i]); it != cache_.end()) {
                lru_.splice(lru_.begin(), lru_, it->second.lru);
                used.insert(keys[i]);
            }
        }
        std::unordered_set<std::string> refused;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (same[i] || cache_.count(keys[i]) || refused.count(keys[i])) continue;
            if (used.size() >= opts_.statement_cache_capacity) continue; // the cache is full of this batch
            cached_statement fresh;
            std::string name = "cirrus_s" + std::to_string(++statement_counter_);
            auto ec = co_await parse_describe(name, *steps[i].sql, plan[i].types, fresh, diag);
            if (ec) {
                if (state_ != state::busy) co_return ec; // the connection failed
                // The server refused the text: it fails again in its place in the pipeline.
                diag.clear();
                refused.insert(keys[i]);
                continue;
            }
            insert_cached(keys[i], std::move(fresh));
            used.insert(keys[i]);
        }
        // Pointers into the cache stay valid: nothing is inserted or evicted from here on.
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (same[i]) plan[i].named = plan[i - 1].named;
            else if (auto it = cache_.find(keys[i]); it != cache_.end()) plan[i].named = &it->second.stmt;
        }
    } else {
        for (std::size_t i = 0; i < steps.size(); ++i) plan[i].types = steps[i].params->types();
    }

    // 2. The batch.
    out_.clear();
    queue_pending_closes();
    const bool per_query = sync == pipeline_sync::per_query;
    bool const binary = binary_values();
    auto bind = [&](std::size_t i, const std::string& name, const std::vector<oid_t>& types,
                    const std::vector<column>* columns) {
        std::string failure;
        auto ec = write_bind(out_, name, types, columns, *steps[i].params, binary, failure);
        if (ec) diag.assign_client("pipeline step " + std::to_string(i) + ": " + failure);
        return ec;
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
        error_code ec;
        if (plan[i].named) {
            ec = bind(i, plan[i].named->name, plan[i].named->param_types, &plan[i].named->columns);
        } else {
            if (write_parse(out_, "", *steps[i].sql, plan[i].types)) {
                diag.assign_client("pipeline step " + std::to_string(i) +
                                   ": the query contains a NUL character or too many parameters");
                ec = make_error_code(errc::invalid_argument);
            } else {
                ec = bind(i, "", plan[i].types, nullptr);
                if (!ec) write_describe(out_, 'P', "");
            }
        }
        if (ec) {
            out_.clear();
            co_return ec;
        }
        write_execute(out_, "", 0);
        if (per_query || i + 1 == steps.size()) write_sync(out_);
    }

    // 3. Write and read at once.
    asio::steady_timer written(ex_, std::chrono::steady_clock::time_point::max());
    bool write_done = false;
    error_code write_ec;
    auto writer = [&]() -> asio::awaitable<void> {
        auto [ec, n] = co_await stream_.write(asio::buffer(out_.data(), out_.size()));
        (void)n;
        write_ec = ec;
        write_done = true;
        written.cancel();
        if (ec) abort_io(); // the reader stops too
    };

    error_code failure;          // the first failed step's error
    server_message_fields fatal; // an error the server sent before closing
    bool has_fatal = false;
    bool discarded = false; // DISCARD ALL / DEALLOCATE ALL dropped the server's statements
    auto reader = [&]() -> asio::awaitable<error_code> {
        std::size_t cur = 0;
        const std::size_t total_syncs = per_query ? steps.size() : 1;
        std::size_t syncs_left = total_syncs;
        bool skipping = false; // after an error, until ReadyForQuery
        cirrus::buffer reply;
        auto fresh_collector = [&](response_collector& c) {
            c.reset();
            if (cur < steps.size()) {
                c.out = &out[cur].rows;
                c.portal_columns = plan[cur].named ? &plan[cur].named->columns : nullptr;
                c.max_bytes = opts_.max_result_bytes;
            }
        };
        response_collector c;
        fresh_collector(c);
        std::size_t notified = 0; // steps handed to on_step
        auto notify = [&] {
            if (on_step)
                while (notified < cur) (*on_step)(notified++);
        };
        // The last query of the segment that `cur` is in.
        auto segment_end = [&] { return per_query ? cur + 1 : steps.size(); };
        while (syncs_left > 0) {
            message_view m;
            if (auto ec = co_await read_message(m)) {
                if (ec == errc::message_too_large) describe_oversize(diag, " in a pipeline");
                else if (ec == errc::protocol_error)
                    diag.assign_client("the server sent an invalid message; the connection was closed");
                co_return ec;
            }
            error_code ec;
            if (handle_async(m, ec)) {
                if (ec) co_return ec;
                continue;
            }
            if (m.type == msg::ready_for_query) {
                if (auto pec = parse_ready_for_query(m.body, txn_)) co_return pec;
                --syncs_left;
                // Every query of the segment has answered (or was skipped after an error).
                std::size_t expected = per_query ? total_syncs - syncs_left : steps.size();
                if (cur != expected) co_return make_error_code(errc::protocol_error);
                skipping = false;
                continue;
            }
            if (skipping) {
                // Nothing but asynchronous messages and ReadyForQuery follows an error.
                if (m.type == msg::error_response) continue;
                co_return make_error_code(errc::protocol_error);
            }
            if (cur >= steps.size()) {
                if (m.type == msg::close_complete) continue;
                co_return make_error_code(errc::protocol_error);
            }
            if (auto cec = c.on_message(m, reply)) co_return cec;
            if (c.limit_exceeded) request_cancel(cancel_reason::result_limit);
            if (!reply.empty()) {
                // CopyFail for a COPY FROM STDIN: after the batch, never inside it.
                if (!write_done) co_await written.async_wait(as_tuple_awaitable);
                auto [wec, n] = co_await stream_.write(asio::buffer(reply.data(), reply.size()));
                (void)n;
                reply.clear();
                if (wec) co_return wec;
            }
            if (c.has_server_error) {
                auto& s = out[cur];
                s.error = sqlstate_error(c.error.sqlstate);
                s.diag.assign_server(c.error);
                s.rows.clear();
                if (!failure) {
                    failure = s.error;
                    fatal = c.error;
                    has_fatal = true;
                }
                std::size_t end = segment_end();
                for (std::size_t k = cur + 1; k < end; ++k) {
                    out[k].error = make_error_code(client_errc::pipeline_aborted);
                    out[k].diag.assign_client("not executed: step " + std::to_string(cur) +
                                              " of the same pipeline segment failed");
                }
                cur = end;
                skipping = true;
                fresh_collector(c);
                notify();
            } else if (c.complete_count > 0) {
                out[cur].error = c.result_code();
                if (out[cur].error && !failure) {
                    failure = out[cur].error;
                    out[cur].diag.assign_client(c.copy_refused ? "COPY is not supported in a pipeline"
                                                               : "the results exceeded max_result_bytes");
                }
                if (drops_statements(out[cur].rows)) discarded = true;
                ++cur;
                fresh_collector(c);
                notify();
            }
        }
        if (cur != steps.size()) co_return make_error_code(errc::protocol_error);
        co_return error_code{};
    };

    using namespace asio::experimental::awaitable_operators;
    // A reader that stops early must stop the writer too, or the two would wait forever.
    auto guarded_reader = [&]() -> asio::awaitable<error_code> {
        auto ec = co_await reader();
        if (ec && !write_done) abort_io();
        co_return ec;
    };
    auto both = writer() && guarded_reader();
    error_code read_ec = co_await std::move(both);
    out_.clear();
    if (read_ec || write_ec) {
        auto ec = read_ec ? read_ec : write_ec;
        if (has_fatal && ec != errc::protocol_error && ec != errc::message_too_large) {
            // A FATAL error (administrator shutdown ...) followed by the server closing.
            diag.assign_server(fatal);
            ec = failure;
        }
        fail_connection();
        co_return ec;
    }
    if (discarded) forget_statements();
    if (failure) {
        diag = out[out.first_error()].diag;
        co_return failure;
    }
    co_return error_code{};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

} // namespace cirrus::postgres::detail
