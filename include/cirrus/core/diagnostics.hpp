#pragma once
// What a server said about a failure, beside the error_code that classifies it.
// Messages carry the service's own words, never credentials or signatures.

#include <cirrus/core/error.hpp>

#include <boost/system/system_error.hpp>

#include <exception>
#include <string>
#include <utility>

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

// The exception a with_diagnostics token throws: the error_code, and what the server said.
// what() reads "NoSuchKey: The specified key does not exist. (HTTP 404, request id X):
// no such key".
class error_with_diagnostics : public boost::system::system_error {
public:
    error_with_diagnostics(error_code ec, const diagnostics& diag) : error_with_diagnostics(ec, diag.what(), diag) {}

    const diagnostics& get_diagnostics() const noexcept { return diag_; }

protected:
    // For clients whose diagnostics describe themselves at greater length.
    error_with_diagnostics(error_code ec, const std::string& text, const diagnostics& diag)
        : system_error(text.empty() ? system_error(ec) : system_error(ec, text)), diag_(diag) {}

private:
    diagnostics diag_;
};

// The exception for a failure with these diagnostics (found by argument-dependent lookup,
// so a client with richer diagnostics throws a richer exception).
inline std::exception_ptr make_exception_ptr_for(error_code ec, const diagnostics& diag) {
    return std::make_exception_ptr(error_with_diagnostics(ec, diag));
}

} // namespace cirrus
