#pragma once
// The header fields of a response: names and values in one reusable buffer.
//
// A response object that is reused for request after request keeps the capacity of its
// header_map, so reading the headers of the next response allocates nothing. Lookups are
// ASCII case-insensitive and linear: responses carry a dozen or two fields. Repeated fields
// are kept in the order received; get() returns the first.

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/detail/index_iterator.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::http {

class header_map {
    struct slot {
        std::uint32_t name_offset, name_size, value_offset, value_size;
    };

public:
    // One field, a view into the map (valid until the map changes).
    class field {
    public:
        std::string_view name() const noexcept { return {map_->text_.data() + slot_.name_offset, slot_.name_size}; }
        std::string_view value() const noexcept { return {map_->text_.data() + slot_.value_offset, slot_.value_size}; }
        // The spelling Boost.Beast's fields use, for code written against either.
        std::string_view name_string() const noexcept { return name(); }

    private:
        friend class cirrus::detail::index_iterator<header_map, field>;
        field(const header_map* m, std::size_t i) noexcept : map_(m), slot_(m->slots_[i]) {}
        const header_map* map_;
        slot slot_;
    };

    using const_iterator = cirrus::detail::index_iterator<header_map, field>;

    const_iterator begin() const noexcept { return {this, 0}; }
    const_iterator end() const noexcept { return {this, slots_.size()}; }
    std::size_t size() const noexcept { return slots_.size(); }
    bool empty() const noexcept { return slots_.empty(); }

    // Forgets every field and keeps the storage.
    void clear() noexcept {
        text_.clear();
        slots_.clear();
    }

    // Adds a field after the others (a repeated name is kept as another field).
    void append(std::string_view name, std::string_view value) {
        slot s{};
        s.name_offset = static_cast<std::uint32_t>(text_.size());
        s.name_size = static_cast<std::uint32_t>(name.size());
        text_.append(name);
        s.value_offset = static_cast<std::uint32_t>(text_.size());
        s.value_size = static_cast<std::uint32_t>(value.size());
        text_.append(value);
        slots_.push_back(s);
    }

    // Replaces every field of that name by one with this value.
    void set(std::string_view name, std::string_view value) {
        erase(name);
        append(name, value);
    }

    // Removes every field of that name; returns how many there were.
    std::size_t erase(std::string_view name) {
        const auto before = slots_.size();
        std::erase_if(slots_, [&](const slot& s) {
            return ascii::iequals(std::string_view(text_.data() + s.name_offset, s.name_size), name);
        });
        return before - slots_.size();
    }

    // The first field of that name, or end().
    const_iterator find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < slots_.size(); ++i)
            if (ascii::iequals(std::string_view(text_.data() + slots_[i].name_offset, slots_[i].name_size), name))
                return {this, i};
        return end();
    }
    bool contains(std::string_view name) const noexcept { return find(name) != end(); }
    std::size_t count(std::string_view name) const noexcept {
        std::size_t n = 0;
        for (const auto& s : slots_)
            if (ascii::iequals(std::string_view(text_.data() + s.name_offset, s.name_size), name)) ++n;
        return n;
    }

    // The value of the first field of that name; empty when there is none.
    std::string_view get(std::string_view name) const noexcept {
        const auto it = find(name);
        return it == end() ? std::string_view{} : (*it).value();
    }
    std::string_view operator[](std::string_view name) const noexcept { return get(name); }

private:
    std::string text_;
    std::vector<slot> slots_;
};

} // namespace cirrus::http
