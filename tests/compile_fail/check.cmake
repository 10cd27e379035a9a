# Compile-fail check, run by CTest with cmake -P:
#   -DCXX=<compiler> -DSOURCE=<file.cpp> -DINCLUDES=<dir;dir> -DEXPECT=<text in the error>
# The source must compile with -DCIRRUS_EXPECT_OK, and fail without it with EXPECT in the
# diagnostics (so that an unrelated error cannot pass for the expected one).
foreach(var CXX SOURCE INCLUDES EXPECT)
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

execute_process(COMMAND ${CXX} ${flags} ${SOURCE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(FIND "${out}${err}" "${EXPECT}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "the compile failed without mentioning '${EXPECT}':\n${out}${err}")
endif()
message(STATUS "rejected at compile time, naming '${EXPECT}'")
