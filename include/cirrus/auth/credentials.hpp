#pragma once
// AWS credentials: an access key id, its secret, and for temporary credentials a session
// token and an expiry. Printing a credentials object shows the key id only.

#include <chrono>
#include <optional>
#include <string>

namespace cirrus::auth {

struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    std::optional<std::chrono::system_clock::time_point> expiration;

    bool expired(std::chrono::system_clock::time_point now, std::chrono::seconds margin = {}) const noexcept {
        return expiration && *expiration - margin <= now;
    }
};

} // namespace cirrus::auth
