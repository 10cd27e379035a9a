// Codecs (binary and text forms of every supported type), numeric, dates and times,
// arrays, text rendering and typed rows, without a server.

#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>
#include <cirrus/postgres/typed_row.hpp>
#include <cirrus/postgres/types.hpp>

#include <boost/describe.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace pg = cirrus::postgres;
namespace pd = cirrus::postgres::detail;
using namespace std::string_literals;
using namespace std::chrono;

namespace {

template <class T>
std::string encode(const T& v) {
    std::string out;
    pg::type_traits<T>::encode(v, out);
    return out;
}

template <class T>
T decode(pg::oid_t type, pg::format f, std::string_view bytes) {
    T v{};
    auto ec = pg::decode_field(pg::field_data{type, f, false, bytes}, v);
    EXPECT_FALSE(ec) << ec.message() << " for " << bytes;
    return v;
}

template <class T>
cirrus::error_code decode_error(pg::oid_t type, pg::format f, std::string_view bytes) {
    T v{};
    return pg::decode_field(pg::field_data{type, f, false, bytes}, v);
}

// Binary round trip through the codec, then a text round trip through render_text.
template <class T>
void round_trip(const T& v, pg::oid_t type) {
    auto bin = encode(v);
    EXPECT_EQ(decode<T>(type, pg::format::binary, bin), v);
    std::string text;
    ASSERT_FALSE(pd::render_text(pg::field_data{type, pg::format::binary, false, bin}, text));
    EXPECT_EQ(decode<T>(type, pg::format::text, text), v) << text;
}

} // namespace

TEST(PostgresCodec, BoolAndIntegers) {
    round_trip(true, pg::oids::boolean);
    round_trip(false, pg::oids::boolean);
    EXPECT_EQ(decode<bool>(pg::oids::boolean, pg::format::text, "t"), true);
    EXPECT_EQ(decode_error<bool>(pg::oids::boolean, pg::format::text, "yes"), pg::client_errc::invalid_field_value);
    round_trip(std::numeric_limits<std::int16_t>::min(), pg::oids::int2);
    round_trip(std::numeric_limits<std::int16_t>::max(), pg::oids::int2);
    round_trip(std::numeric_limits<std::int32_t>::min(), pg::oids::int4);
    round_trip(std::numeric_limits<std::int64_t>::min(), pg::oids::int8);
    round_trip(std::numeric_limits<std::int64_t>::max(), pg::oids::int8);
    EXPECT_EQ(encode(std::int32_t{-2}), "\xff\xff\xff\xfe"s);
    // Widening and range-checked narrowing between integer types.
    EXPECT_EQ(decode<std::int64_t>(pg::oids::int2, pg::format::binary, "\xff\xfe"s), -2);
    EXPECT_EQ(decode<std::int16_t>(pg::oids::int8, pg::format::text, "-32768"), -32768);
    EXPECT_EQ(decode_error<std::int16_t>(pg::oids::int8, pg::format::text, "32768"), pg::client_errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int32_t>(pg::oids::int4, pg::format::binary, "\x01\x02"), pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<std::int32_t>(pg::oids::int4, pg::format::text, "12x"), pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<std::int64_t>(pg::oids::int8, pg::format::text, "99999999999999999999"),
              pg::client_errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int32_t>(pg::oids::text, pg::format::text, "1"), pg::client_errc::incompatible_type);
}

TEST(PostgresCodec, Floats) {
    round_trip(1.5f, pg::oids::float4);
    round_trip(-0.1, pg::oids::float8);
    round_trip(std::numeric_limits<double>::max(), pg::oids::float8);
    round_trip(std::numeric_limits<double>::denorm_min(), pg::oids::float8);
    round_trip(std::numeric_limits<double>::infinity(), pg::oids::float8);
    round_trip(-std::numeric_limits<double>::infinity(), pg::oids::float8);
    EXPECT_TRUE(std::isnan(decode<double>(pg::oids::float8, pg::format::text, "NaN")));
    auto nan_bin = encode(std::numeric_limits<double>::quiet_NaN());
    EXPECT_TRUE(std::isnan(decode<double>(pg::oids::float8, pg::format::binary, nan_bin)));
    std::string text;
    ASSERT_FALSE(pd::render_text({pg::oids::float8, pg::format::binary, false, nan_bin}, text));
    EXPECT_EQ(text, "NaN");
    EXPECT_EQ(decode<double>(pg::oids::float4, pg::format::binary, encode(0.25f)), 0.25);
    EXPECT_EQ(decode<double>(pg::oids::float8, pg::format::text, "1e+100"), 1e100);
}

TEST(PostgresCodec, Strings) {
    EXPECT_EQ(decode<std::string>(pg::oids::text, pg::format::binary, "héllo"), "héllo");
    EXPECT_EQ(decode<std::string_view>(pg::oids::varchar, pg::format::text, "abc"), "abc");
    EXPECT_EQ(decode_error<std::string_view>(pg::oids::int4, pg::format::binary, "\0\0\0\1"s),
              pg::client_errc::incompatible_type);
    // Any column reads as a string: binary values in their text form.
    EXPECT_EQ(decode<std::string>(pg::oids::int4, pg::format::binary, "\0\0\0\x2a"s), "42");
    EXPECT_EQ(decode<std::string>(pg::oids::jsonb, pg::format::binary, "\x01{\"a\": 1}"), "{\"a\": 1}");
    using tt = pg::type_traits<std::string>;
    EXPECT_EQ(tt::param_oid, 0u);
    EXPECT_EQ(tt::param_format, pg::format::text);
}

TEST(PostgresCodec, Bytea) {
    pg::bytea b{std::byte{0}, std::byte{0xff}, std::byte{'\\'}};
    round_trip(b, pg::oids::bytea);
    EXPECT_EQ(decode<pg::bytea>(pg::oids::bytea, pg::format::text, "\\x00ff5c"), b);
    EXPECT_EQ(decode<pg::bytea>(pg::oids::bytea, pg::format::text, "\\000\\377\\\\"), b); // escape format
    EXPECT_EQ(decode_error<pg::bytea>(pg::oids::bytea, pg::format::text, "\\x0"), pg::client_errc::invalid_field_value);
    EXPECT_TRUE(decode<pg::bytea>(pg::oids::bytea, pg::format::binary, "").empty());
}

TEST(PostgresCodec, NumericExact) {
    auto check = [](std::string_view in, std::string_view canon) {
        auto n = pg::numeric::parse(in);
        ASSERT_TRUE(n) << in;
        EXPECT_EQ(n->to_string(), canon);
        round_trip(*n, pg::oids::numeric);
    };
    check("0", "0");
    check("-0.00", "0.00");
    check("123.4500", "123.4500");
    check("-1", "-1");
    check("0.0001", "0.0001");
    check("10000", "10000");
    check("99999999.99999999", "99999999.99999999");
    check("1.5e3", "1500");
    check("1.50e-2", "0.0150");
    check(".5", "0.5");
    check("007", "7");
    check("NaN", "NaN");
    check("Infinity", "Infinity");
    check("-infinity", "-Infinity");
    EXPECT_FALSE(pg::numeric::parse("1.2.3"));
    EXPECT_FALSE(pg::numeric::parse("abc"));
    EXPECT_FALSE(pg::numeric::parse("1e"));
    EXPECT_FALSE(pg::numeric::parse(""));
    // 1000 digits, exactly.
    std::string big(1, '9');
    for (int i = 1; i < 600; ++i) big.push_back(static_cast<char>('0' + i % 10));
    big += ".";
    for (int i = 0; i < 400; ++i) big.push_back(static_cast<char>('0' + (i * 7) % 10));
    check(big, big);
    check("-" + big, "-" + big);
    // Known wire bytes: 1234.5 = digits [1234, 5000], weight 0, dscale 1.
    EXPECT_EQ(encode(*pg::numeric::parse("1234.5")), "\0\x02\0\0\0\0\0\x01\x04\xd2\x13\x88"s);
    EXPECT_EQ(decode<pg::numeric>(pg::oids::numeric, pg::format::binary, "\0\x02\0\0\0\0\0\x01\x04\xd2\x13\x88"s).to_string(),
              "1234.5");
    // Malformed wire values.
    EXPECT_EQ(decode_error<pg::numeric>(pg::oids::numeric, pg::format::binary, "\0\x01\0\0\0\0\0\0\x27\x10"s),
              pg::client_errc::invalid_field_value); // digit 10000
    EXPECT_EQ(decode_error<pg::numeric>(pg::oids::numeric, pg::format::binary, "\0\x05\0\0\0\0\0\0"s),
              pg::client_errc::invalid_field_value); // ndigits beyond the body
    EXPECT_EQ(decode<pg::numeric>(pg::oids::int8, pg::format::binary, encode(std::int64_t{-5})).to_string(), "-5");
    EXPECT_EQ(decode<std::string>(pg::oids::numeric, pg::format::binary, encode(*pg::numeric::parse("-0.125"))), "-0.125");
}

TEST(PostgresCodec, Dates) {
    auto d = pg::date(year{2024} / 2 / 29);
    round_trip(d, pg::oids::date);
    round_trip(pg::date(year{1900} / 1 / 1), pg::oids::date);
    round_trip(pg::date(year{2000} / 1 / 1), pg::oids::date);
    EXPECT_EQ(encode(pg::date(year{2000} / 1 / 2)), "\0\0\0\x01"s);
    EXPECT_EQ(decode<pg::date>(pg::oids::date, pg::format::text, "0044-03-15 BC"),
              pg::date(days(pd::days_from_civil(-43, 3, 15))));
    EXPECT_EQ(decode<pg::date>(pg::oids::date, pg::format::text, "infinity"), pg::date::max());
    EXPECT_EQ(decode<pg::date>(pg::oids::date, pg::format::binary, "\x80\0\0\0"s), pg::date::min());
    EXPECT_EQ(encode(pg::date::max()), "\x7f\xff\xff\xff"s);
    round_trip(pg::date::max(), pg::oids::date);
    round_trip(pg::date::min(), pg::oids::date);
    EXPECT_EQ(decode_error<pg::date>(pg::oids::date, pg::format::text, "2023-02-29"), pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<pg::date>(pg::oids::date, pg::format::text, "2023-13-01"), pg::client_errc::invalid_field_value);
    std::string text;
    pd::format_date(text, pd::days_from_civil(-43, 3, 15));
    EXPECT_EQ(text, "0044-03-15 BC");
}

TEST(PostgresCodec, Timestamps) {
    auto ts = pg::timestamptz(sys_days(year{1969} / 7 / 20) + 20h + 17min + 40s + 123456us);
    round_trip(ts, pg::oids::timestamptz);
    round_trip(pg::timestamptz(sys_days(year{2100} / 1 / 1) + 1us), pg::oids::timestamptz);
    round_trip(pg::timestamptz(sys_days(year{1} / 1 / 1)), pg::oids::timestamptz);
    round_trip(pg::timestamptz::max(), pg::oids::timestamptz);
    round_trip(pg::timestamptz::min(), pg::oids::timestamptz);
    auto local = pg::timestamp(local_days(year{2038} / 1 / 19) + 3h + 14min + 8s);
    round_trip(local, pg::oids::timestamp);
    // Text with an offset is converted to UTC.
    EXPECT_EQ(decode<pg::timestamptz>(pg::oids::timestamptz, pg::format::text, "2024-01-02 03:04:05.5+02"),
              pg::timestamptz(sys_days(year{2024} / 1 / 2) + 1h + 4min + 5s + 500ms));
    EXPECT_EQ(decode<pg::timestamptz>(pg::oids::timestamptz, pg::format::text, "1900-01-01 00:00:00-05:30"),
              pg::timestamptz(sys_days(year{1900} / 1 / 1) + 5h + 30min));
    EXPECT_EQ(decode<pg::timestamptz>(pg::oids::timestamptz, pg::format::text, "-infinity"), pg::timestamptz::min());
    // Wire epoch: 2000-01-01 is 0.
    EXPECT_EQ(encode(pg::timestamptz(sys_days(year{2000} / 1 / 1))), std::string(8, '\0'));
    std::string text;
    ASSERT_FALSE(pd::render_text({pg::oids::timestamptz, pg::format::binary, false, encode(ts)}, text));
    EXPECT_EQ(text, "1969-07-20 20:17:40.123456+00");
    // Near the top of the wire range the unix-epoch value does not fit: out of range, not UB.
    EXPECT_EQ(decode_error<pg::timestamptz>(pg::oids::timestamptz, pg::format::binary, "\x7f\xff\xff\xff\xff\xff\xff\x00"s),
              pg::client_errc::value_out_of_range);
    // A timestamp column read as timestamptz is taken as UTC.
    EXPECT_EQ(decode<pg::timestamptz>(pg::oids::timestamp, pg::format::text, "2000-01-01 00:00:01"),
              pg::timestamptz(sys_days(year{2000} / 1 / 1) + 1s));
}

TEST(PostgresCodec, TimeAndInterval) {
    round_trip(pg::time_of_day(13h + 59min + 1s + 5us), pg::oids::time);
    round_trip(pg::time_of_day(24h), pg::oids::time);
    EXPECT_EQ(decode<pg::time_of_day>(pg::oids::time, pg::format::text, "04:05:06.789"), 4h + 5min + 6s + 789ms);
    round_trip(pg::interval{14, 3, 4 * 3600'000'000LL + 5'000'000}, pg::oids::interval);
    round_trip(pg::interval{-14, -3, -1}, pg::oids::interval);
    round_trip(pg::interval{0, 0, 0}, pg::oids::interval);
    round_trip(pg::interval{1, -1, 3600'000'000LL}, pg::oids::interval);
    round_trip(pg::interval{std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min(),
                            std::numeric_limits<std::int64_t>::min()},
               pg::oids::interval);
    auto iv = [](std::string_view s) { return decode<pg::interval>(pg::oids::interval, pg::format::text, s); };
    EXPECT_EQ(iv("1 year 2 mons 3 days 04:05:06.789"), (pg::interval{14, 3, 14706'789'000LL}));
    EXPECT_EQ(iv("-1 days +02:03:00"), (pg::interval{0, -1, 7380'000'000LL}));
    EXPECT_EQ(iv("00:00:00"), (pg::interval{}));
    EXPECT_EQ(iv("P1Y2M3DT4H5M6.5S"), (pg::interval{14, 3, 14706'500'000LL}));
    EXPECT_EQ(iv("P-1Y-2M3DT-4H-5M-6S"), (pg::interval{-14, 3, -14706'000'000LL}));
    EXPECT_EQ(decode_error<pg::interval>(pg::oids::interval, pg::format::text, "1 fortnight"),
              pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<pg::interval>(pg::oids::interval, pg::format::text, "9999999999999:00:00 9999999999999:00:00"),
              pg::client_errc::invalid_field_value);
    EXPECT_EQ((pg::interval{14, 3, 14706'789'000LL}).to_string(), "1 year 2 mons 3 days 04:05:06.789");
    EXPECT_EQ((pg::interval{0, -1, 7380'000'000LL}).to_string(), "-1 days +02:03:00");
}

TEST(PostgresCodec, UuidJsonInet) {
    auto u = pg::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->to_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    EXPECT_EQ(pg::uuid::parse("{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"), u);
    EXPECT_FALSE(pg::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"));
    EXPECT_FALSE(pg::uuid::parse("a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11"));
    round_trip(*u, pg::oids::uuid);

    pg::json j{R"({"k": [1, 2]})"};
    EXPECT_EQ(decode<pg::json>(pg::oids::jsonb, pg::format::binary, "\x01" + j.text), j);
    EXPECT_EQ(decode<pg::json>(pg::oids::json, pg::format::binary, j.text), j);
    EXPECT_EQ(decode_error<pg::json>(pg::oids::jsonb, pg::format::binary, "\x02{}"), pg::client_errc::invalid_field_value);

    auto a = pg::inet::parse("192.168.1.5");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "192.168.1.5");
    round_trip(*a, pg::oids::inet);
    auto net = pg::inet::parse("10.0.0.0/8", true);
    ASSERT_TRUE(net);
    EXPECT_EQ(net->to_string(), "10.0.0.0/8");
    round_trip(*net, pg::oids::cidr);
    auto v6 = pg::inet::parse("2001:db8::1/64");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->to_string(), "2001:db8::1/64");
    round_trip(*v6, pg::oids::inet);
    EXPECT_FALSE(pg::inet::parse("10.0.0.1/33"));
    EXPECT_FALSE(pg::inet::parse("300.0.0.1"));
    EXPECT_EQ(decode_error<pg::inet>(pg::oids::inet, pg::format::binary, "\x02\x20\x00\x10\x01\x02\x03\x04"),
              pg::client_errc::invalid_field_value);
}

TEST(PostgresCodec, Optional) {
    std::optional<std::int32_t> v = 5;
    EXPECT_FALSE(pg::decode_field(pg::field_data{pg::oids::int4, pg::format::text, true, {}}, v));
    EXPECT_FALSE(v);
    std::int32_t plain = 0;
    EXPECT_EQ(pg::decode_field(pg::field_data{pg::oids::int4, pg::format::text, true, {}}, plain),
              pg::client_errc::unexpected_null);
    EXPECT_EQ(pd::param_oid_of<std::optional<std::string>>(), 0u);
    EXPECT_EQ(pd::param_format_of<std::optional<std::string>>(), pg::format::text);
    EXPECT_EQ(pd::param_oid_of<std::optional<std::int64_t>>(), pg::oids::int8);
}

TEST(PostgresCodec, ArraysBinary) {
    std::vector<std::int32_t> v{1, -2, 3};
    auto bin = encode(v);
    EXPECT_EQ(bin.substr(0, 12), "\0\0\0\x01\0\0\0\0\0\0\0\x17"s);
    EXPECT_EQ(decode<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::binary, bin), v);
    std::vector<std::optional<std::string>> s{"a", std::nullopt, "b c", ""};
    round_trip(s, pg::oids::text_array);
    round_trip(std::vector<double>{}, pg::oids::float8_array);
    round_trip(std::vector<pg::numeric>{*pg::numeric::parse("1.5"), *pg::numeric::parse("NaN")}, pg::oids::numeric_array);
    round_trip(std::vector<pg::bytea>{{std::byte{1}}, {}}, pg::oids::bytea_array);
    round_trip(std::vector<pg::timestamptz>{pg::timestamptz::max(), pg::timestamptz(sys_days(year{1960} / 1 / 1))},
               pg::oids::timestamptz_array);
    // NULL element into a non-optional element type.
    EXPECT_EQ(decode_error<std::vector<std::string>>(pg::oids::text_array, pg::format::binary, encode(s)),
              pg::client_errc::unexpected_null);
    // Element type mismatch, absurd counts, truncation.
    EXPECT_EQ(decode_error<std::vector<std::int64_t>>(pg::oids::int8_array, pg::format::binary, bin),
              pg::client_errc::invalid_field_value);
    auto huge = "\0\0\0\x01\0\0\0\0\0\0\0\x17\x7f\xff\xff\xff\0\0\0\x01"s;
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::binary, huge),
              pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::binary, bin.substr(0, bin.size() - 1)),
              pg::client_errc::invalid_field_value);
    // Two dimensions.
    auto two_d = "\0\0\0\x02\0\0\0\0\0\0\0\x17\0\0\0\x01\0\0\0\x01\0\0\0\x02\0\0\0\x01"s + "\0\0\0\x04\0\0\0\x01"s +
                 "\0\0\0\x04\0\0\0\x02"s;
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::binary, two_d),
              pg::client_errc::array_dimension_mismatch);
    std::string text;
    ASSERT_FALSE(pd::render_text({pg::oids::int4_array, pg::format::binary, false, two_d}, text));
    EXPECT_EQ(text, "{{1,2}}");
}

TEST(PostgresCodec, ArraysText) {
    using strings = std::vector<std::optional<std::string>>;
    EXPECT_EQ(decode<strings>(pg::oids::text_array, pg::format::text, R"({a,"b c",NULL,"NULL","q\"x",""})"),
              (strings{"a", "b c", std::nullopt, "NULL", "q\"x", ""}));
    EXPECT_EQ(decode<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{}"), std::vector<std::int32_t>{});
    EXPECT_EQ(decode<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "[0:1]={5,6}"),
              (std::vector<std::int32_t>{5, 6}));
    EXPECT_EQ(decode<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{ 1 , 2 }"),
              (std::vector<std::int32_t>{1, 2}));
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{{1,2},{3,4}}"),
              pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{1,2"),
              pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{1,,2}"),
              pg::client_errc::invalid_field_value);
    EXPECT_EQ(decode<std::vector<pg::bytea>>(pg::oids::bytea_array, pg::format::text, R"({"\\x0102"})"),
              (std::vector<pg::bytea>{{std::byte{1}, std::byte{2}}}));
    // Rendering quotes what needs quoting.
    std::string text;
    ASSERT_FALSE(pd::render_text({pg::oids::text_array, pg::format::binary, false,
                                  encode(strings{"a", "b c", std::nullopt, "NULL", "q\"x", ""})},
                                 text));
    EXPECT_EQ(text, R"({a,"b c",NULL,"NULL","q\"x",""})");
}

namespace {

// Big-endian pieces of a binary array.
std::string be32(std::int64_t v) {
    std::string s;
    pd::put_u32(s, static_cast<std::uint32_t>(v));
    return s;
}

std::string array_header(std::int64_t ndim, pg::oid_t elem, std::vector<std::int64_t> dims, bool has_null = false) {
    std::string s = be32(ndim) + be32(has_null ? 1 : 0) + be32(elem);
    for (auto d : dims) s += be32(d) + be32(1);
    return s;
}

std::string int4_elements(std::vector<std::optional<std::int32_t>> v) {
    std::string s;
    for (auto e : v) s += e ? be32(4) + be32(*e) : be32(-1);
    return s;
}

using grid = std::vector<std::vector<std::int32_t>>;
using opt_grid = std::vector<std::vector<std::optional<std::int32_t>>>;
template <class T>
using cube = std::vector<std::vector<std::vector<T>>>;

} // namespace

TEST(PostgresCodec, TextArrayOfViewsPointsIntoTheField) {
    // Views must outlive the decode: they point into the field's own bytes.
    const std::string literal = R"({{abc,"d e"},{NULL,""}})";
    const pg::field_data f{pg::oids::text_array, pg::format::text, false, literal};
    std::vector<std::vector<std::optional<std::string_view>>> views;
    ASSERT_FALSE(pg::decode_field(f, views));
    ASSERT_EQ(views.size(), 2u);
    EXPECT_EQ(views[0][0], "abc");
    EXPECT_EQ(views[0][1], "d e");
    EXPECT_FALSE(views[1][0].has_value());
    EXPECT_EQ(views[1][1], "");
    for (const auto& v : {*views[0][0], *views[0][1]}) {
        EXPECT_GE(v.data(), literal.data());
        EXPECT_LE(v.data() + v.size(), literal.data() + literal.size());
    }
    // An element that exists only unescaped cannot be viewed: a typed error, not a
    // dangling view.
    const std::string escaped = R"({"q\"x"})";
    std::vector<std::string_view> one;
    EXPECT_EQ(pg::decode_field(pg::field_data{pg::oids::text_array, pg::format::text, false, escaped}, one),
              pg::client_errc::incompatible_type);
}

TEST(PostgresCodec, MultiDimensionalArraysBinary) {
    // Dimensions outermost first, lower bounds 1, row-major elements.
    grid g{{1, 2, 3}, {4, 5, 6}};
    auto bin = encode(g);
    EXPECT_EQ(bin, array_header(2, pg::oids::int4, {2, 3}) + int4_elements({1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::binary, bin), g);
    std::string text;
    ASSERT_FALSE(pd::render_text({pg::oids::int4_array, pg::format::binary, false, bin}, text));
    EXPECT_EQ(text, "{{1,2,3},{4,5,6}}");
    EXPECT_EQ(pg::type_traits<grid>::type_oid, pg::oids::int4_array);
    EXPECT_EQ(pg::type_traits<grid>::dimensions, 2u);
    EXPECT_TRUE(pg::type_traits<grid>::accepts(pg::oids::int4_array));
    EXPECT_TRUE(pg::type_traits<grid>::accepts(pg::oids::int8_array));
    EXPECT_FALSE(pg::type_traits<grid>::accepts(pg::oids::int4));
    EXPECT_FALSE(pg::type_traits<grid>::accepts(pg::oids::text_array));

    // NULL elements set the flag; a NULL into a non-optional element is unexpected_null.
    opt_grid with_nulls{{1, std::nullopt}, {std::nullopt, 4}};
    auto nulls = encode(with_nulls);
    EXPECT_EQ(nulls, array_header(2, pg::oids::int4, {2, 2}, true) + int4_elements({1, std::nullopt, std::nullopt, 4}));
    round_trip(with_nulls, pg::oids::int4_array);
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::binary, nulls), pg::client_errc::unexpected_null);

    // Three dimensions and other element types, through binary and the server's text form.
    cube<std::optional<std::int64_t>> c{{{1, std::nullopt, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, std::nullopt}}};
    EXPECT_EQ(encode(c).substr(0, 12 + 24), array_header(3, pg::oids::int8, {2, 2, 3}, true));
    round_trip(c, pg::oids::int8_array);
    round_trip(std::vector<std::vector<std::optional<std::string>>>{{"a\"b", "c,d", "{x}"}, {std::nullopt, "", "NULL"}},
               pg::oids::text_array);
    round_trip(cube<double>{{{1.5, -0.0}}, {{std::numeric_limits<double>::infinity(), 1e300}}}, pg::oids::float8_array);
    round_trip(std::vector<std::vector<pg::numeric>>{{*pg::numeric::parse("1.50"), *pg::numeric::parse("-0.001")},
                                                     {*pg::numeric::parse("NaN"), *pg::numeric::parse("123456789012345678901234567890")}},
               pg::oids::numeric_array);
    round_trip(std::vector<std::vector<pg::timestamptz>>{{pg::timestamptz(sys_days(year{1960} / 1 / 1))},
                                                         {pg::timestamptz::max()}},
               pg::oids::timestamptz_array);
    round_trip(std::vector<std::vector<bool>>{{true, false}, {false, true}}, pg::oids::bool_array);
    // bytea is an element, not a level.
    std::vector<std::vector<pg::bytea>> blobs{{{std::byte{1}}, {}}, {{std::byte{2}, std::byte{3}}, {std::byte{0}}}};
    EXPECT_EQ(pg::type_traits<decltype(blobs)>::dimensions, 2u);
    round_trip(blobs, pg::oids::bytea_array);
    using six = std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<std::int32_t>>>>>>;
    six deep{{{{{{1, 2}}}}}, {{{{{3, 4}}}}}};
    EXPECT_EQ(encode(deep).substr(0, 4), be32(6));
    round_trip(deep, pg::oids::int4_array);

    // No elements: the empty array, at any depth and from any empty shape.
    auto empty = array_header(0, pg::oids::int4, {});
    EXPECT_EQ(encode(grid{}), empty);
    EXPECT_EQ(encode(grid{{}, {}}), empty);
    EXPECT_EQ(encode(cube<std::int32_t>{{{}, {}}, {}}), empty);
    EXPECT_FALSE(pg::type_traits<grid>::check(grid{{}, {}}));
    EXPECT_FALSE(pg::type_traits<cube<std::int32_t>>::check(cube<std::int32_t>{{{}, {}}, {}}));
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::binary, empty), grid{});
    EXPECT_EQ(decode<cube<std::int32_t>>(pg::oids::int4_array, pg::format::binary, empty), cube<std::int32_t>{});
    // A zero extent (never sent by the server) is read as empty without sizing anything
    // from the other extents; an extent before it is still bounded by the bytes left.
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::binary, array_header(2, pg::oids::int4, {0, 0x7fffffff})), grid{});
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::binary, array_header(2, pg::oids::int4, {0x7fffffff, 0})),
              pg::client_errc::invalid_field_value);

    // Ragged vectors cannot be arrays: check() refuses them and encode never writes a
    // malformed array.
    grid ragged{{1, 2}, {3}};
    EXPECT_EQ(pg::type_traits<grid>::check(ragged), pg::client_errc::non_rectangular_array);
    EXPECT_EQ(pg::type_traits<grid>::check(grid{{}, {1}}), pg::client_errc::non_rectangular_array);
    EXPECT_EQ(pg::type_traits<cube<std::int32_t>>::check(cube<std::int32_t>{{{1}, {2}}, {{3}}}),
              pg::client_errc::non_rectangular_array);
    EXPECT_EQ(pg::type_traits<cube<std::int32_t>>::check(cube<std::int32_t>{{{1}, {2}}, {{3}, {}}}),
              pg::client_errc::non_rectangular_array);
    EXPECT_FALSE(pg::type_traits<grid>::check(g));
    EXPECT_FALSE(pg::type_traits<std::vector<std::int32_t>>::check({}));
    EXPECT_EQ(encode(ragged), empty);
    EXPECT_EQ(pg::type_traits<std::optional<grid>>::check(ragged), pg::client_errc::non_rectangular_array);
    EXPECT_FALSE(pg::type_traits<std::optional<grid>>::check(std::nullopt));

    // The vector's depth must be the array's number of dimensions.
    auto one_d = encode(std::vector<std::int32_t>{1, 2});
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::binary, one_d), pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode_error<cube<std::int32_t>>(pg::oids::int4_array, pg::format::binary, bin),
              pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::binary, bin),
              pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(pg::make_error_code(pg::client_errc::unsupported_array_dimensions),
              pg::make_error_code(pg::client_errc::array_dimension_mismatch));
    EXPECT_FALSE(pg::make_error_code(pg::client_errc::array_dimension_mismatch).message().empty());
    EXPECT_EQ(pg::make_error_code(pg::client_errc::non_rectangular_array).message(),
              "the sub-arrays of a multi-dimensional array differ in length");

    // Hostile headers and bodies.
    auto bad = [](std::string_view bytes) {
        return decode_error<opt_grid>(pg::oids::int4_array, pg::format::binary, bytes);
    };
    const auto invalid = pg::client_errc::invalid_field_value;
    auto body = int4_elements({1, 2, 3, 4});
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {-1, 2}) + body), invalid);          // negative extent
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, -2}) + body), invalid);
    EXPECT_EQ(bad(array_header(-1, pg::oids::int4, {}) + body), invalid);              // negative ndim
    EXPECT_EQ(bad(array_header(7, pg::oids::int4, {1, 1, 1, 1, 1, 1, 1}) + body), invalid); // beyond MAXDIM
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {0x7fffffff, 0x7fffffff}) + body), invalid); // product overflows
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {65536, 65536}) + body), invalid);   // 2^32 elements
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {0x10000, 0x10001}) + body), invalid);
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, 3}) + body), invalid);           // fewer elements than dims
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, 2}) + body + be32(4)), invalid); // bytes left over
    EXPECT_EQ(bad((array_header(2, pg::oids::int4, {2, 2}) + body).substr(0, 12 + 16 + 31)), invalid); // truncated
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, 2}).substr(0, 20)), invalid);    // truncated header
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, 2}) + be32(-2) + int4_elements({2, 3, 4})), invalid);
    EXPECT_EQ(bad(array_header(2, pg::oids::int4, {2, 2}) + be32(0x7fffffff) + int4_elements({2, 3, 4})), invalid);
    EXPECT_EQ(bad(array_header(2, pg::oids::int8, {2, 2}) + body), invalid);           // element type differs
    EXPECT_EQ(bad(be32(2) + be32(2) + be32(pg::oids::int4) + be32(2) + be32(1) + be32(2) + be32(1) + body), invalid); // flags
    EXPECT_EQ(bad(array_header(0, pg::oids::int4, {}) + be32(0)), invalid);            // empty with trailing bytes
    EXPECT_FALSE(bad(array_header(2, pg::oids::int4, {2, 2}) + body));
}

TEST(PostgresCodec, MultiDimensionalArraysText) {
    EXPECT_EQ(decode<opt_grid>(pg::oids::int4_array, pg::format::text, "{{1,2},{3,NULL}}"),
              (opt_grid{{1, 2}, {3, std::nullopt}}));
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::text, "{{1,2},{3,NULL}}"), pg::client_errc::unexpected_null);
    using strings = std::vector<std::vector<std::optional<std::string>>>;
    EXPECT_EQ(decode<strings>(pg::oids::text_array, pg::format::text, R"({{"a\"b","c,d",NULL},{"",null,"NULL"}})"),
              (strings{{"a\"b", "c,d", std::nullopt}, {"", std::nullopt, "NULL"}}));
    EXPECT_EQ(decode<strings>(pg::oids::text_array, pg::format::text, R"({{a\,b,"{}"},{ x y ,"\\"}})"),
              (strings{{"a,b", "{}"}, {"x y", "\\"}}));
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::text, " { { 1 , 2 } ,\n{ 3 , 4 } } "), (grid{{1, 2}, {3, 4}}));
    EXPECT_EQ(decode<cube<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{{{1,2},{3,4}},{{5,6},{7,8}}}"),
              (cube<std::int32_t>{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}));
    EXPECT_EQ(decode<std::vector<std::vector<pg::numeric>>>(pg::oids::numeric_array, pg::format::text, "{{1.50,NaN}}"),
              (std::vector<std::vector<pg::numeric>>{{*pg::numeric::parse("1.50"), *pg::numeric::parse("NaN")}}));

    // Bounds prefixes (the server prints them when a lower bound is not 1); they must
    // agree with the braces.
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::text, "[0:1][2:3]={{1,2},{3,4}}"), (grid{{1, 2}, {3, 4}}));
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::text, "[-5:-4][1:1]={{1},{2}}"), (grid{{1}, {2}}));
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::text, " [2] [1:1] = {{1},{2}}"), (grid{{1}, {2}}));
    EXPECT_EQ(decode<std::vector<std::int32_t>>(pg::oids::int4_array, pg::format::text, " [1:2] = {1,2}"),
              (std::vector<std::int32_t>{1, 2}));
    const auto invalid = pg::client_errc::invalid_field_value;
    for (std::string_view bad : {"[1:2][1:3]={{1,2},{3,4}}", "[1:2]={{1,2},{3,4}}", "[1:2][1:2][1:1]={{1,2},{3,4}}",
                                 "[2:1]={}", "[1:1]={}", "[1:2]{1,2}", "[1:2][1:2]", "[a:b]={1}", "[1:99999999999]={1}",
                                 "[1:2=]{1,2}", "[1:1][1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{{1}}}}}}}"}) {
        EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::text, bad), invalid) << bad;
    }

    // Not rectangular, mixed levels, empty sub-arrays (the server refuses "{{},{}}" too),
    // unbalanced braces, too deep.
    for (std::string_view bad : {"{{1,2},{3}}", "{{1},{2,3}}", "{{1,2},3}", "{1,{2}}", "{{1},{{2}}}", "{{{1}},{2}}",
                                 "{{},{}}", "{{1},{}}", "{{}}", "{{1,2}", "{{1,2}}}", "{{1,2}}x", "{{1,2},}",
                                 "{{1,2}{3,4}}", "{{1,2},,{3,4}}", "{{1,\"2},{3,4}}", "{{1,2},{3,4}", "{{{{{{{1}}}}}}}", "{{",
                                 "}", ""}) {
        EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::text, bad), invalid) << bad;
        EXPECT_EQ(decode_error<cube<std::int32_t>>(pg::oids::int4_array, pg::format::text, bad), invalid) << bad;
    }
    // Depth mismatches; no elements is empty at any depth.
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::text, "{1,2}"), pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode_error<grid>(pg::oids::int4_array, pg::format::text, "{{{1}}}"), pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode_error<cube<std::int32_t>>(pg::oids::int4_array, pg::format::text, "{{1}}"),
              pg::client_errc::array_dimension_mismatch);
    EXPECT_EQ(decode<grid>(pg::oids::int4_array, pg::format::text, "{}"), grid{});
    EXPECT_EQ(decode<cube<std::int32_t>>(pg::oids::int4_array, pg::format::text, " { } "), cube<std::int32_t>{});
    using six = std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<std::int32_t>>>>>>;
    EXPECT_EQ(decode<six>(pg::oids::int4_array, pg::format::text, "{{{{{{1}}}}},{{{{{2}}}}}}"), (six{{{{{{1}}}}}, {{{{{2}}}}}}));

    // The parser's view: dimensions and row-major items.
    pd::text_array a;
    ASSERT_FALSE(pd::parse_text_array("{{a,NULL,c},{d,e,\"f\"}}", a));
    EXPECT_EQ(a.dims, (std::vector<std::size_t>{2, 3}));
    ASSERT_EQ(a.items.size(), 6u);
    EXPECT_FALSE(a.items[1]);
    EXPECT_EQ(a.items[5], "f");
    ASSERT_FALSE(pd::parse_text_array("{}", a));
    EXPECT_TRUE(a.dims.empty());
    EXPECT_TRUE(a.items.empty());
}

TEST(PostgresCodec, Parameters) {
    auto q = pg::query("select $1, $2, $3, $4, $5", 42, "text", std::optional<double>{}, std::string_view("v"),
                       std::vector<std::int64_t>{1, 2});
    ASSERT_EQ(q.params.size(), 5u);
    EXPECT_EQ(q.params[0].type, pg::oids::int4);
    EXPECT_EQ(q.params[0].fmt, pg::format::binary);
    EXPECT_EQ(q.params.bytes(q.params[0]), "\0\0\0\x2a"s);
    EXPECT_EQ(q.params[1].type, 0u);
    EXPECT_EQ(q.params[1].fmt, pg::format::text);
    EXPECT_EQ(q.params.bytes(q.params[1]), "text");
    EXPECT_TRUE(q.params[2].is_null);
    EXPECT_EQ(q.params[2].type, pg::oids::float8);
    EXPECT_EQ(q.params[4].type, pg::oids::int8_array);
    EXPECT_EQ(pg::query("x", 1LL).params[0].type, pg::oids::int8);
    EXPECT_EQ(pg::query("x", std::nullopt).params[0].is_null, true);
    EXPECT_FALSE(q.params.error());

    // Nested vectors are arrays of their innermost element type; a ragged one is refused
    // when bound, so the statement fails before anything is sent.
    using grid = std::vector<std::vector<std::int64_t>>;
    grid ragged{{1, 2}, {3}};
    auto arrays = pg::query("x", grid{{1}, {2}}, std::vector<std::vector<std::optional<std::string>>>{{"a"}},
                            ragged, std::optional<grid>{}, std::optional<grid>{ragged});
    EXPECT_EQ(arrays.params[0].type, pg::oids::int8_array);
    EXPECT_EQ(arrays.params[0].fmt, pg::format::binary);
    EXPECT_EQ(arrays.params[1].type, pg::oids::text_array);
    EXPECT_EQ(arrays.params.bytes(arrays.params[0]).substr(0, 4), "\0\0\0\x02"s);
    EXPECT_EQ(arrays.params.error(), pg::client_errc::non_rectangular_array);
    EXPECT_EQ(arrays.params.error_index(), 2u);
    EXPECT_EQ(arrays.params.size(), 5u);
    EXPECT_TRUE(arrays.params.bytes(arrays.params[2]).empty());
    EXPECT_TRUE(arrays.params[3].is_null);
    EXPECT_FALSE(pg::query("x", std::optional<grid>{}, grid{{}, {}}).params.error());
}

// --- typed rows ------------------------------------------------------------------------

namespace {
struct user {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
};
BOOST_DESCRIBE_STRUCT(user, (), (id, name, email))

struct positional {
    std::int32_t a;
    std::string b;
};

struct no_codec_field {
    std::int32_t a;
    std::FILE* f;
};

static_assert(pg::row_type<user>);
static_assert(pg::row_type<positional>);
static_assert(pg::row_type<std::tuple<std::int32_t, std::optional<pg::numeric>>>);
static_assert(pg::row_type<std::string>);
static_assert(!pg::row_type<no_codec_field>);
static_assert(pg::decodable<std::vector<std::optional<pg::uuid>>>);
static_assert(!pg::decodable<std::vector<std::FILE*>>);
static_assert(!pg::decodable<std::optional<std::FILE*>>);

// Nested vectors of decodable elements are arrays of as many dimensions (up to six).
struct matrix_row {
    std::int64_t id;
    std::vector<std::vector<std::optional<double>>> cells;
    std::optional<std::vector<std::vector<std::vector<std::string>>>> labels;
};
BOOST_DESCRIBE_STRUCT(matrix_row, (), (id, cells, labels))
template <class T>
using nest6 = std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<T>>>>>>;
static_assert(pg::row_type<matrix_row>);
static_assert(pg::row_type<std::tuple<std::vector<std::vector<std::int32_t>>, std::vector<std::vector<pg::bytea>>>>);
static_assert(pg::row_type<std::vector<std::vector<pg::timestamptz>>>);
static_assert(pg::decodable<nest6<std::optional<pg::numeric>>> && pg::encodable<nest6<std::optional<pg::numeric>>>);
static_assert(!pg::decodable<std::vector<nest6<std::int32_t>>> && !pg::encodable<std::vector<nest6<std::int32_t>>>);
static_assert(!pg::decodable<std::vector<std::vector<std::FILE*>>>);
static_assert(!pg::decodable<std::vector<std::optional<std::vector<std::int32_t>>>>);
static_assert(!pg::encodable<std::vector<std::optional<std::vector<std::int32_t>>>>);
static_assert(pg::decodable<std::vector<std::optional<pg::bytea>>>);

pg::resultset make_resultset(std::vector<std::pair<std::string, pg::oid_t>> cols,
                             const std::vector<std::vector<std::optional<std::string>>>& rows) {
    pg::resultset rs;
    std::vector<pg::column> c;
    for (auto& [name, oid] : cols) {
        pg::column col;
        col.name = name;
        col.type_oid = oid;
        c.push_back(col);
    }
    rs.set_columns(std::move(c));
    for (const auto& row : rows) {
        std::string body;
        pd::put_u16(body, static_cast<std::uint16_t>(row.size()));
        for (const auto& f : row) {
            if (!f) {
                pd::put_u32(body, 0xffffffffu);
            } else {
                pd::put_u32(body, static_cast<std::uint32_t>(f->size()));
                body += *f;
            }
        }
        EXPECT_FALSE(rs.append_data_row(body));
    }
    return rs;
}
} // namespace

TEST(PostgresTypedRows, DescribedStructsMatchByName) {
    auto rs = make_resultset({{"email", pg::oids::text}, {"extra", pg::oids::int4}, {"name", pg::oids::text}, {"id", pg::oids::int8}},
                             {{"a@x", "1", "ann", "10"}, {std::nullopt, "2", "bob", "11"}});
    std::vector<user> users;
    ASSERT_FALSE(pg::read_rows(rs, users));
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].id, 10);
    EXPECT_EQ(users[0].name, "ann");
    EXPECT_EQ(users[0].email, "a@x");
    EXPECT_EQ(users[1].id, 11);
    EXPECT_FALSE(users[1].email);

    auto missing = make_resultset({{"id", pg::oids::int8}, {"name", pg::oids::text}}, {{"1", "x"}});
    users.clear();
    EXPECT_EQ(pg::read_rows(missing, users), pg::client_errc::column_not_found);
}

TEST(PostgresTypedRows, AggregatesTuplesAndScalarsMatchByPosition) {
    auto rs = make_resultset({{"x", pg::oids::int4}, {"y", pg::oids::text}}, {{"7", "seven"}, {"8", "eight"}});
    std::vector<positional> p;
    ASSERT_FALSE(pg::read_rows(rs, p));
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[1].a, 8);
    EXPECT_EQ(p[1].b, "eight");
    std::vector<std::tuple<std::int64_t, std::string>> t;
    ASSERT_FALSE(pg::read_rows(rs, t));
    EXPECT_EQ(std::get<1>(t[0]), "seven");
    std::vector<std::int32_t> scalars;
    EXPECT_EQ(pg::read_rows(rs, scalars), pg::client_errc::field_count_mismatch);
    auto one = make_resultset({{"n", pg::oids::int8}}, {{"1"}, {"2"}, {std::nullopt}});
    std::vector<std::optional<std::int64_t>> ns;
    ASSERT_FALSE(pg::read_rows(one, ns));
    EXPECT_EQ(ns, (std::vector<std::optional<std::int64_t>>{1, 2, std::nullopt}));
    std::vector<std::int64_t> strict;
    EXPECT_EQ(pg::read_rows(one, strict), pg::client_errc::unexpected_null);
    EXPECT_EQ(strict.size(), 2u);
    std::vector<std::tuple<std::int32_t>> wrong;
    EXPECT_EQ(pg::read_rows(rs, wrong), pg::client_errc::field_count_mismatch);
    std::vector<std::tuple<bool, std::string>> incompatible;
    EXPECT_EQ(pg::read_rows(rs, incompatible), pg::client_errc::incompatible_type);
}

TEST(PostgresTypedRows, NestedVectorFields) {
    auto rs = make_resultset({{"id", pg::oids::int8}, {"cells", pg::oids::float8_array}, {"labels", pg::oids::text_array}},
                             {{"1", "{{1.5,NULL},{-2,3}}", "{{{a,b}},{{c,\"d e\"}}}"}, {"2", "{}", std::nullopt}});
    std::vector<matrix_row> rows;
    ASSERT_FALSE(pg::read_rows(rs, rows));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].cells, (std::vector<std::vector<std::optional<double>>>{{1.5, std::nullopt}, {-2.0, 3.0}}));
    EXPECT_EQ(rows[0].labels, (std::vector<std::vector<std::vector<std::string>>>{{{"a", "b"}}, {{"c", "d e"}}}));
    EXPECT_TRUE(rows[1].cells.empty());
    EXPECT_FALSE(rows[1].labels);
    auto flat = make_resultset({{"id", pg::oids::int8}, {"cells", pg::oids::float8_array}, {"labels", pg::oids::text_array}},
                               {{"1", "{1.5}", std::nullopt}});
    rows.clear();
    EXPECT_EQ(pg::read_rows(flat, rows), pg::client_errc::array_dimension_mismatch);
}

TEST(PostgresTypedRows, FieldViewAccess) {
    auto rs = make_resultset({{"n", pg::oids::numeric}, {"a", pg::oids::int4_array}}, {{"12.50", "{1,NULL}"}});
    auto row = rs[0];
    EXPECT_EQ(row.size(), 2u);
    EXPECT_EQ(row.at("n").as<pg::numeric>().to_string(), "12.50");
    EXPECT_EQ(row[1].as<std::vector<std::optional<std::int32_t>>>(), (std::vector<std::optional<std::int32_t>>{1, std::nullopt}));
    EXPECT_EQ(row[1].to_string(), "{1,NULL}");
    EXPECT_THROW(row.at("missing"), std::out_of_range);
    EXPECT_THROW(row[0].as<bool>(), boost::system::system_error);
    EXPECT_FALSE(row.find("missing"));
    std::size_t count = 0;
    for (auto r : rs) count += r.size();
    EXPECT_EQ(count, 2u);
}
