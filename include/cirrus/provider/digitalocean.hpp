#pragma once
// DigitalOcean Spaces: <region>.digitaloceanspaces.com (regions like nyc3, fra1),
// virtual-hosted addressing, canned ACLs; no object lock, no flexible checksums.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct digitalocean {
    static constexpr std::string_view name = "digitalocean";
    static constexpr std::string_view default_region = "nyc3";
    static constexpr bool virtual_hosted_style = true;
    static constexpr bool native_rename = false;
    static constexpr provider::features features{
        .acls = true,
        .native_rename = false,
        .object_lock = false,
        .versioning = true,
        .tagging = true,
        .lifecycle = true,
        .presigned_post = true,
        .conditional_writes = false,
        .checksums = {},
    };

    static constexpr bool supports_service(std::string_view service) noexcept { return service == "s3"; }
    static std::string endpoint(std::string_view, std::string_view region) {
        return detail::expand("https://{region}.digitaloceanspaces.com", "s3", region);
    }
    static std::string s3_endpoint(std::string_view region) { return endpoint("s3", region); }
    static std::string signing_region(std::string_view region) { return std::string(region); }
    static std::string service_signing_region(std::string_view, std::string_view region) { return std::string(region); }
};

} // namespace cirrus::provider
