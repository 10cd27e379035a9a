#pragma once
// Connection parameters and libpq-compatible connection strings:
//   "host=db.example.com port=5432 user=app dbname=app sslmode=verify-full"
//   "postgresql://app:secret@db.example.com:5432/app?sslmode=verify-full&application_name=x"
//   "postgres://%2Fvar%2Frun%2Fpostgresql/app" (a Unix socket directory as host)
//   "postgresql://h1:5432,h2:5433/app" (several hosts, tried in order)
//   "service=reporting dbname=other" (the rest from the [reporting] section of a service file)
// Each setting comes, as in libpq, from the string, else from the connection service
// (`service` or PGSERVICE; ~/.pg_service.conf or PGSERVICEFILE, then
// PGSYSCONFDIR/pg_service.conf), else from its PG* environment variable, else from libpq's
// default. Keywords the client does not implement are errors, not silently ignored.
//
// Without a password, the password file (`passfile`, PGPASSFILE, default ~/.pgpass) is
// searched when connecting, for each host as it is tried (read_password_file below). A
// password file that group or others can access is ignored, as libpq does; the reason goes
// to the connection's notice handler and into the diagnostics if the server then asks for
// a password. Passwords never appear in errors or diagnostics.
//
// Differences from libpq: the default host is "localhost" (not the compiled-in socket
// directory), and there is no compiled-in system configuration directory (only
// PGSYSCONFDIR names one); LDAP lookups in service files, GSSAPI and Kerberos are not
// supported; target_session_attrs accepts only "any"; connect_timeout defaults to 30 s
// (libpq: none); a cleartext password goes only to a server whose certificate was
// verified unless allow_cleartext_password is set; the server's SCRAM iteration count is
// capped (scram_max_iterations). Errors never repeat what may be part of a password: a
// URI with an '@' after the host (an unencoded '/' in the password) is refused.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/error.hpp>

#include <openssl/crypto.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::postgres {

enum class ssl_mode {
    disable,     // never TLS
    allow,       // plain first; TLS if the server rejects the plain attempt
    prefer,      // TLS if the server offers it, else plain (the default)
    require,     // TLS, no verification (verify-ca if a root certificate is configured)
    verify_ca,   // TLS, certificate chain verified against the root certificate
    verify_full, // verify_ca plus the host name checked against the certificate
};

enum class channel_binding_mode { disable, prefer, require };

struct host_spec {
    std::string host; // a name, an IP address, or a Unix socket directory ("/...")
    std::uint16_t port = 5432;
    std::string hostaddr; // numeric address to connect to instead of resolving host
};

struct connect_params {
    std::vector<host_spec> hosts; // tried in order; empty means localhost:5432
    std::string user;
    std::string password;
    // The password file searched per host when `password` is empty (see
    // read_password_file). Connection strings set it to `passfile`, PGPASSFILE or
    // ~/.pgpass; hand-built params use none unless it is set here.
    std::string passfile;
    std::string database;
    std::string application_name;
    std::string options;                                             // command-line options for the server ("-c x=y")
    std::vector<std::pair<std::string, std::string>> runtime_params; // extra startup parameters

    ssl_mode ssl = ssl_mode::prefer;
    std::string ssl_root_cert; // file; "system" for the system trust store
    std::string ssl_cert;      // client certificate (optional)
    std::string ssl_key;       // client key (optional)
    bool ssl_sni = true;
    channel_binding_mode channel_binding = channel_binding_mode::prefer;

    // libpq 16's require_auth: the authentication methods the server may use, as a comma
    // list of password, md5, scram-sha-256, gss, sspi and none ("none": the server may let
    // the client in without asking for anything), or a list of the ones it may not use,
    // each negated with '!'. Empty allows every method. It only narrows what the client
    // does; it never allows what the rules below refuse.
    std::string require_auth;

    // A cleartext password goes only to a server whose certificate chain was verified
    // (sslmode verify-ca or verify-full, or require/prefer with a root certificate
    // present); anyone else could be an attacker who asks for it. This allows it on any
    // connection, with or without TLS.
    bool allow_cleartext_password = false;

    // The most PBKDF2 iterations a server may ask for in SCRAM. The computation runs on the
    // connection's executor (about 0.25 ms per 1,000 iterations on a current x86 core),
    // so a hostile server asking for millions would stall it for seconds. Servers use
    // 4,096 unless scram_iterations was raised.
    std::uint32_t scram_max_iterations = default_scram_max_iterations;
    static constexpr std::uint32_t default_scram_max_iterations = 100'000;

    // Per host, covering the name lookup, TCP, TLS and authentication. 0 waits forever
    // (libpq's default; connection strings can still ask for it with connect_timeout=0).
    std::chrono::milliseconds connect_timeout = default_connect_timeout;
    static constexpr std::chrono::milliseconds default_connect_timeout{30'000};
    bool keepalives = true;

    bool is_unix_socket(const host_spec& h) const noexcept { return !h.host.empty() && h.host[0] == '/'; }
};

// Looks up an environment variable; the default reads the process environment.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

CIRRUS_DECL std::optional<std::string> process_env(std::string_view name);

namespace detail {
// Keyword/value pairs as given, before defaults.
using option_list = std::vector<std::pair<std::string, std::string>>;
} // namespace detail

// --- password file (libpq's ~/.pgpass) --------------------------------------------------

// The text of a password file, searched for a host (see passfile_host), port, database and
// user: lines "hostname:port:database:username:password", each of the first four fields
// "*" or a literal; ':' and '\' inside a field escaped with '\'; lines starting with '#'
// are comments. The password of the first matching line, or nullopt. As in libpq, nothing
// is looked up for an empty database or user name.
CIRRUS_DECL std::optional<std::string> match_password_file(std::string_view contents, std::string_view host,
                                                           std::string_view port, std::string_view database,
                                                           std::string_view user);

// libpq's compiled-in default socket directory: /tmp upstream, /var/run/postgresql in
// Debian's and Red Hat's builds (/run/postgresql is the same place). A socket host naming
// one of them matches password-file entries for "localhost", as in libpq.
inline constexpr std::string_view default_socket_directories[] = {"/tmp", "/var/run/postgresql", "/run/postgresql"};

// The host name a password file is searched for when connecting to h, as libpq does: the
// host, else the host address; "localhost" for a default socket directory.
CIRRUS_DECL std::string passfile_host(const host_spec& h);

enum class passfile_status {
    found,            // a line matched; `password` holds its password
    no_match,         // the file was read and no line matched
    missing,          // no such file, or it cannot be opened or read (ignored silently, as libpq does)
    not_regular_file, // ignored: not a plain file (`warning` says so)
    insecure,         // ignored: group or others have access (`warning` says so)
};

struct passfile_result {
    passfile_status status = passfile_status::missing;
    std::string password;
    // Why the file was ignored, in libpq's words; names the file, never a password.
    std::string warning;

    passfile_result() = default;
    passfile_result(const passfile_result&) = delete;
    passfile_result& operator=(const passfile_result&) = delete;
    passfile_result(passfile_result&&) noexcept = default;
    passfile_result& operator=(passfile_result&&) noexcept = default;
    ~passfile_result() {
        if (!password.empty()) OPENSSL_cleanse(password.data(), password.size());
    }
};

// Reads the password file at `path` and searches it (match_password_file). On POSIX
// systems a file that group or others can read, write or execute is ignored (libpq prints
// a warning; here it is returned in `warning`).
CIRRUS_DECL passfile_result read_password_file(const std::string& path, std::string_view host, std::uint16_t port,
                                               std::string_view database, std::string_view user);

// The default password file: $HOME/.pgpass (HOME, else the password database), or "" when
// no home directory is known.
CIRRUS_DECL std::string default_passfile(const env_lookup& env = process_env);

// Builds connect_params from keyword/value pairs (as parsed from a string), filling the
// rest from the environment and the defaults.
CIRRUS_DECL error_code make_connect_params(const detail::option_list& options, connect_params& out,
                                           diagnostics* diag = nullptr, const env_lookup& env = process_env);

// Parses a keyword/value connection string or a postgresql:// / postgres:// URI. On
// failure diag (when given) explains what is wrong; it never echoes a password.
CIRRUS_DECL error_code parse_connection_string(std::string_view s, connect_params& out, diagnostics* diag = nullptr,
                                               const env_lookup& env = process_env);

CIRRUS_DECL cirrus::result<connect_params> parse_connection_string(std::string_view s,
                                                                   const env_lookup& env = process_env);

} // namespace cirrus::postgres

#include <cirrus/postgres/detail/conninfo.hpp>

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/connect_params.ipp>
#endif
