#pragma once
// A directory zipped straight into an S3 object: the archive is written entry by entry into
// a streamed upload (transfer::async_upload_stream: one PutObject when it fits in a part,
// else a multipart upload), never held whole.
//
//   s3::client<> s3(ex);
//   auto r = co_await zip::async_upload_directory(s3, {.bucket = "artifacts", .key = "deps.zip",
//       .directory = "build/layer", .options = {.prefix = "python/", .mtime = 1700000000}});
//   // r.zip_size, r.entries, r.upload (etag, parts ...)
//
// The entries and their order are zip_directory's (writer.hpp): the same tree and options
// give the same bytes as zip_directory would. Memory: the upload's parts in flight
// (upload_options.concurrency x part size, as async_upload_stream) plus one entry (its
// file and its deflated form) at a time, plus the central directory's records (about 60
// bytes and the name per entry). A file that cannot be read, an entry the format cannot
// hold (zip::errc) or an S3 failure fails the operation (a multipart upload is then
// aborted); the diagnostics' message names the directory for the zip step.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/upload_stream.hpp>
#include <cirrus/zip/writer.hpp>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::zip {

struct upload_directory_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view directory = {};
    directory_options options = {};         // prefix, compression, mtime ... as zip_directory
    transfer::upload_options upload = {};   // part size, concurrency, checksum, progress
};

struct upload_directory_result {
    std::uint64_t zip_size = 0; // bytes of the archive
    std::size_t entries = 0;
    transfer::upload_result upload;
};

namespace detail {

// A failure of zipping `directory` (zip::errc or the file system's error), with the
// directory named in the diagnostics' message ("zip <directory>: <what failed>").
inline error_code directory_zip_failed(std::string_view directory, error_code ec, diagnostics& d) {
    d.clear();
    d.message = "zip ";
    d.message += directory;
    d.message += ": ";
    d.message += ec.message();
    return ec;
}

template <class Provider>
boost::asio::awaitable<error_code> upload_directory(s3::client<Provider> s3, const upload_directory_request& r,
                                                    upload_directory_result& out, diagnostics& d) {
    const std::filesystem::path dir(r.directory);
    auto zip_failed = [&](error_code ec) { return directory_zip_failed(r.directory, ec, d); };
    std::vector<tree_entry> tree;
    if (auto ec = list_tree(dir, r.options, tree)) co_return zip_failed(ec);

    writer z;
    std::size_t next = 0;
    bool finished = false;
    error_code zip_error;
    std::string contents; // one file at a time
    // Called by the upload, one call at a time, in stream order.
    auto read = [&](std::span<std::uint8_t> buf) -> boost::asio::awaitable<result<std::size_t>> {
        while (z.pending().empty() && !finished) {
            error_code ec;
            if (next < tree.size()) {
                ec = add_tree_entry(z, tree[next++], r.options, contents);
            } else {
                ec = z.finish_stream();
                finished = true;
            }
            if (ec) {
                zip_error = ec;
                co_return ec;
            }
        }
        const std::string_view p = z.pending();
        const std::size_t n = std::min(p.size(), buf.size());
        if (n != 0) std::memcpy(buf.data(), p.data(), n);
        z.consume(n);
        out.zip_size += n;
        co_return n;
    };
    const transfer::upload_stream_request up{
        .bucket = r.bucket, .key = r.key, .read = read, .size_hint = {}, .options = r.upload};
    auto ec = co_await transfer::detail::upload_stream(s3, up, out.upload, d);
    out.entries = z.entries();
    if (zip_error) co_return zip_failed(zip_error);
    co_return ec;
}

inline constexpr auto run_upload_directory = [](auto& s3, const upload_directory_request& r,
                                                upload_directory_result& out,
                                                diagnostics& d) { return upload_directory(s3, r, out, d); };

} // namespace detail

// Completes with void(error_code, upload_directory_result), like every cirrus operation
// (it runs as the transfers do: transfer/detail/common.hpp).
template <provider::Provider P, cirrus::detail::completion_token Token = default_token>
auto async_upload_directory(const s3::client<P>& s3, const upload_directory_request& r, Token&& token = {}) {
    return transfer::detail::start_transfer<upload_directory_result>(s3, r, nullptr, detail::run_upload_directory,
                                                                     std::forward<Token>(token));
}
template <provider::Provider P, class Token = default_token>
auto async_upload_directory(const s3::client<P>& s3, const upload_directory_request& r, diagnostics& diag,
                            Token&& token = {}) {
    return transfer::detail::start_transfer<upload_directory_result>(s3, r, &diag, detail::run_upload_directory,
                                                                     std::forward<Token>(token));
}

} // namespace cirrus::zip
