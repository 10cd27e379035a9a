#pragma once
// Definitions for dynamodb/detail/operations.hpp: the DynamoDB operations as coroutines
// over detail::core.

#include <cirrus/dynamodb/detail/core.hpp>
#include <cirrus/dynamodb/detail/operations.hpp>
#include <cirrus/dynamodb/detail/serialize.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace cirrus::dynamodb::detail {

CIRRUS_DECL std::shared_ptr<core> make_core(boost::asio::any_io_executor ex, client_options options,
                                            http::endpoint endpoint, std::string signing_region) {
    // Error bodies carry old items (up to 400 KB each, one per item of a transaction).
    if (options.http.max_error_body == http::client_options{}.max_error_body) options.http.max_error_body = 4 << 20;
    return std::make_shared<core>(std::move(ex), std::move(options), std::move(endpoint), std::move(signing_region));
}
CIRRUS_DECL void exchange_returner::operator()(exchange* x) const noexcept { c->exchanges.release(x); }
CIRRUS_DECL exchange_lease acquire_exchange(core& c) { return c.lease(); }
CIRRUS_DECL std::string& request_body(exchange& x) noexcept { return x.body; }
CIRRUS_DECL boost::asio::any_io_executor executor_of(const core& c) noexcept { return c.svc.executor; }
CIRRUS_DECL diagnostics& last_diagnostics_of(core& c) noexcept { return c.svc.last_diagnostics; }
CIRRUS_DECL const client_options& options_of(const core& c) noexcept { return c.svc.options; }
CIRRUS_DECL const http::endpoint& endpoint_of(const core& c) noexcept { return c.svc.endpoint; }

namespace ops {

using clock = std::chrono::steady_clock;

inline error_code malformed(diagnostics& diag, std::string_view op) {
    diag.message = "malformed ";
    diag.message += op;
    diag.message += " response";
    return make_error_code(errc::malformed_response);
}

// Writes the request and sends it as `op`.
template <class Request>
task call(core& c, std::string_view op, const Request& r, exchange& x, diagnostics& diag) {
    write(x.body, r);
    return c.send(x, op, diag);
}

// Sleeps for `d` (cut short by a cancellation, which it reports).
inline task sleep_for(clock::duration d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

// Exponential backoff with full jitter between min and max.
class backoff {
public:
    backoff(std::chrono::milliseconds min, std::chrono::milliseconds max) : min_(min), max_(max), next_(min) {}
    clock::duration next() {
        const auto cap = std::max(next_, min_);
        next_ = std::min(next_ * 2, max_);
        std::uniform_int_distribution<std::int64_t> dist(cap.count() / 2, std::max<std::int64_t>(cap.count(), 1));
        return std::chrono::milliseconds(dist(rng_));
    }
    void reset() { next_ = min_; }

private:
    std::chrono::milliseconds min_, max_, next_;
    std::minstd_rand rng_{std::random_device{}()};
};

inline bool is_throttled(const error_code& ec) noexcept {
    return ec == errc::provisioned_throughput_exceeded || ec == errc::request_limit_exceeded ||
           ec == http::aws_errc::throttling;
}

CIRRUS_DECL task create_table(core& c, const create_table_request& r, table_description& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "CreateTable", r, x, diag)) co_return ec;
    if (c.reader.table(x.call.res.body, out)) co_return malformed(diag, "CreateTable");
    co_return error_code{};
}

CIRRUS_DECL task describe_table(core& c, const describe_table_request& r, table_description& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "DescribeTable", r, x, diag)) co_return ec;
    if (c.reader.table(x.call.res.body, out)) co_return malformed(diag, "DescribeTable");
    co_return error_code{};
}

CIRRUS_DECL task update_table(core& c, const update_table_request& r, table_description& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "UpdateTable", r, x, diag)) co_return ec;
    if (c.reader.table(x.call.res.body, out)) co_return malformed(diag, "UpdateTable");
    co_return error_code{};
}

CIRRUS_DECL task delete_table(core& c, const delete_table_request& r, table_description& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "DeleteTable", r, x, diag)) co_return ec;
    if (c.reader.table(x.call.res.body, out)) co_return malformed(diag, "DeleteTable");
    co_return error_code{};
}

CIRRUS_DECL task list_tables(core& c, const list_tables_request& r, list_tables_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "ListTables", r, x, diag)) co_return ec;
    if (c.reader.list_tables(x.call.res.body, out)) co_return malformed(diag, "ListTables");
    co_return error_code{};
}

CIRRUS_DECL task update_time_to_live(core& c, const update_time_to_live_request& r, time_to_live_result& out,
                                     diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "UpdateTimeToLive", r, x, diag)) co_return ec;
    if (c.reader.time_to_live(x.call.res.body, out)) co_return malformed(diag, "UpdateTimeToLive");
    co_return error_code{};
}

CIRRUS_DECL task describe_time_to_live(core& c, const describe_time_to_live_request& r, time_to_live_result& out,
                                       diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "DescribeTimeToLive", r, x, diag)) co_return ec;
    if (c.reader.time_to_live(x.call.res.body, out)) co_return malformed(diag, "DescribeTimeToLive");
    co_return error_code{};
}

// Polls DescribeTable until done(ec, table) says so, with backoff, until the timeout.
using wait_done = bool (*)(const error_code&, const table_description&);

inline task wait_for(core& c, std::string_view table, std::chrono::milliseconds timeout,
                     std::chrono::milliseconds min_delay, std::chrono::milliseconds max_delay, wait_result& out,
                     diagnostics& diag, wait_done done) {
    const auto deadline = clock::now() + timeout;
    backoff delays(min_delay, max_delay);
    for (;;) {
        table_description t;
        diagnostics d;
        ++out.attempts;
        const error_code ec = co_await describe_table(c, describe_table_request{.table = table}, t, d);
        if (ec && ec != errc::resource_not_found) {
            diag = std::move(d);
            co_return ec;
        }
        if (done(ec, t)) {
            if (!ec) out.table = std::move(t);
            co_return error_code{};
        }
        const auto delay = delays.next();
        if (clock::now() + delay > deadline) {
            diag.clear();
            diag.message = "the table did not reach the state before the timeout";
            co_return make_error_code(errc::wait_timeout);
        }
        if (auto sec = co_await sleep_for(delay)) co_return sec;
    }
}

inline bool table_is_active(const error_code& ec, const table_description& t) {
    if (ec || t.status != table_status::active) return false;
    for (const auto& i : t.global_indexes)
        if (!i.status.empty() && i.status != "ACTIVE") return false;
    return true;
}

inline bool table_is_gone(const error_code& ec, const table_description&) { return ec == errc::resource_not_found; }

CIRRUS_DECL task table_active(core& c, const table_active_request& r, wait_result& out, diagnostics& diag) {
    return wait_for(c, r.table, r.timeout, r.min_delay, r.max_delay, out, diag, &table_is_active);
}

CIRRUS_DECL task table_not_exists(core& c, const table_not_exists_request& r, wait_result& out, diagnostics& diag) {
    return wait_for(c, r.table, r.timeout, r.min_delay, r.max_delay, out, diag, &table_is_gone);
}

// A failed condition: the old item, when the request asked for it.
inline void keep_old_item(const error_code& ec, exchange& x, item& attributes) {
    if (ec == errc::conditional_check_failed && x.details.item) attributes = std::move(*x.details.item);
}

CIRRUS_DECL task put_item(core& c, const put_item_request& r, put_item_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    error_code ec = co_await call(c, "PutItem", r, x, diag);
    if (!ec && c.reader.attributes(x.call.res.body, out.attributes)) ec = malformed(diag, "PutItem");
    keep_old_item(ec, x, out.attributes);
    co_return ec;
}

CIRRUS_DECL task get_item(core& c, const get_item_request& r, get_item_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "GetItem", r, x, diag)) co_return ec;
    if (c.reader.get_item(x.call.res.body, out)) co_return malformed(diag, "GetItem");
    co_return error_code{};
}

CIRRUS_DECL task update_item(core& c, const update_item_request& r, update_item_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    error_code ec = co_await call(c, "UpdateItem", r, x, diag);
    if (!ec && c.reader.attributes(x.call.res.body, out.attributes)) ec = malformed(diag, "UpdateItem");
    keep_old_item(ec, x, out.attributes);
    co_return ec;
}

CIRRUS_DECL task delete_item(core& c, const delete_item_request& r, delete_item_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    error_code ec = co_await call(c, "DeleteItem", r, x, diag);
    if (!ec && c.reader.attributes(x.call.res.body, out.attributes)) ec = malformed(diag, "DeleteItem");
    keep_old_item(ec, x, out.attributes);
    co_return ec;
}

CIRRUS_DECL task query(core& c, const query_request& r, query_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "Query", r, x, diag)) co_return ec;
    if (c.reader.query(x.call.res.body, out)) co_return malformed(diag, "Query");
    co_return error_code{};
}

CIRRUS_DECL task scan(core& c, const scan_request& r, scan_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "Scan", r, x, diag)) co_return ec;
    if (c.reader.query(x.call.res.body, out)) co_return malformed(diag, "Scan");
    co_return error_code{};
}

// One segment of a parallel scan, page after page, into `out`.
inline task scan_segment(core& c, scan_request r, std::int32_t segment, std::int32_t total, scan_result& out,
                         diagnostics& diag, const bool& stop) {
    r.segment = segment;
    r.total_segments = total;
    item start;
    for (;;) {
        scan_result page;
        if (auto ec = co_await scan(c, r, page, diag)) co_return ec;
        out.count += page.count;
        out.scanned_count += page.scanned_count;
        for (auto& i : page.items) out.items.push_back(std::move(i));
        if (!page.more() || stop) co_return error_code{};
        if (page.last_evaluated_key == start) co_return malformed(diag, "Scan"); // no progress
        start = std::move(page.last_evaluated_key);
        r.exclusive_start_key = start;
    }
}

// Completion of one segment of a parallel scan.
struct segment_done {
    error_code* error;
    std::size_t* running;
    bool* stop;
    asio::steady_timer* all_done;
    void operator()(std::exception_ptr e, error_code ec) const {
        *error = e ? make_error_code(cirrus::errc::unexpected_exception) : ec;
        if (*error) *stop = true;
        if (--*running == 0) all_done->cancel();
    }
};

CIRRUS_DECL task parallel_scan(core& c, const parallel_scan_request& r, parallel_scan_result& out, diagnostics& diag) {
    const std::int32_t total = std::max<std::int32_t>(r.total_segments, 1);
    const auto ex = co_await asio::this_coro::executor;
    // A cancellation must not end this frame while the segments still refer to it.
    co_await asio::this_coro::throw_if_cancelled(false);
    std::vector<scan_result> parts(static_cast<std::size_t>(total));
    std::vector<diagnostics> diags(static_cast<std::size_t>(total));
    std::vector<error_code> errors(static_cast<std::size_t>(total));
    std::size_t running = static_cast<std::size_t>(total);
    bool stop = false;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    for (std::int32_t s = 0; s < total; ++s) {
        const auto i = static_cast<std::size_t>(s);
        asio::co_spawn(ex, scan_segment(c, r.scan, s, total, parts[i], diags[i], stop),
                       segment_done{&errors[i], &running, &stop, &all_done});
    }
    // The segments refer to this frame: wait for every one of them, whatever happens.
    while (running > 0) {
        error_code ignored;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        if (running > 0) stop = true; // woken by a cancellation: end the segments at their next page
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (errors[i]) {
            diag = std::move(diags[i]);
            co_return errors[i];
        }
    }
    for (auto& p : parts) {
        out.count += p.count;
        out.scanned_count += p.scanned_count;
        for (auto& i : p.items) out.items.push_back(std::move(i));
    }
    co_return error_code{};
}

inline error_code unprocessed_left(diagnostics& diag, std::size_t n) {
    diag.clear();
    diag.message = std::to_string(n) + " items were still unprocessed when the batch's timeout passed";
    return make_error_code(errc::unprocessed_items);
}

CIRRUS_DECL task batch_write(core& c, const batch_write_request& r, batch_write_result& out, diagnostics& diag) {
    constexpr std::size_t per_call = 25;
    const auto deadline = clock::now() + r.timeout;
    backoff delays(r.min_delay, r.max_delay);
    std::deque<const item*> puts, deletes;
    for (const auto& i : r.put) puts.push_back(&i);
    for (const auto& k : r.delete_keys) deletes.push_back(&k);
    std::deque<item> returned; // unprocessed items DynamoDB sent back (stable addresses)
    std::vector<const item*> chunk_puts, chunk_deletes;
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    while (!puts.empty() || !deletes.empty()) {
        chunk_puts.clear();
        chunk_deletes.clear();
        while (!puts.empty() && chunk_puts.size() < per_call) {
            chunk_puts.push_back(puts.front());
            puts.pop_front();
        }
        while (!deletes.empty() && chunk_puts.size() + chunk_deletes.size() < per_call) {
            chunk_deletes.push_back(deletes.front());
            deletes.pop_front();
        }
        x.reset();
        write_batch_write(x.body, r.table, chunk_puts, chunk_deletes);
        ++out.calls;
        error_code ec = co_await c.send(x, "BatchWriteItem", diag);
        unprocessed_writes left;
        if (!ec && c.reader.batch_write(x.call.res.body, r.table, left)) ec = malformed(diag, "BatchWriteItem");
        if (ec && !is_throttled(ec)) {
            out.unprocessed = puts.size() + deletes.size() + chunk_puts.size() + chunk_deletes.size();
            co_return ec;
        }
        if (ec) {
            // Throttled after the transport's retries: the whole chunk goes again.
            for (auto it = chunk_puts.rbegin(); it != chunk_puts.rend(); ++it) puts.push_front(*it);
            for (auto it = chunk_deletes.rbegin(); it != chunk_deletes.rend(); ++it) deletes.push_front(*it);
        } else {
            out.written += chunk_puts.size() + chunk_deletes.size() - left.puts.size() - left.deletes.size();
            for (auto it = left.puts.rbegin(); it != left.puts.rend(); ++it)
                puts.push_front(&returned.emplace_back(std::move(*it)));
            for (auto it = left.deletes.rbegin(); it != left.deletes.rend(); ++it)
                deletes.push_front(&returned.emplace_back(std::move(*it)));
            if (left.puts.empty() && left.deletes.empty()) {
                delays.reset();
                continue;
            }
        }
        const auto delay = delays.next();
        if (clock::now() + delay > deadline) {
            out.unprocessed = puts.size() + deletes.size();
            co_return unprocessed_left(diag, out.unprocessed);
        }
        if (auto sec = co_await sleep_for(delay)) co_return sec;
    }
    diag.clear();
    co_return error_code{};
}

CIRRUS_DECL task batch_get(core& c, const batch_get_request& r, batch_get_result& out, diagnostics& diag) {
    constexpr std::size_t per_call = 100;
    const auto deadline = clock::now() + r.timeout;
    backoff delays(r.min_delay, r.max_delay);
    std::deque<const item*> keys;
    for (const auto& k : r.keys) keys.push_back(&k);
    std::deque<item> returned;
    std::vector<const item*> chunk;
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    while (!keys.empty()) {
        chunk.clear();
        while (!keys.empty() && chunk.size() < per_call) {
            chunk.push_back(keys.front());
            keys.pop_front();
        }
        x.reset();
        write_batch_get(x.body, r, chunk);
        ++out.calls;
        error_code ec = co_await c.send(x, "BatchGetItem", diag);
        std::vector<item> left;
        if (!ec && c.reader.batch_get(x.call.res.body, r.table, out.items, left)) ec = malformed(diag, "BatchGetItem");
        if (ec && !is_throttled(ec)) {
            out.unprocessed = keys.size() + chunk.size();
            co_return ec;
        }
        if (ec) {
            for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) keys.push_front(*it);
        } else {
            for (auto it = left.rbegin(); it != left.rend(); ++it)
                keys.push_front(&returned.emplace_back(std::move(*it)));
            if (left.empty()) {
                delays.reset();
                continue;
            }
        }
        const auto delay = delays.next();
        if (clock::now() + delay > deadline) {
            out.unprocessed = keys.size();
            co_return unprocessed_left(diag, out.unprocessed);
        }
        if (auto sec = co_await sleep_for(delay)) co_return sec;
    }
    diag.clear();
    co_return error_code{};
}

// A random idempotency token (ClientRequestToken: 1 to 36 characters).
inline std::string make_token() {
    static constexpr char hex[] = "0123456789abcdef";
    std::random_device rd;
    std::string t(32, '0');
    for (std::size_t i = 0; i < t.size(); i += 8) {
        std::uint32_t v = rd();
        for (std::size_t j = 0; j < 8; ++j, v >>= 4) t[i + j] = hex[v & 15];
    }
    return t;
}

CIRRUS_DECL task transact_write(core& c, const transact_write_request& r, transact_write_result& out,
                                diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    write(x.body, r, make_token());
    const error_code ec = co_await c.send(x, "TransactWriteItems", diag);
    if (ec == errc::transaction_canceled) out.cancellation_reasons = std::move(x.details.reasons);
    co_return ec;
}

CIRRUS_DECL task transact_get(core& c, const transact_get_request& r, transact_get_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    error_code ec = co_await call(c, "TransactGetItems", r, x, diag);
    if (!ec && c.reader.transact_get(x.call.res.body, out)) ec = malformed(diag, "TransactGetItems");
    if (ec == errc::transaction_canceled) out.cancellation_reasons = std::move(x.details.reasons);
    co_return ec;
}

CIRRUS_DECL task execute_statement(core& c, const execute_statement_request& r, execute_statement_result& out,
                                   diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "ExecuteStatement", r, x, diag)) co_return ec;
    if (c.reader.execute_statement(x.call.res.body, out)) co_return malformed(diag, "ExecuteStatement");
    co_return error_code{};
}

CIRRUS_DECL task batch_execute_statement(core& c, const batch_execute_statement_request& r,
                                         batch_execute_statement_result& out, diagnostics& diag) {
    const exchange_lease lease = c.lease();
    exchange& x = *lease;
    if (auto ec = co_await call(c, "BatchExecuteStatement", r, x, diag)) co_return ec;
    if (c.reader.batch_execute_statement(x.call.res.body, out)) co_return malformed(diag, "BatchExecuteStatement");
    co_return error_code{};
}

CIRRUS_DECL task typed_call(core& c, exchange& x, std::string_view op, typed_parse parse, void* out, bool* found,
                            typed_parse failed, diagnostics& diag) {
    c.prepare(x, op);
    bool ignored = false;
    if (auto ec = co_await c.svc.send(x.call, diag)) {
        if (ec != errc::conditional_check_failed || failed == nullptr || x.call.res.body.empty())
            co_return c.after(ec, x);
        // The item as it was, when the service sent it, straight into the struct.
        if (failed(c.typed, x.call.res.body, out, ignored) == errc::validation) {
            diag.message += " (the item as it was does not fit the struct: ";
            diag.message += c.typed.mismatch();
            diag.message += ")";
        }
        co_return ec;
    }
    if (parse == nullptr) co_return error_code{};
    const error_code ec = parse(c.typed, x.call.res.body, out, found != nullptr ? *found : ignored);
    if (!ec) co_return ec;
    if (ec != errc::validation) co_return malformed(diag, op);
    // A missing field or a value of another type: the item does not fit the struct.
    diag.clear();
    diag.message = "the item of the ";
    diag.message += op;
    diag.message += " response does not fit the struct: ";
    diag.message += c.typed.mismatch();
    co_return ec;
}

CIRRUS_DECL task typed_page_call(core& c, exchange& x, std::string_view op, typed_page_parse parse, void* items,
                                 page_info* info, std::string& last_key, diagnostics& diag) {
    c.prepare(x, op);
    if (auto ec = c.after(co_await c.svc.send(x.call, diag), x)) co_return ec;
    std::int64_t count = 0, scanned_count = 0;
    const error_code ec = parse(c.typed, x.call.res.body, items, count, scanned_count, last_key);
    if (ec == errc::validation) {
        diag.clear();
        diag.message = "an item of the ";
        diag.message += op;
        diag.message += " response does not fit the struct: ";
        diag.message += c.typed.mismatch();
        co_return ec;
    }
    if (ec) co_return malformed(diag, op);
    if (info != nullptr) {
        info->count = count;
        info->scanned_count = scanned_count;
        info->last_evaluated_key.clear();
        if (!last_key.empty() && c.reader.parse_item(last_key, info->last_evaluated_key))
            co_return malformed(diag, op);
    }
    co_return error_code{};
}

} // namespace ops
} // namespace cirrus::dynamodb::detail
