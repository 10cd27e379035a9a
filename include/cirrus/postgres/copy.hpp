#pragma once
// COPY FROM STDIN and COPY TO STDOUT (connection::async_copy_in, async_copy_out): the data
// streams in chunks both ways, never as a whole.
//
//   co_await conn.async_copy_in("COPY adult FROM STDIN (FORMAT csv)",
//                               pg::copy_from_file("adult.csv"), diag);      // -> rows loaded
//   co_await conn.async_copy_out("COPY adult TO STDOUT (FORMAT csv)",
//                                pg::copy_to_file("out.csv"), diag);         // -> rows written
//
// A copy_source is called for the next chunk only once the previous one has been written
// to the socket, and a copy_sink's awaitable completes before the next message is read
// from the socket (TCP then holds the server back): memory stays bounded by one chunk.
//
// Binary COPY from C++ rows: copy_from_rows (a generator) and copy_from_range (any range
// of rows) encode each row with the codecs of codec.hpp, one field per member in
// declaration order (BOOST_DESCRIBE_STRUCT members, aggregate fields, tuple elements).
// Each field's C++ type must match its column's type exactly (std::int64_t for bigint,
// std::int32_t for integer, std::string for text/varchar ...): the server rejects binary
// data of another type with SQLSTATE 22P03. copy_columns<Row>() lists the described
// members for the COPY's column list; bulk.hpp builds the whole statement.
//
// Binary COPY out into C++ rows: connection::async_copy_out into a std::vector<Row>, or
// copy_to_rows<Row>(handler) for one row at a time; the same field order and types, each
// field read with the codec of its member's type (see "binary COPY out into rows" below).

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::postgres {

// Appends the next chunk of COPY data to `chunk` (given empty). Completing with an empty
// chunk ends the data; an error (or an exception) aborts the COPY with CopyFail and the
// operation completes with that error. Chunks need not end on row boundaries.
using copy_source = std::function<boost::asio::awaitable<error_code>(cirrus::buffer& chunk)>;

// Receives the COPY data one CopyData message at a time: for text and CSV, PostgreSQL
// sends one row per message; for binary, the first message starts with the 19-byte
// header, then one tuple per message and the trailer. After the last message the sink is
// called once more with an empty view (only when the COPY succeeded): flush there. An
// error (or an exception) cancels the COPY on the server; the operation completes with
// that error and the connection stays usable.
using copy_sink = std::function<boost::asio::awaitable<error_code>(std::string_view data)>;

namespace detail {

struct copy_file {
    std::FILE* f = nullptr;
    ~copy_file() {
        if (f) std::fclose(f);
    }
};

inline error_code errno_error() noexcept { return error_code(errno, boost::system::generic_category()); }

inline void put_be16(cirrus::buffer& out, std::uint16_t v) {
    char* p = out.extend(2);
    p[0] = static_cast<char>(v >> 8);
    p[1] = static_cast<char>(v);
}
inline void put_be32(cirrus::buffer& out, std::uint32_t v) {
    char* p = out.extend(4);
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
}

// One field of a binary COPY tuple: its length (-1 for NULL), then its bytes.
template <class F>
error_code encode_copy_field(const F& v, cirrus::buffer& out, std::string& scratch) {
    using D = std::decay_t<F>;
    static_assert(encodable<D>, "cirrus::postgres: a field of this row type cannot be encoded for COPY");
    if (is_null_value<D>(v)) {
        put_be32(out, 0xFFFFFFFFu);
        return {};
    }
    if (auto ec = check_value<D>(v)) return ec;
    scratch.clear();
    type_traits<D>::encode(v, scratch);
    if (scratch.size() > 0x7FFFFFFFu) return make_error_code(errc::invalid_argument);
    put_be32(out, static_cast<std::uint32_t>(scratch.size()));
    out.append(scratch);
    return {};
}

template <class Row>
constexpr std::size_t row_field_count() {
    if constexpr (encodable<Row>) return 1;
    else return cirrus::detail::member_count<Row>();
}

} // namespace detail

// The binary COPY header (signature, flags, header extension length) and trailer.
inline void write_copy_binary_header(cirrus::buffer& out) {
    static constexpr char sig[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\xff', '\r', '\n', '\0'};
    out.append(std::string_view(sig, sizeof sig));
    detail::put_be32(out, 0);
    detail::put_be32(out, 0);
}
inline void write_copy_binary_trailer(cirrus::buffer& out) { detail::put_be16(out, 0xFFFFu); }

// Appends one binary COPY tuple for `row`. `scratch` is reused between calls.
template <class Row>
error_code write_copy_binary_row(const Row& row, cirrus::buffer& out, std::string& scratch) {
    constexpr std::size_t n = detail::row_field_count<Row>();
    static_assert(n < 0x8000, "too many fields for a COPY tuple");
    detail::put_be16(out, static_cast<std::uint16_t>(n));
    if constexpr (encodable<Row>) {
        return detail::encode_copy_field(row, out, scratch);
    } else {
        return detail::for_each_field(row, [&](const auto& field, std::size_t, std::string_view) {
            return detail::encode_copy_field(field, out, scratch);
        });
    }
}

// "name" with every '"' doubled. An identifier cannot hold a NUL byte: the server refuses
// a statement with one, so check a name that comes from outside first.
inline std::string quote_identifier(std::string_view id) {
    std::string out;
    out.reserve(id.size() + 2);
    out += '"';
    for (char c : id) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

// The described members of Row, quoted and comma-separated: "id", "name", "email".
// Empty for other row types (COPY then fills the table's columns in order).
template <class Row>
std::string copy_columns() {
    std::string out;
    if constexpr (described_row<Row>) {
        cirrus::detail::for_each_member<Row>([&](std::size_t, std::string_view name, auto) {
            if (!out.empty()) out += ", ";
            out += quote_identifier(name);
        });
    }
    return out;
}

// Reads a file in chunks of `chunk_size` bytes (text, CSV or binary COPY data as it is).
// The file is opened at the first call; an open or read failure aborts the COPY with the
// system's error (std::errc::no_such_file_or_directory ...).
inline copy_source copy_from_file(std::string path, std::size_t chunk_size = 256 * 1024) {
    auto file = std::make_shared<detail::copy_file>();
    auto opened = std::make_shared<bool>(false);
    return [file, opened, path = std::move(path),
            chunk_size](cirrus::buffer& chunk) -> boost::asio::awaitable<error_code> {
        if (!*opened) {
            *opened = true;
            file->f = std::fopen(path.c_str(), "rb");
            if (!file->f) co_return detail::errno_error();
        }
        if (!file->f) co_return make_error_code(errc::invalid_argument);
        char* p = chunk.extend(chunk_size);
        std::size_t n = std::fread(p, 1, chunk_size, file->f);
        chunk.shrink_by(chunk_size - n);
        if (n < chunk_size && std::ferror(file->f)) co_return detail::errno_error();
        co_return error_code{};
    };
}

// Writes the data to a file (created or truncated when the first data arrives), flushed
// and closed at the end of the COPY.
inline copy_sink copy_to_file(std::string path) {
    auto file = std::make_shared<detail::copy_file>();
    return [file, path = std::move(path)](std::string_view data) -> boost::asio::awaitable<error_code> {
        if (!file->f) {
            file->f = std::fopen(path.c_str(), "wb");
            if (!file->f) co_return detail::errno_error();
        }
        if (data.empty()) {
            int rc = std::fclose(file->f);
            file->f = nullptr;
            co_return rc == 0 ? error_code{} : detail::errno_error();
        }
        if (std::fwrite(data.data(), 1, data.size(), file->f) != data.size()) co_return detail::errno_error();
        co_return error_code{};
    };
}

// Calls `handler(std::string_view)` for each message of data (one row for text and CSV);
// the handler returns void, or an error_code to stop the COPY.
template <class Handler>
copy_sink copy_to_handler(Handler handler) {
    return [handler = std::move(handler)](std::string_view data) mutable -> boost::asio::awaitable<error_code> {
        if (data.empty()) co_return error_code{};
        if constexpr (std::is_void_v<decltype(handler(data))>) {
            handler(data);
            co_return error_code{};
        } else {
            co_return handler(data);
        }
    };
}

namespace detail {

// Binary COPY data in chunks of about chunk_size bytes from rows that
// `produce(write, ec)` hands to `write` one at a time (ec = write(row); true), until it
// returns false at the end.
template <class Producer>
copy_source binary_copy_source(Producer produce, std::size_t chunk_size) {
    struct state {
        explicit state(Producer p) : produce(std::move(p)) {}
        Producer produce;
        bool started = false;
        bool finished = false;
        std::string scratch;
    };
    auto st = std::make_shared<state>(std::move(produce));
    return [st, chunk_size](cirrus::buffer& chunk) -> boost::asio::awaitable<error_code> {
        if (st->finished) co_return error_code{};
        if (!st->started) {
            st->started = true;
            write_copy_binary_header(chunk);
        }
        auto write = [&](const auto& row) { return write_copy_binary_row(row, chunk, st->scratch); };
        while (chunk.size() < chunk_size) {
            error_code ec;
            if (!st->produce(write, ec)) {
                write_copy_binary_trailer(chunk);
                st->finished = true;
                break;
            }
            if (ec) co_return ec;
        }
        co_return error_code{};
    };
}

} // namespace detail

// Binary COPY data from a generator: `next(Row&)` fills the next row and returns true,
// or returns false at the end. Rows are gathered into chunks of about `chunk_size` bytes.
template <class Row, class Next>
copy_source copy_from_rows(Next next, std::size_t chunk_size = 256 * 1024) {
    return detail::binary_copy_source(
        [next = std::move(next), row = Row{}](auto& write, error_code& ec) mutable {
            if (!next(row)) return false;
            ec = write(row);
            return true;
        },
        chunk_size);
}

// Binary COPY data from a range of rows (a std::vector<Row>, a view ...), which must
// outlive the operation.
template <class Range>
copy_source copy_from_range(const Range& rows, std::size_t chunk_size = 256 * 1024) {
    return detail::binary_copy_source(
        [it = std::begin(rows), end = std::end(rows)](auto& write, error_code& ec) mutable {
            if (it == end) return false;
            ec = write(*it);
            ++it;
            return true;
        },
        chunk_size);
}

// --- binary COPY out into rows ----------------------------------------------------------
//
// copy_to_rows<Row>(handler) and connection::async_copy_out(sql, std::vector<Row>&) decode
// the binary COPY data of a `COPY ... TO STDOUT (FORMAT binary)` into Row values, one
// field per member in declaration order (as copy_from_rows writes them). Binary COPY
// carries no column types: each field is read as the binary form of its member's C++
// type (std::int32_t an int4, double a float8, std::string text ...), so each member's
// type must be its column's type, as for COPY FROM. A NULL needs a std::optional member.

namespace detail {

// One field of a binary COPY tuple: NULL, or its bytes (valid during the call they are
// given to).
struct copy_field {
    bool is_null = false;
    std::string_view bytes;
};

// Splits binary COPY data into tuples. The data may come in pieces of any size (tuples
// need not start or end with a CopyData message): the bytes of an incomplete tuple are
// kept until the rest arrives. Checks the signature, the flags, every tuple's field
// count and lengths, the trailer, and that nothing follows it; never reads past the
// bytes it was given. On an error, message() says what and where.
class copy_binary_decoder {
public:
    static constexpr std::string_view signature{"PGCOPY\n\xff\r\n\0", 11};

    // `fields`: the field count every tuple must have; `row_type` names the row in
    // messages.
    copy_binary_decoder(std::size_t fields, std::string row_type) : fields_(fields), row_type_(std::move(row_type)) {}

    // The most bytes one tuple may take (connection_options::max_message_size, the bound
    // of a row in a DataRow). An incomplete tuple held past it fails the COPY with
    // client_errc::row_too_large, instead of being buffered without end.
    void limit_tuple_bytes(std::size_t n) noexcept { max_tuple_ = n; }

    // Decodes what `data` completes; on_tuple(std::span<const copy_field>, std::string&
    // why) is called for each tuple and returns an error_code (with its explanation in
    // `why`) to stop.
    template <class OnTuple>
    error_code feed(std::string_view data, OnTuple&& on_tuple) {
        if (stage_ == stage::failed) return error_;
        if (!data.empty()) received_ = true;
        const bool buffered = !pending_.empty();
        std::string_view in = data;
        if (buffered) {
            pending_.append(data);
            in = pending_;
        }
        std::size_t used = 0;
        if (auto ec = consume(in, used, on_tuple)) {
            pending_.clear();
            pending_.shrink_to_fit();
            return ec;
        }
        if (buffered) pending_.erase(0, used);
        else pending_.assign(in.substr(used));
        if (stage_ == stage::tuples && pending_.size() > max_tuple_) {
            const std::size_t held = pending_.size();
            pending_.clear();
            pending_.shrink_to_fit();
            return fail(client_errc::row_too_large,
                        row_text() + " is over " + std::to_string(max_tuple_) + " bytes (" + std::to_string(held) +
                            " received so far), the limit set by connection_options::max_message_size");
        }
        return {};
    }

    // The end of the data: an error unless the trailer ended it.
    error_code finish() {
        if (stage_ == stage::failed) return error_;
        if (stage_ == stage::done) return {};
        if (!received_)
            return fail(client_errc::not_binary_copy,
                        "the COPY sent no data, not even the binary header: the statement must be a COPY ... TO "
                        "STDOUT (FORMAT binary)");
        if (stage_ == stage::tuples && pending_.empty())
            return fail(client_errc::invalid_copy_data,
                        "the binary COPY data ended after " + std::to_string(tuples_) + " rows without its trailer");
        return fail(client_errc::invalid_copy_data,
                    stage_ == stage::tuples
                        ? "the binary COPY data ended in the middle of row " + std::to_string(tuples_)
                        : std::string("the binary COPY data ended in its header"));
    }

    // Ready for another COPY.
    void reset() {
        stage_ = stage::signature;
        received_ = false;
        skip_ = 0;
        tuples_ = 0;
        pending_.clear();
        message_.clear();
        error_ = {};
    }

    // Tuples decoded so far: the row number of the next one (rows count from 0).
    std::uint64_t tuples() const noexcept { return tuples_; }
    bool failed() const noexcept { return stage_ == stage::failed; }
    error_code error() const noexcept { return error_; }
    const std::string& message() const noexcept { return message_; }
    // Bytes held for an incomplete tuple.
    std::size_t buffered() const noexcept { return pending_.size(); }

private:
    enum class stage { signature, extension, tuples, done, failed };

    error_code fail(client_errc e, std::string why) {
        stage_ = stage::failed;
        error_ = make_error_code(e);
        message_ = std::move(why);
        return error_;
    }
    std::string row_text() const { return "row " + std::to_string(tuples_); }

    template <class OnTuple>
    error_code consume(std::string_view in, std::size_t& used, OnTuple& on_tuple) {
        for (;;) {
            std::string_view rest = in.substr(used);
            switch (stage_) {
            case stage::signature: {
                const std::size_t n = std::min(rest.size(), signature.size());
                if (rest.substr(0, n) != signature.substr(0, n))
                    return fail(client_errc::not_binary_copy,
                                "the COPY data does not start with the binary COPY signature: the statement must be "
                                "a COPY ... TO STDOUT (FORMAT binary)");
                if (rest.size() < signature.size() + 8) return {};
                const std::uint32_t flags = load_u32(rest.data() + signature.size());
                if (flags & 0x10000u)
                    return fail(client_errc::invalid_copy_data,
                                "the binary COPY data has an OID column (WITH OIDS), which rows do not read");
                if (flags & 0xFFFE0000u)
                    return fail(client_errc::invalid_copy_data, "the binary COPY header has unknown critical flags");
                const auto ext = static_cast<std::int32_t>(load_u32(rest.data() + signature.size() + 4));
                if (ext < 0)
                    return fail(client_errc::invalid_copy_data,
                                "the binary COPY header extension has a negative length");
                skip_ = static_cast<std::size_t>(ext);
                used += signature.size() + 8;
                stage_ = stage::extension;
                break;
            }
            case stage::extension: {
                const std::size_t n = std::min(skip_, rest.size());
                used += n;
                skip_ -= n;
                if (skip_ != 0) return {};
                stage_ = stage::tuples;
                break;
            }
            case stage::tuples: {
                if (rest.size() < 2) return {};
                const auto count = static_cast<std::int16_t>(load_u16(rest.data()));
                if (count == -1) {
                    used += 2;
                    stage_ = stage::done;
                    break;
                }
                if (count < 0)
                    return fail(client_errc::invalid_copy_data, row_text() + ": the tuple has a negative field count");
                if (static_cast<std::size_t>(count) != fields_)
                    return fail(client_errc::field_count_mismatch,
                                row_text() + ": the COPY data has " + std::to_string(count) + " field" +
                                    (count == 1 ? "" : "s") + " but " + row_type_ + " has " + std::to_string(fields_));
                std::size_t pos = 2;
                fields_buf_.clear();
                for (std::size_t i = 0; i < fields_; ++i) {
                    if (rest.size() - pos < 4) return {};
                    const auto len = static_cast<std::int32_t>(load_u32(rest.data() + pos));
                    pos += 4;
                    if (len == -1) {
                        fields_buf_.push_back(copy_field{true, {}});
                        continue;
                    }
                    if (len < 0)
                        return fail(client_errc::invalid_copy_data,
                                    row_text() + ": field #" + std::to_string(i) + " has a negative length");
                    if (rest.size() - pos < static_cast<std::size_t>(len)) return {};
                    fields_buf_.push_back(copy_field{false, rest.substr(pos, static_cast<std::size_t>(len))});
                    pos += static_cast<std::size_t>(len);
                }
                std::string why;
                if (auto ec = on_tuple(std::span<const copy_field>(fields_buf_), why)) {
                    stage_ = stage::failed;
                    error_ = ec;
                    message_ = why.empty() ? row_text() + ": " + ec.message() : std::move(why);
                    return ec;
                }
                used += pos;
                ++tuples_;
                break;
            }
            case stage::done:
                if (!rest.empty())
                    return fail(client_errc::invalid_copy_data, "the binary COPY data goes on after its trailer");
                return {};
            case stage::failed: return error_;
            }
        }
    }

    std::size_t fields_;
    std::string row_type_;
    std::size_t max_tuple_ = static_cast<std::size_t>(-1);
    stage stage_ = stage::signature;
    bool received_ = false;
    std::size_t skip_ = 0; // header extension bytes still to skip
    std::uint64_t tuples_ = 0;
    std::string pending_; // the start of an incomplete tuple (or header)
    std::vector<copy_field> fields_buf_;
    std::string message_;
    error_code error_;
};

// A member type that binary COPY data can be read into: it has a codec and a PostgreSQL
// type (the field's type is taken from it); std::string_view would point into a message.
template <class F>
constexpr bool copy_out_field() {
    if constexpr (is_optional<F>::value) return copy_out_field<typename F::value_type>();
    else if constexpr (!decodable<F> || std::is_same_v<F, std::string_view>) return false;
    else return type_oid_of<F>() != 0;
}

template <class Row, class FieldId, class Field>
struct check_copy_out_field {
    static_assert(copy_out_field<Field>(),
                  "cirrus::postgres: binary COPY data cannot be read into this member type: it needs a codec with a "
                  "PostgreSQL type (type_traits<Field>::type_oid), and std::string_view is not allowed (see the "
                  "template arguments: Row, the field, and Field)");
    static constexpr bool value = true;
};

template <class Row>
constexpr bool check_copy_out_row() {
    static_assert(check_row_codecs<Row>());
    return check_each_field<Row, check_copy_out_field>();
}

template <class Row>
constexpr std::size_t copy_out_field_count() {
    if constexpr (decodable<Row>) return 1;
    else return cirrus::detail::member_count<Row>();
}

// "row 3: field #2 into member "age" (int) of adult: ..."; never includes the value.
inline std::string describe_copy_field_failure(error_code ec, std::uint64_t row, std::size_t index,
                                               std::string_view member, const std::string& row_type,
                                               const std::string& member_type, oid_t type, std::size_t size) {
    std::string m = "row " + std::to_string(row) + ": field #" + std::to_string(index) + " into ";
    if (member.empty()) m += member_type == row_type ? member_type : member_type + " of " + row_type;
    else m += "member \"" + std::string(member) + "\" (" + member_type + ") of " + row_type;
    m += ": ";
    auto pg_type = type_name(type);
    const std::string type_text = pg_type.empty() ? "oid " + std::to_string(type) : std::string(pg_type);
    if (ec == client_errc::unexpected_null) {
        m += "the value is NULL and the member cannot hold NULL (use std::optional)";
    } else if (ec == client_errc::invalid_field_value || ec == client_errc::incompatible_type) {
        m += "the field's " + std::to_string(size) + " byte" + (size == 1 ? "" : "s") + " are not a binary " +
             type_text + " (binary COPY does not convert: the member's type must be the column's type)";
    } else if (ec == client_errc::value_out_of_range) {
        m += "the value does not fit the C++ type";
    } else {
        m += ec.message();
    }
    return m;
}

// One field read as the binary form of its member's type.
template <class Row, class F>
error_code decode_copy_field(const copy_field& c, F& out, std::uint64_t row, std::size_t index, std::string_view member,
                             std::string& why) {
    constexpr oid_t type = type_oid_of<F>();
    auto ec = decode_field(field_data{type, format::binary, c.is_null, c.bytes}, out);
    if (ec)
        why = describe_copy_field_failure(ec, row, index, member, cpp_type_name<Row>(), cpp_type_name<F>(), type,
                                          c.bytes.size());
    return ec;
}

// A tuple (with as many fields as Row has: the decoder checked) into `out`.
template <class Row>
error_code decode_copy_row(std::span<const copy_field> fields, Row& out, std::uint64_t row, std::string& why) {
    if constexpr (decodable<Row>) {
        return decode_copy_field<Row>(fields[0], out, row, 0, {}, why);
    } else {
        return for_each_field(out, [&](auto& field, std::size_t k, std::string_view name) {
            return decode_copy_field<Row>(fields[k], field, row, k, name, why);
        });
    }
}

// A decoder and what to do with each row, shared by a copy_row_sink (or the vector form
// of async_copy_out) and the copy_sink given to the operation.
template <class Row>
struct copy_row_state {
    explicit copy_row_state(std::function<error_code(Row&&)> d)
        : decoder(copy_out_field_count<Row>(), cpp_type_name<Row>()), deliver(std::move(d)) {}

    copy_binary_decoder decoder;
    std::function<error_code(Row&&)> deliver;
    bool failed_at_end = false;

    void reset() {
        decoder.reset();
        failed_at_end = false;
    }

    // One CopyData message; an empty view ends the data (and, when it ended well, readies
    // the decoder for the next COPY).
    error_code take(std::string_view data) {
        if (data.empty()) {
            auto ec = decoder.finish();
            if (ec) failed_at_end = true;
            else decoder.reset();
            return ec;
        }
        return decoder.feed(data, [this](std::span<const copy_field> fields, std::string& why) -> error_code {
            Row row{};
            if (auto ec = decode_copy_row(fields, row, decoder.tuples(), why)) return ec;
            if (auto ec = deliver(std::move(row))) {
                why = "row " + std::to_string(decoder.tuples()) + ": the row handler failed: " + ec.message();
                return ec;
            }
            return error_code{};
        });
    }

    // The decoder's explanation of `ec`, when the failure was its own.
    bool explains(error_code ec) const noexcept { return decoder.failed() && ec == decoder.error(); }
    std::string explanation() const {
        return "binary COPY into " + cpp_type_name<Row>() + ": " + decoder.message() +
               (failed_at_end ? "" : "; the COPY was canceled");
    }
};

template <class Row>
copy_sink copy_row_state_sink(std::shared_ptr<copy_row_state<Row>> st) {
    return
        [st = std::move(st)](std::string_view data) -> boost::asio::awaitable<error_code> { co_return st->take(data); };
}

struct copy_row_access;

} // namespace detail

// Rows decoded from binary COPY data, each given to a handler: made by copy_to_rows and
// given to connection::async_copy_out, which then explains a decoding failure in the
// diagnostics (row number, field index, member, C++ type). One COPY at a time; it may be
// reused once that one has completed. sink() is the same decoding as a plain copy_sink
// (its errors are then only error codes; it is ready for another COPY after one that
// succeeded, not after a failure).
template <class Row>
class copy_row_sink {
public:
    copy_sink sink() const { return detail::copy_row_state_sink(state_); }

private:
    friend struct detail::copy_row_access;
    template <class R, class Handler>
    friend copy_row_sink<R> copy_to_rows(Handler handler);
    explicit copy_row_sink(std::shared_ptr<detail::copy_row_state<Row>> st) : state_(std::move(st)) {}
    std::shared_ptr<detail::copy_row_state<Row>> state_;
};

namespace detail {
struct copy_row_access {
    template <class Row>
    static const std::shared_ptr<copy_row_state<Row>>& state(const copy_row_sink<Row>& s) noexcept {
        return s.state_;
    }
};
} // namespace detail

// Calls `handler(Row&&)` for each row of a COPY ... TO STDOUT (FORMAT binary), in order,
// as the data arrives (memory: one row, and one message); the handler returns void, or an
// error_code to stop the COPY (the server is then canceled, as for a failing sink).
//
//   auto sink = pg::copy_to_rows<adult>([&](adult&& a) { total += a.hours; });
//   co_await conn.async_copy_out("COPY adult TO STDOUT (FORMAT binary)", sink, diag);
template <class Row, class Handler>
copy_row_sink<Row> copy_to_rows(Handler handler) {
    static_assert(detail::check_copy_out_row<Row>());
    std::function<error_code(Row &&)> deliver = [handler = std::move(handler)](Row&& row) mutable -> error_code {
        if constexpr (std::is_void_v<decltype(handler(std::move(row)))>) {
            handler(std::move(row));
            return {};
        } else {
            return handler(std::move(row));
        }
    };
    return copy_row_sink<Row>(std::make_shared<detail::copy_row_state<Row>>(std::move(deliver)));
}

} // namespace cirrus::postgres
