#pragma once
// Settings of an S3 client.

#include <cirrus/auth/provider.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/options.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace cirrus::s3 {

struct client_options {
    // Empty: $AWS_REGION, $AWS_DEFAULT_REGION, the shared config profile's region, then the
    // provider's default.
    std::string region = {};
    // Overrides the provider's endpoint, e.g. "http://127.0.0.1:7070". Empty:
    // $AWS_ENDPOINT_URL_S3, then $AWS_ENDPOINT_URL, then the provider's (see provider::config).
    std::string endpoint = {};
    // Forces path-style (true) or virtual-hosted (false) addressing; by default the
    // provider's style, and path style for endpoints that are IP addresses or localhost.
    std::optional<bool> path_style = {};
    // Where credentials come from; by default the environment, then the shared files.
    std::optional<auth::any_credentials_provider> credentials = {};
    http::client_options http = {};
    // Check bucket names against the S3 rules before sending (off: only non-empty, no
    // '/', UTF-8, for legacy buckets and providers with looser rules).
    bool strict_bucket_names = true;
    // The checksum of uploads that do not choose one (none: no checksum).
    std::optional<crypto::checksum_algorithm> upload_checksum = {};
    // Data bytes per aws-chunked chunk when a checksum goes in a trailer.
    std::size_t chunk_size = 64 * 1024;
    // SSE-C keys (server_side_encryption::customer_provided, customer_key,
    // source_customer_key) go only over https://, as with the AWS SDKs: over http:// the
    // operation fails with errc::customer_key_needs_tls before anything is sent. True lets
    // them travel in the clear, for a local test server only.
    bool allow_customer_key_over_http = false;
    // SigV4a: sign every request and presigned URL with AWS4-ECDSA-P256-SHA256, valid in
    // this region set ("*" for any region, or "us-east-1,us-west-2"), as S3 Multi-Region
    // Access Points require. Empty: SigV4 for the client's region, except for a
    // Multi-Region Access Point endpoint (a host under accesspoint.s3-global.amazonaws.com),
    // which is signed with SigV4a for "*". See docs/sigv4.md.
    std::string sigv4a_region_set = {};
};

} // namespace cirrus::s3
