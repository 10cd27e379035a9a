#!/usr/bin/env bash
# cirrus::postgres (benchmarks/postgres/pg_bench.cpp) against libpq (pgbench -M prepared,
# sync and \startpipeline pipeline mode; psql \copy), libpqxx (benchmarks/peers/cpp-pqxx),
# Rust tokio-postgres (peers/rust-pg), Go pgx (peers/go-pg) and Python asyncpg
# (peers/py-asyncpg), in one run, on the local PostgreSQL of scripts/services.sh:
#   lookup_seq   1-row primary-key lookups, one after another (queries/s)
#   lookup_pipe  the same lookups pipelined, 50 a batch (queries/s)
#   lookup_pool  the same lookups from 64 tasks over 8 connections (queries/s; pgbench:
#                -c 8 -j 2, so 8 in flight, not 64). cirrus: over a pg::pool, a connection
#                per query; "cirrus-shared": 8 coroutines share each connection and their
#                queries are pipelined, as tokio-postgres' tasks are
#   fetch        rows of mixed types (int8, float8, text, bool, timestamptz) (rows/s, CPU s)
#   copy_in      COPY of the Adult CSV (tests/data/adult/adult.data and adult.test, 48,842
#                rows normalised to plain CSV) into a truncated table (rows/s)
#   copy_out     that table out to a CSV file (rows/s)
#   copy_in_10x, copy_out_10x   the same with 10 copies of the Adult CSV (488,420 rows)
# Rounds run every client once, in an order rotated from round to round; the table shows
# each client's median round and the ratios of cirrus to each peer (median and per round).
#
#   benchmarks/run_postgres.sh
#
# Environment (all optional):
#   CIRRUS_BUILD_DIR        build directory (default: <repo>/build-bench)
#   CIRRUS_BENCH_JOBS       parallel build jobs (default: 2)
#   CIRRUS_BENCH_ROUNDS     rounds (default: 3)
#   CIRRUS_BENCH_LOOKUPS    sequential lookups per client and round (default: 20000)
#   CIRRUS_BENCH_BATCHES    pipelined batches of 50 (default: 1000)
#   CIRRUS_BENCH_ROWS       rows fetched (default: 1000000)
#   CIRRUS_BENCH_POOL_LOOKUPS  lookups over the pool (default: 4 x CIRRUS_BENCH_LOOKUPS)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CIRRUS_BUILD_DIR:-$repo/build-bench}
jobs=${CIRRUS_BENCH_JOBS:-2}
rounds=${CIRRUS_BENCH_ROUNDS:-3}
lookups=${CIRRUS_BENCH_LOOKUPS:-20000}
batches=${CIRRUS_BENCH_BATCHES:-1000}
rows=${CIRRUS_BENCH_ROWS:-1000000}
pool_lookups=${CIRRUS_BENCH_POOL_LOOKUPS:-$((lookups * 4))}
keys=10000
asyncpg_version=0.31.0

source "$repo/benchmarks/common.sh"
command -v pgbench >/dev/null || die "pgbench not found (postgresql-contrib / postgresql-client)"
command -v psql >/dev/null || die "psql not found"

"$repo/scripts/services.sh" start postgres >&2
eval "$("$repo/scripts/services.sh" env)"
dsn="postgresql://${CIRRUS_PG_USER:-cirrus}:${CIRRUS_PG_PASSWORD:-cirrus-scram-pw}@${CIRRUS_PG_HOST:-127.0.0.1}:${CIRRUS_PG_PORT:-54329}/${CIRRUS_PG_DATABASE:-cirrus_test}?sslmode=disable"

# ------------------------------------------------------------------------------ build
mkdir -p "$build_dir"
build_bench pg-build.log pg_bench
bench=$build_dir/cmake/benchmarks/pg_bench

cargo=$(find_tool cargo "$HOME/.cargo/bin/cargo") || die "cargo not found"
go=$(find_tool go /usr/local/go/bin/go) || die "go not found"
log "building the Rust peer (tokio-postgres, pinned by Cargo.lock)"
(cd "$repo/benchmarks/peers/rust-pg" &&
    "$cargo" build --release --locked -j "$jobs" --target-dir "$build_dir/rust-pg" >"$build_dir/rust-pg-build.log" 2>&1) ||
    { tail -30 "$build_dir/rust-pg-build.log" >&2; die "Rust peer build failed"; }
rust_peer=$build_dir/rust-pg/release/pg-peer-rust
log "building the Go peer (pgx, pinned by go.sum)"
(cd "$repo/benchmarks/peers/go-pg" && GOTOOLCHAIN=local "$go" build -mod=readonly -o "$build_dir/pg-peer-go" .) ||
    die "Go peer build failed"
log "building the libpqxx peer (Debian's libpqxx-dev)"
pkg-config --exists libpqxx || die "libpqxx not found (libpqxx-dev; scripts/setup.sh installs it)"
# shellcheck disable=SC2046
g++ -O2 -std=c++17 -o "$build_dir/pg-peer-pqxx" "$repo/benchmarks/peers/cpp-pqxx/pqxx_bench.cpp" \
    $(pkg-config --cflags --libs libpqxx) || die "libpqxx peer build failed"

venv=$build_dir/postgres-venv
log "Python peer in $venv: asyncpg==$asyncpg_version (PyPI)"
[[ -x $venv/bin/python ]] || python3 -m venv "$venv" || die "cannot create $venv (python3-venv)"
"$venv/bin/pip" install -q --disable-pip-version-check "asyncpg==$asyncpg_version" || die "pip install failed"

# ------------------------------------------------------------------------------ data
work=$build_dir/postgres-work
mkdir -p "$work"
# The Adult data is "39, State-gov, ..." with blank lines (and adult.test a "|1x3 Cross
# validator" first line): plain CSV for every client.
csv=$work/adult.csv
sed -e 's/, /,/g' -e '/^[[:space:]]*$/d' -e '/^|/d' "$repo/tests/data/adult/adult.data" \
    "$repo/tests/data/adult/adult.test" >"$csv"
csv_rows=$(wc -l <"$csv")
csv10=$work/adult-10x.csv
for _ in $(seq 1 10); do cat "$csv"; done >"$csv10"
copy_out=$work/copy-out.csv
log "tables bench_kv ($keys rows) and bench_adult; $csv_rows CSV rows, $((csv_rows * 10)) in the 10x file"
psql -q -X -v ON_ERROR_STOP=1 "$dsn" >&2 <<SQL
drop table if exists bench_kv;
create table bench_kv (id int primary key, v text not null);
insert into bench_kv select g, 'value ' || g from generate_series(1, $keys) g;
drop table if exists bench_adult;
-- text columns: the copy in the repository has a few non-numeric values in numeric columns.
create table bench_adult (age text, workclass text, fnlwgt text, education text, education_num text,
    marital_status text, occupation text, relationship text, race text, sex text, capital_gain text,
    capital_loss text, hours_per_week text, native_country text, income text);
analyze bench_kv;
SQL
trap 'rm -f "$copy_out"; psql -q -X "$dsn" -c "drop table if exists bench_kv; drop table if exists bench_adult" >/dev/null 2>&1 || true' EXIT

fetch_sql="select g::int8 as id, g * 0.5::float8 as x, 'label ' || g as label, g % 2 = 0 as flag, timestamptz '2024-01-01' + g * interval '1 second' as at from generate_series(1, $rows) g"
printf '\\set id random(1, %d)\nselect v from bench_kv where id = :id;\n' "$keys" >"$work/lookup.sql"
{
    for i in $(seq 1 50); do printf '\\set id%d random(1, %d)\n' "$i" "$keys"; done
    printf '\\startpipeline\n'
    for i in $(seq 1 50); do printf 'select v from bench_kv where id = :id%d;\n' "$i"; done
    printf '\\endpipeline\n'
} >"$work/pipeline.sql"
printf '%s;\n' "$fetch_sql" >"$work/fetch.sql"

# Runs a command; prints one JSON line: wall seconds, the children's CPU seconds, and the
# rate from pgbench's tps (times `per_tx` units) or from `units` over the wall time.
measure() { # client op unit units per_tx command...
    python3 - "$@" <<'PY'
import json, re, resource, subprocess, sys, time
client, op, unit, units, per_tx, *cmd = sys.argv[1:]
units, per_tx = float(units), float(per_tx)
t0 = time.perf_counter()
out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
secs = time.perf_counter() - t0
u = resource.getrusage(resource.RUSAGE_CHILDREN)
m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
rate = float(m.group(1)) * per_tx if m else units / secs
print(json.dumps({"client": client, "op": op, unit: units, "seconds": round(secs, 4),
                  "per_second": round(rate, 1), "cpu_seconds": round(u.ru_utime + u.ru_stime, 4)}))
PY
}

results=$build_dir/postgres-results.jsonl
: >"$results"
tag() { sed "s/^{/{\"round\":$1,/" >>"$results"; }
# The arguments every library peer takes (pg_bench's, the Rust, Go and asyncpg peers').
common_args=(--lookups "$lookups" --batches "$batches" --rows "$rows" --keys "$keys" --pool-lookups "$pool_lookups"
    --csv "$csv" --csv10 "$csv10" --copy-table bench_adult --copy-out "$copy_out")
run_client() { # client round
    case $1 in
    cirrus)
        log "round $2: cirrus"
        "$bench" --conninfo "$dsn" "${common_args[@]}" | tag "$2" ;;
    rust)
        log "round $2: tokio-postgres"
        "$rust_peer" --dsn "$dsn" "${common_args[@]}" | tag "$2" ;;
    go)
        log "round $2: pgx"
        "$build_dir/pg-peer-go" -dsn "$dsn" -lookups "$lookups" -batches "$batches" -rows "$rows" -keys "$keys" \
            -pool-lookups "$pool_lookups" -csv "$csv" -csv10 "$csv10" -copy-table bench_adult -copy-out "$copy_out" | tag "$2" ;;
    pqxx)
        log "round $2: libpqxx"
        "$build_dir/pg-peer-pqxx" --dsn "$dsn" --lookups "$lookups" --batches "$batches" --rows "$rows" --keys "$keys" | tag "$2" ;;
    libpq)
        log "round $2: pgbench -M prepared (sync, pipeline), psql \\copy"
        measure pgbench lookup_seq queries "$lookups" 1 \
            pgbench -n -M prepared -c 1 -t "$lookups" -f "$work/lookup.sql" "$dsn" | tag "$2"
        measure pgbench-pipeline lookup_pipe queries $((batches * 50)) 50 \
            pgbench -n -M prepared -c 1 -t "$batches" -f "$work/pipeline.sql" "$dsn" | tag "$2"
        measure pgbench-c8-j2 lookup_pool queries $((pool_lookups / 8 * 8)) 1 \
            pgbench -n -M prepared -c 8 -j 2 -t $((pool_lookups / 8)) -f "$work/lookup.sql" "$dsn" | tag "$2"
        measure pgbench fetch rows "$rows" "$rows" \
            pgbench -n -M prepared -c 1 -t 1 -f "$work/fetch.sql" "$dsn" | tag "$2"
        local file suffix n
        for file in "$csv" "$csv10"; do
            suffix=; n=$csv_rows
            [[ $file == "$csv10" ]] && suffix=_10x n=$((csv_rows * 10))
            psql -q -X "$dsn" -c "truncate bench_adult"
            measure psql "copy_in$suffix" rows "$n" 0 \
                psql -q -X -v ON_ERROR_STOP=1 "$dsn" -c "\\copy bench_adult from '$file' with (format csv)" | tag "$2"
            measure psql "copy_out$suffix" rows "$n" 0 \
                psql -q -X -v ON_ERROR_STOP=1 "$dsn" -c "\\copy bench_adult to '$copy_out' with (format csv)" | tag "$2"
        done ;;
    asyncpg)
        log "round $2: asyncpg"
        "$venv/bin/python" "$repo/benchmarks/peers/py-asyncpg/asyncpg_bench.py" --dsn "$dsn" "${common_args[@]}" | tag "$2" ;;
    esac
}
clients=(cirrus libpq pqxx rust go asyncpg)
for ((round = 1; round <= rounds; round++)); do
    # Rotate the order so that no client always runs first (or last) in a round.
    for ((i = 0; i < ${#clients[@]}; i++)); do
        run_client "${clients[(i + round - 1) % ${#clients[@]}]}" "$round"
    done
done

python3 - "$results" "$rounds" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rounds = sorted({r["round"] for r in rows})
units = {"lookup_seq": "queries/s", "lookup_pipe": "queries/s", "lookup_pool": "queries/s", "fetch": "rows/s",
         "copy_in": "rows/s", "copy_out": "rows/s", "copy_in_10x": "rows/s", "copy_out_10x": "rows/s"}

def median(values):
    v = sorted(values)
    return v[(len(v) - 1) // 2]

print(f"\nPostgreSQL (local), median of {len(rounds)} round(s); CPU = client process CPU seconds")
print(f"{'op':<13}{'client':<18}{'rate':>14}{'':<11}{'CPU s':>8}")
for op in units:
    level = [r for r in rows if r["op"] == op]
    clients = list(dict.fromkeys(r["client"] for r in level))
    med = {c: median([r["per_second"] for r in level if r["client"] == c]) for c in clients}
    cpu = {c: median([r["cpu_seconds"] for r in level if r["client"] == c]) for c in clients}
    for c in clients:
        print(f"{op:<13}{c:<18}{med[c]:>14.0f} {units[op]:<10}{cpu[c]:>8.2f}")
    for us in (c for c in clients if c.startswith("cirrus")):
        for peer in (c for c in clients if not c.startswith("cirrus")):
            each = []
            for rnd in rounds:
                ours = [r for r in level if r["client"] == us and r["round"] == rnd]
                theirs = [r for r in level if r["client"] == peer and r["round"] == rnd]
                if ours and theirs:
                    each.append(f"{ours[0]['per_second'] / theirs[0]['per_second']:.2f}")
            print(f"{'':<13}{us} / {peer}: {med[us] / med[peer]:.2f}x (each round: {' '.join(each)})")
PY
