// SigV4 header signing: a typical S3 GetObject and a DynamoDB PutItem, signed by one
// long-lived cirrus::auth::sigv4::signer whose signing-key cache is warm.
//
// Besides time, every benchmark reports
//   allocs_per_sig          operator new calls per signature (the global operator new is
//                           replaced below), and
//   openssl_allocs_per_sig  OpenSSL CRYPTO_malloc/CRYPTO_realloc calls per signature
//                           (CRYPTO_set_mem_functions is installed before any OpenSSL use).
// The goal is at most 1 us and zero allocations of either kind per signature.
//
// `sigv4_bench --check` prints the Authorization header of each request and exits; the run
// script compares it with the peers' output so all implementations sign the same request.
//
// SigV4a (sigv4a/s3_get_object): the same S3 GET signed with AWS4-ECDSA-P256-SHA256 for
// the region set "*", the key pair cached by the signer. ECDSA signatures are randomised,
// so `sigv4_bench --verify-v4a <file>` checks a peer's Authorization lines instead: the
// same credential scope and signed headers, and a signature that verifies with the public
// key of the credentials over cirrus's own string to sign.
// The request shapes are documented in benchmarks/README.md.

#include "counting_new.hpp"

#include <cirrus/auth/sigv4.hpp>
#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <benchmark/benchmark.h>
#include <openssl/crypto.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <span>
#include <string>
#include <string_view>

// ---------------------------------------------------------------------------------------
// Allocation counters

namespace {

using cirrus::bench::cxx_allocations;
std::atomic<std::uint64_t> openssl_allocations{0};

void* openssl_malloc(std::size_t size, const char*, int) {
    openssl_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size);
}
void* openssl_realloc(void* p, std::size_t size, const char*, int) {
    openssl_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, size);
}
void openssl_free(void* p, const char*, int) { std::free(p); }

} // namespace

// ---------------------------------------------------------------------------------------
// The two requests (identical in every implementation; see benchmarks/README.md)

namespace {

namespace sigv4 = cirrus::auth::sigv4;

// 2026-11-23T12:34:56Z
constexpr std::chrono::system_clock::time_point signing_time{std::chrono::seconds{1'795'437'296}};
constexpr std::string_view region = "us-east-1";

constexpr std::string_view put_item_body =
    R"({"TableName":"cirrus-bench","Item":{"pk":{"S":"user#000042"},"sk":{"S":"profile"},)"
    R"("name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"visits":{"N":"1815"},)"
    R"("active":{"BOOL":true}},"ReturnValues":"NONE"})";
static_assert(put_item_body.size() == 210);
constexpr std::string_view put_item_content_length = "210";

const std::array<sigv4::header, 3> get_object_headers{{
    {"Host", "bucket.s3.us-east-1.amazonaws.com"},
    {"Range", "bytes=0-4095"},
    {"User-Agent", "cirrus-bench/1.0"}, // present on the wire, never signed
}};
sigv4::request_view get_object_request() {
    return {.method = "GET",
            .path = "/bucket/photos/2026/11/cat%20picture.jpg",
            .query = {},
            .headers = get_object_headers};
}

const std::array<sigv4::header, 4> put_item_headers{{
    {"Host", "dynamodb.us-east-1.amazonaws.com"},
    {"Content-Type", "application/x-amz-json-1.0"},
    {"Content-Length", put_item_content_length},
    {"X-Amz-Target", "DynamoDB_20120810.PutItem"},
}};
sigv4::request_view put_item_request() {
    return {.method = "POST", .path = "/", .query = {}, .headers = put_item_headers};
}

const cirrus::auth::credentials& bench_credentials() {
    static const cirrus::auth::credentials creds{
        .access_key_id = "AKIDEXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        .session_token = {},
        .expiration = {},
    };
    return creds;
}

// Per-connection state a client keeps: the signer and a body hasher, both long-lived.
struct signing_context {
    sigv4::signer signer;
    cirrus::crypto::sha256_hasher body_hasher;
    std::array<char, 64> body_hash{};
    sigv4::signature_headers out;
};

cirrus::error_code sign_get_object(signing_context& ctx) {
    const sigv4::signing_params params{.region = region,
                                       .service = "s3",
                                       .time = signing_time,
                                       .rules = sigv4::uri_rules::s3,
                                       .payload_hash = {}, // empty body
                                       .content_sha256_header = true};
    return ctx.signer.sign(get_object_request(), bench_credentials(), params, ctx.out);
}

// The body is hashed on every call: a client has to hash each request's body.
cirrus::error_code sign_put_item(signing_context& ctx) {
    ctx.body_hasher.update(put_item_body);
    cirrus::hex::encode_to(ctx.body_hasher.finish(), ctx.body_hash.data());
    const sigv4::signing_params params{.region = region,
                                       .service = "dynamodb",
                                       .time = signing_time,
                                       .payload_hash = {ctx.body_hash.data(), ctx.body_hash.size()}};
    return ctx.signer.sign(put_item_request(), bench_credentials(), params, ctx.out);
}

// Same request, hashing the body with the one-shot cirrus::crypto::sha256() instead of a
// long-lived hasher, to show what that convenience costs.
cirrus::error_code sign_put_item_oneshot_hash(signing_context& ctx) {
    cirrus::hex::encode_to(cirrus::crypto::sha256(put_item_body), ctx.body_hash.data());
    const sigv4::signing_params params{.region = region,
                                       .service = "dynamodb",
                                       .time = signing_time,
                                       .payload_hash = {ctx.body_hash.data(), ctx.body_hash.size()}};
    return ctx.signer.sign(put_item_request(), bench_credentials(), params, ctx.out);
}

// SigV4a: one long-lived signer (key pair cached), the S3 GET for any region.
namespace sigv4a = cirrus::auth::sigv4a;
struct signing_context_v4a {
    sigv4a::signer signer;
    sigv4a::signature_headers out;
};

cirrus::error_code sign_get_object_v4a(signing_context_v4a& ctx) {
    const sigv4a::signing_params params{.region_set = "*",
                                        .service = "s3",
                                        .time = signing_time,
                                        .rules = sigv4::uri_rules::s3,
                                        .payload_hash = {},
                                        .content_sha256_header = true};
    return ctx.signer.sign(get_object_request(), bench_credentials(), params, ctx.out);
}

template <class Context, cirrus::error_code (*Sign)(Context&)>
void bm_sign(benchmark::State& state) {
    Context ctx;
    // Warm up: fills the key cache and grows every internal buffer to its steady size.
    for (int i = 0; i < 16; ++i) {
        if (auto ec = Sign(ctx)) {
            state.SkipWithError(ec.message().c_str());
            return;
        }
    }
    const auto cxx_before = cxx_allocations.load(std::memory_order_relaxed);
    const auto ssl_before = openssl_allocations.load(std::memory_order_relaxed);
    for (auto _ : state) {
        auto ec = Sign(ctx);
        benchmark::DoNotOptimize(ec);
        benchmark::DoNotOptimize(ctx.out.authorization.data());
        benchmark::ClobberMemory();
    }
    const auto cxx = cxx_allocations.load(std::memory_order_relaxed) - cxx_before;
    const auto ssl = openssl_allocations.load(std::memory_order_relaxed) - ssl_before;
    state.counters["allocs_per_sig"] =
        benchmark::Counter(static_cast<double>(cxx), benchmark::Counter::kAvgIterations);
    state.counters["openssl_allocs_per_sig"] =
        benchmark::Counter(static_cast<double>(ssl), benchmark::Counter::kAvgIterations);
}

// Timing is left to the command line (run_sigv4.sh passes --benchmark_min_time=1
// --benchmark_min_warmup_time=0.2 --benchmark_repetitions=5), so profilers can shorten it.
void configure(benchmark::internal::Benchmark* b) { b->Unit(benchmark::kNanosecond); }

BENCHMARK(bm_sign<signing_context, sign_get_object>)->Name("sigv4/s3_get_object")->Apply(configure);
BENCHMARK(bm_sign<signing_context, sign_put_item>)->Name("sigv4/dynamodb_put_item")->Apply(configure);
BENCHMARK(bm_sign<signing_context, sign_put_item_oneshot_hash>)
    ->Name("sigv4/dynamodb_put_item_oneshot_hash")
    ->Apply(configure);
BENCHMARK(bm_sign<signing_context_v4a, sign_get_object_v4a>)->Name("sigv4a/s3_get_object")->Apply(configure);

// Checks each "s3_get_object_v4a <Authorization>" line of `file` (a peer's --check output).
int verify_v4a(const char* file) {
    std::ifstream in(file);
    std::string line;
    int checked = 0;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        if (line.substr(0, space) != "s3_get_object_v4a") continue;
        const std::string peer = line.substr(space + 1);
        signing_context_v4a ctx;
        if (auto ec = sign_get_object_v4a(ctx)) {
            std::fprintf(stderr, "s3_get_object_v4a: %s\n", ec.message().c_str());
            return 1;
        }
        const std::string_view ours = ctx.out.authorization;
        const std::size_t prefix = ours.size() - ctx.out.signature.size();
        if (peer.size() <= prefix || std::string_view(peer).substr(0, prefix) != ours.substr(0, prefix)) {
            std::fprintf(stderr, "s3_get_object_v4a: the peer signs another scope or header set:\n  %s\n  %.*s\n",
                         peer.c_str(), static_cast<int>(ours.size()), ours.data());
            return 1;
        }
        const auto der = cirrus::hex::decode(std::string_view(peer).substr(prefix));
        auto key = ctx.signer.key_for(bench_credentials());
        const auto digest = cirrus::crypto::sha256(ctx.signer.last_string_to_sign());
        if (!der || !key ||
            !sigv4a::key_pair::verify_digest(
                key->public_x(), key->public_y(), digest,
                std::span(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()))) {
            std::fprintf(stderr,
                         "s3_get_object_v4a: the peer's signature does not verify over cirrus's string to sign\n");
            return 1;
        }
        ++checked;
    }
    if (checked == 0) {
        std::fprintf(stderr, "no s3_get_object_v4a line in %s\n", file);
        return 1;
    }
    std::printf("s3_get_object_v4a: the peer's signature verifies over cirrus's string to sign\n");
    return 0;
}

int print_authorizations() {
    signing_context ctx;
    if (auto ec = sign_get_object(ctx)) {
        std::fprintf(stderr, "s3_get_object: %s\n", ec.message().c_str());
        return 1;
    }
    std::printf("s3_get_object %.*s\n", static_cast<int>(ctx.out.authorization.size()), ctx.out.authorization.data());
    if (auto ec = sign_put_item(ctx)) {
        std::fprintf(stderr, "dynamodb_put_item: %s\n", ec.message().c_str());
        return 1;
    }
    std::printf("dynamodb_put_item %.*s\n", static_cast<int>(ctx.out.authorization.size()),
                ctx.out.authorization.data());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // Must run before anything touches OpenSSL, or OpenSSL refuses the replacement.
    if (CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) != 1) {
        std::fprintf(stderr, "CRYPTO_set_mem_functions failed: OpenSSL allocated before main\n");
        return 1;
    }
    if (argc == 2 && std::strcmp(argv[1], "--check") == 0) return print_authorizations();
    if (argc == 3 && std::strcmp(argv[1], "--verify-v4a") == 0) return verify_v4a(argv[2]);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
