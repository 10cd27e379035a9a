#pragma once
// File I/O shared by the HTTP transport (file bodies and sinks, payload hashes) and S3
// (upload checksums, downloads to a file): an owned descriptor, and pread/pwrite loops at
// explicit offsets that never use or move the descriptor's own position.

#include <boost/system/error_code.hpp>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace cirrus::detail {

class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~unique_fd() { reset(); }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
};

inline boost::system::error_code errno_code(int e) noexcept { return {e, boost::system::generic_category()}; }

// Reads exactly out.size() bytes at `offset`. A failed read gives its errno; a file that
// ends early gives EIO.
inline boost::system::error_code pread_full(int fd, std::span<std::uint8_t> out, std::uint64_t offset) noexcept {
    std::size_t done = 0;
    while (done < out.size()) {
        const auto n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_code(errno);
        if (n == 0) return errno_code(EIO);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

// Writes all of `data` at `offset`; a failed write gives its errno.
inline boost::system::error_code pwrite_full(int fd, std::span<const std::uint8_t> data,
                                             std::uint64_t offset) noexcept {
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_code(errno);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

// Calls feed(const std::uint8_t*, std::size_t) over `length` bytes of a file from `offset`,
// read in blocks of at most `block` bytes: what hashes a file body (payload SHA-256,
// upload checksums, Content-MD5, the check of a downloaded file).
template <class Feed>
boost::system::error_code read_blocks(int fd, std::uint64_t offset, std::uint64_t length, std::size_t block,
                                      Feed&& feed) {
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(std::min<std::uint64_t>(length, block)));
    for (std::uint64_t done = 0; done < length;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length - done));
        if (auto ec = pread_full(fd, std::span(buf.data(), n), offset + done)) return ec;
        feed(buf.data(), n);
        done += n;
    }
    return {};
}

} // namespace cirrus::detail
