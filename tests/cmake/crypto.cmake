cirrus_add_tests(cirrus_crypto_tests AREA crypto
    SOURCES unit/crypto_test.cpp)

# Its own executable: it replaces OpenSSL's allocator at static-initialization time,
# before anything else in the process allocates through OpenSSL.
cirrus_add_tests(cirrus_crypto_alloc_tests AREA crypto
    SOURCES unit/crypto_alloc_test.cpp)
