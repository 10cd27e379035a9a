# Lambda: a function written in C++ on cirrus::lambda::runtime, run under cargo-lambda's
# Runtime API emulator of scripts/services.sh and invoked through the emulator's Invoke
# route (two answers and the function's own error).
cirrus_add_example(lambda_function lambda_function.cpp)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(lambda-emulator)
    add_test(NAME examples.lambda_function
        COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scripts/lambda_function_test.sh $<TARGET_FILE:lambda_function>)
    set_tests_properties(examples.lambda_function PROPERTIES LABELS "examples;lambda" TIMEOUT 120
        FIXTURES_REQUIRED service.lambda-emulator
        PASS_REGULAR_EXPRESSION "\"greeting\":\"hello ada\".* status=200.*\"errorType\":\"MissingName\".* status=500.*\"greeting\":\"hello bob\".* status=200.*function exit=0")
endif()
