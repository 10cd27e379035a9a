cirrus_add_tests(cirrus_sigv4_tests AREA sigv4
    SOURCES unit/sigv4_suite_test.cpp unit/sigv4_test.cpp)

# The signer against versitygw, moto and DynamoDB Local.
cirrus_add_tests(cirrus_sigv4_live_tests AREA sigv4
    SOURCES integration/sigv4_live_test.cpp
    PCH <boost/beast/core.hpp> <boost/beast/http.hpp>
    FIXTURES versitygw moto dynamodb
    LOCKS moto-auth)
