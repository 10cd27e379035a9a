// Small GETs against an S3 endpoint: requests/s, p50/p99 latency and heap allocations per
// request, at 1, 16 and 64 requests in flight; through cirrus::http::client (the raw
// transport, "cirrus-http") or the way a user calls S3, s3::client<P>::async_get_object
// into a caller buffer and a reused result ("cirrus", --via s3, the default).
//
//   http_bench [--via s3|http] [--endpoint URL] [--duration SECONDS] [--concurrency 1,16,64]
//              [--size BYTES] [--bucket NAME] [--keep] [--cleanup] [--json]
//              [--max-allocations-per-request N] [--threads N] [--rest-us N] [--checksum-mode]
//
// The bucket and its object are created first and removed at the end, unless --keep
// (for peers to read the same object; --cleanup alone removes them later).
// Endpoint and credentials default to the versitygw of scripts/services.sh
// (CIRRUS_S3_ENDPOINT, CIRRUS_S3_ACCESS_KEY, CIRRUS_S3_SECRET_KEY, CIRRUS_S3_REGION). One
// thread runs one io_context (--threads N: N threads, each with its own io_context and
// client, the requests in flight shared out among them, as a thread-per-core service
// runs); every request is signed, sent on a pooled connection and
// read into a caller buffer. The pool's connections rest at least --rest-us microseconds
// between two requests (http::pool_options::rest, default here 300; 0: the most recently
// used connection first, the pool's default). The S3 GETs set checksum_mode = false, so
// that cirrus does what the peers are configured to do (response checksums validated only
// when required: no x-amz-checksum-mode header, no stored checksum for the server to read
// or for the client to verify); --checksum-mode keeps get_object_request's default (ask for
// and verify it). Allocations are counted by a replaced operator new over the timed phase
// only (and, in a build without sanitizers, every malloc-family call as well:
// "heap_allocs_per_request", which includes Asio's coroutine frames and OpenSSL); with
// --max-allocations-per-request the exit status is 3 when a level
// allocated more than that per request or a request failed (the s3.http_bench.* tests).

#include "../counting_new.hpp"

#include <cirrus/http/client.hpp>
#include <cirrus/provider/versitygw.hpp>
#include <cirrus/s3/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>


namespace {

namespace asio = boost::asio;
namespace http = cirrus::http;
using clock_type = std::chrono::steady_clock;

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : fallback;
}

// Latency histogram with 1 µs buckets up to 1 s (and one overflow bucket): no allocation
// while measuring.
class histogram {
public:
    histogram() : counts_(1'000'001, 0) {}
    void clear() { std::fill(counts_.begin(), counts_.end(), 0); total_ = 0; }
    void merge(const histogram& o) {
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
        total_ += o.total_;
    }
    void add(clock_type::duration d) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
        ++counts_[static_cast<std::size_t>(std::clamp<long long>(us, 0, 1'000'000))];
        ++total_;
    }
    double percentile_us(double p) const {
        const auto target = static_cast<std::uint64_t>(p * static_cast<double>(total_));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen > target) return static_cast<double>(i);
        }
        return 1e6;
    }

private:
    std::vector<std::uint32_t> counts_;
    std::uint64_t total_ = 0;
};

struct result {
    unsigned concurrency = 0;
    std::uint64_t requests = 0;
    double seconds = 0;
    double p50_us = 0;
    double p99_us = 0;
    double allocations_per_request = 0;      // operator new
    double heap_allocations_per_request = -1; // every malloc-family call; -1: not counted
    std::uint64_t errors = 0;
};

using s3_client = cirrus::s3::client<cirrus::provider::versitygw>;

struct bench {
    http::client* client;
    s3_client* s3 = nullptr; // set: the GETs go through the S3 client
    http::endpoint endpoint;
    cirrus::auth::credentials creds;
    std::string region;
    std::string object_path;
    std::size_t size;
    std::string bucket = {};
    std::string key = {};
    bool checksum_mode = false; // s3 GETs ask for and verify the stored checksum

    http::request get(std::span<std::uint8_t> out) const {
        return {.endpoint = endpoint,
                .method = http::verb::get,
                .path = object_path,
                .sink = http::response_sink::memory(out),
                .signing = {.credentials = &creds,
                            .region = region,
                            .service = "s3",
                            .rules = cirrus::auth::sigv4::uri_rules::s3,
                            .content_sha256_header = true}};
    }
};

// What one worker reads into: the caller's buffer and a reused result, kept from the
// warm-up to the timed phase (as a user's loop keeps them), so that the timed phase counts
// only what the requests themselves allocate.
struct worker_state {
    explicit worker_state(std::size_t size) : buffer(size) {}
    std::vector<std::uint8_t> buffer;
    http::response res;
    cirrus::s3::get_object_result got; // its strings keep their storage
};

asio::awaitable<void> worker(const bench& b, worker_state& w, clock_type::time_point until, histogram* h,
                             std::uint64_t& done, std::uint64_t& errors) {
    while (clock_type::now() < until) {
        const auto t0 = clock_type::now();
        if (b.s3 != nullptr) {
            auto [ec] = co_await b.s3->async_get_object(
                {.bucket = b.bucket,
                 .key = b.key,
                 .checksum_mode = b.checksum_mode,
                 .sink = cirrus::s3::object_sink::memory(w.buffer)}, w.got,
                asio::as_tuple(asio::use_awaitable));
            if (ec || w.got.bytes_received != b.size) ++errors;
        } else {
            auto [ec] = co_await b.client->async_send(b.get(w.buffer), w.res, asio::as_tuple(asio::use_awaitable));
            if (ec || w.res.body_size != b.size) ++errors;
        }
        if (h != nullptr) h->add(clock_type::now() - t0);
        ++done;
    }
}

// One thread's share: its io_context, the bench (client) it uses and its histogram.
struct lane {
    asio::io_context* ioc;
    const bench* b;
    histogram* h;
    std::uint64_t done = 0;
    std::uint64_t errors = 0;
    std::vector<worker_state> workers = {};
};

// Runs every lane's io_context, on this thread when there is one lane, else one thread each.
void run_lanes(std::vector<lane>& lanes) {
    if (lanes.size() == 1) {
        lanes[0].ioc->restart();
        lanes[0].ioc->run();
        return;
    }
    std::vector<std::thread> threads;
    for (auto& l : lanes) {
        l.ioc->restart();
        threads.emplace_back([&l] { l.ioc->run(); });
    }
    for (auto& t : threads) t.join();
}

result run(std::vector<lane>& lanes, unsigned concurrency, double seconds, histogram& h) {
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        auto& l = lanes[i];
        l.workers.clear();
        // Worker k goes to lane k % lanes: the in-flight requests shared out evenly.
        l.workers.reserve(concurrency);
        for (unsigned k = static_cast<unsigned>(i); k < concurrency; k += static_cast<unsigned>(lanes.size()))
            l.workers.emplace_back(l.b->size);
    }
    // Warm-up: connections opened, buffers grown, frames recycled.
    auto warm_until = clock_type::now() + std::chrono::milliseconds(500);
    for (auto& l : lanes)
        for (auto& w : l.workers)
            asio::co_spawn(*l.ioc, worker(*l.b, w, warm_until, nullptr, l.done, l.errors), asio::detached);
    run_lanes(lanes);

    const auto until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                               std::chrono::duration<double>(seconds));
    for (auto& l : lanes) {
        l.h->clear();
        l.done = 0;
        l.errors = 0;
        for (auto& w : l.workers) asio::co_spawn(*l.ioc, worker(*l.b, w, until, l.h, l.done, l.errors), asio::detached);
    }
    const auto alloc0 = cirrus::bench::cxx_allocations.load();
    const auto heap0 = cirrus::bench::heap_allocations.load();
    const auto t0 = clock_type::now();
    run_lanes(lanes);
    const auto elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
    const auto alloc1 = cirrus::bench::cxx_allocations.load();
    const auto heap1 = cirrus::bench::heap_allocations.load();
    std::uint64_t done = 0, errors = 0;
    h.clear();
    for (auto& l : lanes) {
        done += l.done;
        errors += l.errors;
        h.merge(*l.h);
    }
    result r;
    r.concurrency = concurrency;
    r.requests = done;
    r.seconds = elapsed;
    r.p50_us = h.percentile_us(0.50);
    r.p99_us = h.percentile_us(0.99);
    r.allocations_per_request = done == 0 ? 0 : static_cast<double>(alloc1 - alloc0) / static_cast<double>(done);
#ifdef CIRRUS_BENCH_COUNTS_MALLOC
    r.heap_allocations_per_request =
        done == 0 ? 0 : static_cast<double>(heap1 - heap0) / static_cast<double>(done);
#else
    (void)heap0;
    (void)heap1;
#endif
    r.errors = errors;
    return r;
}

cirrus::error_code send(asio::io_context& ioc, http::client& c, http::request req, http::response& res) {
    cirrus::error_code out = asio::error::operation_aborted;
    c.async_send(std::move(req), res, [&](cirrus::error_code ec) { out = ec; });
    ioc.restart();
    ioc.run();
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::string url = env_or("CIRRUS_S3_ENDPOINT", "http://127.0.0.1:7070");
    double seconds = 3;
    std::vector<unsigned> levels{1, 16, 64};
    std::size_t size = 4096;
    bool json = false;
    bool keep = false;
    bool cleanup_only = false;
    bool via_s3 = true;
    unsigned threads = 1;
    long rest_us = 300;
    bool checksum_mode = false;
    std::optional<double> max_allocations;
    std::string bucket = "cirrus-bench-" + std::to_string(::getpid());
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--via") via_s3 = next() != "http";
        else if (a == "--endpoint") url = next();
        else if (a == "--duration") seconds = std::stod(next());
        else if (a == "--size") size = std::stoul(next());
        else if (a == "--json") json = true;
        else if (a == "--bucket") bucket = next();
        else if (a == "--keep") keep = true;
        else if (a == "--cleanup") cleanup_only = true;
        else if (a == "--max-allocations-per-request") max_allocations = std::stod(next());
        else if (a == "--threads") threads = std::max(1u, static_cast<unsigned>(std::stoul(next())));
        else if (a == "--rest-us") rest_us = std::stol(next());
        else if (a == "--checksum-mode") checksum_mode = true;
        else if (a == "--concurrency") {
            levels.clear();
            std::string list = next();
            for (std::size_t at = 0; at < list.size();) {
                const auto comma = list.find(',', at);
                levels.push_back(static_cast<unsigned>(std::stoul(list.substr(at, comma - at))));
                at = comma == std::string::npos ? list.size() : comma + 1;
            }
        } else {
            std::fprintf(stderr,
                         "usage: %s [--via s3|http] [--endpoint URL] [--duration S] [--concurrency 1,16,64] [--size N] "
                         "[--bucket NAME] [--keep] [--cleanup] [--json] [--max-allocations-per-request N] "
                         "[--threads N] [--rest-us N] [--checksum-mode]\n",
                         argv[0]);
            return 2;
        }
    }
    auto ep = http::endpoint::parse(url);
    if (!ep) {
        std::fprintf(stderr, "bad endpoint %s\n", url.c_str());
        return 2;
    }

    asio::io_context ioc(1);
    http::client_options options;
    options.pool.max_connections_per_host = 256;
    options.retry.max_attempts = 1;
    options.pool.rest = std::chrono::microseconds(rest_us);
    http::client client(ioc.get_executor(), options);
    bench b{&client,
            nullptr,
            *ep,
            {env_or("CIRRUS_S3_ACCESS_KEY", "cirrusadmin"),
             env_or("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789"), "", std::nullopt},
            env_or("CIRRUS_S3_REGION", "us-east-1"),
            "/" + bucket + "/object-4k",
            size,
            bucket,
            "object-4k",
            checksum_mode};
    std::optional<s3_client> s3;
    if (via_s3) {
        cirrus::s3::client_options s3_options{.region = b.region, .endpoint = url, .path_style = true};
        s3_options.credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider(b.creds));
        s3_options.http = options;
        s3.emplace(ioc.get_executor(), std::move(s3_options));
        b.s3 = &*s3;
    }
    const std::string bucket_path = "/" + bucket;
    const http::signing_options signing{.credentials = &b.creds,
                                        .region = b.region,
                                        .service = "s3",
                                        .rules = cirrus::auth::sigv4::uri_rules::s3,
                                        .content_sha256_header = true};
    http::response res;
    auto remove = [&] {
        (void)send(ioc, client, {.endpoint = b.endpoint, .method = http::verb::delete_, .path = b.object_path, .signing = signing}, res);
        (void)send(ioc, client, {.endpoint = b.endpoint, .method = http::verb::delete_, .path = bucket_path, .signing = signing}, res);
    };
    if (cleanup_only) {
        remove();
        return 0;
    }
    if (auto ec = send(ioc, client, {.endpoint = b.endpoint, .method = http::verb::put, .path = bucket_path, .signing = signing}, res);
        ec && res.diag.service_code != "BucketAlreadyOwnedByYou") {
        std::fprintf(stderr, "create bucket: %s %s\n", ec.message().c_str(), res.diag.what().c_str());
        return 1;
    }
    std::string payload(size, 'x');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
    if (auto ec = send(ioc, client,
                       {.endpoint = b.endpoint, .method = http::verb::put, .path = b.object_path,
                        .body = http::request_body::memory(payload), .signing = signing},
                       res)) {
        std::fprintf(stderr, "put object: %s %s\n", ec.message().c_str(), res.diag.what().c_str());
        return 1;
    }

    // Lane 0 is the client above; each further thread gets its own io_context and client.
    struct extra_lane {
        asio::io_context ioc{1};
        std::optional<http::client> client;
        std::optional<s3_client> s3;
        std::optional<bench> b;
        histogram h;
    };
    std::vector<std::unique_ptr<extra_lane>> extras;
    histogram h, h0;
    std::vector<lane> lanes{lane{&ioc, &b, &h0}};
    for (unsigned t = 1; t < threads; ++t) {
        auto& x = *extras.emplace_back(std::make_unique<extra_lane>());
        x.client.emplace(x.ioc.get_executor(), options);
        x.b.emplace(b);
        x.b->client = &*x.client;
        if (via_s3) {
            cirrus::s3::client_options s3_options{.region = b.region, .endpoint = url, .path_style = true};
            s3_options.credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider(b.creds));
            s3_options.http = options;
            x.s3.emplace(x.ioc.get_executor(), std::move(s3_options));
            x.b->s3 = &*x.s3;
        }
        lanes.push_back(lane{&x.ioc, &*x.b, &x.h});
    }
    std::vector<result> results;
    for (unsigned c : levels) results.push_back(run(lanes, c, seconds, h));

    if (!keep) remove();

    int status = 0;
    for (const auto& r : results) {
        if (max_allocations && (r.allocations_per_request > *max_allocations || r.errors != 0 || r.requests == 0)) {
            std::fprintf(stderr, "in flight %u: %.3f allocations per request (at most %.3f), %llu errors\n",
                         r.concurrency, r.allocations_per_request, *max_allocations,
                         static_cast<unsigned long long>(r.errors));
            status = 3;
        }
        const double rps = static_cast<double>(r.requests) / r.seconds;
        if (json)
            std::printf("{\"client\":\"%s\",\"concurrency\":%u,\"requests\":%llu,\"rps\":%.1f,\"p50_us\":%.0f,"
                        "\"p99_us\":%.0f,\"allocs_per_request\":%.2f,\"heap_allocs_per_request\":%.2f,\"errors\":%llu}\n",
                        via_s3 ? "cirrus" : "cirrus-http", r.concurrency, static_cast<unsigned long long>(r.requests),
                        rps, r.p50_us, r.p99_us,
                        r.allocations_per_request, r.heap_allocations_per_request,
                        static_cast<unsigned long long>(r.errors));
        else
            std::printf("in flight %3u: %8.0f req/s  p50 %6.0f us  p99 %6.0f us  %.1f allocations/request "
                        "(%.1f malloc-family calls)  %llu errors\n",
                        r.concurrency, rps, r.p50_us, r.p99_us, r.allocations_per_request,
                        r.heap_allocations_per_request, static_cast<unsigned long long>(r.errors));
    }
    return status;
}
