#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/profile_file.hpp>
#include <cirrus/auth/provider.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace auth = cirrus::auth;
using cirrus::diagnostics;
using cirrus::errc;
using namespace std::chrono_literals;

namespace {

const auth::time_point now = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;

constexpr const char* secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
constexpr const char* token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

// Every variable the providers read; each test starts with none of them set and HOME in
// a fresh temporary directory, so the machine's own ~/.aws never takes part.
const char* const environment_names[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
    "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "HOME", "USERPROFILE", "HOMEDRIVE",
    "HOMEPATH"};

class Environment : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : environment_names) {
            if (const char* v = std::getenv(name)) saved_[name] = v;
            ::unsetenv(name);
        }
        std::string pattern = (std::filesystem::temp_directory_path() / "cirrus-auth-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        ::setenv("HOME", dir_.c_str(), 1);
    }
    void TearDown() override {
        for (const char* name : environment_names) ::unsetenv(name);
        for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string write(const std::string& relative, const std::string& content) {
        const auto path = dir_ / relative;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }
    std::string path(const std::string& relative) const { return (dir_ / relative).string(); }

    std::filesystem::path dir_;

private:
    std::map<std::string, std::string> saved_;
};

// Parses a single file's text into a fresh set.
cirrus::error_code parse(auth::profile_set& set, const std::string& text,
                         auth::profile_file_kind kind = auth::profile_file_kind::config,
                         diagnostics* diag_out = nullptr) {
    diagnostics diag;
    auto ec = set.merge(text, kind, kind == auth::profile_file_kind::config ? "config" : "credentials", diag);
    if (diag_out) *diag_out = diag;
    return ec;
}

std::string value(const auth::profile_set& set, std::string_view profile, std::string_view key) {
    const auth::profile* p = set.find(profile);
    if (p == nullptr) return "<no profile>";
    auto v = p->get(key);
    return v ? std::string(*v) : "<unset>";
}

} // namespace

// ---------------------------------------------------------------------------------------
// credentials

TEST(Credentials, Expiry) {
    auth::credentials c{"AKID", secret, "", std::nullopt};
    EXPECT_FALSE(c.expired(now));
    EXPECT_FALSE(c.expired(now, 24h));
    EXPECT_FALSE(c.temporary());
    c.expiration = now + 10min;
    c.session_token = token;
    EXPECT_TRUE(c.temporary());
    EXPECT_FALSE(c.expired(now));
    EXPECT_FALSE(c.expired(now, 9min));
    EXPECT_TRUE(c.expired(now, 10min));
    EXPECT_TRUE(c.expired(now + 10min));
    EXPECT_TRUE(c.expired(now + 11min));
}

TEST(Credentials, PrintingShowsOnlyTheKeyId) {
    auth::credentials c{"AKIDEXAMPLE", secret, token, now};
    std::ostringstream os;
    os << c;
    EXPECT_EQ(os.str(), "credentials{access_key_id=AKIDEXAMPLE, secret_access_key=***, session_token=***, "
                        "expiration=2024-05-01T12:00:00Z}");
    EXPECT_EQ(os.str().find(secret), std::string::npos);
    EXPECT_EQ(os.str().find(token), std::string::npos);
    // GoogleTest prints values through operator<< as well.
    EXPECT_EQ(::testing::PrintToString(c).find(secret), std::string::npos);
}

TEST(Credentials, Iso8601) {
    using auth::detail::parse_iso8601;
    EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00Z"), now);
    EXPECT_EQ(parse_iso8601("2024-05-01t12:00:00z"), now);
    EXPECT_EQ(parse_iso8601("2024-05-01T14:30:00+02:30"), now);
    EXPECT_EQ(parse_iso8601("2024-05-01T07:00:00-0500"), now);
    EXPECT_EQ(parse_iso8601("2024-05-01T12:00:00.250Z"), now + 250ms);
    EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), std::chrono::sys_days{std::chrono::year{2024} / 2 / 29});
    EXPECT_FALSE(parse_iso8601(""));
    EXPECT_FALSE(parse_iso8601("2024-05-01T12:00:00"));  // no zone
    EXPECT_FALSE(parse_iso8601("2023-02-29T00:00:00Z")); // not a leap year
    EXPECT_FALSE(parse_iso8601("2024-13-01T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2024-05-01T24:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2024-05-01T12:00:00Zjunk"));
    EXPECT_FALSE(parse_iso8601("2024-05-01T12:00:00.Z"));
    EXPECT_FALSE(parse_iso8601("24-05-01T12:00:00Z"));
    EXPECT_FALSE(parse_iso8601("9999-12-31T23:59:59Z")); // beyond system_clock's range
    EXPECT_FALSE(parse_iso8601("0001-01-01T00:00:00Z"));
    EXPECT_EQ(auth::detail::format_iso8601(now + 999ms), "2024-05-01T12:00:00Z");
    EXPECT_EQ(auth::detail::format_iso8601(std::chrono::sys_days{std::chrono::year{1970} / 1 / 1}),
              "1970-01-01T00:00:00Z");
}

// ---------------------------------------------------------------------------------------
// static and environment providers

TEST(StaticProvider, ReturnsItsCredentials) {
    static_assert(auth::credentials_provider<auth::static_provider>);
    auth::static_provider p("AKID", secret, token);
    auto c = p.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "AKID");
    EXPECT_EQ(c->secret_access_key, secret);
    EXPECT_EQ(c->session_token, token);

    diagnostics diag;
    auto expired = auth::static_provider(auth::credentials{"AKID", secret, token, now - 1s}).get(now, diag);
    EXPECT_EQ(expired.error(), errc::expired_credentials);
    EXPECT_EQ(auth::static_provider("", "").get(now).error(), errc::missing_credentials);
}

using EnvironmentProvider = Environment;

TEST_F(EnvironmentProvider, MissingWhenUnset) {
    diagnostics diag;
    auto c = auth::environment_provider{}.get(now, diag);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::missing_credentials);
    EXPECT_NE(diag.message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST_F(EnvironmentProvider, ReadsKeysAndToken) {
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    auto c = auth::environment_provider{}.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "AKIDENV");
    EXPECT_EQ(c->secret_access_key, secret);
    EXPECT_EQ(c->session_token, "");
    EXPECT_FALSE(c->expiration);

    ::setenv("AWS_SESSION_TOKEN", token, 1);
    ::setenv("AWS_CREDENTIAL_EXPIRATION", "2024-05-01T13:00:00Z", 1);
    c = auth::environment_provider{}.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->session_token, token);
    EXPECT_EQ(c->expiration, now + 1h);
}

TEST_F(EnvironmentProvider, LegacyNames) {
    ::setenv("AWS_ACCESS_KEY", "AKIDLEGACY", 1);
    ::setenv("AWS_SECRET_KEY", secret, 1);
    ::setenv("AWS_SECURITY_TOKEN", token, 1);
    auto c = auth::environment_provider{}.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "AKIDLEGACY");
    EXPECT_EQ(c->secret_access_key, secret);
    EXPECT_EQ(c->session_token, token);
    // The current names win over the legacy ones.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDCURRENT", 1);
    EXPECT_EQ(auth::environment_provider{}.get(now)->access_key_id, "AKIDCURRENT");
}

TEST_F(EnvironmentProvider, EmptyValuesCountAsUnset) {
    ::setenv("AWS_ACCESS_KEY_ID", "", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "", 1);
    EXPECT_EQ(auth::environment_provider{}.get(now).error(), errc::missing_credentials);
}

TEST_F(EnvironmentProvider, PartialIsInvalidWithoutTheSecretInTheMessage) {
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    diagnostics diag;
    auto c = auth::environment_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);

    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    c = auth::environment_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
    EXPECT_EQ(diag.message.find(secret), std::string::npos);
}

TEST_F(EnvironmentProvider, Expiration) {
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    ::setenv("AWS_CREDENTIAL_EXPIRATION", "2024-05-01T11:59:59Z", 1);
    EXPECT_EQ(auth::environment_provider{}.get(now).error(), errc::expired_credentials);
    ::setenv("AWS_CREDENTIAL_EXPIRATION", "tomorrow", 1);
    diagnostics diag;
    EXPECT_EQ(auth::environment_provider{}.get(now, diag).error(), errc::invalid_config);
    EXPECT_NE(diag.message.find("AWS_CREDENTIAL_EXPIRATION"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// profile file syntax

TEST(ProfileFile, SectionsPropertiesAndTrimming) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[default]\nregion = us-east-1\n[profile foo]\nname \t=  \tvalue \t\nname2=val=ue\n"
                            "empty =\n[profile \tbar \t]\n[   profile baz    ]\nx = 1\n"));
    EXPECT_EQ(value(set, "default", "region"), "us-east-1");
    EXPECT_EQ(value(set, "foo", "name"), "value");
    EXPECT_EQ(value(set, "foo", "name2"), "val=ue");
    EXPECT_EQ(value(set, "foo", "empty"), "");
    EXPECT_NE(set.find("bar"), nullptr);
    EXPECT_EQ(value(set, "baz", "x"), "1");
    EXPECT_EQ(set.profiles().size(), 4u);
}

TEST(ProfileFile, Comments) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "# comment\n; comment\n  # indented comment\n[profile foo] # comment\n"
                            "a = value # comment with # sign\nb = value ; comment\nc = value#adjacent\n"
                            "d = value;adjacent\n[profile bar]; adjacent\n[profile baz]#adjacent\ne = x ;\n"));
    EXPECT_EQ(value(set, "foo", "a"), "value");
    EXPECT_EQ(value(set, "foo", "b"), "value");
    EXPECT_EQ(value(set, "foo", "c"), "value#adjacent");
    EXPECT_EQ(value(set, "foo", "d"), "value;adjacent");
    EXPECT_NE(set.find("bar"), nullptr);
    EXPECT_EQ(value(set, "baz", "e"), "x");
}

TEST(ProfileFile, LineEndingsAndByteOrderMark) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "\xEF\xBB\xBF[profile foo]\r\nname = value\r\n\r\n"));
    EXPECT_EQ(value(set, "foo", "name"), "value");
}

TEST(ProfileFile, ContinuationsAndSubProperties) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[profile foo]\nname = value\n -continued\n \t -and-continued \t\n"
                            "s3 =\n  max_concurrent_requests = 10\n\n  addressing_style = path\n"));
    EXPECT_EQ(value(set, "foo", "name"), "value\n-continued\n-and-continued");
    EXPECT_EQ(value(set, "foo", "s3"), "\nmax_concurrent_requests = 10\naddressing_style = path");
}

TEST(ProfileFile, KeysAreCaseInsensitiveNamesAreNot) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[profile foo]\nAWS_Access_Key_ID = AKID\nName = value\n[profile foo]\nname = value2\n"
                            "[profile Foo]\nname = other\n"));
    EXPECT_EQ(value(set, "foo", "aws_access_key_id"), "AKID");
    EXPECT_EQ(value(set, "foo", "AWS_ACCESS_KEY_ID"), "AKID");
    EXPECT_EQ(value(set, "foo", "name"), "value2"); // duplicate sections merge, the last value wins
    EXPECT_EQ(value(set, "Foo", "name"), "other");
}

TEST(ProfileFile, InvalidNamesAreIgnored) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[profile in valid]\nx = 1\n[profile foo!bar]\n[profile ok]\nin valid = 1\n"
                            "good-key = 2\n[profile some-thing:long/the_one%only.foo@bar+]\n"));
    EXPECT_EQ(set.find("in valid"), nullptr);
    EXPECT_EQ(set.find("foo!bar"), nullptr);
    ASSERT_NE(set.find("ok"), nullptr);
    EXPECT_EQ(set.find("ok")->properties().size(), 1u);
    EXPECT_EQ(value(set, "ok", "good-key"), "2");
    EXPECT_NE(set.find("some-thing:long/the_one%only.foo@bar+"), nullptr);
}

TEST(ProfileFile, ConfigFileSectionRules) {
    // [name] without the prefix is ignored in the config file, except [default].
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[foo]\nname = value\n[profilefoo]\n[default]\nregion = eu-west-1\n"
                            "[sso-session corp]\nsso_region = us-east-1\n"));
    EXPECT_EQ(set.find("foo"), nullptr);
    EXPECT_EQ(set.find("profilefoo"), nullptr);
    EXPECT_EQ(value(set, "default", "region"), "eu-west-1");
    EXPECT_EQ(set.find("corp"), nullptr);
    ASSERT_NE(set.find_sso_session("corp"), nullptr);
    EXPECT_EQ(set.find_sso_session("corp")->get("sso_region"), "us-east-1");
}

TEST(ProfileFile, PrefixedDefaultWinsOverPlainDefaultInConfig) {
    for (const char* text : {"[profile default]\nname = value\n[default]\nname2 = value2\n",
                             "[default]\nname2 = value2\n[profile default]\nname = value\n"}) {
        auth::profile_set set;
        ASSERT_FALSE(parse(set, text));
        EXPECT_EQ(value(set, "default", "name"), "value");
        EXPECT_EQ(value(set, "default", "name2"), "<unset>");
    }
}

TEST(ProfileFile, CredentialsFileSectionRules) {
    // [profile name] is ignored in the credentials file; [name] is the profile.
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[profile foo]\nname = value\n[bar]\nname = b\n[   baz  ]\nname = z\n[default]\nk = v\n",
                       auth::profile_file_kind::credentials));
    EXPECT_EQ(set.find("foo"), nullptr);
    EXPECT_EQ(set.find("profile foo"), nullptr);
    EXPECT_EQ(value(set, "bar", "name"), "b");
    EXPECT_EQ(value(set, "baz", "name"), "z");
    EXPECT_EQ(value(set, "default", "k"), "v");
}

TEST(ProfileFile, CredentialsFileOverridesConfigFile) {
    auth::profile_set set;
    ASSERT_FALSE(parse(set, "[profile foo]\nname = config\nregion = us-west-2\n"));
    ASSERT_FALSE(parse(set, "[foo]\nname = credentials\n", auth::profile_file_kind::credentials));
    EXPECT_EQ(value(set, "foo", "name"), "credentials");
    EXPECT_EQ(value(set, "foo", "region"), "us-west-2");
    EXPECT_EQ(set.find("foo")->find("name")->source, auth::profile_file_kind::credentials);
    EXPECT_EQ(set.find("foo")->find("region")->source, auth::profile_file_kind::config);
    EXPECT_EQ(set.find("foo")->find("region")->line, 3u);
}

TEST(ProfileFile, SyntaxErrorsNameTheFileAndLine) {
    const std::pair<const char*, const char*> cases[] = {
        {"[profile foo", "config:1: section header does not end with ']'"},
        {"name = value", "config:1: property before any section header"},
        {"\n[profile foo]\nkey : value", "config:3: expected '=' in a property"},
        {"[profile foo]\n= value", "config:2: property has no name"},
        {" -continued", "config:1: indented line before any section header"},
        {"[profile foo]\n -continued", "config:2: indented line does not continue a property"},
        {"[profile foo]\nname = value\n[profile foo]\n -continued", "config:4: indented line does not continue"},
        {"[profile foo]\ns3 =\n invalid", "config:3: expected '=' in a sub-property"},
        {"[profile foo]\ns3 =\n = value", "config:3: sub-property has no name"},
    };
    for (const auto& [text, message] : cases) {
        auth::profile_set set;
        diagnostics diag;
        EXPECT_EQ(parse(set, text, auth::profile_file_kind::config, &diag), errc::invalid_config) << text;
        EXPECT_EQ(diag.message.substr(0, std::string_view(message).size()), message) << text;
    }
}

// ---------------------------------------------------------------------------------------
// profile provider, reading real files

using ProfileProvider = Environment;

TEST_F(ProfileProvider, DefaultProfileFromTheHomeDirectory) {
    write(".aws/credentials", "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = " +
                                  std::string(secret) + "\naws_session_token = " + token + "\n");
    auto c = auth::profile_provider{}.get(now);
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
    EXPECT_EQ(c->secret_access_key, secret);
    EXPECT_EQ(c->session_token, token);
}

TEST_F(ProfileProvider, NamedProfileFromAwsProfile) {
    write(".aws/credentials", "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
                              "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = s2\n");
    ::setenv("AWS_PROFILE", "work", 1);
    auto c = auth::profile_provider{}.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "AKIDWORK");
    EXPECT_EQ(c->secret_access_key, "s2");
}

TEST_F(ProfileProvider, FileLocationsFromTheEnvironment) {
    const auto creds = write("elsewhere/creds", "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = s\n");
    const auto config = write("elsewhere/conf", "[profile other]\naws_access_key_id = AKIDCONF\n"
                                                "aws_secret_access_key = s\n");
    write(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = s\n");
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", creds.c_str(), 1);
    ::setenv("AWS_CONFIG_FILE", config.c_str(), 1);
    EXPECT_EQ(auth::profile_provider{}.get(now)->access_key_id, "AKIDCREDS");
    ::setenv("AWS_PROFILE", "other", 1);
    EXPECT_EQ(auth::profile_provider{}.get(now)->access_key_id, "AKIDCONF");
    // "~" in a configured path is the home directory.
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", 1);
    ::setenv("AWS_PROFILE", "default", 1);
    EXPECT_EQ(auth::profile_provider{}.get(now)->access_key_id, "AKIDHOME");
}

TEST_F(ProfileProvider, ExplicitLocations) {
    const auto creds = write("x/creds", "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = s\n");
    auth::profile_provider provider(auth::profile_file_locations{"", creds, "ci"});
    EXPECT_EQ(provider.get(now)->access_key_id, "AKIDCI");
}

TEST_F(ProfileProvider, ProfilePrefixRulesInEachFile) {
    // Config file: [profile x] holds the profile, [x] is ignored.
    write(".aws/config", "[profile a]\naws_access_key_id = AKIDA\naws_secret_access_key = s\n"
                         "[b]\naws_access_key_id = AKIDB\naws_secret_access_key = s\n");
    // Credentials file: [x] holds the profile, [profile x] is ignored.
    write(".aws/credentials", "[c]\naws_access_key_id = AKIDC\naws_secret_access_key = s\n"
                              "[profile d]\naws_access_key_id = AKIDD\naws_secret_access_key = s\n");
    auto get = [&](const char* name) {
        ::setenv("AWS_PROFILE", name, 1);
        return auth::profile_provider{}.get(now);
    };
    EXPECT_EQ(get("a")->access_key_id, "AKIDA");
    EXPECT_EQ(get("b").error(), errc::missing_credentials);
    EXPECT_EQ(get("c")->access_key_id, "AKIDC");
    EXPECT_EQ(get("d").error(), errc::missing_credentials);
}

TEST_F(ProfileProvider, CredentialsFileTakesPrecedence) {
    write(".aws/config", "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config-secret\n"
                         "region = eu-central-1\n");
    write(".aws/credentials", "[default]\naws_access_key_id = AKIDCREDS\n");
    auto c = auth::profile_provider{}.get(now);
    ASSERT_TRUE(c);
    // Merged per property: the key id from the credentials file, the secret from config.
    EXPECT_EQ(c->access_key_id, "AKIDCREDS");
    EXPECT_EQ(c->secret_access_key, "config-secret");
}

TEST_F(ProfileProvider, MissingFilesAndProfiles) {
    diagnostics diag;
    auto c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::missing_credentials);
    EXPECT_NE(diag.message.find("'default'"), std::string::npos);

    write(".aws/config", "[profile other]\nregion = us-east-1\n");
    c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::missing_credentials);
    EXPECT_NE(diag.message.find(path(".aws/config")), std::string::npos) << diag.message;

    // A profile without keys (one that assumes a role, say) has no static credentials.
    ::setenv("AWS_PROFILE", "other", 1);
    c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::missing_credentials);
    EXPECT_NE(diag.message.find("aws_access_key_id"), std::string::npos);

    // No home directory: the default locations do not exist.
    ::unsetenv("HOME");
    EXPECT_EQ(auth::profile_provider{}.get(now).error(), errc::missing_credentials);
}

TEST_F(ProfileProvider, MalformedFileIsAnErrorNamingFileAndLine) {
    const auto file = write(".aws/credentials", "[default]\naws_access_key_id = AKID\naws_secret_access_key " +
                                                    std::string(secret) + "\n");
    diagnostics diag;
    auto c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_EQ(diag.message, file + ":3: expected '=' in a property");
    EXPECT_EQ(diag.message.find(secret), std::string::npos);
}

TEST_F(ProfileProvider, MissingSecretIsAnError) {
    const auto file = write(".aws/credentials", "[default]\n\naws_access_key_id = AKID\n");
    diagnostics diag;
    auto c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find("aws_secret_access_key"), std::string::npos);
    EXPECT_NE(diag.message.find(file + ":3"), std::string::npos) << diag.message;

    write(".aws/credentials", "[default]\naws_secret_access_key = " + std::string(secret) + "\n");
    c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find("aws_access_key_id"), std::string::npos);
    EXPECT_EQ(diag.message.find(secret), std::string::npos);
}

TEST_F(ProfileProvider, UnreadableFileIsAnError) {
    std::filesystem::create_directories(dir_ / ".aws" / "credentials"); // a directory, not a file
    diagnostics diag;
    auto c = auth::profile_provider{}.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find(path(".aws/credentials")), std::string::npos) << diag.message;
}

TEST_F(ProfileProvider, RegionFromProfileConfig) {
    write(".aws/config", "[default]\nregion = us-west-2\n[profile eu]\nregion = eu-west-1\n[profile none]\n");
    diagnostics diag;
    auto config = auth::load_profile_config(diag);
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->found());
    EXPECT_EQ(config->region(), "us-west-2");
    EXPECT_EQ(auth::default_region(diag).value(), "us-west-2");

    ::setenv("AWS_PROFILE", "eu", 1);
    EXPECT_EQ(auth::load_profile_config(diag)->region(), "eu-west-1");
    EXPECT_EQ(auth::default_region(diag).value(), "eu-west-1");
    ::setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    EXPECT_EQ(auth::default_region(diag).value(), "ap-south-1");
    ::setenv("AWS_REGION", "sa-east-1", 1);
    EXPECT_EQ(auth::default_region(diag).value(), "sa-east-1");

    ::unsetenv("AWS_REGION");
    ::unsetenv("AWS_DEFAULT_REGION");
    ::setenv("AWS_PROFILE", "none", 1);
    EXPECT_FALSE(auth::load_profile_config(diag)->region());
    EXPECT_EQ(auth::default_region(diag).value(), std::nullopt);
    ::setenv("AWS_PROFILE", "absent", 1);
    EXPECT_FALSE(auth::load_profile_config(diag)->found());

    write(".aws/config", "region = nowhere\n");
    EXPECT_EQ(auth::default_region(diag).error(), errc::invalid_config);
}

// ---------------------------------------------------------------------------------------
// chain

namespace {
// A provider written against the concept alone: get(now), no diagnostics.
struct counting_provider {
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    cirrus::result<auth::credentials> outcome = cirrus::error_code(errc::missing_credentials);
    cirrus::result<auth::credentials> get(auth::time_point) {
        ++*calls;
        return outcome;
    }
};
auth::credentials make(const char* id, std::optional<auth::time_point> expiration = std::nullopt) {
    return auth::credentials{id, secret, "", expiration};
}
} // namespace

using ChainProvider = Environment;

TEST_F(ChainProvider, ReturnsTheFirstSuccess) {
    counting_provider first, second, third;
    second.outcome = make("SECOND");
    third.outcome = make("THIRD");
    auth::chain_provider chain(first, second, third);
    auto c = chain.get(now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "SECOND");
    EXPECT_EQ(*first.calls, 1);
    EXPECT_EQ(*second.calls, 1);
    EXPECT_EQ(*third.calls, 0);
}

TEST_F(ChainProvider, AllMissingListsEachSource) {
    auth::chain_provider chain(auth::environment_provider{}, auth::profile_provider{});
    diagnostics diag;
    auto c = chain.get(now, diag);
    EXPECT_EQ(c.error(), errc::missing_credentials);
    EXPECT_NE(diag.message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << diag.message;
    EXPECT_NE(diag.message.find("profile 'default'"), std::string::npos) << diag.message;
}

TEST_F(ChainProvider, SkipsExpiredCredentials) {
    counting_provider expired, fresh;
    expired.outcome = make("OLD", now - 1s);
    fresh.outcome = make("NEW", now + 1h);
    auth::chain_provider chain(expired, fresh);
    EXPECT_EQ(chain.get(now)->access_key_id, "NEW");

    auth::chain_provider only_expired(expired, counting_provider{});
    EXPECT_EQ(only_expired.get(now).error(), errc::expired_credentials);
}

TEST_F(ChainProvider, MalformedSourceStopsTheChain) {
    write(".aws/credentials", "[default]\naws_access_key_id AKID\n");
    counting_provider after;
    after.outcome = make("AFTER");
    auth::chain_provider chain(auth::environment_provider{}, auth::profile_provider{}, after);
    diagnostics diag;
    auto c = chain.get(now, diag);
    EXPECT_EQ(c.error(), errc::invalid_config);
    EXPECT_NE(diag.message.find(path(".aws/credentials") + ":2"), std::string::npos) << diag.message;
    EXPECT_EQ(*after.calls, 0);
}

TEST_F(ChainProvider, DefaultChainPrefersTheEnvironment) {
    write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
    auto chain = auth::default_chain();
    EXPECT_EQ(chain.get(now)->access_key_id, "AKIDFILE");
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    EXPECT_EQ(chain.get(now)->access_key_id, "AKIDENV");
    // A partial environment is an error, not a reason to use the file's identity.
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    EXPECT_EQ(chain.get(now).error(), errc::invalid_config);
}

TEST_F(ChainProvider, NoErrorMessageContainsTheSecret) {
    std::vector<std::string> messages;
    auto collect = [&](auto&& provider) {
        diagnostics diag;
        auto r = provider.get(now, diag);
        if (!r) messages.push_back(diag.message + " / " + r.error().message());
    };
    const std::string s = secret;
    ::setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
    collect(auth::environment_provider{});
    ::setenv("AWS_CREDENTIAL_EXPIRATION", s.c_str(), 1);
    ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
    collect(auth::environment_provider{});
    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    ::unsetenv("AWS_CREDENTIAL_EXPIRATION");
    for (const std::string& text :
         {"[default]\naws_secret_access_key " + s + "\n", "[default]\naws_secret_access_key = " + s + "\n",
          "[default]\naws_secret_access_key = x\n " + s + "\n", "[default]\ns3 =\n " + s + "\n",
          "aws_secret_access_key = " + s + "\n", "[" + s + "\n", "[default]\n=" + s + "\n"}) {
        write(".aws/credentials", text);
        collect(auth::profile_provider{});
        collect(auth::default_chain());
    }
    collect(auth::static_provider(auth::credentials{"AKID", secret, token, now - 1s}));
    ASSERT_GE(messages.size(), 15u);
    for (const auto& m : messages) {
        EXPECT_EQ(m.find(s), std::string::npos) << m;
        EXPECT_EQ(m.find(token), std::string::npos) << m;
    }
}

// ---------------------------------------------------------------------------------------
// caching

TEST(CachingProvider, CachesUntilExpirationMinusMargin) {
    counting_provider inner;
    inner.outcome = make("FIRST", now + 1h);
    auto calls = inner.calls;
    auth::caching_provider cache(inner, 5min);
    EXPECT_EQ(cache.get(now)->access_key_id, "FIRST");
    EXPECT_EQ(cache.get(now + 30min)->access_key_id, "FIRST");
    EXPECT_EQ(cache.get(now + 54min)->access_key_id, "FIRST");
    EXPECT_EQ(*calls, 1);

    cache.provider().outcome = make("SECOND", now + 2h);
    EXPECT_EQ(cache.get(now + 55min)->access_key_id, "SECOND"); // within the margin: refreshed
    EXPECT_EQ(*calls, 2);
    EXPECT_EQ(cache.get(now + 90min)->access_key_id, "SECOND");
    EXPECT_EQ(*calls, 2);
}

TEST(CachingProvider, LongTermCredentialsAreKeptUntilInvalidated) {
    counting_provider inner;
    inner.outcome = make("FOREVER");
    auto calls = inner.calls;
    auth::caching_provider cache(inner);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(cache.get(now + std::chrono::hours(24 * i)));
    EXPECT_EQ(*calls, 1);
    cache.invalidate();
    EXPECT_TRUE(cache.get(now));
    EXPECT_EQ(*calls, 2);
}

TEST(CachingProvider, RefreshFailures) {
    counting_provider inner;
    inner.outcome = make("FIRST", now + 10min);
    auth::caching_provider cache(inner, 5min);
    EXPECT_TRUE(cache.get(now));
    // The refresh fails but the cached credentials are still valid: keep using them.
    cache.provider().outcome = cirrus::error_code(errc::missing_credentials);
    EXPECT_EQ(cache.get(now + 6min)->access_key_id, "FIRST");
    // Once they have expired, the failure shows.
    EXPECT_EQ(cache.get(now + 10min).error(), errc::missing_credentials);
    // A provider that hands out expired credentials is reported as such.
    cache.provider().outcome = make("STALE", now);
    EXPECT_EQ(cache.get(now + 10min).error(), errc::expired_credentials);
    // Errors are not cached.
    cache.provider().outcome = make("FRESH", now + 1h);
    EXPECT_EQ(cache.get(now + 10min)->access_key_id, "FRESH");
}

TEST(CachingProvider, ConcurrentCallersShareOneRefresh) {
    struct slow_provider {
        std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
        cirrus::result<auth::credentials> get(auth::time_point) {
            ++*calls;
            std::this_thread::sleep_for(20ms);
            return make("SLOW", now + 1h);
        }
    };
    slow_provider inner;
    auto calls = inner.calls;
    auth::caching_provider cache(inner);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            for (int j = 0; j < 50; ++j)
                if (auto c = cache.get(now); c && c->access_key_id == "SLOW") ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok, 400);
    EXPECT_EQ(*calls, 1);
}

TEST(CachingProvider, WrapsAChainAndMoves) {
    counting_provider a, b;
    b.outcome = make("B", now + 1h);
    auth::caching_provider cache(auth::chain_provider(a, b));
    EXPECT_EQ(cache.get(now)->access_key_id, "B");
    auth::caching_provider moved(std::move(cache));
    EXPECT_EQ(moved.get(now)->access_key_id, "B");
    EXPECT_EQ(*b.calls, 1); // the cache moved along
}

// ---------------------------------------------------------------------------------------
// asynchronous providers and the single-flight cache

namespace {
namespace asio = boost::asio;

// Answers after a timer, counting calls; the outcome can be changed between calls.
struct slow_async_provider {
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<cirrus::result<auth::credentials>> outcome =
        std::make_shared<cirrus::result<auth::credentials>>(cirrus::error_code(errc::missing_credentials));
    asio::awaitable<cirrus::result<auth::credentials>> async_get(auth::time_point, diagnostics& diag) {
        ++*calls;
        asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
        co_await timer.async_wait(asio::use_awaitable);
        if (!*outcome) diag.message = "slow provider: refused";
        co_return *outcome;
    }
};
static_assert(auth::async_credentials_provider<slow_async_provider>);
static_assert(!auth::credentials_provider<slow_async_provider>);

struct shared_outcome {
    cirrus::result<auth::credentials_ptr> r = cirrus::error_code(errc::missing_credentials);
    diagnostics diag;
};

template <class Cache>
asio::awaitable<void> fetch(Cache& cache, auth::time_point at, shared_outcome& out) {
    out.r = co_await cache.async_get_shared(at, out.diag);
}
} // namespace

TEST(AsyncCachingProvider, ConcurrentRequestsTriggerExactlyOneRefresh) {
    asio::io_context io;
    slow_async_provider inner;
    *inner.outcome = make("ASYNC", now + 1h);
    auth::caching_provider cache(inner);
    std::vector<shared_outcome> outcomes(64);
    for (auto& o : outcomes) asio::co_spawn(io, fetch(cache, now, o), asio::detached);
    io.run();
    EXPECT_EQ(*inner.calls, 1);
    ASSERT_TRUE(outcomes[0].r);
    for (auto& o : outcomes) {
        ASSERT_TRUE(o.r);
        EXPECT_EQ(o.r->get(), outcomes[0].r->get()); // one snapshot, shared, not copied
        EXPECT_EQ((*o.r)->access_key_id, "ASYNC");
    }
}

TEST(AsyncCachingProvider, ConcurrentRequestsOnManyThreadsShareOneRefresh) {
    asio::thread_pool pool(4);
    slow_async_provider inner;
    *inner.outcome = make("POOL", now + 1h);
    auth::any_credentials_provider any{auth::caching_provider(inner)};
    std::vector<shared_outcome> outcomes(200);
    for (auto& o : outcomes) asio::co_spawn(pool, fetch(any, now, o), asio::detached);
    pool.join();
    EXPECT_EQ(*inner.calls, 1);
    for (auto& o : outcomes) {
        ASSERT_TRUE(o.r);
        EXPECT_EQ((*o.r)->access_key_id, "POOL");
    }
}

TEST(AsyncCachingProvider, RefreshesAheadOfExpiryWithoutMakingCallersWait) {
    asio::io_context io;
    slow_async_provider inner;
    *inner.outcome = make("FIRST", now + 10min);
    auth::caching_provider cache(inner, 5min);
    shared_outcome first, early, inside_margin, after;
    asio::co_spawn(io, fetch(cache, now, first), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(first.r);
    asio::co_spawn(io, fetch(cache, now + 4min, early), asio::detached);
    io.run();
    io.restart();
    EXPECT_EQ(*inner.calls, 1); // outside the margin: no refresh

    *inner.outcome = make("SECOND", now + 1h);
    // Inside the margin the caller gets the current snapshot at once (before the 20 ms
    // refresh could finish), and one refresh starts in the background.
    asio::co_spawn(io, fetch(cache, now + 6min, inside_margin), asio::detached);
    io.poll();
    ASSERT_TRUE(inside_margin.r);
    EXPECT_EQ((*inside_margin.r)->access_key_id, "FIRST");
    io.run();
    io.restart();
    EXPECT_EQ(*inner.calls, 2);
    asio::co_spawn(io, fetch(cache, now + 7min, after), asio::detached);
    io.run();
    ASSERT_TRUE(after.r);
    EXPECT_EQ((*after.r)->access_key_id, "SECOND");
    EXPECT_EQ(*inner.calls, 2);
}

TEST(AsyncCachingProvider, FailingRefreshKeepsValidCredentials) {
    asio::io_context io;
    slow_async_provider inner;
    *inner.outcome = make("FIRST", now + 10min);
    auth::caching_provider cache(inner, 5min);
    shared_outcome first, during, kept, gone;
    asio::co_spawn(io, fetch(cache, now, first), asio::detached);
    io.run();
    io.restart();

    *inner.outcome = cirrus::error_code(errc::missing_credentials);
    asio::co_spawn(io, fetch(cache, now + 6min, during), asio::detached);
    io.run();
    io.restart();
    EXPECT_EQ(*inner.calls, 2); // the refresh ran and failed
    ASSERT_TRUE(during.r);
    EXPECT_EQ((*during.r)->access_key_id, "FIRST");
    asio::co_spawn(io, fetch(cache, now + 8min, kept), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(kept.r);
    EXPECT_EQ((*kept.r)->access_key_id, "FIRST"); // still valid: still used

    // Once they have expired, callers wait for the refresh and see its failure.
    asio::co_spawn(io, fetch(cache, now + 10min, gone), asio::detached);
    io.run();
    ASSERT_FALSE(gone.r);
    EXPECT_EQ(gone.r.error(), errc::missing_credentials);
    EXPECT_EQ(gone.diag.message, "slow provider: refused");
}

TEST(AsyncCachingProvider, SynchronousGetOfAnAsynchronousProvider) {
    asio::io_context io;
    slow_async_provider inner;
    *inner.outcome = make("A", now + 1h);
    auth::caching_provider cache(inner);
    diagnostics diag;
    EXPECT_EQ(cache.get(now, diag).error(), errc::unsupported); // nothing remembered yet
    shared_outcome o;
    asio::co_spawn(io, fetch(cache, now, o), asio::detached);
    io.run();
    EXPECT_EQ(cache.get(now)->access_key_id, "A"); // the remembered snapshot
    auth::any_credentials_provider any(inner);
    EXPECT_EQ(any.get(now, diag).error(), errc::unsupported);
}

TEST(AnyCredentialsProvider, AsyncGetOfSynchronousProviders) {
    asio::io_context io;
    auth::any_credentials_provider plain(auth::static_provider("STATIC", secret));
    counting_provider counting;
    counting.outcome = make("COUNTING", now + 1h);
    auth::any_credentials_provider cached{auth::caching_provider(counting)};
    shared_outcome a, b, c;
    asio::co_spawn(io, fetch(plain, now, a), asio::detached);
    asio::co_spawn(io, fetch(cached, now, b), asio::detached);
    io.run();
    io.restart();
    asio::co_spawn(io, fetch(cached, now, c), asio::detached);
    io.run();
    ASSERT_TRUE(a.r && b.r && c.r);
    EXPECT_EQ((*a.r)->access_key_id, "STATIC");
    EXPECT_EQ((*b.r)->access_key_id, "COUNTING");
    EXPECT_EQ(b.r->get(), c.r->get());
    EXPECT_EQ(*counting.calls, 1);
}

// Static credentials are one snapshot: every request signs with the same object, so
// none copies the secret or allocates for it.
TEST(AnyCredentialsProvider, StaticCredentialsAreOneSharedSnapshot) {
    asio::io_context io;
    auth::any_credentials_provider plain(auth::static_provider("STATIC", secret));
    shared_outcome a, b;
    asio::co_spawn(io, fetch(plain, now, a), asio::detached);
    asio::co_spawn(io, fetch(plain, now, b), asio::detached);
    io.run();
    ASSERT_TRUE(a.r && b.r);
    EXPECT_EQ(a.r->get(), b.r->get());
    EXPECT_EQ((*a.r)->access_key_id, "STATIC");
    shared_outcome expired;
    auth::any_credentials_provider old(auth::static_provider(auth::credentials{"AKID", secret, {}, now - 1s}));
    io.restart();
    asio::co_spawn(io, fetch(old, now, expired), asio::detached);
    io.run();
    ASSERT_FALSE(expired.r);
    EXPECT_EQ(expired.r.error(), errc::expired_credentials);
}

TEST(AnyCredentialsProvider, PeekSharedHandsOutWhatIsAtHandOnly) {
    auth::any_credentials_provider plain(auth::static_provider("STATIC", secret));
    ASSERT_NE(plain.peek_shared(now), nullptr);
    EXPECT_EQ(plain.peek_shared(now), plain.peek_shared(now)); // the one snapshot
    EXPECT_EQ(plain.peek_shared(now)->access_key_id, "STATIC");
    auth::any_credentials_provider old(auth::static_provider(auth::credentials{"AKID", secret, {}, now - 1s}));
    EXPECT_EQ(old.peek_shared(now), nullptr); // expired: async_get_shared says why

    // A cache: nothing before the first fetch, its snapshot while outside the margin, and
    // nothing inside the margin (a refresh is due).
    counting_provider inner;
    inner.outcome = make("CACHED", now + 1h);
    auto calls = inner.calls;
    auth::any_credentials_provider cached(auth::caching_provider(inner, 5min));
    EXPECT_EQ(cached.peek_shared(now), nullptr);
    asio::io_context io;
    shared_outcome got;
    asio::co_spawn(io, fetch(cached, now, got), asio::detached);
    io.run();
    ASSERT_TRUE(got.r);
    EXPECT_EQ(cached.peek_shared(now + 30min), *got.r);
    EXPECT_EQ(cached.peek_shared(now + 56min), nullptr);
    EXPECT_EQ(*calls, 1); // peeking never asks the provider

    // A provider without a snapshot at hand is always asked.
    auth::any_credentials_provider uncached(counting_provider{});
    EXPECT_EQ(uncached.peek_shared(now), nullptr);
}

// ---------------------------------------------------------------------------------------
// type erasure

TEST(AnyCredentialsProvider, HoldsAnyProvider) {
    static_assert(auth::credentials_provider<auth::any_credentials_provider>);
    std::vector<auth::any_credentials_provider> providers;
    providers.emplace_back(auth::static_provider("STATIC", secret));
    counting_provider counting;
    counting.outcome = make("COUNTING");
    providers.emplace_back(auth::caching_provider(counting));
    EXPECT_EQ(providers[0].get(now)->access_key_id, "STATIC");
    EXPECT_EQ(providers[1].get(now)->access_key_id, "COUNTING");
    auto copy = providers[1];
    EXPECT_EQ(copy.get(now)->access_key_id, "COUNTING");
    EXPECT_EQ(*counting.calls, 1); // copies share the cache

    auth::chain_provider chain(auth::any_credentials_provider(counting_provider{}), providers[0]);
    EXPECT_EQ(chain.get(now)->access_key_id, "STATIC");
}
