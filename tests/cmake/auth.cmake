cirrus_add_tests(cirrus_auth_tests AREA auth
    SOURCES unit/auth_test.cpp)

# The credentials providers that talk to a service (EC2 instance metadata, the container
# endpoint), against tests/support/metadata_server.hpp on 127.0.0.1.
cirrus_add_tests(cirrus_auth_metadata_tests AREA auth
    SOURCES unit/auth_metadata_test.cpp
    PCH <boost/beast/core.hpp> <boost/beast/http.hpp>)
