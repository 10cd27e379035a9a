// RDS IAM authentication tokens against tokens made by botocore 1.44.18 with the same
// clock and credentials. The expected tokens were printed by
//   ~/.cache/cirrus/venv/moto/bin/python tests/data/rds/botocore_rds_token.py
// (RDS.Client.generate_db_auth_token with botocore.auth.get_current_datetime patched to
// 2026-01-02T03:04:05Z); the script lists the cases.

#include <cirrus/postgres/rds_auth.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pg = cirrus::postgres;
using namespace std::chrono;

namespace {

system_clock::time_point fixed_time() {
    return sys_days{year{2026} / January / 2} + hours{3} + minutes{4} + seconds{5};
}

cirrus::auth::credentials creds(std::string token = {}) {
    cirrus::auth::credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.session_token = std::move(token);
    return c;
}

} // namespace

TEST(RdsAuthToken, MatchesBotocoreForLongTermCredentials) {
    pg::rds_token_params p;
    p.host = "mydb.abc123.us-east-1.rds.amazonaws.com";
    p.port = 5432;
    p.user = "iam_user";
    p.region = "us-east-1";
    p.time = fixed_time();
    auto token = pg::make_rds_auth_token(p, creds());
    ASSERT_TRUE(token) << token.error().message();
    EXPECT_EQ(*token, "mydb.abc123.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user"
                      "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIDEXAMPLE%2F20260102%2Fus-east-1%2Frds-db%2Faws4_request"
                      "&X-Amz-Date=20260102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                      "&X-Amz-Signature=2c03c40fcdf427c25d7405d240a99d4ab78e4ae64cd716f28a9532f640ec0a2e");
}

TEST(RdsAuthToken, MatchesBotocoreWithSessionTokenAndAUserToEncode) {
    pg::rds_token_params p;
    p.host = "db.example.com";
    p.port = 5433;
    p.user = "app user@x";
    p.region = "eu-west-1";
    p.time = fixed_time();
    cirrus::auth::sigv4::signer signer;
    auto token = pg::make_rds_auth_token(signer, p, creds("IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"));
    ASSERT_TRUE(token) << token.error().message();
    EXPECT_EQ(*token, "db.example.com:5433/?Action=connect&DBUser=app%20user%40x"
                      "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIDEXAMPLE%2F20260102%2Feu-west-1%2Frds-db%2Faws4_request"
                      "&X-Amz-Date=20260102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                      "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2Ftoken%2Bwith%3Dchars"
                      "&X-Amz-Signature=0dea858cde8b6fee03bc7104f6729e814435bf501b22e82bcd6dbe042726697d");
    // The same signer again (its key cache warm) gives the same token.
    auto again = pg::make_rds_auth_token(signer, p, creds("IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *token);
}

TEST(RdsAuthToken, DefaultTimeIsNowAndExpiryIsFifteenMinutes) {
    pg::rds_token_params p;
    p.host = "db.example.com";
    p.user = "u";
    p.region = "us-west-2";
    auto token = pg::make_rds_auth_token(p, creds());
    ASSERT_TRUE(token);
    EXPECT_TRUE(token->starts_with("db.example.com:5432/?Action=connect&DBUser=u&"));
    EXPECT_NE(token->find("&X-Amz-Expires=900&"), std::string::npos);
    EXPECT_EQ(token->find("&X-Amz-Date=1970"), std::string::npos) << "signed at the epoch, not now";
}

TEST(RdsAuthToken, RefusesMissingInputs) {
    pg::rds_token_params p;
    p.host = "db.example.com";
    p.user = "u";
    p.region = "us-west-2";
    p.time = fixed_time();
    auto no_host = p;
    no_host.host = {};
    EXPECT_EQ(pg::make_rds_auth_token(no_host, creds()).error(), cirrus::errc::empty_host);
    auto no_user = p;
    no_user.user = {};
    EXPECT_EQ(pg::make_rds_auth_token(no_user, creds()).error(), cirrus::errc::invalid_argument);
    auto no_region = p;
    no_region.region = {};
    EXPECT_EQ(pg::make_rds_auth_token(no_region, creds()).error(), cirrus::errc::invalid_argument);
    cirrus::auth::credentials none;
    EXPECT_EQ(pg::make_rds_auth_token(p, none).error(), cirrus::errc::missing_credentials);
}
