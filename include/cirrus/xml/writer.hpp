#pragma once
// Escaping for the small XML request bodies the services take (S3 multipart completion,
// batch delete, bucket configuration). Writes into any container with push_back(char)
// and append(std::string_view) (std::string, cirrus::buffer).

#include <string_view>

namespace cirrus::xml {

// Escapes text for element content or a double-quoted attribute value. Carriage returns
// and tabs are written as character references so that they survive line-end
// normalisation on the other side.
template <class Out>
void escape_to(std::string_view text, Out& out) {
    for (char c : text) {
        switch (c) {
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '&': out.append("&amp;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&apos;"); break;
        case '\r': out.append("&#13;"); break;
        case '\t': out.append("&#9;"); break;
        default: out.push_back(c);
        }
    }
}

// <name>escaped text</name>
template <class Out>
void append_element(Out& out, std::string_view name, std::string_view text) {
    out.push_back('<');
    out.append(name);
    out.push_back('>');
    escape_to(text, out);
    out.append("</");
    out.append(name);
    out.push_back('>');
}

} // namespace cirrus::xml
