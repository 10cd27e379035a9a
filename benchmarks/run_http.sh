#!/usr/bin/env bash
# Small GETs (4 KiB objects) through cirrus (s3::client, as users call it, and the raw
# http::client transport) against the same server as the Go
# aws-sdk-go-v2 S3 client and the Rust aws-sdk-s3 client, in one run: requests/s, p50 and
# p99 latency at 1, 16 and 64 requests in flight, cirrus allocations per request (operator new,
# and every malloc-family call), client and server CPU per request, and the ratio of cirrus
# to the best peer. Each level of each client runs in a process of its own, so that the
# server's CPU time over that process (from /proc/<pid>/stat) belongs to that client and
# level. cirrus' S3 GETs validate no response checksum, as the peers are configured
# (http_bench --checksum-mode would ask for and verify one).
#
#   benchmarks/run_http.sh [--extended]
#
# Servers: versitygw (CIRRUS_S3_*), and with --extended Garage too (CIRRUS_GARAGE_*), both
# from scripts/services.sh (started here if they are not running).
# Environment (all optional):
#   CIRRUS_BUILD_DIR        build directory (default: <repo>/build-bench)
#   CIRRUS_BENCH_JOBS       parallel build jobs (default: 2)
#   CIRRUS_BENCH_DURATION   seconds per level and client (default: 5)
#   CIRRUS_BENCH_ROUNDS     rounds (default: 3); each round runs every client once, the
#                           clients in a rotated order, and the table shows each client's
#                           median round
#   CIRRUS_BENCH_LEVELS     requests in flight (default: 1,16,64)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CIRRUS_BUILD_DIR:-$repo/build-bench}
jobs=${CIRRUS_BENCH_JOBS:-2}
duration=${CIRRUS_BENCH_DURATION:-5}
rounds=${CIRRUS_BENCH_ROUNDS:-3}
IFS=, read -r -a levels <<<"${CIRRUS_BENCH_LEVELS:-1,16,64}"
extended=0
[[ ${1:-} == --extended ]] && extended=1

source "$repo/benchmarks/common.sh"
cargo=$(find_tool cargo "$HOME/.cargo/bin/cargo") || die "cargo not found"
go=$(find_tool go /usr/local/go/bin/go) || die "go not found"

eval "$("$repo/scripts/services.sh" env)"
services=(versitygw)
((extended)) && services+=(garage)
"$repo/scripts/services.sh" start "${services[@]}" >&2

# ------------------------------------------------------------------------------ build
mkdir -p "$build_dir"
build_bench http-build.log http_bench
bench=$(find -L "$build_dir/cmake" -name http_bench -type f -perm -u+x | head -1)

log "building the Go peer (aws-sdk-go-v2, pinned by go.sum)"
(cd "$repo/benchmarks/peers/go-s3get" && "$go" build -o "$build_dir/go-s3get" .) ||
    die "Go peer build failed"
log "building the Rust peer (aws-sdk-s3, pinned by Cargo.lock; the first build takes minutes)"
(cd "$repo/benchmarks/peers/rust-s3get" &&
    "$cargo" build --release --locked -j "$jobs" --target-dir "$build_dir/rust-s3get" >"$build_dir/rust-s3get-build.log" 2>&1) ||
    { tail -30 "$build_dir/rust-s3get-build.log" >&2; die "Rust peer build failed"; }
rust_peer=$build_dir/rust-s3get/release/rust-s3get-bench

# ------------------------------------------------------------------------------ run
results=$build_dir/http-results.jsonl
: >"$results"
tag() { sed "s/^{/{\"server\":\"$1\",\"round\":$2,/" >>"$results"; }
# The pid of a running service (for its CPU time), 0 when there is none.
server_pid() { "$repo/scripts/services.sh" status | awk -v s="$1" '$1 == s && $2 == "running" { print $4; f = 1 } END { if (!f) print 0 }'; }
run_client() { # client label round endpoint access secret region bucket
    local label=$2 round=$3 endpoint=$4 bucket=$8 pid c
    export CIRRUS_S3_ACCESS_KEY=$5 CIRRUS_S3_SECRET_KEY=$6 CIRRUS_S3_REGION=$7
    pid=$(server_pid "$label")
    for c in "${levels[@]}"; do
        case $1 in
        cirrus)
            log "$label round $round: cirrus (s3::client), $c in flight"
            CIRRUS_S3_ENDPOINT=$endpoint measured "$pid" "$bench" --via s3 --bucket "$bucket" --keep --json \
                --duration "$duration" --concurrency "$c" | tag "$label" "$round" ;;
        cirrus-http)
            log "$label round $round: cirrus (http::client, the raw transport), $c in flight"
            CIRRUS_S3_ENDPOINT=$endpoint measured "$pid" "$bench" --via http --bucket "$bucket" --keep --json \
                --duration "$duration" --concurrency "$c" | tag "$label" "$round" ;;
        go)
            log "$label round $round: aws-sdk-go-v2, $c in flight"
            measured "$pid" "$build_dir/go-s3get" -endpoint "$endpoint" -bucket "$bucket" -duration "$duration" \
                -concurrency "$c" | tag "$label" "$round" ;;
        rust)
            log "$label round $round: aws-sdk-s3 (Rust), $c in flight"
            measured "$pid" "$rust_peer" --endpoint "$endpoint" --bucket "$bucket" --duration "$duration" \
                --concurrency "$c" | tag "$label" "$round" ;;
        esac
    done
}
run_server() { # label endpoint access secret region
    local label=$1 bucket round i
    bucket=cirrus-bench-$$-$label
    local clients=(cirrus cirrus-http go rust)
    for ((round = 1; round <= rounds; round++)); do
        # Rotate the order so that no client always runs first (or last) in a round.
        for ((i = 0; i < ${#clients[@]}; i++)); do
            run_client "${clients[(i + round - 1) % ${#clients[@]}]}" "$label" "$round" "$2" "$3" "$4" "$5" "$bucket"
        done
    done
    CIRRUS_S3_ENDPOINT=$2 CIRRUS_S3_ACCESS_KEY=$3 CIRRUS_S3_SECRET_KEY=$4 CIRRUS_S3_REGION=$5 \
        "$bench" --bucket "$bucket" --cleanup
}
run_server versitygw "$CIRRUS_S3_ENDPOINT" "$CIRRUS_S3_ACCESS_KEY" "$CIRRUS_S3_SECRET_KEY" "$CIRRUS_S3_REGION"
if ((extended)); then
    run_server garage "$CIRRUS_GARAGE_ENDPOINT" "$CIRRUS_GARAGE_ACCESS_KEY" "$CIRRUS_GARAGE_SECRET_KEY" "$CIRRUS_GARAGE_REGION"
fi

python3 - "$results" <<'PY'
import json, sys
from statistics import median

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]

def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[(len(ordered) - 1) // 2]

def cpu(runs, field):
    values = [r[field] for r in runs if field in r]
    return median(values) if values else float("nan")

for server in dict.fromkeys(r["server"] for r in rows):
    mine = [r for r in rows if r["server"] == server]
    rounds = sorted({r["round"] for r in mine})
    print(f"\n{server}: 4 KiB GET, median of {len(rounds)} round(s) per client; CPU: microseconds per request "
          f"(median over the rounds) of the client process and of the server meanwhile; cores: both, per second")
    print(f"{'client':<22}{'in flight':>10}{'req/s':>9}{'p50 us':>8}{'p99 us':>8}{'allocs/req':>11}{'mallocs/req':>12}"
          f"{'client CPU':>11}{'server CPU':>11}{'cores':>6}{'errors':>7}")
    for c in sorted({r["concurrency"] for r in mine}):
        level = [r for r in mine if r["concurrency"] == c]
        medians = {}
        for client in dict.fromkeys(r["client"] for r in level):
            runs = [r for r in level if r["client"] == client]
            m = medians[client] = dict(median_run(runs))
            m["client_cpu"] = cpu(runs, "client_cpu_us_per_request")
            m["server_cpu"] = cpu(runs, "server_cpu_us_per_request")
            cores = (m["client_cpu"] + m["server_cpu"]) * m["rps"] / 1e6
            allocs = f"{m['allocs_per_request']:.1f}" if "allocs_per_request" in m else "-"
            heap = f"{m['heap_allocs_per_request']:.1f}" if m.get("heap_allocs_per_request", -1) >= 0 else "-"
            errors = sum(r["errors"] for r in runs)
            print(f"{client:<22}{c:>10}{m['rps']:>9.0f}{m['p50_us']:>8.0f}{m['p99_us']:>8.0f}{allocs:>11}{heap:>12}"
                  f"{m['client_cpu']:>11.0f}{m['server_cpu']:>11.0f}{cores:>6.2f}{errors:>7}")
        peers = [k for k in medians if not k.startswith("cirrus")]
        if "cirrus" in medians and peers:
            best = max(peers, key=lambda k: medians[k]["rps"])
            ours, theirs = medians["cirrus"], medians[best]
            each = []
            for rnd in rounds:
                mine_r = [r for r in level if r["client"] == "cirrus" and r["round"] == rnd]
                peers_r = [r for r in level if not r["client"].startswith("cirrus") and r["round"] == rnd]
                if mine_r and peers_r:
                    each.append(f"{mine_r[0]['rps'] / max(r['rps'] for r in peers_r):.2f}")
            print(f"{'':<22}{'':>10}  cirrus / best peer ({best}): {ours['rps'] / theirs['rps']:.2f}x"
                  f"  (each round: {' '.join(each)});"
                  f"  p99 cirrus {ours['p99_us']:.0f} us vs best peer's {min(medians[k]['p99_us'] for k in peers):.0f} us")
            # With every core busy, each client's rate is cores / (client + server CPU per
            # request): the CPU figures bound the ratio where the cores are the limit.
            per_ours = ours["client_cpu"] + ours["server_cpu"]
            per_theirs = theirs["client_cpu"] + theirs["server_cpu"]
            if per_ours > 0 and per_theirs > 0:
                print(f"{'':<22}{'':>10}  CPU per request, client + server: cirrus {per_ours:.0f} us, "
                      f"{best} {per_theirs:.0f} us: {per_theirs / per_ours:.2f}x where the cores are the limit; "
                      f"{per_theirs / ours['server_cpu']:.2f}x with a client that cost nothing")
PY
