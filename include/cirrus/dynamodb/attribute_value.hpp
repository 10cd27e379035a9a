#pragma once
// DynamoDB attribute values: the full model of the wire format.
//
//   S     a UTF-8 string                N     a number, kept as its exact decimal text
//   B     bytes (base64 on the wire)    BOOL  true or false
//   NULL  null                          M     a map of names to values (an item is one)
//   L     a list of values              SS, NS, BS  sets of strings, numbers, bytes
//
// Numbers stay decimal text so that 38 significant digits survive the round trip; the
// typed mapping (dynamodb/mapping.hpp) converts them to C++ numbers where asked.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace cirrus::dynamodb {

enum class attribute_type : std::uint8_t { null, s, n, b, boolean, m, l, ss, ns, bs };

// The wire name of a type: "S", "N", ... "NULL".
constexpr std::string_view type_name(attribute_type t) noexcept {
    switch (t) {
    case attribute_type::null: return "NULL";
    case attribute_type::s: return "S";
    case attribute_type::n: return "N";
    case attribute_type::b: return "B";
    case attribute_type::boolean: return "BOOL";
    case attribute_type::m: return "M";
    case attribute_type::l: return "L";
    case attribute_type::ss: return "SS";
    case attribute_type::ns: return "NS";
    case attribute_type::bs: return "BS";
    }
    return "NULL";
}

class attribute_value;

// An item (and the value of an M attribute): names to values, ordered by name.
using item = std::map<std::string, attribute_value, std::less<>>;
using attribute_list = std::vector<attribute_value>;

class attribute_value {
public:
    // NULL.
    attribute_value() noexcept = default;

    static attribute_value null() { return {}; }
    static attribute_value string(std::string s) { return {attribute_type::s, std::move(s)}; }
    // `decimal` is the number's text as DynamoDB takes it ("12", "-0.5", "1E+3").
    static attribute_value number(std::string decimal) { return {attribute_type::n, std::move(decimal)}; }
    template <class T>
        requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
    static attribute_value number(T v) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return {attribute_type::n, std::string(buf, r.ptr)};
    }
    // Raw bytes (sent as base64).
    static attribute_value binary(std::string bytes) { return {attribute_type::b, std::move(bytes)}; }
    static attribute_value binary(std::span<const std::uint8_t> bytes) {
        return binary(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    }
    static attribute_value boolean(bool b) {
        attribute_value v;
        v.type_ = attribute_type::boolean;
        v.v_ = b;
        return v;
    }
    static attribute_value map(item m) {
        attribute_value v;
        v.type_ = attribute_type::m;
        v.v_ = std::move(m);
        return v;
    }
    static attribute_value list(attribute_list l) {
        attribute_value v;
        v.type_ = attribute_type::l;
        v.v_ = std::move(l);
        return v;
    }
    static attribute_value string_set(std::vector<std::string> s) { return {attribute_type::ss, std::move(s)}; }
    static attribute_value number_set(std::vector<std::string> s) { return {attribute_type::ns, std::move(s)}; }
    static attribute_value binary_set(std::vector<std::string> s) { return {attribute_type::bs, std::move(s)}; }

    // Implicit conversions for building items by hand: {"name", "Ada"}, {"year", 1843}.
    attribute_value(const char* s) : attribute_value(attribute_type::s, std::string(s)) {}
    attribute_value(std::string_view s) : attribute_value(attribute_type::s, std::string(s)) {}
    attribute_value(std::string s) : attribute_value(attribute_type::s, std::move(s)) {}
    template <class T>
        requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
    attribute_value(T v) : attribute_value(number(v)) {}
    template <class T>
        requires std::is_same_v<T, bool> attribute_value(T b) : attribute_value(boolean(b)) {}

        attribute_type type() const noexcept { return type_; }
        bool is_null() const noexcept { return type_ == attribute_type::null; }

        // The value when it has that type, else nullptr.
        const std::string* s() const noexcept { return scalar(attribute_type::s); }
        const std::string* n() const noexcept { return scalar(attribute_type::n); }
        const std::string* b() const noexcept { return scalar(attribute_type::b); }
        const bool* boolean() const noexcept { return std::get_if<bool>(&v_); }
        const item* m() const noexcept { return std::get_if<item>(&v_); }
        item* m() noexcept { return std::get_if<item>(&v_); }
        const attribute_list* l() const noexcept { return std::get_if<attribute_list>(&v_); }
        attribute_list* l() noexcept { return std::get_if<attribute_list>(&v_); }
        const std::vector<std::string>* ss() const noexcept { return set(attribute_type::ss); }
        const std::vector<std::string>* ns() const noexcept { return set(attribute_type::ns); }
        const std::vector<std::string>* bs() const noexcept { return set(attribute_type::bs); }

        // The text of S and N, the bytes of B; the elements of SS, NS and BS.
        const std::string& scalar_text() const noexcept {
            static const std::string empty;
            const auto* p = std::get_if<std::string>(&v_);
            return p ? *p : empty;
        }
        const std::vector<std::string>& set_elements() const noexcept {
            static const std::vector<std::string> empty;
            const auto* p = std::get_if<std::vector<std::string>>(&v_);
            return p ? *p : empty;
        }
        // For the parser: the storage of a scalar or a set, after setting the type.
        std::string& emplace_scalar(attribute_type t) {
            type_ = t;
            return v_.emplace<std::string>();
        }
        std::vector<std::string>& emplace_set(attribute_type t) {
            type_ = t;
            return v_.emplace<std::vector<std::string>>();
        }
        item& emplace_map() {
            type_ = attribute_type::m;
            return v_.emplace<item>();
        }
        attribute_list& emplace_list() {
            type_ = attribute_type::l;
            return v_.emplace<attribute_list>();
        }

        // The number as T, when it is an N that T holds exactly (integers) or that parses
        // (floating point).
        template <class T>
            requires std::is_arithmetic_v<T>
        bool get_number(T& out) const noexcept {
            const std::string* t = n();
            if (t == nullptr) return false;
            const char* first = t->data();
            const char* last = first + t->size();
            if (first != last && *first == '+') ++first;
            const auto r = std::from_chars(first, last, out);
            return r.ec == std::errc{} && r.ptr == last;
        }

        friend bool operator==(const attribute_value& a, const attribute_value& b) {
            return a.type_ == b.type_ && a.v_ == b.v_;
        }

    private:
        attribute_value(attribute_type t, std::string s) : type_(t), v_(std::move(s)) {}
        attribute_value(attribute_type t, std::vector<std::string> s) : type_(t), v_(std::move(s)) {}

        const std::string* scalar(attribute_type t) const noexcept {
            return type_ == t ? std::get_if<std::string>(&v_) : nullptr;
        }
        const std::vector<std::string>* set(attribute_type t) const noexcept {
            return type_ == t ? std::get_if<std::vector<std::string>>(&v_) : nullptr;
        }

        attribute_type type_ = attribute_type::null;
        std::variant<std::monostate, std::string, bool, item, attribute_list, std::vector<std::string>> v_;
};

// A view of an item that a request names; the client copies the item when the operation
// starts, so it needs to live only until the initiating call returns.
class item_view {
public:
    constexpr item_view() noexcept = default;
    // Exact types only, so that nothing else converts (see core/detail/owned_copy.hpp).
    template <class T>
        requires std::is_same_v<T, item>
    constexpr item_view(const T& i) noexcept : p_(&i) {}
    template <class T>
        requires std::is_same_v<T, item> item_view(T&&)
    = delete;

    const item* get() const noexcept { return p_; }
    bool empty() const noexcept { return p_ == nullptr || p_->empty(); }
    explicit operator bool() const noexcept { return p_ != nullptr; }

    template <class Pass>
    void walk_views(Pass& pass) {
        if (p_ == nullptr) return;
        if (const item* copy = pass.template make<item>(*p_)) p_ = copy;
    }

private:
    const item* p_ = nullptr;
};

} // namespace cirrus::dynamodb
