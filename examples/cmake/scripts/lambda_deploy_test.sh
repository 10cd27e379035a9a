#!/bin/sh
# Runs examples/lambda_deploy (argument 1) on the function directory (argument 2) against
# moto, with moto's Lambda set to run without containers (Invoke then echoes the event).
set -eu
prog="$1"
source_dir="$2"
moto="${CIRRUS_MOTO_ENDPOINT:-http://127.0.0.1:5055}"
curl -sf -X POST "$moto/moto-api/config" -H 'Content-Type: application/json' \
    -d '{"lambda":{"use_docker":false}}' >/dev/null
AWS_ENDPOINT_URL="$moto" AWS_ACCESS_KEY_ID=cirrus AWS_SECRET_ACCESS_KEY=cirrus AWS_SESSION_TOKEN= \
    AWS_REGION=us-east-1 exec "$prog" --source "$source_dir" --prefix "deploy-example-$$" --api
