#!/usr/bin/env bash
# Sets up, starts the local services, builds the demo programs and runs them against
# the services: signed S3, STS, IAM and DynamoDB requests, a directory uploaded to a
# bucket with the S3 client, then PostgreSQL over TLS with
# SCRAM (prepared statements, typed rows, a transaction, cancellation), a CSV batch
# loaded from an S3 object into PostgreSQL with COPY, and a table moved
# from PostgreSQL into DynamoDB.
# Services started here are stopped at the end; ones that were already running stay.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${CIRRUS_DEMO_BUILD_DIR:-build-demo}

./scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCIRRUS_BUILD_TESTS=OFF -DCIRRUS_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build" -j "${CIRRUS_JOBS:-2}" --target signed_requests upload_directory postgres_basics load_csv dynamodb_migrate

export CIRRUS_SERVICES_OWNER=demo.sh
trap './scripts/services.sh stop >/dev/null || true' EXIT
./scripts/services.sh start versitygw moto dynamodb postgres
eval "$(./scripts/services.sh env)"

echo "== Signed AWS requests"
"$build/examples/signed_requests"
echo
echo "== Upload a directory (this repository's docs/) to a bucket, with CRC32C checksums"
AWS_ACCESS_KEY_ID=$CIRRUS_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CIRRUS_S3_SECRET_KEY AWS_REGION=$CIRRUS_S3_REGION \
    AWS_SESSION_TOKEN= "$build/examples/upload_directory" docs "cirrus-demo-$(date +%s)" --prefix docs/ \
    --parallel 4 --endpoint "$CIRRUS_S3_ENDPOINT" --create-bucket --checksum --cleanup
echo
echo "== PostgreSQL"
"$build/examples/postgres_basics"
echo
echo "== A CSV batch staged in S3 and loaded into PostgreSQL with COPY, straight from the object"
stage=$(mktemp -d)
grep -v '^$' tests/data/adult/adult.data >"$stage/adult.csv" # COPY refuses the file's final blank line
csv_bucket="cirrus-demo-csv-$(date +%s)"
export AWS_ACCESS_KEY_ID=$CIRRUS_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CIRRUS_S3_SECRET_KEY AWS_REGION=$CIRRUS_S3_REGION AWS_SESSION_TOKEN=
"$build/examples/upload_directory" "$stage" "$csv_bucket" --prefix batches/ --endpoint "$CIRRUS_S3_ENDPOINT" --create-bucket
"$build/examples/load_csv" \
    "postgresql://$CIRRUS_PG_USER:$CIRRUS_PG_PASSWORD@$CIRRUS_PG_HOST:$CIRRUS_PG_PORT/$CIRRUS_PG_DATABASE?sslmode=require" \
    demo_adult "s3://$csv_bucket/batches/adult.csv" --endpoint "$CIRRUS_S3_ENDPOINT" --create --replace --drop \
    --columns age,workclass,fnlwgt,education,education_num,marital_status,occupation,relationship,race,sex,capital_gain,capital_loss,hours_per_week,native_country,class
"$build/examples/upload_directory" "$stage" "$csv_bucket" --prefix batches/ --endpoint "$CIRRUS_S3_ENDPOINT" \
    --cleanup --remove-bucket >/dev/null
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_SESSION_TOKEN
rm -rf "$stage"
echo
echo "== A PostgreSQL (or Redshift) table migrated into DynamoDB, then read by id and by year and month"
AWS_ENDPOINT_URL_DYNAMODB=$CIRRUS_DYNAMODB_ENDPOINT AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo \
    AWS_SESSION_TOKEN= "$build/examples/dynamodb_migrate" \
    --from-postgres "postgresql://$CIRRUS_PG_USER:$CIRRUS_PG_PASSWORD@$CIRRUS_PG_HOST:$CIRRUS_PG_PORT/$CIRRUS_PG_DATABASE?sslmode=require" \
    --create-source --source-table demo_clients --rows 2000 --table "demo-clients-$(date +%s)" --cleanup
