// PutItem, GetItem, UpdateItem and Query through dynamodb::client against DynamoDB Local, at each level
// of requests in flight: requests/s, client CPU per request (getrusage over the timed
// phase) and heap allocations per request (a replaced operator new, timed phase only).
//
//   ddb_bench --table T --setup                        create the table and its items
//   ddb_bench --table T [--duration S] [--concurrency 1,64] [--ops put,get,query,update] [--json]
//             [--max-allocations-per-request N]
//   ddb_bench --table T --cleanup                      delete the table
//   ddb_bench --table T --temporary [run options]      all three in one (a small table)
//
// With --max-allocations-per-request the exit status is 3 when an operation allocated more
// than that per request (operator new, timed phase) or a request failed.
//
// The endpoint is CIRRUS_DYNAMODB_ENDPOINT, by default scripts/services.sh's
// (127.0.0.1:8077). The requests, the same in the Go and Rust peers
// (benchmarks/peers/go-ddb, rust-ddb):
//   put    PutItem of {pk: S "put#<n % 1000>", sk: N 0, name: S, visits: N <n>, active: BOOL,
//          payload: S (82 bytes)}, written from a described struct (client::async_put)
//   get    GetItem of {pk: "get#<n % 100>", sk: 0}, read into a described struct
//          (client::async_get)
//   query  Query "pk = :p" with :p = "query": 10 items of the same shape, read into a kept
//          vector of the struct (client::async_query(request, rows))
//   update UpdateItem "SET visits = visits + 1" of {pk: "get#<n % 100>", sk: 0}, the new item
//          (ReturnValues ALL_NEW) read into a described struct (client::async_update); no
//          peer has it
//   put_item, get_item, query_item  the same through the item API (async_put_item of a
//          kept item; async_get_item into a kept get_item_result, async_query into a kept
//          query_result, then from_item)
// One thread runs one io_context, as a user's single-threaded service would. Each worker
// keeps its request items, its result and its typed struct between requests (a caller
// that reuses what it can), so what allocations remain are the client's own.

#include "../counting_new.hpp"

#include <cirrus/dynamodb/client.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/typed.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/describe/class.hpp>

#include <charconv>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

namespace asio = boost::asio;
namespace ddb = cirrus::dynamodb;
using clock_type = std::chrono::steady_clock;

constexpr const char* payload = "The quick brown fox jumps over the lazy dog; the five boxing wizards jump quickly.";

struct profile {
    std::string pk;
    std::int64_t sk = 0;
    std::string name;
    std::int64_t visits = 0;
    bool active = false;
    std::string payload;
};
BOOST_DESCRIBE_STRUCT(profile, (), (pk, sk, name, visits, active, payload))

struct profile_key {
    std::string pk;
    std::int64_t sk = 0;
};
BOOST_DESCRIBE_STRUCT(profile_key, (), (pk, sk))

double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

// Sets an S attribute in place: a short string stays in the value's own storage.
void set_s(ddb::item& i, const char* name, std::string_view v) {
    i[name].emplace_scalar(ddb::attribute_type::s).assign(v);
}
void set_n(ddb::item& i, const char* name, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    i[name].emplace_scalar(ddb::attribute_type::n).assign(buf, r.ptr);
}

ddb::item make_profile(std::string_view pk, std::uint64_t sk, std::uint64_t visits) {
    ddb::item i;
    set_s(i, "pk", pk);
    set_n(i, "sk", sk);
    set_s(i, "name", "Ada Lovelace");
    set_n(i, "visits", visits);
    i["active"] = ddb::attribute_value::boolean(true);
    set_s(i, "payload", payload);
    return i;
}

enum class op_kind { put, get, query, update, put_item, get_item, query_item };

struct bench {
    ddb::client<>& db;
    std::string table;
    ddb::condition query_key = ddb::attr("pk") == "query";
    ddb::update visit = ddb::update().increment(ddb::attr("visits"), 1);
};

// "put#" or "get#" and the decimal n.
std::string_view key_text(char (&buf)[32], const char* prefix, unsigned n) {
    std::memcpy(buf, prefix, 4);
    const auto r = std::to_chars(buf + 4, buf + sizeof buf, n);
    return {buf, static_cast<std::size_t>(r.ptr - buf)};
}

// What a worker keeps from request to request, from the warm-up to the timed phase.
struct worker_state {
    ddb::item put_item = make_profile("put#0", 0, 0);
    ddb::item key = [] {
        ddb::item k;
        set_s(k, "pk", "get#0");
        set_n(k, "sk", 0);
        return k;
    }();
    ddb::put_item_result put_result;
    ddb::get_item_result get_result;
    ddb::query_result query_result;
    profile row;
    profile put_row{.pk = "put#0", .sk = 0, .name = "Ada Lovelace", .visits = 0, .active = true, .payload = payload};
    profile_key get_key{.pk = "get#0", .sk = 0};
    std::vector<profile> rows = std::vector<profile>(10);
};

asio::awaitable<void> worker(const bench& b, op_kind op, worker_state& w, unsigned first, unsigned step,
                             clock_type::time_point until, std::uint64_t& done, std::uint64_t& errors) {
    auto& [put_item, key, put_result, get_result, query_result, row, put_row, get_key, rows] = w;
    char buf[32];
    for (unsigned n = first; clock_type::now() < until; n += step) {
        bool ok = false;
        switch (op) {
        case op_kind::put: {
            put_row.pk.assign(key_text(buf, "put#", n % 1000));
            put_row.visits = n;
            auto [ec] = co_await b.db.async_put(b.table, put_row, asio::as_tuple(asio::use_awaitable));
            ok = !ec;
            break;
        }
        case op_kind::get: {
            get_key.pk.assign(key_text(buf, "get#", n % 100));
            auto [ec, found] = co_await b.db.async_get(b.table, get_key, row, asio::as_tuple(asio::use_awaitable));
            ok = !ec && found && row.sk == 0;
            break;
        }
        case op_kind::update: {
            get_key.pk.assign(key_text(buf, "get#", n % 100));
            auto [ec] = co_await b.db.async_update(b.table, get_key, b.visit, row, asio::as_tuple(asio::use_awaitable));
            ok = !ec && row.sk == 0 && row.visits > 0;
            break;
        }
        case op_kind::put_item: {
            set_s(put_item, "pk", key_text(buf, "put#", n % 1000));
            set_n(put_item, "visits", n);
            auto [ec] = co_await b.db.async_put_item({.table = b.table, .item = put_item}, put_result,
                                                     asio::as_tuple(asio::use_awaitable));
            ok = !ec;
            break;
        }
        case op_kind::get_item: {
            set_s(key, "pk", key_text(buf, "get#", n % 100));
            auto [ec] = co_await b.db.async_get_item({.table = b.table, .key = key}, get_result,
                                                     asio::as_tuple(asio::use_awaitable));
            ok = !ec && get_result.item && !ddb::from_item(*get_result.item, row) && row.sk == 0;
            break;
        }
        case op_kind::query: {
            auto [ec, page] = co_await b.db.async_query({.table = b.table, .key_condition = b.query_key}, rows,
                                                        asio::as_tuple(asio::use_awaitable));
            ok = !ec && rows.size() == 10 && page.count == 10 && !page.more();
            break;
        }
        case op_kind::query_item: {
            auto [ec] = co_await b.db.async_query({.table = b.table, .key_condition = b.query_key}, query_result,
                                                  asio::as_tuple(asio::use_awaitable));
            ok = !ec && query_result.items.size() == rows.size();
            for (std::size_t i = 0; ok && i < rows.size(); ++i) ok = !ddb::from_item(query_result.items[i], rows[i]);
            break;
        }
        }
        ++done;
        if (!ok) ++errors;
    }
}

struct result {
    op_kind op = op_kind::put;
    unsigned concurrency = 0;
    std::uint64_t requests = 0;
    double seconds = 0;
    double cpu_seconds = 0;
    double allocations_per_request = 0;
    double heap_allocations_per_request = -1; // every malloc-family call; -1: not counted
    std::uint64_t errors = 0;
};

// Spawns the workers (their frames are allocated here), then runs them when `counted` is
// not null, after reading the counters into it.
struct counters {
    std::uint64_t cxx = 0, heap = 0;
    double cpu = 0;
    clock_type::time_point t;
};
void run_workers(asio::io_context& ioc, const bench& b, op_kind op, std::vector<worker_state>& workers,
                 clock_type::duration d, std::uint64_t& done, std::uint64_t& errors, counters* counted) {
    const auto until = clock_type::now() + d;
    const auto n = static_cast<unsigned>(workers.size());
    for (unsigned i = 0; i < n; ++i)
        asio::co_spawn(ioc, worker(b, op, workers[i], i, n, until, done, errors), asio::detached);
    if (counted != nullptr) {
        counted->cxx = cirrus::bench::cxx_allocations.load();
        counted->heap = cirrus::bench::heap_allocations.load();
        counted->cpu = cpu_seconds();
        counted->t = clock_type::now();
    }
    ioc.restart();
    ioc.run();
}

result run(asio::io_context& ioc, const bench& b, op_kind op, unsigned concurrency, double seconds) {
    std::uint64_t done = 0, errors = 0;
    std::vector<worker_state> workers(concurrency);
    // Warm-up: connections opened, buffers grown, frames recycled.
    run_workers(ioc, b, op, workers, std::chrono::milliseconds(500), done, errors, nullptr);
    done = 0;
    errors = 0;
    counters c0;
    run_workers(ioc, b, op, workers,
                std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds)), done,
                errors, &c0);
    result r;
    r.seconds = std::chrono::duration<double>(clock_type::now() - c0.t).count();
    r.cpu_seconds = cpu_seconds() - c0.cpu;
    const auto alloc1 = cirrus::bench::cxx_allocations.load();
    const auto heap1 = cirrus::bench::heap_allocations.load();
    r.op = op;
    r.concurrency = concurrency;
    r.requests = done;
    const double per = done == 0 ? 0 : 1.0 / static_cast<double>(done);
    r.allocations_per_request = static_cast<double>(alloc1 - c0.cxx) * per;
#ifdef CIRRUS_BENCH_COUNTS_MALLOC
    r.heap_allocations_per_request = static_cast<double>(heap1 - c0.heap) * per;
#else
    (void)heap1;
#endif
    r.errors = errors;
    return r;
}

// Runs one operation to completion on the io_context.
template <class Start>
cirrus::error_code once(asio::io_context& ioc, Start start) {
    cirrus::error_code out = asio::error::operation_aborted;
    start([&](cirrus::error_code ec, auto&&...) { out = ec; });
    ioc.restart();
    ioc.run();
    return out;
}

int setup(asio::io_context& ioc, ddb::client<>& db, const std::string& table, unsigned big_items) {
    cirrus::diagnostics diag;
    auto ec = once(ioc, [&](auto h) {
        db.async_create_table({.table = table,
                               .hash_key = {.name = "pk", .type = ddb::scalar_type::s},
                               .range_key = ddb::key_attribute{.name = "sk", .type = ddb::scalar_type::n}},
                              diag, h);
    });
    if (ec && ec != ddb::errc::resource_in_use) {
        std::fprintf(stderr, "create table: %s %s\n", ec.message().c_str(), diag.what().c_str());
        return 1;
    }
    if ((ec = once(ioc, [&](auto h) { db.async_wait_table_active({.table = table}, diag, h); }))) {
        std::fprintf(stderr, "wait: %s %s\n", ec.message().c_str(), diag.what().c_str());
        return 1;
    }
    std::vector<ddb::item> items;
    char buf[32];
    for (unsigned i = 0; i < 100; ++i) items.push_back(make_profile(key_text(buf, "get#", i), 0, i));
    for (unsigned i = 0; i < 10; ++i) items.push_back(make_profile("query", i, i));
    // The partition recorded as the 1 MB Query page of the parse benchmark (ddb_parse_bench):
    // rows of several attribute types, about 600 bytes of JSON each.
    for (unsigned i = 0; i < big_items; ++i) {
        ddb::item it = make_profile("big", i, i * 7919ULL);
        it["email"] = ddb::attribute_value::string("user" + std::to_string(i) + "@example.com");
        it["score"] = ddb::attribute_value::number(static_cast<double>(i) * 0.25 + 0.125);
        it["tags"] = ddb::attribute_value::list({ddb::attribute_value::string("alpha"),
                                                 ddb::attribute_value::string("beta-" + std::to_string(i % 7)),
                                                 ddb::attribute_value::string("caf\xc3\xa9 \"quoted\"")});
        it["address"] = ddb::attribute_value::map(
            {{"city", ddb::attribute_value::string("London")}, {"zip", ddb::attribute_value::number(10000 + i)}});
        std::string notes;
        for (unsigned k = 0; k < 4; ++k) notes += payload;
        it["notes"] = ddb::attribute_value::string(notes);
        items.push_back(std::move(it));
    }
    ddb::batch_write_result written;
    if ((ec = once(ioc, [&](auto h) { db.async_batch_write({.table = table, .put = items}, written, diag, h); }))) {
        std::fprintf(stderr, "batch write: %s %s\n", ec.message().c_str(), diag.what().c_str());
        return 1;
    }
    std::fprintf(stderr, "table %s: %zu items\n", table.c_str(), items.size());
    return 0;
}

const char* name_of(op_kind op) {
    switch (op) {
    case op_kind::put: return "put";
    case op_kind::get: return "get";
    case op_kind::query: return "query";
    case op_kind::update: return "update";
    case op_kind::put_item: return "put_item";
    case op_kind::get_item: return "get_item";
    case op_kind::query_item: return "query_item";
    }
    return "?";
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < list.size();) {
        const auto comma = list.find(',', at);
        out.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        at = comma == std::string::npos ? list.size() : comma + 1;
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const char* env = std::getenv("CIRRUS_DYNAMODB_ENDPOINT");
    std::string endpoint = env != nullptr ? env : "http://127.0.0.1:8077";
    std::string table;
    double seconds = 3;
    std::vector<unsigned> levels{1, 64};
    std::vector<op_kind> ops{op_kind::put, op_kind::get, op_kind::query};
    bool json = false, do_setup = false, cleanup = false, temporary = false;
    unsigned big_items = 2500;
    double max_allocations = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--endpoint") endpoint = next();
        else if (a == "--table") table = next();
        else if (a == "--duration") seconds = std::stod(next());
        else if (a == "--json") json = true;
        else if (a == "--setup") do_setup = true;
        else if (a == "--big-items") big_items = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--cleanup") cleanup = true;
        else if (a == "--temporary") temporary = true;
        else if (a == "--max-allocations-per-request") max_allocations = std::stod(next());
        else if (a == "--concurrency") {
            levels.clear();
            for (const auto& s : split(next())) levels.push_back(static_cast<unsigned>(std::stoul(s)));
        } else if (a == "--ops") {
            ops.clear();
            for (const auto& s : split(next()))
                ops.push_back(s == "put"          ? op_kind::put
                              : s == "get"        ? op_kind::get
                              : s == "update"     ? op_kind::update
                              : s == "put_item"   ? op_kind::put_item
                              : s == "get_item"   ? op_kind::get_item
                              : s == "query_item" ? op_kind::query_item
                                                  : op_kind::query);
        } else {
            std::fprintf(stderr,
                         "usage: %s --table T [--setup [--big-items N] | --cleanup | --temporary] [--endpoint URL] "
                         "[--duration S] "
                         "[--concurrency 1,64] [--ops put,get,query,update,put_item,get_item,query_item] [--json] "
                         "[--max-allocations-per-request N]\n",
                         argv[0]);
            return 2;
        }
    }
    if (table.empty()) {
        std::fprintf(stderr, "--table is required\n");
        return 2;
    }

    asio::io_context ioc(1);
    ddb::client_options options{.region = "us-east-1", .endpoint = endpoint};
    options.credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider("cirrus", "secret"));
    options.http.pool.max_connections_per_host = 256;
    options.http.retry.max_attempts = 1;
    ddb::client<> db(ioc.get_executor(), std::move(options));

    if (do_setup) return setup(ioc, db, table, big_items);
    if (cleanup) {
        ddb::table_description gone;
        return once(ioc, [&](auto h) { db.async_delete_table({.table = table}, gone, h); }) ? 1 : 0;
    }

    if (temporary && setup(ioc, db, table, 0) != 0) return 1;
    bench b{db, table};
    std::vector<result> results;
    for (op_kind op : ops)
        for (unsigned c : levels) results.push_back(run(ioc, b, op, c, seconds));

    int status = 0;
    if (temporary) {
        ddb::table_description gone;
        if (once(ioc, [&](auto h) { db.async_delete_table({.table = table}, gone, h); })) status = 1;
    }
    for (const auto& r : results) {
        if (max_allocations >= 0 && (r.allocations_per_request > max_allocations || r.errors > 0 || r.requests == 0))
            status = 3;
        const double rps = static_cast<double>(r.requests) / r.seconds;
        const double cpu_us = r.requests == 0 ? 0 : r.cpu_seconds * 1e6 / static_cast<double>(r.requests);
        if (json)
            std::printf("{\"client\":\"cirrus\",\"op\":\"%s\",\"concurrency\":%u,\"requests\":%llu,\"rps\":%.1f,"
                        "\"cpu_us_per_request\":%.1f,\"allocs_per_request\":%.2f,\"heap_allocs_per_request\":%.2f,"
                        "\"errors\":%llu}\n",
                        name_of(r.op), r.concurrency, static_cast<unsigned long long>(r.requests), rps, cpu_us,
                        r.allocations_per_request, r.heap_allocations_per_request,
                        static_cast<unsigned long long>(r.errors));
        else
            std::printf("%-8s in flight %3u: %8.0f req/s  %6.1f us CPU/request  %.2f allocations/request  "
                        "%.2f malloc-family calls/request  %llu errors\n",
                        name_of(r.op), r.concurrency, rps, cpu_us, r.allocations_per_request,
                        r.heap_allocations_per_request, static_cast<unsigned long long>(r.errors));
    }
    return status;
}
