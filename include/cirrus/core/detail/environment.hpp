#pragma once
// Reading the process environment and the user's home directory.

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::detail {

// The value of an environment variable; unset and empty are the same (as in the SDKs).
inline std::optional<std::string> getenv_nonempty(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

inline std::optional<std::string> home_directory() {
    if (auto home = getenv_nonempty("HOME")) return home;
    if (auto profile = getenv_nonempty("USERPROFILE")) return profile;
    auto drive = getenv_nonempty("HOMEDRIVE");
    auto path = getenv_nonempty("HOMEPATH");
    if (drive && path) return *drive + *path;
    return std::nullopt;
}

// Expands a leading "~" or "~/" to the home directory; nullopt when it is needed but
// unknown. "~user" forms are left as they are.
inline std::optional<std::string> expand_home(std::string_view path) {
    if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/' && path[1] != '\\'))
        return std::string(path);
    auto home = home_directory();
    if (!home) return std::nullopt;
    std::string out = *home;
    out.append(path.substr(1));
    return out;
}

} // namespace cirrus::detail
