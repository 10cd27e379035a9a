#pragma once
// Settings of a DynamoDB client.

#include <cirrus/auth/provider.hpp>
#include <cirrus/http/options.hpp>

#include <optional>
#include <string>

namespace cirrus::dynamodb {

struct client_options {
    // Empty: $AWS_REGION, $AWS_DEFAULT_REGION, the shared config profile's region, then the
    // provider's default.
    std::string region = {};
    // Overrides the endpoint, e.g. "http://127.0.0.1:8000" for DynamoDB Local. Empty:
    // $AWS_ENDPOINT_URL_DYNAMODB, then $AWS_ENDPOINT_URL, then the provider's regional
    // endpoint (https://dynamodb.<region>.amazonaws.com).
    std::string endpoint = {};
    // Where credentials come from; by default the environment, then the shared files.
    std::optional<auth::any_credentials_provider> credentials = {};
    // The transport's settings. Left at its default, http.max_error_body becomes 4 MiB for
    // DynamoDB, whose error bodies can carry old items (ConditionalCheckFailed, canceled
    // transactions).
    http::client_options http = {};
};

} // namespace cirrus::dynamodb
