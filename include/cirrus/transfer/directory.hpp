#pragma once
// async_upload_directory and async_download_prefix: a folder tree to objects under a key
// prefix and back, many files in flight at once.
//
// - The relative path of a file, with '/' separators, follows the prefix in its key
//   (the prefix is used as given: pass "photos/" for a folder), and the part of a key
//   after the prefix is the relative path a download writes.
// - include / exclude: fnmatch(3) globs on the relative path, where '*' also matches '/'
//   ("*.jpg" matches "a/b.jpg"). With include globs a path must match one of them; it must
//   match no exclude glob.
// - Symbolic links are skipped (and counted as skipped) unless follow_symlinks; then
//   linked files are uploaded and linked folders walked (a link cycle ends with ELOOP from
//   the walk, reported as a failure).
// - skip_unchanged (the default, which makes both operations a one-way sync): a file is
//   skipped when the object has the same size and the ETag its bytes would get: the hex
//   MD5 of the file for a single PUT, or the MD5 of the parts' MD5s followed by "-<parts>"
//   for a multipart upload, with parts planned as upload.parts plans them (downloads try
//   that plan and the smallest whole-MiB part size that gives the ETag's part count).
//   Sizes are compared first, so only files of the same size are read. Objects encrypted
//   with SSE-KMS or SSE-C have other ETags and are always transferred again.
//   `compare` picks a cheaper rule that reads no file: compare_by::size_and_time, the rule
//   of `aws s3 sync` and `s5cmd sync` (same size, and the copy at the target is not older
//   than the source, at whole seconds: an upload skips a file whose modification time is
//   not after the object's LastModified, a download an object whose LastModified is not
//   after the file's), or compare_by::size. Both trust the clocks and miss an edit that
//   keeps the size within the second of the copy; compare_by::content (the default) does
//   not.
// - Downloads refuse keys whose relative path is absolute or has a ".." component
//   (errc::unsafe_key, in the summary's failures): nothing is written outside the target
//   directory. Keys ending in '/' (folder markers) are skipped. An upload refuses a prefix
//   with a "." or ".." segment (errc::unsafe_key), which servers and proxies that
//   normalise paths would turn into other keys.
// - delete_missing (sync --delete): after the transfers, an upload deletes the objects
//   under the prefix that have no file (DeleteObjects, 1,000 keys a request), a download
//   the regular files below the folder that have no object. Only paths the globs select
//   are considered, never folder markers or skipped symbolic links, and nothing is
//   deleted when the walk or the listing was incomplete or the operation was cancelled.
// - `concurrency` files are in flight; each file larger than its single-put (single-get)
//   threshold has its own upload.concurrency parts (download.concurrency ranges) in flight.
// - The summary counts files transferred and skipped, and lists each failure with its
//   path, key, error and message. A failure of one file does not stop the others: the
//   operation completes without error, with the failures in the summary. It fails only
//   when the walk or the listing cannot start, or when cancelled.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/views.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/download.hpp>
#include <cirrus/transfer/errors.hpp>
#include <cirrus/transfer/progress.hpp>
#include <cirrus/transfer/upload.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace cirrus::transfer {

// How skip_unchanged decides that a file and an object hold the same bytes (see above).
enum class compare_by {
    content,       // same size and the ETag the file's bytes would get (reads the file)
    size_and_time, // same size, and the target's copy is not older than the source
    size,          // same size
};

struct directory_options {
    list_view<std::string_view> include = {}; // globs on the relative path; empty: every file
    list_view<std::string_view> exclude = {};
    unsigned concurrency = 16; // files in flight
    bool follow_symlinks = false;
    bool skip_unchanged = true;
    compare_by compare = compare_by::content; // what skip_unchanged compares
    bool delete_missing = false;              // make the target an exact copy (see above)
    upload_options upload = {};               // for each file (its on_progress is not used)
    download_options download = {};           // for each file (its on_progress and resumable are not used)
    // Bytes of the files transferred so far (counted when a file is done) and of all the
    // files to transfer.
    progress_handler on_progress = {};
    std::chrono::milliseconds progress_interval{100};
};

struct upload_directory_request {
    std::string_view bucket = {};
    std::string_view prefix = {};    // prepended to each relative path
    std::string_view directory = {}; // the folder to upload
    directory_options options = {};
};

struct download_prefix_request {
    std::string_view bucket = {};
    std::string_view prefix = {};    // the keys to download
    std::string_view directory = {}; // written below this folder (created if missing)
    directory_options options = {};
};

struct file_failure {
    std::string path = {};
    std::string key = {};
    error_code error = {};
    std::string message = {}; // what the server or the system said
};

struct directory_result {
    std::uint32_t transferred = 0;
    std::uint32_t skipped = 0; // unchanged, symlinks, folder markers
    std::uint32_t deleted = 0; // by delete_missing
    std::uint64_t bytes_transferred = 0;
    std::vector<file_failure> failed = {};
    std::vector<std::string> skipped_links = {}; // relative paths of symbolic links not followed
};

namespace detail {

inline bool glob_selected(const directory_options& o, const std::string& rel) {
    auto matches = [&](std::string_view glob) {
        std::string const g(glob);
        return ::fnmatch(g.c_str(), rel.c_str(), 0) == 0;
    };
    if (!o.include.empty()) {
        bool any = false;
        for (auto g : o.include) any = any || matches(g);
        if (!any) return false;
    }
    for (auto g : o.exclude)
        if (matches(g)) return false;
    return true;
}

// A relative path from a key that stays below the target folder: not absolute, no ".."
// component, no NUL.
inline bool safe_relative_path(std::string_view rel) {
    if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string_view::npos) return false;
    std::size_t start = 0;
    for (;;) {
        std::size_t const slash = rel.find('/', start);
        std::string_view const part = rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start);
        if (part == "..") return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

// True when a key prefix completes a "." or ".." segment: "a/../" or "./", not "a/..b".
inline bool prefix_has_dot_segment(std::string_view prefix) {
    prefix = prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/') + 1);
    std::size_t start = 0;
    while (start < prefix.size()) {
        std::size_t const slash = prefix.find('/', start);
        std::string_view const part = prefix.substr(start, slash - start);
        if (part == "." || part == "..") return true;
        start = slash + 1;
    }
    return false;
}

// The ETag S3 gives `size` bytes of `fd` uploaded in one PUT (parts == 0) or in parts of
// `part_size`: hex MD5, or hex MD5 of the parts' MD5s then "-<parts>".
inline result<std::string> s3_etag_of_file(int fd, std::uint64_t size, std::uint64_t part_size, std::uint32_t parts) {
    constexpr std::size_t block = 256 * 1024;
    if (parts == 0) {
        crypto::md5_hasher h;
        if (auto ec = cirrus::detail::read_blocks(fd, 0, size, block,
                                                  [&](const std::uint8_t* p, std::size_t n) { h.update(p, n); }))
            return ec;
        auto const d = h.finish();
        return hex::encode(std::span<const std::uint8_t>(d));
    }
    crypto::md5_hasher whole;
    for (std::uint32_t i = 0; i < parts; ++i) {
        std::uint64_t const off = std::uint64_t(i) * part_size;
        std::uint64_t const len = std::min(part_size, size - off);
        crypto::md5_hasher h;
        if (auto ec = cirrus::detail::read_blocks(fd, off, len, block,
                                                  [&](const std::uint8_t* p, std::size_t n) { h.update(p, n); }))
            return ec;
        auto const d = h.finish();
        whole.update(d.data(), d.size());
    }
    auto const d = whole.finish();
    return hex::encode(std::span<const std::uint8_t>(d)) + "-" + std::to_string(parts);
}

inline std::string_view unquoted(std::string_view etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
    return etag;
}

// True when the file at `path` of `size` bytes would get `etag` (see s3_etag_of_file),
// trying the plan `parts` makes and, for a multipart ETag, the smallest whole-MiB part
// size that gives its part count.
inline bool same_content(const std::string& path, std::uint64_t size, std::string_view etag,
                         const part_options& parts) {
    etag = unquoted(etag);
    file_handle f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) return false;
    std::size_t const dash = etag.rfind('-');
    std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates; // (part size, parts); parts 0: single
    if (dash == std::string_view::npos) {
        candidates.emplace_back(size, 0);
    } else {
        std::uint32_t n = 0;
        for (char c : etag.substr(dash + 1)) {
            if (c < '0' || c > '9' || n > max_parts) return false;
            n = n * 10 + std::uint32_t(c - '0');
        }
        if (n == 0) return false;
        if (auto p = plan_parts(size, parts); p && p->multipart && p->part_count == n)
            candidates.emplace_back(p->part_size, n);
        constexpr std::uint64_t mib = 1ull << 20;
        std::uint64_t const ps = ((size + n - 1) / n + mib - 1) / mib * mib;
        if (ps > 0 && (size + ps - 1) / ps == n && (candidates.empty() || candidates[0].first != ps))
            candidates.emplace_back(ps, n);
    }
    for (auto [ps, n] : candidates) {
        auto got = s3_etag_of_file(f.fd, size, ps, n);
        if (got && *got == etag) return true;
    }
    return false;
}

struct file_job {
    std::string path;
    std::string key;
    std::uint64_t size = 0;
    std::string etag;                                 // downloads: the object's ETag
    std::chrono::system_clock::time_point modified{}; // the source's modification time
};

// The modification time in `st`.
inline std::chrono::system_clock::time_point modified_time(const struct ::stat& st) {
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

// Whether `target` (size, modification time, ETag) already holds the source `job` under
// rule `by`; `path` is the local file of the pair, read only by compare_by::content.
inline bool unchanged(compare_by by, const file_job& job, std::uint64_t target_size,
                      std::chrono::system_clock::time_point target_modified, std::string_view etag,
                      const std::string& path, const part_options& parts) {
    using std::chrono::floor;
    using std::chrono::seconds;
    if (target_size != job.size) return false;
    switch (by) {
    case compare_by::size: return true;
    case compare_by::size_and_time: return floor<seconds>(job.modified) <= floor<seconds>(target_modified);
    case compare_by::content: break;
    }
    return same_content(path, job.size, etag, parts);
}

// Runs the per-file transfers `jobs` through `concurrency` workers; `one(job, diag)`
// returns awaitable<error_code> (with a file-level failure as its error) or skips.
template <class One>
asio::awaitable<error_code> run_jobs(const std::vector<file_job>& jobs, const directory_options& o,
                                     directory_result& out, One& one, diagnostics& d) {
    std::uint64_t total = 0;
    for (auto& j : jobs) total += j.size;
    progress_meter meter(o.on_progress, o.progress_interval);
    meter.set_total(total);
    std::size_t next = 0;
    auto worker = [&](diagnostics&) -> asio::awaitable<error_code> {
        diagnostics fd;
        while (next < jobs.size()) {
            const file_job& job = jobs[next++];
            fd.clear();
            bool skipped = false;
            error_code ec = co_await one(job, fd, skipped);
            if (ec == asio::error::operation_aborted) co_return ec;
            if (ec) {
                out.failed.push_back({job.path, job.key, ec, fd.message.empty() ? ec.message() : fd.what()});
            } else if (skipped) {
                ++out.skipped;
            } else {
                ++out.transferred;
                out.bytes_transferred += job.size;
            }
            meter.add(job.size);
        }
        co_return error_code{};
    };
    unsigned const workers = std::max(1u, std::min<unsigned>(o.concurrency, static_cast<unsigned>(jobs.size())));
    error_code ec = jobs.empty() ? error_code{} : co_await run_workers(workers, worker, d);
    if (!ec) meter.finish();
    co_return ec;
}

// Every object under `prefix` (all pages): key -> summary.
template <class Provider>
asio::awaitable<error_code> list_prefix(s3::client<Provider>& client, std::string_view bucket, std::string_view prefix,
                                        std::map<std::string, s3::object_summary>& out, diagnostics& d) {
    s3::list_objects_request lr{.bucket = bucket, .prefix = prefix};
    auto collect = [&out](const s3::object_summary& o) { out.emplace(o.key, o); };
    auto [ec] = co_await client.async_for_each_object(lr, collect, asio::as_tuple(asio::use_awaitable));
    (void)d;
    co_return ec;
}

// download_prefix's delete_missing: removes the regular files below `root` (links are
// neither followed nor removed) that the globs select and that have no object.
inline void delete_files_without_object(const std::filesystem::path& root,
                                        const std::map<std::string, s3::object_summary>& remote,
                                        std::string_view prefix, const directory_options& o, directory_result& out) {
    namespace fs = std::filesystem;
    std::error_code fec;
    std::vector<fs::path> doomed;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, fec), end;
    for (; !fec && it != end; it.increment(fec)) {
        std::error_code sec;
        if (it->is_symlink(sec) || !it->is_regular_file(sec)) continue;
        std::string const rel = it->path().lexically_relative(root).generic_string();
        if (!glob_selected(o, rel)) continue;
        if (!remote.contains(std::string(prefix) + rel)) doomed.push_back(it->path());
    }
    if (fec) { // an incomplete walk deletes nothing
        out.failed.push_back({root.string(),
                              {},
                              error_code(fec.value(), boost::system::system_category()),
                              "the walk for delete_missing stopped: " + fec.message()});
        return;
    }
    for (auto& p : doomed) {
        if (fs::remove(p, fec)) ++out.deleted;
        else if (fec)
            out.failed.push_back({p.string(),
                                  {},
                                  error_code(fec.value(), boost::system::system_category()),
                                  "not deleted: " + fec.message()});
    }
}

template <class Provider>
asio::awaitable<error_code> upload_directory(s3::client<Provider> client, const upload_directory_request& r,
                                             directory_result& out, diagnostics& d) {
    namespace fs = std::filesystem;
    const directory_options& o = r.options;
    co_await asio::this_coro::throw_if_cancelled(false); // see upload_file
    if (prefix_has_dot_segment(r.prefix)) {
        d.message = "the prefix \"" + std::string(r.prefix) + "\" has a \".\" or \"..\" segment";
        co_return make_error_code(errc::unsafe_key);
    }
    fs::path const root(r.directory);
    std::error_code fec;
    if (!fs::is_directory(root, fec)) {
        d.message = std::string(r.directory) + " is not a directory";
        co_return fec ? error_code(fec.value(), boost::system::system_category())
                      : error_code(make_error_code(boost::system::errc::not_a_directory));
    }
    auto opts = fs::directory_options::skip_permission_denied;
    if (o.follow_symlinks) opts |= fs::directory_options::follow_directory_symlink;
    std::vector<file_job> jobs;
    fs::recursive_directory_iterator it(root, opts, fec), end;
    if (fec) {
        d.message = "cannot read " + std::string(r.directory) + ": " + fec.message();
        co_return error_code(fec.value(), boost::system::system_category());
    }
    for (; it != end; it.increment(fec)) {
        if (fec) break;
        const fs::directory_entry& e = *it;
        std::string const rel = e.path().lexically_relative(root).generic_string();
        std::error_code sec;
        if (e.is_symlink(sec) && !o.follow_symlinks) {
            ++out.skipped;
            out.skipped_links.push_back(rel);
            continue;
        }
        if (!e.is_regular_file(sec)) continue; // folders are walked, others ignored
        if (!glob_selected(o, rel)) continue;
        // One stat for the size and the time (directory_entry caches only the type).
        std::string path = e.path().string();
        struct ::stat st {};
        bool const stated = ::stat(path.c_str(), &st) == 0;
        std::uintmax_t const size = stated ? static_cast<std::uintmax_t>(st.st_size) : e.file_size(sec);
        jobs.push_back({std::move(path), std::string(r.prefix) + rel, size, {}, {}});
        if (stated && o.skip_unchanged && o.compare == compare_by::size_and_time)
            jobs.back().modified = modified_time(st);
    }
    bool const walk_complete = !fec;
    if (fec)
        out.failed.push_back({std::string(r.directory),
                              {},
                              error_code(fec.value(), boost::system::system_category()),
                              "the walk stopped: " + fec.message()});

    std::map<std::string, s3::object_summary> remote;
    if (o.skip_unchanged || o.delete_missing) {
        if (auto ec = co_await list_prefix(client, r.bucket, r.prefix, remote, d)) co_return ec;
    }

    auto one = [&](const file_job& job, diagnostics& fd, bool& skipped) -> asio::awaitable<error_code> {
        if (o.skip_unchanged) {
            auto found = remote.find(job.key);
            if (found != remote.end() && unchanged(o.compare, job, found->second.size, found->second.last_modified,
                                                   found->second.etag, job.path, o.upload.parts)) {
                skipped = true;
                co_return error_code{};
            }
        }
        upload_file_request ur{.bucket = r.bucket, .key = job.key, .path = job.path, .options = o.upload};
        ur.options.on_progress = {};
        auto [ec, res] = co_await async_upload_file(client, ur, fd, asio::as_tuple(asio::use_awaitable));
        (void)res;
        co_return ec;
    };
    if (auto ec = co_await run_jobs(jobs, o, out, one, d)) co_return ec;
    if (!o.delete_missing || !walk_complete) co_return error_code{};

    // Objects with no file: selected by the globs, not folder markers, not a skipped link.
    std::set<std::string_view> present;
    for (auto& j : jobs) present.insert(j.key);
    std::set<std::string_view> const links(out.skipped_links.begin(), out.skipped_links.end());
    std::vector<s3::object_identifier> doomed;
    for (auto& [key, summary] : remote) {
        std::string const rel = key.substr(r.prefix.size());
        if (rel.empty() || rel.back() == '/' || present.contains(key) || links.contains(rel)) continue;
        if (!glob_selected(o, rel)) continue;
        doomed.push_back({key, {}});
    }
    if (doomed.empty()) co_return error_code{};
    s3::delete_objects_request const del{.bucket = r.bucket, .objects = doomed};
    diagnostics dd;
    auto [ec, deleted] = co_await client.async_delete_objects(del, dd, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return ec;
    if (ec) {
        std::string why = dd.message.empty() ? ec.message() : dd.what();
        out.failed.push_back({{}, {}, ec, "deleting objects with no file: " + why});
        co_return error_code{};
    }
    out.deleted += static_cast<std::uint32_t>(doomed.size() - deleted.errors.size());
    for (auto& e : deleted.errors) {
        s3::errc const code = s3::errc_from_code(e.code);
        out.failed.push_back({{},
                              e.key,
                              code != s3::errc::ok ? make_error_code(code) : make_error_code(errc::not_deleted),
                              "not deleted: " + e.code + ": " + e.message});
    }
    co_return error_code{};
}

template <class Provider>
asio::awaitable<error_code> download_prefix(s3::client<Provider> client, const download_prefix_request& r,
                                            directory_result& out, diagnostics& d) {
    namespace fs = std::filesystem;
    const directory_options& o = r.options;
    co_await asio::this_coro::throw_if_cancelled(false); // see upload_file
    std::map<std::string, s3::object_summary> remote;
    if (auto ec = co_await list_prefix(client, r.bucket, r.prefix, remote, d)) co_return ec;
    fs::path const root(r.directory);

    std::vector<file_job> jobs;
    for (auto& [key, summary] : remote) {
        std::string_view const rel = std::string_view(key).substr(r.prefix.size());
        if (rel.empty() || rel.back() == '/') {
            ++out.skipped; // the prefix itself or a folder marker
            continue;
        }
        if (!safe_relative_path(rel)) {
            out.failed.push_back({{},
                                  key,
                                  make_error_code(errc::unsafe_key),
                                  "the key's path after the prefix is absolute or has a \"..\" component"});
            continue;
        }
        std::string const rels(rel);
        if (!glob_selected(o, rels)) continue;
        jobs.push_back({(root / rels).string(), key, summary.size, summary.etag, summary.last_modified});
    }

    auto one = [&](const file_job& job, diagnostics& fd, bool& skipped) -> asio::awaitable<error_code> {
        std::error_code fec;
        if (o.skip_unchanged) {
            // The object is the source here: the file is the copy that must not be older.
            struct ::stat st {};
            if (::stat(job.path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                unchanged(o.compare, job, static_cast<std::uint64_t>(st.st_size), modified_time(st), job.etag, job.path,
                          o.upload.parts)) {
                skipped = true;
                co_return error_code{};
            }
        }
        fs::create_directories(fs::path(job.path).parent_path(), fec);
        if (fec) {
            fd.message = "cannot create the folder of " + job.path + ": " + fec.message();
            co_return error_code(fec.value(), boost::system::system_category());
        }
        if (job.size <= o.download.single_get_threshold) {
            // The listing gave the size: one GET without download_file's HEAD (half the
            // requests for a tree of small files). The client writes beside the target,
            // verifies a full-object checksum and renames into place.
            s3::get_object_request g{.bucket = r.bucket, .key = job.key};
            g.checksum_mode = o.download.verify_checksum;
            g.sink = s3::object_sink::file(std::string_view(job.path));
            s3::get_object_result gr;
            auto [ec] = co_await client.async_get_object(g, gr, fd, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return ec;
            if (gr.bytes_received != gr.content_length) {
                fd.message = "received " + std::to_string(gr.bytes_received) + " of " +
                             std::to_string(gr.content_length) + " bytes";
                co_return make_error_code(errc::short_download);
            }
            co_return error_code{};
        }
        download_file_request dr{.bucket = r.bucket, .key = job.key, .path = job.path, .options = o.download};
        dr.options.on_progress = {};
        dr.options.resumable = false;
        auto [ec, res] = co_await async_download_file(client, dr, fd, asio::as_tuple(asio::use_awaitable));
        (void)res;
        co_return ec;
    };
    if (auto ec = co_await run_jobs(jobs, o, out, one, d)) co_return ec;
    if (o.delete_missing) delete_files_without_object(root, remote, r.prefix, o, out);
    co_return error_code{};
}

inline constexpr auto run_upload_directory = [](auto& client, const upload_directory_request& r, directory_result& out,
                                                diagnostics& d) { return upload_directory(client, r, out, d); };

inline constexpr auto run_download_prefix = [](auto& client, const download_prefix_request& r, directory_result& out,
                                               diagnostics& d) { return download_prefix(client, r, out, d); };

} // namespace detail

// Uploads the files below r.directory to r.bucket under r.prefix; completes with
// void(error_code, directory_result). Per-file failures are in the result, not the error.
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_upload_directory(const s3::client<Provider>& client, const upload_directory_request& r, Token&& token = {}) {
    return detail::start_transfer<directory_result>(client, r, nullptr, detail::run_upload_directory,
                                                    std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_upload_directory(const s3::client<Provider>& client, const upload_directory_request& r, diagnostics& diag,
                            Token&& token = {}) {
    return detail::start_transfer<directory_result>(client, r, &diag, detail::run_upload_directory,
                                                    std::forward<Token>(token));
}

// Downloads the objects under r.prefix into r.directory; completes with
// void(error_code, directory_result). Per-file failures are in the result, not the error.
template <class Provider, cirrus::detail::completion_token Token = default_token>
auto async_download_prefix(const s3::client<Provider>& client, const download_prefix_request& r, Token&& token = {}) {
    return detail::start_transfer<directory_result>(client, r, nullptr, detail::run_download_prefix,
                                                    std::forward<Token>(token));
}
template <class Provider, class Token = default_token>
auto async_download_prefix(const s3::client<Provider>& client, const download_prefix_request& r, diagnostics& diag,
                           Token&& token = {}) {
    return detail::start_transfer<directory_result>(client, r, &diag, detail::run_download_prefix,
                                                    std::forward<Token>(token));
}

} // namespace cirrus::transfer
