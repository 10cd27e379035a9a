#pragma once
// Cloudflare R2: one endpoint per account (https://<account id>.r2.cloudflarestorage.com,
// set it with config::endpoint = r2::account_endpoint(id)), signs with region "auto", path
// style; no ACLs, object lock, versioning, tagging or POST uploads.

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct r2 : defaults {
    static constexpr std::string_view name = "r2";
    static constexpr std::string_view default_region = "auto";
    static constexpr provider::features features{
        .lifecycle = true,
        .conditional_writes = true,
        .checksums = classic_checksums,
    };

    // "eu" and "fedramp" jurisdictions have their own host names.
    static std::string account_endpoint(std::string_view account_id, std::string_view jurisdiction = {}) {
        std::string host(account_id);
        if (!jurisdiction.empty()) {
            host += '.';
            host += jurisdiction;
        }
        return "https://" + host + ".r2.cloudflarestorage.com";
    }

    // No endpoint without an account id: empty, so that config::endpoint_for reports it.
    static std::string endpoint(std::string_view, std::string_view) { return {}; }
    static std::string signing_region(std::string_view, std::string_view) { return "auto"; }
};

} // namespace cirrus::provider
