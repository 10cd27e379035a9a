#pragma once
// Request bodies and response sinks that never copy a whole payload.
//
// A request body is the caller's memory (sent as it is, gathered with the header), a
// range of an open file (read with pread into a bounded scratch buffer, never whole), or
// a generator that fills the transport's buffer. A response body goes into the caller's
// buffer (read straight into it), a file at an offset (pwrite), a chunk handler, or by
// default into response::body.
//
// The caller keeps memory, descriptors and callables alive until the operation completes.

#include <cirrus/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

namespace cirrus::http {

class request_body {
public:
    enum class kind { none, memory, file, generator };

    // Fills `out` with the next bytes and returns how many; 0 ends the body.
    using fill_function = std::function<result<std::size_t>(std::span<std::uint8_t> out)>;
    // Starts a generator over from its first byte; false when it cannot.
    using rewind_function = std::function<bool()>;

    request_body() = default;

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

    // `length` bytes of the open file `fd` from `offset`, read with pread: the descriptor's
    // own position is neither used nor moved, so one descriptor can feed many requests.
    static request_body file(int fd, std::uint64_t offset, std::uint64_t length) noexcept {
        request_body b;
        b.kind_ = kind::file;
        b.fd_ = fd;
        b.offset_ = offset;
        b.size_ = length;
        return b;
    }

    // A generator of unknown size goes out with chunked transfer encoding; a known size is
    // sent as Content-Length (and must be met exactly). Without `rewind` the body is sent
    // once and a failed attempt is not retried.
    static request_body generator(fill_function fill, std::optional<std::uint64_t> size = std::nullopt,
                                  rewind_function rewind = {}) {
        request_body b;
        b.kind_ = kind::generator;
        b.fill_ = std::move(fill);
        b.rewind_ = std::move(rewind);
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
    std::uint64_t file_offset() const noexcept { return offset_; }
    const fill_function& fill() const noexcept { return fill_; }
    const rewind_function& rewind() const noexcept { return rewind_; }

private:
    kind kind_ = kind::none;
    std::span<const std::uint8_t> data_;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    std::uint64_t size_ = 0;
    bool size_known_ = true;
    fill_function fill_;
    rewind_function rewind_;
};

class response_sink {
public:
    enum class kind { collect, memory, file, handler, discard };

    // Receives each piece of the body in order; an error stops the transfer.
    using chunk_function = std::function<error_code(std::span<const std::uint8_t> chunk)>;
    // Called before a retry delivers the body again from its first byte.
    using restart_function = std::function<void()>;

    response_sink() = default; // collect into response::body

    // Reads straight into the caller's memory; a body longer than it is an error
    // (errc::response_too_large) and response::body_size tells how much arrived.
    static response_sink memory(std::span<std::uint8_t> out) noexcept {
        response_sink s;
        s.kind_ = kind::memory;
        s.out_ = out;
        return s;
    }
    // Writes the body with pwrite at `offset` onward.
    static response_sink file(int fd, std::uint64_t offset) noexcept {
        response_sink s;
        s.kind_ = kind::file;
        s.fd_ = fd;
        s.offset_ = offset;
        return s;
    }
    // Without `restart`, a failure after the first delivered byte is not retried.
    static response_sink handler(chunk_function on_chunk, restart_function restart = {}) {
        response_sink s;
        s.kind_ = kind::handler;
        s.chunk_ = std::move(on_chunk);
        s.restart_ = std::move(restart);
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
    std::uint64_t file_offset() const noexcept { return offset_; }
    const chunk_function& on_chunk() const noexcept { return chunk_; }
    const restart_function& restart() const noexcept { return restart_; }

private:
    kind kind_ = kind::collect;
    std::span<std::uint8_t> out_;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    chunk_function chunk_;
    restart_function restart_;
};

} // namespace cirrus::http
