// The S3 client against a scripted HTTP server on 127.0.0.1 (unit/http_test_server.hpp):
// what a misbehaving or hostile server does to downloads and listings.

#include "support/error_tuple.hpp"
#include "unit/http_test_server.hpp"

#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/sha256.hpp>
#include <cirrus/provider/custom.hpp>
#include <cirrus/s3/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <iomanip>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace s3 = cirrus::s3;
using cirrus::test::server_action;
using cirrus::test::test_server;

namespace {

using path_style = cirrus::provider::custom<cirrus::provider::features{.checksums = cirrus::provider::classic_checksums},
                                           cirrus::provider::addressing::path>;

using cirrus::test::sync;

s3::client_options options_for(const test_server& server) {
    return {.region = "us-east-1",
            .endpoint = server.url(),
            .credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider("AKIDTEST", "secret"))};
}

class scratch_dir {
public:
    scratch_dir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("cirrus-s3-scripted-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~scratch_dir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const noexcept { return path_; }
    // The names of what is in the directory.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename().string());
        return names;
    }

private:
    fs::path path_;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
}

std::string list_page(std::string_view next_token) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>b</Name><KeyCount>1</KeyCount>"
                      "<IsTruncated>true</IsTruncated><NextContinuationToken>";
    xml += next_token;
    xml += "</NextContinuationToken><Contents><Key>key-";
    xml += next_token;
    xml += "</Key><Size>1</Size><ETag>\"e\"</ETag></Contents></ListBucketResult>";
    return xml;
}

} // namespace

// A 200 that announces 1,000 bytes, sends 100 and closes (every attempt): the file that was
// there before is left as it was, and no temporary file remains.
TEST(S3Scripted, ATruncatedDownloadLeavesTheExistingFileAlone) {
    test_server server;
    server_action truncated;
    truncated.what = server_action::kind::truncate;
    truncated.body = std::string(1000, 'x');
    truncated.truncate_at = 100;
    server.set_default(truncated);

    scratch_dir dir;
    const fs::path target = dir.path() / "report.csv";
    write_file(target, "precious data");

    asio::io_context ioc;
    s3::client<path_style> c(ioc.get_executor(), options_for(server));
    cirrus::diagnostics diag;
    auto [ec, got] = sync(ioc, c.async_get_object({.bucket = "scripted-bucket", .key = "report.csv", .sink = s3::object_sink::file(target)},
                                                  diag));
    EXPECT_TRUE(ec) << "a truncated body must fail";
    EXPECT_FALSE(server.requests().empty()) << ec.message() << ": the request was never sent";
    EXPECT_EQ(read_file(target), "precious data");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"report.csv"});
}

// A whole body whose full-object checksum does not match: an error, the old file kept.
TEST(S3Scripted, AChecksumMismatchLeavesTheExistingFileAlone) {
    test_server server;
    server_action wrong;
    wrong.body = "tampered body";
    const auto other = cirrus::crypto::compute_checksum(cirrus::crypto::checksum_algorithm::crc32,
                                                        std::string_view("the real body"));
    wrong.headers = {{"x-amz-checksum-crc32", std::string(other.view())}, {"x-amz-checksum-type", "FULL_OBJECT"}};
    server.set_default(wrong);

    scratch_dir dir;
    const fs::path target = dir.path() / "data.bin";
    write_file(target, "precious data");

    asio::io_context ioc;
    s3::client<path_style> c(ioc.get_executor(), options_for(server));
    auto [ec, got] = sync(ioc, c.async_get_object({.bucket = "scripted-bucket", .key = "data.bin", .sink = s3::object_sink::file(target)}));
    EXPECT_EQ(ec, cirrus::errc::checksum_mismatch) << ec.message();
    EXPECT_EQ(read_file(target), "precious data");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"data.bin"});
    EXPECT_FALSE(c.last_diagnostics().message.empty());
}

// The control: a good answer replaces the file, and nothing else is left in the directory.
TEST(S3Scripted, ACompleteDownloadReplacesTheFile) {
    test_server server;
    const auto sum = cirrus::crypto::compute_checksum(cirrus::crypto::checksum_algorithm::crc32,
                                                      std::string_view("fresh contents"));
    server_action good;
    good.body = "fresh contents";
    good.headers = {{"x-amz-checksum-crc32", std::string(sum.view())}, {"x-amz-checksum-type", "FULL_OBJECT"}};
    server.set_default(good);

    scratch_dir dir;
    const fs::path target = dir.path() / "data.bin";
    write_file(target, "old");

    asio::io_context ioc;
    s3::client<path_style> c(ioc.get_executor(), options_for(server));
    auto [ec, got] = sync(ioc, c.async_get_object({.bucket = "scripted-bucket", .key = "data.bin", .sink = s3::object_sink::file(target)}));
    ASSERT_FALSE(ec) << ec.message() << " " << c.last_diagnostics().what();
    EXPECT_TRUE(got.checksum_verified);
    EXPECT_EQ(read_file(target), "fresh contents");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"data.bin"});
}

// A server that answers "truncated, continue at A", then B, then A again: the listing ends
// with an error at the repeated marker instead of asking for A, B, A, B ... forever.
TEST(S3Scripted, AListingWhoseMarkersCycleEnds) {
    test_server server;
    for (std::string_view token : {"A", "B", "A", "B", "A"}) {
        server_action page;
        page.headers = {{"Content-Type", "application/xml"}};
        page.body = list_page(token);
        server.push(page);
    }

    asio::io_context ioc;
    s3::client<path_style> c(ioc.get_executor(), options_for(server));
    auto pages = c.list_objects_pages({.bucket = "scripted-bucket"});
    std::vector<std::string> keys;
    cirrus::error_code last;
    for (int i = 0; i < 10 && !pages.done(); ++i) {
        auto [ec, page] = sync(ioc, pages.async_next_page());
        if (ec) {
            last = ec;
            break;
        }
        for (const auto& o : page.objects) keys.push_back(o.key);
    }
    EXPECT_EQ(last, cirrus::errc::protocol_error) << last.message();
    EXPECT_EQ(keys, (std::vector<std::string>{"key-A", "key-B"}));
    EXPECT_LE(server.requests().size(), 3u);
}

// ---- SigV4a ---------------------------------------------------------------------------

namespace {

// Rebuilds the string to sign of a recorded SigV4a request from what went on the wire and
// verifies its Authorization signature with the public key of the credentials.
bool verify_sigv4a(const cirrus::test::recorded_request& r, const cirrus::auth::credentials& creds) {
    namespace sigv4 = cirrus::auth::sigv4;
    namespace sigv4a = cirrus::auth::sigv4a;
    const std::string auth = r.headers.at("authorization");
    const auto signed_at = auth.find("SignedHeaders=") + 14;
    const std::string signed_names = auth.substr(signed_at, auth.find(',', signed_at) - signed_at);
    const std::string signature = auth.substr(auth.find("Signature=") + 10);
    std::vector<sigv4::header> headers;
    for (std::size_t i = 0; i <= signed_names.size();) {
        auto j = signed_names.find(';', i);
        if (j == std::string::npos) j = signed_names.size();
        const std::string name = signed_names.substr(i, j - i);
        i = j + 1;
        if (name == "x-amz-date" || name == "x-amz-region-set" || name == "x-amz-content-sha256") continue;
        const auto it = r.headers.find(name);
        if (it == r.headers.end()) return false;
        headers.push_back({it->first, it->second});
    }
    std::istringstream date(r.headers.at("x-amz-date"));
    std::tm tm{};
    date >> std::get_time(&tm, "%Y%m%dT%H%M%SZ");
    const auto time = std::chrono::system_clock::from_time_t(timegm(&tm));
    const std::string target = r.target;
    const auto q = target.find('?');
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    const std::string payload_hash = r.headers.at("x-amz-content-sha256");
    if (signer.sign({r.method, target.substr(0, q), q == std::string::npos ? "" : target.substr(q + 1), headers},
                    creds,
                    {.region_set = r.headers.at("x-amz-region-set"), .service = "s3", .time = time,
                     .rules = sigv4::uri_rules::s3, .payload_hash = payload_hash, .content_sha256_header = true},
                    out))
        return false;
    if (signer.last_scope() != auth.substr(auth.find('/') + 1, auth.find(',') - auth.find('/') - 1)) return false;
    auto key = sigv4a::key_pair::derive(creds.access_key_id, creds.secret_access_key);
    auto der = cirrus::hex::decode(signature);
    return key && der &&
           sigv4a::key_pair::verify_digest(key->public_x(), key->public_y(),
                                           cirrus::crypto::sha256(signer.last_string_to_sign()),
                                           std::span(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()));
}

} // namespace

// With client_options::sigv4a_region_set, requests go out signed with SigV4a for that set.
TEST(S3Scripted, SigV4aSignsRequestsForTheRegionSet) {
    test_server server;
    server.set_default(server_action::ok(""));
    asio::io_context ioc;
    auto options = options_for(server);
    options.sigv4a_region_set = "us-east-1,us-west-2";
    s3::client<path_style> c(ioc.get_executor(), options);
    auto [ec, put] = sync(ioc, c.async_put_object({.bucket = "mrap-bucket", .key = "a b/c.txt", .body = "hello"}));
    ASSERT_FALSE(ec) << ec.message();
    auto [ec2, got] = sync(ioc, c.async_get_object({.bucket = "mrap-bucket", .key = "a b/c.txt"}));
    ASSERT_FALSE(ec2) << ec2.message();
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& r : requests) {
        SCOPED_TRACE(r.method + " " + r.target);
        EXPECT_EQ(r.headers.at("x-amz-region-set"), "us-east-1,us-west-2");
        EXPECT_TRUE(r.headers.at("authorization").starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDTEST/"));
        EXPECT_NE(r.headers.at("authorization").find("/s3/aws4_request, SignedHeaders="), std::string::npos);
        EXPECT_TRUE(verify_sigv4a(r, {"AKIDTEST", "secret", {}, {}}));
        EXPECT_FALSE(verify_sigv4a(r, {"AKIDTEST", "another secret", {}, {}}));
    }
    EXPECT_EQ(requests[0].headers.at("x-amz-content-sha256"),
              cirrus::hex::encode(cirrus::crypto::sha256(std::string_view("hello"))));

    // Without the option the same client signs with SigV4.
    test_server plain;
    plain.set_default(server_action::ok(""));
    s3::client<path_style> v4(ioc.get_executor(), options_for(plain));
    auto [ec3, put3] = sync(ioc, v4.async_put_object({.bucket = "bucket", .key = "k", .body = "hello"}));
    ASSERT_FALSE(ec3);
    EXPECT_TRUE(plain.requests().at(0).headers.at("authorization").starts_with("AWS4-HMAC-SHA256 "));
    EXPECT_FALSE(plain.requests().at(0).headers.contains("x-amz-region-set"));
}

// A Multi-Region Access Point endpoint is signed with SigV4a for "*" without any option,
// presigned URLs included.
TEST(S3Scripted, SigV4aForMultiRegionAccessPointEndpoints) {
    asio::io_context ioc;
    s3::client<path_style> c(ioc.get_executor(),
                             {.region = "us-east-1",
                              .endpoint = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
                              .credentials = cirrus::auth::any_credentials_provider(
                                  cirrus::auth::static_provider("AKIDTEST", "secret"))});
    auto url = c.presign_get_object({.bucket = "bucket", .key = "report.csv"});
    ASSERT_TRUE(url) << url.error().message();
    EXPECT_NE(url->url.find("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&"), std::string::npos) << url->url;
    EXPECT_NE(url->url.find("X-Amz-Region-Set=%2A"), std::string::npos) << url->url;
    EXPECT_NE(url->url.find("%2Fs3%2Faws4_request"), std::string::npos) << url->url;
    EXPECT_EQ(url->url.find("us-east-1"), std::string::npos) << url->url; // no region in the scope

    // Another endpoint: SigV4 with the region in the scope.
    s3::client<path_style> regional(ioc.get_executor(),
                                    {.region = "us-east-1",
                                     .endpoint = "https://s3.us-east-1.amazonaws.com",
                                     .credentials = cirrus::auth::any_credentials_provider(
                                         cirrus::auth::static_provider("AKIDTEST", "secret"))});
    url = regional.presign_get_object({.bucket = "bucket", .key = "report.csv"});
    ASSERT_TRUE(url);
    EXPECT_NE(url->url.find("X-Amz-Algorithm=AWS4-HMAC-SHA256&"), std::string::npos) << url->url;
    EXPECT_NE(url->url.find("%2Fus-east-1%2Fs3%2Faws4_request"), std::string::npos) << url->url;
}
