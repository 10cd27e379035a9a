#pragma once
// Which coroutine runs each S3 request, what it returns, and which provider feature it
// needs: the table behind s3::client::async_execute.

#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/s3/detail/operations.hpp>

#include <type_traits>

namespace cirrus::s3::detail {

template <auto Op>
using operation_fn = cirrus::detail::bound_operation<Op>;

// operation<Request>: result_type, run(core&, const Request&, result&, diagnostics&), and
// for some, required_feature (a member of provider::features that must be true).
template <class Request>
struct operation;

template <>
struct operation<create_bucket_request> : operation_fn<&ops::create_bucket> {};
template <>
struct operation<delete_bucket_request> : operation_fn<&ops::delete_bucket> {};
template <>
struct operation<head_bucket_request> : operation_fn<&ops::head_bucket> {};
template <>
struct operation<list_buckets_request> : operation_fn<&ops::list_buckets> {};
template <>
struct operation<get_bucket_location_request> : operation_fn<&ops::get_bucket_location> {};
template <>
struct operation<put_bucket_versioning_request> : operation_fn<&ops::put_bucket_versioning> {
    static constexpr bool provider::features::*required_feature = &provider::features::versioning;
};
template <>
struct operation<get_bucket_versioning_request> : operation_fn<&ops::get_bucket_versioning> {
    static constexpr bool provider::features::*required_feature = &provider::features::versioning;
};
template <>
struct operation<put_bucket_policy_request> : operation_fn<&ops::put_bucket_policy> {};
template <>
struct operation<get_bucket_policy_request> : operation_fn<&ops::get_bucket_policy> {};
template <>
struct operation<delete_bucket_policy_request> : operation_fn<&ops::delete_bucket_policy> {};
template <>
struct operation<put_bucket_cors_request> : operation_fn<&ops::put_bucket_cors> {};
template <>
struct operation<get_bucket_cors_request> : operation_fn<&ops::get_bucket_cors> {};
template <>
struct operation<delete_bucket_cors_request> : operation_fn<&ops::delete_bucket_cors> {};
template <>
struct operation<put_bucket_lifecycle_request> : operation_fn<&ops::put_bucket_lifecycle> {
    static constexpr bool provider::features::*required_feature = &provider::features::lifecycle;
};
template <>
struct operation<get_bucket_lifecycle_request> : operation_fn<&ops::get_bucket_lifecycle> {
    static constexpr bool provider::features::*required_feature = &provider::features::lifecycle;
};
template <>
struct operation<delete_bucket_lifecycle_request> : operation_fn<&ops::delete_bucket_lifecycle> {
    static constexpr bool provider::features::*required_feature = &provider::features::lifecycle;
};
template <>
struct operation<put_object_request> : operation_fn<&ops::put_object> {};
template <>
struct operation<get_object_request> : operation_fn<&ops::get_object> {};
template <>
struct operation<head_object_request> : operation_fn<&ops::head_object> {};
template <>
struct operation<delete_object_request> : operation_fn<&ops::delete_object> {};
template <>
struct operation<delete_objects_request> : operation_fn<&ops::delete_objects> {};
template <>
struct operation<copy_object_request> : operation_fn<&ops::copy_object> {};
template <>
struct operation<put_object_tagging_request> : operation_fn<&ops::put_object_tagging> {
    static constexpr bool provider::features::*required_feature = &provider::features::tagging;
};
template <>
struct operation<get_object_tagging_request> : operation_fn<&ops::get_object_tagging> {
    static constexpr bool provider::features::*required_feature = &provider::features::tagging;
};
template <>
struct operation<delete_object_tagging_request> : operation_fn<&ops::delete_object_tagging> {
    static constexpr bool provider::features::*required_feature = &provider::features::tagging;
};
template <>
struct operation<list_objects_request> : operation_fn<&ops::list_objects> {};
template <>
struct operation<list_object_versions_request> : operation_fn<&ops::list_object_versions> {
    static constexpr bool provider::features::*required_feature = &provider::features::versioning;
};
template <>
struct operation<list_multipart_uploads_request> : operation_fn<&ops::list_multipart_uploads> {};
template <>
struct operation<create_multipart_upload_request> : operation_fn<&ops::create_multipart_upload> {};
template <>
struct operation<upload_part_request> : operation_fn<&ops::upload_part> {};
template <>
struct operation<upload_part_copy_request> : operation_fn<&ops::upload_part_copy> {};
template <>
struct operation<complete_multipart_upload_request> : operation_fn<&ops::complete_multipart_upload> {};
template <>
struct operation<abort_multipart_upload_request> : operation_fn<&ops::abort_multipart_upload> {};
template <>
struct operation<list_parts_request> : operation_fn<&ops::list_parts> {};

template <class Request>
concept s3_request = requires {
    typename operation<Request>::result_type;
};

template <class Request>
using result_of = typename operation<Request>::result_type;
template <class Request>
concept has_result = !std::is_void_v<result_of<Request>>;

// Before an operation writes into a result the caller reused (core/detail/request_op.hpp):
// results whose reader assigns every field keep their storage; the others start empty.
inline void reset_for_reuse(const core&, object_info&) noexcept {} // read_object_info assigns every field
inline void reset_for_reuse(const core&, get_object_result& r) noexcept {
    r.body.clear();
    r.bytes_received = 0;
    r.checksum_verified = false;
}

// True when provider P offers what the request needs.
template <class P, class Request>
concept provider_allows = !requires {
    operation<Request>::required_feature;
}
|| (P::features.*operation<Request>::required_feature);

} // namespace cirrus::s3::detail
