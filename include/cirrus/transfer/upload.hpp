#pragma once
// async_upload_file: one file to one object over an s3::client. Objects up to the
// single-put threshold go in one PutObject; larger ones in a multipart upload with
// `concurrency` parts in flight over the client's pooled connections. Every part's body is
// the file itself at the part's offset (http::request_body::file(fd, offset, length):
// positional reads into a bounded scratch buffer, never a whole part in memory; a retried
// part is read again from the file). Parts carry a checksum (CRC32C by default), and the
// object's composite checksum is computed from them and compared with the server's; with
// full_object_checksum the object gets the CRC of its whole content instead (FULL_OBJECT,
// CRC64NVME typically), combined from the parts' CRCs, sent on CompleteMultipartUpload
// and compared with the server's. On any failure or cancellation the upload is aborted,
// so no multipart upload is left behind; `resume_upload_id` continues an earlier upload,
// sending only the parts ListParts does not report.
//
// It starts the way every cirrus operation does (core/async_op.hpp, docs/async.md):
//
//   auto r = co_await transfer::async_upload_file(s3, {.bucket = "b", .key = "k", .path = "/data/big.bin"});
//   transfer::async_upload_file(s3, req, diag, [](error_code ec, transfer::upload_result r) { ... });
//
// A cancellation on the token's slot (terminal) stops every part in flight, aborts the
// multipart upload and completes with asio::error::operation_aborted.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/errors.hpp>
#include <cirrus/transfer/part_plan.hpp>
#include <cirrus/transfer/progress.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::transfer {

struct upload_options {
    part_options parts = {};
    unsigned concurrency = 8; // parts in flight
    // Per-part (and single-put) checksum; nullopt sends none.
    std::optional<crypto::checksum_algorithm> checksum = crypto::checksum_algorithm::crc32c;
    // A multipart object's checksum over its whole content (x-amz-checksum-type:
    // FULL_OBJECT, as a single PUT's) instead of the COMPOSITE checksum of its parts'
    // checksums. Needs a CRC as `checksum` (crc64nvme, crc32c or crc32): the object's CRC
    // is combined from the parts' (the file is not read again), sent on
    // CompleteMultipartUpload, which the server refuses when its own differs, and compared
    // with the one the server answers.
    bool full_object_checksum = false;
    // Where the checksum goes: automatic is a trailer when the payload goes unsigned (over
    // TLS, or with payload = unsigned_payload) and a header otherwise (the part is then read
    // twice); header or trailer force it.
    s3::checksum_location checksum_at = s3::checksum_location::automatic;
    // How each part's body is signed (s3::request_options::payload). automatic: signed
    // chunks over plain HTTP, UNSIGNED-PAYLOAD with the checksum trailer over TLS.
    // unsigned_payload asks for the unsigned trailer over plain HTTP too: each part is then
    // read once and hashed only for its checksum.
    http::payload_signing payload = http::payload_signing::automatic;
    // Continue this multipart upload: parts ListParts reports with the planned size are
    // kept, the others are sent.
    std::string_view resume_upload_id = {};
    // Abort the multipart upload on failure (default). Off, the upload is kept for a resume
    // and its id is in the diagnostics' message. A cancellation always aborts.
    bool abort_on_failure = true;
    // Called with the bytes uploaded so far, at most once per progress_interval and once
    // at the end (progress.hpp).
    progress_handler on_progress = {};
    std::chrono::milliseconds progress_interval{100};
};

// A view, like every request (docs/async.md): the strings need to live only until the
// initiating call returns.
struct upload_file_request {
    std::string_view bucket = {};
    std::string_view key = {};
    std::string_view path = {}; // the file to upload
    upload_options options = {};
};

struct upload_result {
    std::string etag = {};
    std::string upload_id = {}; // empty for a single put
    std::uint64_t size = 0;
    std::uint32_t parts = 0; // 1 for a single put
    std::uint32_t parts_resumed = 0;
    // What the server reported for the object: for a multipart upload with per-part
    // checksums the COMPOSITE checksum, or the FULL_OBJECT one (full_object_checksum),
    // already compared with the one computed from the parts (checksum_verified).
    std::optional<s3::checksum> checksum = {};
    bool checksum_verified = false;
};

namespace detail {

// Options that cannot work together, refused before any request.
inline error_code check_upload_options(const upload_options& options, diagnostics& d) {
    if (options.full_object_checksum && !(options.checksum && combinable(*options.checksum))) {
        d.message = "upload_options::full_object_checksum needs a CRC as the checksum (crc64nvme, crc32c or crc32)";
        return make_error_code(cirrus::errc::invalid_argument);
    }
    return {};
}

// The body of a PutObject or UploadPart, with the options' checksum and payload signing.
template <class Request>
void set_body(Request& req, const s3::object_body& body, const upload_options& options) {
    req.body = body;
    req.checksum_algorithm = options.checksum;
    req.checksum_at = options.checksum_at;
    req.options.payload = options.payload;
}

// PutObject of the whole object (`size` bytes) with the options' checksum and payload
// signing: the server's ETag and checksum in `out`, and the progress to its end.
template <class Provider>
asio::awaitable<error_code> put_whole(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                      const s3::object_body& body, std::uint64_t size, const upload_options& options,
                                      upload_result& out, diagnostics& d, progress_meter& meter) {
    s3::put_object_request put{.bucket = bucket, .key = key};
    set_body(put, body, options);
    s3::put_object_result pr;
    auto [ec] = co_await client.async_put_object(put, pr, d, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    out.etag = std::move(pr.etag);
    out.checksum = std::move(pr.checksum);
    meter.add(size);
    meter.finish();
    co_return error_code{};
}

// CreateMultipartUpload with the options' checksum algorithm and type; its id in `upload_id`.
template <class Provider>
asio::awaitable<error_code> create_upload(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                          const upload_options& options, std::string& upload_id, diagnostics& d) {
    s3::create_multipart_upload_request cr{.bucket = bucket, .key = key};
    cr.checksum_algorithm = options.checksum;
    if (options.full_object_checksum) cr.checksum_type = s3::checksum_type::full_object;
    s3::create_multipart_upload_result cres;
    auto [ec] = co_await client.async_create_multipart_upload(cr, cres, d, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    upload_id = std::move(cres.upload_id);
    co_return error_code{};
}

// UploadPart of part n (`length` bytes) with the options' checksum and payload signing;
// what the server answered for it goes to done[n - 1] (`done` grows to n parts when
// shorter) and its bytes to the progress.
template <class Provider>
asio::awaitable<error_code> send_part(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                      std::string_view upload_id, std::uint32_t n, const s3::object_body& body,
                                      std::uint64_t length, const upload_options& options,
                                      std::vector<s3::completed_part>& done, diagnostics& d, progress_meter& meter) {
    s3::upload_part_request ur{.bucket = bucket, .key = key, .upload_id = upload_id};
    ur.part_number = static_cast<s3::part_number_type>(n);
    set_body(ur, body, options);
    s3::upload_part_result pr;
    auto [ec] = co_await client.async_upload_part(ur, pr, d, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    if (done.size() < n) done.resize(n);
    done[n - 1] = {.part_number = ur.part_number, .etag = std::move(pr.etag), .checksum = std::move(pr.checksum)};
    meter.add(length);
    co_return error_code{};
}

// Aborts a multipart upload for good. A part whose request was cut after its body had
// gone out may still be stored by the server after the abort (S3 documents that an abort
// may have to be repeated; versitygw re-creates the upload's folder when such a part
// lands), so ListParts is asked after a pause and the abort repeated while the upload
// still answers.
template <class Provider>
asio::awaitable<void> abort_upload(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                   std::string_view upload_id) {
    using asio::as_tuple;
    using asio::use_awaitable;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int round = 0; round < 4; ++round) {
        s3::abort_multipart_upload_request ar{.bucket = bucket, .key = key, .upload_id = upload_id};
        diagnostics ad;
        auto [aec] = co_await client.async_abort_multipart_upload(ar, ad, as_tuple(use_awaitable));
        (void)aec;
        pause.expires_after(std::chrono::milliseconds(25 << round));
        co_await pause.async_wait(as_tuple(use_awaitable));
        s3::list_parts_request lr{.bucket = bucket, .key = key, .upload_id = upload_id};
        lr.max_parts = 1;
        s3::list_parts_result lp;
        auto [lec] = co_await client.async_list_parts(lr, lp, ad, as_tuple(use_awaitable));
        if (lec) co_return; // NoSuchUpload: gone (or the server cannot tell: nothing more to do)
    }
}

// CompleteMultipartUpload of `done` (part n is sizes[n - 1] bytes), then the object's
// checksum compared with the one computed from the parts' (out.checksum_verified): the
// composite one ("<value>-<parts>"), or the full-object one combined from the parts' CRCs
// (sent with the request too) when options.full_object_checksum is set or the server
// says FULL_OBJECT. `completed` says whether the object exists: false when the request
// failed (the caller aborts the upload), true with cirrus::errc::checksum_mismatch when
// the server's checksum differs.
template <class Provider>
asio::awaitable<error_code> complete_upload(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                            std::string_view upload_id, const std::vector<s3::completed_part>& done,
                                            const std::vector<std::uint64_t>& sizes, const upload_options& options,
                                            upload_result& out, diagnostics& d, bool& completed) {
    s3::complete_multipart_upload_request cm{.bucket = bucket, .key = key, .upload_id = upload_id};
    cm.parts = done;
    // Empty when a part's checksum is missing (a server that does not echo them): the
    // server then computes the object's checksum alone, and it is not verified here.
    std::string const full = options.checksum ? full_object_checksum(*options.checksum, done, sizes) : std::string();
    if (options.full_object_checksum) {
        cm.checksum_type = s3::checksum_type::full_object;
        if (!full.empty()) {
            cm.checksum_algorithm = options.checksum;
            cm.checksum_value = full;
        }
    }
    s3::complete_multipart_upload_result cres;
    auto [ec] = co_await client.async_complete_multipart_upload(cm, cres, d, asio::as_tuple(asio::use_awaitable));
    completed = !ec;
    if (ec) co_return ec;
    out.etag = std::move(cres.etag);
    out.checksum = std::move(cres.checksum);
    if (!options.checksum || !out.checksum || out.checksum->algorithm != *options.checksum) co_return error_code{};
    bool const composite = out.checksum->value.find('-') != std::string::npos;
    std::string expected;
    if (composite) expected = composite_checksum(*options.checksum, done);
    else if (options.full_object_checksum ||
             s3::parse_checksum_type(out.checksum->type) == s3::checksum_type::full_object)
        expected = full;
    if (expected.empty()) co_return error_code{};
    if (out.checksum->value != expected) {
        d.clear();
        d.message = std::string(composite ? "the object's composite " : "the object's full-object ") +
                    std::string(crypto::algorithm_name(*options.checksum)) + " checksum " + out.checksum->value +
                    " does not match the one computed from the parts sent (" + expected + ")";
        co_return make_error_code(cirrus::errc::checksum_mismatch);
    }
    out.checksum_verified = true;
    co_return error_code{};
}

// The end of a multipart upload, after its parts (failure: the first error, or none):
// CompleteMultipartUpload (complete_upload). On a failure, and on cancellation, the upload
// is aborted with a cancellation state of its own (a cancelled upload is aborted too), or
// kept for a resume when `resumable` and options.abort_on_failure is off.
template <class Provider>
asio::awaitable<error_code> finish_upload(s3::client<Provider>& client, std::string_view bucket, std::string_view key,
                                          std::string_view upload_id, const std::vector<s3::completed_part>& done,
                                          const std::vector<std::uint64_t>& sizes, const upload_options& options,
                                          upload_result& out, diagnostics& d, progress_meter& meter, error_code failure,
                                          bool resumable) {
    if (!failure) {
        bool completed = false;
        error_code ec = co_await complete_upload(client, bucket, key, upload_id, done, sizes, options, out, d,
                                                 completed);
        if (completed) {
            if (!ec) meter.finish();
            co_return ec;
        }
        failure = ec;
    }
    bool const cancelled = co_await take_cancellation();
    if (cancelled) failure = asio::error::operation_aborted;
    if (!resumable || options.abort_on_failure || cancelled) {
        co_await abort_upload(client, bucket, key, upload_id);
    } else if (d.message.empty()) {
        d.message = "the multipart upload " + std::string(upload_id) + " is kept for a resume";
    }
    co_return failure;
}

// The upload, over a copy of the caller's client (the client's state is shared).
template <class Provider>
asio::awaitable<error_code> upload_file(s3::client<Provider> client, const upload_file_request& r, upload_result& out,
                                        diagnostics& d) {
    using asio::as_tuple;
    using asio::use_awaitable;
    const upload_options& options = r.options;
    // A cancelled coroutine would throw at its next co_await: errors are handled as codes
    // here, and the clean-up after a cancellation must run (take_cancellation).
    co_await asio::this_coro::throw_if_cancelled(false);
    if (auto ec = check_upload_options(options, d)) co_return ec;

    file_handle file(::open(std::string(r.path).c_str(), O_RDONLY | O_CLOEXEC));
    if (file.fd < 0) {
        error_code ec = last_system_error();
        d.message = "cannot open " + std::string(r.path) + ": " + ec.message();
        co_return ec;
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) co_return last_system_error();
    if (!S_ISREG(st.st_mode)) {
        d.message = std::string(r.path) + " is not a regular file";
        co_return make_error_code(errc::not_a_regular_file);
    }
    std::uint64_t const size = static_cast<std::uint64_t>(st.st_size);

    auto planned = plan_parts(size, options.parts);
    if (!planned) co_return planned.error();
    part_plan const plan = *planned;

    out.size = size;
    out.parts = plan.part_count;
    progress_meter meter(options.on_progress, options.progress_interval);
    meter.set_total(size);

    if (!plan.multipart && options.resume_upload_id.empty()) {
        s3::object_body const body = s3::object_body::file(file.fd, 0, size);
        co_return co_await put_whole(client, r.bucket, r.key, body, size, options, out, d, meter);
    }

    // ---- multipart
    std::string upload_id;
    std::vector<s3::completed_part> done(plan.part_count);
    std::vector<char> have(plan.part_count, 0);
    error_code failure;
    if (!options.resume_upload_id.empty()) {
        upload_id.assign(options.resume_upload_id);
        std::optional<std::uint32_t> marker;
        for (;;) {
            s3::list_parts_request lr{.bucket = r.bucket, .key = r.key, .upload_id = upload_id};
            lr.part_number_marker = marker;
            s3::list_parts_result lp;
            auto [ec] = co_await client.async_list_parts(lr, lp, d, as_tuple(use_awaitable));
            if (ec) {
                failure = ec; // aborted below (an unknown id leaves nothing behind anyway)
                break;
            }
            for (auto& p : lp.parts) {
                if (p.part_number < 1 || std::uint32_t(p.part_number) > plan.part_count) continue;
                auto const n = std::uint32_t(p.part_number);
                if (p.size != plan.length(n)) continue; // planned differently: send again
                have[n - 1] = 1;
                done[n - 1] = {.part_number = p.part_number,
                               .etag = std::move(p.etag),
                               .checksum = std::move(p.checksum)};
                ++out.parts_resumed;
            }
            if (!lp.is_truncated || !lp.next_part_number_marker) break;
            marker = lp.next_part_number_marker;
        }
    } else {
        if (auto ec = co_await create_upload(client, r.bucket, r.key, options, upload_id, d)) co_return ec;
    }
    out.upload_id = upload_id;
    {
        std::uint64_t resumed = 0;
        for (std::uint32_t n = 1; n <= plan.part_count; ++n)
            if (have[n - 1]) resumed += plan.length(n);
        meter.set_total(size, resumed);
    }

    // Workers take the next part number until none is left; the first failure cancels
    // the others (run_workers).
    std::uint32_t next = 1;
    auto worker = [&](diagnostics& wd) -> asio::awaitable<error_code> {
        for (;;) {
            while (next <= plan.part_count && have[next - 1]) ++next;
            if (next > plan.part_count) co_return error_code{};
            std::uint32_t const n = next++;
            s3::object_body const body = s3::object_body::file(file.fd, plan.offset(n), plan.length(n));
            if (auto ec = co_await send_part(client, r.bucket, r.key, upload_id, n, body, plan.length(n), options, done,
                                             wd, meter))
                co_return ec;
        }
    };
    if (!failure) {
        unsigned const workers = std::max(1u, std::min<unsigned>(options.concurrency, plan.part_count));
        failure = co_await run_workers(workers, worker, d);
    }
    if (!failure) {
        // The file must not have changed under the upload: same size as planned.
        struct stat now {};
        if (::fstat(file.fd, &now) == 0 && static_cast<std::uint64_t>(now.st_size) != size) {
            d.message = std::string(r.path) + " changed size during the upload";
            failure = make_error_code(errc::source_changed);
        }
    }
    std::vector<std::uint64_t> sizes(plan.part_count);
    for (std::uint32_t n = 1; n <= plan.part_count; ++n) sizes[n - 1] = plan.length(n);
    co_return co_await finish_upload(client, r.bucket, r.key, upload_id, done, sizes, options, out, d, meter, failure,
                                     /*resumable=*/true);
}

inline constexpr auto run_upload_file = [](auto& client, const upload_file_request& r, upload_result& out,
                                           diagnostics& d) { return upload_file(client, r, out, d); };

} // namespace detail

// Uploads r.path to r.bucket/r.key; completes with void(error_code, upload_result).
// Errors: the file's (errno as system errors, errc::not_a_regular_file), the plan's
// (cirrus::errc::invalid_argument past S3's limits), the first failed request's (with what
// the server said in the diagnostics; s3::errc::bad_digest when the server refuses the
// full-object checksum), errc::worker_failed, errc::source_changed,
// cirrus::errc::checksum_mismatch, or asio::error::operation_aborted. Without a
// diagnostics argument they reach the caller only through the default token's exception
// (error_with_diagnostics): the client's last_diagnostics() is not written.
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_upload_file(const s3::client<Provider>& client, const upload_file_request& r, Token&& token = {}) {
    return detail::start_transfer<upload_result>(client, r, nullptr, detail::run_upload_file,
                                                 std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_upload_file(const s3::client<Provider>& client, const upload_file_request& r, diagnostics& diag,
                       Token&& token = {}) {
    return detail::start_transfer<upload_result>(client, r, &diag, detail::run_upload_file, std::forward<Token>(token));
}

} // namespace cirrus::transfer
