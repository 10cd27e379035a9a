// Sets up what an application needs in IAM, then takes it all down again: a user with an
// access key, a managed policy written from statements, a group the user joins, and a
// role that Lambda may assume, with the policy attached to the group and the role; then
// a role the new user may assume, taken on through sts::assume_role_provider (cached,
// refreshed ahead of expiry) to show who the caller becomes.
//
//   iam_setup [--prefix NAME] [--bucket BUCKET] [--keep]
//
// The endpoints come from $AWS_ENDPOINT_URL_IAM and $AWS_ENDPOINT_URL_STS, or
// $AWS_ENDPOINT_URL (moto in the tests), else IAM's and STS's own; credentials from the
// environment or the shared files, as for the AWS SDKs. With --keep nothing is deleted.

#include <cirrus/auth/provider.hpp>
#include <cirrus/iam/iam.hpp>
#include <cirrus/sts/credentials_providers.hpp>
#include <cirrus/sts/sts.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace iam = cirrus::iam;

namespace {

struct settings {
    std::string prefix = "cirrus-example";
    std::string bucket = "cirrus-example-data";
    bool keep = false;
};

asio::awaitable<void> run(settings s) {
    // (Named first: g++ 12 mishandles braced temporaries inside a co_await expression.)
    const auto ex = co_await asio::this_coro::executor;
    iam::client_options options;
    options.region = "us-east-1";
    iam::client<> c(ex, options);
    const std::string user = s.prefix + "-app";
    const std::string group = s.prefix + "-readers";
    const std::string role = s.prefix + "-lambda";

    auto u = co_await c.async_create_user({.user_name = user, .path = "/apps/"});
    std::printf("user %s (%s)\n", u.user_name.c_str(), u.arn.c_str());
    auto key = co_await c.async_create_access_key({.user_name = user});
    // The secret is returned this once; a real setup stores it in a secret manager.
    std::printf("access key %s, status %s\n", key.access_key_id.c_str(),
                key.status == iam::access_key_status::active ? "Active" : "Inactive");

    // The seeds' Statementize('s3', actions, 'Allow', resources), one statement a line.
    const std::string bucket_arn = "arn:aws:s3:::" + s.bucket;
    const std::string objects_arn = bucket_arn + "/*";
    const std::string document =
        iam::policy_document{}
            .add(iam::statementize("s3", {"GetObject", "PutObject"}, iam::effect::allow, {objects_arn}))
            .add(iam::statementize("s3", {"ListBucket"}, iam::effect::allow, {bucket_arn}))
            .json();
    const std::string policy_name = s.prefix + "-data";
    auto policy = co_await c.async_create_policy(
        {.policy_name = policy_name, .policy_document = document, .description = "reads and writes the data"});
    std::printf("policy %s (%s)\n", policy.policy_name.c_str(), policy.arn.c_str());

    auto g = co_await c.async_create_group({.group_name = group});
    co_await c.async_add_user_to_group({.group_name = group, .user_name = user});
    co_await c.async_attach_group_policy({.name = group, .policy_arn = policy.arn});
    auto members = co_await c.async_get_group({.group_name = group});
    std::printf("group %s: %zu member(s)\n", g.group_name.c_str(), members.items.size());

    const std::string trust = iam::policy_document::trust_service("lambda.amazonaws.com").json();
    auto r = co_await c.async_create_role({.role_name = role,
                                           .assume_role_policy_document = trust,
                                           .description = "runs the data functions"});
    co_await c.async_attach_role_policy({.name = role, .policy_arn = policy.arn});
    // What AWS's managed AWSLambdaBasicExecutionRole grants (CloudWatch Logs), as a policy
    // of our own: local IAM servers such as moto do not carry AWS's managed policies.
    const std::string logs_document =
        iam::policy_document{}
            .add(iam::statementize("logs", {"CreateLogGroup", "CreateLogStream", "PutLogEvents"}, iam::effect::allow,
                                   {"*"}))
            .json();
    const std::string logs_name = s.prefix + "-logs";
    auto logs = co_await c.async_create_policy({.policy_name = logs_name, .policy_document = logs_document});
    co_await c.async_attach_role_policy({.name = role, .policy_arn = logs.arn});
    auto attached = co_await c.async_list_attached_role_policies({.name = role});
    std::printf("role %s: %zu attached polic%s\n", r.role_name.c_str(), attached.items.size(),
                attached.items.size() == 1 ? "y" : "ies");

    // A role the new user may assume (the user also needs sts:AssumeRole on it), and the
    // user's key taking it on: the provider calls AssumeRole, the cache refreshes the
    // session ahead of its expiry, and any client signs with it.
    const std::string deployer = s.prefix + "-deployer";
    const std::string deployer_trust = iam::policy_document::trust_aws(u.arn).json();
    auto d = co_await c.async_create_role({.role_name = deployer, .assume_role_policy_document = deployer_trust});
    co_await c.async_attach_role_policy({.name = deployer, .policy_arn = policy.arn});
    const std::string may_assume =
        iam::policy_document{}.add(iam::policy_statement{}.allow().action("sts:AssumeRole").resource(d.arn)).json();
    co_await c.async_put_user_policy({.name = user, .policy_name = "assume-deployer", .policy_document = may_assume});
    cirrus::sts::assume_role_options assume;
    assume.role_arn = d.arn;
    assume.session_name = "iam-setup";
    assume.duration = std::chrono::minutes(15);
    assume.sts = {.region = "us-east-1"};
    const cirrus::auth::credentials user_key{key.access_key_id, key.secret_access_key, "", std::nullopt};
    cirrus::sts::client_options sts_options;
    sts_options.region = "us-east-1";
    sts_options.credentials = cirrus::auth::any_credentials_provider(
        cirrus::auth::caching_provider(cirrus::sts::assume_role_provider(user_key, std::move(assume))));
    cirrus::sts::client<> as_deployer(ex, sts_options);
    auto me = co_await as_deployer.async_get_caller_identity();
    std::printf("the user's key assumes %s: %s\n", d.role_name.c_str(), me.arn.c_str());

    if (s.keep) co_return;
    // Everything IAM would refuse to delete while attached goes first: .cleanup does it.
    co_await c.async_delete_role({.role_name = deployer, .cleanup = true});
    co_await c.async_delete_role({.role_name = role, .cleanup = true});
    co_await c.async_delete_user({.user_name = user, .cleanup = true});
    co_await c.async_delete_group({.group_name = group, .cleanup = true});
    co_await c.async_delete_policy({.policy_arn = policy.arn, .cleanup = true});
    co_await c.async_delete_policy({.policy_arn = logs.arn, .cleanup = true});
    std::printf("cleaned up\n");
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--prefix" && i + 1 < argc) s.prefix = argv[++i];
        else if (a == "--bucket" && i + 1 < argc) s.bucket = argv[++i];
        else if (a == "--keep") s.keep = true;
        else {
            std::fprintf(stderr, "usage: iam_setup [--prefix NAME] [--bucket BUCKET] [--keep]\n");
            return 2;
        }
    }
    asio::io_context ioc;
    std::exception_ptr failure;
    asio::co_spawn(ioc, run(s), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "iam_setup: %s\n", e.what());
        }
        return 1;
    }
    return 0;
}
