// The IAM client against moto: users and access keys, paging, typed errors, and that an
// access key never prints its secret.

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
#include <set>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace iam = cirrus::iam;
using cirrus::diagnostics;
using cirrus::error_code;

namespace {

template <class Deferred>
auto sync(asio::io_context& ioc, Deferred&& op) {
    auto fut = asio::co_spawn(
        ioc, [op = std::forward<Deferred>(op)]() mutable { return std::move(op)(asio::as_tuple(asio::use_awaitable)); },
        asio::use_future);
    ioc.restart();
    ioc.run();
    return cirrus::test::error_tuple(fut.get());
}

iam::client_options moto_options() {
    return {.region = "us-east-1",
            .endpoint = cirrus::test::moto_endpoint(),
            .credentials = cirrus::auth::any_credentials_provider(
                cirrus::auth::static_provider("AKIDCIRRUSIAM", "cirrus-iam-secret"))};
}

std::string unique(std::string_view base) {
    static std::mt19937_64 rng(std::random_device{}());
    return std::string(base) + "-" + std::to_string(rng() % 1000000000);
}

} // namespace

TEST(IamUsers, CreateGetListDelete) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string path = "/" + unique("cirrus") + "/";
    std::set<std::string> names;
    for (int i = 0; i < 3; ++i) {
        const std::string name = unique("cirrus-user");
        auto [ec, u] = sync(ioc, c.async_create_user({.user_name = name, .path = path}, asio::deferred));
        ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
        EXPECT_EQ(u.user_name, name);
        EXPECT_EQ(u.path, path);
        EXPECT_NE(u.arn.find(":user" + path + name), std::string::npos) << u.arn;
        EXPECT_FALSE(u.user_id.empty());
        names.insert(name);
    }
    const std::string first = *names.begin();
    auto [ec, got] = sync(ioc, c.async_get_user({.user_name = first}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(got.user_name, first);
    EXPECT_FALSE(got.create_date.empty());

    // Pages of one user each, walked with the marker.
    std::set<std::string> listed;
    std::string marker;
    int pages = 0;
    do {
        auto [lec, p] = sync(ioc, c.async_list_users({.path_prefix = path, .marker = marker, .max_items = 1}, asio::deferred));
        ASSERT_FALSE(lec) << lec.message() << ": " << c.last_diagnostics().message;
        for (auto& u : p.items) listed.insert(u.user_name);
        marker = p.is_truncated ? p.marker : std::string();
        ASSERT_LT(++pages, 10);
    } while (!marker.empty());
    EXPECT_EQ(listed, names);
    EXPECT_GE(pages, 1); // moto answers ListUsers in one page whatever MaxItems says

    for (const auto& n : names) {
        auto [dec, r] = sync(ioc, c.async_delete_user({.user_name = n}, asio::deferred));
        ASSERT_FALSE(dec) << dec.message() << ": " << c.last_diagnostics().message;
    }
    diagnostics diag;
    auto [gec, gone] = sync(ioc, c.async_get_user({.user_name = first}, diag, asio::deferred));
    EXPECT_TRUE(gec);
    EXPECT_EQ(diag.service_code, "NoSuchEntity");
    EXPECT_EQ(diag.http_status, 404u);
    EXPECT_NE(diag.message.find(first), std::string::npos) << diag.message;
    EXPECT_FALSE(diag.request_id.empty());
}

TEST(IamAccessKeys, CreateListDeleteAndSecretNeverPrinted) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string name = unique("cirrus-keys");
    auto [ec, u] = sync(ioc, c.async_create_user({.user_name = name}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message();
    auto [kec, key] = sync(ioc, c.async_create_access_key({.user_name = name}, asio::deferred));
    ASSERT_FALSE(kec) << kec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(key.user_name, name);
    EXPECT_FALSE(key.access_key_id.empty());
    EXPECT_FALSE(key.secret_access_key.empty());
    EXPECT_EQ(key.status, iam::access_key_status::active);
    std::ostringstream os;
    os << key;
    EXPECT_EQ(os.str().find(key.secret_access_key), std::string::npos) << os.str();
    EXPECT_NE(os.str().find(key.access_key_id), std::string::npos) << os.str();

    auto [lec, keys] = sync(ioc, c.async_list_access_keys({.user_name = name}, asio::deferred));
    ASSERT_FALSE(lec) << lec.message();
    ASSERT_EQ(keys.items.size(), 1u);
    EXPECT_EQ(keys.items[0].access_key_id, key.access_key_id);
    EXPECT_TRUE(keys.items[0].secret_access_key.empty()); // returned once only

    auto [kdec, kd] = sync(ioc, c.async_delete_access_key({.user_name = name, .access_key_id = key.access_key_id},
                                                          asio::deferred));
    ASSERT_FALSE(kdec) << kdec.message();
    auto [l2ec, none] = sync(ioc, c.async_list_access_keys({.user_name = name}, asio::deferred));
    ASSERT_FALSE(l2ec);
    EXPECT_TRUE(none.items.empty());
    auto [d2ec, d2] = sync(ioc, c.async_delete_user({.user_name = name}, asio::deferred));
    EXPECT_FALSE(d2ec) << d2ec.message() << ": " << c.last_diagnostics().message;
}
