#pragma once
// owned_copy<Request>: a request (an aggregate of views, see core/views.hpp) together with
// copies of everything its views name, in one block. Clients make one in the initiating
// function, while the caller's strings, lists and callables still exist, so the operation
// never depends on them afterwards (deferred tokens included).
//
// What is copied: std::string_view, list_view<T> and std::span<const T> (elements copied,
// then walked), pairs_view, callable_view (into an owning std::function), std::optional of
// those, nested aggregates (field by field), and classes that walk themselves
// (a member `template <class Pass> void walk_views(Pass&)`). Not copied: mutable spans (the
// caller's output buffers), pointers, and memory bodies, which the caller keeps alive as
// documented for each.

#include <cirrus/core/detail/type_traits.hpp>
#include <cirrus/core/views.hpp>

#include <boost/asio/recycling_allocator.hpp>
#include <boost/pfr/core.hpp>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cirrus::detail {

class view_pass;
template <class T>
void walk_views(T& v, view_pass& p);

// One pass over a request: first measuring what it names, then copying it into the block.
class view_pass {
public:
    explicit view_pass(std::size_t* need) noexcept : need_(need) {}
    view_pass(char* block, std::size_t size) noexcept : cur_(block), end_(block + size) {}

    bool measuring() const noexcept { return need_ != nullptr; }

    // Walks one member of a class that walks itself (its walk_views(pass)).
    template <class T>
    void walk(T& v) {
        walk_views(v, *this);
    }

    std::string_view copy(std::string_view s) {
        if (s.empty()) return {};
        if (measuring()) {
            *need_ += s.size();
            return s;
        }
        char* d = static_cast<char*>(take(s.size(), 1));
        std::memcpy(d, s.data(), s.size());
        return {d, s.size()};
    }

    // Room for n objects of T (not constructed); measuring, nullptr.
    template <class T>
    T* array(std::size_t n) {
        if (n == 0) return nullptr;
        if (measuring()) {
            *need_ += n * sizeof(T) + alignof(T);
            if constexpr (!std::is_trivially_destructible_v<T>) *need_ += n * (sizeof(cleanup) + alignof(cleanup));
            return nullptr;
        }
        return static_cast<T*>(take(n * sizeof(T), alignof(T)));
    }

    // A T constructed in the block and destroyed with it.
    template <class T, class... Args>
    T* make(Args&&... args) {
        if (measuring()) {
            *need_ += sizeof(T) + alignof(T) + sizeof(cleanup) + alignof(cleanup);
            return nullptr;
        }
        T* p = new (take(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
        on_destroy(p);
        return p;
    }

    template <class T>
    void on_destroy(T* p) {
        if constexpr (!std::is_trivially_destructible_v<T>) {
            auto* c = new (take(sizeof(cleanup), alignof(cleanup)))
                cleanup{cleanups_, p, [](void* o) { static_cast<T*>(o)->~T(); }};
            cleanups_ = c;
        }
    }

    struct cleanup {
        cleanup* next;
        void* object;
        void (*destroy)(void*);
    };
    cleanup* cleanups() const noexcept { return cleanups_; }

private:
    void* take(std::size_t size, std::size_t align) {
        auto p = reinterpret_cast<std::uintptr_t>(cur_);
        p = (p + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
        char* out = reinterpret_cast<char*>(p);
        if (out + size > end_) throw std::bad_alloc(); // measured too little: a bug, never input
        cur_ = out + size;
        return out;
    }

    std::size_t* need_ = nullptr;
    char* cur_ = nullptr;
    char* end_ = nullptr;
    cleanup* cleanups_ = nullptr;
};

template <class T>
struct is_const_span : std::false_type {};
template <class T, std::size_t N>
struct is_const_span<std::span<const T, N>> : std::true_type {};

template <class T>
struct is_list_view : std::false_type {};
template <class T>
struct is_list_view<list_view<T>> : std::true_type {};

template <class T>
struct is_callable_view : std::false_type {};
template <class S>
struct is_callable_view<callable_view<S>> : std::true_type {};

template <class T>
const T* copy_elements(const T* data, std::size_t n, view_pass& p) {
    if (p.measuring()) {
        p.array<T>(n);
        for (std::size_t i = 0; i < n; ++i) walk_views(const_cast<T&>(data[i]), p);
        return data;
    }
    T* out = p.array<T>(n);
    for (std::size_t i = 0; i < n; ++i) {
        new (out + i) T(data[i]);
        p.on_destroy(out + i);
        walk_views(out[i], p);
    }
    return out;
}

template <class T>
void walk_views(T& v, view_pass& p) {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, std::string_view>) {
        v = p.copy(v);
    } else if constexpr (is_optional<U>::value) {
        if (v) walk_views(*v, p);
    } else if constexpr (is_list_view<U>::value) {
        using E = typename U::value_type;
        const E* d = copy_elements(v.data(), v.size(), p);
        if (!p.measuring()) v = U(d, v.size());
    } else if constexpr (is_const_span<U>::value) {
        using E = std::remove_const_t<typename U::element_type>;
        const E* d = copy_elements(v.data(), v.size(), p);
        if (!p.measuring()) v = U(d, v.size());
    } else if constexpr (std::is_same_v<U, pairs_view>) {
        const std::size_t n = v.size();
        if (p.measuring()) {
            p.array<string_pair>(n);
            v.for_each([&](std::string_view a, std::string_view b) {
                p.copy(a);
                p.copy(b);
            });
        } else if (n != 0) {
            string_pair* out = p.array<string_pair>(n);
            std::size_t i = 0;
            v.for_each([&](std::string_view a, std::string_view b) { out[i++] = string_pair{p.copy(a), p.copy(b)}; });
            v = pairs_view(list_view<string_pair>(out, n));
        }
    } else if constexpr (is_callable_view<U>::value) {
        if (!v) return;
        auto* f = p.make<typename U::function_type>(v.to_function());
        if (!p.measuring()) v = U(*f);
    } else if constexpr (requires { v.walk_views(p); }) {
        v.walk_views(p);
    } else if constexpr (std::is_aggregate_v<U> && !std::is_array_v<U> && std::is_class_v<U>) {
        boost::pfr::for_each_field(v, [&](auto& field) { walk_views(field, p); });
    }
    // Anything else (numbers, enums, times, pointers, mutable spans, owning types that
    // were copied with their parent) has nothing more to copy.
}

// A copy of `T` whose views point into storage it owns.
template <class T>
class owned_copy {
public:
    static_assert(std::is_trivially_copyable_v<T>, "requests are aggregates of views");

    explicit owned_copy(const T& source) : value_(source) {
        std::size_t need = 0;
        view_pass measure(&need);
        walk_views(value_, measure);
        if (need == 0) return;
        size_ = need;
        block_ = allocator().allocate(size_);
        try {
            view_pass copy(block_, size_);
            walk_views(value_, copy);
            cleanups_ = copy.cleanups();
        } catch (...) {
            allocator().deallocate(block_, size_);
            throw;
        }
    }

    owned_copy(owned_copy&& o) noexcept
        : value_(o.value_), block_(std::exchange(o.block_, nullptr)), size_(std::exchange(o.size_, 0)),
          cleanups_(std::exchange(o.cleanups_, nullptr)) {}
    owned_copy& operator=(owned_copy&&) = delete;
    owned_copy(const owned_copy&) = delete;
    owned_copy& operator=(const owned_copy&) = delete;

    ~owned_copy() {
        for (auto* c = cleanups_; c != nullptr;) {
            auto* next = c->next;
            c->destroy(c->object);
            c = next;
        }
        if (block_ != nullptr) allocator().deallocate(block_, size_);
    }

    T& get() noexcept { return value_; }
    const T& get() const noexcept { return value_; }

private:
    // The block is recycled through Asio's per-thread cache, like the operation's frame.
    static boost::asio::recycling_allocator<char> allocator() noexcept { return {}; }

    T value_;
    char* block_ = nullptr;
    std::size_t size_ = 0;
    view_pass::cleanup* cleanups_ = nullptr;
};

} // namespace cirrus::detail
