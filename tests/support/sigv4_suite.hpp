#pragma once
// Readers for the AWS signing test suite's files (tests/data/sigv4/v4 and v4a).

#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/uri.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::test::sigv4_suite {

namespace fs = std::filesystem;
namespace sigv4 = cirrus::auth::sigv4;

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read test data " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

// "2015-08-30T12:36:00Z" or "20130524T000000Z"
inline std::chrono::system_clock::time_point parse_time(std::string_view s) {
    std::string digits;
    for (char c : s)
        if (c >= '0' && c <= '9') digits.push_back(c);
    auto num = [&](std::size_t pos, std::size_t len) { return std::stoi(digits.substr(pos, len)); };
    using namespace std::chrono;
    auto day = sys_days{year{num(0, 4)} / month{static_cast<unsigned>(num(4, 2))} / static_cast<unsigned>(num(6, 2))};
    return day + hours{num(8, 2)} + minutes{num(10, 2)} + seconds{num(12, 2)};
}

struct parsed_request {
    std::string method, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<sigv4::header> views() const {
        std::vector<sigv4::header> v;
        for (const auto& [n, val] : headers) v.push_back({n, val});
        return v;
    }
};

// The suite's request.txt: request line, headers (obs-fold continuation lines are
// unfolded as an HTTP parser would), blank line, body.
inline parsed_request parse_request(const std::string& text) {
    parsed_request r;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    auto sp = line.find(' ');
    r.method = line.substr(0, sp);
    auto target = line.substr(sp + 1, line.rfind(" HTTP/") - sp - 1);
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    while (std::getline(in, line)) {
        if (line.empty()) break;
        if (line.front() == ' ' || line.front() == '\t') {
            r.headers.back().second += " " + trim(line);
            continue;
        }
        auto colon = line.find(':');
        r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    std::ostringstream rest;
    rest << in.rdbuf();
    r.body = rest.str();
    return r;
}

inline std::vector<std::pair<std::string, std::string>> split_query(std::string_view q) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto part = q.substr(0, amp);
        auto eq = part.find('=');
        // Decoded, since the expected requests print some parameters raw.
        out.emplace_back(cirrus::uri::decode(part.substr(0, eq)),
                         eq == std::string_view::npos ? "" : cirrus::uri::decode(part.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace cirrus::test::sigv4_suite
