# Lambda: a function written in C++ on cirrus::lambda::runtime, run under cargo-lambda's
# Runtime API emulator of scripts/services.sh and invoked through the emulator's Invoke
# route (two answers and the function's own error).
cirrus_add_example(lambda_function lambda_function.cpp)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(lambda-emulator)
    add_test(NAME examples.lambda_function
        COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scripts/lambda_function_test.sh $<TARGET_FILE:lambda_function>)
    set_tests_properties(examples.lambda_function PROPERTIES LABELS "examples;lambda" TIMEOUT 120
        FIXTURES_REQUIRED service.lambda-emulator RESOURCE_LOCK lambda-emulator
        PASS_REGULAR_EXPRESSION "\"greeting\":\"hello ada\".* status=200.*\"errorType\":\"MissingName\".* status=500.*\"greeting\":\"hello bob\".* status=200.*function exit=0")
endif()

# Lambda deploy: an IAM role, a function zipped from examples/lambda_deploy_app, created
# with runtime, memory, timeout and environment, waited for, invoked, put behind an API
# Gateway REST API with a usage plan and key, and deleted. Runs against moto (Lambda
# without containers: Invoke echoes the event).
cirrus_add_example(lambda_deploy lambda_deploy.cpp)
target_precompile_headers(lambda_deploy PRIVATE <boost/asio.hpp>)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(moto)
    add_test(NAME examples.lambda_deploy
        COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scripts/lambda_deploy_test.sh $<TARGET_FILE:lambda_deploy>
            ${CMAKE_CURRENT_LIST_DIR}/../lambda_deploy_app)
    set_tests_properties(examples.lambda_deploy PROPERTIES LABELS "examples;lambda" TIMEOUT 120
        FIXTURES_REQUIRED service.moto RESOURCE_LOCK moto-auth
        PASS_REGULAR_EXPRESSION "role arn:aws:iam::123456789012:role/deploy-example-[0-9]+-role.*package [0-9]+ bytes.*function arn:aws:lambda:us-east-1:123456789012:function:deploy-example-[0-9]+-fn: python3.12, app.handler, 256 MiB, 10 s, state Active.*status=200 {\"name\": ?\"ada\"}.*api [a-z0-9]+: ANY https://[a-z0-9]+.execute-api.us-east-1.amazonaws.com/prod/deploy-example-[0-9]+-fn.*cleaned up")
endif()
