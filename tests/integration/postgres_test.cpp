// PostgreSQL client against the PostgreSQL 15 of scripts/services.sh: authentication
// methods, sslmodes and certificate checks, connection strings, password and service files,
// SASLprep, Unix sockets, timeouts, cancellation; plus scripted misbehaving servers for the
// protocol-error paths.

#include "support/slow_lookup.hpp"
#include "support/temp_dir.hpp"
#include "postgres_support.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace pgtest;
using namespace std::string_literals;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// One query returning one text value (simple protocol), or "" with a test failure.
asio::awaitable<std::string> scalar(pg::connection& conn, std::string sql) {
    pg::results r;
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_query(sql, r, diag, tok);
    if (ec || r.empty() || r.back().empty()) {
        ADD_FAILURE() << sql << ": " << ec.message() << " / " << diag.what();
        co_return std::string{};
    }
    co_return r.back()[0][0].as<std::string>();
}

// Connects with p and expects success with the given auth mechanism and TLS state.
void expect_connects(pg::connect_params p, std::string mechanism, bool tls, std::string expected_user) {
    run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_TRUE(conn.is_open());
        EXPECT_EQ(conn.auth_mechanism(), mechanism);
        EXPECT_EQ(conn.uses_tls(), tls);
        EXPECT_EQ(co_await scalar(conn, "select current_user"), expected_user);
        EXPECT_EQ(co_await scalar(conn, "select coalesce((select ssl::text from pg_stat_ssl where pid = pg_backend_pid()), 'none')"),
                  tls ? "true" : "false");
        auto [cec] = co_await conn.async_close(tok);
        EXPECT_FALSE(cec);
        EXPECT_FALSE(conn.is_open());
    });
}

// Connects with p and returns the error (and diagnostics).
std::pair<cirrus::error_code, pg::diagnostics> connect_error(pg::connect_params p) {
    std::pair<cirrus::error_code, pg::diagnostics> out;
    run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        auto [ec] = co_await conn.async_connect(p, out.second, tok);
        out.first = ec;
        EXPECT_FALSE(conn.is_open());
    });
    return out;
}

} // namespace

// --- authentication --------------------------------------------------------------------

TEST(PostgresAuth, ScramOverPlainTcp) {
    expect_connects(scram_params(pg::ssl_mode::disable), "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresAuth, ScramPlusOverTls) {
    expect_connects(scram_params(pg::ssl_mode::verify_full), "SCRAM-SHA-256-PLUS", true, srv().user);
}

TEST(PostgresAuth, ScramPlusRequiredOverTls) {
    auto p = scram_params(pg::ssl_mode::require);
    p.channel_binding = pg::channel_binding_mode::require;
    expect_connects(p, "SCRAM-SHA-256-PLUS", true, srv().user);
}

TEST(PostgresAuth, ScramWithoutChannelBindingOverTls) {
    auto p = scram_params(pg::ssl_mode::require);
    p.channel_binding = pg::channel_binding_mode::disable;
    expect_connects(p, "SCRAM-SHA-256", true, srv().user);
}

TEST(PostgresAuth, ChannelBindingRequiredFailsWithoutTls) {
    auto p = scram_params(pg::ssl_mode::allow);
    p.channel_binding = pg::channel_binding_mode::require;
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::channel_binding_required) << diag.what();
}

TEST(PostgresAuth, Md5) {
    expect_connects(params(srv().md5_user, srv().md5_password), "md5", false, srv().md5_user);
}

TEST(PostgresAuth, Md5OverTls) {
    expect_connects(params(srv().md5_user, srv().md5_password, pg::ssl_mode::verify_full), "md5", true, srv().md5_user);
}

TEST(PostgresAuth, ChannelBindingRequiredRefusesMd5) {
    auto p = params(srv().md5_user, srv().md5_password, pg::ssl_mode::require);
    p.channel_binding = pg::channel_binding_mode::require;
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::channel_binding_required) << diag.what();
}

TEST(PostgresAuth, CleartextPasswordOverTls) {
    expect_connects(params(srv().plain_user, srv().plain_password, pg::ssl_mode::verify_full), "password", true,
                    srv().plain_user);
}

TEST(PostgresAuth, CleartextPasswordWithoutTlsIsRefusedUnlessAllowed) {
    auto p = params(srv().plain_user, srv().plain_password, pg::ssl_mode::disable);
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::cleartext_password_not_allowed);
    EXPECT_NE(diag.message.find("cleartext"), std::string::npos);
    EXPECT_EQ(diag.what().find(srv().plain_password), std::string::npos);
    p.allow_cleartext_password = true;
    expect_connects(p, "password", false, srv().plain_user);
}

TEST(PostgresAuth, CleartextPasswordOverUnverifiedTlsIsRefusedUnlessAllowed) {
    // sslmode=require with no root certificate: encrypted, but to whoever answers.
    auto p = params(srv().plain_user, srv().plain_password, pg::ssl_mode::require);
    p.ssl_root_cert = "/nonexistent/root.crt";
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::cleartext_password_not_allowed) << ec.message() << " / " << diag.what();
    EXPECT_NE(diag.message.find("not verified"), std::string::npos) << diag.message;
    p.allow_cleartext_password = true;
    expect_connects(p, "password", true, srv().plain_user);
    // With the root certificate present, require verifies the chain as libpq does: sent.
    expect_connects(params(srv().plain_user, srv().plain_password, pg::ssl_mode::require), "password", true,
                    srv().plain_user);
}

TEST(PostgresAuth, RequireAuthAgainstEachMethod) {
    const auto scram = scram_params(pg::ssl_mode::verify_full);
    const auto md5 = params(srv().md5_user, srv().md5_password, pg::ssl_mode::verify_full);
    const auto plain = params(srv().plain_user, srv().plain_password, pg::ssl_mode::verify_full);
    auto with = [](pg::connect_params p, std::string require_auth) {
        p.require_auth = std::move(require_auth);
        return p;
    };
    expect_connects(with(scram, "scram-sha-256"), "SCRAM-SHA-256-PLUS", true, srv().user);
    expect_connects(with(md5, "md5"), "md5", true, srv().md5_user);
    expect_connects(with(plain, "password"), "password", true, srv().plain_user);
    expect_connects(with(md5, "!password,!none"), "md5", true, srv().md5_user);
    expect_connects(with(scram, "md5,scram-sha-256"), "SCRAM-SHA-256-PLUS", true, srv().user);

    struct refusal {
        pg::connect_params p;
        std::string reason;
    };
    const std::vector<refusal> refusals{
        {with(md5, "scram-sha-256"), "server requested a hashed password"},
        {with(plain, "scram-sha-256"), "server requested a cleartext password"},
        {with(plain, "md5,scram-sha-256"), "server requested a cleartext password"},
        {with(scram, "none"), "server requested SASL authentication"},
        {with(scram, "!scram-sha-256"), "server requested SASL authentication"},
        {with(md5, "!md5"), "server requested a hashed password"},
    };
    for (const auto& r : refusals) {
        auto [ec, diag] = connect_error(r.p);
        EXPECT_EQ(ec, pg::client_errc::auth_method_not_allowed) << r.p.require_auth << ": " << ec.message();
        EXPECT_EQ(diag.message, "authentication method requirement \"" + r.p.require_auth + "\" failed: " + r.reason);
    }
}

TEST(PostgresAuth, RequireAuthAndChannelBindingInConnectionStrings) {
    run([]() -> asio::awaitable<void> {
        const auto base = "postgresql://" + srv().user + ":" + srv().password + "@" + srv().host + ":" +
                          std::to_string(srv().port) + "/" + srv().database + "?sslrootcert=" + srv().ca_file;
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        const auto uri = base + "&sslmode=require&require_auth=scram-sha-256&channel_binding=require";
        auto [ec] = co_await conn.async_connect(uri, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(conn.auth_mechanism(), "SCRAM-SHA-256-PLUS");
        conn.close();

        const auto md5_only = "host=" + srv().host + " port=" + std::to_string(srv().port) + " user=" + srv().user +
                              " password=" + srv().password + " dbname=" + srv().database +
                              " sslmode=disable require_auth=md5";
        auto [mec] = co_await conn.async_connect(md5_only, diag, tok);
        EXPECT_EQ(mec, pg::client_errc::auth_method_not_allowed) << mec.message();
        EXPECT_NE(diag.message.find("server requested SASL authentication"), std::string::npos) << diag.message;

        const auto no_binding = base + "&sslmode=disable&channel_binding=disable&require_auth=!md5";
        auto [nec] = co_await conn.async_connect(no_binding, diag, tok);
        PG_CO_CHECK(nec, diag);
        EXPECT_EQ(conn.auth_mechanism(), "SCRAM-SHA-256");
        conn.close();
    });
}

TEST(PostgresAuth, WrongPasswordLeaksNothing) {
    const std::string secret = "Wr0ng-Passw0rd-7d1e";
    for (auto [user, mode] : {std::pair{srv().user, pg::ssl_mode::disable}, std::pair{srv().user, pg::ssl_mode::verify_full},
                              std::pair{srv().md5_user, pg::ssl_mode::disable},
                              std::pair{srv().plain_user, pg::ssl_mode::require}}) {
        auto [ec, diag] = connect_error(params(user, secret, mode));
        EXPECT_EQ(ec, pg::sqlstate::invalid_password) << user << ": " << ec.message() << " / " << diag.what();
        EXPECT_TRUE(ec == pg::sqlstate_class::invalid_authorization_specification);
        EXPECT_EQ(diag.sqlstate(), "28P01");
        EXPECT_EQ(diag.severity, "FATAL");
        EXPECT_NE(diag.message.find("password authentication failed for user \"" + user + "\""), std::string::npos);
        for (const std::string& text : {diag.what(), ec.message(), diag.detail, diag.hint, diag.where}) {
            EXPECT_EQ(text.find(secret), std::string::npos) << text;
        }
        // Nor in the exception a throwing caller would see.
        boost::system::system_error ex(ec);
        EXPECT_EQ(std::string(ex.what()).find(secret), std::string::npos);
    }
}

TEST(PostgresAuth, UnknownUser) {
    auto [ec, diag] = connect_error(params("cirrus_no_such_user", "whatever"));
    EXPECT_TRUE(ec == pg::sqlstate_class::invalid_authorization_specification) << ec.message() << " / " << diag.what();
    EXPECT_NE(diag.message.find("cirrus_no_such_user"), std::string::npos);
}

TEST(PostgresAuth, MissingPassword) {
    auto [ec, diag] = connect_error(params(srv().user, ""));
    EXPECT_EQ(ec, pg::client_errc::password_required) << diag.what();
}

// --- sslmode ---------------------------------------------------------------------------

TEST(PostgresTls, SslModeDisable) {
    expect_connects(scram_params(pg::ssl_mode::disable), "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresTls, SslModeAllowUsesPlainWhenAccepted) {
    expect_connects(scram_params(pg::ssl_mode::allow), "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresTls, SslModeAllowRetriesWithTlsWhenPlainIsRejected) {
    // pg_hba.conf rejects the TLS-only user without TLS: allow then retries with TLS.
    expect_connects(params(srv().tls_user, srv().tls_password, pg::ssl_mode::allow), "SCRAM-SHA-256-PLUS", true,
                    srv().tls_user);
}

TEST(PostgresTls, SslModePreferUsesTls) {
    expect_connects(scram_params(pg::ssl_mode::prefer), "SCRAM-SHA-256-PLUS", true, srv().user);
}

TEST(PostgresTls, SslModeRequireWithoutRootCertDoesNotVerify) {
    // The certificate is for localhost/127.0.0.1; with no root certificate, require
    // neither checks the chain nor the name.
    auto p = params(srv().tls_user, srv().tls_password, pg::ssl_mode::require);
    p.ssl_root_cert = "/nonexistent/root.crt";
    p.hosts = {pg::host_spec{"not-the-cert-name.invalid", srv().port, srv().host}};
    expect_connects(p, "SCRAM-SHA-256-PLUS", true, srv().tls_user);
}

TEST(PostgresTls, SslModeVerifyCaChecksTheChainNotTheName) {
    auto p = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_ca);
    p.hosts = {pg::host_spec{"not-the-cert-name.invalid", srv().port, srv().host}};
    expect_connects(p, "SCRAM-SHA-256-PLUS", true, srv().tls_user);
}

TEST(PostgresTls, SslModeVerifyCaFailsAgainstAnotherCa) {
    auto p = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_ca);
    p.ssl_root_cert = "system"; // the system trust store does not know the test CA
    auto [ec, diag] = connect_error(p);
    EXPECT_TRUE(ec);
    EXPECT_EQ(ec.category(), boost::asio::error::get_ssl_category()) << ec.message();
    EXPECT_NE(diag.message.find("TLS handshake failed"), std::string::npos) << diag.message;
}

TEST(PostgresTls, SslModeVerifyFullAcceptsNameAndIp) {
    auto by_name = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_full);
    by_name.hosts = {pg::host_spec{"localhost", srv().port, srv().host}};
    expect_connects(by_name, "SCRAM-SHA-256-PLUS", true, srv().tls_user);
    auto by_ip = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_full);
    expect_connects(by_ip, "SCRAM-SHA-256-PLUS", true, srv().tls_user);
}

TEST(PostgresTls, SslModeVerifyFullRejectsWrongHostName) {
    auto p = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_full);
    p.hosts = {pg::host_spec{"wrong-name.example", srv().port, srv().host}};
    auto [ec, diag] = connect_error(p);
    EXPECT_TRUE(ec);
    EXPECT_NE(diag.message.find("hostname mismatch"), std::string::npos) << diag.message;
}

TEST(PostgresTls, SslModeVerifyFullNeedsRootCertificate) {
    auto p = scram_params(pg::ssl_mode::verify_full);
    p.ssl_root_cert = "/nonexistent/root.crt";
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::invalid_connection_string);
    EXPECT_NE(diag.message.find("does not exist"), std::string::npos);
}

TEST(PostgresTls, SslModeVerifyFullWithOnlyHostaddrIsRefused) {
    // No host name to check the certificate against: refused as libpq does, before any
    // TLS, rather than checking nothing.
    auto p = params(srv().tls_user, srv().tls_password, pg::ssl_mode::verify_full);
    p.hosts = {pg::host_spec{"", srv().port, srv().host}};
    auto [ec, diag] = connect_error(p);
    EXPECT_EQ(ec, pg::client_errc::invalid_connection_string) << ec.message();
    EXPECT_EQ(diag.message, "host name must be specified for a verified SSL connection");
    // The same in a connection string; verify-ca (no name check) still connects.
    run([]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics d;
        const auto conninfo = "hostaddr=" + srv().host + " port=" + std::to_string(srv().port) + " user=" +
                              srv().tls_user + " password=" + srv().tls_password + " dbname=" + srv().database +
                              " sslrootcert=" + srv().ca_file;
        auto [fec] = co_await conn.async_connect(conninfo + " sslmode=verify-full", d, tok);
        EXPECT_EQ(fec, pg::client_errc::invalid_connection_string);
        auto [cec] = co_await conn.async_connect(conninfo + " sslmode=verify-ca", d, tok);
        PG_CO_CHECK(cec, d);
        EXPECT_TRUE(conn.uses_tls());
        conn.close();
    });
}

TEST(PostgresTls, TlsOnlyUserIsRejectedWithoutTls) {
    auto [ec, diag] = connect_error(params(srv().tls_user, srv().tls_password, pg::ssl_mode::disable));
    EXPECT_TRUE(ec == pg::sqlstate_class::invalid_authorization_specification) << ec.message();
    EXPECT_FALSE(diag.message.empty());
}

// --- connection strings, sockets, hosts, timeouts ---------------------------------------

TEST(PostgresConnect, UriAndKeywordStrings) {
    run([]() -> asio::awaitable<void> {
        auto uri = "postgresql://" + srv().user + ":" + srv().password + "@" + srv().host + ":" + std::to_string(srv().port) +
                   "/" + srv().database + "?sslmode=verify-full&sslrootcert=" + srv().ca_file +
                   "&application_name=uri%20app";
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect(uri, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_TRUE(conn.uses_tls());
        EXPECT_EQ(co_await scalar(conn, "select current_setting('application_name')"), "uri app");
        EXPECT_EQ(co_await scalar(conn, "select current_database()"), srv().database);
        EXPECT_EQ(conn.server_parameter("server_version").value_or("").substr(0, 3), "15.");
        EXPECT_EQ(conn.server_parameter("client_encoding"), "UTF8");
        EXPECT_GT(conn.backend_pid(), 0);
        EXPECT_EQ(co_await scalar(conn, "select pg_backend_pid()::text"), std::to_string(conn.backend_pid()));

        pg::connection kv(co_await asio::this_coro::executor);
        auto kv_string = "host=" + srv().host + " port=" + std::to_string(srv().port) + " user=" + srv().md5_user +
                         " password='" + srv().md5_password + "' dbname=" + srv().database +
                         " sslmode=disable options='-c search_path=pg_catalog'";
        auto [kec] = co_await kv.async_connect(kv_string, diag, tok);
        PG_CO_CHECK(kec, diag);
        EXPECT_EQ(co_await scalar(kv, "show search_path"), "pg_catalog");

        pg::connection bad(co_await asio::this_coro::executor);
        auto [bec] = co_await bad.async_connect("host=x colour=blue", diag, tok);
        EXPECT_EQ(bec, pg::client_errc::invalid_connection_string);
        EXPECT_NE(diag.message.find("colour"), std::string::npos);
    });
}

TEST(PostgresConnect, UnixSocket) {
    auto p = scram_params();
    p.hosts = {pg::host_spec{srv().socket_dir, srv().port, {}}};
    p.ssl = pg::ssl_mode::prefer; // TLS is never used on Unix sockets
    expect_connects(p, "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresConnect, TriesHostsInOrder) {
    auto p = scram_params();
    p.hosts.insert(p.hosts.begin(), pg::host_spec{"127.0.0.1", 1, {}}); // nothing listens on port 1
    expect_connects(p, "SCRAM-SHA-256", false, srv().user);
}

namespace {

// Connects to `host` with a 300 ms connect_timeout, expects the timeout error and returns
// how long the attempt took. Callers pass a named host_spec: g++ 12 frees a braced
// temporary argument of a co_awaited coroutine call twice (ASan reports a bad free).
asio::awaitable<std::chrono::steady_clock::duration> connect_until_timeout(pg::host_spec host) {
    auto p = scram_params();
    p.hosts = {std::move(host)};
    p.connect_timeout = 300ms;
    pg::connection conn(co_await asio::this_coro::executor);
    pg::diagnostics diag;
    const auto start = std::chrono::steady_clock::now();
    auto [ec] = co_await conn.async_connect(p, diag, tok);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ec, boost::asio::error::timed_out) << ec.message() << ": " << diag.message;
    EXPECT_NE(diag.message.find("timeout"), std::string::npos) << diag.message;
    EXPECT_FALSE(conn.is_open());
    co_return elapsed;
}

} // namespace

TEST(PostgresConnect, ConnectTimeoutAgainstASilentServer) {
    run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        // Accepts the TCP connection and never answers.
        asio::ip::tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
        asio::ip::tcp::socket peer(ex);
        acceptor.async_accept(peer, [](cirrus::error_code) {});
        pg::host_spec host{"127.0.0.1", acceptor.local_endpoint().port(), {}};
        const auto elapsed = co_await connect_until_timeout(std::move(host));
        EXPECT_LT(elapsed, 3s);
    });
}

TEST(PostgresConnect, ConnectTimeoutBoundsASlowNameLookup) {
    run([]() -> asio::awaitable<void> {
        // Its getaddrinfo() sleeps for 2 s (tests/support/slow_lookup.cpp).
        pg::host_spec host{cirrus::test::slow_lookup_name, srv().port, {}};
        const auto elapsed = co_await connect_until_timeout(std::move(host));
        EXPECT_GE(elapsed, 300ms);
        EXPECT_LT(elapsed, 1500ms);
    });
}

TEST(PostgresConnect, OperationsOnAClosedConnectionFail) {
    run([]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_query("select 1", r, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::not_connected);
    });
}

TEST(PostgresConnect, WorksWithCallbacksAndFutures) {
    asio::io_context ioc;
    pg::connection conn(ioc);
    pg::diagnostics diag;
    pg::results r;
    cirrus::error_code connect_ec, query_ec;
    conn.async_connect(scram_params(), diag, [&](cirrus::error_code ec) {
        connect_ec = ec;
        if (!ec) conn.async_query("select 40 + 2", r, diag, [&](cirrus::error_code qec) { query_ec = qec; });
    });
    ioc.run_for(30s);
    ASSERT_FALSE(connect_ec) << diag.what();
    ASSERT_FALSE(query_ec) << diag.what();
    EXPECT_EQ(r.front()[0][0].as<std::int32_t>(), 42);

    // A future, with the io_context on another thread.
    asio::io_context ioc2;
    auto work = asio::make_work_guard(ioc2);
    std::thread t([&] { ioc2.run(); });
    pg::connection conn2(ioc2);
    auto f = conn2.async_connect(scram_params(), diag, asio::use_future);
    EXPECT_NO_THROW(f.get());
    pg::results r2;
    auto q = conn2.async_execute(pg::query("select $1::text", "via future"), r2, diag, asio::use_future);
    EXPECT_NO_THROW(q.get());
    EXPECT_EQ(r2.front()[0][0].as<std::string>(), "via future");
    auto c = conn2.async_close(asio::use_future);
    c.get();
    work.reset();
    t.join();
}

// --- password files, connection services, SASLprep ------------------------------------

namespace {

using temp_dir = cirrus::test::temp_dir;

// A password file field with ':' and '\' escaped.
std::string pgpass_field(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == ':' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

std::string pgpass_line(const std::string& host, std::uint16_t port, const std::string& user, const std::string& password) {
    return pgpass_field(host) + ":" + std::to_string(port) + ":" + pgpass_field(srv().database) + ":" +
           pgpass_field(user) + ":" + pgpass_field(password) + "\n";
}

// Only the given variables, so the process's PG* variables cannot interfere.
pg::env_lookup only_env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

pg::connect_params parse(const std::string& conninfo, const pg::env_lookup& env) {
    pg::connect_params p;
    pg::diagnostics diag;
    auto ec = pg::parse_connection_string(conninfo, p, &diag, env);
    EXPECT_FALSE(ec) << ec.message() << " / " << diag.what();
    return p;
}

// Runs SQL (simple protocol) as the main test user, a superuser.
void admin_sql(const std::string& sql) {
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query(sql, r, diag, tok);
        PG_CO_CHECK(ec, diag);
        co_await conn->async_close(tok);
    });
}

// A login role with a SCRAM verifier for `password` (the server applies SASLprep when it
// computes the verifier), dropped at the end of the test.
struct temp_role {
    std::string name;
    temp_role(std::string role, const std::string& password) : name(std::move(role)) {
        admin_sql("drop role if exists " + name + "; set password_encryption = 'scram-sha-256'; create role " + name +
                  " login password '" + password + "'");
    }
    temp_role(const temp_role&) = delete;
    temp_role& operator=(const temp_role&) = delete;
    ~temp_role() { admin_sql("drop role if exists " + name); }
};

std::string unique_role(std::string_view prefix) {
    return std::string(prefix) + "_" + std::to_string(::getpid());
}

} // namespace

TEST(PostgresPassfile, PasswordComesFromTheFile) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("pgpass", "# first matching line wins\n" +
                                        pgpass_line(srv().host, srv().port, srv().md5_user, "not-this-one") +
                                        pgpass_line(srv().host, srv().port, srv().user, srv().password) +
                                        "*:*:*:*:wrong-fallback\n");
    auto p = scram_params();
    p.password.clear();
    p.passfile = file;
    expect_connects(p, "SCRAM-SHA-256", false, srv().user);
    p.ssl = pg::ssl_mode::verify_full;
    expect_connects(p, "SCRAM-SHA-256-PLUS", true, srv().user);

    // From a connection string: the passfile keyword, or PGPASSFILE.
    auto conninfo = "host=" + srv().host + " port=" + std::to_string(srv().port) + " user=" + srv().user +
                    " dbname=" + srv().database + " sslmode=disable";
    expect_connects(parse(conninfo + " passfile=" + file, only_env()), "SCRAM-SHA-256", false, srv().user);
    expect_connects(parse(conninfo, only_env({{"PGPASSFILE", file}})), "SCRAM-SHA-256", false, srv().user);
    // The wildcard line answers for any other user; the server refuses that password, and
    // nothing shows it.
    auto [ec, diag] = connect_error(parse(conninfo + " user=nobody_here passfile=" + file, only_env()));
    EXPECT_TRUE(ec == pg::sqlstate_class::invalid_authorization_specification) << ec.message() << " / " << diag.what();
    EXPECT_EQ(diag.what().find("wrong-fallback"), std::string::npos);
    // A given password wins over the file.
    auto given = scram_params();
    given.passfile = dir.write("wrong-pgpass", "*:*:*:*:wrong\n");
    expect_connects(given, "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresPassfile, EachHostGetsItsOwnLine) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    // The socket directory's line has a wrong password, the TCP host's the right one: the
    // first host fails authentication, the second connects.
    auto file = dir.write("pgpass", pgpass_line(srv().socket_dir, srv().port, srv().user, "wrong-for-socket") +
                                        pgpass_line(srv().host, srv().port, srv().user, srv().password));
    auto p = scram_params();
    p.password.clear();
    p.passfile = file;
    p.hosts = {pg::host_spec{srv().socket_dir, srv().port, {}}, pg::host_spec{srv().host, srv().port, {}}};
    run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(co_await scalar(conn, "select coalesce(host(inet_server_addr()), 'socket')"), srv().host);
    });
    // The other way round: the socket connects at once.
    dir.write("pgpass", pgpass_line(srv().socket_dir, srv().port, srv().user, srv().password) +
                            pgpass_line(srv().host, srv().port, srv().user, "wrong-for-tcp"));
    p.hosts = {pg::host_spec{srv().host, srv().port, {}}, pg::host_spec{srv().socket_dir, srv().port, {}}};
    run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(ec, diag);
        EXPECT_EQ(co_await scalar(conn, "select coalesce(host(inet_server_addr()), 'socket')"), "socket");
    });
}

TEST(PostgresPassfile, FileReadableByOthersIsIgnored) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("pgpass", pgpass_line(srv().host, srv().port, srv().user, srv().password), 0644);
    auto p = scram_params();
    p.password.clear();
    p.passfile = file;
    run([&]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        std::vector<pg::notice> notices;
        conn.set_notice_handler([&](const pg::notice& n) { notices.push_back(n); });
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::password_required) << ec.message() << " / " << diag.what();
        EXPECT_NE(diag.message.find("password file \"" + file + "\" has group or world access"), std::string::npos)
            << diag.message;
        EXPECT_EQ(diag.what().find(srv().password), std::string::npos);
        PG_CO_REQUIRE(notices.size() == 1);
        EXPECT_EQ(notices[0].severity, "WARNING");
        EXPECT_NE(notices[0].message.find("permissions should be u=rw (0600) or less"), std::string::npos);
        EXPECT_EQ(notices[0].message.find(srv().password), std::string::npos);
    });
    ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
    expect_connects(p, "SCRAM-SHA-256", false, srv().user);
}

TEST(PostgresService, ConnectThroughAServiceFile) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto pgpass = dir.write("pgpass", pgpass_line(srv().host, srv().port, srv().user, srv().password));
    auto services = dir.write("pg_service.conf",
                              "# services for the tests\n"
                              "[cirrus_tls]\n"
                              "host=" + srv().host + "\n"
                              "port=" + std::to_string(srv().port) + "\n"
                              "dbname=" + srv().database + "\n"
                              "user=" + srv().user + "\n"
                              "passfile=" + pgpass + "\n"
                              "sslmode=verify-full\n"
                              "sslrootcert=" + srv().ca_file + "\n"
                              "application_name=from-service\n"
                              "\n"
                              "[cirrus_md5]\n"
                              "host=" + srv().host + "\n"
                              "port=" + std::to_string(srv().port) + "\n"
                              "dbname=" + srv().database + "\n"
                              "user=" + srv().md5_user + "\n"
                              "password=" + srv().md5_password + "\n"
                              "sslmode=disable\n",
                              0644);
    auto env = only_env({{"PGSERVICEFILE", services}, {"PGAPPNAME", "from-env"}});
    auto p = parse("service=cirrus_tls", env);
    EXPECT_TRUE(p.password.empty());
    expect_connects(p, "SCRAM-SHA-256-PLUS", true, srv().user);
    run([&]() -> asio::awaitable<void> {
        // The connection string wins over the service, the service over the environment.
        auto conn = co_await connect(parse("service=cirrus_tls application_name=from-string", env));
        PG_CO_REQUIRE(conn);
        EXPECT_EQ(co_await scalar(*conn, "select current_setting('application_name')"), "from-string");
        auto conn2 = co_await connect(p);
        PG_CO_REQUIRE(conn2);
        EXPECT_EQ(co_await scalar(*conn2, "select current_setting('application_name')"), "from-service");
    });
    // PGSERVICE names the service; this one carries its password.
    auto md5 = parse("", only_env({{"PGSERVICEFILE", services}, {"PGSERVICE", "cirrus_md5"}}));
    expect_connects(md5, "md5", false, srv().md5_user);
}

TEST(PostgresService, UnknownServiceFailsTheConnect) {
    run([]() -> asio::awaitable<void> {
        pg::connection conn(co_await asio::this_coro::executor);
        pg::diagnostics diag;
        auto [ec] = co_await conn.async_connect("service=cirrus_no_such_service_anywhere", diag, tok);
        EXPECT_EQ(ec, pg::client_errc::service_not_found) << ec.message() << " / " << diag.what();
        EXPECT_NE(diag.message.find("\"cirrus_no_such_service_anywhere\""), std::string::npos) << diag.message;
        EXPECT_FALSE(conn.is_open());
    });
}

TEST(PostgresSaslprep, NonAsciiPasswordInAnyNormalizationForm) {
    // Stored as: "caf" U+00E9 (composed), U+00A0 NO-BREAK SPACE, "pass", U+00AD SOFT HYPHEN,
    // "word". The server prepares it to "caf\u00E9 password" before computing the verifier.
    const std::string stored = "caf\u00E9\u00A0pass\u00ADword";
    temp_role role(unique_role("cirrus_saslprep"), stored);
    for (std::string password : {stored, "cafe\u0301 password"s, "caf\u00E9 password"s, "cafe\u0301\u3000pass\u00ADword"s}) {
        expect_connects(params(role.name, password), "SCRAM-SHA-256", false, role.name);
    }
    expect_connects(params(role.name, "cafe\u0301 password", pg::ssl_mode::verify_full), "SCRAM-SHA-256-PLUS", true,
                    role.name);
    auto [ec, diag] = connect_error(params(role.name, "cafe password"));
    EXPECT_EQ(ec, pg::sqlstate::invalid_password) << ec.message() << " / " << diag.what();
}

TEST(PostgresSaslprep, RefusedPasswordsUseTheRawBytes) {
    // U+E000 (private use) is prohibited: server and client both use the raw bytes, so only
    // the identical byte sequence logs in.
    const std::string stored = "x\uE000cafe\u0301";
    temp_role role(unique_role("cirrus_saslprep_raw"), stored);
    expect_connects(params(role.name, stored), "SCRAM-SHA-256", false, role.name);
    auto [ec, diag] = connect_error(params(role.name, "x\uE000caf\u00E9"));
    EXPECT_EQ(ec, pg::sqlstate::invalid_password) << ec.message() << " / " << diag.what();
}

// --- cancellation and timeouts --------------------------------------------------------

TEST(PostgresCancel, AwaitableOperatorsCancelPgSleep) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        auto start = std::chrono::steady_clock::now();
        auto winner = co_await (conn->async_query("select pg_sleep(10)", r, diag, asio::use_awaitable) ||
                                timer.async_wait(asio::use_awaitable));
        auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(winner.index(), 1u);
        EXPECT_LT(elapsed, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
        // The query was canceled by the server, not by closing the connection.
        EXPECT_EQ(diag.sqlstate(), "57014") << diag.what();
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
        EXPECT_EQ(co_await scalar(*conn, "select 'still usable'"), "still usable");
    });
}

TEST(PostgresCancel, CancellationSlotReportsOperationAborted) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        auto ex = co_await asio::this_coro::executor;
        asio::cancellation_signal signal;
        asio::steady_timer timer(ex, 100ms);
        timer.async_wait([&](cirrus::error_code) { signal.emit(asio::cancellation_type::terminal); });
        pg::results r;
        pg::diagnostics diag;
        auto start = std::chrono::steady_clock::now();
        // Extended protocol this time, with a parameter.
        auto [ec] = co_await conn->async_execute(pg::query("select pg_sleep($1)", 10.0), r, diag,
                                                 asio::bind_cancellation_slot(signal.slot(), tok));
        auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(ec, boost::asio::error::operation_aborted) << ec.message();
        EXPECT_EQ(diag.sqlstate(), "57014");
        EXPECT_NE(diag.message.find("canceling statement due to user request"), std::string::npos) << diag.message;
        EXPECT_LT(elapsed, 1s);
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select 1"), "1");

        // Cancellation inside a transaction leaves it failed, not the connection.
        pg::results tr;
        auto [bec] = co_await conn->async_query("begin", tr, diag, tok);
        PG_CO_CHECK(bec, diag);
        asio::steady_timer t2(ex, 100ms);
        t2.async_wait([&](cirrus::error_code) { signal.emit(asio::cancellation_type::terminal); });
        auto [ec2] = co_await conn->async_query("select pg_sleep(10)", r, diag, asio::bind_cancellation_slot(signal.slot(), tok));
        EXPECT_EQ(ec2, boost::asio::error::operation_aborted);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::failed);
        auto [rec] = co_await conn->async_rollback(diag, tok);
        EXPECT_FALSE(rec);
        EXPECT_EQ(conn->transaction_status(), pg::transaction_status::idle);
    });
}

TEST(PostgresCancel, ClientQueryTimeout) {
    run([]() -> asio::awaitable<void> {
        pg::connection_options opts;
        opts.query_timeout = 200ms;
        auto conn = co_await connect(scram_params(), opts);
        PG_CO_REQUIRE(conn);
        pg::results r;
        pg::diagnostics diag;
        auto start = std::chrono::steady_clock::now();
        auto [ec] = co_await conn->async_query("select pg_sleep(10)", r, diag, tok);
        auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(ec, pg::client_errc::query_timeout) << ec.message();
        EXPECT_LT(elapsed, 2s);
        EXPECT_TRUE(conn->is_open());
        // Fast queries are unaffected.
        EXPECT_EQ(co_await scalar(*conn, "select 2"), "2");
    });
}

TEST(PostgresCancel, ServerStatementTimeout) {
    run([]() -> asio::awaitable<void> {
        auto p = scram_params();
        p.runtime_params = {{"statement_timeout", "150"}};
        auto conn = co_await connect(p);
        PG_CO_REQUIRE(conn);
        EXPECT_EQ(co_await scalar(*conn, "show statement_timeout"), "150ms");
        pg::results r;
        pg::diagnostics diag;
        auto [ec] = co_await conn->async_query("select pg_sleep(10)", r, diag, tok);
        EXPECT_EQ(ec, pg::sqlstate::query_canceled);
        EXPECT_NE(diag.message.find("statement timeout"), std::string::npos) << diag.message;
        EXPECT_TRUE(conn->is_open());
        EXPECT_EQ(co_await scalar(*conn, "select 3"), "3");
    });
}

TEST(PostgresCancel, QueryFinishingFirstIsNotCanceled) {
    run([]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        PG_CO_REQUIRE(conn);
        // A query that finishes before the cancel timer fires completes normally.
        pg::results r;
        pg::diagnostics diag;
        asio::steady_timer timer(co_await asio::this_coro::executor, 2s);
        auto winner = co_await (conn->async_query("select 7", r, diag, asio::use_awaitable) ||
                                timer.async_wait(asio::use_awaitable));
        EXPECT_EQ(winner.index(), 0u);
        EXPECT_EQ(r.front()[0][0].as<std::int32_t>(), 7);
    });
}

// --- misbehaving servers ----------------------------------------------------------------

namespace {

std::string be32(std::uint32_t v) {
    std::string s;
    cirrus::postgres::detail::put_u32(s, v);
    return s;
}

// A scripted server on 127.0.0.1: reads the startup packet, sends `after_startup`, reads
// one message and sends `after_query`, then waits for the client to go away.
struct fake_server {
    asio::ip::tcp::acceptor acceptor;
    explicit fake_server(asio::any_io_executor ex) : acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0}) {}
    std::uint16_t port() const { return acceptor.local_endpoint().port(); }

    // close_after: hang up right after sending after_query (a truncated message, then EOF).
    asio::awaitable<void> serve(std::string after_startup, std::string after_query, bool close_after = false) {
        auto sock = co_await acceptor.async_accept(asio::use_awaitable);
        char len[4];
        co_await asio::async_read(sock, asio::buffer(len), asio::use_awaitable);
        std::string rest(cirrus::postgres::detail::load_u32(len) - 4, '\0');
        co_await asio::async_read(sock, asio::buffer(rest), asio::use_awaitable);
        co_await asio::async_write(sock, asio::buffer(after_startup), asio::use_awaitable);
        if (!after_query.empty()) {
            char header[5];
            auto [ec, n] = co_await asio::async_read(sock, asio::buffer(header), tok);
            if (!ec) {
                std::string body(cirrus::postgres::detail::load_u32(header + 1) - 4, '\0');
                co_await asio::async_read(sock, asio::buffer(body), tok);
                co_await asio::async_write(sock, asio::buffer(after_query), tok);
            }
            if (close_after) co_return;
        }
        char sink[256];
        for (;;) {
            auto [ec, n] = co_await sock.async_read_some(asio::buffer(sink), tok);
            if (ec) break;
        }
    }
};

const std::string auth_ok_ready = "R"s + be32(8) + be32(0) + "Z" + be32(5) + "I";

// Runs one query against a fake server sending `reply`; returns its error and whether
// the connection is still open afterwards.
std::pair<cirrus::error_code, bool> query_against(std::string reply, std::size_t max_message = 0,
                                                  bool close_after = false) {
    std::pair<cirrus::error_code, bool> out;
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        fake_server server(ex);
        asio::co_spawn(ex, server.serve(auth_ok_ready, reply, close_after), asio::detached);
        pg::connection_options opts;
        if (max_message) opts.max_message_size = max_message;
        pg::connection conn(ex, opts);
        pg::diagnostics diag;
        auto p = scram_params();
        p.hosts = {pg::host_spec{"127.0.0.1", server.port(), {}}};
        auto [cec] = co_await conn.async_connect(p, diag, tok);
        PG_CO_CHECK(cec, diag);
        EXPECT_EQ(conn.auth_mechanism(), "trust");
        pg::results r;
        auto [ec] = co_await conn.async_query("select 1", r, diag, tok);
        out = {ec, conn.is_open()};
        // After a protocol error the connection refuses further work.
        auto [ec2] = co_await conn.async_query("select 1", r, diag, tok);
        if (ec) {
            EXPECT_EQ(ec2, pg::client_errc::not_connected);
        }
        conn.close();
    }, 20s);
    return out;
}

} // namespace

TEST(PostgresProtocolErrors, UnknownMessageTypeClosesTheConnection) {
    auto [ec, open] = query_against("q"s + be32(4));
    EXPECT_EQ(ec, cirrus::errc::protocol_error);
    EXPECT_FALSE(open);
}

TEST(PostgresProtocolErrors, BadLength) {
    auto [ec, open] = query_against("Z"s + be32(2) + "I");
    EXPECT_EQ(ec, cirrus::errc::protocol_error);
    EXPECT_FALSE(open);
}

TEST(PostgresProtocolErrors, OversizedMessageIsRefusedWithoutReadingIt) {
    auto [ec, open] = query_against("D"s + be32(0x7ffffff0));
    EXPECT_EQ(ec, cirrus::errc::message_too_large);
    EXPECT_FALSE(open);
    auto [ec2, open2] = query_against("D"s + be32(2004) + std::string(2000, 'x'), 1000);
    EXPECT_EQ(ec2, cirrus::errc::message_too_large);
}

TEST(PostgresProtocolErrors, TruncatedMessageThenEof) {
    auto [ec, open] = query_against("T"s + be32(100) + "abc", 0, true);
    EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
    EXPECT_FALSE(open);
}

TEST(PostgresProtocolErrors, MalformedRowDescriptionAndDataRow) {
    auto [ec, open] = query_against("T"s + "\0\0\0\x06\x7f\xff"s);
    EXPECT_EQ(ec, cirrus::errc::protocol_error);
    auto rd = "T"s + be32(4 + 2 + 2 + 18) + "\0\x01"s + "a\0"s + be32(0) + "\0\0"s + be32(23) + "\0\x04"s + be32(0xffffffff) +
              "\0\0"s;
    auto [ec2, open2] = query_against(rd + "D"s + be32(4 + 2 + 4) + "\0\x01"s + be32(50));
    EXPECT_EQ(ec2, cirrus::errc::protocol_error);
    EXPECT_FALSE(open2);
}

TEST(PostgresProtocolErrors, UnsupportedAuthenticationMethod) {
    run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        fake_server server(ex);
        asio::co_spawn(ex, server.serve("R"s + be32(8) + be32(7), ""), asio::detached); // GSSAPI
        pg::connection conn(ex);
        pg::diagnostics diag;
        auto p = scram_params();
        p.hosts = {pg::host_spec{"127.0.0.1", server.port(), {}}};
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::unsupported_auth_method);
        EXPECT_NE(diag.message.find("GSSAPI"), std::string::npos);
        EXPECT_FALSE(conn.is_open());
    }, 20s);
}

TEST(PostgresProtocolErrors, ServerSkippingScramProofIsRejected) {
    // AuthenticationSASL, then AuthenticationOk without the SCRAM exchange: a server that
    // does not know the password must not be trusted.
    run([]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        fake_server server(ex);
        auto sasl = "R"s + be32(4 + 4 + 14 + 1) + be32(10) + "SCRAM-SHA-256\0\0"s;
        asio::co_spawn(ex, server.serve(sasl, "R"s + be32(8) + be32(0) + "Z" + be32(5) + "I"), asio::detached);
        pg::connection conn(ex);
        pg::diagnostics diag;
        auto p = scram_params();
        p.hosts = {pg::host_spec{"127.0.0.1", server.port(), {}}};
        auto [ec] = co_await conn.async_connect(p, diag, tok);
        EXPECT_EQ(ec, pg::client_errc::scram_server_signature_mismatch) << ec.message();
        EXPECT_FALSE(conn.is_open());
    }, 20s);
}
