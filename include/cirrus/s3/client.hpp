#pragma once
// The S3 client.
//
//   namespace s3 = cirrus::s3;
//   s3::client<cirrus::provider::aws> client(ioc.get_executor(), {.region = "eu-west-1"});
//   co_await client.async_put_object({.bucket = "photos", .key = "cat.jpg",
//                                     .body = s3::object_body::file("cat.jpg")});
//   auto got = co_await client.async_get_object({.bucket = "photos", .key = "cat.jpg"});
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) (or
// async_execute(request, ...)) and completes with void(error_code, <name>_result)
// (void(error_code) for operations that return nothing). Operations start the way every
// cirrus operation does (core/async_op.hpp, docs/async.md): any Asio completion token, and
// cirrus::default_token when none is given, which throws error_with_diagnostics when
// co_awaited. With the diagnostics overload the server's code, message, request id and
// host id are written there on failure; the diagnostics object must stay alive until the
// operation completes.
//
// Requests are moved into the operation. Bodies and sinks that name the caller's memory,
// file descriptors or callables, and pagers, must stay alive until their operation
// completes.
// The client's operations run on its executor; use a strand for a multi-threaded
// io_context.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/client_handle.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/custom.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/s3/detail/core.hpp>
#include <cirrus/s3/detail/operation_traits.hpp>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::s3 {

namespace detail {

// The state of a client of provider P: the endpoint and addressing resolved for the
// options.
template <provider::Provider Provider>
std::shared_ptr<core> make_client_core(boost::asio::any_io_executor ex, client_options o) {
    provider::config<Provider> cfg{.region = o.region, .endpoint = o.endpoint, .addressing_style = {}};
    if (o.path_style)
        cfg.addressing_style = *o.path_style ? provider::addressing::path : provider::addressing::virtual_hosted;
    o.region = cfg.resolved_region();
    cfg.region = o.region;
    http::endpoint ep; // stays empty when unusable: every operation then fails with invalid_endpoint
    if (auto parsed = cfg.endpoint_for("s3")) ep = std::move(*parsed);
    bool virtual_hosted = cfg.style() == provider::addressing::virtual_hosted;
    if (!o.path_style && is_address_like(ep.host())) virtual_hosted = false;
    return std::make_shared<core>(std::move(ex), std::move(o), std::move(ep), virtual_hosted, cfg.signing_region("s3"),
                                  Provider::features);
}

} // namespace detail

// S3 listings as async ranges (core/pager.hpp): pages, or items one at a time.
template <class Paging>
using pager = cirrus::pager<Paging>;

using list_objects_pager = pager<detail::ops::list_objects_paging>;
using list_object_versions_pager = pager<detail::ops::list_object_versions_paging>;
using list_multipart_uploads_pager = pager<detail::ops::list_multipart_uploads_paging>;
using list_parts_pager = pager<detail::ops::list_parts_paging>;

// Operations the provider lacks (provider::features) do not compile: versioning, tagging,
// lifecycle and POST forms are constrained by the provider's feature concepts. Features
// chosen by request fields (canned ACLs, checksum algorithms, conditional writes, object
// lock) are checked before sending (cirrus::errc::unsupported).
template <provider::Provider Provider = provider::aws>
class client : public cirrus::detail::client_handle<Provider, detail::core, client_options,
                                                    &detail::make_client_core<Provider>> {
public:
    // Constructors (core/detail/client_handle.hpp): client(executor, [options,
    // [credentials]]). The endpoint comes from options.endpoint, or from the provider for
    // options.region.
    using client::client_handle::client_handle;

    bool virtual_hosted() const noexcept { return core_->virtual_hosted; }
    http::client& http_client() noexcept { return core_->http; }

    // True when rename_object is one request on this provider.
    static constexpr bool native_rename = provider::supports_native_rename<Provider>;

    // Runs the operation of a request type: async_execute(get_object_request{...}) is
    // async_get_object({...}). Completion signature void(error_code, <name>_result), or
    // void(error_code) for operations that return nothing.
    template <detail::s3_request Request, cirrus::detail::completion_token Token = default_token>
        requires detail::provider_allows<Provider, Request>
    auto async_execute(const Request& r, Token&& token = {}) { return start(r, nullptr, std::forward<Token>(token)); }
    template <detail::s3_request Request, class Token = default_token>
        requires detail::provider_allows<Provider, Request>
    auto async_execute(const Request& r, diagnostics& diag, Token&& token = {}) {
        return start(r, &diag, std::forward<Token>(token));
    }
    // Into a result the caller keeps, completion void(error_code): a result reused across
    // calls keeps its strings' storage, so a loop of GETs into one get_object_result and a
    // caller's buffer allocates nothing per request.
    template <detail::s3_request Request, cirrus::detail::completion_token Token = default_token>
        requires detail::provider_allows<Provider, Request> && detail::has_result<Request>
    auto async_execute(const Request& r, detail::result_of<Request>& out, Token&& token = {}) {
        return start_into(r, out, nullptr, std::forward<Token>(token));
    }
    template <detail::s3_request Request, class Token = default_token>
        requires detail::provider_allows<Provider, Request> && detail::has_result<Request>
    auto async_execute(const Request& r, detail::result_of<Request>& out, diagnostics& diag, Token&& token = {}) {
        return start_into(r, out, &diag, std::forward<Token>(token));
    }

    // The named operations: async_<name>(request, [diagnostics&,] [token]).
    // ------------------------------------------------------------------- buckets
    template <class... Args>
    auto async_create_bucket(const create_bucket_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    // With empty_first, deletes the objects (all versions by default) and unfinished
    // multipart uploads first.
    template <class... Args>
    auto async_delete_bucket(const delete_bucket_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_head_bucket(const head_bucket_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_buckets(const list_buckets_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_bucket_location(const get_bucket_location_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_versioning<Provider>
    auto async_put_bucket_versioning(const put_bucket_versioning_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_versioning<Provider>
    auto async_get_bucket_versioning(const get_bucket_versioning_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_put_bucket_policy(const put_bucket_policy_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_bucket_policy(const get_bucket_policy_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_bucket_policy(const delete_bucket_policy_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_put_bucket_cors(const put_bucket_cors_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_bucket_cors(const get_bucket_cors_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_bucket_cors(const delete_bucket_cors_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_lifecycle<Provider>
    auto async_put_bucket_lifecycle(const put_bucket_lifecycle_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_lifecycle<Provider>
    auto async_get_bucket_lifecycle(const get_bucket_lifecycle_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_lifecycle<Provider>
    auto async_delete_bucket_lifecycle(const delete_bucket_lifecycle_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // ------------------------------------------------------------------- objects
    template <class... Args>
    auto async_put_object(const put_object_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_object(const get_object_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_head_object(const head_object_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_object(const delete_object_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_objects(const delete_objects_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_copy_object(const copy_object_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_tagging<Provider>
    auto async_put_object_tagging(const put_object_tagging_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_tagging<Provider>
    auto async_get_object_tagging(const get_object_tagging_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_tagging<Provider>
    auto async_delete_object_tagging(const delete_object_tagging_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // ------------------------------------------------------------------- listing (one page; the *_pages ranges below fetch them all)
    template <class... Args>
    auto async_list_objects(const list_objects_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
        requires provider::supports_versioning<Provider>
    auto async_list_object_versions(const list_object_versions_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_multipart_uploads(const list_multipart_uploads_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_list_parts(const list_parts_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // ------------------------------------------------------------------- multipart
    template <class... Args>
    auto async_create_multipart_upload(const create_multipart_upload_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_upload_part(const upload_part_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_upload_part_copy(const upload_part_copy_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_complete_multipart_upload(const complete_multipart_upload_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_abort_multipart_upload(const abort_multipart_upload_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // One native request where the provider has it (client::native_rename), else a copy
    // within the bucket followed by a delete of the source.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_rename_object(const rename_object_request& r, Token&& token = {}) {
        return rename(r, nullptr, std::forward<Token>(token));
    }
    template <class Token = default_token>
    auto async_rename_object(const rename_object_request& r, diagnostics& diag, Token&& token = {}) {
        return rename(r, &diag, std::forward<Token>(token));
    }

    // Every page of a listing as an async range (see pager).
    list_objects_pager list_objects_pages(const list_objects_request& r) const { return {core_, r}; }
    list_object_versions_pager list_object_versions_pages(
        const list_object_versions_request& r) const requires provider::supports_versioning<Provider> {
        return {core_, r};
    }
    list_multipart_uploads_pager list_multipart_uploads_pages(const list_multipart_uploads_request& r) const {
        return {core_, r};
    }
    list_parts_pager list_parts_pages(const list_parts_request& r) const { return {core_, r}; }

    // Calls fn(const object_summary&) for every object of every page; fn may return bool
    // (false stops early). Completes with void(error_code).
    template <class Fn, cirrus::detail::completion_token Token = default_token>
    auto async_for_each_object(const list_objects_request& r, Fn fn, Token&& token = {}) {
        return cirrus::detail::async_op(core_->executor, std::forward<Token>(token),
                                        for_each_op<Fn>{core_, cirrus::detail::owned_copy<list_objects_request>(r),
                                                        std::move(fn)},
                                        nullptr, &core_->last_diagnostics);
    }

    // ------------------------------------------------------------------- presigning
    // No I/O: the URL (and the headers its user must send) for a GET or PUT of the
    // object, valid for `expires` (1 s to 7 days).
    result<presigned_request> presign_get_object(const presign_get_request& r) const {
        diagnostics diag;
        return detail::ops::presign_get(*core_, r, diag);
    }
    result<presigned_request> presign_get_object(const presign_get_request& r, diagnostics& diag) const {
        return detail::ops::presign_get(*core_, r, diag);
    }
    result<presigned_request> presign_put_object(const presign_put_request& r) const {
        diagnostics diag;
        return detail::ops::presign_put(*core_, r, diag);
    }
    result<presigned_request> presign_put_object(const presign_put_request& r, diagnostics& diag) const {
        return detail::ops::presign_put(*core_, r, diag);
    }
    // The URL and fields of an HTML form (multipart/form-data POST) for browser uploads.
    result<presigned_post> presign_post_object(
        const presign_post_request& r) const requires provider::supports_presigned_post<Provider> {
        diagnostics diag;
        return detail::ops::presign_post(*core_, r, diag);
    }
    result<presigned_post> presign_post_object(
        const presign_post_request& r, diagnostics& diag) const requires provider::supports_presigned_post<Provider> {
        return detail::ops::presign_post(*core_, r, diag);
    }

private:
    // Requests are views (see s3/model/common.hpp), copied when the operation starts.
    template <class Request, class Token>
    auto start(const Request& r, diagnostics* diag, Token&& token) {
        return cirrus::detail::start_request<detail::operation>(core_, r, diag, std::forward<Token>(token));
    }
    template <class Request, class Token>
    auto start_into(const Request& r, detail::result_of<Request>& out, diagnostics* diag, Token&& token) {
        return cirrus::detail::start_request_into<detail::operation>(core_, r, out, diag, std::forward<Token>(token));
    }

    struct rename_op_type {
        using result_type = rename_object_result;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;
        std::shared_ptr<detail::core> c;
        cirrus::detail::owned_copy<rename_object_request> request;
        detail::task start(diagnostics& d, rename_object_result& out) { return rename_op(*c, request.get(), out, d); }
    };
    template <class Token>
    auto rename(const rename_object_request& r, diagnostics* diag, Token&& token) {
        return cirrus::detail::async_op(core_->executor, std::forward<Token>(token),
                                        rename_op_type{core_, cirrus::detail::owned_copy<rename_object_request>(r)},
                                        diag, &core_->last_diagnostics);
    }

    template <class Fn>
    struct for_each_op {
        using result_type = void;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;
        std::shared_ptr<detail::core> c;
        cirrus::detail::owned_copy<list_objects_request> request;
        Fn fn;
        detail::task start(diagnostics& d) { return for_each_object(*c, request.get(), fn, d); }
    };

    static detail::ops::task rename_op(detail::core& c, const rename_object_request& r, rename_object_result& out,
                                       diagnostics& diag) {
        if (auto ec = detail::check_bucket(r.bucket, c.options.strict_bucket_names, diag)) co_return ec;
        if (auto ec = c.check_object_key(r.source_key, diag)) co_return ec;
        if constexpr (provider::supports_native_rename<Provider>) {
            out.native = true;
            co_return co_await detail::ops::rename_native(c, r, diag);
        } else {
            out.native = false;
            co_return co_await detail::ops::rename_by_copy(c, r, diag);
        }
    }

    template <class Fn>
    static detail::task for_each_object(detail::core& c, const list_objects_request& request, Fn& fn,
                                        diagnostics& diag) {
        list_objects_request r = request;
        auto pages = detail::ops::list_objects_paging::start(r);
        for (;;) {
            list_objects_result page;
            if (auto ec = co_await detail::ops::list_objects(c, r, page, diag)) co_return ec;
            for (const auto& o : page.objects) {
                if constexpr (std::is_same_v<std::invoke_result_t<Fn&, const object_summary&>, bool>) {
                    if (!fn(o)) co_return error_code{};
                } else {
                    fn(o);
                }
            }
            const auto step = detail::ops::list_objects_paging::advance(r, page, pages);
            if (step == page_step::last) co_return error_code{};
            if (step == page_step::stuck) co_return cirrus::detail::pagination_stuck(diag);
        }
    }

    using client::client_handle::core_; // the client's state
};

// s3::client<> c(executor, [options, [credentials]]) is a client of provider::aws.
// clang-format off
client(boost::asio::any_io_executor) -> client<>;
client(boost::asio::any_io_executor, client_options) -> client<>;
client(boost::asio::any_io_executor, client_options, auth::credentials) -> client<>;
// clang-format on

} // namespace cirrus::s3
