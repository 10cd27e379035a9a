#pragma once
// Wasabi: regional endpoints s3.<region>.wasabisys.com, virtual-hosted addressing, a
// native rename, object lock; no flexible checksums.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct wasabi : defaults {
    static constexpr std::string_view name = "wasabi";
    static constexpr bool virtual_hosted_style = true;
    static constexpr provider::features features{
        .acls = true,
        .native_rename = true,
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .presigned_post = true,
    };

    static std::string endpoint(std::string_view, std::string_view region) {
        return detail::expand("https://s3.{region}.wasabisys.com", "s3", region);
    }
};

} // namespace cirrus::provider
