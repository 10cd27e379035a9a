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

#include <cirrus/aws/detail/client_base.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/sts/detail/operations.hpp>
#include <cirrus/sts/model.hpp>

#include <utility>

namespace cirrus::sts {

using client_options = aws::service_options;

template <provider::Provider Provider = provider::aws>
class client : public aws::detail::client_base<Provider, detail::operation, &detail::names> {
public:
    using client::client_base::client_base;

    // Completes with caller_identity: the account, ARN and user id of the credentials.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_get_caller_identity(Token&& token = {}) {
        return this->async_execute(get_caller_identity_request{}, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_get_caller_identity(diagnostics& diag, Token&& token = {}) {
        return this->async_execute(get_caller_identity_request{}, diag, std::forward<Token>(token));
    }
    CIRRUS_AWS_OPERATION(assume_role)
    // Sent unsigned, as the AWS SDKs send it: the token is the proof of identity, and the
    // client's credentials are not asked for.
    CIRRUS_AWS_OPERATION(assume_role_with_web_identity)
    CIRRUS_AWS_OPERATION(get_session_token)
};

} // namespace cirrus::sts
