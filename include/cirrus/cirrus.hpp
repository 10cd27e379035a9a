#pragma once
// Everything: the signer, the transport, the providers and every service client.
// Include the service headers alone to keep compile times down.

#include <cirrus/auth/provider.hpp>
#include <cirrus/auth/sigv4.hpp>
#include <cirrus/dynamodb/dynamodb.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/iam/iam.hpp>
#include <cirrus/apigateway/apigateway.hpp>
#include <cirrus/lambda/lambda.hpp>
#include <cirrus/postgres/postgres.hpp>
#include <cirrus/provider/all.hpp>
#include <cirrus/s3/s3.hpp>
#include <cirrus/sts/sts.hpp>
