// The transport against the real local services of scripts/services.sh: versitygw (strict
// S3 signature checks), moto (STS, IAM and S3 with signature checking on) and Toxiproxy
// (TCP faults between the client and versitygw).

#include "support/services.hpp"

#include <cirrus/auth/credentials.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/xml/reader.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace http = cirrus::http;
using namespace std::chrono_literals;

namespace {

cirrus::error_code send(asio::io_context& ioc, http::client& c, const http::request& req, http::response& res) {
    std::optional<cirrus::error_code> result;
    c.async_send(req, res, [&](cirrus::error_code ec) { result = ec; });
    ioc.restart();
    ioc.run();
    EXPECT_TRUE(result.has_value());
    return result.value_or(asio::error::operation_aborted);
}

std::string unique_name(std::string_view prefix) {
    static std::atomic<int> n{0};
    return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

void expect_no_leaks(const http::client& c) {
    const auto s = c.stats();
    EXPECT_EQ(s.in_use, 0u);
    EXPECT_EQ(s.connecting, 0u);
    EXPECT_EQ(s.waiting, 0u);
    EXPECT_EQ(s.open, s.idle);
    EXPECT_EQ(s.created, s.closed + s.open);
}

// An S3 bucket on versitygw for one test, removed (with its objects) afterwards.
class VersityGw : public ::testing::Test {
protected:
    void SetUp() override {
        ep_ = http::endpoint::parse(svc_.endpoint).value();
        creds_ = {svc_.access_key, svc_.secret_key, "", std::nullopt};
        bucket_ = unique_name("cirrus-http");
        http::response res;
        auto ec = send(ioc_, client_, s3("PUT", "/" + bucket_), res);
        ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    }
    void TearDown() override {
        for (const auto& key : keys_) {
            http::response res;
            (void)send(ioc_, client_, s3("DELETE", "/" + bucket_ + "/" + key), res);
        }
        http::response res;
        (void)send(ioc_, client_, s3("DELETE", "/" + bucket_), res);
    }

    // Keeps the path alive in the fixture, as requests hold views.
    http::request s3(std::string_view method, std::string path, http::request_body body = {},
                     const cirrus::auth::credentials* creds = nullptr) {
        paths_.push_back(std::make_unique<std::string>(std::move(path)));
        return {.endpoint = ep_,
                .method = boost::beast::http::string_to_verb(method),
                .path = *paths_.back(),
                .body = std::move(body),
                .signing = {.credentials = creds != nullptr ? creds : &creds_,
                            .region = svc_.region,
                            .service = "s3",
                            .rules = cirrus::auth::sigv4::uri_rules::s3,
                            .content_sha256_header = true}};
    }
    std::string object_path(const std::string& key) {
        keys_.push_back(key);
        return "/" + bucket_ + "/" + key;
    }

    cirrus::test::s3_service svc_;
    http::endpoint ep_;
    cirrus::auth::credentials creds_;
    std::string bucket_;
    std::vector<std::string> keys_;
    std::vector<std::unique_ptr<std::string>> paths_;
    asio::io_context ioc_;
    http::client client_{ioc_.get_executor()};
};

} // namespace

TEST_F(VersityGw, SignedPutGetHeadDelete) {
    const std::string payload = "hello from cirrus";
    const auto path = object_path("greeting.txt");
    http::response res;
    auto ec = send(ioc_, client_, s3("PUT", path, http::request_body::memory(payload)), res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_EQ(res.status, 200u);
    EXPECT_FALSE(res.header("ETag").empty());

    ec = send(ioc_, client_, s3("GET", path), res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_EQ(res.body, payload);

    auto head = s3("HEAD", path);
    ec = send(ioc_, client_, head, res);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.header("Content-Length"), std::to_string(payload.size()));
    EXPECT_TRUE(res.body.empty());

    ec = send(ioc_, client_, s3("GET", "/" + bucket_ + "/missing-key"), res);
    EXPECT_EQ(ec, http::aws_errc::not_found);
    EXPECT_EQ(res.diag.service_code, "NoSuchKey");
    EXPECT_EQ(res.diag.http_status, 404u);
    expect_no_leaks(client_);
}

TEST_F(VersityGw, WrongSecretIsTypedSignatureDoesNotMatch) {
    const cirrus::auth::credentials wrong{svc_.access_key, "not-the-secret", "", std::nullopt};
    http::response res;
    auto ec = send(ioc_, client_, s3("GET", "/" + bucket_, {}, &wrong), res);
    EXPECT_EQ(ec, http::aws_errc::signature_does_not_match) << ec.message();
    EXPECT_EQ(res.diag.service_code, "SignatureDoesNotMatch");
    EXPECT_EQ(res.diag.http_status, 403u);
    EXPECT_FALSE(res.diag.request_id.empty()) << res.diag.what();
    EXPECT_EQ(res.attempts, 1u); // not retried: the signature is wrong, not the clock
    EXPECT_EQ(res.diag.what().find("not-the-secret"), std::string::npos);

    expect_no_leaks(client_);
}

TEST_F(VersityGw, OneConnectionForSequentialRequests) {
    const auto path = object_path("small");
    http::response res;
    ASSERT_FALSE(send(ioc_, client_, s3("PUT", path, http::request_body::memory("0123456789")), res));
    const auto before = client_.stats();
    constexpr int n = 20;
    for (int i = 0; i < n; ++i) {
        ASSERT_FALSE(send(ioc_, client_, s3("GET", path), res));
        EXPECT_EQ(res.body, "0123456789");
        EXPECT_TRUE(res.connection_reused);
    }
    const auto after = client_.stats();
    EXPECT_EQ(after.created, 1u); // the bucket creation opened the only connection
    EXPECT_EQ(after.reused - before.reused, static_cast<std::uint64_t>(n));
    EXPECT_EQ(after.open, 1u);
    expect_no_leaks(client_);
}

// ---------------------------------------------------------------- Toxiproxy faults

#include "support/toxiproxy.hpp"

namespace {

// A Toxiproxy proxy in front of versitygw for one test.
class Toxiproxy : public VersityGw {
protected:
    void SetUp() override {
        VersityGw::SetUp();
        if (HasFatalFailure()) return;
        toxi_.emplace(unique_name("cirrus_http"), ep_.host_header());
        ASSERT_TRUE(toxi_->created());
        proxy_ = http::endpoint::parse(toxi_->url()).value();
    }
    void TearDown() override {
        toxi_.reset();
        VersityGw::TearDown();
    }

    void add_toxic(const std::string& toxic, const std::string& type, const std::string& attributes,
                   const std::string& stream = "downstream") {
        ASSERT_TRUE(toxi_->add_toxic(toxic, type, attributes, stream));
    }
    void remove_toxic(const std::string& toxic) { EXPECT_TRUE(toxi_->remove_toxic(toxic)); }

    // The same request as s3(), through the proxy.
    http::request via_proxy(std::string_view method, std::string path, http::request_body body = {}) {
        auto req = s3(method, std::move(path), std::move(body));
        req.endpoint = proxy_;
        return req;
    }

    std::string put_object(const std::string& key, std::size_t size) {
        std::string data(size, '\0');
        for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + (i * 7919) % 26);
        const auto path = object_path(key);
        http::response res;
        EXPECT_FALSE(send(ioc_, client_, s3("PUT", path, http::request_body::memory(data)), res)) << res.diag.what();
        return data;
    }

    static http::client_options quick(unsigned attempts = 3) {
        http::client_options o;
        o.retry.base_delay = std::chrono::milliseconds(5);
        o.retry.max_backoff = std::chrono::milliseconds(20);
        o.retry.max_attempts = attempts;
        return o;
    }

    std::optional<cirrus::test::toxiproxy_proxy> toxi_;
    http::endpoint proxy_;
};

} // namespace

TEST_F(Toxiproxy, ResetPeerIsRetriedUntilTheFaultClears) {
    const auto data = put_object("reset", 1000);
    add_toxic("reset", "reset_peer", R"({"timeout":0})");
    auto o = quick();
    std::vector<cirrus::error_code> attempts;
    o.on_event = [&](const http::request_event& ev) {
        if (ev.phase != http::event_phase::attempt) return;
        attempts.push_back(ev.error);
        if (attempts.size() == 1) remove_toxic("reset"); // the fault clears before the retry
    };
    http::client c(ioc_.get_executor(), o);
    http::response res;
    const auto ec = send(ioc_, c, via_proxy("GET", "/" + bucket_ + "/reset"), res);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body, data);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_TRUE(attempts[0] == http::errc::connection_closed || attempts[0] == asio::error::connection_reset)
        << attempts[0].message();
    expect_no_leaks(c);
}

TEST_F(Toxiproxy, ResetPeerGivesUpWithTheLastError) {
    put_object("reset", 10);
    add_toxic("reset", "reset_peer", R"({"timeout":0})");
    http::client c(ioc_.get_executor(), quick());
    http::response res;
    const auto ec = send(ioc_, c, via_proxy("GET", "/" + bucket_ + "/reset"), res);
    EXPECT_TRUE(ec == http::errc::connection_closed || ec == asio::error::connection_reset) << ec.message();
    EXPECT_EQ(res.attempts, 3u);
    EXPECT_EQ(c.stats().created, 3u);
    expect_no_leaks(c);
    EXPECT_EQ(c.stats().open, 0u);
}

TEST_F(Toxiproxy, LatencyAgainstTheInactivityTimeout) {
    const auto data = put_object("slow", 100);
    add_toxic("latency", "latency", R"({"latency":400,"jitter":0})");
    auto o = quick(1);
    o.timeouts.inactivity = std::chrono::milliseconds(150);
    http::client impatient(ioc_.get_executor(), o);
    http::response res;
    EXPECT_EQ(send(ioc_, impatient, via_proxy("GET", "/" + bucket_ + "/slow"), res), http::errc::inactivity_timeout);
    expect_no_leaks(impatient);

    o.timeouts.inactivity = std::chrono::milliseconds(3000);
    http::client patient(ioc_.get_executor(), o);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_FALSE(send(ioc_, patient, via_proxy("GET", "/" + bucket_ + "/slow"), res));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(400));
    EXPECT_EQ(res.body, data);
    expect_no_leaks(patient);
}

TEST_F(Toxiproxy, StalledConnectionEndsAtTheTotalTimeout) {
    put_object("stall", 100);
    add_toxic("stall", "timeout", R"({"timeout":0})");
    auto o = quick();
    o.timeouts.total = std::chrono::milliseconds(300);
    http::client c(ioc_.get_executor(), o);
    http::response res;
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(send(ioc_, c, via_proxy("GET", "/" + bucket_ + "/stall"), res), http::errc::total_timeout);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, std::chrono::milliseconds(290));
    EXPECT_LT(took, std::chrono::milliseconds(1500));
    expect_no_leaks(c);
}

TEST_F(Toxiproxy, BandwidthLimit) {
    const auto data = put_object("big", 256 * 1024);
    add_toxic("bandwidth", "bandwidth", R"({"rate":512})"); // KB/s
    http::client c(ioc_.get_executor(), quick());
    std::vector<std::uint8_t> out(data.size());
    auto req = via_proxy("GET", "/" + bucket_ + "/big");
    req.sink = http::response_sink::memory(out);
    http::response res;
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_FALSE(send(ioc_, c, req, res));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
    EXPECT_EQ(res.body_size, data.size());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin()));

    req.total_timeout = std::chrono::milliseconds(150);
    EXPECT_EQ(send(ioc_, c, req, res), http::errc::total_timeout);
    expect_no_leaks(c);
}

TEST_F(Toxiproxy, LimitDataCutsTheBodyMidway) {
    const auto data = put_object("cut", 64 * 1024);
    add_toxic("cut", "limit_data", R"({"bytes":20000})");
    http::client c(ioc_.get_executor(), quick());
    std::vector<std::uint8_t> out(data.size());
    auto req = via_proxy("GET", "/" + bucket_ + "/cut");
    req.sink = http::response_sink::memory(out);
    http::response res;
    EXPECT_EQ(send(ioc_, c, req, res), cirrus::errc::truncated);
    EXPECT_EQ(res.attempts, 3u);
    EXPECT_LT(res.body_size, data.size());
    expect_no_leaks(c);

    auto o = quick();
    bool removed = false;
    o.on_event = [&](const http::request_event& ev) {
        if (ev.phase == http::event_phase::attempt && ev.error && !removed) {
            EXPECT_EQ(ev.error, cirrus::errc::truncated);
            remove_toxic("cut");
            removed = true;
        }
    };
    http::client recovering(ioc_.get_executor(), o);
    std::fill(out.begin(), out.end(), 0);
    ASSERT_FALSE(send(ioc_, recovering, req, res));
    EXPECT_TRUE(removed);
    EXPECT_EQ(res.attempts, 2u);
    EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin()));
    expect_no_leaks(recovering);
}

TEST_F(Toxiproxy, SlicedResponsesParseIntact) {
    const auto data = put_object("sliced", 20000);
    add_toxic("slicer", "slicer", R"({"average_size":7,"size_variation":5,"delay":0})");
    http::client c(ioc_.get_executor(), quick(1));
    http::response res;
    ASSERT_FALSE(send(ioc_, c, via_proxy("GET", "/" + bucket_ + "/sliced"), res));
    EXPECT_EQ(res.body, data);
    ASSERT_FALSE(send(ioc_, c, via_proxy("GET", "/" + bucket_ + "/sliced"), res));
    EXPECT_EQ(c.stats().created, 1u);
    expect_no_leaks(c);
}

// ---------------------------------------------------------------- bodies against versitygw

#include <filesystem>
#include <fstream>

namespace {
std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) % 251);
    return s;
}

struct temp_file {
    std::filesystem::path path = std::filesystem::temp_directory_path() / unique_name("cirrus-http-body");
    explicit temp_file(const std::string& content = {}) { std::ofstream(path, std::ios::binary) << content; }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    std::string read() const {
        std::ifstream in(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
};
} // namespace

TEST_F(VersityGw, AwsChunkedSignedStreamingFromAFile) {
    const std::string data = pattern(300 * 1024 + 17, 1);
    temp_file src(data);
    const int fd = ::open(src.path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    const auto path = object_path("streamed.bin");
    // A file body to S3 over plain HTTP: automatic payload signing streams it as aws-chunked
    // with a signature per chunk, which versitygw verifies.
    http::response res;
    auto ec = send(ioc_, client_, s3("PUT", path, http::request_body::file(fd, 0, data.size())), res);
    ::close(fd);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();

    temp_file dst("0123456789");
    const int out = ::open(dst.path.c_str(), O_RDWR);
    auto get = s3("GET", path);
    get.sink = http::response_sink::file(out, 10);
    ec = send(ioc_, client_, get, res);
    ::close(out);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body_size, data.size());
    EXPECT_EQ(dst.read(), "0123456789" + data);
}

TEST_F(VersityGw, TamperedChunkSignatureIsRejected) {
    // A generator whose bytes change between the signature and the wire cannot pass: the
    // chunk signature covers the data actually sent, so this checks the server really
    // verifies chunks (and that our signatures are what makes the upload pass).
    const std::string data = pattern(100 * 1024, 2);
    std::size_t at = 0;
    auto fill_2 = [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
            const std::size_t n = std::min(out.size(), data.size() - at);
            std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(at), n, out.begin());
            at += n;
            return n;
        };
    auto gen = http::request_body::generator(fill_2,
        data.size());
    auto req = s3("PUT", object_path("generated.bin"), gen);
    req.signing.payload = http::payload_signing::streaming;
    http::response res;
    auto ec = send(ioc_, client_, req, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    ec = send(ioc_, client_, s3("GET", "/" + bucket_ + "/generated.bin"), res);
    ASSERT_FALSE(ec);
    EXPECT_EQ(res.body, data);

    // The same upload signed by a different secret fails on the seed signature.
    const cirrus::auth::credentials wrong{svc_.access_key, "wrong", "", std::nullopt};
    at = 0;
    auto bad = s3("PUT", object_path("generated2.bin"), gen, &wrong);
    bad.signing.payload = http::payload_signing::streaming;
    EXPECT_EQ(send(ioc_, client_, bad, res), http::aws_errc::signature_does_not_match);
}

TEST_F(VersityGw, ChecksumTrailersSignedAndUnsigned) {
    using alg = cirrus::crypto::checksum_algorithm;
    const std::string data = pattern(100 * 1024 + 3, 4);
    // Signed chunks and a signed trailer, from memory.
    auto put = s3("PUT", object_path("trailer-signed.bin"), http::request_body::memory(data));
    put.signing.payload = http::payload_signing::streaming;
    put.signing.chunk_size = 16 * 1024;
    put.signing.trailer_checksum = alg::crc32c;
    http::response res;
    auto ec = send(ioc_, client_, put, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    const auto crc32c = cirrus::crypto::compute_checksum(alg::crc32c, data);
    EXPECT_EQ(res.trailer_checksum, crc32c);
    const http::header checksum_mode[] = {{"x-amz-checksum-mode", "ENABLED"}};
    auto get = s3("GET", "/" + bucket_ + "/trailer-signed.bin");
    get.headers = checksum_mode;
    ASSERT_FALSE(send(ioc_, client_, get, res)) << res.diag.what();
    EXPECT_TRUE(res.body == data);
    EXPECT_EQ(res.header("x-amz-checksum-crc32c"), crc32c.view());

    // Plain chunks and an unsigned trailer, from a generator.
    std::size_t at = 0;
    auto fill_3 = [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
            const std::size_t n = std::min(out.size(), data.size() - at);
            std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(at), n, out.begin());
            at += n;
            return n;
        };
    auto gen = http::request_body::generator(fill_3,
        data.size());
    put = s3("PUT", object_path("trailer-unsigned.bin"), gen);
    put.signing.payload = http::payload_signing::unsigned_payload;
    put.signing.trailer_checksum = alg::crc64nvme;
    ec = send(ioc_, client_, put, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    const auto crc64 = cirrus::crypto::compute_checksum(alg::crc64nvme, data);
    EXPECT_EQ(res.trailer_checksum, crc64);
    get = s3("GET", "/" + bucket_ + "/trailer-unsigned.bin");
    get.headers = checksum_mode;
    ASSERT_FALSE(send(ioc_, client_, get, res)) << res.diag.what();
    EXPECT_TRUE(res.body == data);
    EXPECT_EQ(res.header("x-amz-checksum-crc64nvme"), crc64.view());
    expect_no_leaks(client_);
}

TEST_F(VersityGw, UnsignedPayloadAndLargeUploadWithExpectContinue) {
    const std::string small = "unsigned payload body";
    auto put = s3("PUT", object_path("unsigned.txt"), http::request_body::memory(small));
    put.signing.payload = http::payload_signing::unsigned_payload;
    http::response res;
    auto ec = send(ioc_, client_, put, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();

    const std::string big = pattern(2 * 1024 * 1024 + 5, 3); // over the 1 MiB Expect threshold
    http::client_options o;
    o.observe_headers = true;
    bool saw_expect_request = false;
    o.on_event = [&](const http::request_event& ev) {
        if (ev.phase != http::event_phase::complete || ev.method != http::verb::put) return;
        for (const auto& h : ev.headers)
            if (h.name == "Expect" && h.value == "100-continue") saw_expect_request = true;
    };
    http::client c(ioc_.get_executor(), o);
    ec = send(ioc_, c, s3("PUT", object_path("big.bin"), http::request_body::memory(big)), res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_TRUE(saw_expect_request);
    std::vector<std::uint8_t> out(big.size());
    auto get = s3("GET", "/" + bucket_ + "/big.bin");
    get.sink = http::response_sink::memory(out);
    ASSERT_FALSE(send(ioc_, c, get, res));
    EXPECT_EQ(std::memcmp(out.data(), big.data(), big.size()), 0);
    expect_no_leaks(c);
}

TEST_F(VersityGw, ClockSkewIsCorrectedAgainstTheServer) {
    http::client c(ioc_.get_executor());
    c.set_clock_offset(-std::chrono::hours(2)); // our clock is two hours behind
    http::response res;
    const auto ec = send(ioc_, c, s3("GET", "/" + bucket_), res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_EQ(res.attempts, 2u);
    EXPECT_LT(std::chrono::abs(c.clock_offset()), std::chrono::minutes(1));
}

// ---------------------------------------------------------------- moto with signature checking

namespace {

// Moto's signature checking is global to the server: these tests turn it on and off again,
// and the executable holds the moto-auth lock (tests/cmake/http.cmake) meanwhile.
class MotoAuth : public ::testing::Test {
protected:
    void SetUp() override {
        ep_ = http::endpoint::parse(cirrus::test::moto_endpoint()).value();
        moto_api("/moto-api/reset-auth", "inf");
    }
    void TearDown() override { moto_api("/moto-api/reset-auth", "inf"); }

    void moto_api(std::string_view path, std::string_view body) {
        const http::header headers[] = {{"Content-Type", "text/plain"}};
        http::response res;
        const auto ec = send(ioc_, client_,
                             {.endpoint = ep_, .method = http::verb::post, .path = path, .headers = headers,
                              .body = http::request_body::memory(body)},
                             res);
        ASSERT_FALSE(ec) << ec.message();
    }

    // A query-protocol call (IAM, STS): form-encoded POST, signed for `service`.
    cirrus::error_code query(std::string_view service, const std::string& form, const cirrus::auth::credentials& creds,
                             http::response& res) {
        forms_.push_back(std::make_unique<std::string>(form));
        static const http::header headers[] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
        return send(ioc_, client_,
                    {.endpoint = ep_,
                     .method = http::verb::post,
                     .headers = headers,
                     .body = http::request_body::memory(*forms_.back()),
                     .signing = {.credentials = &creds, .region = "us-east-1", .service = service}},
                    res);
    }

    static std::string element_text(std::string_view doc, std::string_view name) {
        cirrus::xml::reader r(doc);
        std::string scratch;
        for (;;) {
            const auto t = r.next();
            if (t == cirrus::xml::token::end || t == cirrus::xml::token::error) return {};
            if (t == cirrus::xml::token::start_element && r.local_name() == name)
                return std::string(r.read_text(scratch).value_or(""));
        }
    }

    http::endpoint ep_;
    asio::io_context ioc_;
    http::client client_{ioc_.get_executor()};
    std::vector<std::unique_ptr<std::string>> forms_;
    const cirrus::auth::credentials admin_{"testing", "testing", "", std::nullopt};
};

} // namespace

TEST_F(MotoAuth, SignedStsIamAndS3RequestsAreVerified) {
    const std::string user = unique_name("cirrus-http-user");
    http::response res;
    ASSERT_FALSE(query("iam", "Action=CreateUser&Version=2010-05-08&UserName=" + user, admin_, res))
        << res.diag.what();
    const std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
    ASSERT_FALSE(query("iam",
                       "Action=PutUserPolicy&Version=2010-05-08&UserName=" + user +
                           "&PolicyName=all&PolicyDocument=" + cirrus::uri::encode(policy),
                       admin_, res))
        << res.diag.what();
    ASSERT_FALSE(query("iam", "Action=CreateAccessKey&Version=2010-05-08&UserName=" + user, admin_, res));
    const cirrus::auth::credentials key{element_text(res.body, "AccessKeyId"),
                                        element_text(res.body, "SecretAccessKey"), "", std::nullopt};
    ASSERT_FALSE(key.access_key_id.empty());
    ASSERT_FALSE(key.secret_access_key.empty());

    moto_api("/moto-api/reset-auth", "0"); // from here on moto checks every signature

    auto ec = query("sts", "Action=GetCallerIdentity&Version=2011-06-15", key, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_NE(element_text(res.body, "Arn").find(user), std::string::npos) << res.body;

    ec = query("iam", "Action=ListUsers&Version=2010-05-08", key, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_NE(res.body.find(user), std::string::npos);

    // S3 on moto, signed with the same key.
    const std::string bucket = unique_name("cirrus-http-moto");
    const std::string bucket_path = "/" + bucket;
    const std::string object_path = bucket_path + "/k";
    const http::signing_options s3{.credentials = &key,
                                   .region = "us-east-1",
                                   .service = "s3",
                                   .rules = cirrus::auth::sigv4::uri_rules::s3,
                                   .content_sha256_header = true};
    ec = send(ioc_, client_, {.endpoint = ep_, .method = http::verb::put, .path = bucket_path, .signing = s3}, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    ec = send(ioc_, client_,
              {.endpoint = ep_, .method = http::verb::put, .path = object_path,
               .body = http::request_body::memory("moto body"), .signing = s3},
              res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    ec = send(ioc_, client_, {.endpoint = ep_, .path = object_path, .signing = s3}, res);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body, "moto body");

    // Signed chunks with a signed checksum trailer: moto checks the request's signature
    // (the chunk and trailer signatures it skips) and keeps the trailer's checksum when
    // x-amz-sdk-checksum-algorithm names it (as the S3 client sends).
    auto trailer_signing = s3;
    trailer_signing.payload = http::payload_signing::streaming;
    trailer_signing.trailer_checksum = cirrus::crypto::checksum_algorithm::sha256;
    const std::string streamed = pattern(70 * 1024, 5);
    const std::string streamed_path = bucket_path + "/trailer";
    const http::header sdk_algorithm[] = {{"x-amz-sdk-checksum-algorithm", "SHA256"}};
    ec = send(ioc_, client_,
              {.endpoint = ep_, .method = http::verb::put, .path = streamed_path, .headers = sdk_algorithm,
               .body = http::request_body::memory(streamed), .signing = trailer_signing},
              res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    const http::header checksum_mode[] = {{"x-amz-checksum-mode", "ENABLED"}};
    ec = send(ioc_, client_, {.endpoint = ep_, .path = streamed_path, .headers = checksum_mode, .signing = s3}, res);
    ASSERT_FALSE(ec) << ec.message() << " " << res.diag.what();
    EXPECT_TRUE(res.body == streamed);
    EXPECT_EQ(res.header("x-amz-checksum-sha256"),
              cirrus::crypto::compute_checksum(cirrus::crypto::checksum_algorithm::sha256, streamed).view());

    // A wrong secret for a known key, and an unknown key.
    const cirrus::auth::credentials wrong{key.access_key_id, "wrong-secret", "", std::nullopt};
    ec = query("sts", "Action=GetCallerIdentity&Version=2011-06-15", wrong, res);
    EXPECT_EQ(ec, http::aws_errc::signature_does_not_match) << ec.message() << " " << res.diag.what();
    EXPECT_EQ(res.diag.service_code, "SignatureDoesNotMatch");
    EXPECT_FALSE(res.diag.request_id.empty()) << res.diag.what();
    EXPECT_EQ(res.diag.what().find("wrong-secret"), std::string::npos);

    const cirrus::auth::credentials unknown{"AKIAUNKNOWNKEY000000", "secret", "", std::nullopt};
    ec = query("sts", "Action=GetCallerIdentity&Version=2011-06-15", unknown, res);
    EXPECT_EQ(ec, http::aws_errc::invalid_access_key_id) << ec.message() << " " << res.diag.what();
    EXPECT_EQ(res.diag.service_code, "InvalidClientTokenId");

    ec = send(ioc_, client_, {.endpoint = ep_, .path = object_path,
                              .signing = {.credentials = &wrong, .region = "us-east-1", .service = "s3",
                                          .rules = cirrus::auth::sigv4::uri_rules::s3,
                                          .content_sha256_header = true}},
              res);
    EXPECT_EQ(ec, http::aws_errc::signature_does_not_match) << ec.message() << " " << res.diag.what();

    moto_api("/moto-api/reset-auth", "inf");
    expect_no_leaks(client_);
}
