#pragma once
// Request bodies and response sinks that never copy a whole payload; s3::object_body and
// s3::object_sink are these types.
//
// A request body is the caller's memory (sent as it is, gathered with the header), a range
// of an open file (read with pread into a bounded scratch buffer, never whole), a file by
// name (opened by the client that sends it), or a generator that fills the transport's
// buffer. A response body goes into the caller's buffer (read straight into it), a file
// by name or an open file at an offset (pwrite), a chunk handler, or by default into the
// response's own string.
//
// Both are views (core/views.hpp): they name the caller's memory, descriptors and
// callables. A client copies the names of files and the callables into the operation when
// it starts; memory and descriptors are used in place, so they must stay alive (and open)
// until the operation completes.

#include <cirrus/core/result.hpp>
#include <cirrus/core/views.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::http {

class request_body {
public:
    enum class kind {
        none,
        memory,    // the caller's bytes
        file,      // a range of an open file descriptor
        path,      // a file by name, opened by the client for the operation
        generator, // bytes produced by a callable
    };

    // Fills `out` with the next bytes and returns how many; 0 ends the body.
    using fill_function = callable_view<result<std::size_t>(std::span<std::uint8_t> out)>;
    // Starts a generator over from its first byte; false when it cannot.
    using rewind_function = callable_view<bool()>;

    static constexpr std::uint64_t npos = ~std::uint64_t{0};

    constexpr request_body() noexcept = default;
    // The caller's memory, implicitly: `.body = text` for a std::string, std::string_view,
    // string literal or std::span<const std::uint8_t>. A temporary string would be gone
    // before the body is sent, so it is refused. (Exact types only, so that the request
    // aggregates stay reflectable field by field.)
    template <class T>
        requires(std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                 std::is_same_v<T, const char*> || std::is_same_v<T, char*> ||
                 (std::is_array_v<T> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<T>>, char>))
    request_body(const T& text)
    noexcept : request_body(memory(std::string_view(text))) {}
    template <class T>
        requires std::is_same_v<T, std::span<const std::uint8_t>> request_body(const T& bytes)
    noexcept : request_body(memory(bytes)) {}
    template <class T>
        requires std::is_same_v<T, std::string> request_body(T&&)
    = delete;

    static request_body memory(std::span<const std::uint8_t> bytes) noexcept {
        request_body b;
        b.kind_ = kind::memory;
        b.data_ = bytes;
        b.size_ = bytes.size();
        return b;
    }
    static request_body memory(std::string_view text) noexcept {
        return memory(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }

    // `length` bytes of the open file `fd` from `offset` (npos: to the end of the file),
    // read with pread: the descriptor's own position is neither used nor moved, so one
    // descriptor can feed many requests.
    static request_body file(int fd, std::uint64_t offset = 0, std::uint64_t length = npos) noexcept {
        request_body b;
        b.kind_ = kind::file;
        b.fd_ = fd;
        b.offset_ = offset;
        b.size_ = length;
        b.size_known_ = length != npos;
        return b;
    }
    // A file by name, opened by the client for the operation.
    static request_body file(std::string_view path, std::uint64_t offset = 0, std::uint64_t length = npos) noexcept {
        request_body b;
        b.kind_ = kind::path;
        b.path_ = path;
        b.offset_ = offset;
        b.size_ = length;
        b.size_known_ = length != npos;
        return b;
    }
    static request_body file(const char* path, std::uint64_t offset = 0, std::uint64_t length = npos) noexcept {
        return file(std::string_view(path), offset, length);
    }
    static request_body file(const std::string& path, std::uint64_t offset = 0, std::uint64_t length = npos) noexcept {
        return file(std::string_view(path), offset, length);
    }
    static request_body file(const std::filesystem::path& path, std::uint64_t offset = 0,
                             std::uint64_t length = npos) noexcept {
        return file(std::string_view(path.native()), offset, length);
    }

    // A generator of unknown size goes out with chunked transfer encoding (aws-chunked
    // for S3); a known size is sent as Content-Length and must be met exactly. Without
    // `rewind` the body is sent once and a failed attempt is not retried.
    static request_body generator(fill_function fill, std::optional<std::uint64_t> size = std::nullopt,
                                  rewind_function rewind = {}) noexcept {
        request_body b;
        b.kind_ = kind::generator;
        b.fill_ = fill;
        b.rewind_ = rewind;
        b.size_ = size.value_or(0);
        b.size_known_ = size.has_value();
        return b;
    }

    kind type() const noexcept { return kind_; }
    bool empty() const noexcept { return kind_ == kind::none || (size_known_ && size_ == 0); }
    std::optional<std::uint64_t> size() const noexcept {
        if (!size_known_) return std::nullopt;
        return size_;
    }
    bool replayable() const noexcept { return kind_ != kind::generator || static_cast<bool>(rewind_); }

    std::span<const std::uint8_t> memory_bytes() const noexcept { return data_; }
    int fd() const noexcept { return fd_; }
    std::string_view path() const noexcept { return path_; }
    std::uint64_t file_offset() const noexcept { return offset_; }
    const fill_function& fill() const noexcept { return fill_; }
    const rewind_function& rewind() const noexcept { return rewind_; }

    // For detail::owned_copy: the file name and the callables are copied, memory and
    // descriptors are not.
    template <class Pass>
    void walk_views(Pass& pass) {
        pass.walk(path_);
        pass.walk(fill_);
        pass.walk(rewind_);
    }

private:
    kind kind_ = kind::none;
    std::span<const std::uint8_t> data_ = {};
    int fd_ = -1;
    std::string_view path_ = {};
    std::uint64_t offset_ = 0;
    std::uint64_t size_ = 0;
    bool size_known_ = true;
    fill_function fill_ = {};
    rewind_function rewind_ = {};
};

class response_sink {
public:
    enum class kind {
        collect, // into the response's (or result's) body string
        memory,  // the caller's buffer
        file,    // an open file descriptor, from an offset
        path,    // a file by name, written by the client and renamed into place on success
        handler, // a callable, chunk by chunk
        discard, // read and dropped
    };

    // Receives each piece of the body in order; an error stops the transfer.
    using chunk_function = callable_view<error_code(std::span<const std::uint8_t> chunk)>;
    // Called before a retry delivers the body again from its first byte.
    using restart_function = callable_view<void()>;

    constexpr response_sink() noexcept = default; // collect

    // Reads straight into the caller's memory; a body longer than it is an error
    // (errc::response_too_large) and the size received tells how much arrived.
    static response_sink memory(std::span<std::uint8_t> out) noexcept {
        response_sink s;
        s.kind_ = kind::memory;
        s.out_ = out;
        return s;
    }
    // Writes the body with pwrite at `offset` onward.
    static response_sink file(int fd, std::uint64_t offset = 0) noexcept {
        response_sink s;
        s.kind_ = kind::file;
        s.fd_ = fd;
        s.offset_ = offset;
        return s;
    }
    // A file by name: written to a temporary file beside it and renamed into place only
    // when the whole body arrived (and its checksum matched), so a failure never leaves a
    // partial file under the name, nor destroys a file that was there.
    static response_sink file(std::string_view path) noexcept {
        response_sink s;
        s.kind_ = kind::path;
        s.path_ = path;
        return s;
    }
    static response_sink file(const char* path) noexcept { return file(std::string_view(path)); }
    static response_sink file(const std::string& path) noexcept { return file(std::string_view(path)); }
    static response_sink file(const std::filesystem::path& path) noexcept {
        return file(std::string_view(path.native()));
    }
    // Without `restart`, a failure after the first delivered byte is not retried.
    static response_sink handler(chunk_function on_chunk, restart_function restart = {}) noexcept {
        response_sink s;
        s.kind_ = kind::handler;
        s.chunk_ = on_chunk;
        s.restart_ = restart;
        return s;
    }
    static response_sink discard() noexcept {
        response_sink s;
        s.kind_ = kind::discard;
        return s;
    }

    kind type() const noexcept { return kind_; }
    bool restartable() const noexcept { return kind_ != kind::handler || static_cast<bool>(restart_); }
    std::span<std::uint8_t> memory_out() const noexcept { return out_; }
    int fd() const noexcept { return fd_; }
    std::string_view path() const noexcept { return path_; }
    std::uint64_t file_offset() const noexcept { return offset_; }
    std::uint64_t offset() const noexcept { return offset_; }
    const chunk_function& on_chunk() const noexcept { return chunk_; }
    const restart_function& restart() const noexcept { return restart_; }

    template <class Pass>
    void walk_views(Pass& pass) {
        pass.walk(path_);
        pass.walk(chunk_);
        pass.walk(restart_);
    }

private:
    kind kind_ = kind::collect;
    std::span<std::uint8_t> out_ = {};
    int fd_ = -1;
    std::string_view path_ = {};
    std::uint64_t offset_ = 0;
    chunk_function chunk_ = {};
    restart_function restart_ = {};
};

} // namespace cirrus::http
