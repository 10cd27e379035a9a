#pragma once
// DigitalOcean Spaces: <region>.digitaloceanspaces.com (regions like nyc3, fra1),
// virtual-hosted addressing, canned ACLs; no object lock, no flexible checksums.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct digitalocean : defaults {
    static constexpr std::string_view name = "digitalocean";
    static constexpr std::string_view default_region = "nyc3";
    static constexpr bool virtual_hosted_style = true;
    static constexpr provider::features features{
        .acls = true,
        .versioning = true,
        .tagging = true,
        .lifecycle = true,
        .presigned_post = true,
    };

    static std::string endpoint(std::string_view, std::string_view region) {
        return detail::expand("https://{region}.digitaloceanspaces.com", "s3", region);
    }
};

} // namespace cirrus::provider
