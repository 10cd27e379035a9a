#pragma once
// Replaces the global operator new/delete with versions that count every allocation, so a
// benchmark can report heap allocations per operation. Include it in exactly one
// translation unit of a benchmark executable.
//
// Without a sanitizer (which has its own malloc) and with glibc, malloc, calloc, realloc
// and the aligned allocations are counted too, whoever calls them: heap_allocations also
// sees what bypasses operator new, such as Asio's coroutine frames (aligned_alloc when its
// per-thread cache cannot recycle them) and OpenSSL's allocations.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace cirrus::bench {

inline std::atomic<std::uint64_t> cxx_allocations{0};
// Every malloc-family call (operator new's included); stays 0 when not counted.
inline std::atomic<std::uint64_t> heap_allocations{0};

inline void* counted_malloc(std::size_t size) noexcept {
    cxx_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

inline void* counted_aligned_malloc(std::size_t size, std::align_val_t align) noexcept {
    cxx_allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    size = (size + a - 1) / a * a;
    return std::aligned_alloc(a, size == 0 ? a : size);
}

// Out of line so that GCC does not see free() paired with an inlined operator new
// (-Wmismatched-new-delete).
[[gnu::noinline]] inline void release(void* p) noexcept { std::free(p); }

} // namespace cirrus::bench

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define CIRRUS_BENCH_COUNTS_MALLOC 1
#include <cerrno>
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

namespace cirrus::bench {
inline void count_heap() noexcept { heap_allocations.fetch_add(1, std::memory_order_relaxed); }
} // namespace cirrus::bench

void* malloc(std::size_t size) noexcept {
    cirrus::bench::count_heap();
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
    cirrus::bench::count_heap();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) noexcept {
    cirrus::bench::count_heap();
    return __libc_realloc(p, size);
}
void* memalign(std::size_t align, std::size_t size) noexcept {
    cirrus::bench::count_heap();
    return __libc_memalign(align, size);
}
void* aligned_alloc(std::size_t align, std::size_t size) noexcept {
    cirrus::bench::count_heap();
    return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
    cirrus::bench::count_heap();
    void* p = __libc_memalign(align, size);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
}
#endif

void* operator new(std::size_t size) {
    if (void* p = cirrus::bench::counted_malloc(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = cirrus::bench::counted_malloc(size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return cirrus::bench::counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return cirrus::bench::counted_malloc(size); }
void* operator new(std::size_t size, std::align_val_t align) {
    if (void* p = cirrus::bench::counted_aligned_malloc(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
    if (void* p = cirrus::bench::counted_aligned_malloc(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return cirrus::bench::counted_aligned_malloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return cirrus::bench::counted_aligned_malloc(size, align);
}
void operator delete(void* p) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p) noexcept { cirrus::bench::release(p); }
void operator delete(void* p, std::size_t) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p, std::size_t) noexcept { cirrus::bench::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { cirrus::bench::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { cirrus::bench::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { cirrus::bench::release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { cirrus::bench::release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { cirrus::bench::release(p); }
