#pragma once
// Protocol v3 framing and message bodies, without I/O.
//
// Every backend message is: type byte, int32 length (counting itself, not the type),
// body. The framer refuses lengths below 4, lengths above the configured ceiling and
// type bytes the protocol does not define, before any allocation happens, so a hostile
// server cannot make the client grow its buffer without bound. Each body parser checks
// every count and length against the bytes actually present.

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>
#include <cirrus/postgres/notification.hpp>
#include <cirrus/postgres/options.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres {

using oid_t = std::uint32_t;

enum class format : std::int16_t { text = 0, binary = 1 };

// Column metadata from a RowDescription.
struct column {
    std::string name;
    oid_t table_oid = 0; // 0 when the column is not a simple table column
    std::int16_t table_column = 0;
    oid_t type_oid = 0;
    std::int16_t type_size = 0; // pg_type.typlen; negative for variable width
    std::int32_t type_modifier = -1;
    postgres::format format = format::text;
};

// Transaction status from ReadyForQuery.
enum class transaction_status : char {
    idle = 'I',
    in_transaction = 'T',
    failed = 'E',
};

} // namespace cirrus::postgres

namespace cirrus::postgres::detail {

// --- big-endian helpers ---------------------------------------------------------------

inline std::uint16_t load_u16(const char* p) noexcept {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}
inline std::uint32_t load_u32(const char* p) noexcept {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}
inline std::uint64_t load_u64(const char* p) noexcept { return (std::uint64_t{load_u32(p)} << 32) | load_u32(p + 4); }
inline void store_u16(char* p, std::uint16_t v) noexcept {
    p[0] = static_cast<char>(v >> 8);
    p[1] = static_cast<char>(v);
}
inline void store_u32(char* p, std::uint32_t v) noexcept {
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
}
inline void store_u64(char* p, std::uint64_t v) noexcept {
    store_u32(p, static_cast<std::uint32_t>(v >> 32));
    store_u32(p + 4, static_cast<std::uint32_t>(v));
}

// Appends big-endian integers to any byte container with append(string_view) or
// push_back (std::string, cirrus::buffer).
template <class Out>
void put_u16(Out& out, std::uint16_t v) {
    char b[2];
    store_u16(b, v);
    out.append(std::string_view(b, 2));
}
template <class Out>
void put_u32(Out& out, std::uint32_t v) {
    char b[4];
    store_u32(b, v);
    out.append(std::string_view(b, 4));
}
template <class Out>
void put_u64(Out& out, std::uint64_t v) {
    char b[8];
    store_u64(b, v);
    out.append(std::string_view(b, 8));
}

// --- body reader -----------------------------------------------------------------------

// Reads fields from a message body. A read past the end returns zero/empty and marks the
// reader failed; callers check ok() once at the end instead of after every field.
class body_reader {
public:
    explicit body_reader(std::string_view body) noexcept : rest_(body) {}

    bool ok() const noexcept { return ok_; }
    bool at_end() const noexcept { return rest_.empty(); }
    std::size_t remaining() const noexcept { return rest_.size(); }
    // True if every field was read and nothing is left over.
    bool done() const noexcept { return ok_ && rest_.empty(); }
    void fail() noexcept {
        ok_ = false;
        rest_ = {};
    }

    std::uint8_t u8() noexcept {
        if (!need(1)) return 0;
        auto v = static_cast<std::uint8_t>(rest_[0]);
        rest_.remove_prefix(1);
        return v;
    }
    std::int16_t i16() noexcept { return static_cast<std::int16_t>(u16()); }
    std::uint16_t u16() noexcept {
        if (!need(2)) return 0;
        auto v = load_u16(rest_.data());
        rest_.remove_prefix(2);
        return v;
    }
    std::int32_t i32() noexcept { return static_cast<std::int32_t>(u32()); }
    std::uint32_t u32() noexcept {
        if (!need(4)) return 0;
        auto v = load_u32(rest_.data());
        rest_.remove_prefix(4);
        return v;
    }
    std::int64_t i64() noexcept {
        if (!need(8)) return 0;
        auto v = static_cast<std::int64_t>(load_u64(rest_.data()));
        rest_.remove_prefix(8);
        return v;
    }
    // A NUL-terminated string (the NUL is consumed, not returned).
    std::string_view cstring() noexcept {
        auto pos = rest_.find('\0');
        if (pos == std::string_view::npos) {
            fail();
            return {};
        }
        auto s = rest_.substr(0, pos);
        rest_.remove_prefix(pos + 1);
        return s;
    }
    std::string_view bytes(std::size_t n) noexcept {
        if (!need(n)) return {};
        auto s = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return s;
    }
    std::string_view rest() noexcept {
        auto s = rest_;
        rest_ = {};
        return s;
    }

private:
    bool need(std::size_t n) noexcept {
        if (!ok_ || rest_.size() < n) {
            fail();
            return false;
        }
        return true;
    }

    std::string_view rest_;
    bool ok_ = true;
};

// --- framing ------------------------------------------------------------------------

struct message_view {
    char type = 0;
    std::string_view body;
};

namespace msg {
// Backend message types (protocol "Message Formats").
inline constexpr char authentication = 'R';
inline constexpr char backend_key_data = 'K';
inline constexpr char bind_complete = '2';
inline constexpr char close_complete = '3';
inline constexpr char command_complete = 'C';
inline constexpr char copy_data = 'd';
inline constexpr char copy_done = 'c';
inline constexpr char copy_in_response = 'G';
inline constexpr char copy_out_response = 'H';
inline constexpr char copy_both_response = 'W';
inline constexpr char data_row = 'D';
inline constexpr char empty_query_response = 'I';
inline constexpr char error_response = 'E';
inline constexpr char function_call_response = 'V';
inline constexpr char negotiate_protocol_version = 'v';
inline constexpr char no_data = 'n';
inline constexpr char notice_response = 'N';
inline constexpr char notification_response = 'A';
inline constexpr char parameter_description = 't';
inline constexpr char parameter_status = 'S';
inline constexpr char parse_complete = '1';
inline constexpr char portal_suspended = 's';
inline constexpr char ready_for_query = 'Z';
inline constexpr char row_description = 'T';
} // namespace msg

constexpr bool is_backend_message_type(char t) noexcept {
    switch (t) {
    case 'R':
    case 'K':
    case '2':
    case '3':
    case 'C':
    case 'd':
    case 'c':
    case 'G':
    case 'H':
    case 'W':
    case 'D':
    case 'I':
    case 'E':
    case 'V':
    case 'v':
    case 'n':
    case 'N':
    case 'A':
    case 't':
    case 'S':
    case '1':
    case 's':
    case 'Z':
    case 'T': return true;
    default: return false;
    }
}

inline constexpr std::size_t header_size = 5;

enum class frame_status { complete, need_more, error };

struct frame_result {
    frame_status status = frame_status::need_more;
    message_view message; // valid when complete (views into the input)
    std::size_t size = 0; // complete: bytes consumed; need_more: total bytes needed;
                          // message_too_large: the size the header declares
                          // (0 when the header itself is incomplete)
    error_code error;     // when status == error
};

// Looks at the start of `data` for one complete message.
inline frame_result parse_frame(std::string_view data, std::size_t max_body) noexcept {
    frame_result r;
    if (data.size() < header_size) return r;
    char type = data[0];
    std::uint32_t len = load_u32(data.data() + 1);
    if (!is_backend_message_type(type) || len < 4) {
        r.status = frame_status::error;
        r.error = make_error_code(errc::protocol_error);
        return r;
    }
    std::size_t body = len - 4;
    if (body > max_body) {
        r.status = frame_status::error;
        r.error = make_error_code(errc::message_too_large);
        r.size = header_size + body; // the declared size, for the error message
        r.message.type = type;
        return r;
    }
    std::size_t total = header_size + body;
    if (data.size() < total) {
        r.size = total;
        return r;
    }
    r.status = frame_status::complete;
    r.message = {type, data.substr(header_size, body)};
    r.size = total;
    return r;
}

// The receive buffer: bytes read from the socket and not yet consumed as messages. It
// grows only to hold the message at hand (at most header + max body) and compacts
// before growing, so its size is bounded by the largest message the server sent.
class message_reader {
public:
    explicit message_reader(std::size_t max_body = default_max_message_size) : max_body_(max_body) {}

    void set_max_message_size(std::size_t n) noexcept { max_body_ = n; }
    std::size_t max_message_size() const noexcept { return max_body_; }

    // The next complete message, if one is buffered. The view stays valid until the
    // next call to prepare() or reset().
    frame_result next() noexcept {
        auto r = parse_frame(std::string_view(data_.get() + begin_, end_ - begin_), max_body_);
        if (r.status == frame_status::complete) {
            wanted_ = 0;
            begin_ += r.size;
            if (begin_ == end_) begin_ = end_ = 0;
        } else if (r.status == frame_status::need_more) {
            wanted_ = r.size;
        }
        return r;
    }

    // Space to read into: room for the rest of the message being assembled, or at least
    // min_read more bytes.
    std::span<char> prepare() {
        std::size_t pending = end_ - begin_;
        std::size_t want = std::max(wanted_, pending + min_read);
        if (begin_ + want > capacity_) {
            if (want <= capacity_) {
                // Enough room once the consumed prefix is dropped.
                if (pending != 0) std::memmove(data_.get(), data_.get() + begin_, pending);
            } else {
                // wanted_ never exceeds header + max body (parse_frame checked it), so
                // neither does the new capacity beyond one read's slack.
                std::size_t cap = std::max(want, std::min(capacity_ * 2, max_body_ + header_size + min_read));
                auto fresh = std::make_unique_for_overwrite<char[]>(cap);
                if (pending != 0) std::memcpy(fresh.get(), data_.get() + begin_, pending);
                data_ = std::move(fresh);
                capacity_ = cap;
            }
            begin_ = 0;
            end_ = pending;
        }
        return {data_.get() + end_, capacity_ - end_};
    }
    void commit(std::size_t n) noexcept { end_ += n; }

    // Grows the buffer to at least n bytes, for larger reads (a long result).
    void reserve(std::size_t n) {
        if (capacity_ >= n) return;
        std::size_t pending = end_ - begin_;
        auto fresh = std::make_unique_for_overwrite<char[]>(n);
        if (pending != 0) std::memcpy(fresh.get(), data_.get() + begin_, pending);
        data_ = std::move(fresh);
        capacity_ = n;
        begin_ = 0;
        end_ = pending;
    }

    std::size_t buffered() const noexcept { return end_ - begin_; }
    std::size_t capacity() const noexcept { return capacity_; }
    void reset() noexcept { begin_ = end_ = wanted_ = 0; }

    // Releases a buffer that grew for one large message, once it is no longer needed.
    void shrink_if_idle(std::size_t keep = 64 * 1024) {
        if (begin_ == end_ && capacity_ > keep) {
            data_.reset();
            capacity_ = 0;
            begin_ = end_ = 0;
        }
    }

private:
    static constexpr std::size_t min_read = 8192;
    std::unique_ptr<char[]> data_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t wanted_ = 0;
    std::size_t max_body_;
};

// --- backend message bodies -----------------------------------------------------------

inline error_code protocol_error() noexcept { return make_error_code(errc::protocol_error); }

struct auth_request {
    std::int32_t code = 0; // 0 ok, 3 cleartext, 5 md5, 10 SASL, 11 SASL continue, 12 SASL final ...
    std::string_view data; // md5: 4-byte salt; SASL: mechanisms / server data
};

inline error_code parse_authentication(std::string_view body, auth_request& out) noexcept {
    body_reader r(body);
    out.code = r.i32();
    out.data = r.rest();
    if (!r.ok()) return protocol_error();
    if (out.code == 5 && out.data.size() != 4) return protocol_error();
    if ((out.code == 0 || out.code == 3) && !out.data.empty()) return protocol_error();
    return {};
}

// The mechanism list of AuthenticationSASL: NUL-terminated names ending with an empty one.
template <class F>
error_code for_each_sasl_mechanism(std::string_view data, F&& f) {
    body_reader r(data);
    for (;;) {
        auto name = r.cstring();
        if (!r.ok()) return protocol_error();
        if (name.empty()) break;
        f(name);
    }
    return r.at_end() ? error_code{} : protocol_error();
}

struct backend_key {
    std::int32_t process_id = 0;
    std::int32_t secret_key = 0;
};

inline error_code parse_backend_key_data(std::string_view body, backend_key& out) noexcept {
    body_reader r(body);
    out.process_id = r.i32();
    out.secret_key = r.i32();
    return r.done() ? error_code{} : protocol_error();
}

inline error_code parse_parameter_status(std::string_view body, std::string_view& name,
                                         std::string_view& value) noexcept {
    body_reader r(body);
    name = r.cstring();
    value = r.cstring();
    return r.done() ? error_code{} : protocol_error();
}

inline error_code parse_ready_for_query(std::string_view body, transaction_status& out) noexcept {
    if (body.size() != 1) return protocol_error();
    switch (body[0]) {
    case 'I': out = transaction_status::idle; return {};
    case 'T': out = transaction_status::in_transaction; return {};
    case 'E': out = transaction_status::failed; return {};
    default: return protocol_error();
    }
}

inline error_code parse_row_description(std::string_view body, std::vector<column>& out) {
    body_reader r(body);
    std::int16_t n = r.i16();
    if (!r.ok() || n < 0) return protocol_error();
    // Each column takes at least 19 bytes: refuse counts the body cannot hold before
    // reserving anything.
    if (static_cast<std::size_t>(n) * 19 > r.remaining()) return protocol_error();
    out.clear();
    out.reserve(static_cast<std::size_t>(n));
    for (std::int16_t i = 0; i < n; ++i) {
        column c;
        c.name = r.cstring();
        c.table_oid = r.u32();
        c.table_column = r.i16();
        c.type_oid = r.u32();
        c.type_size = r.i16();
        c.type_modifier = r.i32();
        std::int16_t f = r.i16();
        if (!r.ok() || (f != 0 && f != 1)) return protocol_error();
        c.format = static_cast<format>(f);
        out.push_back(std::move(c));
    }
    return r.done() ? error_code{} : protocol_error();
}

// Calls f(index, value) for each field of a DataRow; value is nullopt for NULL.
template <class F>
error_code parse_data_row(std::string_view body, std::size_t expected_columns, F&& f) {
    body_reader r(body);
    std::int16_t n = r.i16();
    if (!r.ok() || n < 0 || static_cast<std::size_t>(n) != expected_columns) return protocol_error();
    for (std::int16_t i = 0; i < n; ++i) {
        std::int32_t len = r.i32();
        if (!r.ok() || len < -1) return protocol_error();
        if (len == -1) {
            f(static_cast<std::size_t>(i), std::optional<std::string_view>());
        } else {
            auto v = r.bytes(static_cast<std::size_t>(len));
            if (!r.ok()) return protocol_error();
            f(static_cast<std::size_t>(i), std::optional<std::string_view>(v));
        }
    }
    return r.done() ? error_code{} : protocol_error();
}

inline error_code parse_command_complete(std::string_view body, std::string_view& tag) noexcept {
    body_reader r(body);
    tag = r.cstring();
    return r.done() ? error_code{} : protocol_error();
}

// Rows affected by a command, from its tag: "INSERT 0 5" -> 5, "UPDATE 3" -> 3, "SELECT 2"
// -> 2; 0 for tags without a count.
inline std::uint64_t affected_rows_of(std::string_view tag) noexcept {
    auto sp = tag.rfind(' ');
    if (sp == std::string_view::npos) return 0;
    std::uint64_t v = 0;
    auto digits = tag.substr(sp + 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

// ErrorResponse / NoticeResponse: (code byte, string)* then a zero byte.
template <class F>
error_code parse_message_fields(std::string_view body, F&& f) {
    body_reader r(body);
    for (;;) {
        std::uint8_t code = r.u8();
        if (!r.ok()) return protocol_error();
        if (code == 0) break;
        auto value = r.cstring();
        if (!r.ok()) return protocol_error();
        f(static_cast<char>(code), value);
    }
    return r.at_end() ? error_code{} : protocol_error();
}

inline error_code parse_server_message(std::string_view body, server_message_fields& out) {
    out.clear();
    return parse_message_fields(body, [&](char c, std::string_view v) { assign_field(out, c, v); });
}

inline error_code parse_parameter_description(std::string_view body, std::vector<oid_t>& out) {
    body_reader r(body);
    std::int16_t n = r.i16();
    if (!r.ok() || n < 0 || static_cast<std::size_t>(n) * 4 != r.remaining()) return protocol_error();
    out.clear();
    out.reserve(static_cast<std::size_t>(n));
    for (std::int16_t i = 0; i < n; ++i) out.push_back(r.u32());
    return r.done() ? error_code{} : protocol_error();
}

inline error_code parse_notification(std::string_view body, notification& out) {
    body_reader r(body);
    out.sender_pid = r.i32();
    out.channel = r.cstring();
    out.payload = r.cstring();
    return r.done() ? error_code{} : protocol_error();
}

// CopyInResponse / CopyOutResponse / CopyBothResponse.
inline error_code parse_copy_response(std::string_view body, format& overall, std::size_t& columns) noexcept {
    body_reader r(body);
    auto f = r.u8();
    std::int16_t n = r.i16();
    if (!r.ok() || f > 1 || n < 0 || static_cast<std::size_t>(n) * 2 != r.remaining()) return protocol_error();
    for (std::int16_t i = 0; i < n; ++i) {
        auto cf = r.i16();
        if (cf != 0 && cf != 1) return protocol_error();
    }
    overall = static_cast<format>(f);
    columns = static_cast<std::size_t>(n);
    return r.done() ? error_code{} : protocol_error();
}

inline error_code parse_negotiate_protocol_version(std::string_view body, std::int32_t& minor) noexcept {
    body_reader r(body);
    minor = r.i32();
    std::int32_t n = r.i32();
    if (!r.ok() || n < 0) return protocol_error();
    for (std::int32_t i = 0; i < n; ++i) {
        r.cstring();
        if (!r.ok()) return protocol_error();
    }
    return r.done() ? error_code{} : protocol_error();
}

// --- frontend messages ------------------------------------------------------------------

inline constexpr std::uint32_t protocol_version_3_0 = 196608; // 3 << 16
inline constexpr std::uint32_t ssl_request_code = 80877103;
inline constexpr std::uint32_t cancel_request_code = 80877102;

// Builds messages into a buffer: begin(type) leaves room for the length, finish() fills it.
class message_writer {
public:
    explicit message_writer(cirrus::buffer& out) noexcept : out_(out) {}

    void begin(char type) {
        out_.push_back(type);
        start_ = out_.size();
        out_.extend(4);
    }
    void begin_untyped() {
        start_ = out_.size();
        out_.extend(4);
    }
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void i16(std::int16_t v) { put_u16(out_, static_cast<std::uint16_t>(v)); }
    void u16(std::uint16_t v) { put_u16(out_, v); }
    void i32(std::int32_t v) { put_u32(out_, static_cast<std::uint32_t>(v)); }
    void u32(std::uint32_t v) { put_u32(out_, v); }
    void bytes(std::string_view s) { out_.append(s); }
    void cstring(std::string_view s) {
        out_.append(s);
        out_.push_back('\0');
    }
    // Returns false if the message exceeds the protocol's int32 length.
    bool finish() {
        std::size_t len = out_.size() - start_;
        if (len > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) return false;
        store_u32(out_.data() + start_, static_cast<std::uint32_t>(len));
        return true;
    }

private:
    cirrus::buffer& out_;
    std::size_t start_ = 0;
};

inline bool has_nul(std::string_view s) noexcept { return s.find('\0') != std::string_view::npos; }

inline error_code invalid_argument() noexcept { return make_error_code(errc::invalid_argument); }

// StartupMessage: protocol version then name/value pairs, ending with an empty name.
// Names and values must not contain NUL (checked).
template <class Pairs>
error_code write_startup(cirrus::buffer& out, const Pairs& pairs) {
    message_writer w(out);
    w.begin_untyped();
    w.u32(protocol_version_3_0);
    for (const auto& [name, value] : pairs) {
        if (has_nul(name) || has_nul(value)) return invalid_argument();
        w.cstring(name);
        w.cstring(value);
    }
    w.u8(0);
    return w.finish() ? error_code{} : invalid_argument();
}

inline void write_ssl_request(cirrus::buffer& out) {
    message_writer w(out);
    w.begin_untyped();
    w.u32(ssl_request_code);
    w.finish();
}

inline void write_cancel_request(cirrus::buffer& out, std::int32_t pid, std::int32_t secret) {
    message_writer w(out);
    w.begin_untyped();
    w.u32(cancel_request_code);
    w.i32(pid);
    w.i32(secret);
    w.finish();
}

inline error_code write_password(cirrus::buffer& out, std::string_view password) {
    if (has_nul(password)) return invalid_argument();
    message_writer w(out);
    w.begin('p');
    w.cstring(password);
    return w.finish() ? error_code{} : invalid_argument();
}

inline void write_sasl_initial_response(cirrus::buffer& out, std::string_view mechanism, std::string_view data) {
    message_writer w(out);
    w.begin('p');
    w.cstring(mechanism);
    w.i32(static_cast<std::int32_t>(data.size()));
    w.bytes(data);
    w.finish();
}

inline void write_sasl_response(cirrus::buffer& out, std::string_view data) {
    message_writer w(out);
    w.begin('p');
    w.bytes(data);
    w.finish();
}

inline error_code write_query(cirrus::buffer& out, std::string_view sql) {
    if (has_nul(sql)) return invalid_argument();
    message_writer w(out);
    w.begin('Q');
    w.cstring(sql);
    return w.finish() ? error_code{} : invalid_argument();
}

inline error_code write_parse(cirrus::buffer& out, std::string_view name, std::string_view sql,
                              std::span<const oid_t> param_types) {
    if (has_nul(name) || has_nul(sql) || param_types.size() > 65535) return invalid_argument();
    message_writer w(out);
    w.begin('P');
    w.cstring(name);
    w.cstring(sql);
    w.u16(static_cast<std::uint16_t>(param_types.size()));
    for (oid_t t : param_types) w.u32(t);
    return w.finish() ? error_code{} : invalid_argument();
}

// One parameter of a Bind: its format and bytes, or NULL.
struct bind_param {
    format fmt = format::binary;
    std::optional<std::string_view> value;
};

inline error_code write_bind(cirrus::buffer& out, std::string_view portal, std::string_view statement,
                             std::span<const bind_param> params, std::span<const format> result_formats) {
    if (params.size() > 65535 || result_formats.size() > 65535) return invalid_argument();
    message_writer w(out);
    w.begin('B');
    w.cstring(portal);
    w.cstring(statement);
    w.u16(static_cast<std::uint16_t>(params.size()));
    for (const auto& p : params) w.i16(static_cast<std::int16_t>(p.fmt));
    w.u16(static_cast<std::uint16_t>(params.size()));
    for (const auto& p : params) {
        if (!p.value) {
            w.i32(-1);
        } else {
            if (p.value->size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
                return invalid_argument();
            w.i32(static_cast<std::int32_t>(p.value->size()));
            w.bytes(*p.value);
        }
    }
    w.u16(static_cast<std::uint16_t>(result_formats.size()));
    for (auto f : result_formats) w.i16(static_cast<std::int16_t>(f));
    return w.finish() ? error_code{} : invalid_argument();
}

inline void write_describe(cirrus::buffer& out, char kind, std::string_view name) {
    message_writer w(out);
    w.begin('D');
    w.u8(static_cast<std::uint8_t>(kind));
    w.cstring(name);
    w.finish();
}

inline void write_execute(cirrus::buffer& out, std::string_view portal, std::int32_t max_rows) {
    message_writer w(out);
    w.begin('E');
    w.cstring(portal);
    w.i32(max_rows);
    w.finish();
}

inline void write_close(cirrus::buffer& out, char kind, std::string_view name) {
    message_writer w(out);
    w.begin('C');
    w.u8(static_cast<std::uint8_t>(kind));
    w.cstring(name);
    w.finish();
}

inline void write_sync(cirrus::buffer& out) {
    message_writer w(out);
    w.begin('S');
    w.finish();
}

inline void write_terminate(cirrus::buffer& out) {
    message_writer w(out);
    w.begin('X');
    w.finish();
}

inline void write_copy_fail(cirrus::buffer& out, std::string_view reason) {
    message_writer w(out);
    w.begin('f');
    w.cstring(reason);
    w.finish();
}

} // namespace cirrus::postgres::detail
