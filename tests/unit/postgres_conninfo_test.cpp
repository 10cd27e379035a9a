// Connection strings (keyword/value and URI), PG* environment variables and defaults.

#include <cirrus/postgres/connect_params.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace pg = cirrus::postgres;
using namespace std::chrono_literals;

namespace {

// A fake environment, so the tests do not depend on the process's PG* variables.
pg::env_lookup env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

pg::connect_params parse_ok(std::string_view s, const pg::env_lookup& e = env()) {
    pg::connect_params p;
    pg::diagnostics diag;
    auto ec = pg::parse_connection_string(s, p, &diag, e);
    EXPECT_FALSE(ec) << s << ": " << diag.message;
    return p;
}

std::string parse_error(std::string_view s, const pg::env_lookup& e = env()) {
    pg::connect_params p;
    pg::diagnostics diag;
    auto ec = pg::parse_connection_string(s, p, &diag, e);
    EXPECT_EQ(ec, pg::client_errc::invalid_connection_string) << s;
    return diag.message;
}

} // namespace

TEST(PostgresConninfo, KeywordValue) {
    auto p = parse_ok("host=db.example.com port=6543 user=app password=s3cret dbname=appdb "
                      "application_name=worker sslmode=verify-full sslrootcert=/etc/ca.pem connect_timeout=10 "
                      "options='-c search_path=app' channel_binding=require");
    ASSERT_EQ(p.hosts.size(), 1u);
    EXPECT_EQ(p.hosts[0].host, "db.example.com");
    EXPECT_EQ(p.hosts[0].port, 6543);
    EXPECT_EQ(p.user, "app");
    EXPECT_EQ(p.password, "s3cret");
    EXPECT_EQ(p.database, "appdb");
    EXPECT_EQ(p.application_name, "worker");
    EXPECT_EQ(p.ssl, pg::ssl_mode::verify_full);
    EXPECT_EQ(p.ssl_root_cert, "/etc/ca.pem");
    EXPECT_EQ(p.connect_timeout, 10s);
    EXPECT_EQ(p.options, "-c search_path=app");
    EXPECT_EQ(p.channel_binding, pg::channel_binding_mode::require);
}

TEST(PostgresConninfo, QuotingEscapesAndSpacing) {
    auto p = parse_ok("  user = 'o\\'brien'   password='a b\\\\c'\tdbname=x\\ y  ");
    EXPECT_EQ(p.user, "o'brien");
    EXPECT_EQ(p.password, "a b\\c");
    EXPECT_EQ(p.database, "x y");
    EXPECT_EQ(parse_ok("password=''").password, "");
    EXPECT_NE(parse_error("user='unterminated").find("unterminated"), std::string::npos);
    EXPECT_NE(parse_error("user").find("="), std::string::npos);
    EXPECT_NE(parse_error("=x").find("empty"), std::string::npos);
}

TEST(PostgresConninfo, LastValueWinsAndUnknownKeywordsFail) {
    EXPECT_EQ(parse_ok("user=a user=b").user, "b");
    EXPECT_NE(parse_error("user=a colour=blue").find("colour"), std::string::npos);
    EXPECT_NE(parse_error("sslmode=sometimes").find("sslmode"), std::string::npos);
    parse_error("port=abc");
    parse_error("port=0");
    parse_error("port=70000");
    parse_error("connect_timeout=-1");
    parse_error("client_encoding=LATIN1");
    parse_error("target_session_attrs=read-write");
    parse_error("gssencmode=require");
    parse_error("sslnegotiation=direct");
    parse_error("sslmode=disable channel_binding=require");
    EXPECT_EQ(parse_ok("target_session_attrs=any gssencmode=disable sslnegotiation=postgres").ssl, pg::ssl_mode::prefer);
}

TEST(PostgresConninfo, UriBasics) {
    auto p = parse_ok("postgresql://app:s%40cret@db.example.com:6543/app%20db?sslmode=require&application_name=my%20app");
    ASSERT_EQ(p.hosts.size(), 1u);
    EXPECT_EQ(p.hosts[0].host, "db.example.com");
    EXPECT_EQ(p.hosts[0].port, 6543);
    EXPECT_EQ(p.user, "app");
    EXPECT_EQ(p.password, "s@cret");
    EXPECT_EQ(p.database, "app db");
    EXPECT_EQ(p.ssl, pg::ssl_mode::require);
    EXPECT_EQ(p.application_name, "my app");
    auto q = parse_ok("postgres://localhost");
    EXPECT_EQ(q.hosts[0].host, "localhost");
    EXPECT_EQ(q.hosts[0].port, 5432);
}

TEST(PostgresConninfo, UriHostsSocketsAndIpv6) {
    auto p = parse_ok("postgresql://%2Fvar%2Frun%2Fpostgresql:5433/db");
    EXPECT_EQ(p.hosts[0].host, "/var/run/postgresql");
    EXPECT_EQ(p.hosts[0].port, 5433);
    EXPECT_TRUE(p.is_unix_socket(p.hosts[0]));
    auto q = parse_ok("postgresql:///db?host=/tmp&port=5555");
    EXPECT_EQ(q.hosts[0].host, "/tmp");
    EXPECT_EQ(q.hosts[0].port, 5555);
    EXPECT_EQ(q.database, "db");
    auto v6 = parse_ok("postgresql://[::1]:5434,[2001:db8::2]/db");
    ASSERT_EQ(v6.hosts.size(), 2u);
    EXPECT_EQ(v6.hosts[0].host, "::1");
    EXPECT_EQ(v6.hosts[0].port, 5434);
    EXPECT_EQ(v6.hosts[1].host, "2001:db8::2");
    EXPECT_EQ(v6.hosts[1].port, 5432);
    auto multi = parse_ok("postgresql://h1:1111,h2:2222,h3:3333/db");
    ASSERT_EQ(multi.hosts.size(), 3u);
    EXPECT_EQ(multi.hosts[2].host, "h3");
    EXPECT_EQ(multi.hosts[2].port, 3333);
    auto portless = parse_ok("postgresql://:6000/db");
    EXPECT_EQ(portless.hosts[0].host, "localhost");
    EXPECT_EQ(portless.hosts[0].port, 6000);
    parse_error("postgresql://[::1/db");
    parse_error("postgresql://h1:1x/db");
}

TEST(PostgresConninfo, UriPercentDecodingAndParameters) {
    auto p = parse_ok("postgresql://us%65r:p%3Aw%2F%3F@host/d%62?options=-c%20x%3Dy&ssl=true");
    EXPECT_EQ(p.user, "user");
    EXPECT_EQ(p.password, "p:w/?");
    EXPECT_EQ(p.database, "db");
    EXPECT_EQ(p.options, "-c x=y");
    EXPECT_EQ(p.ssl, pg::ssl_mode::require);
    parse_error("postgresql://host/db%zz");
    parse_error("postgresql://host/db%00");
    parse_error("postgresql://host/db?sslmode");
    parse_error("postgresql://host/db?nosuch=1");
    // The password of a URI never shows up in an error message.
    auto msg = parse_error("postgresql://u:topsecret@host/db?colour=1");
    EXPECT_EQ(msg.find("topsecret"), std::string::npos);
}

TEST(PostgresConninfo, MultipleHostsKeywordForm) {
    auto p = parse_ok("host=a,b,/sock port=1,2,3");
    ASSERT_EQ(p.hosts.size(), 3u);
    EXPECT_EQ(p.hosts[1].host, "b");
    EXPECT_EQ(p.hosts[1].port, 2);
    EXPECT_TRUE(p.is_unix_socket(p.hosts[2]));
    auto one_port = parse_ok("host=a,b port=7");
    EXPECT_EQ(one_port.hosts[1].port, 7);
    EXPECT_NE(parse_error("host=a,b port=1,2,3").find("ports"), std::string::npos);
    auto addr = parse_ok("host=db.internal hostaddr=10.1.2.3");
    EXPECT_EQ(addr.hosts[0].host, "db.internal");
    EXPECT_EQ(addr.hosts[0].hostaddr, "10.1.2.3");
}

TEST(PostgresConninfo, EnvironmentFillsTheGaps) {
    auto e = env({{"PGHOST", "envhost"}, {"PGPORT", "7777"}, {"PGUSER", "envuser"}, {"PGPASSWORD", "envpw"},
                  {"PGDATABASE", "envdb"}, {"PGSSLMODE", "verify-ca"}, {"PGSSLROOTCERT", "/ca.pem"},
                  {"PGAPPNAME", "envapp"}, {"PGCONNECT_TIMEOUT", "3"}, {"PGOPTIONS", "-c a=b"}});
    auto p = parse_ok("", e);
    EXPECT_EQ(p.hosts[0].host, "envhost");
    EXPECT_EQ(p.hosts[0].port, 7777);
    EXPECT_EQ(p.user, "envuser");
    EXPECT_EQ(p.password, "envpw");
    EXPECT_EQ(p.database, "envdb");
    EXPECT_EQ(p.ssl, pg::ssl_mode::verify_ca);
    EXPECT_EQ(p.ssl_root_cert, "/ca.pem");
    EXPECT_EQ(p.application_name, "envapp");
    EXPECT_EQ(p.connect_timeout, 3s);
    EXPECT_EQ(p.options, "-c a=b");
    // The string wins over the environment.
    auto q = parse_ok("host=strhost user=struser sslmode=disable", e);
    EXPECT_EQ(q.hosts[0].host, "strhost");
    EXPECT_EQ(q.hosts[0].port, 7777);
    EXPECT_EQ(q.user, "struser");
    EXPECT_EQ(q.database, "envdb");
    EXPECT_EQ(q.ssl, pg::ssl_mode::disable);
    // An empty value in the string means "default", which the environment provides.
    EXPECT_EQ(parse_ok("host=", e).hosts[0].host, "envhost");
    EXPECT_EQ(parse_ok("postgresql://", e).user, "envuser");
    auto bad = env({{"PGSSLMODE", "bogus"}});
    parse_error("", bad);
}

TEST(PostgresConninfo, Defaults) {
    auto p = parse_ok("");
    ASSERT_EQ(p.hosts.size(), 1u);
    EXPECT_EQ(p.hosts[0].host, "localhost");
    EXPECT_EQ(p.hosts[0].port, 5432);
    EXPECT_FALSE(p.user.empty()); // the OS user
    EXPECT_EQ(p.database, p.user);
    EXPECT_EQ(p.ssl, pg::ssl_mode::prefer);
    EXPECT_EQ(p.channel_binding, pg::channel_binding_mode::prefer);
    EXPECT_EQ(p.connect_timeout, 0s);
    EXPECT_FALSE(p.allow_cleartext_password);
    EXPECT_EQ(parse_ok("connect_timeout=1").connect_timeout, 2s); // libpq's minimum
    EXPECT_TRUE(parse_ok("allow_cleartext_password=1").allow_cleartext_password);
    EXPECT_EQ(parse_ok("sslmode=allow").ssl, pg::ssl_mode::allow);
    auto r = pg::parse_connection_string("host=x", env());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hosts[0].host, "x");
    EXPECT_FALSE(pg::parse_connection_string("nope", env()));
}
