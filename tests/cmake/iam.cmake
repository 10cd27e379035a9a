# IAM and STS clients (awsQuery).
#   cirrus_iam_tests: every STS and IAM operation against moto, the policy-document builder
#                     (canned JSON, refusals, a round trip through moto), the response parsers and
#                     the form encoding on canned bytes
cirrus_add_tests(cirrus_iam_tests AREA iam
    SOURCES integration/sts_test.cpp integration/iam_test.cpp integration/iam_policy_test.cpp
            integration/iam_enforcement_test.cpp
    PCH <boost/asio.hpp> <gtest/gtest.h>
    FIXTURES moto
    LOCKS moto-auth)
