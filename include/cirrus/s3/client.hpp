#pragma once
// The S3 client.
//
//   namespace s3 = cirrus::s3;
//   s3::client<cirrus::provider::aws> client(ioc.get_executor(), {.region = "eu-west-1"});
//   co_await client.async_put_object({.bucket = "photos", .key = "cat.jpg",
//                                     .body = s3::object_body::file("cat.jpg")}, asio::use_awaitable);
//   auto got = co_await client.async_get_object({.bucket = "photos", .key = "cat.jpg"},
//                                               asio::use_awaitable);
//
// Every operation is async_<name>(request, [diagnostics&,] token) and completes with
// void(error_code, <name>_result) (void(error_code) for operations that return nothing).
// Any Asio completion token works: use_awaitable, deferred (the default), callbacks,
// use_future, as_tuple(...). With the diagnostics overload the server's code, message,
// request id and host id are written there on failure; the diagnostics object must stay
// alive until the operation completes.
//
// Requests are taken by value. Bodies and sinks that name the caller's memory, file
// descriptors or callables, and pagers, must stay alive until their operation completes.
// The client's operations run on its executor; use a strand for a multi-threaded
// io_context.

#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/s3/impl/operations.hpp>

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/system_error.hpp>

#include <concepts>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace cirrus::s3 {

namespace detail {

inline error_code exception_to_error(std::exception_ptr e) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
        return se.code();
    } catch (const std::bad_alloc&) {
        return make_error_code(boost::system::errc::not_enough_memory);
    } catch (...) {
        return make_error_code(boost::system::errc::state_not_recoverable);
    }
}

// Adapts co_spawn's completion to the operation's, keeping the handler's associated
// executor, allocator and cancellation slot.
template <class Result, class Handler>
struct op_completion {
    Handler handler;
    void operator()(std::exception_ptr e, std::pair<error_code, Result> r) {
        if (e) r.first = exception_to_error(e);
        std::move(handler)(r.first, std::move(r.second));
    }
};

template <class Handler>
struct void_completion {
    Handler handler;
    void operator()(std::exception_ptr e, error_code ec) {
        if (e) ec = exception_to_error(e);
        std::move(handler)(ec);
    }
};

// The request and result types of an operation function.
template <class F>
struct op_fn_traits;
template <class Request, class Result>
struct op_fn_traits<task (*)(core&, const Request&, Result&, diagnostics&)> {
    using request_type = Request;
    using result_type = Result;
    static constexpr bool has_result = true;
};
template <class Request>
struct op_fn_traits<task (*)(core&, const Request&, diagnostics&)> {
    using request_type = Request;
    using result_type = void;
    static constexpr bool has_result = false;
};
template <auto Op>
struct op_traits : op_fn_traits<decltype(Op)> {};

template <auto Op, class Request>
asio::awaitable<std::pair<error_code, typename op_traits<Op>::result_type>>
run_with_result(std::shared_ptr<core> c, Request req, diagnostics* d) {
    diagnostics local;
    diagnostics& diag = d != nullptr ? *d : local;
    diag.clear();
    typename op_traits<Op>::result_type out{};
    const error_code ec = co_await Op(*c, req, out, diag);
    co_return std::pair<error_code, typename op_traits<Op>::result_type>{ec, std::move(out)};
}

template <auto Op, class Request>
asio::awaitable<error_code> run_without_result(std::shared_ptr<core> c, Request req, diagnostics* d) {
    diagnostics local;
    diagnostics& diag = d != nullptr ? *d : local;
    diag.clear();
    co_return co_await Op(*c, req, diag);
}

// Starts coroutine `body` (an awaitable<pair<error_code, Result>> or awaitable<error_code>)
// on the client's executor and completes `token` with its outcome.
template <class Result, class Token, class Body>
auto start(const std::shared_ptr<core>& c, Token&& token, Body body) {
    if constexpr (std::is_void_v<Result>) {
        return asio::async_initiate<Token, void(error_code)>(
            [](auto handler, asio::any_io_executor ex, Body b) {
                using handler_type = std::decay_t<decltype(handler)>;
                asio::co_spawn(ex, std::move(b), void_completion<handler_type>{std::move(handler)});
            },
            token, c->executor, std::move(body));
    } else {
        return asio::async_initiate<Token, void(error_code, Result)>(
            [](auto handler, asio::any_io_executor ex, Body b) {
                using handler_type = std::decay_t<decltype(handler)>;
                asio::co_spawn(ex, std::move(b), op_completion<Result, handler_type>{std::move(handler)});
            },
            token, c->executor, std::move(body));
    }
}

// The coroutine is created when the operation is initiated (deferred tokens included),
// so the request is moved into a lazily-started function object.
template <auto Op>
struct op_body {
    std::shared_ptr<core> c;
    typename op_traits<Op>::request_type req;
    diagnostics* diag;
    auto operator()() {
        if constexpr (op_traits<Op>::has_result) return run_with_result<Op>(std::move(c), std::move(req), diag);
        else return run_without_result<Op>(std::move(c), std::move(req), diag);
    }
};

} // namespace detail

template <class T>
concept completion_token_not_diagnostics = !std::same_as<std::remove_cvref_t<T>, diagnostics>;

// An S3 listing as an async range: pages, or items one at a time, without continuation
// tokens or markers. Keep the pager alive and call one async_next* at a time. A page
// that says it is truncated but names no next marker that moves on ends the range
// with errc::protocol_error instead of asking for the same page again.
//
//   auto pages = client.list_objects_pages({.bucket = "logs", .prefix = "2024/"});
//   while (!pages.done())
//       for (auto& o : (co_await pages.async_next_page(boost::asio::use_awaitable)).objects) ...
//   // or
//   while (auto o = co_await pages.async_next(boost::asio::use_awaitable)) use(*o);
template <class Paging>
class pager {
public:
    using default_token = boost::asio::deferred_t;
    using request_type = typename Paging::request_type;
    using result_type = typename Paging::result_type;
    using item_type = typename Paging::item_type;

    pager(std::shared_ptr<detail::core> c, request_type req) : core_(std::move(c)), req_(std::move(req)) {}

    bool done() const noexcept { return done_ && next_ >= buffered_.size(); }
    std::size_t pages_fetched() const noexcept { return pages_; }

    // Completes with void(error_code, result_type); after the last page done() is true.
    template <class Token = default_token>
    auto async_next_page(Token&& token = default_token{}) {
        return detail::start<result_type>(core_, std::forward<Token>(token), [this]() { return next_page(); });
    }

    // Completes with void(error_code, std::optional<item_type>): the next item, or nullopt
    // after the last one.
    template <class Token = default_token>
    auto async_next(Token&& token = default_token{}) {
        return detail::start<std::optional<item_type>>(core_, std::forward<Token>(token),
                                                       [this]() { return next_item(); });
    }

    const diagnostics& last_diagnostics() const noexcept { return diag_; }

private:
    boost::asio::awaitable<std::pair<error_code, result_type>> next_page() {
        using out_type = std::pair<error_code, result_type>;
        result_type page;
        if (done_) co_return out_type{error_code{}, std::move(page)};
        diag_.clear();
        error_code ec = co_await Paging::op(*core_, req_, page, diag_);
        if (!ec) {
            ++pages_;
            done_ = !page.is_truncated;
            if (!done_ && !Paging::advance(req_, page)) {
                done_ = true;
                ec = detail::ops::no_progress(diag_);
            }
        }
        co_return out_type{ec, std::move(page)};
    }

    boost::asio::awaitable<std::pair<error_code, std::optional<item_type>>> next_item() {
        using out_type = std::pair<error_code, std::optional<item_type>>;
        while (next_ >= buffered_.size()) {
            if (done_) co_return out_type{error_code{}, std::nullopt};
            auto [ec, page] = co_await next_page();
            if (ec) co_return out_type{ec, std::nullopt};
            buffered_ = std::move(Paging::items(page));
            next_ = 0;
        }
        co_return out_type{error_code{}, std::move(buffered_[next_++])};
    }

    std::shared_ptr<detail::core> core_;
    request_type req_;
    bool done_ = false;
    std::size_t pages_ = 0;
    std::vector<item_type> buffered_;
    std::size_t next_ = 0;
    diagnostics diag_;
};

using list_objects_pager = pager<detail::ops::list_objects_paging>;
using list_object_versions_pager = pager<detail::ops::list_object_versions_paging>;
using list_multipart_uploads_pager = pager<detail::ops::list_multipart_uploads_paging>;
using list_parts_pager = pager<detail::ops::list_parts_paging>;

// Operations the provider lacks (provider::features) do not compile: versioning, tagging,
// lifecycle and POST forms are constrained by the provider's feature concepts. Features
// chosen by request fields (canned ACLs, checksum algorithms, conditional writes, object
// lock) are checked before sending (cirrus::errc::unsupported).
template <provider::Provider Provider = provider::aws>
class client {
public:
    using executor_type = boost::asio::any_io_executor;
    using provider_type = Provider;
    using default_token = boost::asio::deferred_t;

    // The endpoint comes from options.endpoint, or from the provider for options.region.
    // A malformed endpoint is reported by every operation (http::errc::invalid_endpoint).
    explicit client(executor_type ex, client_options options = {}) : core_(make_core(std::move(ex), std::move(options))) {}

    // With fixed credentials.
    client(executor_type ex, client_options options, auth::credentials credentials)
        : client(std::move(ex), with_credentials(std::move(options), std::move(credentials))) {}

    executor_type get_executor() const noexcept { return core_->executor; }
    const client_options& options() const noexcept { return core_->options; }
    const http::endpoint& endpoint() const noexcept { return core_->endpoint; }
    bool virtual_hosted() const noexcept { return core_->virtual_hosted; }
    http::client& http_client() noexcept { return core_->http; }

    // True when rename_object is one request on this provider.
    static constexpr bool native_rename = provider::supports_native_rename<Provider>;

    // ------------------------------------------------------------------- buckets
    template <completion_token_not_diagnostics Token = default_token>
    auto async_create_bucket(create_bucket_request r, Token&& t = default_token{}) { return run<&detail::ops::create_bucket>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_create_bucket(create_bucket_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::create_bucket>(std::move(r), &d, std::forward<Token>(t)); }

    // With empty_first, deletes the objects (all versions by default) and unfinished
    // multipart uploads first.
    template <completion_token_not_diagnostics Token = default_token>
    auto async_delete_bucket(delete_bucket_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_delete_bucket(delete_bucket_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_head_bucket(head_bucket_request r, Token&& t = default_token{}) { return run<&detail::ops::head_bucket>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_head_bucket(head_bucket_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::head_bucket>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_list_buckets(list_buckets_request r, Token&& t = default_token{}) { return run<&detail::ops::list_buckets>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_list_buckets(list_buckets_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::list_buckets>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_get_bucket_location(get_bucket_location_request r, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_location>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_get_bucket_location(get_bucket_location_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_location>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_put_bucket_versioning(put_bucket_versioning_request r, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_versioning>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_put_bucket_versioning(put_bucket_versioning_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_versioning>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_get_bucket_versioning(get_bucket_versioning_request r, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_versioning>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_get_bucket_versioning(get_bucket_versioning_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_versioning>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_put_bucket_policy(put_bucket_policy_request r, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_policy>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_put_bucket_policy(put_bucket_policy_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_policy>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_get_bucket_policy(get_bucket_policy_request r, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_policy>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_get_bucket_policy(get_bucket_policy_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_policy>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_delete_bucket_policy(delete_bucket_policy_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_policy>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_delete_bucket_policy(delete_bucket_policy_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_policy>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_put_bucket_cors(put_bucket_cors_request r, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_cors>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_put_bucket_cors(put_bucket_cors_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_cors>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_get_bucket_cors(get_bucket_cors_request r, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_cors>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_get_bucket_cors(get_bucket_cors_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_cors>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_delete_bucket_cors(delete_bucket_cors_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_cors>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_delete_bucket_cors(delete_bucket_cors_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_cors>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_put_bucket_lifecycle(put_bucket_lifecycle_request r, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_lifecycle>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_put_bucket_lifecycle(put_bucket_lifecycle_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_bucket_lifecycle>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_get_bucket_lifecycle(get_bucket_lifecycle_request r, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_lifecycle>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_get_bucket_lifecycle(get_bucket_lifecycle_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_bucket_lifecycle>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_delete_bucket_lifecycle(delete_bucket_lifecycle_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_lifecycle>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_lifecycle<Provider>
    auto async_delete_bucket_lifecycle(delete_bucket_lifecycle_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_bucket_lifecycle>(std::move(r), &d, std::forward<Token>(t)); }

    // ------------------------------------------------------------------- objects
    template <completion_token_not_diagnostics Token = default_token>
    auto async_put_object(put_object_request r, Token&& t = default_token{}) { return run<&detail::ops::put_object>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_put_object(put_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_object>(std::move(r), &d, std::forward<Token>(t)); }

    // Whole object, a byte range or a part, into memory (the default), a buffer, a file or
    // a handler; a full-object checksum the server returns is verified
    // (cirrus::errc::checksum_mismatch when the data does not match it).
    template <completion_token_not_diagnostics Token = default_token>
    auto async_get_object(get_object_request r, Token&& t = default_token{}) { return run<&detail::ops::get_object>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_get_object(get_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_object>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_head_object(head_object_request r, Token&& t = default_token{}) { return run<&detail::ops::head_object>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_head_object(head_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::head_object>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_delete_object(delete_object_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_object>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_delete_object(delete_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_object>(std::move(r), &d, std::forward<Token>(t)); }

    // Any number of keys, 1,000 per request; per-key failures are in the result's errors.
    template <completion_token_not_diagnostics Token = default_token>
    auto async_delete_objects(delete_objects_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_objects>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_delete_objects(delete_objects_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_objects>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_copy_object(copy_object_request r, Token&& t = default_token{}) { return run<&detail::ops::copy_object>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_copy_object(copy_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::copy_object>(std::move(r), &d, std::forward<Token>(t)); }

    // One native request where the provider has it (client::native_rename), else a copy
    // within the bucket followed by a delete of the source.
    template <completion_token_not_diagnostics Token = default_token>
    auto async_rename_object(rename_object_request r, Token&& t = default_token{}) { return run<&client::rename_op>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_rename_object(rename_object_request r, diagnostics& d, Token&& t = default_token{}) { return run<&client::rename_op>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_put_object_tagging(put_object_tagging_request r, Token&& t = default_token{}) { return run<&detail::ops::put_object_tagging>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_put_object_tagging(put_object_tagging_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::put_object_tagging>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_get_object_tagging(get_object_tagging_request r, Token&& t = default_token{}) { return run<&detail::ops::get_object_tagging>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_get_object_tagging(get_object_tagging_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::get_object_tagging>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_delete_object_tagging(delete_object_tagging_request r, Token&& t = default_token{}) { return run<&detail::ops::delete_object_tagging>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_tagging<Provider>
    auto async_delete_object_tagging(delete_object_tagging_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::delete_object_tagging>(std::move(r), &d, std::forward<Token>(t)); }

    // ------------------------------------------------------------------- listing
    // One page; see list_objects_pages and async_for_each_object for all of them.
    template <completion_token_not_diagnostics Token = default_token>
    auto async_list_objects(list_objects_request r, Token&& t = default_token{}) { return run<&detail::ops::list_objects>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_list_objects(list_objects_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::list_objects>(std::move(r), &d, std::forward<Token>(t)); }

    list_objects_pager list_objects_pages(list_objects_request r) const { return {core_, std::move(r)}; }

    // Calls fn(const object_summary&) for every object of every page; fn may return bool
    // (false stops early). Completes with void(error_code).
    template <class Fn, completion_token_not_diagnostics Token = default_token>
    auto async_for_each_object(list_objects_request r, Fn fn, Token&& t = default_token{}) {
        return detail::start<void>(core_, std::forward<Token>(t),
                                   [c = core_, r = std::move(r), fn = std::move(fn)]() mutable {
                                       return for_each_object(std::move(c), std::move(r), std::move(fn));
                                   });
    }

    template <completion_token_not_diagnostics Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_list_object_versions(list_object_versions_request r, Token&& t = default_token{}) { return run<&detail::ops::list_object_versions>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
        requires provider::supports_versioning<Provider>
    auto async_list_object_versions(list_object_versions_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::list_object_versions>(std::move(r), &d, std::forward<Token>(t)); }

    list_object_versions_pager list_object_versions_pages(list_object_versions_request r) const
        requires provider::supports_versioning<Provider>
    {
        return {core_, std::move(r)};
    }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_list_multipart_uploads(list_multipart_uploads_request r, Token&& t = default_token{}) { return run<&detail::ops::list_multipart_uploads>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_list_multipart_uploads(list_multipart_uploads_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::list_multipart_uploads>(std::move(r), &d, std::forward<Token>(t)); }
    // All in-progress uploads, page by page or one at a time (see pager).
    list_multipart_uploads_pager list_multipart_uploads_pages(list_multipart_uploads_request r) const {
        return {core_, std::move(r)};
    }

    // ------------------------------------------------------------------- multipart
    template <completion_token_not_diagnostics Token = default_token>
    auto async_create_multipart_upload(create_multipart_upload_request r, Token&& t = default_token{}) { return run<&detail::ops::create_multipart_upload>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_create_multipart_upload(create_multipart_upload_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::create_multipart_upload>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_upload_part(upload_part_request r, Token&& t = default_token{}) { return run<&detail::ops::upload_part>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_upload_part(upload_part_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::upload_part>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_upload_part_copy(upload_part_copy_request r, Token&& t = default_token{}) { return run<&detail::ops::upload_part_copy>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_upload_part_copy(upload_part_copy_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::upload_part_copy>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_complete_multipart_upload(complete_multipart_upload_request r, Token&& t = default_token{}) { return run<&detail::ops::complete_multipart_upload>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_complete_multipart_upload(complete_multipart_upload_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::complete_multipart_upload>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_abort_multipart_upload(abort_multipart_upload_request r, Token&& t = default_token{}) { return run<&detail::ops::abort_multipart_upload>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_abort_multipart_upload(abort_multipart_upload_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::abort_multipart_upload>(std::move(r), &d, std::forward<Token>(t)); }

    template <completion_token_not_diagnostics Token = default_token>
    auto async_list_parts(list_parts_request r, Token&& t = default_token{}) { return run<&detail::ops::list_parts>(std::move(r), nullptr, std::forward<Token>(t)); }
    template <class Token = default_token>
    auto async_list_parts(list_parts_request r, diagnostics& d, Token&& t = default_token{}) { return run<&detail::ops::list_parts>(std::move(r), &d, std::forward<Token>(t)); }
    // Every uploaded part of one upload, page by page or one at a time (see pager).
    list_parts_pager list_parts_pages(list_parts_request r) const { return {core_, std::move(r)}; }

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
    result<presigned_post> presign_post_object(const presign_post_request& r) const
        requires provider::supports_presigned_post<Provider>
    {
        diagnostics diag;
        return detail::ops::presign_post(*core_, r, diag);
    }
    result<presigned_post> presign_post_object(const presign_post_request& r, diagnostics& diag) const
        requires provider::supports_presigned_post<Provider>
    {
        return detail::ops::presign_post(*core_, r, diag);
    }

private:
    template <auto Op, class Request, class Token>
    auto run(Request r, diagnostics* d, Token&& token) {
        using result_type = typename detail::op_traits<Op>::result_type;
        return detail::start<result_type>(core_, std::forward<Token>(token),
                                          detail::op_body<Op>{core_, std::move(r), d});
    }

    static detail::ops::task rename_op(detail::core& c, const rename_object_request& r, rename_object_result& out,
                                       diagnostics& diag) {
        if (auto ec = detail::check_bucket(r.bucket, c.options.strict_bucket_names, diag)) co_return ec;
        if (auto ec = detail::check_key(r.source_key, diag)) co_return ec;
        if constexpr (provider::supports_native_rename<Provider>) {
            out.native = true;
            co_return co_await detail::ops::rename_native(c, r, diag);
        } else {
            out.native = false;
            co_return co_await detail::ops::rename_by_copy(c, r, diag);
        }
    }

    template <class Fn>
    static boost::asio::awaitable<error_code> for_each_object(std::shared_ptr<detail::core> c, list_objects_request r, Fn fn) {
        diagnostics diag;
        for (;;) {
            list_objects_result page;
            if (auto ec = co_await detail::ops::list_objects(*c, r, page, diag)) co_return ec;
            for (const auto& o : page.objects) {
                if constexpr (std::is_same_v<std::invoke_result_t<Fn&, const object_summary&>, bool>) {
                    if (!fn(o)) co_return error_code{};
                } else {
                    fn(o);
                }
            }
            if (!page.is_truncated) co_return error_code{};
            if (!detail::ops::list_objects_paging::advance(r, page)) co_return detail::ops::no_progress(diag);
        }
    }

    static client_options with_credentials(client_options o, auth::credentials c) {
        o.credentials = auth::any_credentials_provider(auth::static_provider(std::move(c)));
        return o;
    }

    static std::shared_ptr<detail::core> make_core(executor_type ex, client_options o) {
        if (o.region.empty()) o.region = std::string(Provider::default_region);
        const std::string url = o.endpoint.empty() ? std::string(Provider::s3_endpoint(o.region)) : o.endpoint;
        http::endpoint ep; // stays empty when unusable: every operation then fails with invalid_endpoint
        if (auto parsed = http::endpoint::parse(url)) ep = std::move(*parsed);
        bool virtual_hosted = Provider::virtual_hosted_style;
        if (o.path_style) virtual_hosted = !*o.path_style;
        else if (detail::is_address_like(ep.host())) virtual_hosted = false;
        std::string signing_region(Provider::signing_region(o.region));
        return std::make_shared<detail::core>(std::move(ex), std::move(o), std::move(ep), virtual_hosted,
                                              std::move(signing_region), Provider::features);
    }

    std::shared_ptr<detail::core> core_;
};

} // namespace cirrus::s3

template <template <class, class> class Associator, class Result, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, cirrus::s3::detail::op_completion<Result, Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type
    get(const cirrus::s3::detail::op_completion<Result, Handler>& h) noexcept {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const cirrus::s3::detail::op_completion<Result, Handler>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};

template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, cirrus::s3::detail::void_completion<Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type
    get(const cirrus::s3::detail::void_completion<Handler>& h) noexcept {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const cirrus::s3::detail::void_completion<Handler>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};
