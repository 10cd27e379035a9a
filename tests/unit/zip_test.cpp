// The zip writer: archives of entries and of a directory tree, checked by the tools that
// read them (unzip -t, python3 -m zipfile -t) and by Python's zipfile for modes, times,
// methods and contents; the names and limits it refuses.

#include "support/temp_dir.hpp"

#include <cirrus/zip/writer.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace zip = cirrus::zip;

namespace {

void write_file(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
}

int run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// Runs a Python check on the archive; its stdout is returned.
std::string python(const std::string& script, const std::string& archive) {
    const std::string cmd = "python3 -c '" + script + "' " + archive;
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[512];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

} // namespace

TEST(Zip, EntriesReadBackByUnzipAndPython) {
    cirrus::test::temp_dir dir("cirrus-zip");
    zip::writer z;
    const std::string text = "line\n";
    std::string big;
    for (int i = 0; i < 2000; ++i) big += "repeat me ";
    ASSERT_FALSE(z.add_file("bootstrap", "#!/bin/sh\necho hi\n", {.mode = 0755, .mtime = 1700000000}));
    ASSERT_FALSE(z.add_directory("lib", {.mode = 0750, .mtime = 1700000000}));
    ASSERT_FALSE(z.add_file("lib/big.txt", big, {.mtime = 1700000002}));
    ASSERT_FALSE(z.add_file("lib/stored.txt", big, {.mtime = 1700000002, .compression = zip::method::store}));
    ASSERT_FALSE(z.add_file("lib/empty", ""));
    ASSERT_FALSE(z.add_symlink("lib/link", "big.txt"));
    ASSERT_FALSE(z.add_file("unicod\xc3\xa9.txt", text));
    EXPECT_EQ(z.add_file("lib/big.txt", "x"), zip::errc::duplicate_name);
    for (const char* bad : {"", "/abs", "../up", "a/../../b", "back\\slash"})
        EXPECT_EQ(z.add_file(bad, "x"), zip::errc::invalid_name) << bad;
    std::string archive;
    ASSERT_FALSE(z.finish(archive));
    EXPECT_EQ(z.finish(archive), zip::errc::finished);
    const std::string path = dir.path + "/a.zip";
    write_file(path, archive);

    EXPECT_EQ(run("unzip -t " + path), 0);
    EXPECT_EQ(run("python3 -m zipfile -t " + path), 0);
    const std::string listing = python(
        "import sys, zipfile\n"
        "z = zipfile.ZipFile(sys.argv[1])\n"
        "for i in z.infolist():\n"
        "    print(i.filename, oct(i.external_attr >> 16), i.compress_type, i.date_time, i.create_system, len(z.read(i)))\n",
        path);
    EXPECT_NE(listing.find("bootstrap 0o100755 0 (2023, 11, 14, 22, 13, 20) 3 18\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("lib/ 0o40750 0"), std::string::npos) << listing;
    EXPECT_NE(listing.find("lib/big.txt 0o100644 8 (2023, 11, 14, 22, 13, 22) 3 20000\n"), std::string::npos)
        << listing;
    EXPECT_NE(listing.find("lib/stored.txt 0o100644 0"), std::string::npos) << listing;
    EXPECT_NE(listing.find("lib/empty 0o100644 0 (1980, 1, 1, 0, 0, 0) 3 0\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("lib/link 0o120777 0"), std::string::npos) << listing;
    EXPECT_NE(listing.find("unicod\xc3\xa9.txt 0o100644"), std::string::npos) << listing;
    EXPECT_LT(archive.size(), 2u * big.size()); // one copy stored, one deflated
}

TEST(Zip, DirectoryTreeKeepsModesTimesAndLinks) {
    cirrus::test::temp_dir src("cirrus-zip-src");
    namespace fs = std::filesystem;
    fs::create_directories(src.path + "/pkg/sub");
    write_file(src.path + "/pkg/__init__.py", "");
    write_file(src.path + "/pkg/sub/mod.py", "x = 1\n");
    write_file(src.path + "/run.sh", "#!/bin/sh\n");
    ::chmod((src.path + "/run.sh").c_str(), 0755);
    fs::create_symlink("sub/mod.py", src.path + "/pkg/alias.py");
    const struct timeval times[2] = {{1600000000, 0}, {1600000000, 0}};
    ::utimes((src.path + "/pkg/sub/mod.py").c_str(), times);
    ::chmod((src.path + "/pkg/sub/mod.py").c_str(), 0640);

    std::string archive;
    ASSERT_FALSE(zip::zip_directory(src.path, archive, {.prefix = "python/"}));
    cirrus::test::temp_dir out("cirrus-zip-out");
    const std::string path = out.path + "/layer.zip";
    write_file(path, archive);
    EXPECT_EQ(run("unzip -t " + path), 0);
    EXPECT_EQ(run("python3 -m zipfile -t " + path), 0);
    // unzip restores modes, times and the link.
    ASSERT_EQ(run("cd " + out.path + " && unzip -q layer.zip"), 0);
    struct stat st{};
    ASSERT_EQ(::stat((out.path + "/python/run.sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0755u);
    ASSERT_EQ(::stat((out.path + "/python/pkg/sub/mod.py").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 1600000000);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_TRUE(fs::is_symlink(out.path + "/python/pkg/alias.py"));
    EXPECT_EQ(fs::read_symlink(out.path + "/python/pkg/alias.py"), "sub/mod.py");
    std::ifstream in(out.path + "/python/pkg/alias.py");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "x = 1\n");

    // The same tree with a pinned time gives the same bytes.
    std::string a, b;
    ASSERT_FALSE(zip::zip_directory(src.path, a, {.mtime = 1700000000}));
    ASSERT_FALSE(zip::zip_directory(src.path, b, {.mtime = 1700000000}));
    EXPECT_EQ(a, b);
    // A directory that is not there.
    std::string none;
    EXPECT_TRUE(zip::zip_directory(src.path + "/missing", none));
}
