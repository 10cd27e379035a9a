// Framing, backend message parsers, frontend message writers, the response collector and
// its byte limit, the kept ParameterStatus values, SCRAM-SHA-256 (with SASLprep) and md5
// auth, what the client answers to each authentication request, and the SQLSTATE error
// categories, from canned bytes.

#include <cirrus/postgres/detail/auth.hpp>
#include <cirrus/postgres/detail/collector.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/detail/scram.hpp>
#include <cirrus/postgres/detail/server_parameters.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg = cirrus::postgres;
namespace pd = cirrus::postgres::detail;
using namespace std::string_literals;

namespace {

// A backend message: type, int32 length, body.
std::string message(char type, const std::string& body) {
    std::string out(1, type);
    pd::put_u32(out, static_cast<std::uint32_t>(body.size() + 4));
    out += body;
    return out;
}

std::string i16(int v) {
    std::string s;
    pd::put_u16(s, static_cast<std::uint16_t>(v));
    return s;
}
std::string i32(std::int64_t v) {
    std::string s;
    pd::put_u32(s, static_cast<std::uint32_t>(v));
    return s;
}
std::string cstr(const std::string& s) { return s + '\0'; }

std::string row_description(const std::vector<std::pair<std::string, std::uint32_t>>& cols) {
    std::string b = i16(static_cast<int>(cols.size()));
    for (const auto& [name, oid] : cols)
        b += cstr(name) + i32(0) + i16(0) + i32(oid) + i16(-1) + i32(-1) + i16(0);
    return message('T', b);
}

std::string data_row(const std::vector<std::optional<std::string>>& fields) {
    std::string b = i16(static_cast<int>(fields.size()));
    for (const auto& f : fields) {
        if (!f) b += i32(-1);
        else b += i32(static_cast<std::int64_t>(f->size())) + *f;
    }
    return message('D', b);
}

std::string command_complete(const std::string& tag) { return message('C', cstr(tag)); }
std::string ready(char status) { return message('Z', std::string(1, status)); }

// Feeds every message of `bytes` to the collector; returns the first error.
cirrus::error_code feed(pd::response_collector& c, std::string_view bytes, cirrus::buffer& reply) {
    while (!bytes.empty()) {
        auto r = pd::parse_frame(bytes, pd::default_max_message_size);
        if (r.status == pd::frame_status::error) return r.error;
        if (r.status == pd::frame_status::need_more) return cirrus::make_error_code(cirrus::errc::truncated);
        if (auto ec = c.on_message(r.message, reply)) return ec;
        bytes.remove_prefix(r.size);
    }
    return {};
}

} // namespace

TEST(PostgresFraming, CompleteMessage) {
    auto bytes = message('Z', "I");
    auto r = pd::parse_frame(bytes, 1024);
    ASSERT_EQ(r.status, pd::frame_status::complete);
    EXPECT_EQ(r.message.type, 'Z');
    EXPECT_EQ(r.message.body, "I");
    EXPECT_EQ(r.size, 6u);
}

TEST(PostgresFraming, NeedsMoreForPartialHeaderAndBody) {
    auto bytes = message('C', cstr("SELECT 1"));
    EXPECT_EQ(pd::parse_frame(bytes.substr(0, 3), 1024).status, pd::frame_status::need_more);
    auto r = pd::parse_frame(bytes.substr(0, 7), 1024);
    EXPECT_EQ(r.status, pd::frame_status::need_more);
    EXPECT_EQ(r.size, bytes.size());
}

TEST(PostgresFraming, RejectsUnknownTypeBadLengthAndOversize) {
    auto unknown = "q"s + i32(4);
    EXPECT_EQ(pd::parse_frame(unknown, 1024).error, cirrus::errc::protocol_error);
    auto short_len = "Z"s + i32(3);
    EXPECT_EQ(pd::parse_frame(short_len, 1024).error, cirrus::errc::protocol_error);
    auto negative = "D"s + i32(-5);
    auto r = pd::parse_frame(negative, 1024);
    EXPECT_EQ(r.status, pd::frame_status::error);
    auto huge = "D"s + i32(1024 + 5);
    EXPECT_EQ(pd::parse_frame(huge, 1024).error, cirrus::errc::message_too_large);
    // The declared size and type are kept for the error message.
    EXPECT_EQ(pd::parse_frame(huge, 1024).size, 1u + 4u + 1025u);
    EXPECT_EQ(pd::parse_frame(huge, 1024).message.type, 'D');
    auto exact = "D"s + i32(1024 + 4);
    EXPECT_EQ(pd::parse_frame(exact, 1024).status, pd::frame_status::need_more);
}

TEST(PostgresFraming, ReaderAssemblesMessagesAcrossReadsAndStaysBounded) {
    pd::message_reader reader(100000);
    std::string stream = message('S', cstr("a") + cstr("b")) + message('D', i16(1) + i32(50000) + std::string(50000, 'x')) +
                         ready('I');
    std::size_t pos = 0;
    std::vector<char> types;
    while (types.size() < 3) {
        auto r = reader.next();
        if (r.status == pd::frame_status::complete) {
            types.push_back(r.message.type);
            continue;
        }
        ASSERT_EQ(r.status, pd::frame_status::need_more);
        auto space = reader.prepare();
        std::size_t n = std::min<std::size_t>({space.size(), stream.size() - pos, 777});
        ASSERT_GT(n, 0u);
        std::memcpy(space.data(), stream.data() + pos, n);
        reader.commit(n);
        pos += n;
    }
    EXPECT_EQ(types, (std::vector<char>{'S', 'D', 'Z'}));
    EXPECT_LE(reader.capacity(), 100000u + 5u + 8192u);
}

TEST(PostgresFraming, ReaderRefusesOversizeBeforeAllocating) {
    pd::message_reader reader(1000);
    auto header = "D"s + i32(2000000000);
    auto space = reader.prepare();
    std::memcpy(space.data(), header.data(), header.size());
    reader.commit(header.size());
    auto r = reader.next();
    EXPECT_EQ(r.error, cirrus::errc::message_too_large);
    EXPECT_LT(reader.capacity(), 100000u);
}

TEST(PostgresMessages, Authentication) {
    pd::auth_request req;
    auto md5 = i32(5) + "\x01\x02\x03\x04";
    ASSERT_FALSE(pd::parse_authentication(md5, req));
    EXPECT_EQ(req.code, 5);
    EXPECT_EQ(req.data, "\x01\x02\x03\x04");
    EXPECT_TRUE(pd::parse_authentication(i32(5) + "\x01\x02", req)); // md5 salt must be 4 bytes
    EXPECT_TRUE(pd::parse_authentication("\x00\x00", req));
    auto sasl = i32(10) + cstr("SCRAM-SHA-256-PLUS") + cstr("SCRAM-SHA-256") + '\0';
    ASSERT_FALSE(pd::parse_authentication(sasl, req));
    std::vector<std::string> mechs;
    ASSERT_FALSE(pd::for_each_sasl_mechanism(req.data, [&](std::string_view m) { mechs.emplace_back(m); }));
    EXPECT_EQ(mechs, (std::vector<std::string>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}));
    EXPECT_TRUE(pd::for_each_sasl_mechanism("SCRAM", [](std::string_view) {}));
}

TEST(PostgresMessages, BackendKeyParameterStatusReady) {
    pd::backend_key key;
    ASSERT_FALSE(pd::parse_backend_key_data(i32(1234) + i32(-99), key));
    EXPECT_EQ(key.process_id, 1234);
    EXPECT_EQ(key.secret_key, -99);
    EXPECT_TRUE(pd::parse_backend_key_data(i32(1), key));
    std::string_view name, value;
    auto status = cstr("server_version") + cstr("15.4");
    ASSERT_FALSE(pd::parse_parameter_status(status, name, value));
    EXPECT_EQ(name, "server_version");
    EXPECT_EQ(value, "15.4");
    EXPECT_TRUE(pd::parse_parameter_status(cstr("x") + "y", name, value));
    pg::transaction_status t;
    ASSERT_FALSE(pd::parse_ready_for_query("E", t));
    EXPECT_EQ(t, pg::transaction_status::failed);
    EXPECT_TRUE(pd::parse_ready_for_query("X", t));
    EXPECT_TRUE(pd::parse_ready_for_query("II", t));
}

TEST(PostgresMessages, RowDescriptionAndDataRow) {
    auto rd = row_description({{"id", 23}, {"name", 25}});
    auto r = pd::parse_frame(rd, 1 << 20);
    std::vector<pg::column> cols;
    ASSERT_FALSE(pd::parse_row_description(r.message.body, cols));
    ASSERT_EQ(cols.size(), 2u);
    EXPECT_EQ(cols[0].name, "id");
    EXPECT_EQ(cols[0].type_oid, 23u);
    EXPECT_EQ(cols[1].name, "name");
    // A count the body cannot hold is refused before anything is reserved.
    EXPECT_TRUE(pd::parse_row_description(i16(30000), cols));
    // Format codes other than 0/1.
    EXPECT_TRUE(pd::parse_row_description(i16(1) + cstr("a") + i32(0) + i16(0) + i32(23) + i16(4) + i32(-1) + i16(7), cols));

    std::vector<std::optional<std::string>> seen;
    auto body = i16(3) + i32(1) + "7" + i32(-1) + i32(0);
    ASSERT_FALSE(pd::parse_data_row(body, 3, [&](std::size_t, std::optional<std::string_view> v) {
        seen.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
    }));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], "7");
    EXPECT_FALSE(seen[1]);
    EXPECT_EQ(seen[2], "");
    auto noop = [](std::size_t, std::optional<std::string_view>) {};
    EXPECT_TRUE(pd::parse_data_row(body, 2, noop));                       // column count mismatch
    EXPECT_TRUE(pd::parse_data_row(i16(1) + i32(10) + "abc", 1, noop));   // field longer than body
    EXPECT_TRUE(pd::parse_data_row(i16(1) + i32(-2), 1, noop));           // negative length
    EXPECT_TRUE(pd::parse_data_row(i16(1) + i32(1) + "ab", 1, noop));     // trailing bytes
}

TEST(PostgresMessages, ErrorResponseFields) {
    auto body = "SERROR\0VERROR\0C23505\0Mduplicate key value\0Dkey (id)=(1)\0Huse another\0P17\0"
                "sschema1\0ttab\0ccol\0dtyp\0ncons\0Fnbtinsert.c\0L664\0R_bt_check_unique\0Wctx\0"
                "p3\0qinternal\0Zfuture\0\0"s;
    pg::server_message_fields f;
    ASSERT_FALSE(pd::parse_server_message(body, f));
    EXPECT_EQ(f.severity, "ERROR");
    EXPECT_EQ(f.sqlstate, "23505");
    EXPECT_EQ(f.message, "duplicate key value");
    EXPECT_EQ(f.detail, "key (id)=(1)");
    EXPECT_EQ(f.hint, "use another");
    EXPECT_EQ(f.position, 17u);
    EXPECT_EQ(f.internal_position, 3u);
    EXPECT_EQ(f.internal_query, "internal");
    EXPECT_EQ(f.where, "ctx");
    EXPECT_EQ(f.schema_name, "schema1");
    EXPECT_EQ(f.table_name, "tab");
    EXPECT_EQ(f.column_name, "col");
    EXPECT_EQ(f.data_type_name, "typ");
    EXPECT_EQ(f.constraint_name, "cons");
    EXPECT_EQ(f.file, "nbtinsert.c");
    EXPECT_EQ(f.line, 664u);
    EXPECT_EQ(f.routine, "_bt_check_unique");
    pg::diagnostics d;
    d.assign_server(f);
    EXPECT_EQ(d.sqlstate(), "23505");
    EXPECT_EQ(d.message, "duplicate key value");
    EXPECT_NE(d.what().find("ERROR 23505: duplicate key value (detail: key (id)=(1))"), std::string::npos);
    EXPECT_TRUE(pd::parse_server_message("Mno terminator", f));
    EXPECT_TRUE(pd::parse_server_message("Mx\0\0extra"s, f));
}

TEST(PostgresMessages, CommandTagCounts) {
    EXPECT_EQ(pd::affected_rows_of("INSERT 0 5"), 5u);
    EXPECT_EQ(pd::affected_rows_of("UPDATE 12"), 12u);
    EXPECT_EQ(pd::affected_rows_of("SELECT 0"), 0u);
    EXPECT_EQ(pd::affected_rows_of("CREATE TABLE"), 0u);
    EXPECT_EQ(pd::affected_rows_of(""), 0u);
}

TEST(PostgresWriters, StartupAndRequests) {
    cirrus::buffer b;
    std::vector<std::pair<std::string, std::string>> params{{"user", "bob"}, {"database", "db"}};
    ASSERT_FALSE(pd::write_startup(b, params));
    EXPECT_EQ(b.view(), i32(4 + 4 + 5 + 4 + 9 + 3 + 1) + i32(196608) + cstr("user") + cstr("bob") + cstr("database") +
                            cstr("db") + '\0');
    b.clear();
    std::vector<std::pair<std::string, std::string>> bad{{"user", "a\0b"s}};
    EXPECT_TRUE(pd::write_startup(b, bad));

    b.clear();
    pd::write_ssl_request(b);
    EXPECT_EQ(b.view(), i32(8) + i32(80877103));
    b.clear();
    pd::write_cancel_request(b, 42, -7);
    EXPECT_EQ(b.view(), i32(16) + i32(80877102) + i32(42) + i32(-7));

    b.clear();
    ASSERT_FALSE(pd::write_query(b, "select 1"));
    EXPECT_EQ(b.view(), "Q"s + i32(13) + cstr("select 1"));
    b.clear();
    EXPECT_TRUE(pd::write_query(b, "select '\0'"s));

    b.clear();
    std::vector<pg::oid_t> types{23, 0};
    ASSERT_FALSE(pd::write_parse(b, "s1", "select $1, $2", types));
    EXPECT_EQ(b.view(), "P"s + i32(4 + 3 + 14 + 2 + 8) + cstr("s1") + cstr("select $1, $2") + i16(2) + i32(23) + i32(0));

    b.clear();
    const auto forty_two = "\x00\x00\x00\x2a"s;
    std::vector<pd::bind_param> ps{{pg::format::binary, forty_two}, {pg::format::text, std::nullopt}};
    std::vector<pg::format> rf{pg::format::binary};
    ASSERT_FALSE(pd::write_bind(b, "", "s1", ps, rf));
    EXPECT_EQ(b.view(), "B"s + i32(4 + 1 + 3 + 2 + 4 + 2 + 8 + 4 + 2 + 2) + cstr("") + cstr("s1") + i16(2) + i16(1) + i16(0) +
                            i16(2) + i32(4) + "\x00\x00\x00\x2a"s + i32(-1) + i16(1) + i16(1));
    b.clear();
    pd::write_sync(b);
    pd::write_terminate(b);
    EXPECT_EQ(b.view(), "S"s + i32(4) + "X" + i32(4));
}

TEST(PostgresCollector, SimpleQueryWithSeveralResultSets) {
    pg::results res;
    pd::response_collector c;
    c.out = &res;
    cirrus::buffer reply;
    auto bytes = row_description({{"a", 23}, {"b", 25}}) + data_row({"1", "x"}) + data_row({"2", std::nullopt}) +
                 command_complete("SELECT 2") + command_complete("CREATE TABLE") + row_description({{"n", 20}}) +
                 command_complete("SELECT 0") + ready('T');
    ASSERT_FALSE(feed(c, bytes, reply));
    ASSERT_TRUE(c.done);
    EXPECT_EQ(c.txn, pg::transaction_status::in_transaction);
    EXPECT_FALSE(c.result_code());
    ASSERT_EQ(res.size(), 3u);
    EXPECT_EQ(res[0].size(), 2u);
    EXPECT_EQ(res[0].command_tag(), "SELECT 2");
    EXPECT_EQ(res[0][0][0].as<std::int32_t>(), 1);
    EXPECT_EQ(res[0][0].at("b").as<std::string>(), "x");
    EXPECT_TRUE(res[0][1][1].is_null());
    EXPECT_EQ(res[0][1][1].as<std::optional<std::string>>(), std::nullopt);
    EXPECT_EQ(res[0][1][1].try_as<std::string>().error(), pg::client_errc::unexpected_null);
    EXPECT_EQ(res[1].command_tag(), "CREATE TABLE");
    EXPECT_FALSE(res[1].has_columns());
    EXPECT_TRUE(res[2].has_columns());
    EXPECT_TRUE(res[2].empty());
}

TEST(PostgresCollector, ErrorKeepsReadingUntilReady) {
    pg::results res;
    pd::response_collector c;
    c.out = &res;
    cirrus::buffer reply;
    auto bytes = command_complete("INSERT 0 1") + message('E', "SERROR\0C42601\0Msyntax error\0\0"s) + ready('E');
    ASSERT_FALSE(feed(c, bytes, reply));
    EXPECT_TRUE(c.done);
    EXPECT_EQ(c.result_code(), pg::sqlstate::syntax_error);
    EXPECT_EQ(c.error.message, "syntax error");
    EXPECT_EQ(c.txn, pg::transaction_status::failed);
}

TEST(PostgresCollector, ExtendedProtocolUsesPortalColumns) {
    std::vector<pg::column> cols(1);
    cols[0].name = "v";
    cols[0].type_oid = 23;
    cols[0].format = pg::format::binary;
    pg::results res;
    pd::response_collector c;
    c.out = &res;
    c.portal_columns = &cols;
    cirrus::buffer reply;
    auto bytes = message('2', "") + data_row({"\x00\x00\x01\x00"s}) + command_complete("SELECT 1") + ready('I');
    ASSERT_FALSE(feed(c, bytes, reply));
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0][0][0].as<std::int64_t>(), 256);
    EXPECT_EQ(res[0][0][0].to_string(), "256");
}

TEST(PostgresCollector, DescribeFillsParametersAndColumns) {
    pd::response_collector c;
    c.describing = true;
    cirrus::buffer reply;
    auto bytes = message('1', "") + message('t', i16(2) + i32(23) + i32(25)) + row_description({{"x", 1700}}) + ready('I');
    ASSERT_FALSE(feed(c, bytes, reply));
    EXPECT_EQ(c.param_types, (std::vector<pg::oid_t>{23, 25}));
    ASSERT_EQ(c.row_description.size(), 1u);
    EXPECT_EQ(c.row_description[0].type_oid, 1700u);
}

TEST(PostgresCollector, CopyInIsRefusedWithCopyFail) {
    pd::response_collector c;
    cirrus::buffer reply;
    ASSERT_FALSE(feed(c, message('G', "\0"s + i16(0)), reply));
    EXPECT_EQ(reply.view().substr(0, 1), "f");
    EXPECT_TRUE(c.copy_refused);
    EXPECT_EQ(c.result_code(), pg::client_errc::copy_not_supported);
}

TEST(PostgresCollector, RejectsOutOfPlaceMessages) {
    cirrus::buffer reply;
    {
        pd::response_collector c;
        EXPECT_EQ(feed(c, message('R', i32(0)), reply), cirrus::errc::protocol_error);
    }
    {
        pg::results res;
        pd::response_collector c;
        c.out = &res;
        EXPECT_EQ(feed(c, data_row({"1"}), reply), cirrus::errc::protocol_error); // no RowDescription
    }
    {
        pd::response_collector c;
        EXPECT_EQ(feed(c, message('d', "x"), reply), cirrus::errc::protocol_error); // CopyData outside COPY
    }
    {
        pd::response_collector c;
        EXPECT_EQ(feed(c, ready('I') + ready('I'), reply), cirrus::errc::protocol_error);
    }
}

TEST(PostgresCollector, StopsKeepingResultsPastMaxBytes) {
    // Two result sets of 10 rows of 100 bytes each, against a limit that fits the first.
    std::string batch;
    for (int set = 0; set < 2; ++set) {
        batch += row_description({{"v", 25}});
        for (int i = 0; i < 10; ++i) batch += data_row({std::string(100, 'x')});
        batch += command_complete("SELECT 10");
    }
    cirrus::buffer reply;
    {
        pg::results res;
        pd::response_collector c;
        c.out = &res;
        c.max_bytes = 1500;
        ASSERT_FALSE(feed(c, batch, reply));
        EXPECT_TRUE(c.limit_exceeded);
        EXPECT_TRUE(res.empty()); // what was kept is dropped, not left half-filled
        // The rest of the answer is still read to the end.
        ASSERT_FALSE(feed(c, message('E', "SERROR\0C57014\0Mcanceling statement due to user request\0\0"s) + ready('I'),
                          reply));
        EXPECT_TRUE(c.done);
        EXPECT_EQ(c.result_code(), pg::client_errc::result_too_large);
    }
    {
        // 0: no limit; the collector counts all the same.
        pg::results res;
        pd::response_collector c;
        c.out = &res;
        ASSERT_FALSE(feed(c, batch + ready('I'), reply));
        EXPECT_FALSE(c.limit_exceeded);
        ASSERT_EQ(res.size(), 2u);
        EXPECT_EQ(res[1].size(), 10u);
        EXPECT_GT(c.collected_bytes, 2000u);
        EXPECT_FALSE(c.result_code());
    }
    {
        // Empty result sets cost too: a flood of CommandComplete cannot grow the results
        // without bound.
        pg::results res;
        pd::response_collector c;
        c.out = &res;
        c.max_bytes = 64 * 1024;
        std::string flood;
        for (int i = 0; i < 5000; ++i) flood += command_complete("SELECT 0");
        ASSERT_FALSE(feed(c, flood + ready('I'), reply));
        EXPECT_TRUE(c.limit_exceeded);
        EXPECT_TRUE(res.empty());
    }
}

TEST(PostgresServerParameters, NamesAndBytesAreBounded) {
    pd::server_parameters params;
    params.set("server_version", "15.4");
    for (int i = 0; i < 10'000; ++i) params.set("p" + std::to_string(i), "v");
    EXPECT_EQ(params.size(), pd::server_parameters::max_names);
    EXPECT_EQ(params.find("server_version"), "15.4");
    EXPECT_EQ(params.find("p0"), "v");
    EXPECT_FALSE(params.find("p9999"));
    // A known name is still updated once the table is full.
    params.set("server_version", "16.1");
    EXPECT_EQ(params.find("server_version"), "16.1");

    pd::server_parameters big;
    const std::string value(64 * 1024, 'x');
    for (int i = 0; i < 100; ++i) big.set("n" + std::to_string(i), value);
    EXPECT_LE(big.bytes(), pd::server_parameters::max_bytes);
    EXPECT_TRUE(big.find("n0"));
    EXPECT_FALSE(big.find("n99"));
    // A value that no longer fits is forgotten rather than left stale.
    big.set("n0", std::string(pd::server_parameters::max_bytes, 'y'));
    EXPECT_FALSE(big.find("n0"));
    EXPECT_LE(big.bytes(), pd::server_parameters::max_bytes);
    big.clear();
    EXPECT_EQ(big.bytes(), 0u);
}

TEST(PostgresScram, Rfc7677Vector) {
    pd::scram_client scram("pencil", pd::scram_client::binding::none, {}, "user");
    EXPECT_EQ(scram.client_first("rOprNGfwEbeRWgbNEkqO"), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    std::string final_msg;
    ASSERT_FALSE(scram.server_first(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", final_msg));
    EXPECT_EQ(final_msg, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                         "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    EXPECT_FALSE(scram.server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST(PostgresScram, RejectsForgedServerSignatureAndBadMessages) {
    pd::scram_client scram("pencil", pd::scram_client::binding::none, {}, "user");
    scram.client_first("rOprNGfwEbeRWgbNEkqO");
    std::string final_msg;
    ASSERT_FALSE(scram.server_first(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", final_msg));
    EXPECT_EQ(scram.server_final("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
              pg::client_errc::scram_server_signature_mismatch);
    EXPECT_EQ(scram.server_final("e=invalid-proof"), pg::client_errc::scram_server_signature_mismatch);

    pd::scram_client other("pw", pd::scram_client::binding::none);
    other.client_first("abc");
    EXPECT_EQ(other.server_first("r=xyz123,s=c2FsdA==,i=4096", final_msg), pg::client_errc::scram_invalid_server_message);
    EXPECT_EQ(other.server_first("r=abcdef,s=c2FsdA==,i=0", final_msg), pg::client_errc::scram_invalid_server_message);
    EXPECT_EQ(other.server_first("r=abcdef,s=c2FsdA==,i=99999999999", final_msg),
              pg::client_errc::scram_invalid_server_message);
    EXPECT_EQ(other.server_first("r=abcdef,s=!!,i=4096", final_msg), pg::client_errc::scram_invalid_server_message);
    EXPECT_EQ(other.server_first("m=ext,r=abcdef,s=c2FsdA==,i=1", final_msg), pg::client_errc::scram_invalid_server_message);
}

TEST(PostgresScram, IterationCountIsCapped) {
    pd::scram_client scram("pw", pd::scram_client::binding::none);
    scram.client_first("abc");
    std::string final_msg;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(scram.server_first("r=abcdef,s=c2FsdA==,i=10000000", final_msg),
              pg::client_errc::scram_too_many_iterations);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100)); // refused, not computed
    EXPECT_EQ(scram.requested_iterations(), 10'000'000u);
    EXPECT_TRUE(final_msg.empty());

    pd::scram_client lowered("pw", pd::scram_client::binding::none);
    lowered.limit_iterations(4096);
    lowered.client_first("abc");
    EXPECT_EQ(lowered.server_first("r=abcdef,s=c2FsdA==,i=4097", final_msg), pg::client_errc::scram_too_many_iterations);
    pd::scram_client at_limit("pw", pd::scram_client::binding::none);
    at_limit.limit_iterations(4096);
    at_limit.client_first("abc");
    EXPECT_FALSE(at_limit.server_first("r=abcdef,s=c2FsdA==,i=4096", final_msg));
    EXPECT_EQ(pg::connect_params{}.scram_max_iterations, 100'000u);
}

TEST(PostgresScram, ChannelBindingHeaders) {
    pd::scram_client plus("pw", pd::scram_client::binding::server_end_point, std::string(32, '\x11'));
    EXPECT_EQ(plus.mechanism(), "SCRAM-SHA-256-PLUS");
    EXPECT_EQ(plus.client_first("nonce").substr(0, 24), "p=tls-server-end-point,,");
    pd::scram_client y("pw", pd::scram_client::binding::unused);
    EXPECT_EQ(y.mechanism(), "SCRAM-SHA-256");
    EXPECT_EQ(y.client_first("nonce"), "y,,n=,r=nonce");
    std::string final_msg;
    ASSERT_FALSE(y.server_first("r=nonceSERVER,s=c2FsdA==,i=1", final_msg));
    EXPECT_EQ(final_msg.substr(0, 7), "c=eSws,"); // base64("y,,")
    ASSERT_FALSE(plus.server_first("r=nonceSERVER,s=c2FsdA==,i=1", final_msg));
    // c= carries the GS2 header followed by the certificate hash.
    auto c = final_msg.substr(2, final_msg.find(',') - 2);
    EXPECT_EQ(cirrus::base64::decode(c), "p=tls-server-end-point,,"s + std::string(32, '\x11'));
}

TEST(PostgresScram, RandomNoncesDiffer) {
    pd::scram_client a("pw", pd::scram_client::binding::none), b("pw", pd::scram_client::binding::none);
    auto fa = a.client_first(), fb = b.client_first();
    EXPECT_NE(fa, fb);
    EXPECT_EQ(fa.size(), std::string("n,,n=,r=").size() + 24);
}

// What the client answers to each authentication request, by connection and settings.
namespace {

struct auth_answer {
    cirrus::error_code ec;
    std::string reply; // the message sent back, if any
    std::string message;
};

pd::auth_channel plain_channel() { return {}; }
pd::auth_channel tls_channel(bool verified) {
    pd::auth_channel ch;
    ch.tls = true;
    ch.verified = verified;
    return ch;
}
pd::auth_channel after_failed_handshake() {
    pd::auth_channel ch;
    ch.after_failed_tls = true;
    return ch;
}

// Runs the requests in order through one authenticator; the outcome of the last one.
auth_answer authenticate(const pg::connect_params& p, pd::auth_channel ch,
                         const std::vector<std::pair<std::uint32_t, std::string>>& requests) {
    pd::authenticator auth(p, "pw", "", std::move(ch));
    auth_answer out;
    for (const auto& [code, data] : requests) {
        cirrus::buffer reply;
        pg::diagnostics diag;
        pd::auth_request req{static_cast<std::int32_t>(code), data};
        out.ec = auth.on_request(req, reply, diag);
        out.reply.assign(reply.data(), reply.size());
        out.message = diag.message;
        if (out.ec) break;
    }
    return out;
}

pg::connect_params app_params(std::string require_auth = {}) {
    pg::connect_params p;
    p.user = "app";
    p.require_auth = std::move(require_auth);
    return p;
}

const std::pair<std::uint32_t, std::string> ok_request{0, ""}, cleartext_request{3, ""}, md5_request{5, "s4lt"},
    sasl_request{10, "SCRAM-SHA-256\0\0"s};

} // namespace

TEST(PostgresAuthPolicy, CleartextPasswordOnlyToAVerifiedServer) {
    auto p = app_params();
    auto plain = authenticate(p, plain_channel(), {cleartext_request});
    EXPECT_EQ(plain.ec, pg::client_errc::cleartext_password_not_allowed);
    EXPECT_TRUE(plain.reply.empty());
    EXPECT_NE(plain.message.find("without TLS"), std::string::npos) << plain.message;

    auto unverified = authenticate(p, tls_channel(false), {cleartext_request});
    EXPECT_EQ(unverified.ec, pg::client_errc::cleartext_password_not_allowed);
    EXPECT_TRUE(unverified.reply.empty());
    EXPECT_NE(unverified.message.find("certificate was not verified"), std::string::npos) << unverified.message;
    EXPECT_NE(unverified.message.find("allow_cleartext_password"), std::string::npos);

    auto verified = authenticate(p, tls_channel(true), {cleartext_request, ok_request});
    EXPECT_FALSE(verified.ec) << verified.message;

    p.allow_cleartext_password = true;
    EXPECT_FALSE(authenticate(p, plain_channel(), {cleartext_request, ok_request}).ec);
    EXPECT_FALSE(authenticate(p, tls_channel(false), {cleartext_request, ok_request}).ec);
}

TEST(PostgresAuthPolicy, NoMd5OnThePlainRetryAfterAFailedHandshake) {
    auto p = app_params();
    auto refused = authenticate(p, after_failed_handshake(), {md5_request});
    EXPECT_EQ(refused.ec, pg::client_errc::auth_method_not_allowed);
    EXPECT_TRUE(refused.reply.empty());
    EXPECT_NE(refused.message.find("TLS handshake failed"), std::string::npos) << refused.message;
    // SCRAM proves the password without revealing anything a chosen salt could crack
    // cheaply; it goes on.
    auto scram = authenticate(p, after_failed_handshake(), {sasl_request});
    EXPECT_FALSE(scram.ec) << scram.message;
    EXPECT_EQ(scram.reply.front(), 'p');
    // A server without TLS ('N' to the SSLRequest, or sslmode=disable) gets MD5 as from libpq.
    auto md5 = authenticate(p, plain_channel(), {md5_request, ok_request});
    EXPECT_FALSE(md5.ec) << md5.message;
    p.allow_cleartext_password = true;
    EXPECT_FALSE(authenticate(p, after_failed_handshake(), {md5_request, ok_request}).ec);
}

TEST(PostgresAuthPolicy, RequireAuthNarrowsTheMethods) {
    auto scram_only = app_params("scram-sha-256");
    auto md5 = authenticate(scram_only, tls_channel(true), {md5_request});
    EXPECT_EQ(md5.ec, pg::client_errc::auth_method_not_allowed);
    EXPECT_EQ(md5.message, "authentication method requirement \"scram-sha-256\" failed: server requested a hashed password");
    EXPECT_TRUE(md5.reply.empty());
    EXPECT_EQ(authenticate(scram_only, tls_channel(true), {cleartext_request}).message,
              "authentication method requirement \"scram-sha-256\" failed: server requested a cleartext password");
    EXPECT_EQ(authenticate(scram_only, tls_channel(true), {ok_request}).message,
              "authentication method requirement \"scram-sha-256\" failed: server did not complete authentication");
    EXPECT_FALSE(authenticate(scram_only, plain_channel(), {sasl_request}).ec);

    auto md5_or_trust = app_params("md5,none");
    EXPECT_FALSE(authenticate(md5_or_trust, plain_channel(), {ok_request}).ec);
    EXPECT_FALSE(authenticate(md5_or_trust, plain_channel(), {md5_request, ok_request}).ec);
    EXPECT_EQ(authenticate(md5_or_trust, plain_channel(), {sasl_request}).message,
              "authentication method requirement \"md5,none\" failed: server requested SASL authentication");

    // Negated: anything but these. require_auth never widens: allow_cleartext_password
    // does not override "!password".
    auto no_password = app_params("!password");
    no_password.allow_cleartext_password = true;
    EXPECT_EQ(authenticate(no_password, tls_channel(true), {cleartext_request}).ec, pg::client_errc::auth_method_not_allowed);
    EXPECT_FALSE(authenticate(no_password, plain_channel(), {md5_request, ok_request}).ec);
    auto some_auth = app_params("!none");
    EXPECT_EQ(authenticate(some_auth, plain_channel(), {ok_request}).ec, pg::client_errc::auth_method_not_allowed);
    EXPECT_FALSE(authenticate(some_auth, plain_channel(), {md5_request, ok_request}).ec);
    // Naming password does not allow it to an unverified server either.
    EXPECT_EQ(authenticate(app_params("password"), tls_channel(false), {cleartext_request}).ec,
              pg::client_errc::cleartext_password_not_allowed);
    EXPECT_FALSE(authenticate(app_params("password"), tls_channel(true), {cleartext_request, ok_request}).ec);
    // GSSAPI is refused by require_auth first, as in libpq, then as unsupported.
    EXPECT_EQ(authenticate(scram_only, plain_channel(), {{7, ""}}).ec, pg::client_errc::auth_method_not_allowed);
    EXPECT_EQ(authenticate(app_params(), plain_channel(), {{7, ""}}).ec, pg::client_errc::unsupported_auth_method);
}

TEST(PostgresAuthPolicy, ChannelBindingRequiredRefusesEverythingButScramPlus) {
    auto p = app_params();
    p.channel_binding = pg::channel_binding_mode::require;
    for (const auto& request : {ok_request, cleartext_request, md5_request}) {
        auto a = authenticate(p, tls_channel(true), {request});
        EXPECT_EQ(a.ec, pg::client_errc::channel_binding_required) << request.first;
        EXPECT_TRUE(a.reply.empty());
    }
    // SCRAM-SHA-256 offered without -PLUS over TLS: nothing is sent.
    auto no_plus = authenticate(p, tls_channel(true), {sasl_request});
    EXPECT_EQ(no_plus.ec, pg::client_errc::channel_binding_required);
    EXPECT_TRUE(no_plus.reply.empty());
}

TEST(PostgresAuthPolicy, AuthenticationAfterOkIsUnexpected) {
    auto a = authenticate(app_params(), plain_channel(), {ok_request, md5_request});
    EXPECT_EQ(a.ec, pg::client_errc::unexpected_message);
    EXPECT_TRUE(a.reply.empty());
}

// SASLprep as PostgreSQL's pg_saslprep applies it (RFC 4013 examples, PostgreSQL's
// deviations, NFKC).
namespace {
std::pair<pd::saslprep_status, std::string> prep(std::string_view in) {
    std::string out;
    auto st = pd::saslprep(in, out);
    return {st, out};
}
} // namespace

TEST(PostgresSaslprep, Rfc4013Examples) {
    using st = pd::saslprep_status;
    EXPECT_EQ(prep("I\u00ADX"), std::pair(st::success, "IX"s));       // SOFT HYPHEN mapped to nothing
    EXPECT_EQ(prep("user"), std::pair(st::success, "user"s));
    EXPECT_EQ(prep("USER"), std::pair(st::success, "USER"s));          // case preserved
    EXPECT_EQ(prep("\u00AA"), std::pair(st::success, "a"s));           // NFKC
    EXPECT_EQ(prep("\u2168"), std::pair(st::success, "IX"s));          // ROMAN NUMERAL NINE
    EXPECT_EQ(prep("\u0627\u0031").first, st::prohibited);             // bidi: RandALCat not last
    // PostgreSQL returns pure ASCII unchanged, so the RFC's prohibited U+0007 passes.
    EXPECT_EQ(prep("\x07"), std::pair(st::success, "\x07"s));
    EXPECT_EQ(prep("\u00E9\x07").first, st::prohibited);
}

TEST(PostgresSaslprep, MappingAndNormalization) {
    using st = pd::saslprep_status;
    // U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE become U+0020; U+FEFF and U+FE0F
    // vanish. U+200B ZERO WIDTH SPACE is in both tables; PostgreSQL maps it to a space.
    EXPECT_EQ(prep("a\u00A0b\u3000c\uFEFFd\uFE0F"), std::pair(st::success, "a b cd"s));
    EXPECT_EQ(prep("a\u200Bb\u00E9"), std::pair(st::success, "a b\u00E9"s));
    // Composed and decomposed forms agree.
    EXPECT_EQ(prep("cafe\u0301"), std::pair(st::success, "caf\u00E9"s));
    EXPECT_EQ(prep("caf\u00E9"), std::pair(st::success, "caf\u00E9"s));
    // Canonical reordering before composition: U+0323 (class 220) before U+0302 (230).
    EXPECT_EQ(prep("a\u0302\u0323"), prep("a\u0323\u0302"));
    EXPECT_EQ(prep("a\u0323\u0302").second, "\u1EAD");
    // Compatibility mappings: ligature, full-width, superscript, a long Arabic ligature.
    EXPECT_EQ(prep("\uFB01x").second, "fix");
    EXPECT_EQ(prep("\uFF21\uFF42\uFF43").second, "Abc");
    EXPECT_EQ(prep("x\u00B2").second, "x2");
    EXPECT_EQ(prep("\uFDFA").second, "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064A\u0647 "
                                     "\u0648\u0633\u0644\u0645");
    // Hangul: conjoining jamo compose, syllables stay; compatibility jamo map to conjoining ones.
    EXPECT_EQ(prep("\u1100\u1161\u11A8").second, "\uAC01");
    EXPECT_EQ(prep("\uAC00\u11A8").second, "\uAC01");
    EXPECT_EQ(prep("\u3131\u314F").second, "\uAC00");
    // Reordering puts U+0301 (class 230) before U+0315 (232), so it composes; across a
    // starter nothing composes.
    EXPECT_EQ(prep("e\u0315\u0301").second, "\u00E9\u0315");
    EXPECT_EQ(prep("eb\u0301").second, "eb\u0301");
    // Supplementary planes: MATHEMATICAL BOLD CAPITAL A, a CJK compatibility ideograph.
    EXPECT_EQ(prep("\U0001D400").second, "A");
    EXPECT_EQ(prep("\U0002F800").second, "\u4E3D");
}

TEST(PostgresSaslprep, RefusalsFallBackToRawBytes) {
    using st = pd::saslprep_status;
    EXPECT_EQ(prep("\xC3").first, st::invalid_utf8);                  // truncated
    EXPECT_EQ(prep("\xC0\xAF").first, st::invalid_utf8);              // overlong
    EXPECT_EQ(prep("\xED\xA0\x80").first, st::invalid_utf8);          // surrogate
    EXPECT_EQ(prep("\xF4\x90\x80\x80").first, st::invalid_utf8);      // above U+10FFFF
    EXPECT_EQ(prep("a\xFF").first, st::invalid_utf8);
    EXPECT_EQ(prep("\u00AD\uFEFF").first, st::prohibited);            // nothing left
    EXPECT_EQ(prep("x\uE000").first, st::prohibited);                 // private use
    EXPECT_EQ(prep("x\u0221").first, st::prohibited);                 // unassigned in Unicode 3.2
    EXPECT_EQ(prep("x\U0001F600").first, st::prohibited);             // unassigned in Unicode 3.2
    EXPECT_EQ(prep("\u200E\u00E9").first, st::prohibited);            // LEFT-TO-RIGHT MARK (C.8)
    EXPECT_EQ(prep("\u05D0\u00E9\u05D1").first, st::prohibited);      // RandALCat with LCat
    EXPECT_EQ(prep("\u05D0 1 \u05D1"), std::pair(st::success, "\u05D0 1 \u05D1"s));
    EXPECT_EQ(prep(std::string(1025, 'a')).first, st::too_long);
    EXPECT_EQ(prep(std::string(1022, 'a') + "\u00E9").first, st::success);
    // SCRAM uses the raw bytes of a refused password, and the prepared form otherwise.
    EXPECT_EQ(pd::scram_password("x\uE000e\u0301"), "x\uE000e\u0301");
    EXPECT_EQ(pd::scram_password("\xC3"), "\xC3");
    EXPECT_EQ(pd::scram_password("e\u0301\u00A0"), "\u00E9 ");
}

TEST(PostgresScram, PasswordGoesThroughSaslprep) {
    // The expected proof and server signature are those of "caf\u00E9 password"; the client
    // is given a decomposed "e\u0301", a no-break space and a soft hyphen.
    pd::scram_client scram("cafe\u0301\u00A0pass\u00ADword", pd::scram_client::binding::none, {}, "user");
    scram.client_first("rOprNGfwEbeRWgbNEkqO");
    std::string final_msg;
    ASSERT_FALSE(scram.server_first(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", final_msg));
    EXPECT_EQ(final_msg, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                         "p=y0rJ5smL9SpLgxuZdBPCsf5k9iEwAIzx45tpT/YLKnI=");
    EXPECT_FALSE(scram.server_final("v=UP7Z7ubpfouPOvDAjnZh85pVI+zKKVYi8b7iHhWy/5w="));
}

TEST(PostgresMd5, PasswordHash) {
    EXPECT_EQ(pd::md5_password_response("bob", "secret", "\x01\x02\x03\x04"), "md5f21dfe33ff3a9e03dbc3e008251fe5cc");
}

TEST(PostgresErrors, SqlstateCategory) {
    EXPECT_EQ(pg::sqlstate_value("00000"), 0);
    EXPECT_EQ(pg::sqlstate_value("2350"), -1);
    EXPECT_EQ(pg::sqlstate_value("23a05"), -1);
    EXPECT_EQ(pg::sqlstate_string(pg::sqlstate_value("42P01")), "42P01");
    auto ec = pg::sqlstate_error("23505");
    EXPECT_EQ(ec, pg::sqlstate::unique_violation);
    EXPECT_TRUE(ec == pg::sqlstate_class::integrity_constraint_violation);
    EXPECT_FALSE(ec == pg::sqlstate_class::data_exception);
    EXPECT_EQ(pg::sqlstate_of(ec), "23505");
    EXPECT_EQ(ec.message(), "SQLSTATE 23505 (unique_violation)");
    // Codes without an enumerator keep their value.
    auto other = pg::sqlstate_error("2F003");
    EXPECT_EQ(pg::sqlstate_of(other), "2F003");
    EXPECT_EQ(other.message(), "SQLSTATE 2F003");
    // A malformed or empty code is still a failure.
    EXPECT_TRUE(pg::sqlstate_error(""));
    EXPECT_EQ(pg::sqlstate_error("00000"), pg::sqlstate::internal_error);
    EXPECT_EQ(std::string(pg::make_error_code(pg::client_errc::unexpected_null).category().name()), "cirrus.postgres");
}
