#pragma once
// Wasabi: regional endpoints s3.<region>.wasabisys.com, virtual-hosted addressing, a
// native rename, object lock; no flexible checksums.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct wasabi {
    static constexpr std::string_view name = "wasabi";
    static constexpr std::string_view default_region = "us-east-1";
    static constexpr bool virtual_hosted_style = true;
    static constexpr bool native_rename = true;
    static constexpr provider::features features{
        .acls = true,
        .native_rename = true,
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .lifecycle = false,
        .presigned_post = true,
        .conditional_writes = false,
        .checksums = {},
    };

    static constexpr bool supports_service(std::string_view service) noexcept { return service == "s3"; }
    static std::string endpoint(std::string_view, std::string_view region) {
        return detail::expand("https://s3.{region}.wasabisys.com", "s3", region);
    }
    static std::string s3_endpoint(std::string_view region) { return endpoint("s3", region); }
    static std::string signing_region(std::string_view region) { return std::string(region); }
    static std::string service_signing_region(std::string_view, std::string_view region) { return std::string(region); }
};

} // namespace cirrus::provider
