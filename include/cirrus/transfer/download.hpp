#pragma once
// async_download_file and async_download_to: one object to a file, or to a handler in
// order, over an s3::client.
//
// download_file: HEAD, then either one GET (objects up to single_get_threshold; the
// client writes a temporary file beside the target and renames it into place) or
// `concurrency` ranged GETs at once, each written with pwrite at its offset into
// `<path>.cirrus-download` (given its full size first with fallocate, so that an object
// that cannot fit fails before any GET) and renamed onto `path` when every range has
// arrived and the checksum matched. Every ranged GET carries If-Match with the ETag HEAD gave, so an object
// replaced during the download fails with errc::object_changed instead of mixing two
// versions. On failure or cancellation the temporary file is removed, unless `resumable`:
// then it stays with `<path>.cirrus-download.state` (the ETag, size and range size, then
// the number of each range written), and the next resumable run for the same object
// fetches only the missing ranges.
//
// download_to: the same ranged GETs into per-worker buffers of one range each, handed to
// `on_data` strictly in order; a worker whose range is not next waits for its turn before
// taking another, so memory stays at concurrency x part_size however large the object.
//
// Checksums: when HEAD reports a full-object checksum (CRC64NVME, or a single PUT's
// checksum), download_file reads the finished file back once and compares it, and
// download_to hashes the data as it is delivered; a mismatch fails the download
// (cirrus::errc::checksum_mismatch) and, for download_to, comes after the data was
// delivered, so treat it as provisional until the operation completes. A COMPOSITE
// checksum ("<base64>-<n>": the algorithm over the raw checksums of the n parts of a
// multipart upload) is checked the same way once the part boundaries are known: a HEAD
// with partNumber=1 gives the part size, and the parts are taken to be of that size but
// the last, as every SDK uploads them. If the data does not match under that reading,
// each part's size is asked for (one HEAD per part) before a mismatch is reported, so
// an object uploaded with parts of other sizes is still checked (download_file) or left
// unverified (download_to, whose data is gone by then). A server that cannot answer a
// HEAD by part number leaves checksum_verified false.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/detail/file_io.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/core/views.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/errors.hpp>
#include <cirrus/transfer/progress.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::transfer {

struct download_options {
    std::uint64_t part_size = 8ull << 20;             // bytes per ranged GET
    std::uint64_t single_get_threshold = 16ull << 20; // objects up to this size: one GET
    unsigned concurrency = 8;                         // ranged GETs in flight
    bool verify_checksum = true;                      // compare a full-object checksum
    // The reads of each GET into the file (s3::request_options::io_buffer_size): one
    // buffer per GET in flight, kept by its pooled connection. download_file only.
    std::size_t io_buffer_size = 512u << 10;
    // Keep the temporary file and its state on failure, and continue from them (same
    // object, same part_size) on the next resumable run. download_file only.
    bool resumable = false;
    // Called with the bytes written (or delivered) so far, at most once per
    // progress_interval and once at the end (progress.hpp).
    progress_handler on_progress = {};
    std::chrono::milliseconds progress_interval{100};
};

struct download_file_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view path = {}; // the file to write (replaced on success)
    std::string_view version_id = {};
    download_options options = {};
};

// Receives the object's bytes in order; an error stops the download with that error.
using data_handler = callable_view<error_code(std::span<const std::uint8_t> data)>;

struct download_to_request {
    std::string_view bucket = {};
    std::string_view key = {};
    data_handler on_data = {};
    std::string_view version_id = {};
    download_options options = {};
};

struct download_result {
    std::uint64_t size = 0;
    std::string etag = {};
    std::optional<s3::checksum> checksum = {}; // what HEAD reported
    bool checksum_verified = false;
    std::uint32_t requests = 0;      // GETs made (ranges fetched in this run)
    std::uint64_t bytes_resumed = 0; // found on disk from an earlier resumable run
};

namespace detail {

// The range plan of a download: fixed-size ranges, the last one shorter.
struct range_plan {
    std::uint64_t size = 0;
    std::uint64_t part = 1;
    std::uint32_t count() const noexcept { return static_cast<std::uint32_t>((size + part - 1) / part); }
    std::uint64_t offset(std::uint32_t i) const noexcept { return std::uint64_t(i) * part; }
    std::uint64_t length(std::uint32_t i) const noexcept { return std::min(part, size - offset(i)); }
    std::vector<std::uint64_t> lengths() const {
        std::vector<std::uint64_t> out(count());
        for (std::uint32_t i = 0; i < out.size(); ++i) out[i] = length(i);
        return out;
    }
};

// The state file of a resumable download: "<etag> <size> <part size>\n", then one line per
// range written. Returns the ranges it lists when the header matches, else nothing.
inline std::vector<char> read_resume_state(const std::string& state_path, const std::string& header,
                                           std::uint32_t count) {
    std::vector<char> have(count, 0);
    std::ifstream in(state_path);
    std::string line;
    if (!in || !std::getline(in, line) || line + "\n" != header) return {};
    while (std::getline(in, line)) {
        char* end = nullptr;
        unsigned long const n = std::strtoul(line.c_str(), &end, 10);
        if (end == line.c_str() || *end != '\0' || n >= count) continue;
        have[n] = 1;
    }
    return have;
}

inline error_code map_range_error(error_code ec, diagnostics& d) {
    if (ec == s3::errc::precondition_failed) {
        d.message = "the object was replaced during the download (its ETag changed)";
        return make_error_code(errc::object_changed);
    }
    return ec;
}

// GETs bytes [offset, offset + length) of the object as it was when `etag` was read
// (If-Match: a replaced object is errc::object_changed) into `sink`, without the
// full-object checksum (the caller checks the whole); fewer bytes than asked is
// errc::short_download.
template <class Provider>
asio::awaitable<error_code> get_range(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                      std::string_view version_id, std::string_view etag, std::uint64_t offset,
                                      std::uint64_t length, s3::object_sink sink, s3::get_object_result& gr,
                                      diagnostics& d, std::size_t io_buffer_size = 0) {
    s3::get_object_request g{.bucket = bucket, .key = key, .version_id = version_id};
    g.options.io_buffer_size = io_buffer_size;
    g.range = s3::byte_range::between(offset, offset + length - 1);
    g.conditions.if_match = etag;
    g.checksum_mode = false;
    g.sink = sink;
    auto [ec] = co_await client.async_get_object(g, gr, d, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return map_range_error(ec, d);
    if (gr.bytes_received != length) {
        d.message = "range at " + std::to_string(offset) + ": received " + std::to_string(gr.bytes_received) + " of " +
                    std::to_string(length) + " bytes";
        co_return make_error_code(errc::short_download);
    }
    co_return error_code{};
}

// Where a worker's range goes: written with pwrite at its offset and, when `hash`, its CRC
// computed on the way (the data is still in the cache), so that a CRC checksum of the
// object is combined from the ranges' without reading the file back. The sink's callables
// point here: copies of them (a request the client keeps) update the same state.
struct range_state {
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t written = 0;
    std::uint64_t crc = 0;
    crypto::checksum_algorithm alg = crypto::checksum_algorithm::crc32c;
    bool hash = false;
};
struct range_writer {
    range_state* st;
    error_code operator()(std::span<const std::uint8_t> chunk) const noexcept {
        if (auto ec = cirrus::detail::pwrite_full(st->fd, chunk, st->offset + st->written)) return ec;
        st->written += chunk.size();
        if (st->hash) st->crc = crc_update(st->alg, st->crc, chunk);
        return {};
    }
};
struct range_restart {
    range_state* st;
    void operator()() const noexcept {
        st->written = 0;
        st->crc = 0;
    }
};

template <class Provider>
asio::awaitable<error_code> head_for_download(s3::client<Provider>& client, std::string_view bucket,
                                              std::string_view key, std::string_view version_id, s3::object_info& info,
                                              download_result& out, diagnostics& d) {
    s3::head_object_request h{.bucket = bucket, .key = key, .version_id = version_id};
    auto [ec] = co_await client.async_head_object(h, info, d, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    out.size = info.content_length;
    out.etag = info.etag;
    out.checksum = info.checksum;
    co_return error_code{};
}

// The sizes of parts first..last (1-based) of the object, by HEAD with partNumber; none
// when the server does not answer one of them.
template <class Provider>
asio::awaitable<std::optional<std::vector<std::uint64_t>>> part_sizes(s3::client<Provider>& client,
                                                                      std::string_view bucket, std::string_view key,
                                                                      std::string_view version_id,
                                                                      std::string_view etag, std::uint32_t first,
                                                                      std::uint32_t last) {
    std::vector<std::uint64_t> sizes;
    s3::object_info info;
    diagnostics ignored;
    for (std::uint32_t i = first; i <= last; ++i) {
        s3::head_object_request h{.bucket = bucket, .key = key, .version_id = version_id};
        h.part_number = static_cast<s3::part_number_type>(i);
        h.conditions.if_match = etag;
        auto [ec] = co_await client.async_head_object(h, info, ignored, asio::as_tuple(asio::use_awaitable));
        if (ec || info.content_length == 0) co_return std::nullopt;
        sizes.push_back(info.content_length);
    }
    co_return sizes;
}

// The part sizes to check a COMPOSITE checksum with: those of parts of the size of part 1
// (one HEAD); none when the checksum is not COMPOSITE or the server cannot tell.
template <class Provider>
asio::awaitable<std::optional<std::vector<std::uint64_t>>> composite_plan(s3::client<Provider>& client,
                                                                          std::string_view bucket, std::string_view key,
                                                                          std::string_view version_id,
                                                                          const download_result& out) {
    if (!out.checksum) co_return std::nullopt;
    std::uint32_t const parts = composite_part_count(*out.checksum);
    if (parts == 0) co_return std::nullopt;
    auto first = co_await part_sizes(client, bucket, key, version_id, out.etag, 1, 1);
    if (!first) co_return std::nullopt;
    co_return regular_part_sizes(out.size, first->front(), parts);
}

inline error_code composite_mismatch(const download_result& out, diagnostics& d, std::string_view what) {
    d.clear();
    d.message = std::string(crypto::checksum_header_name(out.checksum->algorithm)) +
                " (COMPOSITE) of the object does not match the data " + std::string(what);
    return make_error_code(cirrus::errc::checksum_mismatch);
}

template <class Provider>
asio::awaitable<error_code> download_file(s3::client<Provider> client, const download_file_request& r,
                                          download_result& out, diagnostics& d) {
    using asio::as_tuple;
    using asio::use_awaitable;
    const download_options& o = r.options;
    co_await asio::this_coro::throw_if_cancelled(false); // see upload_file
    std::string const path(r.path);

    s3::object_info info;
    if (auto ec = co_await head_for_download(client, r.bucket, r.key, r.version_id, info, out, d)) co_return ec;
    std::uint64_t const size = out.size;
    progress_meter meter(o.on_progress, o.progress_interval);
    meter.set_total(size);

    // The part sizes a COMPOSITE checksum is checked with; such an object takes the
    // ranged path, whose temporary file is checked before it is renamed into place.
    std::optional<std::vector<std::uint64_t>> composite;
    if (o.verify_checksum) composite = co_await composite_plan(client, r.bucket, r.key, r.version_id, out);

    if (size <= o.single_get_threshold && !composite) {
        // One GET; the client writes beside the target, verifies a full-object checksum
        // and renames into place.
        s3::get_object_request g{.bucket = r.bucket, .key = r.key, .version_id = r.version_id};
        g.conditions.if_match = out.etag;
        g.checksum_mode = o.verify_checksum;
        g.options.io_buffer_size = o.io_buffer_size;
        g.sink = s3::object_sink::file(std::string_view(path));
        s3::get_object_result gr;
        auto [ec] = co_await client.async_get_object(g, gr, d, as_tuple(use_awaitable));
        out.requests = 1;
        if (ec) co_return map_range_error(ec, d);
        if (gr.bytes_received != size) {
            d.message = "received " + std::to_string(gr.bytes_received) + " of " + std::to_string(size) + " bytes";
            co_return make_error_code(errc::short_download);
        }
        out.checksum_verified = gr.checksum_verified;
        meter.add(size);
        meter.finish();
        co_return error_code{};
    }

    range_plan const plan{size, std::max<std::uint64_t>(o.part_size, 1)};
    std::uint32_t const count = plan.count();
    std::string const temp_path = path + ".cirrus-download";
    std::string const state_path = temp_path + ".state";
    std::string const header = out.etag + " " + std::to_string(size) + " " + std::to_string(plan.part) + "\n";

    std::vector<char> have;
    if (o.resumable) have = read_resume_state(state_path, header, count);
    bool const resuming = !have.empty();
    if (!resuming) have.assign(count, 0);

    file_handle file(::open(temp_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | (resuming ? 0 : O_TRUNC), 0644));
    if (file.fd < 0) {
        error_code ec = last_system_error();
        d.message = "cannot create " + temp_path + ": " + ec.message();
        co_return ec;
    }
    if (!resuming) {
        // The whole size up front, where the file system can (fallocate): a download that
        // cannot fit fails now, before any GET, and the file is laid out in one piece.
        // Only a lack of room fails; file systems without it (EOPNOTSUPP) and other
        // refusals get the ranges as they come.
        if (size > 0 && ::fallocate(file.fd, 0, 0, static_cast<off_t>(size)) != 0 &&
            (errno == ENOSPC || errno == EFBIG || errno == EDQUOT)) {
            error_code ec = last_system_error();
            d.message = "cannot reserve " + std::to_string(size) + " bytes for " + temp_path + ": " + ec.message();
            file.reset();
            ::unlink(temp_path.c_str());
            co_return ec;
        }
    }
    file_handle state;
    if (o.resumable) {
        state = file_handle(
            ::open(state_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (resuming ? 0 : O_TRUNC), 0644));
        if (state.fd >= 0 && !resuming) {
            if (::write(state.fd, header.data(), header.size()) != static_cast<ssize_t>(header.size())) state.reset();
        }
    }
    if (resuming) {
        for (std::uint32_t i = 0; i < count; ++i)
            if (have[i]) out.bytes_resumed += plan.length(i);
        meter.set_total(size, out.bytes_resumed);
    }

    auto remove_temporary = [&] {
        file.reset();
        ::unlink(temp_path.c_str());
        if (o.resumable) {
            state.reset();
            ::unlink(state_path.c_str());
        }
    };

    // A CRC checksum is computed range by range as the data arrives and combined at the
    // end, instead of reading the file back: FULL_OBJECT always, COMPOSITE when the ranges
    // are the parts. Ranges on disk from an earlier run were not hashed: read back then.
    bool const full_object = out.checksum && s3::detail::is_full_object_checksum(*out.checksum);
    std::vector<std::uint64_t> const range_lengths = composite || full_object ? plan.lengths()
                                                                              : std::vector<std::uint64_t>();
    bool const ranges_are_parts = composite && *composite == range_lengths;
    bool const hash_ranges = o.verify_checksum && out.checksum && combinable(out.checksum->algorithm) && !resuming &&
                             (full_object || ranges_are_parts);
    std::vector<std::uint64_t> range_crcs(hash_ranges ? count : 0);

    std::uint32_t next = 0;
    auto worker = [&](diagnostics& wd) -> asio::awaitable<error_code> {
        s3::get_object_result gr;
        range_state st{.fd = file.fd};
        if (hash_ranges) {
            st.alg = out.checksum->algorithm;
            st.hash = true;
        }
        range_writer const write{&st};
        range_restart const restart{&st};
        for (;;) {
            while (next < count && have[next]) ++next;
            if (next >= count) co_return error_code{};
            std::uint32_t const i = next++;
            std::uint64_t const off = plan.offset(i), len = plan.length(i);
            ++out.requests;
            st.offset = off;
            st.written = 0;
            st.crc = 0;
            s3::object_sink const sink = s3::object_sink::handler(write, restart);
            if (auto ec = co_await get_range(client, r.bucket, r.key, r.version_id, out.etag, off, len, sink, gr, wd,
                                             o.io_buffer_size))
                co_return ec;
            if (hash_ranges) range_crcs[i] = st.crc;
            if (state.fd >= 0) {
                std::string const line = std::to_string(i) + "\n";
                if (::write(state.fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) state.reset();
            }
            meter.add(len);
        }
    };
    unsigned const workers = std::max(1u, std::min<unsigned>(o.concurrency, count));
    error_code failure = co_await run_workers(workers, worker, d);

    if (!failure && hash_ranges && ranges_are_parts && !full_object) {
        // COMPOSITE over ranges that are the parts: checked here; a mismatch goes on to the
        // reading below, which also asks each part's size.
        if (crc_of_pieces(out.checksum->algorithm, range_crcs, *composite, true) == out.checksum->value) {
            out.checksum_verified = true;
            composite.reset();
        }
    }
    if (!failure && o.verify_checksum && full_object) {
        result<std::string> sum = std::string();
        if (hash_ranges) sum = crc_of_pieces(out.checksum->algorithm, range_crcs, range_lengths, false);
        else if (auto read = s3::detail::checksum_of_file(file.fd, 0, size, out.checksum->algorithm))
            sum = std::string(read->view());
        else sum = result<std::string>(boost::system::in_place_error, read.error());
        if (!sum) failure = sum.error();
        else if (*sum != std::string_view(out.checksum->value)) {
            d.clear();
            d.message = std::string(crypto::checksum_header_name(out.checksum->algorithm)) +
                        " of the object does not match the data received";
            failure = make_error_code(cirrus::errc::checksum_mismatch);
            if (o.resumable) {
                // The ranges on disk are wrong somewhere: start over next time.
                state.reset();
                ::unlink(state_path.c_str());
            }
        } else {
            out.checksum_verified = true;
        }
    }
    if (!failure && composite) {
        auto check_with = [&](std::vector<std::uint64_t> sizes) -> result<bool> {
            composite_hasher h(out.checksum->algorithm, std::move(sizes));
            auto const feed = [&](const std::uint8_t* p, std::size_t n) { h.update(std::span(p, n)); };
            if (auto ec = cirrus::detail::read_blocks(file.fd, 0, size, 256 * 1024, feed))
                return result<bool>(boost::system::in_place_error, ec);
            return h.finish() == out.checksum->value;
        };
        auto same = check_with(*composite);
        if (same && !*same) {
            // Parts of other sizes than the first's? Ask for each one's size.
            auto const parts = static_cast<std::uint32_t>(composite->size());
            auto exact = co_await part_sizes(client, r.bucket, r.key, r.version_id, out.etag, 1, parts);
            if (exact && *exact != *composite) same = check_with(std::move(*exact));
        }
        if (!same) failure = same.error();
        else if (!*same) {
            failure = composite_mismatch(out, d, "received");
            if (o.resumable) {
                state.reset();
                ::unlink(state_path.c_str());
            }
        } else {
            out.checksum_verified = true;
        }
    }
    if (!failure) {
        if (::rename(temp_path.c_str(), path.c_str()) != 0) {
            failure = last_system_error();
            d.message = "cannot move the download into place at " + path + ": " + failure.message();
        } else {
            if (o.resumable) {
                state.reset();
                ::unlink(state_path.c_str());
            }
            meter.finish();
            co_return error_code{};
        }
    }
    if (co_await take_cancellation()) failure = asio::error::operation_aborted;
    if (!o.resumable) remove_temporary();
    co_return failure;
}

template <class Provider>
asio::awaitable<error_code> download_to(s3::client<Provider> client, const download_to_request& r, download_result& out,
                                        diagnostics& d) {
    using asio::as_tuple;
    using asio::use_awaitable;
    const download_options& o = r.options;
    co_await asio::this_coro::throw_if_cancelled(false); // see upload_file
    if (!r.on_data) co_return make_error_code(cirrus::errc::invalid_argument);

    s3::object_info info;
    if (auto ec = co_await head_for_download(client, r.bucket, r.key, r.version_id, info, out, d)) co_return ec;
    std::uint64_t const size = out.size;
    std::optional<crypto::checksum_hasher> hasher;
    std::optional<composite_hasher> composite;
    std::optional<std::vector<std::uint64_t>> composite_sizes;
    if (o.verify_checksum && out.checksum && s3::detail::is_full_object_checksum(*out.checksum))
        hasher.emplace(out.checksum->algorithm);
    else if (o.verify_checksum) composite_sizes = co_await composite_plan(client, r.bucket, r.key, r.version_id, out);
    if (composite_sizes) composite.emplace(out.checksum->algorithm, *composite_sizes);
    progress_meter meter(o.on_progress, o.progress_interval);
    meter.set_total(size);

    auto deliver = [&](std::span<const std::uint8_t> data) -> error_code {
        if (hasher) hasher->update(data);
        if (composite) composite->update(data);
        meter.add(data.size());
        return r.on_data(data);
    };
    // A COMPOSITE mismatch under parts of the first part's size: a real one if the parts
    // have those sizes; if not, the data (already delivered) cannot be checked again.
    auto check_composite = [&]() -> asio::awaitable<error_code> {
        if (composite->finish() == out.checksum->value) {
            out.checksum_verified = true;
            co_return error_code{};
        }
        auto const parts = static_cast<std::uint32_t>(composite_sizes->size());
        auto exact = co_await part_sizes(client, r.bucket, r.key, r.version_id, out.etag, 1, parts);
        if (exact && *exact == *composite_sizes) co_return composite_mismatch(out, d, "delivered");
        co_return error_code{};
    };
    auto check = [&]() -> error_code {
        if (!hasher) {
            meter.finish();
            return {};
        }
        if (hasher->finish() != std::string_view(out.checksum->value)) {
            d.clear();
            d.message = std::string(crypto::checksum_header_name(out.checksum->algorithm)) +
                        " of the object does not match the data delivered";
            return make_error_code(cirrus::errc::checksum_mismatch);
        }
        out.checksum_verified = true;
        meter.finish();
        return {};
    };

    if (size <= o.single_get_threshold) {
        // One GET whose chunks go straight to the handler (not retried once data went out).
        s3::get_object_request g{.bucket = r.bucket, .key = r.key, .version_id = r.version_id};
        g.conditions.if_match = out.etag;
        g.checksum_mode = false;
        auto on_chunk = [&](std::span<const std::uint8_t> c) -> error_code { return deliver(c); };
        g.sink = s3::object_sink::handler(on_chunk);
        s3::get_object_result gr;
        auto [ec] = co_await client.async_get_object(g, gr, d, as_tuple(use_awaitable));
        out.requests = 1;
        if (ec) co_return map_range_error(ec, d);
        if (gr.bytes_received != size) co_return make_error_code(errc::short_download);
        if (composite) {
            if (auto ec = co_await check_composite()) co_return ec;
        }
        co_return check();
    }

    range_plan const plan{size, std::max<std::uint64_t>(o.part_size, 1)};
    std::uint32_t const count = plan.count();
    std::uint32_t next = 0;      // the next range to fetch
    std::uint32_t delivered = 0; // ranges handed to on_data
    bool stopped = false;        // on_data failed: nothing more is delivered
    // Wakes the workers waiting for their turn (cancelled, never expires).
    asio::steady_timer turn(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());

    auto worker = [&](diagnostics& wd) -> asio::awaitable<error_code> {
        std::vector<std::uint8_t> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(plan.part, size)));
        s3::get_object_result gr;
        for (;;) {
            if (next >= count || stopped) co_return error_code{};
            std::uint32_t const i = next++;
            std::uint64_t const off = plan.offset(i), len = plan.length(i);
            ++out.requests;
            s3::object_sink const sink = s3::object_sink::memory(
                std::span(buffer.data(), static_cast<std::size_t>(len)));
            if (auto ec = co_await get_range(client, r.bucket, r.key, r.version_id, out.etag, off, len, sink, gr, wd))
                co_return ec;
            while (delivered != i) {
                auto [wait_ec] = co_await turn.async_wait(as_tuple(use_awaitable));
                (void)wait_ec; // woken by cancel(): look again (a cancelled worker throws at the next wait)
            }
            // A worker woken by the group's cancellation (another failed) delivers nothing.
            asio::cancellation_state const cs = co_await asio::this_coro::cancellation_state;
            if (stopped || cs.cancelled() != asio::cancellation_type::none)
                co_return make_error_code(asio::error::operation_aborted);
            error_code const hec = deliver(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(len)));
            ++delivered;
            if (hec) stopped = true;
            turn.cancel();
            if (hec) co_return hec;
        }
    };
    unsigned const workers = std::max(1u, std::min<unsigned>(o.concurrency, count));
    error_code failure = co_await run_workers(workers, worker, d);
    if (!failure && composite) failure = co_await check_composite();
    if (!failure) co_return check();
    if (co_await take_cancellation()) failure = asio::error::operation_aborted;
    co_return failure;
}

inline constexpr auto run_download_file = [](auto& client, const download_file_request& r, download_result& out,
                                             diagnostics& d) { return download_file(client, r, out, d); };

inline constexpr auto run_download_to = [](auto& client, const download_to_request& r, download_result& out,
                                           diagnostics& d) { return download_to(client, r, out, d); };

} // namespace detail

// Downloads r.bucket/r.key to r.path; completes with void(error_code, download_result).
// Errors: the HEAD's or a GET's (s3::errc::no_such_key ...), errc::object_changed,
// errc::short_download, cirrus::errc::checksum_mismatch, the file's (errno), or
// asio::error::operation_aborted. The file at r.path is replaced only on success.
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_download_file(const s3::client<Provider>& client, const download_file_request& r, Token&& token = {}) {
    return detail::start_transfer<download_result>(client, r, nullptr, detail::run_download_file,
                                                   std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_download_file(const s3::client<Provider>& client, const download_file_request& r, diagnostics& diag,
                         Token&& token = {}) {
    return detail::start_transfer<download_result>(client, r, &diag, detail::run_download_file,
                                                   std::forward<Token>(token));
}

// Delivers r.bucket/r.key to r.on_data in order (the callable is copied into the
// operation); completes with void(error_code, download_result).
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_download_to(const s3::client<Provider>& client, const download_to_request& r, Token&& token = {}) {
    return detail::start_transfer<download_result>(client, r, nullptr, detail::run_download_to,
                                                   std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_download_to(const s3::client<Provider>& client, const download_to_request& r, diagnostics& diag,
                       Token&& token = {}) {
    return detail::start_transfer<download_result>(client, r, &diag, detail::run_download_to,
                                                   std::forward<Token>(token));
}

} // namespace cirrus::transfer
