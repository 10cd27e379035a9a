#pragma once
// transfer::copy_from_object: an S3 object as the data of a PostgreSQL COPY FROM STDIN, so
// that a CSV (or text, or binary COPY) file in a bucket loads into a table without touching
// the disk and without holding the object in memory.
//
//   transfer::object_copy_report report;
//   auto src = transfer::copy_from_object(s3, "bucket", "batches/2026-12-05.csv", {}, &report);
//   auto rows = co_await conn.async_copy_in("COPY clients FROM STDIN (FORMAT csv, HEADER)", src, diag);
//   // on failure: report.error and report.s3_diagnostics say what S3 said
//
// - A HEAD gives the object's size, ETag and full-object checksum (checksum mode); then
//   ranged GETs of `range_size` bytes, each conditional on that ETag, hand the data to the
//   COPY one range per chunk. With `prefetch`, the next range is fetched while the COPY
//   sends the current one: memory is two ranges, whatever the object's size.
// - The COPY pulls: a range is fetched only when the connection has written the previous
//   chunk to its socket, so a slow server holds the S3 reads back.
// - An object replaced during the COPY (errc::object_changed), a short read
//   (errc::short_download), any S3 error, or a full-object checksum (CRC64NVME, CRC32C ...
//   as stored) that does not match the bytes sent (cirrus::errc::checksum_mismatch, checked
//   before the COPY is allowed to end) aborts the COPY with CopyFail: the server discards
//   every row, and the connection stays usable.
// - The source runs on the COPY's executor (the prefetch too): with a multi-threaded
//   io_context, run the connection on a strand.
// - Each call of copy_from_object makes a source for one COPY: it starts from the object's
//   first byte the first time it is pulled and cannot be rewound.

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/download.hpp>
#include <cirrus/transfer/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::transfer {

struct object_copy_options {
    std::uint64_t range_size = 8ull << 20; // bytes per ranged GET and per chunk handed to the COPY
    bool prefetch = true;                  // fetch the next range while the COPY sends this one
    bool verify_checksum = true;           // compare a stored full-object checksum with the bytes sent
    std::string_view version_id = {};      // a version of the object instead of the current one
};

// What the source did, for the caller to read after the COPY (it must outlive the COPY).
struct object_copy_report {
    std::uint64_t object_size = 0;
    std::uint64_t bytes_sent = 0; // handed to the COPY
    std::uint32_t requests = 0;   // HEAD and GETs
    std::string etag = {};
    bool checksum_verified = false;
    error_code error = {};          // why the source stopped the COPY, if it did
    diagnostics s3_diagnostics = {}; // S3's code, message and request id for that error
};

namespace detail {

template <class Provider>
struct object_copy_state {
    s3::client<Provider> client;
    std::string bucket, key, version_id;
    object_copy_options options;
    object_copy_report* report = nullptr;

    bool started = false;
    std::uint64_t size = 0;
    std::uint64_t next = 0; // offset of the next range to hand to the COPY
    std::string etag;
    std::optional<s3::checksum> checksum;
    std::optional<crypto::checksum_hasher> hasher;

    // The prefetched range [ahead_offset, ahead_offset + ahead.size()).
    bool fetching = false;
    bool fetched = false;
    std::uint64_t ahead_offset = 0;
    std::vector<std::uint8_t> ahead;
    error_code ahead_error;
    diagnostics ahead_diagnostics;
    std::optional<asio::steady_timer> ready; // cancelled when the prefetch is done

    object_copy_state(s3::client<Provider> c, std::string_view b, std::string_view k, object_copy_options o,
                      object_copy_report* r)
        : client(std::move(c)), bucket(b), key(k), version_id(o.version_id), options(o), report(r) {
        options.version_id = version_id;
        options.range_size = std::max<std::uint64_t>(options.range_size, 1);
    }

    error_code fail(error_code ec, const diagnostics& d) {
        if (report) {
            report->error = ec;
            report->s3_diagnostics = d;
        }
        return ec;
    }
};

// GETs [offset, offset + out.size()) of the object as it was at the HEAD (If-Match).
template <class Provider>
asio::awaitable<error_code> fetch_object_range(object_copy_state<Provider>& st, std::uint64_t offset,
                                               std::span<std::uint8_t> out, diagnostics& d) {
    s3::get_object_result gr;
    s3::object_sink const sink = s3::object_sink::memory(out);
    co_return co_await get_range(st.client, st.bucket, st.key, st.version_id, st.etag, offset, out.size(), sink, gr, d);
}

template <class Provider>
asio::awaitable<void> prefetch_object_range(std::shared_ptr<object_copy_state<Provider>> st) {
    st->ahead_diagnostics.clear();
    st->ahead_error = co_await fetch_object_range(*st, st->ahead_offset, std::span<std::uint8_t>(st->ahead),
                                                  st->ahead_diagnostics);
    st->fetched = true;
    st->ready->cancel();
}

template <class Provider>
asio::awaitable<error_code> next_object_chunk(std::shared_ptr<object_copy_state<Provider>> st, cirrus::buffer& chunk) {
    object_copy_state<Provider>& s = *st;
    diagnostics d;
    if (!s.started) {
        s.started = true;
        s3::head_object_request h{.bucket = s.bucket, .key = s.key, .version_id = s.version_id};
        s3::object_info info;
        auto [ec] = co_await s.client.async_head_object(h, info, d, asio::as_tuple(asio::use_awaitable));
        if (s.report) ++s.report->requests;
        if (ec) co_return s.fail(ec, d);
        s.size = info.content_length;
        s.etag = info.etag;
        s.checksum = info.checksum;
        if (s.options.verify_checksum && s.checksum && s3::detail::is_full_object_checksum(*s.checksum))
            s.hasher.emplace(s.checksum->algorithm);
        if (s.report) {
            s.report->object_size = s.size;
            s.report->etag = s.etag;
        }
    }
    if (s.next >= s.size) { // the end: the checksum decides whether the COPY may commit
        if (s.hasher) {
            if (s.hasher->finish() != std::string_view(s.checksum->value)) {
                d.message = std::string(crypto::checksum_header_name(s.checksum->algorithm)) +
                            " of the object does not match the bytes sent to the COPY";
                co_return s.fail(make_error_code(cirrus::errc::checksum_mismatch), d);
            }
            if (s.report) s.report->checksum_verified = true;
            s.hasher.reset();
        }
        co_return error_code{};
    }

    std::uint64_t const len = std::min(s.options.range_size, s.size - s.next);
    if (s.fetching && s.ahead_offset == s.next) {
        while (!s.fetched) {
            auto [wait_ec] = co_await s.ready->async_wait(asio::as_tuple(asio::use_awaitable));
            (void)wait_ec; // cancelled by the prefetch when it is done
        }
        s.fetching = false;
        if (s.report) ++s.report->requests;
        if (s.ahead_error) co_return s.fail(s.ahead_error, s.ahead_diagnostics);
        std::memcpy(chunk.extend(s.ahead.size()), s.ahead.data(), s.ahead.size());
    } else {
        auto* out = reinterpret_cast<std::uint8_t*>(chunk.extend(static_cast<std::size_t>(len)));
        error_code ec = co_await fetch_object_range(s, s.next, std::span<std::uint8_t>(out, len), d);
        if (s.report) ++s.report->requests;
        if (ec) co_return s.fail(ec, d);
    }
    if (s.hasher)
        s.hasher->update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(chunk.data()), len));
    s.next += len;
    if (s.report) s.report->bytes_sent += len;

    if (s.options.prefetch && s.next < s.size) {
        auto ex = co_await asio::this_coro::executor;
        if (!s.ready) s.ready.emplace(ex, asio::steady_timer::time_point::max());
        s.ready->expires_at(asio::steady_timer::time_point::max());
        s.ahead.resize(static_cast<std::size_t>(std::min(s.options.range_size, s.size - s.next)));
        s.ahead_offset = s.next;
        s.fetching = true;
        s.fetched = false;
        asio::co_spawn(ex, prefetch_object_range(st), asio::detached);
    }
    co_return error_code{};
}

} // namespace detail

// A postgres::copy_source that streams the object bucket/key (see the top of this file).
// `report`, when given, must stay alive until the COPY completes.
template <class Provider>
postgres::copy_source copy_from_object(const s3::client<Provider>& client, std::string_view bucket,
                                       std::string_view key, const object_copy_options& options = {},
                                       object_copy_report* report = nullptr) {
    auto st = std::make_shared<detail::object_copy_state<Provider>>(client, bucket, key, options, report);
    return [st](cirrus::buffer& chunk) -> boost::asio::awaitable<error_code> {
        return detail::next_object_chunk(st, chunk);
    };
}

} // namespace cirrus::transfer
