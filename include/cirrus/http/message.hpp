#pragma once
// One HTTP exchange as the service clients describe it: a request (views of the caller's
// strings, a body source, a response sink, how to sign) and the response it produced.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/body.hpp>
#include <cirrus/http/endpoint.hpp>
#include <cirrus/http/headers.hpp>
#include <cirrus/http/payload_signing.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cirrus::http {

using verb = boost::beast::http::verb;
using header = auth::sigv4::header; // {name, value}, both views
using fields = boost::beast::http::fields;

struct signing_options {
    const auth::credentials* credentials = nullptr; // null: the request goes out unsigned
    std::string_view region = {};
    std::string_view service = {};
    auth::sigv4::uri_rules rules = auth::sigv4::uri_rules::standard;
    payload_signing payload = payload_signing::automatic;
    std::string_view payload_hash = {}; // for payload_signing::precomputed
    bool content_sha256_header = false; // send and sign x-amz-content-sha256 (S3)
    std::size_t chunk_size = 64 * 1024; // aws-chunked data bytes per chunk
    // A checksum of the body, computed while it is sent and sent after it as an aws-chunked
    // trailer (x-amz-trailer: x-amz-checksum-<alg>). The body's size must be known.
    //   streaming:        signed chunks and a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)
    //   unsigned_payload: plain chunks and an unsigned trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
    //   automatic:        signed over plain HTTP, unsigned over TLS
    // sha256 and precomputed cannot carry a trailer (errc::invalid_argument). An unsigned
    // request (no credentials) gets the unsigned form.
    std::optional<crypto::checksum_algorithm> trailer_checksum = {};
    // SigV4a: when set, the request is signed with AWS4-ECDSA-P256-SHA256 for this region
    // set ("*", or regions separated by commas) instead of SigV4 for `region`, and sends
    // X-Amz-Region-Set. Signed streaming (aws-chunked chunk signatures) is SigV4 only:
    // automatic then hashes the body (sha256) or sends it unsigned over TLS, and
    // streaming is refused (cirrus::errc::unsupported).
    std::string_view region_set = {};
};

struct request {
    endpoint_view endpoint = {};
    verb method = verb::get;
    std::string_view path = "/";          // percent-encoded as it goes on the request line
    std::string_view query = {};          // percent-encoded, without '?'
    std::span<const header> headers = {}; // besides Host, Content-Length and the signature's
    request_body body = {};
    response_sink sink = {};
    signing_options signing = {};
    // Overrides of the client's total timeout for this request (zero: the client's).
    std::chrono::milliseconds total_timeout{0};
    // Overrides the client's retry_options::max_attempts for this request (zero: the
    // client's; 1: no retry).
    unsigned max_attempts = 0;
    // Overrides client_options::io_buffer_size for this request (zero: the client's): the
    // pieces a file or generator body is read in, and the reads of a body into a file or
    // handler sink. The connection keeps the larger buffer while it stays in the pool.
    std::size_t io_buffer_size = 0;
    // Send "Expect: 100-continue" for this request regardless of the client's threshold.
    bool expect_continue = false;
};

struct response {
    unsigned status = 0;
    header_map headers = {};        // reused: reading into a reused response allocates nothing
    std::string body = {};          // the body, when the request's sink is the default one (on
                                    // failure, the error body up to max_error_body)
    std::uint64_t body_size = 0;    // bytes delivered to the sink by the final attempt
    unsigned attempts = 0;          // attempts made, the final one included
    bool connection_reused = false; // the final attempt ran on a pooled connection
    // The trailer checksum the final attempt sent (signing_options::trailer_checksum), as
    // base64; empty when there was none or the body was not sent in full.
    crypto::checksum_value trailer_checksum = {};
    diagnostics diag = {}; // on failure, what the server (or the client) said

    std::string_view header(std::string_view name) const noexcept { return headers.get(name); }
    void clear() {
        status = 0;
        headers.clear();
        body.clear();
        body_size = 0;
        attempts = 0;
        connection_reused = false;
        trailer_checksum = {};
        diag.clear();
    }
};

} // namespace cirrus::http
