#pragma once
// Settings of a DynamoDB client: those of every AWS service client (aws/options.hpp).
//
//   .region      empty: $AWS_REGION, $AWS_DEFAULT_REGION, the shared config profile's
//                region, then the provider's default
//   .endpoint    e.g. "http://127.0.0.1:8000" for DynamoDB Local; empty:
//                $AWS_ENDPOINT_URL_DYNAMODB, then $AWS_ENDPOINT_URL, then the provider's
//                regional endpoint (https://dynamodb.<region>.amazonaws.com)
//   .credentials by default the environment, then the shared files, cached
//   .http        the transport's settings; left at its default, http.max_error_body
//                becomes 4 MiB for DynamoDB, whose error bodies can carry old items
//                (ConditionalCheckFailed, canceled transactions)

#include <cirrus/aws/options.hpp>

namespace cirrus::dynamodb {

using client_options = aws::service_options;

} // namespace cirrus::dynamodb
