# Lambda client.
#   cirrus_lambda_tests: every operation against moto (functions, waiters, versions,
#                        aliases, layers, permissions, function URLs, typed errors, Invoke
#                        in moto's no-container mode), Invoke of a real function process
#                        under cargo-lambda's Runtime API emulator, typed JSON payloads
#                        (moto; a typed C++ function on the runtime under the emulator),
#                        a directory zipped straight into a multipart upload (versitygw),
#                        and the API Gateway client with the one-call deploy of a function
#                        against moto
cirrus_add_tests(cirrus_lambda_tests AREA lambda
    SOURCES integration/lambda_test.cpp integration/apigateway_test.cpp
    PCH <boost/asio.hpp> <gtest/gtest.h>
    FIXTURES moto lambda-emulator versitygw
    LOCKS moto-auth lambda-emulator)

#   cirrus_zip_tests: the zip writer's archives read back by unzip and Python's zipfile
cirrus_add_tests(cirrus_zip_tests AREA lambda
    SOURCES unit/zip_test.cpp)
