#pragma once
// Reading the error envelopes of AWS protocols into an error_code and diagnostics:
//   S3 (REST-XML)     <Error><Code/><Message/><RequestId/><HostId/></Error>
//   query (IAM, STS)  <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
//   EC2 style         <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
//   JSON (DynamoDB, Lambda, ...)  {"__type": "ns#Code", "message": "..."} with the
//                     x-amzn-RequestId and x-amzn-ErrorType headers
// Malformed bodies are never an error of their own: the status code still classifies
// the failure and the diagnostics keep whatever could be read.
// A service message never brings a secret into diagnostics: it is cut where it starts
// quoting the request back (the canonical request, the string to sign), and the value of
// any secret header it still names (x-amz-security-token:..., Authorization=...) is
// replaced.

#include <cirrus/core/diagnostics.hpp>
#include <cirrus/http/detail/secrets.hpp>
#include <cirrus/http/error.hpp>
#include <cirrus/xml/reader.hpp>

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus::http {

struct error_response_view {
    unsigned status = 0;
    std::string_view body = {};
    std::string_view request_id = {}; // x-amz-request-id or x-amzn-RequestId header
    std::string_view host_id = {};    // x-amz-id-2 header
    std::string_view error_type = {}; // x-amzn-ErrorType (or x-amzn-query-error) header
};

// Longest service message kept in diagnostics; the rest is cut.
inline constexpr std::size_t max_diagnostic_message = 1024;

namespace detail {

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && xml::detail::is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && xml::detail::is_space(s.back())) s.remove_suffix(1);
    return s;
}

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" -> "ResourceNotFoundException";
// "ValidationException:http://internal.amazon.com/..." -> "ValidationException".
inline std::string_view sanitize_error_code(std::string_view code) noexcept {
    code = trim(code);
    if (const auto hash = code.rfind('#'); hash != std::string_view::npos) code.remove_prefix(hash + 1);
    if (const auto colon = code.find(':'); colon != std::string_view::npos) code = code.substr(0, colon);
    return code;
}

// Keeps printable text only, so that a server message cannot smuggle control
// characters into logs.
inline void assign_clean(std::string& out, std::string_view in, std::size_t limit) {
    out.clear();
    in = trim(in);
    if (in.size() > limit) in = in.substr(0, limit);
    out.reserve(in.size());
    for (char c : in) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
    }
}

// The service's message, as diagnostics keep it.
inline void assign_message(std::string& out, std::string_view in) {
    std::string kept(without_quoted_request(in));
    scrub_secret_values(kept);
    assign_clean(out, kept, max_diagnostic_message);
}

inline void parse_xml_envelope(std::string_view body, diagnostics& diag, std::string& code) {
    xml::reader r(body);
    std::array<std::string_view, 8> path{}; // local names of the open elements
    std::string scratch;
    bool have_code = false;
    bool have_message = false;
    bool have_request_id = !diag.request_id.empty();
    bool have_host_id = !diag.host_id.empty();
    for (;;) {
        const xml::token t = r.next();
        if (t == xml::token::error || t == xml::token::end) return;
        if (t != xml::token::start_element) continue;
        const std::size_t depth = r.depth();
        const std::string_view name = r.local_name();
        if (depth <= path.size()) path[depth - 1] = name;
        const std::string_view parent = depth >= 2 && depth - 1 <= path.size() ? path[depth - 2] : std::string_view{};
        std::string* target = nullptr;
        if (name == "Code" && parent == "Error" && !have_code) {
            target = &code;
            have_code = true;
        } else if (name == "Message" && parent == "Error" && !have_message) {
            const auto text = r.read_text(scratch);
            if (!text) return;
            assign_message(diag.message, *text);
            have_message = true;
            continue;
        } else if ((name == "RequestId" || name == "RequestID") && !have_request_id) {
            target = &diag.request_id;
            have_request_id = true;
        } else if (name == "HostId" && !have_host_id) {
            target = &diag.host_id;
            have_host_id = true;
        }
        if (target == nullptr) continue;
        const auto text = r.read_text(scratch);
        if (!text) return;
        assign_clean(*target, *text, 256);
    }
}

inline void parse_json_envelope(std::string_view body, diagnostics& diag, std::string& code) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body.data(), body.size(), true).get(root) != simdjson::SUCCESS) return;
    simdjson::dom::object obj;
    if (root.get(obj) != simdjson::SUCCESS) return;
    auto string_field = [&](std::string_view key) -> std::string_view {
        std::string_view v;
        if (obj.at_key(key).get(v) != simdjson::SUCCESS) return {};
        return v;
    };
    if (code.empty()) {
        for (std::string_view key : {"__type", "code", "Code"}) {
            if (const auto v = sanitize_error_code(string_field(key)); !v.empty()) {
                assign_clean(code, v, 256);
                break;
            }
        }
    }
    for (std::string_view key : {"message", "Message", "errorMessage"}) {
        if (const auto v = string_field(key); !v.empty()) {
            assign_message(diag.message, v);
            break;
        }
    }
    if (diag.request_id.empty()) {
        if (const auto v = string_field("RequestId"); !v.empty()) assign_clean(diag.request_id, v, 256);
    }
}

} // namespace detail

// True when a body's root element is <Error>: S3 sends some failures (CopyObject,
// CompleteMultipartUpload) with status 200 and such a body.
inline bool is_error_document(std::string_view body) noexcept {
    xml::reader r(body);
    for (;;) {
        const xml::token t = r.next();
        if (t == xml::token::start_element) return r.local_name() == "Error";
        if (t == xml::token::error || t == xml::token::end) return false;
    }
}

// Fills `diag` from a non-success response and returns its classification.
inline error_code parse_error_response(const error_response_view& in, diagnostics& diag) {
    diag.clear();
    diag.http_status = in.status;
    detail::assign_clean(diag.request_id, in.request_id, 256);
    detail::assign_clean(diag.host_id, in.host_id, 512);
    std::string code;
    if (const auto v = detail::sanitize_error_code(in.error_type); !v.empty()) detail::assign_clean(code, v, 256);

    const std::string_view body = detail::trim(in.body);
    std::string_view start = body;
    if (start.substr(0, 3) == "\xEF\xBB\xBF") start.remove_prefix(3);
    if (!start.empty() && start.front() == '<') {
        std::string body_code;
        detail::parse_xml_envelope(in.body, diag, body_code);
        if (!body_code.empty()) code = std::move(body_code);
    } else if (!start.empty() && start.front() == '{') {
        detail::parse_json_envelope(start, diag, code);
    }
    diag.service_code = std::move(code);
    return make_error_code(classify(in.status, diag.service_code));
}

} // namespace cirrus::http
