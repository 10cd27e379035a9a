#pragma once
// Results of the Lambda operations. They own their data; requests (lambda/requests.hpp)
// are views.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cirrus::lambda {

// A function's (or version's) configuration: CreateFunction, GetFunctionConfiguration,
// UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion, the items of
// ListFunctions and ListVersionsByFunction.
struct function_configuration {
    std::string function_name;
    std::string function_arn;
    std::string runtime;
    std::string role;
    std::string handler;
    std::string description;
    std::string version; // "$LATEST" or "1", "2" ...
    std::string last_modified;
    std::string code_sha256; // base64
    std::int64_t code_size = 0;
    int timeout = 0;     // seconds
    int memory_size = 0; // MiB
    std::map<std::string, std::string> environment;
    std::vector<std::string> layers; // layer version ARNs
    std::vector<std::string> architectures;
    std::string package_type;
    std::string revision_id;
    // "Pending", "Active", "Inactive", "Failed" and why.
    std::string state;
    std::string state_reason;
    std::string state_reason_code;
    // "InProgress", "Successful", "Failed" and why.
    std::string last_update_status;
    std::string last_update_status_reason;
    std::string last_update_status_reason_code;
};

struct get_function_result {
    function_configuration configuration;
    std::string code_repository_type; // "S3"
    std::string code_location;        // a presigned URL of the deployment package
    std::map<std::string, std::string> tags;
};

// One page of ListFunctions or ListVersionsByFunction; next_marker is empty on the last.
struct list_functions_result {
    std::vector<function_configuration> functions;
    std::string next_marker;
};
struct list_versions_result {
    std::vector<function_configuration> versions;
    std::string next_marker;
};

struct invoke_result {
    unsigned status_code = 0; // 200 RequestResponse, 202 Event, 204 DryRun
    // The function's response, or, with errc::function_error, its error document
    // ({"errorType": ..., "errorMessage": ..., "stackTrace": ...}).
    std::string payload;
    // X-Amz-Function-Error: "Unhandled" or "Handled" when the function failed (the
    // emulator sends no such header: then "Unhandled").
    std::string function_error;
    // The last 4 KB of the execution log (log_type::tail), decoded from base64.
    std::string log_result;
    std::string executed_version; // X-Amz-Executed-Version
};

struct alias_configuration {
    std::string alias_arn;
    std::string name;
    std::string function_version;
    std::string description;
    std::string revision_id;
};

struct layer_version {
    std::string layer_arn;         // arn:...:layer:name
    std::string layer_version_arn; // arn:...:layer:name:3
    std::int64_t version = 0;
    std::string description;
    std::string created_date;
    std::string license_info;
    std::vector<std::string> compatible_runtimes;
    std::vector<std::string> compatible_architectures;
    // Content (PublishLayerVersion, GetLayerVersion).
    std::string content_location;
    std::string content_sha256;
    std::int64_t content_size = 0;
};

struct layer_summary {
    std::string layer_name;
    std::string layer_arn;
    layer_version latest_matching_version;
};

struct list_layers_result {
    std::vector<layer_summary> layers;
    std::string next_marker;
};
struct list_layer_versions_result {
    std::vector<layer_version> layer_versions;
    std::string next_marker;
};

struct add_permission_result {
    std::string statement; // the policy statement added, as JSON
};

struct function_url_config {
    std::string function_url;
    std::string function_arn;
    std::string auth_type; // "NONE" or "AWS_IAM"
    std::string invoke_mode;
    std::string creation_time;
};

// Operations that return nothing of note (DeleteFunction, DeleteLayerVersion,
// RemovePermission).
struct empty_result {};

} // namespace cirrus::lambda
