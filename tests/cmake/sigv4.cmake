# The AWS SigV4 test suite and the S3 documentation examples are read at run time.
cirrus_add_tests(cirrus_sigv4_tests AREA sigv4
    SOURCES unit/sigv4_suite_test.cpp unit/sigv4_test.cpp
    DATA sigv4/v4 sigv4/s3-examples.json)

# The signer against versitygw, moto and DynamoDB Local.
cirrus_add_tests(cirrus_sigv4_live_tests AREA sigv4
    SOURCES integration/sigv4_live_test.cpp
    PCH <boost/beast/core.hpp> <boost/beast/http.hpp>
    FIXTURES versitygw moto dynamodb
    LOCKS moto-auth)

# SigV4a: the suite's v4a cases, the key derivation and the signer's own checks.
cirrus_add_tests(cirrus_sigv4a_tests AREA sigv4a
    SOURCES unit/sigv4a_suite_test.cpp unit/sigv4a_test.cpp
    DATA sigv4/v4a)
