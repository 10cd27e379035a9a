#pragma once
// Writers of the S3 request documents: CreateBucketConfiguration, Delete,
// CompleteMultipartUpload, Tagging, CORSConfiguration, LifecycleConfiguration,
// VersioningConfiguration. Text is escaped; element order follows the S3 schema.

#include <cirrus/s3/model.hpp>
#include <cirrus/xml/writer.hpp>

#include <algorithm>
#include <charconv>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::s3::detail {

inline constexpr std::string_view s3_xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

inline void open_root(std::string& out, std::string_view name) {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
    out += name;
    out += " xmlns=\"";
    out += s3_xmlns;
    out += "\">";
}
inline void close_element(std::string& out, std::string_view name) {
    out += "</";
    out += name;
    out += '>';
}
inline void open_element(std::string& out, std::string_view name) {
    out += '<';
    out += name;
    out += '>';
}
inline void number_element(std::string& out, std::string_view name, std::uint64_t n) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, n);
    xml::append_element(out, name, std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
}

// Empty for us-east-1 (S3 rejects that constraint there): send no body.
inline std::string build_create_bucket_configuration(std::string_view region) {
    std::string out;
    if (region.empty() || region == "us-east-1") return out;
    open_root(out, "CreateBucketConfiguration");
    xml::append_element(out, "LocationConstraint", region);
    close_element(out, "CreateBucketConfiguration");
    return out;
}

inline std::string build_delete(std::span<const object_identifier> objects, bool quiet) {
    std::string out;
    out.reserve(64 + objects.size() * 64);
    open_root(out, "Delete");
    if (quiet) out += "<Quiet>true</Quiet>";
    for (const auto& o : objects) {
        open_element(out, "Object");
        xml::append_element(out, "Key", o.key);
        if (!o.version_id.empty()) xml::append_element(out, "VersionId", o.version_id);
        close_element(out, "Object");
    }
    close_element(out, "Delete");
    return out;
}

inline std::string checksum_element_name(checksum_algorithm a) {
    std::string name = "Checksum";
    name += crypto::algorithm_name(a);
    return name;
}

// Parts in ascending part-number order, as S3 requires.
inline std::string build_complete_multipart_upload(std::span<const completed_part> parts) {
    std::vector<const completed_part*> sorted;
    sorted.reserve(parts.size());
    for (const auto& p : parts) sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const completed_part* a, const completed_part* b) { return a->part_number < b->part_number; });
    std::string out;
    out.reserve(96 + parts.size() * 96);
    open_root(out, "CompleteMultipartUpload");
    for (const completed_part* p : sorted) {
        open_element(out, "Part");
        if (p->checksum && !p->checksum->value.empty())
            xml::append_element(out, checksum_element_name(p->checksum->algorithm), p->checksum->value);
        xml::append_element(out, "ETag", p->etag);
        number_element(out, "PartNumber", p->part_number);
        close_element(out, "Part");
    }
    close_element(out, "CompleteMultipartUpload");
    return out;
}

inline void append_tag(std::string& out, const tag& t) {
    open_element(out, "Tag");
    xml::append_element(out, "Key", t.key);
    xml::append_element(out, "Value", t.value);
    close_element(out, "Tag");
}

inline std::string build_tagging(std::span<const tag> tags) {
    std::string out;
    open_root(out, "Tagging");
    open_element(out, "TagSet");
    for (const auto& t : tags) append_tag(out, t);
    close_element(out, "TagSet");
    close_element(out, "Tagging");
    return out;
}

inline std::string build_versioning(versioning_status status) {
    std::string out;
    open_root(out, "VersioningConfiguration");
    xml::append_element(out, "Status", status == versioning_status::enabled ? "Enabled" : "Suspended");
    close_element(out, "VersioningConfiguration");
    return out;
}

inline std::string build_cors(list_view<cors_rule> rules) {
    std::string out;
    open_root(out, "CORSConfiguration");
    for (const auto& r : rules) {
        open_element(out, "CORSRule");
        if (!r.id.empty()) xml::append_element(out, "ID", r.id);
        for (const auto& v : r.allowed_headers) xml::append_element(out, "AllowedHeader", v);
        for (const auto& v : r.allowed_methods) xml::append_element(out, "AllowedMethod", v);
        for (const auto& v : r.allowed_origins) xml::append_element(out, "AllowedOrigin", v);
        for (const auto& v : r.expose_headers) xml::append_element(out, "ExposeHeader", v);
        if (r.max_age_seconds) number_element(out, "MaxAgeSeconds", *r.max_age_seconds);
        close_element(out, "CORSRule");
    }
    close_element(out, "CORSConfiguration");
    return out;
}

inline void append_lifecycle_filter(std::string& out, const lifecycle_rule& r) {
    const std::size_t conditions = (r.prefix.empty() ? 0 : 1) + r.tags.size() + (r.object_size_greater_than ? 1 : 0) +
                                   (r.object_size_less_than ? 1 : 0);
    open_element(out, "Filter");
    if (conditions > 1) open_element(out, "And");
    if (!r.prefix.empty() || conditions == 0) xml::append_element(out, "Prefix", r.prefix);
    for (const auto& t : r.tags) append_tag(out, t);
    if (r.object_size_greater_than) number_element(out, "ObjectSizeGreaterThan", *r.object_size_greater_than);
    if (r.object_size_less_than) number_element(out, "ObjectSizeLessThan", *r.object_size_less_than);
    if (conditions > 1) close_element(out, "And");
    close_element(out, "Filter");
}

inline std::string build_lifecycle(list_view<lifecycle_rule> rules) {
    std::string out;
    open_root(out, "LifecycleConfiguration");
    for (const auto& r : rules) {
        open_element(out, "Rule");
        if (!r.id.empty()) xml::append_element(out, "ID", r.id);
        append_lifecycle_filter(out, r);
        xml::append_element(out, "Status", r.enabled ? "Enabled" : "Disabled");
        for (const auto& t : r.transitions) {
            open_element(out, "Transition");
            if (t.days) number_element(out, "Days", *t.days);
            if (!t.date.empty()) xml::append_element(out, "Date", t.date);
            xml::append_element(out, "StorageClass", t.storage_class);
            close_element(out, "Transition");
        }
        if (r.expiration_days || !r.expiration_date.empty() || r.expired_object_delete_marker) {
            open_element(out, "Expiration");
            if (r.expiration_days) number_element(out, "Days", *r.expiration_days);
            if (!r.expiration_date.empty()) xml::append_element(out, "Date", r.expiration_date);
            if (r.expired_object_delete_marker) out += "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>";
            close_element(out, "Expiration");
        }
        if (r.noncurrent_version_expiration_days || r.newer_noncurrent_versions) {
            open_element(out, "NoncurrentVersionExpiration");
            if (r.noncurrent_version_expiration_days)
                number_element(out, "NoncurrentDays", *r.noncurrent_version_expiration_days);
            if (r.newer_noncurrent_versions)
                number_element(out, "NewerNoncurrentVersions", *r.newer_noncurrent_versions);
            close_element(out, "NoncurrentVersionExpiration");
        }
        if (r.abort_incomplete_multipart_upload_days) {
            open_element(out, "AbortIncompleteMultipartUpload");
            number_element(out, "DaysAfterInitiation", *r.abort_incomplete_multipart_upload_days);
            close_element(out, "AbortIncompleteMultipartUpload");
        }
        close_element(out, "Rule");
    }
    close_element(out, "LifecycleConfiguration");
    return out;
}

} // namespace cirrus::s3::detail
