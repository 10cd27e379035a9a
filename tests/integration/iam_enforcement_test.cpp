// End to end with moto's signature checking and IAM enforcement switched on
// (POST /moto-api/reset-auth "0"): an IAM user whose only policy allows s3:GetObject on one
// bucket, then the same policy through AssumeRole into a role (sts::assume_role_provider
// behind the cache), then the cleanup of everything under enforcement.
//
// What moto 5.2.5 enforces (moto/iam/access_control.py), and so what is asserted here:
// - every request's SigV4 signature, and for assumed-role keys (ASIA...) the session
//   token, which must be the one STS issued;
// - the identity policies of the caller: a user's inline and attached policies and those
//   of its groups; an assumed role's inline and attached policies. Action and Resource are
//   matched (wildcards), an explicit Deny wins, no Allow is AccessDenied; Conditions are
//   read only in trust policies;
// - AssumeRole needs both an Allow for sts:AssumeRole in the caller's identity policies
//   and the role's trust policy naming the caller's ARN exactly (or "*"). AWS would let a
//   trust policy that names the user suffice on its own; moto does not, so the user here
//   also gets sts:AssumeRole;
// What moto does not enforce (asserted where it matters, so a change shows up):
// - session policies (AssumeRole's Policy): the session keeps all of the role's rights;
// - the expiry of temporary credentials (no check of the session's Expiration);
// - resource-based policies (bucket policies), permission boundaries, SCPs.
// AssumeRoleWithWebIdentity, which is unsigned, fails with a 500 while enforcement is on
// (moto reads the Authorization header of every request), so web identity is tested with
// enforcement off (sts_test.cpp).

#include "support/error_tuple.hpp"
#include "support/http_sync.hpp"
#include "support/services.hpp"

#include <cirrus/iam/iam.hpp>
#include <cirrus/s3/s3.hpp>
#include <cirrus/sts/credentials_providers.hpp>
#include <cirrus/sts/sts.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace asio = boost::asio;
namespace auth = cirrus::auth;
namespace iam = cirrus::iam;
namespace s3 = cirrus::s3;
namespace sts = cirrus::sts;
using cirrus::diagnostics;
using cirrus::test::sync;
using namespace std::chrono_literals;

namespace {

std::string unique(std::string_view base) {
    static std::mt19937_64 rng(std::random_device{}());
    return std::string(base) + "-" + std::to_string(rng() % 1000000000);
}

// The moto-auth lock (tests/cmake/iam.cmake) keeps other tests off moto meanwhile.
void set_moto_auth(std::string_view count) {
    const auto ep = cirrus::test::parse_endpoint(cirrus::test::moto_endpoint());
    const auto res = cirrus::test::http_exchange(ep, "POST", "/moto-api/reset-auth",
                                                 {{"Host", ep.host_header()}, {"Content-Type", "text/plain"}}, count);
    ASSERT_EQ(res.status, 200u) << res.body;
}

class MotoEnforcement : public ::testing::Test {
protected:
    void SetUp() override { set_moto_auth("inf"); }
    void TearDown() override { set_moto_auth("inf"); }

    iam::client_options iam_options(auth::credentials c) {
        return {.region = "us-east-1",
                .endpoint = cirrus::test::moto_endpoint(),
                .credentials = auth::any_credentials_provider(auth::static_provider(std::move(c)))};
    }
    s3::client_options s3_options(auth::any_credentials_provider p) {
        return {.region = "us-east-1", .endpoint = cirrus::test::moto_endpoint(), .credentials = std::move(p)};
    }
    static auth::any_credentials_provider fixed(auth::credentials c) {
        return auth::any_credentials_provider(auth::static_provider(std::move(c)));
    }

    // GetObject of `bucket`/k: the error (none on success) and its diagnostics.
    std::pair<cirrus::error_code, diagnostics> get(s3::client<>& c, const std::string& bucket,
                                                   std::string* body = nullptr) {
        diagnostics diag;
        auto [ec, r] = sync(ioc_, c.async_get_object({.bucket = bucket, .key = "k"}, diag, asio::deferred));
        if (body != nullptr) *body = r.body;
        return {ec, diag};
    }
    std::pair<cirrus::error_code, diagnostics> put(s3::client<>& c, const std::string& bucket) {
        diagnostics diag;
        auto [ec, r] = sync(ioc_, c.async_put_object({.bucket = bucket, .key = "k2", .body = "written"}, diag,
                                                     asio::deferred));
        return {ec, diag};
    }

    static void expect_access_denied(const std::pair<cirrus::error_code, diagnostics>& r, std::string_view what) {
        EXPECT_EQ(r.first, s3::errc::access_denied) << what << ": " << r.first.message() << " " << r.second.what();
        EXPECT_EQ(r.second.service_code, "AccessDenied") << what;
        EXPECT_EQ(r.second.http_status, 403u) << what;
        EXPECT_FALSE(r.second.request_id.empty()) << what << ": " << r.second.what();
    }

    asio::io_context ioc_;
};

} // namespace

TEST_F(MotoEnforcement, OneBucketPolicyForAUserAndForAnAssumedRole) {
    // --- set up with enforcement off
    const auth::credentials setup{"AKIDCIRRUSSETUP", "cirrus-setup-secret", "", std::nullopt};
    iam::client<> admin_iam(ioc_.get_executor(), iam_options(setup));
    s3::client<> setup_s3(ioc_.get_executor(), s3_options(fixed(setup)));
    const std::string allowed = unique("cirrus-allowed"), other = unique("cirrus-other");
    for (const auto* b : {&allowed, &other}) {
        auto [ec, r] = sync(ioc_, setup_s3.async_create_bucket({.bucket = *b}, asio::deferred));
        ASSERT_FALSE(ec) << ec.message() << " " << setup_s3.last_diagnostics().what();
        const std::string content = "in " + *b;
        auto [pec, p] = sync(ioc_,
                             setup_s3.async_put_object({.bucket = *b, .key = "k", .body = content}, asio::deferred));
        ASSERT_FALSE(pec) << pec.message();
    }

    // An administrator, to clean up later with enforcement on.
    const std::string admin_name = unique("cirrus-admin");
    ASSERT_FALSE(std::get<0>(sync(ioc_, admin_iam.async_create_user({.user_name = admin_name}, asio::deferred))));
    const std::string everything =
        iam::policy_document{}.add(iam::policy_statement{}.allow().action("*").resource("*")).json();
    ASSERT_FALSE(std::get<0>(
        sync(ioc_,
             admin_iam.async_put_user_policy({.name = admin_name, .policy_name = "all", .policy_document = everything},
                                             asio::deferred))));
    auto [aec, admin_key] = sync(ioc_, admin_iam.async_create_access_key({.user_name = admin_name}, asio::deferred));
    ASSERT_FALSE(aec);

    // The user: GetObject on one bucket only.
    const std::string user = unique("cirrus-reader");
    auto [uec, created] = sync(ioc_, admin_iam.async_create_user({.user_name = user}, asio::deferred));
    ASSERT_FALSE(uec) << uec.message();
    const std::string read_one = iam::policy_document{}
                                     .add(iam::statementize("s3", {"GetObject"}, iam::effect::allow,
                                                            {"arn:aws:s3:::" + allowed + "/*"}))
                                     .json();
    auto [pec, policy] = sync(ioc_, admin_iam.async_create_policy({.policy_name = unique("cirrus-read-one"),
                                                                   .policy_document = read_one},
                                                                  asio::deferred));
    ASSERT_FALSE(pec) << pec.message() << " " << admin_iam.last_diagnostics().what();
    ASSERT_FALSE(std::get<0>(
        sync(ioc_, admin_iam.async_attach_user_policy({.name = user, .policy_arn = policy.arn}, asio::deferred))));
    auto [kec, key] = sync(ioc_, admin_iam.async_create_access_key({.user_name = user}, asio::deferred));
    ASSERT_FALSE(kec);
    const auth::credentials user_key{key.access_key_id, key.secret_access_key, "", std::nullopt};

    // The role: trusts the user, holds the same policy. A second role trusts someone else.
    const std::string role = unique("cirrus-reader-role"), stranger_role = unique("cirrus-stranger-role");
    const std::string trust_user = iam::policy_document::trust_aws(created.arn).json();
    const std::string trust_other =
        iam::policy_document::trust_aws("arn:aws:iam::123456789012:user/someone-else").json();
    auto [rec, r1] = sync(ioc_,
                          admin_iam.async_create_role({.role_name = role, .assume_role_policy_document = trust_user},
                                                      asio::deferred));
    ASSERT_FALSE(rec) << rec.message();
    auto [r2ec, r2] = sync(ioc_, admin_iam.async_create_role({.role_name = stranger_role,
                                                              .assume_role_policy_document = trust_other},
                                                             asio::deferred));
    ASSERT_FALSE(r2ec);
    for (const auto* r : {&role, &stranger_role})
        ASSERT_FALSE(std::get<0>(
            sync(ioc_, admin_iam.async_attach_role_policy({.name = *r, .policy_arn = policy.arn}, asio::deferred))));

    set_moto_auth("0"); // from here on moto checks every signature and every policy

    // --- the user's key
    {
        s3::client<> as_user(ioc_.get_executor(), s3_options(fixed(user_key)));
        std::string body;
        auto ok = get(as_user, allowed, &body);
        ASSERT_FALSE(ok.first) << ok.first.message() << " " << ok.second.what();
        EXPECT_EQ(body, "in " + allowed);
        expect_access_denied(get(as_user, other), "GetObject on the other bucket");
        expect_access_denied(put(as_user, allowed), "PutObject on the allowed bucket");
    }

    // --- AssumeRole without an identity policy allowing sts:AssumeRole: refused by moto
    // (AWS would accept the trust policy naming the user on its own).
    auto assume = [&](const std::string& role_name, std::string policy = {}) {
        return auth::any_credentials_provider(auth::caching_provider(
            sts::assume_role_provider(user_key,
                                      {.role_arn = "arn:aws:iam::123456789012:role/" + role_name,
                                       .session_name = "reader",
                                       .duration = 900s,
                                       .policy = std::move(policy),
                                       .sts = {.region = "us-east-1", .endpoint = cirrus::test::moto_endpoint()}})));
    };
    auto caller = [&](const auth::any_credentials_provider& p, diagnostics& diag) {
        sts::client<> c(ioc_.get_executor(),
                        {.region = "us-east-1", .endpoint = cirrus::test::moto_endpoint(), .credentials = p});
        return sync(ioc_, c.async_get_caller_identity(diag, asio::deferred));
    };
    {
        diagnostics diag;
        auto [ec, me] = caller(assume(role), diag);
        EXPECT_EQ(ec, cirrus::http::aws_errc::access_denied) << ec.message() << " " << diag.what();
        EXPECT_EQ(diag.service_code, "AccessDenied");
        EXPECT_FALSE(diag.request_id.empty());
        EXPECT_NE(diag.message.find("AssumeRole arn:aws:iam::123456789012:role/" + role), std::string::npos)
            << diag.message;
        EXPECT_EQ(diag.what().find(user_key.secret_access_key), std::string::npos);
    }
    set_moto_auth("inf");
    const std::string may_assume =
        iam::policy_document{}.add(iam::policy_statement{}.allow().action("sts:AssumeRole").resource("*")).json();
    ASSERT_FALSE(std::get<0>(
        sync(ioc_,
             admin_iam.async_put_user_policy({.name = user, .policy_name = "assume", .policy_document = may_assume},
                                             asio::deferred))));
    set_moto_auth("0");

    // --- through the role
    {
        const auto as_role = assume(role);
        diagnostics diag;
        auto [ec, me] = caller(as_role, diag);
        ASSERT_FALSE(ec) << ec.message() << " " << diag.what();
        EXPECT_NE(me.arn.find("assumed-role/" + role + "/reader"), std::string::npos) << me.arn;
        s3::client<> s(ioc_.get_executor(), s3_options(as_role));
        std::string body;
        auto ok = get(s, allowed, &body);
        ASSERT_FALSE(ok.first) << ok.first.message() << " " << ok.second.what();
        EXPECT_EQ(body, "in " + allowed);
        expect_access_denied(get(s, other), "the role's GetObject on the other bucket");
        expect_access_denied(put(s, allowed), "the role's PutObject");

        // The session's key with a session token other than the one STS issued is refused.
        auth::credentials forged;
        {
            sts::assume_role_provider direct(user_key, {.role_arn = "arn:aws:iam::123456789012:role/" + role,
                                                        .session_name = "direct",
                                                        .sts = {.region = "us-east-1",
                                                                .endpoint = cirrus::test::moto_endpoint()}});
            diagnostics d;
            cirrus::result<auth::credentials> got = cirrus::error_code(cirrus::errc::missing_credentials);
            asio::co_spawn(
                ioc_,
                [&]() -> asio::awaitable<void> {
                    got = co_await direct.async_get(std::chrono::system_clock::now(), d);
                },
                asio::detached);
            ioc_.restart();
            ioc_.run();
            ASSERT_TRUE(got) << d.what();
            forged = *got;
            forged.session_token += "x";
        }
        diagnostics forged_diag;
        auto [fec, fme] = caller(fixed(forged), forged_diag);
        EXPECT_EQ(fec, cirrus::http::aws_errc::invalid_access_key_id) << fec.message() << " " << forged_diag.what();
        EXPECT_EQ(forged_diag.service_code, "InvalidClientTokenId");
    }

    // --- the trust policy: a role that trusts someone else
    {
        diagnostics diag;
        auto [ec, me] = caller(assume(stranger_role), diag);
        EXPECT_EQ(ec, cirrus::http::aws_errc::access_denied) << ec.message() << " " << diag.what();
        EXPECT_EQ(diag.service_code, "AccessDenied");
        EXPECT_FALSE(diag.request_id.empty());
    }

    // --- not enforced by moto: a session policy that allows nothing leaves the role's rights
    // (AWS would deny the GetObject).
    {
        const std::string nothing =
            iam::policy_document{}.add(iam::policy_statement{}.deny().action("*").resource("*")).json();
        s3::client<> s(ioc_.get_executor(), s3_options(assume(role, nothing)));
        auto still = get(s, allowed);
        EXPECT_FALSE(still.first) << "moto now applies session policies: " << still.second.what();
    }

    // --- cleanup under enforcement, by the administrator: the user still has its key, an
    // attached and an inline policy; delete_user with cleanup removes them first.
    const auth::credentials admin_creds{admin_key.access_key_id, admin_key.secret_access_key, "", std::nullopt};
    iam::client<> admin(ioc_.get_executor(), iam_options(admin_creds));
    diagnostics diag;
    auto [conflict, c1] = sync(ioc_, admin.async_delete_user({.user_name = user}, diag, asio::deferred));
    EXPECT_EQ(conflict, iam::errc::delete_conflict) << conflict.message() << " " << diag.what();
    auto [dec, d1] = sync(ioc_, admin.async_delete_user({.user_name = user, .cleanup = true}, diag, asio::deferred));
    ASSERT_FALSE(dec) << dec.message() << " " << diag.what();
    auto [gec, g] = sync(ioc_, admin.async_get_user({.user_name = user}, diag, asio::deferred));
    EXPECT_EQ(gec, iam::errc::no_such_entity);
    // The deleted key no longer signs anything.
    {
        s3::client<> as_user(ioc_.get_executor(), s3_options(fixed(user_key)));
        auto gone = get(as_user, allowed);
        EXPECT_EQ(gone.first, s3::errc::invalid_access_key_id) << gone.first.message() << " " << gone.second.what();
    }
    for (const auto* r : {&role, &stranger_role}) {
        auto [ec, d] = sync(ioc_, admin.async_delete_role({.role_name = *r, .cleanup = true}, diag, asio::deferred));
        EXPECT_FALSE(ec) << ec.message() << " " << diag.what();
    }
    auto [pdec, pd] = sync(ioc_, admin.async_delete_policy({.policy_arn = policy.arn}, diag, asio::deferred));
    EXPECT_FALSE(pdec) << pdec.message() << " " << diag.what();
    s3::client<> admin_s3(ioc_.get_executor(), s3_options(fixed(admin_creds)));
    for (const auto* b : {&allowed, &other}) {
        auto [ec, d] = sync(ioc_,
                            admin_s3.async_delete_bucket({.bucket = *b, .empty_first = true}, diag, asio::deferred));
        EXPECT_FALSE(ec) << ec.message() << " " << diag.what();
    }
    set_moto_auth("inf");
    EXPECT_FALSE(std::get<0>(
        sync(ioc_, admin_iam.async_delete_user({.user_name = admin_name, .cleanup = true}, asio::deferred))));
}
