// Binary COPY data decoded into rows (copy_to_rows, async_copy_out into a vector), against
// canned bytes: every split of the data between messages, NULLs, and each malformed input.

#include <cirrus/postgres/bulk.hpp>
#include <cirrus/postgres/copy.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/describe.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace pg = cirrus::postgres;
namespace pd = cirrus::postgres::detail;
using namespace std::string_literals;

namespace {

struct reading {
    std::int32_t id;
    std::string name;
    std::optional<double> value;
    std::int64_t big;
    bool flag;
    std::optional<std::vector<std::int32_t>> tags;
};
BOOST_DESCRIBE_STRUCT(reading, (), (id, name, value, big, flag, tags))

bool operator==(const reading& a, const reading& b) {
    return a.id == b.id && a.name == b.name && a.value == b.value && a.big == b.big && a.flag == b.flag &&
           a.tags == b.tags;
}

std::vector<reading> sample_rows() {
    return {
        {1, "one", 1.5, 10000000000LL, true, std::vector<std::int32_t>{1, 2, 3}},
        {-2, "", std::nullopt, -1, false, std::nullopt},
        {3, "tab\there \"quoted\" \xc3\xa9", -0.0, 0, true, std::vector<std::int32_t>{}},
    };
}

// What the server sends for `rows` (the encoder of copy_from_rows writes the same format).
template <class Row>
std::string binary_copy(const std::vector<Row>& rows) {
    cirrus::buffer out;
    pg::write_copy_binary_header(out);
    std::string scratch;
    for (const auto& r : rows) EXPECT_FALSE(pg::write_copy_binary_row(r, out, scratch));
    pg::write_copy_binary_trailer(out);
    return std::string(out.data(), out.size());
}

std::string be16(std::int16_t v) {
    auto u = static_cast<std::uint16_t>(v);
    return {static_cast<char>(u >> 8), static_cast<char>(u)};
}
std::string be32(std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8), static_cast<char>(u)};
}
const std::string header = "PGCOPY\n\xff\r\n\0"s + be32(0) + be32(0);
const std::string trailer = be16(-1);

// Feeds `pieces` as CopyData messages, then the end of the data.
template <class Row>
struct decoded {
    std::vector<Row> rows;
    cirrus::error_code ec;
    std::string message;
};
template <class Row>
decoded<Row> decode_pieces(const std::vector<std::string_view>& pieces) {
    decoded<Row> d;
    auto sink = pg::copy_to_rows<Row>([&](Row&& r) { d.rows.push_back(std::move(r)); });
    auto& st = *pd::copy_row_access::state(sink);
    for (auto p : pieces) {
        if (p.empty()) continue; // the client never gives an empty message before the end
        if ((d.ec = st.take(p))) break;
    }
    if (!d.ec) d.ec = st.take({});
    if (d.ec) {
        EXPECT_TRUE(st.explains(d.ec));
        d.message = st.explanation();
    }
    return d;
}
template <class Row>
decoded<Row> decode_all(std::string_view data) {
    return decode_pieces<Row>({data});
}

} // namespace

TEST(PostgresCopyRows, DecodesWhatTheEncoderWrites) {
    auto rows = sample_rows();
    auto d = decode_all<reading>(binary_copy(rows));
    ASSERT_FALSE(d.ec) << d.message;
    EXPECT_EQ(d.rows, rows);
}

TEST(PostgresCopyRows, EverySplitBetweenTwoMessagesGivesTheSameRows) {
    auto rows = sample_rows();
    const std::string data = binary_copy(rows);
    for (std::size_t i = 0; i <= data.size(); ++i) {
        std::string_view v = data;
        auto d = decode_pieces<reading>({v.substr(0, i), v.substr(i)});
        ASSERT_FALSE(d.ec) << "split at " << i << ": " << d.message;
        ASSERT_EQ(d.rows, rows) << "split at " << i;
    }
}

TEST(PostgresCopyRows, OneByteAtATimeAndThreeWaySplits) {
    auto rows = sample_rows();
    const std::string data = binary_copy(rows);
    std::string_view v = data;
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < v.size(); ++i) bytes.push_back(v.substr(i, 1));
    auto d = decode_pieces<reading>(bytes);
    ASSERT_FALSE(d.ec) << d.message;
    EXPECT_EQ(d.rows, rows);
    for (std::size_t i = 0; i <= v.size(); i += 3) {
        for (std::size_t j = i; j <= v.size(); j += 5) {
            auto d3 = decode_pieces<reading>({v.substr(0, i), v.substr(i, j - i), v.substr(j)});
            ASSERT_FALSE(d3.ec) << i << "/" << j << ": " << d3.message;
            ASSERT_EQ(d3.rows, rows) << i << "/" << j;
        }
    }
}

TEST(PostgresCopyRows, RowsAreGivenAsTheirTuplesComplete) {
    auto rows = sample_rows();
    const std::string data = binary_copy(rows);
    std::size_t seen = 0;
    auto sink = pg::copy_to_rows<reading>([&](const reading&) { ++seen; });
    auto& st = *pd::copy_row_access::state(sink);
    // The header and the first tuple but its last byte: nothing yet, the start is kept.
    const std::size_t first_end = header.size() + binary_copy(std::vector<reading>{rows[0]}).size() - 19 - 2;
    ASSERT_FALSE(st.take(std::string_view(data).substr(0, first_end - 1)));
    EXPECT_EQ(seen, 0u);
    EXPECT_GT(st.decoder.buffered(), 0u);
    ASSERT_FALSE(st.take(std::string_view(data).substr(first_end - 1, 1)));
    EXPECT_EQ(seen, 1u);
    EXPECT_EQ(st.decoder.buffered(), 0u);
    ASSERT_FALSE(st.take(std::string_view(data).substr(first_end)));
    ASSERT_FALSE(st.take({}));
    EXPECT_EQ(seen, 3u);
    // Ready for the next COPY once one has ended well (a plain copy_sink is not reset
    // by the connection).
    ASSERT_FALSE(st.take(data));
    ASSERT_FALSE(st.take({}));
    EXPECT_EQ(seen, 6u);
    // After a failure, reset() (which async_copy_out calls first) starts over.
    EXPECT_EQ(st.take("x"), pg::client_errc::not_binary_copy);
    EXPECT_EQ(st.take(data), pg::client_errc::not_binary_copy);
    st.reset();
    ASSERT_FALSE(st.take(data));
    ASSERT_FALSE(st.take({}));
    EXPECT_EQ(seen, 9u);
}

TEST(PostgresCopyRows, ThePlainCopySinkFormDecodesTheSame) {
    std::size_t seen = 0;
    auto rows_sink = pg::copy_to_rows<reading>([&](reading&&) { ++seen; });
    pg::copy_sink sink = rows_sink.sink();
    const std::string data = binary_copy(sample_rows());
    boost::asio::io_context ctx;
    cirrus::error_code ec1, ec2, ec3;
    boost::asio::co_spawn(
        ctx,
        [&]() -> boost::asio::awaitable<void> {
            ec1 = co_await sink(std::string_view(data).substr(0, 30));
            ec2 = co_await sink(std::string_view(data).substr(30));
            ec3 = co_await sink(std::string_view{});
        },
        boost::asio::detached);
    ctx.run();
    EXPECT_FALSE(ec1);
    EXPECT_FALSE(ec2);
    EXPECT_FALSE(ec3);
    EXPECT_EQ(seen, 3u);
}

TEST(PostgresCopyRows, TuplesScalarsAndAggregatesByPosition) {
    using row = std::tuple<std::int16_t, std::optional<std::string>>;
    std::vector<row> rows = {{1, "a"}, {-7, std::nullopt}};
    auto d = decode_all<row>(binary_copy(rows));
    ASSERT_FALSE(d.ec) << d.message;
    EXPECT_EQ(d.rows, rows);

    std::vector<std::int64_t> ints = {5, 6, 7};
    auto d2 = decode_all<std::int64_t>(binary_copy(ints));
    ASSERT_FALSE(d2.ec) << d2.message;
    EXPECT_EQ(d2.rows, ints);

    struct plain {
        std::int32_t a;
        std::string b;
    };
    auto d3 = decode_all<plain>(header + be16(2) + be32(4) + be32(9) + be32(2) + "hi" + trailer);
    ASSERT_FALSE(d3.ec) << d3.message;
    ASSERT_EQ(d3.rows.size(), 1u);
    EXPECT_EQ(d3.rows[0].a, 9);
    EXPECT_EQ(d3.rows[0].b, "hi");
}

TEST(PostgresCopyRows, NullsAndTheHeaderExtension) {
    using row = std::tuple<std::optional<std::int32_t>, std::optional<std::string>>;
    // A header extension of 5 bytes is skipped.
    std::string data = "PGCOPY\n\xff\r\n\0"s + be32(0) + be32(5) + "xxxxx" + be16(2) + be32(-1) + be32(-1) + be16(2) +
                       be32(4) + be32(42) + be32(0) + trailer;
    auto d = decode_all<row>(data);
    ASSERT_FALSE(d.ec) << d.message;
    ASSERT_EQ(d.rows.size(), 2u);
    EXPECT_EQ(d.rows[0], row(std::nullopt, std::nullopt));
    EXPECT_EQ(d.rows[1], row(42, ""));
    // Flags in the low 16 bits are not critical.
    auto d2 = decode_all<row>("PGCOPY\n\xff\r\n\0"s + be32(0x1234) + be32(0) + trailer);
    EXPECT_FALSE(d2.ec) << d2.message;
    EXPECT_TRUE(d2.rows.empty());
}

TEST(PostgresCopyRows, NullIntoAMemberThatCannotHoldIt) {
    auto rows = sample_rows();
    std::string data = binary_copy(std::vector<reading>{rows[0]});
    data.resize(data.size() - 2); // without the trailer
    // Row 1: id is NULL.
    data += be16(6) + be32(-1) + be32(1) + "x" + be32(-1) + be32(8) + std::string(8, '\0') + be32(1) + "\1" + be32(-1) +
            trailer;
    auto d = decode_all<reading>(data);
    EXPECT_EQ(d.ec, pg::client_errc::unexpected_null);
    EXPECT_EQ(d.rows.size(), 1u);
    EXPECT_NE(d.message.find("row 1: field #0 into member \"id\" (int) of"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("NULL"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("reading"), std::string::npos) << d.message;
}

TEST(PostgresCopyRows, AFieldOfAnotherTypeIsATypedError) {
    // An int8 where the row has an int4 (and a float4 where it has a double).
    std::string data = header + be16(6) + be32(8) + std::string(8, '\1') + be32(1) + "x" + be32(-1) + be32(8) +
                       std::string(8, '\0') + be32(1) + "\1" + be32(-1) + trailer;
    auto d = decode_all<reading>(data);
    EXPECT_EQ(d.ec, pg::client_errc::invalid_field_value);
    EXPECT_TRUE(d.rows.empty());
    EXPECT_NE(d.message.find("row 0: field #0 into member \"id\" (int)"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("8 bytes are not a binary int4"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("canceled"), std::string::npos) << d.message;

    std::string data2 = header + be16(6) + be32(4) + be32(1) + be32(1) + "x" + be32(4) + "abcd" + be32(8) +
                        std::string(8, '\0') + be32(1) + "\1" + be32(-1) + trailer;
    auto d2 = decode_all<reading>(data2);
    EXPECT_EQ(d2.ec, pg::client_errc::invalid_field_value);
    EXPECT_NE(d2.message.find("field #2 into member \"value\""), std::string::npos) << d2.message;
    EXPECT_NE(d2.message.find("float8"), std::string::npos) << d2.message;

    // A bool of two bytes, in a tuple: no member name, the position and the type.
    using row = std::tuple<std::int16_t, bool>;
    auto d3 = decode_all<row>(header + be16(2) + be32(2) + be16(1) + be32(2) + "\1\1" + trailer);
    EXPECT_EQ(d3.ec, pg::client_errc::invalid_field_value);
    EXPECT_NE(d3.message.find("row 0: field #1 into bool of std::tuple"), std::string::npos) << d3.message;
    // An int2 that does not fit the value read: an int4 with a large value into int16 fails by length.
    auto d4 = decode_all<std::int16_t>(header + be16(1) + be32(4) + be32(70000) + trailer);
    EXPECT_EQ(d4.ec, pg::client_errc::invalid_field_value);
    EXPECT_NE(d4.message.find("row 0: field #0 into short"), std::string::npos) << d4.message;
}

TEST(PostgresCopyRows, FieldCountOtherThanTheRowTypes) {
    auto d = decode_all<reading>(header + be16(2) + be32(4) + be32(1) + be32(-1) + trailer);
    EXPECT_EQ(d.ec, pg::client_errc::field_count_mismatch);
    EXPECT_NE(d.message.find("row 0: the COPY data has 2 fields but"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("has 6"), std::string::npos) << d.message;
    // Known from the count alone: the rest of the tuple is not waited for.
    auto sink = pg::copy_to_rows<reading>([](reading&&) {});
    auto& st = *pd::copy_row_access::state(sink);
    EXPECT_EQ(st.take(header + be16(7)), pg::client_errc::field_count_mismatch);
    // Once failed, it stays failed.
    EXPECT_EQ(st.take(trailer), pg::client_errc::field_count_mismatch);
    EXPECT_EQ(st.take({}), pg::client_errc::field_count_mismatch);
}

TEST(PostgresCopyRows, DataThatIsNotBinaryCopy) {
    // Text COPY: refused at the first byte that differs from the signature.
    auto d = decode_all<reading>("1\tone\t1.5\t10000000000\tt\t{1,2,3}\n");
    EXPECT_EQ(d.ec, pg::client_errc::not_binary_copy);
    EXPECT_NE(d.message.find("FORMAT binary"), std::string::npos) << d.message;
    auto d1 = decode_pieces<reading>({"P", "Gx"});
    EXPECT_EQ(d1.ec, pg::client_errc::not_binary_copy);
    // No data at all (a text COPY of no rows).
    auto d2 = decode_pieces<reading>({});
    EXPECT_EQ(d2.ec, pg::client_errc::not_binary_copy);
    EXPECT_EQ(d2.message.find("canceled"), std::string::npos) << d2.message;
    // A header cut short.
    auto d3 = decode_all<reading>(header.substr(0, 15));
    EXPECT_EQ(d3.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d3.message.find("ended in its header"), std::string::npos) << d3.message;
    // WITH OIDS, unknown critical flags, a negative extension length.
    EXPECT_EQ(decode_all<reading>("PGCOPY\n\xff\r\n\0"s + be32(0x10000) + be32(0) + trailer).ec,
              pg::client_errc::invalid_copy_data);
    EXPECT_EQ(decode_all<reading>("PGCOPY\n\xff\r\n\0"s + be32(0x800000) + be32(0) + trailer).ec,
              pg::client_errc::invalid_copy_data);
    EXPECT_EQ(decode_all<reading>("PGCOPY\n\xff\r\n\0"s + be32(0) + be32(-1) + trailer).ec,
              pg::client_errc::invalid_copy_data);
}

TEST(PostgresCopyRows, BadTrailerAndDataAfterIt) {
    using row = std::tuple<std::int32_t>;
    const std::string one = be16(1) + be32(4) + be32(7);
    // No trailer.
    auto d = decode_all<row>(header + one);
    EXPECT_EQ(d.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d.message.find("after 1 rows without its trailer"), std::string::npos) << d.message;
    EXPECT_EQ(d.rows.size(), 1u);
    // A tuple cut short.
    auto d1 = decode_all<row>(header + one + be16(1) + be32(4) + "ab");
    EXPECT_EQ(d1.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d1.message.find("in the middle of row 1"), std::string::npos) << d1.message;
    // A trailer other than -1 (a negative field count).
    auto d2 = decode_all<row>(header + one + be16(-2));
    EXPECT_EQ(d2.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d2.message.find("row 1: the tuple has a negative field count"), std::string::npos) << d2.message;
    // Data after the trailer, in the same message or the next.
    auto d3 = decode_all<row>(header + one + trailer + "x");
    EXPECT_EQ(d3.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d3.message.find("after its trailer"), std::string::npos) << d3.message;
    const std::string all = header + one + trailer;
    auto d4 = decode_pieces<row>({all, one});
    EXPECT_EQ(d4.ec, pg::client_errc::invalid_copy_data);
    // A negative field length other than -1.
    auto d5 = decode_all<row>(header + be16(1) + be32(-5) + trailer);
    EXPECT_EQ(d5.ec, pg::client_errc::invalid_copy_data);
    EXPECT_NE(d5.message.find("row 0: field #0 has a negative length"), std::string::npos) << d5.message;
    // A huge declared length waits for the data, and the end reports the cut.
    auto d6 = decode_all<row>(header + be16(1) + be32(0x7fffffff) + "abc");
    EXPECT_EQ(d6.ec, pg::client_errc::invalid_copy_data);
}

TEST(PostgresCopyRows, ARowOverTheLimitIsRefusedWhileItArrives) {
    // A row whose field says 1 GB arrives 64 KiB at a time: held up to the limit (the
    // connection's max_message_size), then refused, not buffered without end.
    using row = std::tuple<std::string>;
    auto sink = pg::copy_to_rows<row>([](row&&) {});
    auto& st = *pd::copy_row_access::state(sink);
    st.decoder.limit_tuple_bytes(1 << 20);
    ASSERT_FALSE(st.take(header + be16(1) + be32(1 << 30)));
    const std::string piece(64 << 10, 'x');
    cirrus::error_code ec;
    int pieces = 0;
    while (!ec && pieces < 100) {
        ec = st.take(piece);
        ++pieces;
    }
    EXPECT_EQ(ec, pg::client_errc::row_too_large);
    EXPECT_EQ(pieces, 16); // 6 + 16 x 64 KiB > 1 MiB
    EXPECT_EQ(st.decoder.buffered(), 0u);
    ASSERT_TRUE(st.explains(ec));
    EXPECT_NE(st.explanation().find("row 0 is over 1048576 bytes"), std::string::npos) << st.explanation();
    EXPECT_NE(st.explanation().find("max_message_size"), std::string::npos) << st.explanation();
    // A row within the limit, given in pieces, still decodes.
    const std::string value((1 << 20) - 64, 'y');
    const std::string data = header + be16(1) + be32(static_cast<std::int32_t>(value.size())) + value + trailer;
    std::size_t rows = 0;
    auto counting = pg::copy_to_rows<row>([&](row&& r) { rows += std::get<0>(r) == value; });
    auto& st2 = *pd::copy_row_access::state(counting);
    st2.decoder.limit_tuple_bytes(1 << 20);
    for (std::size_t at = 0; at < data.size(); at += 64 << 10)
        ASSERT_FALSE(st2.take(std::string_view(data).substr(at, 64 << 10)));
    EXPECT_FALSE(st2.take({}));
    EXPECT_EQ(rows, 1u);
}

TEST(PostgresCopyRows, AFailingHandlerStopsTheRows) {
    using row = std::tuple<std::int32_t>;
    std::vector<row> rows = {{1}, {2}, {3}};
    int calls = 0;
    auto sink = pg::copy_to_rows<row>([&](row&&) -> cirrus::error_code {
        if (++calls == 2) return make_error_code(boost::system::errc::no_space_on_device);
        return {};
    });
    auto& st = *pd::copy_row_access::state(sink);
    auto ec = st.take(binary_copy(rows));
    EXPECT_EQ(ec, boost::system::errc::no_space_on_device);
    EXPECT_EQ(calls, 2);
    EXPECT_TRUE(st.explains(ec));
    EXPECT_NE(st.explanation().find("row 1: the row handler failed"), std::string::npos) << st.explanation();
}

TEST(PostgresCopyRows, CopyOutSqlNamesTheDescribedMembers) {
    EXPECT_EQ(pg::copy_out_sql<reading>("Read \"x\""),
              "COPY \"Read \"\"x\"\"\" (\"id\", \"name\", \"value\", \"big\", \"flag\", \"tags\") TO STDOUT (FORMAT "
              "binary)");
    EXPECT_EQ(pg::copy_out_sql<std::tuple<int>>({"s", "t"}), "COPY \"s\".\"t\" TO STDOUT (FORMAT binary)");
}
