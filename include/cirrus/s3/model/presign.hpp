#pragma once
// Presigned URLs and POST forms (no I/O: the client signs them locally).

#include <cirrus/s3/model/common.hpp>

namespace cirrus::s3 {

struct presign_header {
    std::string name = {};
    std::string value = {};
};

struct presign_get_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
    std::chrono::seconds expires{900};
    std::vector<presign_header> headers = {}; // signed: the user agent must send them
    std::string response_content_type = {};
    std::string response_content_disposition = {};
};
struct presign_put_request {
    std::string bucket = {};
    std::string key = {};
    std::chrono::seconds expires{900};
    std::string content_type = {}; // signed when set: the upload must send it
    metadata_map metadata = {};    // signed x-amz-meta-* headers
    std::vector<presign_header> headers = {};
};
// A URL and the headers the user agent must send with it.
struct presigned_request {
    std::string method = {};
    std::string url = {};
    std::vector<presign_header> headers = {};
};

// A browser upload form. presigned_post::fields holds each field once, in this order:
//   key                 `key`, or `key` + "${filename}" with key_starts_with (the server
//                       puts the name of the uploaded file there); set_field("key", ...)
//                       to choose a key under the prefix instead
//   Content-Type        when content_type is set (with content_type_prefix the form must
//                       add its own: set_field("Content-Type", "image/png"))
//   extra_fields        as given
//   x-amz-algorithm, x-amz-credential, x-amz-date, [x-amz-security-token], policy,
//   x-amz-signature
// The form posts these fields and then the file as the last field, named `file`.
struct presign_post_request {
    std::string bucket = {};
    std::string key = {};         // exact key, or a prefix with key_starts_with
    bool key_starts_with = false; // the form may choose any key under `key`
    std::chrono::seconds expires{3600};
    std::optional<std::pair<std::uint64_t, std::uint64_t>> content_length_range = {};
    std::string content_type = {};        // exact Content-Type
    std::string content_type_prefix = {}; // or a prefix of it ("image/")
    // Equality conditions, each also a field; not `key`, `file`, `policy`, `Content-Type`
    // or x-amz-* names (cirrus::errc::invalid_argument).
    std::vector<std::pair<std::string, std::string>> extra_fields = {};
};
struct presigned_post {
    std::string url = {};                                         // POST here as multipart/form-data
    std::vector<std::pair<std::string, std::string>> fields = {}; // before `file`, in order, each once

    // The value of a field (empty when absent).
    std::string_view field(std::string_view name) const noexcept {
        for (const auto& [n, v] : fields)
            if (n == name) return v;
        return {};
    }
    // Replaces the value of a field, or adds the field when the form has none: the one way
    // to fill in `key` under a prefix without sending it twice.
    void set_field(std::string_view name, std::string value) {
        for (auto& [n, v] : fields) {
            if (n == name) {
                v = std::move(value);
                return;
            }
        }
        fields.emplace_back(std::string(name), std::move(value));
    }
};

} // namespace cirrus::s3
