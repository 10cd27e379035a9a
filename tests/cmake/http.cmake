# HTTP transport, XML/JSON readers and providers.
#   cirrus_http_tests: pure logic, plus the transport against servers the tests run
#                      in-process on 127.0.0.1 (scripted fault server, TLS server)
cirrus_add_tests(cirrus_http_tests AREA http
    SOURCES unit/http_test.cpp unit/http_transport_test.cpp unit/http_async_test.cpp support/slow_lookup.cpp
    PCH <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>
        <simdjson.h> <gtest/gtest.h>)

# The fuzz targets tests/fuzz/http_response_fuzz.cpp and http_stream_fuzz.cpp run as
# "http.fuzz.response" and "http.fuzz.stream" over their corpora in tests/fuzz/corpus/
# (registered by tests/CMakeLists.txt for every *_fuzz.cpp; docs/fuzzing.md).

#   cirrus_http_integration_tests: against versitygw, moto and Toxiproxy (scripts/services.sh).
#   Its MotoAuth tests switch moto's signature checking on, hence the moto-auth lock.
cirrus_add_tests(cirrus_http_integration_tests AREA http
    SOURCES integration/http_services_test.cpp
    PCH <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>
        <simdjson.h> <gtest/gtest.h>
    FIXTURES versitygw moto toxiproxy
    LOCKS moto-auth)
