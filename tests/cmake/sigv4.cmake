cirrus_add_tests(cirrus_sigv4_tests AREA sigv4
    SOURCES unit/sigv4_suite_test.cpp unit/sigv4_test.cpp)
