// Signer behaviour beyond the suite: input validation, S3 path rules, key cache,
// POST policies, chunk framing.

#include <cirrus/auth/sigv4.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

namespace sigv4 = cirrus::auth::sigv4;
using namespace std::chrono_literals;

namespace {

const cirrus::auth::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}, {}};

std::chrono::system_clock::time_point t0() {
    using namespace std::chrono;
    return sys_days{year{2015} / 8 / 30} + 12h + 36min;
}

sigv4::signing_params params(sigv4::uri_rules rules = sigv4::uri_rules::standard) {
    return {.region = "us-east-1", .service = "service", .time = t0(), .rules = rules};
}

cirrus::error_code sign_with(const sigv4::request_view& req, sigv4::signing_params p = params()) {
    sigv4::signer s;
    sigv4::signature_headers out;
    auto ec = s.sign(req, creds, p, out);
    if (ec) {
        EXPECT_TRUE(out.authorization.empty());
        EXPECT_TRUE(out.signature.empty());
    }
    return ec;
}

TEST(Validation, RejectsCrLfAndNulInHeaderValues) {
    for (std::string bad : {std::string("a\r\nx-injected: 1"), std::string("a\nb"), std::string("a\0b", 3), std::string("a\rb")}) {
        sigv4::header hs[] = {{"host", "example.com"}, {"x-custom", bad}};
        EXPECT_EQ(sign_with({"GET", "/", "", hs}), cirrus::errc::invalid_header_value);
    }
    sigv4::header host_injection[] = {{"host", "example.com\r\nx: y"}};
    EXPECT_EQ(sign_with({"GET", "/", "", host_injection}), cirrus::errc::invalid_header_value);
}

TEST(Validation, RejectsBadHeaderNames) {
    for (std::string bad : {"", "x custom", "x:y", "\xc3\xa9t\xc3\xa9", "x\tname", "(x)"}) {
        sigv4::header hs[] = {{"host", "example.com"}, {bad, "v"}};
        EXPECT_EQ(sign_with({"GET", "/", "", hs}), cirrus::errc::invalid_header_name) << bad;
    }
}

TEST(Validation, RequiresANonEmptyHost) {
    sigv4::header none[] = {{"x-amz-meta-a", "b"}};
    EXPECT_EQ(sign_with({"GET", "/", "", none}), cirrus::errc::empty_host);
    sigv4::header empty[] = {{"Host", "  "}};
    EXPECT_EQ(sign_with({"GET", "/", "", empty}), cirrus::errc::empty_host);
}

TEST(Validation, RejectsInvalidUtf8InPathAndQuery) {
    sigv4::header hs[] = {{"host", "example.com"}};
    EXPECT_EQ(sign_with({"GET", "/bad%FF", "", hs}), cirrus::errc::invalid_utf8);
    EXPECT_EQ(sign_with({"GET", "/bad\xc3", "", hs}), cirrus::errc::invalid_utf8);
    EXPECT_EQ(sign_with({"GET", "/", "k%C0%AF=v", hs}), cirrus::errc::invalid_utf8); // overlong '/'
    EXPECT_EQ(sign_with({"GET", "/", "k=%ED%A0%80", hs}), cirrus::errc::invalid_utf8); // surrogate
    EXPECT_FALSE(sign_with({"GET", "/%E1%88%B4", "k=%F0%9F%98%80", hs}));
}

TEST(Validation, RejectsBadMethodRegionServiceAndCredentials) {
    sigv4::header hs[] = {{"host", "example.com"}};
    EXPECT_EQ(sign_with({"GET X", "/", "", hs}), cirrus::errc::invalid_argument);
    EXPECT_EQ(sign_with({"GET", "relative", "", hs}), cirrus::errc::invalid_argument);
    auto p = params();
    p.region = "";
    EXPECT_EQ(sign_with({"GET", "/", "", hs}, p), cirrus::errc::invalid_argument);
    p = params();
    p.service = "s 3";
    EXPECT_EQ(sign_with({"GET", "/", "", hs}, p), cirrus::errc::invalid_argument);
    p = params();
    p.payload_hash = "not-a-hash";
    EXPECT_EQ(sign_with({"GET", "/", "", hs}, p), cirrus::errc::invalid_argument);
    sigv4::signer s;
    sigv4::signature_headers out;
    EXPECT_EQ(s.sign({"GET", "/", "", hs}, {"AKID", "", {}, {}}, params(), out), cirrus::errc::missing_credentials);
    EXPECT_EQ(s.sign({"GET", "/", "", hs}, {"AKID", "s", "tok\r\nen", {}}, params(), out),
              cirrus::errc::invalid_argument);
}

TEST(Validation, WordAtATimeScansFindEveryPosition) {
    // The header-value checks read eight bytes at a time: a bad byte must be found at any
    // offset, in the word loop and in the tail, and a clean value must pass at any length.
    for (std::size_t len = 0; len <= 40; ++len) {
        const std::string clean(len, 'v');
        EXPECT_TRUE(sigv4::detail::is_safe_header_value(clean)) << len;
        EXPECT_EQ(sigv4::detail::find_space_or_tab(clean), len);
        for (std::size_t at = 0; at < len; ++at) {
            for (char bad : {'\r', '\n', '\0'}) {
                std::string v = clean;
                v[at] = bad;
                EXPECT_FALSE(sigv4::detail::is_safe_header_value(v)) << len << " " << at << " " << int(bad);
            }
            for (char space : {' ', '\t'}) {
                std::string v = clean;
                v[at] = space;
                EXPECT_EQ(sigv4::detail::find_space_or_tab(v), at) << len << " " << at;
            }
            // Bytes next to the special ones in value (0x1F, 0x21, 0x08, 0x0A...) and
            // high bytes are not matches.
            for (char other : {'\x1f', '!', '\x08', '\x0b', '\x80', '\xa0', '\xff'}) {
                std::string v = clean;
                v[at] = other;
                EXPECT_EQ(sigv4::detail::find_space_or_tab(v), len) << len << " " << at << " " << int(other);
                EXPECT_TRUE(sigv4::detail::is_safe_header_value(v)) << len << " " << at << " " << int(other);
            }
        }
    }
}

TEST(Validation, PathClassificationAgreesWithBothTests) {
    using sigv4::detail::path_form;
    for (std::string_view p : {"/", "/a/b.c-d_e~f", "/a%20b", "/a%2Fb", "/a%2fb", "/a%41", "/a%2", "/a%",
                               "/a b", "/%E2%82%AC", "/%00", "/a%7E", "/a%25", "/x%20%20y/"}) {
        const bool plain = sigv4::detail::is_plain_path(p);
        const bool encoded = sigv4::detail::is_canonically_encoded_path(p);
        const path_form want = plain ? path_form::plain : encoded ? path_form::encoded : path_form::other;
        EXPECT_EQ(sigv4::detail::classify_path(p), want) << p;
    }
}

TEST(Presign, ExpiryMustBeBetweenOneSecondAndSevenDays) {
    sigv4::header hs[] = {{"host", "example.com"}};
    sigv4::signer s;
    EXPECT_EQ(s.presign({"GET", "/", "", hs}, creds, params(), 0s).error(), cirrus::errc::expiry_out_of_range);
    EXPECT_EQ(s.presign({"GET", "/", "", hs}, creds, params(), -5s).error(), cirrus::errc::expiry_out_of_range);
    EXPECT_EQ(s.presign({"GET", "/", "", hs}, creds, params(), 604801s).error(),
              cirrus::errc::expiry_out_of_range);
    EXPECT_TRUE(s.presign({"GET", "/", "", hs}, creds, params(), 1s));
    EXPECT_TRUE(s.presign({"GET", "/", "", hs}, creds, params(), 604800s));
}

TEST(S3Rules, KeysAreEncodedOnceAndNeverNormalised) {
    sigv4::header hs[] = {{"host", "bucket.s3.amazonaws.com"}};
    sigv4::signer s;
    sigv4::signature_headers out;
    // Already-encoded wire path: taken as it is.
    ASSERT_FALSE(s.sign({"GET", "/a%20b/./c//d%2B%25", "", hs}, creds, params(sigv4::uri_rules::s3), out));
    auto canonical = s.last_canonical_request();
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 4)), "GET\n/a%20b/./c//d%2B%25");
    // Raw characters are encoded the way the server encodes them.
    ASSERT_FALSE(s.sign({"GET", "/photos/$1 (2).jpg", "", hs}, creds, params(sigv4::uri_rules::s3), out));
    canonical = s.last_canonical_request();
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 4)), "GET\n/photos/%241%20%282%29.jpg");
    // Escapes the server would not write (lower-case hex, unreserved characters, UTF-8)
    // are normalised; already-canonical ones are kept.
    for (auto [wire, expected] : {std::pair{"/a%2b%41%7E", "/a%2BA~"}, std::pair{"/%E1%88%B4", "/%E1%88%B4"},
                                  std::pair{"/%e1%88%b4%20", "/%E1%88%B4%20"}, std::pair{"/x%2F%3F", "/x%2F%3F"}}) {
        ASSERT_FALSE(s.sign({"GET", wire, "", hs}, creds, params(sigv4::uri_rules::s3), out)) << wire;
        canonical = s.last_canonical_request();
        EXPECT_EQ(canonical.substr(4, canonical.find('\n', 4) - 4), expected) << wire;
    }
}

TEST(StandardRules, PathIsNormalisedAndEncodedTwice) {
    sigv4::header hs[] = {{"host", "example.com"}};
    sigv4::signer s;
    sigv4::signature_headers out;
    ASSERT_FALSE(s.sign({"GET", "/a%20b/../c//d/", "", hs}, creds, params(), out));
    auto canonical = s.last_canonical_request();
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 4)), "GET\n/c/d/");
    ASSERT_FALSE(s.sign({"GET", "/a%20b", "", hs}, creds, params(), out));
    canonical = s.last_canonical_request();
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 4)), "GET\n/a%2520b");
}

TEST(Query, SortedEncodedAndPlusIsLiteral) {
    sigv4::header hs[] = {{"host", "example.com"}};
    sigv4::signer s;
    sigv4::signature_headers out;
    ASSERT_FALSE(s.sign({"GET", "/", "prefix=a+b%20c&list-type=2&&delimiter=%2F&empty", hs}, creds, params(), out));
    auto canonical = s.last_canonical_request();
    auto line = canonical.substr(canonical.find('\n', 4) + 1);
    line = line.substr(0, line.find('\n'));
    EXPECT_EQ(line, "delimiter=%2F&empty=&list-type=2&prefix=a%2Bb%20c");
}

TEST(Headers, SignerAddsDateTokenAndContentHash) {
    sigv4::header hs[] = {{"Host", "example.com"}, {"X-Amz-Date", "19990101T000000Z"}, {"User-Agent", "x"}};
    cirrus::auth::credentials temp{"ASIAEXAMPLE", "secret", "the-token", {}};
    auto p = params(sigv4::uri_rules::s3);
    p.content_sha256_header = true;
    p.payload_hash = sigv4::payload::unsigned_payload;
    sigv4::signer s;
    sigv4::signature_headers out;
    ASSERT_FALSE(s.sign({"PUT", "/k", "", hs}, temp, p, out));
    EXPECT_EQ(out.amz_date, "20150830T123600Z");
    EXPECT_EQ(out.content_sha256, "UNSIGNED-PAYLOAD");
    EXPECT_EQ(out.security_token, "the-token");
    EXPECT_NE(out.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
              std::string_view::npos)
        << out.authorization;
    EXPECT_EQ(s.last_canonical_request().find("19990101"), std::string_view::npos);
    EXPECT_EQ(out.authorization.find("secret"), std::string_view::npos);
}

TEST(KeyCache, SameDayReusesKeyAndNewDayDerivesAnother) {
    sigv4::signer s;
    auto p = params();
    const auto& k1 = s.derive_key(creds.secret_access_key, p);
    const auto first = k1;
    EXPECT_EQ(&s.derive_key(creds.secret_access_key, p), &k1);
    p.time += 24h;
    const auto second = s.derive_key(creds.secret_access_key, p);
    EXPECT_NE(first, second);
    p.time -= 24h;
    EXPECT_EQ(s.derive_key(creds.secret_access_key, p), first);
    // The AWS documentation's derived key for 20150830/us-east-1/iam.
    p.service = "iam";
    EXPECT_EQ(cirrus::hex::encode(s.derive_key(creds.secret_access_key, p)),
              "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(PostPolicy, DocumentationExampleSignature) {
    // The worked example of the S3 "POST policy with SigV4" documentation.
    const std::string policy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1w"
        "bGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAg"
        "IHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2Fk"
        "Lmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUx"
        "MjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXot"
        "bWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3"
        "czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlU"
        "MDAwMDAwWiIgfQ0KICBdDQp9";
    using namespace std::chrono;
    sigv4::signer s;
    cirrus::auth::credentials doc{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", {}, {}};
    EXPECT_EQ(sigv4::sign_policy_document(s, doc, "us-east-1", sys_days{year{2015} / 12 / 29}, policy),
              "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e");
}

TEST(PostPolicy, BuildsFormFieldsAndPolicyJson) {
    sigv4::signer s;
    sigv4::post_policy policy{.bucket = "uploads", .expiration = t0() + 1h,
                              .conditions = {sigv4::post_condition::starts_with("key", "user/\"1\"/"),
                                             sigv4::post_condition::equals("Content-Type", "image/png"),
                                             sigv4::post_condition::content_length_range(1, 1048576)}};
    auto form = sigv4::sign_post_policy(s, creds, policy, "us-east-1", t0());
    ASSERT_TRUE(form);
    EXPECT_EQ(form->policy_json,
              "{\"expiration\":\"2015-08-30T13:36:00.000Z\",\"conditions\":[{\"bucket\":\"uploads\"},"
              "[\"starts-with\",\"$key\",\"user/\\\"1\\\"/\"],{\"Content-Type\":\"image/png\"},"
              "[\"content-length-range\",1,1048576],{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"},"
              "{\"x-amz-credential\":\"AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request\"},"
              "{\"x-amz-date\":\"20150830T123600Z\"}]}");
    std::map<std::string, std::string> fields(form->fields.begin(), form->fields.end());
    EXPECT_EQ(fields.at("Content-Type"), "image/png");
    EXPECT_EQ(cirrus::base64::decode(fields.at("policy")), form->policy_json);
    EXPECT_EQ(fields.at("x-amz-signature"),
              sigv4::sign_policy_document(s, creds, "us-east-1", t0(), fields.at("policy")));
    policy.expiration = t0() - 1s;
    EXPECT_EQ(sigv4::sign_post_policy(s, creds, policy, "us-east-1", t0()).error(),
              cirrus::errc::expiry_out_of_range);
}

TEST(Chunked, FramingAndLengths) {
    std::string out;
    sigv4::chunk_signer::append_chunk_header(out, 65536, std::string(64, 'a'));
    EXPECT_EQ(out, "10000;chunk-signature=" + std::string(64, 'a') + "\r\n");
    EXPECT_EQ(sigv4::chunked::hex_digits(0), 1u);
    EXPECT_EQ(sigv4::chunked::hex_digits(0x10000), 5u);
    // 10 bytes in chunks of 4: "4\r\n....\r\n" x2, "2\r\n..\r\n", "0\r\n", trailer, "\r\n"
    const std::string trailer = "x-amz-checksum-crc32c:AAAAAA==";
    EXPECT_EQ(sigv4::chunked::unsigned_encoded_length(10, 4, trailer.size()),
              std::string("4\r\n0123\r\n4\r\n4567\r\n2\r\n89\r\n0\r\n" + trailer + "\r\n\r\n").size());
}

} // namespace
