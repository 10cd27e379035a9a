// Connection strings (keyword/value and URI), PG* environment variables and defaults,
// password files and connection service files.

#include "support/temp_dir.hpp"

#include <cirrus/postgres/connect_params.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

TEST(PostgresConninfo, PasswordFragmentsNeverInErrors) {
    struct leak {
        std::string conninfo;
        std::vector<std::string> fragments; // must not be in the message
        std::string hint;                   // must be
    };
    const std::vector<leak> leaks{
        // An unencoded '/' in the URI password: libpq reads "s3cr" as the port.
        {"postgresql://app:s3cr/et@db/app", {"s3cr", "et@db"}, "percent-encode"},
        // An unencoded '?' cuts the password the same way.
        {"postgresql://app:s3cr?et@db/app", {"s3cr", "et@db"}, "percent-encoded"},
        // A password with a space, unquoted: "secret" is read as a keyword.
        {"password=my secret=part", {"secret", "part"}, "quoted"},
        {"postgresql://db/app?password=my&secret=part", {"secret", "part"}, "quoted"},
    };
    for (const auto& l : leaks) {
        auto message = parse_error(l.conninfo);
        for (const auto& f : l.fragments) EXPECT_EQ(message.find(f), std::string::npos) << l.conninfo << ": " << message;
        EXPECT_NE(message.find(l.hint), std::string::npos) << l.conninfo << ": " << message;
    }
    // Other unknown keywords are still named, and a good URI port still works.
    EXPECT_NE(parse_error("password=x user=y colour=blue").find("colour"), std::string::npos);
    EXPECT_NE(parse_error("postgresql://db:54x32/app").find("port"), std::string::npos);
    EXPECT_EQ(parse_ok("postgresql://app:p%2Fw%3F@db:6543/app").password, "p/w?");
    EXPECT_EQ(parse_ok("postgresql://app:p%2Fw%3F@db:6543/app").hosts[0].port, 6543);
}

TEST(PostgresConninfo, RequireAuthInEveryForm) {
    EXPECT_EQ(parse_ok("require_auth=scram-sha-256").require_auth, "scram-sha-256");
    EXPECT_EQ(parse_ok("postgresql://db/app?require_auth=md5,scram-sha-256").require_auth, "md5,scram-sha-256");
    EXPECT_EQ(parse_ok("postgresql://db/app?require_auth=%21password%2C%21md5").require_auth, "!password,!md5");
    EXPECT_EQ(parse_ok("", env({{"PGREQUIREAUTH", "!none"}})).require_auth, "!none");
    EXPECT_EQ(parse_ok("require_auth=none", env({{"PGREQUIREAUTH", "md5"}})).require_auth, "none");
    parse_ok("require_auth=password,md5,scram-sha-256,gss,sspi,none");

    // libpq 16's refusals, in its words.
    EXPECT_EQ(parse_error("require_auth=kerberos"), "invalid require_auth method: \"kerberos\"");
    EXPECT_EQ(parse_error("require_auth=md5,"), "invalid require_auth method: \"\"");
    EXPECT_EQ(parse_error("require_auth=md5,!password"),
              "negative require_auth method \"!password\" cannot be mixed with non-negative methods");
    EXPECT_EQ(parse_error("require_auth=!md5,password"),
              "require_auth method \"password\" cannot be mixed with negative methods");
    EXPECT_EQ(parse_error("require_auth=md5,md5"), "require_auth method \"md5\" is specified more than once");
    parse_error("", env({{"PGREQUIREAUTH", "bogus"}}));
    // channel_binding=require is SCRAM-SHA-256-PLUS: a require_auth without SCRAM never connects.
    EXPECT_NE(parse_error("channel_binding=require require_auth=md5").find("scram-sha-256"), std::string::npos);
    EXPECT_FALSE(parse_ok("channel_binding=require require_auth=scram-sha-256").require_auth.empty());
    parse_error("channel_binding=require require_auth=!scram-sha-256");

    unsigned allowed = 0;
    std::string why;
    ASSERT_TRUE(pg::detail::parse_require_auth("!password,!md5", allowed, why));
    EXPECT_EQ(allowed, pg::detail::auth_methods::all & ~(pg::detail::auth_methods::password | pg::detail::auth_methods::md5));
    ASSERT_TRUE(pg::detail::parse_require_auth("", allowed, why));
    EXPECT_EQ(allowed, pg::detail::auth_methods::all);
}

TEST(PostgresConninfo, ChannelBindingInEveryForm) {
    EXPECT_EQ(parse_ok("").channel_binding, pg::channel_binding_mode::prefer);
    EXPECT_EQ(parse_ok("channel_binding=require").channel_binding, pg::channel_binding_mode::require);
    EXPECT_EQ(parse_ok("channel_binding=disable").channel_binding, pg::channel_binding_mode::disable);
    EXPECT_EQ(parse_ok("postgresql://db/app?channel_binding=require").channel_binding,
              pg::channel_binding_mode::require);
    EXPECT_EQ(parse_ok("", env({{"PGCHANNELBINDING", "disable"}})).channel_binding, pg::channel_binding_mode::disable);
    EXPECT_EQ(parse_ok("channel_binding=prefer", env({{"PGCHANNELBINDING", "require"}})).channel_binding,
              pg::channel_binding_mode::prefer);
    parse_error("channel_binding=always");
    parse_error("postgresql://db/app?sslmode=disable&channel_binding=require");
}

TEST(PostgresConninfo, ScramIterationLimitAndConnectTimeout) {
    EXPECT_EQ(parse_ok("scram_max_iterations=600000").scram_max_iterations, 600'000u);
    EXPECT_EQ(parse_ok("postgresql://db/app?scram_max_iterations=4096").scram_max_iterations, 4096u);
    parse_error("scram_max_iterations=0");
    parse_error("scram_max_iterations=-1");
    parse_error("scram_max_iterations=99999999999");
    // A bounded connect by default; libpq's explicit 0 still waits forever.
    EXPECT_EQ(pg::connect_params{}.connect_timeout, 30s);
    EXPECT_EQ(parse_ok("host=x").connect_timeout, 30s);
    EXPECT_EQ(parse_ok("connect_timeout=0").connect_timeout, 0s);
    EXPECT_EQ(parse_ok("", env({{"PGCONNECT_TIMEOUT", "0"}})).connect_timeout, 0s);
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
    EXPECT_EQ(p.connect_timeout, 30s);
    EXPECT_FALSE(p.allow_cleartext_password);
    EXPECT_TRUE(p.require_auth.empty());
    EXPECT_EQ(p.scram_max_iterations, 100'000u);
    EXPECT_EQ(parse_ok("connect_timeout=1").connect_timeout, 2s); // libpq's minimum
    EXPECT_TRUE(parse_ok("allow_cleartext_password=1").allow_cleartext_password);
    EXPECT_EQ(parse_ok("sslmode=allow").ssl, pg::ssl_mode::allow);
    auto r = pg::parse_connection_string("host=x", env());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hosts[0].host, "x");
    EXPECT_FALSE(pg::parse_connection_string("nope", env()));
}

// --- password file -----------------------------------------------------------------------

namespace {

using temp_dir = cirrus::test::temp_dir;

std::optional<std::string> match(std::string_view contents, std::string_view host, std::string_view port = "5432",
                                 std::string_view db = "db", std::string_view user = "app") {
    return pg::match_password_file(contents, host, port, db, user);
}

} // namespace

TEST(PostgresPassfile, FieldsWildcardsCommentsAndFirstMatch) {
    const std::string file = "# hostname:port:database:username:password\n"
                             "\n"
                             "other:5432:db:app:wrong-host\n"
                             "db.example.com:6000:db:app:wrong-port\n"
                             "db.example.com:5432:*:app:first\n"
                             "*:*:*:*:fallback\n";
    EXPECT_EQ(match(file, "db.example.com"), "first");
    EXPECT_EQ(match(file, "db.example.com", "6000"), "wrong-port");
    EXPECT_EQ(match(file, "elsewhere"), "fallback");
    EXPECT_EQ(match("*:*:*:*:pw", "h", "1", "", "app"), std::nullopt); // no database: no lookup
    EXPECT_EQ(match("*:*:*:*:pw", "h", "1", "db", ""), std::nullopt);  // no user: no lookup
    EXPECT_EQ(match("h:5432:db:app:\n", "h"), "");                     // an empty password
    EXPECT_EQ(match("h:5432:db:app\n", "h"), std::nullopt);            // too few fields
    EXPECT_EQ(match("#h:5432:db:app:commented\n", "h"), std::nullopt);
    EXPECT_EQ(match("h:5432:db:app:crlf\r\n", "h"), "crlf");
    EXPECT_EQ(match("h:5432:db:app:no-newline", "h"), "no-newline");
    EXPECT_EQ(match("h:5432:db:app:pw:ignored:fields", "h"), "pw");
    EXPECT_EQ(match(" h:5432:db:app:x\n", "h"), std::nullopt);         // no trimming, as in libpq
    EXPECT_EQ(match("H:5432:db:app:x\n", "h"), std::nullopt);          // case-sensitive
    EXPECT_EQ(match("h*:5432:db:app:x\n", "h"), std::nullopt);         // '*' only as a whole field
    EXPECT_EQ(match("\\*:5432:db:app:star\n", "*"), "star");
}

TEST(PostgresPassfile, Escapes) {
    // "\:" and "\\" in the fields and in the password.
    EXPECT_EQ(match("h:5432:my\\:db:o\\\\brien:p\\:w\\\\d\n", "h", "5432", "my:db", "o\\brien"), "p:w\\d");
    EXPECT_EQ(match("h:5432:my\\:db:app:x\n", "h", "5432", "my"), std::nullopt);
    // A backslash before an ordinary character stands for that character.
    EXPECT_EQ(match("\\h:5432:db:app:\\x\n", "h"), "x");
    // IPv6 addresses match escaped, and (as in libpq) unescaped too.
    EXPECT_EQ(match("\\:\\:1:5432:db:app:v6\n", "::1"), "v6");
    EXPECT_EQ(match("::1:5432:db:app:v6\n", "::1"), "v6");
    // A trailing backslash escapes nothing.
    EXPECT_EQ(match("h:5432:db:app:pw\\", "h"), "pw\\");
}

TEST(PostgresPassfile, HostNameUsedForTheLookup) {
    EXPECT_EQ(pg::passfile_host({"db.example.com", 5432, {}}), "db.example.com");
    EXPECT_EQ(pg::passfile_host({"db.example.com", 5432, "10.0.0.1"}), "db.example.com");
    EXPECT_EQ(pg::passfile_host({"", 5432, "10.0.0.1"}), "10.0.0.1");
    EXPECT_EQ(pg::passfile_host({"", 5432, {}}), "localhost");
    // A Unix socket directory matches literally; libpq's default socket directories match
    // entries for "localhost".
    EXPECT_EQ(pg::passfile_host({"/srv/pg/sockets", 5432, {}}), "/srv/pg/sockets");
    EXPECT_EQ(pg::passfile_host({"/var/run/postgresql", 5432, {}}), "localhost");
    EXPECT_EQ(pg::passfile_host({"/tmp", 5432, {}}), "localhost");
    EXPECT_EQ(match("/srv/pg/sockets:5432:db:app:sock\n", pg::passfile_host({"/srv/pg/sockets", 5432, {}})), "sock");
    EXPECT_EQ(match("localhost:5432:db:app:local\n", pg::passfile_host({"/var/run/postgresql", 5432, {}})), "local");
}

TEST(PostgresPassfile, FilePermissionsAndKinds) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("pgpass", "h:5432:db:app:s3cret-from-file\n", 0600);
    auto r = pg::read_password_file(file, "h", 5432, "db", "app");
    EXPECT_EQ(r.status, pg::passfile_status::found);
    EXPECT_EQ(r.password, "s3cret-from-file");
    EXPECT_TRUE(r.warning.empty());
    EXPECT_EQ(pg::read_password_file(file, "h", 5433, "db", "app").status, pg::passfile_status::no_match);
    EXPECT_EQ(pg::read_password_file(file, "h", 5432, "db", "").status, pg::passfile_status::missing);
    ASSERT_EQ(::chmod(file.c_str(), 0400), 0);
    EXPECT_EQ(pg::read_password_file(file, "h", 5432, "db", "app").status, pg::passfile_status::found);

    // Any access for group or others: ignored, with libpq's warning (and never the password).
    for (::mode_t mode : {0644, 0640, 0604, 0620, 0610, 0601}) {
        ASSERT_EQ(::chmod(file.c_str(), mode), 0);
        auto bad = pg::read_password_file(file, "h", 5432, "db", "app");
        EXPECT_EQ(bad.status, pg::passfile_status::insecure) << std::oct << mode;
        EXPECT_TRUE(bad.password.empty());
        EXPECT_NE(bad.warning.find("\"" + file + "\" has group or world access"), std::string::npos) << bad.warning;
        EXPECT_NE(bad.warning.find("0600"), std::string::npos);
        EXPECT_EQ(bad.warning.find("s3cret"), std::string::npos);
    }

    auto not_file = pg::read_password_file(dir.path, "h", 5432, "db", "app");
    EXPECT_EQ(not_file.status, pg::passfile_status::not_regular_file);
    EXPECT_NE(not_file.warning.find("not a plain file"), std::string::npos);
    auto fifo = dir.path + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(pg::read_password_file(fifo, "h", 5432, "db", "app").status, pg::passfile_status::not_regular_file);
    EXPECT_EQ(pg::read_password_file(dir.path + "/absent", "h", 5432, "db", "app").status,
              pg::passfile_status::missing);
}

TEST(PostgresPassfile, ConnectionStringNamesTheFile) {
    EXPECT_EQ(parse_ok("passfile=/etc/app/pgpass").passfile, "/etc/app/pgpass");
    EXPECT_EQ(parse_ok("", env({{"PGPASSFILE", "/env/pgpass"}})).passfile, "/env/pgpass");
    EXPECT_EQ(parse_ok("passfile=/str", env({{"PGPASSFILE", "/env/pgpass"}})).passfile, "/str");
    EXPECT_EQ(parse_ok("", env({{"HOME", "/home/someone"}})).passfile, "/home/someone/.pgpass");
    EXPECT_EQ(parse_ok("postgresql://h/db?passfile=%2Fa%2Fb").passfile, "/a/b");
    EXPECT_EQ(pg::default_passfile(env({{"HOME", "/h"}})), "/h/.pgpass");
    EXPECT_FALSE(pg::default_passfile(env()).empty()); // from the password database
    // The file is read when connecting, not when parsing.
    auto p = parse_ok("passfile=/nonexistent/pgpass host=h");
    EXPECT_TRUE(p.password.empty());
    EXPECT_TRUE(pg::connect_params{}.passfile.empty());
}

// --- connection service file -------------------------------------------------------------

namespace {

cirrus::error_code parse_code(std::string_view s, const pg::env_lookup& e, std::string& message) {
    pg::connect_params p;
    pg::diagnostics diag;
    auto ec = pg::parse_connection_string(s, p, &diag, e);
    message = diag.message;
    return ec;
}

} // namespace

TEST(PostgresService, SectionsAndPrecedence) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("services.conf",
                          "# connection services\n"
                          "[other]\n"
                          "host=other.example.com\n"
                          "\n"
                          "  [reporting]   \n"
                          "\thost=reports.example.com  \n"
                          "port=6543\n"
                          "dbname=reports\n"
                          "user=reporter\n"
                          "# a comment inside the section\n"
                          "sslmode=verify-full\n"
                          "application_name=a=b c\n"
                          "port=1111\n" // the first occurrence wins
                          "[reporting-old]\n"
                          "host=old.example.com\n"
                          "[last]\n"
                          "dbname=last\n");
    auto e = env({{"PGSERVICEFILE", file}, {"PGUSER", "envuser"}, {"PGDATABASE", "envdb"},
                  {"PGAPPNAME", "envapp"}, {"PGCONNECT_TIMEOUT", "7"}});
    auto p = parse_ok("service=reporting", e);
    ASSERT_EQ(p.hosts.size(), 1u);
    EXPECT_EQ(p.hosts[0].host, "reports.example.com");
    EXPECT_EQ(p.hosts[0].port, 6543);
    EXPECT_EQ(p.database, "reports");           // the service wins over the environment
    EXPECT_EQ(p.user, "reporter");
    EXPECT_EQ(p.ssl, pg::ssl_mode::verify_full);
    EXPECT_EQ(p.application_name, "a=b c");     // the value is everything after the first '='
    EXPECT_EQ(p.connect_timeout, 7s);           // what the service leaves out: the environment

    // The connection string wins over the service.
    auto q = parse_ok("service=reporting dbname=mine port=7000", e);
    EXPECT_EQ(q.database, "mine");
    EXPECT_EQ(q.hosts[0].port, 7000);
    EXPECT_EQ(q.hosts[0].host, "reports.example.com");
    EXPECT_EQ(q.user, "reporter");

    // PGSERVICE names the service when the string does not; URIs take it as a parameter.
    auto by_env = env({{"PGSERVICEFILE", file}, {"PGSERVICE", "last"}});
    EXPECT_EQ(parse_ok("user=u", by_env).database, "last");
    EXPECT_EQ(parse_ok("service=other user=u", by_env).hosts[0].host, "other.example.com");
    auto uri = parse_ok("postgresql:///?service=reporting&dbname=x", e);
    EXPECT_EQ(uri.hosts[0].host, "reports.example.com");
    EXPECT_EQ(uri.database, "x");
    // "[reporting-old]" is not "[reporting]", nor the other way round.
    EXPECT_EQ(parse_ok("service=reporting-old", e).hosts[0].host, "old.example.com");
}

TEST(PostgresService, UserFileThenSystemFile) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    std::filesystem::create_directories(dir.path + "/home");
    std::filesystem::create_directories(dir.path + "/etc");
    dir.write("home/.pg_service.conf", "[mine]\nhost=mine.example.com\n[both]\nhost=user-wins\n");
    dir.write("etc/pg_service.conf", "[shared]\nhost=shared.example.com\n[both]\nhost=system\n", 0644);
    auto e = env({{"HOME", dir.path + "/home"}, {"PGSYSCONFDIR", dir.path + "/etc"}});
    EXPECT_EQ(parse_ok("service=mine", e).hosts[0].host, "mine.example.com");
    EXPECT_EQ(parse_ok("service=shared", e).hosts[0].host, "shared.example.com");
    EXPECT_EQ(parse_ok("service=both", e).hosts[0].host, "user-wins");
    // Without ~/.pg_service.conf only the system file is searched.
    auto no_home = env({{"HOME", dir.path + "/nowhere"}, {"PGSYSCONFDIR", dir.path + "/etc"}});
    EXPECT_EQ(parse_ok("service=both", no_home).hosts[0].host, "system");
    // PGSERVICEFILE replaces ~/.pg_service.conf.
    auto f = dir.write("alt.conf", "[mine]\nhost=alt.example.com\n");
    auto alt = env({{"HOME", dir.path + "/home"}, {"PGSERVICEFILE", f}, {"PGSYSCONFDIR", dir.path + "/etc"}});
    EXPECT_EQ(parse_ok("service=mine", alt).hosts[0].host, "alt.example.com");
    EXPECT_EQ(parse_ok("service=shared", alt).hosts[0].host, "shared.example.com");
}

TEST(PostgresService, ErrorsAreTypedAndNeverShowValues) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("svc.conf", "[ok]\nhost=h\n"
                                      "[no-equals]\npassword=hunter2-secret\nhost h\n"
                                      "[unknown-key]\npassword=hunter2-secret\ncolour=blue\n"
                                      "[spaced-key]\nhost = h\n"
                                      "[nested]\nservice=ok\n"
                                      "[bad-value]\npassword=hunter2-secret\nsslmode=sometimes\n");
    auto e = env({{"PGSERVICEFILE", file}, {"HOME", dir.path}});
    std::string msg;
    EXPECT_EQ(parse_code("service=absent", e, msg), pg::client_errc::service_not_found);
    EXPECT_NE(msg.find("definition of service \"absent\" not found"), std::string::npos) << msg;
    EXPECT_EQ(parse_code("", env({{"PGSERVICEFILE", file}, {"PGSERVICE", "absent"}}), msg),
              pg::client_errc::service_not_found);

    EXPECT_EQ(parse_code("service=no-equals", e, msg), pg::client_errc::invalid_service_file);
    EXPECT_NE(msg.find("syntax error in service file \"" + file + "\", line 5"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos);
    EXPECT_EQ(parse_code("service=unknown-key", e, msg), pg::client_errc::invalid_service_file);
    EXPECT_NE(msg.find("line 8"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos);
    EXPECT_EQ(parse_code("service=spaced-key", e, msg), pg::client_errc::invalid_service_file);
    EXPECT_EQ(parse_code("service=nested", e, msg), pg::client_errc::invalid_service_file);
    EXPECT_NE(msg.find("nested service"), std::string::npos) << msg;
    EXPECT_EQ(parse_code("service=bad-value", e, msg), pg::client_errc::invalid_connection_string);
    EXPECT_EQ(msg.find("hunter2"), std::string::npos);
    // An error in another section does not matter.
    EXPECT_EQ(parse_ok("service=ok", e).hosts[0].host, "h");

    // A PGSERVICEFILE that does not exist is an error (a missing ~/.pg_service.conf is not).
    EXPECT_EQ(parse_code("service=ok", env({{"PGSERVICEFILE", dir.path + "/absent.conf"}}), msg),
              pg::client_errc::invalid_service_file);
    EXPECT_NE(msg.find("not found"), std::string::npos);
    EXPECT_EQ(parse_code("service=ok", env({{"HOME", dir.path + "/absent"}}), msg), pg::client_errc::service_not_found);
}

TEST(PostgresService, PasswordAndPassfileFromTheService) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto file = dir.write("svc.conf", "[app]\nhost=h\nuser=app\npassword=from-service\n"
                                      "[nopw]\nhost=h\npassfile=/svc/pgpass\n");
    auto e = env({{"PGSERVICEFILE", file}, {"PGPASSWORD", "from-env"}});
    EXPECT_EQ(parse_ok("service=app", e).password, "from-service");
    EXPECT_EQ(parse_ok("service=app password=from-string", e).password, "from-string");
    auto nopw = parse_ok("service=nopw", env({{"PGSERVICEFILE", file}}));
    EXPECT_TRUE(nopw.password.empty());
    EXPECT_EQ(nopw.passfile, "/svc/pgpass");
}
