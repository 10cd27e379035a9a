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

#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/typed_row.hpp>

#include <boost/asio/awaitable.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

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
    else if constexpr (described_row<Row>)
        return boost::mp11::mp_size<boost::describe::describe_members<Row, boost::describe::mod_public>>::value;
    else return field_types<Row>::size;
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
    } else if constexpr (described_row<Row>) {
        error_code ec;
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([&](auto d) {
            if (!ec) ec = detail::encode_copy_field(row.*d.pointer, out, scratch);
        });
        return ec;
    } else {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            error_code ec;
            ((ec = ec ? ec
                      : detail::encode_copy_field(detail::positional_get(const_cast<Row&>(row),
                                                                         std::integral_constant<std::size_t, I>{}),
                                                  out, scratch)),
             ...);
            return ec;
        }
        (std::make_index_sequence<detail::field_types<Row>::size>{});
    }
}

// The described members of Row, quoted and comma-separated: "id", "name", "email".
// Empty for other row types (COPY then fills the table's columns in order).
template <class Row>
std::string copy_columns() {
    std::string out;
    if constexpr (described_row<Row>) {
        boost::mp11::mp_for_each<boost::describe::describe_members<Row, boost::describe::mod_public>>([&](auto d) {
            if (!out.empty()) out += ", ";
            out += '"';
            for (const char* p = d.name; *p; ++p) {
                if (*p == '"') out += '"';
                out += *p;
            }
            out += '"';
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

} // namespace cirrus::postgres
