#pragma once
// Requests and results of the bucket operations.

#include <cirrus/s3/model/common.hpp>

namespace cirrus::s3 {

struct create_bucket_request {
    std::string_view bucket = {};
    std::string_view region = {}; // location constraint; empty: the client's region
    canned_acl acl = canned_acl::none;
    object_ownership ownership = object_ownership::none;
    bool object_lock = false;
    request_options options = {}; // per-request timeout and attempts
};
struct create_bucket_result {
    std::string location = {};
};

struct delete_bucket_request {
    std::string_view bucket = {};
    bool empty_first = false; // delete every object (and, with all_versions, every version,
                              // delete marker and unfinished multipart upload) first
    bool all_versions = true;
    request_options options = {}; // per-request timeout and attempts
};
struct delete_bucket_result {
    std::uint64_t objects_deleted = 0; // when emptied first
};

struct head_bucket_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
struct head_bucket_result {
    std::string region = {}; // x-amz-bucket-region when the server sends it
};

struct list_buckets_request {
    std::string_view prefix = {};
    std::optional<std::uint32_t> max_buckets = {};
    std::string_view continuation_token = {};
    request_options options = {}; // per-request timeout and attempts
};
struct bucket_summary {
    std::string name = {};
    time_point creation_date{};
    std::string region = {};
};
struct list_buckets_result {
    std::vector<bucket_summary> buckets = {};
    s3::owner owner = {};
    std::string continuation_token = {}; // non-empty: more buckets
};

struct get_bucket_location_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_location_result {
    std::string region = {}; // "us-east-1" for the legacy empty constraint, "eu-west-1" for "EU"
};

struct put_bucket_versioning_request {
    std::string_view bucket = {};
    versioning_status status = versioning_status::enabled;
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_versioning_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_versioning_result {
    versioning_status status = versioning_status::unversioned;
    bool mfa_delete = false;
};

struct put_bucket_policy_request {
    std::string_view bucket = {};
    std::string_view policy = {}; // the JSON document, passed through
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_policy_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_policy_result {
    std::string policy = {};
};
struct delete_bucket_policy_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};

struct cors_rule {
    std::string id = {};
    std::vector<std::string> allowed_methods = {}; // GET, PUT, POST, DELETE, HEAD
    std::vector<std::string> allowed_origins = {};
    std::vector<std::string> allowed_headers = {};
    std::vector<std::string> expose_headers = {};
    std::optional<std::uint32_t> max_age_seconds = {};
};
struct cors_configuration {
    std::vector<cors_rule> rules = {};
};
struct put_bucket_cors_request {
    std::string_view bucket = {};
    list_view<cors_rule> rules = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_cors_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
using get_bucket_cors_result = cors_configuration;
struct delete_bucket_cors_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};

struct lifecycle_transition {
    std::optional<std::uint32_t> days = {};
    std::string date = {}; // ISO 8601, as S3 writes it
    std::string storage_class = {};
};
struct lifecycle_rule {
    std::string id = {};
    bool enabled = true;
    // Filter: a prefix, tags, object size bounds (all ANDed); empty = the whole bucket.
    std::string prefix = {};
    tag_set tags = {};
    std::optional<std::uint64_t> object_size_greater_than = {};
    std::optional<std::uint64_t> object_size_less_than = {};
    // Expiration of current versions.
    std::optional<std::uint32_t> expiration_days = {};
    std::string expiration_date = {};
    bool expired_object_delete_marker = false;
    std::vector<lifecycle_transition> transitions = {};
    std::optional<std::uint32_t> noncurrent_version_expiration_days = {};
    std::optional<std::uint32_t> newer_noncurrent_versions = {};
    std::optional<std::uint32_t> abort_incomplete_multipart_upload_days = {};
};
struct lifecycle_configuration {
    std::vector<lifecycle_rule> rules = {};
};
struct put_bucket_lifecycle_request {
    std::string_view bucket = {};
    list_view<lifecycle_rule> rules = {};
    request_options options = {}; // per-request timeout and attempts
};
struct get_bucket_lifecycle_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};
using get_bucket_lifecycle_result = lifecycle_configuration;
struct delete_bucket_lifecycle_request {
    std::string_view bucket = {};
    request_options options = {}; // per-request timeout and attempts
};

} // namespace cirrus::s3
