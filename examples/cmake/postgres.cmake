# PostgreSQL: connect over TLS, prepared statements in a transaction, typed rows,
# errors, cancellation, COPY of the Adult CSV files. Runs against the PostgreSQL of scripts/services.sh.
cirrus_add_example(postgres_basics postgres_basics.cpp)
target_precompile_headers(postgres_basics PRIVATE <boost/asio.hpp> <boost/asio/ssl.hpp>)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(postgres)
    add_test(NAME examples.postgres_basics COMMAND postgres_basics)
    set_tests_properties(examples.postgres_basics PROPERTIES LABELS "examples;postgres" TIMEOUT 120
        FIXTURES_REQUIRED service.postgres ENVIRONMENT "CIRRUS_ADULT_DIR=${PROJECT_SOURCE_DIR}/tests/data/adult")
endif()
