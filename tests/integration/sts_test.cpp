// The STS client against moto: every operation, the response parsers on canned bytes, and
// that printing a result never shows a secret.

#include "support/error_tuple.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <cirrus/aws/detail/query.hpp>
#include <cirrus/sts/credentials_providers.hpp>
#include <cirrus/sts/sts.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace sts = cirrus::sts;
using namespace std::chrono_literals;
using cirrus::diagnostics;
using cirrus::error_code;

namespace {

using cirrus::test::sync;

sts::client_options moto_options() {
    return {.region = "us-east-1",
            .endpoint = cirrus::test::moto_endpoint(),
            .credentials = cirrus::auth::any_credentials_provider(
                cirrus::auth::static_provider("AKIDCIRRUSSTS", "cirrus-sts-secret"))};
}

std::string printed(const auto& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

} // namespace

TEST(Sts, GetCallerIdentity) {
    asio::io_context ioc;
    sts::client<> c(ioc.get_executor(), moto_options());
    auto [ec, me] = sync(ioc, c.async_get_caller_identity(asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(me.account.size(), 12u) << me.account;
    EXPECT_NE(me.arn.find("arn:aws:"), std::string::npos) << me.arn;
    EXPECT_FALSE(me.user_id.empty());
}

TEST(Sts, AssumeRoleWithEveryOption) {
    asio::io_context ioc;
    sts::client<> c(ioc.get_executor(), moto_options());
    const std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
    diagnostics diag;
    auto [ec, r] = sync(ioc, c.async_assume_role({.role_arn = "arn:aws:iam::123456789012:role/cirrus-sts",
                                                  .session_name = "cirrus session",
                                                  .duration = 900s,
                                                  .external_id = "ext-42",
                                                  .policy = policy},
                                                 diag, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << diag.message;
    EXPECT_FALSE(r.credentials.access_key_id.empty());
    EXPECT_FALSE(r.credentials.secret_access_key.empty());
    EXPECT_TRUE(r.credentials.temporary());
    ASSERT_TRUE(r.credentials.expiration);
    const auto left = *r.credentials.expiration - std::chrono::system_clock::now();
    EXPECT_GT(left, 800s);
    EXPECT_LT(left, 1000s);
    EXPECT_NE(r.assumed_role_arn.find("assumed-role/cirrus-sts/cirrus session"), std::string::npos)
        << r.assumed_role_arn;
    EXPECT_FALSE(r.assumed_role_id.empty());
    const std::string text = printed(r);
    EXPECT_EQ(text.find(r.credentials.secret_access_key), std::string::npos) << text;
    EXPECT_EQ(text.find(r.credentials.session_token), std::string::npos) << text;
    EXPECT_NE(text.find(r.credentials.access_key_id), std::string::npos) << text;

    // The temporary credentials work: the caller is the assumed role.
    sts::client<> as_role(ioc.get_executor(), moto_options(), r.credentials);
    auto [ec2, me] = sync(ioc, as_role.async_get_caller_identity(asio::deferred));
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_NE(me.arn.find("assumed-role/cirrus-sts"), std::string::npos) << me.arn;
}

TEST(Sts, AssumeRoleWithWebIdentity) {
    asio::io_context ioc;
    sts::client<> c(ioc.get_executor(), moto_options());
    auto [ec, r] = sync(ioc, c.async_assume_role_with_web_identity(
                                 {.role_arn = "arn:aws:iam::123456789012:role/cirrus-web",
                                  .session_name = "web",
                                  .web_identity_token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaXJydXMifQ.",
                                  .duration = 1200s},
                                 asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_FALSE(r.credentials.access_key_id.empty());
    EXPECT_TRUE(r.credentials.temporary());
    ASSERT_TRUE(r.credentials.expiration);
    EXPECT_NE(r.assumed_role_arn.find("cirrus-web"), std::string::npos) << r.assumed_role_arn;
}

TEST(Sts, GetSessionToken) {
    asio::io_context ioc;
    sts::client<> c(ioc.get_executor(), moto_options());
    auto [ec, r] = sync(ioc, c.async_get_session_token({.duration = 3600s}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_FALSE(r.credentials.access_key_id.empty());
    EXPECT_FALSE(r.credentials.secret_access_key.empty());
    EXPECT_TRUE(r.credentials.temporary());
    ASSERT_TRUE(r.credentials.expiration);
    EXPECT_EQ(printed(r).find(r.credentials.secret_access_key), std::string::npos);
}

TEST(Sts, NoEndpointIsAnError) {
    asio::io_context ioc;
    auto o = moto_options();
    o.endpoint = "not a url";
    sts::client<> c(ioc.get_executor(), o);
    diagnostics diag;
    auto [ec, me] = sync(ioc, c.async_get_caller_identity(diag, asio::deferred));
    EXPECT_TRUE(ec);
    EXPECT_FALSE(diag.message.empty());
}

TEST(StsParse, AssumeRoleResponse) {
    const std::string_view doc = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764&amp;bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
    sts::assume_role_result r;
    ASSERT_FALSE(sts::detail::parse_assume_role(doc, r));
    EXPECT_EQ(r.credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(r.credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    EXPECT_EQ(r.credentials.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764&bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW");
    ASSERT_TRUE(r.credentials.expiration);
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(r.credentials.expiration->time_since_epoch()).count(),
              1573306481);
    EXPECT_EQ(r.assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
    EXPECT_EQ(r.assumed_role_id, "ARO123EXAMPLE123:TestAR");
    EXPECT_EQ(r.packed_policy_size, 6);
    EXPECT_EQ(r.source_identity, "Alice");
}

TEST(StsParse, MalformedResponsesAreRejected) {
    sts::assume_role_result r;
    EXPECT_TRUE(sts::detail::parse_assume_role("<AssumeRoleResponse><Credentials>", r));
    sts::assume_role_result r2;
    EXPECT_TRUE(sts::detail::parse_assume_role(
        "<R><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
        "<Expiration>not a time</Expiration></Credentials></R>",
        r2));
    sts::caller_identity id;
    EXPECT_TRUE(sts::detail::parse_caller_identity("<GetCallerIdentityResponse/>", id));
}

TEST(StsParse, FormEncoding) {
    cirrus::aws::detail::query_form f("AssumeRole", "2011-06-15");
    f.add("RoleSessionName", "a b/c+d=é~").add_if("ExternalId", "").add_member("Tags", 1, "Key", "k");
    EXPECT_EQ(f.body(), "Action=AssumeRole&Version=2011-06-15&RoleSessionName=a%20b%2Fc%2Bd%3D%C3%A9~"
                        "&Tags.member.1.Key=k");
}

// ---------------------------------------------------------------------------------------
// The STS-backed credentials providers (sts/credentials_providers.hpp) against moto.

namespace {

namespace auth = cirrus::auth;
using cirrus::errc;

struct provider_outcome {
    cirrus::result<auth::credentials> r = error_code(errc::missing_credentials);
    diagnostics diag;
};

template <class P>
provider_outcome get_from(P& provider, auth::time_point at = std::chrono::system_clock::now()) {
    asio::io_context io;
    provider_outcome out;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { out.r = co_await auth::async_get_credentials(provider, at, out.diag); },
        asio::detached);
    io.run();
    return out;
}

// Where the providers find STS: moto.
sts::provider_client_options moto_sts() { return {.region = "us-east-1", .endpoint = cirrus::test::moto_endpoint()}; }

// The ARN GetCallerIdentity gives for `creds`: moto looks the key up among the sessions it
// issued, so an assumed-role ARN proves the key is the one STS handed out.
std::string caller_arn(const auth::credentials& creds) {
    asio::io_context ioc;
    sts::client<> c(ioc.get_executor(), moto_options(), creds);
    auto [ec, me] = sync(ioc, c.async_get_caller_identity(asio::deferred));
    EXPECT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    return me.arn;
}

const auth::credentials source_keys{"AKIDCIRRUSSOURCE", "cirrus-source-secret", "", std::nullopt};

// Saves and clears the variables the providers read; restores them after the test.
class StsProviders : public ::testing::Test {
protected:
    static constexpr const char* names[] = {"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
                                            "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                            "AWS_PROFILE",                 "AWS_CONFIG_FILE",
                                            "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                            "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    void SetUp() override {
        for (const char* n : names) {
            if (const char* v = std::getenv(n)) saved_.emplace_back(n, v);
            ::unsetenv(n);
        }
    }
    void TearDown() override {
        for (const char* n : names) ::unsetenv(n);
        for (const auto& [n, v] : saved_) ::setenv(n.c_str(), v.c_str(), 1);
    }
    std::vector<std::pair<std::string, std::string>> saved_;
    cirrus::test::temp_dir dir_{"cirrus-sts"};
};

} // namespace

TEST_F(StsProviders, AssumeRoleReturnsTheRolesTemporaryCredentials) {
    sts::assume_role_provider p(source_keys, {.role_arn = "arn:aws:iam::123456789012:role/cirrus-provider",
                                              .session_name = "provider-session",
                                              .duration = 900s,
                                              .external_id = "ext-1",
                                              .policy = R"({"Version":"2012-10-17","Statement":[]})",
                                              .sts = moto_sts()});
    auto out = get_from(p);
    ASSERT_TRUE(out.r) << out.r.error().message() << ": " << out.diag.message;
    EXPECT_TRUE(out.r->temporary());
    ASSERT_TRUE(out.r->expiration);
    const auto left = *out.r->expiration - std::chrono::system_clock::now();
    EXPECT_GT(left, 800s);
    EXPECT_LT(left, 1000s);
    EXPECT_NE(out.r->access_key_id, source_keys.access_key_id);
    EXPECT_NE(caller_arn(*out.r).find("assumed-role/cirrus-provider/provider-session"), std::string::npos);

    // A session name is made up when none is given.
    sts::assume_role_provider unnamed(source_keys, {.role_arn = "arn:aws:iam::123456789012:role/cirrus-provider",
                                                    .sts = moto_sts()});
    auto second = get_from(unnamed);
    ASSERT_TRUE(second.r) << second.diag.message;
    EXPECT_NE(caller_arn(*second.r).find("assumed-role/cirrus-provider/cirrus-"), std::string::npos);
}

TEST_F(StsProviders, FailuresNameTheRoleAndKeepStsCodeAndRequestId) {
    // STS refuses a session name longer than 64 characters.
    const std::string long_name(65, 's');
    sts::assume_role_provider refused(source_keys, {.role_arn = "arn:aws:iam::123456789012:role/cirrus-refused",
                                                    .session_name = long_name,
                                                    .sts = moto_sts()});
    auto out = get_from(refused);
    ASSERT_FALSE(out.r);
    EXPECT_EQ(out.diag.service_code, "ValidationError") << out.diag.message;
    EXPECT_FALSE(out.diag.request_id.empty());
    EXPECT_EQ(out.diag.http_status, 400u);
    EXPECT_NE(out.diag.message.find("AssumeRole arn:aws:iam::123456789012:role/cirrus-refused"), std::string::npos)
        << out.diag.message;
    EXPECT_EQ(out.diag.message.find(source_keys.secret_access_key), std::string::npos);

    // A source without credentials: its error, named.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDHALF", 1); // half-set environment: invalid_config
    sts::assume_role_provider no_source(auth::environment_provider{},
                                        {.role_arn = "arn:aws:iam::123456789012:role/cirrus-x", .sts = moto_sts()});
    auto bad = get_from(no_source);
    ASSERT_FALSE(bad.r);
    EXPECT_EQ(bad.r.error(), errc::invalid_config);
    EXPECT_NE(bad.diag.message.find("role/cirrus-x: the source credentials: environment"), std::string::npos)
        << bad.diag.message;

    // An unreachable STS is the transport's error.
    auto o = moto_sts();
    o.endpoint = "http://127.0.0.1:1";
    sts::assume_role_provider unreachable(source_keys, {.role_arn = "arn:aws:iam::123456789012:role/r", .sts = o});
    auto down = get_from(unreachable);
    EXPECT_FALSE(down.r);
    EXPECT_NE(down.diag.message.find("AssumeRole"), std::string::npos) << down.diag.message;
}

namespace {
// Counts the calls that reach the wrapped provider.
template <class P>
struct counting {
    P inner;
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    asio::awaitable<cirrus::result<auth::credentials>> async_get(auth::time_point now, diagnostics& diag) {
        ++*calls;
        co_return co_await inner.async_get(now, diag);
    }
};
} // namespace

TEST_F(StsProviders, CachedAssumeRoleRefreshesAheadOfExpiryWithOneRefreshInFlight) {
    counting<sts::assume_role_provider> inner{
        sts::assume_role_provider(source_keys, {.role_arn = "arn:aws:iam::123456789012:role/cirrus-cached",
                                                .session_name = "cached",
                                                .duration = 900s,
                                                .sts = moto_sts()})};
    auth::caching_provider cache(inner, 300s);
    // The fake clock starts at the machine's time, since moto stamps the expiration with it.
    const auto t0 = std::chrono::system_clock::now();
    asio::io_context io;
    std::vector<cirrus::result<auth::credentials_ptr>> first(16, error_code(errc::missing_credentials));
    std::vector<diagnostics> diags(16);
    for (std::size_t i = 0; i < first.size(); ++i)
        asio::co_spawn(
            io, [&, i]() -> asio::awaitable<void> { first[i] = co_await cache.async_get_shared(t0, diags[i]); },
            asio::detached);
    io.run();
    io.restart();
    EXPECT_EQ(*inner.calls, 1); // sixteen callers, one AssumeRole
    ASSERT_TRUE(first[0]) << diags[0].message;
    for (auto& r : first) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->get(), first[0]->get()); // one shared snapshot
    }
    const std::string first_key = (*first[0])->access_key_id;

    auto fetch = [&](auth::time_point at) {
        cirrus::result<auth::credentials_ptr> r = error_code(errc::missing_credentials);
        diagnostics d;
        asio::co_spawn(io, [&]() -> asio::awaitable<void> { r = co_await cache.async_get_shared(at, d); },
                       asio::detached);
        io.run_one(); // the caller's own coroutine, up to its first suspension
        return std::pair{std::move(r), d};
    };
    // Outside the margin: the cache answers, no request.
    auto [early, early_diag] = fetch(t0 + 500s);
    io.run();
    io.restart();
    ASSERT_TRUE(early) << early_diag.message;
    EXPECT_EQ((*early)->access_key_id, first_key);
    EXPECT_EQ(*inner.calls, 1);

    // Inside the margin (expiry in about 200 s): the current snapshot at once, one refresh
    // in the background.
    auto [inside, inside_diag] = fetch(t0 + 700s);
    ASSERT_TRUE(inside) << inside_diag.message;
    EXPECT_EQ((*inside)->access_key_id, first_key);
    io.run();
    EXPECT_EQ(*inner.calls, 2);
    // The cache now holds the new session. (Looked at with the clock at t0: STS stamps the
    // new session from the machine's clock too, so at t0 + 700 s it is inside the margin.)
    const auth::credentials_ptr held = cache.peek_shared(t0);
    ASSERT_TRUE(held);
    EXPECT_NE(held->access_key_id, first_key);
    EXPECT_EQ(*inner.calls, 2);
    EXPECT_NE(caller_arn(*held).find("assumed-role/cirrus-cached/cached"), std::string::npos);
}

TEST_F(StsProviders, WebIdentityReadsTheTokenFileOnEveryCall) {
    const std::string token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaXJydXMtd2ViIn0.";
    const std::string file = dir_.write("token", token + "\n");
    sts::web_identity_provider p({.token_file = file,
                                  .role_arn = "arn:aws:iam::123456789012:role/cirrus-web-provider",
                                  .session_name = "web-session",
                                  .duration = 1200s,
                                  .sts = moto_sts()});
    auto out = get_from(p);
    ASSERT_TRUE(out.r) << out.r.error().message() << ": " << out.diag.message;
    ASSERT_TRUE(out.r->expiration);
    EXPECT_TRUE(out.r->temporary());
    EXPECT_NE(caller_arn(*out.r).find("assumed-role/cirrus-web-provider/web-session"), std::string::npos);

    // The platform rotates the token: the file is read again on each call.
    std::filesystem::remove(file);
    auto gone = get_from(p);
    ASSERT_FALSE(gone.r);
    EXPECT_EQ(gone.r.error(), errc::invalid_config);
    EXPECT_NE(gone.diag.message.find(file), std::string::npos) << gone.diag.message;
    dir_.write("token", "");
    auto empty = get_from(p);
    ASSERT_FALSE(empty.r);
    EXPECT_EQ(empty.r.error(), errc::invalid_config);
    dir_.write("token", token + "-rotated");
    auto again = get_from(p);
    ASSERT_TRUE(again.r) << again.diag.message;
    EXPECT_NE(again.r->access_key_id, out.r->access_key_id);
}

TEST_F(StsProviders, WebIdentityFromTheEnvironment) {
    sts::web_identity_provider p({.sts = moto_sts()});
    auto unset = get_from(p);
    ASSERT_FALSE(unset.r);
    EXPECT_EQ(unset.r.error(), errc::missing_credentials); // a chain moves on

    const std::string token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJlbnYifQ.";
    ::setenv("AWS_WEB_IDENTITY_TOKEN_FILE", dir_.write("env-token", token).c_str(), 1);
    auto no_role = get_from(p);
    ASSERT_FALSE(no_role.r);
    EXPECT_EQ(no_role.r.error(), errc::invalid_config);
    EXPECT_NE(no_role.diag.message.find("AWS_ROLE_ARN"), std::string::npos);

    ::setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/cirrus-env-web", 1);
    ::setenv("AWS_ROLE_SESSION_NAME", "env-session", 1);
    auto out = get_from(p);
    ASSERT_TRUE(out.r) << out.diag.message;
    EXPECT_NE(caller_arn(*out.r).find("assumed-role/cirrus-env-web/env-session"), std::string::npos);
    EXPECT_EQ(out.diag.message.find(token), std::string::npos);
}

TEST_F(StsProviders, ProfileRoleArnWithSourceProfileCredentialSourceAndWebIdentity) {
    const std::string token_file = dir_.write("profile-token", "eyJhbGciOiJub25lIn0.e30.");
    const std::string config = dir_.write("config",
                                          "[profile base]\n"
                                          "aws_access_key_id = AKIDCIRRUSBASE\n"
                                          "aws_secret_access_key = cirrus-base-secret\n"
                                          "[profile first]\n"
                                          "role_arn = arn:aws:iam::123456789012:role/cirrus-first\n"
                                          "source_profile = base\n"
                                          "role_session_name = first-session\n"
                                          "external_id = ext-first\n"
                                          "duration_seconds = 900\n"
                                          "[profile second]\n"
                                          "role_arn = arn:aws:iam::123456789012:role/cirrus-second\n"
                                          "source_profile = first\n"
                                          "role_session_name = second-session\n"
                                          "[profile from-env]\n"
                                          "role_arn = arn:aws:iam::123456789012:role/cirrus-from-env\n"
                                          "credential_source = Environment\n"
                                          "role_session_name = env-session\n"
                                          "[profile web]\n"
                                          "role_arn = arn:aws:iam::123456789012:role/cirrus-profile-web\n"
                                          "web_identity_token_file = " +
                                              token_file +
                                              "\n"
                                              "role_session_name = web-session\n"
                                              "[profile loop-a]\n"
                                              "role_arn = arn:aws:iam::123456789012:role/a\n"
                                              "source_profile = loop-b\n"
                                              "[profile loop-b]\n"
                                              "role_arn = arn:aws:iam::123456789012:role/b\n"
                                              "source_profile = loop-a\n");
    auto with_profile = [&](const char* name) {
        sts::profile_options o{.locations = auth::profile_file_locations{config, "", name}, .sts = moto_sts()};
        return sts::profile_provider(std::move(o));
    };
    auto first = with_profile("first");
    auto one = get_from(first);
    ASSERT_TRUE(one.r) << one.diag.message;
    EXPECT_NE(caller_arn(*one.r).find("assumed-role/cirrus-first/first-session"), std::string::npos);
    const auto left = *one.r->expiration - std::chrono::system_clock::now();
    EXPECT_LT(left, 1000s); // duration_seconds

    // Chained: base's keys assume cirrus-first, whose session assumes cirrus-second.
    auto second = with_profile("second");
    auto two = get_from(second);
    ASSERT_TRUE(two.r) << two.diag.message;
    EXPECT_NE(caller_arn(*two.r).find("assumed-role/cirrus-second/second-session"), std::string::npos);

    auto from_env = with_profile("from-env");
    auto none = get_from(from_env);
    ASSERT_FALSE(none.r);
    EXPECT_EQ(none.r.error(), errc::invalid_config); // configured, but the source is empty
    EXPECT_NE(none.diag.message.find("credential_source Environment"), std::string::npos) << none.diag.message;
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDCIRRUSENV", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "cirrus-env-secret", 1);
    auto env = get_from(from_env);
    ASSERT_TRUE(env.r) << env.diag.message;
    EXPECT_NE(caller_arn(*env.r).find("assumed-role/cirrus-from-env/env-session"), std::string::npos);

    auto web = with_profile("web");
    auto w = get_from(web);
    ASSERT_TRUE(w.r) << w.diag.message;
    EXPECT_NE(caller_arn(*w.r).find("assumed-role/cirrus-profile-web/web-session"), std::string::npos);

    auto base = with_profile("base"); // static keys, as auth::profile_provider
    auto b = get_from(base);
    ASSERT_TRUE(b.r) << b.diag.message;
    EXPECT_EQ(b.r->access_key_id, "AKIDCIRRUSBASE");

    auto loop = with_profile("loop-a");
    auto l = get_from(loop);
    ASSERT_FALSE(l.r);
    EXPECT_EQ(l.r.error(), errc::invalid_config);
    EXPECT_NE(l.diag.message.find("loop-a -> loop-b -> loop-a"), std::string::npos) << l.diag.message;
}

TEST(StsProfileResolve, TheSdkRules) {
    auth::profile_set set;
    diagnostics diag;
    ASSERT_FALSE(set.merge("[profile keys]\naws_access_key_id=A\naws_secret_access_key=S\n"
                           "[profile keys-and-role]\naws_access_key_id=K\naws_secret_access_key=S2\n"
                           "role_arn=arn:r0\nsource_profile=keys\n"
                           "[profile self]\naws_access_key_id=SELF\naws_secret_access_key=S3\n"
                           "role_arn=arn:r1\nsource_profile=self\n"
                           "[profile via]\nrole_arn=arn:r2\nsource_profile=keys-and-role\n"
                           "[profile both]\nrole_arn=arn:r3\nsource_profile=keys\ncredential_source=Environment\n"
                           "[profile unknown]\nrole_arn=arn:r4\ncredential_source=Somewhere\n"
                           "[profile dangling]\nrole_arn=arn:r5\nsource_profile=nowhere\n"
                           "[profile bare]\nrole_arn=arn:r6\n"
                           "[profile mfa]\nrole_arn=arn:r7\nsource_profile=keys\nmfa_serial=arn:mfa\n"
                           "[profile imds]\nrole_arn=arn:r8\ncredential_source=Ec2InstanceMetadata\n"
                           "[profile ecs]\nrole_arn=arn:r9\ncredential_source=EcsContainer\n"
                           "[profile empty-source]\nrole_arn=arn:r10\nsource_profile=nothing\n"
                           "[profile nothing]\nregion=us-east-1\n"
                           "[profile bad-duration]\nrole_arn=arn:r11\nsource_profile=keys\nduration_seconds=12x\n",
                           auth::profile_file_kind::config, "config", diag));
    namespace d = sts::detail;
    d::profile_chain c;
    ASSERT_FALSE(d::resolve_profile(set, "keys", c, diag));
    EXPECT_EQ(c.source, d::profile_source::profile_keys);
    EXPECT_TRUE(c.roles.empty());

    // The top profile's role wins over its keys; a source profile's keys win over its role.
    ASSERT_FALSE(d::resolve_profile(set, "keys-and-role", c, diag));
    EXPECT_EQ(c.source, d::profile_source::static_keys);
    EXPECT_EQ(c.keys.access_key_id, "A");
    ASSERT_EQ(c.roles.size(), 1u);
    EXPECT_EQ(c.roles[0].role_arn, "arn:r0");
    ASSERT_FALSE(d::resolve_profile(set, "via", c, diag));
    EXPECT_EQ(c.source, d::profile_source::static_keys);
    EXPECT_EQ(c.keys.access_key_id, "K");
    ASSERT_EQ(c.roles.size(), 1u);
    EXPECT_EQ(c.roles[0].role_arn, "arn:r2");

    ASSERT_FALSE(d::resolve_profile(set, "self", c, diag)); // its own keys as the source
    EXPECT_EQ(c.keys.access_key_id, "SELF");
    ASSERT_EQ(c.roles.size(), 1u);

    ASSERT_FALSE(d::resolve_profile(set, "imds", c, diag));
    EXPECT_EQ(c.source, d::profile_source::ec2_metadata);
    ASSERT_FALSE(d::resolve_profile(set, "ecs", c, diag));
    EXPECT_EQ(c.source, d::profile_source::ecs_container);

    EXPECT_EQ(d::resolve_profile(set, "missing", c, diag), errc::missing_credentials);
    for (const char* name : {"both", "unknown", "dangling", "bare", "empty-source", "bad-duration"}) {
        diagnostics why;
        EXPECT_EQ(d::resolve_profile(set, name, c, why), errc::invalid_config) << name;
        EXPECT_NE(why.message.find("profile"), std::string::npos) << name << ": " << why.message;
    }
    diagnostics why;
    EXPECT_EQ(d::resolve_profile(set, "mfa", c, why), errc::unsupported);
    EXPECT_NE(why.message.find("mfa_serial"), std::string::npos);
}

TEST_F(StsProviders, DefaultAsyncChainOrder) {
    const std::string config = dir_.write("config", "[default]\n"
                                                    "role_arn = arn:aws:iam::123456789012:role/cirrus-chain-profile\n"
                                                    "credential_source = Environment\n"
                                                    "role_session_name = chain-profile\n");
    ::setenv("AWS_CONFIG_FILE", config.c_str(), 1);
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_.path + "/none").c_str(), 1);
    auto chain = sts::default_async_chain({.sts = moto_sts(), .imds = {.endpoint = "http://127.0.0.1:1"}});

    // The environment first.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDCIRRUSCHAIN", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "cirrus-chain-secret", 1);
    auto env = get_from(chain);
    ASSERT_TRUE(env.r) << env.diag.message;
    EXPECT_EQ(env.r->access_key_id, "AKIDCIRRUSCHAIN");

    // Then web identity from the environment, before the profile.
    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    ::setenv("AWS_WEB_IDENTITY_TOKEN_FILE", dir_.write("t", "eyJhbGciOiJub25lIn0.e30.").c_str(), 1);
    ::setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/cirrus-chain-web", 1);
    ::setenv("AWS_ROLE_SESSION_NAME", "chain-web", 1);
    auto web = get_from(chain);
    ASSERT_TRUE(web.r) << web.diag.message;
    EXPECT_NE(caller_arn(*web.r).find("assumed-role/cirrus-chain-web/chain-web"), std::string::npos);

    // Then the profile's role; its credential_source Environment has nothing, which stops
    // the chain (a configured source that fails).
    ::unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    auto stopped = get_from(chain);
    ASSERT_FALSE(stopped.r);
    EXPECT_EQ(stopped.r.error(), errc::invalid_config);
    EXPECT_NE(stopped.diag.message.find("credential_source Environment"), std::string::npos) << stopped.diag.message;

    // No profile at all: container (not configured) and IMDS (unreachable) are skipped.
    ::setenv("AWS_CONFIG_FILE", (dir_.path + "/none").c_str(), 1);
    auto nothing = get_from(chain);
    ASSERT_FALSE(nothing.r);
    EXPECT_EQ(nothing.r.error(), errc::missing_credentials);
    EXPECT_NE(nothing.diag.message.find("web identity"), std::string::npos) << nothing.diag.message;
}
