# Compile-fail checks, run by CTest with cmake -P:
#   -DCXX=<compiler> -DSOURCE=<file.cpp> -DINCLUDES=<dir;dir> -DCASES=<name=expected;...>
# The source must compile with -DCIRRUS_EXPECT_OK (every call, with providers that have the
# features). Then, for each case, it must fail with -DCIRRUS_CASE_<name> and the expected
# text (a concept's name) in the diagnostics, so that an unrelated error cannot pass for
# the expected one.
foreach(var CXX SOURCE INCLUDES CASES)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check.cmake: ${var} is not set")
    endif()
endforeach()
set(flags -std=c++20 -fsyntax-only)
foreach(dir IN LISTS INCLUDES)
    list(APPEND flags -I${dir})
endforeach()

execute_process(COMMAND ${CXX} ${flags} -DCIRRUS_EXPECT_OK ${SOURCE}
    RESULT_VARIABLE ok_rc OUTPUT_VARIABLE ok_out ERROR_VARIABLE ok_err)
if(NOT ok_rc EQUAL 0)
    message(FATAL_ERROR "the control build (-DCIRRUS_EXPECT_OK) failed:\n${ok_out}${ok_err}")
endif()

set(failures "")
foreach(case IN LISTS CASES)
    string(REPLACE "=" ";" parts "${case}")
    list(GET parts 0 name)
    list(GET parts 1 expect)
    execute_process(COMMAND ${CXX} ${flags} -DCIRRUS_CASE_${name} ${SOURCE}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
        string(APPEND failures "case ${name}: compiled, but it must not\n")
        continue()
    endif()
    string(FIND "${out}${err}" "${expect}" at)
    if(at EQUAL -1)
        string(APPEND failures "case ${name}: failed without mentioning '${expect}':\n${out}${err}\n")
        continue()
    endif()
    message(STATUS "case ${name}: rejected at compile time, naming '${expect}'")
endforeach()
if(failures)
    message(FATAL_ERROR "${failures}")
endif()
