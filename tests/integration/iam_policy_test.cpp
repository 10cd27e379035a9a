// The IAM policy-document builder: the JSON it writes (canned expectations), what it
// refuses before sending, and documents that moto's IAM accepts and returns unchanged.

#include "support/error_tuple.hpp"
#include "support/services.hpp"

#include <cirrus/iam/iam.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace asio = boost::asio;
namespace iam = cirrus::iam;
using cirrus::diagnostics;
using cirrus::error_code;

namespace {

// The reason a document is refused ("" when it is accepted).
std::string refusal(const iam::policy_document& d) {
    std::string out;
    diagnostics diag;
    const error_code ec = d.to_json(out, diag);
    if (!ec) return {};
    EXPECT_EQ(ec, iam::errc::malformed_policy_document);
    EXPECT_TRUE(out.empty());
    return diag.message.empty() ? "(no reason)" : diag.message;
}

iam::policy_statement reads_bucket() { return iam::statementize("s3", {"GetObject"}, iam::effect::allow, {"arn:aws:s3:::b/*"}); }

} // namespace

TEST(IamPolicyDocument, StatementizeInOneLine) {
    const auto doc = iam::policy_document{}.add(iam::statementize(
        "s3", {"GetObject", "PutObject", "s3:ListBucket"}, iam::effect::allow, {"arn:aws:s3:::logs", "arn:aws:s3:::logs/*"}));
    EXPECT_EQ(doc.json(),
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject",)"
              R"("s3:ListBucket"],"Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]})");
    const auto one = iam::policy_document{}.add(iam::statementize("dynamodb", {"*"}, iam::effect::deny, {"*"}));
    EXPECT_EQ(one.json(), R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})");
}

TEST(IamPolicyDocument, EveryElement) {
    iam::policy_statement s;
    s.sid("DenyOutsideVpc")
        .deny()
        .not_action({"iam:*", "sts:Get*"})
        .not_resource("arn:aws:s3:::public/*")
        .condition("StringNotEquals", "aws:SourceVpc", {"vpc-1", "vpc-2"})
        .condition("StringNotEquals", "aws:PrincipalTag/team", "storage")
        .condition("ForAnyValue:StringLike", "s3:prefix", {"home/\"quoted\"\\"})
        .condition("DateLessThanIfExists", "aws:CurrentTime", "2030-01-01T00:00:00Z");
    iam::policy_statement trust;
    trust.sid("Trust").allow().principal("Service", "lambda.amazonaws.com").principal("AWS", "arn:aws:iam::123456789012:root")
        .principal("AWS", "111122223333").action("sts:AssumeRole");
    iam::policy_statement everyone;
    everyone.allow().principal("*").action("s3:GetObject").resource("arn:aws:s3:::site/*");
    iam::policy_statement but;
    but.deny().not_principal("AWS", "arn:aws:iam::123456789012:user/ada").action("s3:*").resource("*");
    const auto doc = iam::policy_document{}.id("cirrus-1").add(s).add(trust).add(everyone).add(but);
    EXPECT_EQ(doc.json(),
              R"({"Version":"2012-10-17","Id":"cirrus-1","Statement":[)"
              R"({"Sid":"DenyOutsideVpc","Effect":"Deny","NotAction":["iam:*","sts:Get*"],"NotResource":"arn:aws:s3:::public/*",)"
              R"("Condition":{"StringNotEquals":{"aws:SourceVpc":["vpc-1","vpc-2"],"aws:PrincipalTag/team":"storage"},)"
              R"("ForAnyValue:StringLike":{"s3:prefix":"home/\"quoted\"\\"},)"
              R"("DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},)"
              R"({"Sid":"Trust","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com",)"
              R"("AWS":["arn:aws:iam::123456789012:root","111122223333"]},"Action":"sts:AssumeRole"},)"
              R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"},)"
              R"({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/ada"},"Action":"s3:*","Resource":"*"}]})");
    EXPECT_EQ(iam::policy_document::trust_service("lambda.amazonaws.com").json(),
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
              R"("Action":"sts:AssumeRole"}]})");
}

TEST(IamPolicyDocument, MalformedDocumentsAreRefusedWithAReason) {
    EXPECT_EQ(refusal(iam::policy_document{}.add(reads_bucket())), "");
    EXPECT_NE(refusal(iam::policy_document{}), "");                                   // no statement
    EXPECT_NE(refusal(iam::policy_document{}.version("2020-01-01").add(reads_bucket())), ""); // version
    auto no_effect = iam::policy_statement{}.action("s3:GetObject").resource("*");
    EXPECT_NE(refusal(iam::policy_document{}.add(no_effect)).find("Effect"), std::string::npos);
    auto no_action = iam::policy_statement{}.allow().resource("*");
    EXPECT_NE(refusal(iam::policy_document{}.add(no_action)), "");
    auto both_actions = iam::policy_statement{}.allow().action("s3:GetObject").not_action("s3:PutObject").resource("*");
    EXPECT_NE(refusal(iam::policy_document{}.add(both_actions)), "");
    auto both_resources = iam::policy_statement{}.allow().action("s3:GetObject").resource("*").not_resource("*");
    EXPECT_NE(refusal(iam::policy_document{}.add(both_resources)), "");
    auto nothing = iam::policy_statement{}.allow().action("s3:GetObject");
    EXPECT_NE(refusal(iam::policy_document{}.add(nothing)).find("Resource"), std::string::npos);
    auto bad_action = iam::policy_statement{}.allow().action("GetObject").resource("*");
    EXPECT_NE(refusal(iam::policy_document{}.add(bad_action)).find("GetObject"), std::string::npos);
    auto bad_resource = iam::policy_statement{}.allow().action("s3:GetObject").resource("bucket/*");
    EXPECT_NE(refusal(iam::policy_document{}.add(bad_resource)).find("bucket/*"), std::string::npos);
    auto short_arn = iam::policy_statement{}.allow().action("s3:GetObject").resource("arn:aws:s3");
    EXPECT_NE(refusal(iam::policy_document{}.add(short_arn)), "");
    auto bad_principal = iam::policy_statement{}.allow().principal("Robot", "r2").action("sts:AssumeRole");
    EXPECT_NE(refusal(iam::policy_document{}.add(bad_principal)).find("Robot"), std::string::npos);
    auto empty_principal = iam::policy_statement{}.allow().principal("Service").action("sts:AssumeRole");
    EXPECT_NE(refusal(iam::policy_document{}.add(empty_principal)), "");
    auto bad_op = reads_bucket().condition("StringSortOf", "aws:SourceIp", "1.2.3.4");
    EXPECT_NE(refusal(iam::policy_document{}.add(bad_op)).find("StringSortOf"), std::string::npos);
    auto null_if_exists = reads_bucket().condition("NullIfExists", "aws:TokenIssueTime", "true");
    EXPECT_NE(refusal(iam::policy_document{}.add(null_if_exists)), "");
    auto no_values = reads_bucket().condition("StringEquals", "aws:SourceVpc", std::initializer_list<std::string_view>{});
    EXPECT_NE(refusal(iam::policy_document{}.add(no_values)), "");
    auto bad_sid = reads_bucket().sid("has space");
    EXPECT_NE(refusal(iam::policy_document{}.add(bad_sid)), "");
    EXPECT_NE(refusal(iam::policy_document{}.add(reads_bucket().sid("A")).add(reads_bucket().sid("A"))).find("twice"),
              std::string::npos);
    // json() throws with the same reason.
    try {
        (void)iam::policy_document{}.add(no_effect).json();
        ADD_FAILURE() << "no exception";
    } catch (const cirrus::error_with_diagnostics& e) {
        EXPECT_EQ(e.code(), iam::errc::malformed_policy_document);
        EXPECT_NE(e.get_diagnostics().message.find("Effect"), std::string::npos);
    }
}

namespace {

using cirrus::test::sync;

std::string unique(std::string_view base) {
    static std::mt19937_64 rng(std::random_device{}());
    return std::string(base) + "-" + std::to_string(rng() % 1000000000);
}

} // namespace

TEST(IamPolicyDocument, RoundTripThroughMoto) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(),
                    {.region = "us-east-1",
                     .endpoint = cirrus::test::moto_endpoint(),
                     .credentials = cirrus::auth::any_credentials_provider(
                         cirrus::auth::static_provider("AKIDCIRRUSPOLICY", "cirrus-policy-secret"))});
    iam::policy_statement list;
    list.sid("List").allow().action("s3:ListBucket").resource("arn:aws:s3:::cirrus-logs").condition(
        "StringLike", "s3:prefix", {"2024/*", "2025/*"});
    const std::string doc =
        iam::policy_document{}
            .add(iam::statementize("s3", {"GetObject", "PutObject"}, iam::effect::allow, {"arn:aws:s3:::cirrus-logs/*"}))
            .add(list)
            .json();
    auto [ec, pol] = sync(ioc, c.async_create_policy({.policy_name = unique("cirrus-built"), .policy_document = doc},
                                                     asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    auto [vec, v] = sync(ioc, c.async_get_policy_version({.policy_arn = pol.arn, .version_id = pol.default_version_id},
                                                         asio::deferred));
    ASSERT_FALSE(vec) << vec.message();
    EXPECT_EQ(v.document, doc);

    const std::string trust = iam::policy_document::trust_service("lambda.amazonaws.com").json();
    const std::string rname = unique("cirrus-built-role");
    auto [rec, r] = sync(ioc, c.async_create_role({.role_name = rname, .assume_role_policy_document = trust},
                                                  asio::deferred));
    ASSERT_FALSE(rec) << rec.message() << ": " << c.last_diagnostics().message;
    auto [grec, got] = sync(ioc, c.async_get_role({.role_name = rname}, asio::deferred));
    ASSERT_FALSE(grec);
    EXPECT_EQ(got.assume_role_policy_document, trust);
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_role({.role_name = rname}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_policy({.policy_arn = pol.arn}, asio::deferred))));
}
