#pragma once
// The public face every client over aws::detail::service shares (IAM, STS, ...): the
// constructors (executor only; options; options and fixed credentials) and the accessors
// of core/detail/client_handle.hpp, and async_execute(request, [diagnostics&,] [token])
// started with core/async_op.hpp through the generic request operation
// (core/detail/request_op.hpp). A client derives from it and adds its named operations:
//
//   template <provider::Provider P = provider::aws>
//   class client : public aws::detail::client_base<P, detail::operation, &detail::names> {
//   public:
//       using client::client_base::client_base;
//       CIRRUS_AWS_OPERATION(get_user) // async_get_user(const get_user_request&, ...)
//   };
//
// Operation<Request> is the client's table: result_type and
// `static awaitable<error_code> run(service&, const Request&, result_type&, diagnostics&)`.
// Names() gives the service's endpoint id, signing name and error mapping.

#include <cirrus/auth/provider.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/client_handle.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/provider/provider.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <type_traits>
#include <utility>

// In a client derived from client_base: async_<name>(const <name>_request&, [diagnostics&,]
// [token]), async_execute under the operation's own name.
#define CIRRUS_AWS_OPERATION(name)                                                                                     \
    template <class... Args>                                                                                           \
    auto async_##name(const name##_request& r, Args&&... args) {                                                       \
        return this->async_execute(r, std::forward<Args>(args)...);                                                    \
    }

namespace cirrus::aws::detail {

// A request type the table Operation knows.
template <class Request, template <class> class Operation>
concept operation_request = requires {
    typename Operation<Request>::result_type;
};

// The service state of provider P for the service Names() names.
template <provider::Provider Provider, service_names (*Names)() noexcept>
std::shared_ptr<service> make_client_service(boost::asio::any_io_executor ex, service_options options) {
    return make_service<Provider>(std::move(ex), Names(), std::move(options));
}

template <provider::Provider Provider, template <class> class Operation, service_names (*Names)() noexcept>
class client_base
    : public cirrus::detail::client_handle<Provider, service, service_options, &make_client_service<Provider, Names>> {
public:
    // client(executor, [options, [credentials]]) (core/detail/client_handle.hpp). The
    // endpoint and region come from the options, the environment
    // (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, AWS_REGION ...) or the provider.
    using client_base::client_handle::client_handle;

    // Runs the operation of any request type the client knows.
    template <operation_request<Operation> Request, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const Request& r, Token&& token = {}) {
        return start(r, nullptr, std::forward<Token>(token));
    }
    template <operation_request<Operation> Request, class Token = default_token>
    auto async_execute(const Request& r, diagnostics& diag, Token&& token = {}) {
        return start(r, &diag, std::forward<Token>(token));
    }

    // The service state of a client, for operations that span clients
    // (apigateway::async_deploy_function drives an API Gateway and a Lambda client).
    friend const std::shared_ptr<service>& service_of(const client_base& c) noexcept { return c.core_; }

protected:
    // The service state, shared with running operations and pagers.
    const std::shared_ptr<service>& service_ptr() const noexcept { return this->core_; }

private:
    template <class Request, class Token>
    auto start(const Request& r, diagnostics* diag, Token&& token) {
        return cirrus::detail::start_request<Operation>(this->core_, r, diag, std::forward<Token>(token));
    }
};

} // namespace cirrus::aws::detail
