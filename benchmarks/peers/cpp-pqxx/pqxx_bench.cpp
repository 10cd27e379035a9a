// The libpqxx peer of benchmarks/postgres/pg_bench.cpp (Debian's libpqxx-dev, 6.4): the same
// queries on the same tables, one JSON line per measurement like pg_bench.
//
//   pg-peer-pqxx --dsn postgresql://... [--lookups N] [--batches B] [--rows R] [--keys K]
//
//   lookup_seq   a prepared statement, exec_prepared1 one after another (nontransaction)
//   lookup_pipe  pqxx::pipeline with retain(50): libpqxx 6 sends the 50 queries as one
//                multi-statement simple query, so they carry their key as SQL text (no
//                parameters, no prepared statement); the results are retrieved in order
//   fetch        exec_params of the whole result (libpqxx has no streamed query result),
//                each row converted: as<long long>, as<double>, the text, as<bool>; the
//                timestamptz stays text (libpqxx 6 has no conversion for it)
//
// No COPY (libpqxx 6's tablewriter and stream_to write rows, not a CSV file: psql \copy is
// libpq's COPY row) and no pool (libpqxx has none). CPU is the process's user + system
// time (getrusage) over the timed phase.

#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <sys/resource.h>

namespace {

double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

struct phase {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    void report(const char* op, double units, const char* unit) const {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("{\"client\":\"libpqxx\",\"op\":\"%s\",\"%s\":%.0f,\"seconds\":%.4f,\"per_second\":%.1f,"
                    "\"cpu_seconds\":%.4f}\n",
                    op, unit, units, secs, units / secs, cpu_seconds() - c0);
        std::fflush(stdout);
    }
};

} // namespace

int main(int argc, char** argv) try {
    std::string dsn;
    long lookups = 20000, batches = 1000, rows = 1000000, keys = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const char* v = argv[i + 1];
        if (a == "--dsn") dsn = v;
        else if (a == "--lookups") lookups = std::atol(v);
        else if (a == "--batches") batches = std::atol(v);
        else if (a == "--rows") rows = std::atol(v);
        else if (a == "--keys") keys = std::atol(v);
        else {
            std::fprintf(stderr, "pg-peer-pqxx: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    pqxx::connection conn(dsn);
    pqxx::nontransaction tx(conn);
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> key(1, static_cast<int>(keys));

    if (lookups > 0) {
        conn.prepare("lookup", "select v from bench_kv where id = $1");
        phase p;
        for (long i = 0; i < lookups; ++i) {
            auto row = tx.exec_prepared1("lookup", key(rng));
            if (row[0].size() == 0) throw std::runtime_error("empty lookup");
        }
        p.report("lookup_seq", static_cast<double>(lookups), "queries");
    }
    if (batches > 0) {
        pqxx::pipeline pl(tx);
        pl.retain(50);
        pqxx::pipeline::query_id ids[50];
        phase p;
        for (long b = 0; b < batches; ++b) {
            for (auto& id : ids) id = pl.insert("select v from bench_kv where id = " + std::to_string(key(rng)));
            for (auto id : ids) {
                auto r = pl.retrieve(id);
                if (r.size() != 1) throw std::runtime_error("pipelined lookup");
            }
        }
        p.report("lookup_pipe", static_cast<double>(batches) * 50, "queries");
    }
    if (rows > 0) {
        phase p;
        auto r = tx.exec_params("select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag,"
                                " timestamptz '2024-01-01' + g * interval '1 second' as at"
                                " from generate_series(1, $1::int8) g",
                                static_cast<long long>(rows));
        long long sum = 0;
        double xs = 0;
        std::size_t at_len = 0;
        for (const auto& row : r) {
            sum += row[0].as<long long>() + static_cast<long long>(row[2].size());
            xs += row[1].as<double>();
            if (row[3].as<bool>()) ++sum;
            at_len += std::strlen(row[4].c_str());
        }
        if (static_cast<long>(r.size()) != rows || sum == 0 || at_len == 0 || xs == 0)
            throw std::runtime_error("fetch count");
        p.report("fetch", static_cast<double>(rows), "rows");
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "pg-peer-pqxx: %s\n", e.what());
    return 1;
}
