// SigV4a beyond the suite: the key cache, region sets, refused input, randomised
// signatures that all verify, and no secret in anything the signer hands out.

#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sigv4 = cirrus::auth::sigv4;
namespace sigv4a = cirrus::auth::sigv4a;
using cirrus::errc;

namespace {

const cirrus::auth::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}, {}};
constexpr std::chrono::system_clock::time_point t{std::chrono::seconds{1'440'938'160}}; // 2015-08-30T12:36:00Z

const sigv4::header host_only[] = {{"Host", "mrap.accesspoint.s3-global.amazonaws.com"}};

bool verifies(const sigv4a::key_pair& key, std::string_view string_to_sign, std::string_view signature_hex) {
    auto der = cirrus::hex::decode(signature_hex);
    return der && sigv4a::key_pair::verify_digest(
                      key.public_x(), key.public_y(), cirrus::crypto::sha256(string_to_sign),
                      std::span(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()));
}

TEST(KeyPair, DerivationIsDeterministicPerAccessKey) {
    auto a = sigv4a::key_pair::derive("AKIDEXAMPLE", creds.secret_access_key);
    auto b = sigv4a::key_pair::derive("AKIDEXAMPLE", creds.secret_access_key);
    auto other_id = sigv4a::key_pair::derive("AKIDEXAMPLE2", creds.secret_access_key);
    auto other_secret = sigv4a::key_pair::derive("AKIDEXAMPLE", "another secret");
    ASSERT_TRUE(a && b && other_id && other_secret);
    EXPECT_EQ(a->public_x(), b->public_x());
    EXPECT_EQ(a->public_y(), b->public_y());
    EXPECT_NE(a->public_x(), other_id->public_x());
    EXPECT_NE(a->public_x(), other_secret->public_x());
    EXPECT_EQ(sigv4a::key_pair::derive("", "x").error(), errc::missing_credentials);
    EXPECT_EQ(sigv4a::key_pair::derive("x", "").error(), errc::missing_credentials);
}

TEST(KeyPair, SignaturesAreRandomisedAndVerify) {
    auto key = sigv4a::key_pair::derive(creds.access_key_id, creds.secret_access_key);
    ASSERT_TRUE(key);
    const auto digest = cirrus::crypto::sha256(std::string_view("message"));
    std::array<std::uint8_t, 72> a{}, b{};
    const auto na = key->sign_digest(digest, a), nb = key->sign_digest(digest, b);
    ASSERT_GT(na, 0u);
    ASSERT_GT(nb, 0u);
    EXPECT_NE(cirrus::hex::encode(std::span<const std::uint8_t>(a.data(), na)),
              cirrus::hex::encode(std::span<const std::uint8_t>(b.data(), nb)));
    EXPECT_TRUE(sigv4a::key_pair::verify_digest(key->public_x(), key->public_y(), digest,
                                                std::span<const std::uint8_t>(a.data(), na)));
    EXPECT_TRUE(sigv4a::key_pair::verify_digest(key->public_x(), key->public_y(), digest,
                                                std::span<const std::uint8_t>(b.data(), nb)));
    a[na - 1] ^= 1;
    EXPECT_FALSE(sigv4a::key_pair::verify_digest(key->public_x(), key->public_y(), digest,
                                                 std::span<const std::uint8_t>(a.data(), na)));
}

TEST(Signer, CachesTheKeyPairPerAccessKey) {
    sigv4a::signer signer;
    auto first = signer.key_for(creds);
    auto again = signer.key_for(creds);
    ASSERT_TRUE(first && again);
    EXPECT_EQ(first->public_x(), again->public_x());
    // Same key id, rotated secret: a new key pair, not the cached one.
    auto rotated = signer.key_for({creds.access_key_id, "rotated secret", {}, {}});
    ASSERT_TRUE(rotated);
    EXPECT_NE(rotated->public_x(), first->public_x());
}

TEST(Signer, RegionSetHeaderAndScope) {
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    const sigv4::header headers[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Region-Set", "eu-west-1"}};
    sigv4a::signing_params params{.region_set = "us-east-1,us-west-2", .service = "s3", .time = t,
                                  .rules = sigv4::uri_rules::s3, .payload_hash = sigv4::payload::unsigned_payload,
                                  .content_sha256_header = true};
    ASSERT_FALSE(signer.sign({"GET", "/key", "", headers}, creds, params, out));
    EXPECT_EQ(out.region_set, "us-east-1,us-west-2");
    EXPECT_EQ(signer.last_scope(), "20150830/s3/aws4_request");
    // The caller's X-Amz-Region-Set is replaced by the one signed.
    EXPECT_NE(signer.last_canonical_request().find("\nx-amz-region-set:us-east-1,us-west-2\n"), std::string::npos);
    EXPECT_EQ(signer.last_canonical_request().find("eu-west-1"), std::string::npos);
    EXPECT_TRUE(out.authorization.starts_with(
        "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, "
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature="));
    auto key = signer.key_for(creds);
    ASSERT_TRUE(key);
    EXPECT_TRUE(verifies(*key, signer.last_string_to_sign(), out.signature));

    params.region_set = "*";
    ASSERT_FALSE(signer.sign({"GET", "/key", "", host_only}, creds, params, out));
    EXPECT_EQ(out.region_set, "*");
}

TEST(Signer, RefusesBadInput) {
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    sigv4a::signing_params params{.region_set = "us-east-1", .service = "s3", .time = t};
    for (std::string_view bad : {"", "us-east-1 ", "us-east-1,", ",us-east-1", "a,,b", "us\neast"}) {
        params.region_set = bad;
        EXPECT_EQ(signer.sign({"GET", "/", "", host_only}, creds, params, out), errc::invalid_argument) << bad;
        EXPECT_TRUE(out.authorization.empty());
    }
    params.region_set = "us-east-1";
    EXPECT_EQ(signer.sign({"GET", "/", "", host_only}, {"", "secret", {}, {}}, params, out),
              errc::missing_credentials);
    EXPECT_EQ(signer.presign({"GET", "/", "", host_only}, creds, params, std::chrono::seconds{0}).error(),
              errc::expiry_out_of_range);
    EXPECT_EQ(signer.presign({"GET", "/", "", host_only}, creds, params, std::chrono::hours{24 * 8}).error(),
              errc::expiry_out_of_range);
}

TEST(Signer, PresignCarriesTheRegionSetAndToken) {
    sigv4a::signer signer;
    cirrus::auth::credentials temporary = creds;
    temporary.session_token = "session/token+value";
    sigv4a::signing_params params{.region_set = "*", .service = "s3", .time = t, .rules = sigv4::uri_rules::s3,
                                  .payload_hash = sigv4::payload::unsigned_payload};
    auto q = signer.presign({"GET", "/bucket/key", "versionId=3", host_only}, temporary, params,
                            std::chrono::seconds{900});
    ASSERT_TRUE(q);
    EXPECT_NE(q->find("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&"), std::string::npos);
    EXPECT_NE(q->find("&X-Amz-Region-Set=%2A&"), std::string::npos) << *q;
    EXPECT_NE(q->find("&X-Amz-Security-Token=session%2Ftoken%2Bvalue&"), std::string::npos) << *q;
    EXPECT_NE(q->find("versionId=3"), std::string::npos);
    const auto sig = q->substr(q->find("X-Amz-Signature=") + 16);
    auto key = signer.key_for(creds);
    ASSERT_TRUE(key);
    EXPECT_TRUE(verifies(*key, signer.last_string_to_sign(), sig));
}

TEST(Signer, NoSecretInOutput) {
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    sigv4a::signing_params params{.region_set = "*", .service = "s3", .time = t};
    ASSERT_FALSE(signer.sign({"GET", "/", "", host_only}, creds, params, out));
    for (std::string_view s : {out.authorization, signer.last_canonical_request(), signer.last_string_to_sign()})
        EXPECT_EQ(s.find(creds.secret_access_key), std::string_view::npos);
}

// The SigV4 signer is unchanged by the variant living beside it.
TEST(Signer, SigV4StillSignsWithTheRegionInTheScope) {
    sigv4::signer v4;
    sigv4::signature_headers out;
    ASSERT_FALSE(v4.sign({"GET", "/", "", host_only}, creds, {.region = "us-east-1", .service = "s3", .time = t}, out));
    EXPECT_EQ(v4.last_scope(), "20150830/us-east-1/s3/aws4_request");
    EXPECT_TRUE(out.authorization.starts_with("AWS4-HMAC-SHA256 "));
}

} // namespace
