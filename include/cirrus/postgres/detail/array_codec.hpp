#pragma once
// The array codec's machinery (codec.hpp: type_traits<std::vector<T>>): the text and
// binary array forms and nested vectors. Non-template parts are defined in
// postgres/impl/codec.ipp.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/detail/codec_support.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/field.hpp>
#include <cirrus/postgres/types.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::postgres::detail {

inline constexpr std::size_t max_array_dimensions = 6; // PostgreSQL's MAXDIM

template <class T>
struct array_nesting {
    static constexpr std::size_t depth = 0;
    using element = T;
};
template <class T>
    requires(!std::is_same_v<T, std::byte>)
struct array_nesting<std::vector<T>> {
    static constexpr std::size_t depth = 1 + array_nesting<T>::depth;
    using element = typename array_nesting<T>::element;
};

// Vector nesting depth of T (0 for a non-vector) and the innermost element type.
template <class T>
inline constexpr std::size_t array_depth = array_nesting<T>::depth;
template <class T>
using array_element_t = typename array_nesting<T>::element;

// Sub-arrays are never NULL, so std::vector<std::optional<std::vector<T>>> has no codec.
template <class T>
struct is_optional_array : std::false_type {};
template <class T>
struct is_optional_array<std::optional<T>> : std::bool_constant<(array_depth<T> > 0)> {};

template <class T>
error_code check_value(const T& v) {
    if constexpr (requires { type_traits<T>::check(v); }) return type_traits<T>::check(v);
    else return {};
}

// --- text form

// An array literal: its dimensions (empty for an array without elements) and its
// elements in row-major order, NULL as nullopt.
struct text_array {
    std::vector<std::size_t> dims;
    std::vector<std::optional<std::string>> items;
};

// Parses "{{1,NULL},{\"a b\",4}}", optionally preceded by bounds "[0:1][1:2]=", with
// whitespace around tokens as the server accepts it. Sub-arrays must agree in length at
// each level and elements must all be at the same depth; an empty sub-array ("{{},{}}") is
// malformed, as for the server.
class text_array_parser {
public:
    text_array_parser(std::string_view s, text_array& out) noexcept : s_(s), out_(out) {}

    error_code parse();

private:
    static bool is_space(char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    }
    bool more() const noexcept { return i_ < s_.size(); }
    void skip_space() noexcept {
        while (more() && is_space(s_[i_])) ++i_;
    }
    bool read_bound(std::int32_t& v) noexcept;

    // One brace-enclosed level at s_[i_] == '{'; `level` braces are already open.
    // Recursion is bounded by max_array_dimensions.
    error_code parse_level(std::size_t level);

    error_code parse_element();

    std::string_view s_;
    std::size_t i_ = 0;
    text_array& out_;
    std::size_t ndim_ = 0; // depth of the elements, 0 until the first one
};

CIRRUS_DECL error_code parse_text_array(std::string_view s, text_array& out);

// --- binary form

struct binary_array_header {
    std::int32_t ndim = 0;
    oid_t element_type = 0;
    std::vector<std::int32_t> dims;
    std::size_t count = 0;
};

// Reads the header of a binary array and leaves r at the first element. The element
// count is bounded by the bytes left (each element has at least its 4-byte length), so
// the product of the dimensions cannot overflow and nothing is sized from a lie.
CIRRUS_DECL error_code read_array_header(body_reader& r, binary_array_header& h);

CIRRUS_DECL void append_array_element_text(std::string& out, std::string_view v);

// --- nested vectors

// Fills a nested vector of extents dims[0] x dims[1] x ... with the elements `next`
// produces in row-major order. Every extent is at most the element count, which the
// caller bounded by the input size.
template <class Vec, class Next>
error_code fill_array(Vec& out, const std::size_t* dims, Next& next) {
    out.clear();
    out.reserve(dims[0]);
    for (std::size_t k = 0; k < dims[0]; ++k) {
        if constexpr (array_depth<Vec> == 1) {
            field_data ef;
            if (auto ec = next(ef)) return ec;
            typename Vec::value_type v{};
            if (auto ec = decode_field(ef, v)) return ec;
            out.push_back(std::move(v));
        } else {
            out.emplace_back();
            if (auto ec = fill_array(out.back(), dims + 1, next)) return ec;
        }
    }
    return {};
}

template <class Vec>
error_code decode_array(const field_data& f, Vec& out) {
    constexpr std::size_t depth = array_depth<Vec>;
    out.clear();
    oid_t elem = array_element_oid(f.type);
    std::size_t dims[max_array_dimensions] = {};
    if (f.format == format::binary) {
        body_reader r(f.bytes);
        binary_array_header h;
        if (auto ec = read_array_header(r, h)) return ec;
        if (h.element_type != elem) return bad_value();
        // No elements: the empty array at any depth (the server sends it with no
        // dimensions; a zero extent is read the same way rather than sized).
        if (h.count == 0) return r.at_end() ? error_code{} : bad_value();
        if (static_cast<std::size_t>(h.ndim) != depth) return make_error_code(client_errc::array_dimension_mismatch);
        for (std::size_t d = 0; d < depth; ++d) dims[d] = static_cast<std::size_t>(h.dims[d]);
        auto next = [&](field_data& ef) -> error_code {
            std::int32_t len = r.i32();
            if (!r.ok() || len < -1) return bad_value();
            ef = field_data{elem, format::binary, len == -1, {}};
            if (len >= 0) {
                ef.bytes = r.bytes(static_cast<std::size_t>(len));
                if (!r.ok()) return bad_value();
            }
            return {};
        };
        if (auto ec = fill_array(out, dims, next)) return ec;
        return r.at_end() ? error_code{} : bad_value();
    }
    text_array a;
    if (auto ec = parse_text_array(f.bytes, a)) return ec;
    if (a.items.empty()) return {};
    if (a.dims.size() != depth) return make_error_code(client_errc::array_dimension_mismatch);
    for (std::size_t d = 0; d < depth; ++d) dims[d] = a.dims[d];
    std::size_t at = 0;
    // Elements read as std::string_view must view the field's own bytes, which outlive this
    // call, not the unescaped copies the parser made: each is found in the literal, in
    // order. An element that only exists unescaped (it had backslashes) cannot be a view.
    using element_type = array_element_t<Vec>;
    constexpr bool views = std::is_same_v<element_type, std::string_view> ||
                           std::is_same_v<element_type, std::optional<std::string_view>>;
    std::size_t cursor = 0;
    auto next = [&](field_data& ef) -> error_code {
        if (at == a.items.size()) return bad_value();
        const auto& item = a.items[at++];
        std::string_view bytes = item ? std::string_view(*item) : std::string_view{};
        if constexpr (views) {
            if (item && !item->empty()) {
                const auto pos = f.bytes.find(*item, cursor);
                if (pos == std::string_view::npos) return make_error_code(client_errc::incompatible_type);
                bytes = f.bytes.substr(pos, item->size());
                cursor = pos + item->size();
            }
        }
        ef = field_data{elem, format::text, !item.has_value(), bytes};
        return {};
    };
    return fill_array(out, dims, next);
}

template <class Vec>
void first_extents(const Vec& v, std::size_t* dims) {
    dims[0] = v.size();
    if constexpr (array_depth < Vec >> 1) {
        if (!v.empty()) first_extents(v.front(), dims + 1);
        else
            for (std::size_t d = 1; d < array_depth<Vec>; ++d) dims[d] = 0;
    }
}

template <class Vec>
bool has_extents(const Vec& v, const std::size_t* dims) {
    if (v.size() != dims[0]) return false;
    if constexpr (array_depth < Vec >> 1)
        for (const auto& sub : v)
            if (!has_extents(sub, dims + 1)) return false;
    return true;
}

template <class Vec>
bool has_no_elements(const Vec& v) {
    if constexpr (array_depth<Vec> == 1) {
        return v.empty();
    } else {
        for (const auto& sub : v)
            if (!has_no_elements(sub)) return false;
        return true;
    }
}

// The dimensions of a nested vector as an array parameter: ndim 0 for the empty array
// (a vector with no elements at any depth, as "{{},{}}" is "{}" to the server);
// non_rectangular_array if sub-vectors of one level differ in length and hold elements.
template <class Vec>
error_code array_shape(const Vec& v, std::size_t (&dims)[max_array_dimensions], std::size_t& ndim) {
    constexpr std::size_t depth = array_depth<Vec>;
    ndim = 0;
    first_extents(v, dims);
    if (!has_extents(v, dims))
        return has_no_elements(v) ? error_code{} : make_error_code(client_errc::non_rectangular_array);
    for (std::size_t d = 0; d < depth; ++d) {
        if (dims[d] == 0) return {};
        if (dims[d] > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) return out_of_range();
    }
    ndim = depth;
    return {};
}

template <class Vec>
error_code check_elements(const Vec& v) {
    for (const auto& e : v) {
        if constexpr (array_depth<Vec> == 1) {
            if (auto ec = check_value<typename Vec::value_type>(e)) return ec;
        } else if (auto ec = check_elements(e)) {
            return ec;
        }
    }
    return {};
}

template <class Vec>
void encode_elements(const Vec& v, std::string& out, bool& has_null) {
    for (const auto& e : v) {
        if constexpr (array_depth<Vec> == 1) {
            using E = typename Vec::value_type;
            if (is_null_value<E>(e)) {
                has_null = true;
                put_u32(out, 0xFFFFFFFFu);
                continue;
            }
            std::size_t at = out.size();
            out.append(4, '\0');
            type_traits<E>::encode(e, out);
            store_u32(out.data() + at, static_cast<std::uint32_t>(out.size() - at - 4));
        } else {
            encode_elements(e, out, has_null);
        }
    }
}

} // namespace cirrus::postgres::detail
