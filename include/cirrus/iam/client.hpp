#pragma once
// The IAM client (awsQuery: form-encoded POST, XML responses).
//
//   cirrus::iam::client<> iam(co_await asio::this_coro::executor);
//   auto u = co_await iam.async_create_user({.user_name = "ada"});
//   auto key = co_await iam.async_create_access_key({.user_name = "ada"});
//   // key.secret_access_key is returned once; printing the key never shows it
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) and completes with
// void(error_code, <result>), started like every cirrus operation (docs/async.md). A
// failure's diagnostics hold the service's code ("NoSuchEntity", "DeleteConflict" ...),
// message and request id. The endpoint comes from options.endpoint,
// $AWS_ENDPOINT_URL_IAM, $AWS_ENDPOINT_URL or the provider's endpoint.

#include <cirrus/aws/detail/service_op.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/iam/detail/operations.hpp>
#include <cirrus/iam/model.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace cirrus::iam {

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

    // list_users and list_access_keys return one page (page<T>::marker for the next).
    template <class... Args>
    auto async_create_user(const create_user_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_user(const get_user_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_users(const list_users_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_user(const delete_user_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_create_access_key(const create_access_key_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_access_keys(const list_access_keys_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_access_key(const delete_access_key_request& r, Args&&... args) {
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

} // namespace cirrus::iam
