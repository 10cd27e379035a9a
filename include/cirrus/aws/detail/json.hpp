#pragma once
// JSON for the restJson1 and JSON protocols (Lambda, API Gateway): a small writer that
// appends an object to a string, and readers over simdjson's DOM that take what a field
// holds and leave the default when it holds something else. Included by impl/*.ipp files
// only (simdjson stays out of the public headers).

#include <cirrus/core/detail/json_string.hpp>
#include <cirrus/core/views.hpp>

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace cirrus::aws::detail {

// Appends `s` as a JSON string (core/detail/json_string.hpp).
inline void append_quoted(std::string& out, std::string_view s) { cirrus::detail::append_json_string(out, s); }

// Writes one JSON object into `out`: construct, add fields, close().
class json_out {
public:
    explicit json_out(std::string& out) : out_(out) { out_.push_back('{'); }
    void close() { out_.push_back('}'); }

    void key(std::string_view k) {
        if (comma_) out_.push_back(',');
        quoted(k);
        out_.push_back(':');
        comma_ = true;
    }
    void field(std::string_view k, std::string_view v) {
        key(k);
        quoted(v);
    }
    void field_if(std::string_view k, std::string_view v) {
        if (!v.empty()) field(k, v);
    }
    void number(std::string_view k, std::int64_t v) {
        key(k);
        out_ += std::to_string(v);
    }
    void number_if(std::string_view k, std::int64_t v) {
        if (v != 0) number(k, v);
    }
    // A number with a fraction (shortest text that reads back the same).
    void real(std::string_view k, double v) {
        key(k);
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, r.ptr);
    }
    void boolean(std::string_view k, bool v) {
        key(k);
        out_ += v ? "true" : "false";
    }
    void strings(std::string_view k, const cirrus::list_view<std::string_view>& l) {
        key(k);
        out_.push_back('[');
        bool first = true;
        for (const auto& s : l) {
            if (!first) out_.push_back(',');
            first = false;
            quoted(s);
        }
        out_.push_back(']');
    }
    void strings_if(std::string_view k, const cirrus::list_view<std::string_view>& l) {
        if (!l.empty()) strings(k, l);
    }
    void map(std::string_view k, const cirrus::pairs_view& p) {
        key(k);
        out_.push_back('{');
        bool first = true;
        p.for_each([&](std::string_view n, std::string_view v) {
            if (!first) out_.push_back(',');
            first = false;
            quoted(n);
            out_.push_back(':');
            quoted(v);
        });
        out_.push_back('}');
    }
    // An array of objects: "k":[ then item() ... close() for each, then end_array().
    void begin_array(std::string_view k) {
        key(k);
        out_.push_back('[');
        items_ = 0;
    }
    json_out item() {
        if (items_++ != 0) out_.push_back(',');
        return json_out(out_);
    }
    void end_array() { out_.push_back(']'); }
    // A nested object: open(k) ... close().
    json_out open(std::string_view k) {
        key(k);
        return json_out(out_);
    }

private:
    void quoted(std::string_view s) { append_quoted(out_, s); }

    std::string& out_;
    bool comma_ = false;
    int items_ = 0;
};

namespace json {

namespace dom = simdjson::dom;


inline std::string str(dom::element e) {
    std::string_view v;
    if (e.get_string().get(v)) return {};
    return std::string(v);
}
inline std::int64_t int64(dom::element e) {
    std::int64_t v = 0;
    if (!e.get_int64().get(v)) return v;
    double d = 0;
    if (!e.get_double().get(d)) return static_cast<std::int64_t>(d);
    return 0;
}
inline std::vector<std::string> strings(dom::element e) {
    std::vector<std::string> out;
    dom::array a;
    if (e.get_array().get(a)) return out;
    for (dom::element x : a) out.push_back(str(x));
    return out;
}

// Parses `json` as an object; false when it is not one.
inline bool root_object(dom::parser& p, std::string& json, dom::object& out) {
    dom::element doc;
    if (p.parse(json).get(doc)) return false;
    return !doc.get_object().get(out);
}

inline double number(dom::element e) {
    double d = 0;
    if (!e.get_double().get(d)) return d;
    std::int64_t v = 0;
    if (!e.get_int64().get(v)) return static_cast<double>(v);
    return 0;
}
inline bool boolean(dom::element e) {
    bool b = false;
    if (!e.get_bool().get(b)) return b;
    return false;
}

} // namespace json

} // namespace cirrus::aws::detail
