// The PostgreSQL client against scripted servers (support/pg_script_server.hpp) that do
// what a real server will not: a certificate for another name, a cleartext password asked
// for over unverified TLS, a broken TLS handshake followed by an MD5 request, a startup
// that skips authentication, a ParameterStatus flood, ten million SCRAM iterations, rows
// without end, a Redshift-like server (md5, version 8.0.2, text values, unknown columns),
// binary COPY data whose tuples straddle CopyData messages.

#include "support/pg_coro.hpp"
#include "support/pg_script_server.hpp"
#include "support/temp_dir.hpp"

#include <cirrus/core/base64.hpp>
#include <cirrus/postgres/postgres.hpp>

#include <boost/asio.hpp>
#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
namespace wire = cirrus::test::pg_wire;
using cirrus::test::pg_script_server;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);
using ssl_answer = pg_script_server::ssl_answer;

const std::string startup_done = wire::auth_ok() + wire::backend_key() + wire::ready();

// A test PKI with its CA in a file, for sslrootcert.
struct tls_setup {
    cirrus::test::test_pki pki;
    cirrus::test::temp_dir dir{"cirrus-pg-tls"};
    std::string ca_file;
    explicit tls_setup(std::vector<std::string> names) : pki(cirrus::test::test_pki::make(names)) {
        ca_file = dir.write("ca.crt", pki.ca_cert_pem);
    }
};

pg::connect_params params_for(const pg_script_server& server, pg::ssl_mode mode = pg::ssl_mode::disable) {
    pg::connect_params p;
    p.hosts = {pg::host_spec{"127.0.0.1", server.port(), {}}};
    p.user = "app";
    p.password = "Sup3r-Secret-Pw";
    p.database = "app";
    p.ssl = mode;
    p.ssl_root_cert = "/nonexistent/root.crt"; // no chain verification unless a test sets one
    p.connect_timeout = 10s;
    return p;
}

struct connect_outcome {
    cirrus::error_code ec;
    pg::diagnostics diag;
    bool open = false;
    bool tls = false;
    std::chrono::steady_clock::duration elapsed{};
};

connect_outcome connect_to(const pg::connect_params& p) {
    connect_outcome out;
    cirrus::test::run_coroutine([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        const auto start = std::chrono::steady_clock::now();
        auto [ec] = co_await conn.async_connect(p, out.diag, tok);
        out.elapsed = std::chrono::steady_clock::now() - start;
        out.ec = ec;
        out.open = conn.is_open();
        out.tls = conn.uses_tls();
        conn.close();
    }, 30s);
    return out;
}

// Whether the client sent a password message ('p') on any connection.
bool password_sent(const pg_script_server& server) {
    for (const auto& c : server.connections())
        for (const auto& m : c.messages)
            if (m.type == 'p') return true;
    return false;
}

} // namespace

// --- issue 12, item 1: verify-full needs a host name ------------------------------------

TEST(PostgresScripted, VerifyFullWithOnlyHostaddrIsRefused) {
    // A certificate for another name, signed by the CA the client trusts: with no host
    // name to check, OpenSSL would accept it.
    tls_setup tls({"DNS:wrong.example"});
    pg_script_server server(&tls.pki);
    server.add(pg_script_server::script{}.on_ssl_request(ssl_answer::accept).send(startup_done));
    auto p = params_for(server, pg::ssl_mode::verify_full);
    p.ssl_root_cert = tls.ca_file;
    p.hosts = {pg::host_spec{"", server.port(), "127.0.0.1"}};
    auto r = connect_to(p);
    EXPECT_EQ(r.ec, pg::client_errc::invalid_connection_string) << r.ec.message();
    EXPECT_EQ(r.diag.message, "host name must be specified for a verified SSL connection");
    EXPECT_FALSE(r.open);
    // Named, the same certificate is checked and refused.
    p.hosts = {pg::host_spec{"db.example", server.port(), "127.0.0.1"}};
    server.add(pg_script_server::script{}.on_ssl_request(ssl_answer::accept).send(startup_done));
    auto named = connect_to(p);
    EXPECT_TRUE(named.ec);
    EXPECT_NE(named.diag.message.find("hostname mismatch"), std::string::npos) << named.diag.message;
}

// --- item 2: no password to a server that may be an attacker ----------------------------

TEST(PostgresScripted, CleartextPasswordIsNotSentOverUnverifiedTls) {
    tls_setup tls({"DNS:localhost", "IP:127.0.0.1"});
    pg_script_server server(&tls.pki);
    auto asks_cleartext = [] {
        return pg_script_server::script{}
            .on_ssl_request(ssl_answer::accept)
            .send(wire::auth_cleartext())
            .expect('p')
            .send(startup_done);
    };
    // sslmode=require without a root certificate: TLS, but anyone's certificate.
    server.add(asks_cleartext());
    auto r = connect_to(params_for(server, pg::ssl_mode::require));
    EXPECT_EQ(r.ec, pg::client_errc::cleartext_password_not_allowed) << r.ec.message() << " / " << r.diag.message;
    EXPECT_NE(r.diag.message.find("not verified"), std::string::npos) << r.diag.message;
    ASSERT_EQ(server.connections().size(), 1u);
    EXPECT_TRUE(server.connections()[0].tls);
    EXPECT_FALSE(password_sent(server));
    // prefer is the same.
    server.add(asks_cleartext());
    EXPECT_EQ(connect_to(params_for(server, pg::ssl_mode::prefer)).ec, pg::client_errc::cleartext_password_not_allowed);
    EXPECT_FALSE(password_sent(server));

    // Verified (verify-full, or require with a root certificate): sent.
    server.add(asks_cleartext());
    auto verified = params_for(server, pg::ssl_mode::verify_full);
    verified.ssl_root_cert = tls.ca_file;
    auto ok = connect_to(verified);
    EXPECT_FALSE(ok.ec) << ok.ec.message() << " / " << ok.diag.message;
    ASSERT_EQ(server.connections().size(), 3u);
    ASSERT_FALSE(server.connections()[2].messages.empty());
    EXPECT_EQ(server.connections()[2].messages[0].body, "Sup3r-Secret-Pw"s + '\0');

    // Or when the caller says so.
    server.add(asks_cleartext());
    auto allowed = params_for(server, pg::ssl_mode::require);
    allowed.allow_cleartext_password = true;
    EXPECT_FALSE(connect_to(allowed).ec);
}

TEST(PostgresScripted, PreferSendsNoMd5AfterAFailedHandshake) {
    tls_setup tls({"DNS:localhost"});
    pg_script_server server(&tls.pki);
    // An attacker in the path breaks the handshake; prefer retries without TLS, where
    // the same attacker asks for MD5 with a salt of their choosing.
    server.add(pg_script_server::script{}.on_ssl_request(ssl_answer::break_handshake));
    server.add(pg_script_server::script{}.send(wire::auth_md5("s4lt")).expect('p').send(startup_done));
    auto r = connect_to(params_for(server, pg::ssl_mode::prefer));
    EXPECT_EQ(r.ec, pg::client_errc::auth_method_not_allowed) << r.ec.message() << " / " << r.diag.message;
    EXPECT_NE(r.diag.message.find("TLS handshake failed"), std::string::npos) << r.diag.message;
    ASSERT_EQ(server.connections().size(), 2u);
    EXPECT_TRUE(server.connections()[0].ssl_requested);
    EXPECT_FALSE(server.connections()[1].ssl_requested);
    EXPECT_FALSE(password_sent(server));

    // A server that answers 'N' (no TLS configured) still gets MD5, as from libpq.
    server.add(pg_script_server::script{}.on_ssl_request(ssl_answer::refuse).send(wire::auth_md5()).expect('p').send(
        startup_done));
    auto no_tls = connect_to(params_for(server, pg::ssl_mode::prefer));
    EXPECT_FALSE(no_tls.ec) << no_tls.ec.message() << " / " << no_tls.diag.message;
    EXPECT_FALSE(no_tls.tls);
    EXPECT_TRUE(password_sent(server));
}

TEST(PostgresScripted, StartupWithoutAuthenticationIsRefused) {
    // ReadyForQuery with no AuthenticationOk at all would bypass channel_binding=require,
    // require_auth and the SCRAM server proof.
    pg_script_server server;
    server.add(pg_script_server::script{}.send(wire::backend_key() + wire::ready()));
    auto p = params_for(server, pg::ssl_mode::disable);
    auto r = connect_to(p);
    EXPECT_EQ(r.ec, pg::client_errc::unexpected_message) << r.ec.message();
    EXPECT_FALSE(r.open);
}

TEST(PostgresScripted, RequireAuthRefusesAServerThatSkipsAuthentication) {
    pg_script_server server;
    server.add(pg_script_server::script{}.send(startup_done));
    auto p = params_for(server);
    p.require_auth = "scram-sha-256";
    auto r = connect_to(p);
    EXPECT_EQ(r.ec, pg::client_errc::auth_method_not_allowed) << r.ec.message();
    EXPECT_EQ(r.diag.message, "authentication method requirement \"scram-sha-256\" failed: server did not complete "
                              "authentication");
    // Hand-built params are checked like parsed ones.
    p.require_auth = "scram-sha-256,bogus";
    EXPECT_EQ(connect_to(p).ec, pg::client_errc::invalid_connection_string);
}

// --- item 9: what a server can make the client keep or compute --------------------------

TEST(PostgresScripted, ParameterStatusFloodIsCapped) {
    pg_script_server server;
    std::string flood = wire::auth_ok() + wire::parameter_status("server_version", "15.4");
    for (int i = 0; i < 20'000; ++i) flood += wire::parameter_status("flood_" + std::to_string(i), "v");
    server.add(pg_script_server::script{}.send(flood + wire::backend_key() + wire::ready()));
    cirrus::test::run_coroutine([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        const auto p = params_for(server);
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(conn.server_parameter("server_version"), "15.4");
        EXPECT_EQ(conn.server_parameter("flood_0"), "v");
        EXPECT_FALSE(conn.server_parameter("flood_19999")); // not kept
        conn.close();
    }, 30s);
}

namespace {

// AuthenticationSASL, then a server-first-message asking for `iterations`; the
// client-final-message, if the client sends one, is recorded.
pg_script_server::script scram_asking_for(std::uint32_t iterations) {
    return pg_script_server::script{}
        .send(wire::auth_sasl({"SCRAM-SHA-256"}))
        .answer('p',
                [iterations](const cirrus::test::pg_client_message& m) {
                    // SASLInitialResponse: mechanism\0, int32 length, client-first-message.
                    auto first = m.body.substr(m.body.find('\0') + 5);
                    auto nonce = wire::scram_attribute(first.substr(3), 'r'); // after "n,,"
                    return wire::sasl_continue("r=" + nonce + "server,s=" + cirrus::base64::encode("salty") +
                                               ",i=" + std::to_string(iterations));
                })
        .expect('p')
        .close();
}

std::size_t sasl_messages(const pg_script_server& server, std::size_t connection) {
    const auto log = server.connections().at(connection);
    std::size_t n = 0;
    for (const auto& m : log.messages) n += m.type == 'p';
    return n;
}

} // namespace

TEST(PostgresScripted, ScramIterationCountIsCapped) {
    pg_script_server server;
    server.add(scram_asking_for(10'000'000));
    auto r = connect_to(params_for(server));
    EXPECT_EQ(r.ec, pg::client_errc::scram_too_many_iterations) << r.ec.message() << " / " << r.diag.message;
    EXPECT_NE(r.diag.message.find("10000000"), std::string::npos) << r.diag.message;
    EXPECT_NE(r.diag.message.find("scram_max_iterations (100000)"), std::string::npos) << r.diag.message;
    // Refused before any PBKDF2: ten million iterations take seconds.
    EXPECT_LT(r.elapsed, 1s);
    EXPECT_EQ(sasl_messages(server, 0), 1u); // no client-final-message

    // Raised by the caller, a count above the default is computed and answered.
    server.add(scram_asking_for(150'000));
    auto p = params_for(server);
    p.scram_max_iterations = 200'000;
    auto raised = connect_to(p);
    EXPECT_NE(raised.ec, pg::client_errc::scram_too_many_iterations);
    EXPECT_EQ(sasl_messages(server, 1), 2u);
}

TEST(PostgresScripted, ResultBytesAreCappedAndTheQueryCanceled) {
    pg_script_server server;
    std::string rows;
    for (int i = 0; i < 16; ++i) rows += wire::data_row({std::string(64 * 1024, 'x')});
    server.add(pg_script_server::script{}
                   .send(startup_done)
                   .expect('Q')
                   .send(wire::row_description({"payload"}))
                   // A real server stops at the CancelRequest; this one also stops at 256 MiB.
                   .stream_until_cancel(rows, 256u << 20,
                                        wire::error_response("57014", "canceling statement due to user request") +
                                            wire::ready(),
                                        wire::command_complete("SELECT 4096") + wire::ready())
                   .expect('Q')
                   .send(wire::row_description({"one"}) + wire::data_row({"1"}) + wire::command_complete("SELECT 1") +
                         wire::ready()));
    cirrus::test::run_coroutine([&]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.max_result_bytes = 4u << 20;
        pg::connection conn(co_await asio::this_coro::executor, opts);
        pg::diagnostics diag;
        const auto p = params_for(server);
        auto [cec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(cec, diag);
        pg::results res;
        auto [ec] = co_await conn.async_query("select payload from huge", res, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::result_too_large) << ec.message() << " / " << diag.what();
        EXPECT_NE(diag.message.find("max_result_bytes (4194304 bytes)"), std::string::npos) << diag.message;
        EXPECT_TRUE(res.empty());
        EXPECT_EQ(server.cancel_requests(), 1u);
        // The connection read on to ReadyForQuery and is usable.
        EXPECT_TRUE(conn.is_open());
        auto [ec2] = co_await conn.async_query("select 1", res, diag, tok);
        PG_CO_CHECK(ec2, diag);
        EXPECT_EQ(res.front()[0][0].as<std::string>(), "1");
        conn.close();
    }, 60s);
}

// --- Redshift-like servers: text values, unknown-typed columns ---------------------------

namespace {

struct redshift_row {
    std::string label;  // a string literal: type unknown (705)
    std::int32_t n = 0; // int4
    double ratio = 0;   // float8
};
BOOST_DESCRIBE_STRUCT(redshift_row, (), (label, n, ratio))

// A RowDescription of (name, type oid) columns, in text format.
std::string typed_row_description(const std::vector<std::pair<std::string, std::uint32_t>>& columns) {
    std::string body = wire::u16(static_cast<std::uint16_t>(columns.size()));
    for (const auto& [name, type] : columns)
        body += name + '\0' + wire::u32(0) + wire::u16(0) + wire::u32(type) + wire::u16(0xffff) +
                wire::u32(0xffffffff) + wire::u16(0);
    return wire::message('T', body);
}

// The parameter and result format codes of a Bind message's body.
struct bind_formats {
    std::vector<int> params;
    std::vector<int> results;
    std::vector<std::string> values;
};
bind_formats read_bind(const std::string& body) {
    bind_formats out;
    std::size_t at = body.find('\0') + 1; // portal
    at = body.find('\0', at) + 1;         // statement
    auto u16 = [&] {
        int v = (static_cast<unsigned char>(body.at(at)) << 8) | static_cast<unsigned char>(body.at(at + 1));
        at += 2;
        return v;
    };
    auto u32 = [&] {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(body.at(at + i));
        at += 4;
        return v;
    };
    for (int i = 0, n = u16(); i < n; ++i) out.params.push_back(u16());
    for (int i = 0, n = u16(); i < n; ++i) {
        std::uint32_t len = u32();
        out.values.push_back(body.substr(at, len));
        at += len;
    }
    for (int i = 0, n = u16(); i < n; ++i) out.results.push_back(u16());
    return out;
}

// md5, server_version 8.0.2 (what Amazon Redshift announces), then one extended-protocol
// query: label unknown, n int4, ratio float8, all in text whatever the client asked for.
pg_script_server::script redshift_script() {
    return pg_script_server::script{}
        .send(wire::auth_md5("s4lt"))
        .expect('p')
        .send(wire::auth_ok() + wire::parameter_status("server_version", "8.0.2") + wire::backend_key() + wire::ready())
        .expect('P')
        .expect('D')
        .expect('S')
        .send(wire::message('1', "") + wire::message('t', wire::u16(1) + wire::u32(23)) +
              typed_row_description({{"label", 705}, {"n", 23}, {"ratio", 701}}) + wire::ready())
        .expect('B')
        .expect('E')
        .expect('S')
        .send(wire::message('2', "") + wire::data_row({"hello", "42", "0.25"}) +
              wire::data_row({"w\xc3\xb6rld", "-7", "1e-3"}) + wire::command_complete("SELECT 2") + wire::ready());
}

} // namespace

TEST(PostgresScripted, RedshiftLikeServerGetsTextValuesAndUnknownColumnsAreRead) {
    pg_script_server server;
    server.add(redshift_script());
    server.add(redshift_script());
    cirrus::test::run_coroutine(
        [&]() -> asio::awaitable<void> {
            const auto p = params_for(server);
            pg::diagnostics diag;
            {
                // Automatic: the server's version says text, for results and parameters.
                pg::connection conn(co_await asio::this_coro::executor);
                auto [cec] = co_await conn.async_connect(p, diag, tok);
                PG_CO_CHECK(cec, diag);
                EXPECT_EQ(conn.server_parameter("server_version").value_or(""), "8.0.2");
                std::vector<redshift_row> rows;
                auto q = pg::query("select 'hello' as label, n, ratio from t where n > $1", 7);
                auto [ec] = co_await conn.async_execute(q, rows, diag, tok);
                PG_CO_CHECK(ec, diag);
                if (rows.size() == 2) {
                    EXPECT_EQ(rows[0].label, "hello");
                    EXPECT_EQ(rows[0].n, 42);
                    EXPECT_DOUBLE_EQ(rows[0].ratio, 0.25);
                    EXPECT_EQ(rows[1].label, "w\xc3\xb6rld");
                    EXPECT_EQ(rows[1].n, -7);
                    EXPECT_DOUBLE_EQ(rows[1].ratio, 0.001);
                } else {
                    ADD_FAILURE() << rows.size() << " rows";
                }
                conn.close();
            }
            {
                // Asked for binary where known: the Bind says so (this server would not answer
                // in binary, which is why automatic does not ask).
                pg::connection_options opts;
                opts.values = pg::value_format::binary_where_known;
                pg::connection conn(co_await asio::this_coro::executor, opts);
                auto [cec] = co_await conn.async_connect(p, diag, tok);
                PG_CO_CHECK(cec, diag);
                std::vector<redshift_row> rows;
                auto q = pg::query("select 'hello' as label, n, ratio from t where n > $1", 7);
                auto [ec] = co_await conn.async_execute(q, rows, diag, tok);
                (void)ec; // the rows came in text after a binary request: whatever the outcome
                conn.close();
            }
        },
        30s);
    auto connections = server.connections();
    ASSERT_EQ(connections.size(), 2u);
    auto bind_of = [](const cirrus::test::pg_connection_log& c) {
        for (const auto& m : c.messages)
            if (m.type == 'B') return read_bind(m.body);
        ADD_FAILURE() << "no Bind message";
        return bind_formats{};
    };
    EXPECT_TRUE(connections[0].script_completed);
    const auto automatic = bind_of(connections[0]);
    EXPECT_EQ(automatic.params, std::vector<int>({0}));
    EXPECT_EQ(automatic.values, std::vector<std::string>({"7"}));
    for (int f : automatic.results) EXPECT_EQ(f, 0);
    const auto binary = bind_of(connections[1]);
    EXPECT_EQ(binary.params, std::vector<int>({1}));
    EXPECT_EQ(binary.results, std::vector<int>({0, 1, 1})); // unknown has no binary codec
}

namespace {

struct n_row {
    std::int32_t n = 0;
};

std::string answer_n(std::string_view n) {
    return wire::message('2', "") + wire::data_row({std::string(n)}) + wire::command_complete("SELECT 1") +
           wire::ready();
}

} // namespace

// Queries started by several coroutines while another runs go to the server together: this
// server answers none of the waiting queries before it has read all three, so a client
// that waited for each answer before sending the next query would never finish.
TEST(PostgresScripted, QueriesWaitingTogetherAreSentAsOnePipeline) {
    pg_script_server server;
    auto script = pg_script_server::script{}
                      .send(wire::auth_md5("s4lt"))
                      .expect('p')
                      .send(wire::auth_ok() + wire::parameter_status("server_version", "15.4") + wire::backend_key() +
                            wire::ready())
                      // The first query runs alone: prepared into the statement cache, then run.
                      .expect('P')
                      .expect('D')
                      .expect('S')
                      .send(wire::message('1', "") + wire::message('t', wire::u16(1) + wire::u32(23)) +
                            typed_row_description({{"n", 23}}) + wire::ready())
                      .expect('B')
                      .expect('E')
                      .expect('S');
    script.send(answer_n("1"));
    for (int i = 0; i < 3; ++i) script.expect('B').expect('E').expect('S');
    // The second waiting query fails; the others are answered.
    script.send(answer_n("2") + wire::message('2', "") + wire::error_response("22012", "division by zero") +
                wire::ready() + answer_n("4"));
    server.add(std::move(script));
    std::vector<std::vector<n_row>> rows(4);
    std::vector<pg::diagnostics> diags(4);
    std::vector<cirrus::error_code> ecs(4);
    cirrus::test::run_coroutine(
        [&]() -> asio::awaitable<void> {
            const auto p = params_for(server);
            pg::connection_options opts;
            opts.values = pg::value_format::text;
            pg::connection conn(co_await asio::this_coro::executor, opts);
            pg::diagnostics diag;
            auto [cec] = co_await conn.async_connect(p, diag, tok);
            PG_CO_CHECK(cec, diag);
            int done = 0;
            for (int i = 0; i < 4; ++i) {
                auto q = pg::query("select $1::int4 as n", i + 1);
                conn.async_execute(q, rows[i], diags[i], [&, i](cirrus::error_code ec) {
                    ecs[i] = ec;
                    ++done;
                });
            }
            asio::steady_timer t(co_await asio::this_coro::executor);
            while (done < 4) {
                t.expires_after(2ms);
                co_await t.async_wait(asio::use_awaitable);
            }
            conn.close();
        },
        10s);
    auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_TRUE(connections[0].script_completed);
    for (int i : {0, 1, 3}) {
        EXPECT_FALSE(ecs[i]) << i << ": " << diags[i].what();
        ASSERT_EQ(rows[i].size(), 1u) << i;
        EXPECT_EQ(rows[i][0].n, i + 1);
    }
    EXPECT_EQ(ecs[2], pg::sqlstate::division_by_zero);
    EXPECT_EQ(diags[2].sqlstate(), "22012");
    EXPECT_TRUE(rows[2].empty());
}

// --- binary COPY out into rows, with tuples across CopyData boundaries ------------------

namespace {

// CopyOutResponse for `columns` binary columns, the data cut into CopyData messages at
// `cuts`, CopyDone, COPY n, ReadyForQuery; then `select 1`.
pg_script_server::script copy_out_script(const std::string& data, const std::vector<std::size_t>& cuts,
                                         std::size_t rows) {
    std::string answer = wire::message('H', std::string(1, '\1') + wire::u16(2) + wire::u16(1) + wire::u16(1));
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        answer += wire::message('d', data.substr(at, cut - at));
        at = cut;
    }
    answer += wire::message('d', data.substr(at)) + wire::message('c', "") +
              wire::command_complete("COPY " + std::to_string(rows)) + wire::ready();
    return pg_script_server::script{}
        .send(startup_done)
        .expect('Q')
        .send(answer)
        .expect('Q')
        .send(wire::row_description({"one"}) + wire::data_row({"1"}) + wire::command_complete("SELECT 1") +
              wire::ready());
}

std::string copy_tuple(std::int32_t id, const std::optional<std::string>& name) {
    return wire::u16(2) + wire::u32(4) + wire::u32(static_cast<std::uint32_t>(id)) +
           (name ? wire::u32(static_cast<std::uint32_t>(name->size())) + *name : wire::u32(0xffffffff));
}

const std::string copy_header = "PGCOPY\n\xff\r\n\0"s + wire::u32(0) + wire::u32(0);

} // namespace

TEST(PostgresScripted, BinaryCopyOutIntoRowsWithTuplesAcrossMessages) {
    using row = std::tuple<std::int32_t, std::optional<std::string>>;
    const std::string data = copy_header + copy_tuple(1, "one") + copy_tuple(-2, std::nullopt) +
                             copy_tuple(3, std::string(70000, 'x')) + wire::u16(0xffff);
    // The header cut in two, the first tuple with the start of the second, the third in
    // three messages, the trailer alone.
    const std::vector<std::size_t> cuts = {5, 19 + 15, 19 + 15 + 12, 30046, 50000, data.size() - 2};
    // A negative field length in the second tuple: the client cancels, drains, goes on.
    const std::string bad = copy_header + copy_tuple(1, "one") + wire::u16(2) + wire::u32(0xfffffffe) +
                            wire::u16(0xffff);
    pg_script_server server;
    server.add(copy_out_script(data, cuts, 3));
    server.add(copy_out_script(bad, {19 + 15 + 3}, 2));
    cirrus::test::run_coroutine(
        [&]() -> asio::awaitable<void> {
            const auto p = params_for(server);
            pg::diagnostics diag;
            for (int k = 0; k < 2; ++k) {
                pg::connection conn(co_await asio::this_coro::executor);
                auto [cec] = co_await conn.async_connect(p, diag, tok);
                PG_CO_CHECK(cec, diag);
                std::vector<row> rows;
                auto [ec, n] = co_await conn.async_copy_out("COPY t TO STDOUT (FORMAT binary)", rows, diag, tok);
                if (k == 0) {
                    PG_CO_CHECK(ec, diag);
                    EXPECT_EQ(n, 3u);
                    EXPECT_EQ(rows, (std::vector<row>{{1, "one"}, {-2, std::nullopt}, {3, std::string(70000, 'x')}}));
                } else {
                    EXPECT_EQ(ec, pg::client_errc::invalid_copy_data);
                    EXPECT_NE(diag.message.find("row 1: field #0 has a negative length"), std::string::npos)
                        << diag.message;
                    EXPECT_EQ(rows, (std::vector<row>{{1, "one"}}));
                }
                EXPECT_TRUE(conn.is_open());
                pg::results r;
                auto [qec] = co_await conn.async_query("select 1", r, diag, tok);
                PG_CO_CHECK(qec, diag);
                conn.close();
            }
        },
        30s);
    auto connections = server.connections();
    ASSERT_EQ(connections.size(), 2u);
    EXPECT_TRUE(connections[0].script_completed);
    EXPECT_TRUE(connections[1].script_completed);
}
