#pragma once
// Compile-time providers: who runs the service a client talks to.
//
// A provider is a type with static members only: its endpoint templates per service and
// region, its addressing style, the region it signs with, and constexpr feature flags.
// Clients are templated on one (s3::client<provider::r2>), so an operation the provider
// lacks is rejected at compile time by a named concept:
//
//   template <provider::Provider P> struct client {
//       auto async_put_object_acl(...) requires provider::supports_acls<P>;
//   };
//   client<provider::r2> c;  c.async_put_object_acl(...);
//   // error: ... constraints not satisfied ... 'provider::supports_acls<cirrus::provider::r2>'
//
// Every provider's endpoint can be overridden at run time (provider::config::endpoint),
// which is how tests reach http://127.0.0.1:PORT.

#include <cirrus/core/result.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/endpoint.hpp>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::provider {

enum class addressing {
    virtual_hosted, // https://bucket.s3.region.amazonaws.com/key
    path,           // https://s3.region.amazonaws.com/bucket/key
};

// A set of checksum algorithms, usable as a constant expression.
class checksum_set {
public:
    constexpr checksum_set() noexcept = default;
    constexpr checksum_set(std::initializer_list<crypto::checksum_algorithm> algorithms) noexcept {
        for (auto a : algorithms) bits_ |= bit(a);
    }
    constexpr bool contains(crypto::checksum_algorithm a) const noexcept { return (bits_ & bit(a)) != 0; }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr std::uint32_t bits() const noexcept { return bits_; }
    friend constexpr bool operator==(checksum_set, checksum_set) noexcept = default;

    // Public for use as (part of) a template argument.
    std::uint32_t bits_ = 0;

private:
    static constexpr std::uint32_t bit(crypto::checksum_algorithm a) noexcept {
        return std::uint32_t{1} << static_cast<unsigned>(a);
    }
};

// What a provider's object storage offers beyond the core of the S3 API.
struct features {
    bool acls = false;              // bucket and object ACLs (Put/GetObjectAcl, canned ACL headers)
    bool native_rename = false;     // renaming an object in one request, without copy + delete
    bool object_lock = false;       // retention and legal hold (WORM)
    bool versioning = false;        // bucket versioning and version ids
    bool tagging = false;           // object and bucket tags
    bool lifecycle = false;         // lifecycle configuration
    bool presigned_post = false;    // browser POST uploads with a signed policy
    bool conditional_writes = false; // If-None-Match / If-Match on PutObject
    checksum_set checksums = {};    // x-amz-checksum-* algorithms accepted
    // Checksum trailers signed per the SigV4 spec (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER,
    // what the client sends over plain HTTP). A server that verifies them differently gets
    // the unsigned trailer form (STREAMING-UNSIGNED-PAYLOAD-TRAILER) instead.
    bool signed_trailers = true;
    std::uint32_t max_part_count = 10000;
    std::uint64_t min_part_size = 5ull << 20;  // every part but the last
    std::uint64_t max_part_size = 5ull << 30;
    std::uint64_t max_object_size = 5ull << 40;

    friend constexpr bool operator==(const features&, const features&) noexcept = default;
};

template <class P>
concept Provider = requires(std::string_view service, std::string_view region) {
    { P::name } -> std::convertible_to<std::string_view>;
    { P::default_region } -> std::convertible_to<std::string_view>;
    { P::virtual_hosted_style } -> std::convertible_to<bool>;
    { P::native_rename } -> std::convertible_to<bool>;
    { P::features } -> std::convertible_to<features>;
    { P::endpoint(service, region) } -> std::convertible_to<std::string>;
    { P::s3_endpoint(region) } -> std::convertible_to<std::string>;
    { P::signing_region(region) } -> std::convertible_to<std::string>;
    { P::supports_service(service) } -> std::convertible_to<bool>;
    { P::service_signing_region(service, region) } -> std::convertible_to<std::string>;
};

// Feature concepts: named so that a rejected call says which feature is missing.
template <class P>
concept supports_acls = Provider<P> && P::features.acls;
template <class P>
concept supports_native_rename = Provider<P> && P::features.native_rename;
template <class P>
concept supports_object_lock = Provider<P> && P::features.object_lock;
template <class P>
concept supports_versioning = Provider<P> && P::features.versioning;
template <class P>
concept supports_tagging = Provider<P> && P::features.tagging;
template <class P>
concept supports_lifecycle = Provider<P> && P::features.lifecycle;
template <class P>
concept supports_presigned_post = Provider<P> && P::features.presigned_post;
template <class P>
concept supports_conditional_writes = Provider<P> && P::features.conditional_writes;
template <class P, crypto::checksum_algorithm A>
concept supports_checksum = Provider<P> && P::features.checksums.contains(A);
template <class P>
concept supports_flexible_checksums = Provider<P> && !P::features.checksums.empty();

namespace detail {

// Fills "{service}", "{region}" and "{account}" in an endpoint template.
inline std::string expand(std::string_view tmpl, std::string_view service, std::string_view region,
                          std::string_view account = {}) {
    std::string out;
    out.reserve(tmpl.size() + region.size() + service.size());
    for (std::size_t i = 0; i < tmpl.size();) {
        if (tmpl[i] == '{') {
            const auto close = tmpl.find('}', i);
            const std::string_view key = tmpl.substr(i + 1, close - i - 1);
            if (key == "service") out += service;
            else if (key == "region") out += region;
            else if (key == "account") out += account;
            i = close + 1;
            continue;
        }
        out += tmpl[i++];
    }
    return out;
}

constexpr bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }

} // namespace detail

// Run-time settings of a client for provider P: region, an endpoint override, addressing.
template <Provider P>
struct config {
    std::string region = std::string(P::default_region);
    std::string endpoint = {}; // overrides the provider's endpoint, e.g. "http://127.0.0.1:7070"
    std::optional<addressing> addressing_style = {}; // the provider's style unless set

    // The endpoint for `service`: the override when set, the provider's template otherwise.
    result<http::endpoint> endpoint_for(std::string_view service) const {
        if (!endpoint.empty()) return http::endpoint::parse(endpoint);
        if (!P::supports_service(service)) return make_error_code(errc::unsupported);
        const std::string url = service == "s3" ? std::string(P::s3_endpoint(region))
                                                : std::string(P::endpoint(service, region));
        if (url.empty()) return make_error_code(http::errc::invalid_endpoint);
        return http::endpoint::parse(url);
    }
    // The region the SigV4 scope names: for S3 the provider's rule (R2 and GCS: "auto"),
    // for other services theirs (IAM signs in us-east-1 whatever the client's region).
    std::string signing_region(std::string_view service = "s3") const {
        return service == "s3" ? std::string(P::signing_region(region))
                               : std::string(P::service_signing_region(service, region));
    }
    addressing style() const {
        if (addressing_style) return *addressing_style;
        return P::virtual_hosted_style ? addressing::virtual_hosted : addressing::path;
    }
};

} // namespace cirrus::provider
