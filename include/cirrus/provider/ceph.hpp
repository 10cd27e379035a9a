#pragma once
// Ceph Object Gateway (RGW): self-hosted (7480 is the gateway's default port), path
// style, signs with the zonegroup's name (us-east-1 unless configured otherwise).

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct ceph : defaults {
    static constexpr std::string_view name = "ceph";
    static constexpr provider::features features{
        .acls = true,
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .lifecycle = true,
        .presigned_post = true,
        .checksums = classic_checksums,
    };

    static constexpr bool supports_service(std::string_view service) noexcept {
        return service == "s3" || service == "sts" || service == "iam";
    }
    static std::string endpoint(std::string_view, std::string_view) { return "http://127.0.0.1:7480"; }
};

} // namespace cirrus::provider
