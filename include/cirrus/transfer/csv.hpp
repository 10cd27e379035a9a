#pragma once
// CSV objects as typed rows, without holding the object in memory:
//
//   struct trade { std::string symbol; std::int64_t qty; double price; std::optional<std::string> note; };
//   BOOST_DESCRIBE_STRUCT(trade, (), (symbol, qty, price, note))
//
//   double total = 0;
//   auto add = [&](trade&& t) -> cirrus::error_code { total += t.qty * t.price; return {}; };
//   auto res = co_await transfer::async_read_csv_rows<trade>(s3, {.bucket = "b", .key = "trades.csv", .on_row = add});
//
// - csv_parser: RFC 4180 records from bytes given in pieces of any size (a record may
//   cross pieces): fields separated by `delimiter`, quoted with `quote` (a doubled quote
//   inside is one quote; delimiters and line breaks inside quotes are data), records
//   ended by LF, CRLF or CR. Blank lines are skipped, a UTF-8 byte order mark at the start
//   is dropped, and with `trim_spaces` the spaces and tabs around an unquoted field go.
//   Memory: one record (at most `max_record_bytes`).
// - csv_row_reader<Row>: each record into a Row. With `header`, the first record names
//   the columns and a described struct's members (BOOST_DESCRIBE_STRUCT) are found by
//   name (other columns are ignored); otherwise the fields go to the members (any
//   aggregate, through Boost.PFR) in order, and a record must have one field per member.
//   Member types: std::string, integers, floating point, bool (true/false, t/f, yes/no,
//   1/0, any case), and std::optional of those (an empty field is nullopt; for a plain
//   member it is an error, except for std::string, which takes it as "").
// - async_read_csv_rows<Row>(client, request, [diag,] [token]): the object through
//   async_download_to (ranged GETs delivered in order: memory is options.concurrency x
//   options.part_size, plus one record), each row to request.on_row as soon as it is
//   complete. on_row returns an error_code: a non-zero one stops the download with it.
//   Completes with void(error_code, csv_rows_result).
//
// Errors (transfer::errc), with the line, the column and the member in the diagnostics'
// message: invalid_csv (a quote inside an unquoted field, text after a closing quote, a
// quote left open at the end, a record over max_record_bytes), csv_field_count, csv_no_column
// (a member that the header does not name), csv_bad_value (a field that does not convert:
// its text, up to 40 bytes, is in the message). The download's own errors are those of
// async_download_to.

#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/views.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/csv_reader.hpp>
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/download.hpp>
#include <cirrus/transfer/errors.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::transfer {

// Receives each row; a non-zero error_code stops the read with it.
template <class Row>
using row_handler = callable_view<error_code(Row&& row)>;

template <class Row>
struct csv_rows_request {
    std::string_view bucket = {};
    std::string_view key = {};
    row_handler<Row> on_row = {};
    csv_options csv = {};
    std::string_view version_id = {};
    download_options options = {};
};

struct csv_rows_result {
    std::uint64_t rows = 0;   // rows given to on_row
    download_result download; // the object's size, ETag, checksum, requests
};

namespace detail {

template <class Provider, class Row>
asio::awaitable<error_code> read_csv_rows(s3::client<Provider> client, const csv_rows_request<Row>& r,
                                          csv_rows_result& out, diagnostics& d) {
    if (!r.on_row) co_return make_error_code(cirrus::errc::invalid_argument);
    csv_row_reader<Row> reader(r.csv);
    auto on_data = [&](std::span<const std::uint8_t> data) -> error_code { return reader.feed(data, r.on_row); };
    download_to_request const dr{.bucket = r.bucket,
                                 .key = r.key,
                                 .on_data = on_data,
                                 .version_id = r.version_id,
                                 .options = r.options};
    error_code ec = co_await download_to(client, dr, out.download, d);
    if (!ec) ec = reader.finish(r.on_row);
    out.rows = reader.rows();
    if (ec && reader.failed() && ec == reader.error()) {
        d.clear();
        d.message = "s3://" + std::string(r.bucket) + "/" + std::string(r.key) + ": " + reader.message();
    }
    co_return ec;
}

inline constexpr auto run_read_csv_rows = [](auto& client, const auto& r, csv_rows_result& out, diagnostics& d) {
    return read_csv_rows(client, r, out, d);
};

} // namespace detail

// Reads r.bucket/r.key as CSV and gives each row to r.on_row (the callable is copied into
// the operation); completes with void(error_code, csv_rows_result).
template <class Row, class Provider, cirrus::detail::completion_token Token = default_token>
auto async_read_csv_rows(const s3::client<Provider>& client, const csv_rows_request<Row>& r, Token&& token = {}) {
    return detail::start_transfer<csv_rows_result>(client, r, nullptr, detail::run_read_csv_rows,
                                                   std::forward<Token>(token));
}
template <class Row, class Provider, class Token = default_token>
auto async_read_csv_rows(const s3::client<Provider>& client, const csv_rows_request<Row>& r, diagnostics& diag,
                         Token&& token = {}) {
    return detail::start_transfer<csv_rows_result>(client, r, &diag, detail::run_read_csv_rows,
                                                   std::forward<Token>(token));
}

} // namespace cirrus::transfer
