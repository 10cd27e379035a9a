#pragma once
// The AWS SDKs' standard retry mode.
//
// - At most max_attempts attempts (3), the first included.
// - Retried: transient network failures (connection refused, reset or closed early,
//   truncated responses, connect, inactivity and attempt timeouts), HTTP 500/502/503/504, 429, the
//   throttling codes (Throttling, ThrottlingException, SlowDown, RequestLimitExceeded,
//   ProvisionedThroughputExceededException, TooManyRequestsException, ...) and the
//   transient codes (RequestTimeout, RequestTimeoutException, PriorRequestNotComplete).
// - Delay before retry i (i = 1 after the first failure): full jitter,
//   rand[0,1) * min(base * 2^(i-1), max_backoff), with base 1 s and max_backoff 20 s.
// - A retry quota shared by all requests of a client: a bucket of 500 tokens; a retry
//   takes 5 (10 after a timeout) and stops being possible when the bucket cannot pay; a
//   success gives back what its retries took, or 1 token when it needed none.

#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace cirrus::http {

struct retry_options {
    unsigned max_attempts = 3;
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_backoff{20000};
    bool use_quota = true;
    unsigned quota_capacity = 500;
    unsigned retry_cost = 5;
    unsigned timeout_retry_cost = 10;
    unsigned no_retry_increment = 1;
};

enum class retry_class {
    none,       // not retryable
    transient,  // network failure or 5xx
    timeout,    // connect or inactivity timeout (costs more quota)
    throttling, // the service asked us to slow down
};

// 5xx statuses the standard mode retries whatever the code says.
constexpr bool is_transient_status(unsigned status) noexcept {
    return status == 500 || status == 502 || status == 503 || status == 504;
}

// What kind of failure `ec` is, for the retry decision; `status` is the HTTP status of
// the response that produced it (0 without one).
inline retry_class classify_retry(const error_code& ec, unsigned status = 0) noexcept {
    if (!ec) return retry_class::none;
    if (ec.category() == aws_category()) {
        const auto e = static_cast<aws_errc>(ec.value());
        if (e == aws_errc::throttling) return retry_class::throttling;
        if (e == aws_errc::request_timeout || is_transient_status(status)) return retry_class::transient;
        return retry_class::none;
    }
    if (ec.category() == http_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::connect_timeout:
        case errc::inactivity_timeout:
        case errc::attempt_timeout: return retry_class::timeout;
        case errc::connection_closed: return retry_class::transient;
        default: return retry_class::none;
        }
    }
    if (ec == cirrus::errc::truncated) return retry_class::transient;
    namespace ae = boost::asio::error;
    using he = boost::beast::http::error;
    if (ec == boost::beast::error::timeout || ec == ae::timed_out) return retry_class::timeout;
    if (ec == ae::connection_reset || ec == ae::connection_refused || ec == ae::connection_aborted ||
        ec == ae::broken_pipe || ec == ae::eof || ec == ae::network_unreachable || ec == ae::host_unreachable ||
        ec == ae::network_down || ec == ae::network_reset || ec == ae::try_again || ec == he::end_of_stream ||
        ec == he::partial_message || ec == boost::asio::ssl::error::stream_truncated)
        return retry_class::transient;
    return retry_class::none;
}

// The delay before the retry that follows failed attempt `attempt` (1-based), for a
// uniform random number r in [0, 1).
inline std::chrono::nanoseconds backoff_delay(const retry_options& o, unsigned attempt, double r) noexcept {
    const double base = std::chrono::duration<double>(o.base_delay).count();
    const double cap = std::chrono::duration<double>(o.max_backoff).count();
    const double exp = std::ldexp(base, static_cast<int>(std::min(attempt, 64u)) - 1);
    const double seconds = std::clamp(r, 0.0, 1.0) * std::min(exp, cap);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

// The retry token bucket. One per client; not thread-safe (the client serialises).
class retry_quota {
public:
    explicit retry_quota(const retry_options& o) noexcept
        : capacity_(o.quota_capacity), available_(o.quota_capacity), retry_cost_(o.retry_cost),
          timeout_cost_(o.timeout_retry_cost), increment_(o.no_retry_increment), enabled_(o.use_quota) {}

    // Takes the cost of one retry; returns the amount taken (0 = refused).
    unsigned acquire(retry_class kind) noexcept {
        if (!enabled_) return 1;
        const unsigned cost = kind == retry_class::timeout ? timeout_cost_ : retry_cost_;
        if (cost > available_) return 0;
        available_ -= cost;
        return cost;
    }

    // After a successful request: `last_acquired` is what its last retry took (0 when it
    // needed no retry).
    void on_success(unsigned last_acquired) noexcept {
        if (!enabled_) return;
        const unsigned give = last_acquired != 0 ? last_acquired : increment_;
        available_ = std::min(capacity_, available_ + give);
    }

    unsigned available() const noexcept { return available_; }
    unsigned capacity() const noexcept { return capacity_; }

private:
    unsigned capacity_;
    unsigned available_;
    unsigned retry_cost_;
    unsigned timeout_cost_;
    unsigned increment_;
    bool enabled_;
};

} // namespace cirrus::http
