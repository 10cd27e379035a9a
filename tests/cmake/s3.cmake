# S3 client.
#   cirrus_s3_unit_tests: XML parsers and builders against canned documents, bucket-name
#                         and key rules, request building (no server)
cirrus_add_tests(cirrus_s3_unit_tests AREA s3
    SOURCES unit/s3_test.cpp
    PCH <gtest/gtest.h> <boost/beast/http/fields.hpp>)

#   cirrus_s3_tests: every operation against versitygw (provider custom, path style) and
#                    moto (provider aws with an endpoint override); curl for presigned URLs
#                    and POST forms. moto's signature checking stays off here; the lock keeps
#                    the executables that switch it on from running at the same time.
cirrus_add_tests(cirrus_s3_tests AREA s3
    SOURCES integration/s3_test.cpp
    PCH <boost/asio.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp> <simdjson.h> <gtest/gtest.h>
    FIXTURES versitygw moto
    LOCKS moto-auth)
