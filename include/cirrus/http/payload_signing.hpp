#pragma once
// How a request's body enters its SigV4 signature (http::signing_options::payload,
// s3::request_options::payload).

namespace cirrus::http {

// How the body enters the signature. With signing_options::trailer_checksum set, only
// automatic, unsigned_payload and streaming apply (see there).
enum class payload_signing {
    automatic,        // SHA-256 of memory bodies; UNSIGNED-PAYLOAD for file and generator bodies over
                      // TLS; aws-chunked signed streaming for them over plain HTTP (size must be known)
    sha256,           // SHA-256 of the whole body (a file or rewindable generator is read twice)
    unsigned_payload, // "UNSIGNED-PAYLOAD"
    streaming,        // aws-chunked: a signature per chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)
    precomputed,      // signing_options::payload_hash as given by the caller
};

} // namespace cirrus::http
