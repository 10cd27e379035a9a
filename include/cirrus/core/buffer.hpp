#pragma once
// A growable byte buffer with inline storage, for building canonical requests, headers
// and protocol messages without an allocation per piece. Clearing keeps the capacity,
// so a buffer reused across requests stops allocating once it has seen the largest one.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace cirrus {

template <std::size_t InlineCapacity = 512>
class basic_buffer {
public:
    basic_buffer() noexcept = default;
    basic_buffer(const basic_buffer& other) { append(other.view()); }
    basic_buffer& operator=(const basic_buffer& other) {
        if (this != &other) {
            clear();
            append(other.view());
        }
        return *this;
    }
    basic_buffer(basic_buffer&& other) noexcept { take(std::move(other)); }
    basic_buffer& operator=(basic_buffer&& other) noexcept {
        if (this != &other) {
            heap_.reset();
            data_ = inline_;
            capacity_ = InlineCapacity;
            size_ = 0;
            take(std::move(other));
        }
        return *this;
    }
    ~basic_buffer() = default;

    char* data() noexcept { return data_; }
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    bool empty() const noexcept { return size_ == 0; }
    std::string_view view() const noexcept { return {data_, size_}; }
    std::span<const std::uint8_t> bytes() const noexcept {
        return {reinterpret_cast<const std::uint8_t*>(data_), size_};
    }
    char& operator[](std::size_t i) noexcept { return data_[i]; }
    char operator[](std::size_t i) const noexcept { return data_[i]; }

    void clear() noexcept { size_ = 0; }
    void reserve(std::size_t n) {
        if (n > capacity_) grow(n);
    }
    void resize(std::size_t n) {
        reserve(n);
        size_ = n;
    }
    // Drops the last n bytes (n <= size()).
    void shrink_by(std::size_t n) noexcept { size_ -= n; }

    void push_back(char c) {
        if (size_ == capacity_) grow(size_ + 1);
        data_[size_++] = c;
    }
    void append(std::string_view s) {
        if (s.empty()) return;
        reserve(size_ + s.size());
        std::memcpy(data_ + size_, s.data(), s.size());
        size_ += s.size();
    }
    basic_buffer& operator+=(std::string_view s) {
        append(s);
        return *this;
    }
    basic_buffer& operator+=(char c) {
        push_back(c);
        return *this;
    }
    // Reserves n bytes at the end and returns where to write them.
    char* extend(std::size_t n) {
        reserve(size_ + n);
        char* p = data_ + size_;
        size_ += n;
        return p;
    }

private:
    void grow(std::size_t needed) {
        std::size_t cap = std::max(needed, capacity_ * 2);
        auto fresh = std::make_unique_for_overwrite<char[]>(cap);
        if (size_ != 0) std::memcpy(fresh.get(), data_, size_);
        heap_ = std::move(fresh);
        data_ = heap_.get();
        capacity_ = cap;
    }
    void take(basic_buffer&& other) noexcept {
        if (other.heap_) {
            heap_ = std::move(other.heap_);
            data_ = heap_.get();
            capacity_ = other.capacity_;
            size_ = other.size_;
        } else {
            std::memcpy(inline_, other.inline_, other.size_);
            size_ = other.size_;
        }
        other.data_ = other.inline_;
        other.capacity_ = InlineCapacity;
        other.size_ = 0;
    }

    char inline_[InlineCapacity];
    std::unique_ptr<char[]> heap_;
    char* data_ = inline_;
    std::size_t size_ = 0;
    std::size_t capacity_ = InlineCapacity;
};

using buffer = basic_buffer<>;

} // namespace cirrus
