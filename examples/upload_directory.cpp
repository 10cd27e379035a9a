// Uploads a directory tree to an S3 bucket, a bounded number of files at a time.
//
//   upload_directory <directory> <bucket> [options]
//     --prefix P          key prefix (default: none); keys are P + the path relative to <directory>
//     --parallel N        files in flight at once (default 8)
//     --endpoint URL      an S3-compatible endpoint, e.g. http://127.0.0.1:7070 (default: AWS)
//     --region R          region (default: $AWS_REGION, else us-east-1)
//     --create-bucket     create the bucket when it does not exist
//     --checksum          send a CRC32C checksum with every file (verified by the server)
//     --follow-symlinks   upload the file a symbolic link points to, under the link's own name
//     --list              print every key under the prefix, with its size, after the upload
//     --cleanup           delete the uploaded objects (and a bucket this run created) at the end
//
// Keys are the paths as found under <directory>, never resolved: a symbolic link is
// skipped (and reported) unless --follow-symlinks, links to directories are never
// descended into, and no key gets a "." or ".." segment, which some servers resolve
// into another key or refuse.
//
// Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN) or the shared credentials file. Each file is streamed from disk
// (never read whole into memory); memory use is bounded by --parallel, not by file sizes.

#include <cirrus/s3/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace s3 = cirrus::s3;

namespace {

struct options {
    fs::path directory;
    std::string bucket;
    std::string prefix;
    std::size_t parallel = 8;
    std::string endpoint;
    std::string region;
    bool create_bucket = false;
    bool checksum = false;
    bool follow_symlinks = false;
    bool list = false;
    bool cleanup = false;
};

struct file_entry {
    fs::path path;
    std::string key;
    std::uint64_t size = 0;
};

struct run_state {
    std::vector<file_entry> files;
    std::size_t next = 0;
    std::size_t uploaded = 0;
    std::size_t failed = 0;
    std::uint64_t bytes = 0;
};

int usage() {
    std::fprintf(stderr,
                 "usage: upload_directory <directory> <bucket> [--prefix P] [--parallel N] [--endpoint URL]\n"
                 "                        [--region R] [--create-bucket] [--checksum] [--follow-symlinks]\n"
                 "                        [--list] [--cleanup]\n");
    return 2;
}

// S3 keys are opaque strings, but a server or proxy that normalises URL paths turns a "."
// or ".." segment into another key, possibly outside the prefix.
bool has_dot_segment(std::string_view key) {
    for (;;) {
        const auto slash = key.find('/');
        const auto segment = key.substr(0, slash);
        if (segment == "." || segment == "..") return true;
        if (slash == std::string_view::npos) return false;
        key.remove_prefix(slash + 1);
    }
}

// Keys use '/' whatever the platform. The path is taken relative to the uploaded
// directory as spelled (fs::relative would resolve symbolic links, so a link to a file
// elsewhere would become a key with "../" segments).
std::string key_for(const options& o, const fs::path& file) {
    return o.prefix + file.lexically_relative(o.directory).generic_string();
}

// The files to upload, or false when the directory cannot be read.
bool collect_files(const options& o, run_state& st) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(o.directory, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const fs::path& path = it->path();
        // A dangling link or a file removed meanwhile concerns that entry only.
        std::error_code entry_ec;
        if (it->is_symlink(entry_ec)) {
            const bool to_file = it->is_regular_file(entry_ec);
            if (!to_file || !o.follow_symlinks) {
                std::fprintf(stderr, "skipped symbolic link %s%s\n", path.c_str(),
                             to_file ? " (--follow-symlinks uploads its target)" : "");
                continue;
            }
        } else if (!it->is_regular_file(entry_ec)) {
            continue;
        }
        std::string key = key_for(o, path);
        if (has_dot_segment(key)) {
            std::fprintf(stderr, "skipped %s: its key \"%s\" would have a \".\" or \"..\" segment\n", path.c_str(),
                         key.c_str());
            continue;
        }
        const std::uint64_t size = it->file_size(entry_ec);
        if (entry_ec) {
            std::fprintf(stderr, "skipped %s: %s\n", path.c_str(), entry_ec.message().c_str());
            continue;
        }
        st.files.push_back({path, std::move(key), size});
    }
    if (ec) std::fprintf(stderr, "cannot read %s: %s\n", o.directory.c_str(), ec.message().c_str());
    return !ec;
}

// One worker: takes the next file until none is left. `parallel` workers run at once.
asio::awaitable<void> upload_worker(s3::client<>& client, const options& o, run_state& st) {
    while (st.next < st.files.size()) {
        const file_entry& f = st.files[st.next++];
        // The request is named, not a temporary inside co_await (see docs/s3.md on GCC 12).
        const s3::put_object_request request{
            .bucket = o.bucket,
            .key = f.key,
            .body = s3::object_body::file(f.path),
            .checksum_algorithm = o.checksum ? std::optional(s3::checksum_algorithm::crc32c) : std::nullopt,
        };
        cirrus::diagnostics diag;
        auto [ec, result] = co_await client.async_put_object(request, diag, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            ++st.failed;
            std::fprintf(stderr, "failed: %s: %s (%s)\n", f.key.c_str(), ec.message().c_str(), diag.what().c_str());
            continue;
        }
        ++st.uploaded;
        st.bytes += f.size;
    }
}

asio::awaitable<int> run(s3::client<>& client, const options& o) {
    run_state st;
    if (!collect_files(o, st)) co_return 1;

    bool created = false;
    cirrus::diagnostics diag;
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

    const auto start = std::chrono::steady_clock::now();
    std::size_t running = std::min(o.parallel, st.files.size());
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < std::min(o.parallel, st.files.size()); ++i) {
        asio::co_spawn(executor, upload_worker(client, o, st), [&](std::exception_ptr) {
            if (--running == 0) all_done.cancel();
        });
    }
    if (running != 0) {
        auto [wait_ec] = co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
        (void)wait_ec;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("uploaded %zu of %zu files, %.1f MiB in %.2f s (%.1f MiB/s), %zu failed\n", st.uploaded,
                st.files.size(), static_cast<double>(st.bytes) / (1024.0 * 1024.0), seconds,
                seconds > 0 ? static_cast<double>(st.bytes) / (1024.0 * 1024.0) / seconds : 0.0, st.failed);

    // Every uploaded key is listed with its size (pages of 1,000, no continuation tokens).
    std::size_t listed = 0;
    s3::list_objects_request list{.bucket = o.bucket, .prefix = o.prefix};
    auto [list_ec] = co_await client.async_for_each_object(
        list,
        [&](const s3::object_summary& object) {
            ++listed;
            if (o.list) std::printf("  %s %llu\n", object.key.c_str(), static_cast<unsigned long long>(object.size));
        },
        asio::as_tuple(asio::use_awaitable));
    if (list_ec) std::fprintf(stderr, "listing failed: %s\n", list_ec.message().c_str());
    std::printf("the bucket holds %zu objects under \"%s\"\n", listed, o.prefix.c_str());
    int status = st.failed == 0 && !list_ec && listed >= st.uploaded ? 0 : 1;

    if (o.cleanup) {
        std::vector<s3::object_identifier> keys;
        for (const auto& f : st.files) keys.push_back({f.key, {}});
        const s3::delete_objects_request remove{.bucket = o.bucket, .objects = keys};
        auto [del_ec, deleted] = co_await client.async_delete_objects(remove, diag, asio::as_tuple(asio::use_awaitable));
        if (del_ec || !deleted.errors.empty()) {
            std::fprintf(stderr, "cleanup failed: %s\n", diag.what().c_str());
            status = 1;
        }
        if (created) {
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
    std::vector<std::string_view> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--prefix") o.prefix = value();
        else if (a == "--parallel") o.parallel = std::max<std::size_t>(1, std::strtoul(std::string(value()).c_str(), nullptr, 10));
        else if (a == "--endpoint") o.endpoint = value();
        else if (a == "--region") o.region = value();
        else if (a == "--create-bucket") o.create_bucket = true;
        else if (a == "--checksum") o.checksum = true;
        else if (a == "--follow-symlinks") o.follow_symlinks = true;
        else if (a == "--list") o.list = true;
        else if (a == "--cleanup") o.cleanup = true;
        else if (a.starts_with("--")) return usage();
        else positional.push_back(a);
    }
    if (positional.size() != 2) return usage();
    o.directory = positional[0];
    o.bucket = positional[1];
    // Only the segments the prefix completes: "a/.." + "b" is the key "a/..b".
    if (has_dot_segment(std::string_view(o.prefix).substr(0, o.prefix.rfind('/') + 1))) {
        std::fprintf(stderr, "--prefix %s: a key must not have a \".\" or \"..\" segment\n", o.prefix.c_str());
        return 2;
    }
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
