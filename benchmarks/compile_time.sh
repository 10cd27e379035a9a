#!/usr/bin/env bash
# Compile time and peak memory of translation units that use cirrus, header-only and
# separately compiled (CIRRUS_SEPARATE_COMPILATION; the library's own code then compiles
# once, from <cirrus/src.hpp>, reported on its own row).
#
#   benchmarks/compile_time.sh [rounds] [name-filter]
#       rounds: default 3, the median is reported; name-filter: only the units whose name
#       contains it (e.g. DynamoDB)
#
# Each unit is compiled alone with `g++ -std=c++20 -O2 -c`, no precompiled header and no
# ccache, so the numbers are what a user's build pays per file. Two clocks: the CPU time of
# the compiler (user + system), which other work on the machine barely moves, and the
# wall-clock time, which is the same on a quiet machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
only=${2:-}
cxx=${CXX:-g++}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '#include <cirrus/cirrus.hpp>\nint main() { return 0; }\n' >"$out/umbrella.cpp"
printf '#include <cirrus/src.hpp>\n' >"$out/src.cpp"

# name|source|mode
units=(
    "S3 (examples/upload_directory.cpp)|examples/upload_directory.cpp|header-only"
    "S3 (examples/upload_directory.cpp)|examples/upload_directory.cpp|separate"
    "PostgreSQL (examples/postgres_basics.cpp)|examples/postgres_basics.cpp|header-only"
    "PostgreSQL (examples/postgres_basics.cpp)|examples/postgres_basics.cpp|separate"
    "DynamoDB (examples/dynamodb_migrate.cpp)|examples/dynamodb_migrate.cpp|header-only"
    "DynamoDB (examples/dynamodb_migrate.cpp)|examples/dynamodb_migrate.cpp|separate"
    "umbrella <cirrus/cirrus.hpp>|$out/umbrella.cpp|header-only"
    "umbrella <cirrus/cirrus.hpp>|$out/umbrella.cpp|separate"
    "the library once (<cirrus/src.hpp>)|$out/src.cpp|separate"
)

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '| translation unit | mode | CPU seconds (median of %s) | wall seconds | peak memory (MB) |\n|---|---|---:|---:|---:|\n' "$rounds"
for unit in "${units[@]}"; do
    IFS='|' read -r name source mode <<<"$unit"
    [[ -n $only && $name != *"$only"* ]] && continue
    flags=(-std=c++20 -O2 -Iinclude -c "$source" -o "$out/unit.o")
    [[ $mode == separate ]] && flags+=(-DCIRRUS_SEPARATE_COMPILATION)
    secs=() cpus=() mems=()
    for ((r = 0; r < rounds; r++)); do
        /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$cxx" "${flags[@]}"
        read -r s u k m <"$out/time"
        secs+=("$s")
        cpus+=("$(awk -v u="$u" -v k="$k" 'BEGIN { print u + k }')")
        mems+=("$m")
    done
    s=$(printf '%s\n' "${secs[@]}" | median)
    c=$(printf '%s\n' "${cpus[@]}" | median)
    m=$(printf '%s\n' "${mems[@]}" | median)
    printf '| %s | %s | %.1f | %.1f | %d |\n' "$name" "$mode" "$c" "$s" "$((m / 1024))"
done
