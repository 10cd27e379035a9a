// The S3 client against a scripted HTTP server on 127.0.0.1 (unit/http_test_server.hpp):
// what a misbehaving or hostile server does to downloads and listings.

#include "support/error_tuple.hpp"
#include "unit/http_test_server.hpp"

#include <cirrus/crypto/checksum.hpp>
#include <cirrus/provider/custom.hpp>
#include <cirrus/s3/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <filesystem>
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

template <class Deferred>
auto sync(asio::io_context& ioc, Deferred&& op) {
    auto fut = asio::co_spawn(
        ioc, [op = std::forward<Deferred>(op)]() mutable { return std::move(op)(asio::as_tuple(asio::use_awaitable)); },
        asio::use_future);
    ioc.restart();
    ioc.run();
    return cirrus::test::error_tuple(fut.get());
}

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
