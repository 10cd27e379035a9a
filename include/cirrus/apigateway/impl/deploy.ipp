#pragma once
// Definitions for apigateway/deploy.hpp: the one-call deploy of a Lambda function behind a
// REST API, and its cleanup when a step fails.

#include <cirrus/apigateway/deploy.hpp>
#include <cirrus/apigateway/detail/operations.hpp>
#include <cirrus/lambda/detail/operations.hpp>

#include <string>
#include <string_view>

namespace cirrus::apigateway::detail {

namespace deploy_wire {

// Field `index` (0-based, ':'-separated) of an ARN; empty when there is none.
inline std::string_view arn_field(std::string_view arn, int index) {
    for (int i = 0; i < index; ++i) {
        const auto colon = arn.find(':');
        if (colon == std::string_view::npos) return {};
        arn.remove_prefix(colon + 1);
    }
    return arn.substr(0, arn.find(':'));
}

// The failing step's name before the service's message.
inline error_code failed(std::string_view step, error_code ec, diagnostics& diag) {
    std::string m(step);
    if (!diag.message.empty()) {
        m += ": ";
        m += diag.message;
    }
    diag.message = std::move(m);
    return ec;
}

// Deletes what `out` says was created, newest first. The errors of the cleanup are not
// reported (the step's error is); a resource that is gone already is fine.
inline boost::asio::awaitable<void> undo(aws::detail::service& api, aws::detail::service& fn,
                                         const deploy_function_request& r, deploy_result& out) {
    diagnostics ignored;
    empty_result none;
    // A usage plan key goes with its API key.
    if (!out.api_key_id.empty()) {
        const delete_api_key_request k{.api_key_id = out.api_key_id};
        co_await ops::delete_api_key(api, k, none, ignored);
    }
    if (!out.usage_plan_id.empty()) {
        const delete_usage_plan_request p{.usage_plan_id = out.usage_plan_id};
        co_await ops::delete_usage_plan(api, p, none, ignored);
    }
    if (!out.statement_id.empty()) {
        const lambda::remove_permission_request p{.function_name = r.function_name, .statement_id = out.statement_id};
        lambda::empty_result lnone;
        co_await lambda::detail::ops::remove_permission(fn, p, lnone, ignored);
    }
    // The API takes its resources, methods, deployments and stages with it.
    if (!out.rest_api_id.empty()) {
        const delete_rest_api_request a{.rest_api_id = out.rest_api_id};
        co_await ops::delete_rest_api(api, a, none, ignored);
    }
}

inline boost::asio::awaitable<error_code> steps(aws::detail::service& api, aws::detail::service& fn,
                                                const deploy_function_request& r, deploy_result& out,
                                                diagnostics& d) {
    // The function's ARN (its region and account name the permission's source).
    {
        lambda::function_configuration f;
        const lambda::get_function_configuration_request g{.function_name = r.function_name};
        if (auto ec = co_await lambda::detail::ops::get_function_configuration(fn, g, f, d))
            co_return failed("GetFunctionConfiguration", ec, d);
        out.function_arn = std::move(f.function_arn);
    }
    const std::string_view fn_name = arn_field(out.function_arn, 6);
    const std::string_view api_name = r.api_name.empty() ? fn_name : r.api_name;
    const std::string_view path_part = r.path_part.empty() ? fn_name : r.path_part;
    const std::string_view region = api.signing_region;

    {
        rest_api a;
        const create_rest_api_request c{
            .name = api_name, .description = r.description, .endpoint_type = r.endpoint_type};
        if (auto ec = co_await ops::create_rest_api(api, c, a, d)) co_return failed("CreateRestApi", ec, d);
        out.rest_api_id = std::move(a.id);
        out.root_resource_id = std::move(a.root_resource_id);
    }
    if (out.root_resource_id.empty()) { // older responses carry no rootResourceId
        get_resources_result page;
        const get_resources_request g{.rest_api_id = out.rest_api_id};
        if (auto ec = co_await ops::get_resources(api, g, page, d)) co_return failed("GetResources", ec, d);
        for (const auto& res : page.items)
            if (res.path == "/") out.root_resource_id = res.id;
    }
    {
        resource res;
        const create_resource_request c{
            .rest_api_id = out.rest_api_id, .parent_id = out.root_resource_id, .path_part = path_part};
        if (auto ec = co_await ops::create_resource(api, c, res, d)) co_return failed("CreateResource", ec, d);
        out.resource_id = std::move(res.id);
    }
    out.http_method = r.http_method.empty() ? std::string("ANY") : std::string(r.http_method);
    {
        method m;
        const put_method_request p{.rest_api_id = out.rest_api_id,
                                   .resource_id = out.resource_id,
                                   .http_method = out.http_method,
                                   .api_key_required = r.api_key_required};
        if (auto ec = co_await ops::put_method(api, p, m, d)) co_return failed("PutMethod", ec, d);
    }
    {
        integration i;
        const std::string uri = lambda_integration_uri(region, out.function_arn);
        const put_integration_request p{.rest_api_id = out.rest_api_id,
                                        .resource_id = out.resource_id,
                                        .http_method = out.http_method,
                                        .type = "AWS_PROXY",
                                        .integration_http_method = "POST",
                                        .uri = uri};
        if (auto ec = co_await ops::put_integration(api, p, i, d)) co_return failed("PutIntegration", ec, d);
    }
    {
        // arn:<partition>:execute-api:<region>:<account>:<api id>/*: any stage, method and path of this API.
        std::string source = "arn:";
        source += arn_field(out.function_arn, 1);
        source += ":execute-api:";
        source += region;
        source += ':';
        source += arn_field(out.function_arn, 4);
        source += ':';
        source += out.rest_api_id;
        source += "/*";
        const std::string sid = r.statement_id.empty() ? "apigateway-" + out.rest_api_id : std::string(r.statement_id);
        lambda::add_permission_result added;
        const lambda::add_permission_request p{.function_name = r.function_name,
                                               .statement_id = sid,
                                               .action = "lambda:InvokeFunction",
                                               .principal = "apigateway.amazonaws.com",
                                               .source_arn = source};
        if (auto ec = co_await lambda::detail::ops::add_permission(fn, p, added, d))
            co_return failed("AddPermission", ec, d);
        out.statement_id = sid;
    }
    out.stage_name = std::string(r.stage_name.empty() ? std::string_view("prod") : r.stage_name);
    {
        deployment dep;
        const create_deployment_request c{.rest_api_id = out.rest_api_id, .description = r.description};
        if (auto ec = co_await ops::create_deployment(api, c, dep, d)) co_return failed("CreateDeployment", ec, d);
        out.deployment_id = std::move(dep.id);
    }
    {
        stage st;
        const create_stage_request c{
            .rest_api_id = out.rest_api_id, .stage_name = out.stage_name, .deployment_id = out.deployment_id};
        if (auto ec = co_await ops::create_stage(api, c, st, d)) co_return failed("CreateStage", ec, d);
    }
    {
        usage_plan plan;
        const std::string name = r.usage_plan_name.empty() ? std::string(api_name) + "-plan"
                                                           : std::string(r.usage_plan_name);
        const api_stage stages[] = {{.api_id = out.rest_api_id, .stage = out.stage_name}};
        const create_usage_plan_request c{
            .name = name, .description = r.description, .api_stages = stages, .throttle = r.throttle, .quota = r.quota};
        if (auto ec = co_await ops::create_usage_plan(api, c, plan, d)) co_return failed("CreateUsagePlan", ec, d);
        out.usage_plan_id = std::move(plan.id);
    }
    {
        api_key key;
        const std::string name =
            r.api_key_name.empty() ? std::string(api_name) + "-key" : std::string(r.api_key_name);
        const create_api_key_request c{.name = name, .description = r.description, .value = r.api_key_value};
        if (auto ec = co_await ops::create_api_key(api, c, key, d)) co_return failed("CreateApiKey", ec, d);
        out.api_key_id = std::move(key.id);
        out.api_key_value = std::move(key.value);
    }
    {
        usage_plan_key k;
        const create_usage_plan_key_request c{.usage_plan_id = out.usage_plan_id, .key_id = out.api_key_id};
        if (auto ec = co_await ops::create_usage_plan_key(api, c, k, d)) co_return failed("CreateUsagePlanKey", ec, d);
    }
    out.invoke_url = "https://";
    out.invoke_url += out.rest_api_id;
    out.invoke_url += ".execute-api.";
    out.invoke_url += region;
    out.invoke_url += ".amazonaws.com/";
    out.invoke_url += out.stage_name;
    out.invoke_url += '/';
    out.invoke_url += path_part;
    co_return error_code{};
}

} // namespace deploy_wire

CIRRUS_DECL boost::asio::awaitable<error_code> deploy_function(aws::detail::service& api, aws::detail::service& fn,
                                                               const deploy_function_request& r, deploy_result& out,
                                                               diagnostics& diag) {
    out = deploy_result{};
    const error_code ec = co_await deploy_wire::steps(api, fn, r, out, diag);
    if (ec) co_await deploy_wire::undo(api, fn, r, out);
    co_return ec;
}

} // namespace cirrus::apigateway::detail
