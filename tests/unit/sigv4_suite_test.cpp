// The official SigV4 test suite (tests/data/sigv4/v4) and the S3 documentation
// examples (s3-examples.json), read from the files at run time.

#include <cirrus/auth/sigv4.hpp>

#include "support/sigv4_suite.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
namespace sigv4 = cirrus::auth::sigv4;
using namespace std::chrono_literals;

using namespace cirrus::test::sigv4_suite;

namespace {

const fs::path suite_dir = fs::path(CIRRUS_TEST_DATA_DIR) / "sigv4";

// Runs while the tests register (gtest discovery included), where an exception would end
// the program before any test ran: a missing directory gives no cases, and
// Suite.HasEveryCase fails naming it.
std::vector<std::string> suite_cases() {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(suite_dir / "v4", ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct suite_case {
    std::string name;
    parsed_request request;
    cirrus::auth::credentials creds;
    sigv4::signing_params params;
    std::string region, service, body_hash;
    long expires = 0;
};

suite_case load_case(const std::string& name) {
    suite_case c;
    c.name = name;
    const auto dir = suite_dir / "v4" / name;
    c.request = parse_request(read_file(dir / "request.txt"));
    auto ctx = boost::json::parse(read_file(dir / "context.json")).as_object();
    const auto& cr = ctx.at("credentials").as_object();
    c.creds.access_key_id = cr.at("access_key_id").as_string().c_str();
    c.creds.secret_access_key = cr.at("secret_access_key").as_string().c_str();
    if (cr.contains("token")) c.creds.session_token = cr.at("token").as_string().c_str();
    c.region = ctx.at("region").as_string().c_str();
    c.service = ctx.at("service").as_string().c_str();
    c.expires = static_cast<long>(ctx.at("expiration_in_seconds").as_int64());
    c.params.region = c.region;
    c.params.service = c.service;
    c.params.time = parse_time(ctx.at("timestamp").as_string().c_str());
    // The suite's normalize=false is the S3 rule set: the path is taken literally.
    c.params.rules = ctx.at("normalize").as_bool() ? sigv4::uri_rules::standard : sigv4::uri_rules::s3;
    if (ctx.at("sign_body").as_bool()) {
        c.body_hash = cirrus::hex::encode(cirrus::crypto::sha256(c.request.body));
        c.params.payload_hash = c.body_hash;
        c.params.content_sha256_header = true;
    }
    if (ctx.contains("omit_session_token")) c.params.omit_session_token = ctx.at("omit_session_token").as_bool();
    return c;
}

class SuiteCase : public testing::TestWithParam<std::string> {};

TEST_P(SuiteCase, HeaderSigning) {
    auto c = load_case(GetParam());
    const auto dir = suite_dir / "v4" / c.name;
    auto headers = c.request.views();
    sigv4::signer signer;
    sigv4::signature_headers out;
    auto ec = signer.sign({c.request.method, c.request.path, c.request.query, headers}, c.creds, c.params, out);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(signer.last_canonical_request(), trim(read_file(dir / "header-canonical-request.txt")));
    EXPECT_EQ(signer.last_string_to_sign(), trim(read_file(dir / "header-string-to-sign.txt")));
    EXPECT_EQ(out.signature, trim(read_file(dir / "header-signature.txt")));
    // The Authorization line of the expected signed request, byte for byte.
    auto signed_request = read_file(dir / "header-signed-request.txt");
    auto pos = signed_request.find("Authorization:");
    ASSERT_NE(pos, std::string::npos);
    auto auth = signed_request.substr(pos + 14, signed_request.find('\n', pos) - pos - 14);
    EXPECT_EQ(out.authorization, trim(auth));
    EXPECT_EQ(out.amz_date, "20150830T123600Z");
}

TEST_P(SuiteCase, QuerySigning) {
    auto c = load_case(GetParam());
    const auto dir = suite_dir / "v4" / c.name;
    auto headers = c.request.views();
    c.params.content_sha256_header = false;
    sigv4::signer signer;
    auto query = signer.presign({c.request.method, c.request.path, c.request.query, headers}, c.creds, c.params,
                                std::chrono::seconds(c.expires));
    ASSERT_TRUE(query) << query.error().message();
    EXPECT_EQ(signer.last_canonical_request(), trim(read_file(dir / "query-canonical-request.txt")));
    EXPECT_EQ(signer.last_string_to_sign(), trim(read_file(dir / "query-string-to-sign.txt")));
    const auto signature = trim(read_file(dir / "query-signature.txt"));
    EXPECT_NE(query->find("X-Amz-Signature=" + signature), std::string::npos) << *query;
    // Same parameters as the expected signed request (whose order differs).
    auto signed_request = read_file(dir / "query-signed-request.txt");
    auto first_line = signed_request.substr(0, signed_request.find('\n'));
    auto target = first_line.substr(first_line.find(' ') + 1);
    target = target.substr(0, target.rfind(" HTTP/"));
    auto expected_query = target.substr(target.find('?') + 1);
    EXPECT_EQ(split_query(*query), split_query(expected_query));
}

INSTANTIATE_TEST_SUITE_P(V4, SuiteCase, testing::ValuesIn(suite_cases()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

TEST(Suite, HasEveryCase) { EXPECT_EQ(suite_cases().size(), 38u) << "cases are the folders of " << suite_dir / "v4"; }

// ---- S3 documentation examples -------------------------------------------------------

boost::json::array s3_cases() {
    return boost::json::parse(read_file(suite_dir / "s3-examples.json")).as_object().at("cases").as_array();
}

const boost::json::object& s3_case(const boost::json::array& cases, std::string_view name) {
    for (const auto& c : cases)
        if (c.as_object().at("name").as_string() == name) return c.as_object();
    throw std::runtime_error("no such case");
}

cirrus::auth::credentials s3_creds(const boost::json::object& c) {
    return {std::string(c.at("access_key_id").as_string()), std::string(c.at("secret_access_key").as_string()), {}, {}};
}

TEST(S3Examples, HeaderSignedRequests) {
    auto cases = s3_cases();
    int checked = 0;
    for (const auto& v : cases) {
        const auto& c = v.as_object();
        if (!c.contains("canonical_request")) continue;
        SCOPED_TRACE(std::string(c.at("name").as_string()));
        std::vector<std::pair<std::string, std::string>> hs;
        std::string payload_hash;
        for (const auto& h : c.at("headers").as_array()) {
            hs.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
            if (hs.back().first == "x-amz-content-sha256") payload_hash = hs.back().second;
        }
        std::vector<sigv4::header> views;
        for (const auto& [n, val] : hs) views.push_back({n, val});
        std::string query;
        for (const auto& q : c.at("query").as_array()) {
            if (!query.empty()) query += '&';
            query += q.as_array()[0].as_string();
            query += '=';
            query += q.as_array()[1].as_string();
        }
        const std::string path(c.at("path").as_string());
        const std::string method(c.at("method").as_string());
        sigv4::signing_params params{.region = "us-east-1", .service = "s3",
                                     .time = parse_time(c.at("timestamp").as_string()),
                                     .rules = sigv4::uri_rules::s3, .payload_hash = payload_hash};
        sigv4::signer signer;
        sigv4::signature_headers out;
        auto creds = s3_creds(c);
        ASSERT_FALSE(signer.sign({method, path, query, views}, creds, params, out));
        EXPECT_EQ(signer.last_canonical_request(), c.at("canonical_request").as_string());
        auto sts = signer.last_string_to_sign();
        EXPECT_EQ(sts.substr(sts.rfind('\n') + 1), c.at("string_to_sign_hash").as_string());
        const char* expected = c.contains("signature") ? "signature" : "seed_signature";
        EXPECT_EQ(out.signature, c.at(expected).as_string());
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

TEST(S3Examples, PresignedGet) {
    auto cases = s3_cases();
    const auto& c = s3_case(cases, "presigned-get");
    const std::string host(c.at("host").as_string());
    const std::string path(c.at("path").as_string());
    sigv4::header headers[] = {{"host", host}};
    sigv4::signing_params params{.region = "us-east-1", .service = "s3",
                                 .time = parse_time(c.at("timestamp").as_string()),
                                 .rules = sigv4::uri_rules::s3,
                                 .payload_hash = sigv4::payload::unsigned_payload};
    sigv4::signer signer;
    auto creds = s3_creds(c);
    auto query = signer.presign({"GET", path, "", headers}, creds, params,
                                std::chrono::seconds(c.at("expires").as_int64()));
    ASSERT_TRUE(query);
    EXPECT_EQ(*query, c.at("presigned_query").as_string());
}

TEST(S3Examples, AwsChunkedUpload) {
    auto cases = s3_cases();
    const auto& c = s3_case(cases, "put-object-aws-chunked");
    std::vector<std::pair<std::string, std::string>> hs;
    for (const auto& h : c.at("headers").as_array())
        hs.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
    std::vector<sigv4::header> views;
    for (const auto& [n, val] : hs) views.push_back({n, val});
    sigv4::signing_params params{.region = "us-east-1", .service = "s3",
                                 .time = parse_time(c.at("timestamp").as_string()),
                                 .rules = sigv4::uri_rules::s3,
                                 .payload_hash = sigv4::payload::streaming_signed};
    sigv4::signer signer;
    sigv4::signature_headers out;
    auto creds = s3_creds(c);
    const std::string path(c.at("path").as_string());
    ASSERT_FALSE(signer.sign({"PUT", path, "", views}, creds, params, out));
    EXPECT_EQ(out.signature, c.at("seed_signature").as_string());

    auto chunks = sigv4::make_chunk_signer(signer, creds, params, out.signature);
    std::uint64_t decoded = 0;
    for (const auto& ch : c.at("chunks").as_array()) {
        const auto& o = ch.as_object();
        const auto size = static_cast<std::size_t>(o.at("size").as_int64());
        std::string data(size, size ? o.at("byte").as_string()[0] : 'x');
        decoded += size;
        EXPECT_EQ(chunks.sign_chunk(data), o.at("signature").as_string()) << "chunk of " << size;
    }
    EXPECT_EQ(decoded, 66560u);
    EXPECT_EQ(sigv4::chunked::signed_encoded_length(66560, 65536), 66824u);
    EXPECT_EQ(sigv4::chunked::signed_encoded_length(0, 65536), 86u);
    EXPECT_EQ(sigv4::chunked::signed_chunk_length(65536), 65626u);
}

} // namespace
