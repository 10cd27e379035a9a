// Signs requests with cirrus and sends them to S3, STS, IAM and DynamoDB endpoints:
// a bucket, an upload (whole and aws-chunked), a presigned download link, the caller's
// identity, a DynamoDB table with an item.
//
// Endpoints and keys come from the environment (scripts/services.sh env prints them):
//   CIRRUS_S3_ENDPOINT, CIRRUS_S3_ACCESS_KEY, CIRRUS_S3_SECRET_KEY, CIRRUS_S3_REGION,
//   CIRRUS_MOTO_ENDPOINT (STS and IAM), CIRRUS_DYNAMODB_ENDPOINT.
// The HTTP exchange is a plain synchronous Beast one, to show exactly which headers a
// signature adds; the cirrus clients do all of this for you.

#include <cirrus/auth/sigv4.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace sigv4 = cirrus::auth::sigv4;

namespace {

std::string env(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

struct endpoint {
    std::string host, port;
    explicit endpoint(std::string url) {
        if (url.starts_with("http://")) url.erase(0, 7);
        auto colon = url.rfind(':');
        host = url.substr(0, colon);
        port = url.substr(colon + 1);
    }
    std::string authority() const { return host + ":" + port; }
};

struct reply {
    unsigned status;
    std::string body;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

reply exchange(const endpoint& ep, std::string_view method, const std::string& target, const header_list& headers,
               const std::string& body) {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(boost::asio::ip::tcp::resolver(ioc).resolve(ep.host, ep.port));
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    for (const auto& [n, v] : headers) req.insert(n, v);
    req.body() = body;
    if (req.find(http::field::content_length) == req.end()) req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return {res.result_int(), res.body()};
}

// Signs and sends one request; the body's SHA-256 is the payload hash unless one is given.
class signed_client {
public:
    signed_client(endpoint ep, cirrus::auth::credentials creds, std::string region, std::string service,
                  sigv4::uri_rules rules)
        : ep_(std::move(ep)), creds_(std::move(creds)), region_(std::move(region)), service_(std::move(service)),
          rules_(rules) {}

    reply send(std::string_view method, const std::string& path, const std::string& query, header_list headers,
               const std::string& body, std::string_view payload_hash = {}) {
        std::string hash;
        if (payload_hash.empty()) {
            hash = cirrus::hex::encode(cirrus::crypto::sha256(body));
            payload_hash = hash;
        }
        headers.insert(headers.begin(), {"host", ep_.authority()});
        std::vector<sigv4::header> view;
        for (const auto& [n, v] : headers) view.push_back({n, v});
        sigv4::signing_params params{.region = region_, .service = service_,
                                     .time = std::chrono::system_clock::now(), .rules = rules_,
                                     .payload_hash = payload_hash,
                                     .content_sha256_header = service_ == "s3"};
        sigv4::signature_headers sig;
        if (auto ec = signer_.sign({method, path, query, view}, creds_, params, sig)) {
            std::cerr << "cannot sign: " << ec.message() << "\n";
            std::exit(1);
        }
        headers.emplace_back("x-amz-date", sig.amz_date);
        if (!sig.content_sha256.empty()) headers.emplace_back("x-amz-content-sha256", sig.content_sha256);
        if (!sig.security_token.empty()) headers.emplace_back("x-amz-security-token", sig.security_token);
        headers.emplace_back("authorization", sig.authorization);
        return exchange(ep_, method, query.empty() ? path : path + "?" + query, headers, body);
    }

    std::string presign_get(const std::string& path, std::chrono::seconds expires) {
        const std::string authority = ep_.authority(); // headers are views: keep the string alive
        sigv4::header host[] = {{"host", authority}};
        sigv4::signing_params params{.region = region_, .service = service_,
                                     .time = std::chrono::system_clock::now(), .rules = rules_,
                                     .payload_hash = sigv4::payload::unsigned_payload};
        auto query = signer_.presign({"GET", path, "", host}, creds_, params, expires);
        return query ? path + "?" + *query : std::string{};
    }

    const endpoint& where() const { return ep_; }

private:
    endpoint ep_;
    cirrus::auth::credentials creds_;
    std::string region_, service_;
    sigv4::uri_rules rules_;
    sigv4::signer signer_;
};

int failures = 0;

void report(const char* step, const reply& r, unsigned expected = 200) {
    const bool ok = r.status == expected;
    failures += ok ? 0 : 1;
    std::printf("  %-48s HTTP %u %s\n", step, r.status, ok ? "ok" : "UNEXPECTED");
    if (!ok) std::printf("    %s\n", r.body.substr(0, 300).c_str());
}

} // namespace

int main() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const std::string suffix = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());

    std::puts("S3 (versitygw: checks header, presigned and chunk signatures)");
    signed_client s3(endpoint(env("CIRRUS_S3_ENDPOINT", "http://127.0.0.1:7070")),
                     {env("CIRRUS_S3_ACCESS_KEY", "cirrusadmin"),
                      env("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789"), {}, {}},
                     env("CIRRUS_S3_REGION", "us-east-1"), "s3", sigv4::uri_rules::s3);
    const std::string bucket = "/demo-" + suffix;
    report("CreateBucket", s3.send("PUT", bucket, "", {}, ""));
    const std::string key = bucket + "/" + cirrus::uri::encode_path("reports/2026 q4 (final).csv");
    report("PutObject (SHA-256 payload)", s3.send("PUT", key, "", {{"content-type", "text/csv"}}, "region,total\neu,42\n"));

    // aws-chunked: the seed signature covers the headers, each chunk is signed after it.
    const std::string big(200 * 1024, 'x');
    const std::size_t chunk = 64 * 1024;
    const std::string chunked_key = bucket + "/streamed.bin";
    {
        header_list headers{{"host", s3.where().authority()},
                            {"content-encoding", "aws-chunked"},
                            {"content-length", std::to_string(sigv4::chunked::signed_encoded_length(big.size(), chunk))},
                            {"x-amz-decoded-content-length", std::to_string(big.size())}};
        std::vector<sigv4::header> view;
        for (const auto& [n, v] : headers) view.push_back({n, v});
        cirrus::auth::credentials creds{env("CIRRUS_S3_ACCESS_KEY", "cirrusadmin"),
                                        env("CIRRUS_S3_SECRET_KEY", "cirrus-versity-secret-0123456789"), {}, {}};
        const std::string region = env("CIRRUS_S3_REGION", "us-east-1");
        sigv4::signer signer;
        sigv4::signing_params params{.region = region, .service = "s3", .time = std::chrono::system_clock::now(),
                                     .rules = sigv4::uri_rules::s3, .payload_hash = sigv4::payload::streaming_signed,
                                     .content_sha256_header = true};
        sigv4::signature_headers sig;
        if (!signer.sign({"PUT", chunked_key, "", view}, creds, params, sig)) {
            headers.emplace_back("x-amz-date", sig.amz_date);
            headers.emplace_back("x-amz-content-sha256", sig.content_sha256);
            headers.emplace_back("authorization", sig.authorization);
            auto chunks = sigv4::make_chunk_signer(signer, creds, params, sig.signature);
            std::string body;
            for (std::size_t off = 0; off < big.size(); off += chunk) {
                std::string_view piece = std::string_view(big).substr(off, chunk);
                sigv4::chunk_signer::append_chunk_header(body, piece.size(), chunks.sign_chunk(piece));
                body.append(piece);
                body.append("\r\n");
            }
            sigv4::chunk_signer::append_chunk_header(body, 0, chunks.sign_chunk(std::string_view{}));
            body.append("\r\n");
            report("PutObject (aws-chunked, 4 signed chunks)", exchange(s3.where(), "PUT", chunked_key, headers, body));
        }
    }
    const std::string link = s3.presign_get(key, std::chrono::minutes(5));
    auto fetched = exchange(s3.where(), "GET", link, {{"host", s3.where().authority()}}, "");
    report("GET with a presigned URL (no credentials)", fetched);
    report("ListObjectsV2", s3.send("GET", bucket, "list-type=2", {}, ""));

    std::puts("STS and IAM (moto)");
    const endpoint moto(env("CIRRUS_MOTO_ENDPOINT", "http://127.0.0.1:5055"));
    const cirrus::auth::credentials demo_creds{"AKIADEMOEXAMPLE00000", "demo-secret", {}, {}};
    signed_client sts(moto, demo_creds, "us-east-1", "sts", sigv4::uri_rules::standard);
    signed_client iam(moto, demo_creds, "us-east-1", "iam", sigv4::uri_rules::standard);
    const header_list form{{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    report("GetCallerIdentity", sts.send("POST", "/", "", form, "Action=GetCallerIdentity&Version=2011-06-15"));
    report("CreateUser", iam.send("POST", "/", "", form, "Action=CreateUser&UserName=demo-" + suffix + "&Version=2010-05-08"));
    report("ListUsers", iam.send("POST", "/", "", form, "Action=ListUsers&Version=2010-05-08"));

    std::puts("DynamoDB (DynamoDB Local)");
    signed_client ddb(endpoint(env("CIRRUS_DYNAMODB_ENDPOINT", "http://127.0.0.1:8077")),
                      {"cirrusdemo", "cirrus-demo-secret", {}, {}}, "us-east-1", "dynamodb",
                      sigv4::uri_rules::standard);
    auto op = [](const char* name) {
        return header_list{{"content-type", "application/x-amz-json-1.0"},
                           {"x-amz-target", std::string("DynamoDB_20120810.") + name}};
    };
    const std::string table = "demo_" + suffix;
    report("CreateTable", ddb.send("POST", "/", "", op("CreateTable"),
                                   R"({"TableName":")" + table +
                                       R"(","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
                                       R"("KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})"));
    report("PutItem", ddb.send("POST", "/", "", op("PutItem"),
                               R"({"TableName":")" + table + R"(","Item":{"id":{"S":"eu"},"total":{"N":"42"}}})"));
    auto item = ddb.send("POST", "/", "", op("GetItem"), R"({"TableName":")" + table + R"(","Key":{"id":{"S":"eu"}}})");
    report("GetItem", item);
    report("DeleteTable", ddb.send("POST", "/", "", op("DeleteTable"), R"({"TableName":")" + table + R"("})"));

    std::printf("%s\n", failures == 0 ? "All signed requests were accepted." : "Some requests failed.");
    return failures == 0 ? 0 : 1;
}
