#pragma once
// Definitions for postgres/rds_auth.hpp.

#include <cirrus/core/uri.hpp>
#include <cirrus/postgres/rds_auth.hpp>

#include <array>
#include <charconv>

namespace cirrus::postgres {

CIRRUS_DECL result<std::string> make_rds_auth_token(auth::sigv4::signer& signer, const rds_token_params& params,
                                                    const auth::credentials& creds) {
    if (params.host.empty()) return errc::empty_host;
    if (params.user.empty() || params.region.empty()) return errc::invalid_argument;
    if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return errc::missing_credentials;

    std::array<char, 8> port_buf{};
    const auto port_end = std::to_chars(port_buf.data(), port_buf.data() + port_buf.size(), params.port).ptr;
    const std::string_view port(port_buf.data(), static_cast<std::size_t>(port_end - port_buf.data()));

    // The presigned URL is https://host:port/; its Host header leaves out the default port.
    std::string host_header(params.host);
    if (params.port != 443) {
        host_header += ':';
        host_header += port;
    }
    std::string query = "Action=connect&DBUser=";
    uri::encode_to(params.user, query);

    const auth::sigv4::header headers[] = {{"host", host_header}};
    const auth::sigv4::request_view req{"GET", "/", query, headers};
    auth::sigv4::signing_params sp;
    sp.region = params.region;
    sp.service = "rds-db";
    sp.time = params.time == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : params.time;
    sp.payload_hash = {}; // the empty body's hash, as the SDKs sign it
    auto signed_query = signer.presign(req, creds, sp, rds_token_lifetime);
    if (!signed_query) return signed_query.error();

    // The signer returns the canonical (sorted) query; the SDKs put the request's own
    // parameters first and the X-Amz-* ones in the order they add them. The signature
    // covers the sorted form either way, so this only makes the token read like theirs.
    const std::string_view all = *signed_query;
    auto param = [&](std::string_view name) -> std::string_view {
        std::size_t pos = 0;
        while (pos <= all.size()) {
            const std::size_t end = std::min(all.find('&', pos), all.size());
            const std::string_view item = all.substr(pos, end - pos);
            if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') return item;
            pos = end + 1;
        }
        return {};
    };
    static constexpr std::string_view order[] = {
        "Action",          "DBUser",        "X-Amz-Algorithm",     "X-Amz-Credential",
        "X-Amz-Date",      "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token",
        "X-Amz-Signature",
    };
    std::string token;
    token.reserve(params.host.size() + port.size() + all.size() + 3);
    token.append(params.host);
    token += ':';
    token.append(port);
    token += "/?";
    std::size_t used = 0;
    for (std::string_view name : order) {
        const std::string_view item = param(name);
        if (item.empty()) continue;
        if (used != 0) token += '&';
        token.append(item);
        used += item.size() + 1;
    }
    if (used != all.size() + 1) return errc::protocol_error; // a parameter the layout above does not know
    return token;
}

CIRRUS_DECL result<std::string> make_rds_auth_token(const rds_token_params& params, const auth::credentials& creds) {
    auth::sigv4::signer signer;
    return make_rds_auth_token(signer, params, creds);
}

} // namespace cirrus::postgres
