#pragma once
// A chain of providers of either kind (synchronous or asynchronous), and the SDKs' default
// chain with the providers that talk to a service: the environment, the shared files, the
// container credentials endpoint (ECS/EKS), then the EC2 instance metadata service.
//
//   auto provider = cirrus::auth::any_credentials_provider(
//       cirrus::auth::caching_provider(cirrus::auth::default_async_chain()));
//
// cirrus::sts::default_async_chain() (<cirrus/sts/credentials_providers.hpp>) adds web
// identity and shared-file profiles with role_arn, which need the STS client.
//
// The rules are chain_provider's: a provider that has no credentials (missing_credentials)
// or expired ones is skipped; any other error stops the chain and is returned as is.

#include <cirrus/auth/container_provider.hpp>
#include <cirrus/auth/imds_provider.hpp>
#include <cirrus/auth/provider.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

namespace cirrus::auth {

template <any_provider... Providers>
class async_chain_provider {
public:
    explicit async_chain_provider(Providers... providers) : providers_(std::move(providers)...) {}

    boost::asio::awaitable<result<credentials>> async_get(time_point now, diagnostics& diag) {
        outcome_state st;
        co_await try_from<0>(now, st);
        if (st.outcome) {
            if (!*st.outcome) diag = std::move(st.diag);
            co_return std::move(*st.outcome);
        }
        diag.message = "no credentials found: " + (st.reasons.empty() ? std::string("the chain is empty") : st.reasons);
        co_return st.any_expired ? errc::expired_credentials : errc::missing_credentials;
    }

    template <std::size_t I>
    auto& provider() noexcept {
        return std::get<I>(providers_);
    }

private:
    struct outcome_state {
        std::optional<result<credentials>> outcome;
        diagnostics diag; // of the provider that stopped the chain
        std::string reasons;
        bool any_expired = false;
    };

    template <std::size_t I>
    boost::asio::awaitable<void> try_from(time_point now, outcome_state& st) {
        if constexpr (I < sizeof...(Providers)) {
            diagnostics d;
            result<credentials> r = co_await async_get_credentials(std::get<I>(providers_), now, d);
            if (r && r->expired(now)) {
                r = error_code(errc::expired_credentials);
                if (d.message.empty()) d.message = "credentials have expired";
            }
            if (r) {
                st.outcome = std::move(r);
                co_return;
            }
            if (r.error() == errc::missing_credentials || r.error() == errc::expired_credentials) {
                st.any_expired = st.any_expired || r.error() == errc::expired_credentials;
                if (!st.reasons.empty()) st.reasons += "; ";
                st.reasons += d.message.empty() ? r.error().message() : d.message;
                co_await try_from<I + 1>(now, st);
                co_return;
            }
            st.diag = std::move(d);
            st.outcome = r.error();
        }
        co_return;
    }

    std::tuple<Providers...> providers_;
};

template <class... Providers>
async_chain_provider(Providers...) -> async_chain_provider<Providers...>;

using default_async_chain_type =
    async_chain_provider<environment_provider, profile_provider, container_provider, imds_provider>;

// The environment, the shared files, the container endpoint, the instance metadata service.
inline default_async_chain_type default_async_chain(container_options container = {}, imds_options imds = {}) {
    return default_async_chain_type(environment_provider{}, profile_provider{},
                                    container_provider(std::move(container)), imds_provider(std::move(imds)));
}

} // namespace cirrus::auth
