#pragma once
// Readers of the S3 response documents (ListObjectsV2, ListObjectVersions, ...), built on
// the zero-copy pull reader. Each parser walks the document once, copies only the values
// it keeps, ignores elements it does not know (servers add their own), and returns
// errc::protocol_error for a malformed document or a malformed number, date or boolean.

#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/iso8601.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/s3/model.hpp>
#include <cirrus/xml/reader.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::s3::detail {

// Walks the children of the element whose start_element was just read.
class xml_walker {
public:
    explicit xml_walker(std::string_view document) : reader_(document) {}

    // Moves to the root element; its local name must be `name` or `alias` (any when both
    // are empty). Aliases cover servers that name the root after the operation
    // (moto: ListPartsResponse, GetBucketVersioningResponse).
    error_code enter_root(std::string_view name = {}, std::string_view alias = {}) {
        for (;;) {
            const xml::token t = reader_.next();
            if (t == xml::token::start_element) {
                const std::string_view got = reader_.local_name();
                if (!name.empty() && got != name && (alias.empty() || got != alias))
                    return make_error_code(cirrus::errc::protocol_error);
                return {};
            }
            if (t == xml::token::error || t == xml::token::end) return make_error_code(cirrus::errc::protocol_error);
        }
    }

    std::string_view root_name() const noexcept { return reader_.local_name(); }

    // Calls f(local_name) for every child element of the current element; f must consume
    // the child completely (text(), skip() or a nested children()). Stops at the first
    // error f returns.
    template <class F>
    error_code children(F&& f) {
        const std::size_t depth = reader_.depth();
        for (;;) {
            const xml::token t = reader_.next();
            if (t == xml::token::error || t == xml::token::end) return make_error_code(cirrus::errc::protocol_error);
            if (t == xml::token::end_element && reader_.depth() == depth - 1) return {};
            if (t == xml::token::start_element) {
                const std::string_view name = reader_.local_name();
                if (auto ec = f(name)) return ec;
                if (reader_.depth() != depth) return make_error_code(cirrus::errc::protocol_error);
            }
        }
    }

    // The text of the current element, decoded; valid until the next call.
    error_code text(std::string_view& out) {
        const auto t = reader_.read_text(scratch_);
        if (!t) return make_error_code(cirrus::errc::protocol_error);
        out = *t;
        return {};
    }
    error_code text(std::string& out) {
        std::string_view v;
        if (auto ec = text(v)) return ec;
        out.assign(v);
        return {};
    }
    error_code boolean(bool& out) {
        std::string_view v;
        if (auto ec = text(v)) return ec;
        v = trim(v);
        if (v == "true" || v == "TRUE" || v == "True") out = true;
        else if (v == "false" || v == "FALSE" || v == "False") out = false;
        else return make_error_code(cirrus::errc::protocol_error);
        return {};
    }
    template <class Int>
    error_code number(Int& out) {
        std::string_view v;
        if (auto ec = text(v)) return ec;
        v = trim(v);
        Int value{};
        const auto [p, e] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (e != std::errc{} || p != v.data() + v.size() || v.empty())
            return make_error_code(cirrus::errc::protocol_error);
        out = value;
        return {};
    }
    template <class Int>
    error_code number(std::optional<Int>& out) {
        Int v{};
        if (auto ec = number(v)) return ec;
        out = v;
        return {};
    }
    error_code time(time_point& out) {
        std::string_view v;
        if (auto ec = text(v)) return ec;
        v = trim(v);
        if (v.empty()) return {};
        // system_clock counts nanoseconds in 64 bits: 1678 to 2262. Dates outside (which no
        // server writes for these fields) are refused rather than overflowed.
        if (v.size() < 4 || v.substr(0, 4) > "2261" || v.substr(0, 4) < "1678")
            return make_error_code(cirrus::errc::protocol_error);
        const auto t = iso8601::parse(v);
        if (!t) return make_error_code(cirrus::errc::protocol_error);
        out = *t;
        return {};
    }
    error_code skip() {
        if (!reader_.skip_element()) return make_error_code(cirrus::errc::protocol_error);
        return {};
    }

    static std::string_view trim(std::string_view s) noexcept {
        while (!s.empty() && xml::detail::is_space(s.front())) s.remove_prefix(1);
        while (!s.empty() && xml::detail::is_space(s.back())) s.remove_suffix(1);
        return s;
    }

private:
    xml::reader reader_;
    std::string scratch_;
};

// The algorithm of a Checksum<ALG> element name.
inline std::optional<checksum_algorithm> checksum_element(std::string_view name) noexcept {
    if (!name.starts_with("Checksum") || name == "ChecksumType" || name == "ChecksumAlgorithm") return std::nullopt;
    return crypto::parse_checksum_algorithm(name.substr(8));
}

// Reads a Checksum<ALG> or ChecksumType element into `out` when `name` is one; `handled`
// says whether it was.
inline error_code read_checksum_field(xml_walker& w, std::string_view name, std::optional<checksum>& out,
                                      bool& handled) {
    handled = false;
    if (name == "ChecksumType") {
        handled = true;
        std::string type;
        if (auto ec = w.text(type)) return ec;
        if (!out) out.emplace();
        out->type = std::move(type);
        return {};
    }
    if (const auto alg = checksum_element(name)) {
        handled = true;
        std::string value;
        if (auto ec = w.text(value)) return ec;
        if (!out) out.emplace();
        out->algorithm = *alg;
        out->value = std::move(value);
    }
    return {};
}

// A checksum that only carries a type is no checksum.
inline void drop_empty_checksum(std::optional<checksum>& c) {
    if (c && c->value.empty()) c.reset();
}

// Decodes the values of a listing sent with encoding-type=url: percent-escapes and '+'
// for a space (S3 encodes a literal '+' as %2B).
inline void url_decode_in_place(std::string& s) {
    if (s.find_first_of("%+") == std::string::npos) return;
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex::digit_value(s[i + 1]) >= 0 &&
                   hex::digit_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>((hex::digit_value(s[i + 1]) << 4) | hex::digit_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    s = std::move(out);
}

inline error_code read_owner(xml_walker& w, owner& out) {
    return w.children([&](std::string_view n) -> error_code {
        if (n == "ID") return w.text(out.id);
        if (n == "DisplayName") return w.text(out.display_name);
        return w.skip();
    });
}

// <EncodingType>url</EncodingType>: keys and markers in the listing are percent-encoded.
inline error_code read_encoding_type(xml_walker& w, bool& url_encoded) {
    std::string_view v;
    if (auto e = w.text(v)) return e;
    url_encoded = xml_walker::trim(v) == "url";
    return {};
}

inline error_code read_common_prefix(xml_walker& w, std::vector<std::string>& out) {
    return w.children([&](std::string_view n) -> error_code {
        if (n == "Prefix") return w.text(out.emplace_back());
        return w.skip();
    });
}

// ----------------------------------------------------------------------------- buckets

inline error_code parse_list_buckets(std::string_view doc, list_buckets_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("ListAllMyBucketsResult")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n == "Owner") return read_owner(w, out.owner);
        if (n == "ContinuationToken") return w.text(out.continuation_token);
        if (n == "Buckets") {
            return w.children([&](std::string_view b) -> error_code {
                if (b != "Bucket") return w.skip();
                bucket_summary& s = out.buckets.emplace_back();
                return w.children([&](std::string_view f) -> error_code {
                    if (f == "Name") return w.text(s.name);
                    if (f == "CreationDate") return w.time(s.creation_date);
                    if (f == "BucketRegion") return w.text(s.region);
                    return w.skip();
                });
            });
        }
        return w.skip();
    });
}

// GetBucketLocation: an empty constraint is us-east-1, "EU" the old name of eu-west-1.
inline error_code parse_bucket_location(std::string_view doc, get_bucket_location_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("LocationConstraint")) return ec;
    std::string_view v;
    if (auto ec = w.text(v)) return ec;
    v = xml_walker::trim(v);
    if (v.empty()) out.region = "us-east-1";
    else if (v == "EU") out.region = "eu-west-1";
    else out.region.assign(v);
    return {};
}

inline error_code parse_versioning(std::string_view doc, get_bucket_versioning_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("VersioningConfiguration", "GetBucketVersioningResponse")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        std::string_view v;
        if (n == "Status") {
            if (auto ec = w.text(v)) return ec;
            v = xml_walker::trim(v);
            if (v == "Enabled") out.status = versioning_status::enabled;
            else if (v == "Suspended") out.status = versioning_status::suspended;
            else if (v.empty()) out.status = versioning_status::unversioned;
            else return make_error_code(cirrus::errc::protocol_error);
            return {};
        }
        if (n == "MfaDelete") {
            if (auto ec = w.text(v)) return ec;
            out.mfa_delete = xml_walker::trim(v) == "Enabled";
            return {};
        }
        return w.skip();
    });
}

inline error_code read_tag(xml_walker& w, tag_set& tags) {
    tag& t = tags.emplace_back();
    return w.children([&](std::string_view f) -> error_code {
        if (f == "Key") return w.text(t.key);
        if (f == "Value") return w.text(t.value);
        return w.skip();
    });
}

inline error_code parse_tagging(std::string_view doc, tag_set& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("Tagging")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n != "TagSet") return w.skip();
        return w.children([&](std::string_view t) -> error_code {
            if (t != "Tag") return w.skip();
            return read_tag(w, out);
        });
    });
}

inline error_code parse_cors(std::string_view doc, cors_configuration& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("CORSConfiguration")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n != "CORSRule") return w.skip();
        cors_rule& r = out.rules.emplace_back();
        return w.children([&](std::string_view f) -> error_code {
            if (f == "ID") return w.text(r.id);
            if (f == "AllowedMethod") return w.text(r.allowed_methods.emplace_back());
            if (f == "AllowedOrigin") return w.text(r.allowed_origins.emplace_back());
            if (f == "AllowedHeader") return w.text(r.allowed_headers.emplace_back());
            if (f == "ExposeHeader") return w.text(r.expose_headers.emplace_back());
            if (f == "MaxAgeSeconds") return w.number(r.max_age_seconds);
            return w.skip();
        });
    });
}

inline error_code read_lifecycle_filter(xml_walker& w, lifecycle_rule& r) {
    return w.children([&](std::string_view n) -> error_code {
        if (n == "Prefix") return w.text(r.prefix);
        if (n == "Tag") return read_tag(w, r.tags);
        if (n == "ObjectSizeGreaterThan") return w.number(r.object_size_greater_than);
        if (n == "ObjectSizeLessThan") return w.number(r.object_size_less_than);
        if (n == "And") return read_lifecycle_filter(w, r);
        return w.skip();
    });
}

inline error_code parse_lifecycle(std::string_view doc, lifecycle_configuration& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("LifecycleConfiguration")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n != "Rule") return w.skip();
        lifecycle_rule& r = out.rules.emplace_back();
        return w.children([&](std::string_view f) -> error_code {
            if (f == "ID") return w.text(r.id);
            if (f == "Prefix") return w.text(r.prefix); // the legacy form without Filter
            if (f == "Filter") return read_lifecycle_filter(w, r);
            if (f == "Status") {
                std::string_view v;
                if (auto ec = w.text(v)) return ec;
                r.enabled = xml_walker::trim(v) == "Enabled";
                return {};
            }
            if (f == "Expiration") {
                return w.children([&](std::string_view e) -> error_code {
                    if (e == "Days") return w.number(r.expiration_days);
                    if (e == "Date") return w.text(r.expiration_date);
                    if (e == "ExpiredObjectDeleteMarker") return w.boolean(r.expired_object_delete_marker);
                    return w.skip();
                });
            }
            if (f == "Transition") {
                lifecycle_transition& t = r.transitions.emplace_back();
                return w.children([&](std::string_view e) -> error_code {
                    if (e == "Days") return w.number(t.days);
                    if (e == "Date") return w.text(t.date);
                    if (e == "StorageClass") return w.text(t.storage_class);
                    return w.skip();
                });
            }
            if (f == "NoncurrentVersionExpiration") {
                return w.children([&](std::string_view e) -> error_code {
                    if (e == "NoncurrentDays") return w.number(r.noncurrent_version_expiration_days);
                    if (e == "NewerNoncurrentVersions") return w.number(r.newer_noncurrent_versions);
                    return w.skip();
                });
            }
            if (f == "AbortIncompleteMultipartUpload") {
                return w.children([&](std::string_view e) -> error_code {
                    if (e == "DaysAfterInitiation") return w.number(r.abort_incomplete_multipart_upload_days);
                    return w.skip();
                });
            }
            return w.skip();
        });
    });
}

// ----------------------------------------------------------------------------- listings

inline error_code parse_list_objects_v2(std::string_view doc, list_objects_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("ListBucketResult")) return ec;
    bool url_encoded = false;
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "Contents") {
            object_summary& o = out.objects.emplace_back();
            return w.children([&](std::string_view f) -> error_code {
                if (f == "Key") return w.text(o.key);
                if (f == "LastModified") return w.time(o.last_modified);
                if (f == "ETag") return w.text(o.etag);
                if (f == "Size") return w.number(o.size);
                if (f == "StorageClass") return w.text(o.storage_class);
                if (f == "Owner") return read_owner(w, o.owner.emplace());
                if (f == "ChecksumAlgorithm") {
                    std::string_view v;
                    if (auto e = w.text(v)) return e;
                    if (const auto a = crypto::parse_checksum_algorithm(xml_walker::trim(v)))
                        o.checksum_algorithms.push_back(*a);
                    return {};
                }
                return w.skip();
            });
        }
        if (n == "CommonPrefixes") return read_common_prefix(w, out.common_prefixes);
        if (n == "IsTruncated") return w.boolean(out.is_truncated);
        if (n == "NextContinuationToken") return w.text(out.next_continuation_token);
        if (n == "KeyCount") return w.number(out.key_count);
        if (n == "EncodingType") return read_encoding_type(w, url_encoded);
        return w.skip();
    });
    if (ec) return ec;
    if (url_encoded) {
        for (auto& o : out.objects) url_decode_in_place(o.key);
        for (auto& p : out.common_prefixes) url_decode_in_place(p);
    }
    return {};
}

inline error_code parse_list_object_versions(std::string_view doc, list_object_versions_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("ListVersionsResult")) return ec;
    bool url_encoded = false;
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "Version" || n == "DeleteMarker") {
            object_version& v = out.versions.emplace_back();
            v.is_delete_marker = n == "DeleteMarker";
            return w.children([&](std::string_view f) -> error_code {
                if (f == "Key") return w.text(v.key);
                if (f == "VersionId") return w.text(v.version_id);
                if (f == "IsLatest") return w.boolean(v.is_latest);
                if (f == "LastModified") return w.time(v.last_modified);
                if (f == "ETag") return w.text(v.etag);
                if (f == "Size") return w.number(v.size);
                if (f == "StorageClass") return w.text(v.storage_class);
                if (f == "Owner") return read_owner(w, v.owner.emplace());
                return w.skip();
            });
        }
        if (n == "CommonPrefixes") return read_common_prefix(w, out.common_prefixes);
        if (n == "IsTruncated") return w.boolean(out.is_truncated);
        if (n == "NextKeyMarker") return w.text(out.next_key_marker);
        if (n == "NextVersionIdMarker") return w.text(out.next_version_id_marker);
        if (n == "EncodingType") return read_encoding_type(w, url_encoded);
        return w.skip();
    });
    if (ec) return ec;
    if (url_encoded) {
        for (auto& v : out.versions) url_decode_in_place(v.key);
        for (auto& p : out.common_prefixes) url_decode_in_place(p);
        url_decode_in_place(out.next_key_marker);
    }
    return {};
}

inline error_code parse_list_multipart_uploads(std::string_view doc, list_multipart_uploads_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("ListMultipartUploadsResult")) return ec;
    bool url_encoded = false;
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "Upload") {
            multipart_upload& u = out.uploads.emplace_back();
            return w.children([&](std::string_view f) -> error_code {
                if (f == "Key") return w.text(u.key);
                if (f == "UploadId") return w.text(u.upload_id);
                if (f == "Initiated") return w.time(u.initiated);
                if (f == "StorageClass") return w.text(u.storage_class);
                if (f == "ChecksumAlgorithm") {
                    std::string_view v;
                    if (auto e = w.text(v)) return e;
                    u.checksum_algorithm = crypto::parse_checksum_algorithm(xml_walker::trim(v));
                    return {};
                }
                return w.skip();
            });
        }
        if (n == "CommonPrefixes") return read_common_prefix(w, out.common_prefixes);
        if (n == "IsTruncated") return w.boolean(out.is_truncated);
        if (n == "NextKeyMarker") return w.text(out.next_key_marker);
        if (n == "NextUploadIdMarker") return w.text(out.next_upload_id_marker);
        if (n == "EncodingType") return read_encoding_type(w, url_encoded);
        return w.skip();
    });
    if (ec) return ec;
    if (url_encoded) {
        for (auto& u : out.uploads) url_decode_in_place(u.key);
        for (auto& p : out.common_prefixes) url_decode_in_place(p);
        url_decode_in_place(out.next_key_marker);
    }
    return {};
}

inline error_code parse_list_parts(std::string_view doc, list_parts_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("ListPartsResult", "ListPartsResponse")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n == "Part") {
            part_info& p = out.parts.emplace_back();
            const error_code e = w.children([&](std::string_view f) -> error_code {
                if (f == "PartNumber") return w.number(p.part_number);
                if (f == "ETag") return w.text(p.etag);
                if (f == "Size") return w.number(p.size);
                if (f == "LastModified") return w.time(p.last_modified);
                bool handled = false;
                if (auto e2 = read_checksum_field(w, f, p.checksum, handled)) return e2;
                return handled ? error_code{} : w.skip();
            });
            drop_empty_checksum(p.checksum);
            return e;
        }
        if (n == "IsTruncated") return w.boolean(out.is_truncated);
        if (n == "NextPartNumberMarker") {
            std::string_view v;
            if (auto e = w.text(v)) return e;
            v = xml_walker::trim(v);
            if (v.empty()) return {};
            std::uint32_t m = 0;
            const auto [p, err] = std::from_chars(v.data(), v.data() + v.size(), m);
            if (err != std::errc{} || p != v.data() + v.size()) return make_error_code(cirrus::errc::protocol_error);
            out.next_part_number_marker = m;
            return {};
        }
        if (n == "StorageClass") return w.text(out.storage_class);
        if (n == "ChecksumAlgorithm") {
            std::string_view v;
            if (auto e = w.text(v)) return e;
            out.checksum_algorithm = crypto::parse_checksum_algorithm(xml_walker::trim(v));
            return {};
        }
        return w.skip();
    });
}

// ----------------------------------------------------------------------------- objects

inline error_code parse_initiate_multipart_upload(std::string_view doc, create_multipart_upload_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("InitiateMultipartUploadResult")) return ec;
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "Bucket") return w.text(out.bucket);
        if (n == "Key") return w.text(out.key);
        if (n == "UploadId") return w.text(out.upload_id);
        return w.skip();
    });
    if (!ec && out.upload_id.empty()) return make_error_code(cirrus::errc::protocol_error);
    return ec;
}

inline error_code parse_complete_multipart_upload(std::string_view doc, complete_multipart_upload_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("CompleteMultipartUploadResult")) return ec;
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "Location") return w.text(out.location);
        if (n == "Bucket") return w.text(out.bucket);
        if (n == "Key") return w.text(out.key);
        if (n == "ETag") return w.text(out.etag);
        bool handled = false;
        if (auto e = read_checksum_field(w, n, out.checksum, handled)) return e;
        return handled ? error_code{} : w.skip();
    });
    drop_empty_checksum(out.checksum);
    return ec;
}

// CopyObjectResult and CopyPartResult have the same shape.
struct copy_result_fields {
    std::string etag = {};
    time_point last_modified{};
    std::optional<s3::checksum> checksum = {};
};

inline error_code parse_copy_result(std::string_view doc, copy_result_fields& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root()) return ec;
    if (w.root_name() != "CopyObjectResult" && w.root_name() != "CopyPartResult")
        return make_error_code(cirrus::errc::protocol_error);
    const error_code ec = w.children([&](std::string_view n) -> error_code {
        if (n == "ETag") return w.text(out.etag);
        if (n == "LastModified") return w.time(out.last_modified);
        bool handled = false;
        if (auto e = read_checksum_field(w, n, out.checksum, handled)) return e;
        return handled ? error_code{} : w.skip();
    });
    drop_empty_checksum(out.checksum);
    return ec;
}

inline error_code parse_delete_result(std::string_view doc, delete_objects_result& out) {
    xml_walker w(doc);
    if (auto ec = w.enter_root("DeleteResult")) return ec;
    return w.children([&](std::string_view n) -> error_code {
        if (n == "Deleted") {
            deleted_object& d = out.deleted.emplace_back();
            return w.children([&](std::string_view f) -> error_code {
                if (f == "Key") return w.text(d.key);
                if (f == "VersionId") return w.text(d.version_id);
                if (f == "DeleteMarker") return w.boolean(d.delete_marker);
                if (f == "DeleteMarkerVersionId") return w.text(d.delete_marker_version_id);
                return w.skip();
            });
        }
        if (n == "Error") {
            delete_error& d = out.errors.emplace_back();
            return w.children([&](std::string_view f) -> error_code {
                if (f == "Key") return w.text(d.key);
                if (f == "VersionId") return w.text(d.version_id);
                if (f == "Code") return w.text(d.code);
                if (f == "Message") return w.text(d.message);
                return w.skip();
            });
        }
        return w.skip();
    });
}

} // namespace cirrus::s3::detail
