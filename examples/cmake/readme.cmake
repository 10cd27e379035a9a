# The README's first program, examples/readme.cpp: the README shows it verbatim
# (examples.readme_in_sync), and it runs against versitygw and PostgreSQL with the
# environment the AWS SDKs and libpq read (examples.readme).
cirrus_add_example(readme readme.cpp)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(versitygw)
    cirrus_service_fixture(postgres)
    add_test(NAME examples.readme_in_sync
        COMMAND ${CMAKE_COMMAND} -DREADME=${PROJECT_SOURCE_DIR}/README.md
            -DEXAMPLE=${CMAKE_CURRENT_LIST_DIR}/../readme.cpp -P ${CMAKE_CURRENT_LIST_DIR}/scripts/readme_in_sync.cmake)
    set_tests_properties(examples.readme_in_sync PROPERTIES LABELS examples TIMEOUT 60)
    add_test(NAME examples.readme
        COMMAND ${CMAKE_COMMAND} -DEXAMPLE=$<TARGET_FILE:readme> -P ${CMAKE_CURRENT_LIST_DIR}/scripts/readme_test.cmake)
    set_tests_properties(examples.readme PROPERTIES LABELS "examples;s3;postgres" TIMEOUT 120
        FIXTURES_REQUIRED "service.versitygw;service.postgres" PASS_REGULAR_EXPRESSION "hello, from postgres")
endif()
