// Every snippet of docs/s3.md, compiled (examples.s3_docs_in_sync checks that each ```cpp
// block of the page appears here, line for line), and run against a local S3 server
// (examples.s3_tour): endpoint, region and keys from the environment the AWS SDKs read
// (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
//
//   s3_tour            runs the tour against the configured server, in a bucket of its own

#include <cirrus/provider/versitygw.hpp>
#include <cirrus/s3/s3.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace s3 = cirrus::s3;
using namespace std::chrono_literals;

namespace {

void use(const s3::object_summary& o) { std::printf("  %s (%llu bytes)\n", o.key.c_str(), static_cast<unsigned long long>(o.size)); }

// ------------------------------------------------------------------ first program
asio::awaitable<void> hello(std::string_view bucket_name) {
    s3::client<> client(co_await asio::this_coro::executor); // provider::aws, configured like the AWS SDKs
    co_await client.async_put_object({.bucket = bucket_name, .key = "hello.txt", .body = "hello"});
    auto object = co_await client.async_get_object({.bucket = bucket_name, .key = "hello.txt"});
    std::cout << object.body << '\n';
}

// ------------------------------------------------------------------ configuration
void configuration(asio::any_io_executor ex) {
s3::client_options options{
    .region = "us-east-1",                    // empty: AWS_REGION, the profile, the provider's default
    .endpoint = "http://127.0.0.1:7070",      // empty: AWS_ENDPOINT_URL_S3, then the provider's
    .path_style = true,                       // force an addressing style
    .credentials = cirrus::auth::any_credentials_provider(
        cirrus::auth::static_provider("AKID", "SECRET")), // default: environment, then files
    .http = {.timeouts = {.total = 30s}},
    .strict_bucket_names = true,              // check names before sending
    .upload_checksum = s3::checksum_algorithm::crc32c, // default checksum of uploads
};
s3::client<cirrus::provider::versitygw> local(ex, options);
s3::client<> aws(ex, {.region = "eu-west-1"}, cirrus::auth::credentials{"AKID", "SECRET", {}, {}});
}

// ------------------------------------------------------------------ errors
asio::awaitable<void> errors(s3::client<>& client, std::string_view b) {
cirrus::diagnostics diag;
auto [ec, obj] = co_await client.async_get_object({.bucket = b, .key = "missing"}, diag,
                                                  asio::as_tuple(asio::deferred));
if (ec == s3::errc::no_such_key) {
    // diag.service_code == "NoSuchKey", diag.http_status == 404,
    // diag.request_id / diag.host_id: what S3 logged it under
}
if (s3::is_not_found(ec)) { /* any "does not exist" code */ }
try {
    co_await client.async_head_object({.bucket = b, .key = "missing"});
} catch (const cirrus::error_with_diagnostics& e) {
    // e.code() and e.diagnostics(); also client.last_diagnostics()
}
}

// ------------------------------------------------------------------ buckets
asio::awaitable<void> buckets(s3::client<>& client) {
co_await client.async_create_bucket({.bucket = "logs", .region = "us-east-1"});   // LocationConstraint
auto head = co_await client.async_head_bucket({.bucket = "logs"});              // head.region
auto all = co_await client.async_list_buckets({});                              // all.buckets, all.owner
auto loc = co_await client.async_get_bucket_location({.bucket = "logs"});        // loc.region
co_await client.async_delete_bucket({.bucket = "logs", .empty_first = true});
// empty_first: every object, every version and delete marker (all_versions, default true)
// and every unfinished multipart upload first, DeleteObjects 1,000 at a time.
}

asio::awaitable<void> bucket_settings(s3::client<>& client) {
co_await client.async_put_bucket_versioning({.bucket = "site", .status = s3::versioning_status::enabled});
[[maybe_unused]] auto v = co_await client.async_get_bucket_versioning({.bucket = "site"}); // v.status

co_await client.async_put_bucket_policy({.bucket = "site", .policy = R"({"Version":"2012-10-17","Statement":[]})"});
auto p = co_await client.async_get_bucket_policy({.bucket = "site"});     // p.policy
co_await client.async_delete_bucket_policy({.bucket = "site"});

const std::vector<s3::cors_rule> cors_rules{{.allowed_methods = {"GET", "PUT"},
                                             .allowed_origins = {"https://example.com"},
                                             .allowed_headers = {"*"},
                                             .expose_headers = {"ETag"},
                                             .max_age_seconds = 3000}};
co_await client.async_put_bucket_cors({.bucket = "site", .rules = cors_rules});
auto cors = co_await client.async_get_bucket_cors({.bucket = "site"});    // cors.rules
co_await client.async_delete_bucket_cors({.bucket = "site"});

const std::vector<s3::lifecycle_rule> lifecycle_rules{
    {.id = "expire", .prefix = "tmp/", .expiration_days = 7, .abort_incomplete_multipart_upload_days = 1},
    {.id = "archive", .prefix = "old/", .transitions = {{.days = 30, .storage_class = "GLACIER"}}}};
co_await client.async_put_bucket_lifecycle({.bucket = "site", .rules = lifecycle_rules});
auto lc = co_await client.async_get_bucket_lifecycle({.bucket = "site"}); // lc.rules
co_await client.async_delete_bucket_lifecycle({.bucket = "site"});
}

// ------------------------------------------------------------------ objects
asio::awaitable<void> puts(s3::client<>& client, std::string_view b, std::string_view text) {
co_await client.async_put_object({.bucket = b, .key = "notes.txt", .body = text}); // the caller's memory
const s3::tag_set tags{{"project", "demo"}};
const s3::metadata_map metadata{{"camera", "front"}, {"place", "Zürich"}}; // x-amz-meta-*
co_await client.async_put_object({.bucket = b,
                                  .key = "video.mp4",
                                  .body = s3::object_body::file("/etc/hostname"), // read with pread, never whole
                                  .content = {.content_type = "video/mp4", .cache_control = "max-age=3600"},
                                  .metadata = metadata,
                                  .tags = tags,
                                  .storage_class = "STANDARD"});
std::array<std::uint8_t, 4096> block{};
int blocks = 16;
co_await client.async_put_object(
    {.bucket = b,
     .key = "generated.bin",
     .body = s3::object_body::generator(
         [&](std::span<std::uint8_t> out) -> cirrus::result<std::size_t> {
             if (blocks == 0) return std::size_t{0};
             --blocks;
             const std::size_t n = std::min(out.size(), block.size());
             std::copy_n(block.begin(), n, out.begin());
             return n;
         },
         std::uint64_t{16 * 4096} /* the size, or std::nullopt when unknown */)});
co_await client.async_put_object({.bucket = b, .key = "once", .body = "x", .if_none_match = "*"});
// a second time: s3::errc::precondition_failed
}

asio::awaitable<void> gets(s3::client<>& client, std::string_view b, std::string_view cached_etag) {
auto whole = co_await client.async_get_object({.bucket = b, .key = "notes.txt"});   // whole.body
auto first = co_await client.async_get_object({.bucket = b, .key = "notes.txt",
                                               .range = s3::byte_range::between(0, 1)});
// also byte_range::from(n) and byte_range::suffix(n); first.object_size is the whole size
auto [ec, fresh] = co_await client.async_get_object(
    {.bucket = b, .key = "notes.txt", .conditions = {.if_none_match = cached_etag}},
    asio::as_tuple(asio::deferred));
// ec == s3::errc::not_modified when unchanged
co_await client.async_get_object({.bucket = b, .key = "notes.txt", .sink = s3::object_sink::file("/tmp/notes.txt")});
std::vector<std::uint8_t> buffer(1 << 20);
auto into = co_await client.async_get_object({.bucket = b, .key = "notes.txt",
                                              .sink = s3::object_sink::memory(buffer)}); // into.bytes_received
std::size_t seen = 0;
co_await client.async_get_object(
    {.bucket = b,
     .key = "notes.txt",
     .sink = s3::object_sink::handler([&](std::span<const std::uint8_t> piece) {
         seen += piece.size();
         return cirrus::error_code{};
     })});
if (whole.checksum) std::cout << *whole.checksum << '\n'; // "CRC64NVME:... (FULL_OBJECT)"
}

asio::awaitable<void> more_objects(s3::client<>& client, std::string_view b) {
auto info = co_await client.async_head_object({.bucket = b, .key = "notes.txt"});
// info.content_length, etag, last_modified, content, metadata, storage_class, version_id,
// tag_count, checksum, encryption
auto gone = co_await client.async_delete_object({.bucket = b, .key = "once"}); // gone.delete_marker
std::vector<s3::object_identifier> doomed{{.key = "a"}, {.key = "b"}};     // any count: 1,000 per request
auto r = co_await client.async_delete_objects({.bucket = b, .objects = doomed}); // r.errors: per-key failures
const s3::metadata_map copied{{"copied", "yes"}};
co_await client.async_copy_object({.source_bucket = b, .source_key = "notes.txt", .bucket = b, .key = "copy.txt",
                                   .directive = s3::metadata_directive::replace,
                                   .content = {.content_type = "text/plain"},
                                   .metadata = copied});
[[maybe_unused]] auto moved = co_await client.async_rename_object({.bucket = b, .source_key = "copy.txt", .key = "moved.txt"});
// moved.native: one request on providers with a native rename, else copy + delete
const s3::tag_set stage{{"stage", "final"}};
co_await client.async_put_object_tagging({.bucket = b, .key = "notes.txt", .tags = stage});
auto t = co_await client.async_get_object_tagging({.bucket = b, .key = "notes.txt"}); // t.tags
co_await client.async_delete_object_tagging({.bucket = b, .key = "notes.txt"});
}

// ------------------------------------------------------------------ listing
asio::awaitable<void> listing(s3::client<>& client, std::string_view b) {
auto page = co_await client.async_list_objects({.bucket = b, .prefix = "", .delimiter = "/", .max_keys = 100});
// page.objects, page.common_prefixes, page.is_truncated, page.next_continuation_token

auto pages = client.list_objects_pages({.bucket = b});
while (!pages.done()) {
    auto p = co_await pages.async_next_page();
    for (const auto& o : p.objects) use(o);
}
auto objects = client.list_objects_pages({.bucket = b});
while (auto o = co_await objects.async_next()) use(*o);                 // one object at a time
co_await client.async_for_each_object({.bucket = b}, [](const s3::object_summary& o) { use(o); });

auto versions = client.list_object_versions_pages({.bucket = b});
while (auto v = co_await versions.async_next()) std::cout << v->key << ' ' << v->version_id << '\n';
auto uploads = client.list_multipart_uploads_pages({.bucket = b});
while (auto u = co_await uploads.async_next()) std::cout << u->key << ' ' << u->upload_id << '\n';
}

// ------------------------------------------------------------------ multipart
asio::awaitable<void> multipart(s3::client<>& client, std::string_view b, std::string_view big) {
auto up = co_await client.async_create_multipart_upload(
    {.bucket = b, .key = "big", .checksum_algorithm = s3::checksum_algorithm::crc32c});
std::vector<s3::completed_part> done;
const std::size_t part_size = 5 << 20;
for (int i = 1; (i - 1) * part_size < big.size(); ++i) {
    const auto piece = big.substr((i - 1) * part_size, part_size);
    auto part = co_await client.async_upload_part({.bucket = b, .key = "big", .upload_id = up.upload_id,
                                                   .part_number = i, .body = piece,
                                                   .checksum_algorithm = s3::checksum_algorithm::crc32c});
    done.push_back({.part_number = i, .etag = part.etag, .checksum = part.checksum});
}
auto listed = co_await client.async_list_parts({.bucket = b, .key = "big", .upload_id = up.upload_id});
co_await client.async_complete_multipart_upload(
    {.bucket = b, .key = "big", .upload_id = up.upload_id, .parts = done}); // sorted for you
// or: co_await client.async_abort_multipart_upload({.bucket = b, .key = "big", .upload_id = up.upload_id});
}

// ------------------------------------------------------------------ per-request settings
asio::awaitable<void> per_request(s3::client<>& client, std::string_view b) {
auto quick = co_await client.async_get_object({.bucket = b, .key = "notes.txt",
                                               .options = {.timeout = 2s, .max_attempts = 1}});
// past 2 s: cirrus::http::errc::total_timeout; no retry
}

// ------------------------------------------------------------------ presigning
asio::awaitable<void> presigning(s3::client<>& client, std::string_view b) {
auto get = client.presign_get_object({.bucket = std::string(b), .key = "notes.txt", .expires = 15min,
                                      .response_content_disposition = "attachment"});
// get->url: curl "$url", or in one call:
auto fetched = co_await client.http_client().async_get_url(get->url); // fetched.status, .body
auto put = client.presign_put_object({.bucket = std::string(b), .key = "upload.png", .content_type = "image/png",
                                      .metadata = {{"user", "42"}}});
// put->url and put->headers: the user agent sends exactly these headers
//   curl -X PUT -H 'Content-Type: image/png' -H 'x-amz-meta-user: 42' --data-binary @f.png "$url"
auto form = client.presign_post_object({.bucket = std::string(b), .key = "user/42/", .key_starts_with = true,
                                        .content_length_range = std::pair<std::uint64_t, std::uint64_t>{1, 10 << 20},
                                        .content_type = "image/png"});
// form->url, and form->fields to post as they are, then the file last:
//   curl -F key='user/42/${filename}' -F Content-Type=image/png -F x-amz-algorithm=...
//        -F x-amz-credential=... -F x-amz-date=... -F policy=... -F x-amz-signature=...
//        -F file=@cat.png "$url"                 # stored as user/42/cat.png
form->set_field("key", "user/42/avatar.png");   // or choose the key (still one `key` field)
}

} // namespace

int main() {
    asio::io_context ioc;
    const std::string bucket = "cirrus-s3-tour";
    bool failed = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            s3::client<> client(co_await asio::this_coro::executor);
            // A run that stopped half way leaves its bucket behind: take it over and empty it.
            cirrus::diagnostics diag;
            auto [created, result] = co_await client.async_create_bucket({.bucket = bucket}, diag,
                                                                         asio::as_tuple(asio::deferred));
            if (created == s3::errc::bucket_already_owned_by_you) {
                co_await client.async_delete_bucket({.bucket = bucket, .empty_first = true});
                co_await client.async_create_bucket({.bucket = bucket});
            } else if (created) {
                throw cirrus::error_with_diagnostics(created, diag);
            }
            co_await hello(bucket);
            co_await errors(client, bucket);
            co_await puts(client, bucket, "some notes");
            auto head = co_await client.async_head_object({.bucket = bucket, .key = "notes.txt"});
            co_await gets(client, bucket, head.etag);
            co_await more_objects(client, bucket);
            co_await listing(client, bucket);
            co_await multipart(client, bucket, std::string((5 << 20) + 10, 'm'));
            co_await per_request(client, bucket);
            co_await presigning(client, bucket);
            co_await client.async_delete_bucket({.bucket = bucket, .empty_first = true});
            std::printf("tour done\n");
        },
        [&](std::exception_ptr e) {
            if (!e) return;
            failed = true;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "s3_tour: %s\n", ex.what());
            }
        });
    ioc.run();
    (void)&configuration;
    (void)&buckets;
    (void)&bucket_settings;
    return failed ? 1 : 0;
}
