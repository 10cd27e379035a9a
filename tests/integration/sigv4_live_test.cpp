// The signer against real servers: versitygw checks header, presigned and chunk
// signatures strictly; moto recomputes header signatures with botocore once its auth is
// on; DynamoDB Local accepts signed JSON requests. Bytes go on the wire through a plain
// Beast exchange, so what is tested is the signature and its framing alone.

#include "support/http_sync.hpp"
#include "support/services.hpp"

#include <cirrus/auth/sigv4.hpp>
#include <cirrus/crypto/checksum.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace sigv4 = cirrus::auth::sigv4;
using cirrus::test::http_response;
using headers_t = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

namespace {

std::string unique_name(std::string_view prefix) {
    std::random_device rd;
    return std::string(prefix) + "-" + std::to_string(rd() % 1000000000u);
}

std::string xml_text(const std::string& body, const std::string& element) {
    auto open = body.find("<" + element + ">");
    if (open == std::string::npos) return {};
    open += element.size() + 2;
    return body.substr(open, body.find("</" + element + ">", open) - open);
}

std::string to_hex(const cirrus::crypto::sha256_digest& d) { return cirrus::hex::encode(d); }

struct signed_sender {
    cirrus::test::endpoint ep;
    cirrus::auth::credentials creds;
    std::string region = "us-east-1";
    std::string service = "s3";
    sigv4::uri_rules rules = sigv4::uri_rules::s3;
    sigv4::signer signer;

    http_response send(std::string_view method, std::string_view path, std::string_view query, headers_t headers,
                       std::string_view body, std::string_view payload_hash = {}, bool content_sha256 = true) {
        std::string computed;
        if (payload_hash.empty()) {
            computed = to_hex(cirrus::crypto::sha256(body));
            payload_hash = computed;
        }
        headers.insert(headers.begin(), {"host", ep.host_header()});
        std::vector<sigv4::header> views;
        for (const auto& [n, v] : headers) views.push_back({n, v});
        sigv4::signing_params params{.region = region, .service = service,
                                     .time = std::chrono::system_clock::now(), .rules = rules,
                                     .payload_hash = payload_hash, .content_sha256_header = content_sha256};
        sigv4::signature_headers out;
        auto ec = signer.sign({method, path, query, views}, creds, params, out);
        EXPECT_FALSE(ec) << ec.message();
        headers.emplace_back("x-amz-date", std::string(out.amz_date));
        if (!out.content_sha256.empty()) headers.emplace_back("x-amz-content-sha256", std::string(out.content_sha256));
        if (!out.security_token.empty()) headers.emplace_back("x-amz-security-token", std::string(out.security_token));
        headers.emplace_back("authorization", std::string(out.authorization));
        last_signature = std::string(out.signature);
        last_time = params.time;
        std::string target(path);
        if (!query.empty()) target += "?" + std::string(query);
        return cirrus::test::http_exchange(ep, method, target, headers, body);
    }

    std::string last_signature;
    std::chrono::system_clock::time_point last_time;
};

class Versitygw : public testing::Test {
protected:
    void SetUp() override {
        cirrus::test::s3_service svc;
        s3.ep = cirrus::test::parse_endpoint(svc.endpoint);
        s3.creds = {svc.access_key, svc.secret_key, {}, {}};
        s3.region = svc.region;
        bucket = unique_name("sigv4-live");
        auto res = s3.send("PUT", "/" + bucket, "", {}, "");
        ASSERT_EQ(res.status, 200u) << res.body;
    }

    std::string object_path(std::string_view key) { return "/" + bucket + "/" + cirrus::uri::encode_path(key); }

    http_response get(std::string_view key) { return s3.send("GET", object_path(key), "", {}, ""); }

    signed_sender s3;
    std::string bucket;
};

TEST_F(Versitygw, HeaderSignedPutAndGetWithAwkwardKeys) {
    for (std::string key : {"plain.txt", "dir/a b+c%d~e.txt", "unicode/\xe1\x88\xb4\xc3\xa9.bin", "x=1&y=2;z,@$!'()*"}) {
        SCOPED_TRACE(key);
        const std::string body = "payload of " + key;
        auto put = s3.send("PUT", object_path(key), "", {{"content-type", "text/plain"}, {"x-amz-meta-origin", "sigv4 test"}}, body);
        ASSERT_EQ(put.status, 200u) << put.body;
        auto got = get(key);
        ASSERT_EQ(got.status, 200u) << got.body;
        EXPECT_EQ(got.body, body);
        EXPECT_EQ(got.headers["x-amz-meta-origin"], "sigv4 test");
    }
    // A listing with a query string the server must canonicalise the same way.
    auto list = s3.send("GET", "/" + bucket, "list-type=2&prefix=dir%2Fa%20b&max-keys=10", {}, "");
    ASSERT_EQ(list.status, 200u) << list.body;
    EXPECT_NE(list.body.find("<Key>dir/a b+c%d~e.txt</Key>"), std::string::npos) << list.body;
}

TEST_F(Versitygw, UnsignedPayloadIsAccepted) {
    auto put = s3.send("PUT", object_path("unsigned.txt"), "", {}, "data", sigv4::payload::unsigned_payload);
    ASSERT_EQ(put.status, 200u) << put.body;
    EXPECT_EQ(get("unsigned.txt").body, "data");
}

TEST_F(Versitygw, WrongSecretIsSignatureDoesNotMatch) {
    signed_sender wrong;
    wrong.ep = s3.ep;
    wrong.creds = {s3.creds.access_key_id, "not-the-secret", {}, {}};
    auto res = wrong.send("GET", "/" + bucket, "", {}, "");
    EXPECT_EQ(res.status, 403u);
    EXPECT_EQ(xml_text(res.body, "Code"), "SignatureDoesNotMatch") << res.body;
    EXPECT_EQ(res.body.find("not-the-secret"), std::string::npos);
}

TEST_F(Versitygw, WrongPayloadHashIsRejected) {
    auto res = s3.send("PUT", object_path("tampered.txt"), "", {}, "actual body",
                       to_hex(cirrus::crypto::sha256("another body")));
    EXPECT_GE(res.status, 400u);
    EXPECT_EQ(get("tampered.txt").status, 404u);
}

TEST_F(Versitygw, PresignedGetAndPut) {
    ASSERT_EQ(s3.send("PUT", object_path("shared/report 1.csv"), "", {}, "a,b\n1,2\n").status, 200u);
    const std::string host = s3.ep.host_header();
    sigv4::header hs[] = {{"host", host}};
    sigv4::signing_params params{.region = s3.region, .service = "s3", .time = std::chrono::system_clock::now(),
                                 .rules = sigv4::uri_rules::s3, .payload_hash = sigv4::payload::unsigned_payload};
    const auto path = object_path("shared/report 1.csv");
    auto query = s3.signer.presign({"GET", path, "", hs}, s3.creds, params, 300s);
    ASSERT_TRUE(query);
    auto res = cirrus::test::http_exchange(s3.ep, "GET", path + "?" + *query, {{"host", host}});
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.body, "a,b\n1,2\n");

    // One changed signature character: rejected.
    auto tampered = *query;
    auto sig = tampered.find("X-Amz-Signature=") + 16;
    tampered[sig] = tampered[sig] == '0' ? '1' : '0';
    res = cirrus::test::http_exchange(s3.ep, "GET", path + "?" + tampered, {{"host", host}});
    EXPECT_EQ(res.status, 403u);
    EXPECT_EQ(xml_text(res.body, "Code"), "SignatureDoesNotMatch") << res.body;

    // Expired: signed two hours ago for one hour.
    params.time = std::chrono::system_clock::now() - 2h;
    auto expired = s3.signer.presign({"GET", path, "", hs}, s3.creds, params, 3600s);
    ASSERT_TRUE(expired);
    res = cirrus::test::http_exchange(s3.ep, "GET", path + "?" + *expired, {{"host", host}});
    EXPECT_EQ(res.status, 403u) << res.body;

    // Presigned PUT, then read back with a header-signed GET.
    params.time = std::chrono::system_clock::now();
    const auto put_path = object_path("uploads/from browser.txt");
    auto put_query = s3.signer.presign({"PUT", put_path, "", hs}, s3.creds, params, 60s);
    ASSERT_TRUE(put_query);
    res = cirrus::test::http_exchange(s3.ep, "PUT", put_path + "?" + *put_query, {{"host", host}}, "uploaded");
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(get("uploads/from browser.txt").body, "uploaded");
}

std::string make_body(std::size_t n) {
    std::string body(n, '\0');
    std::mt19937 rng(42);
    for (auto& c : body) c = static_cast<char>('a' + rng() % 26);
    return body;
}

// Builds a signed aws-chunked body for `data` after the seed request is signed.
std::string signed_chunked_body(sigv4::chunk_signer& chunks, std::string_view data, std::size_t chunk_size) {
    std::string out;
    for (std::size_t off = 0; off < data.size(); off += chunk_size) {
        auto piece = data.substr(off, chunk_size);
        sigv4::chunk_signer::append_chunk_header(out, piece.size(), chunks.sign_chunk(piece));
        out.append(piece);
        out.append("\r\n");
    }
    sigv4::chunk_signer::append_chunk_header(out, 0, chunks.sign_chunk(std::string_view{}));
    out.append("\r\n");
    return out;
}

TEST_F(Versitygw, AwsChunkedSignedUpload) {
    const std::string data = make_body(150000);
    constexpr std::size_t chunk = 65536;
    const std::string path = object_path("chunked/signed.bin");
    const auto encoded_length = sigv4::chunked::signed_encoded_length(data.size(), chunk);
    headers_t headers{{"host", s3.ep.host_header()},
                      {"content-encoding", "aws-chunked"},
                      {"content-length", std::to_string(encoded_length)},
                      {"x-amz-decoded-content-length", std::to_string(data.size())}};
    std::vector<sigv4::header> views;
    for (const auto& [n, v] : headers) views.push_back({n, v});
    sigv4::signing_params params{.region = s3.region, .service = "s3", .time = std::chrono::system_clock::now(),
                                 .rules = sigv4::uri_rules::s3, .payload_hash = sigv4::payload::streaming_signed,
                                 .content_sha256_header = true};
    sigv4::signature_headers out;
    ASSERT_FALSE(s3.signer.sign({"PUT", path, "", views}, s3.creds, params, out));
    headers.emplace_back("x-amz-date", std::string(out.amz_date));
    headers.emplace_back("x-amz-content-sha256", std::string(out.content_sha256));
    headers.emplace_back("authorization", std::string(out.authorization));
    auto chunks = sigv4::make_chunk_signer(s3.signer, s3.creds, params, out.signature);
    const std::string body = signed_chunked_body(chunks, data, chunk);
    ASSERT_EQ(body.size(), encoded_length);

    auto res = cirrus::test::http_exchange(s3.ep, "PUT", path, headers, body);
    ASSERT_EQ(res.status, 200u) << res.body;
    auto got = get("chunked/signed.bin");
    ASSERT_EQ(got.status, 200u);
    EXPECT_EQ(got.body, data);

    // The same framing with one data byte changed after signing: the chunk signature fails.
    std::string tampered = body;
    tampered[tampered.find("\r\n") + 100] ^= 1;
    const std::string bad_path = object_path("chunked/tampered.bin");
    headers_t bad_headers(headers.begin(), headers.begin() + 4);
    views.clear();
    for (const auto& [n, v] : bad_headers) views.push_back({n, v});
    params.time = std::chrono::system_clock::now();
    ASSERT_FALSE(s3.signer.sign({"PUT", bad_path, "", views}, s3.creds, params, out));
    bad_headers.emplace_back("x-amz-date", std::string(out.amz_date));
    bad_headers.emplace_back("x-amz-content-sha256", std::string(out.content_sha256));
    bad_headers.emplace_back("authorization", std::string(out.authorization));
    auto chunks2 = sigv4::make_chunk_signer(s3.signer, s3.creds, params, out.signature);
    std::string body2 = signed_chunked_body(chunks2, data, chunk);
    body2[body2.find("\r\n") + 100] ^= 1;
    res = cirrus::test::http_exchange(s3.ep, "PUT", bad_path, bad_headers, body2);
    EXPECT_GE(res.status, 400u) << res.body;
    EXPECT_EQ(get("chunked/tampered.bin").status, 404u);
}

TEST_F(Versitygw, AwsChunkedUnsignedPayloadWithCrc32cTrailer) {
    const std::string data = make_body(70000);
    constexpr std::size_t chunk = 16384;
    const auto checksum = cirrus::crypto::compute_checksum(cirrus::crypto::checksum_algorithm::crc32c, data);
    auto upload = [&](std::string_view key, std::string_view trailer_value) {
        const std::string trailer = "x-amz-checksum-crc32c:" + std::string(trailer_value);
        const auto encoded = sigv4::chunked::unsigned_encoded_length(data.size(), chunk, trailer.size());
        std::string body;
        for (std::size_t off = 0; off < data.size(); off += chunk) {
            auto piece = std::string_view(data).substr(off, chunk);
            char digits[16];
            body.append(digits, sigv4::chunked::write_hex_size(piece.size(), digits));
            body += "\r\n";
            body += piece;
            body += "\r\n";
        }
        body += "0\r\n" + trailer + "\r\n\r\n";
        EXPECT_EQ(body.size(), encoded);
        return s3.send("PUT", object_path(key), "",
                       {{"content-encoding", "aws-chunked"},
                        {"content-length", std::to_string(encoded)},
                        {"x-amz-decoded-content-length", std::to_string(data.size())},
                        {"x-amz-trailer", "x-amz-checksum-crc32c"}},
                       body, sigv4::payload::streaming_unsigned_trailer);
    };
    auto res = upload("trailer/ok.bin", checksum.view());
    ASSERT_EQ(res.status, 200u) << res.body;
    auto got = s3.send("GET", object_path("trailer/ok.bin"), "", {{"x-amz-checksum-mode", "ENABLED"}}, "");
    ASSERT_EQ(got.status, 200u);
    EXPECT_EQ(got.body, data);
    EXPECT_EQ(got.headers["x-amz-checksum-crc32c"], checksum.view());

    // A trailer that does not match the data: refused, nothing stored.
    const auto wrong = cirrus::crypto::compute_checksum(cirrus::crypto::checksum_algorithm::crc32c, "other");
    res = upload("trailer/bad.bin", wrong.view());
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_EQ(get("trailer/bad.bin").status, 404u);
}

// Signed chunks and a signed checksum trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER):
//   ... 0;chunk-signature=<sig>\r\nx-amz-checksum-<alg>:<base64>\r\nx-amz-trailer-signature:<sig>\r\n\r\n
// `tamper` may change the body after every signature is made.
enum class trailer_tamper { none, value, signature };

http_response signed_trailer_upload(signed_sender& s3, const std::string& path, std::string_view query,
                                    std::string_view data, cirrus::crypto::checksum_algorithm a, std::size_t chunk,
                                    trailer_tamper tamper = trailer_tamper::none) {
    const std::string name(cirrus::crypto::checksum_header_name(a));
    const std::string line = name + ":" + cirrus::crypto::compute_checksum(a, data).str();
    const auto encoded_length = sigv4::chunked::signed_trailer_encoded_length(data.size(), chunk, line.size());
    headers_t headers{{"host", s3.ep.host_header()},
                      {"content-encoding", "aws-chunked"},
                      {"content-length", std::to_string(encoded_length)},
                      {"x-amz-decoded-content-length", std::to_string(data.size())},
                      {"x-amz-trailer", name}};
    std::vector<sigv4::header> views;
    for (const auto& [n, v] : headers) views.push_back({n, v});
    sigv4::signing_params params{.region = s3.region, .service = "s3", .time = std::chrono::system_clock::now(),
                                 .rules = sigv4::uri_rules::s3,
                                 .payload_hash = sigv4::payload::streaming_signed_trailer,
                                 .content_sha256_header = true};
    sigv4::signature_headers out;
    EXPECT_FALSE(s3.signer.sign({"PUT", path, query, views}, s3.creds, params, out));
    headers.emplace_back("x-amz-date", std::string(out.amz_date));
    headers.emplace_back("x-amz-content-sha256", std::string(out.content_sha256));
    headers.emplace_back("authorization", std::string(out.authorization));
    auto chunks = sigv4::make_chunk_signer(s3.signer, s3.creds, params, out.signature);
    std::string body;
    for (std::size_t off = 0; off < data.size(); off += chunk) {
        auto piece = data.substr(off, chunk);
        sigv4::chunk_signer::append_chunk_header(body, piece.size(), chunks.sign_chunk(piece));
        body.append(piece);
        body.append("\r\n");
    }
    sigv4::chunk_signer::append_chunk_header(body, 0, chunks.sign_chunk(std::string_view{}));
    const std::size_t value_at = body.size() + name.size() + 1;
    body += line + "\r\n";
    body += "x-amz-trailer-signature:" + std::string(chunks.sign_trailer(line + "\n")) + "\r\n\r\n";
    EXPECT_EQ(body.size(), encoded_length);
    if (tamper == trailer_tamper::value) {
        // A well-formed checksum of other data, in place of the signed one.
        const auto other = cirrus::crypto::compute_checksum(a, "other data");
        body.replace(value_at, other.view().size(), other.view());
    } else if (tamper == trailer_tamper::signature) {
        const std::size_t sig_at = body.size() - 4 - 64;
        body[sig_at] = body[sig_at] == '0' ? '1' : '0';
    }
    std::string target = path;
    if (!query.empty()) target += "?" + std::string(query);
    return cirrus::test::http_exchange(s3.ep, "PUT", target, headers, body);
}

TEST_F(Versitygw, AwsChunkedSignedTrailerIsVerified) {
    using alg = cirrus::crypto::checksum_algorithm;
    const std::string data = make_body(70000);
    for (alg a : {alg::crc32c, alg::crc64nvme, alg::sha256}) {
        const std::string key = "signed-trailer/" + std::string(cirrus::crypto::algorithm_name(a));
        SCOPED_TRACE(key);
        auto res = signed_trailer_upload(s3, object_path(key), "", data, a, 16384);
        ASSERT_EQ(res.status, 200u) << res.body;
        auto got = s3.send("GET", object_path(key), "", {{"x-amz-checksum-mode", "ENABLED"}}, "");
        ASSERT_EQ(got.status, 200u);
        EXPECT_EQ(got.body, data);
        EXPECT_EQ(got.headers[std::string(cirrus::crypto::checksum_header_name(a))],
                  cirrus::crypto::compute_checksum(a, data).view());
    }

    // A trailer value changed after signing: the data no longer match it.
    auto res = signed_trailer_upload(s3, object_path("signed-trailer/bad-value"), "", data, alg::crc32c, 16384,
                                     trailer_tamper::value);
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_EQ(xml_text(res.body, "Code"), "BadDigest") << res.body;
    EXPECT_EQ(get("signed-trailer/bad-value").status, 404u);

    // The right value under a trailer signature with one character changed.
    res = signed_trailer_upload(s3, object_path("signed-trailer/bad-signature"), "", data, alg::crc32c, 16384,
                                trailer_tamper::signature);
    EXPECT_EQ(res.status, 403u) << res.body;
    EXPECT_EQ(xml_text(res.body, "Code"), "SignatureDoesNotMatch") << res.body;
    EXPECT_EQ(get("signed-trailer/bad-signature").status, 404u);
}

TEST_F(Versitygw, AwsChunkedSignedTrailerOnUploadPart) {
    using alg = cirrus::crypto::checksum_algorithm;
    const std::string key = "signed-trailer/multipart.bin";
    auto created = s3.send("POST", object_path(key), "uploads=", {{"x-amz-checksum-algorithm", "SHA256"}}, "");
    ASSERT_EQ(created.status, 200u) << created.body;
    const std::string upload_id = xml_text(created.body, "UploadId");
    ASSERT_FALSE(upload_id.empty()) << created.body;
    const std::string query = "partNumber=1&uploadId=" + cirrus::uri::encode(upload_id);
    const std::string data = make_body(40000);

    auto bad = signed_trailer_upload(s3, object_path(key), query, data, alg::sha256, 8192, trailer_tamper::signature);
    EXPECT_EQ(bad.status, 403u) << bad.body;
    EXPECT_EQ(xml_text(bad.body, "Code"), "SignatureDoesNotMatch") << bad.body;

    auto part = signed_trailer_upload(s3, object_path(key), query, data, alg::sha256, 8192);
    ASSERT_EQ(part.status, 200u) << part.body;
    const std::string value = cirrus::crypto::compute_checksum(alg::sha256, data).str();
    EXPECT_EQ(part.headers["x-amz-checksum-sha256"], value);
    const std::string complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                                 part.headers["etag"] + "</ETag><ChecksumSHA256>" + value +
                                 "</ChecksumSHA256></Part></CompleteMultipartUpload>";
    auto done = s3.send("POST", object_path(key), "uploadId=" + cirrus::uri::encode(upload_id), {}, complete);
    ASSERT_EQ(done.status, 200u) << done.body;
    EXPECT_EQ(get(key).body, data);
}

// ---- moto: signatures recomputed by botocore --------------------------------------------

class Moto : public testing::Test {
protected:
    void SetUp() override {
        ep = cirrus::test::parse_endpoint(cirrus::test::moto_endpoint());
        control("/moto-api/reset-auth", "inf", "text/plain");
        control("/moto-api/reset", "", "text/plain");
        // An IAM user with a key and a policy, created while auth is off.
        admin.ep = ep;
        admin.creds = {"AKIAADMINEXAMPLE", "admin-secret", {}, {}};
        admin.service = "iam";
        admin.rules = sigv4::uri_rules::standard;
        ASSERT_EQ(iam(admin, "Action=CreateUser&UserName=signer-test&Version=2010-05-08").status, 200u);
        ASSERT_EQ(iam(admin, "Action=PutUserPolicy&UserName=signer-test&PolicyName=all&Version=2010-05-08"
                             "&PolicyDocument=" + cirrus::uri::encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"))
                      .status,
                  200u);
        auto key = iam(admin, "Action=CreateAccessKey&UserName=signer-test&Version=2010-05-08");
        ASSERT_EQ(key.status, 200u) << key.body;
        user.ep = ep;
        user.creds = {xml_text(key.body, "AccessKeyId"), xml_text(key.body, "SecretAccessKey"), {}, {}};
        user.rules = sigv4::uri_rules::standard;
        ASSERT_FALSE(user.creds.access_key_id.empty());
        control("/moto-api/reset-auth", "0", "text/plain");
    }
    void TearDown() override { control("/moto-api/reset-auth", "inf", "text/plain"); }

    void control(const std::string& path, const std::string& body, const std::string& type) {
        auto res = cirrus::test::http_exchange(ep, "POST", path, {{"host", ep.host_header()}, {"content-type", type}}, body);
        ASSERT_EQ(res.status, 200u) << path << ": " << res.body;
    }

    static http_response iam(signed_sender& s, const std::string& form) {
        s.service = "iam";
        return s.send("POST", "/", "", {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}}, form, {},
                      false);
    }
    static http_response sts(signed_sender& s) {
        s.service = "sts";
        return s.send("POST", "/", "", {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}},
                      "Action=GetCallerIdentity&Version=2011-06-15", {}, false);
    }

    cirrus::test::endpoint ep;
    signed_sender admin, user;
};

TEST_F(Moto, StsAndIamAcceptTheSignature) {
    auto who = sts(user);
    ASSERT_EQ(who.status, 200u) << who.body;
    EXPECT_NE(xml_text(who.body, "Arn").find("user/signer-test"), std::string::npos) << who.body;
    auto users = iam(user, "Action=ListUsers&Version=2010-05-08");
    ASSERT_EQ(users.status, 200u) << users.body;
    EXPECT_NE(users.body.find("<UserName>signer-test</UserName>"), std::string::npos);
}

TEST_F(Moto, WrongSecretAndUnknownKeyAreRejected) {
    signed_sender wrong;
    wrong.ep = ep;
    wrong.rules = sigv4::uri_rules::standard;
    wrong.creds = {user.creds.access_key_id, "wrong-secret", {}, {}};
    auto res = sts(wrong);
    EXPECT_EQ(res.status, 403u);
    EXPECT_EQ(xml_text(res.body, "Code"), "SignatureDoesNotMatch") << res.body;
    wrong.creds = {"AKIANOSUCHKEY0000000", "whatever", {}, {}};
    res = sts(wrong);
    EXPECT_EQ(res.status, 403u);
    EXPECT_EQ(xml_text(res.body, "Code"), "InvalidClientTokenId") << res.body;
}

// ---- DynamoDB Local ------------------------------------------------------------------------

TEST(DynamodbLocal, SignedJsonRequestsAreServed) {
    signed_sender ddb;
    ddb.ep = cirrus::test::parse_endpoint(cirrus::test::dynamodb_endpoint());
    ddb.creds = {"cirrus", "cirrus-secret", {}, {}};
    ddb.service = "dynamodb";
    ddb.rules = sigv4::uri_rules::standard;
    const std::string table = unique_name("sigv4_live");
    const headers_t json{{"content-type", "application/x-amz-json-1.0"}};
    auto target = [&](std::string op) {
        auto h = json;
        h.emplace_back("x-amz-target", "DynamoDB_20120810." + op);
        return h;
    };
    auto res = ddb.send("POST", "/", "", target("CreateTable"),
                        R"({"TableName":")" + table + R"(","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
                        R"("KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})",
                        {}, false);
    ASSERT_EQ(res.status, 200u) << res.body;
    res = ddb.send("POST", "/", "", target("ListTables"), "{}", {}, false);
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_NE(res.body.find(table), std::string::npos) << res.body;
    res = ddb.send("POST", "/", "", target("DeleteTable"), R"({"TableName":")" + table + R"("})", {}, false);
    EXPECT_EQ(res.status, 200u) << res.body;
}

} // namespace
