#pragma once
// Requests and results of the listing operations (one page each; s3::pager fetches them all).

#include <cirrus/s3/model/common.hpp>

namespace cirrus::s3 {

struct list_objects_request {
    std::string_view bucket = {};
    std::string_view prefix = {};
    std::string_view delimiter = {};
    std::string_view start_after = {};
    std::optional<std::uint32_t> max_keys = {}; // per page (S3 caps it at 1,000)
    std::string_view continuation_token = {};
    bool fetch_owner = false;
    request_options options = {}; // per-request timeout and attempts
};
struct object_summary {
    std::string key = {};
    time_point last_modified{};
    std::string etag = {};
    std::uint64_t size = 0;
    std::string storage_class = {};
    std::optional<s3::owner> owner = {};
    std::vector<checksum_algorithm> checksum_algorithms = {};
};
struct list_objects_result {
    std::vector<object_summary> objects = {};
    std::vector<std::string> common_prefixes = {};
    bool is_truncated = false;
    std::string next_continuation_token = {};
    std::uint32_t key_count = 0;
};

struct list_object_versions_request {
    std::string_view bucket = {};
    std::string_view prefix = {};
    std::string_view delimiter = {};
    std::string_view key_marker = {};
    std::string_view version_id_marker = {};
    std::optional<std::uint32_t> max_keys = {};
    request_options options = {}; // per-request timeout and attempts
};
struct object_version {
    std::string key = {};
    std::string version_id = {};
    bool is_latest = false;
    bool is_delete_marker = false;
    time_point last_modified{};
    std::string etag = {};
    std::uint64_t size = 0;
    std::string storage_class = {};
    std::optional<s3::owner> owner = {};
};
struct list_object_versions_result {
    std::vector<object_version> versions = {}; // versions and delete markers, in S3's order
    std::vector<std::string> common_prefixes = {};
    bool is_truncated = false;
    std::string next_key_marker = {};
    std::string next_version_id_marker = {};
};

struct list_multipart_uploads_request {
    std::string_view bucket = {};
    std::string_view prefix = {};
    std::string_view delimiter = {};
    std::string_view key_marker = {};
    std::string_view upload_id_marker = {};
    std::optional<std::uint32_t> max_uploads = {};
    request_options options = {}; // per-request timeout and attempts
};
struct multipart_upload {
    std::string key = {};
    std::string upload_id = {};
    time_point initiated{};
    std::string storage_class = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
};
struct list_multipart_uploads_result {
    std::vector<multipart_upload> uploads = {};
    std::vector<std::string> common_prefixes = {};
    bool is_truncated = false;
    std::string next_key_marker = {};
    std::string next_upload_id_marker = {};
};

} // namespace cirrus::s3
