#pragma once
// Amazon RDS IAM database authentication: the token a client sends as its password.
//
// The token is a SigV4-presigned "connect" action for the database user, valid for 15
// minutes from its signing time:
//   host:port/?Action=connect&DBUser=...&X-Amz-Algorithm=...&X-Amz-Signature=...
// It is made offline (no request to AWS) with the same signer as every other request, and
// laid out as the AWS SDKs lay it out. RDS asks for it as a cleartext password, so send it
// only over verified TLS (ssl_mode::verify_full and the RDS certificate bundle): see
// docs/postgres.md, "RDS IAM authentication".

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cirrus::postgres {

// RDS accepts a token for 15 minutes after its signing time.
inline constexpr std::chrono::seconds rds_token_lifetime{900};

struct rds_token_params {
    std::string_view host; // the endpoint the client connects to, as in the connection string
    std::uint16_t port = 5432;
    std::string_view user;   // the database user (granted rds_iam)
    std::string_view region; // the region of the database, e.g. "eu-west-1"
    // The signing time; the default (the epoch) means now.
    std::chrono::system_clock::time_point time = {};
};

// The token for `params` signed with `creds`. errc::empty_host without a host,
// errc::invalid_argument without a user or a region, errc::missing_credentials without
// an access key or secret. The token contains the session token of temporary
// credentials, so treat it as a secret until it expires.
CIRRUS_DECL result<std::string> make_rds_auth_token(const rds_token_params& params, const auth::credentials& creds);

// The same with a caller's signer (which caches signing keys across calls).
CIRRUS_DECL result<std::string> make_rds_auth_token(auth::sigv4::signer& signer, const rds_token_params& params,
                                                    const auth::credentials& creds);

} // namespace cirrus::postgres

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/rds_auth.ipp>
#endif
