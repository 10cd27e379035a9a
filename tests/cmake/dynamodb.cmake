# DynamoDB client.
#   cirrus_dynamodb_unit_tests: the JSON writer and reader against canned bytes, the
#                               expression builder, request bodies, the typed mapping; the
#                               retries of unprocessed items and throttling against a
#                               scripted server (DynamoDB Local never sends either)
cirrus_add_tests(cirrus_dynamodb_unit_tests AREA dynamodb
    SOURCES unit/dynamodb_test.cpp unit/dynamodb_scripted_test.cpp
    PCH <gtest/gtest.h> <simdjson.h> <boost/beast/http.hpp>)

#   cirrus_dynamodb_tests: every operation against DynamoDB Local, and the async shape
cirrus_add_tests(cirrus_dynamodb_tests AREA dynamodb
    SOURCES integration/dynamodb_test.cpp
    PCH <boost/asio.hpp> <gtest/gtest.h>
    FIXTURES dynamodb)

# A struct with a field (or an element) that has no attribute form does not map, and the
# compiler says so at the field, naming dynamodb::mappable
# (tests/compile_fail/dynamodb_unmappable.cpp).
add_test(NAME dynamodb.compile_fail.unmappable_field
    COMMAND ${CMAKE_COMMAND}
        -DCXX=${CMAKE_CXX_COMPILER}
        -DSOURCE=${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/dynamodb_unmappable.cpp
        "-DINCLUDES=${PROJECT_SOURCE_DIR}/include"
        "-DCASES=field=dynamodb::mappable\;element=dynamodb::mappable"
        -P ${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/check.cmake)
set_tests_properties(dynamodb.compile_fail.unmappable_field PROPERTIES LABELS "dynamodb;compile_fail" TIMEOUT 600)

# moto's DynamoDB as a second backend: the integration tests whose operations moto
# supports, with CIRRUS_DYNAMODB_ENDPOINT pointed at moto. Left out: PartiQL, the exotic
# values round trip and the waiter/missing-table test, where moto's behaviour differs.
cirrus_add_backend_tests(dynamodb.moto TARGET cirrus_dynamodb_tests AREA dynamodb SERVICE moto
    SET CIRRUS_DYNAMODB_ENDPOINT FROM CIRRUS_MOTO_ENDPOINT DEFAULT http://127.0.0.1:5055
    EXCLUDE DynamoDB.PartiQLStatementsWithParameters DynamoDB.ValuesSurviveTheRoundTrip
        DynamoDB.WaiterTimesOutAndMissingTablesAreTyped)
