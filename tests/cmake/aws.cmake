# The shared core of the clients of AWS services other than S3 (aws/detail/service.hpp).
#   cirrus_aws_tests: endpoint resolution, signing and the query (XML) and JSON error
#                     envelopes against moto
cirrus_add_tests(cirrus_aws_tests AREA aws
    SOURCES integration/aws_service_test.cpp
    PCH <boost/asio.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp> <gtest/gtest.h>
    FIXTURES moto)
