# The test executables, one per area. Each area registers its executables in
# tests/cmake/<area>.cmake; keep meson.build in step with them.
file(GLOB cirrus_test_areas CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cmake/*.cmake)
list(SORT cirrus_test_areas)
foreach(area_file IN LISTS cirrus_test_areas)
    include(${area_file})
endforeach()
