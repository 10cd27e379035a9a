#pragma once
// Requests of the API Gateway (REST API, v1) operations: views (std::string_view,
// list_view, pairs_view, numbers), copied by the client when the operation starts, so
// braced temporaries inside co_await are safe (docs/architecture.md).

#include <cirrus/core/views.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace cirrus::apigateway {

using string_list = cirrus::list_view<std::string_view>;

// ------------------------------------------------------------------ REST APIs

struct create_rest_api_request {
    std::string_view name;
    std::string_view description = {};
    std::string_view endpoint_type = {};  // "REGIONAL", "EDGE" (the service's default), "PRIVATE"
    std::string_view api_key_source = {}; // "HEADER" (default) or "AUTHORIZER"
    string_list binary_media_types = {};
    cirrus::pairs_view tags = {};
};
struct get_rest_api_request {
    std::string_view rest_api_id;
};
struct delete_rest_api_request {
    std::string_view rest_api_id;
};

// ------------------------------------------------------------------ resources, methods

// One page of an API's resources (get_resources_pages() walks them all).
struct get_resources_request {
    std::string_view rest_api_id;
    std::string_view position = {};
    int limit = 0;              // 0: the service's default (25)
    bool embed_methods = false; // each resource with its methods (embed=methods)
};
struct create_resource_request {
    std::string_view rest_api_id;
    std::string_view parent_id; // the root resource's id for a top-level path
    std::string_view path_part; // "hello", "{id}", "{proxy+}"
};
struct delete_resource_request {
    std::string_view rest_api_id;
    std::string_view resource_id;
};

struct put_method_request {
    std::string_view rest_api_id;
    std::string_view resource_id;
    std::string_view http_method;                 // "GET", "POST", ... or "ANY"
    std::string_view authorization_type = "NONE"; // "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"
    bool api_key_required = false;
    std::string_view authorizer_id = {};
    std::string_view operation_name = {};
};
struct get_method_request {
    std::string_view rest_api_id;
    std::string_view resource_id;
    std::string_view http_method;
};

// The integration URI that calls a Lambda function (Invoke) from API Gateway in `region`:
// arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations,
// the partition taken from the function's ARN.
inline std::string lambda_integration_uri(std::string_view region, std::string_view function_arn) {
    std::string_view partition = "aws";
    if (function_arn.starts_with("arn:")) {
        const auto rest = function_arn.substr(4);
        partition = rest.substr(0, rest.find(':'));
    }
    std::string uri = "arn:";
    uri += partition;
    uri += ":apigateway:";
    uri += region;
    uri += ":lambda:path/2015-03-31/functions/";
    uri += function_arn;
    uri += "/invocations";
    return uri;
}

// What a method calls. For a Lambda function: type "AWS_PROXY", integration_http_method
// "POST" and uri = lambda_integration_uri(region, function_arn).
struct put_integration_request {
    std::string_view rest_api_id;
    std::string_view resource_id;
    std::string_view http_method;
    std::string_view type = "AWS_PROXY"; // "AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"
    std::string_view integration_http_method = {};
    std::string_view uri = {};
    std::string_view credentials = {}; // a role ARN API Gateway assumes to call the backend
    int timeout_ms = 0;                // 0: the service's default (29000)
};

// ------------------------------------------------------------------ deployments, stages

struct create_deployment_request {
    std::string_view rest_api_id;
    std::string_view stage_name = {}; // also create (or update) this stage
    std::string_view stage_description = {};
    std::string_view description = {};
};
struct create_stage_request {
    std::string_view rest_api_id;
    std::string_view stage_name;
    std::string_view deployment_id;
    std::string_view description = {};
    cirrus::pairs_view variables = {}; // stage variables
};
struct get_stage_request {
    std::string_view rest_api_id;
    std::string_view stage_name;
};
struct delete_stage_request {
    std::string_view rest_api_id;
    std::string_view stage_name;
};

// ------------------------------------------------------------------ usage plans, API keys

struct api_stage {
    std::string_view api_id;
    std::string_view stage;
};
// Requests per second (steady) and the burst; rate_limit 0 and burst_limit 0: no throttle.
struct throttle_settings {
    double rate_limit = 0;
    int burst_limit = 0;
};
// Requests per period; limit 0: no quota.
struct quota_settings {
    std::int64_t limit = 0;
    std::string_view period = "DAY"; // "DAY", "WEEK", "MONTH"
    int offset = 0;                  // days into the period the count starts
};

struct create_usage_plan_request {
    std::string_view name;
    std::string_view description = {};
    cirrus::list_view<api_stage> api_stages = {};
    throttle_settings throttle = {};
    quota_settings quota = {};
};
struct get_usage_plan_request {
    std::string_view usage_plan_id;
};
struct delete_usage_plan_request {
    std::string_view usage_plan_id;
};

struct create_api_key_request {
    std::string_view name;
    std::string_view description = {};
    bool enabled = true;
    std::string_view value = {}; // empty: the service generates one (at least 20 characters otherwise)
};
struct get_api_key_request {
    std::string_view api_key_id;
    bool include_value = true;
};
struct delete_api_key_request {
    std::string_view api_key_id;
};

struct create_usage_plan_key_request {
    std::string_view usage_plan_id;
    std::string_view key_id;
    std::string_view key_type = "API_KEY";
};

} // namespace cirrus::apigateway
