#pragma once
// Google Cloud Storage through its S3-compatible XML API (HMAC keys): one global
// endpoint, region "auto", legacy ACLs; no object lock, tagging or flexible checksums.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct gcs : defaults {
    static constexpr std::string_view name = "gcs";
    static constexpr std::string_view default_region = "auto";
    static constexpr bool virtual_hosted_style = true;
    static constexpr provider::features features{
        .acls = true,
        .versioning = true,
        .lifecycle = true,
        .presigned_post = true,
    };

    static std::string endpoint(std::string_view, std::string_view) { return "https://storage.googleapis.com"; }
    static std::string signing_region(std::string_view, std::string_view) { return "auto"; }
};

} // namespace cirrus::provider
