#pragma once
// The public face every client shares over its state (S3, DynamoDB, and the AWS services of
// aws/detail/client_base.hpp): the constructors (executor only; options; options and fixed
// credentials) and the accessors. The state is shared with running operations and pagers,
// so a client may go away while they run.
//
//   template <provider::Provider P = provider::aws>
//   class client : public cirrus::detail::client_handle<P, detail::core, client_options,
//                                                       &detail::make_client_core<P>> {
//   public:
//       using client::client_handle::client_handle;
//       ...
//   };
//
// MakeCore(executor, options) builds the client's state, resolving the endpoint for the
// provider. Core is found by argument-dependent lookup to give executor_of(const Core&),
// options_of(const Core&), endpoint_of(const Core&) and last_diagnostics_of(Core&).

#include <cirrus/auth/provider.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/http/endpoint.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <utility>

namespace cirrus::detail {

template <class Provider, class Core, class Options,
          std::shared_ptr<Core> (*MakeCore)(boost::asio::any_io_executor, Options)>
class client_handle {
public:
    using executor_type = boost::asio::any_io_executor;
    using provider_type = Provider;

    // A malformed or missing endpoint is reported by every operation
    // (http::errc::invalid_endpoint).
    explicit client_handle(executor_type ex) : client_handle(std::move(ex), Options{}) {}
    client_handle(executor_type ex, Options options) : core_(MakeCore(std::move(ex), std::move(options))) {}
    // With fixed credentials.
    client_handle(executor_type ex, Options options, auth::credentials credentials)
        : client_handle(std::move(ex), auth::with_static_credentials(std::move(options), std::move(credentials))) {}

    executor_type get_executor() const noexcept { return executor_of(*core_); }
    const Options& options() const noexcept { return options_of(*core_); }
    const http::endpoint& endpoint() const noexcept { return endpoint_of(*core_); }
    // What the server (or the client) said about the last failed operation started
    // without a diagnostics argument.
    const diagnostics& last_diagnostics() const noexcept { return last_diagnostics_of(*core_); }

protected:
    std::shared_ptr<Core> core_;
};

} // namespace cirrus::detail
