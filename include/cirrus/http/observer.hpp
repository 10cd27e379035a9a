#pragma once
// A hook for metrics and logs. The transport calls it after every attempt and once when
// a request completes. Events carry no secrets: the query has the values of
// X-Amz-Signature, X-Amz-Security-Token and X-Amz-Credential replaced, and the request
// headers (when the client is asked to report them) have the values of the names in
// detail/secrets.hpp replaced: Authorization, X-Amz-Security-Token, the SSE-C keys
// (x-amz-server-side-encryption-customer-key and its copy-source twin; their -MD5 digests
// stay visible), Proxy-Authorization and Cookie.

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/http/detail/secrets.hpp>
#include <cirrus/http/message.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::http {

inline constexpr std::string_view redacted = detail::redacted_value;

enum class event_phase {
    attempt,  // one attempt ended (its status or error)
    complete, // the request ended: the outcome the caller sees
};

struct request_event {
    event_phase phase = event_phase::attempt;
    verb method = verb::get;
    std::string_view host = {};
    std::string_view path = {};
    std::string_view query = {};          // redacted
    std::span<const header> headers = {}; // redacted; empty unless client_options::observe_headers
    unsigned status = 0;                  // 0 when no response arrived
    error_code error = {};
    std::string_view service_code = {};
    std::string_view request_id = {};
    unsigned attempt = 0;                // 1-based; on complete, the number of attempts made
    std::chrono::nanoseconds latency{0}; // of the attempt, or of the whole request on complete
    std::uint64_t bytes_sent = 0;        // body bytes written (of the attempt, or in total)
    std::uint64_t bytes_received = 0;    // body bytes read
    bool connection_reused = false;
};

// Called on the client's executor. The event and the text it points to are valid only
// during the call: copy what must outlive it.
using observer = std::function<void(const request_event&)>;

namespace detail {

inline bool is_secret_query_key(std::string_view key) noexcept {
    using ascii::iequals;
    return iequals(key, "X-Amz-Signature") || iequals(key, "X-Amz-Security-Token") ||
           iequals(key, "X-Amz-Credential") || iequals(key, "Signature") || iequals(key, "AWSAccessKeyId");
}

// Copies `query` to `out` with the values of signing parameters replaced.
inline void redact_query(std::string_view query, std::string& out) {
    out.clear();
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (!out.empty()) out += '&';
        if (eq != std::string_view::npos && is_secret_query_key(key)) {
            out += key;
            out += '=';
            out += redacted;
        } else {
            out += pair;
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
}

} // namespace detail

} // namespace cirrus::http
