# Transfers (include/cirrus/transfer/).
#   cirrus_transfer_tests: part-size planning against S3's limits, the composite and
#                          full-object checksums computed from the parts' (pure functions);
#                          CSV records and typed rows from canned bytes.
cirrus_add_tests(cirrus_transfer_tests AREA transfer
    SOURCES unit/transfer_test.cpp unit/transfer_csv_test.cpp
    PCH <gtest/gtest.h>)

#   cirrus_transfer_s3_tests: upload_file against versitygw (round trips at part boundaries,
#                             resume from an upload id, nothing left behind on failure,
#                             full-object CRC64NVME checksums),
#                             downloads, directories, uploads and downloads cut by
#                             Toxiproxy; copy_from_object into PostgreSQL.
cirrus_add_tests(cirrus_transfer_s3_tests AREA transfer
    SOURCES integration/transfer_test.cpp integration/transfer_postgres_test.cpp
    PCH <boost/asio.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp> <gtest/gtest.h>
    FIXTURES versitygw postgres toxiproxy
    DATA adult)
