#pragma once
// What a server said about a failure, beside the error_code that classifies it.
// Messages carry the service's own words, never credentials or signatures.

#include <string>

namespace cirrus {

class diagnostics {
public:
    std::string service_code; // e.g. "NoSuchKey", "ThrottlingException", or a SQLSTATE
    std::string message;      // the server's (or the client's) human-readable reason
    std::string request_id;   // x-amz-request-id / x-amzn-RequestId / RequestId element
    std::string host_id;      // x-amz-id-2 (S3)
    unsigned http_status = 0; // 0 when no HTTP response was involved

    void clear() {
        service_code.clear();
        message.clear();
        request_id.clear();
        host_id.clear();
        http_status = 0;
    }

    bool empty() const noexcept {
        return service_code.empty() && message.empty() && request_id.empty() && http_status == 0;
    }

    // "NoSuchKey: The specified key does not exist. (HTTP 404, request id ABC)"
    std::string what() const {
        std::string out;
        out.reserve(service_code.size() + message.size() + request_id.size() + 48);
        out += service_code;
        if (!message.empty()) {
            if (!out.empty()) out += ": ";
            out += message;
        }
        if (http_status != 0 || !request_id.empty()) {
            out += out.empty() ? "(" : " (";
            if (http_status != 0) {
                out += "HTTP ";
                out += std::to_string(http_status);
            }
            if (!request_id.empty()) {
                if (http_status != 0) out += ", ";
                out += "request id ";
                out += request_id;
            }
            out += ')';
        }
        return out;
    }
};

} // namespace cirrus
