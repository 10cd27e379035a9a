// Transfers against versitygw: upload_file round trips (single put and multipart, at and
// around part boundaries, a larger generated object) compared byte for byte and by
// checksum, resume from an upload id, and no multipart upload left behind on failure.
// The suite TransferEach runs its tests on Garage too, in the extended run (skipped when
// Garage does not answer, required with CIRRUS_REQUIRE_GARAGE=1: `scripts/test.sh
// --extended`).

#include "support/http_sync.hpp"
#include "support/s3_backends.hpp"
#include "support/services.hpp"
#include "support/temp_dir.hpp"
#include "support/toxiproxy.hpp"

#include <cirrus/core/ascii.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/crc32c.hpp>
#include <cirrus/crypto/crc64nvme.hpp>
#include <cirrus/provider/all.hpp>
#include <cirrus/s3/client.hpp>
#include <cirrus/transfer/csv.hpp>
#include <cirrus/transfer/directory.hpp>
#include <cirrus/transfer/download.hpp>
#include <cirrus/transfer/upload.hpp>
#include <cirrus/transfer/upload_stream.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
namespace transfer = cirrus::transfer;
using cirrus::error_code;
using asio::as_tuple;
using asio::use_awaitable;

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
    for (std::size_t i = 0; i + 4 <= n; i += 4) {
        std::uint32_t v = rng();
        std::memcpy(s.data() + i, &v, 4);
    }
    for (std::size_t i = n & ~std::size_t(3); i < n; ++i) s[i] = static_cast<char>(rng());
    return s;
}

std::uint32_t crc(const std::string& s) {
    return cirrus::crypto::crc32c(std::string_view(s));
}

template <class F>
auto run(asio::io_context& ioc, F f) {
    auto fut = asio::co_spawn(ioc, std::move(f), asio::use_future);
    ioc.restart();
    ioc.run();
    return fut.get();
}

template <class Backend>
class TransferOn : public ::testing::Test {
protected:
    using client_type = s3::client<typename Backend::provider>;

    void SetUp() override {
        bool required = false;
        if (auto why = cirrus::test::backend_absent<Backend>(required); !why.empty()) {
            if (required) FAIL() << why;
            GTEST_SKIP() << why;
        }
        client_.emplace(ioc_.get_executor(), Backend::options());
        bucket_ = "xfer-" + random_suffix();
        auto ec = run(ioc_, [this]() -> asio::awaitable<error_code> {
            s3::create_bucket_request r{.bucket = bucket_};
            auto [e, cb] = co_await client_->async_create_bucket(r, as_tuple(use_awaitable));
            (void)cb;
            co_return e;
        });
        ASSERT_FALSE(ec) << ec.message();
    }
    void TearDown() override {
        if (!client_) return; // skipped
        run(ioc_, [this]() -> asio::awaitable<void> {
            s3::delete_bucket_request r{.bucket = bucket_, .empty_first = true};
            auto [e, db] = co_await client_->async_delete_bucket(r, as_tuple(use_awaitable));
            (void)e;
            (void)db;
        });
    }

    std::size_t pending_uploads() {
        return run(ioc_, [this]() -> asio::awaitable<std::size_t> {
            s3::list_multipart_uploads_request r{.bucket = bucket_};
            s3::list_multipart_uploads_result out;
            auto [e] = co_await client_->async_list_multipart_uploads(r, out, as_tuple(use_awaitable));
            EXPECT_FALSE(e) << e.message();
            co_return out.uploads.size();
        });
    }

    std::string get(const std::string& key) {
        return run(ioc_, [this, key]() -> asio::awaitable<std::string> {
            // Into a file: the default in-memory body has a size limit.
            std::string file = dir_.path + "/downloaded";
            s3::get_object_request r{.bucket = bucket_, .key = key};
            r.sink = s3::object_sink::file(file);
            s3::get_object_result out;
            auto [e] = co_await client_->async_get_object(r, out, as_tuple(use_awaitable));
            EXPECT_FALSE(e) << e.message();
            std::ifstream in(file, std::ios::binary);
            std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            co_return body;
        });
    }

    bool exists(const std::string& key) {
        return run(ioc_, [this, key]() -> asio::awaitable<bool> {
            s3::head_object_request r{.bucket = bucket_, .key = key};
            auto [e, h] = co_await client_->async_head_object(r, as_tuple(use_awaitable));
            (void)h;
            EXPECT_TRUE(!e || e == s3::errc::no_such_key) << e.message();
            co_return !e;
        });
    }

    void put(const std::string& key, const std::string& data) {
        auto ec = run(ioc_, [&]() -> asio::awaitable<error_code> {
            s3::put_object_request r{.bucket = bucket_, .key = key, .body = data};
            r.checksum_algorithm = cirrus::crypto::checksum_algorithm::crc64nvme;
            auto [e, pr] = co_await client_->async_put_object(r, as_tuple(use_awaitable));
            (void)pr;
            co_return e;
        });
        ASSERT_FALSE(ec) << ec.message();
    }

    cirrus::result<transfer::download_result> download(const std::string& key, const std::string& path,
                                                       transfer::download_options o = {},
                                                       cirrus::diagnostics* diag_out = nullptr) {
        return run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::download_result>> {
            cirrus::diagnostics diag;
            auto [ec, r] = co_await transfer::async_download_file(
                *client_, {.bucket = bucket_, .key = key, .path = path, .options = o}, diag, as_tuple(use_awaitable));
            if (diag_out) *diag_out = diag;
            if (ec) co_return ec;
            co_return r;
        });
    }

    // Reads `key` as CSV rows into on_row: the error, the result and the diagnostics.
    struct csv_read {
        error_code ec;
        transfer::csv_rows_result result;
        cirrus::diagnostics diag;
    };
    template <class Row>
    csv_read read_csv(const std::string& key, transfer::row_handler<Row> on_row, const transfer::csv_options& csv,
                      const transfer::download_options& o) {
        return run(ioc_, [&]() -> asio::awaitable<csv_read> {
            csv_read out;
            const transfer::csv_rows_request<Row> r{.bucket = bucket_,
                                                    .key = key,
                                                    .on_row = on_row,
                                                    .csv = csv,
                                                    .options = o};
            auto [ec, res] = co_await transfer::async_read_csv_rows(*client_, r, out.diag, as_tuple(use_awaitable));
            out.ec = ec;
            out.result = std::move(res);
            co_return out;
        });
    }

    static std::string read_file(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }

    // Names in the test directory other than the given ones (left-over temporary files).
    std::vector<std::string> stray_files(std::initializer_list<std::string> expected) {
        std::vector<std::string> out;
        for (auto& e : std::filesystem::directory_iterator(dir_.path)) {
            std::string name = e.path().filename().string();
            if (std::find(expected.begin(), expected.end(), name) == expected.end()) out.push_back(name);
        }
        return out;
    }

    cirrus::result<transfer::upload_result> upload(const std::string& key, const std::string& path,
                                                   transfer::upload_options o = {}) {
        return run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::upload_result>> {
            cirrus::diagnostics diag;
            auto [ec, r] = co_await transfer::async_upload_file(
                *client_, {.bucket = bucket_, .key = key, .path = path, .options = o}, diag, as_tuple(use_awaitable));
            if (ec) co_return ec;
            co_return r;
        });
    }

    // Uploads `size` generated bytes and checks the object matches byte for byte.
    void round_trip(std::size_t size, transfer::upload_options o, std::uint32_t expect_parts) {
        SCOPED_TRACE("size " + std::to_string(size));
        std::string data = random_bytes(size, static_cast<unsigned>(size));
        std::string path = dir_.write("f" + std::to_string(size), data);
        std::string key = "obj/" + std::to_string(size);
        auto r = upload(key, path, o);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->size, size);
        EXPECT_EQ(r->parts, expect_parts);
        EXPECT_FALSE(r->etag.empty());
        if (expect_parts > 1 && o.checksum) {
            EXPECT_TRUE(r->checksum_verified);
        }
        std::string got = get(key);
        ASSERT_EQ(got.size(), data.size());
        EXPECT_EQ(crc(got), crc(data));
        EXPECT_TRUE(got == data);
        EXPECT_EQ(pending_uploads(), 0u);
    }

    // The checksum HeadObject and GetObject (checksum mode) report for `key`, and whether
    // the GET verified it against the bytes received.
    struct stored_checksum {
        std::optional<s3::checksum> head = {};
        std::optional<s3::checksum> get = {};
        bool get_verified = false;
        std::uint64_t size = 0;
    };
    stored_checksum checksum_of(const std::string& key) {
        return run(ioc_, [this, key]() -> asio::awaitable<stored_checksum> {
            stored_checksum out;
            s3::head_object_request hr{.bucket = bucket_, .key = key};
            hr.checksum_mode = true;
            s3::head_object_result h;
            auto [he] = co_await client_->async_head_object(hr, h, as_tuple(use_awaitable));
            EXPECT_FALSE(he) << he.message();
            out.head = std::move(h.checksum);
            std::string const file = dir_.path + "/checked";
            s3::get_object_request gr{.bucket = bucket_, .key = key};
            gr.checksum_mode = true;
            gr.sink = s3::object_sink::file(file);
            s3::get_object_result g;
            auto [ge] = co_await client_->async_get_object(gr, g, as_tuple(use_awaitable));
            EXPECT_FALSE(ge) << ge.message();
            out.get = std::move(g.checksum);
            out.get_verified = g.checksum_verified;
            out.size = g.bytes_received;
            co_return out;
        });
    }

    asio::io_context ioc_;
    std::optional<client_type> client_;
    std::string bucket_;
    cirrus::test::temp_dir dir_{"cirrus-xfer"};
};

// The tests on versitygw alone (they read its store, or its answers).
class Transfer : public TransferOn<backend::versitygw> {};

// The tests on every S3 server: versitygw, and Garage in the extended run.
template <class Backend>
class TransferEach : public TransferOn<Backend> {};
using transfer_backends = ::testing::Types<backend::versitygw, backend::garage>;
TYPED_TEST_SUITE(TransferEach, transfer_backends);

constexpr std::size_t mib = 1u << 20;

transfer::upload_options multipart_5mib() {
    transfer::upload_options o;
    o.parts.part_size = 5 * mib;
    return o;
}

transfer::upload_options full_object_crc64nvme() {
    transfer::upload_options o = multipart_5mib();
    o.checksum = cirrus::crypto::checksum_algorithm::crc64nvme;
    o.full_object_checksum = true;
    return o;
}

// The UCI Adult data as its file has it (", " between fields, no header line, so the
// fields go to the members by position), each column as text, and typed (the file holds a
// few stray letters in numeric columns: the first is line 49's capital_gain, "A"); the
// typed row is described only so that an error names the member.
struct adult_text {
    std::string age, workclass, fnlwgt, education, education_num, marital_status, occupation, relationship, race, sex,
        capital_gain, capital_loss, hours_per_week, native_country, income;
};
struct adult_typed {
    std::int32_t age = 0;
    std::string workclass;
    std::int64_t fnlwgt = 0;
    std::string education;
    std::int32_t education_num = 0;
    std::string marital_status, occupation, relationship, race, sex;
    std::int64_t capital_gain = 0, capital_loss = 0;
    std::int32_t hours_per_week = 0;
    std::string native_country, income;
};
BOOST_DESCRIBE_STRUCT(adult_typed, (),
                      (age, workclass, fnlwgt, education, education_num, marital_status, occupation, relationship, race,
                       sex, capital_gain, capital_loss, hours_per_week, native_country, income))

struct scored {
    std::int64_t id = 0;
    std::string name;
    std::optional<double> score;
};
BOOST_DESCRIBE_STRUCT(scored, (), (id, name, score))

// The number the digits of `text` make, anything else skipped ("39" of " 39").
std::uint64_t digits_of(std::string_view text) {
    std::uint64_t n = 0;
    for (char c : text) n = c >= '0' && c <= '9' ? n * 10 + static_cast<std::uint64_t>(c - '0') : n;
    return n;
}

// The CRC64NVME header value of `data`, computed over it in one piece.
std::string crc64nvme_of(const std::string& data) {
    return cirrus::crypto::checksum_value::from_crc64(cirrus::crypto::crc64nvme(std::string_view(data))).str();
}

} // namespace

TYPED_TEST(TransferEach, UploadSinglePutZeroAndOneByte) {
    this->round_trip(0, {}, 1);
    this->round_trip(1, {}, 1);
}

TYPED_TEST(TransferEach, UploadExactlyOnePart) { this->round_trip(5 * mib, multipart_5mib(), 1); }

TYPED_TEST(TransferEach, UploadPartBoundaries) {
    this->round_trip(10 * mib - 1, multipart_5mib(), 2);
    this->round_trip(10 * mib, multipart_5mib(), 2);
    this->round_trip(10 * mib + 1, multipart_5mib(), 3);
}

TYPED_TEST(TransferEach, UploadLargeObjectParallel) {
    transfer::upload_options o;
    o.concurrency = 4;
    // A long interval: only the final report comes.
    std::vector<transfer::progress> reports;
    auto on_progress = [&](const transfer::progress& p) { reports.push_back(p); };
    o.on_progress = on_progress;
    o.progress_interval = std::chrono::hours(1);
    this->round_trip(64 * mib + 12345, o, 9); // 8 MiB parts
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_TRUE(reports[0].finished);
    EXPECT_EQ(reports[0].bytes_done, 64 * mib + 12345);
}

TEST_F(Transfer, UploadWithoutChecksumAndHeaderChecksum) {
    auto o = multipart_5mib();
    o.checksum.reset();
    round_trip(6 * mib, o, 2);
    auto h = multipart_5mib();
    h.checksum_at = s3::checksum_location::header;
    round_trip(7 * mib, h, 2);
}

// Over plain HTTP the parts go as signed aws-chunked chunks with the CRC32C in a header
// (each part read twice); with payload = unsigned_payload as plain chunks with the checksum
// in an unsigned trailer (read once), and the server checks the trailer.
TEST_F(Transfer, UploadWithUnsignedPayloadSendsAnUnsignedTrailer) {
    std::vector<std::string> sent; // x-amz-content-sha256 of each PUT attempt
    cirrus::test::s3_service svc;
    s3::client_options co{.region = svc.region,
                          .endpoint = svc.endpoint,
                          .credentials = cirrus::auth::any_credentials_provider(
                              cirrus::auth::static_provider(svc.access_key, svc.secret_key))};
    co.http.observe_headers = true;
    co.http.on_event = [&sent](const cirrus::http::request_event& ev) {
        if (ev.phase != cirrus::http::event_phase::attempt || ev.method != cirrus::http::verb::put) return;
        for (const auto& h : ev.headers)
            if (cirrus::ascii::iequals(h.name, "x-amz-content-sha256")) sent.emplace_back(h.value);
    };
    client_.emplace(ioc_.get_executor(), co);

    round_trip(10 * mib + 1, multipart_5mib(), 3);
    ASSERT_EQ(sent.size(), 3u);
    for (const auto& v : sent) EXPECT_EQ(v, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

    sent.clear();
    auto o = multipart_5mib();
    o.payload = cirrus::http::payload_signing::unsigned_payload;
    round_trip(10 * mib + 2, o, 3);
    ASSERT_EQ(sent.size(), 3u);
    // The two 5 MiB parts with a trailer; the last part, 2 bytes, with its checksum in a
    // header (the parts go out in any order).
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER"), 2);
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "UNSIGNED-PAYLOAD"), 1);

    // A single PUT too, when it is over 1 MiB; a smaller file goes as a plain body with
    // the checksum in a header.
    sent.clear();
    round_trip(2 * mib + 3, o, 1);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    sent.clear();
    round_trip(1000, o, 1);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], "UNSIGNED-PAYLOAD");
}

// full_object_checksum: the parts carry CRC64NVME, the object's CRC64NVME over its whole
// content is combined from theirs, sent on CompleteMultipartUpload and compared with the
// server's answer; HeadObject and GetObject then report that FULL_OBJECT CRC64NVME, the
// one computed here over the file in one piece. 3 parts and a tail at the boundary of the
// fourth part, -1, exact and +1.
TYPED_TEST(TransferEach, UploadFullObjectCrc64nvme) {
    for (std::size_t size : {20 * mib - 1, 20 * mib, 15 * mib + 1, 15 * mib + 12345}) {
        SCOPED_TRACE("size " + std::to_string(size));
        std::string const data = random_bytes(size, static_cast<unsigned>(size + 64));
        std::string const path = this->dir_.write("full" + std::to_string(size), data);
        std::string const key = "full/" + std::to_string(size);
        std::string const expected = crc64nvme_of(data);
        auto r = this->upload(key, path, full_object_crc64nvme());
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->parts, 4u);
        ASSERT_TRUE(r->checksum);
        EXPECT_EQ(r->checksum->algorithm, cirrus::crypto::checksum_algorithm::crc64nvme);
        EXPECT_EQ(r->checksum->value, expected);
        EXPECT_EQ(r->checksum->type, "FULL_OBJECT");
        EXPECT_TRUE(r->checksum_verified);

        typename TestFixture::stored_checksum const stored = this->checksum_of(key);
        ASSERT_TRUE(stored.head);
        EXPECT_EQ(stored.head->algorithm, cirrus::crypto::checksum_algorithm::crc64nvme);
        EXPECT_EQ(stored.head->value, expected);
        EXPECT_EQ(stored.head->type, "FULL_OBJECT");
        ASSERT_TRUE(stored.get);
        EXPECT_EQ(stored.get->value, expected);
        EXPECT_TRUE(stored.get_verified); // the GET's bytes hashed against it
        EXPECT_EQ(stored.size, size);
    }
    // Without the option, CRC32C parts make a COMPOSITE checksum.
    std::string const data = random_bytes(10 * mib + 1, 3);
    auto r = this->upload("composite", this->dir_.write("composite", data), multipart_5mib());
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_TRUE(r->checksum);
    EXPECT_NE(r->checksum->value.find("-3"), std::string::npos) << r->checksum->value;
    EXPECT_TRUE(r->checksum_verified);
    EXPECT_EQ(this->pending_uploads(), 0u);
}

// The S3 requests underneath: CreateMultipartUpload with x-amz-checksum-type FULL_OBJECT
// (the server answers the type), and a CompleteMultipartUpload whose x-amz-checksum-crc64nvme
// is not the object's is refused (BadDigest) and leaves the upload in place.
TEST_F(Transfer, CompleteMultipartUploadChecksFullObjectChecksum) {
    std::string const data = random_bytes(5 * mib + 7, 5);
    using cirrus::crypto::checksum_algorithm;
    auto ec = run(ioc_, [&]() -> asio::awaitable<error_code> {
        s3::create_multipart_upload_request cr{.bucket = bucket_, .key = "full"};
        cr.checksum_algorithm = checksum_algorithm::crc64nvme;
        cr.checksum_type = s3::checksum_type::full_object;
        s3::create_multipart_upload_result cres;
        auto [e] = co_await client_->async_create_multipart_upload(cr, cres, as_tuple(use_awaitable));
        if (e) co_return e;
        EXPECT_EQ(cres.checksum_algorithm, checksum_algorithm::crc64nvme);
        EXPECT_EQ(cres.checksum_type, s3::checksum_type::full_object);
        std::vector<s3::completed_part> parts;
        for (int n = 1; n <= 2; ++n) {
            s3::upload_part_request ur{.bucket = bucket_, .key = "full", .upload_id = cres.upload_id};
            ur.part_number = n;
            ur.body = s3::object_body::memory(n == 1 ? std::string_view(data).substr(0, 5 * mib)
                                                     : std::string_view(data).substr(5 * mib));
            ur.checksum_algorithm = checksum_algorithm::crc64nvme;
            s3::upload_part_result pr;
            auto [pe] = co_await client_->async_upload_part(ur, pr, as_tuple(use_awaitable));
            if (pe) co_return pe;
            parts.push_back({.part_number = n, .etag = pr.etag, .checksum = pr.checksum});
        }
        std::string const good = crc64nvme_of(data);
        std::string const wrong = crc64nvme_of(data + "x");
        s3::complete_multipart_upload_request cm{.bucket = bucket_, .key = "full", .upload_id = cres.upload_id};
        cm.parts = parts;
        cm.checksum_algorithm = checksum_algorithm::crc64nvme;
        cm.checksum_type = s3::checksum_type::full_object;
        cm.checksum_value = wrong;
        s3::complete_multipart_upload_result done;
        cirrus::diagnostics diag;
        auto [we] = co_await client_->async_complete_multipart_upload(cm, done, diag, as_tuple(use_awaitable));
        EXPECT_EQ(we, s3::errc::bad_digest) << we.message() << " / " << diag.what();
        cm.checksum_value = good;
        auto [ge] = co_await client_->async_complete_multipart_upload(cm, done, as_tuple(use_awaitable));
        if (ge) co_return ge;
        EXPECT_TRUE(done.checksum);
        if (done.checksum) {
            EXPECT_EQ(done.checksum->value, good);
            EXPECT_EQ(done.checksum->type, "FULL_OBJECT");
        }
        co_return error_code{};
    });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(get("full") == data);
    EXPECT_EQ(pending_uploads(), 0u);
}

// A full-object checksum needs a CRC: SHA-256 (or no checksum) is refused before any
// request, leaving nothing behind.
TEST_F(Transfer, UploadFullObjectChecksumNeedsACrc) {
    std::string const path = dir_.write("sha", random_bytes(10 * mib + 1, 9));
    for (bool none : {false, true}) {
        auto o = full_object_crc64nvme();
        if (none) o.checksum.reset();
        else o.checksum = cirrus::crypto::checksum_algorithm::sha256;
        auto r = upload("sha", path, o);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), cirrus::errc::invalid_argument) << r.error().message();
    }
    EXPECT_EQ(pending_uploads(), 0u);
    EXPECT_FALSE(exists("sha"));
}

// A resumed full-object upload combines the CRC64NVME that ListParts reports for the
// part already there with those of the parts it sends.
TEST_F(Transfer, UploadFullObjectResumesFromUploadId) {
    std::string const data = random_bytes(12 * mib, 17);
    std::string const path = dir_.write("resume-full", data);
    using cirrus::crypto::checksum_algorithm;
    std::string const upload_id = run(ioc_, [&]() -> asio::awaitable<std::string> {
        s3::create_multipart_upload_request cr{.bucket = bucket_, .key = "resumed-full"};
        cr.checksum_algorithm = checksum_algorithm::crc64nvme;
        cr.checksum_type = s3::checksum_type::full_object;
        s3::create_multipart_upload_result cres;
        auto [e] = co_await client_->async_create_multipart_upload(cr, cres, as_tuple(use_awaitable));
        EXPECT_FALSE(e) << e.message();
        s3::upload_part_request ur{.bucket = bucket_, .key = "resumed-full", .upload_id = cres.upload_id};
        ur.part_number = 2;
        ur.body = s3::object_body::memory(std::string_view(data).substr(5 * mib, 5 * mib));
        ur.checksum_algorithm = checksum_algorithm::crc64nvme;
        s3::upload_part_result pr;
        auto [e2] = co_await client_->async_upload_part(ur, pr, as_tuple(use_awaitable));
        EXPECT_FALSE(e2) << e2.message();
        co_return cres.upload_id;
    });
    ASSERT_FALSE(upload_id.empty());
    auto o = full_object_crc64nvme();
    o.resume_upload_id = upload_id;
    auto r = upload("resumed-full", path, o);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->parts_resumed, 1u);
    ASSERT_TRUE(r->checksum);
    EXPECT_EQ(r->checksum->value, crc64nvme_of(data));
    EXPECT_TRUE(r->checksum_verified);
    EXPECT_TRUE(get("resumed-full") == data);
    EXPECT_EQ(pending_uploads(), 0u);
}

TYPED_TEST(TransferEach, UploadResumesFromUploadId) {
    std::string data = random_bytes(12 * mib, 7);
    std::string path = this->dir_.write("resume", data);
    // An earlier run that sent part 2 only.
    std::string upload_id = run(this->ioc_, [&]() -> asio::awaitable<std::string> {
        s3::create_multipart_upload_request cr{.bucket = this->bucket_, .key = "resumed"};
        cr.checksum_algorithm = cirrus::crypto::checksum_algorithm::crc32c;
        s3::create_multipart_upload_result cres;
        auto [e] = co_await this->client_->async_create_multipart_upload(cr, cres, as_tuple(use_awaitable));
        EXPECT_FALSE(e) << e.message();
        s3::upload_part_request ur{.bucket = this->bucket_, .key = "resumed", .upload_id = cres.upload_id};
        ur.part_number = 2;
        ur.body = s3::object_body::memory(std::string_view(data).substr(5 * mib, 5 * mib));
        ur.checksum_algorithm = cirrus::crypto::checksum_algorithm::crc32c;
        s3::upload_part_result pr;
        auto [e2] = co_await this->client_->async_upload_part(ur, pr, as_tuple(use_awaitable));
        EXPECT_FALSE(e2) << e2.message();
        co_return cres.upload_id;
    });
    ASSERT_FALSE(upload_id.empty());
    auto o = multipart_5mib();
    o.resume_upload_id = upload_id;
    auto r = this->upload("resumed", path, o);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->parts, 3u);
    EXPECT_EQ(r->parts_resumed, 1u);
    EXPECT_EQ(r->upload_id, upload_id);
    EXPECT_TRUE(this->get("resumed") == data);
    EXPECT_EQ(this->pending_uploads(), 0u);
}

TYPED_TEST(TransferEach, UploadFailureAbortsLeavingNothing) {
    // Resuming an upload id the server does not know fails, and the missing file fails
    // before any request; neither leaves an upload behind.
    std::string path = this->dir_.write("abort", random_bytes(11 * mib, 3));
    auto o = multipart_5mib();
    o.resume_upload_id = "no-such-upload-id";
    auto r = this->upload("aborted", path, o);
    EXPECT_FALSE(r);
    EXPECT_EQ(this->pending_uploads(), 0u);
    auto missing = this->upload("missing", this->dir_.path + "/does-not-exist");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(this->pending_uploads(), 0u);
}

TEST_F(Transfer, UploadAsyncShape) {
    // The same overload set as the clients: default token (throws error_with_diagnostics),
    // a callback, use_future, and the transfer error category.
    std::string data = random_bytes(1000, 11);
    std::string path = dir_.write("shape", data);
    run(ioc_, [&]() -> asio::awaitable<void> {
        auto r = co_await transfer::async_upload_file(*client_, {.bucket = bucket_, .key = "shape/1", .path = path});
        EXPECT_EQ(r.size, 1000u);
        std::string missing = dir_.path + "/missing";
        try {
            co_await transfer::async_upload_file(*client_, {.bucket = bucket_, .key = "shape/2", .path = missing});
            ADD_FAILURE() << "no exception";
        } catch (const cirrus::error_with_diagnostics& e) {
            EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
            EXPECT_NE(e.get_diagnostics().message.find("missing"), std::string::npos);
        }
    });
    error_code got_ec;
    std::uint64_t got_size = 0;
    cirrus::diagnostics diag;
    transfer::async_upload_file(*client_, {.bucket = bucket_, .key = "shape/3", .path = dir_.path}, diag,
                                [&](error_code ec, transfer::upload_result r) {
                                    got_ec = ec;
                                    got_size = r.size;
                                });
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(got_ec, transfer::errc::not_a_regular_file);
    EXPECT_EQ(got_ec.category().name(), std::string("cirrus.transfer"));
    EXPECT_FALSE(diag.message.empty());
    auto fut = transfer::async_upload_file(*client_, {.bucket = bucket_, .key = "shape/4", .path = path},
                                           asio::use_future);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(fut.get().size, 1000u);
    EXPECT_TRUE(get("shape/4") == data);
}

TYPED_TEST(TransferEach, UploadCancelledAbortsPromptly) {
    // A terminal cancellation on the token's slot while parts are in flight: the upload
    // stops within a fraction of its run time, completes with operation_aborted, and the
    // multipart upload is aborted (ListMultipartUploads empty, no object).
    std::string path = this->dir_.write("cancel", random_bytes(48 * mib, 5));
    asio::cancellation_signal signal;
    error_code result_ec;
    bool completed = false;
    auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point cancelled_at, completed_at;
    transfer::upload_options o = multipart_5mib();
    o.concurrency = 2;
    transfer::async_upload_file(*this->client_,
                                {.bucket = this->bucket_, .key = "cancelled", .path = path, .options = o},
                                asio::bind_cancellation_slot(signal.slot(),
                                                             [&](error_code ec, transfer::upload_result) {
                                                                 result_ec = ec;
                                                                 completed = true;
                                                                 completed_at = std::chrono::steady_clock::now();
                                                             }));
    // Cancel once the multipart upload exists and parts are going out.
    asio::co_spawn(
        this->ioc_,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer t(this->ioc_);
            for (int i = 0; i < 200 && !completed; ++i) {
                s3::list_multipart_uploads_request lr{.bucket = this->bucket_};
                s3::list_multipart_uploads_result lo;
                auto [e] = co_await this->client_->async_list_multipart_uploads(lr, lo, as_tuple(use_awaitable));
                if (!e && !lo.uploads.empty()) break;
                t.expires_after(std::chrono::milliseconds(5));
                co_await t.async_wait(use_awaitable);
            }
            t.expires_after(std::chrono::milliseconds(50));
            co_await t.async_wait(use_awaitable);
            cancelled_at = std::chrono::steady_clock::now();
            signal.emit(asio::cancellation_type::terminal);
        },
        asio::detached);
    this->ioc_.restart();
    this->ioc_.run();
    ASSERT_TRUE(completed);
    EXPECT_EQ(result_ec, asio::error::operation_aborted) << result_ec.message();
    auto const stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(completed_at - cancelled_at).count();
    auto const ran_ms = std::chrono::duration_cast<std::chrono::milliseconds>(cancelled_at - started).count();
    EXPECT_LT(stop_ms, 1000) << "ran " << ran_ms << " ms before the cancellation";
    EXPECT_EQ(this->pending_uploads(), 0u);
    auto missing = run(this->ioc_, [&]() -> asio::awaitable<error_code> {
        s3::head_object_request hr{.bucket = this->bucket_, .key = "cancelled"};
        auto [e, info] = co_await this->client_->async_head_object(hr, as_tuple(use_awaitable));
        (void)info;
        co_return e;
    });
    EXPECT_TRUE(s3::is_not_found(missing)) << missing.message();
}

TYPED_TEST(TransferEach, DownloadFileAroundRangeBoundaries) {
    // 1 MiB ranges, 3 in flight; single GETs up to 1 MiB. Objects written with a
    // full-object CRC64NVME, so every download is checked against it.
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = mib;
    o.concurrency = 3;
    for (std::size_t size : {std::size_t(0), std::size_t(1), mib, mib + 1, 3 * mib - 1, 3 * mib, 3 * mib + 1}) {
        SCOPED_TRACE("size " + std::to_string(size));
        std::string data = random_bytes(size, static_cast<unsigned>(size) + 1);
        std::string key = "dl/" + std::to_string(size);
        this->put(key, data);
        std::string target = this->dir_.path + "/target";
        auto r = this->download(key, target, o);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->size, size);
        EXPECT_EQ(r->requests, size <= mib ? 1u : (size + mib - 1) / mib);
        EXPECT_TRUE(r->checksum_verified);
        std::string got = this->read_file(target);
        ASSERT_EQ(got.size(), size);
        EXPECT_TRUE(got == data);
        EXPECT_TRUE(this->stray_files({"target"}).empty());
    }
}

TYPED_TEST(TransferEach, DownloadLargeMultipartObject) {
    // 64 MiB + 4321 B uploaded in parts (COMPOSITE checksum), downloaded in 8 MiB ranges,
    // 8 in flight, replacing a file that was there.
    std::string data = random_bytes(64 * mib + 4321, 21);
    std::string src = this->dir_.write("src", data);
    ASSERT_TRUE(this->upload("big", src));
    std::string target = this->dir_.write("target", "old contents");
    // Progress: monotonic, throttled, ending with one finished report of the whole size.
    std::vector<transfer::progress> reports;
    auto on_progress = [&](const transfer::progress& p) { reports.push_back(p); };
    transfer::download_options o;
    o.on_progress = on_progress;
    o.progress_interval = std::chrono::milliseconds(0);
    auto r = this->download("big", target, o);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_GE(reports.size(), 2u);
    for (std::size_t i = 1; i < reports.size(); ++i) EXPECT_GE(reports[i].bytes_done, reports[i - 1].bytes_done);
    EXPECT_TRUE(reports.back().finished);
    EXPECT_EQ(reports.back().bytes_done, data.size());
    EXPECT_EQ(reports.back().bytes_total, data.size());
    EXPECT_GT(reports.back().bytes_per_second, 0.0);
    EXPECT_FALSE(reports.front().finished);
    EXPECT_EQ(r->size, data.size());
    EXPECT_EQ(r->requests, 9u);
    // The COMPOSITE CRC32C of the upload, checked over the parts' boundaries.
    ASSERT_TRUE(r->checksum);
    EXPECT_NE(r->checksum->value.find('-'), std::string::npos) << r->checksum->value;
    EXPECT_TRUE(r->checksum_verified);
    std::string got = this->read_file(target);
    ASSERT_EQ(got.size(), data.size());
    EXPECT_EQ(crc(got), crc(data));
    EXPECT_TRUE(got == data);
    EXPECT_TRUE(this->stray_files({"src", "target"}).empty());
}

namespace {
// Writes `size` generated bytes to `path` a chunk at a time (never the whole in memory)
// and returns their CRC64NVME.
std::uint64_t write_generated(const std::string& path, std::uint64_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::vector<std::uint64_t> chunk(mib / 8);
    std::uint64_t x = 0x9e3779b97f4a7c15ull, crc = 0;
    for (std::uint64_t done = 0; done < size;) {
        for (auto& w : chunk) { // xorshift64
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(mib, size - done));
        auto const* bytes = reinterpret_cast<const char*>(chunk.data());
        out.write(bytes, static_cast<std::streamsize>(n));
        crc = cirrus::crypto::crc64nvme(std::string_view(bytes, n), crc);
        done += n;
    }
    return out ? crc : 0;
}

std::uint64_t crc64nvme_of_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chunk(mib);
    std::uint64_t crc = 0;
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
        crc = cirrus::crypto::crc64nvme(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())), crc);
    return crc;
}
} // namespace

// 1 GiB, generated: uploaded at default settings with a FULL_OBJECT CRC64NVME, which the
// server and the client agree on, then downloaded in ranges at default settings and
// checked against the CRC of the bytes generated.
TYPED_TEST(TransferEach, OneGibRoundTripKeepsTheChecksum) {
    std::uint64_t const size = 1ull << 30;
    std::string const src = this->dir_.path + "/gib";
    std::uint64_t const crc = write_generated(src, size);
    ASSERT_NE(crc, 0u);
    std::string const expected = cirrus::crypto::checksum_value::from_crc64(crc).str();
    transfer::upload_options o;
    o.checksum = cirrus::crypto::checksum_algorithm::crc64nvme;
    o.full_object_checksum = true;
    auto up = this->upload("gib", src, o);
    ASSERT_TRUE(up) << up.error().message();
    EXPECT_EQ(up->size, size);
    EXPECT_GT(up->parts, 1u);
    ASSERT_TRUE(up->checksum);
    EXPECT_EQ(up->checksum->value, expected);
    EXPECT_TRUE(up->checksum_verified);
    EXPECT_EQ(this->pending_uploads(), 0u);
    std::filesystem::remove(src);

    std::string const back = this->dir_.path + "/gib-back";
    auto down = this->download("gib", back);
    ASSERT_TRUE(down) << down.error().message();
    EXPECT_EQ(down->size, size);
    ASSERT_TRUE(down->checksum);
    EXPECT_EQ(down->checksum->value, expected);
    EXPECT_TRUE(down->checksum_verified);
    EXPECT_EQ(std::filesystem::file_size(back), size);
    EXPECT_EQ(crc64nvme_of_file(back), crc);
    EXPECT_TRUE(this->stray_files({"gib-back"}).empty());
}

// The server's copy is changed on its disk after the upload (versitygw's posix store keeps
// the object's bytes in a plain file and its checksum beside them), so the server sends
// bytes that do not match the checksum it reports: a FULL_OBJECT CRC64NVME (checked from
// the ranges' CRCs as they arrive) and a COMPOSITE CRC32C whose parts are the ranges
// (likewise), and one whose parts are not (read back). Each download is refused and
// leaves no file; the same downloads before the change are verified.
TEST_F(Transfer, DownloadRefusesBytesThatDoNotMatchTheChecksum) {
    std::string const data = random_bytes(20 * mib + 123, 91);
    std::string const src = dir_.write("src", data);
    transfer::upload_options composite = multipart_5mib();
    composite.checksum = cirrus::crypto::checksum_algorithm::crc32c;
    ASSERT_TRUE(upload("bad/full", src, full_object_crc64nvme()));
    ASSERT_TRUE(upload("bad/composite", src, composite));
    transfer::download_options parts_as_ranges;
    parts_as_ranges.part_size = 5 * mib;
    parts_as_ranges.single_get_threshold = mib;
    transfer::download_options other_ranges = parts_as_ranges;
    other_ranges.part_size = 3 * mib;
    struct attempt {
        const char* key;
        const transfer::download_options* options;
    };
    attempt const attempts[] = {{"bad/full", &parts_as_ranges},
                                {"bad/full", &other_ranges},
                                {"bad/composite", &parts_as_ranges},
                                {"bad/composite", &other_ranges}};
    for (auto [key, options] : attempts) {
        auto good = download(key, dir_.path + "/good", *options);
        ASSERT_TRUE(good) << key << ": " << good.error().message();
        EXPECT_TRUE(good->checksum_verified) << key;
        EXPECT_TRUE(read_file(dir_.path + "/good") == data) << key;
        std::filesystem::remove(dir_.path + "/good");
    }

    // Flip one byte of each stored object, in its fourth 5 MiB part.
    std::string const store = cirrus::test::env_or("CIRRUS_RUN_DIR", "/tmp/cirrus-run") + "/versitygw/data/" + bucket_ +
                              "/";
    for (const char* key : {"bad/full", "bad/composite"}) {
        int const fd = ::open((store + key).c_str(), O_WRONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0) << store + key << ": " << std::strerror(errno);
        char const flipped = static_cast<char>(data[16 * mib + 7] ^ 0x20);
        EXPECT_EQ(::pwrite(fd, &flipped, 1, static_cast<off_t>(16 * mib + 7)), 1);
        ::close(fd);
    }
    for (auto [key, options] : attempts) {
        cirrus::diagnostics diag;
        auto bad = download(key, dir_.path + "/bad", *options, &diag);
        ASSERT_FALSE(bad) << key << " part size " << options->part_size;
        EXPECT_EQ(bad.error(), cirrus::errc::checksum_mismatch) << key << ": " << bad.error().message();
        EXPECT_NE(diag.message.find("does not match"), std::string::npos) << diag.message;
        EXPECT_TRUE(stray_files({"src"}).empty()) << key;
    }
}

// A COMPOSITE checksum of parts of 6, 5 and 3 MiB (not all of the first part's size):
// download_file asks for the parts' sizes and checks it; download_to, whose data is gone
// when that turns out, leaves it unverified and does not fail. An object under the
// single-GET threshold with a COMPOSITE checksum is checked too.
TEST_F(Transfer, DownloadChecksCompositeChecksumsOverThePartBoundaries) {
    std::string const data = random_bytes(14 * mib, 77);
    using cirrus::crypto::checksum_algorithm;
    auto ec = run(ioc_, [&]() -> asio::awaitable<error_code> {
        s3::create_multipart_upload_request cr{.bucket = bucket_, .key = "uneven"};
        cr.checksum_algorithm = checksum_algorithm::crc32c;
        s3::create_multipart_upload_result cres;
        auto [e] = co_await client_->async_create_multipart_upload(cr, cres, as_tuple(use_awaitable));
        if (e) co_return e;
        std::vector<s3::completed_part> parts;
        std::size_t const bounds[] = {0, 6 * mib, 11 * mib, 14 * mib};
        for (int n = 1; n <= 3; ++n) {
            s3::upload_part_request ur{.bucket = bucket_, .key = "uneven", .upload_id = cres.upload_id};
            ur.part_number = n;
            ur.body = s3::object_body::memory(std::string_view(data).substr(bounds[n - 1], bounds[n] - bounds[n - 1]));
            ur.checksum_algorithm = checksum_algorithm::crc32c;
            s3::upload_part_result pr;
            auto [pe] = co_await client_->async_upload_part(ur, pr, as_tuple(use_awaitable));
            if (pe) co_return pe;
            parts.push_back({.part_number = n, .etag = pr.etag, .checksum = pr.checksum});
        }
        s3::complete_multipart_upload_request cm{.bucket = bucket_, .key = "uneven", .upload_id = cres.upload_id};
        cm.parts = parts;
        s3::complete_multipart_upload_result done;
        auto [ce] = co_await client_->async_complete_multipart_upload(cm, done, as_tuple(use_awaitable));
        co_return ce;
    });
    ASSERT_FALSE(ec) << ec.message();

    transfer::download_options o;
    o.part_size = 4 * mib;
    o.single_get_threshold = mib;
    auto r = download("uneven", dir_.path + "/uneven", o);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_TRUE(r->checksum);
    EXPECT_EQ(r->checksum->value.substr(r->checksum->value.size() - 2), "-3");
    EXPECT_TRUE(r->checksum_verified);
    EXPECT_TRUE(read_file(dir_.path + "/uneven") == data);

    std::string got;
    auto on_data = [&](std::span<const std::uint8_t> d) -> error_code {
        got.append(reinterpret_cast<const char*>(d.data()), d.size());
        return {};
    };
    auto streamed = run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::download_result>> {
        auto [e, res] =
            co_await transfer::async_download_to(*client_,
                                                 {.bucket = bucket_, .key = "uneven", .on_data = on_data, .options = o},
                                                 as_tuple(use_awaitable));
        if (e) co_return e;
        co_return res;
    });
    ASSERT_TRUE(streamed) << streamed.error().message();
    EXPECT_FALSE(streamed->checksum_verified);
    EXPECT_TRUE(got == data);

    // 10 MiB + 1 in 5 MiB parts, under the 16 MiB single-GET threshold.
    std::string const small = random_bytes(10 * mib + 1, 78);
    ASSERT_TRUE(upload("small", dir_.write("small-src", small), multipart_5mib()));
    auto sr = download("small", dir_.path + "/small");
    ASSERT_TRUE(sr) << sr.error().message();
    ASSERT_TRUE(sr->checksum);
    EXPECT_EQ(sr->checksum->value.substr(sr->checksum->value.size() - 2), "-3");
    EXPECT_TRUE(sr->checksum_verified);
    EXPECT_TRUE(read_file(dir_.path + "/small") == small);
    got.clear();
    auto ss = run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::download_result>> {
        auto [e, res] = co_await transfer::async_download_to(*client_,
                                                             {.bucket = bucket_, .key = "small", .on_data = on_data},
                                                             as_tuple(use_awaitable));
        if (e) co_return e;
        co_return res;
    });
    ASSERT_TRUE(ss) << ss.error().message();
    EXPECT_TRUE(ss->checksum_verified);
    EXPECT_TRUE(got == small);
}

TEST_F(Transfer, DownloadFailuresLeaveNothing) {
    // A missing key fails at HEAD; a target directory that does not exist fails creating
    // the temporary file; neither leaves a file behind or touches the target.
    std::string target = dir_.write("target", "keep me");
    auto missing = download("no/such/key", target);
    ASSERT_FALSE(missing);
    EXPECT_TRUE(s3::is_not_found(missing.error())) << missing.error().message();
    EXPECT_EQ(read_file(target), "keep me");
    put("small", random_bytes(3 * mib, 9));
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = mib;
    cirrus::diagnostics diag;
    auto bad_dir = download("small", dir_.path + "/no-dir/target", o, &diag);
    ASSERT_FALSE(bad_dir);
    EXPECT_EQ(bad_dir.error(), std::errc::no_such_file_or_directory);
    EXPECT_NE(diag.message.find("no-dir"), std::string::npos);
    EXPECT_TRUE(stray_files({"target"}).empty());
}

// The temporary file gets the object's whole size before the first GET: an object that
// cannot fit fails at once (here the file-size limit of the process, which fallocate
// obeys as a full disk would) and leaves nothing behind.
TEST_F(Transfer, DownloadThatCannotFitFailsBeforeAnyGet) {
    put("large", random_bytes(3 * mib, 12));
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = 0;
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    rlimit small = old;
    small.rlim_cur = mib;
    auto const old_handler = std::signal(SIGXFSZ, SIG_IGN);
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    cirrus::diagnostics diag;
    auto r = download("large", dir_.path + "/target", o, &diag);
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::file_too_large) << r.error().message();
    EXPECT_NE(diag.message.find("cannot reserve 3145728 bytes"), std::string::npos) << diag.message;
    EXPECT_TRUE(stray_files({}).empty());
    auto again = download("large", dir_.path + "/target", o);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->requests, 3u);
}

TYPED_TEST(TransferEach, DownloadCancelledResumes) {
    // A resumable download cancelled after some ranges keeps the temporary file and its
    // state; the next run fetches only the missing ranges and the result is exact.
    std::string data = random_bytes(12 * mib, 31);
    this->put("resumable", data);
    std::string target = this->dir_.path + "/target";
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = 0;
    o.concurrency = 2;
    o.resumable = true;
    asio::cancellation_signal signal;
    error_code first_ec;
    bool completed = false;
    transfer::async_download_file(*this->client_,
                                  {.bucket = this->bucket_, .key = "resumable", .path = target, .options = o},
                                  asio::bind_cancellation_slot(signal.slot(),
                                                               [&](error_code ec, transfer::download_result) {
                                                                   first_ec = ec;
                                                                   completed = true;
                                                               }));
    std::string state = target + ".cirrus-download.state";
    asio::co_spawn(
        this->ioc_,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer t(this->ioc_);
            // Wait until the state file lists at least two ranges (header + 2 lines).
            for (int i = 0; i < 2000 && !completed; ++i) {
                std::string s = this->read_file(state);
                if (std::count(s.begin(), s.end(), '\n') >= 3) break;
                t.expires_after(std::chrono::milliseconds(1));
                co_await t.async_wait(use_awaitable);
            }
            signal.emit(asio::cancellation_type::terminal);
        },
        asio::detached);
    this->ioc_.restart();
    this->ioc_.run();
    ASSERT_TRUE(completed);
    ASSERT_EQ(first_ec, asio::error::operation_aborted) << first_ec.message();
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_TRUE(std::filesystem::exists(target + ".cirrus-download"));
    auto r = this->download("resumable", target, o);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_GE(r->bytes_resumed, 2 * mib);
    EXPECT_EQ(r->bytes_resumed + r->requests * mib, 12 * mib);
    EXPECT_TRUE(r->checksum_verified);
    EXPECT_TRUE(this->read_file(target) == data);
    EXPECT_TRUE(this->stray_files({"target"}).empty());
}

TYPED_TEST(TransferEach, DownloadToHandlerInOrder) {
    // 10 MiB + 7 B in 1 MiB ranges, 4 in flight: the handler sees the bytes in order, and
    // no more than 4 ranges are ever held; a handler error stops the download.
    std::string data = random_bytes(10 * mib + 7, 41);
    this->put("stream", data);
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = mib;
    o.concurrency = 4;
    std::string got;
    auto on_data = [&](std::span<const std::uint8_t> d) -> error_code {
        got.append(reinterpret_cast<const char*>(d.data()), d.size());
        return {};
    };
    auto r = run(this->ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::download_result>> {
        auto [ec, res] = co_await transfer::async_download_to(*this->client_,
                                                              {.bucket = this->bucket_,
                                                               .key = "stream",
                                                               .on_data = on_data,
                                                               .options = o},
                                                              as_tuple(use_awaitable));
        if (ec) co_return ec;
        co_return res;
    });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->requests, 11u);
    EXPECT_TRUE(r->checksum_verified);
    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);

    std::size_t seen = 0;
    auto refuse = [&](std::span<const std::uint8_t> d) -> error_code {
        seen += d.size();
        return seen > 2 * mib ? error_code(make_error_code(boost::system::errc::no_space_on_device)) : error_code{};
    };
    auto stopped = run(this->ioc_, [&]() -> asio::awaitable<error_code> {
        auto [ec, res] = co_await transfer::async_download_to(*this->client_,
                                                              {.bucket = this->bucket_,
                                                               .key = "stream",
                                                               .on_data = refuse,
                                                               .options = o},
                                                              as_tuple(use_awaitable));
        (void)res;
        co_return ec;
    });
    EXPECT_EQ(stopped, std::errc::no_space_on_device);
    EXPECT_EQ(seen, 3 * mib);
}

TYPED_TEST(TransferEach, DirectoryRoundTripAndSync) {
    // Nested folders, an empty file, unicode names, a multipart file (5 MiB parts), a
    // symlink (skipped) and an excluded file; uploaded, uploaded again (nothing sent),
    // changed, downloaded into another folder and downloaded again (nothing fetched).
    namespace fs = std::filesystem;
    std::string const src = this->dir_.path + "/src";
    fs::create_directories(src + "/a/b");
    fs::create_directories(src + "/\u00fcn\u00efc\u00f8d\u00e9");
    std::map<std::string, std::string> files = {
        {"a/b/c.txt", "hello"},
        {"empty.txt", ""},
        {"\u00fcn\u00efc\u00f8d\u00e9/\u0444\u0430\u0439\u043b.bin", random_bytes(70000, 51)},
        {"a/six.bin", random_bytes(6 * mib, 52)},
        {"top.dat", random_bytes(1234, 53)},
    };
    for (auto& [rel, data] : files) std::ofstream(src + "/" + rel, std::ios::binary) << data;
    std::ofstream(src + "/a/scratch.tmp") << "excluded";
    fs::create_symlink(src + "/a/b/c.txt", src + "/link.txt");

    std::vector<std::string_view> exclude = {"*.tmp"};
    transfer::directory_options o;
    o.exclude = exclude;
    o.concurrency = 3;
    o.upload.parts.part_size = 5 * mib;
    auto up = [&]() {
        return run(this->ioc_, [&]() -> asio::awaitable<transfer::directory_result> {
            co_return co_await transfer::async_upload_directory(*this->client_, {.bucket = this->bucket_,
                                                                                 .prefix = "tree/",
                                                                                 .directory = src,
                                                                                 .options = o});
        });
    };
    auto first = up();
    EXPECT_TRUE(first.failed.empty()) << first.failed[0].path << ": " << first.failed[0].message;
    EXPECT_EQ(first.transferred, 5u);
    EXPECT_EQ(first.skipped, 1u); // the symlink
    EXPECT_EQ(first.bytes_transferred, 5u + 70000u + 6 * mib + 1234u);
    EXPECT_TRUE(this->get("tree/a/six.bin") == files["a/six.bin"]);

    auto second = up();
    EXPECT_TRUE(second.failed.empty());
    EXPECT_EQ(second.transferred, 0u);
    EXPECT_EQ(second.skipped, 6u);

    files["top.dat"][0] ^= 1; // same size, other bytes
    std::ofstream(src + "/top.dat", std::ios::binary) << files["top.dat"];
    auto third = up();
    EXPECT_EQ(third.transferred, 1u);
    EXPECT_EQ(third.skipped, 5u);

    std::string const dst = this->dir_.path + "/dst";
    auto down = [&]() {
        return run(this->ioc_, [&]() -> asio::awaitable<transfer::directory_result> {
            co_return co_await transfer::async_download_prefix(*this->client_, {.bucket = this->bucket_,
                                                                                .prefix = "tree/",
                                                                                .directory = dst,
                                                                                .options = o});
        });
    };
    auto d1 = down();
    EXPECT_TRUE(d1.failed.empty()) << d1.failed[0].key << ": " << d1.failed[0].message;
    EXPECT_EQ(d1.transferred, 5u);
    for (auto& [rel, data] : files) EXPECT_TRUE(this->read_file(dst + "/" + rel) == data) << rel;
    EXPECT_FALSE(fs::exists(dst + "/link.txt"));
    EXPECT_FALSE(fs::exists(dst + "/a/scratch.tmp"));
    auto d2 = down();
    EXPECT_EQ(d2.transferred, 0u);
    EXPECT_EQ(d2.skipped, 5u);
    ASSERT_EQ(first.skipped_links.size(), 1u);
    EXPECT_EQ(first.skipped_links[0], "link.txt");

    // delete_missing: a file removed from the source is deleted from the bucket; objects
    // the globs exclude, or named like a skipped link, stay.
    this->put("tree/kept.tmp", "excluded by *.tmp");
    this->put("tree/link.txt", "named like the skipped link");
    fs::remove(src + "/a/b/c.txt");
    files.erase("a/b/c.txt");
    o.delete_missing = true;
    auto fourth = up();
    EXPECT_TRUE(fourth.failed.empty()) << fourth.failed[0].key << ": " << fourth.failed[0].message;
    EXPECT_EQ(fourth.deleted, 1u);
    EXPECT_EQ(fourth.transferred, 0u);
    EXPECT_FALSE(this->exists("tree/a/b/c.txt"));
    EXPECT_TRUE(this->exists("tree/kept.tmp"));
    EXPECT_TRUE(this->exists("tree/link.txt"));

    // ... and the download removes the file with no object (but not an excluded one).
    std::ofstream(dst + "/extra.bin") << "no object";
    std::ofstream(dst + "/local.tmp") << "excluded";
    o.exclude = exclude;
    auto d3 = down();
    EXPECT_TRUE(d3.failed.empty()) << d3.failed[0].path << ": " << d3.failed[0].message;
    EXPECT_EQ(d3.transferred, 1u); // link.txt, an ordinary object to the this->download
    EXPECT_EQ(d3.deleted, 2u);     // extra.bin, a/b/c.txt
    EXPECT_FALSE(fs::exists(dst + "/extra.bin"));
    EXPECT_FALSE(fs::exists(dst + "/a/b/c.txt"));
    EXPECT_TRUE(fs::exists(dst + "/local.tmp"));
    auto d4 = down();
    EXPECT_EQ(d4.transferred + d4.deleted, 0u);

    // A prefix that completes a ".." segment is refused before anything is sent.
    auto refused = run(this->ioc_, [&]() -> asio::awaitable<cirrus::error_code> {
        auto [e, r] =
            co_await transfer::async_upload_directory(*this->client_,
                                                      {.bucket = this->bucket_, .prefix = "tree/../", .directory = src},
                                                      as_tuple(use_awaitable));
        (void)r;
        co_return e;
    });
    EXPECT_EQ(refused, transfer::errc::unsafe_key);
    EXPECT_FALSE(transfer::detail::prefix_has_dot_segment("a/..b"));
    EXPECT_TRUE(transfer::detail::prefix_has_dot_segment("./x"));
}

TEST_F(Transfer, SyncBySizeAndTimeReadsNoFile) {
    // compare_by::size_and_time skips by size and modification time alone: an edit that
    // keeps the size and an older time goes unseen (content sees it), a newer time is
    // sent; compare_by::size ignores the time too. Downloads compare the other way round.
    namespace fs = std::filesystem;
    std::string const src = dir_.path + "/timed";
    fs::create_directories(src);
    for (const char* name : {"a.bin", "b.bin", "c.bin"})
        std::ofstream(src + "/" + name, std::ios::binary) << random_bytes(4000, static_cast<unsigned>(60 + name[0]));
    auto set_time = [](const std::string& path, std::time_t t) {
        struct timespec ts[2] = {{t, 0}, {t, 0}};
        ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, 0), 0) << path;
    };
    auto rewrite = [&](const std::string& rel, int seed) {
        std::ofstream(src + "/" + rel, std::ios::binary) << random_bytes(4000, seed);
    };
    transfer::directory_options o;
    o.compare = transfer::compare_by::size_and_time;
    auto up = [&]() {
        return run(ioc_, [&]() -> asio::awaitable<transfer::directory_result> {
            co_return co_await transfer::async_upload_directory(*client_, {.bucket = bucket_,
                                                                           .prefix = "timed/",
                                                                           .directory = src,
                                                                           .options = o});
        });
    };
    std::time_t const now = std::time(nullptr);
    for (const char* name : {"a.bin", "b.bin", "c.bin"}) set_time(src + "/" + name, now - 3600);
    auto first = up();
    EXPECT_TRUE(first.failed.empty()) << first.failed[0].path << ": " << first.failed[0].message;
    EXPECT_EQ(first.transferred, 3u);
    auto second = up();
    EXPECT_EQ(second.transferred, 0u);
    EXPECT_EQ(second.skipped, 3u);

    rewrite("a.bin", 70); // other bytes, same size, an old time: unseen by time, seen by content
    set_time(src + "/a.bin", now - 3600);
    rewrite("b.bin", 71); // other bytes, a newer time than the object's
    set_time(src + "/b.bin", now + 3600);
    auto third = up();
    EXPECT_EQ(third.transferred, 1u);
    EXPECT_TRUE(get("timed/b.bin") == read_file(src + "/b.bin"));
    EXPECT_FALSE(get("timed/a.bin") == read_file(src + "/a.bin"));
    o.compare = transfer::compare_by::size;
    set_time(src + "/c.bin", now + 3600);
    EXPECT_EQ(up().transferred, 0u);
    o.compare = transfer::compare_by::content;
    auto by_content = up();
    EXPECT_EQ(by_content.transferred, 1u); // a.bin
    EXPECT_TRUE(get("timed/a.bin") == read_file(src + "/a.bin"));

    // Downloads: the file is the copy; an object newer than it is fetched again.
    std::string const dst = dir_.path + "/timed-dst";
    o.compare = transfer::compare_by::size_and_time;
    auto down = [&]() {
        return run(ioc_, [&]() -> asio::awaitable<transfer::directory_result> {
            co_return co_await transfer::async_download_prefix(*client_, {.bucket = bucket_,
                                                                          .prefix = "timed/",
                                                                          .directory = dst,
                                                                          .options = o});
        });
    };
    EXPECT_EQ(down().transferred, 3u);
    auto again = down();
    EXPECT_EQ(again.transferred, 0u);
    EXPECT_EQ(again.skipped, 3u);
    std::ofstream(dst + "/c.bin", std::ios::binary) << random_bytes(4000, 72);
    set_time(dst + "/c.bin", now - 3 * 86400); // older than the object
    set_time(dst + "/a.bin", now + 3600);      // newer than the object: kept
    EXPECT_EQ(down().transferred, 1u);
    EXPECT_TRUE(read_file(dst + "/c.bin") == get("timed/c.bin"));
}

TEST_F(Transfer, DownloadPrefixRefusesPathTraversal) {
    EXPECT_TRUE(transfer::detail::safe_relative_path("a/b.txt"));
    EXPECT_TRUE(transfer::detail::safe_relative_path("a/..b/c"));
    EXPECT_FALSE(transfer::detail::safe_relative_path("../x"));
    EXPECT_FALSE(transfer::detail::safe_relative_path("a/../../x"));
    EXPECT_FALSE(transfer::detail::safe_relative_path("/etc/passwd"));
    EXPECT_FALSE(transfer::detail::safe_relative_path("a/.."));
    // A key the server accepts with a ".." component is refused, the others downloaded.
    put("p/ok.txt", "fine");
    bool const stored = run(ioc_, [&]() -> asio::awaitable<bool> {
        s3::put_object_request r{.bucket = bucket_, .key = "p/x/../../escape.txt", .body = "bad"};
        auto [e, pr] = co_await client_->async_put_object(r, as_tuple(use_awaitable));
        (void)pr;
        co_return !e;
    });
    std::string const dst = dir_.path + "/inner/dst";
    auto r = run(ioc_, [&]() -> asio::awaitable<transfer::directory_result> {
        co_return co_await transfer::async_download_prefix(*client_,
                                                           {.bucket = bucket_, .prefix = "p/", .directory = dst});
    });
    EXPECT_EQ(r.transferred, 1u);
    EXPECT_EQ(read_file(dst + "/ok.txt"), "fine");
    EXPECT_FALSE(std::filesystem::exists(dir_.path + "/inner/escape.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir_.path + "/escape.txt"));
    // The server may refuse the key or store it under another name; when the listing has
    // it, the download refuses it.
    (void)stored;
    ASSERT_LE(r.failed.size(), 1u);
    for (auto& f : r.failed) EXPECT_EQ(f.error, transfer::errc::unsafe_key) << f.key;
}

// ============================================================================ streams

namespace {

// A stream over `data` in uneven pieces (1 byte to 97 KiB), with a failure after
// `fail_after` bytes when set; checks that it is never read by two workers at once.
struct test_stream {
    const std::string* data = nullptr;
    std::size_t pos = 0;
    std::size_t calls = 0;
    bool busy = false;
    bool overlapped = false;
    std::optional<std::size_t> fail_after = {};
};

asio::awaitable<cirrus::result<std::size_t>> read_test_stream(test_stream* s, std::span<std::uint8_t> out) {
    if (s->busy) s->overlapped = true;
    s->busy = true;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    pause.expires_after(std::chrono::microseconds(50)); // a real suspension between calls
    co_await pause.async_wait(use_awaitable);
    s->busy = false;
    ++s->calls;
    if (s->fail_after && s->pos >= *s->fail_after) co_return make_error_code(std::errc::io_error);
    std::size_t const piece = 1 + (s->calls * 7919) % (97 * 1024);
    std::size_t const n = std::min({out.size(), piece, s->data->size() - s->pos});
    std::memcpy(out.data(), s->data->data() + s->pos, n);
    s->pos += n;
    co_return n;
}

} // namespace

TYPED_TEST(TransferEach, UploadStreamOfUnknownLength) {
    transfer::upload_options o = multipart_5mib();
    o.concurrency = 3;
    for (std::size_t size : {std::size_t(0), std::size_t(1), 5 * mib - 1, 10 * mib, 12 * mib + 3}) {
        SCOPED_TRACE("size " + std::to_string(size));
        std::string const data = random_bytes(size, static_cast<unsigned>(size + 7));
        test_stream st{.data = &data};
        auto read = [&st](std::span<std::uint8_t> out) { return read_test_stream(&st, out); };
        std::string const key = "stream/" + std::to_string(size);
        auto r = run(this->ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::upload_result>> {
            cirrus::diagnostics diag;
            const transfer::upload_stream_request req{.bucket = this->bucket_, .key = key, .read = read, .options = o};
            auto [ec, res] = co_await transfer::async_upload_stream(*this->client_, req, diag, as_tuple(use_awaitable));
            if (ec) ADD_FAILURE() << ec.message() << " / " << diag.what();
            if (ec) co_return ec;
            co_return res;
        });
        ASSERT_TRUE(r);
        EXPECT_EQ(r->size, size);
        std::uint32_t const parts = size < 5 * mib ? 1u : static_cast<std::uint32_t>((size + 5 * mib - 1) / (5 * mib));
        EXPECT_EQ(r->parts, parts);
        if (parts > 1) {
            EXPECT_TRUE(r->checksum_verified);
        }
        EXPECT_FALSE(st.overlapped);
        EXPECT_TRUE(this->get(key) == data);
    }
    EXPECT_EQ(this->pending_uploads(), 0u);
}

TYPED_TEST(TransferEach, CsvObjectIntoTypedRows) {
    // 1. The Adult data file as it is (32,561 records, a blank line at the end), in 1 MiB
    // ranges, 2 in flight: records cross the ranges.
    std::ifstream in(std::string(CIRRUS_TEST_DATA_DIR) + "/adult/adult.data", std::ios::binary);
    std::string const adult((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(adult.size(), 3 * mib);
    this->put("adult.data", adult);
    // What the rows must add up to, from the file's lines.
    std::uint64_t lines = 0, age_sum = 0;
    for (std::size_t at = 0; at < adult.size();) {
        std::size_t const end = adult.find('\n', at);
        std::string_view const line(adult.data() + at, (end == std::string::npos ? adult.size() : end) - at);
        at = end == std::string::npos ? adult.size() : end + 1;
        if (line.empty()) continue;
        ++lines;
        age_sum += digits_of(line.substr(0, line.find(',')));
    }
    transfer::download_options small;
    small.part_size = mib;
    small.single_get_threshold = mib;
    small.concurrency = 2;
    transfer::csv_options spaced;
    spaced.trim_spaces = true;
    std::uint64_t rows = 0, age_total = 0;
    auto add = [&](adult_text&& a) {
        ++rows;
        age_total += digits_of(a.age);
        EXPECT_TRUE(a.income == "<=50K" || a.income == ">50K") << a.income;
        return error_code{};
    };
    auto text_rows = this->template read_csv<adult_text>("adult.data", add, spaced, small);
    ASSERT_FALSE(text_rows.ec) << text_rows.ec.message() << " " << text_rows.diag.what();
    EXPECT_EQ(text_rows.result.rows, lines);
    EXPECT_EQ(rows, 32561u);
    EXPECT_EQ(age_total, age_sum);
    EXPECT_GE(text_rows.result.download.requests, 4u);

    // 2. The same object into typed members: the first stray letter stops it, named.
    std::uint64_t typed = 0;
    auto take = [&](adult_typed&&) {
        ++typed;
        return error_code{};
    };
    auto bad = this->template read_csv<adult_typed>("adult.data", take, spaced, small);
    EXPECT_EQ(bad.ec, transfer::errc::csv_bad_value) << bad.ec.message();
    EXPECT_EQ(bad.result.rows, 48u);
    EXPECT_EQ(typed, 48u);
    EXPECT_NE(bad.diag.message.find(
                  "adult.data: line 49, column 11: \"A\" is not a value of member \"capital_gain\" (int64)"),
              std::string::npos)
        << bad.diag.message;

    // 3. A header, quoted names with commas, quotes and line breaks, empty optionals: 40,000
    // rows written here and read back.
    std::string csv = "score,name,id\r\n";
    std::int64_t id_sum = 0;
    for (int i = 0; i < 40000; ++i) {
        csv += (i % 3 == 0 ? std::string() : std::to_string(i) + ".5") + ",\"name " + std::to_string(i) +
               (i % 7 == 0 ? ", with \"\"quotes\"\"\nand a break" : "") + "\"," + std::to_string(i) + "\r\n";
        id_sum += i;
    }
    this->put("scored.csv", csv);
    transfer::csv_options header;
    header.header = true;
    std::int64_t ids = 0;
    std::uint64_t quoted = 0, empty = 0;
    auto check = [&](scored&& s) {
        ids += s.id;
        if (s.name.find("\"quotes\"\nand") != std::string::npos) ++quoted;
        if (!s.score) ++empty;
        EXPECT_EQ(s.name.substr(0, 5 + std::to_string(s.id).size()), "name " + std::to_string(s.id));
        return error_code{};
    };
    auto back = this->template read_csv<scored>("scored.csv", check, header, small);
    ASSERT_FALSE(back.ec) << back.ec.message() << " " << back.diag.what();
    EXPECT_EQ(back.result.rows, 40000u);
    EXPECT_EQ(ids, id_sum);
    EXPECT_EQ(quoted, 5715u); // i % 7 == 0 for i < 40000
    EXPECT_EQ(empty, 13334u); // i % 3 == 0

    // 4. No such object: the S3 error, with what the server said.
    auto missing = this->template read_csv<scored>("no-such.csv", check, {}, {});
    EXPECT_TRUE(s3::is_not_found(missing.ec)) << missing.ec.message() << " " << missing.diag.what();
}

// A stream with full_object_checksum: the parts' sizes are only known as they are read;
// the object's CRC64NVME is combined from them (3 parts and a 3-byte tail).
TEST_F(Transfer, UploadStreamFullObjectCrc64nvme) {
    transfer::upload_options o = full_object_crc64nvme();
    o.concurrency = 3;
    std::string const data = random_bytes(15 * mib + 3, 29);
    test_stream st{.data = &data};
    auto read = [&st](std::span<std::uint8_t> out) { return read_test_stream(&st, out); };
    auto r = run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::upload_result>> {
        cirrus::diagnostics diag;
        const transfer::upload_stream_request req{.bucket = bucket_, .key = "stream-full", .read = read, .options = o};
        auto [ec, res] = co_await transfer::async_upload_stream(*client_, req, diag, as_tuple(use_awaitable));
        if (ec) ADD_FAILURE() << ec.message() << " / " << diag.what();
        if (ec) co_return ec;
        co_return res;
    });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->parts, 4u);
    std::string const expected = crc64nvme_of(data);
    ASSERT_TRUE(r->checksum);
    EXPECT_EQ(r->checksum->value, expected);
    EXPECT_TRUE(r->checksum_verified);
    stored_checksum const stored = checksum_of("stream-full");
    ASSERT_TRUE(stored.head);
    EXPECT_EQ(stored.head->value, expected);
    EXPECT_EQ(stored.head->type, "FULL_OBJECT");
    EXPECT_TRUE(stored.get_verified);
    EXPECT_EQ(pending_uploads(), 0u);
}

TEST_F(Transfer, UploadStreamReaderFailureAbortsLeavingNothing) {
    std::string const data = random_bytes(16 * mib, 71);
    test_stream st{.data = &data, .fail_after = 7 * mib};
    auto read = [&st](std::span<std::uint8_t> out) { return read_test_stream(&st, out); };
    auto ec = run(ioc_, [&]() -> asio::awaitable<error_code> {
        const transfer::upload_stream_request req{
            .bucket = bucket_, .key = "broken", .read = read, .options = multipart_5mib()};
        auto [e, res] = co_await transfer::async_upload_stream(*client_, req, as_tuple(use_awaitable));
        (void)res;
        co_return e;
    });
    EXPECT_EQ(ec, std::errc::io_error) << ec.message();
    EXPECT_EQ(pending_uploads(), 0u);
    EXPECT_FALSE(exists("broken"));
    // A part size outside S3's limits is refused before reading.
    transfer::upload_options tiny;
    tiny.parts.part_size = 1 * mib;
    test_stream unused{.data = &data};
    auto read2 = [&unused](std::span<std::uint8_t> out) { return read_test_stream(&unused, out); };
    auto ec2 = run(ioc_, [&]() -> asio::awaitable<error_code> {
        // The one-line form: a braced request inside co_await (requests are views).
        auto [e, res] = co_await transfer::async_upload_stream(
            *client_, {.bucket = bucket_, .key = "tiny", .read = read2, .options = tiny}, as_tuple(use_awaitable));
        (void)res;
        co_return e;
    });
    EXPECT_EQ(ec2, cirrus::errc::invalid_argument);
    EXPECT_EQ(unused.calls, 0u);
}

// ============================================================================ network cuts

namespace {

// The Transfer fixture plus a Toxiproxy proxy in front of versitygw and a client through it
// (retries quick, attempts counted).
class TransferCut : public Transfer {
protected:
    void SetUp() override {
        Transfer::SetUp();
        cirrus::test::s3_service svc;
        proxy_.emplace("cirrus_xfer_" + random_suffix(), cirrus::test::parse_endpoint(svc.endpoint).host_header());
        ASSERT_TRUE(proxy_->created());
    }
    void TearDown() override {
        cut_.reset();
        proxy_.reset();
        Transfer::TearDown();
    }
    // Closes each connection once `bytes` went through it in `stream` (upstream: client to
    // server).
    void limit_data(const std::string& stream, std::size_t bytes) {
        const std::string attributes = R"({"bytes":)" + std::to_string(bytes) + "}";
        ASSERT_TRUE(proxy_->add_toxic("cut", "limit_data", attributes, stream));
    }
    void remove_limit() { ASSERT_TRUE(proxy_->remove_toxic("cut")); }
    client_type& via_proxy(unsigned max_attempts) {
        cirrus::test::s3_service svc;
        s3::client_options o{.region = svc.region,
                             .endpoint = proxy_->url(),
                             .credentials = cirrus::auth::any_credentials_provider(
                                 cirrus::auth::static_provider(svc.access_key, svc.secret_key))};
        o.http.retry.max_attempts = max_attempts;
        o.http.retry.base_delay = std::chrono::milliseconds(5);
        o.http.retry.max_backoff = std::chrono::milliseconds(20);
        o.http.on_event = [this](const cirrus::http::request_event& ev) {
            if (ev.phase == cirrus::http::event_phase::attempt) ++attempts_;
        };
        cut_.emplace(ioc_.get_executor(), o);
        return *cut_;
    }

    std::optional<cirrus::test::toxiproxy_proxy> proxy_;
    std::optional<client_type> cut_;
    unsigned attempts_ = 0;
};

} // namespace

TEST_F(TransferCut, UploadCutMidPartRetriesThePartFromTheFileAndCompletes) {
    // Every connection is closed after 6 MiB from the client: each second 5 MiB part is cut
    // mid-body and sent again, read again from the file, on a new connection.
    std::string data = random_bytes(16 * mib, 61);
    std::string path = dir_.write("cut-upload", data);
    limit_data("upstream", 6 * mib);
    auto& c = via_proxy(3);
    transfer::upload_options o = multipart_5mib();
    o.concurrency = 1;
    auto r = run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::upload_result>> {
        cirrus::diagnostics diag;
        auto [ec, res] = co_await transfer::async_upload_file(
            c, {.bucket = bucket_, .key = "cut", .path = path, .options = o}, diag, as_tuple(use_awaitable));
        if (ec) ADD_FAILURE() << ec.message() << " / " << diag.what();
        if (ec) co_return ec;
        co_return res;
    });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->parts, 4u);
    EXPECT_TRUE(r->checksum_verified);
    EXPECT_GT(attempts_, 6u); // create, 4 parts, complete, and the parts sent again
    EXPECT_TRUE(get("cut") == data);
    EXPECT_EQ(pending_uploads(), 0u);
}

TEST_F(TransferCut, UploadCutWithoutRetriesAbortsLeavingNothing) {
    std::string data = random_bytes(12 * mib, 62);
    std::string path = dir_.write("cut-upload", data);
    limit_data("upstream", 6 * mib);
    auto& c = via_proxy(1);
    transfer::upload_options o = multipart_5mib();
    o.concurrency = 1;
    auto ec = run(ioc_, [&]() -> asio::awaitable<error_code> {
        auto [e, res] = co_await transfer::async_upload_file(
            c, {.bucket = bucket_, .key = "cut", .path = path, .options = o}, as_tuple(use_awaitable));
        (void)res;
        co_return e;
    });
    EXPECT_TRUE(ec);
    EXPECT_EQ(pending_uploads(), 0u); // aborted: nothing left to pay for
    EXPECT_FALSE(exists("cut"));
}

TEST_F(TransferCut, DownloadCutResumesAndNeverLeavesAPartialFile) {
    // Every connection is closed after 3 MiB from the server; without retries the download
    // fails part way, keeps what it has under the temporary name only, and the next run
    // (the network healed) fetches only the missing ranges.
    std::string data = random_bytes(12 * mib, 63);
    put("cut", data);
    std::string target = dir_.path + "/target";
    limit_data("downstream", 3 * mib);
    auto& c = via_proxy(1);
    transfer::download_options o;
    o.part_size = mib;
    o.single_get_threshold = 0;
    o.concurrency = 2;
    o.resumable = true;
    auto down = [&]() {
        return run(ioc_, [&]() -> asio::awaitable<cirrus::result<transfer::download_result>> {
            auto [e, res] = co_await transfer::async_download_file(
                c, {.bucket = bucket_, .key = "cut", .path = target, .options = o}, as_tuple(use_awaitable));
            if (e) co_return e;
            co_return res;
        });
    };
    auto first = down();
    ASSERT_FALSE(first);
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_TRUE(std::filesystem::exists(target + ".cirrus-download"));

    remove_limit();
    auto second = down();
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_GE(second->bytes_resumed, 2 * mib);
    EXPECT_EQ(second->bytes_resumed + second->requests * mib, 12 * mib);
    EXPECT_TRUE(second->checksum_verified);
    EXPECT_TRUE(read_file(target) == data);
    EXPECT_TRUE(stray_files({"target"}).empty());
}
