#pragma once
// Non-owning views that requests are made of: lists, name/value pairs and callables.
//
// A request is an aggregate of views (std::string_view, list_view, pairs_view,
// callable_view, numbers): trivially destructible, cheap to build, and copied by the client
// into the operation before the initiating call returns. So what a request names needs to
// live only until that call returns, whatever the completion token, and a braced request
// inside a co_await expression is safe on every compiler (g++ 12 destroys such temporaries
// twice when they have non-trivial destructors; see docs/async.md).

#include <array>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus {

// A view of a contiguous sequence of T: a std::vector, std::array, std::span or C array
// that outlives the view. Temporaries are refused (a view of one would dangle at the end
// of the declaration that made it), and so are initializer lists: build the list first.
template <class T>
class list_view {
public:
    using value_type = T;
    using const_iterator = const T*;

    constexpr list_view() noexcept = default;
    constexpr list_view(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}
    constexpr list_view(std::span<const T> s) noexcept : data_(s.data()), size_(s.size()) {}
    constexpr list_view(std::span<T> s) noexcept : data_(s.data()), size_(s.size()) {}
    template <class A>
    constexpr list_view(const std::vector<T, A>& v) noexcept : data_(v.data()), size_(v.size()) {}
    template <class A>
    list_view(std::vector<T, A>&&) = delete;
    template <std::size_t N>
    constexpr list_view(const std::array<T, N>& a) noexcept : data_(a.data()), size_(N) {}
    template <std::size_t N>
    list_view(std::array<T, N>&&) = delete;
    template <std::size_t N>
    constexpr list_view(const T (&a)[N]) noexcept : data_(a), size_(N) {}
    template <std::size_t N>
    list_view(T (&&)[N]) = delete; // also refuses a braced list: it would be a temporary array

    constexpr const T* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const T* begin() const noexcept { return data_; }
    constexpr const T* end() const noexcept { return data_ + size_; }
    constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    constexpr const T& front() const noexcept { return data_[0]; }
    constexpr const T& back() const noexcept { return data_[size_ - 1]; }

private:
    const T* data_ = nullptr;
    std::size_t size_ = 0;
};

// A name and a value, both views.
struct string_pair {
    std::string_view name;
    std::string_view value;
    friend bool operator==(const string_pair&, const string_pair&) = default;
};

// A view of name/value pairs from any container of pairs of string-like things that
// outlives the view: a std::map<std::string, std::string>, a vector of pairs, an array of
// string_pair. Temporaries and initializer lists are refused, as for list_view.
class pairs_view {
public:
    constexpr pairs_view() noexcept = default;
    constexpr pairs_view(list_view<string_pair> l) noexcept
        : object_(l.data()), size_(l.size()), visit_(&visit_array) {}

    template <class Range>
        requires(!std::is_same_v<std::remove_cvref_t<Range>, pairs_view> &&
                 !std::is_convertible_v<const Range&, list_view<string_pair>> && requires(const Range& r) {
                     std::string_view(std::get<0>(*std::begin(r)));
                     std::string_view(std::get<1>(*std::begin(r)));
                     std::size(r);
                 })
    pairs_view(const Range& r)
    noexcept : object_(&r), size_(std::size(r)), visit_(&visit_range<Range>) {}
    template <class Range>
        requires(!std::is_lvalue_reference_v<Range> && !std::is_same_v<std::remove_cvref_t<Range>, pairs_view> &&
                 !std::is_same_v<std::remove_cvref_t<Range>, list_view<string_pair>> &&
                 requires(const Range& r) { std::begin(r); })
    pairs_view(Range&&)
    = delete;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // Calls f(name, value) for each pair, in the container's order.
    template <class F>
    void for_each(F&& f) const {
        if (size_ == 0) return;
        auto thunk = [](void* fp, std::string_view n, std::string_view v) { (*static_cast<F*>(fp))(n, v); };
        visit_(object_, size_, &f, thunk);
    }

private:
    using sink = void (*)(void*, std::string_view, std::string_view);

    static void visit_array(const void* object, std::size_t size, void* f, sink call) {
        const auto* p = static_cast<const string_pair*>(object);
        for (std::size_t i = 0; i < size; ++i) call(f, p[i].name, p[i].value);
    }
    template <class Range>
    static void visit_range(const void* object, std::size_t, void* f, sink call) {
        for (const auto& e : *static_cast<const Range*>(object))
            call(f, std::string_view(std::get<0>(e)), std::string_view(std::get<1>(e)));
    }

    const void* object_ = nullptr;
    std::size_t size_ = 0;
    void (*visit_)(const void*, std::size_t, void*, sink) = nullptr;
};

template <class Signature>
class callable_view;

// A view of a callable: calls the caller's function object without owning it, and can make
// an owning std::function of it (the client does when it copies a request).
template <class R, class... Args>
class callable_view<R(Args...)> {
public:
    using function_type = std::function<R(Args...)>;

    constexpr callable_view() noexcept = default;

    // Refers to `f`, which must outlive the view (a temporary lives to the end of its
    // full-expression). An empty std::function or a null function pointer makes an empty view.
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, callable_view> &&
                 std::is_object_v<std::remove_reference_t<F>> && std::is_invocable_r_v<R, F&, Args...>)
    callable_view(F&& f)
    noexcept {
        using object_type = std::remove_reference_t<F>;
        if constexpr (std::is_pointer_v<std::remove_cv_t<object_type>> ||
                      std::is_same_v<std::remove_cv_t<object_type>, function_type>) {
            if (!f) return;
        }
        object_ = const_cast<void*>(static_cast<const void*>(std::addressof(f)));
        call_ = [](void* o, Args... args) -> R {
            return std::invoke(*static_cast<object_type*>(o), std::forward<Args>(args)...);
        };
        own_ = [](void* o) -> function_type { return function_type(*static_cast<object_type*>(o)); };
    }

    explicit operator bool() const noexcept { return call_ != nullptr; }
    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

    // An owning copy of the callable.
    function_type to_function() const { return call_ ? own_(object_) : function_type(); }

private:
    void* object_ = nullptr;
    R (*call_)(void*, Args...) = nullptr;
    function_type (*own_)(void*) = nullptr;
};

} // namespace cirrus
