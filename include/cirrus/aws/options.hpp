#pragma once
// Options shared by the clients of AWS services other than S3 (DynamoDB, IAM, STS,
// Lambda): where the service is, the region, the credentials and the HTTP settings.

#include <cirrus/auth/provider.hpp>
#include <cirrus/http/options.hpp>

#include <optional>
#include <string>

namespace cirrus::aws {

struct service_options {
    // Empty: $AWS_REGION, $AWS_DEFAULT_REGION, the shared config profile's region, then
    // the provider's default (provider::config).
    std::string region = {};
    // Overrides the endpoint, e.g. "http://127.0.0.1:5000". Empty: $AWS_ENDPOINT_URL_<SERVICE>
    // (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_STS ...), then $AWS_ENDPOINT_URL, then the
    // provider's own.
    std::string endpoint = {};
    // Where credentials come from; by default the environment, then the shared files,
    // cached (auth::caching_provider).
    std::optional<auth::any_credentials_provider> credentials = {};
    http::client_options http = {};
};

} // namespace cirrus::aws
