#!/bin/sh
# Runs the C++ function (argument 1) under cargo-lambda's Runtime API emulator for three
# invocations, posts three events to the emulator's Invoke route, and prints the answers:
# two greetings (200) and the function's own error document (the emulator's 500).
set -u
fn="$1"
api="${CIRRUS_LAMBDA_RUNTIME_API:-127.0.0.1:9100/.rt}"
endpoint="${CIRRUS_LAMBDA_EMULATOR_ENDPOINT:-http://127.0.0.1:9100}"
AWS_LAMBDA_RUNTIME_API="$api" AWS_LAMBDA_FUNCTION_NAME=_ "$fn" 3 &
pid=$!
for event in '{"name":"ada"}' '{"order":1}' '{"name":"bob"}'; do
    curl -s --max-time 20 -w ' status=%{http_code}\n' -X POST "$endpoint/2015-03-31/functions/_/invocations" -d "$event"
done
wait "$pid"
echo "function exit=$?"
