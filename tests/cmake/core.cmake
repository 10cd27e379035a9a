cirrus_add_tests(cirrus_core_tests AREA core
    SOURCES unit/core_test.cpp)
