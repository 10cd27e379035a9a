#pragma once
// Definitions for postgres/codec.hpp, postgres/detail/codec_support.hpp and
// postgres/detail/array_codec.hpp.

#include <cirrus/postgres/codec.hpp>

namespace cirrus::postgres::detail {

CIRRUS_DECL bool is_text_like(oid_t t) noexcept {
    switch (t) {
    case oids::text:
    case oids::varchar:
    case oids::bpchar:
    case oids::name:
    case oids::char_:
    case oids::json:
    case oids::xml:
    case oids::unknown: return true;
    default: return false;
    }
}

CIRRUS_DECL bool is_integer_type(oid_t t) noexcept {
    return t == oids::int2 || t == oids::int4 || t == oids::int8 || t == oids::oid;
}

CIRRUS_DECL error_code read_integer(const field_data& f, std::int64_t& v) noexcept {
    if (f.format == format::binary) {
        const char* p = f.bytes.data();
        switch (f.type) {
        case oids::int2:
            if (f.bytes.size() != 2) return bad_value();
            v = static_cast<std::int16_t>(load_u16(p));
            return {};
        case oids::int4:
            if (f.bytes.size() != 4) return bad_value();
            v = static_cast<std::int32_t>(load_u32(p));
            return {};
        case oids::oid:
            if (f.bytes.size() != 4) return bad_value();
            v = load_u32(p);
            return {};
        case oids::int8:
            if (f.bytes.size() != 8) return bad_value();
            v = static_cast<std::int64_t>(load_u64(p));
            return {};
        default: return make_error_code(client_errc::incompatible_type);
        }
    }
    auto s = f.bytes;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc::result_out_of_range) return out_of_range();
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return bad_value();
    return {};
}

CIRRUS_DECL error_code parse_bytea_text(std::string_view s, bytea& out) {
    out.clear();
    if (s.starts_with("\\x")) {
        s.remove_prefix(2);
        out.reserve(s.size() / 2);
        std::size_t i = 0;
        while (i < s.size()) {
            if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
                ++i;
                continue;
            }
            if (i + 1 >= s.size()) return bad_value();
            int hi = hex::digit_value(s[i]), lo = hex::digit_value(s[i + 1]);
            if (hi < 0 || lo < 0) return bad_value();
            out.push_back(static_cast<std::byte>((hi << 4) | lo));
            i += 2;
        }
        return {};
    }
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(static_cast<std::byte>(s[i]));
        } else if (i + 1 < s.size() && s[i + 1] == '\\') {
            out.push_back(std::byte{'\\'});
            ++i;
        } else if (i + 3 < s.size() + 0 && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
                   s[i + 3] >= '0' && s[i + 3] <= '7') {
            out.push_back(static_cast<std::byte>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0')));
            i += 3;
        } else {
            return bad_value();
        }
    }
    return {};
}

CIRRUS_DECL error_code pg_to_unix_usecs(std::int64_t pg, std::int64_t& unix_usecs) noexcept {
    if (__builtin_add_overflow(pg, pg_epoch_usecs, &unix_usecs)) return out_of_range();
    return {};
}

CIRRUS_DECL error_code read_timestamp(const field_data& f, bool with_zone, std::int64_t& usecs, special& sp) {
    sp = special::none;
    if (f.format == format::binary) {
        if (f.bytes.size() != 8) return bad_value();
        auto v = static_cast<std::int64_t>(load_u64(f.bytes.data()));
        if (v == std::numeric_limits<std::int64_t>::max()) {
            sp = special::pos_infinity;
            return {};
        }
        if (v == std::numeric_limits<std::int64_t>::min()) {
            sp = special::neg_infinity;
            return {};
        }
        return pg_to_unix_usecs(v, usecs);
    }
    sp = special_value(f.bytes);
    if (sp != special::none) return {};
    bool overflow = false;
    if (parse_timestamp_text(f.bytes, with_zone, usecs, &overflow)) return {};
    return overflow ? out_of_range() : bad_value();
}

CIRRUS_DECL error_code write_timestamp(std::int64_t unix_usecs, std::string& out) {
    std::int64_t pg;
    if (__builtin_sub_overflow(unix_usecs, pg_epoch_usecs, &pg)) return out_of_range();
    put_u64(out, static_cast<std::uint64_t>(pg));
    return {};
}

CIRRUS_DECL error_code text_array_parser::parse() {
    out_.dims.clear();
    out_.items.clear();
    std::size_t declared[max_array_dimensions];
    std::size_t ndeclared = 0;
    skip_space();
    while (more() && s_[i_] == '[') {
        if (ndeclared == max_array_dimensions) return bad_value();
        ++i_;
        std::int32_t lower = 1, upper = 0;
        if (!read_bound(upper)) return bad_value();
        if (more() && s_[i_] == ':') {
            ++i_;
            lower = upper;
            if (!read_bound(upper)) return bad_value();
        }
        if (!more() || s_[i_] != ']' || upper < lower) return bad_value();
        ++i_;
        declared[ndeclared++] = static_cast<std::size_t>(std::int64_t{upper} - lower + 1);
        skip_space();
    }
    if (ndeclared != 0) {
        if (!more() || s_[i_] != '=') return bad_value();
        ++i_;
        skip_space();
    }
    if (!more() || s_[i_] != '{') return bad_value();
    std::size_t open = i_++;
    skip_space();
    if (more() && s_[i_] == '}') {
        ++i_; // "{}": no elements, no dimensions
    } else {
        i_ = open;
        if (auto ec = parse_level(0)) return ec;
    }
    skip_space();
    if (more()) return bad_value();
    if (ndeclared != 0) {
        if (ndeclared != out_.dims.size()) return bad_value();
        for (std::size_t d = 0; d < ndeclared; ++d)
            if (declared[d] != out_.dims[d]) return bad_value();
    }
    return {};
}

CIRRUS_DECL bool text_array_parser::read_bound(std::int32_t& v) noexcept {
    auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (r.ec != std::errc()) return false;
    i_ = static_cast<std::size_t>(r.ptr - s_.data());
    return true;
}

CIRRUS_DECL error_code text_array_parser::parse_level(std::size_t level) {
    if (level == max_array_dimensions) return bad_value();
    ++i_;
    skip_space();
    bool holds_arrays = more() && s_[i_] == '{';
    // Elements all sit at the depth of the first one.
    if (holds_arrays) {
        if (ndim_ != 0 && level + 1 >= ndim_) return bad_value();
    } else if (ndim_ == 0) {
        ndim_ = level + 1;
    } else if (ndim_ != level + 1) {
        return bad_value();
    }
    if (out_.dims.size() == level) out_.dims.push_back(0);
    std::size_t n = 0;
    for (;;) {
        skip_space();
        if (!more()) return bad_value();
        if (holds_arrays) {
            if (s_[i_] != '{') return bad_value();
            if (auto ec = parse_level(level + 1)) return ec;
        } else if (auto ec = parse_element()) {
            return ec;
        }
        ++n;
        skip_space();
        if (!more()) return bad_value();
        if (s_[i_] == ',') {
            ++i_;
            continue;
        }
        if (s_[i_] != '}') return bad_value();
        ++i_;
        break;
    }
    // Every sub-array of a level has the length of the first one.
    if (out_.dims[level] == 0) out_.dims[level] = n;
    else if (out_.dims[level] != n) return bad_value();
    return {};
}

CIRRUS_DECL error_code text_array_parser::parse_element() {
    std::string elem;
    if (s_[i_] == '"') {
        ++i_;
        for (;;) {
            if (!more()) return bad_value();
            char c = s_[i_++];
            if (c == '"') break;
            if (c == '\\') {
                if (!more()) return bad_value();
                c = s_[i_++];
            }
            elem.push_back(c);
        }
        out_.items.emplace_back(std::move(elem));
        return {};
    }
    std::size_t trailing_space_from = std::string::npos;
    while (more() && s_[i_] != ',' && s_[i_] != '}') {
        char c = s_[i_++];
        if (c == '{' || c == '"') return bad_value();
        if (c == '\\') {
            if (!more()) return bad_value();
            elem.push_back(s_[i_++]);
            trailing_space_from = std::string::npos;
            continue;
        }
        if (is_space(c)) {
            if (trailing_space_from == std::string::npos) trailing_space_from = elem.size();
        } else {
            trailing_space_from = std::string::npos;
        }
        elem.push_back(c);
    }
    if (trailing_space_from != std::string::npos) elem.resize(trailing_space_from);
    if (elem.empty()) return bad_value();
    if (elem.size() == 4 && iequals(elem, "null")) out_.items.emplace_back(std::nullopt);
    else out_.items.emplace_back(std::move(elem));
    return {};
}

CIRRUS_DECL error_code parse_text_array(std::string_view s, text_array& out) {
    return text_array_parser(s, out).parse();
}

CIRRUS_DECL error_code read_array_header(body_reader& r, binary_array_header& h) {
    h.ndim = r.i32();
    std::int32_t flags = r.i32();
    h.element_type = r.u32();
    if (!r.ok() || h.ndim < 0 || h.ndim > static_cast<std::int32_t>(max_array_dimensions) || (flags != 0 && flags != 1))
        return bad_value();
    h.dims.clear();
    h.count = h.ndim == 0 ? 0 : 1;
    for (std::int32_t d = 0; d < h.ndim; ++d) {
        std::int32_t n = r.i32();
        r.i32(); // lower bound
        if (!r.ok() || n < 0) return bad_value();
        h.dims.push_back(n);
        if (n != 0 && h.count > (r.remaining() / 4) / static_cast<std::size_t>(n)) return bad_value();
        h.count *= static_cast<std::size_t>(n);
    }
    if (h.count > r.remaining() / 4) return bad_value();
    return {};
}

CIRRUS_DECL void append_array_element_text(std::string& out, std::string_view v) {
    bool quote = v.empty() || (v.size() == 4 && iequals(v, "null"));
    for (char c : v) {
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t' || c == '\n' ||
            c == '\r' || c == '\v' || c == '\f')
            quote = true;
    }
    if (!quote) {
        out += v;
        return;
    }
    out.push_back('"');
    for (char c : v) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

// --- text rendering of any field

// True if the client decodes `t` in binary format, so results of that type are requested
// in binary; every other type comes as text.
CIRRUS_DECL bool has_binary_codec(oid_t t) noexcept {
    switch (t) {
    case oids::boolean:
    case oids::bytea:
    case oids::char_:
    case oids::name:
    case oids::int8:
    case oids::int2:
    case oids::int4:
    case oids::text:
    case oids::oid:
    case oids::json:
    case oids::float4:
    case oids::float8:
    case oids::inet:
    case oids::cidr:
    case oids::bpchar:
    case oids::varchar:
    case oids::date:
    case oids::time:
    case oids::timestamp:
    case oids::timestamptz:
    case oids::interval:
    case oids::numeric:
    case oids::uuid:
    case oids::jsonb: return true;
    default: return array_element_oid(t) != 0;
    }
}

template <class T>
error_code render_with(const field_data& f, std::string& out, void (*fmt)(std::string&, const T&)) {
    T v{};
    if (auto ec = type_traits<T>::decode(f, v)) return ec;
    fmt(out, v);
    return {};
}

inline error_code render_scalar(const field_data& f, std::string& out) {
    switch (f.type) {
    case oids::boolean: return render_with<bool>(f, out, [](std::string& o, const bool& v) { o += v ? "t" : "f"; });
    case oids::int2:
    case oids::int4:
    case oids::int8:
    case oids::oid: {
        std::int64_t v = 0;
        if (auto ec = read_integer(f, v)) return ec;
        append_int(out, v);
        return {};
    }
    case oids::float4: return render_with<float>(f, out, [](std::string& o, const float& v) { format_float(o, v); });
    case oids::float8: return render_with<double>(f, out, [](std::string& o, const double& v) { format_float(o, v); });
    case oids::numeric: {
        std::string s;
        if (!decode_numeric_binary(f.bytes, s)) return bad_value();
        out += s;
        return {};
    }
    case oids::bytea:
        out += "\\x";
        out += hex::encode(f.bytes);
        return {};
    case oids::jsonb:
        if (f.bytes.empty() || f.bytes[0] != 1) return bad_value();
        out += f.bytes.substr(1);
        return {};
    case oids::date: {
        if (f.bytes.size() != 4) return bad_value();
        auto v = static_cast<std::int32_t>(load_u32(f.bytes.data()));
        if (v == std::numeric_limits<std::int32_t>::max()) out += "infinity";
        else if (v == std::numeric_limits<std::int32_t>::min()) out += "-infinity";
        else format_date(out, std::int64_t{v} + pg_epoch_days);
        return {};
    }
    case oids::time:
        return render_with<time_of_day>(f, out,
                                        [](std::string& o, const time_of_day& v) { format_time(o, v.count()); });
    case oids::timestamp:
    case oids::timestamptz: {
        if (f.bytes.size() != 8) return bad_value();
        auto v = static_cast<std::int64_t>(load_u64(f.bytes.data()));
        if (v == std::numeric_limits<std::int64_t>::max()) {
            out += "infinity";
        } else if (v == std::numeric_limits<std::int64_t>::min()) {
            out += "-infinity";
        } else {
            // Format relative to 2000 to stay clear of overflow near the wire limits.
            std::int64_t days = v / usecs_per_day, tod = v % usecs_per_day;
            if (tod < 0) {
                tod += usecs_per_day;
                --days;
            }
            bool bc = append_date_part(out, days + pg_epoch_days);
            out.push_back(' ');
            append_time_part(out, tod);
            if (f.type == oids::timestamptz) out += "+00";
            if (bc) out += " BC";
        }
        return {};
    }
    case oids::interval:
        return render_with<interval>(f, out, [](std::string& o, const interval& v) {
            format_interval(o, v.months, v.days, v.microseconds);
        });
    case oids::uuid: return render_with<uuid>(f, out, [](std::string& o, const uuid& v) { o += v.to_string(); });
    case oids::inet:
    case oids::cidr: return render_with<inet>(f, out, [](std::string& o, const inet& v) { o += v.to_string(); });
    default:
        if (is_text_like(f.type)) {
            out += f.bytes;
            return {};
        }
        return make_error_code(client_errc::incompatible_type);
    }
}

inline error_code render_binary_array(const field_data& f, std::string& out) {
    body_reader r(f.bytes);
    binary_array_header h;
    if (auto ec = read_array_header(r, h)) return ec;
    oid_t elem = array_element_oid(f.type);
    if (h.element_type != elem) return bad_value();
    if (h.ndim == 0) {
        out += "{}";
        return {};
    }
    // Nested braces for every dimension: index i opens a brace for each dimension whose
    // sub-array starts at i and closes one for each that ends at i.
    std::vector<std::size_t> strides(h.dims.size());
    std::size_t stride = 1;
    for (std::size_t d = h.dims.size(); d-- > 0;) {
        strides[d] = stride;
        stride *= static_cast<std::size_t>(h.dims[d]);
    }
    if (h.count == 0) {
        out += "{}";
        return {};
    }
    std::string item;
    for (std::size_t i = 0; i < h.count; ++i) {
        std::size_t opens = 0;
        for (std::size_t d = 0; d < strides.size(); ++d)
            if (i % (strides[d] * static_cast<std::size_t>(h.dims[d])) == 0) ++opens;
        if (i != 0) out.push_back(',');
        out.append(opens, '{');
        std::int32_t len = r.i32();
        if (!r.ok() || len < -1) return bad_value();
        if (len == -1) {
            out += "NULL";
        } else {
            field_data ef{elem, format::binary, false, r.bytes(static_cast<std::size_t>(len))};
            if (!r.ok()) return bad_value();
            item.clear();
            if (auto ec = render_scalar(ef, item)) return ec;
            append_array_element_text(out, item);
        }
        std::size_t closes = 0;
        for (std::size_t d = 0; d < strides.size(); ++d)
            if ((i + 1) % (strides[d] * static_cast<std::size_t>(h.dims[d])) == 0) ++closes;
        out.append(closes, '}');
    }
    return r.at_end() ? error_code{} : bad_value();
}

CIRRUS_DECL error_code render_text(const field_data& f, std::string& out) {
    out.clear();
    if (f.format == format::text) {
        out.assign(f.bytes);
        return {};
    }
    if (array_element_oid(f.type) != 0) return render_binary_array(f, out);
    return render_scalar(f, out);
}

} // namespace cirrus::postgres::detail
