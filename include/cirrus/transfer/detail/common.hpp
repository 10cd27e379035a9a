#pragma once
// What the transfer operations share: an owned file descriptor, the pool of workers that
// keeps N requests in flight (the first failure cancels the others), the error of a worker
// that threw, and the composite and full-object checksums of a multipart object.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/s3/model/multipart.hpp>
#include <cirrus/transfer/errors.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::transfer::detail {

namespace asio = boost::asio;

// The operation core/async_op.hpp runs for every transfer: a copy of the client, an owned
// copy of the request, and `run`, a captureless callable that does the work,
// run(client, request, result, diagnostics) -> awaitable<error_code>.
template <class Client, class Request, class Result, class Run>
struct transfer_op {
    using result_type = Result;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    Client client;
    cirrus::detail::owned_copy<Request> request;
    [[no_unique_address]] Run run;

    asio::awaitable<error_code> start(diagnostics& d, Result& out) { return run(client, request.get(), out, d); }
};

// Starts a transfer that completes with void(error_code, Result); diag may be null.
// Transfers write no client's last_diagnostics().
template <class Result, class Client, class Request, class Run, class Token>
auto start_transfer(const Client& client, const Request& r, diagnostics* diag, Run run, Token&& token) {
    static_assert(std::is_trivially_destructible_v<Request>);
    return cirrus::detail::async_op(client.get_executor(), std::forward<Token>(token),
                                    transfer_op<Client, Request, Result, Run>{client,
                                                                              cirrus::detail::owned_copy<Request>(r),
                                                                              run},
                                    diag, nullptr);
}

struct file_handle {
    int fd = -1;
    file_handle() = default;
    explicit file_handle(int f) noexcept : fd(f) {}
    file_handle(const file_handle&) = delete;
    file_handle& operator=(const file_handle&) = delete;
    file_handle(file_handle&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    file_handle& operator=(file_handle&& o) noexcept {
        if (this != &o) {
            reset();
            fd = std::exchange(o.fd, -1);
        }
        return *this;
    }
    ~file_handle() { reset(); }
    void reset() noexcept {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

inline error_code last_system_error() noexcept { return error_code(errno, boost::system::system_category()); }

// The code of an exception that ended a worker: a system_error keeps its code (a worker
// cancelled between two requests throws operation_aborted), bad_alloc is
// not_enough_memory, anything else errc::worker_failed with its text in `message`.
inline error_code worker_exception(std::exception_ptr e, std::string& message) noexcept {
    error_code ec = cirrus::detail::exception_to_error(e, message);
    if (ec == cirrus::errc::unexpected_exception) ec = make_error_code(errc::worker_failed);
    return ec;
}

// Runs `count` workers, each `make_worker(diagnostics&)` returning awaitable<error_code>
// (`make_worker`, often a lambda whose frames refer to it, lives until they end),
// in one parallel group. The first worker that fails (an error or an exception) cancels
// the others (terminal), so a failure stops the transfer promptly; so does a cancellation
// of the calling coroutine, which the group forwards to every worker. Returns the first
// failure in completion order, with that worker's diagnostics in `d`.
template <class MakeWorker>
asio::awaitable<error_code> run_workers(unsigned count, MakeWorker& make_worker, diagnostics& d) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<diagnostics> diags(count);
    using op_type = decltype(asio::co_spawn(ex, make_worker(diags[0]), asio::deferred));
    std::vector<op_type> ops;
    ops.reserve(count);
    for (unsigned i = 0; i < count; ++i) ops.push_back(asio::co_spawn(ex, make_worker(diags[i]), asio::deferred));
    auto stop_on_failure = [](std::exception_ptr e, error_code ec) {
        return (e || ec) ? asio::cancellation_type::terminal : asio::cancellation_type::none;
    };
    auto [order, exceptions, codes] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                          .async_wait(stop_on_failure, asio::use_awaitable);
    for (std::size_t i : order) {
        if (!exceptions[i] && !codes[i]) continue;
        d = std::move(diags[i]);
        if (exceptions[i]) co_return worker_exception(exceptions[i], d.message);
        co_return codes[i];
    }
    co_return error_code{};
}

// True when the calling coroutine has been cancelled. Then its cancellation state is
// replaced by one that lets nothing through, so that the clean-up that follows (aborting
// a multipart upload, removing a temporary file) runs to its end.
inline asio::awaitable<bool> take_cancellation() {
    asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
    bool const cancelled = cs.cancelled() != asio::cancellation_type::none;
    co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
    co_return cancelled;
}

// The raw bytes of a part's checksum of algorithm `alg`; none when the part has no
// checksum of that algorithm, or one that is not base64 of the algorithm's size.
inline std::optional<std::string> raw_part_checksum(crypto::checksum_algorithm alg, const s3::completed_part& p) {
    if (!p.checksum || p.checksum->algorithm != alg) return {};
    auto raw = base64::decode(p.checksum->value);
    if (!raw || raw->size() != crypto::checksum_size(alg)) return {};
    return raw;
}

// The checksum S3 gives a multipart object made of `parts` (COMPOSITE type): the
// algorithm over the concatenated raw part checksums, then "-<part count>". Empty when a
// part has no checksum of that algorithm.
inline std::string composite_checksum(crypto::checksum_algorithm alg, const std::vector<s3::completed_part>& parts) {
    crypto::checksum_hasher h(alg);
    for (const auto& p : parts) {
        auto raw = raw_part_checksum(alg, p);
        if (!raw) return {};
        h.update(*raw);
    }
    std::string out(h.finish().view());
    out += '-';
    out += std::to_string(parts.size());
    return out;
}

// Checks a COMPOSITE checksum over bytes that arrive in order: each part's checksum over
// its bytes (the parts' sizes are given), then the algorithm over the parts' raw checksums.
class composite_hasher {
public:
    composite_hasher(crypto::checksum_algorithm alg, std::vector<std::uint64_t> sizes)
        : alg_(alg), sizes_(std::move(sizes)), part_(alg), outer_(alg) {}

    void update(std::span<const std::uint8_t> data) {
        while (!data.empty() && index_ < sizes_.size()) {
            auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), sizes_[index_] - filled_));
            part_.update(data.first(n));
            filled_ += n;
            data = data.subspan(n);
            if (filled_ == sizes_[index_]) close_part();
        }
    }

    // "<base64>-<parts>", as S3 reports it; empty unless exactly the parts' bytes came.
    std::string finish() {
        if (index_ != sizes_.size()) return {};
        std::string out(outer_.finish().view());
        out += '-';
        out += std::to_string(sizes_.size());
        return out;
    }

private:
    void close_part() {
        auto const raw = base64::decode(part_.finish().view());
        if (raw) outer_.update(*raw);
        part_ = crypto::checksum_hasher(alg_);
        filled_ = 0;
        ++index_;
    }

    crypto::checksum_algorithm alg_;
    std::vector<std::uint64_t> sizes_;
    crypto::checksum_hasher part_;
    crypto::checksum_hasher outer_;
    std::size_t index_ = 0;
    std::uint64_t filled_ = 0;
};

// The number of parts a COMPOSITE checksum value names ("...-<n>", n <= 10,000), or 0.
inline std::uint32_t composite_part_count(const s3::checksum& c) {
    if (c.type == "FULL_OBJECT") return 0;
    std::string_view const v = c.value;
    std::uint32_t n = 0;
    auto const dash = v.rfind('-');
    if (dash == std::string_view::npos) return 0;
    for (char ch : v.substr(dash + 1)) {
        if (ch < '0' || ch > '9' || n > 10'000) return 0;
        n = n * 10 + static_cast<std::uint32_t>(ch - '0');
    }
    return n <= 10'000 ? n : 0; // S3's limit, and so at most that many HEADs per check
}

// `parts` parts of `part` bytes but the last, which holds the rest; none when `size`
// cannot be cut that way.
inline std::optional<std::vector<std::uint64_t>> regular_part_sizes(std::uint64_t size, std::uint64_t part,
                                                                    std::uint32_t parts) {
    if (parts == 0 || part == 0 || size <= (parts - 1) * part || size > parts * part) return std::nullopt;
    std::vector<std::uint64_t> sizes(parts, part);
    sizes.back() = size - (parts - 1) * part;
    return sizes;
}

// The algorithms whose checksum of a whole object can be combined from its parts'.
constexpr bool combinable(crypto::checksum_algorithm alg) noexcept {
    return alg == crypto::checksum_algorithm::crc32 || alg == crypto::checksum_algorithm::crc32c ||
           alg == crypto::checksum_algorithm::crc64nvme;
}

// The CRC of `data` continuing `crc` (0 to start), for a combinable algorithm.
inline std::uint64_t crc_update(crypto::checksum_algorithm alg, std::uint64_t crc,
                                std::span<const std::uint8_t> data) noexcept {
    switch (alg) {
    case crypto::checksum_algorithm::crc32: return crypto::crc32(data, static_cast<std::uint32_t>(crc));
    case crypto::checksum_algorithm::crc32c: return crypto::crc32c(data, static_cast<std::uint32_t>(crc));
    default: return crypto::crc64nvme(data, crc);
    }
}

// The CRC of A||B from crc(A), crc(B) and |B|, for a combinable algorithm.
constexpr std::uint64_t crc_combine(crypto::checksum_algorithm alg, std::uint64_t crc_a, std::uint64_t crc_b,
                                    std::uint64_t size_b) noexcept {
    switch (alg) {
    case crypto::checksum_algorithm::crc32:
        return crypto::crc32_combine(static_cast<std::uint32_t>(crc_a), static_cast<std::uint32_t>(crc_b), size_b);
    case crypto::checksum_algorithm::crc32c:
        return crypto::crc32c_combine(static_cast<std::uint32_t>(crc_a), static_cast<std::uint32_t>(crc_b), size_b);
    default: return crypto::crc64nvme_combine(crc_a, crc_b, size_b);
    }
}

// A CRC as S3 prints it (base64 of the big-endian bytes).
inline std::string crc_text(crypto::checksum_algorithm alg, std::uint64_t crc) {
    if (alg == crypto::checksum_algorithm::crc64nvme) return crypto::checksum_value::from_crc64(crc).str();
    return crypto::checksum_value::from_crc32(static_cast<std::uint32_t>(crc)).str();
}

// The checksum S3 gives an object made of consecutive pieces whose CRCs are `crcs` and
// sizes `sizes`: FULL_OBJECT, the CRC of the whole combined from the pieces'; COMPOSITE
// (the pieces being the parts), the CRC of the parts' big-endian CRCs then "-<parts>".
inline std::string crc_of_pieces(crypto::checksum_algorithm alg, std::span<const std::uint64_t> crcs,
                                 std::span<const std::uint64_t> sizes, bool composite) {
    if (crcs.empty() || crcs.size() != sizes.size()) return {};
    if (composite) {
        std::uint64_t outer = 0;
        unsigned const width = alg == crypto::checksum_algorithm::crc64nvme ? 8 : 4;
        for (std::uint64_t c : crcs) {
            std::uint8_t raw[8];
            for (unsigned i = 0; i < width; ++i) raw[i] = static_cast<std::uint8_t>(c >> (8 * (width - 1 - i)));
            outer = crc_update(alg, outer, std::span<const std::uint8_t>(raw, width));
        }
        return crc_text(alg, outer) + "-" + std::to_string(crcs.size());
    }
    std::uint64_t crc = crcs[0];
    for (std::size_t i = 1; i < crcs.size(); ++i) crc = crc_combine(alg, crc, crcs[i], sizes[i]);
    return crc_text(alg, crc);
}

// The FULL_OBJECT checksum of an object made of `parts`, part i being sizes[i] bytes: the
// CRC of the whole object combined from the parts' CRCs (crc*_combine), without reading
// the data again. Empty when the algorithm is not a CRC (combinable), a part has no
// checksum of that algorithm, or the sizes do not match the parts.
inline std::string full_object_checksum(crypto::checksum_algorithm alg, const std::vector<s3::completed_part>& parts,
                                        const std::vector<std::uint64_t>& sizes) {
    if (!combinable(alg) || parts.empty() || parts.size() != sizes.size()) return {};
    std::vector<std::uint64_t> crcs;
    crcs.reserve(parts.size());
    for (const auto& p : parts) {
        auto raw = raw_part_checksum(alg, p);
        if (!raw) return {};
        std::uint64_t part = 0;
        for (unsigned char b : *raw) part = (part << 8) | b; // big-endian
        crcs.push_back(part);
    }
    return crc_of_pieces(alg, crcs, sizes, false);
}

} // namespace cirrus::transfer::detail
