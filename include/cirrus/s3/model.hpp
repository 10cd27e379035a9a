#pragma once
// S3 requests, results and the types they share.
//
// One request struct and one result struct per operation, with designated-initializer
// friendly fields:
//   co_await s3.async_put_object({.bucket = "photos", .key = "cat.jpg",
//                                 .body = s3::object_body::file("cat.jpg"),
//                                 .content = {.content_type = "image/jpeg"}}, use_awaitable);
// Requests own their strings, so a temporary request is safe with every completion token
// (deferred included). Bodies and sinks that name the caller's memory, file descriptors
// or callables must stay alive until the operation completes.

#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/body.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::s3 {

using time_point = std::chrono::system_clock::time_point;
using crypto::checksum_algorithm;

// User metadata (x-amz-meta-*), keyed by the name without the prefix. S3 stores names in
// lower case.
using metadata_map = std::map<std::string, std::string, std::less<>>;

struct tag {
    std::string key = {};
    std::string value = {};
    friend bool operator==(const tag&, const tag&) = default;
};
using tag_set = std::vector<tag>;

enum class canned_acl {
    none, // send no x-amz-acl header
    private_,
    public_read,
    public_read_write,
    authenticated_read,
    aws_exec_read,
    bucket_owner_read,
    bucket_owner_full_control,
    log_delivery_write,
};

enum class object_ownership { none, bucket_owner_enforced, bucket_owner_preferred, object_writer };

enum class metadata_directive { copy, replace };
enum class tagging_directive { copy, replace };

enum class versioning_status { unversioned, enabled, suspended };

// Server-side encryption. SSE-C keys are the raw 32 bytes; the client sends them in
// base64 with their MD5, and never logs them.
struct server_side_encryption {
    enum class kind { none, s3, kms, kms_dsse, customer };
    kind type = kind::none;
    std::string kms_key_id = {};        // kms: key id or ARN (empty: the account's default key)
    std::string kms_context = {};       // kms: base64 of a JSON encryption context (optional)
    bool bucket_key = false;       // kms: x-amz-server-side-encryption-bucket-key-enabled
    std::string customer_key = {};      // customer: the 32-byte AES-256 key

    static server_side_encryption s3_managed() { return {.type = kind::s3}; }
    static server_side_encryption kms_managed(std::string key_id = {}) {
        return {.type = kind::kms, .kms_key_id = std::move(key_id)};
    }
    static server_side_encryption customer_provided(std::string key) {
        return {.type = kind::customer, .customer_key = std::move(key)};
    }
};

// What the server reported about the encryption of an object.
struct encryption_info {
    std::string algorithm = {};        // "AES256", "aws:kms", "aws:kms:dsse" or empty
    std::string kms_key_id = {};
    bool bucket_key = false;
    std::string customer_algorithm = {}; // "AES256" for SSE-C
    std::string customer_key_md5 = {};
};

// Content-* and cache headers stored with an object.
struct content_headers {
    std::string content_type = {};
    std::string content_encoding = {};
    std::string content_disposition = {};
    std::string content_language = {};
    std::string cache_control = {};
    std::string expires = {};          // an HTTP date, sent as given
};

// A checksum as S3 reports it (base64 of the raw value); for multipart objects the value
// may be a checksum of checksums ending in "-<parts>".
struct checksum {
    checksum_algorithm algorithm = checksum_algorithm::crc32c;
    std::string value = {};
    std::string type = {}; // x-amz-checksum-type: FULL_OBJECT or COMPOSITE (when reported)
    bool empty() const noexcept { return value.empty(); }
};

// Where a checksum of the uploaded data goes.
enum class checksum_location {
    automatic, // header for memory bodies and files, trailer for streams
    header,    // x-amz-checksum-<alg> header (a file or stream is read once more first)
    trailer,   // aws-chunked body with the checksum as a trailer (one pass over the data)
};

// ---------------------------------------------------------------------------- bodies

// Where an upload's bytes come from.
class object_body {
public:
    enum class kind { none, memory, path, descriptor, stream };
    using fill_function = http::request_body::fill_function;
    using rewind_function = http::request_body::rewind_function;

    object_body() = default;
    // The caller's memory, implicitly: `.body = text`. A temporary string would dangle,
    // so it is refused.
    object_body(std::string_view text) : object_body(memory(text)) {}
    object_body(const char* text) : object_body(memory(std::string_view(text))) {}
    object_body(const std::string& text) : object_body(memory(std::string_view(text))) {}
    object_body(std::string&&) = delete;
    object_body(std::span<const std::uint8_t> bytes) : object_body(memory(bytes)) {}

    // The caller's memory, sent as it is.
    static object_body memory(std::span<const std::uint8_t> bytes) {
        object_body b = {};
        b.kind_ = kind::memory;
        b.bytes_ = bytes;
        return b;
    }
    static object_body memory(std::string_view text) {
        return memory(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }
    // A file, opened by the client for the operation; `length` npos = to the end.
    static object_body file(std::filesystem::path path, std::uint64_t offset = 0,
                            std::uint64_t length = npos) {
        object_body b = {};
        b.kind_ = kind::path;
        b.path_ = std::move(path);
        b.offset_ = offset;
        b.length_ = length;
        return b;
    }
    // A range of an open descriptor, read with pread (the descriptor is not moved).
    static object_body descriptor(int fd, std::uint64_t offset, std::uint64_t length) {
        object_body b = {};
        b.kind_ = kind::descriptor;
        b.fd_ = fd;
        b.offset_ = offset;
        b.length_ = length;
        return b;
    }
    // A stream: `fill` writes the next bytes and returns how many (0 ends it). With an
    // unknown size the object goes up as aws-chunked (S3 needs a length up front).
    // Without `rewind` a failed attempt is not retried.
    static object_body stream(fill_function fill, std::optional<std::uint64_t> size = std::nullopt,
                              rewind_function rewind = {}) {
        object_body b = {};
        b.kind_ = kind::stream;
        b.fill_ = std::move(fill);
        b.rewind_ = std::move(rewind);
        b.length_ = size.value_or(npos);
        return b;
    }

    static constexpr std::uint64_t npos = ~std::uint64_t{0};

    kind type() const noexcept { return kind_; }
    std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    int fd() const noexcept { return fd_; }
    std::uint64_t offset() const noexcept { return offset_; }
    std::uint64_t length() const noexcept { return length_; } // npos: unknown / to the end
    const fill_function& fill() const noexcept { return fill_; }
    const rewind_function& rewind() const noexcept { return rewind_; }

private:
    kind kind_ = kind::none;
    std::span<const std::uint8_t> bytes_ = {};
    std::filesystem::path path_ = {};
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    std::uint64_t length_ = npos;
    fill_function fill_ = {};
    rewind_function rewind_ = {};
};

// Where a download's bytes go.
class object_sink {
public:
    enum class kind { collect, memory, path, descriptor, handler };
    using chunk_function = http::response_sink::chunk_function;
    using restart_function = http::response_sink::restart_function;

    object_sink() = default; // into get_object_result::body

    // Straight into the caller's buffer; a larger object is http::errc::response_too_large.
    static object_sink memory(std::span<std::uint8_t> out) {
        object_sink s = {};
        s.kind_ = kind::memory;
        s.out_ = out;
        return s;
    }
    // Into a file created (or truncated) by the client.
    static object_sink file(std::filesystem::path path) {
        object_sink s = {};
        s.kind_ = kind::path;
        s.path_ = std::move(path);
        return s;
    }
    // Into an open descriptor at `offset` (pwrite).
    static object_sink descriptor(int fd, std::uint64_t offset = 0) {
        object_sink s = {};
        s.kind_ = kind::descriptor;
        s.fd_ = fd;
        s.offset_ = offset;
        return s;
    }
    // Each piece in order; `restart` is called when a retry starts the body over.
    static object_sink handler(chunk_function on_chunk, restart_function restart = {}) {
        object_sink s = {};
        s.kind_ = kind::handler;
        s.chunk_ = std::move(on_chunk);
        s.restart_ = std::move(restart);
        return s;
    }

    kind type() const noexcept { return kind_; }
    std::span<std::uint8_t> memory_out() const noexcept { return out_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    int fd() const noexcept { return fd_; }
    std::uint64_t offset() const noexcept { return offset_; }
    const chunk_function& on_chunk() const noexcept { return chunk_; }
    const restart_function& restart() const noexcept { return restart_; }

private:
    kind kind_ = kind::collect;
    std::span<std::uint8_t> out_ = {};
    std::filesystem::path path_ = {};
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    chunk_function chunk_ = {};
    restart_function restart_ = {};
};

// Bytes first..last (inclusive), or the last `suffix_length` bytes, or first..end.
struct byte_range {
    std::uint64_t first = 0;
    std::optional<std::uint64_t> last = {};
    std::uint64_t suffix_length = 0; // when non-zero: the final suffix_length bytes

    static byte_range between(std::uint64_t first, std::uint64_t last) { return {first, last, 0}; }
    static byte_range from(std::uint64_t first) { return {first, std::nullopt, 0}; }
    static byte_range suffix(std::uint64_t n) { return {0, std::nullopt, n}; }
};

// Conditions on the current state of an object (GET, HEAD, PUT, DELETE, copy source).
struct conditions {
    std::string if_match = {};
    std::string if_none_match = {};
    std::optional<time_point> if_modified_since = {};
    std::optional<time_point> if_unmodified_since = {};
};

struct owner {
    std::string id = {};
    std::string display_name = {};
};

// ---------------------------------------------------------------------------- buckets

struct create_bucket_request {
    std::string bucket = {};
    std::string region = {};                    // location constraint; empty: the client's region
    canned_acl acl = canned_acl::none;
    object_ownership ownership = object_ownership::none;
    bool object_lock = false;
};
struct create_bucket_result {
    std::string location = {};
};

struct delete_bucket_request {
    std::string bucket = {};
    bool empty_first = false;   // delete every object (and, with all_versions, every version,
                                // delete marker and unfinished multipart upload) first
    bool all_versions = true;
};
struct delete_bucket_result {
    std::uint64_t objects_deleted = 0; // when emptied first
};

struct head_bucket_request {
    std::string bucket = {};
};
struct head_bucket_result {
    std::string region = {}; // x-amz-bucket-region when the server sends it
};

struct list_buckets_request {
    std::string prefix = {};
    std::optional<std::uint32_t> max_buckets = {};
    std::string continuation_token = {};
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
    std::string bucket = {};
};
struct get_bucket_location_result {
    std::string region = {}; // "us-east-1" for the legacy empty constraint, "eu-west-1" for "EU"
};

struct put_bucket_versioning_request {
    std::string bucket = {};
    versioning_status status = versioning_status::enabled;
};
struct get_bucket_versioning_request {
    std::string bucket = {};
};
struct get_bucket_versioning_result {
    versioning_status status = versioning_status::unversioned;
    bool mfa_delete = false;
};

struct put_bucket_policy_request {
    std::string bucket = {};
    std::string policy = {}; // the JSON document, passed through
};
struct get_bucket_policy_request {
    std::string bucket = {};
};
struct get_bucket_policy_result {
    std::string policy = {};
};
struct delete_bucket_policy_request {
    std::string bucket = {};
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
    std::string bucket = {};
    cors_configuration configuration = {};
};
struct get_bucket_cors_request {
    std::string bucket = {};
};
using get_bucket_cors_result = cors_configuration;
struct delete_bucket_cors_request {
    std::string bucket = {};
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
    std::string bucket = {};
    lifecycle_configuration configuration = {};
};
struct get_bucket_lifecycle_request {
    std::string bucket = {};
};
using get_bucket_lifecycle_result = lifecycle_configuration;
struct delete_bucket_lifecycle_request {
    std::string bucket = {};
};

// ---------------------------------------------------------------------------- objects

struct put_object_request {
    std::string bucket = {};
    std::string key = {};
    object_body body = {};
    content_headers content = {};
    metadata_map metadata = {};
    tag_set tags = {};
    std::string storage_class = {};            // STANDARD, STANDARD_IA, GLACIER_IR, ... (empty: default)
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {}; // computed by the client
    checksum_location checksum_at = checksum_location::automatic;
    std::string checksum_value = {};           // a precomputed value for checksum_algorithm
    bool content_md5 = false;             // send Content-MD5 (memory bodies and files)
    std::string if_match = {};                 // conditional write
    std::string if_none_match = {};            // "*": fail if the key exists
};
struct put_object_result {
    std::string etag = {};
    std::string version_id = {};
    std::optional<s3::checksum> checksum = {};
    encryption_info encryption = {};
};

struct get_object_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
    std::optional<byte_range> range = {};
    std::optional<std::uint32_t> part_number = {};
    s3::conditions conditions = {};
    std::string customer_key = {};             // SSE-C: the key the object was written with
    bool checksum_mode = true;            // ask for and verify the stored checksum
    object_sink sink = {};
    // Response header overrides (response-content-type ...), mostly for presigned URLs.
    std::string response_content_type = {};
    std::string response_content_disposition = {};
};

// What HEAD and GET report about an object.
struct object_info {
    std::uint64_t content_length = 0;     // bytes of this response (the range for a range)
    std::uint64_t object_size = 0;        // whole object (from Content-Range for a range)
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
    std::string body = {};                     // with the default sink
    std::uint64_t bytes_received = 0;
    bool checksum_verified = false;       // a full-object checksum was returned and matched
};

struct head_object_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
    std::optional<std::uint32_t> part_number = {};
    s3::conditions conditions = {};
    std::string customer_key = {};
    bool checksum_mode = true;
};
using head_object_result = object_info;

struct delete_object_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
    std::string if_match = {};
};
struct delete_object_result {
    std::string version_id = {};
    bool delete_marker = false;
};

struct object_identifier {
    std::string key = {};
    std::string version_id = {};
};
struct delete_objects_request {
    std::string bucket = {};
    std::vector<object_identifier> objects = {}; // any count: sent 1,000 per request
    bool quiet = true;                      // report only failures
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
    std::string source_bucket = {};
    std::string source_key = {};
    std::string source_version_id = {};
    std::string bucket = {};
    std::string key = {};
    metadata_directive directive = metadata_directive::copy; // replace: use the fields below
    content_headers content = {};
    metadata_map metadata = {};
    tagging_directive tagging = tagging_directive::copy;
    tag_set tags = {};
    std::string storage_class = {};
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::string source_customer_key = {};      // SSE-C key of the source
    s3::conditions source_conditions = {};     // x-amz-copy-source-if-*
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
};
struct copy_object_result {
    std::string etag = {};
    time_point last_modified{};
    std::string version_id = {};
    std::string source_version_id = {};
    std::optional<s3::checksum> checksum = {};
};

struct rename_object_request {
    std::string bucket = {};
    std::string source_key = {};
    std::string key = {};
    bool overwrite = true; // false: fail when the destination exists
};
struct rename_object_result {
    bool native = false; // the provider renamed in place (else copy + delete)
};

struct put_object_tagging_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
    tag_set tags = {};
};
struct get_object_tagging_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
};
struct object_tagging_result {
    tag_set tags = {};
    std::string version_id = {};
};
struct delete_object_tagging_request {
    std::string bucket = {};
    std::string key = {};
    std::string version_id = {};
};

// ---------------------------------------------------------------------------- listing

struct list_objects_request {
    std::string bucket = {};
    std::string prefix = {};
    std::string delimiter = {};
    std::string start_after = {};
    std::optional<std::uint32_t> max_keys = {}; // per page (S3 caps it at 1,000)
    std::string continuation_token = {};
    bool fetch_owner = false;
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
    std::string bucket = {};
    std::string prefix = {};
    std::string delimiter = {};
    std::string key_marker = {};
    std::string version_id_marker = {};
    std::optional<std::uint32_t> max_keys = {};
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
    std::string bucket = {};
    std::string prefix = {};
    std::string delimiter = {};
    std::string key_marker = {};
    std::string upload_id_marker = {};
    std::optional<std::uint32_t> max_uploads = {};
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

// ---------------------------------------------------------------------------- multipart

struct create_multipart_upload_request {
    std::string bucket = {};
    std::string key = {};
    content_headers content = {};
    metadata_map metadata = {};
    tag_set tags = {};
    std::string storage_class = {};
    canned_acl acl = canned_acl::none;
    server_side_encryption encryption = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {}; // every part then carries one
};
struct create_multipart_upload_result {
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
};

struct upload_part_request {
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::uint32_t part_number = 1;        // 1 .. 10,000
    object_body body = {};
    std::optional<crypto::checksum_algorithm> checksum_algorithm = {};
    checksum_location checksum_at = checksum_location::automatic;
    bool content_md5 = false;
    std::string customer_key = {};             // SSE-C uploads: the upload's key
};
struct upload_part_result {
    std::string etag = {};
    std::optional<s3::checksum> checksum = {};
};

struct upload_part_copy_request {
    std::string source_bucket = {};
    std::string source_key = {};
    std::string source_version_id = {};
    std::optional<byte_range> source_range = {}; // first..last only
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::uint32_t part_number = 1;
    s3::conditions source_conditions = {};
    std::string source_customer_key = {};
    std::string customer_key = {};
};
struct upload_part_copy_result {
    std::string etag = {};
    time_point last_modified{};
    std::optional<s3::checksum> checksum = {};
};

struct completed_part {
    std::uint32_t part_number = 0;
    std::string etag = {};
    std::optional<s3::checksum> checksum = {};
};
struct complete_multipart_upload_request {
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::vector<completed_part> parts = {};    // sorted by part number by the client
    std::string if_none_match = {};            // "*": fail if the key exists
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
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
};

struct list_parts_request {
    std::string bucket = {};
    std::string key = {};
    std::string upload_id = {};
    std::optional<std::uint32_t> max_parts = {};
    std::optional<std::uint32_t> part_number_marker = {};
};
struct part_info {
    std::uint32_t part_number = 0;
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

// ---------------------------------------------------------------------------- presigning

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
