# Runs the upload_directory example against the versitygw of scripts/services.sh, at the
# address and with the keys of the environment (CIRRUS_S3_*, as `scripts/services.sh env`
# prints them; its defaults otherwise), so that a checkout with moved ports tests its own
# server.
#   cmake -DEXAMPLE=<upload_directory> -DCASE=<case> -DWORK_DIR=<scratch dir>
#         [-DDIRECTORY=<tree to upload>] -P scripts/upload_directory_test.cmake
# CASE upload_directory: uploads a copy of DIRECTORY, downloads it into another folder and
# compares; a second run sends nothing; --delete removes the object of a removed file.
# CASE upload_directory_symlinks: a tree with a link to a file outside it and a link to a
# directory; the links are skipped, no key leaves the prefix, and --follow-symlinks uploads
# them under their own names. A prefix with a ".." segment is refused.
foreach(var EXAMPLE CASE WORK_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "upload_directory_test.cmake: ${var} is not set")
    endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
use_versitygw_credentials()

# upload(<output var> <exit code var> <directory> <bucket> <option>...): runs the example.
function(upload out_var rc_var directory bucket)
    execute_process(COMMAND ${EXAMPLE} ${directory} ${bucket} --endpoint ${CIRRUS_S3_ENDPOINT} ${ARGN}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    list(JOIN ARGN " " options)
    message(STATUS "upload_directory ${directory} ${bucket} ${options}: exit ${rc}\n${out}${err}")
    set(${out_var} "${out}${err}" PARENT_SCOPE)
    set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()


# same_tree(<a> <b>): every file of <a> is in <b> with the same bytes, and no more files.
function(same_tree a b)
    file(GLOB_RECURSE files_a RELATIVE ${a} ${a}/*)
    file(GLOB_RECURSE files_b RELATIVE ${b} ${b}/*)
    list(SORT files_a)
    list(SORT files_b)
    if(NOT files_a STREQUAL files_b)
        message(FATAL_ERROR "the trees differ:\n${a}: ${files_a}\n${b}: ${files_b}")
    endif()
    foreach(f IN LISTS files_a)
        file(SHA256 ${a}/${f} ha)
        file(SHA256 ${b}/${f} hb)
        if(NOT ha STREQUAL hb)
            message(FATAL_ERROR "${f} differs after the round trip")
        endif()
    endforeach()
    list(LENGTH files_a n)
    message(STATUS "${n} files equal in ${a} and ${b}")
endfunction()

if(CASE STREQUAL "upload_directory")
    # Upload, download into another folder and compare; a second run sends nothing; a
    # file removed locally is deleted from the bucket by --delete.
    file(REMOVE_RECURSE ${WORK_DIR})
    file(COPY ${DIRECTORY}/ DESTINATION ${WORK_DIR}/tree)
    set(bucket cirrus-example-upload-directory)
    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix run/ --parallel 4 --create-bucket --progress
        --download ${WORK_DIR}/back)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory failed")
    endif()
    expect_text("${out}" "skipped 0, deleted 0, failed 0")
    expect_text("${out}" "100%")
    same_tree(${WORK_DIR}/tree ${WORK_DIR}/back)

    file(GLOB_RECURSE all RELATIVE ${WORK_DIR}/tree ${WORK_DIR}/tree/*)
    list(LENGTH all count)
    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix run/ --parallel 4)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory (second run) failed")
    endif()
    expect_text("${out}" "uploaded 0 files, 0 B")
    expect_text("${out}" "skipped ${count}, deleted 0, failed 0")

    list(GET all 0 gone)
    file(REMOVE ${WORK_DIR}/tree/${gone})
    math(EXPR left "${count} - 1")
    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix run/ --parallel 4 --delete --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory --delete failed")
    endif()
    expect_text("${out}" "skipped ${left}, deleted 1, failed 0")
    expect_text("${out}" "the bucket holds ${left} objects")
    file(REMOVE_RECURSE ${WORK_DIR})
elseif(CASE STREQUAL "upload_directory_symlinks")
    # tree/a.txt, tree/sub/b.txt, tree/sub/link -> ../../outside/secret.txt,
    # tree/dirlink -> ../outside
    file(REMOVE_RECURSE ${WORK_DIR})
    file(WRITE ${WORK_DIR}/tree/a.txt "a\n")
    file(WRITE ${WORK_DIR}/tree/sub/b.txt "bb\n")
    file(WRITE ${WORK_DIR}/outside/secret.txt "not part of the tree\n")
    file(CREATE_LINK ../../outside/secret.txt ${WORK_DIR}/tree/sub/link SYMBOLIC)
    file(CREATE_LINK ../outside ${WORK_DIR}/tree/dirlink SYMBOLIC)
    set(bucket cirrus-example-upload-symlinks)

    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/ --create-bucket --list --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory failed")
    endif()
    expect_text("${out}" "skipped symbolic link sub/link")
    expect_text("${out}" "skipped symbolic link dirlink")
    expect_text("${out}" "uploaded 2 files")
    expect_text("${out}" "backup/a.txt 2")
    expect_text("${out}" "backup/sub/b.txt 3")
    expect_text("${out}" "the bucket holds 2 objects")
    if(out MATCHES "secret|\\.\\./")
        message(FATAL_ERROR "a key names the link's target")
    endif()

    # With --follow-symlinks, links are uploaded under their own names (the linked folder
    # under the link's name too); no key leaves the prefix.
    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/ --create-bucket --follow-symlinks --list --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory --follow-symlinks failed")
    endif()
    expect_text("${out}" "uploaded 4 files")
    expect_text("${out}" "backup/sub/link 21")
    expect_text("${out}" "backup/dirlink/secret.txt 21")
    if(out MATCHES "\\.\\./")
        message(FATAL_ERROR "a key leaves the prefix")
    endif()

    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/../ --create-bucket --cleanup)
    if(NOT rc EQUAL 2)
        message(FATAL_ERROR "a prefix with a \"..\" segment must be refused (exit 2)")
    endif()
    expect_text("${out}" "has a \".\" or \"..\" segment")
    file(REMOVE_RECURSE ${WORK_DIR})
else()
    message(FATAL_ERROR "upload_directory_test.cmake: unknown CASE ${CASE}")
endif()
