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

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace iam = cirrus::iam;
using cirrus::diagnostics;
using cirrus::error_code;

namespace {

using cirrus::test::sync;

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

// ------------------------------------------------------------------ the rest of IAM

namespace {

// A policy document as a JSON string.
std::string s3_read_policy(std::string_view bucket) {
    return std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::)") +
           std::string(bucket) + R"(/*"}]})";
}
const std::string lambda_trust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

} // namespace

TEST(IamUsers, UpdateTagsAndLoginProfile) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string name = unique("cirrus-upd");
    const iam::tag_view tags[] = {{"team", "storage"}, {"env", "test"}};
    auto [ec, u] = sync(ioc, c.async_create_user({.user_name = name, .tags = tags}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;

    const iam::tag_view more[] = {{"owner", "ada"}};
    auto [tec, tr] = sync(ioc, c.async_tag_user({.user_name = name, .tags = more}, asio::deferred));
    ASSERT_FALSE(tec) << tec.message() << ": " << c.last_diagnostics().message;
    const std::string_view drop[] = {"env"};
    auto [uec, ur] = sync(ioc, c.async_untag_user({.user_name = name, .tag_keys = drop}, asio::deferred));
    ASSERT_FALSE(uec) << uec.message();
    auto [lec, listed] = sync(ioc, c.async_list_user_tags({.user_name = name}, asio::deferred));
    ASSERT_FALSE(lec) << lec.message();
    std::set<std::pair<std::string, std::string>> got;
    for (auto& t : listed.items) got.emplace(t.key, t.value);
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"team", "storage"}, {"owner", "ada"}}));

    auto [pec, profile] = sync(ioc, c.async_create_login_profile(
                                        {.user_name = name, .password = "Cirrus-Pass-0123!", .password_reset_required = true},
                                        asio::deferred));
    ASSERT_FALSE(pec) << pec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(profile.user_name, name);
    auto [gpec, got_profile] = sync(ioc, c.async_get_login_profile({.user_name = name}, asio::deferred));
    ASSERT_FALSE(gpec) << gpec.message();
    EXPECT_EQ(got_profile.user_name, name);
    auto [dpec, dp] = sync(ioc, c.async_delete_login_profile({.user_name = name}, asio::deferred));
    ASSERT_FALSE(dpec) << dpec.message();
    auto [g2ec, none] = sync(ioc, c.async_get_login_profile({.user_name = name}, asio::deferred));
    EXPECT_EQ(g2ec, iam::errc::no_such_entity) << g2ec.message();

    const std::string renamed = name + "-r";
    auto [rec, rr] = sync(ioc, c.async_update_user({.user_name = name, .new_user_name = renamed, .new_path = "/moved/"},
                                                   asio::deferred));
    ASSERT_FALSE(rec) << rec.message() << ": " << c.last_diagnostics().message;
    auto [gec, moved] = sync(ioc, c.async_get_user({.user_name = renamed}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(moved.path, "/moved/");
    auto [oec, old] = sync(ioc, c.async_get_user({.user_name = name}, asio::deferred));
    EXPECT_EQ(oec, iam::errc::no_such_entity);
    auto [dec, d] = sync(ioc, c.async_delete_user({.user_name = renamed}, asio::deferred));
    EXPECT_FALSE(dec) << dec.message();
}

TEST(IamAccessKeys, UpdateStatusAndLastUsed) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string name = unique("cirrus-status");
    auto [ec, u] = sync(ioc, c.async_create_user({.user_name = name}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message();
    auto [kec, key] = sync(ioc, c.async_create_access_key({.user_name = name}, asio::deferred));
    ASSERT_FALSE(kec) << kec.message();
    auto [uec, ur] = sync(ioc, c.async_update_access_key({.user_name = name,
                                                          .access_key_id = key.access_key_id,
                                                          .status = iam::access_key_status::inactive},
                                                         asio::deferred));
    ASSERT_FALSE(uec) << uec.message() << ": " << c.last_diagnostics().message;
    auto [lec, keys] = sync(ioc, c.async_list_access_keys({.user_name = name}, asio::deferred));
    ASSERT_FALSE(lec);
    ASSERT_EQ(keys.items.size(), 1u);
    EXPECT_EQ(keys.items[0].status, iam::access_key_status::inactive);

    auto [luec, last] = sync(ioc, c.async_get_access_key_last_used({.access_key_id = key.access_key_id}, asio::deferred));
    ASSERT_FALSE(luec) << luec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(last.user_name, name);
    auto [dec, d] = sync(ioc, c.async_delete_user({.user_name = name, .cleanup = true}, asio::deferred));
    EXPECT_FALSE(dec) << dec.message() << ": " << c.last_diagnostics().message;
}

TEST(IamGroups, CreateGetListMembersDelete) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string path = "/" + unique("grp") + "/";
    const std::string gname = unique("cirrus-group");
    auto [ec, g] = sync(ioc, c.async_create_group({.group_name = gname, .path = path}, asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(g.group_name, gname);
    EXPECT_NE(g.arn.find(":group" + path + gname), std::string::npos) << g.arn;
    diagnostics diag;
    auto [dupec, dup] = sync(ioc, c.async_create_group({.group_name = gname}, diag, asio::deferred));
    EXPECT_EQ(dupec, iam::errc::entity_already_exists) << dupec.message();
    EXPECT_EQ(diag.service_code, "EntityAlreadyExists");
    EXPECT_FALSE(diag.message.empty());

    std::vector<std::string> users = {unique("cirrus-member"), unique("cirrus-member")};
    for (const auto& u : users) {
        auto [uec, uu] = sync(ioc, c.async_create_user({.user_name = u}, asio::deferred));
        ASSERT_FALSE(uec);
        auto [aec, a] = sync(ioc, c.async_add_user_to_group({.group_name = gname, .user_name = u}, asio::deferred));
        ASSERT_FALSE(aec) << aec.message() << ": " << c.last_diagnostics().message;
    }
    auto [gec, got] = sync(ioc, c.async_get_group({.group_name = gname}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(got.group.group_name, gname);
    std::set<std::string> members;
    for (auto& u : got.items) members.insert(u.user_name);
    EXPECT_EQ(members, std::set<std::string>(users.begin(), users.end()));

    auto [fec, groups] = sync(ioc, c.async_list_groups_for_user({.user_name = users[0]}, asio::deferred));
    ASSERT_FALSE(fec);
    ASSERT_EQ(groups.items.size(), 1u);
    EXPECT_EQ(groups.items[0].group_name, gname);

    // Every group under the path, through the pager.
    auto pages = c.list_groups_pages({.path_prefix = path});
    std::vector<std::string> listed;
    for (;;) {
        auto [nec, item] = sync(ioc, pages.async_next(asio::deferred));
        ASSERT_FALSE(nec) << nec.message();
        if (!item) break;
        listed.push_back(item->group_name);
    }
    // Other tests and examples may have groups under other paths: ours is listed once.
    EXPECT_EQ(std::count(listed.begin(), listed.end(), gname), 1) << "groups listed: " << listed.size();
    EXPECT_TRUE(pages.done());

    auto [rec, r] = sync(ioc, c.async_remove_user_from_group({.group_name = gname, .user_name = users[0]}, asio::deferred));
    ASSERT_FALSE(rec) << rec.message();
    auto [f2ec, groups2] = sync(ioc, c.async_list_groups_for_user({.user_name = users[0]}, asio::deferred));
    ASSERT_FALSE(f2ec);
    EXPECT_TRUE(groups2.items.empty());

    // users[1] is still a member: the cleanup removes it first.
    auto [dec, d] = sync(ioc, c.async_delete_group({.group_name = gname, .cleanup = true}, asio::deferred));
    ASSERT_FALSE(dec) << dec.message() << ": " << c.last_diagnostics().message;
    auto [g2ec, gone] = sync(ioc, c.async_get_group({.group_name = gname}, asio::deferred));
    EXPECT_EQ(g2ec, iam::errc::no_such_entity);
    for (const auto& u : users) {
        auto [udec, ud] = sync(ioc, c.async_delete_user({.user_name = u}, asio::deferred));
        EXPECT_FALSE(udec) << udec.message();
    }
}

TEST(IamRoles, LambdaRoleInstanceProfileAndCleanup) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string path = "/" + unique("roles") + "/";
    const std::string rname = unique("cirrus-lambda");
    auto [ec, r] = sync(ioc, c.async_create_role({.role_name = rname,
                                                  .assume_role_policy_document = lambda_trust,
                                                  .path = path,
                                                  .description = "runs the functions",
                                                  .max_session_duration = 7200},
                                                 asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(r.role_name, rname);
    EXPECT_NE(r.arn.find(":role" + path + rname), std::string::npos) << r.arn;
    auto [gec, got] = sync(ioc, c.async_get_role({.role_name = rname}, asio::deferred));
    ASSERT_FALSE(gec) << gec.message();
    EXPECT_EQ(got.assume_role_policy_document, lambda_trust); // decoded
    EXPECT_EQ(got.description, "runs the functions");
    EXPECT_EQ(got.max_session_duration, 7200);

    const std::string account_trust =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";
    auto [uec, u] = sync(ioc, c.async_update_assume_role_policy({.role_name = rname, .policy_document = account_trust},
                                                                asio::deferred));
    ASSERT_FALSE(uec) << uec.message() << ": " << c.last_diagnostics().message;
    auto [urec, ur] = sync(ioc, c.async_update_role({.role_name = rname, .description = "assumed by the account"},
                                                    asio::deferred));
    ASSERT_FALSE(urec) << urec.message();
    auto [g2ec, got2] = sync(ioc, c.async_get_role({.role_name = rname}, asio::deferred));
    ASSERT_FALSE(g2ec);
    EXPECT_EQ(got2.assume_role_policy_document, account_trust);
    EXPECT_EQ(got2.description, "assumed by the account");

    auto pages = c.list_roles_pages({.path_prefix = path});
    auto [pec, page] = sync(ioc, pages.async_next_page(asio::deferred));
    ASSERT_FALSE(pec);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].role_name, rname);

    const std::string pname = unique("cirrus-profile");
    auto [ipec, ip] = sync(ioc, c.async_create_instance_profile({.instance_profile_name = pname, .path = path},
                                                                asio::deferred));
    ASSERT_FALSE(ipec) << ipec.message() << ": " << c.last_diagnostics().message;
    auto [aec, a] = sync(ioc, c.async_add_role_to_instance_profile({.instance_profile_name = pname, .role_name = rname},
                                                                   asio::deferred));
    ASSERT_FALSE(aec) << aec.message();
    auto [gipec, gip] = sync(ioc, c.async_get_instance_profile({.instance_profile_name = pname}, asio::deferred));
    ASSERT_FALSE(gipec) << gipec.message();
    ASSERT_EQ(gip.roles.size(), 1u);
    EXPECT_EQ(gip.roles[0].role_name, rname);
    auto [lipec, lip] = sync(ioc, c.async_list_instance_profiles_for_role({.role_name = rname}, asio::deferred));
    ASSERT_FALSE(lipec);
    ASSERT_EQ(lip.items.size(), 1u);
    EXPECT_EQ(lip.items[0].instance_profile_name, pname);
    auto [liec, li] = sync(ioc, c.async_list_instance_profiles({.path_prefix = path}, asio::deferred));
    ASSERT_FALSE(liec);
    EXPECT_EQ(li.items.size(), 1u);

    // A managed and an inline policy: a plain delete is refused, the cleanup removes them.
    auto [cpec, pol] = sync(ioc, c.async_create_policy({.policy_name = unique("cirrus-role-pol"),
                                                        .policy_document = s3_read_policy("b")},
                                                       asio::deferred));
    ASSERT_FALSE(cpec) << cpec.message();
    auto [atec, at] = sync(ioc, c.async_attach_role_policy({.name = rname, .policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(atec) << atec.message();
    auto [ptec, pt] = sync(ioc, c.async_put_role_policy({.name = rname, .policy_name = "inline",
                                                         .policy_document = s3_read_policy("c")},
                                                        asio::deferred));
    ASSERT_FALSE(ptec) << ptec.message();
    diagnostics diag;
    auto [pdec, pd] = sync(ioc, c.async_delete_role({.role_name = rname}, diag, asio::deferred));
    EXPECT_EQ(pdec, iam::errc::delete_conflict) << pdec.message();
    EXPECT_EQ(diag.service_code, "DeleteConflict");
    EXPECT_FALSE(diag.request_id.empty());
    auto [dec, d] = sync(ioc, c.async_delete_role({.role_name = rname, .cleanup = true}, asio::deferred));
    ASSERT_FALSE(dec) << dec.message() << ": " << c.last_diagnostics().message;
    auto [g3ec, g3] = sync(ioc, c.async_get_role({.role_name = rname}, asio::deferred));
    EXPECT_EQ(g3ec, iam::errc::no_such_entity);
    auto [gip2ec, gip2] = sync(ioc, c.async_get_instance_profile({.instance_profile_name = pname}, asio::deferred));
    ASSERT_FALSE(gip2ec);
    EXPECT_TRUE(gip2.roles.empty());
    auto [dipec, dip] = sync(ioc, c.async_delete_instance_profile({.instance_profile_name = pname}, asio::deferred));
    EXPECT_FALSE(dipec) << dipec.message();
    auto [dpec, dp] = sync(ioc, c.async_delete_policy({.policy_arn = pol.arn}, asio::deferred));
    EXPECT_FALSE(dpec) << dpec.message() << ": " << c.last_diagnostics().message;
}

TEST(IamPolicies, ManagedVersionsAttachDetachDelete) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string path = "/" + unique("pol") + "/";
    const std::string v1 = s3_read_policy("one");
    auto [ec, pol] = sync(ioc, c.async_create_policy({.policy_name = unique("cirrus-managed"), .policy_document = v1,
                                                      .path = path, .description = "reads one bucket"},
                                                     asio::deferred));
    ASSERT_FALSE(ec) << ec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(pol.default_version_id, "v1");
    EXPECT_NE(pol.arn.find(":policy" + path), std::string::npos) << pol.arn;
    auto [gec, got] = sync(ioc, c.async_get_policy({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(gec);
    EXPECT_EQ(got.policy_name, pol.policy_name);
    EXPECT_EQ(got.description, "reads one bucket");

    const std::string v2doc = s3_read_policy("two");
    auto [vec, v2] = sync(ioc, c.async_create_policy_version({.policy_arn = pol.arn, .policy_document = v2doc,
                                                              .set_as_default = true},
                                                             asio::deferred));
    ASSERT_FALSE(vec) << vec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(v2.version_id, "v2");
    EXPECT_TRUE(v2.is_default_version);
    auto [lvec, versions] = sync(ioc, c.async_list_policy_versions({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(lvec);
    EXPECT_EQ(versions.items.size(), 2u);
    auto [gvec, first] = sync(ioc, c.async_get_policy_version({.policy_arn = pol.arn, .version_id = "v1"},
                                                              asio::deferred));
    ASSERT_FALSE(gvec) << gvec.message();
    EXPECT_EQ(first.document, v1); // decoded
    EXPECT_FALSE(first.is_default_version);
    auto [sdec, sd] = sync(ioc, c.async_set_default_policy_version({.policy_arn = pol.arn, .version_id = "v1"},
                                                                   asio::deferred));
    ASSERT_FALSE(sdec) << sdec.message();
    auto [g2ec, got2] = sync(ioc, c.async_get_policy({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(g2ec);
    EXPECT_EQ(got2.default_version_id, "v1");
    auto [dvec, dv] = sync(ioc, c.async_delete_policy_version({.policy_arn = pol.arn, .version_id = "v2"},
                                                              asio::deferred));
    ASSERT_FALSE(dvec) << dvec.message();

    // Attached to a user, a group and a role.
    const std::string uname = unique("cirrus-pu"), gname = unique("cirrus-pg"), rname = unique("cirrus-pr");
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_user({.user_name = uname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_group({.group_name = gname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(
        ioc, c.async_create_role({.role_name = rname, .assume_role_policy_document = lambda_trust}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_attach_user_policy({.name = uname, .policy_arn = pol.arn}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_attach_group_policy({.name = gname, .policy_arn = pol.arn}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_attach_role_policy({.name = rname, .policy_arn = pol.arn}, asio::deferred))));
    auto [auec, au] = sync(ioc, c.async_list_attached_user_policies({.name = uname}, asio::deferred));
    ASSERT_FALSE(auec) << auec.message();
    ASSERT_EQ(au.items.size(), 1u);
    EXPECT_EQ(au.items[0].policy_arn, pol.arn);
    auto [agec, ag] = sync(ioc, c.async_list_attached_group_policies({.name = gname}, asio::deferred));
    ASSERT_FALSE(agec);
    ASSERT_EQ(ag.items.size(), 1u);
    auto [arec, ar] = sync(ioc, c.async_list_attached_role_policies({.name = rname}, asio::deferred));
    ASSERT_FALSE(arec);
    ASSERT_EQ(ar.items.size(), 1u);
    EXPECT_EQ(ar.items[0].policy_name, pol.policy_name);
    auto [eec, entities] = sync(ioc, c.async_list_entities_for_policy({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(eec) << eec.message();
    EXPECT_EQ(entities.user_names, std::vector<std::string>{uname});
    EXPECT_EQ(entities.group_names, std::vector<std::string>{gname});
    EXPECT_EQ(entities.role_names, std::vector<std::string>{rname});
    auto [g3ec, got3] = sync(ioc, c.async_get_policy({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(g3ec);
    EXPECT_EQ(got3.attachment_count, 3);

    auto [deec, de] = sync(ioc, c.async_detach_user_policy({.name = uname, .policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(deec) << deec.message();
    auto [au2ec, au2] = sync(ioc, c.async_list_attached_user_policies({.name = uname}, asio::deferred));
    ASSERT_FALSE(au2ec);
    EXPECT_TRUE(au2.items.empty());

    // Local policies under the path, through the pager.
    auto pages = c.list_policies_pages({.scope = iam::policy_scope::local, .path_prefix = path});
    std::vector<std::string> arns;
    while (!pages.done()) {
        auto [pec, p] = sync(ioc, pages.async_next_page(asio::deferred));
        ASSERT_FALSE(pec) << pec.message();
        for (auto& i : p.items) arns.push_back(i.arn);
    }
    EXPECT_EQ(arns, std::vector<std::string>{pol.arn});

    // Still attached to the group and the role: the cleanup detaches it first.
    auto [dpec, dp] = sync(ioc, c.async_delete_policy({.policy_arn = pol.arn, .cleanup = true}, asio::deferred));
    ASSERT_FALSE(dpec) << dpec.message() << ": " << c.last_diagnostics().message;
    auto [g4ec, got4] = sync(ioc, c.async_get_policy({.policy_arn = pol.arn}, asio::deferred));
    EXPECT_EQ(g4ec, iam::errc::no_such_entity);
    auto [ag2ec, ag2] = sync(ioc, c.async_list_attached_group_policies({.name = gname}, asio::deferred));
    ASSERT_FALSE(ag2ec);
    EXPECT_TRUE(ag2.items.empty());
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_user({.user_name = uname}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_group({.group_name = gname}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_role({.role_name = rname}, asio::deferred))));
}

namespace {

// Put, get, list and delete an inline policy of one kind of principal.
template <iam::entity E>
void inline_policy_round_trip(asio::io_context& ioc, iam::client<>& c, const std::string& owner) {
    const std::string doc = s3_read_policy(owner);
    auto [pec, p] = sync(ioc, c.async_execute(iam::put_inline_policy_request<E>{.name = owner, .policy_name = "reader",
                                                                                 .policy_document = doc},
                                              asio::deferred));
    ASSERT_FALSE(pec) << pec.message() << ": " << c.last_diagnostics().message;
    auto [gec, got] = sync(ioc, c.async_execute(iam::get_inline_policy_request<E>{.name = owner, .policy_name = "reader"},
                                                asio::deferred));
    ASSERT_FALSE(gec) << gec.message() << ": " << c.last_diagnostics().message;
    EXPECT_EQ(got.owner_name, owner);
    EXPECT_EQ(got.policy_name, "reader");
    EXPECT_EQ(got.document, doc);
    auto [lec, names] = sync(ioc, c.async_execute(iam::list_inline_policies_request<E>{.name = owner}, asio::deferred));
    ASSERT_FALSE(lec);
    EXPECT_EQ(names.items, std::vector<std::string>{"reader"});
    auto [dec, d] = sync(ioc, c.async_execute(iam::delete_inline_policy_request<E>{.name = owner, .policy_name = "reader"},
                                              asio::deferred));
    ASSERT_FALSE(dec) << dec.message();
    diagnostics diag;
    auto [g2ec, gone] = sync(ioc, c.async_execute(iam::get_inline_policy_request<E>{.name = owner, .policy_name = "reader"},
                                                  diag, asio::deferred));
    EXPECT_EQ(g2ec, iam::errc::no_such_entity) << g2ec.message();
    EXPECT_EQ(diag.service_code, "NoSuchEntity");
}

} // namespace

TEST(IamPolicies, InlinePutGetListDeleteForUserGroupRole) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string uname = unique("cirrus-iu"), gname = unique("cirrus-ig"), rname = unique("cirrus-ir");
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_user({.user_name = uname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_group({.group_name = gname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(
        ioc, c.async_create_role({.role_name = rname, .assume_role_policy_document = lambda_trust}, asio::deferred))));
    inline_policy_round_trip<iam::entity::user>(ioc, c, uname);
    inline_policy_round_trip<iam::entity::group>(ioc, c, gname);
    inline_policy_round_trip<iam::entity::role>(ioc, c, rname);
    // The named operations are the same requests.
    auto [pec, p] = sync(ioc, c.async_put_user_policy({.name = uname, .policy_name = "named",
                                                        .policy_document = s3_read_policy("n")},
                                                       asio::deferred));
    ASSERT_FALSE(pec);
    auto [gec, got] = sync(ioc, c.async_get_user_policy({.name = uname, .policy_name = "named"}, asio::deferred));
    ASSERT_FALSE(gec);
    EXPECT_EQ(got.document, s3_read_policy("n"));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_user({.user_name = uname, .cleanup = true}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_group({.group_name = gname}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_role({.role_name = rname}, asio::deferred))));
}

TEST(IamUsers, DeleteWithCleanupRemovesEverythingIamRequires) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    const std::string uname = unique("cirrus-full"), gname = unique("cirrus-full-g");
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_user({.user_name = uname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_group({.group_name = gname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_access_key({.user_name = uname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_access_key({.user_name = uname}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(
        sync(ioc, c.async_create_login_profile({.user_name = uname, .password = "Cirrus-Pass-0123!"}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_add_user_to_group({.group_name = gname, .user_name = uname}, asio::deferred))));
    auto [cpec, pol] = sync(ioc, c.async_create_policy({.policy_name = unique("cirrus-full-p"),
                                                        .policy_document = s3_read_policy("full")},
                                                       asio::deferred));
    ASSERT_FALSE(cpec);
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_attach_user_policy({.name = uname, .policy_arn = pol.arn}, asio::deferred))));
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_put_user_policy({.name = uname, .policy_name = "inline",
                                                                 .policy_document = s3_read_policy("in")},
                                                                asio::deferred))));

    // IAM refuses to delete a user that still has policies.
    diagnostics diag;
    auto [pdec, pd] = sync(ioc, c.async_delete_user({.user_name = uname}, diag, asio::deferred));
    EXPECT_EQ(pdec, iam::errc::delete_conflict) << pdec.message();
    EXPECT_EQ(diag.service_code, "DeleteConflict");
    EXPECT_FALSE(diag.message.empty());
    EXPECT_FALSE(diag.request_id.empty());

    auto [dec, d] = sync(ioc, c.async_delete_user({.user_name = uname, .cleanup = true}, asio::deferred));
    ASSERT_FALSE(dec) << dec.message() << ": " << c.last_diagnostics().message;
    auto [gec, gone] = sync(ioc, c.async_get_user({.user_name = uname}, asio::deferred));
    EXPECT_EQ(gec, iam::errc::no_such_entity);
    auto [ggec, g] = sync(ioc, c.async_get_group({.group_name = gname}, asio::deferred));
    ASSERT_FALSE(ggec);
    EXPECT_TRUE(g.items.empty());
    auto [gpec, p] = sync(ioc, c.async_get_policy({.policy_arn = pol.arn}, asio::deferred));
    ASSERT_FALSE(gpec);
    EXPECT_EQ(p.attachment_count, 0);
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_group({.group_name = gname}, asio::deferred))));
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_policy({.policy_arn = pol.arn}, asio::deferred))));
}

TEST(IamErrors, TypedWithServiceCodeMessageAndRequestId) {
    asio::io_context ioc;
    iam::client<> c(ioc.get_executor(), moto_options());
    diagnostics diag;
    auto [mec, m] = sync(ioc, c.async_create_policy({.policy_name = unique("cirrus-bad"), .policy_document = "{not json"},
                                                    diag, asio::deferred));
    EXPECT_EQ(mec, iam::errc::malformed_policy_document) << mec.message();
    EXPECT_EQ(diag.service_code, "MalformedPolicyDocument");
    EXPECT_FALSE(diag.message.empty());
    EXPECT_FALSE(diag.request_id.empty());
    EXPECT_EQ(diag.http_status, 400u);

    const std::string name = unique("cirrus-twice");
    ASSERT_FALSE(std::get<0>(sync(ioc, c.async_create_user({.user_name = name}, asio::deferred))));
    auto [dec, d] = sync(ioc, c.async_create_user({.user_name = name}, diag, asio::deferred));
    EXPECT_EQ(dec, iam::errc::entity_already_exists) << dec.message();
    EXPECT_EQ(diag.service_code, "EntityAlreadyExists");
    EXPECT_EQ(diag.http_status, 409u);
    EXPECT_NE(diag.message.find(name), std::string::npos) << diag.message;
    EXPECT_FALSE(std::get<0>(sync(ioc, c.async_delete_user({.user_name = name}, asio::deferred))));
    auto [nec, n] = sync(ioc, c.async_delete_user({.user_name = name}, diag, asio::deferred));
    EXPECT_EQ(nec, iam::errc::no_such_entity);
    EXPECT_EQ(std::string(nec.category().name()), "cirrus.iam");
}

TEST(IamParse, DocumentsAreDecodedAndListsRead) {
    namespace d = cirrus::iam::detail;
    EXPECT_EQ(d::decode_document("%7B%22Version%22%3A%222012-10-17%22%7D"), R"({"Version":"2012-10-17"})");
    EXPECT_EQ(d::decode_document(R"({"a":"100%"})"), R"({"a":"100%"})"); // already JSON
    const std::string xml = R"(<ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
<ListRolePoliciesResult><PolicyNames><member>a</member><member>b</member></PolicyNames>
<IsTruncated>true</IsTruncated><Marker>m2</Marker></ListRolePoliciesResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListRolePoliciesResponse>)";
    iam::page<std::string> names;
    ASSERT_FALSE(d::parse(xml, names));
    EXPECT_EQ(names.items, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(names.is_truncated);
    EXPECT_EQ(names.marker, "m2");
    const std::string profile = R"(<GetInstanceProfileResponse><GetInstanceProfileResult><InstanceProfile>
<InstanceProfileName>p</InstanceProfileName><Roles><member><RoleName>r1</RoleName>
<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument></member><member><RoleName>r2</RoleName></member></Roles>
<Arn>arn:aws:iam::1:instance-profile/p</Arn></InstanceProfile></GetInstanceProfileResult></GetInstanceProfileResponse>)";
    iam::instance_profile ip;
    ASSERT_FALSE(d::parse(profile, ip));
    EXPECT_EQ(ip.instance_profile_name, "p");
    EXPECT_EQ(ip.arn, "arn:aws:iam::1:instance-profile/p");
    ASSERT_EQ(ip.roles.size(), 2u);
    EXPECT_EQ(ip.roles[0].assume_role_policy_document, "{}");
    EXPECT_EQ(ip.roles[1].role_name, "r2");
    iam::user u;
    EXPECT_EQ(d::parse("<a><b>", u), iam::errc::malformed_response);
    EXPECT_EQ(d::form(iam::attach_role_policy_request{.name = "r", .policy_arn = "arn:x"}),
              "Action=AttachRolePolicy&Version=2010-05-08&RoleName=r&PolicyArn=arn%3Ax");
}
