#pragma once
// JSON for the restJson1 and JSON protocols (Lambda, API Gateway): a small writer that
// appends an object to a string, and readers over simdjson's DOM that take what a field
// holds and leave the default when it holds something else. Included by impl/*.ipp files
// only (simdjson stays out of the public headers).

#include <cirrus/core/detail/json_string.hpp>
#include <cirrus/core/detail/json_writer.hpp>
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

// Writes one JSON object into `out` with the library's writer (core/detail/json_writer.hpp):
// construct, add fields, close(). Objects nested with open() and item() write through
// their parent's writer.
class json_out {
public:
    explicit json_out(std::string& out) : own_(out), w_(own_) { w_.begin_object(); }
    json_out(const json_out&) = delete;
    json_out& operator=(const json_out&) = delete;
    void close() { w_.end_object(); }

    void key(std::string_view k) { w_.key(k); }
    void field(std::string_view k, std::string_view v) { w_.field(k, v); }
    void field_if(std::string_view k, std::string_view v) {
        if (!v.empty()) field(k, v);
    }
    void number(std::string_view k, std::int64_t v) { w_.field(k, v); }
    void number_if(std::string_view k, std::int64_t v) {
        if (v != 0) number(k, v);
    }
    // A number with a fraction (shortest text that reads back the same).
    void real(std::string_view k, double v) {
        w_.key(k);
        w_.real(v);
    }
    void boolean(std::string_view k, bool v) { w_.field_bool(k, v); }
    void strings(std::string_view k, const cirrus::list_view<std::string_view>& l) {
        begin_array(k);
        for (const auto& s : l) w_.string(s);
        end_array();
    }
    void strings_if(std::string_view k, const cirrus::list_view<std::string_view>& l) {
        if (!l.empty()) strings(k, l);
    }
    void map(std::string_view k, const cirrus::pairs_view& p) {
        w_.key(k);
        w_.begin_object();
        p.for_each([&](std::string_view n, std::string_view v) { w_.field(n, v); });
        w_.end_object();
    }
    // An array of objects: "k":[ then item() ... close() for each, then end_array().
    void begin_array(std::string_view k) {
        w_.key(k);
        w_.begin_array();
    }
    json_out item() { return json_out(w_); }
    void end_array() { w_.end_array(); }
    // A nested object: open(k) ... close().
    json_out open(std::string_view k) {
        w_.key(k);
        return json_out(w_);
    }

private:
    explicit json_out(cirrus::detail::json_writer& parent) : own_(parent.buffer()), w_(parent) { w_.begin_object(); }

    cirrus::detail::json_writer own_; // the writer of a top-level object
    cirrus::detail::json_writer& w_;  // own_, or the writer of the object this one is nested in
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
