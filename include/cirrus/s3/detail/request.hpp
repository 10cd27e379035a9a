#pragma once
// Turning S3 request structs into HTTP requests (method, path, query, headers, body), and
// S3 response headers into results. Pure functions: no I/O, testable on their own.

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/core/utf8.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/http/date.hpp>
#include <cirrus/http/message.hpp>
#include <cirrus/s3/detail/metadata.hpp>
#include <cirrus/s3/errors.hpp>
#include <cirrus/s3/model.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::s3 {

// ----------------------------------------------------------------------------- names

namespace detail {

constexpr bool is_lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Four dot-separated decimal numbers: a bucket name must not look like one.
constexpr bool looks_like_ipv4(std::string_view s) noexcept {
    int parts = 0;
    std::size_t i = 0;
    while (i <= s.size()) {
        std::size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 3) return false;
        ++parts;
        if (i == s.size()) break;
        if (s[i] != '.') return false;
        ++i;
    }
    return parts == 4;
}

} // namespace detail

// The rules of S3 general purpose bucket names: 3 to 63 characters of lower-case letters,
// digits, '.' and '-'; starting and ending with a letter or digit; labels between dots
// neither empty nor starting or ending with '-'; not an IPv4 address; none of the
// reserved prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap,
// --x-s3, --table-s3).
constexpr bool is_valid_bucket_name(std::string_view name) noexcept {
    if (name.size() < 3 || name.size() > 63) return false;
    if (!detail::is_lower_alnum(name.front()) || !detail::is_lower_alnum(name.back())) return false;
    char prev = 0;
    for (char c : name) {
        if (!detail::is_lower_alnum(c) && c != '.' && c != '-') return false;
        if (c == '.' && (prev == '.' || prev == '-')) return false;
        if (c == '-' && prev == '.') return false;
        prev = c;
    }
    if (detail::looks_like_ipv4(name)) return false;
    for (std::string_view p : {"xn--", "sthree-", "amzn-s3-demo-"})
        if (name.starts_with(p)) return false;
    for (std::string_view s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
        if (name.ends_with(s)) return false;
    return true;
}

inline constexpr std::size_t max_key_length = 1024;

// Keys are 1 to 1,024 bytes of UTF-8.
constexpr bool is_valid_object_key(std::string_view key) noexcept {
    return !key.empty() && key.size() <= max_key_length && utf8::is_valid(key);
}

// True when a key has a "." or ".." segment between slashes ("a/../b", "./x", "a/.").
constexpr bool has_dot_segment(std::string_view key) noexcept {
    while (true) {
        const auto slash = key.find('/');
        const std::string_view segment = key.substr(0, slash);
        if (segment == "." || segment == "..") return true;
        if (slash == std::string_view::npos) return false;
        key.remove_prefix(slash + 1);
    }
}

namespace detail {

inline error_code check_bucket(std::string_view bucket, bool strict, diagnostics& diag) {
    const bool ok = strict ? is_valid_bucket_name(bucket)
                           : !bucket.empty() && bucket.size() <= 255 && bucket.find('/') == std::string_view::npos &&
                                 utf8::is_valid(bucket);
    if (ok) return {};
    diag.clear();
    diag.service_code = "InvalidBucketName";
    diag.message = "the bucket name breaks the S3 naming rules (checked before sending)";
    return make_error_code(errc::invalid_bucket_name);
}

inline error_code check_key(std::string_view key, diagnostics& diag) {
    if (is_valid_object_key(key)) return {};
    diag.clear();
    diag.message = key.empty()                   ? "the object key is empty"
                   : key.size() > max_key_length ? "the object key is longer than 1,024 bytes"
                                                 : "the object key is not UTF-8";
    return make_error_code(errc::invalid_object_key);
}

// check_key, and for providers that resolve "." and ".." segments
// (provider::features::dot_segment_keys false), no such segment.
inline error_code check_key(std::string_view key, bool dot_segments_kept, diagnostics& diag) {
    if (auto ec = check_key(key, diag)) return ec;
    if (dot_segments_kept || !has_dot_segment(key)) return {};
    diag.clear();
    diag.message = "the object key has a \".\" or \"..\" path segment, which this provider resolves "
                   "(it would store another key); see provider::features::dot_segment_keys";
    return make_error_code(errc::invalid_object_key);
}

// ----------------------------------------------------------------------------- requests

// Header fields of a request under construction. clear() keeps every string's storage, so
// a builder that is reused (core::acquire_exchange) allocates nothing for fields that fit
// in what an earlier request left.
class field_list {
public:
    using value_type = std::pair<std::string, std::string>;
    using const_iterator = std::vector<value_type>::const_iterator;

    void emplace_back(std::string_view name, std::string_view value) {
        if (used_ < items_.size()) {
            items_[used_].first.assign(name);
            items_[used_].second.assign(value);
        } else {
            items_.emplace_back(std::string(name), std::string(value));
        }
        ++used_;
    }
    const_iterator begin() const noexcept { return items_.begin(); }
    const_iterator end() const noexcept { return items_.begin() + static_cast<std::ptrdiff_t>(used_); }
    std::size_t size() const noexcept { return used_; }
    bool empty() const noexcept { return used_ == 0; }
    const value_type& operator[](std::size_t i) const noexcept { return items_[i]; }
    void clear() noexcept { used_ = 0; }

private:
    std::vector<value_type> items_;
    std::size_t used_ = 0;
};

// An HTTP request under construction: owns its path, query, headers and small body.
struct request_builder {
    http::verb method = http::verb::get;
    std::string bucket; // empty: the service (ListBuckets)
    std::string key;    // raw key; encoded into the path by the client
    std::string query;  // encoded, without '?'
    field_list headers;
    std::string body; // XML and JSON bodies the client builds

    // A parameter without a value ("uploads", "tagging"), written without '='.
    void add_query(std::string_view name) {
        if (!query.empty()) query += '&';
        uri::encode_to(name, query);
    }
    void add_query(std::string_view name, std::string_view value) {
        if (!query.empty()) query += '&';
        uri::encode_to(name, query);
        query += '=';
        uri::encode_to(value, query);
    }
    void add_query_number(std::string_view name, std::uint64_t n) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
        add_query(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    void add_header(std::string_view name, std::string_view value) { headers.emplace_back(name, value); }
    void add_header_if(std::string_view name, std::string_view value) {
        if (!value.empty()) headers.emplace_back(name, value);
    }
    std::string_view header(std::string_view name) const noexcept {
        for (const auto& [n, v] : headers)
            if (ascii::iequals(n, name)) return v;
        return {};
    }
    // Back to an empty GET of the service, keeping the storage.
    void clear() noexcept {
        method = http::verb::get;
        bucket.clear();
        key.clear();
        query.clear();
        headers.clear();
        body.clear();
    }
};

// "/bucket/key" (path style) or "/key" (virtual-hosted), percent-encoded with '/' kept.
// object_path_to replaces the contents of `path` (keeping its storage).
inline void object_path_to(std::string_view bucket, std::string_view key, bool virtual_host, std::string& path) {
    path.clear();
    path.reserve(bucket.size() + key.size() * 3 / 2 + 2);
    path += '/';
    if (!virtual_host && !bucket.empty()) {
        uri::encode_to(bucket, path);
        if (!key.empty()) path += '/';
    }
    uri::encode_to(key, path, uri::slash::keep);
}
inline std::string object_path(std::string_view bucket, std::string_view key, bool virtual_host) {
    std::string path;
    object_path_to(bucket, key, virtual_host, path);
    return path;
}

inline std::string http_date(time_point t) {
    const auto a = http::format_http_date(std::chrono::floor<std::chrono::seconds>(t));
    return std::string(a.data(), a.size());
}

inline std::string_view acl_value(canned_acl a) noexcept {
    switch (a) {
    case canned_acl::none: return {};
    case canned_acl::private_: return "private";
    case canned_acl::public_read: return "public-read";
    case canned_acl::public_read_write: return "public-read-write";
    case canned_acl::authenticated_read: return "authenticated-read";
    case canned_acl::aws_exec_read: return "aws-exec-read";
    case canned_acl::bucket_owner_read: return "bucket-owner-read";
    case canned_acl::bucket_owner_full_control: return "bucket-owner-full-control";
    case canned_acl::log_delivery_write: return "log-delivery-write";
    }
    return {};
}

inline std::string_view ownership_value(object_ownership o) noexcept {
    switch (o) {
    case object_ownership::none: return {};
    case object_ownership::bucket_owner_enforced: return "BucketOwnerEnforced";
    case object_ownership::bucket_owner_preferred: return "BucketOwnerPreferred";
    case object_ownership::object_writer: return "ObjectWriter";
    }
    return {};
}

inline void add_acl(request_builder& b, canned_acl a) { b.add_header_if("x-amz-acl", acl_value(a)); }

inline void add_content_headers(request_builder& b, const content_headers_view& c) {
    b.add_header_if("Content-Type", c.content_type);
    b.add_header_if("Content-Encoding", c.content_encoding);
    b.add_header_if("Content-Disposition", c.content_disposition);
    b.add_header_if("Content-Language", c.content_language);
    b.add_header_if("Cache-Control", c.cache_control);
    b.add_header_if("Expires", c.expires);
}

inline error_code add_metadata(request_builder& b, const pairs_view& m) {
    error_code ec;
    m.for_each([&](std::string_view name, std::string_view value) {
        if (ec) return;
        if (name.empty() || !ascii::is_token(name)) {
            ec = make_error_code(cirrus::errc::invalid_header_name);
            return;
        }
        std::string header = "x-amz-meta-";
        header += name;
        if (!needs_rfc2047(value)) {
            b.add_header(std::move(header), value);
        } else if (!utf8::is_valid(value)) {
            ec = make_error_code(cirrus::errc::invalid_utf8);
        } else {
            b.add_header(std::move(header), encode_rfc2047(value));
        }
    });
    return ec;
}

// "k1=v1&k2=v2", encoded as a query string.
inline std::string encode_tags(list_view<tag> tags) {
    std::string out;
    for (const auto& t : tags) {
        if (!out.empty()) out += '&';
        uri::encode_to(t.key, out);
        out += '=';
        uri::encode_to(t.value, out);
    }
    return out;
}

inline void add_tags(request_builder& b, list_view<tag> tags) {
    if (!tags.empty()) b.add_header("x-amz-tagging", encode_tags(tags));
}

inline std::string base64_md5(std::string_view data) {
    const auto digest = crypto::md5(data);
    return base64::encode(std::span<const std::uint8_t>(digest));
}

// x-amz-server-side-encryption-customer-key and its x-amz-copy-source- form.
inline bool is_customer_key_header(std::string_view name) noexcept {
    constexpr std::string_view suffix = "server-side-encryption-customer-key";
    return name.size() >= suffix.size() && ascii::iequals(name.substr(name.size() - suffix.size()), suffix);
}

// SSE-C headers for a key; `prefix` is "x-amz-" or "x-amz-copy-source-".
inline error_code add_customer_key(request_builder& b, std::string_view prefix, std::string_view key) {
    if (key.empty()) return {};
    if (key.size() != 32) return make_error_code(cirrus::errc::invalid_argument);
    const std::string p(prefix);
    b.add_header(p + "server-side-encryption-customer-algorithm", "AES256");
    b.add_header(p + "server-side-encryption-customer-key", base64::encode(key));
    b.add_header(p + "server-side-encryption-customer-key-MD5", base64_md5(key));
    return {};
}

inline error_code add_encryption(request_builder& b, const server_side_encryption& e) {
    using kind = server_side_encryption::kind;
    switch (e.type) {
    case kind::none: return {};
    case kind::s3: b.add_header("x-amz-server-side-encryption", "AES256"); return {};
    case kind::kms:
    case kind::kms_dsse:
        b.add_header("x-amz-server-side-encryption", e.type == kind::kms ? "aws:kms" : "aws:kms:dsse");
        b.add_header_if("x-amz-server-side-encryption-aws-kms-key-id", e.kms_key_id);
        b.add_header_if("x-amz-server-side-encryption-context", e.kms_context);
        if (e.bucket_key) b.add_header("x-amz-server-side-encryption-bucket-key-enabled", "true");
        return {};
    case kind::customer:
        if (e.customer_key.size() != 32) return make_error_code(cirrus::errc::invalid_argument);
        return add_customer_key(b, "x-amz-", e.customer_key);
    }
    return {};
}

// If-* headers; with `copy_source` the x-amz-copy-source-if-* forms.
inline void add_conditions(request_builder& b, const conditions& c, bool copy_source = false) {
    const std::string_view p = copy_source ? "x-amz-copy-source-" : "";
    auto name = [&](std::string_view n) {
        std::string s(p);
        if (copy_source) {
            for (char ch : n) s.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch));
        } else {
            s += n;
        }
        return s;
    };
    if (!c.if_match.empty()) b.add_header(name("If-Match"), c.if_match);
    if (!c.if_none_match.empty()) b.add_header(name("If-None-Match"), c.if_none_match);
    if (c.if_modified_since) b.add_header(name("If-Modified-Since"), http_date(*c.if_modified_since));
    if (c.if_unmodified_since) b.add_header(name("If-Unmodified-Since"), http_date(*c.if_unmodified_since));
}

inline error_code range_value(const byte_range& r, std::string& out) {
    out = "bytes=";
    if (r.suffix_length != 0) {
        out += '-';
        out += std::to_string(r.suffix_length);
        return {};
    }
    if (r.last && *r.last < r.first) return make_error_code(cirrus::errc::invalid_argument);
    out += std::to_string(r.first);
    out += '-';
    if (r.last) out += std::to_string(*r.last);
    return {};
}

// x-amz-copy-source: "bucket/key[?versionId=...]", the key percent-encoded.
inline std::string copy_source(std::string_view bucket, std::string_view key, std::string_view version_id) {
    std::string out;
    uri::encode_to(bucket, out);
    out += '/';
    uri::encode_to(key, out, uri::slash::keep);
    if (!version_id.empty()) {
        out += "?versionId=";
        uri::encode_to(version_id, out);
    }
    return out;
}

// The headers shared by PutObject, CreateMultipartUpload and CopyObject (replace).
inline error_code add_object_attributes(request_builder& b, const content_headers_view& content,
                                        const pairs_view& metadata, list_view<tag> tags, std::string_view storage_class,
                                        canned_acl acl, const server_side_encryption& sse) {
    add_content_headers(b, content);
    if (auto ec = add_metadata(b, metadata)) return ec;
    add_tags(b, tags);
    b.add_header_if("x-amz-storage-class", storage_class);
    add_acl(b, acl);
    return add_encryption(b, sse);
}

inline error_code build_put_object(const put_object_request& r, request_builder& b) {
    b.method = http::verb::put;
    b.bucket = r.bucket;
    b.key = r.key;
    if (auto ec = add_object_attributes(b, r.content, r.metadata, r.tags, r.storage_class, r.acl, r.encryption))
        return ec;
    b.add_header_if("If-Match", r.if_match);
    b.add_header_if("If-None-Match", r.if_none_match);
    return {};
}

inline error_code build_get_object(const get_object_request& r, request_builder& b) {
    b.method = http::verb::get;
    b.bucket = r.bucket;
    b.key = r.key;
    if (!r.version_id.empty()) b.add_query("versionId", r.version_id);
    if (r.part_number) b.add_query_number("partNumber", *r.part_number);
    if (!r.response_content_type.empty()) b.add_query("response-content-type", r.response_content_type);
    if (!r.response_content_disposition.empty())
        b.add_query("response-content-disposition", r.response_content_disposition);
    if (r.range) {
        std::string v;
        if (auto ec = range_value(*r.range, v)) return ec;
        b.add_header("Range", std::move(v));
    }
    add_conditions(b, r.conditions);
    if (r.checksum_mode) b.add_header("x-amz-checksum-mode", "ENABLED");
    return add_customer_key(b, "x-amz-", r.customer_key);
}

inline error_code build_head_object(const head_object_request& r, request_builder& b) {
    b.method = http::verb::head;
    b.bucket = r.bucket;
    b.key = r.key;
    if (!r.version_id.empty()) b.add_query("versionId", r.version_id);
    if (r.part_number) b.add_query_number("partNumber", *r.part_number);
    add_conditions(b, r.conditions);
    if (r.checksum_mode) b.add_header("x-amz-checksum-mode", "ENABLED");
    return add_customer_key(b, "x-amz-", r.customer_key);
}

inline error_code build_copy_object(const copy_object_request& r, request_builder& b) {
    b.method = http::verb::put;
    b.bucket = r.bucket;
    b.key = r.key;
    b.add_header("x-amz-copy-source", copy_source(r.source_bucket, r.source_key, r.source_version_id));
    if (r.directive == metadata_directive::replace) {
        b.add_header("x-amz-metadata-directive", "REPLACE");
        add_content_headers(b, r.content);
        if (auto ec = add_metadata(b, r.metadata)) return ec;
    }
    if (r.tagging == tagging_directive::replace) {
        b.add_header("x-amz-tagging-directive", "REPLACE");
        add_tags(b, r.tags);
    }
    b.add_header_if("x-amz-storage-class", r.storage_class);
    add_acl(b, r.acl);
    if (auto ec = add_encryption(b, r.encryption)) return ec;
    if (auto ec = add_customer_key(b, "x-amz-copy-source-", r.source_customer_key)) return ec;
    add_conditions(b, r.source_conditions, true);
    if (r.checksum_algorithm)
        b.add_header("x-amz-checksum-algorithm", std::string(crypto::algorithm_name(*r.checksum_algorithm)));
    return {};
}

inline error_code build_create_multipart_upload(const create_multipart_upload_request& r, request_builder& b) {
    b.method = http::verb::post;
    b.bucket = r.bucket;
    b.key = r.key;
    b.add_query("uploads");
    if (auto ec = add_object_attributes(b, r.content, r.metadata, r.tags, r.storage_class, r.acl, r.encryption))
        return ec;
    if (r.checksum_algorithm)
        b.add_header("x-amz-checksum-algorithm", std::string(crypto::algorithm_name(*r.checksum_algorithm)));
    if (r.checksum_type != checksum_type::unspecified) b.add_header("x-amz-checksum-type", to_string(r.checksum_type));
    return {};
}

inline error_code build_upload_part_copy(const upload_part_copy_request& r, request_builder& b) {
    if (r.part_number < 1 || r.part_number > 10000) return make_error_code(cirrus::errc::invalid_argument);
    b.method = http::verb::put;
    b.bucket = r.bucket;
    b.key = r.key;
    b.add_query_number("partNumber", r.part_number);
    b.add_query("uploadId", r.upload_id);
    b.add_header("x-amz-copy-source", copy_source(r.source_bucket, r.source_key, r.source_version_id));
    if (r.source_range) {
        if (r.source_range->suffix_length != 0 || !r.source_range->last)
            return make_error_code(cirrus::errc::invalid_argument);
        std::string v;
        if (auto ec = range_value(*r.source_range, v)) return ec;
        b.add_header("x-amz-copy-source-range", std::move(v));
    }
    add_conditions(b, r.source_conditions, true);
    if (auto ec = add_customer_key(b, "x-amz-copy-source-", r.source_customer_key)) return ec;
    return add_customer_key(b, "x-amz-", r.customer_key);
}

inline void build_list_objects(const list_objects_request& r, request_builder& b) {
    b.method = http::verb::get;
    b.bucket = r.bucket;
    b.add_query("list-type", "2");
    b.add_query("encoding-type", "url");
    if (!r.prefix.empty()) b.add_query("prefix", r.prefix);
    if (!r.delimiter.empty()) b.add_query("delimiter", r.delimiter);
    if (!r.start_after.empty()) b.add_query("start-after", r.start_after);
    if (r.max_keys) b.add_query_number("max-keys", *r.max_keys);
    if (!r.continuation_token.empty()) b.add_query("continuation-token", r.continuation_token);
    if (r.fetch_owner) b.add_query("fetch-owner", "true");
}

inline void build_list_object_versions(const list_object_versions_request& r, request_builder& b) {
    b.method = http::verb::get;
    b.bucket = r.bucket;
    b.add_query("versions");
    b.add_query("encoding-type", "url");
    if (!r.prefix.empty()) b.add_query("prefix", r.prefix);
    if (!r.delimiter.empty()) b.add_query("delimiter", r.delimiter);
    if (!r.key_marker.empty()) b.add_query("key-marker", r.key_marker);
    if (!r.version_id_marker.empty()) b.add_query("version-id-marker", r.version_id_marker);
    if (r.max_keys) b.add_query_number("max-keys", *r.max_keys);
}

inline void build_list_multipart_uploads(const list_multipart_uploads_request& r, request_builder& b) {
    b.method = http::verb::get;
    b.bucket = r.bucket;
    b.add_query("uploads");
    b.add_query("encoding-type", "url");
    if (!r.prefix.empty()) b.add_query("prefix", r.prefix);
    if (!r.delimiter.empty()) b.add_query("delimiter", r.delimiter);
    if (!r.key_marker.empty()) b.add_query("key-marker", r.key_marker);
    if (!r.upload_id_marker.empty()) b.add_query("upload-id-marker", r.upload_id_marker);
    if (r.max_uploads) b.add_query_number("max-uploads", *r.max_uploads);
}

inline void build_list_parts(const list_parts_request& r, request_builder& b) {
    b.method = http::verb::get;
    b.bucket = r.bucket;
    b.key = r.key;
    b.add_query("uploadId", r.upload_id);
    if (r.max_parts) b.add_query_number("max-parts", *r.max_parts);
    if (r.part_number_marker) b.add_query_number("part-number-marker", *r.part_number_marker);
}

// ----------------------------------------------------------------------------- responses

inline bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && ascii::iequals(s.substr(0, prefix.size()), prefix);
}

template <class Int>
bool parse_uint(std::string_view s, Int& out) noexcept {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

// The checksum headers of a response (x-amz-checksum-<alg>, x-amz-checksum-type).
inline std::optional<checksum> read_checksum_headers(const http::response& res) {
    constexpr checksum_algorithm all[] = {checksum_algorithm::crc32, checksum_algorithm::crc32c,
                                          checksum_algorithm::crc64nvme, checksum_algorithm::sha1,
                                          checksum_algorithm::sha256};
    for (checksum_algorithm a : all) {
        const std::string_view v = res.header(crypto::checksum_header_name(a));
        if (v.empty()) continue;
        checksum c;
        c.algorithm = a;
        c.value.assign(v);
        c.type.assign(res.header("x-amz-checksum-type"));
        return c;
    }
    return std::nullopt;
}

inline void read_encryption(const http::response& res, encryption_info& e) {
    e.algorithm.assign(res.header("x-amz-server-side-encryption"));
    e.kms_key_id.assign(res.header("x-amz-server-side-encryption-aws-kms-key-id"));
    e.bucket_key = res.header("x-amz-server-side-encryption-bucket-key-enabled") == "true";
    e.customer_algorithm.assign(res.header("x-amz-server-side-encryption-customer-algorithm"));
    e.customer_key_md5.assign(res.header("x-amz-server-side-encryption-customer-key-MD5"));
}

// Fills what HEAD and GET report. Malformed numbers are a protocol error.
// An object's Content-Encoding without the "aws-chunked" coding: that one describes how
// the upload was framed, and S3 drops it when it stores the object; some servers (versitygw
// 1.7) store the header as sent, so it is dropped here for every server alike.
inline void assign_stored_encoding(std::string_view header, std::string& out) {
    out.clear();
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view coding = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
        while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
        if (coding.empty() || ascii::iequals(coding, "aws-chunked")) continue;
        if (!out.empty()) out += ',';
        out += coding;
    }
}

// Every field of `o` is assigned (a result reused across calls keeps its strings' storage).
inline error_code read_object_info(const http::response& res, object_info& o) {
    o.content_length = 0;
    o.last_modified = {};
    o.delete_marker = false;
    o.tag_count = 0;
    o.parts_count.reset();
    o.metadata.clear();
    if (const auto v = res.header("Content-Length"); !v.empty() && !parse_uint(v, o.content_length))
        return make_error_code(cirrus::errc::protocol_error);
    o.object_size = o.content_length;
    o.content_range.assign(res.header("Content-Range"));
    if (!o.content_range.empty()) {
        // "bytes 0-99/1234" (or "bytes */1234")
        const auto slash = o.content_range.rfind('/');
        if (slash != std::string::npos) {
            const std::string_view total = std::string_view(o.content_range).substr(slash + 1);
            if (total != "*" && !parse_uint(total, o.object_size)) return make_error_code(cirrus::errc::protocol_error);
        }
    }
    o.etag.assign(res.header("ETag"));
    if (const auto t = http::parse_http_date(res.header("Last-Modified"))) {
        // Within what a nanosecond system_clock can hold (1678 .. 2262); else left unset.
        constexpr auto limit = std::chrono::duration_cast<std::chrono::seconds>(time_point::duration::max());
        if (t->time_since_epoch() < limit && t->time_since_epoch() > -limit) o.last_modified = *t;
    }
    o.content.content_type.assign(res.header("Content-Type"));
    assign_stored_encoding(res.header("Content-Encoding"), o.content.content_encoding);
    o.content.content_disposition.assign(res.header("Content-Disposition"));
    o.content.content_language.assign(res.header("Content-Language"));
    o.content.cache_control.assign(res.header("Cache-Control"));
    o.content.expires.assign(res.header("Expires"));
    o.storage_class.assign(res.header("x-amz-storage-class"));
    o.version_id.assign(res.header("x-amz-version-id"));
    o.delete_marker = res.header("x-amz-delete-marker") == "true";
    if (const auto v = res.header("x-amz-tagging-count"); !v.empty()) (void)parse_uint(v, o.tag_count);
    if (const auto v = res.header("x-amz-mp-parts-count"); !v.empty()) {
        std::uint32_t n = 0;
        if (parse_uint(v, n)) o.parts_count = n;
    }
    o.restore.assign(res.header("x-amz-restore"));
    o.checksum = read_checksum_headers(res);
    read_encryption(res, o.encryption);
    for (const auto& f : res.headers) {
        const std::string_view name(f.name_string().data(), f.name_string().size());
        if (!starts_with_icase(name, "x-amz-meta-")) continue;
        std::string key(name.substr(11));
        for (auto& c : key) c = ascii::to_lower(c);
        const std::string_view value(f.value().data(), f.value().size());
        auto decoded = decode_rfc2047(value);
        o.metadata.insert_or_assign(std::move(key), decoded ? std::move(*decoded) : std::string(value));
    }
    return {};
}

} // namespace detail
} // namespace cirrus::s3
