#pragma once
// The API Gateway operations (restJson1 over the shared AWS service core), defined in
// apigateway/impl/operations.ipp (compiled once with CIRRUS_SEPARATE_COMPILATION), and the
// paging policy of GetResources (core/pager.hpp).

#include <cirrus/apigateway/errors.hpp>
#include <cirrus/apigateway/model.hpp>
#include <cirrus/apigateway/requests.hpp>
#include <cirrus/aws/detail/operation.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/pager.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::apigateway::detail {

using task = boost::asio::awaitable<error_code>;
using aws::detail::service;

CIRRUS_DECL aws::detail::service_names names() noexcept;

// Response parsers (canned-bytes tests may call them). They fail with
// errc::malformed_response on anything that is not a JSON object.
CIRRUS_DECL error_code parse(std::string& json, rest_api& out);
CIRRUS_DECL error_code parse(std::string& json, get_resources_result& out);
CIRRUS_DECL error_code parse(std::string& json, resource& out);
CIRRUS_DECL error_code parse(std::string& json, method& out);
CIRRUS_DECL error_code parse(std::string& json, integration& out);
CIRRUS_DECL error_code parse(std::string& json, deployment& out);
CIRRUS_DECL error_code parse(std::string& json, stage& out);
CIRRUS_DECL error_code parse(std::string& json, usage_plan& out);
CIRRUS_DECL error_code parse(std::string& json, api_key& out);
CIRRUS_DECL error_code parse(std::string& json, usage_plan_key& out);

// Request bodies (unit tests may check them).
CIRRUS_DECL std::string create_usage_plan_body(const create_usage_plan_request& r);

#define CIRRUS_APIGATEWAY_OPS(X)                                                                                       \
    X(create_rest_api, rest_api)                                                                                       \
    X(get_rest_api, rest_api)                                                                                          \
    X(delete_rest_api, empty_result)                                                                                   \
    X(get_resources, get_resources_result)                                                                             \
    X(create_resource, resource)                                                                                       \
    X(delete_resource, empty_result)                                                                                   \
    X(put_method, method)                                                                                              \
    X(get_method, method)                                                                                              \
    X(put_integration, integration)                                                                                    \
    X(create_deployment, deployment)                                                                                   \
    X(create_stage, stage)                                                                                             \
    X(get_stage, stage)                                                                                                \
    X(delete_stage, empty_result)                                                                                      \
    X(create_usage_plan, usage_plan)                                                                                   \
    X(get_usage_plan, usage_plan)                                                                                      \
    X(delete_usage_plan, empty_result)                                                                                 \
    X(create_api_key, api_key)                                                                                         \
    X(get_api_key, api_key)                                                                                            \
    X(delete_api_key, empty_result)                                                                                    \
    X(create_usage_plan_key, usage_plan_key)

namespace ops {
#define CIRRUS_APIGATEWAY_DECLARE(name, result)                                                                        \
    CIRRUS_DECL task name(service&, const name##_request&, result&, diagnostics&);
CIRRUS_APIGATEWAY_OPS(CIRRUS_APIGATEWAY_DECLARE)
#undef CIRRUS_APIGATEWAY_DECLARE
} // namespace ops

template <class Request>
struct operation;
#define CIRRUS_APIGATEWAY_OPERATION(name, result)                                                                      \
    template <>                                                                                                        \
    struct operation<name##_request> : aws::detail::bound_operation<name##_request, result, &ops::name> {};
CIRRUS_APIGATEWAY_OPS(CIRRUS_APIGATEWAY_OPERATION)
#undef CIRRUS_APIGATEWAY_OPERATION

// GetResources moves on by position.
struct resources_pages {
    static std::optional<std::string_view> next(const get_resources_result& page) noexcept {
        return aws::detail::next_marker(page.position);
    }
    static std::vector<resource>& items(get_resources_result& page) noexcept { return page.items; }
};
using resources_paging = aws::detail::marker_paging<operation<get_resources_request>, get_resources_request,
                                                    &get_resources_request::position, resources_pages>;

} // namespace cirrus::apigateway::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/apigateway/impl/operations.ipp>
#endif
