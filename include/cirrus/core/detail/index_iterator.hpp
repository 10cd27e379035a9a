#pragma once
// The iterator of a container whose elements are views made on demand from the container
// and an index (the rows of a postgres::resultset, the fields of an http::header_map):
// random access, and `*it` is Value(container, index), a view by value.

#include <compare>
#include <cstddef>
#include <iterator>
#include <utility>

namespace cirrus::detail {

template <class Container, class Value>
class index_iterator {
public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Value;
    using pointer = void;

    index_iterator() = default;
    index_iterator(const Container* c, std::size_t i) noexcept : c_(c), i_(i) {}

    Value operator*() const noexcept { return Value(c_, i_); }
    Value operator[](difference_type n) const noexcept { return Value(c_, i_ + static_cast<std::size_t>(n)); }
    index_iterator& operator++() noexcept { return *this += 1; }
    index_iterator& operator--() noexcept { return *this -= 1; }
    index_iterator operator++(int) noexcept { return std::exchange(*this, *this + 1); }
    index_iterator operator--(int) noexcept { return std::exchange(*this, *this - 1); }
    index_iterator& operator+=(difference_type n) noexcept {
        i_ += static_cast<std::size_t>(n);
        return *this;
    }
    index_iterator& operator-=(difference_type n) noexcept { return *this += -n; }
    friend index_iterator operator+(index_iterator a, difference_type n) noexcept { return a += n; }
    friend index_iterator operator+(difference_type n, index_iterator a) noexcept { return a += n; }
    friend index_iterator operator-(index_iterator a, difference_type n) noexcept { return a -= n; }
    friend difference_type operator-(const index_iterator& a, const index_iterator& b) noexcept {
        return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const index_iterator& a, const index_iterator& b) noexcept { return a.i_ == b.i_; }
    friend auto operator<=>(const index_iterator& a, const index_iterator& b) noexcept { return a.i_ <=> b.i_; }

private:
    const Container* c_ = nullptr;
    std::size_t i_ = 0;
};

} // namespace cirrus::detail
