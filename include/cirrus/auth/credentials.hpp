#pragma once
// AWS credentials: an access key id, its secret, and for temporary credentials a session
// token and an expiry. Printing shows the key id only; the secret and the token never
// leave this struct through a stream.

#include <cirrus/auth/detail/time.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace cirrus::auth {

struct credentials {
    using clock = std::chrono::system_clock;

    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;                   // empty for long-term credentials
    std::optional<clock::time_point> expiration; // none for long-term credentials

    // True when the credentials expire at or before now + margin. Credentials without an
    // expiration never expire.
    bool expired(clock::time_point now, std::chrono::seconds margin = {}) const noexcept {
        return expiration.has_value() && now + margin >= *expiration;
    }
    bool temporary() const noexcept { return !session_token.empty(); }
};

// credentials{access_key_id=AKIA..., secret_access_key=***, session_token=***,
//             expiration=2024-05-01T12:00:00Z}
inline std::ostream& operator<<(std::ostream& os, const credentials& c) {
    os << "credentials{access_key_id=" << c.access_key_id << ", secret_access_key=***";
    if (!c.session_token.empty()) os << ", session_token=***";
    if (c.expiration) os << ", expiration=" << detail::format_iso8601(*c.expiration);
    return os << '}';
}

} // namespace cirrus::auth
