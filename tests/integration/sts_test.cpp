// The STS client against moto: every operation, the response parsers on canned bytes, and
// that printing a result never shows a secret.

#include "support/error_tuple.hpp"
#include "support/services.hpp"

#include <cirrus/aws/detail/query.hpp>
#include <cirrus/sts/sts.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

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
