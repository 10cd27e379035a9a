# DynamoDB: the migration of a client table into DynamoDB (batch writes, reads by id and
# by year and month through a GSI), run against the DynamoDB Local of scripts/services.sh,
# from generated rows and from a table in the PostgreSQL of scripts/services.sh.
cirrus_add_example(dynamodb_migrate dynamodb_migrate.cpp migrate_postgres.cpp)
target_precompile_headers(dynamodb_migrate PRIVATE <boost/asio.hpp>)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(dynamodb)
    add_test(NAME examples.dynamodb_migrate
        COMMAND sh -c "AWS_ENDPOINT_URL_DYNAMODB=\"\${CIRRUS_DYNAMODB_ENDPOINT:-http://127.0.0.1:8077}\" AWS_ACCESS_KEY_ID=cirrus AWS_SECRET_ACCESS_KEY=cirrus exec \"$0\" --rows 1200 --table migrate-example-$$ --cleanup"
            $<TARGET_FILE:dynamodb_migrate>)
    set_tests_properties(examples.dynamodb_migrate PROPERTIES LABELS "examples;dynamodb" TIMEOUT 300
        FIXTURES_REQUIRED service.dynamodb
        PASS_REGULAR_EXPRESSION "wrote 1200 rows in 48 calls.*client 1200: client 1200, 2024-12.*2022-03: 20 clients.*deleted")
    cirrus_service_fixture(postgres)
    add_test(NAME examples.dynamodb_migrate_from_postgres
        COMMAND sh -c "AWS_ENDPOINT_URL_DYNAMODB=\"\${CIRRUS_DYNAMODB_ENDPOINT:-http://127.0.0.1:8077}\" AWS_ACCESS_KEY_ID=cirrus AWS_SECRET_ACCESS_KEY=cirrus exec \"$0\" --from-postgres \"postgresql://\${CIRRUS_PG_USER:-cirrus}:\${CIRRUS_PG_PASSWORD:-cirrus-scram-pw}@127.0.0.1:\${CIRRUS_PG_PORT:-54329}/\${CIRRUS_PG_DATABASE:-cirrus_test}?sslmode=disable\" --create-source --source-table migrate_source_$$ --rows 1200 --table migrate-pg-example-$$ --cleanup"
            $<TARGET_FILE:dynamodb_migrate>)
    set_tests_properties(examples.dynamodb_migrate_from_postgres PROPERTIES LABELS "examples;dynamodb;postgres"
        TIMEOUT 300 FIXTURES_REQUIRED "service.dynamodb;service.postgres"
        PASS_REGULAR_EXPRESSION "created migrate_source_[0-9]+ with 1200 rows.*read 1200 rows from postgres.*wrote 1200 rows in 48 calls.*client 1200: client 1200, 2024-12.*2022-03: 20 clients.*deleted")
endif()
