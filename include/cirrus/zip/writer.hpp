#pragma once
// A zip archive writer, in memory: files stored or deflated (zlib), with Unix permission
// bits and modification times, as AWS Lambda wants its deployment packages and layers.
//
//   cirrus::zip::writer z;
//   z.add_file("bootstrap", binary, {.mode = 0755});
//   z.add_file("data/config.json", json);
//   std::string archive = z.finish();
//
//   std::string layer;
//   cirrus::zip::zip_directory("build/layer", layer, {.prefix = "python/"});
//
// What the archive holds, for each entry: the name (UTF-8, '/' separators, flag bit 11),
// the method (deflate when it makes the entry smaller, else stored), the CRC-32, the MS-DOS
// date and time of the modification time in UTC (the format's own field has no zone), the
// same time as a Unix timestamp in an "extended timestamp" field (0x5455, which unzip and
// Info-ZIP read back exactly), and the Unix mode in the upper 16 bits of the external
// attributes with "made by Unix" (3), so that unzip and Lambda restore the permission bits
// (an executable `bootstrap` must keep 0755). Directories end with '/'; symbolic links are
// entries of type S_IFLNK whose content is the target (as Info-ZIP stores them).
// Not supported: ZIP64 (archives or entries over 4 GiB, more than 65535 entries), which
// finish() reports as errc::too_large; encryption. An archive can be streamed while it is
// written (pending(), consume(), finish_stream()): zip/upload.hpp zips a directory straight
// into an S3 object that way.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>

#include <boost/system/error_category.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::zip {

enum class errc {
    ok = 0,
    invalid_name = 1, // empty, absolute, with "..", a backslash or a NUL
    duplicate_name,   // the archive has an entry of that name already
    too_large,        // over what a zip without ZIP64 can hold
    compression,      // zlib failed
    finished,         // finish() was called already
};

inline const boost::system::error_category& zip_category() noexcept;
inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), zip_category()}; }

enum class method : std::uint16_t { store = 0, deflate = 8 };

struct entry_options {
    std::uint32_t mode = 0644; // permission bits (and setuid/setgid/sticky); the type comes from the call
    std::time_t mtime = 0;     // seconds since 1970 (UTC); 0: 1980-01-01 00:00, the format's earliest
    method compression = method::deflate;
    int level = 6; // zlib level 1-9 for deflate
};

class writer {
public:
    inline writer();

    // A regular file. Deflated only when that makes it smaller.
    inline error_code add_file(std::string_view name, std::string_view data, const entry_options& o = {});
    // A directory entry ("lib/"; the slash is added when missing).
    inline error_code add_directory(std::string_view name, const entry_options& o = {.mode = 0755});
    // A symbolic link to `target`.
    inline error_code add_symlink(std::string_view name, std::string_view target, const entry_options& o = {});

    // Writes the central directory and returns the archive (the writer is then spent), or
    // what of it was not consumed yet when it was streamed (below).
    inline error_code finish(std::string& out);
    std::string finish() {
        std::string out;
        if (auto ec = finish(out)) throw boost::system::system_error(ec);
        return out;
    }

    std::size_t entries() const noexcept { return entries_.size(); }
    std::size_t bytes() const noexcept { return flushed_ + data_.size(); } // local headers and data so far

    // Streaming: the bytes written since they were last consumed (each entry is written
    // whole by add_*), and consume(n) to drop the first n of them once they went
    // elsewhere; finish_stream() then writes the central directory as pending bytes too.
    // The writer keeps only the pending bytes and one record per entry.
    std::string_view pending() const noexcept { return std::string_view(data_).substr(consumed_); }
    inline void consume(std::size_t n) noexcept;
    inline error_code finish_stream();

private:
    struct entry {
        std::string name;
        std::uint32_t external = 0;
        std::uint32_t crc = 0;
        std::uint64_t compressed = 0;
        std::uint64_t size = 0;
        std::uint64_t offset = 0;
        std::uint16_t method = 0;
        std::uint16_t dos_time = 0;
        std::uint16_t dos_date = 0;
        std::uint32_t unix_time = 0;
    };
    inline error_code add(std::string_view name, std::uint32_t type, std::string_view data,
                               const entry_options& o);

    std::string data_;
    std::size_t consumed_ = 0;  // of data_, by consume()
    std::uint64_t flushed_ = 0; // bytes before data_ (consumed and dropped)
    std::vector<entry> entries_;
    bool finished_ = false;
};

struct directory_options {
    std::string_view prefix = {}; // put in front of every name, e.g. "python/" or "lib/"
    method compression = method::deflate;
    int level = 6;
    bool include_directories = true; // directory entries too (empty ones survive)
    // Overrides the modification time of every entry (0: each file's own), for archives
    // whose hash must not change when the files are touched.
    std::time_t mtime = 0;
};

// Adds everything under `dir` (sorted by name, so the same tree gives the same archive),
// named relative to `dir` with `o.prefix` in front, with each file's mode and time.
// Symbolic links are kept as links.
inline error_code add_directory_tree(writer& z, const std::filesystem::path& dir, const directory_options& o = {});

namespace detail {
// One entry of a tree, for adding entries one at a time (zip/upload.hpp).
struct tree_entry {
    std::filesystem::path path;
    std::string name; // in the archive, with the prefix
};
// The entries of add_directory_tree, in its order.
inline error_code list_tree(const std::filesystem::path& dir, const directory_options& o, std::vector<tree_entry>& out);
// Adds one (its file read into `buffer`).
inline error_code add_tree_entry(writer& z, const tree_entry& e, const directory_options& o, std::string& buffer);
} // namespace detail

// zip of a whole directory, into `out`.
inline error_code zip_directory(const std::filesystem::path& dir, std::string& out, const directory_options& o = {});

} // namespace cirrus::zip

template <>
struct boost::system::is_error_code_enum<cirrus::zip::errc> : std::true_type {};

// Header-only in every build (small; used by packaging tools rather than by clients).
#include <cirrus/zip/impl/writer.ipp>
