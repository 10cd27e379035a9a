#!/usr/bin/env bash
# Invoke round trips per second through cirrus' lambda::client against cargo-lambda's
# Runtime API emulator, with one echo function polling it: a C++ function on
# cirrus::lambda::runtime (raw bytes, and typed through lambda::typed_handler) beside the
# same function on the Rust lambda_runtime crate (serde), all driven by the same cirrus
# Invoke client (lambda_bench). Also the cold start of each: process start to first
# response. Rounds in a rotated order; the table shows each function's median round and the
# ratios of the C++ functions to the Rust one (median round and each round).
#
#   benchmarks/run_lambda.sh
#
# Server: the lambda-emulator of scripts/services.sh (CIRRUS_LAMBDA_EMULATOR_ENDPOINT,
# started here if it is not running). Environment (all optional):
#   CIRRUS_BUILD_DIR          build directory (default: <repo>/build-bench)
#   CIRRUS_BENCH_JOBS         parallel build jobs (default: 2)
#   CIRRUS_BENCH_DURATION     seconds of warm invocations per function and round (default: 5)
#   CIRRUS_BENCH_ROUNDS       rounds (default: 3); each round runs every function once, in an
#                             order rotated from round to round
#   CIRRUS_BENCH_COLD_STARTS  cold starts per function and round (default: 5)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CIRRUS_BUILD_DIR:-$repo/build-bench}
jobs=${CIRRUS_BENCH_JOBS:-2}
duration=${CIRRUS_BENCH_DURATION:-5}
rounds=${CIRRUS_BENCH_ROUNDS:-3}
cold_starts=${CIRRUS_BENCH_COLD_STARTS:-5}

source "$repo/benchmarks/common.sh"
cargo=$(find_tool cargo "$HOME/.cargo/bin/cargo") || die "cargo not found"

"$repo/scripts/services.sh" start lambda-emulator >&2
eval "$("$repo/scripts/services.sh" env)"
export CIRRUS_LAMBDA_EMULATOR_ENDPOINT CIRRUS_LAMBDA_RUNTIME_API

# ------------------------------------------------------------------------------ build
mkdir -p "$build_dir"
build_bench lambda-build.log lambda_bench lambda_echo_function
bench=$build_dir/cmake/benchmarks/lambda_bench
cxx_fn=$build_dir/cmake/benchmarks/lambda_echo_function

log "building the Rust peer (lambda_runtime, pinned by Cargo.lock)"
(cd "$repo/benchmarks/peers/rust-lambda" &&
    "$cargo" build --release --locked -j "$jobs" --target-dir "$build_dir/rust-lambda" \
        >"$build_dir/rust-lambda-build.log" 2>&1) ||
    { tail -30 "$build_dir/rust-lambda-build.log" >&2; die "Rust peer build failed"; }
rust_fn=$build_dir/rust-lambda/release/rust-lambda-echo

# ------------------------------------------------------------------------------ run
results=$build_dir/lambda-results.jsonl
: >"$results"
tag() { sed "s/^{/{\"round\":$1,/" >>"$results"; }
run_function() { # function round
    local args=(--duration "$duration" --cold-starts "$cold_starts")
    case $1 in
    cirrus-bytes)
        log "round $2: C++ on cirrus::lambda::runtime, bytes echoed"
        "$bench" --name cirrus-bytes "${args[@]}" -- "$cxx_fn" bytes | tag "$2" ;;
    cirrus-typed)
        log "round $2: C++ on cirrus::lambda::runtime, typed_handler"
        "$bench" --name cirrus-typed "${args[@]}" -- "$cxx_fn" typed | tag "$2" ;;
    rust)
        log "round $2: Rust lambda_runtime (serde)"
        "$bench" --name rust "${args[@]}" -- "$rust_fn" | tag "$2" ;;
    esac
}
functions=(cirrus-bytes cirrus-typed rust)
for ((round = 1; round <= rounds; round++)); do
    # Rotate the order so that no function always runs first (or last) in a round.
    for ((i = 0; i < ${#functions[@]}; i++)); do
        run_function "${functions[(i + round - 1) % ${#functions[@]}]}" "$round"
    done
done

python3 - "$results" "$cold_starts" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rounds = sorted({r["round"] for r in rows})

def median(values):
    v = sorted(values)
    return v[(len(v) - 1) // 2]

def median_run(runs, key):
    return sorted(runs, key=lambda r: r[key])[(len(runs) - 1) // 2]

print(f"\nInvoke through cirrus against cargo-lambda's emulator, one function process, one Invoke at a time;"
      f" median of {len(rounds)} round(s);\ncold start = spawn to first response, median of {sys.argv[2]} per round")
print(f"{'function':<14}{'invokes/s':>10}{'p50 us':>9}{'p99 us':>9}{'fn CPU us':>10}{'cold ms':>9}{'errors':>8}")
med = {}
for fn in dict.fromkeys(r["client"] for r in rows):
    runs = [r for r in rows if r["client"] == fn]
    m = median_run(runs, "rps")
    cold = median([r["cold_start_ms"] for r in runs])
    med[fn] = (m["rps"], cold)
    print(f"{fn:<14}{m['rps']:>10.0f}{m['p50_us']:>9.0f}{m['p99_us']:>9.0f}"
          f"{median([r['fn_cpu_us'] for r in runs]):>10.1f}{cold:>9.2f}{sum(r['errors'] for r in runs):>8}")
if "rust" in med:
    for fn in [k for k in med if k != "rust"]:
        rps_each, cold_each = [], []
        for rnd in rounds:
            ours = [r for r in rows if r["client"] == fn and r["round"] == rnd]
            theirs = [r for r in rows if r["client"] == "rust" and r["round"] == rnd]
            if ours and theirs:
                rps_each.append(f"{ours[0]['rps'] / theirs[0]['rps']:.2f}")
                cold_each.append(f"{theirs[0]['cold_start_ms'] / ours[0]['cold_start_ms']:.2f}")
        print(f"{fn}: invokes/s {fn} / rust: {med[fn][0] / med['rust'][0]:.2f}x (each round: {' '.join(rps_each)});"
              f" cold start rust / {fn}: {med['rust'][1] / med[fn][1]:.2f}x (each round: {' '.join(cold_each)})")
PY
