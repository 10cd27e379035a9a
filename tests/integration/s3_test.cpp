// The S3 client against real servers: versitygw (provider custom, path style; strict
// signature checks) and moto (provider aws with an endpoint override), and Garage (provider
// custom, path style) when `scripts/services.sh start --extended` runs it (`scripts/test.sh
// --extended` requires it: CIRRUS_REQUIRE_GARAGE=1). Every test runs on each backend; where
// a backend lacks an operation the test says so and skips it. Each test uses its own
// bucket (random suffix) and deletes what it created.

#include "support/error_tuple.hpp"
#include "support/http_sync.hpp"
#include "support/s3_backends.hpp"
#include "support/services.hpp"
#include "support/toxiproxy.hpp"

#include <cirrus/provider/all.hpp>
#include <cirrus/s3/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <cstring>
#include <stdexcept>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cirrus::diagnostics;
using cirrus::error_code;

namespace provider = cirrus::provider;

namespace {

std::string random_suffix() {
    static std::mt19937_64 rng(std::random_device{}());
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (int i = 0; i < 10; ++i) s.push_back(digits[rng() % 36]);
    return s;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
    return s;
}

// Runs a deferred operation to completion on `ioc`; returns its (error_code, ...) tuple (a
// with_diagnostics exception, the default token's, comes back as its error_code).
using cirrus::test::sync;

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out.push_back(c);
    }
    out += '\'';
    return out;
}

// Runs a command and returns (exit status, stdout).
std::pair<int, std::string> run_command(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return {-1, {}};
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

fs::path temp_path(std::string_view stem) {
    return fs::temp_directory_path() / (std::string(stem) + "-" + std::to_string(::getpid()) + "-" + random_suffix());
}

// ------------------------------------------------------------------------- fixture

template <class Backend>
class S3 : public ::testing::Test {
protected:
    using client_type = s3::client<typename Backend::provider>;

    void SetUp() override {
        bool required = false;
        if (auto why = cirrus::test::backend_absent<Backend>(required); !why.empty()) {
            if (required) FAIL() << why;
            GTEST_SKIP() << why;
        }
        bucket_ = make_bucket_name();
        auto [ec, r] = sync(ioc_, client_.async_create_bucket({.bucket = bucket_}, diag_));
        ASSERT_FALSE(ec) << ec.message() << " " << diag_.what();
    }

    void TearDown() override {
        for (const auto& b : extra_buckets_) remove_bucket(b);
        if (!bucket_.empty()) remove_bucket(bucket_);
        for (const auto& p : temp_files_) {
            std::error_code ignored;
            fs::remove(p, ignored);
        }
    }

    void remove_bucket(const std::string& name) {
        diagnostics d;
        auto [ec, r] = sync(ioc_, client_.async_delete_bucket({.bucket = name, .empty_first = true}, d));
        if (ec && ec != s3::errc::no_such_bucket) ADD_FAILURE() << "cleanup of " << name << ": " << ec.message() << " " << d.what();
    }

    std::string make_bucket_name() { return std::string("cirrus-s3-") + random_suffix(); }

    std::string extra_bucket() {
        std::string name = make_bucket_name();
        auto [ec, r] = sync(ioc_, client_.async_create_bucket({.bucket = name}, diag_));
        EXPECT_FALSE(ec) << ec.message() << " " << diag_.what();
        extra_buckets_.push_back(name);
        return name;
    }

    s3::put_object_result put(const std::string& key, std::string_view data) {
        auto [ec, r] = sync(ioc_, client_.async_put_object({.bucket = bucket_, .key = key, .body = data}, diag_));
        EXPECT_FALSE(ec) << key << ": " << ec.message() << " " << diag_.what();
        return r;
    }

    std::string get(const std::string& key) {
        auto [ec, r] = sync(ioc_, client_.async_get_object({.bucket = bucket_, .key = key}, diag_));
        EXPECT_FALSE(ec) << key << ": " << ec.message() << " " << diag_.what();
        return r.body;
    }

    fs::path temp_file(std::string_view stem) {
        temp_files_.push_back(temp_path(stem));
        return temp_files_.back();
    }

    bool is(std::string_view backend) const { return std::string_view(Backend::name) == backend; }

    asio::io_context ioc_;
    client_type client_{ioc_.get_executor(), Backend::options()};
    std::string bucket_;
    std::vector<std::string> extra_buckets_;
    std::vector<fs::path> temp_files_;
    diagnostics diag_;
};

using backends = ::testing::Types<backend::versitygw, backend::moto, backend::garage>;
TYPED_TEST_SUITE(S3, backends);

} // namespace

// ============================================================================ buckets

TYPED_TEST(S3, BucketCreateHeadListLocationDelete) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;

    auto [hec, head] = sync(ioc, c.async_head_bucket({.bucket = this->bucket_}, diag));
    EXPECT_FALSE(hec) << diag.what();

    auto [lec, list] = sync(ioc, c.async_list_buckets({}, diag));
    ASSERT_FALSE(lec) << diag.what();
    bool found = false;
    for (const auto& b : list.buckets) found = found || b.name == this->bucket_;
    EXPECT_TRUE(found);

    auto [loc_ec, loc] = sync(ioc, c.async_get_bucket_location({.bucket = this->bucket_}, diag));
    ASSERT_FALSE(loc_ec) << diag.what();
    EXPECT_EQ(loc.region, "us-east-1");

    // Creating it again.
    auto [dup_ec, dup] = sync(ioc, c.async_create_bucket({.bucket = this->bucket_}, diag));
    EXPECT_TRUE(dup_ec == s3::errc::bucket_already_owned_by_you || dup_ec == s3::errc::bucket_already_exists ||
                (this->is("moto") && !dup_ec))
        << dup_ec.message() << " " << diag.what();

    // A bucket with a canned ACL and object ownership (without them where there are no ACLs).
    const std::string other = this->make_bucket_name();
    constexpr bool acls = provider::supports_acls<typename TypeParam::provider>;
    const s3::create_bucket_request with_acl{.bucket = other,
                                             .acl = acls ? s3::canned_acl::private_ : s3::canned_acl::none,
                                             .ownership = acls ? s3::object_ownership::bucket_owner_preferred
                                                               : s3::object_ownership::none};
    auto [cec, created] = sync(ioc, c.async_create_bucket(with_acl, diag));
    ASSERT_FALSE(cec) << cec.message() << " " << diag.what();
    auto [dec, deleted] = sync(ioc, c.async_delete_bucket({.bucket = other}, diag));
    EXPECT_FALSE(dec) << diag.what();

    auto [mec, missing] = sync(ioc, c.async_head_bucket({.bucket = other}, diag));
    EXPECT_EQ(mec, s3::errc::no_such_bucket) << mec.message();
    EXPECT_EQ(diag.http_status, 404u);
}

TYPED_TEST(S3, InvalidBucketNameIsRejectedBeforeAnyRequest) {
    asio::io_context ioc;
    typename TestFixture::client_type c(ioc.get_executor(), TypeParam::options());
    diagnostics diag;
    for (const std::string name : {"Bad_Bucket", "ab", "192.168.1.1", "xn--bucket", "bucket-s3alias", "a..b"}) {
        auto [ec, r] = sync(ioc, c.async_create_bucket({.bucket = name}, diag));
        EXPECT_EQ(ec, s3::errc::invalid_bucket_name) << name;
        auto [gec, g] = sync(ioc, c.async_get_object({.bucket = name, .key = "k"}, diag));
        EXPECT_EQ(gec, s3::errc::invalid_bucket_name) << name;
    }
    auto [kec, k] = sync(ioc, c.async_put_object({.bucket = "fine-bucket", .key = std::string(1025, 'k'), .body = "x"}, diag));
    EXPECT_EQ(kec, s3::errc::invalid_object_key);
    auto [eec, e] = sync(ioc, c.async_delete_object({.bucket = "fine-bucket", .key = ""}, diag));
    EXPECT_EQ(eec, s3::errc::invalid_object_key);
    EXPECT_EQ(c.http_client().stats().created, 0u); // nothing went on the wire
}

TYPED_TEST(S3, MissingBucketAndKey) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string nobucket = this->make_bucket_name();

    auto [g1, r1] = sync(ioc, c.async_get_object({.bucket = this->bucket_, .key = "missing"}, diag));
    EXPECT_EQ(g1, s3::errc::no_such_key) << g1.message();
    EXPECT_EQ(diag.service_code, "NoSuchKey");
    EXPECT_EQ(diag.http_status, 404u);
    if (this->is("versitygw")) {
        EXPECT_FALSE(diag.request_id.empty()) << diag.what();
        EXPECT_FALSE(diag.host_id.empty()) << diag.what();
    }

    auto [h1, r2] = sync(ioc, c.async_head_object({.bucket = this->bucket_, .key = "missing"}, diag));
    EXPECT_EQ(h1, s3::errc::no_such_key) << h1.message();

    auto [g2, r3] = sync(ioc, c.async_get_object({.bucket = nobucket, .key = "k"}, diag));
    EXPECT_EQ(g2, s3::errc::no_such_bucket) << g2.message();
    EXPECT_EQ(diag.service_code, "NoSuchBucket");

    // HEAD has no body: the 404 is told apart by asking for the bucket.
    auto [h2, r4] = sync(ioc, c.async_head_object({.bucket = nobucket, .key = "k"}, diag));
    EXPECT_EQ(h2, s3::errc::no_such_bucket) << h2.message();

    auto [l1, r5] = sync(ioc, c.async_list_objects({.bucket = nobucket}, diag));
    EXPECT_EQ(l1, s3::errc::no_such_bucket) << l1.message();

    auto [d1, r6] = sync(ioc, c.async_delete_bucket({.bucket = nobucket}, diag));
    EXPECT_EQ(d1, s3::errc::no_such_bucket) << d1.message();
}

TYPED_TEST(S3, BucketNotEmptyThenEmptiedAndDeleted) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string b = this->extra_bucket();
    for (int i = 0; i < 3; ++i) {
        auto [ec, r] = sync(ioc, c.async_put_object({.bucket = b, .key = "o" + std::to_string(i), .body = "x"}, diag));
        ASSERT_FALSE(ec) << diag.what();
    }
    auto [ec, r] = sync(ioc, c.async_delete_bucket({.bucket = b}, diag));
    EXPECT_EQ(ec, s3::errc::bucket_not_empty) << ec.message() << " " << diag.what();
    EXPECT_EQ(diag.service_code, "BucketNotEmpty");
    auto [ec2, r2] = sync(ioc, c.async_delete_bucket({.bucket = b, .empty_first = true}, diag));
    ASSERT_FALSE(ec2) << ec2.message() << " " << diag.what();
    EXPECT_GE(r2.objects_deleted, 3u);
    auto [ec3, r3] = sync(ioc, c.async_head_bucket({.bucket = b}, diag));
    EXPECT_EQ(ec3, s3::errc::no_such_bucket);
}

TYPED_TEST(S3, VersioningAndVersionListing) {
    if constexpr (!provider::supports_versioning<typename TypeParam::provider>) {
        GTEST_SKIP() << TypeParam::name << " has no bucket versioning";
    } else {
        auto& c = this->client_;
        auto& ioc = this->ioc_;
        diagnostics diag;
        const std::string& b = this->bucket_;

        auto [g0, v0] = sync(ioc, c.async_get_bucket_versioning({.bucket = b}, diag));
        ASSERT_FALSE(g0) << g0.message() << " " << diag.what();
        EXPECT_EQ(v0.status, s3::versioning_status::unversioned);

        auto [p1] = sync(ioc, c.async_put_bucket_versioning({.bucket = b, .status = s3::versioning_status::enabled}, diag));
        ASSERT_FALSE(p1) << p1.message() << " " << diag.what();
        auto [g1, v1] = sync(ioc, c.async_get_bucket_versioning({.bucket = b}, diag));
        ASSERT_FALSE(g1) << diag.what();
        EXPECT_EQ(v1.status, s3::versioning_status::enabled);

        const auto first = this->put("doc.txt", "version one");
        const auto second = this->put("doc.txt", "version two");
        EXPECT_FALSE(first.version_id.empty());
        EXPECT_NE(first.version_id, second.version_id);

        auto [ge, old] = sync(ioc, c.async_get_object({.bucket = b, .key = "doc.txt", .version_id = first.version_id}, diag));
        ASSERT_FALSE(ge) << diag.what();
        EXPECT_EQ(old.body, "version one");

        auto [de, del] = sync(ioc, c.async_delete_object({.bucket = b, .key = "doc.txt"}, diag));
        ASSERT_FALSE(de) << diag.what();
        EXPECT_TRUE(del.delete_marker);

        // versitygw starts a page at its marker rather than after it, so one-entry pages
        // never advance there (the client reports that instead of looping): two per page.
        auto pages = c.list_object_versions_pages({.bucket = b, .max_keys = 2});
        std::vector<s3::object_version> all;
        for (int guard = 0; !pages.done(); ++guard) {
            ASSERT_LT(guard, 10) << "the version listing does not end";
            auto [lec, page] = sync(ioc, pages.async_next_page());
            ASSERT_FALSE(lec) << lec.message() << " " << pages.last_diagnostics().what();
            for (auto& v : page.versions) all.push_back(v);
        }
        ASSERT_EQ(all.size(), 3u);
        int markers = 0;
        for (const auto& v : all) markers += v.is_delete_marker ? 1 : 0;
        EXPECT_EQ(markers, 1);

        auto [gone, r] = sync(ioc, c.async_get_object({.bucket = b, .key = "doc.txt"}, diag));
        EXPECT_EQ(gone, s3::errc::no_such_key);

        auto [p2] = sync(ioc, c.async_put_bucket_versioning({.bucket = b, .status = s3::versioning_status::suspended}, diag));
        ASSERT_FALSE(p2) << diag.what();
        auto [g2, v2] = sync(ioc, c.async_get_bucket_versioning({.bucket = b}, diag));
        EXPECT_EQ(v2.status, s3::versioning_status::suspended);
        if (this->is("moto")) {
            // moto 5.2.5 treats a suspended bucket as unversioned and fails (500) to delete a
            // version of a key that has a delete marker: enable it again for the cleanup.
            auto [p3] = sync(ioc, c.async_put_bucket_versioning({.bucket = b, .status = s3::versioning_status::enabled}, diag));
            ASSERT_FALSE(p3);
        }
        // TearDown deletes every version and the marker before the bucket.
    }
}

TYPED_TEST(S3, BucketPolicy) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    auto [g0, none] = sync(ioc, c.async_get_bucket_policy({.bucket = b}, diag));
    if (this->is("garage") && g0 == s3::errc::not_implemented)
        GTEST_SKIP() << "garage has no bucket policies (" << diag.what() << ")";
    EXPECT_EQ(g0, s3::errc::no_such_bucket_policy) << g0.message() << " " << diag.what();

    const std::string policy = R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow",)"
                               R"("Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::)" +
                               b + R"(/*"]}]})";
    auto [p] = sync(ioc, c.async_put_bucket_policy({.bucket = b, .policy = policy}, diag));
    ASSERT_FALSE(p) << p.message() << " " << diag.what();
    auto [g1, got] = sync(ioc, c.async_get_bucket_policy({.bucket = b}, diag));
    ASSERT_FALSE(g1) << diag.what();
    EXPECT_NE(got.policy.find("PublicRead"), std::string::npos) << got.policy;
    EXPECT_NE(got.policy.find("s3:GetObject"), std::string::npos) << got.policy;
    auto [d] = sync(ioc, c.async_delete_bucket_policy({.bucket = b}, diag));
    EXPECT_FALSE(d) << diag.what();
    auto [g2, after] = sync(ioc, c.async_get_bucket_policy({.bucket = b}, diag));
    EXPECT_EQ(g2, s3::errc::no_such_bucket_policy);
}

TYPED_TEST(S3, BucketCors) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const s3::cors_configuration cors{.rules = {{.id = "web",
                                                 .allowed_methods = {"GET", "PUT"},
                                                 .allowed_origins = {"https://example.com"},
                                                 .allowed_headers = {"*"},
                                                 .expose_headers = {"ETag"},
                                                 .max_age_seconds = 600}}};
    auto [p] = sync(ioc, c.async_put_bucket_cors({.bucket = b, .rules = cors.rules}, diag));
    ASSERT_FALSE(p) << p.message() << " " << diag.what();
    auto [g, got] = sync(ioc, c.async_get_bucket_cors({.bucket = b}, diag));
    ASSERT_FALSE(g) << g.message() << " " << diag.what();
    ASSERT_EQ(got.rules.size(), 1u);
    EXPECT_EQ(got.rules[0].allowed_methods, (std::vector<std::string>{"GET", "PUT"}));
    EXPECT_EQ(got.rules[0].allowed_origins, (std::vector<std::string>{"https://example.com"}));
    EXPECT_EQ(got.rules[0].max_age_seconds, 600u);
    auto [d] = sync(ioc, c.async_delete_bucket_cors({.bucket = b}, diag));
    EXPECT_FALSE(d) << diag.what();
    auto [g2, none] = sync(ioc, c.async_get_bucket_cors({.bucket = b}, diag));
    EXPECT_EQ(g2, s3::errc::no_such_cors_configuration) << g2.message();
}

TYPED_TEST(S3, BucketLifecycle) {
    if constexpr (!provider::supports_lifecycle<typename TypeParam::provider>) {
        // The operations do not even compile for this provider.
        GTEST_SKIP() << TypeParam::name << " has no lifecycle configuration";
    } else {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const s3::lifecycle_configuration lc{.rules = {{.id = "expire-logs",
                                                    .prefix = "logs/",
                                                    .expiration_days = 30,
                                                    .abort_incomplete_multipart_upload_days = 7},
                                                   {.id = "tmp", .enabled = false, .prefix = "tmp/", .expiration_days = 1}}};
    auto [p] = sync(ioc, c.async_put_bucket_lifecycle({.bucket = b, .rules = lc.rules}, diag));
    ASSERT_FALSE(p) << p.message() << " " << diag.what();
    auto [g, got] = sync(ioc, c.async_get_bucket_lifecycle({.bucket = b}, diag));
    ASSERT_FALSE(g) << g.message() << " " << diag.what();
    ASSERT_EQ(got.rules.size(), 2u);
    EXPECT_EQ(got.rules[0].id, "expire-logs");
    EXPECT_EQ(got.rules[0].prefix, "logs/");
    EXPECT_EQ(got.rules[0].expiration_days, 30u);
    EXPECT_EQ(got.rules[0].abort_incomplete_multipart_upload_days, 7u);
    EXPECT_FALSE(got.rules[1].enabled);
    auto [d] = sync(ioc, c.async_delete_bucket_lifecycle({.bucket = b}, diag));
    EXPECT_FALSE(d) << diag.what();
    auto [g2, none] = sync(ioc, c.async_get_bucket_lifecycle({.bucket = b}, diag));
    EXPECT_EQ(g2, s3::errc::no_such_lifecycle_configuration) << g2.message();
    }
}

// ============================================================================ objects

TYPED_TEST(S3, PutGetHeadDeleteWithAttributes) {
    constexpr bool tagging = provider::supports_tagging<typename TypeParam::provider>;
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const s3::metadata_map attributes{{"owner", "team-a"}, {"build", "42"}};
    const s3::tag_set project_tags = tagging ? s3::tag_set{{"project", "cirrus"}, {"stage", "test one"}} : s3::tag_set{};
    auto [pe, put] = sync(ioc, c.async_put_object({.bucket = b,
                                                   .key = "docs/readme.txt",
                                                   .body = "hello from cirrus",
                                                   .content = {.content_type = "text/plain; charset=utf-8",
                                                               .content_encoding = "identity",
                                                               .content_disposition = "attachment; filename=\"r.txt\"",
                                                               .content_language = "en",
                                                               .cache_control = "max-age=60"},
                                                   .metadata = attributes,
                                                   .tags = project_tags,
                                                   .storage_class = "STANDARD"},
                                                  diag));
    ASSERT_FALSE(pe) << pe.message() << " " << diag.what();
    EXPECT_FALSE(put.etag.empty());

    auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "docs/readme.txt"}, diag));
    ASSERT_FALSE(he) << diag.what();
    EXPECT_EQ(head.content_length, 17u);
    EXPECT_EQ(head.etag, put.etag);
    EXPECT_EQ(head.content.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(head.content.content_disposition, "attachment; filename=\"r.txt\"");
    EXPECT_EQ(head.content.cache_control, "max-age=60");
    EXPECT_EQ(head.content.content_language, "en");
    EXPECT_EQ(head.metadata.at("owner"), "team-a");
    EXPECT_EQ(head.metadata.at("build"), "42");
    EXPECT_GT(head.last_modified.time_since_epoch().count(), 0);
    if (this->is("moto")) {
        EXPECT_EQ(head.tag_count, 2u);
    }

    auto [ge, got] = sync(ioc, c.async_get_object({.bucket = b, .key = "docs/readme.txt"}, diag));
    ASSERT_FALSE(ge) << diag.what();
    EXPECT_EQ(got.body, "hello from cirrus");
    EXPECT_EQ(got.metadata.at("owner"), "team-a");

    if constexpr (tagging) {
        auto [te, tags] = sync(ioc, c.async_get_object_tagging({.bucket = b, .key = "docs/readme.txt"}, diag));
        ASSERT_FALSE(te) << te.message() << " " << diag.what();
        std::set<std::pair<std::string, std::string>> tag_pairs;
        for (const auto& t : tags.tags) tag_pairs.insert({t.key, t.value});
        EXPECT_EQ(tag_pairs,
                  (std::set<std::pair<std::string, std::string>>{{"project", "cirrus"}, {"stage", "test one"}}));
    }

    auto [de, del] = sync(ioc, c.async_delete_object({.bucket = b, .key = "docs/readme.txt"}, diag));
    ASSERT_FALSE(de) << diag.what();
    auto [he2, gone] = sync(ioc, c.async_head_object({.bucket = b, .key = "docs/readme.txt"}, diag));
    EXPECT_EQ(he2, s3::errc::no_such_key);
    // Deleting a missing key is not an error in S3.
    auto [de2, del2] = sync(ioc, c.async_delete_object({.bucket = b, .key = "docs/readme.txt"}, diag));
    EXPECT_FALSE(de2) << de2.message();
}

// A result the caller reuses: every field comes from the latest response (nothing left over
// from the previous object), and the same buffer and result serve many requests.
TYPED_TEST(S3, GetAndHeadIntoAReusedResult) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const s3::metadata_map meta{{"owner", "team-a"}};
    auto [p1, r1] = sync(ioc, c.async_put_object({.bucket = b,
                                                  .key = "with-meta",
                                                  .body = "the first object",
                                                  .content = {.content_type = "text/plain"},
                                                  .metadata = meta},
                                                 diag));
    ASSERT_FALSE(p1) << diag.what();
    auto [p2, r2] = sync(ioc, c.async_put_object({.bucket = b, .key = "plain", .body = "second"}, diag));
    ASSERT_FALSE(p2) << diag.what();

    std::vector<std::uint8_t> buffer(64);
    s3::get_object_result got;
    for (int round = 0; round < 3; ++round) {
        auto [e1] = sync(ioc, c.async_get_object({.bucket = b, .key = "with-meta", .sink = s3::object_sink::memory(buffer)},
                                                 got, diag));
        ASSERT_FALSE(e1) << e1.message() << " " << diag.what();
        EXPECT_EQ(got.bytes_received, 16u);
        EXPECT_EQ(std::string(buffer.begin(), buffer.begin() + 16), "the first object");
        EXPECT_EQ(got.etag, r1.etag);
        EXPECT_EQ(got.metadata.size(), 1u);
        EXPECT_EQ(got.content.content_type, "text/plain");

        auto [e2] = sync(ioc, c.async_get_object({.bucket = b, .key = "plain"}, got, diag));
        ASSERT_FALSE(e2) << e2.message() << " " << diag.what();
        EXPECT_EQ(got.body, "second");
        EXPECT_EQ(got.bytes_received, 6u);
        EXPECT_EQ(got.etag, r2.etag);
        EXPECT_TRUE(got.metadata.empty()) << "metadata of the previous object was kept";
        EXPECT_NE(got.content.content_type, "text/plain");
    }

    s3::object_info info;
    auto [h1] = sync(ioc, c.async_head_object({.bucket = b, .key = "with-meta"}, info, diag));
    ASSERT_FALSE(h1) << diag.what();
    EXPECT_EQ(info.metadata.at("owner"), "team-a");
    auto [h2] = sync(ioc, c.async_head_object({.bucket = b, .key = "plain"}, info));
    ASSERT_FALSE(h2);
    EXPECT_TRUE(info.metadata.empty());
    EXPECT_EQ(info.content_length, 6u);

    // A failure leaves the diagnostics where they go without a diagnostics argument.
    auto [h3] = sync(ioc, c.async_head_object({.bucket = b, .key = "missing"}, info));
    EXPECT_EQ(h3, s3::errc::no_such_key);
}

TYPED_TEST(S3, ObjectTagging) {
    if constexpr (!provider::supports_tagging<typename TypeParam::provider>) {
        GTEST_SKIP() << TypeParam::name << " has no object tagging";
    } else {
        auto& c = this->client_;
        auto& ioc = this->ioc_;
        diagnostics diag;
        const std::string& b = this->bucket_;
        this->put("tagged", "data");
        const s3::tag_set tags{{"k1", "v1"}, {"with space", "a+b=c:d/e@f_g.h-i"}};
        auto [pe] = sync(ioc, c.async_put_object_tagging({.bucket = b, .key = "tagged", .tags = tags},
                                                          diag));
        ASSERT_FALSE(pe) << pe.message() << " " << diag.what();
        auto [ge, got] = sync(ioc, c.async_get_object_tagging({.bucket = b, .key = "tagged"}, diag));
        ASSERT_FALSE(ge) << diag.what();
        ASSERT_EQ(got.tags.size(), 2u);
        std::set<std::pair<std::string, std::string>> pairs;
        for (const auto& t : got.tags) pairs.insert({t.key, t.value});
        EXPECT_TRUE(pairs.contains({"with space", "a+b=c:d/e@f_g.h-i"}));
        auto [de] = sync(ioc, c.async_delete_object_tagging({.bucket = b, .key = "tagged"}, diag));
        ASSERT_FALSE(de) << diag.what();
        auto [ge2, none] = sync(ioc, c.async_get_object_tagging({.bucket = b, .key = "tagged"}, diag));
        ASSERT_FALSE(ge2) << diag.what();
        EXPECT_TRUE(none.tags.empty());
    }
}

TYPED_TEST(S3, AwkwardKeys) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    // 1,024 bytes in segments of at most 255 (versitygw stores keys as file paths).
    std::string long_key = "long";
    while (long_key.size() < 1024) long_key += (long_key.size() % 200 == 4 ? '/' : 'k');
    ASSERT_EQ(long_key.size(), 1024u);
    const std::vector<std::string> keys = {"with space.txt",
                                           "unicode/\xE2\x82\xAC\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC.txt",
                                           "plus+sign+file",
                                           "percent%20literal%",
                                           "double//slash//key",
                                           "mixed a+b%c d/e&f=g?h#i",
                                           long_key};
    for (const auto& key : keys) {
        this->put(key, "body of " + key.substr(0, 20));
        EXPECT_EQ(this->get(key), "body of " + key.substr(0, 20)) << key;
        auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = key}, diag));
        EXPECT_FALSE(he) << key << ": " << he.message();
    }
    auto pages = c.list_objects_pages({.bucket = b});
    std::set<std::string> listed;
    for (;;) {
        auto [ec, obj] = sync(ioc, pages.async_next());
        ASSERT_FALSE(ec) << ec.message() << " " << pages.last_diagnostics().what();
        if (!obj) break;
        listed.insert(obj->key);
    }
    std::set<std::string> expected(keys.begin(), keys.end());
    if (this->is("versitygw")) {
        // The posix backend stores "a//b" as the file a/b and lists it so.
        expected.erase("double//slash//key");
        expected.insert("double/slash/key");
    }
    EXPECT_EQ(listed, expected);
    // The same keys through DeleteObjects.
    std::vector<s3::object_identifier> ids;
    for (const auto& key : keys) ids.push_back({key, {}});
    const s3::delete_objects_request dr{.bucket = b, .objects = ids, .quiet = false};
    auto [de, deleted] = sync(ioc, c.async_delete_objects(dr, diag));
    ASSERT_FALSE(de) << diag.what();
    EXPECT_TRUE(deleted.errors.empty()) << (deleted.errors.empty() ? "" : deleted.errors[0].code);
    EXPECT_EQ(deleted.deleted.size(), keys.size());
}

TYPED_TEST(S3, RangesAndConditions) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const std::string data = "0123456789abcdefghij";
    const auto put = this->put("r.txt", data);

    auto [e1, r1] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .range = s3::byte_range::between(2, 5)}, diag));
    ASSERT_FALSE(e1) << diag.what();
    EXPECT_EQ(r1.body, "2345");
    EXPECT_EQ(r1.content_length, 4u);
    EXPECT_EQ(r1.object_size, 20u);
    EXPECT_EQ(r1.content_range, "bytes 2-5/20");

    auto [e2, r2] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .range = s3::byte_range::suffix(3)}, diag));
    ASSERT_FALSE(e2) << diag.what();
    EXPECT_EQ(r2.body, "hij");
    auto [e3, r3] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .range = s3::byte_range::from(18)}, diag));
    ASSERT_FALSE(e3) << diag.what();
    EXPECT_EQ(r3.body, "ij");

    auto [bad, rb] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .range = s3::byte_range::from(100)}, diag));
    EXPECT_EQ(bad, s3::errc::invalid_range) << bad.message() << " " << diag.what();
    EXPECT_EQ(diag.http_status, 416u);

    auto [m1, c1] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .conditions = {.if_match = put.etag}}, diag));
    EXPECT_FALSE(m1) << diag.what();
    auto [m2, c2] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .conditions = {.if_match = "\"nope\""}}, diag));
    EXPECT_EQ(m2, s3::errc::precondition_failed) << m2.message();
    auto [m3, c3] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .conditions = {.if_none_match = put.etag}}, diag));
    EXPECT_EQ(m3, s3::errc::not_modified) << m3.message();
    const auto past = std::chrono::system_clock::now() - 24h * 365;
    auto [hm, info] = sync(ioc, c.async_head_object({.bucket = b, .key = "r.txt"}, diag));
    ASSERT_FALSE(hm);
    // One second past Last-Modified (which is whole seconds while the server may keep
    // finer times), and not in the future, which servers may ignore.
    const auto since = info.last_modified + 1s;
    std::this_thread::sleep_until(since + 100ms);
    auto [m4, c4] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .conditions = {.if_modified_since = since}}, diag));
    EXPECT_EQ(m4, s3::errc::not_modified) << m4.message();
    auto [m5, c5] = sync(ioc, c.async_get_object({.bucket = b, .key = "r.txt", .conditions = {.if_unmodified_since = past}}, diag));
    EXPECT_EQ(m5, s3::errc::precondition_failed) << m5.message();
    auto [m6, c6] = sync(ioc, c.async_head_object({.bucket = b, .key = "r.txt", .conditions = {.if_match = "\"nope\""}}, diag));
    EXPECT_EQ(m6, s3::errc::precondition_failed) << m6.message();

    // Conditional write: If-None-Match: * refuses to overwrite. A provider without
    // conditional writes refuses the request before sending it.
    auto [w1, pw] = sync(ioc, c.async_put_object({.bucket = b, .key = "r.txt", .body = "other", .if_none_match = "*"}, diag));
    if constexpr (provider::supports_conditional_writes<typename TypeParam::provider>) {
        EXPECT_EQ(w1, s3::errc::precondition_failed) << w1.message() << " " << diag.what();
    } else {
        EXPECT_EQ(w1, cirrus::errc::unsupported) << w1.message() << " " << diag.what();
        EXPECT_EQ(this->get("r.txt"), data); // nothing was sent
    }
}

TYPED_TEST(S3, DeleteObjectsInBatchesOf1000) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    constexpr int count = 1003;
    // Uploads with bounded parallelism through callbacks.
    int started = 0, finished = 0, failures = 0;
    std::function<void()> next = [&]() {
        if (started == count) return;
        const int i = started++;
        c.async_put_object({.bucket = b, .key = "batch/" + std::to_string(i), .body = "x"},
                           [&](error_code ec, s3::put_object_result) {
                               ++finished;
                               if (ec) ++failures;
                               next();
                           });
    };
    for (int i = 0; i < 16; ++i) next();
    ioc.restart();
    ioc.run();
    ASSERT_EQ(finished, count);
    ASSERT_EQ(failures, 0);

    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) names.push_back("batch/" + std::to_string(i));
    std::vector<s3::object_identifier> ids;
    for (const auto& n : names) ids.push_back({n, {}});
    const s3::delete_objects_request dr{.bucket = b, .objects = ids, .quiet = true};
    auto [de, res] = sync(ioc, c.async_delete_objects(dr, diag));
    ASSERT_FALSE(de) << de.message() << " " << diag.what();
    EXPECT_EQ(res.requests, 2u);
    EXPECT_TRUE(res.errors.empty());
    auto [le, listed] = sync(ioc, c.async_list_objects({.bucket = b, .prefix = "batch/"}, diag));
    ASSERT_FALSE(le);
    EXPECT_TRUE(listed.objects.empty());
}

TYPED_TEST(S3, CopyAcrossBucketsWithMetadataDirective) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& src = this->bucket_;
    const std::string dst = this->extra_bucket();
    const s3::metadata_map origin_source{{"origin", "source"}};
    const s3::metadata_map origin_replaced{{"origin", "replaced"}};
    auto [pe, put] = sync(ioc, c.async_put_object({.bucket = src, .key = "a b+c.txt", .body = "copy me",
                                                   .content = {.content_type = "text/plain"},
                                                   .metadata = origin_source},
                                                  diag));
    ASSERT_FALSE(pe) << diag.what();

    auto [ce, copied] = sync(ioc, c.async_copy_object({.source_bucket = src, .source_key = "a b+c.txt", .bucket = dst,
                                                       .key = "copy/kept.txt"},
                                                      diag));
    ASSERT_FALSE(ce) << ce.message() << " " << diag.what();
    EXPECT_FALSE(copied.etag.empty());
    auto [h1, kept] = sync(ioc, c.async_head_object({.bucket = dst, .key = "copy/kept.txt"}, diag));
    ASSERT_FALSE(h1);
    EXPECT_EQ(kept.metadata.at("origin"), "source");
    EXPECT_EQ(kept.content.content_type, "text/plain");

    auto [ce2, replaced] = sync(ioc, c.async_copy_object({.source_bucket = src, .source_key = "a b+c.txt", .bucket = dst,
                                                          .key = "copy/replaced.txt",
                                                          .directive = s3::metadata_directive::replace,
                                                          .content = {.content_type = "application/octet-stream"},
                                                          .metadata = origin_replaced},
                                                         diag));
    ASSERT_FALSE(ce2) << ce2.message() << " " << diag.what();
    auto [h2, rep] = sync(ioc, c.async_head_object({.bucket = dst, .key = "copy/replaced.txt"}, diag));
    ASSERT_FALSE(h2);
    EXPECT_EQ(rep.metadata.at("origin"), "replaced");
    EXPECT_EQ(rep.content.content_type, "application/octet-stream");
    auto [ge, body] = sync(ioc, c.async_get_object({.bucket = dst, .key = "copy/replaced.txt"}, diag));
    EXPECT_EQ(body.body, "copy me");

    auto [ce3, miss] = sync(ioc, c.async_copy_object({.source_bucket = src, .source_key = "missing", .bucket = dst,
                                                      .key = "x"},
                                                     diag));
    EXPECT_EQ(ce3, s3::errc::no_such_key) << ce3.message();
    auto [ce4, cond] = sync(ioc, c.async_copy_object({.source_bucket = src, .source_key = "a b+c.txt", .bucket = dst,
                                                      .key = "y", .source_conditions = {.if_match = "\"nope\""}},
                                                     diag));
    if (this->is("moto")) {
        std::printf("[ note ] moto ignores x-amz-copy-source-if-* conditions\n");
    } else {
        EXPECT_EQ(ce4, s3::errc::precondition_failed) << ce4.message();
    }
}

TYPED_TEST(S3, RenameByCopyAndDelete) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    static_assert(!TestFixture::client_type::native_rename);
    this->put("old name.txt", "moving");
    this->put("taken.txt", "occupied");
    auto [re, r] = sync(ioc, c.async_rename_object({.bucket = b, .source_key = "old name.txt", .key = "new name.txt"}, diag));
    ASSERT_FALSE(re) << re.message() << " " << diag.what();
    EXPECT_FALSE(r.native);
    EXPECT_EQ(this->get("new name.txt"), "moving");
    auto [he, gone] = sync(ioc, c.async_head_object({.bucket = b, .key = "old name.txt"}, diag));
    EXPECT_EQ(he, s3::errc::no_such_key);
    auto [re2, r2] = sync(ioc, c.async_rename_object({.bucket = b, .source_key = "new name.txt", .key = "taken.txt",
                                                      .overwrite = false},
                                                     diag));
    EXPECT_EQ(re2, s3::errc::precondition_failed);
    EXPECT_EQ(this->get("taken.txt"), "occupied");
}

TYPED_TEST(S3, ServerSideEncryption) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    auto [e1, p1] = sync(ioc, c.async_put_object({.bucket = b, .key = "sse-s3", .body = "secret",
                                                  .encryption = s3::server_side_encryption::s3_managed()},
                                                 diag));
    if (this->is("versitygw") && e1) {
        // versitygw's posix backend refuses SSE headers (it stores plain files).
        EXPECT_TRUE(e1 == s3::errc::not_implemented || e1 == s3::errc::invalid_argument || e1 == s3::errc::invalid_request)
            << e1.message() << " " << diag.what();
        GTEST_SKIP() << "versitygw: no server-side encryption (" << diag.service_code << ")";
    }
    ASSERT_FALSE(e1) << e1.message() << " " << diag.what();
    if (this->is("versitygw") && p1.encryption.algorithm.empty())
        GTEST_SKIP() << "versitygw accepts and ignores SSE-S3/SSE-KMS headers (no encryption, no response header)";
    // Garage also ignores SSE-S3 and SSE-KMS (no response header) but implements SSE-C.
    const bool managed_keys = !(this->is("garage") && p1.encryption.algorithm.empty());
    if (!managed_keys) std::printf("[ note ] garage ignores SSE-S3/SSE-KMS headers; SSE-C is tested\n");
    if (managed_keys) {
        EXPECT_EQ(p1.encryption.algorithm, "AES256");
        auto [h1, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "sse-s3"}, diag));
        ASSERT_FALSE(h1);
        EXPECT_EQ(head.encryption.algorithm, "AES256");

        auto [e2, p2] = sync(ioc, c.async_put_object({.bucket = b, .key = "sse-kms", .body = "secret",
                                                      .encryption = s3::server_side_encryption::kms_managed("alias/cirrus")},
                                                     diag));
        ASSERT_FALSE(e2) << e2.message() << " " << diag.what();
        EXPECT_EQ(p2.encryption.algorithm, "aws:kms");
    }

    // SSE-C over plain http:// needs the opt-in (CustomerKeysNeedTls).
    auto options = TypeParam::options();
    options.allow_customer_key_over_http = true;
    typename TestFixture::client_type insecure(ioc.get_executor(), options);
    const std::string key(32, 'K');
    auto [e3, p3] = sync(ioc, insecure.async_put_object({.bucket = b, .key = "sse-c", .body = "customer secret",
                                                         .encryption = s3::server_side_encryption::customer_provided(key)},
                                                        diag));
    ASSERT_FALSE(e3) << e3.message() << " " << diag.what();
    auto [g3, got] = sync(ioc, insecure.async_get_object({.bucket = b, .key = "sse-c", .customer_key = key}, diag));
    ASSERT_FALSE(g3) << g3.message() << " " << diag.what();
    EXPECT_EQ(got.body, "customer secret");
    if (this->is("garage")) {
        // Without the key the object cannot be read.
        auto [g4, denied] = sync(ioc, c.async_get_object({.bucket = b, .key = "sse-c"}, diag));
        EXPECT_TRUE(g4) << "an SSE-C object was read without its key";
        EXPECT_NE(denied.body, "customer secret");
    }
}

// SSE-C keys never travel over plain http:// unless the client opts in: every request that
// carries one fails before anything is sent.
TYPED_TEST(S3, CustomerKeysNeedTls) {
    asio::io_context ioc;
    typename TestFixture::client_type c(ioc.get_executor(), TypeParam::options());
    const std::string& b = this->bucket_;
    const std::string key(32, 'K');
    const auto sse_c = s3::server_side_encryption::customer_provided(key);
    diagnostics diag;
    auto refused = [&](error_code ec, const char* what) {
        EXPECT_EQ(ec, s3::errc::customer_key_needs_tls) << what << ": " << ec.message();
        EXPECT_NE(diag.message.find("https://"), std::string::npos) << what << ": " << diag.message;
        EXPECT_EQ(diag.message.find(cirrus::base64::encode(key)), std::string::npos) << what;
    };
    auto [e1, r1] = sync(ioc, c.async_put_object({.bucket = b, .key = "k", .body = "x", .encryption = sse_c}, diag));
    refused(e1, "put_object");
    auto [e2, r2] = sync(ioc, c.async_get_object({.bucket = b, .key = "k", .customer_key = key}, diag));
    refused(e2, "get_object");
    auto [e3, r3] = sync(ioc, c.async_head_object({.bucket = b, .key = "k", .customer_key = key}, diag));
    refused(e3, "head_object");
    auto [e4, r4] = sync(ioc, c.async_copy_object({.source_bucket = b, .source_key = "k", .bucket = b, .key = "k2",
                                                   .source_customer_key = key},
                                                  diag));
    refused(e4, "copy_object (source key)");
    auto [e5, r5] = sync(ioc, c.async_copy_object({.source_bucket = b, .source_key = "k", .bucket = b, .key = "k2",
                                                   .encryption = sse_c},
                                                  diag));
    refused(e5, "copy_object (destination key)");
    auto [e6, r6] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "k", .encryption = sse_c}, diag));
    refused(e6, "create_multipart_upload");
    auto [e7, r7] = sync(ioc, c.async_upload_part({.bucket = b, .key = "k", .upload_id = "u", .part_number = 1,
                                                   .body = "x", .customer_key = key},
                                                  diag));
    refused(e7, "upload_part");
    auto [e8, r8] = sync(ioc, c.async_upload_part_copy({.source_bucket = b, .source_key = "k", .bucket = b, .key = "k",
                                                        .upload_id = "u", .part_number = 1, .source_customer_key = key},
                                                       diag));
    refused(e8, "upload_part_copy");
    EXPECT_EQ(c.http_client().stats().created, 0u); // nothing went on the wire
}

// Keys with "." or ".." segments: stored as given by AWS (and moto); providers that map
// keys to paths resolve them, so the client refuses such keys there before sending.
TYPED_TEST(S3, DotSegmentKeys) {
    using P = typename TypeParam::provider;
    auto& ioc = this->ioc_;
    const std::string& b = this->bucket_;
    diagnostics diag;
    const std::vector<std::string> keys = {"a/../b", "./x", "x/./y", "x/..", ".."};
    if constexpr (P::features.dot_segment_keys) {
        for (const auto& k : keys) this->put(k, "kept: " + k);
        for (const auto& k : keys) EXPECT_EQ(this->get(k), "kept: " + k);
        auto [lec, listed] = sync(ioc, this->client_.async_list_objects({.bucket = b}, diag));
        ASSERT_FALSE(lec) << diag.what();
        std::set<std::string> names;
        for (const auto& o : listed.objects) names.insert(o.key);
        for (const auto& k : keys) EXPECT_TRUE(names.contains(k)) << k;
    } else {
        typename TestFixture::client_type c(ioc.get_executor(), TypeParam::options());
        for (const auto& k : keys) {
            auto [pe, pr] = sync(ioc, c.async_put_object({.bucket = b, .key = k, .body = "x"}, diag));
            EXPECT_EQ(pe, s3::errc::invalid_object_key) << k;
            EXPECT_NE(diag.message.find("segment"), std::string::npos) << diag.message;
            auto [ge, gr] = sync(ioc, c.async_get_object({.bucket = b, .key = k}, diag));
            EXPECT_EQ(ge, s3::errc::invalid_object_key) << k;
            auto [ce, cr] = sync(ioc, c.async_copy_object({.source_bucket = b, .source_key = k, .bucket = b, .key = "c"}, diag));
            EXPECT_EQ(ce, s3::errc::invalid_object_key) << k;
            const s3::object_identifier ids[] = {{.key = k}};
            auto [de, dr] = sync(ioc, c.async_delete_objects({.bucket = b, .objects = ids}, diag));
            EXPECT_EQ(de, s3::errc::invalid_object_key) << k;
            EXPECT_EQ(c.presign_get_object({.bucket = b, .key = k}).error(), s3::errc::invalid_object_key) << k;
        }
        EXPECT_EQ(c.http_client().stats().created, 0u); // nothing went on the wire
        // Names that only contain dots are fine.
        this->put("a/..b/.c/d.", "dots");
        EXPECT_EQ(this->get("a/..b/.c/d."), "dots");
    }
    if (this->is("versitygw")) {
        // Why: told that it keeps such keys, the client sends them and versitygw stores
        // "dots/x/../y" as "dots/y".
        using lax = provider::custom<[] {
            auto f = provider::versitygw::features;
            f.dot_segment_keys = true;
            return f;
        }()>;
        s3::client<lax> c(ioc.get_executor(), TypeParam::options());
        auto [pe, pr] = sync(ioc, c.async_put_object({.bucket = b, .key = "dots/x/../y", .body = "resolved"}, diag));
        ASSERT_FALSE(pe) << diag.what();
        EXPECT_EQ(this->get("dots/y"), "resolved");
    }
}

// User metadata outside ASCII goes out as RFC 2047 encoded words ("=?UTF-8?B?...?="),
// which is what S3 returns for such values and what boto3 users decode with
// email.header; encoded words are decoded on read, whoever wrote them.
TYPED_TEST(S3, MetadataOutsideAscii) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    const std::string& b = this->bucket_;
    diagnostics diag;
    const s3::metadata_map written{{"name", "\xC3\xBCn\xC3\xAF c\xC3\xB8\x64\xC3\xA9 \xE2\x9C\x93"}, // "ünï cødé ✓"
                                   {"plain", "ascii only"},
                                   {"looks", "=?UTF-8?B?YWJj?="}}; // an ASCII value that looks encoded
    auto [pe, pr] = sync(ioc, c.async_put_object({.bucket = b, .key = "meta", .body = "x", .metadata = written}, diag));
    ASSERT_FALSE(pe) << pe.message() << " " << diag.what();
    auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "meta"}, diag));
    ASSERT_FALSE(he) << diag.what();
    EXPECT_EQ(head.metadata, written);

    // On the wire: ASCII headers only, which Python's email.header (boto3's users' decoder)
    // turns back into the text.
    auto url = c.presign_get_object({.bucket = b, .key = "meta"});
    ASSERT_TRUE(url);
    auto [cs, headers] = run_command("curl -s -f -D - -o /dev/null " + shell_quote(url->url));
    ASSERT_EQ(cs, 0);
    std::string raw_name;
    for (std::size_t at = 0; at < headers.size();) {
        const auto eol = headers.find("\r\n", at);
        const std::string line = headers.substr(at, eol - at);
        at = eol == std::string::npos ? headers.size() : eol + 2;
        for (unsigned char ch : line) EXPECT_LT(ch, 0x80) << line;
        if (line.size() > 17 && strncasecmp(line.c_str(), "x-amz-meta-name: ", 17) == 0) raw_name = line.substr(17);
    }
    EXPECT_TRUE(raw_name.starts_with("=?UTF-8?B?")) << raw_name;
    auto [ps, decoded] = run_command("python3 -c 'import email.header as h, sys; "
                                     "sys.stdout.write(str(h.make_header(h.decode_header(sys.argv[1]))))' " +
                                     shell_quote(raw_name));
    ASSERT_EQ(ps, 0);
    EXPECT_EQ(decoded, written.at("name"));

    // The reverse: an encoded word made by Python's email.header (Q encoding, lower-case
    // charset), sent as a raw header by another client (curl with a presigned PUT).
    auto [es, encoded] = run_command("python3 -c 'import email.header as h, sys; "
                                     "sys.stdout.write(h.Header(sys.argv[1], \"utf-8\").encode())' " +
                                     shell_quote("M\xC3\xBCnchen"));
    ASSERT_EQ(es, 0);
    EXPECT_EQ(encoded, "=?utf-8?q?M=C3=BCnchen?=");
    auto put = c.presign_put_object({.bucket = b, .key = "from-python", .headers = {{"x-amz-meta-city", encoded}}});
    ASSERT_TRUE(put);
    std::string cmd = "curl -s -f -X PUT --data-binary x";
    for (const auto& h : put->headers) cmd += " -H " + shell_quote(h.name + ": " + h.value);
    auto [us, out] = run_command(cmd + " " + shell_quote(put->url));
    ASSERT_EQ(us, 0) << out;
    auto [he2, head2] = sync(ioc, c.async_head_object({.bucket = b, .key = "from-python"}, diag));
    ASSERT_FALSE(he2) << diag.what();
    EXPECT_EQ(head2.metadata["city"], "M\xC3\xBCnchen");

    // Bytes that are not UTF-8 are refused before sending.
    const s3::metadata_map bad{{"latin1", "caf\xE9"}};
    auto [be, br] = sync(ioc, c.async_put_object({.bucket = b, .key = "bad", .body = "x", .metadata = bad}, diag));
    EXPECT_EQ(be, cirrus::errc::invalid_utf8);
}

// ============================================================================ listing

TYPED_TEST(S3, ListObjectsPaginationDelimiterStartAfter) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    std::set<std::string> keys;
    for (int i = 0; i < 25; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "flat/%02d", i);
        keys.insert(name);
        this->put(name, "x");
    }
    for (const char* k : {"dir/a/1", "dir/a/2", "dir/b/1", "dir/top"}) this->put(k, "y");

    auto pages = c.list_objects_pages({.bucket = b, .prefix = "flat/", .max_keys = 10});
    std::set<std::string> seen;
    while (!pages.done()) {
        auto [ec, page] = sync(ioc, pages.async_next_page());
        ASSERT_FALSE(ec) << ec.message() << " " << pages.last_diagnostics().what();
        EXPECT_LE(page.objects.size(), 10u);
        for (const auto& o : page.objects) {
            seen.insert(o.key);
            EXPECT_EQ(o.size, 1u);
            EXPECT_FALSE(o.etag.empty());
        }
    }
    EXPECT_EQ(seen, keys);
    EXPECT_EQ(pages.pages_fetched(), 3u);

    std::size_t counted = 0;
    auto [fe] = sync(ioc, c.async_for_each_object({.bucket = b, .prefix = "flat/", .max_keys = 7},
                                                  [&](const s3::object_summary&) { ++counted; }));
    ASSERT_FALSE(fe);
    EXPECT_EQ(counted, 25u);

    auto [de, delim] = sync(ioc, c.async_list_objects({.bucket = b, .prefix = "dir/", .delimiter = "/"}, diag));
    ASSERT_FALSE(de) << diag.what();
    EXPECT_EQ(delim.common_prefixes, (std::vector<std::string>{"dir/a/", "dir/b/"}));
    ASSERT_EQ(delim.objects.size(), 1u);
    EXPECT_EQ(delim.objects[0].key, "dir/top");

    auto [se, after] = sync(ioc, c.async_list_objects({.bucket = b, .prefix = "flat/", .start_after = "flat/20"}, diag));
    ASSERT_FALSE(se) << diag.what();
    ASSERT_EQ(after.objects.size(), 4u);
    EXPECT_EQ(after.objects[0].key, "flat/21");
}

// Sets environment variables for one test and restores them afterwards.
class scoped_env {
public:
    explicit scoped_env(const std::vector<std::pair<std::string, std::string>>& vars) {
        for (const auto& [name, value] : vars) {
            const char* old = std::getenv(name.c_str());
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            ::setenv(name.c_str(), value.c_str(), 1);
        }
    }
    ~scoped_env() {
        for (const auto& [name, value] : saved_) {
            if (value) ::setenv(name.c_str(), value->c_str(), 1);
            else ::unsetenv(name.c_str());
        }
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The usage docs/s3.md shows, exactly as written: a client made from
// co_await this_coro::executor (endpoint and keys from the environment, as the SDKs read
// them), braced requests inside co_await, the default token. Built with g++ 12 and run
// under ASan, where a braced aggregate temporary with non-trivial destructors in a co_await
// expression is destroyed twice: requests are views, so these are safe.
TYPED_TEST(S3, DocumentedOneLinersWithTheDefaultToken) {
    auto& ioc = this->ioc_;
    const std::string b = this->bucket_;
    scoped_env env(TypeParam::environment());
    std::string body;
    std::string thrown;
    std::string kept_on_client;
    error_code missing;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            s3::client<typename TypeParam::provider> c(co_await asio::this_coro::executor);
            co_await c.async_put_object({.bucket = b, .key = "one/liner.txt", .body = "one-liner"});
            auto got = co_await c.async_get_object({.bucket = b, .key = "one/liner.txt"});
            body = got.body;
            try {
                co_await c.async_get_object({.bucket = b, .key = "one/missing.txt"});
            } catch (const cirrus::error_with_diagnostics& e) {
                thrown = e.get_diagnostics().service_code + " | " + e.what();
            }
            // Without diagnostics and without the default token, the message stays on the client.
            auto [ec, r] = co_await c.async_head_object({.bucket = b, .key = "one/missing.txt"},
                                                        asio::as_tuple(asio::use_awaitable));
            missing = ec;
            kept_on_client = c.last_diagnostics().what();
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.restart();
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_EQ(body, "one-liner");
    EXPECT_TRUE(thrown.starts_with("NoSuchKey | NoSuchKey")) << thrown;
    EXPECT_EQ(missing, s3::errc::no_such_key);
    EXPECT_NE(kept_on_client.find("HTTP 404"), std::string::npos) << kept_on_client;
}

TYPED_TEST(S3, EveryCompletionToken) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    this->put("token.txt", "tokens");
    const std::string b = this->bucket_;
    // use_awaitable (throws system_error), as_tuple(use_awaitable), deferred inside a coroutine.
    std::string body;
    error_code missing;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            auto r = co_await c.async_get_object({.bucket = b, .key = "token.txt"}, asio::use_awaitable);
            body = r.body;
            auto [ec, r2] = co_await c.async_get_object({.bucket = b, .key = "nope"}, asio::as_tuple(asio::use_awaitable));
            missing = ec;
            try {
                co_await c.async_head_object({.bucket = b, .key = "nope"}, asio::use_awaitable);
                ADD_FAILURE() << "no exception";
            } catch (const boost::system::system_error& e) {
                EXPECT_EQ(e.code(), s3::errc::no_such_key);
            }
            auto r3 = co_await c.async_get_object({.bucket = b, .key = "token.txt"}, asio::deferred);
            body += r3.body;
        },
        asio::detached);
    ioc.restart();
    ioc.run();
    EXPECT_EQ(body, "tokenstokens");
    EXPECT_EQ(missing, s3::errc::no_such_key);

    // A plain callback.
    std::optional<std::string> via_callback;
    c.async_get_object({.bucket = b, .key = "token.txt"},
                       [&](error_code ec, s3::get_object_result r) { via_callback = ec ? "error" : r.body; });
    ioc.restart();
    ioc.run();
    EXPECT_EQ(via_callback, "tokens");

    // use_future.
    auto fut = c.async_get_object({.bucket = b, .key = "token.txt"}, asio::use_future);
    ioc.restart();
    ioc.run();
    EXPECT_EQ(fut.get().body, "tokens");

    // deferred (the default token), started later: the key was a temporary string, and the
    // operation owns its copy.
    auto op = c.async_get_object({.bucket = b, .key = std::string("token") + ".txt"});
    auto [ec, r] = sync(ioc, std::move(op));
    EXPECT_FALSE(ec);
    EXPECT_EQ(r.body, "tokens");
}

TYPED_TEST(S3, AThrowingCallbackCompletesWithAnError) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    const std::string b = this->bucket_;
    auto fill = [](std::span<std::uint8_t>) -> cirrus::result<std::size_t> { throw std::runtime_error("disk on fire"); };
    diagnostics diag;
    auto [ec, r] = sync(ioc, c.async_put_object({.bucket = b, .key = "throws", .body = s3::object_body::generator(fill, 10)},
                                                diag));
    EXPECT_EQ(ec, cirrus::errc::unexpected_exception) << ec.message();
    EXPECT_NE(diag.message.find("disk on fire"), std::string::npos) << diag.message;
    auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "throws"}, diag));
    EXPECT_EQ(he, s3::errc::no_such_key);
}

TYPED_TEST(S3, CancellationThroughABoundSlot) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    const std::string b = this->bucket_;
    // A 256 MiB upload from a generator, cancelled 20 ms in.
    constexpr std::uint64_t size = 256ull << 20;
    std::uint64_t produced = 0;
    auto fill = [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - produced));
        std::memset(out.data(), 'c', n);
        produced += n;
        return n;
    };
    asio::cancellation_signal signal;
    error_code result;
    c.async_put_object({.bucket = b, .key = "cancelled", .body = s3::object_body::generator(fill, size)},
                       asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, s3::put_object_result) { result = ec; }));
    asio::steady_timer timer(ioc, 20ms);
    timer.async_wait([&](error_code) { signal.emit(asio::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    ioc.restart();
    ioc.run();
    EXPECT_EQ(result, asio::error::operation_aborted) << result.message();
    EXPECT_LT(produced, size) << "the whole body was sent";
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    diagnostics diag;
    auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "cancelled"}, diag));
    EXPECT_EQ(he, s3::errc::no_such_key);
}

// ============================================================================ bodies and checksums

TYPED_TEST(S3, ChecksumsInHeaderAndTrailer) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const std::string data = random_bytes(200 * 1024 + 7, 7);
    using alg = s3::checksum_algorithm;
    int verified = 0;
    int tried = 0;
    for (alg a : {alg::crc32, alg::crc32c, alg::crc64nvme, alg::sha1, alg::sha256}) {
        if (!TypeParam::provider::features.checksums.contains(a)) continue; // refused client-side
        for (s3::checksum_location where : {s3::checksum_location::header, s3::checksum_location::trailer}) {
            ++tried;
            const std::string key = std::string("sum/") + std::string(cirrus::crypto::algorithm_name(a)) +
                                    (where == s3::checksum_location::header ? "-header" : "-trailer");
            auto [pe, put] = sync(ioc, c.async_put_object({.bucket = b, .key = key, .body = data,
                                                           .checksum_algorithm = a, .checksum_at = where},
                                                          diag));
            ASSERT_FALSE(pe) << key << ": " << pe.message() << " " << diag.what();
            auto [ge, got] = sync(ioc, c.async_get_object({.bucket = b, .key = key}, diag));
            ASSERT_FALSE(ge) << key << ": " << ge.message() << " " << diag.what();
            EXPECT_EQ(got.body.size(), data.size());
            EXPECT_TRUE(got.body == data) << key;
            const auto expected = cirrus::crypto::compute_checksum(a, data);
            if (got.checksum) {
                EXPECT_EQ(got.checksum->value, expected.view()) << key;
                EXPECT_TRUE(got.checksum_verified) << key;
                ++verified;
            } else {
                EXPECT_FALSE(this->is("versitygw")) << key << ": versitygw stores and returns checksums";
            }
            if (put.checksum) {
                EXPECT_EQ(put.checksum->value, expected.view()) << key;
            }
        }
    }
    std::printf("[ note ] %s returned and the client verified %d of %d checksums on GET\n", TypeParam::name, verified,
                tried);
    // A wrong precomputed checksum is refused by the server.
    auto [bad, r] = sync(ioc, c.async_put_object({.bucket = b, .key = "sum/bad", .body = data,
                                                  .checksum_algorithm = alg::crc32c, .checksum_value = "AAAAAA=="},
                                                 diag));
    if (this->is("moto")) {
        std::printf("[ note ] moto does not verify x-amz-checksum-* values\n");
        // moto stored the wrong value: the download is checked against it and refused.
        auto [ge, got] = sync(ioc, c.async_get_object({.bucket = b, .key = "sum/bad"}, diag));
        EXPECT_EQ(ge, cirrus::errc::checksum_mismatch) << ge.message();
        EXPECT_NE(diag.message.find("x-amz-checksum-crc32c"), std::string::npos) << diag.message;
        std::size_t handed = 0;
        auto [ge2, got2] = sync(ioc, c.async_get_object({.bucket = b, .key = "sum/bad",
                                                         .sink = s3::object_sink::handler([&](std::span<const std::uint8_t> p) {
                                                             handed += p.size();
                                                             return error_code{};
                                                         })},
                                                        diag));
        EXPECT_EQ(ge2, cirrus::errc::checksum_mismatch) << ge2.message();
        EXPECT_GT(handed, 0u); // a handler has had the data by then: the error comes at the end
        auto [ge3, got3] = sync(ioc, c.async_get_object({.bucket = b, .key = "sum/bad", .checksum_mode = false}, diag));
        EXPECT_FALSE(ge3);
    } else {
        EXPECT_EQ(bad, s3::errc::bad_digest) << bad.message() << " " << diag.what();
    }
    // Content-MD5.
    auto [md, r2] = sync(ioc, c.async_put_object({.bucket = b, .key = "sum/md5", .body = data, .content_md5 = true}, diag));
    EXPECT_FALSE(md) << md.message() << " " << diag.what();
}

// Over plain HTTP a trailer goes out with signed chunks and a signed trailer (unsigned
// where the provider says the server verifies signed ones wrongly); the requests are
// watched through the transport's observer to see which form was sent.
TYPED_TEST(S3, SignedTrailerUploadsOfObjectsAndParts) {
    const std::string trailer_form = TypeParam::provider::features.signed_trailers
                                         ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
                                         : "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    auto& ioc = this->ioc_;
    std::vector<std::pair<std::string, std::string>> sent; // (target path, x-amz-content-sha256)
    auto options = TypeParam::options();
    options.http.observe_headers = true;
    options.http.on_event = [&](const cirrus::http::request_event& ev) {
        if (ev.phase != cirrus::http::event_phase::attempt || ev.method != cirrus::http::verb::put) return;
        for (const auto& h : ev.headers)
            if (h.name == "X-Amz-Content-Sha256") sent.emplace_back(std::string(ev.path), std::string(h.value));
    };
    typename TestFixture::client_type c(ioc.get_executor(), options);
    diagnostics diag;
    const std::string& b = this->bucket_;
    using alg = s3::checksum_algorithm;
    const std::string data = random_bytes(150 * 1024 + 3, 21);
    const fs::path src = this->temp_file("trailer");
    std::ofstream(src, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));

    // PutObject from a file, with an object content encoding of its own.
    auto [pe, put] = sync(ioc, c.async_put_object({.bucket = b, .key = "trailer/file", .body = s3::object_body::file(src),
                                                   .content = {.content_encoding = "gzip"},
                                                   .checksum_algorithm = alg::crc64nvme,
                                                   .checksum_at = s3::checksum_location::trailer},
                                                  diag));
    ASSERT_FALSE(pe) << pe.message() << " " << diag.what();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent.back().second, trailer_form);
    const auto expected = cirrus::crypto::compute_checksum(alg::crc64nvme, data);
    if (put.checksum) {
        EXPECT_EQ(put.checksum->value, expected.view());
    }
    auto [ge, got] = sync(ioc, c.async_get_object({.bucket = b, .key = "trailer/file"}, diag));
    ASSERT_FALSE(ge) << ge.message() << " " << diag.what();
    EXPECT_TRUE(got.body == data);
    // versitygw stores "aws-chunked,gzip" as sent; the client drops the framing's coding.
    EXPECT_EQ(got.content.content_encoding, "gzip");
    if (got.checksum) {
        EXPECT_EQ(got.checksum->value, expected.view());
    }

    // UploadPart with SHA-256 trailers: a memory part and a stream part.
    auto [ce, up] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "trailer/multipart",
                                                               .checksum_algorithm = alg::sha256},
                                                              diag));
    ASSERT_FALSE(ce) << ce.message() << " " << diag.what();
    const std::string part1 = random_bytes(5 * 1024 * 1024, 22);
    auto [u1, p1] = sync(ioc, c.async_upload_part({.bucket = b, .key = "trailer/multipart", .upload_id = up.upload_id,
                                                   .part_number = 1, .body = part1,
                                                   .checksum_algorithm = alg::sha256,
                                                   .checksum_at = s3::checksum_location::trailer},
                                                  diag));
    ASSERT_FALSE(u1) << u1.message() << " " << diag.what();
    EXPECT_EQ(sent.back().second, trailer_form);
    std::size_t pos = 0;
    auto fill = [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
        const std::size_t n = std::min(out.size(), data.size() - pos);
        std::memcpy(out.data(), data.data() + pos, n);
        pos += n;
        return n;
    };
    auto [u2, p2] = sync(ioc, c.async_upload_part({.bucket = b, .key = "trailer/multipart", .upload_id = up.upload_id,
                                                   .part_number = 2,
                                                   .body = s3::object_body::generator(fill, data.size()),
                                                   .checksum_algorithm = alg::sha256},
                                                  diag));
    ASSERT_FALSE(u2) << u2.message() << " " << diag.what();
    EXPECT_EQ(sent.back().second, trailer_form);
    if (p1.checksum) {
        EXPECT_EQ(p1.checksum->value, cirrus::crypto::compute_checksum(alg::sha256, part1).view());
    }
    if (p2.checksum) {
        EXPECT_EQ(p2.checksum->value, cirrus::crypto::compute_checksum(alg::sha256, data).view());
    }
    std::printf("[ note ] %s reported part checksums: %s, %s\n", TypeParam::name,
                p1.checksum ? p1.checksum->value.c_str() : "(none)", p2.checksum ? p2.checksum->value.c_str() : "(none)");
    const std::vector<s3::completed_part> parts{{.part_number = 1, .etag = p1.etag, .checksum = p1.checksum},
                                                {.part_number = 2, .etag = p2.etag, .checksum = p2.checksum}};
    auto [cm, complete] = sync(ioc, c.async_complete_multipart_upload(
                                        {.bucket = b, .key = "trailer/multipart", .upload_id = up.upload_id,
                                         .parts = parts},
                                        diag));
    ASSERT_FALSE(cm) << cm.message() << " " << diag.what();
    auto [ge2, whole] = sync(ioc, c.async_get_object({.bucket = b, .key = "trailer/multipart"}, diag));
    ASSERT_FALSE(ge2) << ge2.message() << " " << diag.what();
    EXPECT_TRUE(whole.body == part1 + data);

    // A stream of unknown size cannot carry a trailer: refused before anything is sent.
    const auto before = sent.size();
    auto [ue, unknown] = sync(ioc, c.async_put_object({.bucket = b, .key = "trailer/unknown",
                                                       .body = s3::object_body::generator(fill, std::nullopt),
                                                       .checksum_algorithm = alg::crc32c,
                                                       .checksum_at = s3::checksum_location::trailer},
                                                      diag));
    EXPECT_EQ(ue, cirrus::errc::invalid_argument) << ue.message();
    EXPECT_EQ(sent.size(), before);
}

TYPED_TEST(S3, FilesStreamsAndSinks) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const std::string data = random_bytes(300 * 1024 + 11, 11);
    const fs::path src = this->temp_file("upload");
    std::ofstream(src, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));

    // From a file (aws-chunked signed streaming over plain HTTP), with and without a checksum.
    auto [p1, r1] = sync(ioc, c.async_put_object({.bucket = b, .key = "file/plain", .body = s3::object_body::file(src)}, diag));
    ASSERT_FALSE(p1) << p1.message() << " " << diag.what();
    auto [p2, r2] = sync(ioc, c.async_put_object({.bucket = b, .key = "file/crc", .body = s3::object_body::file(src),
                                                  .checksum_algorithm = s3::checksum_algorithm::crc32c},
                                                 diag));
    ASSERT_FALSE(p2) << p2.message() << " " << diag.what();
    // A content encoding of the object's own beside the transfer's aws-chunked framing.
    auto [pz, rz] = sync(ioc, c.async_put_object({.bucket = b, .key = "file/gzip", .body = s3::object_body::file(src),
                                                  .content = {.content_type = "application/octet-stream",
                                                              .content_encoding = "gzip"}},
                                                 diag));
    EXPECT_FALSE(pz) << pz.message() << " " << diag.what();
    auto [hz, head_z] = sync(ioc, c.async_head_object({.bucket = b, .key = "file/gzip"}, diag));
    EXPECT_FALSE(hz);
    EXPECT_EQ(head_z.content.content_encoding, "gzip");
    EXPECT_EQ(head_z.content_length, data.size());
    auto [p3, r3] = sync(ioc, c.async_put_object({.bucket = b, .key = "file/slice", .body = s3::object_body::file(src, 100, 1000)}, diag));
    ASSERT_FALSE(p3) << p3.message() << " " << diag.what();
    EXPECT_EQ(this->get("file/slice"), data.substr(100, 1000));

    // From a stream of known size (with a trailer checksum) and of unknown size.
    std::size_t pos = 0;
    auto fill = [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
        const std::size_t n = std::min(out.size(), data.size() - pos);
        std::memcpy(out.data(), data.data() + pos, n);
        pos += n;
        return n;
    };
    auto rewind = [&]() {
        pos = 0;
        return true;
    };
    auto [p4, r4] = sync(ioc, c.async_put_object({.bucket = b, .key = "stream/known",
                                                  .body = s3::object_body::generator(fill, data.size(), rewind),
                                                  .checksum_algorithm = s3::checksum_algorithm::crc32},
                                                 diag));
    ASSERT_FALSE(p4) << p4.message() << " " << diag.what();
    EXPECT_EQ(this->get("stream/known"), data);
    // Into a file (created only on success), a descriptor, a buffer and a handler.
    const fs::path dst = this->temp_file("download");
    auto [g1, d1] = sync(ioc, c.async_get_object({.bucket = b, .key = "file/crc", .sink = s3::object_sink::file(dst)}, diag));
    ASSERT_FALSE(g1) << g1.category().name() << ":" << g1.value() << " " << g1.message() << " " << diag.what();
    EXPECT_EQ(d1.bytes_received, data.size());
    EXPECT_TRUE(d1.checksum_verified);
    {
        std::ifstream in(dst, std::ios::binary);
        std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_TRUE(back == data);
    }
    const fs::path untouched = this->temp_file("untouched");
    auto [g2, d2] = sync(ioc, c.async_get_object({.bucket = b, .key = "missing", .sink = s3::object_sink::file(untouched)}, diag));
    EXPECT_EQ(g2, s3::errc::no_such_key);
    EXPECT_FALSE(fs::exists(untouched));

    const fs::path fd_path = this->temp_file("fd");
    const int fd = ::open(fd_path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    auto [g3, d3] = sync(ioc, c.async_get_object({.bucket = b, .key = "file/plain", .sink = s3::object_sink::file(fd, 5)}, diag));
    EXPECT_FALSE(g3) << g3.message();
    EXPECT_EQ(::lseek(fd, 0, SEEK_END), static_cast<off_t>(data.size() + 5));
    ::close(fd);

    std::vector<std::uint8_t> buffer(data.size());
    auto [g4, d4] = sync(ioc, c.async_get_object({.bucket = b, .key = "file/crc", .sink = s3::object_sink::memory(buffer)}, diag));
    ASSERT_FALSE(g4) << g4.message();
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.end(), data.begin(), data.end(),
                           [](std::uint8_t a, char b2) { return a == static_cast<std::uint8_t>(b2); }));
    std::vector<std::uint8_t> small(10);
    auto [g5, d5] = sync(ioc, c.async_get_object({.bucket = b, .key = "file/crc", .sink = s3::object_sink::memory(small)}, diag));
    EXPECT_EQ(g5, cirrus::http::errc::response_too_large);

    std::size_t chunks = 0, bytes = 0;
    auto [g6, d6] = sync(ioc, c.async_get_object({.bucket = b, .key = "file/crc",
                                                  .sink = s3::object_sink::handler([&](std::span<const std::uint8_t> piece) {
                                                      ++chunks;
                                                      bytes += piece.size();
                                                      return error_code{};
                                                  })},
                                                 diag));
    ASSERT_FALSE(g6) << g6.message();
    EXPECT_EQ(bytes, data.size());
    EXPECT_GT(chunks, 1u);
    EXPECT_TRUE(d6.checksum_verified);

    // Of unknown size: chunked transfer encoding, which S3 itself refuses (it needs a length).
    pos = 0;
    auto [p5, r5] = sync(ioc, c.async_put_object({.bucket = b, .key = "stream/unknown",
                                                  .body = s3::object_body::generator(fill, std::nullopt, rewind)},
                                                 diag));
    if (p5) {
        // S3 needs a length: servers that refuse chunked transfer say so.
        EXPECT_TRUE(p5 == s3::errc::missing_content_length || p5 == s3::errc::not_implemented ||
                    p5 == cirrus::http::aws_errc::client_error)
            << p5.message() << " " << diag.what();
        std::printf("[ note ] %s refuses an upload of unknown length: %s\n", TypeParam::name, diag.what().c_str());
        // versitygw answers before reading the chunked body and keeps the connection
        // open, so the unread body would be taken for the next request: drop it.
        c.http_client().close_idle();
    } else {
        EXPECT_EQ(this->get("stream/unknown"), data);
    }

}

// ============================================================================ multipart

TYPED_TEST(S3, MultipartUploadWithPartChecksumsAndPartCopy) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    const std::string part1 = random_bytes(5 * 1024 * 1024, 1);
    const std::string part2 = random_bytes(1234, 2);
    this->put("copy-source", part1);

    const s3::metadata_map kind_multipart{{"kind", "multipart"}};
    auto [ce, up] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "big/object.bin",
                                                               .content = {.content_type = "application/x-test"},
                                                               .metadata = kind_multipart,
                                                               .checksum_algorithm = s3::checksum_algorithm::crc32c},
                                                              diag));
    ASSERT_FALSE(ce) << ce.message() << " " << diag.what();
    ASSERT_FALSE(up.upload_id.empty());

    auto [le, uploads] = sync(ioc, c.async_list_multipart_uploads({.bucket = b}, diag));
    ASSERT_FALSE(le) << diag.what();
    ASSERT_EQ(uploads.uploads.size(), 1u);
    EXPECT_EQ(uploads.uploads[0].upload_id, up.upload_id);
    EXPECT_EQ(uploads.uploads[0].key, "big/object.bin");

    auto [u1, p1] = sync(ioc, c.async_upload_part({.bucket = b, .key = "big/object.bin", .upload_id = up.upload_id,
                                                   .part_number = 1, .body = part1,
                                                   .checksum_algorithm = s3::checksum_algorithm::crc32c},
                                                  diag));
    ASSERT_FALSE(u1) << u1.message() << " " << diag.what();
    auto [u2, p2] = sync(ioc, c.async_upload_part({.bucket = b, .key = "big/object.bin", .upload_id = up.upload_id,
                                                   .part_number = 3, .body = part2,
                                                   .checksum_algorithm = s3::checksum_algorithm::crc32c,
                                                   .checksum_at = s3::checksum_location::trailer},
                                                  diag));
    ASSERT_FALSE(u2) << u2.message() << " " << diag.what();
    auto [u3, p3] = sync(ioc, c.async_upload_part_copy({.source_bucket = b, .source_key = "copy-source",
                                                        .source_range = s3::byte_range::between(0, 5 * 1024 * 1024 - 1),
                                                        .bucket = b, .key = "big/object.bin", .upload_id = up.upload_id,
                                                        .part_number = 2},
                                                       diag));
    ASSERT_FALSE(u3) << u3.message() << " " << diag.what();
    EXPECT_FALSE(p3.etag.empty());

    auto [lp, parts] = sync(ioc, c.async_list_parts({.bucket = b, .key = "big/object.bin", .upload_id = up.upload_id}, diag));
    ASSERT_FALSE(lp) << lp.message() << " " << diag.what();
    ASSERT_EQ(parts.parts.size(), 3u);
    EXPECT_EQ(parts.parts[0].part_number, 1u);
    EXPECT_EQ(parts.parts[0].size, part1.size());
    EXPECT_EQ(parts.parts[2].size, part2.size());
    auto [lp2, first] = sync(ioc, c.async_list_parts({.bucket = b, .key = "big/object.bin", .upload_id = up.upload_id,
                                                      .max_parts = 1},
                                                     diag));
    ASSERT_FALSE(lp2);
    EXPECT_EQ(first.parts.size(), 1u);
    EXPECT_TRUE(first.is_truncated);
    // The same parts one page of one part at a time, through the pager.
    auto part_pages = c.list_parts_pages({.bucket = b, .key = "big/object.bin", .upload_id = up.upload_id, .max_parts = 1});
    std::vector<std::uint32_t> numbers;
    for (int guard = 0;; ++guard) {
        ASSERT_LT(guard, 10) << "the part listing does not end";
        auto [pe, part] = sync(ioc, part_pages.async_next());
        ASSERT_FALSE(pe) << pe.message() << " " << part_pages.last_diagnostics().what();
        if (!part) break;
        numbers.push_back(part->part_number);
    }
    EXPECT_EQ(numbers, (std::vector<std::uint32_t>{1, 2, 3}));
    EXPECT_EQ(part_pages.pages_fetched(), 3u);
    EXPECT_TRUE(part_pages.done());

    // Two more uploads, listed one per page through the pager.
    auto [ce3, up3] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "big/second"}, diag));
    ASSERT_FALSE(ce3) << diag.what();
    auto [ce4, up4] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "big/third"}, diag));
    ASSERT_FALSE(ce4) << diag.what();
    auto upload_pages = c.list_multipart_uploads_pages({.bucket = b, .max_uploads = 1});
    std::vector<std::string> upload_keys;
    for (int guard = 0;; ++guard) {
        ASSERT_LT(guard, 10) << "the upload listing does not end";
        auto [ue, u] = sync(ioc, upload_pages.async_next());
        if (ue && this->is("versitygw")) {
            // versitygw 1.7 refuses the upload-id-marker it returned itself ("Invalid
            // uploadId marker"; boto3 gets the same answer): the range ends with that error.
            EXPECT_EQ(ue, s3::errc::invalid_argument) << ue.message();
            std::printf("[ note ] versitygw refuses its own NextUploadIdMarker: %s\n",
                        upload_pages.last_diagnostics().what().c_str());
            EXPECT_EQ(upload_keys, std::vector<std::string>{"big/object.bin"});
            upload_keys.clear();
            break;
        }
        ASSERT_FALSE(ue) << ue.message() << " " << upload_pages.last_diagnostics().what();
        if (!u) break;
        upload_keys.push_back(u->key);
    }
    if (!upload_keys.empty()) {
        EXPECT_EQ(upload_keys, (std::vector<std::string>{"big/object.bin", "big/second", "big/third"}));
    }
    EXPECT_TRUE(upload_keys.size() == 3 || this->is("versitygw"));
    for (const auto* u : {&up3, &up4}) {
        const std::string key = u == &up3 ? "big/second" : "big/third";
        auto [ae] = sync(ioc, c.async_abort_multipart_upload({.bucket = b, .key = key, .upload_id = u->upload_id}, diag));
        EXPECT_FALSE(ae) << diag.what();
    }

    std::vector<s3::completed_part> done = {{.part_number = 3, .etag = p2.etag, .checksum = p2.checksum},
                                            {.part_number = 1, .etag = p1.etag, .checksum = p1.checksum},
                                            {.part_number = 2, .etag = p3.etag, .checksum = p3.checksum}};
    auto [cm, complete] = sync(ioc, c.async_complete_multipart_upload({.bucket = b, .key = "big/object.bin",
                                                                       .upload_id = up.upload_id, .parts = done},
                                                                      diag));
    ASSERT_FALSE(cm) << cm.message() << " " << diag.what();
    EXPECT_FALSE(complete.etag.empty());

    auto [he, head] = sync(ioc, c.async_head_object({.bucket = b, .key = "big/object.bin"}, diag));
    ASSERT_FALSE(he);
    EXPECT_EQ(head.content_length, part1.size() * 2 + part2.size());
    EXPECT_EQ(head.metadata.at("kind"), "multipart");
    auto [ge, got] = sync(ioc, c.async_get_object({.bucket = b, .key = "big/object.bin", .range = s3::byte_range::suffix(1234)}, diag));
    ASSERT_FALSE(ge);
    EXPECT_TRUE(got.body == part2);

    // An upload that is aborted; its parts are gone.
    auto [ce2, up2] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "big/aborted"}, diag));
    ASSERT_FALSE(ce2);
    auto [ab] = sync(ioc, c.async_abort_multipart_upload({.bucket = b, .key = "big/aborted", .upload_id = up2.upload_id}, diag));
    EXPECT_FALSE(ab) << diag.what();
    auto [lp3, none] = sync(ioc, c.async_list_parts({.bucket = b, .key = "big/aborted", .upload_id = up2.upload_id}, diag));
    EXPECT_EQ(lp3, s3::errc::no_such_upload) << lp3.message();
    const std::vector<s3::completed_part> bogus{{.part_number = 1, .etag = "\"x\""}};
    auto [cm2, bad] = sync(ioc, c.async_complete_multipart_upload({.bucket = b, .key = "big/aborted", .upload_id = up2.upload_id,
                                                                   .parts = bogus},
                                                                  diag));
    // AWS answers NoSuchUpload; versitygw says InvalidPart; moto fails with a 500, and the
    // retries of that 500 have been seen to answer NoSuchBucket: any error will do there.
    if (this->is("versitygw")) {
        EXPECT_EQ(cm2, s3::errc::invalid_part) << cm2.message();
    } else {
        EXPECT_TRUE(cm2) << "completing an aborted upload succeeded";
    }
}

TYPED_TEST(S3, MultipartErrors) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    diagnostics diag;
    const std::string& b = this->bucket_;
    auto [ce, up] = sync(ioc, c.async_create_multipart_upload({.bucket = b, .key = "small-parts"}, diag));
    ASSERT_FALSE(ce);
    auto [u1, p1] = sync(ioc, c.async_upload_part({.bucket = b, .key = "small-parts", .upload_id = up.upload_id,
                                                   .part_number = 1, .body = "tiny"}, diag));
    ASSERT_FALSE(u1);
    auto [u2, p2] = sync(ioc, c.async_upload_part({.bucket = b, .key = "small-parts", .upload_id = up.upload_id,
                                                   .part_number = 2, .body = "tiny"}, diag));
    ASSERT_FALSE(u2);
    const std::vector<s3::completed_part> both{{.part_number = 1, .etag = p1.etag}, {.part_number = 2, .etag = p2.etag}};
    auto [cm, r] = sync(ioc, c.async_complete_multipart_upload({.bucket = b, .key = "small-parts", .upload_id = up.upload_id,
                                                                .parts = both},
                                                               diag));
    if (this->is("garage")) {
        // Garage does not enforce S3's 5 MiB minimum part size: the upload completes and
        // is then gone.
        EXPECT_FALSE(cm) << cm.message() << " " << diag.what();
        EXPECT_EQ(this->get("small-parts"), "tinytiny");
    } else {
        EXPECT_EQ(cm, s3::errc::entity_too_small) << cm.message() << " " << diag.what();
    }
    const std::vector<s3::completed_part> wrong{{.part_number = 1, .etag = "\"0000\""}};
    auto [cm2, r2] = sync(ioc, c.async_complete_multipart_upload({.bucket = b, .key = "small-parts", .upload_id = up.upload_id,
                                                                  .parts = wrong},
                                                                 diag));
    if (this->is("garage")) {
        EXPECT_EQ(cm2, s3::errc::no_such_upload) << cm2.message() << " " << diag.what();
    } else {
        EXPECT_EQ(cm2, s3::errc::invalid_part) << cm2.message() << " " << diag.what();
    }
    auto [bad_number, r3] = sync(ioc, c.async_upload_part({.bucket = b, .key = "small-parts", .upload_id = up.upload_id,
                                                           .part_number = 0, .body = "x"}, diag));
    EXPECT_EQ(bad_number, cirrus::errc::invalid_argument);
    // TearDown aborts the unfinished upload while emptying the bucket.
}

// ============================================================================ presigning

TYPED_TEST(S3, PresignedGetAndPutWithCurl) {
    auto& c = this->client_;
    const std::string& b = this->bucket_;
    this->put("shared/file name+1.txt", "presigned content");

    auto get = c.presign_get_object({.bucket = b, .key = "shared/file name+1.txt", .expires = 300s});
    ASSERT_TRUE(get) << get.error().message();
    EXPECT_NE(get->url.find("X-Amz-Signature="), std::string::npos);
    auto [status, body] = run_command("curl -s -f " + shell_quote(get->url));
    EXPECT_EQ(status, 0) << get->url;
    EXPECT_EQ(body, "presigned content");

    // A signed header the user agent must send.
    auto get2 = c.presign_get_object({.bucket = b, .key = "shared/file name+1.txt",
                                      .headers = {{"x-amz-meta-check", "yes"}},
                                      .response_content_type = "application/x-cirrus"});
    ASSERT_TRUE(get2);
    auto [s2, hdrs] = run_command("curl -s -f -D - -o /dev/null -H 'x-amz-meta-check: yes' " + shell_quote(get2->url));
    EXPECT_EQ(s2, 0);
    EXPECT_NE(hdrs.find("application/x-cirrus"), std::string::npos) << hdrs;
    if (this->is("versitygw") || this->is("garage")) {
        // Without the signed header the signature does not match (versitygw answers 403
        // as S3 does; Garage answers 400 for a signed header that is missing).
        auto [s3status, err] = run_command("curl -s -o /dev/null -w '%{http_code}' " + shell_quote(get2->url));
        EXPECT_EQ(err, this->is("garage") ? "400" : "403");
        // A tampered signature.
        std::string tampered = get->url;
        tampered[tampered.size() - 1] = tampered.back() == '0' ? '1' : '0';
        auto [s4, code] = run_command("curl -s -o /dev/null -w '%{http_code}' " + shell_quote(tampered));
        EXPECT_EQ(code, "403");
    }

    auto put = c.presign_put_object({.bucket = b, .key = "uploads/via curl.txt", .expires = 300s,
                                     .content_type = "text/plain", .metadata = {{"source", "curl"}}});
    ASSERT_TRUE(put) << put.error().message();
    std::string cmd = "curl -s -f -X PUT --data-binary 'uploaded by curl'";
    for (const auto& h : put->headers) cmd += " -H " + shell_quote(h.name + ": " + h.value);
    auto [s5, out5] = run_command(cmd + " " + shell_quote(put->url));
    EXPECT_EQ(s5, 0) << out5;
    EXPECT_EQ(this->get("uploads/via curl.txt"), "uploaded by curl");
    auto [he, head] = sync(this->ioc_, c.async_head_object({.bucket = b, .key = "uploads/via curl.txt"}, this->diag_));
    ASSERT_FALSE(he);
    EXPECT_EQ(head.metadata["source"], "curl");
    EXPECT_EQ(head.content.content_type, "text/plain");

    auto expired = c.presign_get_object({.bucket = b, .key = "k", .expires = 8 * 24h});
    EXPECT_EQ(expired.error(), cirrus::errc::expiry_out_of_range);
    auto invalid = c.presign_get_object({.bucket = "Bad_Name", .key = "k"});
    EXPECT_EQ(invalid.error(), s3::errc::invalid_bucket_name);
}

TYPED_TEST(S3, PostPolicyFormWithCurl) {
    auto& c = this->client_;
    const std::string& b = this->bucket_;
    auto form = c.presign_post_object({.bucket = b,
                                       .key = "user/42/",
                                       .key_starts_with = true,
                                       .expires = 600s,
                                       .content_length_range = std::pair<std::uint64_t, std::uint64_t>{1, 1024},
                                       .content_type = "text/plain"});
    ASSERT_TRUE(form) << form.error().message();
    const fs::path file = this->temp_file("post");
    std::ofstream(file) << "posted through a form";

    auto post = [&](const std::string& key, const fs::path& path) {
        std::string cmd = "curl -s -o /dev/null -w '%{http_code}'";
        for (const auto& [name, value] : form->fields) {
            const std::string v = name == "key" ? key : value;
            cmd += " -F " + shell_quote(name + "=" + v);
        }
        cmd += " -F " + shell_quote("file=@" + path.string());
        return run_command(cmd + " " + shell_quote(form->url)).second;
    };
    const std::string ok = post("user/42/form.txt", file);
    if (this->is("moto") && ok != "204" && ok != "200" && ok != "201") GTEST_SKIP() << "moto POST object: HTTP " << ok;
    EXPECT_TRUE(ok == "204" || ok == "200" || ok == "201") << ok;
    EXPECT_EQ(this->get("user/42/form.txt"), "posted through a form");

    if (this->is("versitygw") || this->is("garage")) {
        // Outside the key prefix, and over the size limit: refused (Garage answers 400).
        EXPECT_EQ(post("user/43/form.txt", file), this->is("garage") ? "400" : "403");
        const fs::path big = this->temp_file("post-big");
        std::ofstream(big) << std::string(2048, 'b');
        const std::string too_big = post("user/42/big.txt", big);
        EXPECT_TRUE(too_big == "400" || too_big == "403") << too_big;
    }
}

// The form's fields go out exactly as generated, each once, with the file last: an exact
// key, a prefix with ${filename}, and a prefix with a key the application chose.
TYPED_TEST(S3, PostFormFieldsAreSentAsGenerated) {
    auto& c = this->client_;
    const std::string& b = this->bucket_;
    const fs::path file = this->temp_file("form");
    std::ofstream(file) << "form body";
    auto post = [&](const s3::presigned_post& form, const std::string& filename) {
        std::string cmd = "curl -s -o /dev/null -w '%{http_code}'";
        for (const auto& [name, value] : form.fields) cmd += " -F " + shell_quote(name + "=" + value);
        cmd += " -F " + shell_quote("file=@" + file.string() + ";filename=" + filename);
        return run_command(cmd + " " + shell_quote(form.url)).second;
    };
    auto key_fields = [](const s3::presigned_post& form) {
        std::size_t n = 0;
        for (const auto& f : form.fields) n += f.first == "key";
        return n;
    };
    auto accepted = [](const std::string& status) { return status == "204" || status == "200" || status == "201"; };

    auto exact = c.presign_post_object({.bucket = b, .key = "forms/exact.txt", .content_type = "text/plain"});
    ASSERT_TRUE(exact) << exact.error().message();
    EXPECT_EQ(key_fields(*exact), 1u);
    EXPECT_EQ(exact->fields.front(), (std::pair<std::string, std::string>{"key", "forms/exact.txt"}));
    EXPECT_EQ(exact->field("Content-Type"), "text/plain");
    const std::string st1 = post(*exact, "ignored.txt");
    ASSERT_TRUE(accepted(st1)) << st1;
    EXPECT_EQ(this->get("forms/exact.txt"), "form body");

    // A prefix: moto (and AWS) put the uploaded file's name where ${filename} stands;
    // versitygw 1.7 stores the key as sent, ${filename} included.
    auto prefix = c.presign_post_object({.bucket = b, .key = "forms/any/", .key_starts_with = true});
    ASSERT_TRUE(prefix);
    EXPECT_EQ(key_fields(*prefix), 1u);
    EXPECT_EQ(prefix->field("key"), "forms/any/${filename}");
    const std::string st2 = post(*prefix, "photo.txt");
    ASSERT_TRUE(accepted(st2)) << st2;
    EXPECT_EQ(this->get(this->is("versitygw") ? "forms/any/${filename}" : "forms/any/photo.txt"), "form body");

    // A key chosen under the prefix replaces the field (still one `key`).
    auto chosen = *prefix;
    chosen.set_field("key", "forms/any/chosen.txt");
    EXPECT_EQ(key_fields(chosen), 1u);
    const std::string st3 = post(chosen, "whatever.txt");
    ASSERT_TRUE(accepted(st3)) << st3;
    EXPECT_EQ(this->get("forms/any/chosen.txt"), "form body");

    // The form's own fields cannot come in again through extra_fields.
    for (const char* name : {"key", "Key", "policy", "file", "x-amz-signature", "Content-Type"}) {
        auto dup = c.presign_post_object({.bucket = b, .key = "forms/x", .extra_fields = {{name, "v"}}});
        EXPECT_EQ(dup.error(), cirrus::errc::invalid_argument) << name;
    }
}

// One call for a whole URL: a presigned GET through http::client::async_get_url.
TYPED_TEST(S3, GetAPresignedUrlInOneCall) {
    auto& c = this->client_;
    auto& ioc = this->ioc_;
    this->put("shared/one call.txt", "fetched by URL");
    auto url = c.presign_get_object({.bucket = this->bucket_, .key = "shared/one call.txt"});
    ASSERT_TRUE(url);
    diagnostics diag;
    auto [ec, res] = sync(ioc, c.http_client().async_get_url(url->url, diag));
    ASSERT_FALSE(ec) << ec.message() << " " << diag.what();
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.body, "fetched by URL");
    EXPECT_FALSE(res.header("ETag").empty());
    // The default token, braced in co_await, as the docs show it.
    auto fut = asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<std::string> {
            cirrus::http::client& http = c.http_client();
            auto got = co_await http.async_get_url(url->url);
            co_return got.body;
        },
        asio::use_future);
    ioc.restart();
    ioc.run();
    EXPECT_EQ(fut.get(), "fetched by URL");

    if (this->is("versitygw")) {
        std::string tampered = url->url;
        tampered.back() = tampered.back() == '0' ? '1' : '0';
        auto [tec, tres] = sync(ioc, c.http_client().async_get_url(tampered, diag));
        EXPECT_TRUE(tec) << "a tampered signature was accepted";
        EXPECT_EQ(diag.http_status, 403u);
        EXPECT_EQ(diag.service_code, "SignatureDoesNotMatch") << diag.what();
    }
    auto [bec, bres] = sync(ioc, c.http_client().async_get_url("ftp://127.0.0.1/x", diag));
    EXPECT_EQ(bec, cirrus::http::errc::invalid_endpoint);
}

// ============================================================================ providers

// Operations a provider lacks do not compile; flags chosen per request are refused before
// anything is sent.
template <class P>
concept can_version = requires(s3::client<P>& c, s3::put_bucket_versioning_request r) { c.async_put_bucket_versioning(r); };
template <class P>
concept can_tag = requires(s3::client<P>& c, s3::get_object_tagging_request r) { c.async_get_object_tagging(r); };
template <class P>
concept can_post = requires(const s3::client<P>& c, s3::presign_post_request r) { c.presign_post_object(r); };
static_assert(can_version<provider::aws> && can_tag<provider::aws> && can_post<provider::aws>);
static_assert(!can_version<provider::r2> && !can_tag<provider::r2> && !can_post<provider::r2>);
static_assert(s3::client<provider::wasabi>::native_rename && !s3::client<provider::aws>::native_rename);

TEST(S3Providers, UnsupportedRequestFeaturesAreRefusedBeforeSending) {
    asio::io_context ioc;
    s3::client<provider::r2> r2(ioc.get_executor(), {.endpoint = cirrus::test::moto_endpoint(),
                                                     .credentials = cirrus::auth::any_credentials_provider(
                                                         cirrus::auth::static_provider("testing", "testing"))});
    diagnostics diag;
    const s3::tag_set tags{{"a", "b"}};
    auto [e1, r1] = sync(ioc, r2.async_put_object({.bucket = "bucket", .key = "k", .body = "x", .tags = tags}, diag));
    EXPECT_EQ(e1, cirrus::errc::unsupported);
    EXPECT_NE(diag.message.find("tags"), std::string::npos);
    auto [e2, r2r] = sync(ioc, r2.async_put_object({.bucket = "bucket", .key = "k", .body = "x",
                                                     .checksum_algorithm = s3::checksum_algorithm::crc64nvme},
                                                    diag));
    EXPECT_EQ(e2, cirrus::errc::unsupported);
    auto [e3, r3] = sync(ioc, r2.async_create_bucket({.bucket = "bucket", .acl = s3::canned_acl::public_read}, diag));
    EXPECT_EQ(e3, cirrus::errc::unsupported);
    EXPECT_EQ(r2.http_client().stats().created, 0u);

    // R2 signs with region "auto" and uses path style.
    EXPECT_FALSE(r2.virtual_hosted());
    auto url = r2.presign_get_object({.bucket = "bucket", .key = "k"});
    ASSERT_TRUE(url);
    EXPECT_NE(url->url.find("%2Fauto%2Fs3%2Faws4_request"), std::string::npos) << url->url;

    // AWS without an override: virtual-hosted, regional endpoint.
    s3::client<provider::aws> aws(ioc.get_executor(), {.region = "eu-west-1",
                                                       .credentials = cirrus::auth::any_credentials_provider(
                                                           cirrus::auth::static_provider("AKID", "secret"))});
    EXPECT_TRUE(aws.virtual_hosted());
    auto aws_url = aws.presign_get_object({.bucket = "my-bucket", .key = "a b.txt"});
    ASSERT_TRUE(aws_url);
    EXPECT_TRUE(aws_url->url.starts_with("https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b.txt?")) << aws_url->url;
    // Dotted bucket names over TLS fall back to path style (the certificate would not match).
    auto dotted = aws.presign_get_object({.bucket = "my.bucket", .key = "k"});
    ASSERT_TRUE(dotted);
    EXPECT_TRUE(dotted->url.starts_with("https://s3.eu-west-1.amazonaws.com/my.bucket/k?")) << dotted->url;
}

// ============================================================================ per-request overrides

namespace {

// A Toxiproxy proxy in front of versitygw for one test.
class S3Toxiproxy : public ::testing::Test {
protected:
    void SetUp() override {
        proxy_.emplace("cirrus_s3_" + random_suffix(), cirrus::test::parse_endpoint(svc_.endpoint).host_header());
        ASSERT_TRUE(proxy_->created());
        bucket_ = "cirrus-s3-" + random_suffix();
        auto [ec, created] = sync(ioc_, direct_.async_create_bucket({.bucket = bucket_}, diag_));
        ASSERT_FALSE(ec) << diag_.what();
        auto [pec, put] = sync(ioc_, direct_.async_put_object({.bucket = bucket_, .key = "k", .body = "slow"}, diag_));
        ASSERT_FALSE(pec) << diag_.what();
    }
    void TearDown() override {
        proxy_.reset();
        if (!bucket_.empty()) (void)sync(ioc_, direct_.async_delete_bucket({.bucket = bucket_, .empty_first = true}, diag_));
    }
    void add_toxic(const std::string& type, const std::string& attributes) {
        ASSERT_TRUE(proxy_->add_toxic("t", type, attributes));
    }
    // A client through the proxy: quick retries, and a total timeout of 20 s.
    s3::client_options via_proxy() {
        auto o = backend::versitygw::options();
        o.endpoint = proxy_->url();
        o.http.retry.base_delay = 5ms;
        o.http.retry.max_backoff = 20ms;
        o.http.timeouts.total = 20s;
        o.http.on_event = [this](const cirrus::http::request_event& ev) {
            if (ev.phase == cirrus::http::event_phase::attempt) ++attempts_;
        };
        return o;
    }

    cirrus::test::s3_service svc_;
    asio::io_context ioc_;
    s3::client<provider::versitygw> direct_{ioc_.get_executor(), backend::versitygw::options()};
    std::optional<cirrus::test::toxiproxy_proxy> proxy_;
    std::string bucket_;
    diagnostics diag_;
    unsigned attempts_ = 0;
};

} // namespace

// A per-request timeout reaches the transport's total timeout: with 1.5 s of latency the
// request fails after its own 300 ms, while the client's 20 s let the next one through.
TEST_F(S3Toxiproxy, PerRequestTimeout) {
    add_toxic("latency", R"({"latency":1500,"jitter":0})");
    s3::client<provider::versitygw> c(ioc_.get_executor(), via_proxy());
    const auto t0 = std::chrono::steady_clock::now();
    auto [ec, r] = sync(ioc_, c.async_get_object({.bucket = bucket_, .key = "k", .options = {.timeout = 300ms}}, diag_));
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(ec, cirrus::http::errc::total_timeout) << ec.message() << " " << diag_.what();
    EXPECT_LT(took, 1200ms);
    auto [hec, h] = sync(ioc_, c.async_head_object({.bucket = bucket_, .key = "k", .options = {.timeout = 300ms}}, diag_));
    EXPECT_EQ(hec, cirrus::http::errc::total_timeout);
    auto [lec, l] = sync(ioc_, c.async_list_objects({.bucket = bucket_, .options = {.timeout = 300ms}}, diag_));
    EXPECT_EQ(lec, cirrus::http::errc::total_timeout);

    auto [ok, got] = sync(ioc_, c.async_get_object({.bucket = bucket_, .key = "k"}, diag_));
    ASSERT_FALSE(ok) << ok.message() << " " << diag_.what();
    EXPECT_EQ(got.body, "slow");
}

// A per-request attempt count reaches the transport's retry loop: a connection reset on
// every attempt is tried once with max_attempts = 1, the client's 3 times without it, and
// 5 times when the request asks for 5.
TEST_F(S3Toxiproxy, PerRequestMaxAttempts) {
    add_toxic("reset_peer", R"({"timeout":0})");
    s3::client<provider::versitygw> c(ioc_.get_executor(), via_proxy());
    auto [e1, r1] = sync(ioc_, c.async_get_object({.bucket = bucket_, .key = "k", .options = {.max_attempts = 1}}, diag_));
    EXPECT_TRUE(e1);
    EXPECT_EQ(attempts_, 1u);
    attempts_ = 0;
    auto [e3, r3] = sync(ioc_, c.async_get_object({.bucket = bucket_, .key = "k"}, diag_));
    EXPECT_TRUE(e3);
    EXPECT_EQ(attempts_, 3u);
    attempts_ = 0;
    auto [e5, r5] = sync(ioc_, c.async_head_object({.bucket = bucket_, .key = "k", .options = {.max_attempts = 5}}, diag_));
    EXPECT_TRUE(e5);
    EXPECT_EQ(attempts_, 5u);
}
