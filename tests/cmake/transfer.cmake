# Transfers (include/cirrus/transfer/).
#   cirrus_transfer_tests: part-size planning against S3's limits (pure functions so far;
#                          the upload/download operations will add versitygw and moto
#                          FIXTURES here).
cirrus_add_tests(cirrus_transfer_tests AREA transfer
    SOURCES unit/transfer_test.cpp
    PCH <gtest/gtest.h>)
