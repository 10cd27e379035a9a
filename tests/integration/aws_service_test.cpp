// The shared core of the non-S3 AWS clients (aws/detail/service.hpp) against moto:
// endpoint resolution through AWS_ENDPOINT_URL_<SERVICE>, SigV4 signing with the
// service's name and region (moto routes by the credential scope), and the error
// envelopes of the query protocol (XML) and of the JSON protocols.

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/provider/aws.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/services.hpp"

namespace {

namespace asio = boost::asio;
namespace aws = cirrus::aws;
using cirrus::diagnostics;
using cirrus::error_code;

aws::service_options moto_options() {
    aws::service_options o;
    o.region = "us-east-1";
    o.credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider("testing", "testing"));
    return o;
}

struct outcome {
    error_code ec;
    diagnostics diag;
    unsigned status = 0;
    std::string body;
};

asio::awaitable<void> call(aws::detail::service& svc, aws::detail::service_call& c, outcome& out) {
    out.ec = co_await svc.send(c, out.diag);
    out.status = c.res.status;
    out.body = c.res.body;
}

// Runs on the io_context the service was made with (its HTTP client state lives there).
outcome run(asio::io_context& io, aws::detail::service& svc, aws::detail::service_call& c) {
    outcome out;
    asio::co_spawn(io, call(svc, c, out), asio::detached);
    io.run();
    return out;
}

} // namespace

TEST(AwsService, ResolvesTheEndpointFromTheServiceVariableAndSigns) {
    ::setenv("AWS_ENDPOINT_URL_STS", cirrus::test::moto_endpoint().c_str(), 1);
    asio::io_context io;
    auto svc = aws::detail::make_service<cirrus::provider::aws>(io.get_executor(), {.endpoint_id = "sts", .signing_name = "sts"},
                                                                moto_options());
    ::unsetenv("AWS_ENDPOINT_URL_STS");
    EXPECT_EQ(svc->signing_region, "us-east-1");
    aws::detail::service_call c{.body = "Action=GetCallerIdentity&Version=2011-06-15",
                                .content_type = "application/x-www-form-urlencoded"};
    outcome out = run(io, *svc, c);
    ASSERT_FALSE(out.ec) << out.ec.message() << ": " << out.diag.message;
    EXPECT_EQ(out.status, 200u);
    EXPECT_NE(out.body.find("<GetCallerIdentityResponse"), std::string::npos) << out.body;
    EXPECT_NE(out.body.find("<Account>"), std::string::npos) << out.body;
    ASSERT_TRUE(c.creds);
    EXPECT_EQ(c.creds->access_key_id, "testing");
}

TEST(AwsService, QueryErrorEnvelopeBecomesTypedDiagnostics) {
    auto o = moto_options();
    o.endpoint = cirrus::test::moto_endpoint();
    asio::io_context io;
    static bool mapped = false;
    aws::detail::service_names names{.endpoint_id = "iam", .signing_name = "iam",
                                     .map_error = [](error_code ec, const diagnostics& d) {
                                         mapped = d.service_code == "NoSuchEntity";
                                         return ec;
                                     }};
    auto svc = aws::detail::make_service<cirrus::provider::aws>(io.get_executor(), names, o);
    aws::detail::service_call c{.body = "Action=GetUser&UserName=cirrus-no-such-user&Version=2010-05-08",
                                .content_type = "application/x-www-form-urlencoded"};
    outcome out = run(io, *svc, c);
    ASSERT_TRUE(out.ec);
    EXPECT_EQ(out.diag.http_status, 404u);
    EXPECT_EQ(out.diag.service_code, "NoSuchEntity");
    EXPECT_NE(out.diag.message.find("cirrus-no-such-user"), std::string::npos) << out.diag.message;
    EXPECT_FALSE(out.diag.request_id.empty());
    EXPECT_TRUE(mapped);
    EXPECT_EQ(out.diag.message.find("testing"), std::string::npos); // no secret
}

TEST(AwsService, JsonErrorEnvelopeBecomesTypedDiagnostics) {
    auto o = moto_options();
    o.endpoint = cirrus::test::moto_endpoint();
    asio::io_context io;
    auto svc = aws::detail::make_service<cirrus::provider::aws>(io.get_executor(),
                                                                {.endpoint_id = "dynamodb", .signing_name = "dynamodb"}, o);
    aws::detail::service_call c{.body = R"({"TableName":"cirrus-no-such-table"})",
                                .content_type = "application/x-amz-json-1.0",
                                .target = "DynamoDB_20120810.DescribeTable"};
    outcome out = run(io, *svc, c);
    ASSERT_TRUE(out.ec);
    EXPECT_EQ(out.diag.http_status, 400u);
    EXPECT_EQ(out.diag.service_code, "ResourceNotFoundException");
    EXPECT_FALSE(out.diag.message.empty());
}

TEST(AwsService, NoEndpointIsAnError) {
    auto o = moto_options();
    o.endpoint = "not a url";
    asio::io_context io;
    auto svc = aws::detail::make_service<cirrus::provider::aws>(io.get_executor(), {.endpoint_id = "sts", .signing_name = "sts"}, o);
    aws::detail::service_call c{.body = "Action=GetCallerIdentity&Version=2011-06-15"};
    outcome out = run(io, *svc, c);
    EXPECT_TRUE(out.ec);
    EXPECT_FALSE(out.diag.message.empty());
}
