#pragma once
// versitygw (the Versity S3 gateway), and S3-compatible servers like it on a local
// address: path style, http://127.0.0.1:7070 unless configured otherwise, every feature
// but lifecycle configuration (which versitygw 1.7 answers with NotImplemented). Its
// posix backend verifies header signatures, presigned URLs and aws-chunked signatures.
//
//   s3::client<provider::versitygw> c(ex, {.endpoint = "http://127.0.0.1:7070"});

#include <cirrus/provider/provider.hpp>

namespace cirrus::provider {

struct versitygw : defaults {
    static constexpr std::string_view name = "versitygw";
    static constexpr provider::features features{
        .acls = true,
        .object_lock = true,
        .versioning = true,
        .tagging = true,
        .presigned_post = true,
        .conditional_writes = true,
        .checksums = all_checksums,
    };
    static std::string endpoint(std::string_view, std::string_view) { return "http://127.0.0.1:7070"; }
};

} // namespace cirrus::provider
