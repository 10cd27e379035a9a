#pragma once
// A layer from a directory in one call (the seed's build_lambda_layer): the tree zipped
// (zip::zip_directory, in name order), optionally uploaded to S3, and published as a new
// layer version.
//
//   lambda::client<> fn(ex);
//   s3::client<> s3(ex);
//   // build/layer holds site-packages' contents; Python wants them under python/.
//   auto l = co_await lambda::async_build_layer(fn, s3, {.layer_name = "deps",
//       .directory = "build/layer", .prefix = "python/", .s3_bucket = "my-artifacts",
//       .compatible_runtimes = runtimes});
//   // l.layer.layer_version_arn: for create_function_request::layers
//
// Without an S3 client (async_build_layer(fn, request)) the archive goes inline in the
// PublishLayerVersion request (Lambda takes up to 50 MB that way; larger layers go through
// S3) and is built in memory; with S3 it is zipped straight into the object
// (zip/upload.hpp), a multipart upload once it outgrows a part. Completes with
// void(error_code, build_layer_result) like every cirrus operation; a failure of the zip
// step is a zip::errc or the file system's error, with the directory in the diagnostics'
// message; of the upload, the S3 client's error; of the publish, a lambda::errc.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/lambda/client.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/zip/upload.hpp>
#include <cirrus/zip/writer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cirrus::lambda {

struct build_layer_request {
    std::string_view layer_name;
    std::string_view directory;   // the tree to zip
    std::string_view prefix = {}; // in front of every name: "python/", "nodejs/", "lib/", "bin/"
    std::string_view description = {};
    string_list compatible_runtimes = {};
    string_list compatible_architectures = {};
    std::string_view license_info = {};
    // With an S3 client: where the archive goes (s3_key default "<layer_name>.zip").
    std::string_view s3_bucket = {};
    std::string_view s3_key = {};
    // The modification time of every entry (0: each file's own); a fixed time gives the
    // same archive, hence the same CodeSha256, for the same files.
    std::time_t mtime = 0;
};

struct build_layer_result {
    layer_version layer;   // what PublishLayerVersion answered
    std::size_t zip_size = 0;
    std::string s3_bucket; // where the archive was uploaded (empty: inline)
    std::string s3_key;
};

namespace detail {

template <class S3Client>
boost::asio::awaitable<error_code> build_layer(service& fn, S3Client* s3, const build_layer_request& r,
                                               build_layer_result& out, diagnostics& d) {
    publish_layer_version_request p{.layer_name = r.layer_name,
                                    .description = r.description,
                                    .compatible_runtimes = r.compatible_runtimes,
                                    .compatible_architectures = r.compatible_architectures,
                                    .license_info = r.license_info};
    const zip::directory_options zo{.prefix = r.prefix, .mtime = r.mtime};
    std::string archive;
    if (s3 != nullptr) {
        // Zipped straight into the object (zip/upload.hpp), never whole in memory.
        out.s3_bucket = std::string(r.s3_bucket);
        out.s3_key = r.s3_key.empty() ? std::string(r.layer_name) + ".zip" : std::string(r.s3_key);
        const zip::upload_directory_request up{
            .bucket = out.s3_bucket, .key = out.s3_key, .directory = r.directory, .options = zo};
        zip::upload_directory_result uploaded;
        if (auto ec = co_await zip::detail::upload_directory(*s3, up, uploaded, d)) co_return ec;
        out.zip_size = static_cast<std::size_t>(uploaded.zip_size);
        p.content = {.s3_bucket = out.s3_bucket, .s3_key = out.s3_key};
    } else {
        if (auto ec = zip::zip_directory(std::filesystem::path(r.directory), archive, zo))
            co_return zip::detail::directory_zip_failed(r.directory, ec, d);
        out.zip_size = archive.size();
        p.content = {.zip_file = archive};
    }
    co_return co_await ops::publish_layer_version(fn, p, out.layer, d);
}

template <class S3Client>
struct build_layer_op {
    using result_type = build_layer_result;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<service> fn;
    std::unique_ptr<S3Client> s3; // a copy of the caller's client (null: inline)
    cirrus::detail::owned_copy<build_layer_request> request;

    boost::asio::awaitable<error_code> start(diagnostics& d, build_layer_result& out) {
        return build_layer(*fn, s3.get(), request.get(), out, d);
    }
};

} // namespace detail

// The archive inline in PublishLayerVersion.
template <provider::Provider P, cirrus::detail::completion_token Token = default_token>
auto async_build_layer(const client<P>& fn, const build_layer_request& r, Token&& token = {}) {
    const auto& svc = service_of(fn);
    return cirrus::detail::async_op(
        svc->executor, std::forward<Token>(token),
        detail::build_layer_op<s3::client<P>>{svc, nullptr, cirrus::detail::owned_copy<build_layer_request>(r)},
        nullptr, &svc->last_diagnostics);
}
template <provider::Provider P, class Token = default_token>
auto async_build_layer(const client<P>& fn, const build_layer_request& r, diagnostics& diag, Token&& token = {}) {
    const auto& svc = service_of(fn);
    return cirrus::detail::async_op(
        svc->executor, std::forward<Token>(token),
        detail::build_layer_op<s3::client<P>>{svc, nullptr, cirrus::detail::owned_copy<build_layer_request>(r)}, &diag,
        &svc->last_diagnostics);
}

// The archive uploaded to r.s3_bucket with `storage` first (any S3 provider's client).
template <provider::Provider P, provider::Provider S, cirrus::detail::completion_token Token = default_token>
auto async_build_layer(const client<P>& fn, const s3::client<S>& storage, const build_layer_request& r,
                       Token&& token = {}) {
    const auto& svc = service_of(fn);
    return cirrus::detail::async_op(svc->executor, std::forward<Token>(token),
                                    detail::build_layer_op<s3::client<S>>{
                                        svc, std::make_unique<s3::client<S>>(storage),
                                        cirrus::detail::owned_copy<build_layer_request>(r)},
                                    nullptr, &svc->last_diagnostics);
}
template <provider::Provider P, provider::Provider S, class Token = default_token>
auto async_build_layer(const client<P>& fn, const s3::client<S>& storage, const build_layer_request& r,
                       diagnostics& diag, Token&& token = {}) {
    const auto& svc = service_of(fn);
    return cirrus::detail::async_op(svc->executor, std::forward<Token>(token),
                                    detail::build_layer_op<s3::client<S>>{
                                        svc, std::make_unique<s3::client<S>>(storage),
                                        cirrus::detail::owned_copy<build_layer_request>(r)},
                                    &diag, &svc->last_diagnostics);
}

} // namespace cirrus::lambda
