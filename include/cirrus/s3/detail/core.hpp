#pragma once
// What every S3 operation shares: the resolved endpoint and addressing, credentials, the
// HTTP client, and one exchange (a request_builder turned into a signed request, sent, and
// its failure turned into an S3 error). Upload bodies (memory, files, streams; checksums
// in a header or an aws-chunked trailer; Content-MD5) and download sinks (memory, files,
// handlers; checksum verification) are prepared here too.

#include <cirrus/auth/provider.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/detail/exchange_pool.hpp>
#include <cirrus/core/detail/file_io.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/http/error_envelope.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/s3/detail/request.hpp>
#include <cirrus/s3/errors.hpp>
#include <cirrus/s3/model.hpp>
#include <cirrus/s3/options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::s3 {

namespace detail {

namespace asio = boost::asio;
using task = asio::awaitable<error_code>;

using cirrus::detail::unique_fd;

inline error_code errno_error(diagnostics& diag, std::string_view what, int e = errno) {
    diag.clear();
    diag.message = std::string(what);
    diag.message += ": ";
    diag.message += std::generic_category().message(e);
    return error_code(e, boost::system::generic_category());
}

// True for endpoints that cannot carry a bucket label (IP literals, localhost).
inline bool is_address_like(std::string_view host) noexcept {
    if (host == "localhost" || host.find(':') != std::string_view::npos) return true;
    for (char c : host)
        if (!((c >= '0' && c <= '9') || c == '.')) return false;
    return true;
}

// Everything one HTTP exchange refers to, kept alive in the operation's frame.
struct exchange {
    request_builder b;
    http::request_body body = {};
    http::response_sink sink = {};
    http::payload_signing payload = http::payload_signing::automatic;
    std::string_view payload_hash = {};
    std::optional<crypto::checksum_algorithm> trailer_checksum = {}; // sent as an aws-chunked trailer
    request_options options = {};                                    // the request's timeout and attempts
    http::response res;

    auth::credentials_ptr creds; // the provider's snapshot, shared, not copied
    std::string path;
    std::string host;
    std::string host_header;
    std::vector<http::header> views;

    // Back to a fresh exchange, keeping the storage of strings, vectors and the response's
    // header map (but not of bodies past max_kept_body, so a large listing or download does
    // not stay pinned in a pooled exchange).
    static constexpr std::size_t max_kept_body = 256 * 1024;
    void clear() noexcept {
        b.clear();
        if (b.body.capacity() > max_kept_body) std::string().swap(b.body);
        body = {};
        sink = {};
        payload = http::payload_signing::automatic;
        payload_hash = {};
        trailer_checksum.reset();
        options = {};
        res.clear();
        if (res.body.capacity() > max_kept_body) std::string().swap(res.body);
        creds.reset();
        path.clear();
        host.clear();
        host_header.clear();
        views.clear();
    }
};

// Exchanges kept for reuse by later operations of the same client (core/detail/exchange_pool.hpp).
using exchange_pool = cirrus::detail::exchange_pool<exchange>;

// The source of an upload, with what the client opened for it.
struct upload_source {
    unique_fd owned;
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    bool length_known = true;
    std::span<const std::uint8_t> memory;
};

class core {
public:
    core(asio::any_io_executor ex, client_options opts, http::endpoint ep, bool virtual_hosted,
         std::string signing_region, provider::features features)
        : executor(ex), options(std::move(opts)), http(ex, options.http), endpoint(std::move(ep)),
          virtual_hosted(virtual_hosted), signing_region(std::move(signing_region)), features(features),
          credentials(auth::provider_or_default(options.credentials)),
          sigv4a_region_set(choose_region_set(options.sigv4a_region_set, endpoint.host())) {}

    // The region set requests are signed for with SigV4a; empty for SigV4.
    static std::string choose_region_set(const std::string& configured, std::string_view host) {
        if (!configured.empty()) return configured;
        constexpr std::string_view mrap_domain = ".accesspoint.s3-global.amazonaws.com";
        if (host.size() > mrap_domain.size() && host.ends_with(mrap_domain)) return "*";
        return {};
    }

    asio::any_io_executor executor;
    client_options options;
    http::client http;
    http::endpoint endpoint;
    bool virtual_hosted;
    std::string signing_region;
    provider::features features;
    auth::any_credentials_provider credentials;
    std::string sigv4a_region_set; // non-empty: requests are signed with SigV4a
    diagnostics last_diagnostics;  // of the last failed operation started without its own
    exchange_pool exchanges;

    // An exchange for one operation, cleared and returned to the pool when the lease ends.
    exchange_pool::lease acquire_exchange() { return exchanges.acquire(); }

    // What core/detail/request_op.hpp asks of a client's state.
    friend asio::any_io_executor executor_of(const core& c) noexcept { return c.executor; }
    friend const client_options& options_of(const core& c) noexcept { return c.options; }
    friend const http::endpoint& endpoint_of(const core& c) noexcept { return c.endpoint; }
    friend diagnostics& last_diagnostics_of(core& c) noexcept { return c.last_diagnostics; }

    // Request fields that need a provider feature, checked before anything is sent.
    struct feature_use {
        canned_acl acl = canned_acl::none;
        bool tags = false;
        std::optional<crypto::checksum_algorithm> checksum = {};
        bool conditional_write = false;
        bool object_lock = false;
    };
    error_code check_features(const feature_use& u, diagnostics& diag) const {
        std::string_view missing;
        if (u.acl != canned_acl::none && !features.acls) missing = "canned ACLs";
        else if (u.tags && !features.tagging) missing = "object tags";
        else if (u.checksum && !features.checksums.contains(*u.checksum)) missing = "this checksum algorithm";
        else if (u.conditional_write && !features.conditional_writes) missing = "conditional writes";
        else if (u.object_lock && !features.object_lock) missing = "object lock";
        if (missing.empty()) return {};
        diag.clear();
        diag.message = "the provider does not support ";
        diag.message += missing;
        return make_error_code(cirrus::errc::unsupported);
    }

    // The provider's current snapshot for one request (refreshed ahead of expiry, one
    // refresh at a time, by the caching provider).
    asio::awaitable<error_code> get_credentials(auth::credentials_ptr& out, diagnostics& diag) const {
        const auto now = std::chrono::system_clock::now();
        auto r = co_await credentials.async_get_shared(now, diag);
        if (!r) co_return r.error();
        out = std::move(*r);
        co_return error_code();
    }

    // For the synchronous operations (presigning): a caching provider's remembered
    // credentials, or a synchronous provider asked in place.
    error_code get_credentials(auth::credentials& out, diagnostics& diag) const {
        auto r = credentials.get(std::chrono::system_clock::now(), diag);
        if (!r) return r.error();
        out = std::move(*r);
        return {};
    }

    bool use_virtual_host(std::string_view bucket) const noexcept {
        if (bucket.empty() || !virtual_hosted || !is_valid_bucket_name(bucket)) return false;
        return !(endpoint.scheme() == http::scheme::https && bucket.find('.') != std::string_view::npos);
    }

    // The URL of the bucket (and key): "https://bucket.s3.../key" or "http://host/bucket/key".
    std::string object_url(std::string_view bucket, std::string_view key) const {
        const bool vh = use_virtual_host(bucket);
        std::string url = endpoint.scheme() == http::scheme::https ? "https://" : "http://";
        if (vh) {
            url += bucket;
            url += '.';
        }
        url += endpoint.host_header();
        url += object_path(bucket, key, vh);
        return url;
    }

    // A key the provider stores as given (detail::check_key).
    error_code check_object_key(std::string_view key, diagnostics& diag) const {
        return check_key(key, features.dot_segment_keys, diag);
    }

    // SSE-C keys travel only over TLS (client_options::allow_customer_key_over_http).
    error_code check_customer_key_transport(const request_builder& b, diagnostics& diag) const {
        if (endpoint.scheme() == http::scheme::https || options.allow_customer_key_over_http) return {};
        for (const auto& [name, value] : b.headers) {
            if (!is_customer_key_header(name)) continue;
            diag.clear();
            diag.message = "an SSE-C key is sent only over https:// (the endpoint is http://); "
                           "client_options::allow_customer_key_over_http allows it for a local test server";
            return make_error_code(errc::customer_key_needs_tls);
        }
        return {};
    }

    // Validates names, signs and sends the exchange; failures come back as S3 errors with
    // the diagnostics the server gave.
    asio::awaitable<error_code> send(exchange& x, diagnostics& diag, resource target) {
        if (!x.b.bucket.empty()) {
            if (auto ec = check_bucket(x.b.bucket, options.strict_bucket_names, diag)) co_return ec;
        }
        if (target == resource::object || target == resource::upload) {
            if (auto ec = check_object_key(x.b.key, diag)) co_return ec;
        }
        if (auto ec = check_customer_key_transport(x.b, diag)) co_return ec;
        x.creds = credentials.peek_shared(std::chrono::system_clock::now()); // at hand: no coroutine
        if (!x.creds) {
            if (auto ec = co_await get_credentials(x.creds, diag)) co_return ec;
        }
        const bool vh = use_virtual_host(x.b.bucket);
        object_path_to(x.b.bucket, x.b.key, vh, x.path);
        http::endpoint_view ep = endpoint.view();
        if (vh) {
            x.host.assign(x.b.bucket).append(".").append(endpoint.host());
            x.host_header.assign(x.b.bucket).append(".").append(endpoint.host_header());
            ep.host = x.host;
            ep.host_header = x.host_header;
        }
        x.views.clear();
        x.views.reserve(x.b.headers.size());
        for (const auto& [n, v] : x.b.headers) x.views.push_back({n, v});
        if (x.body.type() == http::request_body::kind::none && !x.b.body.empty())
            x.body = http::request_body::memory(x.b.body);

        const http::request req{.endpoint = ep,
                                .method = x.b.method,
                                .path = x.path,
                                .query = x.b.query,
                                .headers = x.views,
                                .body = x.body,
                                .sink = x.sink,
                                .signing = {.credentials = x.creds.get(),
                                            .region = signing_region,
                                            .service = "s3",
                                            .rules = auth::sigv4::uri_rules::s3,
                                            .payload = x.payload != http::payload_signing::automatic
                                                           ? x.payload
                                                           : x.options.payload,
                                            .payload_hash = x.payload_hash,
                                            .content_sha256_header = true,
                                            .chunk_size = options.chunk_size,
                                            .trailer_checksum = x.trailer_checksum,
                                            .region_set = sigv4a_region_set},
                                .total_timeout = x.options.timeout,
                                .max_attempts = x.options.max_attempts,
                                .io_buffer_size = x.options.io_buffer_size};
        const error_code ec = co_await http::detail::run_request(http.state(), req, x.res);
        if (ec) {
            diag = x.res.diag;
            if (diag.http_status == 0) diag.http_status = x.res.status;
            co_return to_s3_error(ec, diag, target);
        }
        co_return ec;
    }

    // S3 answers some failures of CopyObject, UploadPartCopy and CompleteMultipartUpload
    // with 200 and an <Error> document.
    static error_code check_error_document(const exchange& x, diagnostics& diag, resource target) {
        if (!http::is_error_document(x.res.body)) return {};
        std::string_view request_id = x.res.header("x-amz-request-id");
        const error_code ec = http::parse_error_response({.status = x.res.status,
                                                          .body = x.res.body,
                                                          .request_id = request_id,
                                                          .host_id = x.res.header("x-amz-id-2")},
                                                         diag);
        return to_s3_error(ec, diag, target);
    }

    // -------------------------------------------------------------------- upload bodies

    // Sets x.body (and the checksum, MD5 and aws-chunked headers) for an upload.
    error_code prepare_upload(const object_body& body, std::optional<crypto::checksum_algorithm> algorithm,
                              checksum_location where, std::string_view precomputed, bool content_md5,
                              upload_source& src, exchange& x, diagnostics& diag) const {
        if (!algorithm) algorithm = options.upload_checksum;
        if (auto ec = check_features({.checksum = algorithm}, diag)) return ec;
        switch (body.type()) {
        case object_body::kind::none: src.length = 0; break;
        case object_body::kind::memory:
            src.memory = body.memory_bytes();
            src.length = src.memory.size();
            break;
        case object_body::kind::path: {
            src.owned.reset(::open(std::string(body.path()).c_str(), O_RDONLY | O_CLOEXEC));
            if (!src.owned) return errno_error(diag, "cannot open the file to upload");
            src.fd = src.owned.get();
            [[fallthrough]];
        }
        case object_body::kind::file: {
            if (src.fd < 0) src.fd = body.fd();
            src.offset = body.file_offset();
            if (!body.size()) {
                struct stat st {};
                if (::fstat(src.fd, &st) != 0) return errno_error(diag, "cannot stat the file to upload");
                const auto size = static_cast<std::uint64_t>(st.st_size);
                if (src.offset > size) return make_error_code(cirrus::errc::invalid_argument);
                src.length = size - src.offset;
            } else {
                src.length = *body.size();
            }
            break;
        }
        case object_body::kind::generator:
            src.length_known = body.size().has_value();
            src.length = body.size().value_or(0);
            break;
        }

        const bool is_stream = body.type() == object_body::kind::generator;
        const bool is_file = body.type() == object_body::kind::path || body.type() == object_body::kind::file;
        const bool want_checksum = algorithm.has_value() && precomputed.empty();
        // automatic: a trailer for streams, and for files over 1 MiB whose payload goes
        // unsigned (over TLS, or asked for), so the file is read once, unless the provider
        // reads aws-chunked bodies slowly (features.prefer_trailers); a header otherwise.
        // A small file is read twice from the page cache for next to nothing, and a plain
        // body costs the server less than aws-chunked framing with a trailer (versitygw:
        // about 10% less CPU per 64 KiB PUT, benchmarks/transfer).
        constexpr std::uint64_t header_checksum_up_to = std::uint64_t{1} << 20;
        const bool unsigned_file = is_file && src.length > header_checksum_up_to && features.prefer_trailers &&
                                   (x.options.payload == http::payload_signing::unsigned_payload ||
                                    (x.options.payload == http::payload_signing::automatic &&
                                     endpoint.scheme() == http::scheme::https));
        bool trailer = want_checksum && (where == checksum_location::trailer ||
                                         (where == checksum_location::automatic && (is_stream || unsigned_file)));
        if (trailer && !src.length_known) {
            diag.message = "a checksum trailer needs the stream's size";
            return make_error_code(cirrus::errc::invalid_argument);
        }
        if (content_md5 && (is_stream || trailer)) {
            diag.message = "Content-MD5 needs a memory or file body sent without a trailer";
            return make_error_code(cirrus::errc::invalid_argument);
        }

        if (algorithm && !precomputed.empty()) {
            x.b.add_header(std::string(crypto::checksum_header_name(*algorithm)), std::string(precomputed));
            x.b.add_header("x-amz-sdk-checksum-algorithm", std::string(crypto::algorithm_name(*algorithm)));
        }

        // One pass for the header checksum and/or Content-MD5.
        if ((want_checksum && !trailer) || content_md5) {
            std::optional<crypto::checksum_hasher> hasher;
            if (want_checksum && !trailer) hasher.emplace(*algorithm);
            std::optional<crypto::md5_hasher> md5;
            if (content_md5) md5.emplace();
            auto feed = [&](const std::uint8_t* p, std::size_t n) {
                if (hasher) hasher->update(p, n);
                if (md5) md5->update(p, n);
            };
            if (body.type() == object_body::kind::memory) {
                feed(src.memory.data(), src.memory.size());
            } else if (is_file) {
                const auto ec = cirrus::detail::read_blocks(src.fd, src.offset, src.length, 256 * 1024, feed);
                if (ec == boost::system::errc::io_error) return make_error_code(http::errc::body_source_failed);
                if (ec) return errno_error(diag, "cannot read the file to upload", ec.value());
            } else if (is_stream) {
                if (!body.rewind()) {
                    diag.message = "a checksum header over a stream needs a rewind function";
                    return make_error_code(cirrus::errc::invalid_argument);
                }
                std::vector<std::uint8_t> buf(64 * 1024);
                for (;;) {
                    auto r = body.fill()(buf);
                    if (!r) return r.error();
                    if (*r == 0) break;
                    feed(buf.data(), *r);
                }
                if (!body.rewind()()) return make_error_code(http::errc::body_not_replayable);
            }
            if (hasher) {
                x.b.add_header(std::string(crypto::checksum_header_name(*algorithm)), hasher->finish().str());
                x.b.add_header("x-amz-sdk-checksum-algorithm", std::string(crypto::algorithm_name(*algorithm)));
            }
            if (md5) {
                const auto digest = md5->finish();
                x.b.add_header("Content-MD5", base64::encode(std::span<const std::uint8_t>(digest)));
            }
        }

        if (trailer) {
            // The transport frames the body as aws-chunked and computes the checksum while
            // it sends it (signed chunks and trailer over plain HTTP, unsigned over TLS).
            x.trailer_checksum = *algorithm;
            if (!features.signed_trailers) x.payload = http::payload_signing::unsigned_payload;
            x.b.add_header("x-amz-sdk-checksum-algorithm", std::string(crypto::algorithm_name(*algorithm)));
        }

        switch (body.type()) {
        case object_body::kind::none: x.body = http::request_body::memory(std::string_view{}); break;
        case object_body::kind::memory: x.body = http::request_body::memory(src.memory); break;
        case object_body::kind::path:
        case object_body::kind::file: x.body = http::request_body::file(src.fd, src.offset, src.length); break;
        case object_body::kind::generator:
            x.body = http::request_body::generator(body.fill(),
                                                   src.length_known ? std::optional<std::uint64_t>(src.length)
                                                                    : std::nullopt,
                                                   body.rewind());
            break;
        }
        return {};
    }
};

// ---------------------------------------------------------------------------- downloads

// Hashes a download on the way for the CRC algorithms (cheap enough to run all three,
// since the algorithm is only known from the response headers).
struct crc_set {
    crypto::checksum_hasher crc32{crypto::checksum_algorithm::crc32};
    crypto::checksum_hasher crc32c{crypto::checksum_algorithm::crc32c};
    crypto::checksum_hasher crc64{crypto::checksum_algorithm::crc64nvme};
    void update(std::span<const std::uint8_t> d) {
        crc32.update(d);
        crc32c.update(d);
        crc64.update(d);
    }
    void reset() { *this = crc_set{}; }
    std::optional<crypto::checksum_value> finish(crypto::checksum_algorithm a) {
        switch (a) {
        case crypto::checksum_algorithm::crc32: return crc32.finish();
        case crypto::checksum_algorithm::crc32c: return crc32c.finish();
        case crypto::checksum_algorithm::crc64nvme: return crc64.finish();
        default: return std::nullopt;
        }
    }
};

// What a download writes through, kept in the operation's frame (the transport's sink
// views the callables below, so the target never moves).
//
// A file named by path is written to a temporary file in the same directory, created at
// the first byte of a successful response, and renamed over the name only by commit()
// (after the whole body arrived and its checksum matched). A failure, a not-modified
// answer or a cancellation removes the temporary file and leaves an existing file alone.
struct download_target {
    download_target() = default;
    download_target(const download_target&) = delete;
    download_target& operator=(const download_target&) = delete;
    ~download_target() { discard(); }

    unique_fd owned;       // the temporary file (object_sink::file(path))
    std::string path;      // the name it becomes
    std::string temp_path; // while it is written
    std::uint64_t written = 0;
    error_code io_error;         // creating, writing or truncating the file failed
    std::optional<crc_set> crcs; // handler sinks
    object_sink::chunk_function user_chunk;
    object_sink::restart_function user_restart;

    error_code open_temporary() {
        if (owned) return {};
        std::string name = path + ".cirrus-XXXXXX";
        const int fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd < 0) return io_error = error_code(errno, boost::system::generic_category());
        owned.reset(fd);
        temp_path = std::move(name);
        ::fchmod(fd, 0644 & ~current_umask());
        return {};
    }

    // Moves the finished temporary file over `path`.
    error_code commit() {
        if (auto ec = open_temporary()) return ec; // an empty object is an empty file
        if (::rename(temp_path.c_str(), path.c_str()) != 0)
            return io_error = error_code(errno, boost::system::generic_category());
        temp_path.clear();
        return {};
    }

    void discard() noexcept {
        owned.reset();
        if (!temp_path.empty()) ::unlink(temp_path.c_str());
        temp_path.clear();
    }

    error_code write_file(std::span<const std::uint8_t> chunk) {
        if (auto ec = open_temporary()) return ec;
        if (auto ec = cirrus::detail::pwrite_full(owned.get(), chunk, written)) return io_error = ec;
        written += chunk.size();
        return {};
    }
    void restart_file() {
        if (owned && ::ftruncate(owned.get(), 0) != 0) io_error = error_code(errno, boost::system::generic_category());
        written = 0;
    }
    error_code forward_chunk(std::span<const std::uint8_t> chunk) {
        if (crcs) crcs->update(chunk);
        written += chunk.size();
        return user_chunk(chunk);
    }
    void forward_restart() {
        if (crcs) crcs->reset();
        written = 0;
        user_restart();
    }

    // The callables the transport's sink refers to.
    struct file_writer {
        download_target* t;
        error_code operator()(std::span<const std::uint8_t> chunk) const {
            if (t->io_error) return t->io_error;
            return t->write_file(chunk);
        }
    } file_chunk{this};
    struct file_restarter {
        download_target* t;
        void operator()() const { t->restart_file(); }
    } file_restart{this};
    struct forwarder {
        download_target* t;
        error_code operator()(std::span<const std::uint8_t> chunk) const { return t->forward_chunk(chunk); }
    } handler_chunk{this};
    struct restarter {
        download_target* t;
        void operator()() const { t->forward_restart(); }
    } handler_restart{this};

private:
    static mode_t current_umask() noexcept {
        const mode_t m = ::umask(0);
        ::umask(m);
        return m;
    }
};

// The HTTP sink for an object sink. A handler's data is gone by the time the checksum
// headers can be compared, so it is hashed on the way (every CRC the server may announce)
// when `verifiable`: a GET of the whole object with checksum mode on; not for a range or a
// part, whose checksum is never checked here.
inline http::response_sink make_sink(const object_sink& s, download_target& t, std::span<std::uint8_t>& memory_out,
                                     bool verifiable) {
    switch (s.type()) {
    case object_sink::kind::collect: return {};
    case object_sink::kind::discard: return http::response_sink::discard();
    case object_sink::kind::memory: memory_out = s.memory_out(); return s;
    case object_sink::kind::file: return s;
    case object_sink::kind::path:
        t.path = std::string(s.path());
        return http::response_sink::handler(t.file_chunk, t.file_restart);
    case object_sink::kind::handler:
        if (verifiable) t.crcs.emplace();
        t.user_chunk = s.on_chunk();
        t.user_restart = s.restart();
        if (s.restart()) return http::response_sink::handler(t.handler_chunk, t.handler_restart);
        return http::response_sink::handler(t.handler_chunk);
    }
    return {};
}

// The checksum of `length` bytes of a file from `offset`.
inline result<crypto::checksum_value> checksum_of_file(int fd, std::uint64_t offset, std::uint64_t length,
                                                       crypto::checksum_algorithm a) {
    crypto::checksum_hasher h(a);
    if (auto ec = cirrus::detail::read_blocks(fd, offset, length, 256 * 1024,
                                              [&](const std::uint8_t* p, std::size_t n) { h.update(p, n); }))
        return ec;
    return h.finish();
}

// A checksum S3 computed over the whole object (not a checksum of part checksums).
inline bool is_full_object_checksum(const checksum& c) noexcept {
    if (c.type == "COMPOSITE") return false;
    const auto dash = c.value.rfind('-');
    return dash == std::string::npos;
}

} // namespace detail
} // namespace cirrus::s3
