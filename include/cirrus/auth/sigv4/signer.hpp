#pragma once
// AWS Signature Version 4: canonical request, string to sign, signing-key cache,
// Authorization-header signing and query presigning.
//
// The signer works on a view of the request as it will go on the wire, so it knows
// nothing of the transport. A long-lived signer reuses its buffers and caches signing
// keys, so signing in steady state does not allocate.

#include <cirrus/auth/credentials.hpp>
#include <cirrus/auth/sigv4/detail/text.hpp>
#include <cirrus/core/buffer.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/core/uri.hpp>
#include <cirrus/crypto/hmac.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::auth::sigv4a {
class signer;
} // namespace cirrus::auth::sigv4a

namespace cirrus::auth::sigv4 {

// How the path enters the canonical request. Most services normalise the path (remove
// dot segments and empty segments) and encode it once more ("double encoding"); S3 does
// neither, because object keys are taken literally.
enum class uri_rules { standard, s3 };

struct header {
    std::string_view name;
    std::string_view value;
};

struct request_view {
    std::string_view method;         // "GET"
    std::string_view path;           // as sent on the request line; "/" when empty
    std::string_view query;          // as sent, without '?'
    std::span<const header> headers; // must contain host
};

namespace payload {
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view streaming_signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view streaming_signed_trailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view streaming_unsigned_trailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
} // namespace payload

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::chrono::seconds max_presign_expiry{7 * 24 * 3600};

struct signing_params {
    std::string_view region;
    std::string_view service;
    std::chrono::system_clock::time_point time;
    uri_rules rules = uri_rules::standard;
    std::string_view payload_hash = {}; // hex SHA-256 of the body or a payload:: value; empty = empty body
    bool content_sha256_header = false; // add and sign x-amz-content-sha256
    // Sign without the session token; the caller still sends it (a few services, e.g.
    // IoT, expect the token outside the signature).
    bool omit_session_token = false;
};

// Views into the signer's storage (and into the credentials for the token), valid until
// the signer's next call.
struct signature_headers {
    std::string_view authorization;
    std::string_view amz_date;
    std::string_view content_sha256;
    std::string_view security_token;
    std::string_view signature;
};

// A SigV4 signing key: HMAC chain over date, region, service and "aws4_request".
using signing_key = crypto::sha256_digest;

namespace detail {

// Headers that proxies may rewrite or that are set after signing: never signed.
inline bool is_unsigned_header(std::string_view lower) noexcept {
    // Dispatch on the length first: most names of a request rule themselves out there.
    switch (lower.size()) {
    case 2: return lower == "te";
    case 6: return lower == "expect";
    case 7: return lower == "trailer" || lower == "upgrade";
    case 10: return lower == "user-agent" || lower == "connection" || lower == "keep-alive";
    case 13: return lower == "authorization";
    case 15: return lower == "x-amzn-trace-id";
    case 17: return lower == "transfer-encoding";
    case 19: return lower == "proxy-authorization";
    default: return false;
    }
}

// Index of the first space or tab in v, or v.size(). Eight bytes at a time: header
// values are scanned on every signature and rarely contain either.
inline std::size_t find_space_or_tab(std::string_view v) noexcept {
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, v.data() + i, 8);
        if ((bytes_not_equal(w, ' ') & bytes_not_equal(w, '\t')) != highs) break;
    }
    for (; i < v.size(); ++i)
        if (v[i] == ' ' || v[i] == '\t') return i;
    return v.size();
}

inline bool valid_payload_hash(std::string_view h) noexcept {
    if (h.size() == 64) { // lower-case hex, the common case
        static constexpr auto lower_hex = [] {
            std::array<bool, 256> t{};
            for (char c : std::string_view("0123456789abcdef")) t[static_cast<unsigned char>(c)] = true;
            return t;
        }();
        bool ok = true;
        for (char c : h) ok &= lower_hex[static_cast<unsigned char>(c)];
        return ok;
    }
    return h == payload::unsigned_payload || h == payload::streaming_signed || h == payload::streaming_signed_trailer ||
           h == payload::streaming_unsigned_trailer;
}

} // namespace detail

class signer {
public:
    signer() = default;
    signer(const signer&) = delete;
    signer& operator=(const signer&) = delete;
    ~signer() {
        for (auto& e : key_cache_) {
            if (!e.secret.empty()) OPENSSL_cleanse(e.secret.data(), e.secret.size());
            OPENSSL_cleanse(e.key.data(), e.key.size());
        }
        if (secret_scratch_.capacity() != 0) OPENSSL_cleanse(secret_scratch_.data(), secret_scratch_.size());
    }

    // Signs `req` for the Authorization header. On error nothing is signed and `out` is
    // left empty.
    error_code sign(const request_view& req, const credentials& creds, const signing_params& params,
                    signature_headers& out) {
        out = {};
        if (auto ec = begin_header_signing(req, creds, params)) return ec;
        compute_signature(key_for(creds.secret_access_key, params));
        finish_header_signing(creds, params, std::string_view(signature_.data(), signature_.size()), out);
        return {};
    }

    // Presigned URL: returns the query string to send (the request's own parameters plus
    // the X-Amz-* ones and X-Amz-Signature), already encoded.
    result<std::string> presign(const request_view& req, const credentials& creds, const signing_params& params,
                                std::chrono::seconds expires) {
        if (expires < std::chrono::seconds{1} || expires > max_presign_expiry) return errc::expiry_out_of_range;
        if (auto ec = prepare(req, creds, params, true, expires)) return ec;
        cache_entry& key = key_for(creds.secret_access_key, params);
        build_canonical_request(req.method);
        compute_signature(key);
        return finish_presigning(creds, params, std::string_view(signature_.data(), signature_.size()));
    }

    // The signing key for (secret, date, region, service), from the cache when it is there.
    const signing_key& derive_key(std::string_view secret, const signing_params& params) {
        set_time(params.time);
        return key_for(secret, params).key;
    }

    // Inspection for tests and debugging: the last canonical request and string to sign.
    // Neither contains the secret; both may contain the session token.
    std::string_view last_canonical_request() const noexcept { return canonical_.view(); }
    std::string_view last_string_to_sign() const noexcept { return string_to_sign_.view(); }
    std::string_view last_scope() const noexcept { return scope_.view(); }
    std::string_view last_amz_date() const noexcept { return {amz_date_.data(), amz_date_.size()}; }

private:
    friend class sigv4a::signer;

    // The canonical request and string to sign of a header signature (everything but the
    // signature itself).
    error_code begin_header_signing(const request_view& req, const credentials& creds, const signing_params& params) {
        if (auto ec = prepare(req, creds, params, false, {})) return ec;
        const std::string_view token = params.omit_session_token ? std::string_view{} : creds.session_token;

        // Extra headers the signature covers.
        if (params.content_sha256_header) add_header_entry("x-amz-content-sha256", payload_hash_);
        add_header_entry("x-amz-date", std::string_view(amz_date_.data(), amz_date_.size()));
        if (!region_set_.empty()) add_header_entry("x-amz-region-set", region_set_);
        if (!token.empty()) add_header_entry("x-amz-security-token", token);
        build_canonical_request(req.method);
        return {};
    }

    void finish_header_signing(const credentials& creds, const signing_params& params, std::string_view signature,
                               signature_headers& out) {
        auth_.clear();
        auth_.append(algorithm_);
        auth_.append(" Credential=");
        auth_.append(creds.access_key_id);
        auth_.push_back('/');
        auth_.append(scope_.view());
        auth_.append(", SignedHeaders=");
        auth_.append(signed_headers_.view());
        auth_.append(", Signature=");
        auth_.append(signature);

        out.authorization = auth_.view();
        out.amz_date = std::string_view(amz_date_.data(), amz_date_.size());
        out.content_sha256 = params.content_sha256_header ? payload_hash_ : std::string_view{};
        out.security_token = creds.session_token;
        out.signature = out.authorization.substr(out.authorization.size() - signature.size());
    }

    std::string finish_presigning(const credentials& creds, const signing_params& params, std::string_view signature) {
        std::string out;
        out.reserve(query_.size() + 96 + signature.size());
        append_canonical_query(out);
        out += "&X-Amz-Signature=";
        out.append(signature);
        if (params.omit_session_token && !creds.session_token.empty()) {
            out += "&X-Amz-Security-Token=";
            uri::encode_to(creds.session_token, out);
        }
        return out;
    }

    // A region set: "*", or regions and wildcard patterns separated by commas.
    static bool valid_region_set(std::string_view s) noexcept {
        if (s.empty()) return false;
        for (char c : s)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '*' ||
                  c == ','))
                return false;
        return s.front() != ',' && s.back() != ',' && s.find(",,") == std::string_view::npos;
    }

    // X-Amz-Date for t, formatted again only when the second changes.
    void set_time(std::chrono::system_clock::time_point t) noexcept {
        const auto second = std::chrono::floor<std::chrono::seconds>(t);
        if (second == formatted_second_) return;
        detail::format_amz_date(t, amz_date_.data());
        formatted_second_ = second;
    }

    // The key for the date already in amz_date_.
    struct cache_entry;
    cache_entry& key_for(std::string_view secret, const signing_params& params) {
        const std::string_view date(amz_date_.data(), 8);
        for (auto& e : key_cache_) {
            if (e.valid && e.date == date && e.secret == secret && e.region == params.region &&
                e.service == params.service)
                return e;
        }
        auto& e = key_cache_[next_slot_];
        next_slot_ = (next_slot_ + 1) % key_cache_.size();
        if (!e.secret.empty()) OPENSSL_cleanse(e.secret.data(), e.secret.size());
        e.secret.assign(secret);
        e.date.assign(date);
        e.region.assign(params.region);
        e.service.assign(params.service);
        secret_scratch_.assign("AWS4");
        secret_scratch_.append(secret);
        auto k = hmac_.mac(secret_scratch_, date);
        OPENSSL_cleanse(secret_scratch_.data(), secret_scratch_.size());
        k = hmac_.mac(k, params.region);
        k = hmac_.mac(k, params.service);
        e.key = hmac_.mac(k, "aws4_request");
        OPENSSL_cleanse(k.data(), k.size());
        if (e.mac) e.mac->rekey(e.key);
        else e.mac.emplace(e.key);
        e.valid = true;
        return e;
    }

    struct cache_entry {
        bool valid = false;
        std::string secret, date, region, service;
        signing_key key{};
        std::optional<crypto::hmac_sha256_keyed> mac; // HMAC under `key`, pads absorbed
    };
    struct header_entry {
        std::uint32_t name_off, name_len; // lower-case name in names_
        std::string_view value;
        std::uint32_t order;
    };
    struct query_entry {
        std::uint32_t key_off, key_len, value_off, value_len; // encoded, in query_
    };

    // Validates the request and fills every canonical piece except the signer-added headers.
    error_code prepare(const request_view& req, const credentials& creds, const signing_params& params, bool presigning,
                       std::chrono::seconds expires) {
        if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return errc::missing_credentials;
        if (!detail::is_safe_header_value(creds.access_key_id) || !detail::is_safe_header_value(creds.session_token) ||
            creds.access_key_id.find_first_of(" /,") != std::string::npos)
            return errc::invalid_argument;
        if (region_set_.empty() ? params.region.empty() || !detail::is_token(params.region)
                                : !valid_region_set(region_set_))
            return errc::invalid_argument;
        if (params.service.empty() || !detail::is_token(params.service)) return errc::invalid_argument;
        if (!detail::is_token(req.method)) return errc::invalid_argument;

        payload_hash_ = params.payload_hash.empty() ? crypto::empty_sha256_hex : params.payload_hash;
        if (!params.payload_hash.empty() && !detail::valid_payload_hash(payload_hash_)) return errc::invalid_argument;

        set_time(params.time);
        scope_.clear();
        scope_.append(std::string_view(amz_date_.data(), 8));
        scope_.push_back('/');
        if (region_set_.empty()) { // SigV4a scopes leave the region out: it is in X-Amz-Region-Set
            scope_.append(params.region);
            scope_.push_back('/');
        }
        scope_.append(params.service);
        scope_.append("/aws4_request");

        if (auto ec = canonical_path(req.path, params.rules)) return ec;

        query_.clear();
        query_entries_.clear();
        if (auto ec = parse_query(req.query)) return ec;

        headers_.clear();
        names_.clear();
        bool has_host = false;
        const std::string_view token = params.omit_session_token ? std::string_view{} : creds.session_token;
        for (const auto& h : req.headers) {
            if (!detail::is_token(h.name)) return errc::invalid_header_name;
            if (!detail::is_safe_header_value(h.value)) return errc::invalid_header_value;
            const auto off = static_cast<std::uint32_t>(names_.size());
            char* lowered = names_.extend(h.name.size());
            for (std::size_t i = 0; i < h.name.size(); ++i) lowered[i] = detail::to_lower(h.name[i]);
            const std::string_view lower(lowered, h.name.size());
            if (lower == "host") {
                if (trim(h.value).empty()) return errc::empty_host;
                has_host = true;
            }
            const bool replaced = lower == "x-amz-date" || (lower == "x-amz-security-token" && !token.empty()) ||
                                  (lower == "x-amz-region-set" && !region_set_.empty()) ||
                                  (lower == "x-amz-content-sha256" && params.content_sha256_header && !presigning);
            if (replaced || detail::is_unsigned_header(lower)) {
                names_.shrink_by(h.name.size());
                continue;
            }
            headers_.push_back(
                {off, static_cast<std::uint32_t>(h.name.size()), h.value, static_cast<std::uint32_t>(headers_.size())});
        }
        if (!has_host) return errc::empty_host;

        if (presigning) {
            // The signed header list goes into the query, so it is built first.
            sort_headers();
            build_signed_headers();
            add_query_param("X-Amz-Algorithm", algorithm_, false);
            credential_scratch_.clear();
            credential_scratch_.append(creds.access_key_id);
            credential_scratch_.push_back('/');
            credential_scratch_.append(scope_.view());
            add_query_param("X-Amz-Credential", credential_scratch_.view(), false);
            add_query_param("X-Amz-Date", std::string_view(amz_date_.data(), amz_date_.size()), false);
            char digits[24];
            auto n = std::to_chars(digits, digits + sizeof digits, expires.count()).ptr - digits;
            add_query_param("X-Amz-Expires", std::string_view(digits, static_cast<std::size_t>(n)), false);
            if (!region_set_.empty()) add_query_param("X-Amz-Region-Set", region_set_, false);
            if (!token.empty()) add_query_param("X-Amz-Security-Token", token, false);
            add_query_param("X-Amz-SignedHeaders", signed_headers_.view(), false);
        }
        return {};
    }

    static std::string_view trim(std::string_view v) noexcept {
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return v;
    }

    error_code canonical_path(std::string_view path, uri_rules rules) {
        path_.clear();
        if (path.empty()) path = "/";
        if (path.front() != '/') return errc::invalid_argument;
        const auto form = detail::classify_path(path);
        const bool plain = form == detail::path_form::plain;
        if (form == detail::path_form::encoded && rules == uri_rules::s3) {
            path_.append(path);
            return {};
        }
        if (!plain) {
            for (char c : path)
                if (c == '\0' || c == '\r' || c == '\n' || c == '?' || c == '#') return errc::invalid_argument;
            decoded_.clear();
            uri::decode_to(path, decoded_);
            if (!detail::is_valid_utf8(decoded_.view())) return errc::invalid_utf8;
        }
        if (rules == uri_rules::s3) {
            // The wire path is taken literally; characters it carries raw are encoded the
            // way the server will encode them when it rebuilds the canonical request.
            if (plain) path_.append(path);
            else uri::encode_to(decoded_.view(), path_, uri::slash::keep);
            return {};
        }
        // Normalise the wire path (dot segments, empty segments), then encode it again.
        segments_.clear();
        std::size_t i = 0;
        while (i < path.size()) {
            std::size_t j = path.find('/', i);
            if (j == std::string_view::npos) j = path.size();
            std::string_view seg = path.substr(i, j - i);
            if (seg == "..") {
                if (!segments_.empty()) segments_.pop_back();
            } else if (!seg.empty() && seg != ".") {
                segments_.push_back(seg);
            }
            i = j + 1;
        }
        const bool trailing = path.back() == '/' && !segments_.empty();
        path_.push_back('/');
        for (std::size_t k = 0; k < segments_.size(); ++k) {
            if (k != 0) path_.push_back('/');
            uri::encode_to(segments_[k], path_, uri::slash::encode);
        }
        if (trailing) path_.push_back('/');
        return {};
    }

    error_code parse_query(std::string_view query) {
        std::size_t i = 0;
        while (i < query.size()) {
            std::size_t j = query.find('&', i);
            if (j == std::string_view::npos) j = query.size();
            std::string_view part = query.substr(i, j - i);
            i = j + 1;
            if (part.empty()) continue;
            const auto eq = part.find('=');
            const std::string_view key = part.substr(0, eq);
            const std::string_view value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
            for (char c : part)
                if (c == '\0' || c == '\r' || c == '\n' || c == '#') return errc::invalid_argument;
            if (auto ec = add_query_param(key, value, true)) return ec;
        }
        return {};
    }

    // Appends one parameter, encoded per SigV4; `decode` when it comes from the wire.
    error_code add_query_param(std::string_view key, std::string_view value, bool decode) {
        query_entry e{};
        e.key_off = static_cast<std::uint32_t>(query_.size());
        if (auto ec = append_encoded(key, decode)) return ec;
        e.key_len = static_cast<std::uint32_t>(query_.size()) - e.key_off;
        e.value_off = static_cast<std::uint32_t>(query_.size());
        if (auto ec = append_encoded(value, decode)) return ec;
        e.value_len = static_cast<std::uint32_t>(query_.size()) - e.value_off;
        query_entries_.push_back(e);
        return {};
    }

    error_code append_encoded(std::string_view s, bool decode) {
        if (std::all_of(s.begin(), s.end(), uri::is_unreserved)) {
            query_.append(s);
            return {};
        }
        if (!decode) {
            uri::encode_to(s, query_);
            return {};
        }
        scratch_.clear();
        uri::decode_to(s, scratch_);
        if (!detail::is_valid_utf8(scratch_.view())) return errc::invalid_utf8;
        uri::encode_to(scratch_.view(), query_);
        return {};
    }

    std::string_view qkey(const query_entry& e) const noexcept { return {query_.data() + e.key_off, e.key_len}; }
    std::string_view qvalue(const query_entry& e) const noexcept { return {query_.data() + e.value_off, e.value_len}; }

    template <class Out>
    void append_canonical_query(Out& out) {
        std::sort(query_entries_.begin(), query_entries_.end(), [this](const query_entry& a, const query_entry& b) {
            auto ka = qkey(a), kb = qkey(b);
            if (ka != kb) return ka < kb;
            return qvalue(a) < qvalue(b);
        });
        bool first = true;
        for (const auto& e : query_entries_) {
            if (!first) out.push_back('&');
            first = false;
            for (char c : qkey(e)) out.push_back(c);
            out.push_back('=');
            for (char c : qvalue(e)) out.push_back(c);
        }
    }

    void add_header_entry(std::string_view lower_name, std::string_view value) {
        const auto off = static_cast<std::uint32_t>(names_.size());
        names_.append(lower_name);
        headers_.push_back(
            {off, static_cast<std::uint32_t>(lower_name.size()), value, static_cast<std::uint32_t>(headers_.size())});
    }

    std::string_view hname(const header_entry& e) const noexcept { return {names_.data() + e.name_off, e.name_len}; }

    void sort_headers() {
        // Ties keep request order: repeated headers join their values in the order sent.
        std::sort(headers_.begin(), headers_.end(), [this](const header_entry& a, const header_entry& b) {
            auto na = hname(a), nb = hname(b);
            if (na != nb) return na < nb;
            return a.order < b.order;
        });
    }

    void build_signed_headers() {
        signed_headers_.clear();
        std::string_view prev;
        for (const auto& h : headers_) {
            auto n = hname(h);
            if (n == prev) continue;
            if (!signed_headers_.empty()) signed_headers_.push_back(';');
            signed_headers_.append(n);
            prev = n;
        }
    }

    // Trims the value and folds runs of spaces and tabs into one space, copying the runs
    // between them whole.
    void append_canonical_value(std::string_view v) {
        v = trim(v);
        for (std::size_t i = detail::find_space_or_tab(v); i < v.size(); i = detail::find_space_or_tab(v)) {
            canonical_.append(v.substr(0, i));
            canonical_.push_back(' ');
            while (v[i + 1] == ' ' || v[i + 1] == '\t') ++i; // trimmed: ends in non-space
            v.remove_prefix(i + 1);
        }
        canonical_.append(v);
    }

    void build_canonical_request(std::string_view method) {
        sort_headers();
        build_signed_headers();
        canonical_.clear();
        canonical_.append(method);
        canonical_.push_back('\n');
        canonical_.append(path_.view());
        canonical_.push_back('\n');
        append_canonical_query(canonical_);
        canonical_.push_back('\n');
        for (std::size_t i = 0; i < headers_.size(); ++i) {
            auto n = hname(headers_[i]);
            if (i != 0 && hname(headers_[i - 1]) == n) {
                canonical_.push_back(',');
            } else {
                if (i != 0) canonical_.push_back('\n');
                canonical_.append(n);
                canonical_.push_back(':');
            }
            append_canonical_value(headers_[i].value);
        }
        canonical_.append("\n\n");
        canonical_.append(signed_headers_.view());
        canonical_.push_back('\n');
        canonical_.append(payload_hash_);
    }

    void compute_signature(cache_entry& key) {
        build_string_to_sign();
        const auto mac = key.mac->mac(string_to_sign_.view());
        hex::encode_to(mac, signature_.data());
    }

    void build_string_to_sign() {
        hasher_.update(canonical_.view());
        const auto digest = hasher_.finish();
        string_to_sign_.clear();
        string_to_sign_.append(algorithm_);
        string_to_sign_.push_back('\n');
        string_to_sign_.append(std::string_view(amz_date_.data(), amz_date_.size()));
        string_to_sign_.push_back('\n');
        string_to_sign_.append(scope_.view());
        string_to_sign_.push_back('\n');
        hex::encode_to(digest, string_to_sign_.extend(64));
    }

    std::string_view algorithm_ = algorithm; // AWS4-ECDSA-P256-SHA256 inside a sigv4a::signer
    std::string_view region_set_;            // SigV4a only: X-Amz-Region-Set, signed
    crypto::hmac_sha256_engine hmac_;
    crypto::sha256_hasher hasher_;
    std::array<cache_entry, 4> key_cache_{};
    std::size_t next_slot_ = 0;
    std::string secret_scratch_;
    std::array<char, 16> amz_date_{};
    std::chrono::sys_seconds formatted_second_{std::chrono::sys_seconds::min()};
    std::array<char, 64> signature_{};
    std::string_view payload_hash_;
    basic_buffer<128> scope_;
    basic_buffer<256> path_;
    basic_buffer<256> decoded_;
    basic_buffer<256> query_;
    basic_buffer<128> scratch_;
    basic_buffer<256> names_;
    basic_buffer<256> signed_headers_;
    basic_buffer<1024> canonical_;
    basic_buffer<256> string_to_sign_;
    basic_buffer<512> auth_;
    basic_buffer<256> credential_scratch_;
    std::vector<std::string_view> segments_;
    std::vector<header_entry> headers_;
    std::vector<query_entry> query_entries_;
};

} // namespace cirrus::auth::sigv4
