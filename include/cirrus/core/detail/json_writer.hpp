#pragma once
// A small JSON writer for every request body the library writes as JSON (DynamoDB,
// Lambda, API Gateway): appends to a caller's buffer (reused from request to request, so a
// steady stream of requests does not allocate), puts the commas between members and
// elements, and escapes strings as JSON requires (core/detail/json_string.hpp).
//
//   json_writer w(body);
//   w.begin_object();
//   w.field("TableName", "t");
//   w.key("Limit");
//   w.number(10);
//   w.end_object();

#include <cirrus/core/base64.hpp>
#include <cirrus/core/detail/json_string.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::detail {

class json_writer {
public:
    explicit json_writer(std::string& out) noexcept : out_(out) {}

    std::string& buffer() noexcept { return out_; }

    void begin_object() {
        separate();
        out_.push_back('{');
        comma_ = false;
    }
    void end_object() {
        out_.push_back('}');
        comma_ = true;
    }
    void begin_array() {
        separate();
        out_.push_back('[');
        comma_ = false;
    }
    void end_array() {
        out_.push_back(']');
        comma_ = true;
    }
    void key(std::string_view k) {
        separate();
        write_quoted(k);
        out_.push_back(':');
        comma_ = false;
    }
    void string(std::string_view s) {
        separate();
        write_quoted(s);
        comma_ = true;
    }
    // A string written in pieces: begin_string(), string_piece() ..., end_string().
    void begin_string() {
        separate();
        out_.push_back('"');
    }
    void string_piece(std::string_view s) { cirrus::detail::append_json_escaped(out_, s); }
    void end_string() {
        out_.push_back('"');
        comma_ = true;
    }
    // Text that is already JSON (a number).
    void raw(std::string_view json) {
        separate();
        out_.append(json);
        comma_ = true;
    }
    void number(std::int64_t v) {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        raw(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    }
    // A number with a fraction (the shortest text that reads back the same).
    void real(double v) {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        raw(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    }
    void boolean(bool b) { raw(b ? "true" : "false"); }
    void null() { raw("null"); }
    void base64(std::string_view bytes) {
        separate();
        out_.push_back('"');
        const std::size_t at = out_.size();
        out_.resize(at + cirrus::base64::encoded_size(bytes.size()));
        cirrus::base64::encode_to(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                                  out_.data() + at);
        out_.push_back('"');
        comma_ = true;
    }

    // Convenience: "k": "v", "k": n.
    void field(std::string_view k, std::string_view v) {
        key(k);
        string(v);
    }
    void field(std::string_view k, std::int64_t v) {
        key(k);
        number(v);
    }
    void field_bool(std::string_view k, bool v) {
        key(k);
        boolean(v);
    }

    // Appends s quoted and escaped.
    void write_quoted(std::string_view s) { cirrus::detail::append_json_string(out_, s); }

private:
    void separate() {
        if (comma_) out_.push_back(',');
    }

    std::string& out_;
    bool comma_ = false;
};

} // namespace cirrus::detail
