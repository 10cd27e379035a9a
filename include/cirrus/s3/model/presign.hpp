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
    std::vector<presign_header> headers = {};  // signed: the user agent must send them
    std::string response_content_type = {};
    std::string response_content_disposition = {};
};
struct presign_put_request {
    std::string bucket = {};
    std::string key = {};
    std::chrono::seconds expires{900};
    std::string content_type = {};             // signed when set: the upload must send it
    metadata_map metadata = {};                // signed x-amz-meta-* headers
    std::vector<presign_header> headers = {};
};
// A URL and the headers the user agent must send with it.
struct presigned_request {
    std::string method = {};
    std::string url = {};
    std::vector<presign_header> headers = {};
};

struct presign_post_request {
    std::string bucket = {};
    std::string key = {};                      // exact key, or a prefix with key_starts_with
    bool key_starts_with = false;         // the form may choose any key under `key`
    std::chrono::seconds expires{3600};
    std::optional<std::pair<std::uint64_t, std::uint64_t>> content_length_range = {};
    std::string content_type = {};             // exact Content-Type
    std::string content_type_prefix = {};      // or a prefix of it ("image/")
    std::vector<std::pair<std::string, std::string>> extra_fields = {}; // equality conditions
};
struct presigned_post {
    std::string url = {};                      // POST here as multipart/form-data
    std::vector<std::pair<std::string, std::string>> fields = {}; // before `file`, in order
};

} // namespace cirrus::s3
