#pragma once
// Results of the API Gateway operations. They own their data; requests
// (apigateway/requests.hpp) are views.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cirrus::apigateway {

struct empty_result {};

struct rest_api {
    std::string id;
    std::string name;
    std::string description;
    std::string created_date;
    std::string version;
    std::string root_resource_id; // the "/" resource
    std::string api_key_source;
    std::vector<std::string> endpoint_types; // "REGIONAL", "EDGE", "PRIVATE"
    std::vector<std::string> binary_media_types;
    std::map<std::string, std::string> tags;
    bool disable_execute_api_endpoint = false;
};

struct integration {
    std::string type; // "AWS_PROXY" ...
    std::string http_method;
    std::string uri;
    std::string credentials;
    std::string passthrough_behavior;
    int timeout_ms = 0;
};

struct method {
    std::string http_method;
    std::string authorization_type;
    std::string authorizer_id;
    std::string operation_name;
    bool api_key_required = false;
    bool has_integration = false; // method_integration holds what the method calls
    apigateway::integration method_integration;
};

struct resource {
    std::string id;
    std::string parent_id; // empty for "/"
    std::string path_part;
    std::string path; // "/hello"
    std::map<std::string, method> resource_methods; // by HTTP method (GetResources with embed_methods)
};

// One page of GetResources; position is empty on the last.
struct get_resources_result {
    std::vector<resource> items;
    std::string position;
};

struct deployment {
    std::string id;
    std::string description;
    std::string created_date;
};

struct stage {
    std::string stage_name;
    std::string deployment_id;
    std::string description;
    std::string created_date;
    std::string last_updated_date;
    std::map<std::string, std::string> variables;
    bool cache_cluster_enabled = false;
};

struct usage_plan {
    struct stage_ref {
        std::string api_id;
        std::string stage;
    };
    std::string id;
    std::string name;
    std::string description;
    std::vector<stage_ref> api_stages;
    double throttle_rate_limit = 0; // 0 and 0: no throttle
    int throttle_burst_limit = 0;
    std::int64_t quota_limit = 0; // 0: no quota
    std::string quota_period;
    int quota_offset = 0;
};

struct api_key {
    std::string id;
    std::string name;
    std::string value; // when the request asked for it (always on CreateApiKey)
    std::string description;
    std::string created_date;
    std::string last_updated_date;
    bool enabled = false;
};

struct usage_plan_key {
    std::string id; // the API key's id
    std::string type;
    std::string name;
    std::string value;
};

} // namespace cirrus::apigateway
