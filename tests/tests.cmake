# The test executables, one per area. Keep this list in step with meson.build.
cirrus_add_tests(cirrus_core_tests AREA core
    SOURCES unit/core_test.cpp)
