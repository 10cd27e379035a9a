#pragma once
// The shared AWS config and credentials files, read by the rules the AWS SDKs share:
//
// - Locations: $AWS_CONFIG_FILE (default ~/.aws/config), $AWS_SHARED_CREDENTIALS_FILE
//   (default ~/.aws/credentials); the profile is $AWS_PROFILE (default "default").
// - In the config file a profile is [profile name]; [default] is accepted for the default
//   profile, and ignored when a [profile default] also exists; other unprefixed sections
//   are ignored. [sso-session name] sections are kept apart.
// - In the credentials file a profile is [name]; sections with a prefix ([profile x]) are
//   ignored.
// - Profile names and property keys must match [A-Za-z0-9_\-/.%@:+]+, or the section or
//   property is ignored. Keys are case-insensitive; profile names are not.
// - Comments: lines starting with '#' or ';'; after a section header, a '#' or ';'
//   anywhere; after a value, only when preceded by whitespace (so "a=b#c" keeps "#c").
// - Keys and values are trimmed of spaces and tabs. An indented line continues the
//   previous value (joined with '\n'); after an empty value it holds sub-properties,
//   which must be "key = value".
// - The same profile may appear several times in a file (merged, later wins) and in both
//   files (merged, the credentials file wins).
// - A malformed line is an errc::invalid_config error naming the file and the line, never
//   the line's text, which may hold a secret.

#include <cirrus/core/detail/environment.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace cirrus::auth {

enum class profile_file_kind : std::uint8_t { config, credentials };

// A property value and where it was set (1-based line).
struct profile_property {
    std::string value;
    profile_file_kind source = profile_file_kind::config;
    unsigned line = 0;
};

class profile {
public:
    using property_map = std::map<std::string, profile_property, std::less<>>;

    profile() = default;
    explicit profile(std::string name) : name_(std::move(name)) {}

    const std::string& name() const noexcept { return name_; }
    const property_map& properties() const noexcept { return properties_; }
    bool empty() const noexcept { return properties_.empty(); }

    // Keys are case-insensitive.
    const profile_property* find(std::string_view key) const {
        auto it = properties_.find(lower(key));
        return it == properties_.end() ? nullptr : &it->second;
    }
    std::optional<std::string_view> get(std::string_view key) const {
        const profile_property* p = find(key);
        if (p == nullptr) return std::nullopt;
        return std::string_view(p->value);
    }

    void set(std::string_view key, profile_property property) {
        properties_.insert_or_assign(lower(key), std::move(property));
    }

private:
    static std::string lower(std::string_view s) {
        std::string out(s);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return out;
    }

    std::string name_;
    property_map properties_;
};

namespace detail {

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_blanks(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

constexpr bool is_profile_identifier(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '/' || c == '.' || c == '%' || c == '@' || c == ':' || c == '+';
        if (!ok) return false;
    }
    return true;
}

// Trims a line and cuts a trailing '#' or ';' comment; in values a comment must follow
// whitespace.
constexpr std::string_view strip_comment(std::string_view s, bool needs_whitespace) noexcept {
    s = trim_blanks(s);
    bool after_blank = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if ((c == '#' || c == ';') && (!needs_whitespace || after_blank)) return trim_blanks(s.substr(0, i));
        after_blank = is_blank(c);
    }
    return s;
}

// "[profile  foo ]" -> {"profile", "foo"}; "[foo]" -> {"", "foo"}.
constexpr std::pair<std::string_view, std::string_view> split_section_name(std::string_view s) noexcept {
    s = trim_blanks(s);
    std::size_t i = 0;
    while (i < s.size() && !is_blank(s[i])) ++i;
    if (i == s.size()) return {{}, s};
    return {s.substr(0, i), trim_blanks(s.substr(i))};
}

struct raw_property {
    std::string_view key;
    std::string value;
    unsigned line;
};
struct raw_section {
    std::string_view name; // between the brackets, untrimmed
    std::vector<raw_property> properties;
};

inline error_code profile_syntax_error(diagnostics& diag, std::string_view path, unsigned line, std::string_view what) {
    diag.message.clear();
    diag.message.append(path).append(":").append(std::to_string(line)).append(": ").append(what);
    return errc::invalid_config;
}

// Splits a file into sections and properties, checking only the syntax.
inline error_code parse_profile_text(std::string_view text, std::string_view path, std::vector<raw_section>& out,
                                     diagnostics& diag) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3); // UTF-8 byte order mark
    raw_section* section = nullptr;
    raw_property* property = nullptr; // the property an indented line continues
    unsigned line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        const std::string_view trimmed = trim_blanks(line);
        if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') continue;

        if (line.front() == '[') {
            const std::string_view header = strip_comment(line, false);
            if (header.back() != ']')
                return profile_syntax_error(diag, path, line_number, "section header does not end with ']'");
            out.push_back(raw_section{header.substr(1, header.size() - 2), {}});
            section = &out.back();
            property = nullptr;
        } else if (is_blank(line.front())) {
            if (section == nullptr)
                return profile_syntax_error(diag, path, line_number, "indented line before any section header");
            if (property == nullptr)
                return profile_syntax_error(diag, path, line_number, "indented line does not continue a property");
            if (property->value.empty() || property->value.front() == '\n') {
                // Sub-properties of a property whose own value is empty.
                const std::string_view sub = strip_comment(trimmed, true);
                const std::size_t eq = sub.find('=');
                if (eq == std::string_view::npos)
                    return profile_syntax_error(diag, path, line_number, "expected '=' in a sub-property");
                if (trim_blanks(sub.substr(0, eq)).empty())
                    return profile_syntax_error(diag, path, line_number, "sub-property has no name");
            }
            property->value.push_back('\n');
            property->value.append(trimmed);
        } else {
            if (section == nullptr)
                return profile_syntax_error(diag, path, line_number, "property before any section header");
            const std::string_view content = strip_comment(line, true);
            const std::size_t eq = content.find('=');
            if (eq == std::string_view::npos)
                return profile_syntax_error(diag, path, line_number, "expected '=' in a property");
            const std::string_view key = trim_blanks(content.substr(0, eq));
            if (key.empty()) return profile_syntax_error(diag, path, line_number, "property has no name");
            section->properties.push_back(
                raw_property{key, std::string(trim_blanks(content.substr(eq + 1))), line_number});
            property = &section->properties.back();
        }
    }
    return {};
}

// Reads a whole file. A file that does not exist is not an error (missing = true).
inline error_code read_profile_file(const std::string& path, std::string& out, bool& missing, diagnostics& diag) {
    constexpr std::size_t max_size = 16u << 20; // far above any real profile file
    missing = false;
    out.clear();
    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            missing = true;
            return {};
        }
        diag.message = "cannot open " + path + ": " + std::generic_category().message(err);
        return errc::invalid_config;
    }
    char chunk[8192];
    for (;;) {
        const std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
        out.append(chunk, n);
        if (out.size() > max_size) {
            diag.message = path + " is larger than 16 MiB";
            return errc::invalid_config;
        }
        if (n < sizeof chunk) break;
    }
    if (std::ferror(file.get())) {
        const int err = errno;
        diag.message = "cannot read " + path + ": " + std::generic_category().message(err != 0 ? err : EIO);
        return errc::invalid_config;
    }
    return {};
}

} // namespace detail

// Every profile of the config and credentials files, merged.
class profile_set {
public:
    using profile_map = std::map<std::string, profile, std::less<>>;

    const profile* find(std::string_view name) const {
        auto it = profiles_.find(name);
        return it == profiles_.end() ? nullptr : &it->second;
    }
    const profile* find_sso_session(std::string_view name) const {
        auto it = sso_sessions_.find(name);
        return it == sso_sessions_.end() ? nullptr : &it->second;
    }
    const profile_map& profiles() const noexcept { return profiles_; }
    const profile_map& sso_sessions() const noexcept { return sso_sessions_; }

    // The path each file was read from; empty when it was not read (absent).
    const std::string& path(profile_file_kind kind) const noexcept {
        return kind == profile_file_kind::config ? config_path_ : credentials_path_;
    }

    // Parses one file and merges its sections in. Properties set before are overwritten:
    // merge the config file first and the credentials file second.
    error_code merge(std::string_view text, profile_file_kind kind, std::string_view path, diagnostics& diag) {
        std::vector<detail::raw_section> sections;
        if (error_code ec = detail::parse_profile_text(text, path, sections, diag)) return ec;

        bool has_prefixed_default = false;
        if (kind == profile_file_kind::config) {
            for (const auto& s : sections) {
                auto [prefix, name] = detail::split_section_name(s.name);
                if (prefix == "profile" && name == "default") has_prefixed_default = true;
            }
        }
        for (auto& s : sections) {
            auto [prefix, name] = detail::split_section_name(s.name);
            if (!detail::is_profile_identifier(name)) continue;
            profile_map* target = nullptr;
            if (kind == profile_file_kind::config) {
                if (prefix == "profile") target = &profiles_;
                else if (prefix.empty() && name == "default" && !has_prefixed_default) target = &profiles_;
                else if (prefix == "sso-session") target = &sso_sessions_;
            } else if (prefix.empty()) {
                target = &profiles_;
            }
            if (target == nullptr) continue;
            profile& p = target->try_emplace(std::string(name), std::string(name)).first->second;
            for (auto& prop : s.properties) {
                if (!detail::is_profile_identifier(prop.key)) continue;
                p.set(prop.key, profile_property{std::move(prop.value), kind, prop.line});
            }
        }
        (kind == profile_file_kind::config ? config_path_ : credentials_path_) = std::string(path);
        return {};
    }

private:
    profile_map profiles_;
    profile_map sso_sessions_;
    std::string config_path_;
    std::string credentials_path_;
};

// Where the files are and which profile to use. A leading "~" is expanded when the files
// are read; an empty path means "no such file".
struct profile_file_locations {
    std::string config_file;
    std::string credentials_file;
    std::string profile_name = "default";

    static profile_file_locations from_environment() {
        profile_file_locations l;
        l.config_file = cirrus::detail::getenv_nonempty("AWS_CONFIG_FILE").value_or("~/.aws/config");
        l.credentials_file =
            cirrus::detail::getenv_nonempty("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials");
        l.profile_name = cirrus::detail::getenv_nonempty("AWS_PROFILE").value_or("default");
        return l;
    }
};

// Reads and merges both files; a file that does not exist counts as empty.
inline result<profile_set> load_profile_files(const profile_file_locations& locations, diagnostics& diag) {
    profile_set set;
    const std::pair<const std::string*, profile_file_kind> files[] = {
        {&locations.config_file, profile_file_kind::config},
        {&locations.credentials_file, profile_file_kind::credentials},
    };
    std::string text;
    for (const auto& [path, kind] : files) {
        if (path->empty()) continue;
        const std::optional<std::string> expanded = cirrus::detail::expand_home(*path);
        if (!expanded) continue; // "~" without a home directory: there is no such file
        bool missing = false;
        if (error_code ec = detail::read_profile_file(*expanded, text, missing, diag)) return ec;
        if (missing) continue;
        if (error_code ec = set.merge(text, kind, *expanded, diag)) return ec;
    }
    return set;
}

// The settings of one profile (region, and any other key), from both files.
class profile_config {
public:
    profile_config() = default;
    profile_config(std::string profile_name, const profile* p)
        : name_(std::move(profile_name)), profile_(p != nullptr ? std::optional<profile>(*p) : std::nullopt) {}

    const std::string& profile_name() const noexcept { return name_; }
    bool found() const noexcept { return profile_.has_value(); }

    std::optional<std::string_view> get(std::string_view key) const {
        if (!profile_) return std::nullopt;
        return profile_->get(key);
    }
    std::optional<std::string_view> region() const {
        auto r = get("region");
        if (r && r->empty()) return std::nullopt;
        return r;
    }

private:
    std::string name_;
    std::optional<profile> profile_;
};

inline result<profile_config> load_profile_config(const profile_file_locations& locations, diagnostics& diag) {
    auto set = load_profile_files(locations, diag);
    if (!set) return set.error();
    return profile_config(locations.profile_name, set->find(locations.profile_name));
}

inline result<profile_config> load_profile_config(diagnostics& diag) {
    return load_profile_config(profile_file_locations::from_environment(), diag);
}

// The region the SDKs would pick: $AWS_REGION, then $AWS_DEFAULT_REGION, then the
// profile's "region"; nullopt when none is set.
inline result<std::optional<std::string>> default_region(diagnostics& diag) {
    if (auto r = cirrus::detail::getenv_nonempty("AWS_REGION")) return std::optional<std::string>(std::move(r));
    if (auto r = cirrus::detail::getenv_nonempty("AWS_DEFAULT_REGION")) return std::optional<std::string>(std::move(r));
    auto config = load_profile_config(diag);
    if (!config) return config.error();
    if (auto r = config->region()) return std::optional<std::string>(std::string(*r));
    return std::optional<std::string>();
}

} // namespace cirrus::auth
