#pragma once
// A string written as JSON text, for every JSON writer of the library (the DynamoDB
// requests, the restJson1 bodies of Lambda and API Gateway, S3 POST policies): quoted, with
// the escapes JSON requires (", \ and the control characters), bytes over 0x7F as they are.

#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus::detail {

// Appends `s` escaped, without quotes; runs that need no escape are appended whole.
inline void append_json_escaped(std::string& out, std::string_view s) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(esc, 6);
        }
        }
    }
    out.append(s.data() + run, s.size() - run);
}

// Appends `s` quoted and escaped.
inline void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    append_json_escaped(out, s);
    out.push_back('"');
}

} // namespace cirrus::detail
