# Installs cirrus into a scratch prefix, then configures, builds and runs the consumer
# project in tests/package against it. Run with -DSOURCE_DIR -DWORK_DIR -DGENERATOR.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
    endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cirrus -G ${GENERATOR}
    -DCMAKE_INSTALL_PREFIX=${prefix} -DCIRRUS_BUILD_TESTS=OFF -DCIRRUS_BUILD_EXAMPLES=OFF)
run(${CMAKE_COMMAND} --install ${WORK_DIR}/cirrus)
if(NOT EXISTS ${prefix}/include/cirrus/auth/sigv4.hpp)
    message(FATAL_ERROR "headers were not installed")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer)
message(STATUS "find_package(cirrus) consumer built and ran")
