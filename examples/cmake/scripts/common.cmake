# Helpers of the example test scripts (include()d by them).

# from_environment(<var> <fallback>): <var> from the environment, or the fallback.
function(from_environment var fallback)
    if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "")
        set(${var} "$ENV{${var}}" PARENT_SCOPE)
    else()
        set(${var} "${fallback}" PARENT_SCOPE)
    endif()
endfunction()

# The versitygw of scripts/services.sh as the AWS_* variables the examples read.
function(use_versitygw_credentials)
    from_environment(CIRRUS_S3_ENDPOINT http://127.0.0.1:7070)
    from_environment(CIRRUS_S3_ACCESS_KEY cirrusadmin)
    from_environment(CIRRUS_S3_SECRET_KEY cirrus-versity-secret-0123456789)
    from_environment(CIRRUS_S3_REGION us-east-1)
    set(CIRRUS_S3_ENDPOINT "${CIRRUS_S3_ENDPOINT}" PARENT_SCOPE)
    set(ENV{AWS_ACCESS_KEY_ID} "${CIRRUS_S3_ACCESS_KEY}")
    set(ENV{AWS_SECRET_ACCESS_KEY} "${CIRRUS_S3_SECRET_KEY}")
    set(ENV{AWS_REGION} "${CIRRUS_S3_REGION}")
    set(ENV{AWS_SESSION_TOKEN} "")
endfunction()

# expect_text(<output> <text>): fails unless <text> is in <output>.
function(expect_text output text)
    string(FIND "${output}" "${text}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "expected \"${text}\" in the output above")
    endif()
endfunction()
