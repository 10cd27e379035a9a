#pragma once
// MinIO: self-hosted, path-style addressing, signs with the configured region
// (us-east-1 unless the server was set up with another). No ACLs.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct minio : defaults {
    static constexpr std::string_view name = "minio";
    static constexpr provider::features features{
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .lifecycle = true,
        .presigned_post = true,
        .conditional_writes = true,
        .checksums = classic_checksums,
    };

    // The server's default local address; real deployments override it.
    static std::string endpoint(std::string_view, std::string_view) { return "http://127.0.0.1:9000"; }
};

} // namespace cirrus::provider
