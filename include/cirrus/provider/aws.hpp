#pragma once
// Amazon Web Services: regional endpoints in the aws and aws-cn partitions, virtual-hosted
// S3 addressing, every S3 feature the clients use.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct aws : defaults {
    static constexpr std::string_view name = "aws";
    static constexpr bool virtual_hosted_style = true;
    // RenameObject exists only for S3 Express directory buckets (features.native_rename).
    static constexpr provider::features features{
        .acls = true,
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .lifecycle = true,
        .presigned_post = true,
        .conditional_writes = true,
        .dot_segment_keys = true,
        .checksums = all_checksums,
    };

    static constexpr std::string_view dns_suffix(std::string_view region) noexcept {
        return detail::starts_with(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    }
    static constexpr bool supports_service(std::string_view) noexcept { return true; }

    static std::string endpoint(std::string_view service, std::string_view region) {
        const std::string suffix(dns_suffix(region));
        if (service == "iam") {
            // A global service: one endpoint per partition.
            if (detail::starts_with(region, "cn-")) return "https://iam.cn-north-1." + suffix;
            if (detail::starts_with(region, "us-gov-")) return "https://iam.us-gov.amazonaws.com";
            return "https://iam." + suffix;
        }
        return detail::expand("https://{service}.{region}.", service, region) + suffix;
    }
    static std::string signing_region(std::string_view service, std::string_view region) {
        if (service == "iam") {
            if (detail::starts_with(region, "cn-")) return "cn-north-1";
            if (detail::starts_with(region, "us-gov-")) return "us-gov-west-1";
            return "us-east-1";
        }
        return std::string(region);
    }
};

} // namespace cirrus::provider
