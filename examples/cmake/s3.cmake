# S3 examples.
cirrus_add_example(upload_directory upload_directory.cpp)

if(CIRRUS_BUILD_TESTS)
    # Uploads the fuzz seed corpora (a small tree of files) to versitygw, lists them back,
    # then removes them and the bucket.
    cirrus_service_fixture(versitygw)
    add_test(NAME examples.upload_directory
        COMMAND upload_directory ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus cirrus-example-upload-directory
                --prefix run/ --parallel 4 --endpoint http://127.0.0.1:7070 --create-bucket --checksum --cleanup)
    set_tests_properties(examples.upload_directory PROPERTIES LABELS "examples;s3" TIMEOUT 300
        FIXTURES_REQUIRED service.versitygw
        ENVIRONMENT "AWS_ACCESS_KEY_ID=cirrusadmin;AWS_SECRET_ACCESS_KEY=cirrus-versity-secret-0123456789;AWS_REGION=us-east-1;AWS_SESSION_TOKEN=")
endif()
