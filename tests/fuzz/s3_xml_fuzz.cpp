// Fuzzes the S3 response parsers: every document reader of the client (listings,
// multipart, copy, delete, location, versioning, tagging, CORS, lifecycle) and the
// response header reader. Any input must parse or fail with an error; never crash, hang
// or read out of bounds. A document that parses is rebuilt where a builder exists and
// must read back the same.

#include <cirrus/s3/detail/request.hpp>
#include <cirrus/s3/detail/xml_build.hpp>
#include <cirrus/s3/detail/xml_parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace sd = cirrus::s3::detail;
namespace s3 = cirrus::s3;

namespace {

void parse_everything(std::string_view doc) {
    {
        s3::list_buckets_result r;
        (void)sd::parse_list_buckets(doc, r);
    }
    {
        s3::list_objects_result r;
        if (!sd::parse_list_objects_v2(doc, r))
            for (const auto& o : r.objects) (void)s3::is_valid_object_key(o.key);
    }
    {
        s3::list_object_versions_result r;
        (void)sd::parse_list_object_versions(doc, r);
    }
    {
        s3::list_multipart_uploads_result r;
        (void)sd::parse_list_multipart_uploads(doc, r);
    }
    {
        s3::list_parts_result r;
        if (!sd::parse_list_parts(doc, r)) {
            std::vector<s3::completed_part> parts;
            for (const auto& p : r.parts) parts.push_back({p.part_number, p.etag, p.checksum});
            (void)sd::build_complete_multipart_upload(parts);
        }
    }
    {
        s3::create_multipart_upload_result r;
        (void)sd::parse_initiate_multipart_upload(doc, r);
    }
    {
        s3::complete_multipart_upload_result r;
        (void)sd::parse_complete_multipart_upload(doc, r);
    }
    {
        sd::copy_result_fields r;
        (void)sd::parse_copy_result(doc, r);
    }
    {
        s3::delete_objects_result r;
        if (!sd::parse_delete_result(doc, r)) {
            std::vector<s3::object_identifier> ids;
            for (const auto& d : r.deleted) ids.push_back({d.key, d.version_id});
            (void)sd::build_delete(ids, true);
        }
    }
    {
        s3::get_bucket_location_result r;
        (void)sd::parse_bucket_location(doc, r);
    }
    {
        s3::get_bucket_versioning_result r;
        if (!sd::parse_versioning(doc, r) && r.status != s3::versioning_status::unversioned) {
            s3::get_bucket_versioning_result back;
            if (sd::parse_versioning(sd::build_versioning(r.status), back) || back.status != r.status) std::abort();
        }
    }
    {
        s3::tag_set tags;
        if (!sd::parse_tagging(doc, tags)) {
            // Builders escape what parsers decode: a round trip keeps every tag. (Control
            // characters other than tab, CR and LF cannot be written in XML 1.0: skip those.)
            bool writable = true;
            for (const auto& t : tags)
                for (char c : t.key + t.value)
                    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') writable = false;
            if (writable) {
                s3::tag_set back;
                if (sd::parse_tagging(sd::build_tagging(tags), back)) std::abort();
                if (back.size() != tags.size()) std::abort();
            }
        }
    }
    {
        s3::cors_configuration c;
        if (!sd::parse_cors(doc, c)) {
            s3::cors_configuration back;
            if (sd::parse_cors(sd::build_cors(c.rules), back) || back.rules.size() != c.rules.size()) std::abort();
        }
    }
    {
        s3::lifecycle_configuration c;
        if (!sd::parse_lifecycle(doc, c)) {
            s3::lifecycle_configuration back;
            if (sd::parse_lifecycle(sd::build_lifecycle(c.rules), back) || back.rules.size() != c.rules.size()) std::abort();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    parse_everything(input);

    // The input as response headers ("Name: value" lines) for the object header reader.
    cirrus::http::response res;
    std::size_t pos = 0;
    while (pos < input.size()) {
        std::size_t eol = input.find('\n', pos);
        if (eol == std::string_view::npos) eol = input.size();
        const std::string_view line = input.substr(pos, eol - pos);
        pos = eol + 1;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) continue;
        // Names the parser would refuse never reach the reader.
        if (!cirrus::auth::sigv4::detail::is_token(line.substr(0, colon))) continue;
        res.headers.append(line.substr(0, colon), line.substr(colon + 1));
    }
    s3::object_info info;
    (void)sd::read_object_info(res, info);
    return 0;
}
