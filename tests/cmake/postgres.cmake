# PostgreSQL client.
#   cirrus_postgres_unit_tests: framing, message parsers, SCRAM, the authentication rules,
#                               codecs, typed rows and the connection-string parser, plus
#                               the client against scripted servers on loopback
#                               (support/pg_script_server.hpp); no real server
cirrus_add_tests(cirrus_postgres_unit_tests AREA postgres
    SOURCES unit/postgres_protocol_test.cpp unit/postgres_codec_test.cpp
            unit/postgres_conninfo_test.cpp unit/postgres_scripted_test.cpp
            unit/postgres_rds_auth_test.cpp unit/postgres_copy_rows_test.cpp
    PCH <gtest/gtest.h> <boost/describe.hpp> <boost/pfr.hpp> <boost/asio.hpp> <boost/asio/ssl.hpp>)

#   cirrus_postgres_tests: against the PostgreSQL 15 of scripts/services.sh (the tests that
#                          restart a server start a private one: support/pg_scratch.hpp)
cirrus_add_tests(cirrus_postgres_tests AREA postgres
    SOURCES integration/postgres_test.cpp integration/postgres_query_test.cpp integration/postgres_async_test.cpp
            integration/postgres_pipeline_test.cpp integration/postgres_copy_test.cpp
            integration/postgres_pool_test.cpp integration/postgres_stream_test.cpp support/slow_lookup.cpp
    PCH <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/asio/experimental/awaitable_operators.hpp>
        <gtest/gtest.h>
    FIXTURES postgres
    DATA adult)
# The fuzz target tests/fuzz/postgres_message_fuzz.cpp runs as "postgres.fuzz.message" over
# tests/fuzz/corpus/postgres_message/ (registered by tests/CMakeLists.txt for every
# *_fuzz.cpp).
