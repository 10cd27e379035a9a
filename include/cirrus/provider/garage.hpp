#pragma once
// Garage, the self-hosted distributed object store: path style (virtual hosts need its
// root_domain), http://127.0.0.1:3900 unless configured otherwise.
//
// What Garage 2.5 offers, found by trying: no versioning, tagging, ACLs, bucket policies or
// object lock (each answers NotImplemented), and If-None-Match on PutObject is ignored, so
// none of those is declared; lifecycle (expiration rules), CORS, POST forms, SSE-C and all
// five checksums work. It verifies a signed checksum trailer over a string to sign that
// starts "AWS4-HMAC-SHA256-PAYLOAD" where SigV4 says "AWS4-HMAC-SHA256-TRAILER", so it
// refuses correctly signed trailers and gets unsigned ones (signed_trailers = false). It
// reads aws-chunked bodies more than twice as slowly as plain ones, so a file's checksum
// goes in a header where the client may choose (prefer_trailers = false).

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct garage : defaults {
    static constexpr std::string_view name = "garage";
    static constexpr provider::features features{
        .lifecycle = true,
        .presigned_post = true,
        .checksums = all_checksums,
        .signed_trailers = false,
        .prefer_trailers = false,
    };
    static std::string endpoint(std::string_view, std::string_view) { return "http://127.0.0.1:3900"; }
};

} // namespace cirrus::provider
