# shellcheck shell=bash
# Sourced by benchmarks/run_*.sh once they have set `repo`, `build_dir` and `jobs`: log and
# error lines prefixed with the script's name, tool lookup, and the Release build of the
# cirrus benchmark targets in $build_dir/cmake (configured once: benchmarks only, Ninja and
# ccache when present).

bench_name=$(basename "${BASH_SOURCE[1]}" .sh)

log() { printf '[%s] %s\n' "$bench_name" "$*" >&2; }
die() {
    printf '[%s] error: %s\n' "$bench_name" "$*" >&2
    exit 1
}

# find_tool name fallback-path: the command on PATH, else the fallback if executable.
find_tool() {
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"
    elif [[ -x $2 ]]; then printf '%s' "$2"
    else return 1; fi
}

# build_bench log-name target...: builds the targets (Release) with $jobs jobs, the output in
# $build_dir/log-name; on failure its last lines and exit.
build_bench() {
    local build_log=$build_dir/$1
    shift
    mkdir -p "$build_dir"
    log "building $* (Release) in $build_dir/cmake"
    local -a cmake_args=(-S "$repo" -B "$build_dir/cmake" -DCMAKE_BUILD_TYPE=Release
        -DCIRRUS_BUILD_BENCHMARKS=ON -DCIRRUS_BUILD_TESTS=OFF -DCIRRUS_BUILD_EXAMPLES=OFF)
    if [[ ! -f $build_dir/cmake/CMakeCache.txt ]]; then
        command -v ninja >/dev/null && cmake_args+=(-G Ninja)
        command -v ccache >/dev/null && cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    fi
    cmake "${cmake_args[@]}" >"$build_dir/cmake-configure.log" 2>&1 ||
        { cat "$build_dir/cmake-configure.log" >&2; die "CMake configure failed"; }
    cmake --build "$build_dir/cmake" --target "$@" -j "$jobs" >"$build_log" 2>&1 ||
        { tail -50 "$build_log" >&2; die "$* build failed"; }
}

# measured server-pid command...: runs the command and prints its output, each JSON line
# (one per level) with two more fields: client_cpu_us_per_request, the command's own CPU
# time (user and system, its children included), and server_cpu_us_per_request, what the
# server process (server-pid; 0: none) used meanwhile. Each is the CPU time over the
# process's wall time (cores in use) divided by the line's "rps", so that the set-up and
# warm-up count at the pace of the timed phase; run one level a process. Exits with the
# command's status.
measured() {
    python3 - "$@" <<'PY'
import json, os, resource, subprocess, sys, time

pid, cmd = sys.argv[1], sys.argv[2:]
tick = os.sysconf("SC_CLK_TCK")

def server_seconds():
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (OSError, IndexError, ValueError):
        return None

def children_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

s0, c0, t0 = server_seconds(), children_seconds(), time.monotonic()
run = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
s1, c1, wall = server_seconds(), children_seconds(), time.monotonic() - t0
for line in run.stdout.splitlines():
    if line.startswith("{"):
        row = json.loads(line)
        rate = max(float(row.get("rps", 0)), 1e-9) * wall
        row["client_cpu_us_per_request"] = round((c1 - c0) * 1e6 / rate, 1)
        if s0 is not None and s1 is not None:
            row["server_cpu_us_per_request"] = round((s1 - s0) * 1e6 / rate, 1)
        line = json.dumps(row, separators=(",", ":"))
    print(line, flush=True)
sys.exit(run.returncode)
PY
}
