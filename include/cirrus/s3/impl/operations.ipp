#pragma once
// Definitions for s3/detail/operations.hpp: the S3 operations as coroutines over
// detail::core.

#include <cirrus/auth/sigv4/post_policy.hpp>
#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/s3/detail/core.hpp>
#include <cirrus/s3/detail/operations.hpp>
#include <cirrus/s3/detail/xml_build.hpp>
#include <cirrus/s3/detail/xml_parse.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace cirrus::s3::detail::ops {

namespace asio = boost::asio;
using task = asio::awaitable<error_code>;

inline constexpr std::size_t max_delete_batch = 1000;

inline void add_md5(exchange& x) { x.b.add_header("Content-MD5", base64_md5(x.b.body)); }

inline error_code parse_error(diagnostics& diag, std::string_view what) {
    diag.message = "malformed ";
    diag.message += what;
    diag.message += " response";
    return make_error_code(cirrus::errc::protocol_error);
}

// ----------------------------------------------------------------------------- buckets

CIRRUS_DECL task create_bucket(core& c, const create_bucket_request& r, create_bucket_result& out, diagnostics& diag) {
    if (auto ec = c.check_features({.acl = r.acl, .object_lock = r.object_lock}, diag)) co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::put;
    x.b.bucket = r.bucket;
    x.b.body = build_create_bucket_configuration(r.region.empty() ? c.options.region : r.region);
    add_acl(x.b, r.acl);
    x.b.add_header_if("x-amz-object-ownership", ownership_value(r.ownership));
    if (r.object_lock) x.b.add_header("x-amz-bucket-object-lock-enabled", "true");
    const error_code ec = co_await c.send(x, diag, resource::bucket);
    if (!ec) out.location.assign(x.res.header("Location"));
    co_return ec;
}

CIRRUS_DECL task head_bucket(core& c, const head_bucket_request& r, head_bucket_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::head;
    x.b.bucket = r.bucket;
    const error_code ec = co_await c.send(x, diag, resource::bucket);
    if (!ec) out.region.assign(x.res.header("x-amz-bucket-region"));
    co_return ec;
}

CIRRUS_DECL task list_buckets(core& c, const list_buckets_request& r, list_buckets_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::get;
    if (!r.prefix.empty()) x.b.add_query("prefix", r.prefix);
    if (r.max_buckets) x.b.add_query_number("max-buckets", *r.max_buckets);
    if (!r.continuation_token.empty()) x.b.add_query("continuation-token", r.continuation_token);
    if (auto ec = co_await c.send(x, diag, resource::service)) co_return ec;
    if (parse_list_buckets(x.res.body, out)) co_return parse_error(diag, "ListBuckets");
    co_return error_code{};
}

CIRRUS_DECL task get_bucket_location(core& c, const get_bucket_location_request& r, get_bucket_location_result& out,
                                     diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.bucket = r.bucket;
    x.b.add_query("location");
    if (auto ec = co_await c.send(x, diag, resource::bucket)) co_return ec;
    if (parse_bucket_location(x.res.body, out)) co_return parse_error(diag, "GetBucketLocation");
    co_return error_code{};
}

// A bucket sub-resource request (?versioning, ?policy, ?cors, ?lifecycle, ?tagging).
inline task bucket_subresource(core& c, const request_options& options, http::verb method, std::string_view bucket,
                               std::string_view name, std::string body, bool md5, http::response* out,
                               diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = options;
    x.b.method = method;
    x.b.bucket = bucket;
    x.b.add_query(name);
    x.b.body = std::move(body);
    if (md5 && !x.b.body.empty()) add_md5(x);
    if (name == "policy" && method == http::verb::put) x.b.add_header("Content-Type", "application/json");
    const error_code ec = co_await c.send(x, diag, resource::bucket);
    if (out) *out = std::move(x.res);
    co_return ec;
}

CIRRUS_DECL task put_bucket_versioning(core& c, const put_bucket_versioning_request& r, diagnostics& diag) {
    if (r.status == versioning_status::unversioned) {
        diag.message = "a bucket can be versioned or suspended, not unversioned again";
        co_return make_error_code(cirrus::errc::invalid_argument);
    }
    co_return co_await bucket_subresource(c, r.options, http::verb::put, r.bucket, "versioning",
                                          build_versioning(r.status), true, nullptr, diag);
}

CIRRUS_DECL task get_bucket_versioning(core& c, const get_bucket_versioning_request& r,
                                       get_bucket_versioning_result& out, diagnostics& diag) {
    http::response res;
    if (auto ec = co_await bucket_subresource(c, r.options, http::verb::get, r.bucket, "versioning", {}, false, &res,
                                              diag))
        co_return ec;
    if (parse_versioning(res.body, out)) co_return parse_error(diag, "GetBucketVersioning");
    co_return error_code{};
}

CIRRUS_DECL task put_bucket_policy(core& c, const put_bucket_policy_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::put, r.bucket, "policy", std::string(r.policy),
                                          true, nullptr, diag);
}

CIRRUS_DECL task get_bucket_policy(core& c, const get_bucket_policy_request& r, get_bucket_policy_result& out,
                                   diagnostics& diag) {
    http::response res;
    if (auto ec = co_await bucket_subresource(c, r.options, http::verb::get, r.bucket, "policy", {}, false, &res, diag))
        co_return ec;
    out.policy = std::move(res.body);
    co_return error_code{};
}

CIRRUS_DECL task delete_bucket_policy(core& c, const delete_bucket_policy_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::delete_, r.bucket, "policy", {}, false, nullptr,
                                          diag);
}

CIRRUS_DECL task put_bucket_cors(core& c, const put_bucket_cors_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::put, r.bucket, "cors", build_cors(r.rules), true,
                                          nullptr, diag);
}

CIRRUS_DECL task get_bucket_cors(core& c, const get_bucket_cors_request& r, cors_configuration& out,
                                 diagnostics& diag) {
    http::response res;
    if (auto ec = co_await bucket_subresource(c, r.options, http::verb::get, r.bucket, "cors", {}, false, &res, diag))
        co_return ec;
    if (parse_cors(res.body, out)) co_return parse_error(diag, "GetBucketCors");
    co_return error_code{};
}

CIRRUS_DECL task delete_bucket_cors(core& c, const delete_bucket_cors_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::delete_, r.bucket, "cors", {}, false, nullptr,
                                          diag);
}

CIRRUS_DECL task put_bucket_lifecycle(core& c, const put_bucket_lifecycle_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::put, r.bucket, "lifecycle",
                                          build_lifecycle(r.rules), true, nullptr, diag);
}

CIRRUS_DECL task get_bucket_lifecycle(core& c, const get_bucket_lifecycle_request& r, lifecycle_configuration& out,
                                      diagnostics& diag) {
    http::response res;
    if (auto ec = co_await bucket_subresource(c, r.options, http::verb::get, r.bucket, "lifecycle", {}, false, &res,
                                              diag))
        co_return ec;
    if (parse_lifecycle(res.body, out)) co_return parse_error(diag, "GetBucketLifecycleConfiguration");
    co_return error_code{};
}

CIRRUS_DECL task delete_bucket_lifecycle(core& c, const delete_bucket_lifecycle_request& r, diagnostics& diag) {
    co_return co_await bucket_subresource(c, r.options, http::verb::delete_, r.bucket, "lifecycle", {}, false, nullptr,
                                          diag);
}

// ----------------------------------------------------------------------------- listings

CIRRUS_DECL task list_objects(core& c, const list_objects_request& r, list_objects_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    build_list_objects(r, x.b);
    if (auto ec = co_await c.send(x, diag, resource::bucket)) co_return ec;
    if (parse_list_objects_v2(x.res.body, out)) co_return parse_error(diag, "ListObjectsV2");
    if (out.is_truncated && out.next_continuation_token.empty())
        co_return parse_error(diag, "ListObjectsV2 (no token)");
    co_return error_code{};
}

CIRRUS_DECL task list_object_versions(core& c, const list_object_versions_request& r, list_object_versions_result& out,
                                      diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    build_list_object_versions(r, x.b);
    if (auto ec = co_await c.send(x, diag, resource::bucket)) co_return ec;
    if (parse_list_object_versions(x.res.body, out)) co_return parse_error(diag, "ListObjectVersions");
    // Some servers (versitygw) start the next page at the marker instead of after it:
    // drop the repeated entry, and refuse a page that makes no progress rather than loop.
    if (!r.key_marker.empty() && !r.version_id_marker.empty() && !out.versions.empty() &&
        out.versions.front().key == r.key_marker && out.versions.front().version_id == r.version_id_marker)
        out.versions.erase(out.versions.begin());
    if (out.is_truncated && out.next_key_marker == r.key_marker && out.next_version_id_marker == r.version_id_marker) {
        diag.message = "the server repeated the version listing markers (no progress)";
        co_return make_error_code(cirrus::errc::protocol_error);
    }
    co_return error_code{};
}

CIRRUS_DECL task list_multipart_uploads(core& c, const list_multipart_uploads_request& r,
                                        list_multipart_uploads_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    build_list_multipart_uploads(r, x.b);
    if (auto ec = co_await c.send(x, diag, resource::bucket)) co_return ec;
    if (parse_list_multipart_uploads(x.res.body, out)) co_return parse_error(diag, "ListMultipartUploads");
    co_return error_code{};
}

CIRRUS_DECL task list_parts(core& c, const list_parts_request& r, list_parts_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    build_list_parts(r, x.b);
    if (auto ec = co_await c.send(x, diag, resource::upload)) co_return ec;
    if (parse_list_parts(x.res.body, out)) co_return parse_error(diag, "ListParts");
    co_return error_code{};
}

// A truncated page whose markers do not move on: stop rather than ask for it again.
// ----------------------------------------------------------------------------- objects

inline void read_put_result(const http::response& res, std::string& etag, std::string& version_id,
                            std::optional<checksum>& sum) {
    etag.assign(res.header("ETag"));
    version_id.assign(res.header("x-amz-version-id"));
    sum = read_checksum_headers(res);
}

CIRRUS_DECL task put_object(core& c, const put_object_request& r, put_object_result& out, diagnostics& diag) {
    if (auto ec = c.check_features({.acl = r.acl,
                                    .tags = !r.tags.empty(),
                                    .conditional_write = !r.if_match.empty() || !r.if_none_match.empty()},
                                   diag))
        co_return ec;
    upload_source src;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_put_object(r, x.b)) co_return ec;
    if (auto ec = c.prepare_upload(r.body, r.checksum_algorithm, r.checksum_at, r.checksum_value, r.content_md5, src, x,
                                   diag))
        co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::object)) co_return ec;
    read_put_result(x.res, out.etag, out.version_id, out.checksum);
    read_encryption(x.res, out.encryption);
    co_return error_code{};
}

// The download file could not be written, created or moved into place.
inline error_code download_error(const download_target& target, diagnostics& diag, std::string_view what) {
    diag.clear();
    diag.message = std::string(what) + " " + target.path + ": " + target.io_error.message();
    return target.io_error;
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A 404 without a body does not say whether the key or the bucket is missing: ask.
inline task refine_not_found(core& c, std::string_view bucket, error_code ec, diagnostics& diag) {
    if (ec != errc::no_such_key || !diag.service_code.empty()) co_return ec;
    diagnostics bucket_diag;
    head_bucket_result ignored;
    const head_bucket_request probe{.bucket = bucket};
    const error_code b = co_await head_bucket(c, probe, ignored, bucket_diag);
    if (b == errc::no_such_bucket) {
        diag.message = "the bucket does not exist";
        co_return b;
    }
    co_return ec;
}

CIRRUS_DECL task head_object(core& c, const head_object_request& r, object_info& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_head_object(r, x.b)) co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::object))
        co_return co_await refine_not_found(c, r.bucket, ec, diag);
    if (read_object_info(x.res, out)) co_return parse_error(diag, "HeadObject");
    co_return error_code{};
}

CIRRUS_DECL task get_object(core& c, const get_object_request& r, get_object_result& out, diagnostics& diag) {
    download_target target;
    std::span<std::uint8_t> memory_out;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_get_object(r, x.b)) co_return ec;
    x.sink = make_sink(r.sink, target, memory_out, r.checksum_mode && !r.range && !r.part_number);
    if (auto ec = co_await c.send(x, diag, resource::object)) {
        if (target.io_error) co_return download_error(target, diag, "cannot write the download file");
        co_return co_await refine_not_found(c, r.bucket, ec, diag);
    }
    if (target.io_error) co_return download_error(target, diag, "cannot write the download file");
    if (read_object_info(x.res, out)) co_return parse_error(diag, "GetObject");
    out.bytes_received = x.res.body_size;

    const bool verify = r.checksum_mode && !r.range && !r.part_number && out.checksum &&
                        is_full_object_checksum(*out.checksum);
    if (verify) {
        std::optional<crypto::checksum_value> got;
        const auto alg = out.checksum->algorithm;
        switch (r.sink.type()) {
        case object_sink::kind::collect: got = crypto::compute_checksum(alg, as_bytes(x.res.body)); break;
        case object_sink::kind::memory:
            got = crypto::compute_checksum(alg, memory_out.first(static_cast<std::size_t>(x.res.body_size)));
            break;
        case object_sink::kind::path:
        case object_sink::kind::file: {
            const bool by_path = r.sink.type() == object_sink::kind::path;
            if (by_path && !target.owned) {
                if (target.open_temporary()) co_return download_error(target, diag, "cannot create the download file");
            }
            const int fd = by_path ? target.owned.get() : r.sink.fd();
            const std::uint64_t offset = by_path ? 0 : r.sink.offset();
            auto sum = checksum_of_file(fd, offset, x.res.body_size, alg);
            if (!sum) co_return sum.error();
            got = *sum;
            break;
        }
        case object_sink::kind::handler:
            if (target.crcs) got = target.crcs->finish(alg);
            break;
        case object_sink::kind::discard: break;
        }
        if (got) {
            if (*got != out.checksum->value) {
                diag.clear();
                diag.message = std::string(crypto::checksum_header_name(alg)) +
                               " announced by the server does not match the data received";
                co_return make_error_code(cirrus::errc::checksum_mismatch);
            }
            out.checksum_verified = true;
        }
    }
    if (r.sink.type() == object_sink::kind::path) {
        if (target.commit()) co_return download_error(target, diag, "cannot move the download into place at");
    }
    if (r.sink.type() == object_sink::kind::collect) out.body = std::move(x.res.body);
    co_return error_code{};
}

CIRRUS_DECL task delete_object(core& c, const delete_object_request& r, delete_object_result& out, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::delete_;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    if (!r.version_id.empty()) x.b.add_query("versionId", r.version_id);
    x.b.add_header_if("If-Match", r.if_match);
    if (auto ec = co_await c.send(x, diag, resource::object)) co_return ec;
    out.version_id.assign(x.res.header("x-amz-version-id"));
    out.delete_marker = x.res.header("x-amz-delete-marker") == "true";
    co_return error_code{};
}

CIRRUS_DECL task delete_objects(core& c, const delete_objects_request& r, delete_objects_result& out,
                                diagnostics& diag) {
    for (const auto& o : r.objects) {
        if (auto ec = c.check_object_key(o.key, diag)) co_return ec;
    }
    const std::span<const object_identifier> all(r.objects);
    for (std::size_t at = 0; at < all.size(); at += max_delete_batch) {
        const auto batch = all.subspan(at, std::min(max_delete_batch, all.size() - at));
        auto lease = c.acquire_exchange();
        exchange& x = *lease;
        x.options = r.options;
        x.b.method = http::verb::post;
        x.b.bucket = r.bucket;
        x.b.add_query("delete");
        x.b.body = build_delete(batch, r.quiet);
        x.b.add_header("Content-Type", "application/xml");
        add_md5(x);
        ++out.requests;
        if (auto ec = co_await c.send(x, diag, resource::bucket)) co_return ec;
        if (auto ec = c.check_error_document(x, diag, resource::bucket)) co_return ec;
        if (parse_delete_result(x.res.body, out)) co_return parse_error(diag, "DeleteObjects");
    }
    co_return error_code{};
}

CIRRUS_DECL task copy_object(core& c, const copy_object_request& r, copy_object_result& out, diagnostics& diag) {
    if (!r.source_bucket.empty()) {
        if (auto ec = check_bucket(r.source_bucket, c.options.strict_bucket_names, diag)) co_return ec;
    }
    if (auto ec = c.check_object_key(r.source_key, diag)) co_return ec;
    if (auto ec = c.check_features({.acl = r.acl,
                                    .tags = r.tagging == tagging_directive::replace && !r.tags.empty(),
                                    .checksum = r.checksum_algorithm},
                                   diag))
        co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_copy_object(r, x.b)) co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::object)) co_return ec;
    if (auto ec = c.check_error_document(x, diag, resource::object)) co_return ec;
    copy_result_fields f;
    if (parse_copy_result(x.res.body, f)) co_return parse_error(diag, "CopyObject");
    out.etag = std::move(f.etag);
    out.last_modified = f.last_modified;
    out.checksum = std::move(f.checksum);
    out.version_id.assign(x.res.header("x-amz-version-id"));
    out.source_version_id.assign(x.res.header("x-amz-copy-source-version-id"));
    co_return error_code{};
}

// Wasabi's MOVE: one request, the object keeps its versions and metadata.
CIRRUS_DECL task rename_native(core& c, const rename_object_request& r, diagnostics& diag) {
    if (auto ec = c.check_object_key(r.key, diag)) co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::move;
    x.b.bucket = r.bucket;
    x.b.key = r.source_key;
    x.b.add_header("Destination", r.key);
    x.b.add_header("Overwrite", r.overwrite ? "true" : "false");
    co_return co_await c.send(x, diag, resource::object);
}

// Copy (metadata, tags and content headers kept) then delete the source.
CIRRUS_DECL task rename_by_copy(core& c, const rename_object_request& r, diagnostics& diag) {
    if (auto ec = c.check_object_key(r.key, diag)) co_return ec;
    if (r.key == r.source_key) co_return error_code{};
    if (!r.overwrite) {
        object_info existing;
        diagnostics probe;
        const head_object_request destination{.bucket = r.bucket,
                                              .key = r.key,
                                              .checksum_mode = false,
                                              .options = r.options};
        const error_code ec = co_await head_object(c, destination, existing, probe);
        if (!ec) {
            diag.message = "the destination key exists";
            co_return make_error_code(errc::precondition_failed);
        }
        if (ec != errc::no_such_key) {
            diag = std::move(probe);
            co_return ec;
        }
    }
    copy_object_result copied;
    const copy_object_request copy{.source_bucket = r.bucket,
                                   .source_key = r.source_key,
                                   .bucket = r.bucket,
                                   .key = r.key,
                                   .options = r.options};
    if (auto ec = co_await copy_object(c, copy, copied, diag)) co_return ec;
    delete_object_result deleted;
    const delete_object_request source{.bucket = r.bucket, .key = r.source_key, .options = r.options};
    co_return co_await delete_object(c, source, deleted, diag);
}

CIRRUS_DECL task put_object_tagging(core& c, const put_object_tagging_request& r, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::put;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query("tagging");
    if (!r.version_id.empty()) x.b.add_query("versionId", r.version_id);
    x.b.body = build_tagging(r.tags);
    add_md5(x);
    co_return co_await c.send(x, diag, resource::object);
}

CIRRUS_DECL task get_object_tagging(core& c, const get_object_tagging_request& r, object_tagging_result& out,
                                    diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query("tagging");
    if (!r.version_id.empty()) x.b.add_query("versionId", r.version_id);
    if (auto ec = co_await c.send(x, diag, resource::object)) co_return ec;
    if (parse_tagging(x.res.body, out.tags)) co_return parse_error(diag, "GetObjectTagging");
    out.version_id.assign(x.res.header("x-amz-version-id"));
    co_return error_code{};
}

CIRRUS_DECL task delete_object_tagging(core& c, const delete_object_tagging_request& r, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::delete_;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query("tagging");
    if (!r.version_id.empty()) x.b.add_query("versionId", r.version_id);
    co_return co_await c.send(x, diag, resource::object);
}

// ----------------------------------------------------------------------------- multipart

CIRRUS_DECL task create_multipart_upload(core& c, const create_multipart_upload_request& r,
                                         create_multipart_upload_result& out, diagnostics& diag) {
    if (auto ec = c.check_features({.acl = r.acl, .tags = !r.tags.empty(), .checksum = r.checksum_algorithm}, diag))
        co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_create_multipart_upload(r, x.b)) co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::object)) co_return ec;
    if (parse_initiate_multipart_upload(x.res.body, out)) co_return parse_error(diag, "CreateMultipartUpload");
    out.checksum_algorithm = r.checksum_algorithm;
    if (const auto a = crypto::parse_checksum_algorithm(x.res.header("x-amz-checksum-algorithm")))
        out.checksum_algorithm = a;
    out.checksum_type = parse_checksum_type(x.res.header("x-amz-checksum-type"));
    co_return error_code{};
}

CIRRUS_DECL task upload_part(core& c, const upload_part_request& r, upload_part_result& out, diagnostics& diag) {
    if (r.part_number < 1 || r.part_number > 10000) {
        diag.message = "part numbers run from 1 to 10,000";
        co_return make_error_code(cirrus::errc::invalid_argument);
    }
    upload_source src;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::put;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query_number("partNumber", r.part_number);
    x.b.add_query("uploadId", r.upload_id);
    if (auto ec = add_customer_key(x.b, "x-amz-", r.customer_key)) co_return ec;
    if (auto ec = c.prepare_upload(r.body, r.checksum_algorithm, r.checksum_at, {}, r.content_md5, src, x, diag))
        co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::upload)) co_return ec;
    out.etag.assign(x.res.header("ETag"));
    out.checksum = read_checksum_headers(x.res);
    co_return error_code{};
}

CIRRUS_DECL task upload_part_copy(core& c, const upload_part_copy_request& r, upload_part_copy_result& out,
                                  diagnostics& diag) {
    if (!r.source_bucket.empty()) {
        if (auto ec = check_bucket(r.source_bucket, c.options.strict_bucket_names, diag)) co_return ec;
    }
    if (auto ec = c.check_object_key(r.source_key, diag)) co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    if (auto ec = build_upload_part_copy(r, x.b)) co_return ec;
    if (auto ec = co_await c.send(x, diag, resource::upload)) co_return ec;
    if (auto ec = c.check_error_document(x, diag, resource::upload)) co_return ec;
    copy_result_fields f;
    if (parse_copy_result(x.res.body, f)) co_return parse_error(diag, "UploadPartCopy");
    out.etag = std::move(f.etag);
    out.last_modified = f.last_modified;
    out.checksum = std::move(f.checksum);
    co_return error_code{};
}

CIRRUS_DECL task complete_multipart_upload(core& c, const complete_multipart_upload_request& r,
                                           complete_multipart_upload_result& out, diagnostics& diag) {
    if (r.parts.empty()) {
        diag.message = "a multipart upload needs at least one part";
        co_return make_error_code(cirrus::errc::invalid_argument);
    }
    if (!r.checksum_value.empty() && !r.checksum_algorithm) {
        diag.message = "complete_multipart_upload_request::checksum_value needs its checksum_algorithm";
        co_return make_error_code(cirrus::errc::invalid_argument);
    }
    if (auto ec = c.check_features({.checksum = r.checksum_algorithm, .conditional_write = !r.if_none_match.empty()},
                                   diag))
        co_return ec;
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::post;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query("uploadId", r.upload_id);
    x.b.body = build_complete_multipart_upload(r.parts);
    x.b.add_header("Content-Type", "application/xml");
    x.b.add_header_if("If-None-Match", r.if_none_match);
    if (!r.checksum_value.empty())
        x.b.add_header(crypto::checksum_header_name(*r.checksum_algorithm), r.checksum_value);
    if (r.checksum_type != checksum_type::unspecified)
        x.b.add_header("x-amz-checksum-type", to_string(r.checksum_type));
    if (auto ec = co_await c.send(x, diag, resource::upload)) co_return ec;
    if (auto ec = c.check_error_document(x, diag, resource::upload)) co_return ec;
    if (parse_complete_multipart_upload(x.res.body, out)) co_return parse_error(diag, "CompleteMultipartUpload");
    out.version_id.assign(x.res.header("x-amz-version-id"));
    co_return error_code{};
}

CIRRUS_DECL task abort_multipart_upload(core& c, const abort_multipart_upload_request& r, diagnostics& diag) {
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::delete_;
    x.b.bucket = r.bucket;
    x.b.key = r.key;
    x.b.add_query("uploadId", r.upload_id);
    co_return co_await c.send(x, diag, resource::upload);
}

// ----------------------------------------------------------------------------- emptying

inline error_code first_delete_error(const delete_objects_result& r, diagnostics& diag) {
    if (r.errors.empty()) return {};
    const auto& e = r.errors.front();
    diag.clear();
    diag.service_code = e.code;
    diag.message = e.message + " (key " + e.key + ")";
    const errc mapped = errc_from_code(e.code);
    return mapped != errc::ok ? make_error_code(mapped) : make_error_code(http::aws_errc::client_error);
}

// DeleteObjects, or when the server fails the batch (5xx; moto does for delete markers),
// one DeleteObject per key.
inline task delete_batch(core& c, const delete_objects_request& dr, diagnostics& diag) {
    delete_objects_result res;
    error_code ec = co_await delete_objects(c, dr, res, diag);
    if (ec == http::aws_errc::service_error) {
        for (const auto& o : dr.objects) {
            delete_object_result ignored;
            const delete_object_request one{.bucket = dr.bucket,
                                            .key = o.key,
                                            .version_id = o.version_id,
                                            .options = dr.options};
            if (auto e = co_await delete_object(c, one, ignored, diag); e && !is_not_found(e)) co_return e;
        }
        co_return error_code{};
    }
    if (ec) co_return ec;
    co_return first_delete_error(res, diag);
}

// Deletes every object (with all_versions: every version and delete marker) and aborts
// every unfinished multipart upload.
inline task empty_bucket(core& c, const request_options& options, std::string_view bucket, bool all_versions,
                         std::uint64_t& deleted, diagnostics& diag) {
    bool versions = all_versions && c.features.versioning;
    if (versions) {
        // A bucket that never had versioning has no versions or delete markers to remove.
        get_bucket_versioning_result status;
        diagnostics probe;
        const get_bucket_versioning_request vr{.bucket = bucket, .options = options};
        if (!co_await get_bucket_versioning(c, vr, status, probe))
            versions = status.status != versioning_status::unversioned;
    }
    if (versions) {
        list_object_versions_request lr{.bucket = bucket, .options = options};
        pagination pages;
        for (;;) {
            list_object_versions_result page;
            if (auto ec = co_await list_object_versions(c, lr, page, diag)) {
                if (ec == errc::not_implemented || ec == errc::method_not_allowed) break; // no versioning support
                co_return ec;
            }
            std::vector<object_identifier> ids;
            ids.reserve(page.versions.size());
            for (const auto& v : page.versions) ids.push_back({v.key, v.version_id});
            const delete_objects_request dr{.bucket = bucket, .objects = ids, .options = options};
            if (!dr.objects.empty()) {
                if (auto ec = co_await delete_batch(c, dr, diag)) co_return ec;
                deleted += dr.objects.size();
            }
            const auto step = list_object_versions_paging::advance(lr, page, pages);
            if (step == page_step::last) break;
            if (step == page_step::stuck) co_return cirrus::detail::pagination_stuck(diag);
        }
    }
    list_objects_request lr{.bucket = bucket, .options = options};
    pagination pages;
    for (;;) {
        list_objects_result page;
        if (auto ec = co_await list_objects(c, lr, page, diag)) co_return ec;
        std::vector<object_identifier> ids;
        ids.reserve(page.objects.size());
        for (const auto& o : page.objects) ids.push_back({o.key, {}});
        const delete_objects_request dr{.bucket = bucket, .objects = ids, .options = options};
        if (!dr.objects.empty()) {
            if (auto ec = co_await delete_batch(c, dr, diag)) co_return ec;
            deleted += dr.objects.size();
        }
        const auto step = list_objects_paging::advance(lr, page, pages);
        if (step == page_step::last) break;
        if (step == page_step::stuck) co_return cirrus::detail::pagination_stuck(diag);
    }
    list_multipart_uploads_request ur{.bucket = bucket, .options = options};
    pagination upload_pages;
    for (;;) {
        list_multipart_uploads_result page;
        if (auto ec = co_await list_multipart_uploads(c, ur, page, diag)) {
            if (ec == errc::not_implemented) break;
            co_return ec;
        }
        for (const auto& u : page.uploads) {
            const abort_multipart_upload_request abort{.bucket = bucket,
                                                       .key = u.key,
                                                       .upload_id = u.upload_id,
                                                       .options = options};
            const error_code ec = co_await abort_multipart_upload(c, abort, diag);
            if (ec && ec != errc::no_such_upload) co_return ec;
        }
        const auto step = list_multipart_uploads_paging::advance(ur, page, upload_pages);
        if (step == page_step::last) break;
        if (step == page_step::stuck) co_return cirrus::detail::pagination_stuck(diag);
    }
    co_return error_code{};
}

CIRRUS_DECL task delete_bucket(core& c, const delete_bucket_request& r, delete_bucket_result& out, diagnostics& diag) {
    if (auto ec = check_bucket(r.bucket, c.options.strict_bucket_names, diag)) co_return ec;
    if (r.empty_first) {
        if (auto ec = co_await empty_bucket(c, r.options, r.bucket, r.all_versions, out.objects_deleted, diag))
            co_return ec;
    }
    auto lease = c.acquire_exchange();
    exchange& x = *lease;
    x.options = r.options;
    x.b.method = http::verb::delete_;
    x.b.bucket = r.bucket;
    co_return co_await c.send(x, diag, resource::bucket);
}

// ----------------------------------------------------------------------------- presigning

inline result<presigned_request> presign(const core& c, std::string_view method, std::string_view bucket,
                                         std::string_view key, std::string query,
                                         const std::vector<presign_header>& headers, std::chrono::seconds expires,
                                         diagnostics& diag) {
    if (auto ec = check_bucket(bucket, c.options.strict_bucket_names, diag)) return ec;
    if (auto ec = c.check_object_key(key, diag)) return ec;
    auth::credentials creds;
    if (auto ec = c.get_credentials(creds, diag)) return ec;
    const bool vh = c.use_virtual_host(bucket);
    const std::string path = object_path(bucket, key, vh);
    std::string host = vh ? std::string(bucket) + "." + c.endpoint.host_header() : c.endpoint.host_header();
    std::vector<auth::sigv4::header> signed_headers;
    signed_headers.push_back({"host", host});
    for (const auto& h : headers) signed_headers.push_back({h.name, h.value});
    const auto now = std::chrono::system_clock::now();
    result<std::string> q = make_error_code(cirrus::errc::invalid_argument);
    if (c.sigv4a_region_set.empty()) {
        auth::sigv4::signer signer;
        const auth::sigv4::signing_params params{.region = c.signing_region,
                                                 .service = "s3",
                                                 .time = now,
                                                 .rules = auth::sigv4::uri_rules::s3,
                                                 .payload_hash = auth::sigv4::payload::unsigned_payload};
        q = signer.presign({method, path, query, signed_headers}, creds, params, expires);
    } else {
        auth::sigv4a::signer signer;
        const auth::sigv4a::signing_params params{.region_set = c.sigv4a_region_set,
                                                  .service = "s3",
                                                  .time = now,
                                                  .rules = auth::sigv4::uri_rules::s3,
                                                  .payload_hash = auth::sigv4::payload::unsigned_payload};
        q = signer.presign({method, path, query, signed_headers}, creds, params, expires);
    }
    if (!q) return q.error();
    presigned_request out;
    out.method = std::string(method);
    out.url = c.endpoint.scheme() == http::scheme::https ? "https://" : "http://";
    out.url += host;
    out.url += path;
    out.url += '?';
    out.url += *q;
    out.headers = headers;
    return out;
}

CIRRUS_DECL result<presigned_request> presign_get(const core& c, const presign_get_request& r, diagnostics& diag) {
    request_builder b;
    if (!r.version_id.empty()) b.add_query("versionId", r.version_id);
    if (!r.response_content_type.empty()) b.add_query("response-content-type", r.response_content_type);
    if (!r.response_content_disposition.empty())
        b.add_query("response-content-disposition", r.response_content_disposition);
    return presign(c, "GET", r.bucket, r.key, std::move(b.query), r.headers, r.expires, diag);
}

CIRRUS_DECL result<presigned_request> presign_put(const core& c, const presign_put_request& r, diagnostics& diag) {
    std::vector<presign_header> headers = r.headers;
    if (!r.content_type.empty()) headers.push_back({"Content-Type", r.content_type});
    for (const auto& [name, value] : r.metadata) {
        if (name.empty() || !ascii::is_token(name)) return make_error_code(cirrus::errc::invalid_header_name);
        if (!needs_rfc2047(value)) headers.push_back({"x-amz-meta-" + name, value});
        else if (utf8::is_valid(value)) headers.push_back({"x-amz-meta-" + name, encode_rfc2047(value)});
        else return make_error_code(cirrus::errc::invalid_utf8);
    }
    return presign(c, "PUT", r.bucket, r.key, {}, headers, r.expires, diag);
}

CIRRUS_DECL result<presigned_post> presign_post(const core& c, const presign_post_request& r, diagnostics& diag) {
    if (auto ec = check_bucket(r.bucket, c.options.strict_bucket_names, diag)) return ec;
    if (!r.key_starts_with) {
        if (auto ec = c.check_object_key(r.key, diag)) return ec;
    } else if (!c.features.dot_segment_keys && has_dot_segment(r.key)) {
        return check_key(r.key, false, diag);
    }
    for (const auto& [name, value] : r.extra_fields) {
        const bool reserved = ascii::iequals(name, "key") || ascii::iequals(name, "file") ||
                              ascii::iequals(name, "policy") || ascii::iequals(name, "content-type") ||
                              starts_with_icase(name, "x-amz-algorithm") ||
                              starts_with_icase(name, "x-amz-credential") || starts_with_icase(name, "x-amz-date") ||
                              starts_with_icase(name, "x-amz-signature") ||
                              starts_with_icase(name, "x-amz-security-token");
        if (name.empty() || reserved) {
            diag.clear();
            diag.message = "extra_fields may not name the form's own fields (key, file, policy, Content-Type, "
                           "x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature, x-amz-security-token)";
            return make_error_code(cirrus::errc::invalid_argument);
        }
    }
    auth::credentials creds;
    if (auto ec = c.get_credentials(creds, diag)) return ec;
    const auto now = std::chrono::system_clock::now();
    namespace sv = auth::sigv4;
    sv::post_policy policy{.bucket = r.bucket, .expiration = now + r.expires, .conditions = {}};
    if (r.key_starts_with) policy.conditions.push_back(sv::post_condition::starts_with("key", r.key));
    else policy.conditions.push_back(sv::post_condition::equals("key", r.key));
    if (r.content_length_range)
        policy.conditions.push_back(
            sv::post_condition::content_length_range(r.content_length_range->first, r.content_length_range->second));
    if (!r.content_type.empty())
        policy.conditions.push_back(sv::post_condition::equals("Content-Type", r.content_type));
    else if (!r.content_type_prefix.empty())
        policy.conditions.push_back(sv::post_condition::starts_with("Content-Type", r.content_type_prefix));
    for (const auto& [name, value] : r.extra_fields)
        policy.conditions.push_back(sv::post_condition::equals(name, value));
    sv::signer signer;
    auto form = sv::sign_post_policy(signer, creds, policy, c.signing_region, now);
    if (!form) return form.error();
    presigned_post out;
    out.url = c.object_url(r.bucket, {});
    if (!c.use_virtual_host(r.bucket)) out.url += '/';
    // `key` first and once; the signer lists equality conditions (the exact key among them).
    out.fields.emplace_back("key", r.key_starts_with ? r.key + "${filename}" : r.key);
    for (auto& f : form->fields)
        if (f.first != "key") out.fields.push_back(std::move(f));
    return out;
}

} // namespace cirrus::s3::detail::ops
