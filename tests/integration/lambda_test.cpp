// The Lambda client against moto (functions, versions, aliases, layers, policy, URLs,
// typed errors, Invoke in moto's no-container mode) and Invoke against cargo-lambda's
// Runtime API emulator with a real function process (success, Tail logs, a function error),
// typed JSON payloads (moto, the emulator with a typed C++ function), and a zip streamed
// into a multipart upload (versitygw).

#include "support/error_tuple.hpp"
#include "support/http_sync.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"

#include <cirrus/aws/detail/query.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/lambda/invoke_json.hpp>
#include <cirrus/lambda/lambda.hpp>
#include <cirrus/lambda/layer.hpp>
#include <cirrus/lambda/runtime_json.hpp>
#include <cirrus/provider/versitygw.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/zip/upload.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace lambda = cirrus::lambda;
using cirrus::diagnostics;
using cirrus::error_code;

namespace {

using cirrus::test::sync;

cirrus::aws::service_options moto_options() {
    return {.region = "us-east-1",
            .endpoint = cirrus::test::moto_endpoint(),
            .credentials = cirrus::auth::any_credentials_provider(
                cirrus::auth::static_provider("AKIDCIRRUSLAMBDA", "cirrus-lambda-secret"))};
}

std::string unique(std::string_view base) {
    static std::mt19937_64 rng(std::random_device{}());
    return std::string(base) + "-" + std::to_string(rng() % 1000000000);
}

void moto_api(std::string_view path, std::string_view json) {
    const auto ep = cirrus::test::parse_endpoint(cirrus::test::moto_endpoint());
    const auto res = cirrus::test::http_exchange(ep, "POST", path,
                                                 {{"Host", ep.host_header()}, {"Content-Type", "application/json"}},
                                                 json);
    ASSERT_EQ(res.status / 100, 2u) << res.status << " " << res.body; // moto 5.2.5 answers 201
}

// A function package: one file, stored (no compression), built by hand so that this test
// does not depend on the zip writer.
std::string tiny_zip() {
    // The zip of "h.py" holding "def h(e, c):\n    return e\n", as Python's zipfile writes it
    // (ZIP_STORED, 2024-01-01 00:00, mode 0644).
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

// Creates an IAM role in moto (CreateFunction needs the role to exist) and returns its ARN.
std::string make_role(asio::io_context& ioc) {
    namespace ad = cirrus::aws::detail;
    auto svc = ad::make_service<cirrus::provider::aws>(ioc.get_executor(), {.endpoint_id = "iam", .signing_name = "iam"},
                                                      moto_options());
    const std::string name = unique("cirrus-fn-role");
    auto fut = asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<std::string> {
            ad::query_form form("CreateRole", "2010-05-08");
            form.add("RoleName", name);
            form.add("AssumeRolePolicyDocument",
                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
                     R"({"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
            ad::service_call call{.body = form.body(), .content_type = "application/x-www-form-urlencoded"};
            diagnostics diag;
            if (auto ec = co_await svc->send(call, diag)) co_return "error: " + ec.message() + " " + diag.message;
            co_return "arn:aws:iam::123456789012:role/" + name;
        },
        asio::use_future);
    ioc.restart();
    ioc.run();
    return fut.get();
}

class Lambda : public ::testing::Test {
protected:
    static void SetUpTestSuite() { moto_api("/moto-api/config", R"({"lambda":{"use_docker":false}})"); }
    void SetUp() override {
        role_ = make_role(ioc_);
        ASSERT_EQ(role_.rfind("arn:", 0), 0u) << role_;
    }

    // Creates a python function and waits until it is Active.
    std::string create(std::string_view base = "cirrus-fn") {
        const std::string name = unique(base);
        auto [ec, f] = sync(ioc_, c_.async_create_function({.function_name = name,
                                                            .role = role_,
                                                            .code = {.zip_file = zip_},
                                                            .runtime = "python3.12",
                                                            .handler = "h.h"},
                                                           asio::deferred));
        EXPECT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
        return name;
    }

    asio::io_context ioc_;
    lambda::client<> c_{ioc_.get_executor(), moto_options()};
    std::string role_;
    std::string zip_ = tiny_zip();
};

} // namespace

TEST_F(Lambda, FunctionLifecycle) {
    const std::string name = unique("cirrus-fn");
    const std::map<std::string, std::string> env{{"GREETING", "hello \"world\""}, {"LEVEL", "3"}};
    const std::vector<std::pair<std::string, std::string>> tags{{"team", "cirrus"}};
    const std::array<std::string_view, 1> arch{"arm64"};
    auto [ec, f] = sync(ioc_, c_.async_create_function({.function_name = name,
                                                        .role = role_,
                                                        .code = {.zip_file = zip_},
                                                        .runtime = "python3.12",
                                                        .handler = "h.h",
                                                        .description = "made by cirrus",
                                                        .timeout = 9,
                                                        .memory_size = 256,
                                                        .environment = env,
                                                        .architectures = arch,
                                                        .tags = tags},
                                                       asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(f.function_name, name);
    EXPECT_NE(f.function_arn.find(":function:" + name), std::string::npos) << f.function_arn;
    EXPECT_EQ(f.runtime, "python3.12");
    EXPECT_EQ(f.role, role_);
    EXPECT_EQ(f.handler, "h.h");
    EXPECT_EQ(f.description, "made by cirrus");
    EXPECT_EQ(f.timeout, 9);
    EXPECT_EQ(f.memory_size, 256);
    EXPECT_EQ(f.environment, env);
    EXPECT_EQ(f.architectures, std::vector<std::string>{"arm64"});
    EXPECT_EQ(f.code_size, static_cast<std::int64_t>(zip_.size()));
    EXPECT_EQ(f.version, "$LATEST");
    EXPECT_FALSE(f.code_sha256.empty());

    auto [aec, active] = sync(ioc_, c_.async_wait_function_active({.function_name = name}, asio::deferred));
    ASSERT_FALSE(aec) << aec.message();
    EXPECT_EQ(active.state, "Active");

    auto [gec, got] = sync(ioc_, c_.async_get_function({.function_name = name}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(got.configuration.function_name, name);
    EXPECT_EQ(got.tags, (std::map<std::string, std::string>{{"team", "cirrus"}}));
    EXPECT_EQ(got.code_repository_type, "S3");
    EXPECT_FALSE(got.code_location.empty());

    // The pager walks every function, one per page.
    auto pages = c_.list_functions_pages({.max_items = 1});
    std::set<std::string> listed;
    for (int i = 0; i < 1000; ++i) {
        auto [pec, item] = sync(ioc_, pages.async_next(asio::deferred));
        ASSERT_FALSE(pec) << pec.message();
        if (!item) break;
        listed.insert(item->function_name);
    }
    EXPECT_TRUE(listed.count(name)) << listed.size();

    const std::map<std::string, std::string> env2{{"LEVEL", "4"}};
    auto [uec, updated] = sync(ioc_, c_.async_update_function_configuration(
                                         {.function_name = name, .timeout = 30, .memory_size = 512, .environment = env2},
                                         asio::deferred));
    ASSERT_FALSE(uec) << uec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(updated.memory_size, 512);
    EXPECT_EQ(updated.timeout, 30);
    EXPECT_EQ(updated.environment, env2);
    auto [wec, done] = sync(ioc_, c_.async_wait_function_updated({.function_name = name}, asio::deferred));
    ASSERT_FALSE(wec) << wec.message();
    EXPECT_EQ(done.last_update_status, "Successful");

    const std::string zip2 = zip_ + std::string(); // same bytes, new upload
    auto [cec, code] = sync(ioc_, c_.async_update_function_code({.function_name = name, .code = {.zip_file = zip2}},
                                                                asio::deferred));
    ASSERT_FALSE(cec) << cec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(code.code_sha256, f.code_sha256);

    auto [cfgec, cfg] = sync(ioc_, c_.async_get_function_configuration({.function_name = name}, asio::deferred));
    ASSERT_FALSE(cfgec) << cfgec.message();
    EXPECT_EQ(cfg.memory_size, 512);

    auto [dec, deleted] = sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
    ASSERT_FALSE(dec) << dec.message();
    diagnostics diag;
    auto [nec, none] = sync(ioc_, c_.async_get_function({.function_name = name}, diag, asio::deferred));
    EXPECT_EQ(nec, lambda::errc::resource_not_found) << nec.message();
    EXPECT_EQ(diag.service_code, "ResourceNotFoundException");
    EXPECT_EQ(diag.http_status, 404u);
    EXPECT_NE(diag.message.find(name), std::string::npos) << diag.message;
    EXPECT_FALSE(diag.request_id.empty());
}

TEST_F(Lambda, TypedErrors) {
    const std::string name = create();
    diagnostics diag;
    // The same name again.
    auto [ec, f] = sync(ioc_, c_.async_create_function(
                                  {.function_name = name, .role = role_, .code = {.zip_file = zip_}, .runtime = "python3.12", .handler = "h.h"},
                                  diag, asio::deferred));
    EXPECT_EQ(ec, lambda::errc::resource_conflict) << ec.message();
    EXPECT_EQ(diag.service_code, "ResourceConflictException");
    EXPECT_EQ(diag.http_status, 409u);
    EXPECT_FALSE(diag.message.empty());
    // Code from a bucket that does not exist.
    auto [sec, s3f] = sync(ioc_, c_.async_create_function({.function_name = unique("cirrus-s3"),
                                                           .role = role_,
                                                           .code = {.s3_bucket = "cirrus-no-such-bucket", .s3_key = "fn.zip"},
                                                           .runtime = "python3.12",
                                                           .handler = "h.h"},
                                                          diag, asio::deferred));
    EXPECT_EQ(sec, lambda::errc::invalid_parameter_value) << sec.message();
    EXPECT_EQ(diag.service_code, "InvalidParameterValueException");
    EXPECT_NE(diag.message.find("NoSuchBucket"), std::string::npos) << diag.message;
    // A role that is no ARN.
    auto [vec, vf] = sync(ioc_, c_.async_create_function(
                                    {.function_name = unique("cirrus-bad"), .role = "not-a-role", .code = {.zip_file = zip_}, .runtime = "python3.12", .handler = "h.h"},
                                    diag, asio::deferred));
    EXPECT_EQ(vec, lambda::errc::validation) << vec.message();
    EXPECT_EQ(diag.service_code, "ValidationException");
    // A qualifier where none is allowed.
    auto [qec, qf] = sync(ioc_, c_.async_update_function_configuration({.function_name = name + ":1", .timeout = 5},
                                                                       diag, asio::deferred));
    EXPECT_TRUE(qec);
    // Invoking a function that is not there: real Lambda says ResourceNotFoundException;
    // moto 5.2.5 without containers answers 200 and its fixed payload for any name.
    auto [iec, ir] = sync(ioc_, c_.async_invoke({.function_name = unique("cirrus-none")}, diag, asio::deferred));
    EXPECT_TRUE(!iec || iec == lambda::errc::resource_not_found) << iec.message();
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

TEST_F(Lambda, InvokeInMotosModes) {
    // Without containers moto does not run the code: RequestResponse echoes the payload
    // (200), Event accepts it (202), DryRun only checks (204, empty).
    const std::string name = create();
    const std::string payload = R"({"order":42,"items":["a","b"]})";
    auto [ec, r] = sync(ioc_, c_.async_invoke({.function_name = name, .payload = payload, .log = lambda::log_type::tail},
                                              asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(r.status_code, 200u);
    EXPECT_EQ(r.payload, payload);
    EXPECT_TRUE(r.function_error.empty());
    auto [eec, er] = sync(ioc_, c_.async_invoke({.function_name = name, .payload = payload,
                                                 .type = lambda::invocation_type::event},
                                                asio::deferred));
    ASSERT_FALSE(eec) << eec.message();
    EXPECT_EQ(er.status_code, 202u);
    auto [dec, dr] = sync(ioc_, c_.async_invoke({.function_name = name, .payload = payload,
                                                 .type = lambda::invocation_type::dry_run},
                                                asio::deferred));
    ASSERT_FALSE(dec) << dec.message();
    EXPECT_EQ(dr.status_code, 204u);
    EXPECT_TRUE(dr.payload.empty());
    // An empty payload: moto's fixed answer.
    auto [fec, fr] = sync(ioc_, c_.async_invoke({.function_name = name}, asio::deferred));
    ASSERT_FALSE(fec) << fec.message();
    EXPECT_EQ(fr.payload, "Simple Lambda happy path OK");
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

TEST_F(Lambda, VersionsAndAliases) {
    const std::string name = create();
    auto [ec, v1] = sync(ioc_, c_.async_publish_version({.function_name = name, .description = "first"}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(v1.version, "1");
    EXPECT_NE(v1.function_arn.find(name + ":1"), std::string::npos) << v1.function_arn;

    auto [aec, alias] = sync(ioc_, c_.async_create_alias({.function_name = name, .name = "live", .function_version = "1"},
                                                         asio::deferred));
    ASSERT_FALSE(aec) << aec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(alias.name, "live");
    EXPECT_EQ(alias.function_version, "1");
    EXPECT_NE(alias.alias_arn.find(name + ":live"), std::string::npos);

    auto [uec, ua] = sync(ioc_, c_.async_update_alias({.function_name = name, .name = "live", .description = "prod"},
                                                      asio::deferred));
    ASSERT_FALSE(uec) << uec.message();
    EXPECT_EQ(ua.description, "prod");
    diagnostics diag;
    auto [cec, dup] = sync(ioc_, c_.async_create_alias({.function_name = name, .name = "live", .function_version = "1"},
                                                       diag, asio::deferred));
    EXPECT_EQ(cec, lambda::errc::resource_conflict) << cec.message() << " " << diag.what();

    auto [lec, page] = sync(ioc_, c_.async_list_versions_by_function({.function_name = name}, asio::deferred));
    ASSERT_FALSE(lec) << lec.message();
    std::vector<std::string> versions;
    for (auto& v : page.versions) versions.push_back(v.version);
    EXPECT_EQ(versions, (std::vector<std::string>{"$LATEST", "1"}));

    auto [iec, ir] = sync(ioc_, c_.async_invoke({.function_name = name, .payload = "{}", .qualifier = "live"},
                                                asio::deferred));
    ASSERT_FALSE(iec) << iec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(ir.payload, "{}");
    auto [gec, g1] = sync(ioc_, c_.async_get_function_configuration({.function_name = name, .qualifier = "1"},
                                                                    asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(g1.version, "1");
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

TEST_F(Lambda, Layers) {
    const std::string layer = unique("cirrus-layer");
    const std::array<std::string_view, 2> runtimes{"python3.12", "python3.11"};
    auto [ec, v] = sync(ioc_, c_.async_publish_layer_version({.layer_name = layer,
                                                              .content = {.zip_file = zip_},
                                                              .description = "libs",
                                                              .compatible_runtimes = runtimes,
                                                              .license_info = "MIT"},
                                                             asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(v.version, 1);
    EXPECT_NE(v.layer_version_arn.find(layer + ":1"), std::string::npos) << v.layer_version_arn;
    EXPECT_EQ(v.content_size, static_cast<std::int64_t>(zip_.size()));
    EXPECT_EQ(v.compatible_runtimes, (std::vector<std::string>{"python3.12", "python3.11"}));
    auto [ec2, v2] = sync(ioc_, c_.async_publish_layer_version({.layer_name = layer, .content = {.zip_file = zip_}},
                                                               asio::deferred));
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(v2.version, 2);

    bool found = false;
    auto layers = c_.list_layers_pages({});
    while (!layers.done()) {
        auto [lec, page] = sync(ioc_, layers.async_next_page(asio::deferred));
        ASSERT_FALSE(lec) << lec.message();
        for (auto& l : page.layers)
            if (l.layer_name == layer) {
                found = true;
                EXPECT_EQ(l.latest_matching_version.version, 2);
            }
    }
    EXPECT_TRUE(found);

    auto [vec, vs] = sync(ioc_, c_.async_list_layer_versions({.layer_name = layer}, asio::deferred));
    ASSERT_FALSE(vec) << vec.message();
    std::set<std::int64_t> numbers;
    for (auto& x : vs.layer_versions) numbers.insert(x.version);
    EXPECT_EQ(numbers, (std::set<std::int64_t>{1, 2}));

    auto [gec, g] = sync(ioc_, c_.async_get_layer_version({.layer_name = layer, .version_number = 1}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(g.description, "libs");
    EXPECT_EQ(g.license_info, "MIT");
    EXPECT_EQ(g.content_sha256, v.content_sha256);

    // A function using the layer.
    const std::string name = unique("cirrus-layered");
    const std::array<std::string_view, 1> layer_arns{v.layer_version_arn};
    auto [fec, f] = sync(ioc_, c_.async_create_function({.function_name = name,
                                                         .role = role_,
                                                         .code = {.zip_file = zip_},
                                                         .runtime = "python3.12",
                                                         .handler = "h.h",
                                                         .layers = layer_arns},
                                                        asio::deferred));
    ASSERT_FALSE(fec) << fec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(f.layers, std::vector<std::string>{v.layer_version_arn});
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));

    for (std::int64_t n : {1, 2}) {
        auto [dec, d] = sync(ioc_, c_.async_delete_layer_version({.layer_name = layer, .version_number = n},
                                                                 asio::deferred));
        ASSERT_FALSE(dec) << dec.message();
    }
    diagnostics diag;
    auto [nec, none] = sync(ioc_, c_.async_get_layer_version({.layer_name = layer, .version_number = 1}, diag,
                                                             asio::deferred));
    EXPECT_EQ(nec, lambda::errc::resource_not_found) << nec.message() << " " << diag.what();
}

TEST_F(Lambda, BuildLayerFromDirectory) {
    // A python/ tree: pkg/__init__.py and pkg/mod.py.
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / unique("cirrus-layer-src");
    fs::create_directories(dir / "pkg");
    std::ofstream(dir / "pkg" / "__init__.py") << "";
    std::ofstream(dir / "pkg" / "mod.py") << "def answer():\n    return 42\n";
    const std::string directory = dir.string();
    const std::string layer = unique("cirrus-built");
    const std::array<std::string_view, 1> runtimes{"python3.12"};

    // Inline: zipped under python/ and published in one call.
    auto [ec, l] = sync(ioc_, lambda::async_build_layer(c_,
                                                        {.layer_name = layer,
                                                         .directory = directory,
                                                         .prefix = "python/",
                                                         .description = "built",
                                                         .compatible_runtimes = runtimes,
                                                         .mtime = 1700000000},
                                                        asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(l.layer.version, 1);
    EXPECT_NE(l.layer.layer_version_arn.find(layer + ":1"), std::string::npos);
    EXPECT_EQ(l.layer.description, "built");
    EXPECT_EQ(l.layer.compatible_runtimes, std::vector<std::string>{"python3.12"});
    EXPECT_GT(l.zip_size, 0u);
    EXPECT_EQ(l.layer.content_size, static_cast<std::int64_t>(l.zip_size));
    EXPECT_TRUE(l.s3_bucket.empty());
    // The same tree and time: the same archive, hence the same CodeSha256.
    auto [ec2, l2] = sync(ioc_, lambda::async_build_layer(
                                    c_, {.layer_name = layer, .directory = directory, .prefix = "python/", .mtime = 1700000000},
                                    asio::deferred));
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(l2.layer.version, 2);
    EXPECT_EQ(l2.layer.content_sha256, l.layer.content_sha256);

    // Through S3: the archive uploaded to a bucket of moto's S3, then published from there.
    cirrus::s3::client<> s3(ioc_.get_executor(), {.region = "us-east-1",
                                                  .endpoint = cirrus::test::moto_endpoint(),
                                                  .credentials = cirrus::auth::any_credentials_provider(
                                                      cirrus::auth::static_provider("AKIDCIRRUSLAMBDA", "cirrus-lambda-secret"))});
    const std::string bucket = unique("cirrus-layers");
    auto [bec, made] = sync(ioc_, s3.async_create_bucket({.bucket = bucket}, asio::deferred));
    ASSERT_FALSE(bec) << bec.message() << ": " << s3.last_diagnostics().what();
    auto [sec, ls] = sync(ioc_, lambda::async_build_layer(
                                    c_, s3, {.layer_name = layer, .directory = directory, .prefix = "python/", .s3_bucket = bucket},
                                    asio::deferred));
    ASSERT_FALSE(sec) << sec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(ls.s3_bucket, bucket);
    EXPECT_EQ(ls.s3_key, layer + ".zip");
    EXPECT_EQ(ls.layer.version, 3);
    EXPECT_EQ(ls.layer.content_size, static_cast<std::int64_t>(ls.zip_size));
    EXPECT_EQ(ls.layer.content_location.rfind("s3://", 0), 0u) << ls.layer.content_location;
    auto [hec, head] = sync(ioc_, s3.async_head_object({.bucket = bucket, .key = ls.s3_key}, asio::deferred));
    ASSERT_FALSE(hec) << hec.message();
    EXPECT_EQ(head.content_length, ls.zip_size);

    // Failures: a directory that is not there (nothing sent), a bucket that is not there.
    diagnostics diag;
    auto [dec, ld] = sync(ioc_, lambda::async_build_layer(c_, {.layer_name = layer, .directory = directory + "-missing"},
                                                          diag, asio::deferred));
    EXPECT_TRUE(dec);
    EXPECT_EQ(diag.message.rfind("zip " + directory + "-missing: ", 0), 0u) << diag.message;
    auto [nec, ln] = sync(ioc_, lambda::async_build_layer(
                                    c_, s3, {.layer_name = layer, .directory = directory, .s3_bucket = bucket + "-missing"},
                                    diag, asio::deferred));
    EXPECT_TRUE(nec);
    EXPECT_EQ(diag.service_code, "NoSuchBucket");

    for (std::int64_t n : {1, 2, 3})
        sync(ioc_, c_.async_delete_layer_version({.layer_name = layer, .version_number = n}, asio::deferred));
    sync(ioc_, s3.async_delete_object({.bucket = bucket, .key = ls.s3_key}, asio::deferred));
    sync(ioc_, s3.async_delete_bucket({.bucket = bucket}, asio::deferred));
    fs::remove_all(dir);
}

TEST_F(Lambda, PermissionsAndUrl) {
    const std::string name = create();
    auto [ec, p] = sync(ioc_, c_.async_add_permission({.function_name = name,
                                                       .statement_id = "api",
                                                       .action = "lambda:InvokeFunction",
                                                       .principal = "apigateway.amazonaws.com",
                                                       .source_arn = "arn:aws:execute-api:us-east-1:123456789012:abc/*"},
                                                      asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_NE(p.statement.find("apigateway.amazonaws.com"), std::string::npos) << p.statement;
    EXPECT_NE(p.statement.find("\"Sid\": \"api\""), std::string::npos) << p.statement;

    auto [rec, r] = sync(ioc_, c_.async_remove_permission({.function_name = name, .statement_id = "api"}, asio::deferred));
    ASSERT_FALSE(rec) << rec.message();
    diagnostics diag;
    auto [r2, again] = sync(ioc_, c_.async_remove_permission({.function_name = name, .statement_id = "api"}, diag,
                                                             asio::deferred));
    EXPECT_EQ(r2, lambda::errc::resource_not_found) << r2.message() << " " << diag.what();

    auto [uec, url] = sync(ioc_, c_.async_create_function_url_config({.function_name = name}, asio::deferred));
    ASSERT_FALSE(uec) << uec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(url.auth_type, "NONE");
    EXPECT_EQ(url.function_url.rfind("https://", 0), 0u) << url.function_url;
    EXPECT_NE(url.function_arn.find(name), std::string::npos);
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

TEST_F(Lambda, AsyncShape) {
    const std::string name = create();
    // The documented one-liner: a client made from the coroutine's executor, braced
    // requests inside co_await, the default token (throws error_with_diagnostics).
    auto fut = asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<std::string> {
            lambda::client<> fn(co_await asio::this_coro::executor, moto_options());
            auto r = co_await fn.async_invoke({.function_name = name, .payload = R"({"k":"v"})"});
            try {
                co_await fn.async_get_function({.function_name = "cirrus-missing-" + name});
            } catch (const cirrus::error_with_diagnostics& e) {
                co_return r.payload + "|" + e.get_diagnostics().service_code;
            }
            co_return "no exception";
        },
        asio::use_future);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(fut.get(), R"({"k":"v"}|ResourceNotFoundException)");

    // A callback, and the diagnostics kept on the client.
    error_code got;
    c_.async_get_function_configuration({.function_name = "cirrus-missing"},
                                        [&](error_code ec, lambda::function_configuration) { got = ec; });
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(got, lambda::errc::resource_not_found);
    EXPECT_EQ(c_.last_diagnostics().service_code, "ResourceNotFoundException");
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

namespace {

std::string emulator_endpoint() { return cirrus::test::env_or("CIRRUS_LAMBDA_EMULATOR_ENDPOINT", "http://127.0.0.1:9100"); }
std::string runtime_api() { return cirrus::test::env_or("CIRRUS_LAMBDA_RUNTIME_API", "127.0.0.1:9100/.rt"); }

// A process run by the test, killed and reaped at the end.
class child_process {
public:
    child_process(std::vector<std::string> argv, std::vector<std::string> env) {
        std::vector<char*> a, e;
        for (auto& s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        for (char** p = environ; *p != nullptr; ++p) e.push_back(*p);
        for (auto& s : env) e.push_back(s.data());
        e.push_back(nullptr);
        if (posix_spawnp(&pid_, a[0], nullptr, nullptr, a.data(), e.data()) != 0) pid_ = -1;
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    bool running() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

// A function written against the Runtime API in a few lines of Python, standing in for
// any runtime: it answers {"echo": <event>}, and fails with its own error document when
// the event asks it to.
constexpr const char* python_function = R"PY(
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    r = urllib.request.urlopen(api + "next")
    rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
    event = json.loads(r.read() or b"null")
    if isinstance(event, dict) and event.get("fail"):
        body, path = json.dumps({"errorType": "OrderRejected", "errorMessage": "order %s is closed" % event["fail"]}), "/error"
    else:
        body, path = json.dumps({"echo": event}), "/response"
    urllib.request.urlopen(urllib.request.Request(api + rid + path, data=body.encode(), method="POST"))
)PY";

} // namespace

TEST(LambdaEmulator, InvokeReachesARealFunctionAndItsErrorIsTyped) {
    child_process fn({"python3", "-c", python_function},
                     {"AWS_LAMBDA_RUNTIME_API=" + runtime_api(), "AWS_LAMBDA_FUNCTION_NAME=_"});
    ASSERT_TRUE(fn.running());
    asio::io_context ioc;
    auto options = moto_options();
    options.endpoint = emulator_endpoint();
    lambda::client<> c(ioc.get_executor(), options);

    auto [ec, r] = sync(ioc, c.async_invoke({.function_name = "_", .payload = R"({"order":7})", .max_attempts = 1},
                                            asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().what();
    EXPECT_EQ(r.status_code, 200u);
    EXPECT_EQ(r.payload, R"({"echo": {"order": 7}})");

    // The function's own error: a typed error, its document in the payload.
    diagnostics diag;
    auto [fec, fr] = sync(ioc, c.async_invoke({.function_name = "_", .payload = R"({"fail":9})", .max_attempts = 1},
                                              diag, asio::deferred));
    EXPECT_EQ(fec, lambda::errc::function_error) << fec.message() << " " << diag.what();
    EXPECT_EQ(diag.service_code, "OrderRejected");
    EXPECT_EQ(diag.message, "order 9 is closed");
    EXPECT_EQ(fr.function_error, "Unhandled");
    EXPECT_NE(fr.payload.find(R"("errorType": "OrderRejected")"), std::string::npos) << fr.payload;

    // The function keeps serving after its error.
    auto [ec2, r2] = sync(ioc, c.async_invoke({.function_name = "_", .payload = "[1,2]", .max_attempts = 1},
                                              asio::deferred));
    ASSERT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(r2.payload, R"({"echo": [1, 2]})");
}

// ------------------------------------------------------------------ typed JSON payloads

namespace {

enum class channel { web, shop };
BOOST_DESCRIBE_ENUM(channel, web, shop)

struct line {
    std::string sku;
    int qty = 0;
    double price = 0;
    friend bool operator==(const line&, const line&) = default;
};
BOOST_DESCRIBE_STRUCT(line, (), (sku, qty, price))

struct order {
    std::int64_t id = 0;
    channel via = channel::web;
    std::vector<line> lines;
    std::optional<std::string> note;
    std::map<std::string, std::uint8_t> flags;
    lambda::raw_json extra;
    friend bool operator==(const order&, const order&) = default;
};
BOOST_DESCRIBE_STRUCT(order, (), (id, via, lines, note, flags, extra))

struct receipt {
    std::int64_t id = 0;
    int items = 0;
    double total = 0;
    std::string by;
};
BOOST_DESCRIBE_STRUCT(receipt, (), (id, items, total, by))

// An event of another shape: its id is a string.
struct wrong_order {
    std::string id;
};
BOOST_DESCRIBE_STRUCT(wrong_order, (), (id))

order sample_order() {
    return {.id = 7,
            .via = channel::shop,
            .lines = {{"a\"1", 2, 1.25}, {"b", 1, 10}},
            .note = std::nullopt,
            .flags = {{"gift", 1}},
            .extra = {R"({"k":[1,null]})"}};
}

} // namespace

TEST(LambdaJson, WritesAndReadsDescribedStructs) {
    const order o = sample_order();
    const std::string text = lambda::to_json(o);
    EXPECT_EQ(text, R"({"id":7,"via":"shop","lines":[{"sku":"a\"1","qty":2,"price":1.25},{"sku":"b","qty":1,)"
                    R"("price":10}],"flags":{"gift":1},"extra":{"k":[1,null]}})");
    order back;
    back.note = "stale"; // an absent optional member resets the field
    std::string why;
    ASSERT_FALSE(lambda::from_json(text, back, &why)) << why;
    EXPECT_EQ(back, o);
    // Members the struct does not have are ignored; null is an empty optional; integers
    // read as doubles.
    ASSERT_FALSE(lambda::from_json(R"({"id":1,"via":"web","lines":[],"note":null,"flags":{},"extra":"x","more":[]})",
                                   back, &why))
        << why;
    EXPECT_FALSE(back.note);
    EXPECT_EQ(back.extra.text, R"("x")");
    receipt r;
    ASSERT_FALSE(lambda::from_json(R"({"id":1,"items":2,"total":3,"by":"x"})", r, &why)) << why;
    EXPECT_EQ(r.total, 3.0);
    EXPECT_EQ(lambda::to_json(std::vector<double>{0.5, std::nan("")}), "[0.5,null]");
}

TEST(LambdaJson, AMismatchNamesTheField) {
    order o;
    std::string why;
    auto ec = lambda::from_json(R"({"id":1,"via":"web","lines":[{"sku":"a","qty":1,"price":1},)"
                                R"({"sku":"b","qty":"two","price":1}],"flags":{},"extra":null})",
                                o, &why);
    EXPECT_EQ(ec, lambda::errc::payload_mismatch);
    EXPECT_EQ(why, R"(field "lines[1].qty": expected an integer, found a string)");
    ec = lambda::from_json(R"({"via":"web","lines":[],"flags":{},"extra":null})", o, &why);
    EXPECT_EQ(ec, lambda::errc::payload_mismatch);
    EXPECT_EQ(why, R"(field "id": expected a member, found nothing)");
    ec = lambda::from_json(R"({"id":1,"via":"post","lines":[],"flags":{},"extra":null})", o, &why);
    EXPECT_EQ(why, R"(field "via": expected one of the enumeration's names, found a string)");
    ec = lambda::from_json(R"({"id":1,"via":"web","lines":[],"flags":{"gift":300},"extra":null})", o, &why);
    EXPECT_EQ(why, R"(field "flags.gift": expected an integer in the range of its type, found an integer)");
    ec = lambda::from_json(R"({"id":1.5})", o, &why);
    EXPECT_EQ(why, R"(field "id": expected an integer, found a number with a fraction)");
    ec = lambda::from_json("[1,2]", o, &why);
    EXPECT_EQ(why, R"(expected an object, found an array)");
    ec = lambda::from_json("Simple Lambda happy path OK", o, &why);
    EXPECT_EQ(ec, lambda::errc::payload_mismatch);
    EXPECT_EQ(why.rfind("not JSON (", 0), 0u) << why;
}

TEST_F(Lambda, TypedInvokeAgainstMoto) {
    // moto's Invoke echoes the event: an order comes back as the same order.
    const std::string name = create();
    const order o = sample_order();
    auto [ec, r] = sync(ioc_, lambda::async_invoke<order>(c_, {.function_name = name}, o, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c_.last_diagnostics().what();
    EXPECT_EQ(r.value, o);
    EXPECT_EQ(r.response.status_code, 200u);
    EXPECT_EQ(r.response.payload, lambda::to_json(o));

    // Read as a receipt, the echoed order does not fit: a typed error naming the field.
    diagnostics diag;
    auto [mec, mr] = sync(ioc_, lambda::async_invoke<receipt>(c_, {.function_name = name}, o, diag, asio::deferred));
    EXPECT_EQ(mec, lambda::errc::payload_mismatch);
    EXPECT_EQ(diag.message, R"(payload: field "items": expected a member, found nothing)");
    EXPECT_EQ(mr.response.payload, lambda::to_json(o));

    // Event invocations answer 202 without a payload: nothing to read.
    auto [eec, er] = sync(ioc_, lambda::async_invoke<receipt>(
                                    c_, {.function_name = name, .type = lambda::invocation_type::event}, o,
                                    asio::deferred));
    ASSERT_FALSE(eec) << eec.message();
    EXPECT_EQ(er.response.status_code, 202u);

    // The one-liner under ASan: braced request inside co_await, the default token.
    auto fut = asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<std::string> {
            lambda::client<> fn(co_await asio::this_coro::executor, moto_options());
            const std::vector<std::string> tags{"x", "y"};
            auto echoed = co_await lambda::async_invoke<std::vector<std::string>>(fn, {.function_name = name}, tags);
            try {
                co_await lambda::async_invoke<receipt>(fn, {.function_name = name}, tags);
            } catch (const cirrus::error_with_diagnostics& e) {
                co_return echoed.value[1] + "|" + e.get_diagnostics().message;
            }
            co_return "no exception";
        },
        asio::use_future);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(fut.get(), "y|payload: expected an object, found an array");
    sync(ioc_, c_.async_delete_function({.function_name = name}, asio::deferred));
}

namespace {

// The function of the typed test: prices an order, refuses one without lines.
asio::awaitable<receipt> price(const order& o, const lambda::invocation& in) {
    if (o.lines.empty()) throw std::invalid_argument("order " + std::to_string(o.id) + " has no lines");
    receipt r{.id = o.id, .by = in.request_id.empty() ? "?" : "runtime"};
    for (const auto& l : o.lines) {
        r.items += l.qty;
        r.total += l.qty * l.price;
    }
    co_return r;
}

} // namespace

TEST(LambdaEmulator, TypedFunctionOnTheCxxRuntime) {
    // A C++ function on cirrus::lambda::runtime with a typed handler, polling the emulator
    // from its own thread for exactly the three invocations below.
    int exit_status = -1;
    std::thread function([&] {
        exit_status = lambda::run_function(lambda::typed_handler<order>(&price),
                                           {.api = runtime_api(), .max_invocations = 3});
    });
    asio::io_context ioc;
    auto options = moto_options();
    options.endpoint = emulator_endpoint();
    lambda::client<> c(ioc.get_executor(), options);

    auto [ec, r] = sync(ioc, lambda::async_invoke<receipt>(c, {.function_name = "_", .max_attempts = 1},
                                                           sample_order(), asio::deferred));
    EXPECT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().what();
    EXPECT_EQ(r.value.id, 7);
    EXPECT_EQ(r.value.items, 3);
    EXPECT_EQ(r.value.total, 12.5);
    EXPECT_EQ(r.value.by, "runtime");

    // What the handler throws: the function's error, typed, with its document.
    order empty = sample_order();
    empty.lines.clear();
    diagnostics diag;
    auto [fec, fr] = sync(ioc, lambda::async_invoke<receipt>(c, {.function_name = "_", .max_attempts = 1}, empty, diag,
                                                             asio::deferred));
    EXPECT_EQ(fec, lambda::errc::function_error) << fec.message() << " " << diag.what();
    EXPECT_EQ(diag.message, "order 7 has no lines");
    EXPECT_NE(fr.response.payload.find("order 7 has no lines"), std::string::npos) << fr.response.payload;
    EXPECT_EQ(fr.value.id, 0);

    // An event that does not fit the handler's type fails before the handler, naming the field.
    auto [wec, wr] = sync(ioc, lambda::async_invoke<receipt>(c, {.function_name = "_", .max_attempts = 1},
                                                             wrong_order{"seven"}, diag, asio::deferred));
    EXPECT_EQ(wec, lambda::errc::function_error) << wec.message();
    EXPECT_EQ(diag.service_code, "InvalidEvent");
    EXPECT_EQ(diag.message, R"(event: field "id": expected an integer, found a string)");

    function.join();
    EXPECT_EQ(exit_status, 0);
}

// ------------------------------------------------------------------ a zip streamed into S3

namespace {

// Bytes that do not repeat (deflate cannot shrink them), the same for the same seed.
std::string generated_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; i += 4) {
        const std::uint32_t v = rng();
        std::memcpy(s.data() + i, &v, std::min<std::size_t>(4, n - i));
    }
    return s;
}

// Runs a command; its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> run_command(const std::string& cmd) {
    std::string out;
    std::FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return {-1, out};
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) != 0;) out.append(buf, n);
    return {::pclose(p), out};
}

} // namespace

TEST(ZipUpload, ADirectoryZippedStraightIntoAMultipartUpload) {
    namespace fs = std::filesystem;
    namespace zip = cirrus::zip;
    constexpr std::size_t mib = 1 << 20;
    // A tree of about 11 MiB that deflate cannot shrink below three 5 MiB parts: nested
    // folders, an empty file, an empty folder, a compressible text, an executable and a link.
    cirrus::test::temp_dir src("cirrus-zip-src");
    ASSERT_FALSE(src.path.empty());
    const fs::path root(src.path);
    fs::create_directories(root / "lib" / "deep" / "deeper");
    fs::create_directories(root / "empty-folder");
    src.write("a.bin", generated_bytes(4 * mib, 1), 0644);
    src.write("lib/b.bin", generated_bytes(4 * mib + 12345, 2), 0644);
    src.write("lib/deep/deeper/c.bin", generated_bytes(3 * mib - 777, 3), 0600);
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " of a text that deflates well\n";
    src.write("lib/deep/notes.txt", text, 0644);
    src.write("lib/empty.txt", "", 0644);
    src.write("bootstrap", "#!/bin/sh\nexec ./a.bin\n", 0755);
    fs::create_symlink("../a.bin", root / "lib" / "a-link");

    const zip::directory_options options{.prefix = "layer/", .mtime = 1700000000};
    std::string expected;
    ASSERT_FALSE(zip::zip_directory(root, expected, options));
    ASSERT_GT(expected.size(), 10 * mib + 1); // three parts of 5 MiB

    asio::io_context ioc;
    cirrus::test::s3_service svc;
    const cirrus::s3::client_options s3_options{.region = svc.region,
                                                .endpoint = svc.endpoint,
                                                .credentials = cirrus::auth::any_credentials_provider(
                                                    cirrus::auth::static_provider(svc.access_key, svc.secret_key))};
    cirrus::s3::client<cirrus::provider::versitygw> s3(ioc.get_executor(), s3_options);
    const std::string bucket = unique("cirrus-zip");
    auto [bec, made] = sync(ioc, s3.async_create_bucket({.bucket = bucket}, asio::deferred));
    ASSERT_FALSE(bec) << bec.message() << ": " << s3.last_diagnostics().what();

    const std::string key = "packages/layer.zip";
    const zip::upload_directory_request request{.bucket = bucket,
                                                .key = key,
                                                .directory = src.path,
                                                .options = options,
                                                .upload = {.parts = {.part_size = 5 * mib}}};
    auto [ec, r] = sync(ioc, zip::async_upload_directory(s3, request, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << s3.last_diagnostics().what();
    EXPECT_EQ(r.zip_size, expected.size());
    EXPECT_EQ(r.entries, 11u); // 4 folders, 6 files and a link
    EXPECT_EQ(r.upload.size, expected.size());
    EXPECT_EQ(r.upload.parts, 3u);
    EXPECT_FALSE(r.upload.upload_id.empty());

    // What the server holds: a multipart object of three parts, the bytes of zip_directory.
    auto [hec, head] = sync(ioc, s3.async_head_object({.bucket = bucket, .key = key}, asio::deferred));
    ASSERT_FALSE(hec) << hec.message() << ": " << s3.last_diagnostics().what();
    EXPECT_EQ(head.content_length, expected.size());
    EXPECT_TRUE(head.etag.ends_with("-3\"") || head.etag.ends_with("-3")) << head.etag;
    cirrus::test::temp_dir dst("cirrus-zip-dst");
    const std::string downloaded = dst.path + "/layer.zip";
    cirrus::s3::get_object_request get{.bucket = bucket, .key = key};
    get.sink = cirrus::s3::object_sink::file(downloaded);
    cirrus::s3::get_object_result got;
    auto [gec] = sync(ioc, s3.async_get_object(get, got, asio::deferred));
    ASSERT_FALSE(gec) << gec.message() << ": " << s3.last_diagnostics().what();
    std::ifstream in(downloaded, std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(body.size(), expected.size());
    EXPECT_TRUE(body == expected) << "the uploaded archive differs from zip_directory's";
    // Python's zipfile reads it back and checks every entry's CRC (it prints the first bad
    // entry but exits with 0 then, hence the look at its output).
    const auto [status, said] = run_command("python3 -m zipfile -t " + downloaded);
    EXPECT_EQ(status, 0) << said;
    EXPECT_NE(said.find("Done testing"), std::string::npos) << said;
    EXPECT_EQ(said.find("corrupted"), std::string::npos) << said;
    // The executable keeps its mode, the link stays a link (what Python reads back).
    const std::string print_modes = "python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                                    "print(*(oct(z.getinfo(n).external_attr >> 16) for n in sys.argv[2:]))' ";
    const std::string names = " layer/bootstrap layer/lib/a-link layer/lib/b.bin";
    const auto [mstatus, modes] = run_command(print_modes + downloaded + names);
    EXPECT_EQ(mstatus, 0) << modes;
    EXPECT_EQ(modes, "0o100755 0o120777 0o100644\n");

    // A directory that is not there: the zip step's error, naming it, and nothing uploaded.
    diagnostics diag;
    const std::string missing = src.path + "-missing";
    const zip::upload_directory_request bad{.bucket = bucket, .key = "missing.zip", .directory = missing};
    auto [mec, mr] = sync(ioc, zip::async_upload_directory(s3, bad, diag, asio::deferred));
    EXPECT_TRUE(mec);
    EXPECT_EQ(diag.message.rfind("zip " + missing + ": ", 0), 0u) << diag.message;
    auto [nec, none] = sync(ioc, s3.async_head_object({.bucket = bucket, .key = "missing.zip"}, asio::deferred));
    EXPECT_EQ(nec, cirrus::s3::errc::no_such_key) << nec.message();

    auto [dec, deleted] = sync(ioc, s3.async_delete_bucket({.bucket = bucket, .empty_first = true}, asio::deferred));
    EXPECT_FALSE(dec) << dec.message() << ": " << s3.last_diagnostics().what();
}
