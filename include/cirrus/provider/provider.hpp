#pragma once
// Compile-time providers: who runs the service a client talks to.
//
// A provider is a type with static members only: its endpoint templates per service and
// region, its addressing style, the region it signs with, and constexpr feature flags.
// Clients are templated on one (s3::client<provider::r2>), so an operation the provider
// lacks is rejected at compile time by a named concept:
//
//   s3::client<provider::r2> c(ex);
//   c.async_put_object_tagging(...);
//   // error: ... constraints not satisfied ... 'provider::supports_tagging<cirrus::provider::r2>'
//
// Every provider's endpoint can be overridden at run time (provider::config::endpoint, or
// the SDKs' AWS_ENDPOINT_URL variables), which is how tests reach http://127.0.0.1:PORT.

#include <cirrus/auth/profile_file.hpp>
#include <cirrus/core/detail/environment.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/http/endpoint.hpp>
#include <cirrus/http/error.hpp>

#include <cctype>
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

// The checksum algorithms of S3's first flexible-checksum release, which most compatible
// servers accept, and those plus CRC64NVME (what AWS accepts today).
inline constexpr checksum_set classic_checksums{crypto::checksum_algorithm::crc32, crypto::checksum_algorithm::crc32c,
                                                crypto::checksum_algorithm::sha1, crypto::checksum_algorithm::sha256};
inline constexpr checksum_set all_checksums{crypto::checksum_algorithm::crc32, crypto::checksum_algorithm::crc32c,
                                            crypto::checksum_algorithm::crc64nvme, crypto::checksum_algorithm::sha1,
                                            crypto::checksum_algorithm::sha256};

// What a provider's object storage offers beyond the core of the S3 API. Everything is off
// unless a provider says otherwise, so a provider lists only what it has.
struct features {
    bool acls = false;               // bucket and object ACLs (Put/GetObjectAcl, canned ACL headers)
    bool native_rename = false;      // renaming an object in one request, without copy + delete
    bool object_lock = false;        // retention and legal hold (WORM)
    bool versioning = false;         // bucket versioning and version ids
    bool tagging = false;            // object and bucket tags
    bool lifecycle = false;          // lifecycle configuration
    bool presigned_post = false;     // browser POST uploads with a signed policy
    bool conditional_writes = false; // If-None-Match / If-Match on PutObject
    // Object keys with "." or ".." path segments ("a/../b", "./x") are stored as given.
    // Servers that map keys to file paths (versitygw, MinIO, Ceph, Garage ...) resolve such
    // segments instead, so "a/../b" would write "b"; for them the S3 client refuses such
    // keys before sending (s3::errc::invalid_object_key).
    bool dot_segment_keys = false;
    checksum_set checksums = {}; // x-amz-checksum-* algorithms accepted
    // Checksum trailers signed per the SigV4 spec (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER,
    // what the client sends over plain HTTP). A server that verifies them differently gets
    // the unsigned trailer form (STREAMING-UNSIGNED-PAYLOAD-TRAILER) instead.
    bool signed_trailers = true;
    // An aws-chunked body with a checksum trailer costs the server about what a plain body
    // does, so checksum_location::automatic sends a file over 1 MiB whose payload goes
    // unsigned with its checksum as a trailer (one read of the file). Where it does not
    // (Garage 2.5 reads aws-chunked bodies more than twice as slowly: a 1 GiB upload in 8 MiB
    // parts took 14.5 s with trailers, 6.5 s with the checksum in a header), automatic
    // puts the checksum in a header (the file is read twice, the second time from the page
    // cache).
    bool prefer_trailers = true;
    std::uint32_t max_part_count = 10000;
    std::uint64_t min_part_size = 5ull << 20; // every part but the last
    std::uint64_t max_part_size = 5ull << 30;
    std::uint64_t max_object_size = 5ull << 40;

    friend constexpr bool operator==(const features&, const features&) noexcept = default;
};

// What a provider does not say itself: a provider derives from defaults and declares what
// differs (its name always, usually its features and endpoint).
struct defaults {
    static constexpr std::string_view default_region = "us-east-1";
    static constexpr bool virtual_hosted_style = false; // path style
    static constexpr provider::features features{};
    // The services it runs (S3 unless it says more).
    static constexpr bool supports_service(std::string_view service) noexcept { return service == "s3"; }
    // Its URL for a service in a region; empty when it has none of its own (then the
    // configuration must name one).
    static std::string endpoint(std::string_view /*service*/, std::string_view /*region*/) { return {}; }
    // The region the SigV4 credential scope names for a service.
    static std::string signing_region(std::string_view /*service*/, std::string_view region) {
        return std::string(region);
    }
};

template <class P>
concept Provider = requires(std::string_view service, std::string_view region) {
    { P::name } -> std::convertible_to<std::string_view>;
    { P::default_region } -> std::convertible_to<std::string_view>;
    { P::virtual_hosted_style } -> std::convertible_to<bool>;
    { P::features } -> std::convertible_to<features>;
    { P::supports_service(service) } -> std::convertible_to<bool>;
    { P::endpoint(service, region) } -> std::convertible_to<std::string>;
    { P::signing_region(service, region) } -> std::convertible_to<std::string>;
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

// The SDKs' name of a service's endpoint variable: AWS_ENDPOINT_URL_<SERVICE ID>, the
// service id upper-cased with spaces as underscores ("s3" -> AWS_ENDPOINT_URL_S3). Where
// the SDKs' service id is not the endpoint id, theirs: "apigateway" (service id "API
// Gateway") -> AWS_ENDPOINT_URL_API_GATEWAY.
inline std::string endpoint_variable(std::string_view service) {
    if (service == "apigateway") return "AWS_ENDPOINT_URL_API_GATEWAY";
    std::string name = "AWS_ENDPOINT_URL_";
    for (char c : service)
        name.push_back(c == ' ' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return name;
}

// Run-time settings of a client for provider P: region, an endpoint override, addressing.
// Every client resolves them here, the way the AWS SDKs do.
template <Provider P>
struct config {
    // Empty: $AWS_REGION, $AWS_DEFAULT_REGION, the shared config profile's region, then
    // the provider's default.
    std::string region = {};
    // Overrides the provider's endpoint, e.g. "http://127.0.0.1:7070". Empty:
    // $AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_S3 ...), then $AWS_ENDPOINT_URL, then the
    // provider's own, unless $AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "true".
    std::string endpoint = {};
    std::optional<addressing> addressing_style = {}; // the provider's style unless set

    std::string resolved_region() const {
        if (!region.empty()) return region;
        diagnostics ignored; // a malformed config file is reported by the credential chain
        if (auto r = auth::default_region(ignored); r && *r) return **r;
        return std::string(P::default_region);
    }

    // The endpoint URL for `service`: the override, the environment, or the provider's
    // template for the resolved region (empty when there is none).
    std::string endpoint_url(std::string_view service) const {
        if (!endpoint.empty()) return endpoint;
        if (!ignore_configured_endpoints()) {
            if (auto v = cirrus::detail::getenv_nonempty(endpoint_variable(service).c_str())) return *v;
            if (auto v = cirrus::detail::getenv_nonempty("AWS_ENDPOINT_URL")) return *v;
        }
        if (!P::supports_service(service)) return {};
        return std::string(P::endpoint(service, resolved_region()));
    }

    result<http::endpoint> endpoint_for(std::string_view service) const {
        const bool overridden = !endpoint.empty();
        if (!overridden && !P::supports_service(service) && endpoint_url(service).empty())
            return make_error_code(errc::unsupported);
        const std::string url = endpoint_url(service);
        if (url.empty()) return make_error_code(http::errc::invalid_endpoint);
        return http::endpoint::parse(url);
    }

    // The region the SigV4 scope names: the provider's rule for the service (R2 and GCS:
    // "auto"; IAM signs in us-east-1 whatever the client's region).
    std::string signing_region(std::string_view service = "s3") const {
        return std::string(P::signing_region(service, resolved_region()));
    }

    addressing style() const {
        if (addressing_style) return *addressing_style;
        return P::virtual_hosted_style ? addressing::virtual_hosted : addressing::path;
    }

private:
    static bool ignore_configured_endpoints() {
        auto v = cirrus::detail::getenv_nonempty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
        return v && (*v == "true" || *v == "TRUE" || *v == "1");
    }
};

} // namespace cirrus::provider
