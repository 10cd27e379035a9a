#pragma once
// The API Gateway client for REST APIs (v1; restJson1: REST paths, JSON bodies; SigV4 with
// the name "apigateway").
//
//   namespace apigw = cirrus::apigateway;
//   apigw::client<> api(co_await asio::this_coro::executor);
//   auto a = co_await api.async_create_rest_api({.name = "hello", .endpoint_type = "REGIONAL"});
//   auto r = co_await api.async_create_resource({.rest_api_id = a.id, .parent_id = a.root_resource_id,
//                                               .path_part = "hello"});
//   co_await api.async_put_method({.rest_api_id = a.id, .resource_id = r.id, .http_method = "ANY"});
//
// apigateway::async_deploy_function (deploy.hpp) puts a Lambda function behind a new API in
// one call.
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) (or
// async_execute(request, ...)) and completes with void(error_code, <result>), started like
// every cirrus operation (core/async_op.hpp, docs/async.md). A failure's diagnostics hold
// the service's code ("NotFoundException" ...), message and request id; the error is an
// apigateway::errc (errors.hpp).
//
// The endpoint comes from options.endpoint, $AWS_ENDPOINT_URL_API_GATEWAY (the SDKs' name),
// $AWS_ENDPOINT_URL or the provider's regional endpoint. Requests are views, copied when
// the operation starts; the client may be destroyed while operations run.

#include <cirrus/apigateway/detail/operations.hpp>
#include <cirrus/apigateway/errors.hpp>
#include <cirrus/apigateway/model.hpp>
#include <cirrus/apigateway/requests.hpp>
#include <cirrus/aws/detail/client_base.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>

#include <utility>

namespace cirrus::apigateway {

using client_options = aws::service_options;

// The pages of GetResources as an async range (core/pager.hpp).
using resources_pager = cirrus::pager<detail::resources_paging>;

template <provider::Provider Provider = provider::aws>
class client : public aws::detail::client_base<Provider, detail::operation, &detail::names> {
public:
    using client::client_base::client_base;

#define CIRRUS_APIGATEWAY_CALL(name, result) CIRRUS_AWS_OPERATION(name)
    // create_rest_api, get_rest_api, delete_rest_api, get_resources (one page),
    // create_resource, delete_resource, put_method, get_method, put_integration,
    // create_deployment, create_stage, get_stage, delete_stage, create_usage_plan,
    // get_usage_plan, delete_usage_plan, create_api_key, get_api_key, delete_api_key,
    // create_usage_plan_key (requests.hpp, results in model.hpp)
    CIRRUS_APIGATEWAY_OPS(CIRRUS_APIGATEWAY_CALL)
#undef CIRRUS_APIGATEWAY_CALL

    // Every resource of an API (keep the pager where it is: it is neither copyable nor
    // movable, as its request views the markers it keeps).
    resources_pager get_resources_pages(const get_resources_request& r) const { return {this->service_ptr(), r}; }
};

} // namespace cirrus::apigateway
