#pragma once
// S3 POST policies for browser uploads (multipart/form-data POST to the bucket URL).
//
// The policy is a JSON document of an expiration and conditions; it is sent base64
// encoded in the `policy` form field and signed with the SigV4 signing key of the day:
//   x-amz-signature = hex(HMAC(signing_key(date, region, "s3"), base64(policy)))

#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/base64.hpp>
#include <cirrus/core/detail/json_string.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::auth::sigv4 {

struct post_condition {
    enum class kind { equals, starts_with, content_length_range };
    kind type = kind::equals;
    std::string field; // form field without '$', e.g. "key", "Content-Type"
    std::string value; // exact value or prefix
    std::uint64_t min_length = 0, max_length = 0;

    static post_condition equals(std::string field, std::string value) {
        return {kind::equals, std::move(field), std::move(value)};
    }
    static post_condition starts_with(std::string field, std::string prefix) {
        return {kind::starts_with, std::move(field), std::move(prefix)};
    }
    static post_condition content_length_range(std::uint64_t min, std::uint64_t max) {
        return {kind::content_length_range, {}, {}, min, max};
    }
};

struct post_policy {
    std::string bucket;
    std::chrono::system_clock::time_point expiration;
    std::vector<post_condition> conditions;
};

// What a browser form needs: every field to post (before the file field), in order.
struct post_form {
    std::string policy_json; // the document before base64, for inspection
    std::vector<std::pair<std::string, std::string>> fields;
};

namespace detail {

using cirrus::detail::append_json_string;

} // namespace detail

// Signature of an already base64-encoded policy document.
inline std::string sign_policy_document(signer& s, const credentials& creds, std::string_view region,
                                        std::chrono::system_clock::time_point time, std::string_view base64_policy) {
    signing_params params{.region = region, .service = "s3", .time = time};
    const signing_key& key = s.derive_key(creds.secret_access_key, params);
    crypto::hmac_sha256_engine hmac;
    return hex::encode(hmac.mac(key, base64_policy));
}

inline result<post_form> sign_post_policy(signer& s, const credentials& creds, const post_policy& policy,
                                          std::string_view region, std::chrono::system_clock::time_point now) {
    if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return errc::missing_credentials;
    if (policy.bucket.empty() || region.empty() || !detail::is_token(region)) return errc::invalid_argument;
    if (policy.expiration <= now || policy.expiration - now > max_presign_expiry) return errc::expiry_out_of_range;
    for (const auto& c : policy.conditions) {
        if (c.type == post_condition::kind::content_length_range) {
            if (c.min_length > c.max_length) return errc::invalid_argument;
        } else if (c.field.empty() || !detail::is_valid_utf8(c.field) || !detail::is_valid_utf8(c.value)) {
            return errc::invalid_argument;
        }
    }

    char amz_date[16];
    detail::format_amz_date(now, amz_date);
    std::string credential = creds.access_key_id;
    credential += '/';
    credential.append(amz_date, 8);
    credential += '/';
    credential += region;
    credential += "/s3/aws4_request";

    post_form form;
    std::string& json = form.policy_json;
    char expiration[24];
    detail::format_iso8601_millis(policy.expiration, expiration);
    json += "{\"expiration\":\"";
    json.append(expiration, 24);
    json += "\",\"conditions\":[{\"bucket\":";
    detail::append_json_string(json, policy.bucket);
    json += '}';
    auto add_equals = [&json](std::string_view field, std::string_view value) {
        json += ",{";
        detail::append_json_string(json, field);
        json += ':';
        detail::append_json_string(json, value);
        json += '}';
    };
    for (const auto& c : policy.conditions) {
        switch (c.type) {
        case post_condition::kind::equals:
            add_equals(c.field, c.value);
            form.fields.emplace_back(c.field, c.value);
            break;
        case post_condition::kind::starts_with:
            json += ",[\"starts-with\",";
            detail::append_json_string(json, "$" + c.field);
            json += ',';
            detail::append_json_string(json, c.value);
            json += ']';
            break;
        case post_condition::kind::content_length_range:
            json += ",[\"content-length-range\",";
            json += std::to_string(c.min_length);
            json += ',';
            json += std::to_string(c.max_length);
            json += ']';
            break;
        }
    }
    add_equals("x-amz-algorithm", algorithm);
    add_equals("x-amz-credential", credential);
    add_equals("x-amz-date", std::string_view(amz_date, 16));
    if (!creds.session_token.empty()) add_equals("x-amz-security-token", creds.session_token);
    json += "]}";

    std::string encoded = base64::encode(json);
    std::string signature = sign_policy_document(s, creds, region, now, encoded);
    form.fields.emplace_back("x-amz-algorithm", std::string(algorithm));
    form.fields.emplace_back("x-amz-credential", std::move(credential));
    form.fields.emplace_back("x-amz-date", std::string(amz_date, 16));
    if (!creds.session_token.empty()) form.fields.emplace_back("x-amz-security-token", creds.session_token);
    form.fields.emplace_back("policy", std::move(encoded));
    form.fields.emplace_back("x-amz-signature", std::move(signature));
    return form;
}

} // namespace cirrus::auth::sigv4
