# Runs the upload_directory example against the versitygw of scripts/services.sh, at the
# address and with the keys of the environment (CIRRUS_S3_*, as `scripts/services.sh env`
# prints them; its defaults otherwise), so that a checkout with moved ports tests its own
# server.
#   cmake -DEXAMPLE=<upload_directory> -DCASE=<case> -DWORK_DIR=<scratch dir>
#         [-DDIRECTORY=<tree to upload>] -P scripts/upload_directory_test.cmake
# CASE upload_directory: uploads DIRECTORY, lists it back, removes it and the bucket.
# CASE upload_directory_symlinks: a tree with a link to a file outside it and a link to a directory; the
# links are skipped, no key leaves the prefix, and --follow-symlinks uploads the file's
# link under its own name. A prefix with a ".." segment is refused.
foreach(var EXAMPLE CASE WORK_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "upload_directory_test.cmake: ${var} is not set")
    endif()
endforeach()

function(from_environment var fallback)
    if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "")
        set(${var} "$ENV{${var}}" PARENT_SCOPE)
    else()
        set(${var} "${fallback}" PARENT_SCOPE)
    endif()
endfunction()
from_environment(CIRRUS_S3_ENDPOINT http://127.0.0.1:7070)
from_environment(CIRRUS_S3_ACCESS_KEY cirrusadmin)
from_environment(CIRRUS_S3_SECRET_KEY cirrus-versity-secret-0123456789)
from_environment(CIRRUS_S3_REGION us-east-1)
set(ENV{AWS_ACCESS_KEY_ID} "${CIRRUS_S3_ACCESS_KEY}")
set(ENV{AWS_SECRET_ACCESS_KEY} "${CIRRUS_S3_SECRET_KEY}")
set(ENV{AWS_REGION} "${CIRRUS_S3_REGION}")
set(ENV{AWS_SESSION_TOKEN} "")

# upload(<output var> <exit code var> <directory> <bucket> <option>...): runs the example.
function(upload out_var rc_var directory bucket)
    execute_process(COMMAND ${EXAMPLE} ${directory} ${bucket} --endpoint ${CIRRUS_S3_ENDPOINT} ${ARGN}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    list(JOIN ARGN " " options)
    message(STATUS "upload_directory ${directory} ${bucket} ${options}: exit ${rc}\n${out}${err}")
    set(${out_var} "${out}${err}" PARENT_SCOPE)
    set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()

function(expect_text output text)
    string(FIND "${output}" "${text}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "expected \"${text}\" in the output above")
    endif()
endfunction()

if(CASE STREQUAL "upload_directory")
    upload(out rc ${DIRECTORY} cirrus-example-upload-directory
        --prefix run/ --parallel 4 --create-bucket --checksum --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory failed")
    endif()
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

    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/ --create-bucket --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory failed")
    endif()
    expect_text("${out}" "skipped symbolic link ${WORK_DIR}/tree/sub/link")
    expect_text("${out}" "skipped symbolic link ${WORK_DIR}/tree/dirlink")
    expect_text("${out}" "uploaded 2 of 2 files")
    expect_text("${out}" "the bucket holds 2 objects")
    if(out MATCHES "secret|\\.\\./")
        message(FATAL_ERROR "a key names the link's target")
    endif()

    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/ --create-bucket --list --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory --list failed")
    endif()
    expect_text("${out}" "backup/a.txt 2")
    expect_text("${out}" "backup/sub/b.txt 3")
    expect_text("${out}" "the bucket holds 2 objects")

    # The link to a file is uploaded under its own name; the directory is still not entered.
    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/ --create-bucket --follow-symlinks --list --cleanup)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "upload_directory --follow-symlinks failed")
    endif()
    expect_text("${out}" "skipped symbolic link ${WORK_DIR}/tree/dirlink")
    expect_text("${out}" "uploaded 3 of 3 files")
    expect_text("${out}" "backup/sub/link 21")
    if(out MATCHES "secret|\\.\\./")
        message(FATAL_ERROR "a key names the link's target")
    endif()

    upload(out rc ${WORK_DIR}/tree ${bucket} --prefix backup/../ --create-bucket --cleanup)
    if(NOT rc EQUAL 2)
        message(FATAL_ERROR "a prefix with a \"..\" segment must be refused (exit 2)")
    endif()
    expect_text("${out}" "must not have a \".\" or \"..\" segment")
    file(REMOVE_RECURSE ${WORK_DIR})
else()
    message(FATAL_ERROR "upload_directory_test.cmake: unknown CASE ${CASE}")
endif()
