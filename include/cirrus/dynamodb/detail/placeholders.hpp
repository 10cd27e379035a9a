#pragma once
// The placeholders of a request's expressions, numbered together as the request is
// written (dynamodb/impl/serialize.ipp, and the typed operations of dynamodb/typed.hpp).

#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/expression.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb::detail {

// The first N elements in place, the rest on the heap: the names and values of most
// requests then cost no allocation.
template <class T, std::size_t N>
class short_list {
public:
    void push_back(T v) {
        if (size_ < N) inline_[size_] = v;
        else more_.push_back(v);
        ++size_;
    }
    T operator[](std::size_t i) const noexcept { return i < N ? inline_[i] : more_[i - N]; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    std::array<T, N> inline_{};
    std::vector<T> more_;
    std::size_t size_ = 0;
};

// Numbers the placeholders of every expression of one request (or one item of a
// transaction): #n0, #n1 ... for names (each name once) and :v0, :v1 ... for values.
class placeholders {
public:
    // Writes "key": "<the expression with its placeholders numbered>".
    void field(json_writer& w, std::string_view key, const expression& e) {
        const std::string_view t = e.text();
        w.key(key);
        w.begin_string();
        std::size_t run = 0; // the text since the last placeholder
        for (std::size_t i = 0; i < t.size(); ++i) {
            const char c = t[i];
            if (c != name_mark && c != value_mark) continue;
            w.string_piece(t.substr(run, i - run));
            std::size_t index = 0;
            std::size_t j = i + 1;
            for (; j < t.size() && t[j] != end_mark; ++j) index = index * 10 + static_cast<std::size_t>(t[j] - '0');
            i = j;
            run = j + 1;
            if (c == name_mark) {
                const std::string_view name = index < e.names().size() ? std::string_view(e.names()[index]) : "";
                std::size_t n = 0;
                while (n < names_.size() && names_[n] != name) ++n;
                if (n == names_.size()) names_.push_back(name);
                w.string_piece(numbered(name_prefix, n));
            } else {
                values_.push_back(index < e.values().size() ? &e.values()[index] : nullptr);
                w.string_piece(numbered(value_prefix, values_.size() - 1));
            }
        }
        if (run < t.size()) w.string_piece(t.substr(run));
        w.end_string();
    }
    void field(json_writer& w, std::string_view key, const expression_view& e) {
        if (!e.empty()) field(w, key, *e.get());
    }

    // ExpressionAttributeNames and ExpressionAttributeValues, when there are any.
    void write_maps(json_writer& w) {
        if (!names_.empty()) {
            w.key("ExpressionAttributeNames");
            w.begin_object();
            for (std::size_t i = 0; i < names_.size(); ++i) {
                w.key(numbered(name_prefix, i));
                w.string(names_[i]);
            }
            w.end_object();
        }
        if (!values_.empty()) {
            w.key("ExpressionAttributeValues");
            w.begin_object();
            for (std::size_t i = 0; i < values_.size(); ++i) {
                w.key(numbered(value_prefix, i));
                w.value(values_[i] ? *values_[i] : attribute_value{});
            }
            w.end_object();
        }
    }

private:
    static constexpr std::string_view name_prefix = "#n";
    static constexpr std::string_view value_prefix = ":v";

    // "#n3", ":v12": in buf_, valid until the next call.
    std::string_view numbered(std::string_view prefix, std::size_t n) {
        prefix.copy(buf_, prefix.size());
        const auto r = std::to_chars(buf_ + prefix.size(), buf_ + sizeof buf_, n);
        return {buf_, static_cast<std::size_t>(r.ptr - buf_)};
    }

    short_list<std::string_view, 8> names_;
    short_list<const attribute_value*, 8> values_;
    char buf_[24];
};

} // namespace cirrus::dynamodb::detail
