#pragma once
// Definitions for apigateway/detail/operations.hpp: the restJson1 requests (method, path,
// query, JSON body) and the JSON responses of API Gateway (REST APIs, v1).

#include <cirrus/apigateway/detail/operations.hpp>
#include <cirrus/aws/detail/json.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/http/error.hpp>

#include <simdjson.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::apigateway::detail {

namespace wire {

namespace dom = simdjson::dom;
using aws::detail::json_out;
using namespace aws::detail::json;

// ------------------------------------------------------------------ paths

inline void add_segment(std::string& path, std::string_view segment) {
    path += '/';
    path += uri::encode(segment);
}

// /restapis/{id}[/segment ...]
template <class... Segments>
std::string api_path(std::string_view rest_api_id, Segments... segments) {
    std::string p = "/restapis";
    add_segment(p, rest_api_id);
    (add_segment(p, segments), ...);
    return p;
}

inline void add_query(std::string& q, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!q.empty()) q += '&';
    q += name;
    q += '=';
    q += uri::encode(value);
}

// ------------------------------------------------------------------ reading

inline void read_map(dom::element e, std::map<std::string, std::string>& out) {
    dom::object o;
    if (e.get_object().get(o)) return;
    for (auto kv : o) out[std::string(kv.key)] = str(kv.value);
}

inline void read_integration(dom::object o, integration& i) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "type") i.type = str(f.value);
        else if (k == "httpMethod") i.http_method = str(f.value);
        else if (k == "uri") i.uri = str(f.value);
        else if (k == "credentials") i.credentials = str(f.value);
        else if (k == "passthroughBehavior") i.passthrough_behavior = str(f.value);
        else if (k == "timeoutInMillis") i.timeout_ms = static_cast<int>(int64(f.value));
    }
}

inline void read_method(dom::object o, method& m) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "httpMethod") m.http_method = str(f.value);
        else if (k == "authorizationType") m.authorization_type = str(f.value);
        else if (k == "authorizerId") m.authorizer_id = str(f.value);
        else if (k == "operationName") m.operation_name = str(f.value);
        else if (k == "apiKeyRequired") m.api_key_required = boolean(f.value);
        else if (k == "methodIntegration") {
            dom::object i;
            if (f.value.get_object().get(i)) continue;
            m.has_integration = true;
            read_integration(i, m.method_integration);
        }
    }
}

inline void read_resource(dom::object o, resource& r) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "id") r.id = str(f.value);
        else if (k == "parentId") r.parent_id = str(f.value);
        else if (k == "pathPart") r.path_part = str(f.value);
        else if (k == "path") r.path = str(f.value);
        else if (k == "resourceMethods") {
            dom::object ms;
            if (f.value.get_object().get(ms)) continue;
            for (auto kv : ms) {
                method& m = r.resource_methods[std::string(kv.key)];
                dom::object mo;
                if (!kv.value.get_object().get(mo)) read_method(mo, m);
                if (m.http_method.empty()) m.http_method = std::string(kv.key);
            }
        }
    }
}

inline void read_rest_api(dom::object o, rest_api& a) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "id") a.id = str(f.value);
        else if (k == "name") a.name = str(f.value);
        else if (k == "description") a.description = str(f.value);
        else if (k == "createdDate") a.created_date = str(f.value);
        else if (k == "version") a.version = str(f.value);
        else if (k == "rootResourceId") a.root_resource_id = str(f.value);
        else if (k == "apiKeySource") a.api_key_source = str(f.value);
        else if (k == "binaryMediaTypes") a.binary_media_types = strings(f.value);
        else if (k == "tags") read_map(f.value, a.tags);
        else if (k == "disableExecuteApiEndpoint") a.disable_execute_api_endpoint = boolean(f.value);
        else if (k == "endpointConfiguration") {
            dom::element types;
            if (!f.value["types"].get(types)) a.endpoint_types = strings(types);
        }
    }
}

inline void read_stage(dom::object o, stage& s) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "stageName") s.stage_name = str(f.value);
        else if (k == "deploymentId") s.deployment_id = str(f.value);
        else if (k == "description") s.description = str(f.value);
        else if (k == "createdDate") s.created_date = str(f.value);
        else if (k == "lastUpdatedDate") s.last_updated_date = str(f.value);
        else if (k == "variables") read_map(f.value, s.variables);
        else if (k == "cacheClusterEnabled") s.cache_cluster_enabled = boolean(f.value);
    }
}

inline void read_usage_plan(dom::object o, usage_plan& u) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "id") u.id = str(f.value);
        else if (k == "name") u.name = str(f.value);
        else if (k == "description") u.description = str(f.value);
        else if (k == "apiStages") {
            dom::array a;
            if (f.value.get_array().get(a)) continue;
            for (dom::element e : a) {
                dom::object so;
                if (e.get_object().get(so)) continue;
                auto& ref = u.api_stages.emplace_back();
                for (auto sf : so) {
                    if (sf.key == "apiId") ref.api_id = str(sf.value);
                    else if (sf.key == "stage") ref.stage = str(sf.value);
                }
            }
        } else if (k == "throttle") {
            dom::object t;
            if (f.value.get_object().get(t)) continue;
            for (auto tf : t) {
                if (tf.key == "rateLimit") u.throttle_rate_limit = number(tf.value);
                else if (tf.key == "burstLimit") u.throttle_burst_limit = static_cast<int>(int64(tf.value));
            }
        } else if (k == "quota") {
            dom::object q;
            if (f.value.get_object().get(q)) continue;
            for (auto qf : q) {
                if (qf.key == "limit") u.quota_limit = int64(qf.value);
                else if (qf.key == "period") u.quota_period = str(qf.value);
                else if (qf.key == "offset") u.quota_offset = static_cast<int>(int64(qf.value));
            }
        }
    }
}

inline void read_api_key(dom::object o, api_key& a) {
    for (auto f : o) {
        const std::string_view k = f.key;
        if (k == "id") a.id = str(f.value);
        else if (k == "name") a.name = str(f.value);
        else if (k == "value") a.value = str(f.value);
        else if (k == "description") a.description = str(f.value);
        else if (k == "createdDate") a.created_date = str(f.value);
        else if (k == "lastUpdatedDate") a.last_updated_date = str(f.value);
        else if (k == "enabled") a.enabled = boolean(f.value);
    }
}

inline error_code malformed() { return make_error_code(errc::malformed_response); }

// Parses `json` as one object read by `read` into a fresh `out`.
template <class T, class Read>
error_code parse_object(std::string& json, T& out, Read read) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = T{};
    read(o, out);
    return {};
}

// ------------------------------------------------------------------ sending

struct exchange {
    std::string path;
    std::string query;
    std::string body;
    aws::detail::service_call call;
};

inline error_code malformed(diagnostics& diag, std::string_view what) {
    diag.clear();
    diag.message = "the response to ";
    diag.message += what;
    diag.message += " is not the JSON API Gateway sends";
    return malformed();
}

// Sends `x` and reads the response into `out`.
template <class Result>
task call(service& s, http::verb method, exchange& x, Result& out, diagnostics& diag, std::string_view what) {
    x.call.method = method;
    x.call.path = x.path;
    x.call.query = x.query;
    x.call.body = x.body;
    if (!x.body.empty()) x.call.content_type = "application/json";
    if (auto ec = co_await s.send(x.call, diag)) co_return ec;
    if constexpr (!std::is_same_v<Result, empty_result>) {
        if (parse(x.call.res.body, out)) co_return malformed(diag, what);
    }
    co_return error_code{};
}

inline error_code map_error(error_code ec, const diagnostics& diag) {
    return to_apigateway_error(ec, diag.service_code);
}

} // namespace wire

using namespace wire;

CIRRUS_DECL aws::detail::service_names names() noexcept {
    return {.endpoint_id = "apigateway", .signing_name = "apigateway", .map_error = &map_error};
}

// ------------------------------------------------------------------ parsers

CIRRUS_DECL error_code parse(std::string& json, rest_api& out) { return parse_object(json, out, &read_rest_api); }
CIRRUS_DECL error_code parse(std::string& json, resource& out) { return parse_object(json, out, &read_resource); }
CIRRUS_DECL error_code parse(std::string& json, method& out) { return parse_object(json, out, &read_method); }
CIRRUS_DECL error_code parse(std::string& json, integration& out) {
    return parse_object(json, out, &read_integration);
}
CIRRUS_DECL error_code parse(std::string& json, stage& out) { return parse_object(json, out, &read_stage); }
CIRRUS_DECL error_code parse(std::string& json, usage_plan& out) { return parse_object(json, out, &read_usage_plan); }
CIRRUS_DECL error_code parse(std::string& json, api_key& out) { return parse_object(json, out, &read_api_key); }

CIRRUS_DECL error_code parse(std::string& json, deployment& out) {
    return parse_object(json, out, [](dom::object o, deployment& d) {
        for (auto f : o) {
            if (f.key == "id") d.id = str(f.value);
            else if (f.key == "description") d.description = str(f.value);
            else if (f.key == "createdDate") d.created_date = str(f.value);
        }
    });
}

CIRRUS_DECL error_code parse(std::string& json, usage_plan_key& out) {
    return parse_object(json, out, [](dom::object o, usage_plan_key& k) {
        for (auto f : o) {
            if (f.key == "id") k.id = str(f.value);
            else if (f.key == "type") k.type = str(f.value);
            else if (f.key == "name") k.name = str(f.value);
            else if (f.key == "value") k.value = str(f.value);
        }
    });
}

CIRRUS_DECL error_code parse(std::string& json, get_resources_result& out) {
    dom::parser p;
    dom::object o;
    if (!root_object(p, json, o)) return malformed();
    out = get_resources_result{};
    for (auto f : o) {
        if (f.key == "position") {
            out.position = str(f.value);
        } else if (f.key == "items" || f.key == "item") { // "item": the service's own (HAL) name
            dom::array a;
            if (f.value.get_array().get(a)) return malformed();
            for (dom::element e : a) {
                dom::object r;
                if (e.get_object().get(r)) return malformed();
                read_resource(r, out.items.emplace_back());
            }
        }
    }
    return {};
}

// ------------------------------------------------------------------ bodies

CIRRUS_DECL std::string create_usage_plan_body(const create_usage_plan_request& r) {
    std::string body;
    json_out j(body);
    j.field("name", r.name);
    j.field_if("description", r.description);
    if (!r.api_stages.empty()) {
        j.begin_array("apiStages");
        for (const api_stage& s : r.api_stages) {
            auto item = j.item();
            item.field("apiId", s.api_id);
            item.field("stage", s.stage);
            item.close();
        }
        j.end_array();
    }
    if (r.throttle.rate_limit != 0 || r.throttle.burst_limit != 0) {
        auto t = j.open("throttle");
        t.real("rateLimit", r.throttle.rate_limit);
        t.number("burstLimit", r.throttle.burst_limit);
        t.close();
    }
    if (r.quota.limit != 0) {
        auto q = j.open("quota");
        q.number("limit", r.quota.limit);
        q.field("period", r.quota.period);
        q.number("offset", r.quota.offset);
        q.close();
    }
    j.close();
    return body;
}

// ------------------------------------------------------------------ operations

namespace ops {

using http::verb;

CIRRUS_DECL task create_rest_api(service& s, const create_rest_api_request& r, rest_api& out, diagnostics& d) {
    exchange x;
    x.path = "/restapis";
    json_out j(x.body);
    j.field("name", r.name);
    j.field_if("description", r.description);
    j.field_if("apiKeySource", r.api_key_source);
    j.strings_if("binaryMediaTypes", r.binary_media_types);
    if (!r.endpoint_type.empty()) {
        auto e = j.open("endpointConfiguration");
        const std::string_view types[] = {r.endpoint_type};
        e.strings("types", types);
        e.close();
    }
    if (!r.tags.empty()) j.map("tags", r.tags);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateRestApi");
}

CIRRUS_DECL task get_rest_api(service& s, const get_rest_api_request& r, rest_api& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id);
    co_return co_await call(s, verb::get, x, out, d, "GetRestApi");
}

CIRRUS_DECL task delete_rest_api(service& s, const delete_rest_api_request& r, empty_result& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteRestApi");
}

CIRRUS_DECL task get_resources(service& s, const get_resources_request& r, get_resources_result& out,
                               diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources");
    if (r.embed_methods) add_query(x.query, "embed", "methods");
    if (r.limit > 0) add_query(x.query, "limit", std::to_string(r.limit));
    add_query(x.query, "position", r.position);
    co_return co_await call(s, verb::get, x, out, d, "GetResources");
}

CIRRUS_DECL task create_resource(service& s, const create_resource_request& r, resource& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources", r.parent_id);
    json_out j(x.body);
    j.field("pathPart", r.path_part);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateResource");
}

CIRRUS_DECL task delete_resource(service& s, const delete_resource_request& r, empty_result& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources", r.resource_id);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteResource");
}

CIRRUS_DECL task put_method(service& s, const put_method_request& r, method& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources", r.resource_id, "methods", r.http_method);
    json_out j(x.body);
    j.field("authorizationType", r.authorization_type.empty() ? std::string_view("NONE") : r.authorization_type);
    j.boolean("apiKeyRequired", r.api_key_required);
    j.field_if("authorizerId", r.authorizer_id);
    j.field_if("operationName", r.operation_name);
    j.close();
    co_return co_await call(s, verb::put, x, out, d, "PutMethod");
}

CIRRUS_DECL task get_method(service& s, const get_method_request& r, method& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources", r.resource_id, "methods", r.http_method);
    co_return co_await call(s, verb::get, x, out, d, "GetMethod");
}

CIRRUS_DECL task put_integration(service& s, const put_integration_request& r, integration& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "resources", r.resource_id, "methods", r.http_method, "integration");
    json_out j(x.body);
    j.field("type", r.type);
    j.field_if("httpMethod", r.integration_http_method);
    j.field_if("uri", r.uri);
    j.field_if("credentials", r.credentials);
    if (r.timeout_ms > 0) j.number("timeoutInMillis", r.timeout_ms);
    j.close();
    co_return co_await call(s, verb::put, x, out, d, "PutIntegration");
}

CIRRUS_DECL task create_deployment(service& s, const create_deployment_request& r, deployment& out,
                                   diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "deployments");
    json_out j(x.body);
    j.field_if("stageName", r.stage_name);
    j.field_if("stageDescription", r.stage_description);
    j.field_if("description", r.description);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateDeployment");
}

CIRRUS_DECL task create_stage(service& s, const create_stage_request& r, stage& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "stages");
    json_out j(x.body);
    j.field("stageName", r.stage_name);
    j.field("deploymentId", r.deployment_id);
    j.field_if("description", r.description);
    if (!r.variables.empty()) j.map("variables", r.variables);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateStage");
}

CIRRUS_DECL task get_stage(service& s, const get_stage_request& r, stage& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "stages", r.stage_name);
    co_return co_await call(s, verb::get, x, out, d, "GetStage");
}

CIRRUS_DECL task delete_stage(service& s, const delete_stage_request& r, empty_result& out, diagnostics& d) {
    exchange x;
    x.path = api_path(r.rest_api_id, "stages", r.stage_name);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteStage");
}

CIRRUS_DECL task create_usage_plan(service& s, const create_usage_plan_request& r, usage_plan& out,
                                   diagnostics& d) {
    exchange x;
    x.path = "/usageplans";
    x.body = create_usage_plan_body(r);
    co_return co_await call(s, verb::post, x, out, d, "CreateUsagePlan");
}

CIRRUS_DECL task get_usage_plan(service& s, const get_usage_plan_request& r, usage_plan& out, diagnostics& d) {
    exchange x;
    x.path = "/usageplans";
    add_segment(x.path, r.usage_plan_id);
    co_return co_await call(s, verb::get, x, out, d, "GetUsagePlan");
}

CIRRUS_DECL task delete_usage_plan(service& s, const delete_usage_plan_request& r, empty_result& out,
                                   diagnostics& d) {
    exchange x;
    x.path = "/usageplans";
    add_segment(x.path, r.usage_plan_id);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteUsagePlan");
}

CIRRUS_DECL task create_api_key(service& s, const create_api_key_request& r, api_key& out, diagnostics& d) {
    exchange x;
    x.path = "/apikeys";
    json_out j(x.body);
    j.field("name", r.name);
    j.field_if("description", r.description);
    j.boolean("enabled", r.enabled);
    j.field_if("value", r.value);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateApiKey");
}

CIRRUS_DECL task get_api_key(service& s, const get_api_key_request& r, api_key& out, diagnostics& d) {
    exchange x;
    x.path = "/apikeys";
    add_segment(x.path, r.api_key_id);
    if (r.include_value) add_query(x.query, "includeValue", "true");
    co_return co_await call(s, verb::get, x, out, d, "GetApiKey");
}

CIRRUS_DECL task delete_api_key(service& s, const delete_api_key_request& r, empty_result& out, diagnostics& d) {
    exchange x;
    x.path = "/apikeys";
    add_segment(x.path, r.api_key_id);
    co_return co_await call(s, verb::delete_, x, out, d, "DeleteApiKey");
}

CIRRUS_DECL task create_usage_plan_key(service& s, const create_usage_plan_key_request& r, usage_plan_key& out,
                                       diagnostics& d) {
    exchange x;
    x.path = "/usageplans";
    add_segment(x.path, r.usage_plan_id);
    x.path += "/keys";
    json_out j(x.body);
    j.field("keyId", r.key_id);
    j.field("keyType", r.key_type.empty() ? std::string_view("API_KEY") : r.key_type);
    j.close();
    co_return co_await call(s, verb::post, x, out, d, "CreateUsagePlanKey");
}

} // namespace ops

} // namespace cirrus::apigateway::detail
