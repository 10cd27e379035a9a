// Deploys a Python function from a directory and invokes it, then (with --api) puts it
// behind an API Gateway REST API with a usage plan and an API key, and takes it all down:
//
//   1. an IAM role Lambda may assume (the IAM client and the policy builder),
//   2. the directory zipped in memory (cirrus::zip),
//   3. CreateFunction with runtime, handler, memory, timeout and environment, then the
//      waiter for State=Active,
//   4. Invoke with an event, the function's answer printed,
//   5. with --api: apigateway::async_deploy_function (REST API, resource, method, AWS_PROXY
//      integration, permission, stage, usage plan, API key),
//   6. everything deleted again (unless --keep).
//
//   lambda_deploy --source DIR [--prefix NAME] [--runtime python3.12] [--handler app.handler]
//                 [--memory MiB] [--timeout S] [--event JSON] [--api] [--keep]
//
// Endpoints come from $AWS_ENDPOINT_URL (moto serves IAM, Lambda and API Gateway on one
// port in the tests) or the services' own; credentials and region from the environment or
// the shared files, as for the AWS SDKs.

#include <cirrus/apigateway/apigateway.hpp>
#include <cirrus/iam/iam.hpp>
#include <cirrus/lambda/lambda.hpp>
#include <cirrus/zip/writer.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace iam = cirrus::iam;
namespace lambda = cirrus::lambda;
namespace apigw = cirrus::apigateway;

namespace {

struct settings {
    std::string source;
    std::string prefix = "cirrus-deploy";
    std::string runtime = "python3.12";
    std::string handler = "app.handler";
    int memory = 256;
    int timeout = 10;
    std::string event = R"({"name":"ada"})";
    bool api = false;
    bool keep = false;
};

asio::awaitable<void> run(settings s) {
    // (Named first: g++ 12 mishandles braced temporaries inside a co_await expression.)
    const auto ex = co_await asio::this_coro::executor;
    iam::client<> roles(ex);
    lambda::client<> fn(ex);
    apigw::client<> api(ex);
    const std::string role_name = s.prefix + "-role";
    const std::string function_name = s.prefix + "-fn";

    // 1. The execution role.
    const std::string trust = iam::policy_document::trust_service("lambda.amazonaws.com").json();
    const std::string role_description = "runs " + function_name;
    auto role = co_await roles.async_create_role(
        {.role_name = role_name, .assume_role_policy_document = trust, .description = role_description});
    std::printf("role %s\n", role.arn.c_str());

    // 2. The package.
    std::string package;
    if (auto ec = cirrus::zip::zip_directory(s.source, package))
        throw std::runtime_error("zip " + s.source + ": " + ec.message());
    std::printf("package %zu bytes from %s\n", package.size(), s.source.c_str());

    // 3. The function, Active.
    const cirrus::string_pair env[] = {{"STAGE", "demo"}, {"OWNER", s.prefix}};
    const lambda::create_function_request create{.function_name = function_name,
                                                 .role = role.arn,
                                                 .code = {.zip_file = package},
                                                 .runtime = s.runtime,
                                                 .handler = s.handler,
                                                 .description = "deployed by cirrus",
                                                 .timeout = s.timeout,
                                                 .memory_size = s.memory,
                                                 .environment = cirrus::pairs_view(env)};
    auto created = co_await fn.async_create_function(create);
    auto f = co_await fn.async_wait_function_active({.function_name = function_name});
    std::printf("function %s: %s, %s, %d MiB, %d s, state %s\n", f.function_arn.c_str(), f.runtime.c_str(),
                f.handler.c_str(), f.memory_size, f.timeout, f.state.c_str());
    (void)created;

    // 4. One invocation.
    auto out = co_await fn.async_invoke({.function_name = function_name, .payload = s.event});
    std::printf("invoke %s -> status=%d %s\n", s.event.c_str(), out.status_code, out.payload.c_str());

    // 5. The HTTP front.
    apigw::deploy_result front;
    if (s.api) {
        const apigw::deploy_function_request deploy{.function_name = function_name,
                                                    .throttle = {.rate_limit = 10, .burst_limit = 20},
                                                    .quota = {.limit = 10000, .period = "MONTH"}};
        front = co_await apigw::async_deploy_function(api, fn, deploy);
        std::printf("api %s: %s %s (x-api-key %zu characters), usage plan %s\n", front.rest_api_id.c_str(),
                    front.http_method.c_str(), front.invoke_url.c_str(), front.api_key_value.size(),
                    front.usage_plan_id.c_str());
    }

    if (s.keep) co_return;
    // 6. Down again.
    if (s.api) {
        co_await api.async_delete_api_key({.api_key_id = front.api_key_id});
        co_await api.async_delete_usage_plan({.usage_plan_id = front.usage_plan_id});
        co_await api.async_delete_rest_api({.rest_api_id = front.rest_api_id});
    }
    co_await fn.async_delete_function({.function_name = function_name});
    co_await roles.async_delete_role({.role_name = role_name, .cleanup = true});
    std::printf("cleaned up\n");
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool more = i + 1 < argc;
        if (a == "--source" && more) s.source = argv[++i];
        else if (a == "--prefix" && more) s.prefix = argv[++i];
        else if (a == "--runtime" && more) s.runtime = argv[++i];
        else if (a == "--handler" && more) s.handler = argv[++i];
        else if (a == "--memory" && more) s.memory = std::atoi(argv[++i]);
        else if (a == "--timeout" && more) s.timeout = std::atoi(argv[++i]);
        else if (a == "--event" && more) s.event = argv[++i];
        else if (a == "--api") s.api = true;
        else if (a == "--keep") s.keep = true;
        else {
            s.source.clear();
            break;
        }
    }
    if (s.source.empty()) {
        std::fprintf(stderr, "usage: lambda_deploy --source DIR [--prefix NAME] [--runtime R] [--handler H]\n"
                             "                     [--memory MiB] [--timeout S] [--event JSON] [--api] [--keep]\n");
        return 2;
    }
    asio::io_context ioc;
    std::exception_ptr failure;
    asio::co_spawn(ioc, run(s), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lambda_deploy: %s\n", e.what());
        }
        return 1;
    }
    return 0;
}
