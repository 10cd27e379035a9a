#pragma once
// Requests and results of the multipart upload operations.

#include <cirrus/s3/model/common.hpp>

namespace cirrus::s3 {

struct create_multipart_upload_request {
    std::string_view bucket = {};
    std::string_view key = {};
    content_headers_view content = {};
    pairs_view metadata = {};
    list_view<tag> tags = {};
    std::string_view storage_class = {};
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {}; // every part then carries one
    // x-amz-checksum-type: full_object asks for the whole object's checksum (sent again,
    // as complete_multipart_upload_request::checksum_value) instead of a composite one.
    s3::checksum_type checksum_type = s3::checksum_type::unspecified;
    request_options options = {}; // per-request timeout and attempts
};
struct create_multipart_upload_result {
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
    s3::checksum_type checksum_type = s3::checksum_type::unspecified; // as the server answered it
};

struct upload_part_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view upload_id = {};
    part_number_type part_number = 1; // 1 .. 10,000
    object_body body = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
    checksum_location checksum_at = checksum_location::automatic;
    bool content_md5 = false;
    std::string_view customer_key = {}; // SSE-C uploads: the upload's key
    request_options options = {};       // per-request timeout and attempts
};
struct upload_part_result {
    std::string etag = {};
    std::optional<s3::checksum> checksum = {};
};

struct upload_part_copy_request {
    std::string_view source_bucket = {};
    std::string_view source_key = {};
    std::string_view source_version_id = {};
    std::optional<byte_range> source_range = {}; // first..last only
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view upload_id = {};
    part_number_type part_number = 1;
    s3::conditions source_conditions = {};
    std::string_view source_customer_key = {};
    std::string_view customer_key = {};
    request_options options = {}; // per-request timeout and attempts
};
struct upload_part_copy_result {
    std::string etag = {};
    time_point last_modified{};
    std::optional<s3::checksum> checksum = {};
};

struct completed_part {
    part_number_type part_number = 0;
    std::string etag = {};
    std::optional<s3::checksum> checksum = {};
};
struct complete_multipart_upload_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view upload_id = {};
    list_view<completed_part> parts = {}; // sorted by part number by the client
    std::string_view if_none_match = {};  // "*": fail if the key exists
    // The whole object's checksum (base64, as a header value) for an upload created with
    // checksum_type full_object: sent as x-amz-checksum-<algorithm>, and the server
    // refuses the upload (BadDigest) when its own differs. checksum_type goes as
    // x-amz-checksum-type; it must be the one the upload was created with.
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
    std::string_view checksum_value = {};
    s3::checksum_type checksum_type = s3::checksum_type::unspecified;
    request_options options = {}; // per-request timeout and attempts
};
struct complete_multipart_upload_result {
    std::string location = {};
    std::string bucket = {};
    std::string key = {};
    std::string etag = {};
    std::string version_id = {};
    std::optional<s3::checksum> checksum = {};
};

struct abort_multipart_upload_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view upload_id = {};
    request_options options = {}; // per-request timeout and attempts
};

struct list_parts_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view upload_id = {};
    std::optional<std::uint32_t> max_parts = {};
    std::optional<std::uint32_t> part_number_marker = {};
    request_options options = {}; // per-request timeout and attempts
};
struct part_info {
    part_number_type part_number = 0;
    std::string etag = {};
    std::uint64_t size = 0;
    time_point last_modified{};
    std::optional<s3::checksum> checksum = {};
};
struct list_parts_result {
    std::vector<part_info> parts = {};
    bool is_truncated = false;
    std::optional<std::uint32_t> next_part_number_marker = {};
    std::string storage_class = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
};

} // namespace cirrus::s3
