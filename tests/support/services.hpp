#pragma once
// Endpoints and credentials of the local services (scripts/services.sh), read from the
// environment with the same defaults as the script, so tests run with or without
// `eval "$(scripts/services.sh env)"`.

#include <cstdlib>
#include <string>

namespace cirrus::test {

inline std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::string(v) : std::string(fallback);
}

struct s3_service {
    std::string endpoint = env_or("CIRRUS_S3_ENDPOINT", "http://127.0.0.1:7070");
    std::string access_key = env_or("CIRRUS_S3_ACCESS_KEY", "cirrusadmin");
    std::string secret_key = env_or("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789");
    std::string region = env_or("CIRRUS_S3_REGION", "us-east-1");
};

// Garage, the second S3 server, runs only with `scripts/services.sh start --extended`.
struct garage_service {
    std::string endpoint = env_or("CIRRUS_GARAGE_ENDPOINT", "http://127.0.0.1:3900");
    std::string access_key = env_or("CIRRUS_GARAGE_ACCESS_KEY", "GK0c1a55e5c1a55e5c1a55e5c1");
    std::string secret_key =
        env_or("CIRRUS_GARAGE_SECRET_KEY", "c1c1a55e5ec7e70123456789abcdef0123456789abcdef0123456789abcdef01");
    std::string region = env_or("CIRRUS_GARAGE_REGION", "us-east-1");
};

inline std::string moto_endpoint() { return env_or("CIRRUS_MOTO_ENDPOINT", "http://127.0.0.1:5055"); }
inline std::string dynamodb_endpoint() { return env_or("CIRRUS_DYNAMODB_ENDPOINT", "http://127.0.0.1:8077"); }
inline std::string toxiproxy_api() { return env_or("CIRRUS_TOXIPROXY_API", "http://127.0.0.1:8474"); }

} // namespace cirrus::test
