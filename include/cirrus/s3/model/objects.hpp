#pragma once
// Requests and results of the object operations.

#include <cirrus/s3/model/common.hpp>

namespace cirrus::s3 {

struct put_object_request {
    std::string_view bucket = {};
    std::string_view key = {};
    object_body body = {};
    content_headers_view content = {};
    pairs_view metadata = {};
    list_view<tag> tags = {};
    std::string_view storage_class = {}; // STANDARD, STANDARD_IA, GLACIER_IR, ... (empty: default)
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {}; // computed by the client
    checksum_location checksum_at = checksum_location::automatic;
    std::string_view checksum_value = {}; // a precomputed value for checksum_algorithm
    bool content_md5 = false;             // send Content-MD5 (memory bodies and files)
    std::string_view if_match = {};       // conditional write
    std::string_view if_none_match = {};  // "*": fail if the key exists
    request_options options = {};         // per-request timeout and attempts
};
struct put_object_result {
    std::string etag = {};
    std::string version_id = {};
    std::optional<s3::checksum> checksum = {};
    encryption_info encryption = {};
};

struct get_object_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    std::optional<byte_range> range = {};
    std::optional<part_number_type> part_number = {};
    s3::conditions conditions = {};
    std::string_view customer_key = {}; // SSE-C: the key the object was written with
    bool checksum_mode = true;          // ask for and verify the stored checksum
    object_sink sink = {};
    // Response header overrides (response-content-type ...), mostly for presigned URLs.
    std::string_view response_content_type = {};
    std::string_view response_content_disposition = {};
    request_options options = {}; // per-request timeout and attempts
};

// What HEAD and GET report about an object.
struct object_info {
    std::uint64_t content_length = 0; // bytes of this response (the range for a range)
    std::uint64_t object_size = 0;    // whole object (from Content-Range for a range)
    std::string content_range = {};
    std::string etag = {};
    time_point last_modified{};
    content_headers content = {};
    metadata_map metadata = {};
    std::string storage_class = {};
    std::string version_id = {};
    bool delete_marker = false;
    std::uint32_t tag_count = 0;
    std::optional<std::uint32_t> parts_count = {};
    std::optional<s3::checksum> checksum = {};
    encryption_info encryption = {};
    std::string restore = {};
};

struct get_object_result : object_info {
    std::string body = {}; // with the default sink
    std::uint64_t bytes_received = 0;
    bool checksum_verified = false; // a full-object checksum was returned and matched
};

struct head_object_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    std::optional<part_number_type> part_number = {};
    s3::conditions conditions = {};
    std::string_view customer_key = {};
    bool checksum_mode = true;
    request_options options = {}; // per-request timeout and attempts
};
using head_object_result = object_info;

struct delete_object_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    std::string_view if_match = {};
    request_options options = {}; // per-request timeout and attempts
};
struct delete_object_result {
    std::string version_id = {};
    bool delete_marker = false;
};

struct object_identifier {
    std::string_view key = {};
    std::string_view version_id = {};
};
struct delete_objects_request {
    std::string_view bucket = {};
    list_view<object_identifier> objects = {}; // any count: sent 1,000 per request
    bool quiet = true;                         // report only failures
    request_options options = {};              // per-request timeout and attempts
};
struct deleted_object {
    std::string key = {};
    std::string version_id = {};
    bool delete_marker = false;
    std::string delete_marker_version_id = {};
};
struct delete_error {
    std::string key = {};
    std::string version_id = {};
    std::string code = {};
    std::string message = {};
};
struct delete_objects_result {
    std::vector<deleted_object> deleted = {};
    std::vector<delete_error> errors = {};
    std::size_t requests = 0;
};

struct copy_object_request {
    std::string_view source_bucket = {};
    std::string_view source_key = {};
    std::string_view source_version_id = {};
    std::string_view bucket = {};
    std::string_view key = {};
    metadata_directive directive = metadata_directive::copy; // replace: use the fields below
    content_headers_view content = {};
    pairs_view metadata = {};
    tagging_directive tagging = tagging_directive::copy;
    list_view<tag> tags = {};
    std::string_view storage_class = {};
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::string_view source_customer_key = {}; // SSE-C key of the source
    s3::conditions source_conditions = {};     // x-amz-copy-source-if-*
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
    request_options options = {}; // per-request timeout and attempts
};
struct copy_object_result {
    std::string etag = {};
    time_point last_modified{};
    std::string version_id = {};
    std::string source_version_id = {};
    std::optional<s3::checksum> checksum = {};
};

struct rename_object_request {
    std::string_view bucket = {};
    std::string_view source_key = {};
    std::string_view key = {};
    bool overwrite = true;        // false: fail when the destination exists
    request_options options = {}; // per-request timeout and attempts
};
struct rename_object_result {
    bool native = false; // the provider renamed in place (else copy + delete)
};

struct put_object_tagging_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    list_view<tag> tags = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_object_tagging_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    request_options options = {}; // per-request timeout and attempts
};
struct object_tagging_result {
    tag_set tags = {};
    std::string version_id = {};
};
struct delete_object_tagging_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view version_id = {};
    request_options options = {}; // per-request timeout and attempts
};

} // namespace cirrus::s3
