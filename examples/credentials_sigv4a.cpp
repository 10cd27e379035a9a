// Where credentials come from, and a SigV4a signature.
//
// 1. Resolves credentials the way the AWS SDKs do, with the sources that talk to a
//    service: the environment, the shared files, the ECS/EKS container endpoint
//    (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI), the EC2 instance metadata
//    service (IMDSv2; AWS_EC2_METADATA_DISABLED=true skips it), behind a cache that
//    refreshes them ahead of their expiry. Prints the key id, never the secret.
// 2. Signs an S3 GET for a Multi-Region Access Point with SigV4a (ECDSA P-256, valid in
//    every region), presigns the same request, and verifies the signature with the public
//    key derived from the credentials.
//
//   AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret ./credentials_sigv4a

#include <cirrus/auth/async_chain.hpp>
#include <cirrus/auth/sigv4a.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace asio = boost::asio;
namespace auth = cirrus::auth;
namespace sigv4a = cirrus::auth::sigv4a;

asio::awaitable<int> run() {
    // 1. The chain, cached; any client takes it as client_options::credentials.
    auth::any_credentials_provider provider(auth::caching_provider(auth::default_async_chain()));
    cirrus::diagnostics diag;
    auto creds = co_await provider.async_get_shared(std::chrono::system_clock::now(), diag);
    if (!creds) {
        std::printf("no credentials: %s (%s)\n", creds.error().message().c_str(), diag.message.c_str());
        co_return 1;
    }
    std::printf("credentials: access key id %s%s\n", (*creds)->access_key_id.c_str(),
                (*creds)->temporary() ? " (temporary)" : "");

    // 2. SigV4a for any region.
    const std::string host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
    const auth::sigv4::header headers[] = {{"host", host}};
    const sigv4a::signing_params params{.region_set = "*",
                                        .service = "s3",
                                        .time = std::chrono::system_clock::now(),
                                        .rules = auth::sigv4::uri_rules::s3,
                                        .payload_hash = cirrus::crypto::empty_sha256_hex,
                                        .content_sha256_header = true};
    sigv4a::signer signer;
    sigv4a::signature_headers out;
    if (auto ec = signer.sign({"GET", "/reports/2026.csv", "", headers}, **creds, params, out)) {
        std::printf("signing failed: %s\n", ec.message().c_str());
        co_return 1;
    }
    std::printf("X-Amz-Region-Set: %.*s\nAuthorization: %.*s\n", static_cast<int>(out.region_set.size()),
                out.region_set.data(), static_cast<int>(out.authorization.size()), out.authorization.data());

    auto key = signer.key_for(**creds); // cached: derived once per access key
    auto der = cirrus::hex::decode(out.signature);
    const bool valid =
        key && der &&
        sigv4a::key_pair::verify_digest(key->public_x(), key->public_y(),
                                        cirrus::crypto::sha256(signer.last_string_to_sign()),
                                        std::span(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()));
    std::printf("public key x=%s\nsignature verifies: %s\n", cirrus::hex::encode(key->public_x()).c_str(),
                valid ? "yes" : "no");

    auto query = signer.presign({"GET", "/reports/2026.csv", "", headers}, **creds, params, std::chrono::minutes(15));
    if (!query) co_return 1;
    std::printf("presigned: https://%s/reports/2026.csv?%s\n", host.c_str(), query->c_str());
    co_return valid ? 0 : 1;
}

int main() {
    asio::io_context io;
    auto result = asio::co_spawn(io, run(), asio::use_future);
    io.run();
    return result.get();
}
