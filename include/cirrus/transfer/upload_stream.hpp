#pragma once
// async_upload_stream: an object from a stream of unknown length (a pipe, a socket, a
// generator, a compressor's output) over an s3::client.
//
//   auto read = [&](std::span<std::uint8_t> out) -> asio::awaitable<cirrus::result<std::size_t>> {
//       co_return co_await my_source.async_read_some(out);   // 0: the end of the stream
//   };
//   auto r = co_await transfer::async_upload_stream(s3, {.bucket = "b", .key = "logs/today.gz", .read = read});
//
// - The reader is called with a buffer and completes with the number of bytes it wrote
//   into it (0 at the end of the stream) or an error, which fails the upload. It is called
//   by one worker at a time, never concurrently, in stream order. It is copied when the
//   operation starts (as every view of a request is), so it must be copyable.
// - A stream that ends within its first part goes up in one PutObject; a longer one in a
//   multipart upload with `options.concurrency` parts in flight. A stream cannot be read
//   twice, so each part is held in memory until the server has it (a retried part is sent
//   again from memory): memory is concurrency x part size (8 x 8 MiB by default), the price
//   of not knowing the length; upload_file reads a file in place instead.
// - Part size: options.parts.part_size, else the plan for `size_hint` (as upload_file
//   would plan a file of that size), else options.parts.preferred_part_size (8 MiB); a
//   stream longer than 10,000 parts of it fails with cirrus::errc::invalid_argument (8 MiB
//   parts: 78 GiB; give a size_hint or a larger part size for more).
// - Checksums, the composite and full-object checksum checks, progress (bytes_total is size_hint, 0 when
//   unknown), cancellation and the abort of the multipart upload on any failure are those
//   of upload_file (upload.hpp). resume_upload_id and abort_on_failure = false are not
//   used: a stream cannot be resumed.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/core/views.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/errors.hpp>
#include <cirrus/transfer/part_plan.hpp>
#include <cirrus/transfer/progress.hpp>
#include <cirrus/transfer/upload.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::transfer {

// Fills (part of) the buffer; completes with the bytes written, 0 at the end of the stream.
using stream_reader = callable_view<boost::asio::awaitable<result<std::size_t>>(std::span<std::uint8_t> out)>;

struct upload_stream_request {
    std::string_view bucket = {};
    std::string_view key = {};
    stream_reader read = {};
    std::optional<std::uint64_t> size_hint = {}; // the expected length, for the part size and progress
    upload_options options = {};
};

namespace detail {

// The part size of a stream upload (see the top of this file).
inline result<std::uint64_t> stream_part_size(const upload_stream_request& r) {
    const part_options& p = r.options.parts;
    if (p.part_size) {
        if (*p.part_size < min_part_size || *p.part_size > max_part_size)
            return make_error_code(cirrus::errc::invalid_argument);
        return *p.part_size;
    }
    if (r.size_hint) {
        auto plan = plan_parts(*r.size_hint, p);
        if (!plan) return plan.error();
        if (plan->multipart) return plan->part_size;
    }
    return std::clamp(p.preferred_part_size, min_part_size, max_part_size);
}

// Reads until `out` is full or the stream ends; the bytes read.
inline asio::awaitable<result<std::size_t>> read_full(const stream_reader& read, std::span<std::uint8_t> out) {
    std::size_t got = 0;
    while (got < out.size()) {
        result<std::size_t> n = co_await read(out.subspan(got));
        if (!n) co_return n.error();
        if (*n == 0) break;
        if (*n > out.size() - got) co_return make_error_code(cirrus::errc::invalid_argument);
        got += *n;
    }
    co_return got;
}

template <class Provider>
asio::awaitable<error_code> upload_stream(s3::client<Provider> client, const upload_stream_request& r,
                                          upload_result& out, diagnostics& d) {
    using asio::as_tuple;
    using asio::use_awaitable;
    const upload_options& options = r.options;
    co_await asio::this_coro::throw_if_cancelled(false); // see upload_file
    if (auto ec = check_upload_options(options, d)) co_return ec;
    if (!r.read) {
        d.message = "upload_stream_request::read is empty";
        co_return make_error_code(cirrus::errc::invalid_argument);
    }
    auto part_size_or = stream_part_size(r);
    if (!part_size_or) {
        d.message = "no valid part size for the stream (5 MiB to 5 GiB, at most 10,000 parts)";
        co_return part_size_or.error();
    }
    std::size_t const part_size = static_cast<std::size_t>(*part_size_or);
    progress_meter meter(options.on_progress, options.progress_interval);
    meter.set_total(r.size_hint.value_or(0));

    // The first part decides: the whole stream, or the start of a multipart upload.
    std::vector<std::uint8_t> first(part_size);
    auto first_len = co_await read_full(r.read, std::span<std::uint8_t>(first));
    if (!first_len) {
        d.message = "the stream's reader failed: " + first_len.error().message();
        co_return first_len.error();
    }
    if (*first_len < part_size) {
        out.size = *first_len;
        out.parts = 1;
        s3::object_body const body = s3::object_body::memory(std::span<const std::uint8_t>(first.data(), *first_len));
        co_return co_await put_whole(client, r.bucket, r.key, body, *first_len, options, out, d, meter);
    }

    std::string upload_id;
    if (auto ec = co_await create_upload(client, r.bucket, r.key, options, upload_id, d)) co_return ec;
    out.upload_id = upload_id;

    // Workers take turns at the reader (one at a time, in stream order), then upload the
    // part they read while the next worker reads.
    std::vector<s3::completed_part> done;
    std::vector<std::uint64_t> sizes; // of each part in `done`
    std::uint32_t parts_read = 0;
    std::uint64_t total = 0;
    bool ended = false;   // the reader said 0
    bool reading = false; // a worker is at the reader
    bool first_taken = false;
    asio::steady_timer turn(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());

    auto worker = [&](diagnostics& wd) -> asio::awaitable<error_code> {
        std::vector<std::uint8_t> buffer;
        for (;;) {
            while (reading) {
                auto [wait_ec] = co_await turn.async_wait(as_tuple(use_awaitable));
                (void)wait_ec; // woken by the reader's cancel(); a terminal cancellation ends below
                asio::cancellation_state const cs = co_await asio::this_coro::cancellation_state;
                if (cs.cancelled() != asio::cancellation_type::none) co_return asio::error::operation_aborted;
            }
            if (ended) co_return error_code{};
            std::span<const std::uint8_t> data;
            std::uint32_t n = 0;
            if (!first_taken) {
                first_taken = true;
                buffer = std::move(first);
                data = std::span<const std::uint8_t>(buffer.data(), part_size);
                n = ++parts_read;
            } else {
                reading = true;
                buffer.resize(part_size);
                auto got = co_await read_full(r.read, std::span<std::uint8_t>(buffer));
                reading = false;
                turn.cancel(); // wakes the workers waiting for the reader
                if (!got) {
                    wd.message = "the stream's reader failed: " + got.error().message();
                    ended = true;
                    co_return got.error();
                }
                if (*got < part_size) ended = true;
                if (*got == 0) co_return error_code{};
                if (parts_read == max_parts) {
                    wd.message = "the stream is longer than " + std::to_string(max_parts) + " parts of " +
                                 std::to_string(part_size) + " bytes: give a size_hint or a larger part size";
                    ended = true;
                    co_return make_error_code(cirrus::errc::invalid_argument);
                }
                data = std::span<const std::uint8_t>(buffer.data(), *got);
                n = ++parts_read;
            }
            total += data.size();
            s3::object_body const body = s3::object_body::memory(data);
            if (auto ec = co_await send_part(client, r.bucket, r.key, upload_id, n, body, data.size(), options, done,
                                             wd, meter))
                co_return ec;
            if (sizes.size() < n) sizes.resize(n);
            sizes[n - 1] = data.size();
        }
    };
    error_code failure = co_await run_workers(std::max(1u, options.concurrency), worker, d);
    if (!failure) {
        out.size = total;
        out.parts = parts_read;
    }
    // A stream cannot be read again: an upload that fails is aborted.
    co_return co_await finish_upload(client, r.bucket, r.key, upload_id, done, sizes, options, out, d, meter, failure,
                                     /*resumable=*/false);
}

inline constexpr auto run_upload_stream = [](auto& client, const upload_stream_request& r, upload_result& out,
                                             diagnostics& d) { return upload_stream(client, r, out, d); };

} // namespace detail

// Uploads what r.read delivers to r.bucket/r.key; completes with void(error_code,
// upload_result). Errors are upload_file's, plus the reader's own.
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_upload_stream(const s3::client<Provider>& client, const upload_stream_request& r, Token&& token = {}) {
    return detail::start_transfer<upload_result>(client, r, nullptr, detail::run_upload_stream,
                                                 std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_upload_stream(const s3::client<Provider>& client, const upload_stream_request& r, diagnostics& diag,
                         Token&& token = {}) {
    return detail::start_transfer<upload_result>(client, r, &diag, detail::run_upload_stream,
                                                 std::forward<Token>(token));
}

} // namespace cirrus::transfer
