#pragma once
// The connection-string parser's internals (see connect_params.hpp); defined in
// postgres/impl/connect_params.ipp.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/diagnostics.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres::detail {

CIRRUS_DECL error_code conninfo_error(diagnostics* diag, std::string_view what);

CIRRUS_DECL bool parse_port(std::string_view s, std::uint16_t& out);

CIRRUS_DECL std::vector<std::string> split_commas(std::string_view s);

// Percent-decoding as libpq does it for URIs: every %XX must be valid, and %00 is refused.
CIRRUS_DECL std::optional<std::string> percent_decode(std::string_view in);

CIRRUS_DECL error_code parse_keyword_value(std::string_view s, option_list& out, diagnostics* diag);

CIRRUS_DECL error_code parse_uri(std::string_view s, option_list& out, diagnostics* diag);

CIRRUS_DECL std::string os_user_name();

// require_auth's methods, as bits of a set.
namespace auth_methods {
inline constexpr unsigned none = 1, password = 2, md5 = 4, scram_sha_256 = 8, gss = 16, sspi = 32;
inline constexpr unsigned all = none | password | md5 | scram_sha_256 | gss | sspi;
} // namespace auth_methods

// Parses require_auth (see connect_params) into the set of methods the server may use,
// with libpq 16's rules and messages: every method is negated or none is, none twice.
CIRRUS_DECL bool parse_require_auth(std::string_view text, unsigned& allowed, std::string& why);

CIRRUS_DECL bool parse_bool_option(std::string_view v, bool& out);

// Every keyword a connection string (or a service file) may hold.
inline constexpr std::string_view connection_keywords[] = {"host",
                                                           "hostaddr",
                                                           "port",
                                                           "dbname",
                                                           "user",
                                                           "password",
                                                           "passfile",
                                                           "service",
                                                           "connect_timeout",
                                                           "client_encoding",
                                                           "options",
                                                           "application_name",
                                                           "fallback_application_name",
                                                           "keepalives",
                                                           "keepalives_idle",
                                                           "keepalives_interval",
                                                           "keepalives_count",
                                                           "tcp_user_timeout",
                                                           "sslmode",
                                                           "sslrootcert",
                                                           "sslcert",
                                                           "sslkey",
                                                           "sslsni",
                                                           "sslnegotiation",
                                                           "sslcompression",
                                                           "ssl_min_protocol_version",
                                                           "channel_binding",
                                                           "target_session_attrs",
                                                           "gssencmode",
                                                           "require_auth",
                                                           "allow_cleartext_password",
                                                           "scram_max_iterations",
                                                           "replication"};

CIRRUS_DECL bool is_connection_keyword(std::string_view k);

// The home directory as libpq finds it: HOME, else the password database.
CIRRUS_DECL std::optional<std::string> home_directory(const env_lookup& env);

// Reads the whole file behind fd into out; false on a read error.
CIRRUS_DECL bool read_all(int fd, std::string& out);

// One field of a password file line against the wanted value: "*" matches anything,
// otherwise the text (with "\:" and "\\" escapes) must equal the value. Returns the
// position after the field's ':' or npos.
CIRRUS_DECL std::size_t passfile_field(std::string_view line, std::size_t pos, std::string_view value);

// Searches one service file for [service]. Returns an error for an unreadable file or a
// syntax error; `found` tells whether the section exists. Settings go to `out` unless a
// key is already there (the first occurrence wins, as in libpq).
CIRRUS_DECL error_code parse_service_file(const std::string& path, std::string_view service, option_list& out,
                                          bool& found, diagnostics* diag);

// The settings of a connection service: PGSERVICEFILE (which must exist) or
// ~/.pg_service.conf (if it exists), then PGSYSCONFDIR/pg_service.conf.
CIRRUS_DECL error_code read_service(std::string_view service, const env_lookup& env, option_list& out,
                                    diagnostics* diag);

// The combinations of sslmode, channel_binding and require_auth that can never connect;
// checked when a string is parsed and again when hand-built params are used.
CIRRUS_DECL error_code check_auth_settings(const connect_params& p, diagnostics* diag);

} // namespace cirrus::postgres::detail
