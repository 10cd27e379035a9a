#pragma once
// Responses read straight into described structs, without building dynamodb::item maps
// (simdjson on demand). The same mapping as dynamodb::from_item (mapping.hpp): a struct's
// fields by their Boost.Describe names, a missing field an error unless it is optional,
// a value of the wrong type an error (errc::validation); text that is not what DynamoDB
// sends is errc::malformed_response.
//
//   dynamodb::typed_reader reader;             // keep it: its parser's buffers are reused
//   std::vector<row> rows;                     // keep it: its strings keep their storage
//   if (auto ec = reader.query_items(body, rows)) ...
//
// Reused between calls, the reader, the vector and the strings of its structs allocate
// nothing once they have grown to the largest response: strings are assigned in place,
// vectors are resized. The body is padded in place (simdjson reads past the end).
//
// Field types: those of dynamodb::mappable except attribute_value and item (use
// from_item for those). This header includes <simdjson.h>: include it only in the
// translation units that read typed responses.

#include <cirrus/core/base64.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/mapping.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::dynamodb {

namespace detail::typed {

namespace od = simdjson::ondemand;

// As the item reader's limit (DynamoDB allows 32 levels of nesting).
inline constexpr int max_depth = 64;

inline error_code malformed() noexcept { return make_error_code(errc::malformed_response); }
inline error_code mismatch() noexcept { return make_error_code(errc::validation); }

// Where an item did not fit the struct, gathered while the error unwinds: the path's
// segments innermost first (the deepest max_segments of them), each a field's or a map
// key's name, or a list index. Names view the structs' descriptions or the response, so
// they are read before the next response is.
struct mismatch_path {
    static constexpr std::size_t max_segments = 8;
    static constexpr std::size_t no_index = static_cast<std::size_t>(-1);
    struct segment {
        std::string_view name;
        std::size_t index = no_index; // of a list element (no name)
    };
    std::array<segment, max_segments> segments{};
    std::size_t size = 0;
    bool truncated = false; // segments further out were dropped
    bool missing = false;   // the innermost field is missing, not of another type
    std::size_t item = 0;   // of a page: the item's index
    bool in_page = false;

    void clear() noexcept { *this = mismatch_path{}; }
    void add(std::string_view name) noexcept { add(segment{name, no_index}); }
    void add_index(std::size_t index) noexcept { add(segment{{}, index}); }
    void add(segment s) noexcept {
        if (size < max_segments) segments[size++] = s;
        else truncated = true;
    }

    // `item 3, field "address.zip" is missing`, `field "tags[1]" has another type`.
    std::string describe() const {
        std::string out;
        if (in_page) {
            out += "item ";
            out += std::to_string(item);
            out += ", ";
        }
        out += "field \"";
        if (truncated) out += "..";
        for (std::size_t i = size; i-- > 0;) {
            const segment& s = segments[i];
            if (s.index != no_index) {
                out += '[';
                out += std::to_string(s.index);
                out += ']';
                continue;
            }
            if (i + 1 != size || truncated) out += '.';
            out += s.name;
        }
        out += missing ? "\" is missing" : "\" has another type";
        return out;
    }
};

// A JSON string's text: in place when it has no escapes, else unescaped by simdjson.
inline error_code text_of(od::value v, std::string_view& out) {
    std::string_view tok = v.raw_json_token();
    while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' || tok.back() == '\t'))
        tok.remove_suffix(1);
    if (tok.size() >= 2 && tok.front() == '"' && tok.back() == '"' && tok.find('\\') == std::string_view::npos) {
        out = tok.substr(1, tok.size() - 2);
        return {};
    }
    return v.get_string().get(out) == simdjson::SUCCESS ? error_code{} : malformed();
}

// Calls f(key, value) for each field of an object (keys without escapes read in place).
template <class F>
error_code fields(od::value v, F&& f) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return malformed();
    for (auto field_result : obj) {
        od::field field;
        if (std::move(field_result).get(field) != simdjson::SUCCESS) return malformed();
        std::string_view key;
        const char* first = field.key().raw();
        const char* last = first;
        while (*last != '"' && *last != '\\') ++last; // the document's strings are closed
        if (*last == '"') key = std::string_view(first, static_cast<std::size_t>(last - first));
        else if (field.unescaped_key().get(key) != simdjson::SUCCESS) return malformed();
        if (auto ec = f(key, field.value())) return ec;
    }
    return {};
}

template <class F>
error_code elements(od::value v, F&& f) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return malformed();
    for (auto element_result : arr) {
        od::value element;
        if (std::move(element_result).get(element) != simdjson::SUCCESS) return malformed();
        if (auto ec = f(element)) return ec;
    }
    return {};
}

template <class T>
error_code read_attribute(od::value v, T& out, int depth, mismatch_path& where);
template <class T>
error_code read_typed_value(std::string_view type, od::value val, T& out, int depth, mismatch_path& where);

// The fields of an M (or of an item) into a described struct.
template <class T>
error_code read_struct(od::value v, T& out, int depth, mismatch_path& where) {
    if (depth > max_depth) return malformed();
    using members = boost::describe::describe_members<T, boost::describe::mod_public>;
    constexpr std::size_t count = boost::mp11::mp_size<members>::value;
    static_assert(count <= 64, "typed_reader reads structs of at most 64 fields");
    std::uint64_t seen = 0;
    auto ec = fields(v, [&](std::string_view key, od::value val) -> error_code {
        error_code r;
        bool known = false;
        std::size_t index = 0;
        boost::mp11::mp_for_each<members>([&](auto d) {
            if (!known && key == d.name) {
                known = true;
                seen |= std::uint64_t{1} << index;
                r = read_attribute(val, out.*d.pointer, depth + 1, where);
                if (r == errc::validation) where.add(d.name);
            }
            ++index;
        });
        return r; // an attribute the struct does not name is skipped
    });
    if (ec) return ec;
    std::size_t index = 0;
    boost::mp11::mp_for_each<members>([&](auto d) {
        using field_type = std::remove_cvref_t<decltype(out.*d.pointer)>;
        if (!(seen & (std::uint64_t{1} << index))) {
            if constexpr (is_std_optional<field_type>::value) (out.*d.pointer).reset();
            else if (!ec) {
                ec = mismatch();
                where.missing = true;
                where.add(d.name);
            }
        }
        ++index;
    });
    return ec;
}

// An attribute value {"<type>": <value>} into T.
template <class T>
error_code read_attribute(od::value v, T& out, int depth, mismatch_path& where) {
    static_assert(mappable<T>, "this type does not map to a DynamoDB attribute (see dynamodb::mappable)");
    static_assert(!std::is_same_v<T, attribute_value> && !std::is_same_v<T, item>,
                  "typed_reader reads typed fields only: read attribute_value and item fields with from_item");
    if (depth > max_depth) return malformed();
    bool one = false;
    auto ec = fields(v, [&](std::string_view type, od::value val) -> error_code {
        if (one) return malformed(); // one type per value
        one = true;
        if constexpr (is_std_optional<T>::value) {
            if (type == "NULL") {
                out.reset();
                return {};
            }
            if (!out) out.emplace();
            // The value object is being iterated: read this field's value as the element's.
            return read_typed_value(type, val, *out, depth, where);
        } else {
            return read_typed_value(type, val, out, depth, where);
        }
    });
    if (ec) return ec;
    return one ? error_code{} : malformed();
}

// The value of one attribute whose type key is `type`.
template <class T>
error_code read_typed_value(std::string_view type, od::value val, T& out, int depth, mismatch_path& where) {
    if constexpr (std::is_same_v<T, bool>) {
        if (type != "BOOL") return mismatch();
        return val.get_bool().get(out) == simdjson::SUCCESS ? error_code{} : malformed();
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
        if (type != "N") return mismatch();
        std::string_view t;
        if (auto ec = text_of(val, t)) return ec;
        if (!t.empty() && t.front() == '+') t.remove_prefix(1);
        if constexpr (std::is_enum_v<T>) {
            std::underlying_type_t<T> u{};
            const auto r = std::from_chars(t.data(), t.data() + t.size(), u);
            if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) return mismatch();
            out = static_cast<T>(u);
        } else {
            const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
            if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) return mismatch();
        }
        return {};
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (type != "S") return mismatch();
        std::string_view t;
        if (auto ec = text_of(val, t)) return ec;
        out.assign(t);
        return {};
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (type != "N") return mismatch();
        std::string_view t;
        if (auto ec = text_of(val, t)) return ec;
        out.text.assign(t);
        return {};
    } else if constexpr (std::is_same_v<T, bytes>) {
        if (type != "B") return mismatch();
        std::string_view t;
        if (auto ec = text_of(val, t)) return ec;
        auto decoded = cirrus::base64::decode(t);
        if (!decoded) return malformed();
        out.data = std::move(*decoded);
        return {};
    } else if constexpr (is_string_set<T>::value) {
        if (type != "SS") return mismatch();
        out.clear();
        return elements(val, [&](od::value e) -> error_code {
            std::string_view t;
            if (auto ec = text_of(e, t)) return ec;
            out.emplace(t);
            return {};
        });
    } else if constexpr (described<T>) {
        if (type != "M") return mismatch();
        return read_struct(val, out, depth + 1, where);
    } else if constexpr (is_std_vector<T>::value) {
        if (type != "L") return mismatch();
        std::size_t n = 0;
        auto ec = elements(val, [&](od::value e) -> error_code {
            if (n == out.size()) out.emplace_back();
            const error_code r = read_attribute(e, out[n], depth + 1, where);
            if (r == errc::validation) where.add_index(n);
            ++n;
            return r;
        });
        out.resize(n);
        return ec;
    } else {
        static_assert(is_string_map<T>::value);
        if (type != "M") return mismatch();
        out.clear();
        return fields(val, [&](std::string_view key, od::value e) -> error_code {
            const error_code r = read_attribute(e, out[std::string(key)], depth + 1, where);
            if (r == errc::validation) where.add(key);
            return r;
        });
    }
}

// read_member's T when the member is only looked for.
struct no_struct {};

inline simdjson::padded_string_view padded(std::string& body) {
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING)
        body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

} // namespace detail::typed

// Keep one per thread (or per client); not thread-safe.
class typed_reader {
public:
    // The "Items" of a Query or Scan response into `out` (resized to the page's items;
    // existing elements are overwritten in place). `count` and `scanned_count` are set when
    // given; LastEvaluatedKey is not read (query_page reads it).
    template <class T>
        requires detail::described<T> error_code query_items(std::string& body, std::vector<T>& out,
                                                             std::int64_t* count = nullptr,
                                                             std::int64_t* scanned_count = nullptr) {
            return read_page(body, out, count, scanned_count, nullptr);
        }

    // The same, and the page's LastEvaluatedKey as the response's JSON text into
    // `last_evaluated_key` (cleared on the last page): what the next request's
    // ExclusiveStartKey is, written back as it came.
    template <class T>
        requires detail::described<T> error_code query_page(std::string& body, std::vector<T>& out, std::int64_t& count,
                                                            std::int64_t& scanned_count,
                                                            std::string& last_evaluated_key) {
            last_evaluated_key.clear();
            return read_page(body, out, &count, &scanned_count, &last_evaluated_key);
        }

    // The "Item" of a GetItem response into `out`; `found` is false (and `out` untouched)
    // when the response has no item.
    // (The body of a ConditionalCheckFailedException asked for the item as it was has it
    // under "Item" too.)
    template <class T>
        requires detail::described<T> error_code get_item(std::string& body, T& out, bool& found) {
            return read_member(body, "Item", &out, found);
        }

    // The "Attributes" of a PutItem, UpdateItem or DeleteItem response (what ReturnValues
    // asked for) into `out`; `found` is false (and `out` untouched) when it has none.
    template <class T>
        requires detail::described<T> error_code attributes(std::string& body, T& out, bool& found) {
            return read_member(body, "Attributes", &out, found);
        }

    // Whether the response has "Attributes" (a DeleteItem's old item), without reading them.
    error_code has_attributes(std::string& body, bool& found) {
        return read_member<detail::typed::no_struct>(body, "Attributes", nullptr, found);
    }

    // After errc::validation (an item that does not fit the struct), which field of which
    // item: `item 3, field "address.zip" is missing`, `field "tags[1]" has another type`.
    // Read it before the next response is read.
    std::string mismatch() const { return where_.describe(); }

private:
    // The member `name` of the response's object into *out (skipped when out is null).
    template <class T>
    error_code read_member(std::string& body, std::string_view name, T* out, bool& found) {
        namespace t = detail::typed;
        found = false;
        where_.clear();
        t::od::document doc;
        if (parser_.iterate(t::padded(body)).get(doc) != simdjson::SUCCESS) return t::malformed();
        t::od::value root;
        if (doc.get_value().get(root) != simdjson::SUCCESS) return t::malformed();
        return t::fields(root, [&](std::string_view key, t::od::value v) -> error_code {
            if (key != name) return {};
            found = true;
            if constexpr (std::is_same_v<T, t::no_struct>) return {};
            else return t::read_struct(v, *out, 0, where_);
        });
    }

    template <class T>
    error_code read_page(std::string& body, std::vector<T>& out, std::int64_t* count, std::int64_t* scanned_count,
                         std::string* last_evaluated_key) {
        namespace t = detail::typed;
        where_.clear();
        t::od::document doc;
        if (parser_.iterate(t::padded(body)).get(doc) != simdjson::SUCCESS) return t::malformed();
        t::od::value root;
        if (doc.get_value().get(root) != simdjson::SUCCESS) return t::malformed();
        std::size_t n = 0;
        auto ec = t::fields(root, [&](std::string_view key, t::od::value v) -> error_code {
            if (key == "Items")
                return t::elements(v, [&](t::od::value e) -> error_code {
                    if (n == out.size()) out.emplace_back();
                    const error_code r = t::read_struct(e, out[n], 0, where_);
                    if (r == errc::validation) {
                        where_.in_page = true;
                        where_.item = n;
                    }
                    ++n;
                    return r;
                });
            if (key == "LastEvaluatedKey" && last_evaluated_key != nullptr) {
                t::od::object key_object;
                std::string_view text;
                if (v.get_object().get(key_object) != simdjson::SUCCESS ||
                    key_object.raw_json().get(text) != simdjson::SUCCESS)
                    return t::malformed();
                last_evaluated_key->assign(text);
                return {};
            }
            std::int64_t* target = key == "Count" ? count : key == "ScannedCount" ? scanned_count : nullptr;
            if (target != nullptr && v.get_int64().get(*target) != simdjson::SUCCESS) return t::malformed();
            return {};
        });
        out.resize(n);
        return ec;
    }

    simdjson::ondemand::parser parser_;
    detail::typed::mismatch_path where_;
};

} // namespace cirrus::dynamodb
