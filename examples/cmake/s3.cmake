# S3 examples.
cirrus_add_example(upload_directory upload_directory.cpp)

if(CIRRUS_BUILD_TESTS)
    # Both run the example against the versitygw of the environment (CIRRUS_S3_*) through
    # scripts/upload_directory_test.cmake. examples.upload_directory uploads the fuzz seed
    # corpora (a small tree of files), lists them back, then removes them and the bucket;
    # examples.upload_directory_symlinks checks that links are skipped and keys never leave
    # the prefix.
    cirrus_service_fixture(versitygw)
    foreach(name upload_directory upload_directory_symlinks)
        add_test(NAME examples.${name}
            COMMAND ${CMAKE_COMMAND} -DEXAMPLE=$<TARGET_FILE:upload_directory> -DCASE=${name}
                -DDIRECTORY=${PROJECT_SOURCE_DIR}/tests/fuzz/corpus -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/${name}.work
                -P ${CMAKE_CURRENT_LIST_DIR}/scripts/upload_directory_test.cmake)
        set_tests_properties(examples.${name} PROPERTIES LABELS "examples;s3" TIMEOUT 300
            FIXTURES_REQUIRED service.versitygw)
    endforeach()
endif()

# docs/s3.md's snippets: each ```cpp block of the page appears in examples/s3_tour.cpp
# (examples.s3_docs_in_sync, ignoring indentation), which compiles with the warnings of
# the project as errors and runs the tour against versitygw (examples.s3_tour).
cirrus_add_example(s3_tour s3_tour.cpp)

if(CIRRUS_BUILD_TESTS)
    add_test(NAME examples.s3_docs_in_sync
        COMMAND ${CMAKE_COMMAND} -DDOC=${PROJECT_SOURCE_DIR}/docs/s3.md
            -DEXAMPLE=${CMAKE_CURRENT_LIST_DIR}/../s3_tour.cpp -P ${CMAKE_CURRENT_LIST_DIR}/scripts/snippets_in_sync.cmake)
    set_tests_properties(examples.s3_docs_in_sync PROPERTIES LABELS "examples;s3" TIMEOUT 60)
    add_test(NAME examples.s3_tour
        COMMAND ${CMAKE_COMMAND} -DEXAMPLE=$<TARGET_FILE:s3_tour> -P ${CMAKE_CURRENT_LIST_DIR}/scripts/readme_test.cmake)
    set_tests_properties(examples.s3_tour PROPERTIES LABELS "examples;s3" TIMEOUT 300
        FIXTURES_REQUIRED service.versitygw PASS_REGULAR_EXPRESSION "tour done")
endif()
