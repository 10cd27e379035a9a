#pragma once
// A private temporary directory for a test, removed with its files.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace cirrus::test {

struct temp_dir {
    std::string path;
    explicit temp_dir(const char* prefix = "cirrus-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data())) path = tmpl;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
    // Writes `text` to `name` in the directory with the given mode; returns the file's path.
    std::string write(const std::string& name, const std::string& text, ::mode_t mode = 0600) const {
        std::string file = path + "/" + name;
        std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
        ::chmod(file.c_str(), mode);
        return file;
    }
};

} // namespace cirrus::test
