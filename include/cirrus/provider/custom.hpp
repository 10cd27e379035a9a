#pragma once
// A provider described by the caller: its features and addressing as template arguments,
// its endpoint always from the configuration (client_options::endpoint or
// AWS_ENDPOINT_URL_S3).
//
//   using my_store = provider::custom<provider::features{.versioning = true}>;
//   s3::client<my_store> client(ex, {.endpoint = "http://10.0.0.5:9000"});

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

template <provider::features Features = provider::features{}, addressing Style = addressing::path>
struct custom : defaults {
    static constexpr std::string_view name = "custom";
    static constexpr bool virtual_hosted_style = Style == addressing::virtual_hosted;
    static constexpr provider::features features = Features;
    static constexpr bool supports_service(std::string_view) noexcept { return true; }
};

} // namespace cirrus::provider
