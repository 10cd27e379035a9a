# IAM: a user with an access key, a policy written from statements, a group, a role for
# Lambda, policies attached; a role the user assumes through sts::assume_role_provider; then
# everything deleted with cleanup. Runs against moto.
cirrus_add_example(iam_setup iam_setup.cpp)
target_precompile_headers(iam_setup PRIVATE <boost/asio.hpp>)

if(CIRRUS_BUILD_TESTS)
    cirrus_service_fixture(moto)
    add_test(NAME examples.iam_setup
        COMMAND sh -c "AWS_ENDPOINT_URL_IAM=\"\${CIRRUS_MOTO_ENDPOINT:-http://127.0.0.1:5055}\" AWS_ENDPOINT_URL_STS=\"\${CIRRUS_MOTO_ENDPOINT:-http://127.0.0.1:5055}\" AWS_ACCESS_KEY_ID=cirrus AWS_SECRET_ACCESS_KEY=cirrus exec \"$0\" --prefix iam-example-$$"
            $<TARGET_FILE:iam_setup>)
    set_tests_properties(examples.iam_setup PROPERTIES LABELS "examples;iam" TIMEOUT 120
        FIXTURES_REQUIRED service.moto RESOURCE_LOCK moto-auth
        PASS_REGULAR_EXPRESSION "user iam-example-[0-9]+-app.*access key [A-Z0-9]+, status Active.*policy iam-example-[0-9]+-data.*group iam-example-[0-9]+-readers: 1 member.*role iam-example-[0-9]+-lambda: 2 attached policies.*the user's key assumes iam-example-[0-9]+-deployer: arn:aws:sts::[0-9]+:assumed-role/iam-example-[0-9]+-deployer/iam-setup.*cleaned up")
endif()
