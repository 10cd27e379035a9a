// Compiled by tests/compile_fail/check.cmake, once per case: an s3::client templated on a
// provider that lacks a feature must reject the operations that need it, at compile time
// and naming the feature's concept. CIRRUS_EXPECT_OK compiles every one of these calls
// with providers that have the features, so the cases fail for the right reason only.

#include <cirrus/provider/all.hpp>
#include <cirrus/s3/client.hpp>

#include <boost/asio/io_context.hpp>

namespace s3 = cirrus::s3;
namespace provider = cirrus::provider;

#ifdef CIRRUS_EXPECT_OK
using no_versioning = provider::aws;
using no_tagging = provider::aws;
using no_lifecycle = provider::aws;
using no_post = provider::aws;
#else
using no_versioning = provider::r2; // R2: no versioning, tagging or POST forms
using no_tagging = provider::r2;
using no_lifecycle = provider::wasabi; // Wasabi: no lifecycle configuration
using no_post = provider::r2;
#endif

int main() {
    boost::asio::io_context ioc;
    [[maybe_unused]] auto ignore = [](auto&&...) {};
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_versioning)
    {
        s3::client<no_versioning> c(ioc.get_executor());
        c.async_put_bucket_versioning({.bucket = "b"}, ignore);
        c.async_get_bucket_versioning({.bucket = "b"}, ignore);
        c.async_list_object_versions({.bucket = "b"}, ignore);
        (void)c.list_object_versions_pages({.bucket = "b"});
    }
#endif
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_tagging)
    {
        s3::client<no_tagging> c(ioc.get_executor());
        c.async_put_object_tagging({.bucket = "b", .key = "k"}, ignore);
        c.async_get_object_tagging({.bucket = "b", .key = "k"}, ignore);
        c.async_delete_object_tagging({.bucket = "b", .key = "k"}, ignore);
    }
#endif
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_lifecycle)
    {
        s3::client<no_lifecycle> c(ioc.get_executor());
        c.async_put_bucket_lifecycle({.bucket = "b"}, ignore);
        c.async_get_bucket_lifecycle({.bucket = "b"}, ignore);
        c.async_delete_bucket_lifecycle({.bucket = "b"}, ignore);
    }
#endif
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_presigned_post)
    {
        s3::client<no_post> c(ioc.get_executor());
        (void)c.presign_post_object({.bucket = "b", .key = "k"});
    }
#endif
#if defined(CIRRUS_EXPECT_OK) || defined(CIRRUS_CASE_execute)
    {
        // The generic entry point is constrained too.
        s3::client<no_tagging> c(ioc.get_executor());
        c.async_execute(s3::put_object_tagging_request{.bucket = "b", .key = "k"}, ignore);
    }
#endif
    return 0;
}
