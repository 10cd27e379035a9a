# S3 client.
#   cirrus_s3_unit_tests: XML parsers and builders against canned documents, bucket-name
#                         and key rules, request building, and the client against a
#                         scripted HTTP server in the test process (no real server)
cirrus_add_tests(cirrus_s3_unit_tests AREA s3
    SOURCES unit/s3_test.cpp unit/s3_scripted_test.cpp
    PCH <gtest/gtest.h> <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>)

#   cirrus_s3_tests: every operation against versitygw (provider custom, path style) and
#                    moto (provider aws with an endpoint override); curl for presigned URLs
#                    and POST forms; Toxiproxy for the per-request timeout and attempts. moto's signature checking stays off here; the lock keeps
#                    the executables that switch it on from running at the same time.
cirrus_add_tests(cirrus_s3_tests AREA s3
    SOURCES integration/s3_test.cpp
    PCH <boost/asio.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp> <simdjson.h> <gtest/gtest.h>
    FIXTURES versitygw moto toxiproxy
    LOCKS moto-auth)

# An s3::client templated on a provider that lacks a feature rejects the operations that
# need it at compile time, naming the feature's concept; with providers that have the
# features, the same calls compile (tests/compile_fail/s3_provider_features.cpp).
add_test(NAME s3.compile_fail.provider_features
    COMMAND ${CMAKE_COMMAND}
        -DCXX=${CMAKE_CXX_COMPILER}
        -DSOURCE=${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/s3_provider_features.cpp
        "-DINCLUDES=${PROJECT_SOURCE_DIR}/include"
        "-DCASES=versioning=supports_versioning\;tagging=supports_tagging\;lifecycle=supports_lifecycle\;presigned_post=supports_presigned_post\;execute=provider_allows"
        -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/check.cmake)
set_tests_properties(s3.compile_fail.provider_features PROPERTIES LABELS "s3;compile_fail" TIMEOUT 600)
