#pragma once
// Multipart part-size planning for transfers: the part size and count for an object of a
// given size, within S3's limits (at most 10,000 parts; every part but the last between
// 5 MiB and 5 GiB; an object of at most 5 TiB), with a caller override.

#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>

#include <cstdint>
#include <optional>

namespace cirrus::transfer {

inline constexpr std::uint64_t min_part_size = 5ull << 20; // 5 MiB
inline constexpr std::uint64_t max_part_size = 5ull << 30; // 5 GiB
inline constexpr std::uint32_t max_parts = 10000;
inline constexpr std::uint64_t max_object_size = 5ull << 40; // 5 TiB

// What the caller asks for. Public: part of upload options.
struct part_options {
    // Objects up to this size go in a single PutObject (no multipart upload).
    std::uint64_t single_put_threshold = 16ull << 20;
    // The part size preferred when the object allows it; grown (in whole MiB) when the
    // object would otherwise need more than max_parts parts.
    std::uint64_t preferred_part_size = 8ull << 20;
    // A fixed part size: used as is (a multipart upload whatever the object's size), or
    // invalid_argument if the object cannot fit in max_parts parts of it or the size is
    // outside [min_part_size, max_part_size]. An empty object is a single PutObject all the
    // same: its one part would be empty, which some servers refuse (Garage: "Empty body").
    std::optional<std::uint64_t> part_size = {};
};

struct part_plan {
    bool multipart = false;       // false: one PutObject of the whole object
    std::uint64_t part_size = 0;  // every part but the last
    std::uint32_t part_count = 0; // 1 for a single put
    std::uint64_t object_size = 0;

    // Byte range [offset, offset + length) of part n (1-based).
    [[nodiscard]] constexpr std::uint64_t offset(std::uint32_t n) const noexcept {
        return std::uint64_t(n - 1) * part_size;
    }
    [[nodiscard]] constexpr std::uint64_t length(std::uint32_t n) const noexcept {
        if (!multipart) return object_size;
        std::uint64_t const off = offset(n);
        return object_size - off < part_size ? object_size - off : part_size;
    }
};

// The plan for an object of `size` bytes, or invalid_argument when no valid plan exists
// (an object over 5 TiB, or an override that violates the limits).
[[nodiscard]] inline result<part_plan> plan_parts(std::uint64_t size, part_options const& o = {}) {
    if (size > max_object_size) return make_error_code(cirrus::errc::invalid_argument);
    part_plan p;
    p.object_size = size;
    if (size == 0 || (!o.part_size && size <= o.single_put_threshold && size <= max_part_size)) {
        p.multipart = false;
        p.part_size = size;
        p.part_count = 1;
        return p;
    }
    std::uint64_t ps = 0;
    if (o.part_size) {
        ps = *o.part_size;
        if (ps < min_part_size || ps > max_part_size) return make_error_code(cirrus::errc::invalid_argument);
        if ((size + ps - 1) / ps > max_parts) return make_error_code(cirrus::errc::invalid_argument);
    } else {
        ps = o.preferred_part_size;
        if (ps < min_part_size) ps = min_part_size;
        if (ps > max_part_size) ps = max_part_size;
        std::uint64_t const needed = (size + max_parts - 1) / max_parts; // smallest fitting size
        if (ps < needed) {
            constexpr std::uint64_t mib = 1ull << 20;
            ps = (needed + mib - 1) / mib * mib; // round up to whole MiB
            if (ps > max_part_size) ps = max_part_size;
        }
    }
    p.multipart = true;
    p.part_size = ps;
    p.part_count = static_cast<std::uint32_t>((size + ps - 1) / ps);
    return p;
}

} // namespace cirrus::transfer
