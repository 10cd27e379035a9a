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
                -DDIRECTORY=${PROJECT_SOURCE_DIR}/tests/fuzz/corpus -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/${name}
                -P ${CMAKE_CURRENT_LIST_DIR}/scripts/upload_directory_test.cmake)
        set_tests_properties(examples.${name} PROPERTIES LABELS "examples;s3" TIMEOUT 300
            FIXTURES_REQUIRED service.versitygw)
    endforeach()
endif()
