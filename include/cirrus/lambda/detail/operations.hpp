#pragma once
// The Lambda operations (restJson1 over the shared AWS service core), defined in
// lambda/impl/operations.ipp (compiled once with CIRRUS_SEPARATE_COMPILATION), and the
// paging policies of the listings (core/pager.hpp).

#include <cirrus/aws/detail/operation.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/lambda/errors.hpp>
#include <cirrus/lambda/model.hpp>
#include <cirrus/lambda/requests.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::lambda::detail {

using task = boost::asio::awaitable<error_code>;
using aws::detail::service;

CIRRUS_DECL aws::detail::service_names names() noexcept;

// Response parsers (canned-bytes tests call them directly). They fail with
// errc::malformed_response on anything that is not what Lambda sends.
CIRRUS_DECL error_code parse(std::string& json, function_configuration& out);
CIRRUS_DECL error_code parse(std::string& json, get_function_result& out);
CIRRUS_DECL error_code parse(std::string& json, list_functions_result& out);
CIRRUS_DECL error_code parse(std::string& json, list_versions_result& out);
CIRRUS_DECL error_code parse(std::string& json, alias_configuration& out);
CIRRUS_DECL error_code parse(std::string& json, layer_version& out);
CIRRUS_DECL error_code parse(std::string& json, list_layers_result& out);
CIRRUS_DECL error_code parse(std::string& json, list_layer_versions_result& out);
CIRRUS_DECL error_code parse(std::string& json, add_permission_result& out);
CIRRUS_DECL error_code parse(std::string& json, function_url_config& out);
// The errorType and errorMessage of a function's error document; false when the text is
// not such a document.
CIRRUS_DECL bool parse_function_error(std::string_view json, std::string& type, std::string& message);

// Request bodies (unit tests check them).
CIRRUS_DECL std::string create_function_body(const create_function_request& r);
CIRRUS_DECL std::string update_function_configuration_body(const update_function_configuration_request& r);

namespace ops {
CIRRUS_DECL task create_function(service&, const create_function_request&, function_configuration&, diagnostics&);
CIRRUS_DECL task get_function(service&, const get_function_request&, get_function_result&, diagnostics&);
CIRRUS_DECL task get_function_configuration(service&, const get_function_configuration_request&,
                                            function_configuration&, diagnostics&);
CIRRUS_DECL task list_functions(service&, const list_functions_request&, list_functions_result&, diagnostics&);
CIRRUS_DECL task update_function_code(service&, const update_function_code_request&, function_configuration&,
                                      diagnostics&);
CIRRUS_DECL task update_function_configuration(service&, const update_function_configuration_request&,
                                               function_configuration&, diagnostics&);
CIRRUS_DECL task delete_function(service&, const delete_function_request&, empty_result&, diagnostics&);
CIRRUS_DECL task wait_function_active(service&, const function_active_request&, function_configuration&, diagnostics&);
CIRRUS_DECL task wait_function_updated(service&, const function_updated_request&, function_configuration&,
                                       diagnostics&);
CIRRUS_DECL task invoke(service&, const invoke_request&, invoke_result&, diagnostics&);
CIRRUS_DECL task publish_version(service&, const publish_version_request&, function_configuration&, diagnostics&);
CIRRUS_DECL task create_alias(service&, const create_alias_request&, alias_configuration&, diagnostics&);
CIRRUS_DECL task update_alias(service&, const update_alias_request&, alias_configuration&, diagnostics&);
CIRRUS_DECL task list_versions_by_function(service&, const list_versions_by_function_request&, list_versions_result&,
                                           diagnostics&);
CIRRUS_DECL task publish_layer_version(service&, const publish_layer_version_request&, layer_version&, diagnostics&);
CIRRUS_DECL task list_layers(service&, const list_layers_request&, list_layers_result&, diagnostics&);
CIRRUS_DECL task list_layer_versions(service&, const list_layer_versions_request&, list_layer_versions_result&,
                                     diagnostics&);
CIRRUS_DECL task get_layer_version(service&, const get_layer_version_request&, layer_version&, diagnostics&);
CIRRUS_DECL task delete_layer_version(service&, const delete_layer_version_request&, empty_result&, diagnostics&);
CIRRUS_DECL task add_permission(service&, const add_permission_request&, add_permission_result&, diagnostics&);
CIRRUS_DECL task remove_permission(service&, const remove_permission_request&, empty_result&, diagnostics&);
CIRRUS_DECL task create_function_url_config(service&, const create_function_url_config_request&, function_url_config&,
                                            diagnostics&);
} // namespace ops

template <class Request>
struct operation;
#define CIRRUS_LAMBDA_OPERATION(req, fn, result)                                                                       \
    template <>                                                                                                        \
    struct operation<req> : aws::detail::bound_operation<req, result, &ops::fn> {};
CIRRUS_LAMBDA_OPERATION(create_function_request, create_function, function_configuration)
CIRRUS_LAMBDA_OPERATION(get_function_request, get_function, get_function_result)
CIRRUS_LAMBDA_OPERATION(get_function_configuration_request, get_function_configuration, function_configuration)
CIRRUS_LAMBDA_OPERATION(list_functions_request, list_functions, list_functions_result)
CIRRUS_LAMBDA_OPERATION(update_function_code_request, update_function_code, function_configuration)
CIRRUS_LAMBDA_OPERATION(update_function_configuration_request, update_function_configuration, function_configuration)
CIRRUS_LAMBDA_OPERATION(delete_function_request, delete_function, empty_result)
CIRRUS_LAMBDA_OPERATION(function_active_request, wait_function_active, function_configuration)
CIRRUS_LAMBDA_OPERATION(function_updated_request, wait_function_updated, function_configuration)
CIRRUS_LAMBDA_OPERATION(invoke_request, invoke, invoke_result)
CIRRUS_LAMBDA_OPERATION(publish_version_request, publish_version, function_configuration)
CIRRUS_LAMBDA_OPERATION(create_alias_request, create_alias, alias_configuration)
CIRRUS_LAMBDA_OPERATION(update_alias_request, update_alias, alias_configuration)
CIRRUS_LAMBDA_OPERATION(list_versions_by_function_request, list_versions_by_function, list_versions_result)
CIRRUS_LAMBDA_OPERATION(publish_layer_version_request, publish_layer_version, layer_version)
CIRRUS_LAMBDA_OPERATION(list_layers_request, list_layers, list_layers_result)
CIRRUS_LAMBDA_OPERATION(list_layer_versions_request, list_layer_versions, list_layer_versions_result)
CIRRUS_LAMBDA_OPERATION(get_layer_version_request, get_layer_version, layer_version)
CIRRUS_LAMBDA_OPERATION(delete_layer_version_request, delete_layer_version, empty_result)
CIRRUS_LAMBDA_OPERATION(add_permission_request, add_permission, add_permission_result)
CIRRUS_LAMBDA_OPERATION(remove_permission_request, remove_permission, empty_result)
CIRRUS_LAMBDA_OPERATION(create_function_url_config_request, create_function_url_config, function_url_config)
#undef CIRRUS_LAMBDA_OPERATION

template <class Request>
concept lambda_request = requires {
    typename operation<Request>::result_type;
};

// Where a page of each listing keeps its items.
inline std::vector<function_configuration>& items_of(list_functions_result& p) noexcept { return p.functions; }
inline std::vector<function_configuration>& items_of(list_versions_result& p) noexcept { return p.versions; }
inline std::vector<layer_summary>& items_of(list_layers_result& p) noexcept { return p.layers; }
inline std::vector<layer_version>& items_of(list_layer_versions_result& p) noexcept { return p.layer_versions; }

// Every listing of Lambda moves on by Marker / NextMarker.
struct pages {
    static std::optional<std::string_view> next(const auto& page) noexcept {
        return aws::detail::next_marker(page.next_marker);
    }
    static auto& items(auto& page) noexcept { return items_of(page); }
};
template <class Request>
using paging = aws::detail::marker_paging<operation<Request>, Request, &Request::marker, pages>;

} // namespace cirrus::lambda::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/lambda/impl/operations.ipp>
#endif
