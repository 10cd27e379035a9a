// The SigV4a cases of the AWS signing test suite (tests/data/sigv4/v4a), read from the
// files at run time: canonical request and string to sign byte for byte, the derived
// public key equal to the case's public-key.json, and every signature (ours, and the
// suite's own) verified with that key, since ECDSA signatures are randomised.

#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/sha256.hpp>

#include "support/sigv4_suite.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
namespace sigv4 = cirrus::auth::sigv4;
namespace sigv4a = cirrus::auth::sigv4a;
using namespace cirrus::test::sigv4_suite;

namespace {

const fs::path suite_dir = fs::path(CIRRUS_TEST_DATA_DIR) / "sigv4" / "v4a";

// See sigv4_suite_test.cpp: a missing directory gives no cases, and HasEveryCase fails.
std::vector<std::string> suite_cases() {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(suite_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::array<std::uint8_t, 32> coordinate(const boost::json::object& o, const char* name) {
    std::array<std::uint8_t, 32> out{};
    const std::string hex(o.at(name).as_string());
    auto bytes = cirrus::hex::decode(hex);
    if (!bytes || bytes->size() != 32) throw std::runtime_error("bad public key coordinate");
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

struct suite_case {
    std::string name;
    fs::path dir;
    parsed_request request;
    cirrus::auth::credentials creds;
    sigv4a::signing_params params;
    std::string region, service, body_hash;
    long expires = 0;
    std::array<std::uint8_t, 32> x{}, y{};

    bool has_expected() const { return fs::exists(dir / "header-canonical-request.txt"); }

    bool verifies(std::string_view string_to_sign, std::string_view signature_hex) const {
        auto der = cirrus::hex::decode(signature_hex);
        if (!der) return false;
        return sigv4a::key_pair::verify_digest(
            x, y, cirrus::crypto::sha256(string_to_sign),
            std::span(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()));
    }
};

suite_case load_case(const std::string& name) {
    suite_case c;
    c.name = name;
    c.dir = suite_dir / name;
    c.request = parse_request(read_file(c.dir / "request.txt"));
    auto ctx = boost::json::parse(read_file(c.dir / "context.json")).as_object();
    const auto& cr = ctx.at("credentials").as_object();
    c.creds.access_key_id = cr.at("access_key_id").as_string().c_str();
    c.creds.secret_access_key = cr.at("secret_access_key").as_string().c_str();
    if (cr.contains("token")) c.creds.session_token = cr.at("token").as_string().c_str();
    c.region = ctx.at("region").as_string().c_str();
    c.service = ctx.at("service").as_string().c_str();
    c.expires = static_cast<long>(ctx.at("expiration_in_seconds").as_int64());
    c.params.region_set = c.region;
    c.params.service = c.service;
    c.params.time = parse_time(ctx.at("timestamp").as_string().c_str());
    c.params.rules = ctx.at("normalize").as_bool() ? sigv4::uri_rules::standard : sigv4::uri_rules::s3;
    if (ctx.at("sign_body").as_bool()) {
        c.body_hash = cirrus::hex::encode(cirrus::crypto::sha256(c.request.body));
        c.params.payload_hash = c.body_hash;
        c.params.content_sha256_header = true;
    }
    if (ctx.contains("omit_session_token")) c.params.omit_session_token = ctx.at("omit_session_token").as_bool();
    // Two cases (get-vanilla-query-order-key and -value) come with the request and context
    // only; their credentials are those of every case, so get-vanilla's key is theirs.
    const bool has_key = fs::exists(c.dir / "public-key.json");
    const auto key_file = (has_key ? c.dir : suite_dir / "get-vanilla") / "public-key.json";
    auto key = boost::json::parse(read_file(key_file)).as_object();
    c.x = coordinate(key, "X");
    c.y = coordinate(key, "Y");
    return c;
}

// The value of `name:` in a signed request file.
std::string header_line(const std::string& signed_request, std::string_view name) {
    auto pos = signed_request.find(std::string(name) + ":");
    if (pos == std::string::npos) return {};
    pos += name.size() + 1;
    return trim(signed_request.substr(pos, signed_request.find('\n', pos) - pos));
}

// For the cases without expected files: the request's parameters in the canonical query
// sorted by name, then by value (byte order: "Value1" before "value2"), and the region set
// signed.
void check_without_expected_files(const suite_case& c, std::string_view canonical, std::string_view region_set) {
    std::vector<std::string> params;
    std::string_view q = c.request.query;
    while (!q.empty()) {
        const auto amp = q.find('&');
        params.emplace_back(q.substr(0, amp));
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    }
    std::sort(params.begin(), params.end());
    std::string sorted;
    for (const auto& p : params) sorted += (sorted.empty() ? "" : "&") + p;
    ASSERT_FALSE(sorted.empty());
    EXPECT_NE(canonical.find(sorted), std::string_view::npos) << canonical;
    EXPECT_NE(canonical.find(region_set), std::string_view::npos) << canonical;
}

class SuiteCase : public testing::TestWithParam<std::string> {};

TEST_P(SuiteCase, DerivedKeyIsTheCasePublicKey) {
    auto c = load_case(GetParam());
    auto key = sigv4a::key_pair::derive(c.creds.access_key_id, c.creds.secret_access_key);
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(cirrus::hex::encode(key->public_x()), cirrus::hex::encode(c.x));
    EXPECT_EQ(cirrus::hex::encode(key->public_y()), cirrus::hex::encode(c.y));
}

TEST_P(SuiteCase, HeaderSigning) {
    auto c = load_case(GetParam());
    auto headers = c.request.views();
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    auto ec = signer.sign({c.request.method, c.request.path, c.request.query, headers}, c.creds, c.params, out);
    ASSERT_FALSE(ec) << ec.message();
    if (!c.has_expected()) {
        check_without_expected_files(c, signer.last_canonical_request(), "x-amz-region-set:us-east-1\n");
        EXPECT_TRUE(c.verifies(signer.last_string_to_sign(), out.signature));
        return;
    }
    EXPECT_EQ(signer.last_canonical_request(), trim(read_file(c.dir / "header-canonical-request.txt")));
    const auto string_to_sign = trim(read_file(c.dir / "header-string-to-sign.txt"));
    EXPECT_EQ(signer.last_string_to_sign(), string_to_sign);
    EXPECT_TRUE(c.verifies(string_to_sign, out.signature)) << out.signature;
    // The suite's own signature verifies with the same key (the check checks itself).
    EXPECT_TRUE(c.verifies(string_to_sign, trim(read_file(c.dir / "header-signature.txt"))));
    EXPECT_FALSE(c.verifies(string_to_sign + "x", out.signature));

    // The Authorization line of the expected signed request up to its signature.
    const auto signed_request = read_file(c.dir / "header-signed-request.txt");
    const auto expected = header_line(signed_request, "Authorization");
    const auto prefix = expected.substr(0, expected.find("Signature=") + 10);
    EXPECT_EQ(out.authorization.substr(0, prefix.size()), prefix);
    EXPECT_EQ(out.authorization.substr(prefix.size()), out.signature);
    EXPECT_EQ(out.amz_date, header_line(signed_request, "X-Amz-Date"));
    EXPECT_EQ(out.region_set, header_line(signed_request, "X-Amz-Region-Set"));
}

TEST_P(SuiteCase, QuerySigning) {
    auto c = load_case(GetParam());
    auto headers = c.request.views();
    c.params.content_sha256_header = false;
    sigv4a::signer signer;
    auto query = signer.presign({c.request.method, c.request.path, c.request.query, headers}, c.creds, c.params,
                                std::chrono::seconds(c.expires));
    ASSERT_TRUE(query) << query.error().message();
    if (!c.has_expected()) {
        check_without_expected_files(c, signer.last_canonical_request(), "X-Amz-Region-Set=us-east-1&");
        EXPECT_TRUE(c.verifies(signer.last_string_to_sign(), query->substr(query->find("X-Amz-Signature=") + 16)));
        return;
    }
    EXPECT_EQ(signer.last_canonical_request(), trim(read_file(c.dir / "query-canonical-request.txt")));
    const auto string_to_sign = trim(read_file(c.dir / "query-string-to-sign.txt"));
    EXPECT_EQ(signer.last_string_to_sign(), string_to_sign);
    EXPECT_TRUE(c.verifies(string_to_sign, trim(read_file(c.dir / "query-signature.txt"))));

    // Same parameters as the expected signed request, apart from the signature's value,
    // which verifies.
    auto signed_request = read_file(c.dir / "query-signed-request.txt");
    auto first_line = signed_request.substr(0, signed_request.find('\n'));
    auto target = first_line.substr(first_line.find(' ') + 1);
    target = target.substr(0, target.rfind(" HTTP/"));
    auto ours = split_query(*query);
    auto expected = split_query(target.substr(target.find('?') + 1));
    std::string signature;
    for (auto* list : {&ours, &expected}) {
        auto it = std::find_if(list->begin(), list->end(), [](auto& p) { return p.first == "X-Amz-Signature"; });
        ASSERT_NE(it, list->end());
        if (list == &ours) signature = it->second;
        list->erase(it);
    }
    EXPECT_EQ(ours, expected);
    EXPECT_TRUE(c.verifies(string_to_sign, signature)) << signature;
}

INSTANTIATE_TEST_SUITE_P(V4a, SuiteCase, testing::ValuesIn(suite_cases()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

TEST(Suite, HasEveryCase) { EXPECT_EQ(suite_cases().size(), 40u) << "cases are the folders of " << suite_dir; }

} // namespace
