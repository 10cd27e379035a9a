#pragma once
// The STS client (awsQuery: form-encoded POST, XML responses).
//
//   cirrus::sts::client<> sts(co_await asio::this_coro::executor);
//   auto me = co_await sts.async_get_caller_identity();
//   auto role = co_await sts.async_assume_role({.role_arn = arn, .session_name = "deploy"});
//   // role.credentials: temporary credentials (printing never shows the secret)
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) and completes with
// void(error_code, <result>), started like every cirrus operation (docs/async.md). A
// failure's diagnostics hold the service's code ("AccessDenied", "ExpiredToken" ...),
// message and request id. The endpoint comes from options.endpoint,
// $AWS_ENDPOINT_URL_STS, $AWS_ENDPOINT_URL or the provider's regional endpoint.

#include <cirrus/aws/detail/service_op.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/sts/detail/operations.hpp>
#include <cirrus/sts/model.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace cirrus::sts {

using client_options = aws::service_options;

template <provider::Provider Provider = provider::aws>
class client {
public:
    using executor_type = boost::asio::any_io_executor;
    using provider_type = Provider;

    explicit client(executor_type ex) : client(std::move(ex), client_options{}) {}
    client(executor_type ex, client_options options)
        : svc_(aws::detail::make_service<Provider>(std::move(ex), detail::names(), std::move(options))) {}
    client(executor_type ex, client_options options, auth::credentials credentials)
        : client(std::move(ex), with_credentials(std::move(options), std::move(credentials))) {}

    executor_type get_executor() const noexcept { return svc_->executor; }
    const client_options& options() const noexcept { return svc_->options; }
    const http::endpoint& endpoint() const noexcept { return svc_->endpoint; }
    const diagnostics& last_diagnostics() const noexcept { return svc_->last_diagnostics; }

    template <class Request, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const Request& r, Token&& token = {}) {
        return start(r, nullptr, std::forward<Token>(token));
    }
    template <class Request, class Token = default_token>
    auto async_execute(const Request& r, diagnostics& diag, Token&& token = {}) {
        return start(r, &diag, std::forward<Token>(token));
    }

    // Completes with caller_identity: the account, ARN and user id of the credentials.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_get_caller_identity(Token&& token = {}) {
        return async_execute(get_caller_identity_request{}, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_get_caller_identity(diagnostics& diag, Token&& token = {}) {
        return async_execute(get_caller_identity_request{}, diag, std::forward<Token>(token));
    }
    template <class... Args>
    auto async_assume_role(const assume_role_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_assume_role_with_web_identity(const assume_role_with_web_identity_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_session_token(const get_session_token_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

private:
    template <class Request, class Token>
    auto start(const Request& r, diagnostics* diag, Token&& token) {
        static_assert(std::is_trivially_destructible_v<Request>,
                      "requests are views, safe as braced temporaries in co_await");
        return cirrus::detail::async_op(svc_->executor, std::forward<Token>(token),
                                        aws::detail::service_op<detail::operation,
                                                                Request>{svc_, cirrus::detail::owned_copy<Request>(r)},
                                        diag, &svc_->last_diagnostics);
    }

    static client_options with_credentials(client_options o, auth::credentials c) {
        o.credentials = auth::any_credentials_provider(auth::static_provider(std::move(c)));
        return o;
    }

    std::shared_ptr<aws::detail::service> svc_;
};

} // namespace cirrus::sts
