#pragma once
// Credentials providers: where a client gets its credentials from.
//
// A provider is any type with
//     cirrus::result<credentials> get(std::chrono::system_clock::time_point now);
// (the credentials_provider concept). It may also offer
//     cirrus::result<credentials> get(time_point now, cirrus::diagnostics& diag);
// to explain a failure; the providers here all do. Errors:
//   errc::missing_credentials  the source has nothing (a chain moves on to the next one)
//   errc::expired_credentials  the source's credentials have expired
//   errc::invalid_config       the source is there but malformed (a chain stops here)
// Messages name the source (variable, file and line, profile) and never hold a secret.
//
// These providers read local sources and are synchronous. Providers that talk to a
// service (IMDS, ECS, STS) are asynchronous (async_credentials_provider below) and live
// beside their clients; caching_provider and any_credentials_provider take both kinds.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/profile_file.hpp>
#include <cirrus/core/detail/environment.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::auth {

namespace asio = boost::asio;

using time_point = std::chrono::system_clock::time_point;

template <class P>
concept credentials_provider = requires(P& p, time_point now) {
    { p.get(now) } -> std::convertible_to<result<credentials>>;
};

// Calls p.get(now, diag) when the provider can explain failures, else p.get(now).
template <credentials_provider P>
result<credentials> get_credentials(P& p, time_point now, diagnostics& diag) {
    if constexpr (requires {
                      { p.get(now, diag) } -> std::convertible_to<result<credentials>>;
                  }) {
        return p.get(now, diag);
    } else {
        result<credentials> r = p.get(now);
        if (!r && diag.message.empty()) diag.message = "credentials provider failed";
        return r;
    }
}

namespace detail {
inline error_code credentials_error(diagnostics& diag, errc code, std::string message) {
    diag.message = std::move(message);
    return code;
}
} // namespace detail

// ---------------------------------------------------------------------------------------

// The credentials handed to requests: one immutable snapshot shared by every request that
// signs with it, so no request copies the secret.
using credentials_ptr = std::shared_ptr<const credentials>;

// Fixed credentials given by the program.
class static_provider {
public:
    explicit static_provider(credentials c) : credentials_(std::make_shared<const credentials>(std::move(c))) {}
    static_provider(std::string access_key_id, std::string secret_access_key, std::string session_token = {})
        : static_provider(
              credentials{std::move(access_key_id), std::move(secret_access_key), std::move(session_token), {}}) {}

    result<credentials> get(time_point now, diagnostics& diag) const {
        if (auto ec = check(now, diag)) return ec;
        return *credentials_;
    }
    // The one snapshot every request shares (no copy, no allocation per call).
    result<credentials_ptr> get_shared(time_point now, diagnostics& diag) const {
        if (auto ec = check(now, diag)) return ec;
        return credentials_;
    }
    result<credentials> get(time_point now) const {
        diagnostics diag;
        return get(now, diag);
    }
    // The snapshot when it is usable, else null (get_shared says why).
    credentials_ptr peek_shared(time_point now) const {
        diagnostics diag;
        return check(now, diag) ? nullptr : credentials_;
    }

private:
    error_code check(time_point now, diagnostics& diag) const {
        if (credentials_->access_key_id.empty() || credentials_->secret_access_key.empty())
            return detail::credentials_error(diag, errc::missing_credentials,
                                             "static credentials: access key id or secret access key is empty");
        if (credentials_->expired(now))
            return detail::credentials_error(diag, errc::expired_credentials, "static credentials have expired");
        return {};
    }

    credentials_ptr credentials_;
};

// ---------------------------------------------------------------------------------------

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (legacy names
// AWS_ACCESS_KEY, AWS_SECRET_KEY and AWS_SECURITY_TOKEN are read when the current ones are
// unset), and AWS_CREDENTIAL_EXPIRATION (ISO 8601) when present. Read on every get().
// Setting only one of the key id and the secret is an error, not a reason to fall back to
// another source, which could hold another identity.
class environment_provider {
public:
    result<credentials> get(time_point now, diagnostics& diag) const {
        auto id = lookup("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
        auto secret = lookup("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
        if (!id && !secret)
            return detail::credentials_error(diag, errc::missing_credentials, "environment: AWS_ACCESS_KEY_ID not set");
        if (!secret)
            return detail::credentials_error(diag, errc::invalid_config,
                                             "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        if (!id)
            return detail::credentials_error(diag, errc::invalid_config,
                                             "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
        credentials c;
        c.access_key_id = std::move(*id);
        c.secret_access_key = std::move(*secret);
        c.session_token = lookup("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN").value_or(std::string());
        if (auto expiration = cirrus::detail::getenv_nonempty("AWS_CREDENTIAL_EXPIRATION")) {
            c.expiration = detail::parse_iso8601(*expiration);
            if (!c.expiration)
                return detail::credentials_error(diag, errc::invalid_config,
                                                 "environment: AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
            if (c.expired(now))
                return detail::credentials_error(diag, errc::expired_credentials,
                                                 "environment: credentials expired (AWS_CREDENTIAL_EXPIRATION)");
        }
        return c;
    }
    result<credentials> get(time_point now) const {
        diagnostics diag;
        return get(now, diag);
    }

private:
    static std::optional<std::string> lookup(const char* name, const char* legacy) {
        if (auto v = cirrus::detail::getenv_nonempty(name)) return v;
        return cirrus::detail::getenv_nonempty(legacy);
    }
};

// ---------------------------------------------------------------------------------------

// aws_access_key_id, aws_secret_access_key and aws_session_token of a profile in the shared
// config and credentials files (see profile_file.hpp for the file rules). By default the
// locations and the profile come from the environment, read on every get().
class profile_provider {
public:
    profile_provider() = default;
    explicit profile_provider(profile_file_locations locations) : locations_(std::move(locations)) {}

    result<credentials> get(time_point /*now*/, diagnostics& diag) const {
        const profile_file_locations locations = locations_ ? *locations_ : profile_file_locations::from_environment();
        auto set = load_profile_files(locations, diag);
        if (!set) return set.error();
        const std::string& name = locations.profile_name;
        const profile* p = set->find(name);
        if (p == nullptr) return not_found(diag, *set, name);

        const profile_property* id = non_empty(p->find("aws_access_key_id"));
        const profile_property* secret = non_empty(p->find("aws_secret_access_key"));
        if (id == nullptr && secret == nullptr)
            return detail::credentials_error(diag, errc::missing_credentials,
                                             "profile '" + name + "' has no aws_access_key_id");
        if (secret == nullptr)
            return detail::credentials_error(diag, errc::invalid_config,
                                             "profile '" + name + "': aws_access_key_id is set (" + where(*set, *id) +
                                                 ") but aws_secret_access_key is not");
        if (id == nullptr)
            return detail::credentials_error(diag, errc::invalid_config,
                                             "profile '" + name + "': aws_secret_access_key is set (" +
                                                 where(*set, *secret) + ") but aws_access_key_id is not");
        credentials c;
        c.access_key_id = id->value;
        c.secret_access_key = secret->value;
        if (auto token = p->get("aws_session_token")) c.session_token = std::string(*token);
        return c;
    }
    result<credentials> get(time_point now) const {
        diagnostics diag;
        return get(now, diag);
    }

private:
    static const profile_property* non_empty(const profile_property* p) noexcept {
        return p != nullptr && !p->value.empty() ? p : nullptr;
    }
    static std::string where(const profile_set& set, const profile_property& p) {
        return set.path(p.source) + ":" + std::to_string(p.line);
    }
    static error_code not_found(diagnostics& diag, const profile_set& set, const std::string& name) {
        std::string message = "profile '" + name + "' not found";
        const std::string& config = set.path(profile_file_kind::config);
        const std::string& creds = set.path(profile_file_kind::credentials);
        if (config.empty() && creds.empty()) {
            message += " (no shared config or credentials file)";
        } else {
            message += " in ";
            message += config.empty() ? creds : creds.empty() ? config : config + " or " + creds;
        }
        return detail::credentials_error(diag, errc::missing_credentials, std::move(message));
    }

    std::optional<profile_file_locations> locations_;
};

// ---------------------------------------------------------------------------------------

// Tries its providers in order and returns the first credentials. A provider that has
// none (missing_credentials) or whose credentials have expired is skipped; any other
// error (a malformed file, a partial environment) stops the chain and is returned as is.
// When every provider is skipped, the error is missing_credentials (or
// expired_credentials if one had expired ones) and the message lists each reason.
template <credentials_provider... Providers>
class chain_provider {
public:
    explicit chain_provider(Providers... providers) : providers_(std::move(providers)...) {}

    result<credentials> get(time_point now, diagnostics& diag) {
        std::optional<result<credentials>> outcome;
        std::string reasons;
        bool any_expired = false;
        auto try_one = [&](auto& provider) {
            diagnostics d;
            result<credentials> r = get_credentials(provider, now, d);
            if (r && r->expired(now)) {
                r = error_code(errc::expired_credentials);
                if (d.message.empty()) d.message = "credentials have expired";
            }
            if (r) {
                outcome = std::move(r);
                return true;
            }
            if (r.error() == errc::missing_credentials || r.error() == errc::expired_credentials) {
                any_expired = any_expired || r.error() == errc::expired_credentials;
                if (!reasons.empty()) reasons += "; ";
                reasons += d.message.empty() ? r.error().message() : d.message;
                return false;
            }
            diag.message = std::move(d.message);
            outcome = r.error();
            return true;
        };
        std::apply([&](auto&... p) { (try_one(p) || ...); }, providers_);
        if (outcome) return std::move(*outcome);
        diag.message = "no credentials found: " + (reasons.empty() ? std::string("the chain is empty") : reasons);
        return any_expired ? errc::expired_credentials : errc::missing_credentials;
    }
    result<credentials> get(time_point now) {
        diagnostics diag;
        return get(now, diag);
    }

    template <std::size_t I>
    auto& provider() noexcept {
        return std::get<I>(providers_);
    }

private:
    std::tuple<Providers...> providers_;
};

template <class... Providers>
chain_provider(Providers...) -> chain_provider<Providers...>;

// The local part of the SDKs' default chain: the environment, then the shared files.
inline chain_provider<environment_provider, profile_provider> default_chain() {
    return chain_provider<environment_provider, profile_provider>(environment_provider{}, profile_provider{});
}

// ---------------------------------------------------------------------------------------

// Providers that talk to a service are asynchronous: a type with
//     asio::awaitable<cirrus::result<credentials>> async_get(time_point now, diagnostics& diag);
// (the async_credentials_provider concept). caching_provider and any_credentials_provider
// take either kind.
template <class P>
concept async_credentials_provider = requires(P& p, time_point now, diagnostics& diag) {
    { p.async_get(now, diag) } -> std::same_as<asio::awaitable<result<credentials>>>;
};

template <class P>
concept any_provider = credentials_provider<P> || async_credentials_provider<P>;

// Asks either kind of provider; a synchronous one is called in place.
template <any_provider P>
asio::awaitable<result<credentials>> async_get_credentials(P& p, time_point now, diagnostics& diag) {
    if constexpr (async_credentials_provider<P>) {
        co_return co_await p.async_get(now, diag);
    } else {
        co_return get_credentials(p, now, diag);
    }
}

// Remembers the credentials of its provider and refreshes them refresh_margin ahead of
// their expiration (credentials without one are kept until invalidate()).
//
// async_get_shared() never waits while the remembered credentials are valid: inside the
// margin it starts a refresh in the background and returns the current snapshot. Callers
// that have no valid credentials wait for the refresh. At most one refresh is in flight;
// every caller that arrives meanwhile shares its outcome (single flight). If a refresh
// fails while the remembered credentials are still valid, those stay in use.
//
// get() (synchronous) works for synchronous providers as before: one caller refreshes
// while the others wait. With an asynchronous provider get() returns the remembered
// credentials while they are valid, and errc::unsupported when a refresh is needed.
// Copies and moves share the cache.
template <any_provider P>
class caching_provider {
public:
    static constexpr std::chrono::seconds default_refresh_margin{300};

    explicit caching_provider(P provider, std::chrono::seconds refresh_margin = default_refresh_margin)
        : state_(std::make_shared<state>(std::move(provider), refresh_margin)) {}

    // The current snapshot, refreshing as described above.
    asio::awaitable<result<credentials_ptr>> async_get_shared(time_point now, diagnostics& diag) {
        std::shared_ptr<state> s = state_;
        std::shared_ptr<waiter> w;
        credentials_ptr current;
        bool start = false;
        {
            std::lock_guard lock(s->mutex);
            if (s->cached && !s->cached->expired(now, s->margin)) co_return s->cached;
            if (!s->refreshing) s->refreshing = start = true;
            if (s->cached && !s->cached->expired(now)) {
                current = s->cached; // refresh ahead of expiry; no need to wait
            } else {
                w = std::make_shared<waiter>(co_await asio::this_coro::executor);
                s->waiters.push_back(w);
            }
        }
        if (start) asio::co_spawn(co_await asio::this_coro::executor, refresh(s, now), asio::detached);
        if (!w) co_return current;
        error_code ignored;
        co_await w->done.async_receive(asio::redirect_error(asio::use_awaitable, ignored));
        if (!w->outcome) diag = std::move(w->diag);
        co_return std::move(w->outcome);
    }

    asio::awaitable<result<credentials>> async_get(time_point now, diagnostics& diag) {
        result<credentials_ptr> r = co_await async_get_shared(now, diag);
        if (!r) co_return r.error();
        co_return **r;
    }

    // The remembered snapshot while it is valid and outside the refresh margin, else null
    // (async_get_shared refreshes): no waiting, no I/O.
    credentials_ptr peek_shared(time_point now) const {
        std::lock_guard lock(state_->mutex);
        const auto& c = state_->cached;
        return c && !c->expired(now, state_->margin) ? c : nullptr;
    }

    result<credentials_ptr> get_shared(time_point now, diagnostics& diag) {
        state& s = *state_;
        {
            std::lock_guard lock(s.mutex);
            if (s.cached && !s.cached->expired(now, s.margin)) return s.cached;
        }
        if constexpr (!credentials_provider<P>) {
            std::lock_guard lock(s.mutex);
            if (s.cached && !s.cached->expired(now)) return s.cached;
            return detail::credentials_error(diag, errc::unsupported,
                                             "these credentials are refreshed asynchronously; use async_get");
        } else {
            std::lock_guard refresh_lock(s.sync_refresh);
            {
                std::lock_guard lock(s.mutex);
                if (s.cached && !s.cached->expired(now, s.margin)) return s.cached;
            }
            result<credentials> fresh = get_credentials(s.provider, now, diag);
            return s.store(std::move(fresh), now, diag);
        }
    }

    result<credentials> get(time_point now, diagnostics& diag) {
        result<credentials_ptr> r = get_shared(now, diag);
        if (!r) return r.error();
        return **r;
    }
    result<credentials> get(time_point now) {
        diagnostics diag;
        return get(now, diag);
    }

    // Forgets the remembered credentials: the next get() asks the provider again.
    void invalidate() {
        std::lock_guard lock(state_->mutex);
        state_->cached.reset();
    }

    P& provider() noexcept { return state_->provider; }

private:
    struct waiter {
        explicit waiter(asio::any_io_executor ex) : done(std::move(ex), 1) {}
        asio::experimental::concurrent_channel<void(error_code)> done;
        result<credentials_ptr> outcome = error_code(errc::missing_credentials);
        diagnostics diag;
    };

    struct state {
        state(P p, std::chrono::seconds m) : provider(std::move(p)), margin(m) {}

        // Keeps fresh credentials (if they have not expired) and returns what callers get.
        result<credentials_ptr> store(result<credentials> fresh, time_point now, diagnostics& diag) {
            std::lock_guard lock(mutex);
            if (!fresh) {
                if (cached && !cached->expired(now)) return cached;
                return fresh.error();
            }
            if (fresh->expired(now))
                return detail::credentials_error(diag, errc::expired_credentials,
                                                 "the provider returned credentials that have already expired");
            cached = std::make_shared<const credentials>(std::move(*fresh));
            return cached;
        }

        P provider;
        std::chrono::seconds margin;
        std::mutex sync_refresh; // one synchronous refresh at a time
        std::mutex mutex;        // guards the members below
        credentials_ptr cached;
        bool refreshing = false;
        std::vector<std::shared_ptr<waiter>> waiters;
    };

    static asio::awaitable<void> refresh(std::shared_ptr<state> s, time_point now) {
        diagnostics diag;
        result<credentials> fresh = error_code(errc::missing_credentials);
        try {
            fresh = co_await async_get_credentials(s->provider, now, diag);
        } catch (const std::exception&) {
            diag.message = "the credentials provider failed";
        }
        result<credentials_ptr> outcome = s->store(std::move(fresh), now, diag);
        std::vector<std::shared_ptr<waiter>> waiters;
        {
            std::lock_guard lock(s->mutex);
            s->refreshing = false;
            waiters.swap(s->waiters);
        }
        for (auto& w : waiters) {
            w->outcome = outcome;
            if (!outcome) w->diag = diag;
            w->done.try_send(error_code());
        }
    }

    std::shared_ptr<state> state_;
};

// ---------------------------------------------------------------------------------------

// Any provider, synchronous or asynchronous, behind one type, for holding a provider
// chosen at run time. Copies share the provider (and so a caching provider's cache).
// async_get_shared() hands out a caching provider's snapshot as is; other providers'
// credentials are wrapped once per call.
class any_credentials_provider {
public:
    template <any_provider P>
        requires(!std::same_as<std::remove_cvref_t<P>, any_credentials_provider>)
    any_credentials_provider(P provider)
        : self_(std::make_shared<P>(std::move(provider))), get_(&get_thunk<P>), async_get_(&async_thunk<P>),
          peek_(&peek_thunk<P>) {}

    result<credentials> get(time_point now, diagnostics& diag) const { return get_(self_.get(), now, diag); }
    result<credentials> get(time_point now) const {
        diagnostics diag;
        return get(now, diag);
    }

    asio::awaitable<result<credentials_ptr>> async_get_shared(time_point now, diagnostics& diag) const {
        return async_get_(self_.get(), now, diag);
    }
    // The snapshot async_get_shared would hand out at once, when the provider has one at
    // hand (static credentials, or a caching provider's while they need no refresh); null
    // when it has to be asked. Lets a request skip the coroutine of async_get_shared.
    credentials_ptr peek_shared(time_point now) const { return peek_(self_.get(), now); }
    asio::awaitable<result<credentials>> async_get(time_point now, diagnostics& diag) const {
        result<credentials_ptr> r = co_await async_get_(self_.get(), now, diag);
        if (!r) co_return r.error();
        co_return **r;
    }

private:
    template <class P>
    static result<credentials> get_thunk(void* self, time_point now, diagnostics& diag) {
        P& p = *static_cast<P*>(self);
        if constexpr (credentials_provider<P>) {
            return get_credentials(p, now, diag);
        } else {
            return detail::credentials_error(diag, errc::unsupported,
                                             "this credentials provider is asynchronous; use async_get");
        }
    }

    template <class P>
    static asio::awaitable<result<credentials_ptr>> async_thunk(void* self, time_point now, diagnostics& diag) {
        P& p = *static_cast<P*>(self);
        if constexpr (requires { p.async_get_shared(now, diag); }) {
            co_return co_await p.async_get_shared(now, diag);
        } else if constexpr (requires { p.get_shared(now, diag); }) {
            co_return p.get_shared(now, diag);
        } else {
            result<credentials> r = co_await async_get_credentials(p, now, diag);
            if (!r) co_return r.error();
            co_return std::make_shared<const credentials>(std::move(*r));
        }
    }

    template <class P>
    static credentials_ptr peek_thunk(void* self, time_point now) {
        const P& p = *static_cast<const P*>(self);
        if constexpr (requires { p.peek_shared(now); }) return p.peek_shared(now);
        else return nullptr;
    }

    std::shared_ptr<void> self_;
    result<credentials> (*get_)(void*, time_point, diagnostics&);
    asio::awaitable<result<credentials_ptr>> (*async_get_)(void*, time_point, diagnostics&);
    credentials_ptr (*peek_)(void*, time_point);
};

// A client's credentials: the provider its options name, or else the default chain
// (environment, then the shared profile files) behind a cache.
inline any_credentials_provider provider_or_default(const std::optional<any_credentials_provider>& given) {
    return given ? *given : any_credentials_provider(caching_provider(default_chain()));
}

// A client's options with fixed credentials (the constructors taking credentials).
template <class Options>
Options with_static_credentials(Options o, credentials c) {
    o.credentials = any_credentials_provider(static_provider(std::move(c)));
    return o;
}

} // namespace cirrus::auth
