#pragma once
// Definitions for zip/writer.hpp (zlib for deflate and CRC-32; lstat for modes and times).

#include <cirrus/zip/writer.hpp>

#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <system_error>

namespace cirrus::zip {

namespace detail {

class zip_category_impl final : public boost::system::error_category {
public:
    constexpr zip_category_impl() noexcept : error_category(0x63697272757a6901ULL) {}
    const char* name() const noexcept override { return "cirrus.zip"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::invalid_name: return "the entry name is not a relative path inside the archive";
        case errc::duplicate_name: return "the archive has an entry of that name already";
        case errc::too_large: return "the archive needs ZIP64, which is not supported";
        case errc::compression: return "zlib failed to compress an entry";
        case errc::finished: return "the archive is finished already";
        }
        return "unknown zip error";
    }
};

inline void put16(std::string& out, std::uint32_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
inline void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

inline bool valid_name(std::string_view n) noexcept {
    if (n.empty() || n.front() == '/' || n.find('\\') != std::string_view::npos ||
        n.find('\0') != std::string_view::npos)
        return false;
    std::size_t start = 0;
    while (start <= n.size()) {
        const auto slash = n.find('/', start);
        const auto part = n.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part == "..") return false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

// Raw deflate (no zlib header), as zip method 8 wants it. False on a zlib failure.
inline bool deflate_raw(std::string_view in, int level, std::string& out) {
    z_stream zs{};
    if (deflateInit2(&zs, std::clamp(level, 1, 9), Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END;
}

} // namespace detail

inline const boost::system::error_category& zip_category() noexcept {
    static constexpr detail::zip_category_impl category;
    return category;
}

inline writer::writer() = default;

inline error_code writer::add(std::string_view name, std::uint32_t type, std::string_view data,
                                   const entry_options& o) {
    if (finished_) return make_error_code(errc::finished);
    if (!detail::valid_name(name)) return make_error_code(errc::invalid_name);
    for (const auto& e : entries_)
        if (e.name == name) return make_error_code(errc::duplicate_name);
    if (data.size() >= 0xFFFFFFFFu || entries_.size() >= 0xFFFF) return make_error_code(errc::too_large);

    entry e;
    e.name = std::string(name);
    e.size = data.size();
    e.crc = static_cast<std::uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    std::string deflated;
    std::string_view stored = data;
    e.method = 0;
    if (o.compression == method::deflate && !data.empty()) {
        if (!detail::deflate_raw(data, o.level, deflated)) return make_error_code(errc::compression);
        if (deflated.size() < data.size()) {
            stored = deflated;
            e.method = 8;
        }
    }
    e.compressed = stored.size();
    // The MS-DOS fields hold the time in UTC; 1980-01-01 is their earliest.
    const std::time_t t = std::max<std::time_t>(o.mtime, 315532800);
    std::tm tm{};
    gmtime_r(&t, &tm);
    e.dos_time = static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    e.dos_date = static_cast<std::uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
    e.unix_time = static_cast<std::uint32_t>(t);
    e.external = ((type | (o.mode & 07777)) << 16) | (type == 0040000 ? 0x10u : 0u);
    e.offset = flushed_ + data_.size();
    if (e.offset + 30 + name.size() + 9 + stored.size() >= 0xFFFFFFFFu) return make_error_code(errc::too_large);

    // Local file header.
    detail::put32(data_, 0x04034b50);
    detail::put16(data_, 20);     // version needed: 2.0
    detail::put16(data_, 0x0800); // names are UTF-8
    detail::put16(data_, e.method);
    detail::put16(data_, e.dos_time);
    detail::put16(data_, e.dos_date);
    detail::put32(data_, e.crc);
    detail::put32(data_, static_cast<std::uint32_t>(e.compressed));
    detail::put32(data_, static_cast<std::uint32_t>(e.size));
    detail::put16(data_, static_cast<std::uint32_t>(name.size()));
    detail::put16(data_, 9); // extra: the extended timestamp
    data_ += name;
    detail::put16(data_, 0x5455);
    detail::put16(data_, 5);
    data_.push_back(1); // modification time present
    detail::put32(data_, e.unix_time);
    data_ += stored;
    entries_.push_back(std::move(e));
    return {};
}

inline error_code writer::add_file(std::string_view name, std::string_view data, const entry_options& o) {
    return add(name, 0100000, data, o);
}

inline error_code writer::add_directory(std::string_view name, const entry_options& o) {
    std::string n(name);
    if (!n.empty() && n.back() != '/') n.push_back('/');
    entry_options d = o;
    d.compression = method::store;
    return add(n, 0040000, {}, d);
}

inline error_code writer::add_symlink(std::string_view name, std::string_view target, const entry_options& o) {
    entry_options l = o;
    l.compression = method::store;
    if (l.mode == 0644) l.mode = 0777;
    return add(name, 0120000, target, l);
}

inline void writer::consume(std::size_t n) noexcept {
    consumed_ += std::min(n, data_.size() - consumed_);
    if (consumed_ == data_.size()) {
        flushed_ += data_.size();
        data_.clear();
        consumed_ = 0;
    }
}

inline error_code writer::finish_stream() {
    if (finished_) return make_error_code(errc::finished);
    const std::uint64_t cd_offset = flushed_ + data_.size();
    std::string cd;
    for (const auto& e : entries_) {
        detail::put32(cd, 0x02014b50);
        detail::put16(cd, (3u << 8) | 20u); // made by Unix, 2.0: the external attributes hold the mode
        detail::put16(cd, 20);
        detail::put16(cd, 0x0800);
        detail::put16(cd, e.method);
        detail::put16(cd, e.dos_time);
        detail::put16(cd, e.dos_date);
        detail::put32(cd, e.crc);
        detail::put32(cd, static_cast<std::uint32_t>(e.compressed));
        detail::put32(cd, static_cast<std::uint32_t>(e.size));
        detail::put16(cd, static_cast<std::uint32_t>(e.name.size()));
        detail::put16(cd, 9); // extra
        detail::put16(cd, 0); // comment
        detail::put16(cd, 0); // disk
        detail::put16(cd, 0); // internal attributes
        detail::put32(cd, e.external);
        detail::put32(cd, static_cast<std::uint32_t>(e.offset));
        cd += e.name;
        detail::put16(cd, 0x5455);
        detail::put16(cd, 5);
        cd.push_back(1);
        detail::put32(cd, e.unix_time);
    }
    if (cd_offset + cd.size() >= 0xFFFFFFFFu) return make_error_code(errc::too_large);
    finished_ = true;
    data_ += cd;
    detail::put32(data_, 0x06054b50);
    detail::put16(data_, 0);
    detail::put16(data_, 0);
    detail::put16(data_, static_cast<std::uint32_t>(entries_.size()));
    detail::put16(data_, static_cast<std::uint32_t>(entries_.size()));
    detail::put32(data_, static_cast<std::uint32_t>(cd.size()));
    detail::put32(data_, static_cast<std::uint32_t>(cd_offset));
    detail::put16(data_, 0); // comment
    return {};
}

inline error_code writer::finish(std::string& out) {
    if (auto ec = finish_stream()) return ec;
    if (consumed_ == 0) {
        out = std::move(data_);
    } else {
        out.assign(data_, consumed_);
    }
    flushed_ += data_.size();
    data_.clear();
    consumed_ = 0;
    return {};
}

namespace detail {

inline error_code list_tree(const std::filesystem::path& dir, const directory_options& o, std::vector<tree_entry>& out) {
    namespace fs = std::filesystem;
    std::error_code sec;
    std::vector<fs::path> paths;
    for (fs::recursive_directory_iterator it(dir, sec), end; !sec && it != end; it.increment(sec))
        paths.push_back(it->path());
    if (sec) return error_code(sec);
    std::sort(paths.begin(), paths.end());
    out.clear();
    out.reserve(paths.size());
    for (auto& p : paths) {
        std::string name(o.prefix);
        name += p.lexically_relative(dir).generic_string();
        out.push_back({std::move(p), std::move(name)});
    }
    return {};
}

inline error_code add_tree_entry(writer& z, const tree_entry& e, const directory_options& o, std::string& contents) {
    namespace fs = std::filesystem;
    const fs::path& p = e.path;
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0) return error_code(errno, boost::system::generic_category());
    const entry_options eo{.mode = static_cast<std::uint32_t>(st.st_mode & 07777),
                           .mtime = o.mtime != 0 ? o.mtime : st.st_mtime,
                           .compression = o.compression,
                           .level = o.level};
    if (S_ISDIR(st.st_mode)) {
        if (o.include_directories) return z.add_directory(e.name, eo);
    } else if (S_ISLNK(st.st_mode)) {
        std::error_code sec;
        const auto target = fs::read_symlink(p, sec);
        if (sec) return error_code(sec);
        return z.add_symlink(e.name, target.string(), eo);
    } else if (S_ISREG(st.st_mode)) {
        std::FILE* f = std::fopen(p.c_str(), "rb");
        if (f == nullptr) return error_code(errno, boost::system::generic_category());
        contents.resize(static_cast<std::size_t>(st.st_size));
        const std::size_t got = contents.empty() ? 0 : std::fread(contents.data(), 1, contents.size(), f);
        std::fclose(f);
        if (got != contents.size()) return error_code(EIO, boost::system::generic_category());
        return z.add_file(e.name, contents, eo);
    }
    return {};
}

} // namespace detail

inline error_code add_directory_tree(writer& z, const std::filesystem::path& dir, const directory_options& o) {
    std::vector<detail::tree_entry> tree;
    if (auto ec = detail::list_tree(dir, o, tree)) return ec;
    std::string contents;
    for (const auto& e : tree)
        if (auto ec = detail::add_tree_entry(z, e, o, contents)) return ec;
    return {};
}

inline error_code zip_directory(const std::filesystem::path& dir, std::string& out, const directory_options& o) {
    writer z;
    if (auto ec = add_directory_tree(z, dir, o)) return ec;
    return z.finish(out);
}

} // namespace cirrus::zip
