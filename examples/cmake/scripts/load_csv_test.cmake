# Runs the load_csv example against the versitygw and PostgreSQL of scripts/services.sh (at
# the addresses of the environment, CIRRUS_S3_* and CIRRUS_PG_*, or the script's defaults):
# adult.data is staged in a bucket with the upload_directory example, then loaded into one
# table from the file and into another from the object; both hold 32,561 rows. A missing
# object fails its batch (exit 1) with S3's code, and the table keeps its rows.
#   cmake -DLOAD_CSV=<load_csv> -DUPLOAD=<upload_directory> -DADULT_DIR=<tests/data/adult> -DWORK_DIR=<dir>
#         -P scripts/load_csv_test.cmake
foreach(var LOAD_CSV UPLOAD ADULT_DIR WORK_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "load_csv_test.cmake: ${var} is not set")
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
from_environment(CIRRUS_PG_HOST 127.0.0.1)
from_environment(CIRRUS_PG_PORT 54329)
from_environment(CIRRUS_PG_USER cirrus)
from_environment(CIRRUS_PG_PASSWORD cirrus-scram-pw)
from_environment(CIRRUS_PG_DATABASE cirrus_test)
set(ENV{AWS_ACCESS_KEY_ID} "${CIRRUS_S3_ACCESS_KEY}")
set(ENV{AWS_SECRET_ACCESS_KEY} "${CIRRUS_S3_SECRET_KEY}")
set(ENV{AWS_REGION} "${CIRRUS_S3_REGION}")
set(ENV{AWS_SESSION_TOKEN} "")
string(RANDOM LENGTH 8 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 suffix)
set(bucket cirrus-example-load-csv-${suffix})
set(url "postgresql://${CIRRUS_PG_USER}:${CIRRUS_PG_PASSWORD}@${CIRRUS_PG_HOST}:${CIRRUS_PG_PORT}/${CIRRUS_PG_DATABASE}?sslmode=disable")
set(columns age,workclass,fnlwgt,education,education_num,marital_status,occupation,relationship,race,sex,capital_gain,capital_loss,hours_per_week,native_country,class)

function(run out_var rc_var)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "exit ${rc}\n${out}${err}")
    set(${out_var} "${out}${err}" PARENT_SCOPE)
    set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()
function(expect_text output text)
    string(FIND "${output}" "${text}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "expected \"${text}\" in the output above")
    endif()
endfunction()

# adult.data ends with a blank line, which COPY refuses as a row: a copy without it.
file(READ ${ADULT_DIR}/adult.data adult)
string(STRIP "${adult}" adult)
set(data_dir ${WORK_DIR}/adult)
file(REMOVE_RECURSE ${data_dir})
file(WRITE ${data_dir}/adult.data "${adult}\n")
run(out rc ${UPLOAD} ${data_dir} ${bucket} --prefix adult/ --endpoint ${CIRRUS_S3_ENDPOINT} --create-bucket)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "staging adult.data failed")
endif()

run(out rc ${LOAD_CSV} ${url} load_csv_file_${suffix} ${data_dir}/adult.data --columns ${columns} --create --replace)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "load_csv from the file failed")
endif()
expect_text("${out}" "loaded 32561 rows from ${data_dir}/adult.data")

run(out rc ${LOAD_CSV} ${url} load_csv_s3_${suffix} s3://${bucket}/adult/adult.data --columns ${columns} --create
    --replace --endpoint ${CIRRUS_S3_ENDPOINT})
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "load_csv from S3 failed")
endif()
expect_text("${out}" "loaded 32561 rows from s3://${bucket}/adult/adult.data")
expect_text("${out}" "the table holds 32561 rows")

# A missing object: its batch is rolled back and reported, the table keeps its rows.
run(out rc ${LOAD_CSV} ${url} load_csv_s3_${suffix} s3://${bucket}/adult/missing.csv --endpoint ${CIRRUS_S3_ENDPOINT})
if(NOT rc EQUAL 1)
    message(FATAL_ERROR "a missing object must fail its batch (exit 1)")
endif()
expect_text("${out}" "s3://${bucket}/adult/missing.csv: not loaded")
expect_text("${out}" "0 of 1 batches loaded, 0 rows; the table holds 32561 rows")

# Clean up: the tables, the object and the bucket.
foreach(table load_csv_file_${suffix} load_csv_s3_${suffix})
    run(out rc ${LOAD_CSV} ${url} ${table} ${data_dir}/adult.data --replace --drop)
    expect_text("${out}" "dropped ${table}")
endforeach()
run(out rc ${UPLOAD} ${data_dir} ${bucket} --prefix adult/ --endpoint ${CIRRUS_S3_ENDPOINT} --cleanup --remove-bucket)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the clean-up failed")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
