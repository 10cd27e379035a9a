#pragma once
// CSV into typed rows, from bytes given in pieces (no I/O here: transfer/csv.hpp reads an
// S3 object with it). See transfer/csv.hpp for the rules.
//
// - csv_parser: RFC 4180 records from bytes given in pieces of any size (a record may
//   cross pieces): fields separated by `delimiter`, quoted with `quote` (a doubled quote
//   inside is one quote; delimiters and line breaks inside quotes are data), records
//   ended by LF, CRLF or CR. Blank lines are skipped, a UTF-8 byte order mark at the start
//   is dropped, and with `trim_spaces` the spaces and tabs around an unquoted field go.
//   Memory: one record (at most `max_record_bytes`).
// - csv_row_reader<Row>: each record into a Row (see transfer/csv.hpp).

#include <cirrus/core/ascii.hpp>
#include <cirrus/core/detail/members.hpp>
#include <cirrus/core/detail/type_traits.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/transfer/errors.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::transfer {

struct csv_options {
    char delimiter = ',';
    char quote = '"';
    bool header = false;      // the first record names the columns
    bool trim_spaces = false; // drop spaces and tabs around unquoted fields ("39, State-gov")
    std::size_t max_record_bytes = std::size_t{4} << 20;
};

// Splits CSV bytes into records. feed() may be called with pieces of any size; each
// complete record goes to on_record(std::span<const std::string_view> fields, std::uint64_t
// line), which returns an error_code (non-zero stops the parse with it). The views are
// valid during the call.
class csv_parser {
public:
    explicit csv_parser(const csv_options& o = {}) : o_(o) {}

    template <class OnRecord>
    error_code feed(std::span<const std::uint8_t> data, OnRecord&& on_record) {
        if (failed_) return error_;
        for (std::size_t i = 0; i < data.size(); ++i) {
            const char c = static_cast<char>(data[i]);
            if (bom_ < 3) { // a UTF-8 byte order mark at the very start
                if (c == byte_order_mark[bom_]) {
                    ++bom_;
                    continue;
                }
                if (auto ec = replay_mark(on_record)) return ec;
            }
            if (auto ec = step(c, on_record)) return ec;
        }
        return {};
    }

    // The end of the data: the last record, if it had no line break after it.
    template <class OnRecord>
    error_code finish(OnRecord&& on_record) {
        if (failed_) return error_;
        if (bom_ > 0 && bom_ < 3) // the data was only the start of a mark
            if (auto ec = replay_mark(on_record)) return ec;
        if (state_ == state::quoted)
            return fail("line " + std::to_string(record_line_) +
                        ": a quoted field is still open at the end of the data");
        if (state_ == state::after_cr) {
            state_ = state::record_start;
            return {};
        }
        if (state_ != state::record_start) return end_record(on_record);
        return {};
    }

    void reset() {
        state_ = state::record_start;
        quoted_field_ = false;
        record_.clear();
        ends_.clear();
        line_ = 1;
        record_line_ = 1;
        records_ = 0;
        bom_ = 0;
        failed_ = false;
        error_ = {};
        message_.clear();
    }

    std::uint64_t records() const noexcept { return records_; } // records given so far
    bool failed() const noexcept { return failed_; }
    error_code error() const noexcept { return error_; }
    const std::string& message() const noexcept { return message_; }

    // Marks the parse failed with `ec` and `why` (for a record handler's own failure).
    error_code fail(error_code ec, std::string why) {
        failed_ = true;
        error_ = ec;
        message_ = std::move(why);
        return ec;
    }

private:
    enum class state { record_start, field_start, unquoted, quoted, quote_in_quoted, after_cr };
    static constexpr char byte_order_mark[3] = {'\xEF', '\xBB', '\xBF'};

    error_code fail(std::string why) { return fail(make_error_code(errc::invalid_csv), std::move(why)); }

    // A record's bytes, counting a byte per field for the separators.
    error_code too_long() {
        return fail("line " + std::to_string(record_line_) + ": the record is over " +
                    std::to_string(o_.max_record_bytes) + " bytes (csv_options::max_record_bytes)");
    }
    error_code put(char c) {
        if (record_.size() + ends_.size() >= o_.max_record_bytes) return too_long();
        record_.push_back(c);
        return {};
    }
    bool space(char c) const noexcept { return o_.trim_spaces && (c == ' ' || c == '\t'); }
    error_code end_field() {
        if (record_.size() + ends_.size() >= o_.max_record_bytes) return too_long();
        if (o_.trim_spaces && !quoted_field_) {
            std::size_t const start = ends_.empty() ? 0 : ends_.back();
            while (record_.size() > start && space(record_.back())) record_.pop_back();
        }
        ends_.push_back(record_.size());
        quoted_field_ = false;
        return {};
    }
    template <class OnRecord>
    error_code end_record(OnRecord& on_record) {
        if (auto ec = end_field()) return ec;
        fields_.clear();
        std::size_t start = 0;
        for (std::size_t end : ends_) {
            fields_.emplace_back(record_.data() + start, end - start);
            start = end;
        }
        ++records_;
        error_code ec = on_record(std::span<const std::string_view>(fields_), record_line_);
        record_.clear();
        ends_.clear();
        state_ = state::record_start;
        if (ec && !failed_) fail(ec, "line " + std::to_string(record_line_) + ": " + ec.message());
        return ec;
    }

    // The start of a byte order mark that is not one after all: its bytes are data.
    template <class OnRecord>
    error_code replay_mark(OnRecord& on_record) {
        const unsigned seen = bom_;
        bom_ = 3;
        for (unsigned k = 0; k < seen; ++k)
            if (auto ec = step(byte_order_mark[k], on_record)) return ec;
        return {};
    }

    // A delimiter ends the field, a line break the record; `ended` says whether c was one.
    template <class OnRecord>
    error_code separator(char c, bool newline, OnRecord& on_record, bool& ended) {
        ended = true;
        if (c == o_.delimiter) {
            state_ = state::field_start;
            return end_field();
        }
        if (newline) {
            ++line_;
            auto ec = end_record(on_record);
            if (!ec && c == '\r') state_ = state::after_cr;
            return ec;
        }
        ended = false;
        return {};
    }

    template <class OnRecord>
    error_code step(char c, OnRecord& on_record) {
        const bool newline = c == '\n' || c == '\r';
        switch (state_) {
        case state::after_cr:
            state_ = state::record_start;
            if (c == '\n') return {}; // the LF of a CRLF
            [[fallthrough]];
        case state::record_start:
            if (newline) { // a blank line
                ++line_;
                if (c == '\r') state_ = state::after_cr;
                return {};
            }
            record_line_ = line_;
            [[fallthrough]];
        case state::field_start:
            if (c == o_.quote) {
                // With trim_spaces, the spaces before the quote were kept: drop them.
                std::size_t const start = ends_.empty() ? 0 : ends_.back();
                record_.resize(start);
                quoted_field_ = true;
                state_ = state::quoted;
                return {};
            }
            if (space(c)) {
                state_ = state::field_start;
                return {};
            }
            state_ = state::unquoted;
            [[fallthrough]];
        case state::unquoted: {
            bool ended = false;
            if (auto ec = separator(c, newline, on_record, ended); ended) return ec;
            if (c == o_.quote)
                return fail("line " + std::to_string(line_) + ", field " + std::to_string(ends_.size() + 1) +
                            ": a quote inside an unquoted field (quote the whole field and double the quote)");
            return put(c);
        }
        case state::quoted:
            if (c == o_.quote) {
                state_ = state::quote_in_quoted;
                return {};
            }
            if (c == '\n') ++line_;
            return put(c);
        case state::quote_in_quoted: {
            if (c == o_.quote) { // a doubled quote
                state_ = state::quoted;
                return put(c);
            }
            bool ended = false;
            if (auto ec = separator(c, newline, on_record, ended); ended) return ec;
            if (space(c)) return {}; // spaces after the closing quote
            return fail("line " + std::to_string(line_) + ", field " + std::to_string(ends_.size() + 1) +
                        ": text after the closing quote of a quoted field");
        }
        }
        return {};
    }

    csv_options o_;
    state state_ = state::record_start;
    bool quoted_field_ = false;
    std::string record_;            // the current record's fields, unquoted, one after another
    std::vector<std::size_t> ends_; // where each field of the record ends in record_
    std::vector<std::string_view> fields_;
    std::uint64_t line_ = 1;        // the line being read
    std::uint64_t record_line_ = 1; // the line the current record started on
    std::uint64_t records_ = 0;
    unsigned bom_ = 0; // bytes of a byte order mark seen; 3: past it
    bool failed_ = false;
    error_code error_;
    std::string message_;
};

namespace detail {

using cirrus::detail::is_optional;

template <class T>
constexpr bool csv_convertible() {
    if constexpr (is_optional<T>::value) return csv_convertible<typename T::value_type>();
    else
        return std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_integral_v<T> ||
               std::is_floating_point_v<T>;
}

template <class T>
std::string csv_type_name() {
    if constexpr (is_optional<T>::value) return "std::optional<" + csv_type_name<typename T::value_type>() + ">";
    else if constexpr (std::is_same_v<T, std::string>) return "std::string";
    else if constexpr (std::is_same_v<T, bool>) return "bool";
    else if constexpr (std::is_floating_point_v<T>) return sizeof(T) == sizeof(float) ? "float" : "double";
    else return std::string(std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * 8);
}

// `text` into `out`; false when it does not convert.
template <class T>
bool csv_convert(std::string_view text, T& out) {
    if constexpr (is_optional<T>::value) {
        if (text.empty()) {
            out.reset();
            return true;
        }
        typename T::value_type v{};
        if (!csv_convert(text, v)) return false;
        out = std::move(v);
        return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        out.assign(text);
        return true;
    } else if constexpr (std::is_same_v<T, bool>) {
        for (std::string_view t : {"true", "t", "yes", "1"}) {
            if (ascii::iequals(text, t)) {
                out = true;
                return true;
            }
        }
        for (std::string_view f : {"false", "f", "no", "0"}) {
            if (ascii::iequals(text, f)) {
                out = false;
                return true;
            }
        }
        return false;
    } else {
        if (text.empty()) return false;
        const char* first = text.data();
        if (*first == '+' && text.size() > 1 && text[1] != '-') ++first; // from_chars takes no '+'
        auto [end, ec] = std::from_chars(first, text.data() + text.size(), out);
        return ec == std::errc() && end == text.data() + text.size();
    }
}

} // namespace detail

// Records into rows (see the top of this file). feed() and finish() take the handler,
// on_row(Row&&) -> error_code.
template <class Row>
class csv_row_reader {
    static_assert(std::is_aggregate_v<Row> && std::is_default_constructible_v<Row>,
                  "a CSV row is an aggregate with a default constructor");
    static constexpr bool described = cirrus::detail::described_members<Row>;
    static constexpr std::size_t member_count = cirrus::detail::member_count<Row>();

public:
    explicit csv_row_reader(const csv_options& o = {}) : o_(o), parser_(o) {
        check_member_types();
        // By position: member i is column i. By name: the header says (header()).
        if (!described || !o_.header)
            for (std::size_t i = 0; i < member_count; ++i) column_.push_back(i);
    }

    template <class OnRow>
    error_code feed(std::span<const std::uint8_t> data, OnRow&& on_row) {
        return parser_.feed(data, [&](std::span<const std::string_view> f, std::uint64_t line) {
            return record(f, line, on_row);
        });
    }
    template <class OnRow>
    error_code finish(OnRow&& on_row) {
        if (auto ec = parser_.finish(
                [&](std::span<const std::string_view> f, std::uint64_t line) { return record(f, line, on_row); }))
            return ec;
        if (o_.header && !header_done_)
            return parser_.fail(make_error_code(errc::csv_field_count), "the data has no header line");
        return {};
    }

    std::uint64_t rows() const noexcept { return rows_; }
    bool failed() const noexcept { return parser_.failed(); }
    error_code error() const noexcept { return parser_.error(); }
    const std::string& message() const noexcept { return parser_.message(); }

private:
    // The walks below go over a described Row's public members with their names, or over
    // another Row's members by position (an empty name; "#i" in messages):
    // cirrus::detail::for_each_member (core/detail/members.hpp).
    static void check_member_types() {
        cirrus::detail::for_each_member<Row>([](std::size_t, std::string_view, auto get) {
            static_assert(detail::csv_convertible<std::remove_cvref_t<decltype(get(std::declval<Row&>()))>>(),
                          "a CSV row member must be std::string, an integer, floating point, bool, or a "
                          "std::optional of one");
        });
    }

    error_code header(std::span<const std::string_view> f, std::uint64_t line) {
        columns_ = f.size();
        if constexpr (described) {
            error_code ec;
            cirrus::detail::for_each_member<Row>([&](std::size_t, std::string_view name, auto) {
                if (ec) return;
                std::size_t col = 0;
                while (col < f.size() && f[col] != name) ++col;
                if (col == f.size()) {
                    ec = parser_.fail(make_error_code(errc::csv_no_column),
                                      "line " + std::to_string(line) + ": the header names no column \"" +
                                          std::string(name) +
                                          "\" for the row's member of that name (columns are found by their exact "
                                          "name)");
                    return;
                }
                column_.push_back(col);
            });
            return ec;
        } else {
            // Positional: the header only says how many fields a record has.
            if (f.size() != member_count)
                return parser_.fail(make_error_code(errc::csv_field_count),
                                    "line " + std::to_string(line) + ": the header has " + std::to_string(f.size()) +
                                        " columns but the row type has " + std::to_string(member_count) +
                                        " members (name the columns with BOOST_DESCRIBE_STRUCT to pick some)");
            return {};
        }
    }

    template <class OnRow>
    error_code record(std::span<const std::string_view> f, std::uint64_t line, OnRow& on_row) {
        if (o_.header && !header_done_) {
            header_done_ = true;
            return header(f, line);
        }
        const std::size_t expected = o_.header ? columns_ : member_count;
        if (f.size() != expected)
            return parser_.fail(make_error_code(errc::csv_field_count),
                                "line " + std::to_string(line) + ": the record has " + std::to_string(f.size()) +
                                    " field" + (f.size() == 1 ? "" : "s") + ", " +
                                    (o_.header ? "the header " : "the row type ") + std::to_string(expected));
        Row row{};
        error_code ec;
        cirrus::detail::for_each_member<Row>([&](std::size_t i, std::string_view name, auto get) {
            if (ec) return;
            auto& member = get(row);
            using T = std::remove_cvref_t<decltype(member)>;
            std::string_view const text = f[column_[i]];
            bool ok = detail::csv_convert(text, member);
            if constexpr (!detail::is_optional<T>::value && !std::is_same_v<T, std::string>) ok = ok && !text.empty();
            if (!ok) {
                std::string shown(text.substr(0, 40));
                if (text.size() > 40) shown += "...";
                ec = parser_.fail(make_error_code(errc::csv_bad_value),
                                  "line " + std::to_string(line) + ", column " + std::to_string(column_[i] + 1) +
                                      ": \"" + shown + "\" is not a value of member \"" +
                                      (name.empty() ? "#" + std::to_string(i) : std::string(name)) + "\" (" +
                                      detail::csv_type_name<T>() + ")" +
                                      (text.empty() ? " (an empty field needs a std::optional member)" : ""));
            }
        });
        if (ec) return ec;
        ++rows_;
        if (auto hec = on_row(std::move(row)))
            return parser_.fail(hec, "line " + std::to_string(line) + ": the row handler failed: " + hec.message());
        return {};
    }

    csv_options o_;
    csv_parser parser_;
    std::vector<std::size_t> column_; // the column of each member
    std::size_t columns_ = 0;         // fields per record, from the header
    bool header_done_ = false;
    std::uint64_t rows_ = 0;
};

} // namespace cirrus::transfer
