#pragma once
// The Lambda client (restJson1: REST paths, JSON bodies; SigV4 with the name "lambda").
//
//   namespace lambda = cirrus::lambda;
//   lambda::client<> fn(co_await asio::this_coro::executor);
//   co_await fn.async_create_function({.function_name = "hello", .role = role_arn,
//                                      .code = {.zip_file = zip}, .runtime = "python3.12",
//                                      .handler = "app.handler"});
//   co_await fn.async_wait_function_active({.function_name = "hello"});
//   auto r = co_await fn.async_invoke({.function_name = "hello", .payload = R"({"a":1})"});
//   // r.payload: the function's response
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) (or
// async_execute(request, ...)) and completes with void(error_code, <result>), started like
// every cirrus operation (core/async_op.hpp, docs/async.md): any Asio completion token,
// cirrus::default_token when none is given (throws error_with_diagnostics when
// co_awaited). A failure's diagnostics hold the service's code
// ("ResourceNotFoundException" ...), message and request id; the error is a
// lambda::errc (errors.hpp). Invoke's result reaches the handler with
// errc::function_error too: its payload is the function's error document.
//
// The endpoint comes from options.endpoint, $AWS_ENDPOINT_URL_LAMBDA, $AWS_ENDPOINT_URL or
// the provider's regional endpoint. Requests are views, copied when the operation starts;
// the client may be destroyed while operations run.

#include <cirrus/aws/detail/client_base.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/lambda/detail/operations.hpp>
#include <cirrus/lambda/errors.hpp>
#include <cirrus/lambda/model.hpp>
#include <cirrus/lambda/requests.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace cirrus::lambda {

using client_options = aws::service_options;

// The pages of ListFunctions, ListVersionsByFunction, ListLayers or ListLayerVersions as an
// async range (core/pager.hpp), without Marker handling:
//   auto pages = fn.list_functions_pages({});
//   while (auto f = co_await pages.async_next()) use(*f);
template <class Request>
using pager = cirrus::pager<detail::paging<Request>>;

template <provider::Provider Provider = provider::aws>
class client : public aws::detail::client_base<Provider, detail::operation, &detail::names> {
public:
    using client::client_base::client_base;

    // ------------------------------------------------------------------ functions
    CIRRUS_AWS_OPERATION(create_function)
    CIRRUS_AWS_OPERATION(get_function)
    CIRRUS_AWS_OPERATION(get_function_configuration)
    CIRRUS_AWS_OPERATION(list_functions) // one page; list_functions_pages() walks them all
    CIRRUS_AWS_OPERATION(update_function_code)
    CIRRUS_AWS_OPERATION(update_function_configuration)
    CIRRUS_AWS_OPERATION(delete_function)
    CIRRUS_AWS_OPERATION(invoke)
    // ------------------------------------------------------------------ versions, aliases
    CIRRUS_AWS_OPERATION(publish_version)
    CIRRUS_AWS_OPERATION(create_alias)
    CIRRUS_AWS_OPERATION(update_alias)
    CIRRUS_AWS_OPERATION(list_versions_by_function)
    // ------------------------------------------------------------------ layers
    CIRRUS_AWS_OPERATION(publish_layer_version)
    CIRRUS_AWS_OPERATION(list_layers)
    CIRRUS_AWS_OPERATION(list_layer_versions)
    CIRRUS_AWS_OPERATION(get_layer_version)
    CIRRUS_AWS_OPERATION(delete_layer_version)
    // ------------------------------------------------------------------ policy, URLs
    CIRRUS_AWS_OPERATION(add_permission)
    CIRRUS_AWS_OPERATION(remove_permission)
    CIRRUS_AWS_OPERATION(create_function_url_config)

    // Waiters (requests.hpp): State=Active; LastUpdateStatus=Successful. Both complete with
    // the last configuration read.
    template <class... Args>
    auto async_wait_function_active(const function_active_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_wait_function_updated(const function_updated_request& r, Args&&... args) {
        return this->async_execute(r, std::forward<Args>(args)...);
    }

    // Listings as async ranges (keep the pager where it is: it is neither copyable nor
    // movable, as its request views the markers it keeps).
    pager<list_functions_request> list_functions_pages(const list_functions_request& r) const {
        return {this->service_ptr(), r};
    }
    pager<list_versions_by_function_request> list_versions_by_function_pages(
        const list_versions_by_function_request& r) const {
        return {this->service_ptr(), r};
    }
    pager<list_layers_request> list_layers_pages(const list_layers_request& r) const {
        return {this->service_ptr(), r};
    }
    pager<list_layer_versions_request> list_layer_versions_pages(const list_layer_versions_request& r) const {
        return {this->service_ptr(), r};
    }
};

} // namespace cirrus::lambda
