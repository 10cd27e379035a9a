#pragma once
// Definitions for lambda/detail/operations.hpp: the restJson1 requests (method, path,
// query, JSON body) and the JSON responses of Lambda.

#include <cirrus/aws/detail/json.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/http/error.hpp>
#include <cirrus/lambda/detail/operations.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::lambda::detail {

namespace wire {

namespace asio = boost::asio;
namespace dom = simdjson::dom;

using aws::detail::json_out;

inline void write_code(json_out& j, const code_source& c) {
    if (!c.zip_file.empty()) j.field("ZipFile", base64::encode(c.zip_file));
    j.field_if("S3Bucket", c.s3_bucket);
    j.field_if("S3Key", c.s3_key);
    j.field_if("S3ObjectVersion", c.s3_object_version);
}

inline void write_environment(json_out& j, const cirrus::pairs_view& env) {
    auto e = j.open("Environment");
    e.map("Variables", env);
    e.close();
}

// ------------------------------------------------------------------ paths and queries

constexpr std::string_view functions_root = "/2015-03-31/functions/";
constexpr std::string_view layers_root = "/2018-10-31/layers";

inline std::string function_path(std::string_view name, std::string_view suffix = {}) {
    std::string p(functions_root);
    p += uri::encode(name);
    p += suffix;
    return p;
}

inline std::string layer_path(std::string_view name, std::string_view suffix = {}) {
    std::string p(layers_root);
    p += '/';
    p += uri::encode(name);
    p += suffix;
    return p;
}

inline void add_query(std::string& q, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!q.empty()) q += '&';
    q += name;
    q += '=';
    q += uri::encode(value);
}
inline void add_query(std::string& q, std::string_view name, std::int64_t value) {
    if (value != 0) add_query(q, name, std::to_string(value));
}

using aws::detail::json::str;
using aws::detail::json::int64;
using aws::detail::json::strings;
using aws::detail::json::root_object;

inline void read_config(dom::object o, function_configuration& f) {
    for (auto field : o) {
        const std::string_view k = field.key;
        const dom::element v = field.value;
        if (k == "FunctionName") f.function_name = str(v);
        else if (k == "FunctionArn") f.function_arn = str(v);
        else if (k == "Runtime") f.runtime = str(v);
        else if (k == "Role") f.role = str(v);
        else if (k == "Handler") f.handler = str(v);
        else if (k == "Description") f.description = str(v);
        else if (k == "Version") f.version = str(v);
        else if (k == "LastModified") f.last_modified = str(v);
        else if (k == "CodeSha256") f.code_sha256 = str(v);
        else if (k == "CodeSize") f.code_size = int64(v);
        else if (k == "Timeout") f.timeout = static_cast<int>(int64(v));
        else if (k == "MemorySize") f.memory_size = static_cast<int>(int64(v));
        else if (k == "PackageType") f.package_type = str(v);
        else if (k == "RevisionId") f.revision_id = str(v);
        else if (k == "State") f.state = str(v);
        else if (k == "StateReason") f.state_reason = str(v);
        else if (k == "StateReasonCode") f.state_reason_code = str(v);
        else if (k == "LastUpdateStatus") f.last_update_status = str(v);
        else if (k == "LastUpdateStatusReason") f.last_update_status_reason = str(v);
        else if (k == "LastUpdateStatusReasonCode") f.last_update_status_reason_code = str(v);
        else if (k == "Architectures") f.architectures = strings(v);
        else if (k == "Environment") {
            dom::object vars;
            if (!v["Variables"].get_object().get(vars))
                for (auto kv : vars) f.environment[std::string(kv.key)] = str(kv.value);
        } else if (k == "Layers") {
            dom::array a;
            if (!v.get_array().get(a))
                for (dom::element l : a) {
                    dom::element arn;
                    if (!l["Arn"].get(arn)) f.layers.push_back(str(arn));
                    else f.layers.push_back(str(l)); // a bare ARN
                }
        }
    }
}

inline void read_layer_version(dom::object o, layer_version& l) {
    for (auto field : o) {
        const std::string_view k = field.key;
        const dom::element v = field.value;
        if (k == "LayerArn") l.layer_arn = str(v);
        else if (k == "LayerVersionArn") l.layer_version_arn = str(v);
        else if (k == "Version") l.version = int64(v);
        else if (k == "Description") l.description = str(v);
        else if (k == "CreatedDate") l.created_date = str(v);
        else if (k == "LicenseInfo") l.license_info = str(v);
        else if (k == "CompatibleRuntimes") l.compatible_runtimes = strings(v);
        else if (k == "CompatibleArchitectures") l.compatible_architectures = strings(v);
        else if (k == "Content") {
            dom::object c;
            if (v.get_object().get(c)) continue;
            for (auto cf : c) {
                if (cf.key == "Location") l.content_location = str(cf.value);
                else if (cf.key == "CodeSha256") l.content_sha256 = str(cf.value);
                else if (cf.key == "CodeSize") l.content_size = int64(cf.value);
            }
        }
    }
}

inline error_code malformed() { return make_error_code(errc::malformed_response); }

// A list of objects at `key`, each read by `read`, and NextMarker.
template <class T, class Read>
error_code parse_list(std::string& json, std::string_view key, std::vector<T>& items, std::string& next_marker,
                      Read read) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    items.clear();
    next_marker.clear();
    for (auto field : o) {
        if (field.key == key) {
            dom::array a;
            if (field.value.get_array().get(a)) {
                if (field.value.is_null()) continue;
                return malformed();
            }
            for (dom::element e : a) {
                dom::object item;
                if (e.get_object().get(item)) return malformed();
                items.emplace_back();
                read(item, items.back());
            }
        } else if (field.key == "NextMarker") {
            next_marker = str(field.value);
        }
    }
    return {};
}

// ------------------------------------------------------------------ sending

struct exchange {
    std::string path;
    std::string query;
    std::string body;
    std::vector<http::header> headers;
    aws::detail::service_call call;
};

inline task send(service& s, http::verb method, exchange& x, diagnostics& diag) {
    x.call.method = method;
    x.call.path = x.path;
    x.call.query = x.query;
    x.call.body = x.body;
    if (!x.body.empty()) x.call.content_type = "application/json";
    x.call.headers = x.headers;
    return s.send(x.call, diag);
}

inline error_code malformed(diagnostics& diag, std::string_view what) {
    diag.clear();
    diag.message = "the response to ";
    diag.message += what;
    diag.message += " is not the JSON Lambda sends";
    return malformed();
}

// Sends `x` and reads the response into `out`.
template <class Result>
task call(service& s, http::verb method, exchange& x, Result& out, diagnostics& diag, std::string_view what) {
    if (auto ec = co_await send(s, method, x, diag)) co_return ec;
    if constexpr (!std::is_same_v<Result, empty_result>) {
        if (parse(x.call.res.body, out)) co_return malformed(diag, what);
    }
    co_return error_code{};
}

using clock = std::chrono::steady_clock;

inline task sleep_for(clock::duration d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

// Polls GetFunctionConfiguration until `field` of the configuration is `good`.
template <class Request>
task wait_for(service& s, const Request& r, bool update, function_configuration& out, diagnostics& diag) {
    const auto deadline = clock::now() + r.timeout;
    auto delay = std::max(r.min_delay, std::chrono::milliseconds(1));
    for (;;) {
        out = function_configuration{};
        const get_function_configuration_request g{.function_name = r.function_name, .qualifier = r.qualifier};
        if (auto ec = co_await ops::get_function_configuration(s, g, out, diag)) co_return ec;
        const std::string& status = update ? out.last_update_status : out.state;
        // A function that never was updated may report no LastUpdateStatus at all.
        if (status == (update ? "Successful" : "Active") || (update && status.empty())) co_return error_code{};
        if (status == "Failed") {
            diag.clear();
            diag.service_code = update ? out.last_update_status_reason_code : out.state_reason_code;
            diag.message = update ? out.last_update_status_reason : out.state_reason;
            if (diag.message.empty()) diag.message = update ? "LastUpdateStatus is Failed" : "State is Failed";
            co_return make_error_code(errc::function_failed);
        }
        if (clock::now() + delay > deadline) {
            diag.clear();
            diag.message = update ? "LastUpdateStatus is still " : "State is still ";
            diag.message += status;
            co_return make_error_code(errc::wait_timeout);
        }
        if (auto ec = co_await sleep_for(delay)) co_return ec;
        delay = std::min(delay * 2, std::max(r.max_delay, r.min_delay));
    }
}

// The function ran and failed: its error document (in out.payload) becomes the diagnostics.
inline error_code function_failed(const http::response& res, std::string_view kind, invoke_result& out,
                                  diagnostics& d) {
    out.function_error = kind;
    d.clear();
    d.http_status = res.status;
    d.request_id = res.header("x-amzn-requestid");
    parse_function_error(out.payload, d.service_code, d.message);
    if (d.service_code.empty()) d.service_code = out.function_error;
    return make_error_code(errc::function_error);
}

inline error_code map_error(error_code ec, const diagnostics& diag) { return to_lambda_error(ec, diag.service_code); }

} // namespace wire

using namespace wire;

CIRRUS_DECL aws::detail::service_names names() noexcept {
    return {.endpoint_id = "lambda", .signing_name = "lambda", .map_error = &map_error};
}

// ------------------------------------------------------------------ parsers

CIRRUS_DECL error_code parse(std::string& json, function_configuration& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = function_configuration{};
    read_config(o, out);
    return {};
}

CIRRUS_DECL error_code parse(std::string& json, get_function_result& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = get_function_result{};
    dom::object c;
    if (o["Configuration"].get_object().get(c)) return malformed();
    read_config(c, out.configuration);
    dom::object code;
    if (!o["Code"].get_object().get(code)) {
        for (auto f : code) {
            if (f.key == "RepositoryType") out.code_repository_type = str(f.value);
            else if (f.key == "Location") out.code_location = str(f.value);
        }
    }
    dom::object tags;
    if (!o["Tags"].get_object().get(tags))
        for (auto kv : tags) out.tags[std::string(kv.key)] = str(kv.value);
    return {};
}

CIRRUS_DECL error_code parse(std::string& json, list_functions_result& out) {
    return parse_list(json, "Functions", out.functions, out.next_marker, &read_config);
}
CIRRUS_DECL error_code parse(std::string& json, list_versions_result& out) {
    return parse_list(json, "Versions", out.versions, out.next_marker, &read_config);
}

CIRRUS_DECL error_code parse(std::string& json, alias_configuration& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = alias_configuration{};
    for (auto f : o) {
        if (f.key == "AliasArn") out.alias_arn = str(f.value);
        else if (f.key == "Name") out.name = str(f.value);
        else if (f.key == "FunctionVersion") out.function_version = str(f.value);
        else if (f.key == "Description") out.description = str(f.value);
        else if (f.key == "RevisionId") out.revision_id = str(f.value);
    }
    return {};
}

CIRRUS_DECL error_code parse(std::string& json, layer_version& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = layer_version{};
    read_layer_version(o, out);
    return {};
}

CIRRUS_DECL error_code parse(std::string& json, list_layers_result& out) {
    return parse_list(json, "Layers", out.layers, out.next_marker, [](dom::object o, layer_summary& l) {
        for (auto f : o) {
            if (f.key == "LayerName") l.layer_name = str(f.value);
            else if (f.key == "LayerArn") l.layer_arn = str(f.value);
            else if (f.key == "LatestMatchingVersion") {
                dom::object v;
                if (!f.value.get_object().get(v)) read_layer_version(v, l.latest_matching_version);
            }
        }
    });
}

CIRRUS_DECL error_code parse(std::string& json, list_layer_versions_result& out) {
    return parse_list(json, "LayerVersions", out.layer_versions, out.next_marker, &read_layer_version);
}

CIRRUS_DECL error_code parse(std::string& json, add_permission_result& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out.statement.clear();
    dom::element s;
    if (!o["Statement"].get(s)) out.statement = str(s);
    return {};
}

CIRRUS_DECL error_code parse(std::string& json, function_url_config& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = function_url_config{};
    for (auto f : o) {
        if (f.key == "FunctionUrl") out.function_url = str(f.value);
        else if (f.key == "FunctionArn") out.function_arn = str(f.value);
        else if (f.key == "AuthType") out.auth_type = str(f.value);
        else if (f.key == "InvokeMode") out.invoke_mode = str(f.value);
        else if (f.key == "CreationTime") out.creation_time = str(f.value);
    }
    return {};
}

CIRRUS_DECL bool parse_function_error(std::string_view json, std::string& type, std::string& message) {
    std::string copy(json);
    dom::parser p;
    dom::object o;
    if (!root_object(p, copy, o)) return false;
    bool any = false;
    for (auto f : o) {
        if (f.key == "errorType") {
            type = str(f.value);
            any = true;
        } else if (f.key == "errorMessage") {
            message = str(f.value);
            any = true;
        }
    }
    return any;
}

// ------------------------------------------------------------------ bodies

CIRRUS_DECL std::string create_function_body(const create_function_request& r) {
    std::string body;
    json_out j(body);
    j.field("FunctionName", r.function_name);
    j.field("Role", r.role);
    {
        auto c = j.open("Code");
        write_code(c, r.code);
        c.close();
    }
    j.field_if("Runtime", r.runtime);
    j.field_if("Handler", r.handler);
    j.field_if("Description", r.description);
    j.number_if("Timeout", r.timeout);
    j.number_if("MemorySize", r.memory_size);
    if (!r.environment.empty()) write_environment(j, r.environment);
    j.strings_if("Layers", r.layers);
    j.strings_if("Architectures", r.architectures);
    if (!r.tags.empty()) j.map("Tags", r.tags);
    if (r.publish) j.boolean("Publish", true);
    j.field("PackageType", "Zip");
    j.close();
    return body;
}

CIRRUS_DECL std::string update_function_configuration_body(const update_function_configuration_request& r) {
    std::string body;
    json_out j(body);
    j.field_if("Role", r.role);
    j.field_if("Handler", r.handler);
    j.field_if("Description", r.description);
    j.field_if("Runtime", r.runtime);
    j.number_if("Timeout", r.timeout);
    j.number_if("MemorySize", r.memory_size);
    if (!r.environment.empty() || r.clear_environment) write_environment(j, r.environment);
    if (!r.layers.empty() || r.clear_layers) j.strings("Layers", r.layers);
    j.field_if("RevisionId", r.revision_id);
    j.close();
    return body;
}

// ------------------------------------------------------------------ operations

namespace ops {

using http::verb;

CIRRUS_DECL task create_function(service& s, const create_function_request& r, function_configuration& out,
                                 diagnostics& d) {
    exchange x;
    x.path = std::string(functions_root.substr(0, functions_root.size() - 1));
    x.body = create_function_body(r);
    co_return co_await call(s, verb::post, x, out, d, "CreateFunction");
}

CIRRUS_DECL task get_function(service& s, const get_function_request& r, get_function_result& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name);
    add_query(x.query, "Qualifier", r.qualifier);
    co_return co_await call(s, verb::get, x, out, d, "GetFunction");
}

CIRRUS_DECL task get_function_configuration(service& s, const get_function_configuration_request& r,
                                            function_configuration& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/configuration");
    add_query(x.query, "Qualifier", r.qualifier);
    co_return co_await call(s, verb::get, x, out, d, "GetFunctionConfiguration");
}

CIRRUS_DECL task list_functions(service& s, const list_functions_request& r, list_functions_result& out,
                                diagnostics& d) {
    exchange x;
    x.path = std::string(functions_root);
    add_query(x.query, "Marker", r.marker);
    add_query(x.query, "MaxItems", r.max_items);
    co_return co_await call(s, verb::get, x, out, d, "ListFunctions");
}

CIRRUS_DECL task update_function_code(service& s, const update_function_code_request& r,
                                      function_configuration& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/code");
    json_out j(x.body);
    write_code(j, r.code);
    j.strings_if("Architectures", r.architectures);
    if (r.publish) j.boolean("Publish", true);
    if (r.dry_run) j.boolean("DryRun", true);
    j.field_if("RevisionId", r.revision_id);
    j.close();
    co_return co_await call(s, verb::put, x, out, d, "UpdateFunctionCode");
}

CIRRUS_DECL task update_function_configuration(service& s, const update_function_configuration_request& r,
                                               function_configuration& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/configuration");
    x.body = update_function_configuration_body(r);
    co_return co_await call(s, verb::put, x, out, d, "UpdateFunctionConfiguration");
}

CIRRUS_DECL task delete_function(service& s, const delete_function_request& r, empty_result& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name);
    add_query(x.query, "Qualifier", r.qualifier);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteFunction");
}

CIRRUS_DECL task wait_function_active(service& s, const function_active_request& r, function_configuration& out,
                                      diagnostics& d) {
    return wait_for(s, r, false, out, d);
}

CIRRUS_DECL task wait_function_updated(service& s, const function_updated_request& r, function_configuration& out,
                                       diagnostics& d) {
    return wait_for(s, r, true, out, d);
}

CIRRUS_DECL task invoke(service& s, const invoke_request& r, invoke_result& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/invocations");
    add_query(x.query, "Qualifier", r.qualifier);
    x.body = std::string(r.payload);
    switch (r.type) {
    case invocation_type::request_response: x.headers.push_back({"x-amz-invocation-type", "RequestResponse"}); break;
    case invocation_type::event: x.headers.push_back({"x-amz-invocation-type", "Event"}); break;
    case invocation_type::dry_run: x.headers.push_back({"x-amz-invocation-type", "DryRun"}); break;
    }
    if (r.log == log_type::tail) x.headers.push_back({"x-amz-log-type", "Tail"});
    if (!r.client_context.empty()) x.headers.push_back({"x-amz-client-context", r.client_context});
    x.call.max_attempts = r.max_attempts;
    out = invoke_result{};
    const error_code ec = co_await send(s, verb::post, x, d);
    auto& res = x.call.res;
    out.status_code = res.status;
    if (!ec) {
        out.payload = std::move(res.body);
        out.executed_version = res.header("x-amz-executed-version");
        if (const auto log = res.header("x-amz-log-result"); !log.empty()) {
            if (auto decoded = base64::decode(log)) out.log_result = std::move(*decoded);
        }
        if (const auto fe = res.header("x-amz-function-error"); !fe.empty()) co_return function_failed(res, fe, out, d);
        co_return error_code{};
    }
    // cargo-lambda's emulator answers a function's error with 500 and the function's error
    // document, without X-Amz-Function-Error or x-amzn-ErrorType (real Lambda: 200 and the
    // header). A service failure always names its type.
    std::string type, message;
    if (res.status >= 500 && res.header("x-amzn-errortype").empty() && parse_function_error(res.body, type, message)) {
        out.payload = std::move(res.body);
        co_return function_failed(res, "Unhandled", out, d);
    }
    co_return ec;
}

CIRRUS_DECL task publish_version(service& s, const publish_version_request& r, function_configuration& out,
                                 diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/versions");
    json_out j(x.body);
    j.field_if("Description", r.description);
    j.field_if("CodeSha256", r.code_sha256);
    j.field_if("RevisionId", r.revision_id);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "PublishVersion");
}

CIRRUS_DECL task create_alias(service& s, const create_alias_request& r, alias_configuration& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/aliases");
    json_out j(x.body);
    j.field("Name", r.name);
    j.field("FunctionVersion", r.function_version);
    j.field_if("Description", r.description);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateAlias");
}

CIRRUS_DECL task update_alias(service& s, const update_alias_request& r, alias_configuration& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/aliases/");
    x.path += uri::encode(r.name);
    json_out j(x.body);
    j.field_if("FunctionVersion", r.function_version);
    j.field_if("Description", r.description);
    j.field_if("RevisionId", r.revision_id);
    j.close();
    co_return co_await call(s, verb::put, x, out, d, "UpdateAlias");
}

CIRRUS_DECL task list_versions_by_function(service& s, const list_versions_by_function_request& r,
                                           list_versions_result& out, diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/versions");
    add_query(x.query, "Marker", r.marker);
    add_query(x.query, "MaxItems", r.max_items);
    co_return co_await call(s, verb::get, x, out, d, "ListVersionsByFunction");
}

CIRRUS_DECL task publish_layer_version(service& s, const publish_layer_version_request& r, layer_version& out,
                                       diagnostics& d) {
    exchange x;
    x.path = layer_path(r.layer_name, "/versions");
    json_out j(x.body);
    {
        auto c = j.open("Content");
        write_code(c, r.content);
        c.close();
    }
    j.field_if("Description", r.description);
    j.strings_if("CompatibleRuntimes", r.compatible_runtimes);
    j.strings_if("CompatibleArchitectures", r.compatible_architectures);
    j.field_if("LicenseInfo", r.license_info);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "PublishLayerVersion");
}

CIRRUS_DECL task list_layers(service& s, const list_layers_request& r, list_layers_result& out, diagnostics& d) {
    exchange x;
    x.path = std::string(layers_root);
    add_query(x.query, "CompatibleArchitecture", r.compatible_architecture);
    add_query(x.query, "CompatibleRuntime", r.compatible_runtime);
    add_query(x.query, "Marker", r.marker);
    add_query(x.query, "MaxItems", r.max_items);
    co_return co_await call(s, verb::get, x, out, d, "ListLayers");
}

CIRRUS_DECL task list_layer_versions(service& s, const list_layer_versions_request& r,
                                     list_layer_versions_result& out, diagnostics& d) {
    exchange x;
    x.path = layer_path(r.layer_name, "/versions");
    add_query(x.query, "CompatibleArchitecture", r.compatible_architecture);
    add_query(x.query, "CompatibleRuntime", r.compatible_runtime);
    add_query(x.query, "Marker", r.marker);
    add_query(x.query, "MaxItems", r.max_items);
    co_return co_await call(s, verb::get, x, out, d, "ListLayerVersions");
}

CIRRUS_DECL task get_layer_version(service& s, const get_layer_version_request& r, layer_version& out,
                                   diagnostics& d) {
    exchange x;
    x.path = layer_path(r.layer_name, "/versions/" + std::to_string(r.version_number));
    co_return co_await call(s, verb::get, x, out, d, "GetLayerVersion");
}

CIRRUS_DECL task delete_layer_version(service& s, const delete_layer_version_request& r, empty_result& out,
                                      diagnostics& d) {
    exchange x;
    x.path = layer_path(r.layer_name, "/versions/" + std::to_string(r.version_number));
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteLayerVersion");
}

CIRRUS_DECL task add_permission(service& s, const add_permission_request& r, add_permission_result& out,
                                diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/policy");
    add_query(x.query, "Qualifier", r.qualifier);
    json_out j(x.body);
    j.field("StatementId", r.statement_id);
    j.field("Action", r.action);
    j.field("Principal", r.principal);
    j.field_if("SourceArn", r.source_arn);
    j.field_if("SourceAccount", r.source_account);
    j.field_if("FunctionUrlAuthType", r.function_url_auth_type);
    j.field_if("PrincipalOrgID", r.principal_org_id);
    j.field_if("RevisionId", r.revision_id);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "AddPermission");
}

CIRRUS_DECL task remove_permission(service& s, const remove_permission_request& r, empty_result& out,
                                   diagnostics& d) {
    exchange x;
    x.path = function_path(r.function_name, "/policy/");
    x.path += uri::encode(r.statement_id);
    add_query(x.query, "Qualifier", r.qualifier);
    add_query(x.query, "RevisionId", r.revision_id);
    co_return co_await call(s, verb::delete_, x, out, d, "RemovePermission");
}

CIRRUS_DECL task create_function_url_config(service& s, const create_function_url_config_request& r,
                                            function_url_config& out, diagnostics& d) {
    exchange x;
    x.path = "/2021-10-31/functions/";
    x.path += uri::encode(r.function_name);
    x.path += "/url";
    add_query(x.query, "Qualifier", r.qualifier);
    json_out j(x.body);
    j.field("AuthType", r.auth_type.empty() ? std::string_view("NONE") : r.auth_type);
    j.field_if("InvokeMode", r.invoke_mode);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateFunctionUrlConfig");
}

} // namespace ops

} // namespace cirrus::lambda::detail
