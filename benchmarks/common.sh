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
