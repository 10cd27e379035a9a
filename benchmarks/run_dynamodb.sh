#!/usr/bin/env bash
# PutItem, GetItem (typed) and Query through cirrus' dynamodb::client against DynamoDB Local
# beside the Go aws-sdk-go-v2 and the Rust aws-sdk-dynamodb clients, in one run:
# requests/s and client CPU per request at 1 and 64 requests in flight, cirrus' heap
# allocations per request, and the ratios of cirrus to the best peer (median round and
# each round). Then the 1 MB Query page parse (ddb_parse_bench) in MB/s.
#
#   benchmarks/run_dynamodb.sh
#
# Server: DynamoDB Local (CIRRUS_DYNAMODB_ENDPOINT) from scripts/services.sh, started here if
# it is not running. Environment (all optional):
#   CIRRUS_BUILD_DIR        build directory (default: <repo>/build-bench)
#   CIRRUS_BENCH_JOBS       parallel build jobs (default: 2)
#   CIRRUS_BENCH_DURATION   seconds per operation, level and client (default: 3)
#   CIRRUS_BENCH_ROUNDS     rounds (default: 3); each round runs every client once, in an
#                           order rotated from round to round
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CIRRUS_BUILD_DIR:-$repo/build-bench}
jobs=${CIRRUS_BENCH_JOBS:-2}
duration=${CIRRUS_BENCH_DURATION:-3}
rounds=${CIRRUS_BENCH_ROUNDS:-3}

source "$repo/benchmarks/common.sh"
cargo=$(find_tool cargo "$HOME/.cargo/bin/cargo") || die "cargo not found"
go=$(find_tool go /usr/local/go/bin/go) || die "go not found"

"$repo/scripts/services.sh" start dynamodb >&2
eval "$("$repo/scripts/services.sh" env)"
endpoint=$CIRRUS_DYNAMODB_ENDPOINT

# ------------------------------------------------------------------------------ build
mkdir -p "$build_dir"
build_bench ddb-build.log ddb_bench ddb_parse_bench
bench=$build_dir/cmake/benchmarks/ddb_bench
parse_bench=$build_dir/cmake/benchmarks/ddb_parse_bench

log "building the Go peer (aws-sdk-go-v2, pinned by go.sum)"
(cd "$repo/benchmarks/peers/go-ddb" && GOTOOLCHAIN=local "$go" build -mod=readonly -o "$build_dir/go-ddb" .) ||
    die "Go peer build failed"
log "building the Rust peer (aws-sdk-dynamodb, pinned by Cargo.lock; the first build takes many minutes)"
(cd "$repo/benchmarks/peers/rust-ddb" &&
    "$cargo" build --release --locked -j "$jobs" --target-dir "$build_dir/rust-ddb" >"$build_dir/rust-ddb-build.log" 2>&1) ||
    { tail -30 "$build_dir/rust-ddb-build.log" >&2; die "Rust peer build failed"; }
rust_peer=$build_dir/rust-ddb/release/rust-ddb-bench

# ------------------------------------------------------------------------------ run
table=cirrus-bench-$$
log "table $table: creating and loading"
"$bench" --table "$table" --setup --endpoint "$endpoint"
trap '"$bench" --table "$table" --cleanup --endpoint "$endpoint" || true' EXIT

results=$build_dir/ddb-results.jsonl
: >"$results"
tag() { sed "s/^{/{\"round\":$1,/" >>"$results"; }
run_client() { # client round
    case $1 in
    cirrus)
        log "round $2: cirrus (dynamodb::client)"
        "$bench" --table "$table" --endpoint "$endpoint" --json --duration "$duration" | tag "$2" ;;
    go)
        log "round $2: aws-sdk-go-v2"
        "$build_dir/go-ddb" -table "$table" -endpoint "$endpoint" -duration "$duration" | tag "$2" ;;
    rust)
        log "round $2: aws-sdk-dynamodb (Rust)"
        "$rust_peer" --table "$table" --endpoint "$endpoint" --duration "$duration" | tag "$2" ;;
    esac
}
clients=(cirrus go rust)
for ((round = 1; round <= rounds; round++)); do
    # Rotate the order so that no client always runs first (or last) in a round.
    for ((i = 0; i < ${#clients[@]}; i++)); do
        run_client "${clients[(i + round - 1) % ${#clients[@]}]}" "$round"
    done
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rounds = sorted({r["round"] for r in rows})

def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[(len(ordered) - 1) // 2]

def median(values):
    v = sorted(values)
    return v[(len(v) - 1) // 2]

print(f"\nDynamoDB Local, median of {len(rounds)} round(s) per client; CPU = client process CPU per request")
print(f"{'op':<7}{'in flight':>10}{'client':>26}{'req/s':>9}{'CPU us':>8}{'allocs':>8}{'errors':>8}")
for op in dict.fromkeys(r["op"] for r in rows):
    for c in sorted({r["concurrency"] for r in rows if r["op"] == op}):
        level = [r for r in rows if r["op"] == op and r["concurrency"] == c]
        medians = {}
        for client in dict.fromkeys(r["client"] for r in level):
            runs = [r for r in level if r["client"] == client]
            m = medians[client] = median_run(runs)
            m["cpu_median"] = median([r["cpu_us_per_request"] for r in runs])
            allocs = f"{m['allocs_per_request']:.1f}" if "allocs_per_request" in m else "-"
            errors = sum(r["errors"] for r in runs)
            print(f"{op:<7}{c:>10}{client:>26}{m['rps']:>9.0f}{m['cpu_median']:>8.1f}{allocs:>8}{errors:>8}")
        peers = [k for k in medians if k != "cirrus"]
        if "cirrus" not in medians or not peers:
            continue
        best = max(peers, key=lambda k: medians[k]["rps"])
        leanest = min(peers, key=lambda k: medians[k]["cpu_median"])
        rps_each, cpu_each = [], []
        for rnd in rounds:
            ours = [r for r in level if r["client"] == "cirrus" and r["round"] == rnd]
            theirs = [r for r in level if r["client"] != "cirrus" and r["round"] == rnd]
            if ours and theirs:
                rps_each.append(f"{ours[0]['rps'] / max(r['rps'] for r in theirs):.2f}")
                cpu_each.append(f"{min(r['cpu_us_per_request'] for r in theirs) / ours[0]['cpu_us_per_request']:.2f}")
        print(f"{'':<17}req/s cirrus / best peer ({best}): {medians['cirrus']['rps'] / medians[best]['rps']:.2f}x"
              f" (each round: {' '.join(rps_each)})")
        print(f"{'':<17}CPU per request, leanest peer ({leanest}) / cirrus: "
              f"{medians[leanest]['cpu_median'] / medians['cirrus']['cpu_median']:.2f}x (each round: {' '.join(cpu_each)})")
PY

log "1 MB Query page into typed structs"
"$parse_bench" --benchmark_min_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
