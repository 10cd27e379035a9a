cirrus_add_tests(cirrus_auth_tests AREA auth
    SOURCES unit/auth_test.cpp)
