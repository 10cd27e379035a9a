# CSV batches into PostgreSQL with COPY, from files and straight from S3 objects: the UCI
# Adult data staged in versitygw by upload_directory, then loaded from the file and from
# the object into two tables (scripts/load_csv_test.cmake), against the services of
# scripts/services.sh.
cirrus_add_example(load_csv load_csv.cpp)
target_precompile_headers(load_csv PRIVATE <boost/asio.hpp>)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(versitygw)
    cirrus_service_fixture(postgres)
    add_test(NAME examples.load_csv
        COMMAND ${CMAKE_COMMAND} -DLOAD_CSV=$<TARGET_FILE:load_csv> -DUPLOAD=$<TARGET_FILE:upload_directory>
            -DADULT_DIR=${PROJECT_SOURCE_DIR}/tests/data/adult -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/load_csv.work -P ${CMAKE_CURRENT_LIST_DIR}/scripts/load_csv_test.cmake)
    set_tests_properties(examples.load_csv PROPERTIES LABELS "examples;postgres;s3" TIMEOUT 300
        FIXTURES_REQUIRED "service.versitygw;service.postgres")
endif()
