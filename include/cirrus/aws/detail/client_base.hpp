#pragma once
// The public face every client over aws::detail::service shares (IAM, STS, ...): the
// constructors (executor only; options; options and fixed credentials), the accessors, and
// async_execute(request, [diagnostics&,] [token]) started with core/async_op.hpp through the
// generic request operation (core/detail/request_op.hpp). A client derives from it and adds
// its named operations:
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

template <provider::Provider Provider, template <class> class Operation, service_names (*Names)() noexcept>
class client_base {
public:
    using executor_type = boost::asio::any_io_executor;
    using provider_type = Provider;

    // The endpoint and region come from the options, the environment
    // (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, AWS_REGION ...) or the provider. A
    // missing or malformed endpoint is reported by every operation.
    explicit client_base(executor_type ex) : client_base(std::move(ex), service_options{}) {}
    client_base(executor_type ex, service_options options)
        : svc_(make_service<Provider>(std::move(ex), Names(), std::move(options))) {}
    // With fixed credentials.
    client_base(executor_type ex, service_options options, auth::credentials credentials)
        : client_base(std::move(ex), auth::with_static_credentials(std::move(options), std::move(credentials))) {}

    executor_type get_executor() const noexcept { return svc_->executor; }
    const service_options& options() const noexcept { return svc_->options; }
    const http::endpoint& endpoint() const noexcept { return svc_->endpoint; }
    // What the server (or the client) said about the last failed operation started
    // without a diagnostics argument.
    const diagnostics& last_diagnostics() const noexcept { return svc_->last_diagnostics; }

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
    friend const std::shared_ptr<service>& service_of(const client_base& c) noexcept { return c.svc_; }

protected:
    // The service state, shared with running operations and pagers.
    const std::shared_ptr<service>& service_ptr() const noexcept { return svc_; }

private:
    template <class Request, class Token>
    auto start(const Request& r, diagnostics* diag, Token&& token) {
        return cirrus::detail::start_request<Operation>(svc_, r, diag, std::forward<Token>(token));
    }

    std::shared_ptr<service> svc_;
};

} // namespace cirrus::aws::detail
