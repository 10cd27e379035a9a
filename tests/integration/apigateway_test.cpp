// The API Gateway (REST API) client against moto: every operation, typed errors with the
// service's code and request id, the async shape, and apigateway::async_deploy_function
// (a Lambda function behind a new API, and its cleanup when a step fails).

#include "support/error_tuple.hpp"
#include "support/http_sync.hpp"
#include "support/services.hpp"

#include <cirrus/apigateway/apigateway.hpp>
#include <cirrus/aws/detail/query.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/lambda/lambda.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace apigw = cirrus::apigateway;
namespace lambda = cirrus::lambda;
using cirrus::diagnostics;
using cirrus::error_code;
using cirrus::test::sync;

namespace {

cirrus::aws::service_options moto_options() {
    return {.region = "us-east-1",
            .endpoint = cirrus::test::moto_endpoint(),
            .credentials = cirrus::auth::any_credentials_provider(
                cirrus::auth::static_provider("AKIDCIRRUSAPIGW", "cirrus-apigw-secret"))};
}

std::string unique(std::string_view base) {
    static std::mt19937_64 rng(std::random_device{}());
    return std::string(base) + "-" + std::to_string(rng() % 1000000000);
}

constexpr std::string_view some_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cirrus-apigw";

class ApiGateway : public ::testing::Test {
protected:
    // An API with one resource "/hello" and its ANY method calling a function.
    void make_api_with_method() {
        auto [ec, a] = sync(ioc_, c_.async_create_rest_api({.name = unique("cirrus-api")}, asio::deferred));
        ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
        api_ = a;
        auto [rec, r] = sync(ioc_, c_.async_create_resource(
                                       {.rest_api_id = api_.id, .parent_id = api_.root_resource_id, .path_part = "hello"},
                                       asio::deferred));
        ASSERT_FALSE(rec) << rec.message();
        resource_ = r.id;
        auto [mec, m] = sync(ioc_, c_.async_put_method(
                                       {.rest_api_id = api_.id, .resource_id = resource_, .http_method = "ANY"},
                                       asio::deferred));
        ASSERT_FALSE(mec) << mec.message();
        const std::string uri = apigw::lambda_integration_uri("us-east-1", some_function_arn);
        auto [iec, i] = sync(ioc_, c_.async_put_integration({.rest_api_id = api_.id,
                                                             .resource_id = resource_,
                                                             .http_method = "ANY",
                                                             .type = "AWS_PROXY",
                                                             .integration_http_method = "POST",
                                                             .uri = uri},
                                                            asio::deferred));
        ASSERT_FALSE(iec) << iec.message() << ": " << c_.last_diagnostics().what();
    }
    void TearDown() override {
        if (!api_.id.empty()) sync(ioc_, c_.async_delete_rest_api({.rest_api_id = api_.id}, asio::deferred));
    }

    asio::io_context ioc_;
    apigw::client<> c_{ioc_.get_executor(), moto_options()};
    apigw::rest_api api_;
    std::string resource_;
};

} // namespace

TEST_F(ApiGateway, RestApiResourcesMethodsAndIntegration) {
    const std::string name = unique("cirrus-api");
    const cirrus::string_pair tags[] = {{"team", "cirrus"}};
    auto [ec, a] = sync(ioc_, c_.async_create_rest_api({.name = name,
                                                        .description = "the cirrus test API",
                                                        .endpoint_type = "REGIONAL",
                                                        .tags = cirrus::pairs_view(tags)},
                                                       asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    api_ = a;
    EXPECT_EQ(a.name, name);
    EXPECT_EQ(a.description, "the cirrus test API");
    EXPECT_EQ(a.endpoint_types, std::vector<std::string>{"REGIONAL"});
    EXPECT_EQ(a.api_key_source, "HEADER");
    EXPECT_EQ(a.tags.at("team"), "cirrus");
    EXPECT_FALSE(a.id.empty());
    EXPECT_FALSE(a.root_resource_id.empty());

    auto [gec, g] = sync(ioc_, c_.async_get_rest_api({.rest_api_id = a.id}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(g.name, name);
    EXPECT_EQ(g.root_resource_id, a.root_resource_id);

    auto [lec, page] = sync(ioc_, c_.async_get_resources({.rest_api_id = a.id}, asio::deferred));
    ASSERT_FALSE(lec) << lec.message();
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].path, "/");
    EXPECT_EQ(page.items[0].id, a.root_resource_id);
    EXPECT_TRUE(page.position.empty());

    auto [rec, r] = sync(ioc_, c_.async_create_resource(
                                   {.rest_api_id = a.id, .parent_id = a.root_resource_id, .path_part = "orders"},
                                   asio::deferred));
    ASSERT_FALSE(rec) << rec.message();
    EXPECT_EQ(r.path, "/orders");
    EXPECT_EQ(r.path_part, "orders");
    EXPECT_EQ(r.parent_id, a.root_resource_id);
    auto [cec, child] = sync(ioc_, c_.async_create_resource({.rest_api_id = a.id, .parent_id = r.id, .path_part = "{id}"},
                                                            asio::deferred));
    ASSERT_FALSE(cec) << cec.message();
    EXPECT_EQ(child.path, "/orders/{id}");

    auto [mec, m] = sync(ioc_, c_.async_put_method({.rest_api_id = a.id,
                                                    .resource_id = child.id,
                                                    .http_method = "GET",
                                                    .api_key_required = true},
                                                   asio::deferred));
    ASSERT_FALSE(mec) << mec.message();
    EXPECT_EQ(m.http_method, "GET");
    EXPECT_EQ(m.authorization_type, "NONE");
    EXPECT_TRUE(m.api_key_required);
    EXPECT_FALSE(m.has_integration);

    const std::string uri = apigw::lambda_integration_uri("us-east-1", some_function_arn);
    EXPECT_EQ(uri, "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:us-east-1:123456789012:function:cirrus-apigw/invocations");
    auto [iec, integ] = sync(ioc_, c_.async_put_integration({.rest_api_id = a.id,
                                                             .resource_id = child.id,
                                                             .http_method = "GET",
                                                             .type = "AWS_PROXY",
                                                             .integration_http_method = "POST",
                                                             .uri = uri},
                                                            asio::deferred));
    ASSERT_FALSE(iec) << iec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(integ.type, "AWS_PROXY");
    EXPECT_EQ(integ.http_method, "POST");
    EXPECT_EQ(integ.uri, uri);

    auto [gmec, gm] = sync(ioc_, c_.async_get_method({.rest_api_id = a.id, .resource_id = child.id, .http_method = "GET"},
                                                     asio::deferred));
    ASSERT_FALSE(gmec) << gmec.message();
    EXPECT_TRUE(gm.api_key_required);
    ASSERT_TRUE(gm.has_integration);
    EXPECT_EQ(gm.method_integration.type, "AWS_PROXY");
    EXPECT_EQ(gm.method_integration.uri, uri);

    // Every resource through the pager, with their methods embedded. moto 5.2.5 ignores
    // limit and answers one page without position.
    std::set<std::string> paths;
    bool saw_method = false;
    auto walk = asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto pages = c_.get_resources_pages({.rest_api_id = a.id, .limit = 2, .embed_methods = true});
            while (auto res = co_await pages.async_next()) {
                paths.insert(res->path);
                if (res->id == child.id && res->resource_methods.count("GET") == 1)
                    saw_method = res->resource_methods.at("GET").method_integration.uri == uri;
            }
        },
        asio::use_future);
    ioc_.restart();
    ioc_.run();
    walk.get();
    EXPECT_EQ(paths, (std::set<std::string>{"/", "/orders", "/orders/{id}"}));
    EXPECT_TRUE(saw_method);

    auto [dec, d] = sync(ioc_, c_.async_delete_resource({.rest_api_id = a.id, .resource_id = child.id}, asio::deferred));
    ASSERT_FALSE(dec) << dec.message();
    auto [l2ec, page2] = sync(ioc_, c_.async_get_resources({.rest_api_id = a.id}, asio::deferred));
    ASSERT_FALSE(l2ec);
    EXPECT_EQ(page2.items.size(), 2u);

    auto [daec, da] = sync(ioc_, c_.async_delete_rest_api({.rest_api_id = a.id}, asio::deferred));
    ASSERT_FALSE(daec) << daec.message();
    diagnostics diag;
    auto [nec, none] = sync(ioc_, c_.async_get_rest_api({.rest_api_id = a.id}, diag, asio::deferred));
    EXPECT_EQ(nec, apigw::errc::not_found) << nec.message();
    EXPECT_EQ(diag.service_code, "NotFoundException");
    EXPECT_EQ(diag.http_status, 404u);
    EXPECT_EQ(diag.message, "Invalid Rest API Id specified");
    EXPECT_FALSE(diag.request_id.empty());
    api_ = {};
}

TEST_F(ApiGateway, DeploymentsAndStages) {
    make_api_with_method();
    ASSERT_FALSE(HasFatalFailure());
    auto [dec, dep] = sync(ioc_, c_.async_create_deployment({.rest_api_id = api_.id, .description = "first"},
                                                            asio::deferred));
    ASSERT_FALSE(dec) << dec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_FALSE(dep.id.empty());
    EXPECT_EQ(dep.description, "first");

    const cirrus::string_pair vars[] = {{"table", "orders"}};
    auto [sec, st] = sync(ioc_, c_.async_create_stage({.rest_api_id = api_.id,
                                                       .stage_name = "prod",
                                                       .deployment_id = dep.id,
                                                       .description = "production",
                                                       .variables = cirrus::pairs_view(vars)},
                                                      asio::deferred));
    ASSERT_FALSE(sec) << sec.message();
    EXPECT_EQ(st.stage_name, "prod");
    EXPECT_EQ(st.deployment_id, dep.id);
    EXPECT_EQ(st.description, "production");
    EXPECT_EQ(st.variables.at("table"), "orders");

    auto [gec, got] = sync(ioc_, c_.async_get_stage({.rest_api_id = api_.id, .stage_name = "prod"}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(got.deployment_id, dep.id);
    EXPECT_EQ(got.variables.at("table"), "orders");

    // The same stage again: ConflictException (409).
    diagnostics diag;
    auto [cec, dup] = sync(ioc_, c_.async_create_stage(
                                     {.rest_api_id = api_.id, .stage_name = "prod", .deployment_id = dep.id}, diag,
                                     asio::deferred));
    EXPECT_EQ(cec, apigw::errc::conflict) << cec.message();
    EXPECT_EQ(diag.service_code, "ConflictException");
    EXPECT_EQ(diag.http_status, 409u);
    EXPECT_EQ(diag.message, "Stage already exists");
    EXPECT_FALSE(diag.request_id.empty());

    // A deployment that creates its stage.
    auto [d2ec, dep2] = sync(ioc_, c_.async_create_deployment({.rest_api_id = api_.id, .stage_name = "dev"},
                                                              asio::deferred));
    ASSERT_FALSE(d2ec) << d2ec.message();
    auto [g2ec, dev] = sync(ioc_, c_.async_get_stage({.rest_api_id = api_.id, .stage_name = "dev"}, asio::deferred));
    ASSERT_FALSE(g2ec) << g2ec.message();
    EXPECT_EQ(dev.deployment_id, dep2.id);

    auto [xec, x] = sync(ioc_, c_.async_delete_stage({.rest_api_id = api_.id, .stage_name = "prod"}, asio::deferred));
    ASSERT_FALSE(xec) << xec.message();
    auto [nec, n] = sync(ioc_, c_.async_get_stage({.rest_api_id = api_.id, .stage_name = "prod"}, diag, asio::deferred));
    EXPECT_EQ(nec, apigw::errc::not_found) << nec.message();
    EXPECT_EQ(diag.message, "Invalid stage identifier specified");
    auto [n2ec, n2] = sync(ioc_, c_.async_delete_stage({.rest_api_id = api_.id, .stage_name = "prod"}, diag,
                                                       asio::deferred));
    EXPECT_EQ(n2ec, apigw::errc::not_found) << n2ec.message();
}

TEST_F(ApiGateway, UsagePlansAndApiKeys) {
    make_api_with_method();
    ASSERT_FALSE(HasFatalFailure());
    auto [dec, dep] = sync(ioc_, c_.async_create_deployment({.rest_api_id = api_.id, .stage_name = "prod"},
                                                            asio::deferred));
    ASSERT_FALSE(dec) << dec.message();

    const apigw::api_stage stages[] = {{.api_id = api_.id, .stage = "prod"}};
    const std::string plan_name = unique("cirrus-plan");
    auto [pec, plan] = sync(ioc_, c_.async_create_usage_plan({.name = plan_name,
                                                              .description = "ten a second",
                                                              .api_stages = stages,
                                                              .throttle = {.rate_limit = 10.5, .burst_limit = 20},
                                                              .quota = {.limit = 1000, .period = "WEEK", .offset = 1}},
                                                             asio::deferred));
    ASSERT_FALSE(pec) << pec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(plan.name, plan_name);
    EXPECT_EQ(plan.description, "ten a second");
    ASSERT_EQ(plan.api_stages.size(), 1u);
    EXPECT_EQ(plan.api_stages[0].api_id, api_.id);
    EXPECT_EQ(plan.api_stages[0].stage, "prod");
    EXPECT_EQ(plan.throttle_rate_limit, 10.5);
    EXPECT_EQ(plan.throttle_burst_limit, 20);
    EXPECT_EQ(plan.quota_limit, 1000);
    EXPECT_EQ(plan.quota_period, "WEEK");
    EXPECT_EQ(plan.quota_offset, 1);

    auto [gpec, gp] = sync(ioc_, c_.async_get_usage_plan({.usage_plan_id = plan.id}, asio::deferred));
    ASSERT_FALSE(gpec) << gpec.message();
    EXPECT_EQ(gp.throttle_burst_limit, 20);
    EXPECT_EQ(gp.quota_period, "WEEK");

    const std::string value = unique("cirrus-key-value-0123456789");
    auto [kec, key] = sync(ioc_, c_.async_create_api_key({.name = "cirrus-key", .value = value}, asio::deferred));
    ASSERT_FALSE(kec) << kec.message();
    EXPECT_EQ(key.value, value);
    EXPECT_TRUE(key.enabled);
    EXPECT_EQ(key.name, "cirrus-key");
    auto [gkec, gk] = sync(ioc_, c_.async_get_api_key({.api_key_id = key.id}, asio::deferred));
    ASSERT_FALSE(gkec) << gkec.message();
    EXPECT_EQ(gk.value, value);

    // A key whose value the service makes up.
    auto [k2ec, key2] = sync(ioc_, c_.async_create_api_key({.name = "cirrus-key2", .enabled = false}, asio::deferred));
    ASSERT_FALSE(k2ec) << k2ec.message();
    EXPECT_GE(key2.value.size(), 20u);
    EXPECT_FALSE(key2.enabled);

    auto [upec, upk] = sync(ioc_, c_.async_create_usage_plan_key({.usage_plan_id = plan.id, .key_id = key.id},
                                                                 asio::deferred));
    ASSERT_FALSE(upec) << upec.message();
    EXPECT_EQ(upk.id, key.id);
    EXPECT_EQ(upk.type, "API_KEY");
    EXPECT_EQ(upk.value, value);

    diagnostics diag;
    // The same value again: ConflictException.
    auto [cec, c] = sync(ioc_, c_.async_create_api_key({.name = "again", .value = value}, diag, asio::deferred));
    EXPECT_EQ(cec, apigw::errc::conflict) << cec.message();
    EXPECT_EQ(diag.message, "API Key already exists");
    // A key that does not exist.
    auto [bec, b] = sync(ioc_, c_.async_create_usage_plan_key({.usage_plan_id = plan.id, .key_id = "cirrusnokey"}, diag,
                                                              asio::deferred));
    EXPECT_EQ(bec, apigw::errc::not_found) << bec.message();
    EXPECT_EQ(diag.message, "Invalid API Key identifier specified");

    for (const auto* k : {&key, &key2}) {
        auto [x, none] = sync(ioc_, c_.async_delete_api_key({.api_key_id = k->id}, asio::deferred));
        EXPECT_FALSE(x) << x.message();
    }
    auto [gnec, gn] = sync(ioc_, c_.async_get_api_key({.api_key_id = key.id}, diag, asio::deferred));
    EXPECT_EQ(gnec, apigw::errc::not_found) << gnec.message();
    auto [dpec, dp] = sync(ioc_, c_.async_delete_usage_plan({.usage_plan_id = plan.id}, asio::deferred));
    ASSERT_FALSE(dpec) << dpec.message();
    auto [gp2ec, gp2] = sync(ioc_, c_.async_get_usage_plan({.usage_plan_id = plan.id}, diag, asio::deferred));
    EXPECT_EQ(gp2ec, apigw::errc::not_found) << gp2ec.message();
    EXPECT_EQ(diag.service_code, "NotFoundException");
    EXPECT_EQ(diag.message, "Invalid Usage Plan ID specified");
}

TEST_F(ApiGateway, TypedErrors) {
    make_api_with_method();
    ASSERT_FALSE(HasFatalFailure());
    diagnostics diag;
    // An AWS_PROXY integration without its HTTP method: BadRequestException (400).
    auto [bec, b] = sync(ioc_, c_.async_put_integration({.rest_api_id = api_.id,
                                                         .resource_id = resource_,
                                                         .http_method = "ANY",
                                                         .type = "AWS_PROXY",
                                                         .uri = "arn:aws:apigateway:us-east-1:lambda:path/x"},
                                                        diag, asio::deferred));
    EXPECT_EQ(bec, apigw::errc::bad_request) << bec.message();
    EXPECT_EQ(diag.service_code, "BadRequestException");
    EXPECT_EQ(diag.http_status, 400u);
    EXPECT_EQ(diag.message, "Enumeration value for HttpMethod must be non-empty");
    EXPECT_FALSE(diag.request_id.empty());
    // A method that is not there.
    auto [mec, m] = sync(ioc_, c_.async_get_method({.rest_api_id = api_.id, .resource_id = resource_, .http_method = "PUT"},
                                                   diag, asio::deferred));
    EXPECT_EQ(mec, apigw::errc::not_found) << mec.message();
    EXPECT_EQ(diag.message, "Invalid Method identifier specified");
    // A parent that is not there.
    auto [rec, r] = sync(ioc_, c_.async_create_resource({.rest_api_id = api_.id, .parent_id = "cirrusnone", .path_part = "x"},
                                                        diag, asio::deferred));
    EXPECT_EQ(rec, apigw::errc::not_found) << rec.message();
    EXPECT_EQ(diag.message, "Invalid resource identifier specified");
    // A deployment of an API whose method has no integration: moto 5.2.5 answers
    // NotFoundException with HTTP status 400 (real API Gateway: BadRequestException).
    auto [aec, a] = sync(ioc_, c_.async_create_rest_api({.name = unique("cirrus-bare")}, asio::deferred));
    ASSERT_FALSE(aec);
    sync(ioc_, c_.async_put_method({.rest_api_id = a.id, .resource_id = a.root_resource_id, .http_method = "GET"},
                                   asio::deferred));
    auto [dec, d] = sync(ioc_, c_.async_create_deployment({.rest_api_id = a.id}, diag, asio::deferred));
    EXPECT_TRUE(dec == apigw::errc::not_found || dec == apigw::errc::bad_request) << dec.message();
    EXPECT_EQ(diag.http_status, 400u);
    EXPECT_EQ(diag.message, "No integration defined for method");
    sync(ioc_, c_.async_delete_rest_api({.rest_api_id = a.id}, asio::deferred));
}

TEST_F(ApiGateway, AsyncShape) {
    // The one-liner: a client from the coroutine's executor, braced requests inside
    // co_await, the default token (throws error_with_diagnostics).
    auto fut = asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<std::string> {
            apigw::client<> api(co_await asio::this_coro::executor, moto_options());
            auto a = co_await api.async_create_rest_api({.name = "cirrus-shape"});
            co_await api.async_delete_rest_api({.rest_api_id = a.id});
            try {
                co_await api.async_get_rest_api({.rest_api_id = a.id});
            } catch (const cirrus::error_with_diagnostics& e) {
                co_return a.name + "|" + e.get_diagnostics().service_code;
            }
            co_return "no exception";
        },
        asio::use_future);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(fut.get(), "cirrus-shape|NotFoundException");

    // A callback, and the diagnostics kept on the client.
    error_code got;
    c_.async_get_usage_plan({.usage_plan_id = "cirrusnone"}, [&](error_code ec, apigw::usage_plan) { got = ec; });
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(got, apigw::errc::not_found);
    EXPECT_EQ(c_.last_diagnostics().service_code, "NotFoundException");
    EXPECT_FALSE(c_.last_diagnostics().request_id.empty());
}

// ------------------------------------------------------------------ the one-call deploy

namespace {

void moto_lambda_without_containers() {
    const auto ep = cirrus::test::parse_endpoint(cirrus::test::moto_endpoint());
    const auto res = cirrus::test::http_exchange(ep, "POST", "/moto-api/config",
                                                 {{"Host", ep.host_header()}, {"Content-Type", "application/json"}},
                                                 R"({"lambda":{"use_docker":false}})");
    ASSERT_EQ(res.status / 100, 2u) << res.status << " " << res.body;
}

// The zip of "h.py" ("def h(e, c):\n    return e\n"), stored, as Python's zipfile writes it.
std::string tiny_zip() {
    static const unsigned char bytes[] = {
        0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x58, 0x78, 0xa2, 0xf8, 0x4b,
        0x1a, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x68, 0x2e, 0x70, 0x79, 0x64, 0x65,
        0x66, 0x20, 0x68, 0x28, 0x65, 0x2c, 0x20, 0x63, 0x29, 0x3a, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x72, 0x65, 0x74,
        0x75, 0x72, 0x6e, 0x20, 0x65, 0x0a, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x21, 0x58, 0x78, 0xa2, 0xf8, 0x4b, 0x1a, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa4, 0x81, 0x00, 0x00, 0x00, 0x00, 0x68, 0x2e,
        0x70, 0x79, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00,
        0x3c, 0x00, 0x00, 0x00, 0x00, 0x00};
    return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

class ApiGatewayDeploy : public ::testing::Test {
protected:
    static void SetUpTestSuite() { moto_lambda_without_containers(); }
    void SetUp() override {
        // The function's role, in moto's IAM (CreateFunction needs it to exist).
        namespace ad = cirrus::aws::detail;
        auto svc = ad::make_service<cirrus::provider::aws>(ioc_.get_executor(),
                                                          {.endpoint_id = "iam", .signing_name = "iam"}, moto_options());
        const std::string role = unique("cirrus-apigw-role");
        auto made = asio::co_spawn(
            ioc_,
            [&]() -> asio::awaitable<error_code> {
                ad::query_form form("CreateRole", "2010-05-08");
                form.add("RoleName", role);
                form.add("AssumeRolePolicyDocument",
                         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
                         R"({"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
                ad::service_call call{.body = form.body(), .content_type = "application/x-www-form-urlencoded"};
                diagnostics diag;
                co_return co_await svc->send(call, diag);
            },
            asio::use_future);
        ioc_.restart();
        ioc_.run();
        ASSERT_FALSE(made.get());
        function_ = unique("cirrus-apigw-fn");
        const std::string role_arn = "arn:aws:iam::123456789012:role/" + role;
        auto [ec, f] = sync(ioc_, fn_.async_create_function({.function_name = function_,
                                                             .role = role_arn,
                                                             .code = {.zip_file = zip_},
                                                             .runtime = "python3.12",
                                                             .handler = "h.h"},
                                                            asio::deferred));
        ASSERT_FALSE(ec) << ec.message() << ": " << fn_.last_diagnostics().what();
        function_arn_ = f.function_arn;
    }
    void TearDown() override { sync(ioc_, fn_.async_delete_function({.function_name = function_}, asio::deferred)); }

    asio::io_context ioc_;
    apigw::client<> api_{ioc_.get_executor(), moto_options()};
    lambda::client<> fn_{ioc_.get_executor(), moto_options()};
    std::string zip_ = tiny_zip();
    std::string function_;
    std::string function_arn_;
};

} // namespace

TEST_F(ApiGatewayDeploy, PutsTheFunctionBehindAnApiWithAPlanAndAKey) {
    auto [ec, d] = sync(ioc_, apigw::async_deploy_function(api_, fn_,
                                                           {.function_name = function_,
                                                            .description = "cirrus deploy",
                                                            .stage_name = "live",
                                                            .throttle = {.rate_limit = 5, .burst_limit = 10},
                                                            .quota = {.limit = 500, .period = "MONTH"}},
                                                           asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << api_.last_diagnostics().what();
    EXPECT_EQ(d.function_arn, function_arn_);
    EXPECT_EQ(d.http_method, "ANY");
    EXPECT_EQ(d.stage_name, "live");
    EXPECT_EQ(d.statement_id, "apigateway-" + d.rest_api_id);
    EXPECT_EQ(d.invoke_url, "https://" + d.rest_api_id + ".execute-api.us-east-1.amazonaws.com/live/" + function_);
    EXPECT_GE(d.api_key_value.size(), 20u);

    auto [aec, a] = sync(ioc_, api_.async_get_rest_api({.rest_api_id = d.rest_api_id}, asio::deferred));
    ASSERT_FALSE(aec) << aec.message();
    EXPECT_EQ(a.name, function_);
    EXPECT_EQ(a.endpoint_types, std::vector<std::string>{"REGIONAL"});
    auto [mec, m] = sync(ioc_, api_.async_get_method(
                                   {.rest_api_id = d.rest_api_id, .resource_id = d.resource_id, .http_method = "ANY"},
                                   asio::deferred));
    ASSERT_FALSE(mec) << mec.message();
    EXPECT_TRUE(m.api_key_required);
    ASSERT_TRUE(m.has_integration);
    EXPECT_EQ(m.method_integration.type, "AWS_PROXY");
    EXPECT_EQ(m.method_integration.http_method, "POST");
    EXPECT_EQ(m.method_integration.uri, apigw::lambda_integration_uri("us-east-1", function_arn_));
    auto [sec, st] = sync(ioc_, api_.async_get_stage({.rest_api_id = d.rest_api_id, .stage_name = "live"}, asio::deferred));
    ASSERT_FALSE(sec) << sec.message();
    EXPECT_EQ(st.deployment_id, d.deployment_id);
    auto [pec, plan] = sync(ioc_, api_.async_get_usage_plan({.usage_plan_id = d.usage_plan_id}, asio::deferred));
    ASSERT_FALSE(pec) << pec.message();
    EXPECT_EQ(plan.name, function_ + "-plan");
    EXPECT_EQ(plan.throttle_rate_limit, 5);
    EXPECT_EQ(plan.throttle_burst_limit, 10);
    EXPECT_EQ(plan.quota_limit, 500);
    EXPECT_EQ(plan.quota_period, "MONTH");
    ASSERT_EQ(plan.api_stages.size(), 1u);
    EXPECT_EQ(plan.api_stages[0].api_id, d.rest_api_id);
    EXPECT_EQ(plan.api_stages[0].stage, "live");
    auto [kec, key] = sync(ioc_, api_.async_get_api_key({.api_key_id = d.api_key_id}, asio::deferred));
    ASSERT_FALSE(kec) << kec.message();
    EXPECT_EQ(key.value, d.api_key_value);
    EXPECT_EQ(key.name, function_ + "-key");
    // The function lets API Gateway call it: the statement is there to remove.
    auto [rec, r] = sync(ioc_, fn_.async_remove_permission({.function_name = function_, .statement_id = d.statement_id},
                                                           asio::deferred));
    EXPECT_FALSE(rec) << rec.message() << ": " << fn_.last_diagnostics().what();

    sync(ioc_, api_.async_delete_api_key({.api_key_id = d.api_key_id}, asio::deferred));
    sync(ioc_, api_.async_delete_usage_plan({.usage_plan_id = d.usage_plan_id}, asio::deferred));
    sync(ioc_, api_.async_delete_rest_api({.rest_api_id = d.rest_api_id}, asio::deferred));
}

TEST_F(ApiGatewayDeploy, AFailedStepDeletesWhatWasCreated) {
    // An API key holding the value the deploy asks for: its CreateApiKey, the second-last
    // step, fails with ConflictException after the API, permission, stage and plan exist.
    const std::string value = unique("cirrus-taken-key-value-0123");
    auto [kec, taken] = sync(ioc_, api_.async_create_api_key({.name = "taken", .value = value}, asio::deferred));
    ASSERT_FALSE(kec) << kec.message();

    diagnostics diag;
    auto [ec, d] = sync(ioc_, apigw::async_deploy_function(
                                  api_, fn_, {.function_name = function_, .api_key_value = value, .statement_id = "cirrus-api"},
                                  diag, asio::deferred));
    EXPECT_EQ(ec, apigw::errc::conflict) << ec.message();
    EXPECT_EQ(diag.service_code, "ConflictException");
    EXPECT_EQ(diag.message, "CreateApiKey: API Key already exists");
    EXPECT_FALSE(diag.request_id.empty());
    EXPECT_TRUE(d.invoke_url.empty());
    ASSERT_FALSE(d.rest_api_id.empty());
    ASSERT_FALSE(d.usage_plan_id.empty());
    EXPECT_TRUE(d.api_key_id.empty());

    // All of it is gone again.
    diagnostics gone;
    auto [aec, a] = sync(ioc_, api_.async_get_rest_api({.rest_api_id = d.rest_api_id}, gone, asio::deferred));
    EXPECT_EQ(aec, apigw::errc::not_found) << aec.message();
    auto [pec, p] = sync(ioc_, api_.async_get_usage_plan({.usage_plan_id = d.usage_plan_id}, gone, asio::deferred));
    EXPECT_EQ(pec, apigw::errc::not_found) << pec.message();
    auto [rec, r] = sync(ioc_, fn_.async_remove_permission({.function_name = function_, .statement_id = "cirrus-api"},
                                                           gone, asio::deferred));
    EXPECT_EQ(rec, lambda::errc::resource_not_found) << rec.message();
    // The key that was there before is not touched.
    auto [tec, t] = sync(ioc_, api_.async_get_api_key({.api_key_id = taken.id}, asio::deferred));
    EXPECT_FALSE(tec) << tec.message();
    sync(ioc_, api_.async_delete_api_key({.api_key_id = taken.id}, asio::deferred));

    // A function that does not exist: nothing is created at all.
    auto [nec, n] = sync(ioc_, apigw::async_deploy_function(api_, fn_, {.function_name = "cirrus-no-such-fn"}, diag,
                                                            asio::deferred));
    EXPECT_EQ(nec, lambda::errc::resource_not_found) << nec.message();
    EXPECT_EQ(diag.message.rfind("GetFunctionConfiguration: ", 0), 0u) << diag.message;
    EXPECT_TRUE(n.rest_api_id.empty());
}

// ------------------------------------------------------------------ canned bytes

TEST(ApiGatewayWire, ParsesWhatTheServiceSends) {
    // GetResources as API Gateway sends it: the list under "item" (its JSON name), a
    // position, and embedded methods.
    std::string body = R"({"item":[{"id":"r0","path":"/"},{"id":"r1","parentId":"r0","pathPart":"hi","path":"/hi",)"
                       R"("resourceMethods":{"ANY":{"httpMethod":"ANY","authorizationType":"NONE","apiKeyRequired":true,)"
                       R"("methodIntegration":{"type":"AWS_PROXY","httpMethod":"POST","uri":"arn:x","timeoutInMillis":29000}}}}],)"
                       R"("position":"cGFnZTI="})";
    apigw::get_resources_result page;
    ASSERT_FALSE(apigw::detail::parse(body, page));
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.position, "cGFnZTI=");
    EXPECT_EQ(page.items[1].parent_id, "r0");
    const auto& m = page.items[1].resource_methods.at("ANY");
    EXPECT_TRUE(m.api_key_required);
    ASSERT_TRUE(m.has_integration);
    EXPECT_EQ(m.method_integration.timeout_ms, 29000);
    EXPECT_EQ(m.method_integration.uri, "arn:x");

    std::string plan_json = R"({"id":"p1","name":"n","apiStages":[{"apiId":"a","stage":"s"}],)"
                            R"("throttle":{"burstLimit":20,"rateLimit":10.5},"quota":{"limit":1000,"offset":0,"period":"DAY"},)"
                            R"("description":null,"tags":null})";
    apigw::usage_plan plan;
    ASSERT_FALSE(apigw::detail::parse(plan_json, plan));
    EXPECT_EQ(plan.throttle_rate_limit, 10.5);
    EXPECT_EQ(plan.throttle_burst_limit, 20);
    EXPECT_EQ(plan.quota_limit, 1000);
    EXPECT_EQ(plan.quota_period, "DAY");
    EXPECT_TRUE(plan.description.empty());
    ASSERT_EQ(plan.api_stages.size(), 1u);
    EXPECT_EQ(plan.api_stages[0].stage, "s");

    std::string html = "<html>500</html>";
    apigw::rest_api api;
    EXPECT_EQ(apigw::detail::parse(html, api), apigw::errc::malformed_response);
    std::string not_a_list = R"({"item":{"id":"x"}})";
    EXPECT_EQ(apigw::detail::parse(not_a_list, page), apigw::errc::malformed_response);
}

TEST(ApiGatewayWire, WritesTheUsagePlanBody) {
    const apigw::api_stage stages[] = {{.api_id = "a1", .stage = "prod"}, {.api_id = "a2", .stage = "dev\"x"}};
    EXPECT_EQ(apigw::detail::create_usage_plan_body({.name = "p",
                                                     .api_stages = stages,
                                                     .throttle = {.rate_limit = 2.5, .burst_limit = 5},
                                                     .quota = {.limit = 100, .period = "WEEK"}}),
              R"({"name":"p","apiStages":[{"apiId":"a1","stage":"prod"},{"apiId":"a2","stage":"dev\"x"}],)"
              R"("throttle":{"rateLimit":2.5,"burstLimit":5},"quota":{"limit":100,"period":"WEEK","offset":0}})");
    // Neither throttle nor quota when they are not set.
    EXPECT_EQ(apigw::detail::create_usage_plan_body({.name = "bare"}), R"({"name":"bare"})");
    EXPECT_EQ(apigw::errc_from_code("NotFoundException"), apigw::errc::not_found);
    EXPECT_EQ(apigw::errc_from_code("AccessDeniedException"), apigw::errc::ok);
}
