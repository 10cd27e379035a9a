# Runs examples/readme.cpp against the local services: the S3 endpoint and keys as the AWS
# SDKs read them, PostgreSQL through DATABASE_URL, all from the CIRRUS_* variables of
# scripts/services.sh (read when the test runs, with the scripts' defaults).
macro(env_or var default)
    if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "")
        set(${var} "$ENV{${var}}")
    else()
        set(${var} "${default}")
    endif()
endmacro()
env_or(CIRRUS_S3_ENDPOINT "http://127.0.0.1:7070")
env_or(CIRRUS_S3_ACCESS_KEY "cirrusadmin")
env_or(CIRRUS_S3_SECRET_KEY "cirrus-versity-secret-0123456789")
env_or(CIRRUS_S3_REGION "us-east-1")
env_or(CIRRUS_PG_HOST "127.0.0.1")
env_or(CIRRUS_PG_PORT "54329")
env_or(CIRRUS_PG_DATABASE "cirrus_test")
env_or(CIRRUS_PG_USER "cirrus")
env_or(CIRRUS_PG_PASSWORD "cirrus-scram-pw")
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env
        AWS_ENDPOINT_URL_S3=${CIRRUS_S3_ENDPOINT} AWS_ACCESS_KEY_ID=${CIRRUS_S3_ACCESS_KEY}
        AWS_SECRET_ACCESS_KEY=${CIRRUS_S3_SECRET_KEY} AWS_REGION=${CIRRUS_S3_REGION}
        --unset=AWS_SESSION_TOKEN --unset=AWS_PROFILE
        "DATABASE_URL=postgresql://${CIRRUS_PG_USER}:${CIRRUS_PG_PASSWORD}@${CIRRUS_PG_HOST}:${CIRRUS_PG_PORT}/${CIRRUS_PG_DATABASE}?sslmode=disable"
        ${EXAMPLE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "examples/readme exited with ${rc}")
endif()
