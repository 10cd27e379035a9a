#pragma once
// A small pull reader for the XML that AWS-protocol services send (S3 listings, error
// envelopes, query-protocol responses).
//
// It walks the document in place: names, attribute text and character data are views
// into the caller's buffer, and nothing is allocated unless text holds entity references
// that must be decoded. It checks what a response parser needs to be safe (tags balance,
// names are well formed, quotes and sections close, bounded depth) and rejects anything
// else; it never expands DTD entities. Namespaces are not resolved: local_name() drops
// the prefix, which is what the services' fixed vocabularies need.

#include <cirrus/core/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::xml {

enum class token {
    start_element, // name(), attributes(); a self-closing element is followed by its end_element
    end_element,   // name()
    text,          // raw() character data, or CDATA when is_cdata()
    end,           // the document ended well-formed
    error,         // malformed input; every later call returns error too
};

namespace detail {

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr bool is_name_start(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}

constexpr bool is_name_char(char c) noexcept {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

template <class Out>
void append_utf8(std::uint32_t cp, Out& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace detail

// True when `raw` can be used as-is: no entity references and no carriage returns.
constexpr bool needs_decoding(std::string_view raw) noexcept {
    return raw.find_first_of("&\r") != std::string_view::npos;
}

// Appends the decoded form of raw character data: the five predefined entities, decimal
// and hexadecimal character references (as UTF-8), and XML line-end normalisation.
// Returns false on an unknown entity, a malformed or out-of-range reference; `out` then
// holds a prefix of the decoding.
template <class Out>
bool decode_to(std::string_view raw, Out& out) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\r') {
            out.push_back('\n');
            if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
            continue;
        }
        if (c != '&') {
            out.push_back(c);
            continue;
        }
        const std::size_t semi = raw.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 12) return false;
        const std::string_view ref = raw.substr(i + 1, semi - i - 1);
        i = semi;
        if (ref == "lt") out.push_back('<');
        else if (ref == "gt") out.push_back('>');
        else if (ref == "amp") out.push_back('&');
        else if (ref == "quot") out.push_back('"');
        else if (ref == "apos") out.push_back('\'');
        else if (ref.size() >= 2 && ref[0] == '#') {
            std::uint32_t cp = 0;
            const bool hex = ref[1] == 'x';
            const std::string_view digits = ref.substr(hex ? 2 : 1);
            if (digits.empty()) return false;
            for (char d : digits) {
                int v = -1;
                if (d >= '0' && d <= '9') v = d - '0';
                else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
                else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
                if (v < 0) return false;
                cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
                if (cp > 0x10FFFF) return false;
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            detail::append_utf8(cp, out);
        } else {
            return false;
        }
    }
    return true;
}

inline std::optional<std::string> decode(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    if (!decode_to(raw, out)) return std::nullopt;
    return out;
}

class reader {
public:
    static constexpr std::size_t max_depth = 64;

    explicit reader(std::string_view document) noexcept : doc_(document) {
        // A UTF-8 byte order mark is allowed before the declaration.
        if (doc_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    }

    token next() noexcept {
        if (state_ == token::error || state_ == token::end) return state_;
        if (pending_end_) {
            pending_end_ = false;
            --depth_;
            return state_ = token::end_element;
        }
        cdata_ = false;
        for (;;) {
            if (pos_ >= doc_.size()) return finish();
            if (doc_[pos_] != '<') {
                const std::size_t lt = doc_.find('<', pos_);
                const std::size_t stop = lt == std::string_view::npos ? doc_.size() : lt;
                raw_ = doc_.substr(pos_, stop - pos_);
                pos_ = stop;
                if (depth_ == 0) {
                    // Outside the root only white space may appear.
                    for (char c : raw_)
                        if (!detail::is_space(c)) return fail();
                    continue;
                }
                if (raw_.find("]]>") != std::string_view::npos) return fail();
                return state_ = token::text;
            }
            const std::string_view rest = doc_.substr(pos_);
            if (rest.starts_with("<?")) {
                if (!skip_past("?>")) return fail();
                continue;
            }
            if (rest.starts_with("<!--")) {
                pos_ += 4;
                if (!skip_past("-->")) return fail();
                continue;
            }
            if (rest.starts_with("<![CDATA[")) {
                if (depth_ == 0) return fail();
                const std::size_t start = pos_ + 9;
                const std::size_t close = doc_.find("]]>", start);
                if (close == std::string_view::npos) return fail();
                raw_ = doc_.substr(start, close - start);
                pos_ = close + 3;
                cdata_ = true;
                return state_ = token::text;
            }
            if (rest.starts_with("<!")) {
                // A document type declaration: allowed before the root, skipped, never
                // interpreted (no entity definitions are honoured).
                if (depth_ != 0 || seen_root_ || !skip_declaration()) return fail();
                continue;
            }
            if (rest.starts_with("</")) return end_tag();
            return start_tag();
        }
    }

    // The qualified name of the current start_element or end_element.
    std::string_view name() const noexcept { return name_; }
    // The name without its namespace prefix.
    std::string_view local_name() const noexcept {
        const std::size_t colon = name_.find(':');
        return colon == std::string_view::npos ? name_ : name_.substr(colon + 1);
    }
    // The raw (undecoded) attribute text of the current start_element.
    std::string_view attributes() const noexcept { return attributes_; }
    // The raw value of an attribute of the current start_element, matched by qualified name.
    std::optional<std::string_view> attribute(std::string_view attr_name) const noexcept {
        std::string_view a = attributes_;
        while (!a.empty()) {
            std::size_t i = 0;
            while (i < a.size() && detail::is_space(a[i])) ++i;
            const std::size_t name_start = i;
            while (i < a.size() && detail::is_name_char(a[i])) ++i;
            const std::string_view n = a.substr(name_start, i - name_start);
            while (i < a.size() && (detail::is_space(a[i]) || a[i] == '=')) ++i;
            if (i >= a.size()) break;
            const char quote = a[i];
            const std::size_t close = a.find(quote, i + 1);
            if (close == std::string_view::npos) break;
            if (n == attr_name) return a.substr(i + 1, close - i - 1);
            a = a.substr(close + 1);
        }
        return std::nullopt;
    }
    // The raw character data of the current text token (decode with decode_to unless
    // is_cdata()).
    std::string_view raw() const noexcept { return raw_; }
    bool is_cdata() const noexcept { return cdata_; }
    // Nesting depth: 1 inside the root element after its start_element.
    std::size_t depth() const noexcept { return depth_; }
    // Byte offset reached in the document.
    std::size_t offset() const noexcept { return pos_; }
    bool failed() const noexcept { return state_ == token::error; }
    error_code error() const noexcept { return failed() ? make_error_code(errc::protocol_error) : error_code{}; }

    // After a start_element: consumes everything up to and including its end_element.
    bool skip_element() noexcept {
        const std::size_t target = depth_ - 1;
        for (;;) {
            const token t = next();
            if (t == token::error || t == token::end) return false;
            if (t == token::end_element && depth_ == target) return true;
        }
    }

    // After a start_element: the element's character data, decoded, with its end_element
    // consumed. Child elements are skipped. The view points into the document when no
    // decoding was needed, otherwise into `scratch`. nullopt on malformed input.
    std::optional<std::string_view> read_text(std::string& scratch) {
        const std::size_t target = depth_ - 1;
        std::string_view single;
        bool use_scratch = false;
        scratch.clear();
        for (;;) {
            const token t = next();
            if (t == token::error || t == token::end) return std::nullopt;
            if (t == token::end_element && depth_ == target) break;
            if (t == token::start_element) {
                if (!skip_element()) return std::nullopt;
                continue;
            }
            if (t != token::text) continue;
            if (!use_scratch && single.empty() && (cdata_ || !needs_decoding(raw_))) {
                single = raw_;
                continue;
            }
            if (!use_scratch) {
                use_scratch = true;
                scratch.assign(single);
            }
            if (cdata_) scratch.append(raw_);
            else if (!decode_to(raw_, scratch)) {
                fail();
                return std::nullopt;
            }
        }
        if (use_scratch) return std::string_view(scratch);
        return single;
    }

private:
    token fail() noexcept { return state_ = token::error; }

    token finish() noexcept {
        if (depth_ != 0 || !seen_root_) return fail();
        return state_ = token::end;
    }

    bool skip_past(std::string_view terminator) noexcept {
        const std::size_t at = doc_.find(terminator, pos_ + 1);
        if (at == std::string_view::npos) return false;
        pos_ = at + terminator.size();
        return true;
    }

    bool skip_declaration() noexcept {
        int brackets = 0;
        char quote = 0;
        for (std::size_t i = pos_ + 2; i < doc_.size(); ++i) {
            const char c = doc_[i];
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                ++brackets;
            } else if (c == ']') {
                if (--brackets < 0) return false;
            } else if (c == '>' && brackets == 0) {
                pos_ = i + 1;
                return true;
            }
        }
        return false;
    }

    std::size_t scan_name(std::size_t i) const noexcept {
        if (i >= doc_.size() || !detail::is_name_start(doc_[i])) return i;
        ++i;
        while (i < doc_.size() && detail::is_name_char(doc_[i])) ++i;
        return i;
    }

    token start_tag() noexcept {
        if (depth_ == 0 && seen_root_) return fail(); // a second root element
        const std::size_t name_start = pos_ + 1;
        std::size_t i = scan_name(name_start);
        if (i == name_start) return fail();
        name_ = doc_.substr(name_start, i - name_start);
        const std::size_t attr_start = i;
        bool need_space = true;
        for (;;) {
            if (i >= doc_.size()) return fail();
            const char c = doc_[i];
            if (detail::is_space(c)) {
                ++i;
                need_space = false;
                continue;
            }
            if (c == '>' || (c == '/' && i + 1 < doc_.size() && doc_[i + 1] == '>')) break;
            if (need_space) return fail();
            const std::size_t an = i;
            i = scan_name(i);
            if (i == an) return fail();
            while (i < doc_.size() && detail::is_space(doc_[i])) ++i;
            if (i >= doc_.size() || doc_[i] != '=') return fail();
            ++i;
            while (i < doc_.size() && detail::is_space(doc_[i])) ++i;
            if (i >= doc_.size() || (doc_[i] != '"' && doc_[i] != '\'')) return fail();
            const char quote = doc_[i];
            const std::size_t close = doc_.find(quote, i + 1);
            if (close == std::string_view::npos) return fail();
            if (doc_.substr(i + 1, close - i - 1).find('<') != std::string_view::npos) return fail();
            i = close + 1;
            need_space = true;
        }
        attributes_ = doc_.substr(attr_start, i - attr_start);
        const bool self_closing = doc_[i] == '/';
        pos_ = i + (self_closing ? 2 : 1);
        if (depth_ >= max_depth) return fail();
        stack_[depth_++] = name_;
        seen_root_ = true;
        if (self_closing) pending_end_ = true;
        return state_ = token::start_element;
    }

    token end_tag() noexcept {
        const std::size_t name_start = pos_ + 2;
        std::size_t i = scan_name(name_start);
        if (i == name_start) return fail();
        name_ = doc_.substr(name_start, i - name_start);
        while (i < doc_.size() && detail::is_space(doc_[i])) ++i;
        if (i >= doc_.size() || doc_[i] != '>') return fail();
        if (depth_ == 0 || stack_[depth_ - 1] != name_) return fail();
        --depth_;
        attributes_ = {};
        pos_ = i + 1;
        return state_ = token::end_element;
    }

    std::string_view doc_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    token state_ = token::text;
    bool pending_end_ = false;
    bool cdata_ = false;
    bool seen_root_ = false;
    std::string_view name_;
    std::string_view attributes_;
    std::string_view raw_;
    std::array<std::string_view, max_depth> stack_{};
};

} // namespace cirrus::xml
