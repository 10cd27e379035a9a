// CSV records and typed rows (transfer/csv_reader.hpp) against canned bytes: RFC 4180
// quoting, line endings, every split of the data between two pieces, byte at a time, the
// header mapping, conversions, and each malformed input with its message.
#include <cirrus/transfer/csv_reader.hpp>

#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ct = cirrus::transfer;
using cirrus::error_code;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct parsed {
    std::vector<std::vector<std::string>> records;
    std::vector<std::uint64_t> lines;
    error_code ec;
    std::string message;
};

// Parses `pieces` one after another, then the end.
parsed parse(const std::vector<std::string_view>& pieces, ct::csv_options o = {}) {
    parsed out;
    ct::csv_parser p(o);
    auto on = [&](std::span<const std::string_view> f, std::uint64_t line) {
        out.records.emplace_back(f.begin(), f.end());
        out.lines.push_back(line);
        return error_code{};
    };
    for (auto piece : pieces)
        if ((out.ec = p.feed(bytes(piece), on))) break;
    if (!out.ec) out.ec = p.finish(on);
    out.message = p.message();
    return out;
}
parsed parse(std::string_view data, ct::csv_options o = {}) { return parse(std::vector<std::string_view>{data}, o); }

using rec = std::vector<std::string>;

struct person {
    std::string name;
    std::int32_t age = 0;
    std::optional<double> score;
    bool active = false;
};
BOOST_DESCRIBE_STRUCT(person, (), (name, age, score, active))

struct pair_row { // not described: by position
    std::int64_t id = 0;
    std::string label;
};

template <class Row>
struct rows_of {
    std::vector<Row> rows;
    error_code ec;
    std::string message;
};
template <class Row>
rows_of<Row> read_rows(std::string_view data, ct::csv_options o = {}, std::size_t piece = 0) {
    rows_of<Row> out;
    ct::csv_row_reader<Row> r(o);
    auto on = [&](Row&& row) {
        out.rows.push_back(std::move(row));
        return error_code{};
    };
    std::size_t const step = piece == 0 ? data.size() + 1 : piece;
    for (std::size_t at = 0; at < data.size() && !out.ec; at += step) out.ec = r.feed(bytes(data.substr(at, step)), on);
    if (!out.ec) out.ec = r.finish(on);
    out.message = r.message();
    return out;
}

} // namespace

TEST(TransferCsv, Rfc4180Records) {
    auto p = parse("a,b,c\r\n\"quoted, with comma\",\"line\nbreak\",\"say \"\"hi\"\"\"\r\nlast,,\n");
    ASSERT_FALSE(p.ec) << p.message;
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[0], (rec{"a", "b", "c"}));
    EXPECT_EQ(p.records[1], (rec{"quoted, with comma", "line\nbreak", "say \"hi\""}));
    EXPECT_EQ(p.records[2], (rec{"last", "", ""}));
    EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{1, 2, 4})); // the quoted line break counts
}

TEST(TransferCsv, LineEndingsBlankLinesAndTheLastRecord) {
    // LF, CRLF, a lone CR, blank lines (skipped) and no line break at the end.
    auto p = parse("1,2\n\n3,4\r\n\r\n5,6\r7,8");
    ASSERT_FALSE(p.ec) << p.message;
    EXPECT_EQ(p.records, (std::vector<rec>{{"1", "2"}, {"3", "4"}, {"5", "6"}, {"7", "8"}}));
    EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{1, 3, 5, 6}));
    // An empty quoted field is a field; a line of one empty quoted field is a record.
    auto q = parse("\"\"\n\"\",x\n");
    ASSERT_FALSE(q.ec) << q.message;
    EXPECT_EQ(q.records, (std::vector<rec>{{""}, {"", "x"}}));
    EXPECT_TRUE(parse("").records.empty());
    EXPECT_TRUE(parse("\n\r\n").records.empty());
}

TEST(TransferCsv, EverySplitAndByteAtATimeGiveTheSameRecords) {
    const std::string data = "\xEF\xBB\xBFid,text\r\n1,\"a \"\"b\"\"\r\nc\"\n2,plain\r\n3,\"\"\n";
    auto whole = parse(data);
    ASSERT_FALSE(whole.ec) << whole.message;
    ASSERT_EQ(whole.records.size(), 4u);
    EXPECT_EQ(whole.records[0], (rec{"id", "text"})); // the byte order mark dropped
    EXPECT_EQ(whole.records[1], (rec{"1", "a \"b\"\r\nc"}));
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
        auto two = parse({std::string_view(data).substr(0, cut), std::string_view(data).substr(cut)});
        ASSERT_FALSE(two.ec) << cut;
        EXPECT_EQ(two.records, whole.records) << cut;
        EXPECT_EQ(two.lines, whole.lines) << cut;
    }
    std::vector<std::string_view> singles;
    for (std::size_t i = 0; i < data.size(); ++i) singles.push_back(std::string_view(data).substr(i, 1));
    EXPECT_EQ(parse(singles).records, whole.records);
    // Only the start of a mark is data.
    EXPECT_EQ(parse("\xEF\xBBx\n").records, (std::vector<rec>{{"\xEF\xBBx"}}));
}

TEST(TransferCsv, OptionsDelimiterQuoteAndTrimmedSpaces) {
    ct::csv_options o;
    o.delimiter = ';';
    o.quote = '\'';
    auto p = parse("a;'b;c';'it''s'\n", o);
    ASSERT_FALSE(p.ec) << p.message;
    EXPECT_EQ(p.records[0], (rec{"a", "b;c", "it's"}));
    // The Adult data's ", " separators, and spaces around a quoted field.
    ct::csv_options t;
    t.trim_spaces = true;
    auto q = parse("39, State-gov ,  \"x, y\"  ,\t 7\t\n", t);
    ASSERT_FALSE(q.ec) << q.message;
    EXPECT_EQ(q.records[0], (rec{"39", "State-gov", "x, y", "7"}));
    // Without trim_spaces, spaces are data and a space after a closing quote is an error.
    EXPECT_EQ(parse(" a , b\n").records[0], (rec{" a ", " b"}));
    EXPECT_EQ(parse("\"a\" ,b\n").ec, ct::errc::invalid_csv);
}

TEST(TransferCsv, MalformedDataSaysWhere) {
    auto bare = parse("ok\nab\"c,d\n");
    EXPECT_EQ(bare.ec, ct::errc::invalid_csv);
    EXPECT_NE(bare.message.find("line 2, field 1: a quote inside an unquoted field"), std::string::npos)
        << bare.message;
    auto after = parse("x,\"a\"b\n");
    EXPECT_EQ(after.ec, ct::errc::invalid_csv);
    EXPECT_NE(after.message.find("line 1, field 2: text after the closing quote"), std::string::npos) << after.message;
    auto open = parse("x\n\"never closed\nstill open");
    EXPECT_EQ(open.ec, ct::errc::invalid_csv);
    EXPECT_NE(open.message.find("line 2: a quoted field is still open at the end"), std::string::npos) << open.message;
    // A record over the limit, counted as it arrives (fields count too).
    ct::csv_options small;
    small.max_record_bytes = 16;
    auto big = parse({"short\n", std::string(10, 'x'), std::string(10, 'y'), "\n"}, small);
    EXPECT_EQ(big.ec, ct::errc::invalid_csv);
    EXPECT_EQ(big.records.size(), 1u);
    EXPECT_NE(big.message.find("line 2: the record is over 16 bytes (csv_options::max_record_bytes)"),
              std::string::npos)
        << big.message;
    EXPECT_EQ(parse(std::string(40, ','), small).ec, ct::errc::invalid_csv);
    // Once failed, it stays failed.
    ct::csv_parser p;
    auto on = [](std::span<const std::string_view>, std::uint64_t) { return error_code{}; };
    EXPECT_EQ(p.feed(bytes("a\"b\n"), on), ct::errc::invalid_csv);
    EXPECT_EQ(p.feed(bytes("fine\n"), on), ct::errc::invalid_csv);
    EXPECT_EQ(p.finish(on), ct::errc::invalid_csv);
    p.reset();
    EXPECT_FALSE(p.feed(bytes("fine\n"), on));
}

TEST(TransferCsv, ResetForgetsTheQuotedFieldItStoppedIn) {
    // Data that stops inside a quoted field, or fails right after one; after reset() the
    // first field of new data is unquoted: its spaces are trimmed, its line is 1.
    ct::csv_options t;
    t.trim_spaces = true;
    std::vector<rec> records;
    std::vector<std::uint64_t> lines;
    auto on = [&](std::span<const std::string_view> f, std::uint64_t line) {
        records.emplace_back(f.begin(), f.end());
        lines.push_back(line);
        return error_code{};
    };
    for (std::string_view stopped : {"a,\"still open", "a\nb,\"closed\"x"}) {
        SCOPED_TRACE(stopped);
        ct::csv_parser p(t);
        error_code ec = p.feed(bytes(stopped), on);
        if (!ec) ec = p.finish(on);
        EXPECT_EQ(ec, ct::errc::invalid_csv);
        p.reset();
        records.clear();
        lines.clear();
        ASSERT_FALSE(p.feed(bytes("x  ,y\n"), on)) << p.message();
        ASSERT_FALSE(p.finish(on)) << p.message();
        EXPECT_EQ(records, (std::vector<rec>{{"x", "y"}}));
        EXPECT_EQ(lines, (std::vector<std::uint64_t>{1}));
        EXPECT_EQ(p.records(), 1u);
    }
}

TEST(TransferCsv, DescribedRowsByHeaderName) {
    ct::csv_options o;
    o.header = true;
    // Columns in another order, one extra column, an empty optional, bools of every spelling.
    const std::string data = "active,extra,score,age,name\n"
                             "true,x,1.5,36,Ada\n"
                             "NO,y,,+41,\"Hopper, Grace\"\n"
                             "1,z,-2e3,-7,\n";
    for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(5)}) {
        auto r = read_rows<person>(data, o, piece);
        ASSERT_FALSE(r.ec) << r.message;
        ASSERT_EQ(r.rows.size(), 3u);
        EXPECT_EQ(r.rows[0].name, "Ada");
        EXPECT_EQ(r.rows[0].age, 36);
        EXPECT_EQ(r.rows[0].score, 1.5);
        EXPECT_TRUE(r.rows[0].active);
        EXPECT_EQ(r.rows[1].name, "Hopper, Grace");
        EXPECT_EQ(r.rows[1].age, 41);
        EXPECT_FALSE(r.rows[1].score);
        EXPECT_FALSE(r.rows[1].active);
        EXPECT_EQ(r.rows[2].name, ""); // a std::string takes an empty field
        EXPECT_EQ(r.rows[2].score, -2000.0);
    }
    // Without a header: the members in order.
    auto plain = read_rows<person>("Ada,36,,t\n");
    ASSERT_FALSE(plain.ec) << plain.message;
    EXPECT_EQ(plain.rows[0].age, 36);
    auto positional = read_rows<pair_row>("7,seven\n-8,\"eight\"\n");
    ASSERT_FALSE(positional.ec) << positional.message;
    ASSERT_EQ(positional.rows.size(), 2u);
    EXPECT_EQ(positional.rows[1].id, -8);
    EXPECT_EQ(positional.rows[1].label, "eight");
    // By position with a header: the header is skipped, once.
    auto headed = read_rows<pair_row>("id,label\n7,seven\n", o, 3);
    ASSERT_FALSE(headed.ec) << headed.message;
    ASSERT_EQ(headed.rows.size(), 1u);
    EXPECT_EQ(headed.rows[0].label, "seven");
}

TEST(TransferCsv, RowErrorsNameTheLineColumnAndMember) {
    ct::csv_options o;
    o.header = true;
    auto missing = read_rows<person>("name,age,active\nAda,36,t\n", o);
    EXPECT_EQ(missing.ec, ct::errc::csv_no_column);
    EXPECT_NE(missing.message.find("line 1: the header names no column \"score\""), std::string::npos)
        << missing.message;
    auto count = read_rows<person>("name,age,score,active\nAda,36,1\n", o);
    EXPECT_EQ(count.ec, ct::errc::csv_field_count);
    EXPECT_NE(count.message.find("line 2: the record has 3 fields, the header 4"), std::string::npos) << count.message;
    auto bad = read_rows<person>("name,age,score,active\nAda,36,1,t\nBob,thirty,2,f\n", o);
    EXPECT_EQ(bad.ec, ct::errc::csv_bad_value);
    EXPECT_EQ(bad.rows.size(), 1u);
    EXPECT_NE(bad.message.find("line 3, column 2: \"thirty\" is not a value of member \"age\" (int32)"),
              std::string::npos)
        << bad.message;
    auto empty = read_rows<person>("name,age,score,active\nAda,,1,t\n", o);
    EXPECT_EQ(empty.ec, ct::errc::csv_bad_value);
    EXPECT_NE(empty.message.find("an empty field needs a std::optional member"), std::string::npos) << empty.message;
    EXPECT_EQ(read_rows<person>("name,age,score,active\nAda,99999999999,1,t\n", o).ec, ct::errc::csv_bad_value);
    EXPECT_EQ(read_rows<person>("name,age,score,active\nAda,1,1,maybe\n", o).ec, ct::errc::csv_bad_value);
    EXPECT_EQ(read_rows<person>("name,age,score,active\nAda,1,1.5x,t\n", o).ec, ct::errc::csv_bad_value);
    auto none = read_rows<person>("", o);
    EXPECT_EQ(none.ec, ct::errc::csv_field_count);
    EXPECT_NE(none.message.find("no header line"), std::string::npos) << none.message;
    auto positional = read_rows<pair_row>("1,one,extra\n");
    EXPECT_EQ(positional.ec, ct::errc::csv_field_count);
    EXPECT_NE(positional.message.find("the record has 3 fields, the row type 2"), std::string::npos)
        << positional.message;
    auto unnamed = read_rows<pair_row>("1,one\nx,two\n");
    EXPECT_EQ(unnamed.ec, ct::errc::csv_bad_value);
    EXPECT_NE(unnamed.message.find("line 2, column 1: \"x\" is not a value of member \"#0\" (int64)"),
              std::string::npos)
        << unnamed.message;
    // A handler's error stops the read with it.
    ct::csv_row_reader<pair_row> r;
    int seen = 0;
    auto stop = [&](pair_row&&) {
        return ++seen == 2 ? error_code(make_error_code(cirrus::errc::invalid_argument)) : error_code{};
    };
    EXPECT_EQ(r.feed(bytes("1,a\n2,b\n3,c\n"), stop), cirrus::errc::invalid_argument);
    EXPECT_EQ(seen, 2);
    EXPECT_NE(r.message().find("line 2: the row handler failed"), std::string::npos) << r.message();
}
