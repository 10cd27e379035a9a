#pragma once
// Definitions for postgres/connect_params.hpp and postgres/detail/conninfo.hpp.

#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/detail/conninfo.hpp>

#include <openssl/crypto.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace cirrus::postgres {

namespace detail {
// An open file descriptor, closed on scope exit.
struct unique_fd {
    int fd = -1;
    explicit unique_fd(int f) noexcept : fd(f) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() {
        if (fd >= 0) ::close(fd);
    }
};
} // namespace detail

CIRRUS_DECL std::optional<std::string> process_env(std::string_view name) {
    std::string n(name);
    if (const char* v = std::getenv(n.c_str())) return std::string(v);
    return std::nullopt;
}

CIRRUS_DECL std::optional<std::string> match_password_file(std::string_view contents, std::string_view host,
                                                           std::string_view port, std::string_view database,
                                                           std::string_view user) {
    if (database.empty() || user.empty()) return std::nullopt;
    while (!contents.empty()) {
        auto nl = contents.find('\n');
        std::string_view line = contents.substr(0, nl);
        contents = nl == std::string_view::npos ? std::string_view{} : contents.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        std::size_t pos = 0;
        for (std::string_view want : {host, port, database, user}) {
            pos = detail::passfile_field(line, pos, want);
            if (pos == std::string_view::npos) break;
        }
        if (pos == std::string_view::npos) continue;
        // The password: up to the next unescaped ':' (the rest of the line is ignored).
        std::string password;
        for (; pos < line.size() && line[pos] != ':'; ++pos) {
            if (line[pos] == '\\' && pos + 1 < line.size()) ++pos;
            password.push_back(line[pos]);
        }
        return password;
    }
    return std::nullopt;
}

CIRRUS_DECL std::string passfile_host(const host_spec& h) {
    if (h.host.empty()) return h.hostaddr.empty() ? std::string("localhost") : h.hostaddr;
    for (auto dir : default_socket_directories)
        if (h.host == dir) return "localhost";
    return h.host;
}

CIRRUS_DECL passfile_result read_password_file(const std::string& path, std::string_view host, std::uint16_t port,
                                               std::string_view database, std::string_view user) {
    passfile_result r;
    if (path.empty() || database.empty() || user.empty()) return r;
    // O_NONBLOCK: a FIFO in the file's place must not block the open.
    detail::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.fd < 0) return r;
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return r;
    if (!S_ISREG(st.st_mode)) {
        r.status = passfile_status::not_regular_file;
        r.warning = "password file \"" + path + "\" is not a plain file";
        return r;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        r.status = passfile_status::insecure;
        r.warning = "password file \"" + path +
                    "\" has group or world access; permissions should be u=rw (0600) or less";
        return r;
    }
    std::string contents;
    bool ok = detail::read_all(fd.fd, contents);
    if (ok) {
        auto found = match_password_file(contents, host, std::to_string(port), database, user);
        r.status = found ? passfile_status::found : passfile_status::no_match;
        if (found) {
            r.password = std::move(*found);
        }
    }
    if (!contents.empty()) OPENSSL_cleanse(contents.data(), contents.size());
    return r;
}

CIRRUS_DECL std::string default_passfile(const env_lookup& env) {
    auto home = detail::home_directory(env);
    return home ? *home + "/.pgpass" : std::string{};
}

CIRRUS_DECL error_code make_connect_params(const detail::option_list& options, connect_params& out, diagnostics* diag,
                                           const env_lookup& env) {
    out = connect_params{};
    // Last value wins, as in libpq.
    auto get = [&](std::string_view key) -> std::optional<std::string> {
        std::optional<std::string> v;
        for (const auto& [k, val] : options)
            if (k == key) v = val;
        return v;
    };
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (detail::is_connection_keyword(options[i].first)) continue;
        // "password=my secret=part" reads "secret" as a keyword: a word right after a
        // password may be the rest of it, so it is not repeated.
        if (i > 0 && options[i - 1].first == "password")
            return detail::conninfo_error(diag, "invalid connection option after \"password\" (a password with "
                                                "spaces must be quoted: password='...')");
        return detail::conninfo_error(diag, "invalid connection option \"" + options[i].first + "\"");
    }
    // A connection service supplies what the string leaves out; the environment comes after
    // both.
    detail::option_list service_options;
    {
        std::optional<std::string> service = get("service");
        if (!service || service->empty()) service = env("PGSERVICE");
        if (service && !service->empty()) {
            if (auto ec = detail::read_service(*service, env, service_options, diag)) return ec;
        }
    }
    auto get_or_service = [&](std::string_view key) -> std::optional<std::string> {
        if (auto v = get(key)) return v;
        for (const auto& [k, val] : service_options)
            if (k == key) return val;
        return std::nullopt;
    };
    auto value = [&](std::string_view key, std::string_view env_name) -> std::optional<std::string> {
        if (auto v = get_or_service(key); v) return v;
        if (!env_name.empty()) {
            if (auto v = env(env_name); v) return v;
        }
        return std::nullopt;
    };
    auto nonempty = [&](std::string_view key, std::string_view env_name) -> std::optional<std::string> {
        auto v = value(key, env_name);
        if (v && v->empty()) {
            // An empty value in the string means "use the default", as in libpq.
            if (!env_name.empty()) {
                auto e = env(env_name);
                if (e && !e->empty()) return e;
            }
            return std::nullopt;
        }
        return v;
    };

    // Hosts and ports.
    auto host_v = nonempty("host", "PGHOST");
    auto addr_v = nonempty("hostaddr", "PGHOSTADDR");
    auto port_v = nonempty("port", "PGPORT");
    std::vector<std::string> hosts = host_v ? detail::split_commas(*host_v) : std::vector<std::string>{};
    std::vector<std::string> addrs = addr_v ? detail::split_commas(*addr_v) : std::vector<std::string>{};
    std::vector<std::string> ports = port_v ? detail::split_commas(*port_v) : std::vector<std::string>{};
    std::size_t n = std::max({hosts.size(), addrs.size(), std::size_t{1}});
    if (!hosts.empty() && !addrs.empty() && hosts.size() != addrs.size())
        return detail::conninfo_error(diag, "the number of host and hostaddr entries differ");
    if (ports.size() > 1 && ports.size() != n)
        return detail::conninfo_error(diag, "the number of ports does not match the number of hosts");
    for (std::size_t i = 0; i < n; ++i) {
        host_spec h;
        h.host = i < hosts.size() ? hosts[i] : std::string{};
        h.hostaddr = i < addrs.size() ? addrs[i] : std::string{};
        if (h.host.empty() && h.hostaddr.empty()) h.host = "localhost";
        std::string p = ports.empty() ? std::string{} : ports.size() == 1 ? ports[0] : ports[i];
        if (!p.empty() && !detail::parse_port(p, h.port))
            return detail::conninfo_error(diag, "invalid port number \"" + p + "\"");
        out.hosts.push_back(std::move(h));
    }

    if (auto v = nonempty("user", "PGUSER")) out.user = *v;
    else out.user = detail::os_user_name();
    if (auto v = value("password", "PGPASSWORD")) out.password = *v;
    if (auto v = nonempty("passfile", "PGPASSFILE")) out.passfile = *v;
    else out.passfile = default_passfile(env);
    if (auto v = nonempty("dbname", "PGDATABASE")) out.database = *v;
    else out.database = out.user;
    if (auto v = value("application_name", "PGAPPNAME")) out.application_name = *v;
    else if (auto f = get_or_service("fallback_application_name")) out.application_name = *f;
    if (auto v = value("options", "PGOPTIONS")) out.options = *v;

    if (auto v = nonempty("client_encoding", "PGCLIENTENCODING")) {
        if (*v != "UTF8" && *v != "utf8" && *v != "UTF-8" && *v != "utf-8" && *v != "auto")
            return detail::conninfo_error(diag, "only client_encoding UTF8 is supported");
    }
    if (auto v = nonempty("connect_timeout", "PGCONNECT_TIMEOUT")) {
        long secs = 0;
        for (char c : *v) {
            if (c < '0' || c > '9' || secs > 100000000) return detail::conninfo_error(diag, "invalid connect_timeout");
            secs = secs * 10 + (c - '0');
        }
        // libpq treats values below 2 seconds (other than 0) as 2.
        if (secs == 1) secs = 2;
        out.connect_timeout = std::chrono::seconds(secs);
    }
    if (auto v = nonempty("keepalives", "")) {
        if (!detail::parse_bool_option(*v, out.keepalives))
            return detail::conninfo_error(diag, "invalid keepalives value");
    }

    if (auto v = nonempty("sslmode", "PGSSLMODE")) {
        if (*v == "disable") out.ssl = ssl_mode::disable;
        else if (*v == "allow") out.ssl = ssl_mode::allow;
        else if (*v == "prefer") out.ssl = ssl_mode::prefer;
        else if (*v == "require") out.ssl = ssl_mode::require;
        else if (*v == "verify-ca") out.ssl = ssl_mode::verify_ca;
        else if (*v == "verify-full") out.ssl = ssl_mode::verify_full;
        else return detail::conninfo_error(diag, "invalid sslmode value \"" + *v + "\"");
    }
    if (auto v = nonempty("sslrootcert", "PGSSLROOTCERT")) out.ssl_root_cert = *v;
    if (auto v = nonempty("sslcert", "PGSSLCERT")) out.ssl_cert = *v;
    if (auto v = nonempty("sslkey", "PGSSLKEY")) out.ssl_key = *v;
    if (auto v = nonempty("sslsni", "PGSSLSNI")) {
        if (!detail::parse_bool_option(*v, out.ssl_sni)) return detail::conninfo_error(diag, "invalid sslsni value");
    }
    if (auto v = nonempty("sslnegotiation", "PGSSLNEGOTIATION")) {
        if (*v == "direct") return detail::conninfo_error(diag, "sslnegotiation=direct is not supported");
        if (*v != "postgres") return detail::conninfo_error(diag, "invalid sslnegotiation value");
    }
    if (auto v = nonempty("channel_binding", "PGCHANNELBINDING")) {
        if (*v == "disable") out.channel_binding = channel_binding_mode::disable;
        else if (*v == "prefer") out.channel_binding = channel_binding_mode::prefer;
        else if (*v == "require") out.channel_binding = channel_binding_mode::require;
        else return detail::conninfo_error(diag, "invalid channel_binding value");
    }
    if (auto v = nonempty("target_session_attrs", "PGTARGETSESSIONATTRS")) {
        if (*v != "any") return detail::conninfo_error(diag, "only target_session_attrs=any is supported");
    }
    if (auto v = nonempty("gssencmode", "PGGSSENCMODE")) {
        if (*v == "require") return detail::conninfo_error(diag, "GSSAPI encryption is not supported");
        if (*v != "disable" && *v != "prefer") return detail::conninfo_error(diag, "invalid gssencmode value");
    }
    if (auto v = nonempty("replication", "")) {
        bool repl = false;
        if (!detail::parse_bool_option(*v, repl) || repl)
            return detail::conninfo_error(diag, "replication connections are not supported");
    }
    if (auto v = nonempty("require_auth", "PGREQUIREAUTH")) out.require_auth = *v;
    if (auto v = nonempty("allow_cleartext_password", "")) {
        if (!detail::parse_bool_option(*v, out.allow_cleartext_password))
            return detail::conninfo_error(diag, "invalid allow_cleartext_password value");
    }
    if (auto v = nonempty("scram_max_iterations", "")) {
        std::uint64_t n = 0;
        for (char c : *v) {
            if (c < '0' || c > '9' || n > 0xffffffffu)
                return detail::conninfo_error(diag, "invalid scram_max_iterations value");
            n = n * 10 + static_cast<unsigned>(c - '0');
        }
        if (n == 0 || n > 0xffffffffu) return detail::conninfo_error(diag, "invalid scram_max_iterations value");
        out.scram_max_iterations = static_cast<std::uint32_t>(n);
    }
    return detail::check_auth_settings(out, diag);
}

CIRRUS_DECL error_code parse_connection_string(std::string_view s, connect_params& out, diagnostics* diag,
                                               const env_lookup& env) {
    detail::option_list options;
    error_code ec;
    if (s.starts_with("postgresql://") || s.starts_with("postgres://")) ec = detail::parse_uri(s, options, diag);
    else ec = detail::parse_keyword_value(s, options, diag);
    if (ec) return ec;
    return make_connect_params(options, out, diag, env);
}

CIRRUS_DECL cirrus::result<connect_params> parse_connection_string(std::string_view s, const env_lookup& env) {
    connect_params p;
    if (auto ec = parse_connection_string(s, p, nullptr, env)) return ec;
    return p;
}

namespace detail {

CIRRUS_DECL error_code conninfo_error(diagnostics* diag, std::string_view what) {
    if (diag) diag->assign_client(what);
    return make_error_code(client_errc::invalid_connection_string);
}

CIRRUS_DECL bool parse_port(std::string_view s, std::uint16_t& out) {
    if (s.empty() || s.size() > 5) return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > 65535) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
}

CIRRUS_DECL std::vector<std::string> split_commas(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto comma = s.find(',', start);
        out.emplace_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

CIRRUS_DECL std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return std::nullopt;
        int hi = hex::digit_value(in[i + 1]), lo = hex::digit_value(in[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
        out.push_back(static_cast<char>((hi << 4) | lo));
        i += 2;
    }
    return out;
}

CIRRUS_DECL error_code parse_keyword_value(std::string_view s, option_list& out, diagnostics* diag) {
    std::size_t i = 0;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    for (;;) {
        while (i < s.size() && is_space(s[i])) ++i;
        if (i >= s.size()) break;
        std::size_t k = i;
        while (i < s.size() && s[i] != '=' && !is_space(s[i])) ++i;
        std::string key(s.substr(k, i - k));
        while (i < s.size() && is_space(s[i])) ++i;
        if (i >= s.size() || s[i] != '=')
            return conninfo_error(diag, "missing \"=\" after a keyword in the connection string");
        ++i;
        while (i < s.size() && is_space(s[i])) ++i;
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                char c = s[i++];
                if (c == '\\' && i < s.size()) {
                    value.push_back(s[i++]);
                } else if (c == '\'') {
                    closed = true;
                    break;
                } else {
                    value.push_back(c);
                }
            }
            if (!closed) return conninfo_error(diag, "unterminated quoted string in the connection string");
        } else {
            while (i < s.size() && !is_space(s[i])) {
                char c = s[i++];
                if (c == '\\' && i < s.size()) c = s[i++];
                value.push_back(c);
            }
        }
        if (key.empty()) return conninfo_error(diag, "empty keyword in the connection string");
        out.emplace_back(std::move(key), std::move(value));
    }
    return {};
}

CIRRUS_DECL error_code parse_uri(std::string_view s, option_list& out, diagnostics* diag) {
    std::size_t scheme_len = s.starts_with("postgresql://") ? 13 : 11;
    std::string_view rest = s.substr(scheme_len);
    // Split off the query first: '?' cannot appear unencoded before it.
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view authority = rest, path;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        authority = rest.substr(0, slash);
        path = rest.substr(slash + 1);
    }
    // An unencoded '/' in the password ends the authority early: in "app:s3cr/et@db/app"
    // the start of the password would be read as a port and its end as the database
    // name (libpq does so, and echoes it in its error). Refused, and nothing is repeated.
    if (authority.find('@') == std::string_view::npos && path.find('@') != std::string_view::npos)
        return conninfo_error(diag, "the URI has an '@' after the host: percent-encode '/', '?' and '@' in the "
                                    "user name and password (%2F, %3F, %40)");
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        auto userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = userinfo.find(':');
        auto user = percent_decode(userinfo.substr(0, colon));
        if (!user) return conninfo_error(diag, "invalid percent-encoding in the URI user name");
        if (!user->empty()) out.emplace_back("user", std::move(*user));
        if (colon != std::string_view::npos) {
            auto pw = percent_decode(userinfo.substr(colon + 1));
            if (!pw) return conninfo_error(diag, "invalid percent-encoding in the URI password");
            out.emplace_back("password", std::move(*pw));
        }
    }
    // Hosts: host[:port] separated by commas; IPv6 in brackets.
    if (!authority.empty()) {
        std::string hosts, ports;
        bool any_port = false;
        std::size_t i = 0;
        bool first = true;
        while (i <= authority.size()) {
            std::string_view host, port;
            if (i < authority.size() && authority[i] == '[') {
                auto close = authority.find(']', i);
                if (close == std::string_view::npos)
                    return conninfo_error(diag, "unterminated IPv6 address in the URI");
                host = authority.substr(i + 1, close - i - 1);
                if (host.empty()) return conninfo_error(diag, "empty IPv6 address in the URI");
                i = close + 1;
            } else {
                std::size_t j = i;
                while (j < authority.size() && authority[j] != ':' && authority[j] != ',') ++j;
                host = authority.substr(i, j - i);
                i = j;
            }
            if (i < authority.size() && authority[i] == ':') {
                std::size_t j = i + 1;
                while (j < authority.size() && authority[j] != ',') ++j;
                port = authority.substr(i + 1, j - i - 1);
                i = j;
                any_port = true;
            }
            if (i < authority.size() && authority[i] != ',')
                return conninfo_error(diag, "unexpected character in the URI host list");
            // Checked here, not with the other ports: what stands after a ':' of the
            // authority may be a password cut short by an unencoded '?' or '/', so it is
            // never repeated in the message.
            std::uint16_t port_number = 0;
            if (!port.empty() && !parse_port(port, port_number))
                return conninfo_error(diag, "invalid port number in the URI host list (a '/', '?' or '@' in a "
                                            "password must be percent-encoded)");
            auto dhost = percent_decode(host);
            if (!dhost) return conninfo_error(diag, "invalid percent-encoding in the URI host");
            if (!first) {
                hosts.push_back(',');
                ports.push_back(',');
            }
            hosts += *dhost;
            ports += port;
            first = false;
            if (i >= authority.size()) break;
            ++i; // the comma
        }
        if (hosts.find_first_not_of(',') != std::string::npos || hosts.find(',') != std::string::npos)
            out.emplace_back("host", hosts);
        if (any_port) out.emplace_back("port", ports);
    }
    if (!path.empty()) {
        auto db = percent_decode(path);
        if (!db) return conninfo_error(diag, "invalid percent-encoding in the URI database name");
        out.emplace_back("dbname", std::move(*db));
    }
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) return conninfo_error(diag, "missing \"=\" in a URI query parameter");
        auto key = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(pair.substr(eq + 1));
        if (!key || !value) return conninfo_error(diag, "invalid percent-encoding in a URI query parameter");
        // JDBC-style "ssl=true", accepted by libpq as sslmode=require.
        if (*key == "ssl") {
            if (*value != "true") return conninfo_error(diag, "invalid value for URI parameter \"ssl\"");
            out.emplace_back("sslmode", "require");
            continue;
        }
        out.emplace_back(std::move(*key), std::move(*value));
    }
    return {};
}

CIRRUS_DECL std::string os_user_name() {
    if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
    return {};
}

CIRRUS_DECL bool parse_require_auth(std::string_view text, unsigned& allowed, std::string& why) {
    allowed = auth_methods::all;
    if (text.empty()) return true;
    unsigned named = 0;
    bool negated = text.front() == '!';
    for (const auto& item : split_commas(text)) {
        std::string_view method = item;
        bool negative = method.starts_with('!');
        if (negative) method.remove_prefix(1);
        unsigned bit = method == "none"            ? auth_methods::none
                       : method == "password"      ? auth_methods::password
                       : method == "md5"           ? auth_methods::md5
                       : method == "scram-sha-256" ? auth_methods::scram_sha_256
                       : method == "gss"           ? auth_methods::gss
                       : method == "sspi"          ? auth_methods::sspi
                                                   : 0u;
        if (bit == 0) {
            why = "invalid require_auth method: \"" + item + "\"";
            return false;
        }
        if (negative != negated) {
            why = negative ? "negative require_auth method \"" + item + "\" cannot be mixed with non-negative methods"
                           : "require_auth method \"" + item + "\" cannot be mixed with negative methods";
            return false;
        }
        if ((named & bit) != 0) {
            why = "require_auth method \"" + std::string(method) + "\" is specified more than once";
            return false;
        }
        named |= bit;
    }
    allowed = negated ? auth_methods::all & ~named : named;
    return true;
}

CIRRUS_DECL bool parse_bool_option(std::string_view v, bool& out) {
    if (v == "1" || v == "true" || v == "on" || v == "yes") out = true;
    else if (v == "0" || v == "false" || v == "off" || v == "no") out = false;
    else return false;
    return true;
}

CIRRUS_DECL bool is_connection_keyword(std::string_view k) {
    return std::find(std::begin(connection_keywords), std::end(connection_keywords), k) !=
           std::end(connection_keywords);
}

CIRRUS_DECL std::optional<std::string> home_directory(const env_lookup& env) {
    if (auto home = env("HOME"); home && !home->empty()) return home;
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_dir &&
        found->pw_dir[0] != '\0')
        return std::string(found->pw_dir);
    return std::nullopt;
}

CIRRUS_DECL bool read_all(int fd, std::string& out) {
    out.clear();
    char chunk[4096];
    for (;;) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            OPENSSL_cleanse(chunk, sizeof chunk);
            return false;
        }
        if (out.size() + static_cast<std::size_t>(n) > out.capacity()) {
            // Grow by hand so no copy of the contents is left behind in freed memory.
            std::string bigger;
            bigger.reserve(std::max(out.capacity() * 2, out.size() + static_cast<std::size_t>(n)));
            bigger.assign(out);
            if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
            out.swap(bigger);
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    return true;
}

CIRRUS_DECL std::size_t passfile_field(std::string_view line, std::size_t pos, std::string_view value) {
    if (line.substr(pos, 2) == "*:") return pos + 2;
    std::size_t v = 0;
    while (pos < line.size()) {
        bool escaped = line[pos] == '\\';
        if (escaped && ++pos == line.size()) break;
        char c = line[pos];
        if (c == ':' && !escaped && v == value.size()) return pos + 1;
        // An unescaped ':' may still match a ':' of the value (an IPv6 address), as in libpq.
        if (v == value.size() || value[v] != c) break;
        ++v;
        ++pos;
    }
    return std::string_view::npos;
}

CIRRUS_DECL error_code parse_service_file(const std::string& path, std::string_view service, option_list& out,
                                          bool& found, diagnostics* diag) {
    found = false;
    auto fail = [&](std::string text) {
        if (diag) diag->assign_client(text);
        return make_error_code(client_errc::invalid_service_file);
    };
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    struct stat st {};
    if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode))
        return fail("service file \"" + path + "\" not found");
    std::string contents;
    if (!read_all(fd.fd, contents)) return fail("could not read service file \"" + path + "\"");
    struct wipe {
        std::string& s;
        ~wipe() {
            if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
        }
    } wipe_contents{contents};

    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    std::string_view rest = contents;
    int line_number = 0;
    while (!rest.empty()) {
        ++line_number;
        auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
        while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            if (found) break; // the end of the wanted section
            found = line.size() > service.size() + 1 && line.substr(1, service.size()) == service &&
                    line[service.size() + 1] == ']';
            continue;
        }
        if (!found) continue;
        auto where = "service file \"" + path + "\", line " + std::to_string(line_number);
        auto eq = line.find('=');
        if (eq == std::string_view::npos) return fail("syntax error in " + where);
        std::string_view key = line.substr(0, eq);
        if (key == "service") return fail("nested service specifications not supported in " + where);
        if (!is_connection_keyword(key)) return fail("syntax error in " + where);
        bool present = std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
        if (!present) out.emplace_back(std::string(key), std::string(line.substr(eq + 1)));
    }
    return {};
}

CIRRUS_DECL error_code read_service(std::string_view service, const env_lookup& env, option_list& out,
                                    diagnostics* diag) {
    out.clear();
    bool found = false;
    auto exists = [](const std::string& path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0;
    };
    std::string user_file;
    if (auto f = env("PGSERVICEFILE")) {
        user_file = *f;
    } else if (auto home = home_directory(env)) {
        user_file = *home + "/.pg_service.conf";
        if (!exists(user_file)) user_file.clear();
    }
    if (!user_file.empty()) {
        if (auto ec = parse_service_file(user_file, service, out, found, diag)) return ec;
        if (found) return {};
    }
    if (auto dir = env("PGSYSCONFDIR"); dir && !dir->empty()) {
        std::string system_file = *dir + "/pg_service.conf";
        if (exists(system_file)) {
            if (auto ec = parse_service_file(system_file, service, out, found, diag)) return ec;
            if (found) return {};
        }
    }
    if (diag) diag->assign_client("definition of service \"" + std::string(service) + "\" not found");
    return make_error_code(client_errc::service_not_found);
}

CIRRUS_DECL error_code check_auth_settings(const connect_params& p, diagnostics* diag) {
    unsigned allowed = 0;
    std::string why;
    if (!parse_require_auth(p.require_auth, allowed, why)) return conninfo_error(diag, why);
    if (p.channel_binding == channel_binding_mode::require) {
        if (p.ssl == ssl_mode::disable) return conninfo_error(diag, "channel_binding=require needs SSL");
        if ((allowed & auth_methods::scram_sha_256) == 0)
            return conninfo_error(diag, "channel_binding=require cannot be used with require_auth=\"" + p.require_auth +
                                            "\", which does not allow scram-sha-256");
    }
    return {};
}

} // namespace detail

} // namespace cirrus::postgres
