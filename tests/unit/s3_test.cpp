// S3 protocol pieces without a server: response parsers against canned documents (the
// shapes of the S3 API reference and of real servers), request document builders, bucket
// name and key rules, request building and response header reading.

#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/provider/all.hpp>
#include <cirrus/s3/detail/request.hpp>
#include <cirrus/s3/detail/xml_build.hpp>
#include <cirrus/s3/detail/xml_parse.hpp>
#include <cirrus/s3/errors.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace s3 = cirrus::s3;
namespace sd = cirrus::s3::detail;
using namespace std::string_view_literals;

namespace {

std::int64_t unix_seconds(s3::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

} // namespace

// ---------------------------------------------------------------------------- parsers

TEST(S3Xml, ListBuckets) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>bcaf1ffd86f461ca5fb16fd081034f</ID><DisplayName>webfile</DisplayName></Owner>
  <Buckets>
    <Bucket><Name>amzn-s3-demo-bucket</Name><CreationDate>2006-02-03T16:45:09.000Z</CreationDate></Bucket>
    <Bucket><Name>second</Name><CreationDate>2006-02-03T16:41:58.000Z</CreationDate>
      <BucketRegion>eu-west-1</BucketRegion></Bucket>
  </Buckets>
  <ContinuationToken>tok&amp;1</ContinuationToken>
</ListAllMyBucketsResult>)";
    s3::list_buckets_result r;
    ASSERT_FALSE(sd::parse_list_buckets(doc, r));
    ASSERT_EQ(r.buckets.size(), 2u);
    EXPECT_EQ(r.buckets[0].name, "amzn-s3-demo-bucket");
    EXPECT_EQ(unix_seconds(r.buckets[0].creation_date), 1138985109);
    EXPECT_EQ(r.buckets[1].region, "eu-west-1");
    EXPECT_EQ(r.owner.id, "bcaf1ffd86f461ca5fb16fd081034f");
    EXPECT_EQ(r.owner.display_name, "webfile");
    EXPECT_EQ(r.continuation_token, "tok&1");
}

TEST(S3Xml, ListBucketsEmptyAndSelfClosing) {
    s3::list_buckets_result r;
    ASSERT_FALSE(sd::parse_list_buckets("<ListAllMyBucketsResult><Owner/><Buckets/></ListAllMyBucketsResult>", r));
    EXPECT_TRUE(r.buckets.empty());
}

TEST(S3Xml, ListObjectsV2) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents>
    <Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass><ChecksumAlgorithm>CRC32C</ChecksumAlgorithm>
    <Owner><ID>owner-id</ID><DisplayName>me</DisplayName></Owner>
  </Contents>
  <Contents><Key>b &lt;&gt; c</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>videos/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
    s3::list_objects_result r;
    ASSERT_FALSE(sd::parse_list_objects_v2(doc, r));
    ASSERT_EQ(r.objects.size(), 2u);
    EXPECT_EQ(r.objects[0].key, "my-image.jpg");
    EXPECT_EQ(r.objects[0].etag, "\"fba9dede5f27731c9771645a39863328\"");
    EXPECT_EQ(r.objects[0].size, 434234u);
    EXPECT_EQ(unix_seconds(r.objects[0].last_modified), 1255369830);
    EXPECT_EQ(r.objects[0].storage_class, "STANDARD");
    ASSERT_TRUE(r.objects[0].owner.has_value());
    EXPECT_EQ(r.objects[0].owner->display_name, "me");
    ASSERT_EQ(r.objects[0].checksum_algorithms.size(), 1u);
    EXPECT_EQ(r.objects[0].checksum_algorithms[0], s3::checksum_algorithm::crc32c);
    EXPECT_EQ(r.objects[1].key, "b <> c");
    EXPECT_EQ(r.common_prefixes, (std::vector<std::string>{"photos/", "videos/"}));
    EXPECT_TRUE(r.is_truncated);
    EXPECT_EQ(r.key_count, 2u);
    EXPECT_EQ(r.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Xml, ListObjectsV2UrlEncodedKeys) {
    constexpr auto doc = R"(<ListBucketResult><EncodingType>url</EncodingType>
  <Contents><Key>a+b%2Bc%25d%2F%2Fe%E2%82%AC</Key><Size>1</Size></Contents>
  <CommonPrefixes><Prefix>dir+one%2F</Prefix></CommonPrefixes>
  <IsTruncated>false</IsTruncated></ListBucketResult>)";
    s3::list_objects_result r;
    ASSERT_FALSE(sd::parse_list_objects_v2(doc, r));
    ASSERT_EQ(r.objects.size(), 1u);
    EXPECT_EQ(r.objects[0].key, "a b+c%d//e\xE2\x82\xAC");
    EXPECT_EQ(r.common_prefixes[0], "dir one/");
    EXPECT_FALSE(r.is_truncated);
}

TEST(S3Xml, ListObjectVersions) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01">
  <Name>bucket</Name><Prefix>my</Prefix><KeyMarker/><VersionIdMarker/><MaxKeys>5</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextKeyMarker>my-second-image.jpg</NextKeyMarker><NextVersionIdMarker>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</NextVersionIdMarker>
  <Version><Key>my-image.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass>
    <Owner><ID>id</ID><DisplayName>mtd@amazon.com</DisplayName></Owner></Version>
  <DeleteMarker><Key>my-second-image.jpg</Key><VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-11-12T17:50:30.000Z</LastModified></DeleteMarker>
  <Version><Key>my-second-image.jpg</Key><VersionId>QUpfdndhfd8438MNFDN93jdnJFkdmqnh893</VersionId>
    <IsLatest>false</IsLatest><LastModified>2009-10-10T17:50:30.000Z</LastModified>
    <ETag>"9b2cf535f27731c974343645a3985328"</ETag><Size>166434</Size></Version>
</ListVersionsResult>)";
    s3::list_object_versions_result r;
    ASSERT_FALSE(sd::parse_list_object_versions(doc, r));
    ASSERT_EQ(r.versions.size(), 3u);
    EXPECT_FALSE(r.versions[0].is_delete_marker);
    EXPECT_TRUE(r.versions[0].is_latest);
    EXPECT_EQ(r.versions[0].version_id, "3/L4kqtJl40Nr8X8gdRQBpUMLUo");
    EXPECT_TRUE(r.versions[1].is_delete_marker);
    EXPECT_EQ(r.versions[1].key, "my-second-image.jpg");
    EXPECT_FALSE(r.versions[2].is_latest);
    EXPECT_EQ(r.versions[2].size, 166434u);
    EXPECT_TRUE(r.is_truncated);
    EXPECT_EQ(r.next_key_marker, "my-second-image.jpg");
    EXPECT_EQ(r.next_version_id_marker, "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892");
}

TEST(S3Xml, ListMultipartUploads) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>my-movie.m2ts</NextKeyMarker><NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <MaxUploads>3</MaxUploads><IsTruncated>true</IsTruncated>
  <Upload><Key>my-divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiator><ID>arn:aws:iam::111122223333:user/user1</ID><DisplayName>user1</DisplayName></Initiator>
    <Owner><ID>id</ID><DisplayName>OwnerDisplayName</DisplayName></Owner>
    <StorageClass>STANDARD</StorageClass><Initiated>2010-11-10T20:48:33.000Z</Initiated>
    <ChecksumAlgorithm>SHA256</ChecksumAlgorithm></Upload>
  <Upload><Key>my-movie.m2ts</Key><UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
    <StorageClass>STANDARD</StorageClass><Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
  <CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes>
</ListMultipartUploadsResult>)";
    s3::list_multipart_uploads_result r;
    ASSERT_FALSE(sd::parse_list_multipart_uploads(doc, r));
    ASSERT_EQ(r.uploads.size(), 2u);
    EXPECT_EQ(r.uploads[0].key, "my-divisor");
    EXPECT_EQ(r.uploads[0].upload_id, "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw");
    EXPECT_EQ(unix_seconds(r.uploads[0].initiated), 1289422113);
    EXPECT_EQ(r.uploads[0].checksum_algorithm, s3::checksum_algorithm::sha256);
    EXPECT_FALSE(r.uploads[1].checksum_algorithm.has_value());
    EXPECT_TRUE(r.is_truncated);
    EXPECT_EQ(r.next_key_marker, "my-movie.m2ts");
    EXPECT_EQ(r.common_prefixes.size(), 1u);
}

TEST(S3Xml, ListParts) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket><Key>example-object</Key><UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <StorageClass>STANDARD</StorageClass><PartNumberMarker>1</PartNumberMarker>
  <NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>
  <ChecksumAlgorithm>CRC32C</ChecksumAlgorithm>
  <Part><PartNumber>2</PartNumber><LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag><Size>10485760</Size>
    <ChecksumCRC32C>yZRlqg==</ChecksumCRC32C></Part>
  <Part><PartNumber>3</PartNumber><LastModified>2010-11-10T20:48:33.000Z</LastModified>
    <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag><Size>10485760</Size></Part>
</ListPartsResult>)";
    s3::list_parts_result r;
    ASSERT_FALSE(sd::parse_list_parts(doc, r));
    ASSERT_EQ(r.parts.size(), 2u);
    EXPECT_EQ(r.parts[0].part_number, 2u);
    EXPECT_EQ(r.parts[0].size, 10485760u);
    ASSERT_TRUE(r.parts[0].checksum.has_value());
    EXPECT_EQ(r.parts[0].checksum->algorithm, s3::checksum_algorithm::crc32c);
    EXPECT_EQ(r.parts[0].checksum->value, "yZRlqg==");
    EXPECT_FALSE(r.parts[1].checksum.has_value());
    EXPECT_TRUE(r.is_truncated);
    EXPECT_EQ(r.next_part_number_marker, 3u);
    EXPECT_EQ(r.checksum_algorithm, s3::checksum_algorithm::crc32c);
    EXPECT_EQ(r.storage_class, "STANDARD");
}

TEST(S3Xml, InitiateAndCompleteMultipartUpload) {
    s3::create_multipart_upload_result init;
    ASSERT_FALSE(sd::parse_initiate_multipart_upload(
        R"(<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>example-bucket</Bucket><Key>example-object</Key><UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></InitiateMultipartUploadResult>)",
        init));
    EXPECT_EQ(init.bucket, "example-bucket");
    EXPECT_EQ(init.key, "example-object");
    EXPECT_EQ(init.upload_id, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");

    s3::create_multipart_upload_result missing;
    EXPECT_TRUE(sd::parse_initiate_multipart_upload("<InitiateMultipartUploadResult/>", missing));

    s3::complete_multipart_upload_result done;
    ASSERT_FALSE(sd::parse_complete_multipart_upload(
        R"(<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>http://Example-Bucket.s3.region.amazonaws.com/Example-Object</Location>
  <Bucket>Example-Bucket</Bucket><Key>Example-Object</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
  <ChecksumCRC32>AAAAAA==-2</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>
</CompleteMultipartUploadResult>)",
        done));
    EXPECT_EQ(done.etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
    EXPECT_EQ(done.key, "Example-Object");
    ASSERT_TRUE(done.checksum.has_value());
    EXPECT_EQ(done.checksum->algorithm, s3::checksum_algorithm::crc32);
    EXPECT_EQ(done.checksum->type, "COMPOSITE");
}

TEST(S3Xml, CopyResults) {
    sd::copy_result_fields r;
    ASSERT_FALSE(sd::parse_copy_result(
        R"(<CopyObjectResult><LastModified>2009-10-28T22:32:00.000Z</LastModified><ETag>"9b2cf535f27731c974343645a3985328"</ETag><ChecksumSHA256>abc=</ChecksumSHA256></CopyObjectResult>)",
        r));
    EXPECT_EQ(r.etag, "\"9b2cf535f27731c974343645a3985328\"");
    EXPECT_EQ(unix_seconds(r.last_modified), 1256769120);
    ASSERT_TRUE(r.checksum);
    EXPECT_EQ(r.checksum->algorithm, s3::checksum_algorithm::sha256);
    sd::copy_result_fields p;
    ASSERT_FALSE(sd::parse_copy_result(R"(<CopyPartResult><ETag>"x"</ETag></CopyPartResult>)", p));
    EXPECT_EQ(p.etag, "\"x\"");
    EXPECT_TRUE(sd::parse_copy_result("<Error><Code>InternalError</Code></Error>", p));
}

TEST(S3Xml, DeleteResult) {
    constexpr auto doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>sample1.txt</Key></Deleted>
  <Deleted><Key>sample2.txt</Key><VersionId>v1</VersionId><DeleteMarker>true</DeleteMarker>
    <DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>
  <Error><Key>sample3.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
</DeleteResult>)";
    s3::delete_objects_result r;
    ASSERT_FALSE(sd::parse_delete_result(doc, r));
    ASSERT_EQ(r.deleted.size(), 2u);
    EXPECT_EQ(r.deleted[0].key, "sample1.txt");
    EXPECT_TRUE(r.deleted[1].delete_marker);
    EXPECT_EQ(r.deleted[1].delete_marker_version_id, "dm1");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "AccessDenied");
    EXPECT_EQ(r.errors[0].message, "Access Denied");
}

TEST(S3Xml, BucketLocation) {
    s3::get_bucket_location_result r;
    ASSERT_FALSE(sd::parse_bucket_location(
        R"(<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-central-1</LocationConstraint>)",
        r));
    EXPECT_EQ(r.region, "eu-central-1");
    ASSERT_FALSE(sd::parse_bucket_location(R"(<LocationConstraint xmlns="x"/>)", r));
    EXPECT_EQ(r.region, "us-east-1");
    ASSERT_FALSE(sd::parse_bucket_location("<LocationConstraint>EU</LocationConstraint>", r));
    EXPECT_EQ(r.region, "eu-west-1");
}

TEST(S3Xml, Versioning) {
    s3::get_bucket_versioning_result r;
    ASSERT_FALSE(sd::parse_versioning(R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)", r));
    EXPECT_EQ(r.status, s3::versioning_status::unversioned);
    ASSERT_FALSE(sd::parse_versioning(
        "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>", r));
    EXPECT_EQ(r.status, s3::versioning_status::enabled);
    EXPECT_FALSE(r.mfa_delete);
    ASSERT_FALSE(sd::parse_versioning("<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>", r));
    EXPECT_EQ(r.status, s3::versioning_status::suspended);
    EXPECT_TRUE(sd::parse_versioning("<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>", r));
}

TEST(S3Xml, TaggingRoundTrip) {
    const s3::tag_set tags{{"project", "cirrus"}, {"a&b", "<x>"}, {"empty", ""}};
    const std::string doc = sd::build_tagging(tags);
    EXPECT_NE(doc.find("<Key>a&amp;b</Key><Value>&lt;x&gt;</Value>"), std::string::npos);
    s3::tag_set parsed;
    ASSERT_FALSE(sd::parse_tagging(doc, parsed));
    EXPECT_EQ(parsed, tags);
}

TEST(S3Xml, CorsRoundTrip) {
    s3::cors_configuration c{.rules = {{.id = "web",
                                        .allowed_methods = {"GET", "PUT"},
                                        .allowed_origins = {"https://example.com"},
                                        .allowed_headers = {"*"},
                                        .expose_headers = {"ETag"},
                                        .max_age_seconds = 3000},
                                       {.allowed_methods = {"HEAD"}, .allowed_origins = {"*"}}}};
    const std::string doc = sd::build_cors(c.rules);
    s3::cors_configuration back;
    ASSERT_FALSE(sd::parse_cors(doc, back));
    ASSERT_EQ(back.rules.size(), 2u);
    EXPECT_EQ(back.rules[0].id, "web");
    EXPECT_EQ(back.rules[0].allowed_methods, (std::vector<std::string>{"GET", "PUT"}));
    EXPECT_EQ(back.rules[0].allowed_origins, (std::vector<std::string>{"https://example.com"}));
    EXPECT_EQ(back.rules[0].allowed_headers, (std::vector<std::string>{"*"}));
    EXPECT_EQ(back.rules[0].expose_headers, (std::vector<std::string>{"ETag"}));
    EXPECT_EQ(back.rules[0].max_age_seconds, 3000u);
    EXPECT_FALSE(back.rules[1].max_age_seconds.has_value());
}

TEST(S3Xml, LifecycleRoundTrip) {
    s3::lifecycle_configuration c{.rules = {
        {.id = "logs",
         .prefix = "logs/",
         .expiration_days = 365,
         .transitions = {{.days = 30, .storage_class = "STANDARD_IA"}},
         .abort_incomplete_multipart_upload_days = 7},
        {.id = "tagged",
         .enabled = false,
         .prefix = "tmp/",
         .tags = {{"kind", "scratch"}},
         .object_size_greater_than = 1024,
         .noncurrent_version_expiration_days = 10,
         .newer_noncurrent_versions = 2},
        {.id = "markers", .expired_object_delete_marker = true}}};
    const std::string doc = sd::build_lifecycle(c.rules);
    EXPECT_NE(doc.find("<Filter><And><Prefix>tmp/</Prefix><Tag>"), std::string::npos);
    EXPECT_NE(doc.find("<Filter><Prefix></Prefix></Filter>"), std::string::npos);
    s3::lifecycle_configuration back;
    ASSERT_FALSE(sd::parse_lifecycle(doc, back));
    ASSERT_EQ(back.rules.size(), 3u);
    EXPECT_EQ(back.rules[0].prefix, "logs/");
    EXPECT_TRUE(back.rules[0].enabled);
    EXPECT_EQ(back.rules[0].expiration_days, 365u);
    ASSERT_EQ(back.rules[0].transitions.size(), 1u);
    EXPECT_EQ(back.rules[0].transitions[0].days, 30u);
    EXPECT_EQ(back.rules[0].transitions[0].storage_class, "STANDARD_IA");
    EXPECT_EQ(back.rules[0].abort_incomplete_multipart_upload_days, 7u);
    EXPECT_FALSE(back.rules[1].enabled);
    EXPECT_EQ(back.rules[1].tags, (s3::tag_set{{"kind", "scratch"}}));
    EXPECT_EQ(back.rules[1].object_size_greater_than, 1024u);
    EXPECT_EQ(back.rules[1].noncurrent_version_expiration_days, 10u);
    EXPECT_EQ(back.rules[1].newer_noncurrent_versions, 2u);
    EXPECT_TRUE(back.rules[2].expired_object_delete_marker);
}

TEST(S3Xml, LifecycleLegacyPrefix) {
    s3::lifecycle_configuration back;
    ASSERT_FALSE(sd::parse_lifecycle(
        "<LifecycleConfiguration><Rule><ID>old</ID><Prefix>a/</Prefix><Status>Enabled</Status>"
        "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>",
        back));
    ASSERT_EQ(back.rules.size(), 1u);
    EXPECT_EQ(back.rules[0].prefix, "a/");
    EXPECT_EQ(back.rules[0].expiration_date, "2030-01-01T00:00:00Z");
}

TEST(S3Xml, MalformedDocumentsAreErrors) {
    s3::list_objects_result r;
    EXPECT_TRUE(sd::parse_list_objects_v2("", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<ListBucketResult>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<ListBucketResult><Contents><Size>12x</Size></Contents></ListBucketResult>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<Other/>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<ListBucketResult><Contents><LastModified>x</LastModified></Contents></ListBucketResult>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2("<ListBucketResult><Contents><Size>-1</Size></Contents></ListBucketResult>", r));
    EXPECT_EQ(sd::parse_list_objects_v2("<ListBucketResult><a></b></ListBucketResult>", r), cirrus::errc::protocol_error);
    // Dates a nanosecond system_clock cannot hold are refused, not overflowed.
    EXPECT_TRUE(sd::parse_list_objects_v2(
        "<ListBucketResult><Contents><LastModified>9999-12-31T23:59:59Z</LastModified></Contents></ListBucketResult>", r));
    EXPECT_TRUE(sd::parse_list_objects_v2(
        "<ListBucketResult><Contents><LastModified>0001-01-01T00:00:00Z</LastModified></Contents></ListBucketResult>", r));
}

TEST(S3Xml, UnknownElementsAreSkipped) {
    s3::list_objects_result r;
    ASSERT_FALSE(sd::parse_list_objects_v2(
        "<ListBucketResult><Vendor><Deep><Deeper>x</Deeper></Deep></Vendor><Contents><Key>k</Key>"
        "<Extra a='1'/></Contents><!-- c --></ListBucketResult>",
        r));
    ASSERT_EQ(r.objects.size(), 1u);
    EXPECT_EQ(r.objects[0].key, "k");
}

// ---------------------------------------------------------------------------- builders

TEST(S3XmlBuild, CreateBucketConfiguration) {
    EXPECT_EQ(sd::build_create_bucket_configuration("us-east-1"), "");
    EXPECT_EQ(sd::build_create_bucket_configuration(""), "");
    const auto doc = sd::build_create_bucket_configuration("eu-west-1");
    EXPECT_NE(doc.find("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                       "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"),
              std::string::npos);
    s3::get_bucket_location_result r; // the same element reads back
    EXPECT_EQ(doc.find("<LocationConstraint>"), doc.find("<LocationConstraint>"));
}

TEST(S3XmlBuild, Delete) {
    const std::vector<s3::object_identifier> objects{{"a.txt", ""}, {"b&c <d>", "v1"}};
    const auto doc = sd::build_delete(objects, true);
    EXPECT_NE(doc.find("<Quiet>true</Quiet><Object><Key>a.txt</Key></Object>"
                       "<Object><Key>b&amp;c &lt;d&gt;</Key><VersionId>v1</VersionId></Object></Delete>"),
              std::string::npos)
        << doc;
    EXPECT_EQ(sd::build_delete(objects, false).find("Quiet"), std::string::npos);
}

TEST(S3XmlBuild, CompleteMultipartUploadSortsParts) {
    const std::vector<s3::completed_part> parts{
        {.part_number = 2, .etag = "\"b\""},
        {.part_number = 1, .etag = "\"a\"", .checksum = s3::checksum{s3::checksum_algorithm::crc32c, "yZRlqg==", {}}}};
    const auto doc = sd::build_complete_multipart_upload(parts);
    EXPECT_NE(doc.find("<Part><ChecksumCRC32C>yZRlqg==</ChecksumCRC32C><ETag>&quot;a&quot;</ETag>"
                       "<PartNumber>1</PartNumber></Part><Part><ETag>&quot;b&quot;</ETag><PartNumber>2</PartNumber></Part>"),
              std::string::npos)
        << doc;
}

TEST(S3XmlBuild, Versioning) {
    s3::get_bucket_versioning_result r;
    ASSERT_FALSE(sd::parse_versioning(sd::build_versioning(s3::versioning_status::enabled), r));
    EXPECT_EQ(r.status, s3::versioning_status::enabled);
    ASSERT_FALSE(sd::parse_versioning(sd::build_versioning(s3::versioning_status::suspended), r));
    EXPECT_EQ(r.status, s3::versioning_status::suspended);
}

// ---------------------------------------------------------------------------- names

TEST(S3Names, ValidBucketNames) {
    for (std::string_view n : std::initializer_list<std::string_view>{"abc", "my-bucket", "my.bucket.name", "a1b2c3", "123", "docexamplebucket1",
                               "log-delivery-2024.example", std::string_view("a23456789012345678901234567890123456789012345678901234567890123")})
        EXPECT_TRUE(s3::is_valid_bucket_name(n)) << n;
}

TEST(S3Names, InvalidBucketNames) {
    const std::string too_long(64, 'a');
    for (std::string_view n : std::initializer_list<std::string_view>{"", "ab", std::string_view(too_long), "My-Bucket", "my_bucket", "-bucket", "bucket-",
                               ".bucket", "bucket.", "my..bucket", "my.-bucket", "my-.bucket", "192.168.5.4",
                               "xn--bucket", "sthree-bucket", "amzn-s3-demo-bucket", "bucket-s3alias", "bucket--ol-s3",
                               "bucket.mrap", "bucket--x-s3", "bucket--table-s3", "bucket name", "bücket", "a/b"})
        EXPECT_FALSE(s3::is_valid_bucket_name(n)) << n;
    EXPECT_TRUE(s3::is_valid_bucket_name("192.168.5.4a"));
    EXPECT_TRUE(s3::is_valid_bucket_name("1.2.3"));
}

TEST(S3Names, Keys) {
    EXPECT_TRUE(s3::is_valid_object_key("a"));
    EXPECT_TRUE(s3::is_valid_object_key("dir//with spaces+plus%percent/\xE2\x82\xAC"));
    EXPECT_TRUE(s3::is_valid_object_key(std::string(1024, 'k')));
    EXPECT_FALSE(s3::is_valid_object_key(std::string(1025, 'k')));
    EXPECT_FALSE(s3::is_valid_object_key(""));
    EXPECT_FALSE(s3::is_valid_object_key("\xC3\x28"));
    cirrus::diagnostics diag;
    EXPECT_EQ(sd::check_key(std::string(1025, 'k'), diag), s3::errc::invalid_object_key);
    EXPECT_FALSE(diag.message.empty());
    EXPECT_EQ(sd::check_bucket("Bad_Name", true, diag), s3::errc::invalid_bucket_name);
    EXPECT_EQ(diag.service_code, "InvalidBucketName");
    EXPECT_FALSE(sd::check_bucket("Legacy_Name", false, diag));
}

TEST(S3Names, DotSegments) {
    for (const char* k : {"..", ".", "a/../b", "./x", "x/./y", "x/..", "x/.", "../x", "a//../b"})
        EXPECT_TRUE(s3::has_dot_segment(k)) << k;
    for (const char* k : {"a", "a/..b/.c/d.", "...", "a/.../b", ".hidden/x", "x/y..", "a//b", "/a"})
        EXPECT_FALSE(s3::has_dot_segment(k)) << k;
    cirrus::diagnostics diag;
    EXPECT_EQ(sd::check_key("a/../b", false, diag), s3::errc::invalid_object_key);
    EXPECT_NE(diag.message.find("dot_segment_keys"), std::string::npos) << diag.message;
    EXPECT_FALSE(sd::check_key("a/../b", true, diag));
    static_assert(cirrus::provider::aws::features.dot_segment_keys);
    static_assert(!cirrus::provider::versitygw::features.dot_segment_keys);
    static_assert(!cirrus::provider::minio::features.dot_segment_keys);
}

// RFC 2047 metadata values: encoded when not ASCII (or when they look encoded), decoded
// when they are encoded words in UTF-8, US-ASCII or Latin-1; anything else reads as is.
TEST(S3Metadata, Rfc2047) {
    EXPECT_FALSE(sd::needs_rfc2047("plain value"));
    EXPECT_TRUE(sd::needs_rfc2047("\xC3\xBC"));
    EXPECT_TRUE(sd::needs_rfc2047("=?UTF-8?B?YWJj?="));
    EXPECT_FALSE(sd::needs_rfc2047("=?"));
    EXPECT_EQ(sd::encode_rfc2047("\xC3\xBCn\xC3\xAF"), "=?UTF-8?B?w7xuw68=?=");
    EXPECT_EQ(sd::decode_rfc2047("=?UTF-8?B?w7xuw68=?="), "\xC3\xBCn\xC3\xAF");
    EXPECT_EQ(sd::decode_rfc2047("=?utf-8?q?M=C3=BCnchen_Stadt?="), "M\xC3\xBCnchen Stadt");
    EXPECT_EQ(sd::decode_rfc2047("=?iso-8859-1?q?caf=E9?="), "caf\xC3\xA9");
    EXPECT_EQ(sd::decode_rfc2047("=?UTF-8?B?w7w=?= =?UTF-8?B?bg==?="), "\xC3\xBCn");
    for (const char* raw : {"plain", "=?UTF-8?B?not base64?=", "=?UTF-8?B?w7w=?= tail", "=?koi8-r?B?w7w=?=",
                            "=?UTF-8?X?abc?=", "=?UTF-8?B?", "=?UTF-8?Q?=C3?=", "=?UTF-8?Q?=ZZ?=", "=?UTF-8?B?/w==?="})
        EXPECT_FALSE(sd::decode_rfc2047(raw)) << raw;

    sd::request_builder b;
    const s3::metadata_map m{{"name", "\xC3\xBCn\xC3\xAF"}, {"ascii", "abc"}};
    ASSERT_FALSE(sd::add_metadata(b, m));
    EXPECT_EQ(b.header("x-amz-meta-name"), "=?UTF-8?B?w7xuw68=?=");
    EXPECT_EQ(b.header("x-amz-meta-ascii"), "abc");
    const s3::metadata_map bad{{"name", "caf\xE9"}};
    EXPECT_EQ(sd::add_metadata(b, bad), cirrus::errc::invalid_utf8);

    cirrus::http::response res;
    res.headers.set("x-amz-meta-name", "=?UTF-8?B?w7xuw68=?=");
    res.headers.set("x-amz-meta-raw", "=?UTF-8?B?broken");
    s3::object_info o;
    ASSERT_FALSE(sd::read_object_info(res, o));
    EXPECT_EQ(o.metadata.at("name"), "\xC3\xBCn\xC3\xAF");
    EXPECT_EQ(o.metadata.at("raw"), "=?UTF-8?B?broken");
}

// What a user prints and passes without reading a header.
TEST(S3Model, ChecksumsPrintAndPartNumbersAreInts) {
    const s3::checksum c{.algorithm = s3::checksum_algorithm::crc32c, .value = "yZRlqg==", .type = "FULL_OBJECT"};
    EXPECT_EQ(s3::to_string(c), "CRC32C:yZRlqg== (FULL_OBJECT)");
    EXPECT_EQ(s3::to_string(s3::checksum{.algorithm = s3::checksum_algorithm::sha256, .value = "x"}), "SHA256:x");
    EXPECT_EQ(s3::to_string(s3::checksum_algorithm::crc64nvme), "CRC64NVME");
    std::ostringstream os;
    os << c;
    EXPECT_EQ(os.str(), "CRC32C:yZRlqg== (FULL_OBJECT)");

    // An int loop counter goes into every part number without a cast (-Werror=narrowing).
    for (int i = 1; i <= 2; ++i) {
        const s3::upload_part_request up{.bucket = "b", .key = "k", .upload_id = "u", .part_number = i};
        const s3::upload_part_copy_request copy{.source_bucket = "b", .source_key = "s", .bucket = "b", .key = "k",
                                                .upload_id = "u", .part_number = i};
        const s3::completed_part done{.part_number = i, .etag = "e"};
        const s3::get_object_request get{.bucket = "b", .key = "k", .part_number = i};
        EXPECT_EQ(up.part_number, i);
        EXPECT_EQ(copy.part_number, done.part_number);
        EXPECT_EQ(*get.part_number, i);
    }
    // A listed part becomes a completed part as is.
    const s3::part_info listed{.part_number = 7, .etag = "e"};
    const s3::completed_part again{.part_number = listed.part_number, .etag = listed.etag};
    EXPECT_EQ(again.part_number, 7);
}

// Per-request overrides keep requests trivially destructible (safe braced in co_await).
static_assert(std::is_trivially_destructible_v<s3::request_options>);
static_assert(std::is_trivially_destructible_v<s3::get_object_request>);

// ---------------------------------------------------------------------------- errors

TEST(S3Errors, CodesFromServiceCodes) {
    EXPECT_EQ(s3::errc_from_code("NoSuchKey"), s3::errc::no_such_key);
    EXPECT_EQ(s3::errc_from_code("BucketNotEmpty"), s3::errc::bucket_not_empty);
    EXPECT_EQ(s3::errc_from_code("BucketAlreadyOwnedByYou"), s3::errc::bucket_already_owned_by_you);
    EXPECT_EQ(s3::errc_from_code("InvalidRange"), s3::errc::invalid_range);
    EXPECT_EQ(s3::errc_from_code("SlowDown"), s3::errc::ok);
    const auto ec = make_error_code(s3::errc::no_such_bucket);
    EXPECT_STREQ(ec.category().name(), "cirrus.s3");
    EXPECT_EQ(ec.message(), "the bucket does not exist");
    EXPECT_TRUE(s3::is_not_found(ec));
    EXPECT_FALSE(s3::is_not_found(make_error_code(s3::errc::access_denied)));
}

TEST(S3Errors, HeadWithoutBodyMapsByResource) {
    cirrus::diagnostics diag;
    diag.http_status = 404;
    const auto nf = make_error_code(cirrus::http::aws_errc::not_found);
    EXPECT_EQ(sd::to_s3_error(nf, diag, s3::resource::object), s3::errc::no_such_key);
    EXPECT_EQ(sd::to_s3_error(nf, diag, s3::resource::bucket), s3::errc::no_such_bucket);
    EXPECT_EQ(sd::to_s3_error(nf, diag, s3::resource::upload), s3::errc::no_such_upload);
    diag.service_code = "NoSuchBucket";
    EXPECT_EQ(sd::to_s3_error(nf, diag, s3::resource::object), s3::errc::no_such_bucket);
    diag = {};
    diag.http_status = 412;
    EXPECT_EQ(sd::to_s3_error(make_error_code(cirrus::http::aws_errc::precondition_failed), diag,
                              s3::resource::object),
              s3::errc::precondition_failed);
    diag.http_status = 304;
    EXPECT_EQ(sd::to_s3_error(make_error_code(cirrus::http::aws_errc::not_modified), diag, s3::resource::object),
              s3::errc::not_modified);
    diag = {};
    diag.http_status = 503;
    diag.service_code = "SlowDown";
    EXPECT_EQ(sd::to_s3_error(make_error_code(cirrus::http::aws_errc::throttling), diag, s3::resource::object),
              cirrus::http::aws_errc::throttling);
    // Transport errors pass through untouched.
    EXPECT_EQ(sd::to_s3_error(make_error_code(cirrus::http::errc::connect_timeout), diag, s3::resource::object),
              cirrus::http::errc::connect_timeout);
}

// ---------------------------------------------------------------------------- requests

TEST(S3Response, StoredEncodingDropsAwsChunked) {
    std::string out = "stale";
    for (auto [header, want] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"", ""},
             {"gzip", "gzip"},
             {"aws-chunked", ""},
             {"aws-chunked,gzip", "gzip"},
             {"AWS-Chunked , gzip, br", "gzip,br"},
             {"gzip,aws-chunked", "gzip"},
             {" , gzip ,", "gzip"},
             {"aws-chunkedx", "aws-chunkedx"}}) {
        s3::detail::assign_stored_encoding(header, out);
        EXPECT_EQ(out, want) << header;
    }
}

TEST(S3Request, ObjectPaths) {
    EXPECT_EQ(sd::object_path("b", "a b/c+d%e//f", false), "/b/a%20b/c%2Bd%25e//f");
    EXPECT_EQ(sd::object_path("b", "a b", true), "/a%20b");
    EXPECT_EQ(sd::object_path("b", "", false), "/b");
    EXPECT_EQ(sd::object_path("b", "\xE2\x82\xAC", false), "/b/%E2%82%AC");
    EXPECT_EQ(sd::object_path("", "", false), "/");
}

TEST(S3Request, PutObjectHeaders) {
    const s3::metadata_map metadata{{"owner", "me"}, {"trace", "1 2"}};
    const s3::tag_set tags{{"a b", "c+d"}, {"x", "y"}};
    s3::put_object_request r{.bucket = "b",
                             .key = "k",
                             .content = {.content_type = "text/plain", .cache_control = "no-cache"},
                             .metadata = metadata,
                             .tags = tags,
                             .storage_class = "STANDARD_IA",
                             .acl = s3::canned_acl::public_read,
                             .encryption = s3::server_side_encryption::kms_managed("key-1"),
                             .if_none_match = "*"};
    sd::request_builder b;
    ASSERT_FALSE(sd::build_put_object(r, b));
    EXPECT_EQ(b.method, cirrus::http::verb::put);
    EXPECT_EQ(b.header("content-type"), "text/plain");
    EXPECT_EQ(b.header("Cache-Control"), "no-cache");
    EXPECT_EQ(b.header("x-amz-meta-owner"), "me");
    EXPECT_EQ(b.header("x-amz-meta-trace"), "1 2");
    EXPECT_EQ(b.header("x-amz-tagging"), "a%20b=c%2Bd&x=y");
    EXPECT_EQ(b.header("x-amz-storage-class"), "STANDARD_IA");
    EXPECT_EQ(b.header("x-amz-acl"), "public-read");
    EXPECT_EQ(b.header("x-amz-server-side-encryption"), "aws:kms");
    EXPECT_EQ(b.header("x-amz-server-side-encryption-aws-kms-key-id"), "key-1");
    EXPECT_EQ(b.header("If-None-Match"), "*");
    EXPECT_EQ(b.header("Content-Encoding"), "");

    sd::request_builder bad;
    const s3::metadata_map bad_metadata{{"bad name", "x"}};
    r.metadata = bad_metadata;
    EXPECT_EQ(sd::build_put_object(r, bad), cirrus::errc::invalid_header_name);
}

TEST(S3Request, CustomerKeyHeaders) {
    const std::string key(32, 'k');
    sd::request_builder b;
    ASSERT_FALSE(sd::add_encryption(b, s3::server_side_encryption::customer_provided(key)));
    EXPECT_EQ(b.header("x-amz-server-side-encryption-customer-algorithm"), "AES256");
    EXPECT_EQ(b.header("x-amz-server-side-encryption-customer-key"), cirrus::base64::encode(key));
    EXPECT_EQ(b.header("x-amz-server-side-encryption-customer-key-MD5").size(), 24u);
    // The headers that make a request need TLS.
    EXPECT_TRUE(sd::is_customer_key_header("x-amz-server-side-encryption-customer-key"));
    EXPECT_TRUE(sd::is_customer_key_header("X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key"));
    EXPECT_FALSE(sd::is_customer_key_header("x-amz-server-side-encryption-customer-key-MD5"));
    EXPECT_FALSE(sd::is_customer_key_header("x-amz-server-side-encryption"));
    sd::request_builder short_key;
    EXPECT_EQ(sd::add_encryption(short_key, s3::server_side_encryption::customer_provided("short")),
              cirrus::errc::invalid_argument);
}

TEST(S3Request, GetObjectRangeAndConditions) {
    using namespace std::chrono;
    s3::get_object_request r{.bucket = "b",
                             .key = "k",
                             .version_id = "v+1",
                             .range = s3::byte_range::between(0, 99),
                             .conditions = {.if_match = "\"e\"",
                                            .if_modified_since = sys_seconds{seconds{784111777}}}};
    sd::request_builder b;
    ASSERT_FALSE(sd::build_get_object(r, b));
    EXPECT_EQ(b.query, "versionId=v%2B1");
    EXPECT_EQ(b.header("Range"), "bytes=0-99");
    EXPECT_EQ(b.header("If-Match"), "\"e\"");
    EXPECT_EQ(b.header("If-Modified-Since"), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(b.header("x-amz-checksum-mode"), "ENABLED");

    std::string v;
    ASSERT_FALSE(sd::range_value(s3::byte_range::suffix(10), v));
    EXPECT_EQ(v, "bytes=-10");
    ASSERT_FALSE(sd::range_value(s3::byte_range::from(5), v));
    EXPECT_EQ(v, "bytes=5-");
    EXPECT_TRUE(sd::range_value(s3::byte_range::between(5, 4), v));
}

TEST(S3Request, CopyObjectHeaders) {
    const s3::metadata_map metadata{{"m", "1"}};
    const s3::tag_set tags{{"t", "v"}};
    s3::copy_object_request r{.source_bucket = "src",
                              .source_key = "dir/a b+c",
                              .source_version_id = "v/1",
                              .bucket = "dst",
                              .key = "copy",
                              .directive = s3::metadata_directive::replace,
                              .content = {.content_type = "application/json"},
                              .metadata = metadata,
                              .tagging = s3::tagging_directive::replace,
                              .tags = tags,
                              .source_conditions = {.if_none_match = "\"old\""}};
    sd::request_builder b;
    ASSERT_FALSE(sd::build_copy_object(r, b));
    EXPECT_EQ(b.header("x-amz-copy-source"), "src/dir/a%20b%2Bc?versionId=v%2F1");
    EXPECT_EQ(b.header("x-amz-metadata-directive"), "REPLACE");
    EXPECT_EQ(b.header("Content-Type"), "application/json");
    EXPECT_EQ(b.header("x-amz-meta-m"), "1");
    EXPECT_EQ(b.header("x-amz-tagging-directive"), "REPLACE");
    EXPECT_EQ(b.header("x-amz-tagging"), "t=v");
    EXPECT_EQ(b.header("x-amz-copy-source-if-none-match"), "\"old\"");

    sd::request_builder plain;
    ASSERT_FALSE(sd::build_copy_object({.source_bucket = "s", .source_key = "k", .bucket = "d", .key = "k"}, plain));
    EXPECT_EQ(plain.header("x-amz-metadata-directive"), "");
    EXPECT_EQ(plain.header("x-amz-copy-source"), "s/k");
}

TEST(S3Request, ListQueries) {
    sd::request_builder b;
    sd::build_list_objects({.bucket = "b", .prefix = "a+b/", .delimiter = "/", .max_keys = 10,
                            .continuation_token = "t/+="},
                           b);
    EXPECT_EQ(b.query, "list-type=2&encoding-type=url&prefix=a%2Bb%2F&delimiter=%2F&max-keys=10&"
                       "continuation-token=t%2F%2B%3D");
    sd::request_builder v;
    sd::build_list_object_versions({.bucket = "b", .key_marker = "k", .version_id_marker = "v"}, v);
    EXPECT_EQ(v.query, "versions&encoding-type=url&key-marker=k&version-id-marker=v");
    sd::request_builder u;
    sd::build_list_multipart_uploads({.bucket = "b", .max_uploads = 5}, u);
    EXPECT_EQ(u.query, "uploads&encoding-type=url&max-uploads=5");
    sd::request_builder p;
    sd::build_list_parts({.bucket = "b", .key = "k", .upload_id = "u+1", .part_number_marker = 3}, p);
    EXPECT_EQ(p.query, "uploadId=u%2B1&part-number-marker=3");
}

TEST(S3Request, UploadPartCopyRange) {
    sd::request_builder b;
    ASSERT_FALSE(sd::build_upload_part_copy({.source_bucket = "s", .source_key = "k",
                                             .source_range = s3::byte_range::between(0, 5242879),
                                             .bucket = "d", .key = "k2", .upload_id = "u", .part_number = 2},
                                            b));
    EXPECT_EQ(b.header("x-amz-copy-source-range"), "bytes=0-5242879");
    EXPECT_EQ(b.query, "partNumber=2&uploadId=u");
    sd::request_builder bad;
    EXPECT_TRUE(sd::build_upload_part_copy({.source_range = s3::byte_range::suffix(5), .part_number = 1}, bad));
    EXPECT_TRUE(sd::build_upload_part_copy({.part_number = 0}, bad));
    EXPECT_TRUE(sd::build_upload_part_copy({.part_number = 10001}, bad));
}

TEST(S3Response, ObjectInfoFromHeaders) {
    cirrus::http::response res;
    res.status = 206;
    res.headers.set("Content-Length", "100");
    res.headers.set("Content-Range", "bytes 0-99/1234");
    res.headers.set("ETag", "\"abc\"");
    res.headers.set("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
    res.headers.set("Content-Type", "text/plain");
    res.headers.set("X-Amz-Meta-Owner", "me");
    res.headers.set("x-amz-meta-trace", "42");
    res.headers.set("x-amz-version-id", "v1");
    res.headers.set("x-amz-tagging-count", "2");
    res.headers.set("x-amz-checksum-crc32c", "yZRlqg==");
    res.headers.set("x-amz-checksum-type", "FULL_OBJECT");
    res.headers.set("x-amz-server-side-encryption", "AES256");
    s3::object_info o;
    ASSERT_FALSE(sd::read_object_info(res, o));
    EXPECT_EQ(o.content_length, 100u);
    EXPECT_EQ(o.object_size, 1234u);
    EXPECT_EQ(o.etag, "\"abc\"");
    EXPECT_EQ(unix_seconds(o.last_modified), 784111777);
    EXPECT_EQ(o.content.content_type, "text/plain");
    EXPECT_EQ(o.metadata.at("owner"), "me");
    EXPECT_EQ(o.metadata.at("trace"), "42");
    EXPECT_EQ(o.version_id, "v1");
    EXPECT_EQ(o.tag_count, 2u);
    ASSERT_TRUE(o.checksum);
    EXPECT_EQ(o.checksum->algorithm, s3::checksum_algorithm::crc32c);
    EXPECT_EQ(o.checksum->type, "FULL_OBJECT");
    EXPECT_EQ(o.encryption.algorithm, "AES256");

    res.headers.set("Content-Length", "x1");
    EXPECT_EQ(sd::read_object_info(res, o), cirrus::errc::protocol_error);
}

// ============================================================================ requests are views

namespace cirrus_requests_are_views {
// Every S3 request can be a braced temporary inside co_await on g++ 12 (docs/async.md).
static_assert(std::is_trivially_destructible_v<s3::put_object_request>);
static_assert(std::is_trivially_destructible_v<s3::get_object_request>);
static_assert(std::is_trivially_destructible_v<s3::complete_multipart_upload_request>);
static_assert(std::is_trivially_destructible_v<s3::put_bucket_lifecycle_request>);
} // namespace cirrus_requests_are_views

TEST(S3Requests, TheOperationsCopyIsIndependentOfTheCallersStrings) {
    std::string bucket = "bucket-name", key(100, 'k');
    const s3::tag_set tags{{"t1", std::string(50, 'v')}, {"t2", "v2"}};
    s3::metadata_map metadata{{"owner", "me"}, {"long", std::string(40, 'y')}};
    std::string seen;
    int calls = 0;
    auto on_chunk = [&](std::span<const std::uint8_t> c) -> cirrus::error_code {
        seen.append(reinterpret_cast<const char*>(c.data()), c.size());
        ++calls;
        return {};
    };
    std::optional<cirrus::detail::owned_copy<s3::put_object_request>> copy;
    std::optional<cirrus::detail::owned_copy<s3::get_object_request>> get_copy;
    {
        const std::string path = "/tmp/some/file-name.bin";
        const s3::put_object_request r{.bucket = bucket,
                                       .key = key,
                                       .body = s3::object_body::file(path),
                                       .content = {.content_type = "text/plain"},
                                       .metadata = metadata,
                                       .tags = tags,
                                       .if_none_match = "*"};
        copy.emplace(r);
        const s3::get_object_request g{.bucket = bucket, .key = "k", .sink = s3::object_sink::handler(on_chunk)};
        get_copy.emplace(g);
    }
    bucket.assign(bucket.size(), 'X');
    key.assign(key.size(), 'X');
    metadata["owner"] = "someone else";
    const auto& c = copy->get();
    EXPECT_EQ(c.bucket, "bucket-name");
    EXPECT_EQ(c.key, std::string(100, 'k'));
    EXPECT_EQ(c.body.type(), s3::object_body::kind::path);
    EXPECT_EQ(c.body.path(), "/tmp/some/file-name.bin");
    EXPECT_EQ(c.content.content_type, "text/plain");
    ASSERT_EQ(c.tags.size(), 2u);
    EXPECT_EQ(c.tags[0].value, std::string(50, 'v'));
    std::map<std::string, std::string> md;
    c.metadata.for_each([&](std::string_view n, std::string_view v) { md.emplace(n, v); });
    EXPECT_EQ(md.at("owner"), "me");
    EXPECT_EQ(md.at("long"), std::string(40, 'y'));
    EXPECT_EQ(c.if_none_match, "*");
    // The sink's callable is an owning copy: it still calls the caller's function.
    const std::uint8_t bytes[] = {'a', 'b'};
    EXPECT_FALSE(get_copy->get().sink.on_chunk()(std::span<const std::uint8_t>(bytes)));
    EXPECT_EQ(seen, "ab");
    EXPECT_EQ(calls, 1);
}

namespace {
// Sets environment variables for one test and restores them afterwards.
class scoped_env {
public:
    scoped_env(std::initializer_list<std::pair<const char*, const char*>> vars) {
        for (auto [name, value] : vars) {
            const char* old = std::getenv(name);
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            if (value) ::setenv(name, value, 1);
            else ::unsetenv(name);
        }
    }
    ~scoped_env() {
        for (auto& [name, value] : saved_) {
            if (value) ::setenv(name.c_str(), value->c_str(), 1);
            else ::unsetenv(name.c_str());
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};
} // namespace

TEST(S3Providers, RegionAndEndpointFromTheEnvironmentLikeTheSdks) {
    namespace provider = cirrus::provider;
    {
        scoped_env env{{"AWS_REGION", "eu-central-1"}, {"AWS_DEFAULT_REGION", "us-west-2"},
                       {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7070"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:9999"},
                       {"AWS_ENDPOINT_URL_DYNAMODB", nullptr}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", nullptr},
                       {"AWS_CONFIG_FILE", "/nonexistent/config"}};
        const provider::config<provider::aws> cfg;
        EXPECT_EQ(cfg.resolved_region(), "eu-central-1");
        EXPECT_EQ(cfg.endpoint_url("s3"), "http://127.0.0.1:7070");
        EXPECT_EQ(cfg.endpoint_url("dynamodb"), "http://127.0.0.1:9999"); // the general variable
        EXPECT_EQ(cfg.signing_region("iam"), "us-east-1");
        const provider::config<provider::aws> explicit_cfg{.region = "ap-south-1", .endpoint = "http://10.1.1.1:1"};
        EXPECT_EQ(explicit_cfg.resolved_region(), "ap-south-1");
        EXPECT_EQ(explicit_cfg.endpoint_url("s3"), "http://10.1.1.1:1");
    }
    {
        scoped_env env{{"AWS_REGION", nullptr}, {"AWS_DEFAULT_REGION", "us-west-2"},
                       {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7070"}, {"AWS_ENDPOINT_URL", nullptr},
                       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}, {"AWS_CONFIG_FILE", "/nonexistent/config"}};
        const provider::config<provider::aws> cfg;
        EXPECT_EQ(cfg.resolved_region(), "us-west-2");
        EXPECT_EQ(cfg.endpoint_url("s3"), "https://s3.us-west-2.amazonaws.com");
        EXPECT_EQ(provider::config<provider::versitygw>{}.endpoint_url("s3"), "http://127.0.0.1:7070");
    }
    // The SDKs' service ids: "API Gateway" for the endpoint id apigateway.
    EXPECT_EQ(provider::endpoint_variable("dynamodb"), "AWS_ENDPOINT_URL_DYNAMODB");
    EXPECT_EQ(provider::endpoint_variable("apigateway"), "AWS_ENDPOINT_URL_API_GATEWAY");
}
