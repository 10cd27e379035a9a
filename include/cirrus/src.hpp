#pragma once
// The non-template definitions of cirrus, for a program built with
// CIRRUS_SEPARATE_COMPILATION: include this header in exactly one of the program's source
// files (and define CIRRUS_SEPARATE_COMPILATION for every file, this one included).
//
//   // cirrus.cpp
//   #include <cirrus/src.hpp>
//
// Every other translation unit then compiles declarations only (see core/config.hpp).

#include <cirrus/core/config.hpp>

#if CIRRUS_HEADER_ONLY
#error "<cirrus/src.hpp> is for CIRRUS_SEPARATE_COMPILATION builds: define it for every source file"
#endif

#include <cirrus/apigateway/impl/deploy.ipp>
#include <cirrus/apigateway/impl/operations.ipp>
#include <cirrus/auth/impl/container_provider.ipp>
#include <cirrus/auth/impl/imds_provider.ipp>
#include <cirrus/auth/impl/sigv4a.ipp>
#include <cirrus/aws/impl/service.ipp>
#include <cirrus/core/impl/async_op.ipp>
#include <cirrus/dynamodb/impl/json_reader.ipp>
#include <cirrus/dynamodb/impl/operations.ipp>
#include <cirrus/dynamodb/impl/serialize.ipp>
#include <cirrus/http/impl/transport.ipp>
#include <cirrus/iam/impl/operations.ipp>
#include <cirrus/lambda/impl/operations.ipp>
#include <cirrus/iam/impl/policy.ipp>
#include <cirrus/postgres/impl/codec.ipp>
#include <cirrus/postgres/impl/connect_params.ipp>
#include <cirrus/postgres/impl/connect.ipp>
#include <cirrus/postgres/impl/connection_impl.ipp>
#include <cirrus/postgres/impl/execution.ipp>
#include <cirrus/postgres/impl/copy.ipp>
#include <cirrus/postgres/impl/listener.ipp>
#include <cirrus/postgres/impl/pipeline.ipp>
#include <cirrus/postgres/impl/pool.ipp>
#include <cirrus/postgres/impl/rds_auth.ipp>
#include <cirrus/postgres/impl/session.ipp>
#include <cirrus/postgres/impl/typed_row.ipp>
#include <cirrus/s3/impl/operations.ipp>
#include <cirrus/sts/impl/credentials_providers.ipp>
#include <cirrus/sts/impl/operations.ipp>
