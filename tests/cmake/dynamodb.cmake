# DynamoDB client.
#   cirrus_dynamodb_unit_tests: the JSON writer and reader against canned bytes, the
#                               expression builder, request bodies, the typed mapping
cirrus_add_tests(cirrus_dynamodb_unit_tests AREA dynamodb
    SOURCES unit/dynamodb_test.cpp
    PCH <gtest/gtest.h> <simdjson.h>)
