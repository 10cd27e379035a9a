#pragma once
// The awsQuery protocol (IAM, STS): requests are form-encoded POST bodies
// ("Action=GetUser&Version=2010-05-08&UserName=ada"), responses are XML documents whose
// result fields are read by name.

#include <cirrus/xml/reader.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace cirrus::aws::detail {

// Appends `s` percent-encoded as the form encoding of the query protocol expects (the
// unreserved characters stay, everything else is %XX).
inline void append_form_encoded(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
}

// Builds one query-protocol request body.
class query_form {
public:
    query_form(std::string_view action, std::string_view version) {
        body_ = "Action=";
        body_ += action;
        body_ += "&Version=";
        body_ += version;
    }
    // Adds name=value (always).
    query_form& add(std::string_view name, std::string_view value) {
        body_ += '&';
        body_ += name;
        body_ += '=';
        append_form_encoded(body_, value);
        return *this;
    }
    // Adds name=value when value is not empty.
    query_form& add_if(std::string_view name, std::string_view value) {
        if (!value.empty()) add(name, value);
        return *this;
    }
    query_form& add(std::string_view name, long long value) { return add(name, std::to_string(value)); }
    // Adds a member of a list: <prefix>.member.<n>[.<suffix>]=value (n from 1).
    query_form& add_member(std::string_view prefix, std::size_t n, std::string_view suffix, std::string_view value) {
        std::string key(prefix);
        key += ".member.";
        key += std::to_string(n);
        if (!suffix.empty()) {
            key += '.';
            key += suffix;
        }
        return add(key, value);
    }
    const std::string& body() const noexcept { return body_; }
    std::string take() noexcept { return std::move(body_); }

private:
    std::string body_;
};

// Walks a query-protocol response: calls on_leaf(path, text) for every element without
// child elements (text may be empty), where `path` is the chain of local names from the document's root joined
// by '/' (e.g. "GetUserResponse/GetUserResult/User/UserName"). Returns false when the
// document is malformed.
// on_start, when given, is called with the path of every element as it starts.
inline bool walk_leaves(std::string_view doc, const std::function<void(std::string_view, std::string&&)>& on_leaf,
                        const std::function<void(std::string_view)>& on_start = {}) {
    xml::reader r(doc);
    std::string path;
    std::string text;
    bool leaf = false; // no child element since the current element started
    for (;;) {
        switch (r.next()) {
        case xml::token::start_element:
            if (!path.empty()) path += '/';
            path += r.local_name();
            if (on_start) on_start(path);
            text.clear();
            leaf = true;
            break;
        case xml::token::text:
            if (!leaf) break;
            if (r.is_cdata() || !xml::needs_decoding(r.raw())) text += r.raw();
            else if (!xml::decode_to(r.raw(), text)) return false;
            break;
        case xml::token::end_element: {
            if (leaf) on_leaf(path, std::move(text));
            text.clear();
            leaf = false;
            const auto slash = path.rfind('/');
            path.resize(slash == std::string::npos ? 0 : slash);
            break;
        }
        case xml::token::end: return true;
        case xml::token::error: return false;
        }
    }
}

// The last component of a leaf path ("User/UserName" -> "UserName").
inline std::string_view leaf_name(std::string_view path) noexcept {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// True when `path` ends with `suffix` at a component boundary.
inline bool path_ends_with(std::string_view path, std::string_view suffix) noexcept {
    if (path.size() < suffix.size() || path.substr(path.size() - suffix.size()) != suffix) return false;
    return path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/';
}

} // namespace cirrus::aws::detail
