// Uploads a directory tree to an S3 bucket (a one-way sync), with a progress bar.
//
//   upload_directory <directory> <bucket> [options]
//     --prefix P          key prefix (default: none); keys are P + the path relative to <directory>
//     --parallel N        files in flight at once (default 8)
//     --endpoint URL      an S3-compatible endpoint, e.g. http://127.0.0.1:7070 (default: AWS)
//     --region R          region (default: $AWS_REGION, else us-east-1)
//     --create-bucket     create the bucket when it does not exist
//     --include GLOB      only paths matching one of these globs ('*' also matches '/'); repeatable
//     --exclude GLOB      no path matching this glob; repeatable
//     --no-checksum       send no CRC32C checksum (by default every part carries one)
//     --force             upload every file, even those the bucket already holds unchanged
//     --delete            delete the objects under the prefix that have no file (sync --delete)
//     --follow-symlinks   upload what symbolic links point to (files and folders)
//     --progress          draw the progress bar even when stderr is not a terminal
//     --list              print every key under the prefix, with its size, after the upload
//     --download DIR      then download the prefix into DIR (skipping files DIR already holds)
//     --cleanup           delete every object under the prefix (and a bucket this run created) at the end
//     --remove-bucket     with --cleanup, delete the bucket even when this run did not create it
//
// Files the bucket already holds with the same size and ETag are skipped, so running it
// twice sends nothing the second time. Keys are the paths as found under <directory>,
// never resolved: a symbolic link is skipped (and reported) unless --follow-symlinks, and
// a prefix with a "." or ".." segment is refused. Large files go up in parallel parts;
// memory stays bounded by --parallel and the part concurrency, whatever the file sizes.
//
// Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), the shared files, or the container and instance metadata services.

#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/directory.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
namespace transfer = cirrus::transfer;

namespace {

struct options {
    std::string directory;
    std::string bucket;
    std::string prefix;
    unsigned long parallel = 8;
    std::string endpoint;
    std::string region;
    std::vector<std::string_view> include;
    std::vector<std::string_view> exclude;
    std::string download;
    bool create_bucket = false;
    bool checksum = true;
    bool force = false;
    bool remove_missing = false;
    bool follow_symlinks = false;
    bool progress = false;
    bool list = false;
    bool cleanup = false;
    bool remove_bucket = false;
};

int usage() {
    std::fprintf(stderr,
                 "usage: upload_directory <directory> <bucket> [--prefix P] [--parallel N] [--endpoint URL]\n"
                 "           [--region R] [--create-bucket] [--include GLOB]... [--exclude GLOB]... [--no-checksum]\n"
                 "           [--force] [--delete] [--follow-symlinks] [--progress] [--list] [--download DIR]\n"
                 "           [--cleanup [--remove-bucket]]\n");
    return 2;
}

// 1023 B, 12.3 KiB, 4.5 MiB, 1.2 GiB
std::string size_text(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    return text;
}

// A one-line bar redrawn in place: [#########...........]  45%  12.3/27.0 MiB  5.1 MiB/s  ETA 3 s
class progress_bar {
public:
    explicit progress_bar(bool enabled) : enabled_(enabled) {}
    void draw(const transfer::progress& p) {
        if (!enabled_) return;
        constexpr int width = 30;
        const double fraction =
            p.bytes_total == 0 ? 1.0 : static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
        const int filled = static_cast<int>(fraction * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::fprintf(stderr, "\r[%s] %3d%%  %s / %s  %s/s", bar.c_str(), static_cast<int>(fraction * 100),
                     size_text(static_cast<double>(p.bytes_done)).c_str(),
                     size_text(static_cast<double>(p.bytes_total)).c_str(), size_text(p.bytes_per_second).c_str());
        if (!p.finished && p.eta.count() > 0) std::fprintf(stderr, "  ETA %lld s ", static_cast<long long>(p.eta.count() / 1000));
        else std::fprintf(stderr, "            ");
        if (p.finished) std::fprintf(stderr, "\n");
        std::fflush(stderr);
    }

private:
    bool enabled_;
};

void print_summary(const char* verb, const transfer::directory_result& r, double seconds) {
    const auto bytes = static_cast<double>(r.bytes_transferred);
    std::printf("%s %u files, %s in %.2f s (%s/s); skipped %u, deleted %u, failed %zu\n", verb, r.transferred,
                size_text(bytes).c_str(), seconds, size_text(seconds > 0 ? bytes / seconds : 0.0).c_str(), r.skipped,
                r.deleted, r.failed.size());
    for (const auto& link : r.skipped_links)
        std::printf("  skipped symbolic link %s (--follow-symlinks uploads its target)\n", link.c_str());
    for (const auto& f : r.failed)
        std::printf("  failed: %s%s%s: %s\n", f.path.c_str(), f.path.empty() || f.key.empty() ? "" : " -> ",
                    f.key.c_str(), f.message.c_str());
}

asio::awaitable<int> run(s3::client<>& client, const options& o) {
    cirrus::diagnostics diag;
    bool created = false;
    const s3::head_bucket_request head{.bucket = o.bucket};
    auto [head_ec, head_result] = co_await client.async_head_bucket(head, diag, asio::as_tuple(asio::use_awaitable));
    if (head_ec == s3::errc::no_such_bucket && o.create_bucket) {
        const s3::create_bucket_request create{.bucket = o.bucket};
        auto [create_ec, r] = co_await client.async_create_bucket(create, diag, asio::as_tuple(asio::use_awaitable));
        if (create_ec) {
            std::fprintf(stderr, "cannot create %s: %s\n", o.bucket.c_str(), diag.what().c_str());
            co_return 1;
        }
        created = true;
    } else if (head_ec) {
        std::fprintf(stderr, "bucket %s: %s (%s)\n", o.bucket.c_str(), head_ec.message().c_str(), diag.what().c_str());
        co_return 1;
    }

    progress_bar bar(o.progress);
    auto draw = [&bar](const transfer::progress& p) { bar.draw(p); };
    transfer::directory_options dir;
    dir.include = o.include;
    dir.exclude = o.exclude;
    dir.concurrency = static_cast<unsigned>(std::min(o.parallel, 1024ul));
    dir.follow_symlinks = o.follow_symlinks;
    dir.skip_unchanged = !o.force;
    dir.delete_missing = o.remove_missing;
    if (!o.checksum) dir.upload.checksum = std::nullopt;
    dir.on_progress = draw;
    dir.progress_interval = std::chrono::milliseconds(200);

    // The request is named, not a temporary inside co_await (see docs/async.md on GCC 12).
    const transfer::upload_directory_request up{
        .bucket = o.bucket, .prefix = o.prefix, .directory = o.directory, .options = dir};
    auto start = std::chrono::steady_clock::now();
    auto [up_ec, uploaded] =
        co_await transfer::async_upload_directory(client, up, diag, asio::as_tuple(asio::use_awaitable));
    if (up_ec) {
        std::fprintf(stderr, "upload of %s failed: %s (%s)\n", o.directory.c_str(), up_ec.message().c_str(),
                     diag.what().c_str());
        co_return up_ec == transfer::errc::unsafe_key ? 2 : 1;
    }
    print_summary("uploaded", uploaded,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    int status = uploaded.failed.empty() ? 0 : 1;

    // Every key under the prefix, with its size (all pages).
    std::vector<std::string> keys;
    const s3::list_objects_request list{.bucket = o.bucket, .prefix = o.prefix};
    auto [list_ec] = co_await client.async_for_each_object(
        list,
        [&](const s3::object_summary& object) {
            keys.push_back(object.key);
            if (o.list) std::printf("  %s %llu\n", object.key.c_str(), static_cast<unsigned long long>(object.size));
        },
        asio::as_tuple(asio::use_awaitable));
    if (list_ec) {
        std::fprintf(stderr, "listing failed: %s\n", list_ec.message().c_str());
        status = 1;
    }
    std::printf("the bucket holds %zu objects under \"%s\"\n", keys.size(), o.prefix.c_str());

    if (!o.download.empty()) {
        const transfer::download_prefix_request down{
            .bucket = o.bucket, .prefix = o.prefix, .directory = o.download, .options = dir};
        start = std::chrono::steady_clock::now();
        auto [down_ec, downloaded] =
            co_await transfer::async_download_prefix(client, down, diag, asio::as_tuple(asio::use_awaitable));
        if (down_ec) {
            std::fprintf(stderr, "download into %s failed: %s (%s)\n", o.download.c_str(), down_ec.message().c_str(),
                         diag.what().c_str());
            status = 1;
        } else {
            print_summary("downloaded", downloaded,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            if (!downloaded.failed.empty()) status = 1;
        }
    }

    if (o.cleanup) {
        std::vector<s3::object_identifier> doomed;
        for (const auto& k : keys) doomed.push_back({k, {}});
        const s3::delete_objects_request remove{.bucket = o.bucket, .objects = doomed};
        auto [del_ec, deleted] = co_await client.async_delete_objects(remove, diag, asio::as_tuple(asio::use_awaitable));
        if (del_ec || !deleted.errors.empty()) {
            std::fprintf(stderr, "cleanup failed: %s\n", diag.what().c_str());
            status = 1;
        }
        if (created || o.remove_bucket) {
            const s3::delete_bucket_request drop{.bucket = o.bucket};
            auto [drop_ec, dropped] = co_await client.async_delete_bucket(drop, diag, asio::as_tuple(asio::use_awaitable));
            if (drop_ec) {
                std::fprintf(stderr, "cannot delete %s: %s\n", o.bucket.c_str(), diag.what().c_str());
                status = 1;
            }
        }
    }
    co_return status;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    o.progress = ::isatty(STDERR_FILENO) != 0;
    std::vector<std::string_view> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--prefix") o.prefix = value();
        else if (a == "--parallel") o.parallel = std::max(1ul, std::strtoul(std::string(value()).c_str(), nullptr, 10));
        else if (a == "--endpoint") o.endpoint = value();
        else if (a == "--region") o.region = value();
        else if (a == "--create-bucket") o.create_bucket = true;
        else if (a == "--include") o.include.push_back(value());
        else if (a == "--exclude") o.exclude.push_back(value());
        else if (a == "--no-checksum") o.checksum = false;
        else if (a == "--checksum") o.checksum = true;
        else if (a == "--force") o.force = true;
        else if (a == "--delete") o.remove_missing = true;
        else if (a == "--follow-symlinks") o.follow_symlinks = true;
        else if (a == "--progress") o.progress = true;
        else if (a == "--list") o.list = true;
        else if (a == "--download") o.download = value();
        else if (a == "--cleanup") o.cleanup = true;
        else if (a == "--remove-bucket") o.remove_bucket = true;
        else if (a.starts_with("--")) return usage();
        else positional.push_back(a);
    }
    if (positional.size() != 2) return usage();
    o.directory = positional[0];
    o.bucket = positional[1];
    if (o.region.empty()) {
        const char* r = std::getenv("AWS_REGION");
        o.region = r != nullptr && *r != '\0' ? r : "us-east-1";
    }

    asio::io_context ioc;
    s3::client<> client(ioc.get_executor(), {.region = o.region, .endpoint = o.endpoint});
    int status = 1;
    asio::co_spawn(ioc, run(client, o), [&](std::exception_ptr e, int s) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "error: %s\n", ex.what());
            }
            return;
        }
        status = s;
    });
    ioc.run();
    return status;
}
