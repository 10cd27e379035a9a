// The providers that fetch credentials over HTTP: EC2 instance metadata (IMDSv2) and the
// ECS/EKS container endpoint, against tests/support/metadata_server.hpp on 127.0.0.1, and
// behind caching_provider with a fake clock (refresh ahead of expiry, single flight).
// No message, error or exception holds a secret.

#include <cirrus/auth/async_chain.hpp>
#include <cirrus/auth/container_provider.hpp>
#include <cirrus/auth/imds_provider.hpp>
#include <cirrus/auth/provider.hpp>

#include "support/metadata_server.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace auth = cirrus::auth;
using cirrus::diagnostics;
using cirrus::errc;
using cirrus::test::metadata_server;
using namespace std::chrono_literals;

namespace {

// The fake clock: every provider and the cache compare against this time, never the
// machine's.
const auth::time_point now = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;

const char* const environment_names[] = {
    "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "HOME"};

struct outcome {
    cirrus::result<auth::credentials> r = cirrus::error_code(errc::missing_credentials);
    diagnostics diag;
};

// Runs one async_get of any provider on a fresh io_context.
template <class P>
outcome get(P& provider, auth::time_point at = now) {
    asio::io_context io;
    outcome out;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> { out.r = co_await auth::async_get_credentials(provider, at, out.diag); },
        asio::detached);
    io.run();
    return out;
}

class Metadata : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : environment_names) {
            if (const char* v = std::getenv(name)) saved_[name] = v;
            ::unsetenv(name);
        }
        ::setenv("HOME", home_.path.c_str(), 1);
        server_.configure([](auto& b) { b.credentials.expiration = now + 1h; });
    }
    // Every failure a test noted: neither its diagnostics nor the exception a client would
    // throw for it holds a secret: the credentials' secret or token, the IMDS session
    // tokens, the container authorization tokens (all of which contain "SECRET" or
    // "Secret").
    void TearDown() override {
        for (const auto& m : messages_) {
            for (std::string_view secret : {"SECRET", "Secret+Key", "s3cr3t", "session-token", "imds-session"})
                EXPECT_EQ(m.find(secret), std::string::npos) << m;
        }
        for (const char* name : environment_names) ::unsetenv(name);
        for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    }

    auth::imds_options imds_options() const {
        return {.endpoint = server_.url(), .timeout = 1000ms, .max_attempts = 2};
    }
    auth::container_options container_options() const {
        return {.relative_uri_base = server_.url(), .timeout = 1000ms, .max_attempts = 3};
    }
    std::string full_uri(std::string_view path = "/v2/credentials/task-1234") const {
        return server_.url() + std::string(path);
    }

    metadata_server server_;
    cirrus::test::temp_dir home_{"cirrus-metadata"};
    std::vector<std::string> messages_; // every failure's message, checked for secrets

    void note(const outcome& o) {
        ASSERT_FALSE(o.r);
        messages_.push_back(o.diag.what() + " / " + o.r.error().message());
        messages_.push_back(cirrus::error_with_diagnostics(o.r.error(), o.diag).what());
    }

private:
    std::map<std::string, std::string> saved_;
};

// ---------------------------------------------------------------------------------------
// IMDSv2

TEST_F(Metadata, ImdsReturnsTheRoleCredentials) {
    auth::imds_provider imds(imds_options());
    auto o = get(imds);
    ASSERT_TRUE(o.r) << o.diag.message;
    EXPECT_EQ(o.r->access_key_id, "ASIAMETADATAEXAMPLE");
    EXPECT_EQ(o.r->secret_access_key, "metadata/Secret+Key/EXAMPLEKEYVALUE");
    EXPECT_EQ(o.r->session_token, "metadata-session-token-EXAMPLE");
    ASSERT_TRUE(o.r->expiration);
    EXPECT_EQ(*o.r->expiration, now + 1h);

    auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].method, "PUT");
    EXPECT_EQ(requests[0].target, "/latest/api/token");
    EXPECT_EQ(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"], "21600");
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].target, "/latest/meta-data/iam/security-credentials/");
    EXPECT_EQ(requests[2].target, "/latest/meta-data/iam/security-credentials/cirrus-instance-role");
    const auto tokens = server_.issued_tokens();
    ASSERT_EQ(tokens.size(), 1u);
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(requests[i].headers["x-aws-ec2-metadata-token"], tokens[0]);
        EXPECT_FALSE(requests[i].headers.contains("authorization"));
    }
}

TEST_F(Metadata, ImdsNamedRoleSkipsTheListing) {
    auto options = imds_options();
    options.role = "cirrus-instance-role";
    auth::imds_provider imds(options);
    ASSERT_TRUE(get(imds).r);
    EXPECT_EQ(server_.count("GET", "/latest/meta-data/iam/security-credentials/cirrus-instance-role"), 1u);
    EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(Metadata, ImdsKeepsItsTokenAndFetchesANewOneWhenRefusedOrOld) {
    auto options = imds_options();
    options.token_ttl = 60s;
    auth::imds_provider imds(options);
    ASSERT_TRUE(get(imds).r);
    ASSERT_TRUE(get(imds, now + 30s).r);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 1u); // reused
    EXPECT_EQ(server_.requests()[0].headers["x-aws-ec2-metadata-token-ttl-seconds"], "60");

    // The service forgot it: 401, then a fresh token and the same answer.
    server_.revoke_tokens();
    auto o = get(imds, now + 31s);
    ASSERT_TRUE(o.r) << o.diag.message;
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 2u);

    // Close to its TTL (60 s, less a tenth) the token is renewed before use.
    ASSERT_TRUE(get(imds, now + 31s + 55s).r);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 3u);
    // Copies share the token.
    auth::imds_provider copy = imds;
    ASSERT_TRUE(get(copy, now + 31s + 56s).r);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 3u);
}

TEST_F(Metadata, ImdsExpiredCredentials) {
    server_.configure([](auto& b) { b.credentials.expiration = now - 1s; });
    auth::imds_provider imds(imds_options());
    auto o = get(imds);
    ASSERT_FALSE(o.r);
    EXPECT_EQ(o.r.error(), errc::expired_credentials);
    EXPECT_NE(o.diag.message.find("cirrus-instance-role"), std::string::npos) << o.diag.message;
    EXPECT_NE(o.diag.message.find("2024-05-01T11:59:59Z"), std::string::npos) << o.diag.message;
    note(o);
}

TEST_F(Metadata, ImdsErrors) {
    auth::imds_provider imds(imds_options());
    server_.configure([](auto& b) { b.credentials_status = 500; });
    auto o = get(imds);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_EQ(o.diag.http_status, 500u);
    EXPECT_NE(o.diag.message.find("HTTP 500"), std::string::npos) << o.diag.message;
    EXPECT_EQ(server_.count("GET", "/latest/meta-data/iam/security-credentials/cirrus"), 2u); // retried once
    note(o);

    server_.configure([](auto& b) {
        b.credentials_status = 200;
        b.code = "AssumeRoleUnauthorizedAccess";
    });
    o = get(imds);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_NE(o.diag.message.find("AssumeRoleUnauthorizedAccess"), std::string::npos) << o.diag.message;
    note(o);

    server_.configure([](auto& b) {
        b.code = "Success";
        b.body_override = R"({"Code":"Success","SecretAccessKey":"metadata/Secret+Key/EXAMPLEKEYVALUE"})";
    });
    o = get(imds);
    EXPECT_EQ(o.r.error(), errc::protocol_error);
    EXPECT_NE(o.diag.message.find("AccessKeyId"), std::string::npos) << o.diag.message;
    note(o);
    server_.configure([](auto& b) { b.body_override = "<html>metadata/Secret+Key/EXAMPLEKEYVALUE</html>"; });
    o = get(imds);
    EXPECT_EQ(o.r.error(), errc::protocol_error);
    note(o);

    server_.configure([](auto& b) {
        b.body_override.clear();
        b.role.clear();
    });
    o = get(imds);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_NE(o.diag.message.find("no IAM role"), std::string::npos) << o.diag.message;
    note(o);

    server_.configure([](auto& b) { b.token_status = 403; });
    server_.revoke_tokens();
    auth::imds_provider fresh(imds_options());
    o = get(fresh);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_EQ(o.diag.http_status, 403u);
    note(o);
}

TEST_F(Metadata, ImdsSlowAnswerTimesOut) {
    server_.configure([](auto& b) { b.delay = 1500ms; });
    auto options = imds_options();
    options.timeout = 200ms;
    options.max_attempts = 1;
    auth::imds_provider imds(options);
    const auto start = std::chrono::steady_clock::now();
    auto o = get(imds);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_NE(o.diag.message.find("PUT /latest/api/token"), std::string::npos) << o.diag.message;
    note(o);
}

TEST_F(Metadata, ImdsUnreachableEndpointIsMissingCredentials) {
    auto options = imds_options();
    {
        metadata_server gone; // a port that nothing listens on once it is stopped
        options.endpoint = gone.url();
    }
    options.timeout = 300ms;
    auth::imds_provider imds(options);
    auto o = get(imds);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    note(o);
}

TEST_F(Metadata, ImdsEnvironment) {
    // AWS_EC2_METADATA_SERVICE_ENDPOINT when the options name none.
    ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url().c_str(), 1);
    auth::imds_provider imds;
    auto o = get(imds);
    ASSERT_TRUE(o.r) << o.diag.message;

    // Disabled: no request at all.
    const auto before = server_.requests().size();
    ::setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    o = get(imds);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_NE(o.diag.message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
    EXPECT_EQ(server_.requests().size(), before);
    ::setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    EXPECT_TRUE(get(imds).r);

    ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254/latest", 1);
    EXPECT_EQ(get(imds).r.error(), errc::invalid_config);
    ::unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5", 1);
    EXPECT_EQ(get(imds).r.error(), errc::invalid_config);
}

// ---------------------------------------------------------------------------------------
// ECS / EKS container credentials

TEST_F(Metadata, ContainerRelativeUri) {
    ::setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1234", 1);
    auth::container_provider container(container_options());
    auto o = get(container);
    ASSERT_TRUE(o.r) << o.diag.message;
    EXPECT_EQ(o.r->access_key_id, "ASIAMETADATAEXAMPLE");
    EXPECT_EQ(o.r->session_token, "metadata-session-token-EXAMPLE");
    EXPECT_EQ(*o.r->expiration, now + 1h);
    auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].target, "/v2/credentials/task-1234");
    EXPECT_FALSE(requests[0].headers.contains("authorization"));

    // The relative URI wins over the full one.
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/elsewhere", 1);
    EXPECT_TRUE(get(container).r);
}

TEST_F(Metadata, ContainerFullUriWithAuthorizationToken) {
    server_.configure([](auto& b) {
        b.container_path = "/creds?id=7";
        b.required_authorization = "container-auth-token-SECRET";
    });
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri("/creds?id=7").c_str(), 1);
    auth::container_provider container(container_options());
    auto o = get(container);
    ASSERT_FALSE(o.r); // no token yet
    EXPECT_EQ(o.diag.http_status, 401u);
    note(o);

    ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token-SECRET", 1);
    o = get(container);
    ASSERT_TRUE(o.r) << o.diag.message;
    EXPECT_EQ(server_.requests().back().headers["authorization"], "container-auth-token-SECRET");

    // The file wins over the variable and is read on every call (it rotates).
    const auto file = home_.write("token", "container-auth-token-ROTATED\n");
    ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.c_str(), 1);
    o = get(container);
    EXPECT_EQ(o.diag.http_status, 401u);
    note(o);
    EXPECT_EQ(server_.requests().back().headers["authorization"], "container-auth-token-ROTATED");
    server_.configure([](auto& b) { b.required_authorization = "container-auth-token-ROTATED"; });
    EXPECT_TRUE(get(container).r);

    home_.write("token", "line\nbreak-SECRET");
    o = get(container);
    EXPECT_EQ(o.r.error(), errc::invalid_config);
    note(o);
    ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (home_.path + "/absent").c_str(), 1);
    o = get(container);
    EXPECT_EQ(o.r.error(), errc::invalid_config);
    note(o);
}

TEST_F(Metadata, ContainerFullUriHosts) {
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "169.254.170.2", "169.254.170.23",
                             "fd00:ec2::23", "fd00:ec2:0::23"})
        EXPECT_TRUE(auth::container_provider::allowed_http_host(host)) << host;
    for (const char* host : {"192.0.2.1", "169.254.169.254", "example.com", "fd00:ec2::254", "10.0.0.1", ""})
        EXPECT_FALSE(auth::container_provider::allowed_http_host(host)) << host;

    auth::container_provider container(container_options());
    const auto before = server_.requests().size();
    for (const char* uri : {"http://192.0.2.1/creds", "http://example.com:8080/creds", "ftp://127.0.0.1/creds",
                            "not a url", "http://user@127.0.0.1/creds"}) {
        ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
        auto o = get(container);
        EXPECT_EQ(o.r.error(), errc::invalid_config) << uri;
        note(o);
    }
    ::unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    ::setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/no-slash", 1);
    EXPECT_EQ(get(container).r.error(), errc::invalid_config);
    EXPECT_EQ(server_.requests().size(), before); // nothing was sent anywhere

    ::unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    auto o = get(container);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
}

TEST_F(Metadata, ContainerFailures) {
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri().c_str(), 1);
    auth::container_provider container(container_options());

    server_.configure([](auto& b) { b.credentials.expiration = now - 1min; });
    auto o = get(container);
    EXPECT_EQ(o.r.error(), errc::expired_credentials);
    note(o);

    server_.configure([](auto& b) {
        b.credentials.expiration = now + 1h;
        b.credentials_status = 500;
    });
    o = get(container);
    ASSERT_FALSE(o.r);
    EXPECT_EQ(o.diag.http_status, 500u);
    EXPECT_EQ(server_.count("GET", "/v2/credentials/task-1234"), 4u); // 1 + 3 attempts
    note(o);

    server_.configure([](auto& b) {
        b.credentials_status = 200;
        b.body_override = R"({"AccessKeyId":"ASIAX","SecretAccessKey":"s3cr3t-SECRET","Expiration":"tomorrow"})";
    });
    o = get(container);
    EXPECT_EQ(o.r.error(), errc::protocol_error);
    EXPECT_NE(o.diag.message.find("Expiration"), std::string::npos);
    note(o);

    server_.configure([](auto& b) {
        b.body_override.clear();
        b.delay = 1500ms;
    });
    auto options = container_options();
    options.timeout = 200ms;
    options.max_attempts = 1;
    auth::container_provider impatient(options);
    const auto start = std::chrono::steady_clock::now();
    o = get(impatient);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
    EXPECT_FALSE(o.r);
    note(o);
}

// ---------------------------------------------------------------------------------------
// behind the cache, with the fake clock

template <class Cache>
asio::awaitable<void> fetch_shared(Cache& cache, auth::time_point at, cirrus::result<auth::credentials_ptr>& out) {
    diagnostics diag;
    out = co_await cache.async_get_shared(at, diag);
}

TEST_F(Metadata, CachedImdsRefreshesAheadOfExpiry) {
    server_.configure([](auto& b) { b.credentials.access_key_id = "ASIAFIRST"; });
    auth::caching_provider cache(auth::imds_provider(imds_options()), 5min);
    const std::string role_path = "/latest/meta-data/iam/security-credentials/cirrus-instance-role";
    asio::io_context io;
    cirrus::result<auth::credentials_ptr> first = cirrus::error_code(errc::missing_credentials), early = first,
                                          inside = first, after = first;
    asio::co_spawn(io, fetch_shared(cache, now, first), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(first);
    asio::co_spawn(io, fetch_shared(cache, now + 30min, early), asio::detached);
    io.run();
    io.restart();
    EXPECT_EQ(server_.count("GET", role_path), 1u); // cached

    server_.configure([](auto& b) {
        b.credentials.access_key_id = "ASIASECOND";
        b.credentials.expiration = now + 2h;
    });
    // Inside the margin: the current snapshot at once, one refresh in the background.
    asio::co_spawn(io, fetch_shared(cache, now + 56min, inside), asio::detached);
    io.poll();
    ASSERT_TRUE(inside);
    EXPECT_EQ((*inside)->access_key_id, "ASIAFIRST");
    io.run();
    io.restart();
    EXPECT_EQ(server_.count("GET", role_path), 2u);
    asio::co_spawn(io, fetch_shared(cache, now + 57min, after), asio::detached);
    io.run();
    ASSERT_TRUE(after);
    EXPECT_EQ((*after)->access_key_id, "ASIASECOND");
    EXPECT_EQ(server_.count("GET", role_path), 2u);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 1u);
}

TEST_F(Metadata, CachedContainerSingleFlight) {
    server_.configure([](auto& b) { b.delay = 100ms; });
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri().c_str(), 1);
    auth::any_credentials_provider any{auth::caching_provider(auth::container_provider(container_options()))};
    asio::io_context io;
    std::vector<cirrus::result<auth::credentials_ptr>> outcomes(32, cirrus::error_code(errc::missing_credentials));
    for (auto& o : outcomes) asio::co_spawn(io, fetch_shared(any, now, o), asio::detached);
    io.run();
    EXPECT_EQ(server_.count("GET", "/v2/credentials/task-1234"), 1u);
    for (auto& o : outcomes) {
        ASSERT_TRUE(o);
        EXPECT_EQ(o->get(), outcomes[0]->get()); // one shared snapshot
    }
}

TEST_F(Metadata, DefaultAsyncChainOrder) {
    auto chain = auth::default_async_chain(container_options(), imds_options());
    // Nothing in the environment or files, no container variables: IMDS answers.
    auto o = get(chain);
    ASSERT_TRUE(o.r) << o.diag.message;
    EXPECT_EQ(server_.count("GET", "/v2/"), 0u);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 1u);

    // The container endpoint comes before IMDS.
    ::setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1234", 1);
    o = get(chain);
    ASSERT_TRUE(o.r);
    EXPECT_EQ(server_.count("GET", "/v2/credentials/task-1234"), 1u);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 1u);

    // The environment before both.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    o = get(chain);
    ASSERT_TRUE(o.r);
    EXPECT_EQ(o.r->access_key_id, "AKIDENV");

    // A refused container URI stops the chain (invalid_config), as chain_provider does.
    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    ::unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds", 1);
    o = get(chain);
    EXPECT_EQ(o.r.error(), errc::invalid_config);
    // So does a configured endpoint that fails, with its diagnostics.
    ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri().c_str(), 1);
    server_.configure([](auto& b) { b.credentials_status = 503; });
    auto failing = auth::default_async_chain({.relative_uri_base = server_.url(), .timeout = 1000ms, .max_attempts = 1},
                                             imds_options());
    o = get(failing);
    ASSERT_FALSE(o.r);
    EXPECT_EQ(o.diag.http_status, 503u);
    EXPECT_EQ(server_.count("PUT", "/latest/api/token"), 1u); // IMDS was not asked
    note(o);
    server_.configure([](auto& b) { b.credentials_status = 200; });

    // Every source empty: missing_credentials, with each reason.
    ::unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    o = get(chain);
    EXPECT_EQ(o.r.error(), errc::missing_credentials);
    EXPECT_NE(o.diag.message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos) << o.diag.message;
    EXPECT_NE(o.diag.message.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos);
}

} // namespace
