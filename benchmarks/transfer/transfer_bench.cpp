// The cirrus side of benchmarks/run_transfer.sh: one transfer per run through
// cirrus::transfer over an s3::client, the elapsed seconds on stdout (one JSON line).
//
//   transfer_bench [flags] upload FILE BUCKET KEY
//   transfer_bench [flags] download BUCKET KEY FILE
//   transfer_bench [flags] upload-dir DIR BUCKET PREFIX        (every file sent)
//   transfer_bench [flags] download-prefix BUCKET PREFIX DIR   (every object fetched)
//   transfer_bench [flags] sync DIR BUCKET PREFIX              (unchanged files skipped)
//   transfer_bench [flags] mb BUCKET                           (create it if missing)
//   transfer_bench [flags] clean BUCKET PREFIX                 (delete the keys under PREFIX)
//
// Flags: --endpoint URL (default $CIRRUS_S3_ENDPOINT, then the SDK's environment),
//        --provider versitygw|garage (the client's provider: versitygw by default),
//        --part-size MIB (8), --concurrency N (parts or ranges in flight per object: 8),
//        --files N (objects in flight for the folder operations: 16),
//        --no-checksum (no CRC32C on uploads, no full-object check on downloads),
//        --io-buffer KIB (the transport's per-connection file I/O buffer, and a
//        download's; default the client's, 64 KiB, and download_options', 512 KiB), --checksum-at header|trailer (where an upload's checksum
//        goes; default the transfer layer's choice: a header over plain HTTP, a trailer
//        with --unsigned-payload), --unsigned-payload (parts as UNSIGNED-PAYLOAD with the
//        checksum in an unsigned trailer over plain HTTP too, instead of signed chunks),
//        --compare content|size-and-time|size (what sync compares: the default, content, is
//        size and ETag; size-and-time is the rule of s5cmd sync and aws s3 sync).
// Credentials and region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_REGION), as for the peers. The CPU time and peak RSS are measured from outside by
// the script, the same way for every client.
#include <cirrus/provider/garage.hpp>
#include <cirrus/provider/versitygw.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/directory.hpp>
#include <cirrus/transfer/download.hpp>
#include <cirrus/transfer/upload.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
namespace transfer = cirrus::transfer;

struct options {
    std::string endpoint;
    std::string provider = "versitygw"; // or garage
    std::uint64_t part_size = 8ull << 20;
    unsigned concurrency = 8;
    unsigned files = 16;
    bool checksum = true;
    std::size_t io_buffer = 0; // 0: the client's default
    std::size_t chunk = 0;     // aws-chunked data bytes per chunk; 0: the client's default
    s3::checksum_location checksum_at = s3::checksum_location::automatic;
    bool unsigned_payload = false;
    transfer::compare_by compare = transfer::compare_by::content;
    std::string command;
    std::vector<std::string> args;
    transfer::upload_options up;
    transfer::download_options down;
};

int usage() {
    std::
        fputs("usage: transfer_bench [--endpoint URL] [--part-size MIB] [--concurrency N] [--files N] [--no-checksum]\n"
              "         [--io-buffer KIB] [--chunk KIB] [--checksum-at header|trailer] [--unsigned-payload]\n"
              "         [--compare content|size-and-time|size] [--provider versitygw|garage]\n"
              "         upload FILE BUCKET KEY | download BUCKET KEY FILE | upload-dir DIR BUCKET PREFIX |\n"
              "         download-prefix BUCKET PREFIX DIR | sync DIR BUCKET PREFIX | mb BUCKET | clean BUCKET PREFIX\n",
              stderr);
    return 2;
}

transfer::upload_options upload_settings(const options& o) {
    transfer::upload_options u;
    u.parts.preferred_part_size = o.part_size;
    u.parts.single_put_threshold = 2 * o.part_size;
    u.concurrency = o.concurrency;
    if (!o.checksum) u.checksum = std::nullopt;
    u.checksum_at = o.checksum_at;
    if (o.unsigned_payload) u.payload = cirrus::http::payload_signing::unsigned_payload;
    return u;
}

transfer::download_options download_settings(const options& o) {
    transfer::download_options d;
    d.part_size = o.part_size;
    d.single_get_threshold = 2 * o.part_size;
    d.concurrency = o.concurrency;
    d.verify_checksum = o.checksum;
    if (o.io_buffer != 0) d.io_buffer_size = o.io_buffer;
    return d;
}

int report_directory(const char* what, const transfer::directory_result& r, double seconds) {
    for (const auto& f : r.failed)
        std::fprintf(stderr, "%s: %s (%s): %s %s\n", what, f.path.c_str(), f.key.c_str(), f.error.message().c_str(),
                     f.message.c_str());
    std::printf("{\"op\":\"%s\",\"seconds\":%.6f,\"objects\":%u,\"skipped\":%u,\"bytes\":%llu}\n", what, seconds,
                r.transferred, r.skipped, static_cast<unsigned long long>(r.bytes_transferred));
    return r.failed.empty() ? 0 : 1;
}

template <class Provider>
asio::awaitable<int> run(s3::client<Provider>& client, const options& o) {
    using asio::as_tuple;
    using asio::use_awaitable;
    cirrus::diagnostics diag;
    const auto& a = o.args;
    auto fail = [&](const char* what, cirrus::error_code ec) {
        std::fprintf(stderr, "%s failed: %s (%s)\n", what, ec.message().c_str(), diag.what().c_str());
        return 1;
    };
    // Built in main: GCC 12 fails on a class returned by value inside this coroutine.
    const transfer::upload_options& up = o.up;
    const transfer::download_options& down = o.down;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

    if (o.command == "upload" && a.size() == 3) {
        const transfer::upload_file_request r{.bucket = a[1], .key = a[2], .path = a[0], .options = up};
        auto [ec, res] = co_await transfer::async_upload_file(client, r, diag, as_tuple(use_awaitable));
        if (ec) co_return fail("upload", ec);
        std::printf("{\"op\":\"upload\",\"seconds\":%.6f,\"bytes\":%llu,\"parts\":%u}\n", elapsed(),
                    static_cast<unsigned long long>(res.size), res.parts);
        co_return 0;
    }
    if (o.command == "download" && a.size() == 3) {
        const transfer::download_file_request r{.bucket = a[0], .key = a[1], .path = a[2], .options = down};
        auto [ec, res] = co_await transfer::async_download_file(client, r, diag, as_tuple(use_awaitable));
        if (ec) co_return fail("download", ec);
        std::printf("{\"op\":\"download\",\"seconds\":%.6f,\"bytes\":%llu}\n", elapsed(),
                    static_cast<unsigned long long>(res.size));
        co_return 0;
    }
    transfer::directory_options dir;
    dir.concurrency = o.files;
    dir.upload = up;
    dir.download = down;
    dir.compare = o.compare;
    if ((o.command == "upload-dir" || o.command == "sync") && a.size() == 3) {
        dir.skip_unchanged = o.command == "sync";
        const transfer::upload_directory_request r{.bucket = a[1], .prefix = a[2], .directory = a[0], .options = dir};
        auto [ec, res] = co_await transfer::async_upload_directory(client, r, diag, as_tuple(use_awaitable));
        if (ec) co_return fail(o.command.c_str(), ec);
        co_return report_directory(o.command.c_str(), res, elapsed());
    }
    if (o.command == "download-prefix" && a.size() == 3) {
        dir.skip_unchanged = false;
        const transfer::download_prefix_request r{.bucket = a[0], .prefix = a[1], .directory = a[2], .options = dir};
        auto [ec, res] = co_await transfer::async_download_prefix(client, r, diag, as_tuple(use_awaitable));
        if (ec) co_return fail("download-prefix", ec);
        co_return report_directory("download-prefix", res, elapsed());
    }
    if (o.command == "mb" && a.size() == 1) {
        const s3::head_bucket_request head{.bucket = a[0]};
        auto [hec, hr] = co_await client.async_head_bucket(head, diag, as_tuple(use_awaitable));
        if (!hec) co_return 0;
        const s3::create_bucket_request create{.bucket = a[0]};
        auto [cec, cr] = co_await client.async_create_bucket(create, diag, as_tuple(use_awaitable));
        if (cec) co_return fail("create bucket", cec);
        co_return 0;
    }
    if (o.command == "clean" && a.size() == 2) {
        std::vector<std::string> keys;
        const s3::list_objects_request list{.bucket = a[0], .prefix = a[1]};
        auto [lec] = co_await client.async_for_each_object(
            list, [&](const s3::object_summary& object) { keys.push_back(object.key); }, as_tuple(use_awaitable));
        if (lec) co_return fail("listing", lec);
        std::vector<s3::object_identifier> doomed;
        doomed.reserve(keys.size());
        for (const auto& k : keys) doomed.push_back({k, {}});
        const s3::delete_objects_request remove{.bucket = a[0], .objects = doomed};
        auto [dec, deleted] = co_await client.async_delete_objects(remove, diag, as_tuple(use_awaitable));
        if (dec) co_return fail("delete", dec);
        if (!deleted.errors.empty()) {
            std::fprintf(stderr, "%zu objects not deleted\n", deleted.errors.size());
            co_return 1;
        }
        co_return 0;
    }
    co_return usage();
}

} // namespace

int main(int argc, char** argv) {
    options o;
    if (const char* e = std::getenv("CIRRUS_S3_ENDPOINT"); e != nullptr) o.endpoint = e;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        auto number = [&] { return std::strtoull(value().c_str(), nullptr, 10); };
        if (arg == "--endpoint") o.endpoint = value();
        else if (arg == "--part-size") o.part_size = number() << 20;
        else if (arg == "--concurrency") o.concurrency = static_cast<unsigned>(number());
        else if (arg == "--files") o.files = static_cast<unsigned>(number());
        else if (arg == "--no-checksum") o.checksum = false;
        else if (arg == "--io-buffer") o.io_buffer = number() << 10;
        else if (arg == "--chunk") o.chunk = number() << 10;
        else if (arg == "--unsigned-payload") o.unsigned_payload = true;
        else if (arg == "--provider") {
            o.provider = value();
            if (o.provider != "versitygw" && o.provider != "garage") return usage();
        }
        else if (arg == "--compare") {
            const std::string by = value();
            if (by == "content") o.compare = transfer::compare_by::content;
            else if (by == "size-and-time") o.compare = transfer::compare_by::size_and_time;
            else if (by == "size") o.compare = transfer::compare_by::size;
            else return usage();
        } else if (arg == "--checksum-at") {
            const std::string at = value();
            if (at == "header") o.checksum_at = s3::checksum_location::header;
            else if (at == "trailer") o.checksum_at = s3::checksum_location::trailer;
            else return usage();
        } else if (arg.starts_with("--")) return usage();
        else positional.emplace_back(arg);
    }
    if (positional.empty() || o.part_size == 0 || o.concurrency == 0 || o.files == 0) return usage();
    o.command = positional.front();
    o.args.assign(positional.begin() + 1, positional.end());
    o.up = upload_settings(o);
    o.down = download_settings(o);

    asio::io_context ioc(1);
    s3::client_options co{.endpoint = o.endpoint};
    if (o.io_buffer != 0) co.http.io_buffer_size = o.io_buffer;
    if (o.chunk != 0) co.chunk_size = o.chunk;
    int status = 1;
    auto done = [&](std::exception_ptr e, int s) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "error: %s\n", ex.what());
            }
            return;
        }
        status = s;
    };
    // The server's provider, as its users would name it: the provider decides the
    // addressing and, for Garage, where a file's checksum goes (prefer_trailers).
    std::optional<s3::client<cirrus::provider::versitygw>> versitygw;
    std::optional<s3::client<cirrus::provider::garage>> garage;
    if (o.provider == "garage") {
        garage.emplace(ioc.get_executor(), co);
        asio::co_spawn(ioc, run(*garage, o), done);
    } else {
        versitygw.emplace(ioc.get_executor(), co);
        asio::co_spawn(ioc, run(*versitygw, o), done);
    }
    ioc.run();
    return status;
}
