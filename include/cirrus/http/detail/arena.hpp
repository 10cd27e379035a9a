#pragma once
// A bump allocator for the header fields of one response being parsed.
//
// Boost.Beast's parser stores each header field in its own heap node. A connection owns one
// arena; the parser of each response allocates its fields from it and the arena is reset
// when the next response starts, so a connection in steady state parses headers without
// touching the heap. Deallocation does nothing; memory comes back on reset().

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace cirrus::http::detail {

class header_arena {
public:
    static constexpr std::size_t block_size = 4096;

    header_arena() = default;
    header_arena(const header_arena&) = delete;
    header_arena& operator=(const header_arena&) = delete;

    void* allocate(std::size_t size, std::size_t align) {
        for (;;) {
            if (current_ < blocks_.size()) {
                block& b = blocks_[current_];
                const std::size_t start = (used_ + align - 1) & ~(align - 1);
                if (start + size <= b.size) {
                    used_ = start + size;
                    return b.data.get() + start;
                }
                ++current_;
                used_ = 0;
                continue;
            }
            // Fields larger than a block get a block of their own size.
            const std::size_t n = std::max(block_size, size + align);
            blocks_.push_back({std::unique_ptr<std::byte[]>(new std::byte[n]), n});
            current_ = blocks_.size() - 1;
            used_ = 0;
        }
    }

    // Makes all memory available again; keeps the blocks (the first few, so one response
    // with huge headers does not pin memory for the connection's life).
    void reset() noexcept {
        if (blocks_.size() > 4) blocks_.resize(4);
        current_ = 0;
        used_ = 0;
    }

private:
    struct block {
        std::unique_ptr<std::byte[]> data;
        std::size_t size;
    };
    std::vector<block> blocks_;
    std::size_t current_ = 0;
    std::size_t used_ = 0;
};

template <class T>
class arena_allocator {
public:
    using value_type = T;
    using propagate_on_container_copy_assignment = std::true_type;
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;
    using is_always_equal = std::false_type;

    explicit arena_allocator(header_arena& a) noexcept : arena_(&a) {}
    template <class U>
    arena_allocator(const arena_allocator<U>& other) noexcept : arena_(other.arena()) {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
    }
    void deallocate(T*, std::size_t) noexcept {}

    header_arena* arena() const noexcept { return arena_; }

    template <class U>
    friend bool operator==(const arena_allocator& a, const arena_allocator<U>& b) noexcept {
        return a.arena() == b.arena();
    }

private:
    header_arena* arena_;
};

} // namespace cirrus::http::detail
