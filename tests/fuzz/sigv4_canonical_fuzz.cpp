// Fuzzes request canonicalisation: arbitrary method, path, query and headers must give
// either a typed error or a well-formed signature, never a crash or an unsigned request.

#include <cirrus/auth/sigv4.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace sigv4 = cirrus::auth::sigv4;
    // Fields separated by '\n': flags, method, path, query, then name/value header pairs.
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> fields;
    while (!in.empty() && fields.size() < 64) {
        auto nl = in.find('\n');
        fields.push_back(in.substr(0, nl));
        if (nl == std::string_view::npos) break;
        in.remove_prefix(nl + 1);
    }
    while (fields.size() < 4) fields.emplace_back();
    const unsigned flags = fields[0].empty() ? 0u : static_cast<unsigned char>(fields[0][0]);
    std::vector<sigv4::header> headers;
    headers.push_back({"host", "example.amazonaws.com"});
    for (std::size_t i = 4; i + 1 < fields.size(); i += 2) headers.push_back({fields[i], fields[i + 1]});

    static const cirrus::auth::credentials creds{"AKIDEXAMPLE", "secret", "token", {}};
    sigv4::signing_params params{.region = "us-east-1", .service = (flags & 1) ? "s3" : "service",
                                 .time = std::chrono::system_clock::time_point{std::chrono::seconds{1440938160}},
                                 .rules = (flags & 1) ? sigv4::uri_rules::s3 : sigv4::uri_rules::standard,
                                 .payload_hash = (flags & 2) ? sigv4::payload::unsigned_payload : std::string_view{},
                                 .content_sha256_header = (flags & 4) != 0};
    static sigv4::signer signer; // reused, as in a client: buffers must be reset correctly
    const sigv4::request_view req{fields[1], fields[2], fields[3], headers};
    if (flags & 8) {
        auto q = signer.presign(req, creds, params, std::chrono::seconds{1 + (flags >> 4)});
        if (q && q->find("X-Amz-Signature=") == std::string::npos) std::abort();
    } else {
        sigv4::signature_headers out;
        auto ec = signer.sign(req, creds, params, out);
        if (!ec) {
            if (out.signature.size() != 64 || out.authorization.find("Signature=") == std::string_view::npos) std::abort();
            for (char c : signer.last_canonical_request())
                if (c == '\r') std::abort(); // CR never reaches a canonical request
        } else if (!out.authorization.empty()) {
            std::abort();
        }
    }
    return 0;
}
