#pragma once
// The S3 operations: one coroutine per operation over detail::core (defined in
// s3/impl/operations.ipp, compiled once with CIRRUS_SEPARATE_COMPILATION), and what a
// pager needs to know about each listing.

#include <cirrus/core/config.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/s3/model.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cirrus::s3::detail {
class core;
} // namespace cirrus::s3::detail

namespace cirrus::s3::detail::ops {

using task = boost::asio::awaitable<error_code>;

CIRRUS_DECL task create_bucket(core& c, const create_bucket_request& r, create_bucket_result& out, diagnostics& diag);
CIRRUS_DECL task head_bucket(core& c, const head_bucket_request& r, head_bucket_result& out, diagnostics& diag);
CIRRUS_DECL task list_buckets(core& c, const list_buckets_request& r, list_buckets_result& out, diagnostics& diag);
CIRRUS_DECL task get_bucket_location(core& c, const get_bucket_location_request& r, get_bucket_location_result& out, diagnostics& diag);
CIRRUS_DECL task put_bucket_versioning(core& c, const put_bucket_versioning_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_versioning(core& c, const get_bucket_versioning_request& r, get_bucket_versioning_result& out, diagnostics& diag);
CIRRUS_DECL task put_bucket_policy(core& c, const put_bucket_policy_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_policy(core& c, const get_bucket_policy_request& r, get_bucket_policy_result& out, diagnostics& diag);
CIRRUS_DECL task delete_bucket_policy(core& c, const delete_bucket_policy_request& r, diagnostics& diag);
CIRRUS_DECL task put_bucket_cors(core& c, const put_bucket_cors_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_cors(core& c, const get_bucket_cors_request& r, cors_configuration& out, diagnostics& diag);
CIRRUS_DECL task delete_bucket_cors(core& c, const delete_bucket_cors_request& r, diagnostics& diag);
CIRRUS_DECL task put_bucket_lifecycle(core& c, const put_bucket_lifecycle_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_lifecycle(core& c, const get_bucket_lifecycle_request& r, lifecycle_configuration& out, diagnostics& diag);
CIRRUS_DECL task delete_bucket_lifecycle(core& c, const delete_bucket_lifecycle_request& r, diagnostics& diag);
CIRRUS_DECL task list_objects(core& c, const list_objects_request& r, list_objects_result& out, diagnostics& diag);
CIRRUS_DECL task list_object_versions(core& c, const list_object_versions_request& r, list_object_versions_result& out, diagnostics& diag);
CIRRUS_DECL task list_multipart_uploads(core& c, const list_multipart_uploads_request& r, list_multipart_uploads_result& out, diagnostics& diag);
CIRRUS_DECL task list_parts(core& c, const list_parts_request& r, list_parts_result& out, diagnostics& diag);
// A truncated page whose markers do not move on: stop rather than ask for it again.
CIRRUS_DECL error_code no_progress(diagnostics& diag);
CIRRUS_DECL task put_object(core& c, const put_object_request& r, put_object_result& out, diagnostics& diag);
CIRRUS_DECL task head_object(core& c, const head_object_request& r, object_info& out, diagnostics& diag);
CIRRUS_DECL task get_object(core& c, const get_object_request& r, get_object_result& out, diagnostics& diag);
CIRRUS_DECL task delete_object(core& c, const delete_object_request& r, delete_object_result& out, diagnostics& diag);
CIRRUS_DECL task delete_objects(core& c, const delete_objects_request& r, delete_objects_result& out, diagnostics& diag);
CIRRUS_DECL task copy_object(core& c, const copy_object_request& r, copy_object_result& out, diagnostics& diag);
CIRRUS_DECL task rename_native(core& c, const rename_object_request& r, diagnostics& diag);
CIRRUS_DECL task rename_by_copy(core& c, const rename_object_request& r, diagnostics& diag);
CIRRUS_DECL task put_object_tagging(core& c, const put_object_tagging_request& r, diagnostics& diag);
CIRRUS_DECL task get_object_tagging(core& c, const get_object_tagging_request& r, object_tagging_result& out, diagnostics& diag);
CIRRUS_DECL task delete_object_tagging(core& c, const delete_object_tagging_request& r, diagnostics& diag);
CIRRUS_DECL task create_multipart_upload(core& c, const create_multipart_upload_request& r, create_multipart_upload_result& out, diagnostics& diag);
CIRRUS_DECL task upload_part(core& c, const upload_part_request& r, upload_part_result& out, diagnostics& diag);
CIRRUS_DECL task upload_part_copy(core& c, const upload_part_copy_request& r, upload_part_copy_result& out, diagnostics& diag);
CIRRUS_DECL task complete_multipart_upload(core& c, const complete_multipart_upload_request& r, complete_multipart_upload_result& out, diagnostics& diag);
CIRRUS_DECL task abort_multipart_upload(core& c, const abort_multipart_upload_request& r, diagnostics& diag);
CIRRUS_DECL task delete_bucket(core& c, const delete_bucket_request& r, delete_bucket_result& out, diagnostics& diag);
CIRRUS_DECL result<presigned_request> presign_get(const core& c, const presign_get_request& r, diagnostics& diag);
CIRRUS_DECL result<presigned_request> presign_put(const core& c, const presign_put_request& r, diagnostics& diag);
CIRRUS_DECL result<presigned_post> presign_post(const core& c, const presign_post_request& r, diagnostics& diag);

// The markers of one listing, page after page. The request views the current markers,
// which live here; every marker seen is remembered (as a 64-bit hash), so a server that
// returns to an earlier marker (A, B, A ...) ends the listing instead of looping forever.
class pagination {
public:
    // The request's own starting markers count as seen.
    explicit pagination(std::string_view first = {}, std::string_view second = {}) {
        if (!first.empty()) seen_.insert(hash(first, second));
    }

    // Moves the request on to the markers of the page just read; false when they are
    // missing or were seen before.
    bool advance(std::string_view next_first, std::string_view next_second, std::string_view& first,
                 std::string_view& second) {
        if (next_first.empty() || !seen_.insert(hash(next_first, next_second)).second) return false;
        first_.assign(next_first);
        second_.assign(next_second);
        first = first_;
        second = second_;
        return true;
    }

private:
    static std::uint64_t hash(std::string_view a, std::string_view b) noexcept {
        std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a over a, a separator, b
        auto mix = [&](std::string_view s) {
            for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        };
        mix(a);
        h = (h ^ 0xffu) * 0x100000001b3ull;
        mix(b);
        return h;
    }

    std::string first_, second_;
    std::unordered_set<std::uint64_t> seen_;
};

// What a pager needs to know about one S3 listing: the operation, where a page keeps its
// items, and how a page moves the request on to the next one. `advance` returns false when
// a truncated page carries no marker that moves forward (a server bug that would otherwise
// make the pager ask for the same pages forever).
struct list_objects_paging {
    using request_type = list_objects_request;
    using result_type = list_objects_result;
    using item_type = object_summary;
    static constexpr auto op = &list_objects;
    static std::vector<item_type>& items(result_type& r) noexcept { return r.objects; }
    static pagination start(const request_type& q) { return pagination(q.continuation_token); }
    static bool advance(request_type& q, const result_type& r, pagination& p) {
        std::string_view unused;
        return p.advance(r.next_continuation_token, {}, q.continuation_token, unused);
    }
};
struct list_object_versions_paging {
    using request_type = list_object_versions_request;
    using result_type = list_object_versions_result;
    using item_type = object_version;
    static constexpr auto op = &list_object_versions;
    static std::vector<item_type>& items(result_type& r) noexcept { return r.versions; }
    static pagination start(const request_type& q) { return pagination(q.key_marker, q.version_id_marker); }
    static bool advance(request_type& q, const result_type& r, pagination& p) {
        return p.advance(r.next_key_marker, r.next_version_id_marker, q.key_marker, q.version_id_marker);
    }
};
struct list_multipart_uploads_paging {
    using request_type = list_multipart_uploads_request;
    using result_type = list_multipart_uploads_result;
    using item_type = multipart_upload;
    static constexpr auto op = &list_multipart_uploads;
    static std::vector<item_type>& items(result_type& r) noexcept { return r.uploads; }
    static pagination start(const request_type& q) { return pagination(q.key_marker, q.upload_id_marker); }
    static bool advance(request_type& q, const result_type& r, pagination& p) {
        return p.advance(r.next_key_marker, r.next_upload_id_marker, q.key_marker, q.upload_id_marker);
    }
};
struct list_parts_paging {
    using request_type = list_parts_request;
    using result_type = list_parts_result;
    using item_type = part_info;
    static constexpr auto op = &list_parts;
    static std::vector<item_type>& items(result_type& r) noexcept { return r.parts; }
    static pagination start(const request_type& q) {
        return q.part_number_marker ? pagination(std::to_string(*q.part_number_marker)) : pagination();
    }
    static bool advance(request_type& q, const result_type& r, pagination& p) {
        if (!r.next_part_number_marker) return false;
        const std::string next = std::to_string(*r.next_part_number_marker);
        std::string_view first, second;
        if (!p.advance(next, {}, first, second)) return false;
        q.part_number_marker = r.next_part_number_marker;
        return true;
    }
};


} // namespace cirrus::s3::detail::ops

#if CIRRUS_HEADER_ONLY
#include <cirrus/s3/impl/operations.ipp>
#endif
