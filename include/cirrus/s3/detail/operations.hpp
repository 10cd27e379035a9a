#pragma once
// The S3 operations: one coroutine per operation over detail::core (defined in
// s3/impl/operations.ipp, compiled once with CIRRUS_SEPARATE_COMPILATION), and what a
// pager needs to know about each listing.

#include <cirrus/core/config.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/s3/model.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::s3::detail {
class core;
} // namespace cirrus::s3::detail

namespace cirrus::s3::detail::ops {

using task = boost::asio::awaitable<error_code>;

CIRRUS_DECL task create_bucket(core& c, const create_bucket_request& r, create_bucket_result& out, diagnostics& diag);
CIRRUS_DECL task head_bucket(core& c, const head_bucket_request& r, head_bucket_result& out, diagnostics& diag);
CIRRUS_DECL task list_buckets(core& c, const list_buckets_request& r, list_buckets_result& out, diagnostics& diag);
CIRRUS_DECL task get_bucket_location(core& c, const get_bucket_location_request& r, get_bucket_location_result& out,
                                     diagnostics& diag);
CIRRUS_DECL task put_bucket_versioning(core& c, const put_bucket_versioning_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_versioning(core& c, const get_bucket_versioning_request& r,
                                       get_bucket_versioning_result& out, diagnostics& diag);
CIRRUS_DECL task put_bucket_policy(core& c, const put_bucket_policy_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_policy(core& c, const get_bucket_policy_request& r, get_bucket_policy_result& out,
                                   diagnostics& diag);
CIRRUS_DECL task delete_bucket_policy(core& c, const delete_bucket_policy_request& r, diagnostics& diag);
CIRRUS_DECL task put_bucket_cors(core& c, const put_bucket_cors_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_cors(core& c, const get_bucket_cors_request& r, cors_configuration& out, diagnostics& diag);
CIRRUS_DECL task delete_bucket_cors(core& c, const delete_bucket_cors_request& r, diagnostics& diag);
CIRRUS_DECL task put_bucket_lifecycle(core& c, const put_bucket_lifecycle_request& r, diagnostics& diag);
CIRRUS_DECL task get_bucket_lifecycle(core& c, const get_bucket_lifecycle_request& r, lifecycle_configuration& out,
                                      diagnostics& diag);
CIRRUS_DECL task delete_bucket_lifecycle(core& c, const delete_bucket_lifecycle_request& r, diagnostics& diag);
CIRRUS_DECL task list_objects(core& c, const list_objects_request& r, list_objects_result& out, diagnostics& diag);
CIRRUS_DECL task list_object_versions(core& c, const list_object_versions_request& r, list_object_versions_result& out,
                                      diagnostics& diag);
CIRRUS_DECL task list_multipart_uploads(core& c, const list_multipart_uploads_request& r,
                                        list_multipart_uploads_result& out, diagnostics& diag);
CIRRUS_DECL task list_parts(core& c, const list_parts_request& r, list_parts_result& out, diagnostics& diag);
CIRRUS_DECL task put_object(core& c, const put_object_request& r, put_object_result& out, diagnostics& diag);
CIRRUS_DECL task head_object(core& c, const head_object_request& r, object_info& out, diagnostics& diag);
CIRRUS_DECL task get_object(core& c, const get_object_request& r, get_object_result& out, diagnostics& diag);
CIRRUS_DECL task delete_object(core& c, const delete_object_request& r, delete_object_result& out, diagnostics& diag);
CIRRUS_DECL task delete_objects(core& c, const delete_objects_request& r, delete_objects_result& out,
                                diagnostics& diag);
CIRRUS_DECL task copy_object(core& c, const copy_object_request& r, copy_object_result& out, diagnostics& diag);
CIRRUS_DECL task rename_native(core& c, const rename_object_request& r, diagnostics& diag);
CIRRUS_DECL task rename_by_copy(core& c, const rename_object_request& r, diagnostics& diag);
CIRRUS_DECL task put_object_tagging(core& c, const put_object_tagging_request& r, diagnostics& diag);
CIRRUS_DECL task get_object_tagging(core& c, const get_object_tagging_request& r, object_tagging_result& out,
                                    diagnostics& diag);
CIRRUS_DECL task delete_object_tagging(core& c, const delete_object_tagging_request& r, diagnostics& diag);
CIRRUS_DECL task create_multipart_upload(core& c, const create_multipart_upload_request& r,
                                         create_multipart_upload_result& out, diagnostics& diag);
CIRRUS_DECL task upload_part(core& c, const upload_part_request& r, upload_part_result& out, diagnostics& diag);
CIRRUS_DECL task upload_part_copy(core& c, const upload_part_copy_request& r, upload_part_copy_result& out,
                                  diagnostics& diag);
CIRRUS_DECL task complete_multipart_upload(core& c, const complete_multipart_upload_request& r,
                                           complete_multipart_upload_result& out, diagnostics& diag);
CIRRUS_DECL task abort_multipart_upload(core& c, const abort_multipart_upload_request& r, diagnostics& diag);
CIRRUS_DECL task delete_bucket(core& c, const delete_bucket_request& r, delete_bucket_result& out, diagnostics& diag);
CIRRUS_DECL result<presigned_request> presign_get(const core& c, const presign_get_request& r, diagnostics& diag);
CIRRUS_DECL result<presigned_request> presign_put(const core& c, const presign_put_request& r, diagnostics& diag);
CIRRUS_DECL result<presigned_post> presign_post(const core& c, const presign_post_request& r, diagnostics& diag);

// What a pager (core/pager.hpp) needs to know about one S3 listing: the operation, where a
// page keeps its items, and how a page moves the request on to the next one. `advance`
// says stuck when a truncated page carries no marker that moves forward (a server bug that
// would otherwise make the pager ask for the same pages forever).
using pagination = cirrus::detail::page_markers;

template <class Request, class Result, class Item, auto Op>
struct paging_base {
    using core_type = core;
    using request_type = Request;
    using result_type = Result;
    using item_type = Item;
    using state_type = pagination;
    template <class C = core> // core is complete where a pager uses this
    static boost::asio::any_io_executor executor(C& c) noexcept {
        return c.executor;
    }
    static task fetch(core& c, const request_type& q, result_type& r, diagnostics& diag) { return Op(c, q, r, diag); }
};

struct list_objects_paging : paging_base<list_objects_request, list_objects_result, object_summary, &list_objects> {
    static std::vector<item_type>& items(result_type& r) noexcept { return r.objects; }
    static pagination start(const request_type& q) { return pagination(q.continuation_token); }
    static page_step advance(request_type& q, const result_type& r, pagination& p) {
        if (!r.is_truncated) return page_step::last;
        return p.advance(r.next_continuation_token, q.continuation_token);
    }
};
struct list_object_versions_paging
    : paging_base<list_object_versions_request, list_object_versions_result, object_version, &list_object_versions> {
    static std::vector<item_type>& items(result_type& r) noexcept { return r.versions; }
    static pagination start(const request_type& q) { return pagination(q.key_marker, q.version_id_marker); }
    static page_step advance(request_type& q, const result_type& r, pagination& p) {
        if (!r.is_truncated) return page_step::last;
        return p.advance(r.next_key_marker, r.next_version_id_marker, q.key_marker, q.version_id_marker);
    }
};
struct list_multipart_uploads_paging : paging_base<list_multipart_uploads_request, list_multipart_uploads_result,
                                                   multipart_upload, &list_multipart_uploads> {
    static std::vector<item_type>& items(result_type& r) noexcept { return r.uploads; }
    static pagination start(const request_type& q) { return pagination(q.key_marker, q.upload_id_marker); }
    static page_step advance(request_type& q, const result_type& r, pagination& p) {
        if (!r.is_truncated) return page_step::last;
        return p.advance(r.next_key_marker, r.next_upload_id_marker, q.key_marker, q.upload_id_marker);
    }
};
struct list_parts_paging : paging_base<list_parts_request, list_parts_result, part_info, &list_parts> {
    static std::vector<item_type>& items(result_type& r) noexcept { return r.parts; }
    static pagination start(const request_type& q) {
        return q.part_number_marker ? pagination(std::to_string(*q.part_number_marker)) : pagination();
    }
    static page_step advance(request_type& q, const result_type& r, pagination& p) {
        if (!r.is_truncated) return page_step::last;
        if (!r.next_part_number_marker) return page_step::stuck;
        std::string_view unused;
        if (p.advance(std::to_string(*r.next_part_number_marker), unused) == page_step::stuck) return page_step::stuck;
        q.part_number_marker = r.next_part_number_marker;
        return page_step::next;
    }
};

} // namespace cirrus::s3::detail::ops

#if CIRRUS_HEADER_ONLY
#include <cirrus/s3/impl/operations.ipp>
#endif
