#!/usr/bin/env bash
# Sets up, builds once (ASan + UBSan), starts the local services, runs every test with
# CTest, builds and runs the same tests with Meson, stops what it started, and exits
# non-zero on any failure.
#
#   scripts/test.sh                 everything
#   scripts/test.sh --extended      also Garage, the second S3 server (built from crates.io
#                                   on first use, 20+ minutes): its S3 tests must pass
#   CIRRUS_TEST_REGEX=sigv4 scripts/test.sh   only the CTest tests matching a regex
#   CIRRUS_SKIP_MESON=1 scripts/test.sh       CTest only
# The build goes to $CIRRUS_BUILD_DIR (default build/); ccache is used when present.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
build=${CIRRUS_BUILD_DIR:-$root/build}
jobs=${CIRRUS_JOBS:-2}
start=$(date +%s)
stamp() { printf 'test.sh: [%4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

extended=()
for arg in "$@"; do
    case $arg in
    --extended) extended=(--extended) ;;
    *) printf 'usage: scripts/test.sh [--extended]\n' >&2; exit 2 ;;
    esac
done

stamp "setup"
./scripts/setup.sh "${extended[@]}"

launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
    # Without these, ccache refuses every compilation that uses a precompiled header.
    export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros}
fi

# -O0 -g1: line tables are enough for the sanitizers' stack traces and cost a third less
# compiler time than -g on these template-heavy TUs (53 vs 81 CPU seconds for one S3 test
# TU under ASan), and -O0 compiles the coroutine-heavy tests 2.6 times faster than -O1
# under ASan (tests/integration/s3_test.cpp: 162 vs 426 CPU seconds) while the tests,
# which wait on servers, run about as fast. The Meson build, which runs the same tests
# header-only and without sanitizers, needs no debug information at all (25 vs 36 s) and
# is built at -O0 too (68 vs 113 s for the same TU).
stamp "configure and build (CMake, -j$jobs, ASan+UBSan)"
cmake -S . -B "$build" -G Ninja "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
    -DCIRRUS_SANITIZE=address,undefined \
    -DCIRRUS_BUILD_TESTS=ON -DCIRRUS_BUILD_EXAMPLES=ON -DCIRRUS_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j "$jobs"

export CIRRUS_SERVICES_OWNER=test.sh
cleanup() {
    stamp "stopping the services this script started"
    ./scripts/services.sh stop "${extended[@]}" || true
}
trap cleanup EXIT

stamp "starting services"
./scripts/services.sh start "${extended[@]}"
eval "$(./scripts/services.sh env)"
# The S3 tests run on Garage when it answers and skip it otherwise; here it must answer.
if [[ ${#extended[@]} -gt 0 ]]; then export CIRRUS_REQUIRE_GARAGE=1; fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stamp "ctest -j$jobs"
ctest_args=(--test-dir "$build" -j "$jobs" --output-on-failure --timeout 600)
if [[ -n ${CIRRUS_TEST_REGEX:-} ]]; then ctest_args+=(-R "$CIRRUS_TEST_REGEX"); fi
status=0
ctest "${ctest_args[@]}" || status=$?

# Meson and ninja print errors, the compiler's included, on stdout: the log keeps them
# out of a passing run and shows them when a step fails.
meson_quietly() {
    local log=$mbuild/test.sh.log
    mkdir -p "$mbuild"
    if "$@" >"$log" 2>&1; then return 0; fi
    cat "$log" >&2
    stamp "failed: $* (output above, also in $log)"
    return 1
}

if [[ -z ${CIRRUS_SKIP_MESON:-} && -z ${CIRRUS_TEST_REGEX:-} ]]; then
    stamp "meson build and test"
    mbuild=${CIRRUS_MESON_BUILD_DIR:-$root/build-meson}
    # A directory left by a setup that failed has no coredata yet: set it up again; one set
    # up before is reconfigured with these options.
    meson_options=(-Doptimization=0 -Ddebug=false)
    reconfigure=()
    if [[ -f $mbuild/meson-private/coredata.dat ]]; then reconfigure=(--reconfigure); fi
    if meson_quietly meson setup "${reconfigure[@]}" "$mbuild" "${meson_options[@]}" &&
        meson_quietly meson compile -C "$mbuild" -j "$jobs"; then
        meson test -C "$mbuild" --num-processes "$jobs" --print-errorlogs || status=$?
    else
        status=1
    fi
fi

stamp "done (exit $status)"
exit $status
