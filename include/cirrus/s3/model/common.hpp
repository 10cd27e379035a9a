#pragma once
// The types S3 requests and results share.
//
// Requests are aggregates of views (core/views.hpp): std::string_view, list_view, pairs_view,
// bodies and sinks. The client copies what a request names into the operation before the
// initiating call returns, so
//   co_await s3.async_put_object({.bucket = "photos", .key = key, .body = s3::object_body::file(path)});
// is safe with every completion token, deferred included, and a braced request inside a
// co_await expression is safe on g++ 12 (docs/async.md). Results own their strings.
// Memory bodies, memory sinks and descriptors are used in place: they must stay alive until
// the operation completes.

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/views.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/body.hpp>
#include <cirrus/http/payload_signing.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::s3 {

using time_point = std::chrono::system_clock::time_point;
using crypto::checksum_algorithm;

// User metadata (x-amz-meta-*) of an object, keyed by the name without the prefix. S3
// stores names in lower case. Requests take any container of name/value pairs
// (pairs_view): this map, a vector of pairs, or {{"name", "value"}, ...}.
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

// Server-side encryption of an upload. SSE-C keys are the raw 32 bytes; the client sends
// them in base64 with their MD5, only over TLS, and never logs them.
struct server_side_encryption {
    enum class kind { none, s3, kms, kms_dsse, customer };
    kind type = kind::none;
    std::string_view kms_key_id = {};   // kms: key id or ARN (empty: the account's default key)
    std::string_view kms_context = {};  // kms: base64 of a JSON encryption context (optional)
    bool bucket_key = false;            // kms: x-amz-server-side-encryption-bucket-key-enabled
    std::string_view customer_key = {}; // customer: the 32-byte AES-256 key

    static constexpr server_side_encryption s3_managed() noexcept { return {.type = kind::s3}; }
    static constexpr server_side_encryption kms_managed(std::string_view key_id = {}) noexcept {
        return {.type = kind::kms, .kms_key_id = key_id};
    }
    static constexpr server_side_encryption customer_provided(std::string_view key) noexcept {
        return {.type = kind::customer, .customer_key = key};
    }
};

// What the server reported about the encryption of an object.
struct encryption_info {
    std::string algorithm = {}; // "AES256", "aws:kms", "aws:kms:dsse" or empty
    std::string kms_key_id = {};
    bool bucket_key = false;
    std::string customer_algorithm = {}; // "AES256" for SSE-C
    std::string customer_key_md5 = {};
};

// Content-* and cache headers stored with an object: content_headers in results,
// content_headers_view in requests.
template <class String>
struct basic_content_headers {
    String content_type = {};
    String content_encoding = {};
    String content_disposition = {};
    String content_language = {};
    String cache_control = {};
    String expires = {}; // an HTTP date, sent as given
};
using content_headers = basic_content_headers<std::string>;
using content_headers_view = basic_content_headers<std::string_view>;

// The view of stored headers, to send them again (e.g. a copy that replaces metadata).
inline content_headers_view view_of(const content_headers& c) noexcept {
    return {c.content_type, c.content_encoding, c.content_disposition, c.content_language, c.cache_control, c.expires};
}

// A checksum as S3 reports it (base64 of the raw value); for multipart objects the value
// may be a checksum of checksums ending in "-<parts>".
struct checksum {
    checksum_algorithm algorithm = checksum_algorithm::crc32c;
    std::string value = {};
    std::string type = {}; // x-amz-checksum-type: FULL_OBJECT or COMPOSITE (when reported)
    bool empty() const noexcept { return value.empty(); }
};

// "CRC32C", "SHA256" ...: the name S3 uses for an algorithm.
inline std::string_view to_string(checksum_algorithm a) noexcept { return crypto::algorithm_name(a); }

// How the checksum of a multipart object is made (x-amz-checksum-type). composite: the
// algorithm over the parts' checksums, reported as "<value>-<parts>"; full_object: the
// algorithm over the whole object, as for a single PUT (CRC32, CRC32C and CRC64NVME only).
// unspecified sends no header: S3 then makes CRC64NVME objects FULL_OBJECT and the
// others COMPOSITE.
enum class checksum_type { unspecified, composite, full_object };

// "COMPOSITE", "FULL_OBJECT", or empty for unspecified.
inline std::string_view to_string(checksum_type t) noexcept {
    switch (t) {
    case checksum_type::unspecified: return {};
    case checksum_type::composite: return "COMPOSITE";
    case checksum_type::full_object: return "FULL_OBJECT";
    }
    return {};
}
// The type S3 names, in any case; unspecified for anything else.
inline checksum_type parse_checksum_type(std::string_view name) noexcept {
    if (ascii::iequals(name, "COMPOSITE")) return checksum_type::composite;
    if (ascii::iequals(name, "FULL_OBJECT")) return checksum_type::full_object;
    return checksum_type::unspecified;
}

// "CRC32C:yZRlqg==", with " (FULL_OBJECT)" or " (COMPOSITE)" when the server said which.
inline std::string to_string(const checksum& c) {
    std::string out(to_string(c.algorithm));
    out += ':';
    out += c.value;
    if (!c.type.empty()) {
        out += " (";
        out += c.type;
        out += ')';
    }
    return out;
}

// Writes to_string(c): std::cout << *result.checksum.
template <class Ostream>
    requires requires(Ostream& os, const std::string& s) { os << s; }
Ostream& operator<<(Ostream& os, const checksum& c) {
    os << to_string(c);
    return os;
}

// Part numbers run from 1 to 10,000: an int, so that `.part_number = i` needs no cast.
using part_number_type = int;

// Per-request overrides of the client's settings, a field of every request:
//   co_await s3.async_get_object({.bucket = "b", .key = "k", .options = {.timeout = 2s, .max_attempts = 1}});
// Zero keeps the client's setting (client_options::http).
struct request_options {
    // The time the operation's request may take, retries and their delays included
    // (http::request::total_timeout; else http::timeout_options::total). Past it the
    // operation fails with http::errc::total_timeout. Operations made of several requests
    // (delete_bucket with empty_first, rename by copy, delete_objects over 1,000 keys)
    // apply it to each request.
    std::chrono::milliseconds timeout{0};
    // Attempts, the first included (else http::retry_options::max_attempts); 1: no retry.
    unsigned max_attempts = 0;
    // How the body enters the signature (http::payload_signing). automatic: the SHA-256 of
    // memory bodies; for files and streams UNSIGNED-PAYLOAD over TLS and signed aws-chunked
    // chunks over plain HTTP. unsigned_payload: UNSIGNED-PAYLOAD, and with a checksum the
    // unsigned trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER): no hashing beyond the checksum,
    // the fast path. streaming: signed chunks (a trailer is signed too). sha256: the body
    // is hashed first (a file or stream is read twice; no trailer).
    http::payload_signing payload = http::payload_signing::automatic;
    // The size of the reads of a file or stream body, and of a download into a file or
    // handler (http::request::io_buffer_size; else http::client_options::io_buffer_size).
    // A pooled connection keeps its larger buffer.
    std::size_t io_buffer_size = 0;
};

// Where a checksum of the uploaded data goes.
enum class checksum_location {
    automatic, // trailer for streams, and for files over 1 MiB whose payload goes unsigned
               // (TLS, or request_options::payload = unsigned_payload); header otherwise
    header,    // x-amz-checksum-<alg> header (a file or stream is read once more first)
    trailer,   // aws-chunked body with the checksum as a trailer (one pass over the data)
};

// Where an upload's bytes come from: the caller's memory (`.body = text`), a file
// (object_body::file(path) or (fd, offset, length)), or a generator
// (object_body::generator(fill, size, rewind)). See http/body.hpp.
using object_body = http::request_body;

// Where a download's bytes go: by default get_object_result::body; object_sink::memory(span),
// object_sink::file(path) (written beside and renamed into place on success),
// object_sink::file(fd, offset), object_sink::handler(on_chunk, restart). See http/body.hpp.
using object_sink = http::response_sink;

// Bytes first..last (inclusive), or the last `suffix_length` bytes, or first..end.
struct byte_range {
    std::uint64_t first = 0;
    std::optional<std::uint64_t> last = {};
    std::uint64_t suffix_length = 0; // when non-zero: the final suffix_length bytes

    static constexpr byte_range between(std::uint64_t first, std::uint64_t last) noexcept { return {first, last, 0}; }
    static constexpr byte_range from(std::uint64_t first) noexcept { return {first, std::nullopt, 0}; }
    static constexpr byte_range suffix(std::uint64_t n) noexcept { return {0, std::nullopt, n}; }
};

// Conditions on the current state of an object (GET, HEAD, PUT, DELETE, copy source).
struct conditions {
    std::string_view if_match = {};
    std::string_view if_none_match = {};
    std::optional<time_point> if_modified_since = {};
    std::optional<time_point> if_unmodified_since = {};
};

struct owner {
    std::string id = {};
    std::string display_name = {};
};

} // namespace cirrus::s3
