#pragma once
// Requests of the Lambda operations: views (std::string_view, list_view, pairs_view,
// numbers), copied by the client when the operation starts, so braced temporaries inside
// co_await are safe (docs/architecture.md).
//
// A function_name is a name ("my-fn"), a partial ARN ("123456789012:function:my-fn") or
// an ARN; a qualifier is a version ("3", "$LATEST") or an alias ("live").

#include <cirrus/core/views.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace cirrus::lambda {

using string_list = cirrus::list_view<std::string_view>;

// A deployment package (or layer content): the zip's bytes, or an S3 object.
struct code_source {
    std::string_view zip_file = {}; // the archive's bytes (sent base64-encoded)
    std::string_view s3_bucket = {};
    std::string_view s3_key = {};
    std::string_view s3_object_version = {};
};

struct create_function_request {
    std::string_view function_name;
    std::string_view role; // the execution role's ARN
    code_source code = {};
    std::string_view runtime = {}; // "python3.12", "provided.al2023" ...
    std::string_view handler = {}; // "app.handler"; any text for provided runtimes
    std::string_view description = {};
    int timeout = 0;     // seconds; 0: the service's default (3)
    int memory_size = 0; // MiB; 0: the service's default (128)
    cirrus::pairs_view environment = {};
    string_list layers = {};        // layer version ARNs
    string_list architectures = {}; // "x86_64" or "arm64"
    cirrus::pairs_view tags = {};
    bool publish = false; // publish version 1 as well
};

struct get_function_request {
    std::string_view function_name;
    std::string_view qualifier = {};
};
struct get_function_configuration_request {
    std::string_view function_name;
    std::string_view qualifier = {};
};

struct list_functions_request {
    std::string_view marker = {};
    int max_items = 0; // 0: the service's default (50)
};

struct update_function_code_request {
    std::string_view function_name;
    code_source code = {};
    string_list architectures = {};
    bool publish = false;
    bool dry_run = false;
    std::string_view revision_id = {}; // update only that revision
};

// Only the fields set are changed. An empty environment or layer list leaves them as they
// are; clear_environment / clear_layers empty them.
struct update_function_configuration_request {
    std::string_view function_name;
    std::string_view role = {};
    std::string_view handler = {};
    std::string_view description = {};
    std::string_view runtime = {};
    int timeout = 0;
    int memory_size = 0;
    cirrus::pairs_view environment = {};
    bool clear_environment = false;
    string_list layers = {};
    bool clear_layers = false;
    std::string_view revision_id = {};
};

struct delete_function_request {
    std::string_view function_name;
    std::string_view qualifier = {}; // a version to delete alone
};

// Waiters: GetFunctionConfiguration until State is Active (function_active_request) or
// LastUpdateStatus is Successful (function_updated_request). Failed ends the wait with
// errc::function_failed (the reason in diagnostics::message); the deadline with
// errc::wait_timeout. The delay between polls doubles from min_delay to max_delay.
struct function_active_request {
    std::string_view function_name;
    std::string_view qualifier = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(100);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};
struct function_updated_request {
    std::string_view function_name;
    std::string_view qualifier = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(100);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};

enum class invocation_type { request_response, event, dry_run };
enum class log_type { none, tail };

struct invoke_request {
    std::string_view function_name;
    std::string_view payload = {}; // the event, usually JSON
    invocation_type type = invocation_type::request_response;
    log_type log = log_type::none;
    std::string_view qualifier = {};
    std::string_view client_context = {}; // base64 JSON, passed to the function as is
    // Attempts of the transport (0: the client's retry setting). A function error comes
    // back from real Lambda as 200 and is never retried; cargo-lambda's emulator answers
    // it with 500, which the transport would retry (running the function again): use 1
    // there, or for functions that must not run twice after a service-side 5xx.
    unsigned max_attempts = 0;
};

struct publish_version_request {
    std::string_view function_name;
    std::string_view description = {};
    std::string_view code_sha256 = {}; // publish only when the code still has this hash
    std::string_view revision_id = {};
};

struct create_alias_request {
    std::string_view function_name;
    std::string_view name;
    std::string_view function_version;
    std::string_view description = {};
};
// Only the fields set are changed.
struct update_alias_request {
    std::string_view function_name;
    std::string_view name;
    std::string_view function_version = {};
    std::string_view description = {};
    std::string_view revision_id = {};
};

struct list_versions_by_function_request {
    std::string_view function_name;
    std::string_view marker = {};
    int max_items = 0;
};

struct publish_layer_version_request {
    std::string_view layer_name;
    code_source content = {};
    std::string_view description = {};
    string_list compatible_runtimes = {};
    string_list compatible_architectures = {};
    std::string_view license_info = {};
};
struct list_layers_request {
    std::string_view compatible_runtime = {};
    std::string_view compatible_architecture = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct list_layer_versions_request {
    std::string_view layer_name;
    std::string_view compatible_runtime = {};
    std::string_view compatible_architecture = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct get_layer_version_request {
    std::string_view layer_name;
    std::int64_t version_number = 0;
};
struct delete_layer_version_request {
    std::string_view layer_name;
    std::int64_t version_number = 0;
};

// A statement of the function's resource policy: who may call it.
struct add_permission_request {
    std::string_view function_name;
    std::string_view statement_id;
    std::string_view action;    // "lambda:InvokeFunction", "lambda:InvokeFunctionUrl"
    std::string_view principal; // "apigateway.amazonaws.com", an account id, "*"
    std::string_view source_arn = {};
    std::string_view source_account = {};
    std::string_view function_url_auth_type = {}; // "NONE" or "AWS_IAM" (InvokeFunctionUrl)
    std::string_view principal_org_id = {};
    std::string_view qualifier = {};
    std::string_view revision_id = {};
};
struct remove_permission_request {
    std::string_view function_name;
    std::string_view statement_id;
    std::string_view qualifier = {};
    std::string_view revision_id = {};
};

struct create_function_url_config_request {
    std::string_view function_name;
    std::string_view auth_type = "NONE"; // "NONE" or "AWS_IAM"
    std::string_view qualifier = {};     // an alias
    std::string_view invoke_mode = {};   // "BUFFERED" (default) or "RESPONSE_STREAM"
};

} // namespace cirrus::lambda
