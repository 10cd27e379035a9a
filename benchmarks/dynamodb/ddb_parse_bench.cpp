// A 1 MB Query page parsed into typed structs, in MB/s of response JSON (Google Benchmark).
//
//   ddb_parse_bench [--benchmark_min_time=1] [--benchmark_repetitions=5]
//
// The page (benchmarks/dynamodb/data/query_page_1mb.json) was recorded once from DynamoDB
// Local: a Query of the partition "big" that `ddb_bench --setup` writes, cut by
// DynamoDB's 1 MB limit on the items' size (1860 items, 1,391,032 bytes of JSON). Each
// item has S, N, BOOL, an L of three S (one with an escaped quote and a non-ASCII
// character) and an M of an S and an N.
//
// Rows:
//   query_page_to_items    dynamodb's response reader: the page into query_result
//                          (a std::map item per row), the result reused between iterations
//   query_page_to_structs  the same, then every item into a described struct with
//                          dynamodb::from_item (vector of structs reused): what a caller
//                          of async_query + from_item pays
//   query_page_direct      dynamodb::typed_reader: the page straight into the structs,
//                          no item maps (vector of structs and reader reused)
//   simdjson_walk          simdjson on-demand visiting every field and string of the page
//                          without building anything: the ceiling for any reader on
//                          this parser

#include "../counting_new.hpp"

#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>

#include <benchmark/benchmark.h>
#include <boost/describe/class.hpp>
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef CIRRUS_BENCH_DATA_DIR
#error "CIRRUS_BENCH_DATA_DIR must name benchmarks/dynamodb/data"
#endif

namespace {

namespace ddb = cirrus::dynamodb;

struct address {
    std::string city;
    std::int64_t zip = 0;
};
BOOST_DESCRIBE_STRUCT(address, (), (city, zip))

struct row_item {
    std::string pk;
    std::int64_t sk = 0;
    std::string name;
    std::string email;
    std::int64_t visits = 0;
    double score = 0;
    bool active = false;
    std::vector<std::string> tags;
    struct address address;
    std::string payload;
    std::string notes;
};
BOOST_DESCRIBE_STRUCT(row_item, (), (pk, sk, name, email, visits, score, active, tags, address, payload, notes))

const std::string& page() {
    static const std::string text = [] {
        std::ifstream in(CIRRUS_BENCH_DATA_DIR "/query_page_1mb.json", std::ios::binary);
        std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (s.empty()) {
            std::fprintf(stderr, "cannot read %s\n", CIRRUS_BENCH_DATA_DIR "/query_page_1mb.json");
            std::abort();
        }
        return s;
    }();
    return text;
}

void report(benchmark::State& state, std::uint64_t allocs0) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(page().size()));
    state.counters["allocs_per_page"] = benchmark::Counter(
        static_cast<double>(cirrus::bench::cxx_allocations.load() - allocs0) / static_cast<double>(state.iterations()));
}

void query_page_to_items(benchmark::State& state) {
    std::string body = page();
    ddb::detail::json_reader reader;
    ddb::query_result out;
    const auto allocs0 = cirrus::bench::cxx_allocations.load();
    for (auto _ : state) {
        out.items.clear();
        out.last_evaluated_key.clear();
        if (reader.query(body, out) || out.items.size() != 1860) state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(out.items.data());
    }
    report(state, allocs0);
}
BENCHMARK(query_page_to_items)->Unit(benchmark::kMillisecond);

void query_page_to_structs(benchmark::State& state) {
    std::string body = page();
    ddb::detail::json_reader reader;
    ddb::query_result out;
    std::vector<row_item> rows;
    const auto allocs0 = cirrus::bench::cxx_allocations.load();
    for (auto _ : state) {
        out.items.clear();
        out.last_evaluated_key.clear();
        if (reader.query(body, out) || out.items.size() != 1860) state.SkipWithError("parse failed");
        rows.resize(out.items.size());
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (ddb::from_item(out.items[i], rows[i])) state.SkipWithError("mapping failed");
        benchmark::DoNotOptimize(rows.data());
    }
    report(state, allocs0);
}
BENCHMARK(query_page_to_structs)->Unit(benchmark::kMillisecond);

void query_page_direct(benchmark::State& state) {
    std::string body = page();
    ddb::typed_reader reader;
    std::vector<row_item> rows;
    std::int64_t count = 0;
    (void)reader.query_items(body, rows, &count); // grown once: the rows' strings, simdjson's buffers
    const auto allocs0 = cirrus::bench::cxx_allocations.load();
    for (auto _ : state) {
        if (reader.query_items(body, rows, &count) || rows.size() != 1860 || count != 1860)
            state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(rows.data());
    }
    report(state, allocs0);
}
BENCHMARK(query_page_direct)->Unit(benchmark::kMillisecond);

// Visits every value; strings are unescaped into simdjson's buffer (no copy of ours).
std::size_t walk(simdjson::ondemand::value v) {
    using namespace simdjson;
    ondemand::json_type t;
    if (v.type().get(t)) return 0;
    switch (t) {
    case ondemand::json_type::object: {
        std::size_t n = 0;
        for (auto f : v.get_object()) {
            n += f.unescaped_key().value_unsafe().size();
            n += walk(f.value());
        }
        return n;
    }
    case ondemand::json_type::array: {
        std::size_t n = 0;
        for (auto e : v.get_array()) n += walk(e.value_unsafe());
        return n;
    }
    case ondemand::json_type::string: return v.get_string().value_unsafe().size();
    case ondemand::json_type::boolean: return v.get_bool().value_unsafe() ? 1 : 0;
    case ondemand::json_type::number: return static_cast<std::size_t>(v.get_int64().value_unsafe());
    default: return 0;
    }
}

void simdjson_walk(benchmark::State& state) {
    simdjson::padded_string body(page());
    simdjson::ondemand::parser parser;
    const auto allocs0 = cirrus::bench::cxx_allocations.load();
    for (auto _ : state) {
        auto doc = parser.iterate(body);
        benchmark::DoNotOptimize(walk(doc.get_value().value_unsafe()));
    }
    report(state, allocs0);
}
BENCHMARK(simdjson_walk)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
