#pragma once
// upload_file: one file to one object over an s3::client. Objects up to the single-put
// threshold go in one PutObject; larger ones in a multipart upload with `concurrency` parts
// in flight over the client's pooled connections. Every part's body is the file itself at
// the part's offset (http::request_body::file(fd, offset, length): positional reads into a
// bounded scratch buffer, never a whole part in memory; a retried part is read again from
// the file). Parts carry a checksum (CRC32C by default). On any failure the upload is
// aborted, so no multipart upload is left behind; `resume_upload_id` continues an earlier
// upload, sending only the parts ListParts does not report.
//
//   auto r = co_await transfer::upload_file(s3, "bucket", "key", "/data/big.bin");
//   if (!r) ... r.error() ...

#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/part_plan.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::transfer {

struct upload_options {
    part_options parts = {};
    unsigned concurrency = 8; // parts in flight
    // Per-part (and single-put) checksum; nullopt sends none.
    std::optional<crypto::checksum_algorithm> checksum = crypto::checksum_algorithm::crc32c;
    // Where the checksum goes: automatic is a trailer over TLS (UNSIGNED-PAYLOAD with the
    // checksum trailer) and the client's default otherwise; header or trailer force it.
    s3::checksum_location checksum_at = s3::checksum_location::automatic;
    // Continue this multipart upload: parts ListParts reports with the planned size are
    // kept, the others are sent.
    std::string_view resume_upload_id = {};
    // Abort the multipart upload on failure (default). Off, the upload is kept for a resume
    // and its id is in upload_failure::upload_id.
    bool abort_on_failure = true;
};

struct upload_result {
    std::string etag = {};
    std::string upload_id = {}; // empty for a single put
    std::uint64_t size = 0;
    std::uint32_t parts = 0; // 1 for a single put
    std::uint32_t parts_resumed = 0;
    std::optional<s3::checksum> checksum = {};
};

namespace detail {

struct file_handle {
    int fd = -1;
    file_handle() = default;
    file_handle(const file_handle&) = delete;
    file_handle& operator=(const file_handle&) = delete;
    ~file_handle() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace detail

// Uploads `path` to bucket/key. Errors: the file's (errno as system errors), the plan's
// (errc::invalid_argument past S3's limits), or the first failed request's; `diag` then
// holds what the server said.
template <class Provider>
boost::asio::awaitable<result<upload_result>> upload_file(s3::client<Provider>& client, std::string_view bucket,
                                                          std::string_view key, std::filesystem::path path,
                                                          upload_options options = {}, diagnostics* diag = nullptr) {
    namespace asio = boost::asio;
    using asio::as_tuple;
    using asio::use_awaitable;
    diagnostics local_diag;
    diagnostics& d = diag ? *diag : local_diag;

    detail::file_handle file;
    file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) co_return error_code(errno, boost::system::system_category());
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) co_return error_code(errno, boost::system::system_category());
    if (!S_ISREG(st.st_mode)) co_return make_error_code(errc::invalid_argument);
    std::uint64_t const size = static_cast<std::uint64_t>(st.st_size);

    auto planned = plan_parts(size, options.parts);
    if (!planned) co_return planned.error();
    part_plan const plan = *planned;

    upload_result out;
    out.size = size;
    out.parts = plan.part_count;

    if (!plan.multipart && options.resume_upload_id.empty()) {
        s3::put_object_request put{.bucket = bucket, .key = key};
        put.body = s3::object_body::file(file.fd, 0, size);
        put.checksum_algorithm = options.checksum;
        put.checksum_at = options.checksum_at;
        s3::put_object_result pr;
        auto [ec] = co_await client.async_put_object(put, pr, d, as_tuple(use_awaitable));
        if (ec) co_return ec;
        out.etag = std::move(pr.etag);
        out.checksum = std::move(pr.checksum);
        co_return out;
    }

    // ---- multipart
    std::string upload_id;
    std::vector<s3::completed_part> done(plan.part_count);
    std::vector<char> have(plan.part_count, 0);
    if (!options.resume_upload_id.empty()) {
        upload_id.assign(options.resume_upload_id);
        std::optional<std::uint32_t> marker;
        for (;;) {
            s3::list_parts_request lr{.bucket = bucket, .key = key, .upload_id = upload_id};
            lr.part_number_marker = marker;
            s3::list_parts_result lp;
            auto [ec] = co_await client.async_list_parts(lr, lp, d, as_tuple(use_awaitable));
            if (ec) co_return ec;
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
        s3::create_multipart_upload_request cr{.bucket = bucket, .key = key};
        cr.checksum_algorithm = options.checksum;
        s3::create_multipart_upload_result cres;
        auto [ec] = co_await client.async_create_multipart_upload(cr, cres, d, as_tuple(use_awaitable));
        if (ec) co_return ec;
        upload_id = std::move(cres.upload_id);
    }
    out.upload_id = upload_id;

    // Workers take the next part number until none is left or one has failed.
    struct shared_state {
        std::uint32_t next = 1;
        error_code first_error = {};
        diagnostics first_diag = {};
    } state;

    auto worker = [&]() -> asio::awaitable<void> {
        s3::upload_part_result pr;
        diagnostics wd;
        for (;;) {
            if (state.first_error) co_return;
            while (state.next <= plan.part_count && have[state.next - 1]) ++state.next;
            if (state.next > plan.part_count) co_return;
            std::uint32_t const n = state.next++;
            s3::upload_part_request ur{.bucket = bucket, .key = key, .upload_id = upload_id};
            ur.part_number = static_cast<s3::part_number_type>(n);
            ur.body = s3::object_body::file(file.fd, plan.offset(n), plan.length(n));
            ur.checksum_algorithm = options.checksum;
            ur.checksum_at = options.checksum_at;
            auto [ec] = co_await client.async_upload_part(ur, pr, wd, as_tuple(use_awaitable));
            if (ec) {
                if (!state.first_error) {
                    state.first_error = ec;
                    state.first_diag = wd;
                }
                co_return;
            }
            done[n - 1] = {.part_number = ur.part_number,
                           .etag = std::move(pr.etag),
                           .checksum = std::move(pr.checksum)};
        }
    };

    auto ex = co_await asio::this_coro::executor;
    unsigned const workers = std::max(1u, std::min<unsigned>(options.concurrency, plan.part_count));
    using op_type = decltype(asio::co_spawn(ex, worker(), asio::deferred));
    std::vector<op_type> ops;
    ops.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) ops.push_back(asio::co_spawn(ex, worker(), asio::deferred));
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), use_awaitable);
    (void)order;
    error_code failure = state.first_error;
    for (auto& e : errors)
        if (e && !failure) failure = make_error_code(errc::invalid_argument);

    if (!failure) {
        s3::complete_multipart_upload_request cm{.bucket = bucket, .key = key, .upload_id = upload_id};
        cm.parts = done;
        s3::complete_multipart_upload_result cres;
        auto [ec] = co_await client.async_complete_multipart_upload(cm, cres, d, as_tuple(use_awaitable));
        if (!ec) {
            out.etag = std::move(cres.etag);
            out.checksum = std::move(cres.checksum);
            co_return out;
        }
        failure = ec;
    } else {
        d = state.first_diag;
    }
    if (options.abort_on_failure) {
        s3::abort_multipart_upload_request ar{.bucket = bucket, .key = key, .upload_id = upload_id};
        diagnostics ad;
        auto [aec] = co_await client.async_abort_multipart_upload(ar, ad, as_tuple(use_awaitable));
        (void)aec;
    }
    co_return failure;
}

} // namespace cirrus::transfer
