#pragma once
// S3 error codes.
//
// Every S3 error document (<Error><Code>NoSuchKey</Code>...) that names a code listed here
// becomes a cirrus::s3::errc; the service's own code string, message, request id and host
// id stay in cirrus::diagnostics. Failures without an S3-specific meaning (throttling,
// 5xx, transport errors) keep the code the transport gave them (cirrus::http::aws_errc,
// cirrus::http::errc). Client-side checks that fail before any request is sent use
// errc::invalid_bucket_name, errc::invalid_object_key and errc::customer_key_needs_tls.

#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::s3 {

enum class errc {
    ok = 0,
    no_such_key = 1,                 // NoSuchKey; HEAD object 404 on an existing bucket
    no_such_bucket,                  // NoSuchBucket; HEAD 404 on a missing bucket
    no_such_upload,                  // NoSuchUpload
    no_such_version,                 // NoSuchVersion
    bucket_not_empty,                // BucketNotEmpty
    bucket_already_exists,           // BucketAlreadyExists (someone else's)
    bucket_already_owned_by_you,     // BucketAlreadyOwnedByYou
    access_denied,                   // AccessDenied, 403 without a body
    precondition_failed,             // PreconditionFailed, 412
    not_modified,                    // 304 to If-None-Match / If-Modified-Since
    invalid_range,                   // InvalidRange, 416
    invalid_bucket_name,             // InvalidBucketName, or rejected before sending
    invalid_object_key,              // empty key, key over 1,024 bytes, KeyTooLongError
    signature_does_not_match,        // SignatureDoesNotMatch
    invalid_access_key_id,           // InvalidAccessKeyId
    no_such_bucket_policy,           // NoSuchBucketPolicy
    no_such_cors_configuration,      // NoSuchCORSConfiguration
    no_such_lifecycle_configuration, // NoSuchLifecycleConfiguration
    no_such_tag_set,                 // NoSuchTagSet
    entity_too_small,                // EntityTooSmall (a non-final part under 5 MiB)
    entity_too_large,                // EntityTooLarge
    invalid_part,                    // InvalidPart
    invalid_part_order,              // InvalidPartOrder
    bad_digest,                      // BadDigest, InvalidDigest, XAmzContentSHA256Mismatch
    invalid_argument,                // InvalidArgument
    invalid_request,                 // InvalidRequest
    malformed_xml,                   // MalformedXML, MalformedPolicy
    method_not_allowed,              // MethodNotAllowed
    not_implemented,                 // NotImplemented
    invalid_storage_class,           // InvalidStorageClass
    invalid_object_state,            // InvalidObjectState (archived objects)
    too_many_buckets,                // TooManyBuckets
    invalid_encryption,              // SSE-C key problems, KMS errors
    missing_content_length,          // MissingContentLength
    operation_aborted_server,        // OperationAborted (a conflicting operation is in progress)
    customer_key_needs_tls,          // an SSE-C key would go over plain http:// (refused before sending)
};

namespace detail {

class s3_category final : public boost::system::error_category {
public:
    constexpr s3_category() noexcept : error_category(0x6369727275733301ULL) {}
    const char* name() const noexcept override { return "cirrus.s3"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::no_such_key: return "the object does not exist";
        case errc::no_such_bucket: return "the bucket does not exist";
        case errc::no_such_upload: return "the multipart upload does not exist";
        case errc::no_such_version: return "the object version does not exist";
        case errc::bucket_not_empty: return "the bucket is not empty";
        case errc::bucket_already_exists: return "the bucket name is taken";
        case errc::bucket_already_owned_by_you: return "the bucket already exists and is yours";
        case errc::access_denied: return "access denied";
        case errc::precondition_failed: return "a precondition (If-Match, If-Unmodified-Since...) failed";
        case errc::not_modified: return "not modified";
        case errc::invalid_range: return "the requested range cannot be satisfied";
        case errc::invalid_bucket_name: return "invalid bucket name";
        case errc::invalid_object_key: return "invalid object key";
        case errc::signature_does_not_match: return "the request signature does not match";
        case errc::invalid_access_key_id: return "unknown access key id";
        case errc::no_such_bucket_policy: return "the bucket has no policy";
        case errc::no_such_cors_configuration: return "the bucket has no CORS configuration";
        case errc::no_such_lifecycle_configuration: return "the bucket has no lifecycle configuration";
        case errc::no_such_tag_set: return "no tag set";
        case errc::entity_too_small: return "a part is smaller than the minimum part size";
        case errc::entity_too_large: return "the object or part is too large";
        case errc::invalid_part: return "a listed part was not uploaded or its ETag does not match";
        case errc::invalid_part_order: return "parts are not in ascending order";
        case errc::bad_digest: return "the content digest or checksum does not match";
        case errc::invalid_argument: return "invalid argument";
        case errc::invalid_request: return "invalid request";
        case errc::malformed_xml: return "malformed XML or policy";
        case errc::method_not_allowed: return "method not allowed on this resource";
        case errc::not_implemented: return "not implemented by the server";
        case errc::invalid_storage_class: return "invalid storage class";
        case errc::invalid_object_state: return "the object is archived or in the wrong state";
        case errc::too_many_buckets: return "too many buckets";
        case errc::invalid_encryption: return "server-side encryption parameters were rejected";
        case errc::missing_content_length: return "missing Content-Length";
        case errc::operation_aborted_server: return "a conflicting operation is in progress";
        case errc::customer_key_needs_tls: return "SSE-C keys are sent only over https://";
        }
        return "unknown S3 error";
    }
};

} // namespace detail

inline const boost::system::error_category& s3_category() noexcept {
    static constexpr detail::s3_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), s3_category()}; }

// The errc of an S3 error code string; errc::ok when S3 does not give it its own meaning.
constexpr errc errc_from_code(std::string_view code) noexcept {
    struct entry {
        std::string_view code;
        errc value;
    };
    constexpr entry table[] = {
        {"NoSuchKey", errc::no_such_key},
        {"NoSuchBucket", errc::no_such_bucket},
        {"NoSuchUpload", errc::no_such_upload},
        {"NoSuchVersion", errc::no_such_version},
        {"BucketNotEmpty", errc::bucket_not_empty},
        {"BucketAlreadyExists", errc::bucket_already_exists},
        {"BucketAlreadyOwnedByYou", errc::bucket_already_owned_by_you},
        {"AccessDenied", errc::access_denied},
        {"AllAccessDisabled", errc::access_denied},
        {"PreconditionFailed", errc::precondition_failed},
        {"NotModified", errc::not_modified},
        {"InvalidRange", errc::invalid_range},
        {"InvalidBucketName", errc::invalid_bucket_name},
        {"KeyTooLongError", errc::invalid_object_key},
        {"SignatureDoesNotMatch", errc::signature_does_not_match},
        {"InvalidAccessKeyId", errc::invalid_access_key_id},
        {"NoSuchBucketPolicy", errc::no_such_bucket_policy},
        {"NoSuchCORSConfiguration", errc::no_such_cors_configuration},
        {"NoSuchLifecycleConfiguration", errc::no_such_lifecycle_configuration},
        {"NoSuchTagSet", errc::no_such_tag_set},
        {"NoSuchTagSetError", errc::no_such_tag_set},
        {"EntityTooSmall", errc::entity_too_small},
        {"EntityTooLarge", errc::entity_too_large},
        {"InvalidPart", errc::invalid_part},
        {"InvalidPartOrder", errc::invalid_part_order},
        {"BadDigest", errc::bad_digest},
        {"InvalidDigest", errc::bad_digest},
        {"XAmzContentSHA256Mismatch", errc::bad_digest},
        {"XAmzContentChecksumMismatch", errc::bad_digest},
        {"InvalidArgument", errc::invalid_argument},
        {"InvalidRequest", errc::invalid_request},
        {"MalformedXML", errc::malformed_xml},
        {"MalformedPolicy", errc::malformed_xml},
        {"MalformedACLError", errc::malformed_xml},
        {"MethodNotAllowed", errc::method_not_allowed},
        {"NotImplemented", errc::not_implemented},
        {"InvalidStorageClass", errc::invalid_storage_class},
        {"InvalidObjectState", errc::invalid_object_state},
        {"TooManyBuckets", errc::too_many_buckets},
        {"InvalidEncryptionAlgorithmError", errc::invalid_encryption},
        {"KMS.NotFoundException", errc::invalid_encryption},
        {"KMS.DisabledException", errc::invalid_encryption},
        {"MissingContentLength", errc::missing_content_length},
        {"OperationAborted", errc::operation_aborted_server},
    };
    for (const auto& e : table)
        if (e.code == code) return e.value;
    return errc::ok;
}

// Which resource a request addressed, for telling a missing bucket from a missing key
// when the server answers without a body (HEAD, some proxies).
enum class resource { service, bucket, object, upload };

namespace detail {

// Turns what the transport reported into the S3 vocabulary. `status` and `diag` describe
// the response (diag.service_code may be empty for HEAD).
inline error_code to_s3_error(error_code ec, const diagnostics& diag, resource target) noexcept {
    if (!ec || ec.category() != http::aws_category()) return ec;
    if (const errc e = errc_from_code(diag.service_code); e != errc::ok) return make_error_code(e);
    if (!diag.service_code.empty()) {
        if (diag.service_code == "NotFound" && target == resource::bucket) return make_error_code(errc::no_such_bucket);
        if (diag.service_code == "NotFound" && target == resource::object) return make_error_code(errc::no_such_key);
        return ec;
    }
    switch (diag.http_status) {
    case 404:
        if (target == resource::bucket) return make_error_code(errc::no_such_bucket);
        if (target == resource::object) return make_error_code(errc::no_such_key);
        if (target == resource::upload) return make_error_code(errc::no_such_upload);
        return ec;
    case 403: return make_error_code(errc::access_denied);
    case 412: return make_error_code(errc::precondition_failed);
    case 304: return make_error_code(errc::not_modified);
    case 416: return make_error_code(errc::invalid_range);
    case 405: return make_error_code(errc::method_not_allowed);
    case 501: return make_error_code(errc::not_implemented);
    default: return ec;
    }
}

} // namespace detail

// True for the codes that say "this does not exist" (object, bucket, upload, version,
// policy, configuration), whichever category they came in.
inline bool is_not_found(const error_code& ec) noexcept {
    if (ec.category() == s3_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::no_such_key:
        case errc::no_such_bucket:
        case errc::no_such_upload:
        case errc::no_such_version:
        case errc::no_such_bucket_policy:
        case errc::no_such_cors_configuration:
        case errc::no_such_lifecycle_configuration:
        case errc::no_such_tag_set: return true;
        default: return false;
        }
    }
    return ec == http::aws_errc::not_found;
}

} // namespace cirrus::s3

template <>
struct boost::system::is_error_code_enum<cirrus::s3::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::s3::errc> : std::true_type {};
