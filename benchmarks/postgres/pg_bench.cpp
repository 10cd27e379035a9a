// cirrus::postgres against a local PostgreSQL, one JSON line per measurement
// (benchmarks/run_postgres.sh runs it beside pgbench, psql and asyncpg):
//
//   lookup_seq    1-row primary-key lookups one after another (prepared statement)
//   lookup_pipe   the same lookups pipelined, 50 a batch with one Sync (async_run_pipeline)
//   fetch         N rows of mixed types (int8, float8, text, bool, timestamptz) streamed
//                 into a struct (async_start_execution + async_read_some_rows)
//   lookup_pool   the same lookups from 64 coroutines over a pg::pool of 8 connections:
//                 each lookup acquires a connection, runs, returns it without reset
//   lookup_pool (client "cirrus-shared")   the same lookups from 64 coroutines over 8
//                 connections, each shared by 8 coroutines: their queries are pipelined
//                 (connection_options::implicit_pipelining), as tokio-postgres' tasks are
//   copy_in       COPY FROM STDIN of a CSV file into a truncated table (copy_from_file)
//   copy_out      COPY TO STDOUT (CSV) of that table into a file (copy_to_file)
//   copy_in_10x, copy_out_10x   the same with a second CSV file (--csv10)
//
//   pg_bench --conninfo "postgresql://..." [--lookups N] [--batches B] [--rows R] [--keys K]
//            [--pool-lookups N] [--csv file [--csv10 file] --copy-table T [--copy-out file]]
//
// The lookup table bench_kv(id int primary key, v text) with ids 1..K is made by the script.
// Times are wall clock; CPU is the process' user + system time over the timed phase.

#include <cirrus/postgres/pool.hpp>
#include <cirrus/postgres/postgres.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/describe/class.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

namespace {

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using clock_type = std::chrono::steady_clock;
constexpr auto tok = asio::as_tuple(asio::use_awaitable);

struct mixed_row {
    std::int64_t id;
    double x;
    std::string_view label;
    bool flag;
    std::chrono::sys_time<std::chrono::microseconds> at;
};
BOOST_DESCRIBE_STRUCT(mixed_row, (), (id, x, label, flag, at))

double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

struct options {
    std::string conninfo;
    long lookups = 20000;
    long batches = 1000;
    long rows = 1000000;
    long keys = 10000;
    long pool_lookups = 0;
    std::string csv;
    std::string csv10;
    std::string copy_out;
    std::string copy_table = "bench_adult";
};

struct phase {
    clock_type::time_point t0 = clock_type::now();
    double c0 = cpu_seconds();
    void report(const char* op, double units, const char* unit, const char* client = "cirrus") const {
        const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
        std::printf("{\"client\":\"%s\",\"op\":\"%s\",\"%s\":%.0f,\"seconds\":%.4f,\"per_second\":%.1f,"
                    "\"cpu_seconds\":%.4f}\n",
                    client, op, unit, units, secs, units / secs, cpu_seconds() - c0);
        std::fflush(stdout);
    }
};

void fail(const char* what, cirrus::error_code ec, const pg::diagnostics& diag) {
    std::fprintf(stderr, "pg_bench: %s: %s / %s\n", what, ec.message().c_str(), diag.what().c_str());
    std::exit(1);
}

constexpr const char* lookup = "select v from bench_kv where id = $1";

// One of the 64 coroutines of lookup_pool: n lookups, each on a connection acquired for it.
asio::awaitable<void> pool_worker(pg::pool& pool, long n, unsigned seed, int keys) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> key(1, keys);
    pg::diagnostics diag;
    pg::results res;
    for (long i = 0; i < n; ++i) {
        auto [aec, conn] = co_await pool.async_acquire(diag, tok);
        if (aec) fail("pool acquire", aec, diag);
        const auto q = pg::query(lookup, key(rng));
        auto [ec] = co_await conn->async_execute(q, res, diag, tok);
        if (ec || res.empty() || res[0].size() != 1) fail("pool lookup", ec, diag);
        conn.return_without_reset();
    }
}

asio::awaitable<void> run_pool(const options& o) {
    auto ex = co_await asio::this_coro::executor;
    pg::pool_options opts;
    pg::diagnostics diag;
    if (auto ec = pg::parse_connection_string(o.conninfo, opts.params, &diag)) fail("conninfo", ec, diag);
    opts.max_size = 8;
    opts.reset = pg::pool_reset::keep_statements;
    pg::pool pool(ex, opts);
    {
        // Open the 8 connections (and prepare the lookup on each) before the clock starts.
        std::vector<pg::pooled_connection> warm;
        pg::results res;
        for (int i = 0; i < 8; ++i) {
            auto [aec, conn] = co_await pool.async_acquire(diag, tok);
            if (aec) fail("pool acquire", aec, diag);
            const auto q = pg::query(lookup, 1);
            auto [ec] = co_await conn->async_execute(q, res, diag, tok);
            if (ec) fail("pool warm-up", ec, diag);
            conn.return_without_reset();
            warm.push_back(std::move(conn));
        }
    }
    const long per_task = o.pool_lookups / 64;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    int left = 64;
    phase p;
    for (int t = 0; t < 64; ++t) {
        asio::co_spawn(ex, pool_worker(pool, per_task, 1000u + static_cast<unsigned>(t), static_cast<int>(o.keys)),
                       [&](std::exception_ptr e) {
                           if (e) std::rethrow_exception(e);
                           if (--left == 0) done.cancel();
                       });
    }
    co_await done.async_wait(tok);
    p.report("lookup_pool", static_cast<double>(per_task) * 64, "queries");
    pool.cancel();
}

// One of the 64 coroutines of the shared lookups: n lookups on a connection 7 others use too.
asio::awaitable<void> shared_worker(pg::connection& conn, long n, unsigned seed, int keys) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> key(1, keys);
    pg::diagnostics diag;
    pg::results res;
    for (long i = 0; i < n; ++i) {
        const auto q = pg::query(lookup, key(rng));
        auto [ec] = co_await conn.async_execute(q, res, diag, tok);
        if (ec || res.empty() || res[0].size() != 1) fail("shared lookup", ec, diag);
    }
}

asio::awaitable<void> run_shared(const options& o) {
    auto ex = co_await asio::this_coro::executor;
    pg::diagnostics diag;
    std::vector<pg::connection> conns;
    conns.reserve(8);
    pg::results res;
    for (int i = 0; i < 8; ++i) {
        conns.emplace_back(ex);
        auto [cec] = co_await conns.back().async_connect(o.conninfo, diag, tok);
        if (cec) fail("connect", cec, diag);
        const auto q = pg::query(lookup, 1);
        auto [ec] = co_await conns.back().async_execute(q, res, diag, tok); // prepares the lookup
        if (ec) fail("shared warm-up", ec, diag);
    }
    const long per_task = o.pool_lookups / 64;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    int left = 64;
    phase p;
    for (int t = 0; t < 64; ++t) {
        asio::co_spawn(ex,
                       shared_worker(conns[static_cast<std::size_t>(t % 8)], per_task, 2000u + static_cast<unsigned>(t),
                                     static_cast<int>(o.keys)),
                       [&](std::exception_ptr e) {
                           if (e) std::rethrow_exception(e);
                           if (--left == 0) done.cancel();
                       });
    }
    co_await done.async_wait(tok);
    p.report("lookup_pool", static_cast<double>(per_task) * 64, "queries", "cirrus-shared");
    for (auto& c : conns) co_await c.async_close(tok);
}

// COPY of one CSV file into the truncated table, then (with --copy-out) of the table out.
asio::awaitable<void> copy_pair(pg::connection& conn, const options& o, const std::string& file, const char* in_op,
                                const char* out_op) {
    pg::diagnostics diag;
    pg::results res;
    auto [ec] = co_await conn.async_query("truncate " + o.copy_table, res, diag, tok);
    if (ec) fail("truncate", ec, diag);
    const auto src = pg::copy_from_file(file);
    {
        phase p;
        auto [cec, n] = co_await conn.async_copy_in("copy " + o.copy_table + " from stdin (format csv)", src, diag,
                                                    tok);
        if (cec) fail("copy in", cec, diag);
        p.report(in_op, static_cast<double>(n), "rows");
    }
    if (o.copy_out.empty()) co_return;
    const auto sink = pg::copy_to_file(o.copy_out);
    phase p;
    auto [cec, n] = co_await conn.async_copy_out("copy " + o.copy_table + " to stdout (format csv)", sink, diag, tok);
    if (cec) fail("copy out", cec, diag);
    p.report(out_op, static_cast<double>(n), "rows");
}

asio::awaitable<void> run(options o) {
    pg::connection conn(co_await asio::this_coro::executor);
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_connect(o.conninfo, diag, tok);
    if (ec) fail("connect", ec, diag);
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> key(1, static_cast<int>(o.keys));

    if (o.lookups > 0) {
        auto [pec, stmt] = co_await conn.async_prepare(lookup, diag, tok);
        if (pec) fail("prepare", pec, diag);
        pg::results res;
        phase p;
        for (long i = 0; i < o.lookups; ++i) {
            std::tie(ec) = co_await conn.async_execute(stmt.bind(key(rng)), res, diag, tok);
            if (ec || res.empty() || res[0].size() != 1) fail("lookup", ec, diag);
        }
        p.report("lookup_seq", static_cast<double>(o.lookups), "queries");
    }
    if (o.batches > 0) {
        pg::pipeline pl;
        pg::pipeline_results out;
        phase p;
        for (long b = 0; b < o.batches; ++b) {
            pl.clear();
            for (int i = 0; i < 50; ++i) pl.add(lookup, key(rng));
            std::tie(ec) = co_await conn.async_run_pipeline(pl, out, diag, tok);
            if (ec) fail("pipeline", ec, diag);
        }
        p.report("lookup_pipe", static_cast<double>(o.batches) * 50, "queries");
    }
    if (o.rows > 0) {
        pg::execution_state st;
        std::vector<mixed_row> rows;
        std::int64_t sum = 0;
        phase p;
        std::tie(ec) = co_await conn.async_start_execution(
            pg::query("select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag,"
                      " timestamptz '2024-01-01' + g * interval '1 second' as at"
                      " from generate_series(1, $1::int8) g",
                      static_cast<std::int64_t>(o.rows)),
            st, diag, tok);
        if (ec) fail("fetch", ec, diag);
        while (!st.complete()) {
            std::tie(ec) = co_await conn.async_read_some_rows(st, rows, diag, tok);
            if (ec) fail("fetch", ec, diag);
            for (const auto& r : rows) sum += r.id + static_cast<std::int64_t>(r.label.size());
        }
        if (st.rows_read() != static_cast<std::uint64_t>(o.rows) || sum == 0) fail("fetch count", {}, diag);
        p.report("fetch", static_cast<double>(o.rows), "rows");
    }
    if (o.pool_lookups > 0) {
        co_await run_pool(o);
        co_await run_shared(o);
    }
    if (!o.csv.empty()) co_await copy_pair(conn, o, o.csv, "copy_in", "copy_out");
    if (!o.csv10.empty()) co_await copy_pair(conn, o, o.csv10, "copy_in_10x", "copy_out_10x");
    co_await conn.async_close(tok);
}

} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view a = argv[i];
        const char* v = argv[i + 1];
        if (a == "--conninfo") o.conninfo = v;
        else if (a == "--lookups") o.lookups = std::atol(v);
        else if (a == "--batches") o.batches = std::atol(v);
        else if (a == "--rows") o.rows = std::atol(v);
        else if (a == "--keys") o.keys = std::atol(v);
        else if (a == "--pool-lookups") o.pool_lookups = std::atol(v);
        else if (a == "--csv") o.csv = v;
        else if (a == "--csv10") o.csv10 = v;
        else if (a == "--copy-out") o.copy_out = v;
        else if (a == "--copy-table") o.copy_table = v;
        else {
            std::fprintf(stderr, "pg_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    asio::io_context ioc;
    asio::co_spawn(ioc, run(o), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    ioc.run();
}
