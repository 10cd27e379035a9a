#pragma once
// A provider described by the caller: its features and addressing as template arguments,
// its endpoint always from config::endpoint.
//
//   using my_store = provider::custom<provider::features{.versioning = true}>;
//   s3::client<my_store> client(ex, {.endpoint = "http://10.0.0.5:9000"});

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

template <provider::features Features = provider::features{}, addressing Style = addressing::path>
struct custom {
    static constexpr std::string_view name = "custom";
    static constexpr std::string_view default_region = "us-east-1";
    static constexpr bool virtual_hosted_style = Style == addressing::virtual_hosted;
    static constexpr bool native_rename = Features.native_rename;
    static constexpr provider::features features = Features;

    static constexpr bool supports_service(std::string_view) noexcept { return true; }
    // No endpoint of its own: config::endpoint must name it.
    static std::string endpoint(std::string_view, std::string_view) { return {}; }
    static std::string s3_endpoint(std::string_view region) { return endpoint("s3", region); }
    static std::string signing_region(std::string_view region) { return std::string(region); }
    static std::string service_signing_region(std::string_view, std::string_view region) { return std::string(region); }
};

} // namespace cirrus::provider
