#pragma once
// One request/response exchange on one connection: sign, write the head and the body
// (memory gathered with the head; files and generators through a bounded scratch buffer;
// identity, chunked or aws-chunked framing, with or without chunk signatures and a checksum
// trailer; 100-continue), then read the response into the sink, or, for a failure status,
// read the error envelope.

#include <cirrus/auth/sigv4/chunked.hpp>
#include <cirrus/auth/sigv4/signer.hpp>
#include <cirrus/core/ascii.hpp>
#include <cirrus/core/detail/file_io.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/sha256.hpp>
#include <cirrus/http/date.hpp>
#include <cirrus/http/detail/pool.hpp>
#include <cirrus/http/detail/response_parser.hpp>
#include <cirrus/http/error_envelope.hpp>
#include <cirrus/http/message.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

namespace cirrus::http::detail {

namespace bhttp = boost::beast::http;

enum class framing { identity, chunked, aws_chunked };

// What a request needs on every attempt, worked out once.
struct request_plan {
    bool sign = false;
    framing frame = framing::identity;
    bool chunk_signatures = false;                     // aws-chunked: a signature per chunk (and on the trailer)
    std::optional<crypto::checksum_algorithm> trailer; // aws-chunked: a checksum trailer
    // aws-chunked: "aws-chunked", then the request's own Content-Encoding values, if any
    std::string_view content_encoding = "aws-chunked";
    std::string content_encoding_storage;
    std::string_view payload_hash; // what the signature covers
    std::array<char, 64> hash_storage{};
    std::uint64_t decoded_length = 0; // body bytes (known-size bodies)
    std::uint64_t content_length = 0; // bytes on the wire (identity and aws-chunked)
    bool has_content_length = false;
    std::array<char, 24> decoded_length_text{};
    std::string_view decoded_length_view;
    bool expect_continue = false;
    bool replayable = true;
    std::string_view host_header;
    std::string host_header_storage;
    std::size_t chunk_size = 64 * 1024;
};

// What one attempt did, for the retry decision and the observer.
struct attempt_result {
    bool response_started = false; // a response byte arrived
    bool body_consumed = false;    // the body source was read (matters for generators)
    bool reusable = false;         // the connection may serve another request
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::chrono::system_clock::time_point signed_at{};
    std::array<char, 16> amz_date{};
    crypto::checksum_value trailer_checksum; // what the trailer carried, once it was written
};

// Appends into a fixed array sized for the longest chunk frame.
struct buffer_ref_writer {
    char* out;
    std::size_t size = 0;
    void append(std::string_view s) noexcept {
        std::memcpy(out + size, s.data(), s.size());
        size += s.size();
    }
};

using ascii::iequals;

// With aws-chunked framing the request's own Content-Encoding goes out folded into the
// transport's one ("aws-chunked,gzip"), not as a header of its own.
inline bool folded_into_framing(const request_plan& plan, std::string_view name) noexcept {
    return plan.frame == framing::aws_chunked && iequals(name, "content-encoding");
}

inline bool valid_target_part(std::string_view s) noexcept {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '#') return false;
    }
    return true;
}

template <class Buffer>
void append_number(Buffer& out, std::uint64_t n) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, n);
    out.append(std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
}

// Writes the request head. Header names must be tokens and values free of CR, LF and NUL;
// framing headers belong to the transport.
inline error_code build_head(buffer& h, const request& req, const request_plan& plan,
                             const auth::sigv4::signature_headers& sig, std::string_view user_agent,
                             std::string_view region_set = {}) {
    if (req.path.empty() || req.path.front() != '/' || !valid_target_part(req.path) || !valid_target_part(req.query))
        return make_error_code(cirrus::errc::invalid_argument);
    h.clear();
    h.append(bhttp::to_string(req.method));
    h.push_back(' ');
    h.append(req.path);
    if (!req.query.empty()) {
        h.push_back('?');
        h.append(req.query);
    }
    h.append(" HTTP/1.1\r\nHost: ");
    h.append(plan.host_header);
    h.append("\r\n");
    bool has_user_agent = false;
    for (const auto& f : req.headers) {
        if (f.name.empty()) return make_error_code(cirrus::errc::invalid_header_name);
        for (char c : f.name)
            if (!ascii::is_tchar(c)) return make_error_code(cirrus::errc::invalid_header_name);
        for (char c : f.value)
            if (c == '\r' || c == '\n' || c == '\0') return make_error_code(cirrus::errc::invalid_header_value);
        if (iequals(f.name, "host")) continue;
        if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") || iequals(f.name, "expect") ||
            iequals(f.name, "connection"))
            return make_error_code(cirrus::errc::invalid_argument);
        if (iequals(f.name, "user-agent")) has_user_agent = true;
        if (folded_into_framing(plan, f.name)) continue;
        h.append(f.name);
        h.append(": ");
        h.append(f.value);
        h.append("\r\n");
    }
    if (plan.frame == framing::aws_chunked) {
        h.append("Content-Encoding: ");
        h.append(plan.content_encoding);
        h.append("\r\nx-amz-decoded-content-length: ");
        h.append(plan.decoded_length_view);
        h.append("\r\n");
        if (plan.trailer) {
            h.append("x-amz-trailer: ");
            h.append(crypto::checksum_header_name(*plan.trailer));
            h.append("\r\n");
        }
        if (sig.authorization.empty() && req.signing.content_sha256_header) {
            // An unsigned request still tells the server how the body is framed.
            h.append("X-Amz-Content-Sha256: ");
            h.append(plan.payload_hash);
            h.append("\r\n");
        }
    }
    if (!sig.authorization.empty()) {
        h.append("X-Amz-Date: ");
        h.append(sig.amz_date);
        h.append("\r\n");
        if (!region_set.empty()) {
            h.append("X-Amz-Region-Set: ");
            h.append(region_set);
            h.append("\r\n");
        }
        if (!sig.content_sha256.empty()) {
            h.append("X-Amz-Content-Sha256: ");
            h.append(sig.content_sha256);
            h.append("\r\n");
        }
        if (!sig.security_token.empty()) {
            h.append("X-Amz-Security-Token: ");
            h.append(sig.security_token);
            h.append("\r\n");
        }
        h.append("Authorization: ");
        h.append(sig.authorization);
        h.append("\r\n");
    }
    if (plan.frame == framing::chunked) {
        h.append("Transfer-Encoding: chunked\r\n");
    } else if (plan.has_content_length) {
        h.append("Content-Length: ");
        append_number(h, plan.content_length);
        h.append("\r\n");
    }
    if (plan.expect_continue) h.append("Expect: 100-continue\r\n");
    if (!has_user_agent && !user_agent.empty()) {
        h.append("User-Agent: ");
        h.append(user_agent);
        h.append("\r\n");
    }
    h.append("\r\n");
    return {};
}

// pread until `size` bytes or an error; a file that ends early is an error.
inline error_code pread_full(int fd, std::uint8_t* out, std::size_t size, std::uint64_t offset) {
    if (cirrus::detail::pread_full(fd, std::span(out, size), offset)) return make_error_code(errc::body_source_failed);
    return {};
}

inline error_code pwrite_full(int fd, const std::uint8_t* data, std::size_t size, std::uint64_t offset) {
    if (cirrus::detail::pwrite_full(fd, std::span(data, size), offset)) return make_error_code(errc::body_sink_failed);
    return {};
}

// Fills up to `want` bytes from a generator, calling it until full or ended.
inline error_code fill_from_generator(const request_body& b, std::uint8_t* out, std::size_t want, std::size_t& got) {
    got = 0;
    while (got < want) {
        auto r = b.fill()(std::span<std::uint8_t>(out + got, want - got));
        if (!r) return r.error() ? r.error() : make_error_code(errc::body_source_failed);
        if (*r > want - got) return make_error_code(errc::body_source_failed);
        if (*r == 0) break;
        got += *r;
    }
    return {};
}

// Maps what the socket or parser said into the transport's vocabulary.
inline error_code map_io_error(error_code ec, const stream& io, bool response_started) {
    if (io.timed_out())
        return make_error_code(clock::now() >= io.deadline() ? errc::total_timeout : errc::inactivity_timeout);
    if (ec == bhttp::error::partial_message) return make_error_code(cirrus::errc::truncated);
    // A TLS peer that closes without close_notify reads as stream_truncated.
    const bool closed = ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                        ec == asio::ssl::error::stream_truncated;
    if (!response_started && (closed || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                              ec == asio::error::connection_aborted))
        return make_error_code(errc::connection_closed);
    if (closed) return make_error_code(cirrus::errc::truncated);
    return ec; // malformed messages keep Beast's precise code
}

// (Re)starts the parser for the next response, its fields going to res.headers.
inline void start_parser(std::optional<response_parser>& p, const request& req, response& res,
                         const client_options& o) {
    p.reset();
    p.emplace(res.headers);
    p->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(o.max_header_bytes, UINT32_MAX)));
    p->body_limit(boost::none);
    if (req.method == verb::head) p->skip(true);
}

// The end of an aws-chunked body: the final empty chunk (signed when `chunks` is given),
// then the trailer, if any, and its signature:
//   0[;chunk-signature=<sig>]\r\n[<name>:<value>\r\n[x-amz-trailer-signature:<sig>\r\n]]\r\n
// Returns the bytes written at `out`, which must hold 256.
inline std::size_t write_aws_chunked_end(char* out, auth::sigv4::chunk_signer* chunks,
                                         std::optional<crypto::checksum_algorithm> trailer,
                                         const crypto::checksum_value& value) {
    buffer_ref_writer w{out};
    w.append("0");
    if (chunks != nullptr) {
        w.append(auth::sigv4::chunked::signature_extension);
        w.append(chunks->sign_chunk(std::span<const std::uint8_t>{}));
    }
    w.append("\r\n");
    if (trailer) {
        const std::size_t line = w.size;
        w.append(crypto::checksum_header_name(*trailer));
        w.append(":");
        w.append(value.view());
        if (chunks != nullptr) {
            // Signed over its canonical form, "<name>:<value>\n".
            w.append("\n");
            const auto signature = chunks->sign_trailer(std::string_view(out + line, w.size - line));
            --w.size;
            w.append("\r\n");
            w.append(auth::sigv4::chunked::trailer_signature_name);
            w.append(":");
            w.append(signature);
        }
        w.append("\r\n");
    }
    w.append("\r\n");
    return w.size;
}

// Writes the body with the plan's framing. Memory bodies are sent from the caller's memory;
// files and generators pass through the connection's scratch buffer. A trailer checksum is
// computed on the way, afresh on every attempt.
inline asio::awaitable<error_code> write_body(const client_state& st, connection& c, const request& req,
                                              const request_plan& plan, auth::sigv4::chunk_signer* chunks,
                                              attempt_result& ar) {
    const request_body& b = req.body;
    error_code ec;
    if (plan.frame == framing::identity && (b.type() == request_body::kind::none || plan.decoded_length == 0) &&
        b.type() != request_body::kind::generator)
        co_return ec;
    if (b.type() == request_body::kind::memory && plan.frame == framing::identity) {
        const auto bytes = b.memory_bytes();
        const std::size_t n = co_await asio::async_write(c.io, asio::buffer(bytes.data(), bytes.size()), with_ec(ec));
        ar.bytes_sent += n;
        co_return ec;
    }
    const std::size_t piece = plan.frame == framing::aws_chunked ? plan.chunk_size
                              : req.io_buffer_size != 0          ? req.io_buffer_size
                                                                 : st.options.io_buffer_size;
    std::uint8_t* scratch = b.type() == request_body::kind::memory ? nullptr : c.scratch_buffer(piece);
    const bool known = b.size().has_value();
    std::uint64_t offset = 0;
    std::optional<crypto::checksum_hasher> checksum;
    if (plan.trailer) checksum.emplace(*plan.trailer);
    std::array<char, 256> frame{};
    static constexpr char crlf[] = "\r\n";
    for (;;) {
        // A cancellation that arrives between two writes (each may complete at once on a
        // socket with room) must still stop the body.
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return make_error_code(asio::error::operation_aborted);
        std::span<const std::uint8_t> data;
        const std::uint64_t remaining = known ? plan.decoded_length - offset : piece;
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(piece, remaining));
        switch (b.type()) {
        case request_body::kind::none:
        case request_body::kind::path: break; // refused by make_plan
        case request_body::kind::memory: data = b.memory_bytes().subspan(offset, want); break;
        case request_body::kind::file:
            ar.body_consumed = true;
            if (want != 0) {
                if (auto e = pread_full(b.fd(), scratch, want, b.file_offset() + offset)) co_return e;
                data = {scratch, want};
            }
            break;
        case request_body::kind::generator: {
            ar.body_consumed = true;
            std::size_t got = 0;
            if (want != 0) {
                if (auto e = fill_from_generator(b, scratch, want, got)) co_return e;
            }
            if (known && got < want) co_return make_error_code(errc::body_source_failed);
            data = {scratch, got};
            break;
        }
        }
        if (data.empty()) {
            if (known && offset != plan.decoded_length) co_return make_error_code(errc::body_source_failed);
            if (plan.frame == framing::chunked) {
                co_await asio::async_write(c.io, asio::buffer("0\r\n\r\n", 5), with_ec(ec));
            } else if (plan.frame == framing::aws_chunked) {
                crypto::checksum_value value;
                if (checksum) value = checksum->finish();
                const std::size_t n = write_aws_chunked_end(frame.data(), chunks, plan.trailer, value);
                co_await asio::async_write(c.io, asio::buffer(frame.data(), n), with_ec(ec));
                if (!ec) ar.trailer_checksum = value;
            }
            co_return ec;
        }
        if (checksum) checksum->update(data);
        if (plan.frame == framing::identity) {
            co_await asio::async_write(c.io, asio::buffer(data.data(), data.size()), with_ec(ec));
        } else {
            buffer_ref_writer w{frame.data()};
            char digits[16];
            const char* end = auth::sigv4::chunked::write_hex_size(data.size(), digits);
            w.append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
            if (chunks != nullptr) {
                w.append(auth::sigv4::chunked::signature_extension);
                w.append(chunks->sign_chunk(data));
            }
            w.append("\r\n");
            const std::array<asio::const_buffer, 3> pieces{asio::buffer(frame.data(), w.size),
                                                           asio::buffer(data.data(), data.size()),
                                                           asio::buffer(crlf, 2)};
            co_await asio::async_write(c.io, pieces, with_ec(ec));
        }
        if (ec) co_return ec;
        offset += data.size();
        ar.bytes_sent += data.size();
        if (known && offset == plan.decoded_length && plan.frame == framing::identity) co_return ec;
    }
}

// Space for the next read into the connection's buffer: what is free, and at least 16 KiB,
// so that a small response arrives in one read.
inline asio::mutable_buffer prepare_read(beast::flat_buffer& b) {
    constexpr std::size_t minimum = 16 * 1024;
    const std::size_t free = b.capacity() - b.size();
    return b.prepare(std::max(free, minimum));
}

// Reads the response head, parsing what the connection's buffer holds before reading
// more. The parser sees the whole buffered head at once (Beast parses a head only when
// all of it is there, and enforces the header limit). `Connection` is the pool's
// connection, or anything with its `io` (async_read_some) and `read_buffer`.
template <class Connection>
asio::awaitable<error_code> read_head(Connection& c, response_parser& p) {
    error_code ec;
    for (;;) {
        if (c.read_buffer.size() != 0) {
            const std::size_t used = p.put(c.read_buffer.data(), ec);
            c.read_buffer.consume(used);
            if (p.is_header_done()) co_return error_code{};
            if (ec && ec != bhttp::error::need_more) co_return ec;
            ec = {};
        }
        const std::size_t n = co_await c.io.async_read_some(prepare_read(c.read_buffer), with_ec(ec));
        c.read_buffer.commit(n);
        if (ec == asio::error::eof) {
            // What arrived before the close has been parsed already: the head is cut short.
            if (!p.got_some()) co_return make_error_code(bhttp::error::end_of_stream);
            p.put_eof(ec);
            co_return ec ? ec : make_error_code(bhttp::error::partial_message);
        }
        if (ec) co_return ec;
    }
}

// Reads heads until a final one (a status of 200 or more, or 101). Interim 1xx heads are
// skipped, `restart` giving back a fresh parser for the next one, but no more than
// `max_interim` in all (`interim` counts them, a 100 Continue seen before the body
// included): each one restarts the inactivity timer, so a server could otherwise send
// them without end. `head_read`: the parser holds a head already.
template <class Connection, class RestartParser>
asio::awaitable<error_code> read_final_head(Connection& c, std::optional<response_parser>& parser, bool head_read,
                                            std::size_t& interim, std::size_t max_interim, RestartParser restart) {
    for (;;) {
        if (!head_read) {
            if (auto ec = co_await read_head(c, *parser)) co_return ec;
        }
        head_read = false;
        const unsigned status = parser->status();
        if (status >= 200 || status == 101) co_return error_code{};
        if (++interim > max_interim) co_return make_error_code(errc::too_many_interim_responses);
        restart();
    }
}

// Reads a response body piece by piece into memory the caller names. A body with a
// Content-Length and no transfer coding goes from the socket straight into that memory
// (after the bytes that arrived with the head); chunked bodies, and bodies that end with
// the connection, go through the parser.
//
// The parser consumes nothing of a chunk-size line (with its extensions) or of the trailer
// until the line ends, and those bytes stay buffered: at `max_unparsed` of them the body
// is malformed (Beast's header_limit, not retried), else a line without end would grow the
// buffer without bound.
template <class Connection>
class basic_body_reader {
public:
    basic_body_reader(Connection& c, response_parser& p, std::size_t max_unparsed)
        : c_(c), p_(p), max_unparsed_(max_unparsed) {
        done_ = p.is_done();
        if (!done_ && !p.chunked() && p.content_length()) {
            direct_ = true;
            remaining_ = *p.content_length();
        }
    }

    bool done() const noexcept { return done_; }

    // Stores up to `cap` body bytes at `dst`; `n` says how many.
    asio::awaitable<error_code> read(std::uint8_t* dst, std::size_t cap, std::size_t& n) {
        n = 0;
        if (done_ || cap == 0) co_return error_code{};
        error_code ec;
        if (direct_) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(cap, remaining_));
            if (const std::size_t buffered = c_.read_buffer.size(); buffered != 0) {
                n = std::min(want, buffered);
                std::memcpy(dst, c_.read_buffer.data().data(), n);
                c_.read_buffer.consume(n);
            } else {
                n = co_await c_.io.async_read_some(asio::buffer(dst, want), with_ec(ec));
                if (ec == asio::error::eof) ec = bhttp::error::partial_message;
            }
            remaining_ -= n;
            done_ = remaining_ == 0;
            co_return ec;
        }
        p_.body_buffer(dst, cap);
        for (;;) {
            if (c_.read_buffer.size() != 0) {
                const std::size_t used = p_.put(c_.read_buffer.data(), ec);
                c_.read_buffer.consume(used);
                if (ec == bhttp::error::need_buffer) ec = {}; // `dst` is full
                if (ec == bhttp::error::need_more) ec = {};
                n = cap - p_.body_space();
                done_ = p_.is_done();
                if (ec || done_ || n != 0) co_return ec;
                if (used != 0) continue; // chunk framing only: parse on
                if (c_.read_buffer.size() >= max_unparsed_) co_return make_error_code(bhttp::error::header_limit);
            }
            const std::size_t got = co_await c_.io.async_read_some(prepare_read(c_.read_buffer), with_ec(ec));
            c_.read_buffer.commit(got);
            if (ec == asio::error::eof) {
                // Whatever is still buffered was put already and is not enough.
                p_.put_eof(ec); // ends a body delimited by the close, else partial_message
                done_ = !ec && p_.is_done();
                co_return ec;
            }
            if (ec) co_return ec;
        }
    }

private:
    Connection& c_;
    response_parser& p_;
    std::size_t max_unparsed_;
    bool direct_ = false;
    bool done_ = false;
    std::uint64_t remaining_ = 0;
};

using body_reader = basic_body_reader<connection>;

// Reads a success body into the request's sink.
inline asio::awaitable<error_code> read_success_body(const client_state& st, connection& c, body_reader& br,
                                                     boost::optional<std::uint64_t> content_length, const request& req,
                                                     response& res, attempt_result& ar) {
    const response_sink& sink = req.sink;
    error_code ec;
    std::uint64_t total = 0;
    if (sink.type() == response_sink::kind::memory && content_length && *content_length > sink.memory_out().size())
        co_return make_error_code(errc::response_too_large);
    if (sink.type() == response_sink::kind::collect) {
        if (content_length && *content_length > st.options.max_collected_body)
            co_return make_error_code(errc::response_too_large);
        res.body.clear();
    }
    std::uint8_t overflow[1];
    while (!br.done()) {
        std::uint8_t* dst = nullptr;
        std::size_t cap = 0;
        bool into_overflow = false;
        switch (sink.type()) {
        case response_sink::kind::memory: {
            const auto out = sink.memory_out();
            cap = out.size() - static_cast<std::size_t>(total);
            dst = out.data() + total;
            if (cap == 0) {
                dst = overflow;
                cap = 1;
                into_overflow = true;
            }
            break;
        }
        case response_sink::kind::collect: {
            if (res.body.size() == total) {
                std::uint64_t grow = content_length ? *content_length - total : 0;
                if (grow == 0) grow = std::max<std::uint64_t>(16 * 1024, total / 2);
                const std::uint64_t limit = st.options.max_collected_body;
                if (total + grow > limit) grow = limit - total;
                if (grow == 0) {
                    dst = overflow;
                    cap = 1;
                    into_overflow = true;
                    break;
                }
                res.body.resize(static_cast<std::size_t>(total + grow));
            }
            dst = reinterpret_cast<std::uint8_t*>(res.body.data()) + total;
            cap = res.body.size() - static_cast<std::size_t>(total);
            break;
        }
        default:
            dst = c.scratch_buffer(req.io_buffer_size != 0 ? req.io_buffer_size : st.options.io_buffer_size);
            cap = c.scratch_size;
            break;
        }
        if (cancelled(co_await asio::this_coro::cancellation_state)) {
            ec = make_error_code(asio::error::operation_aborted);
            break;
        }
        std::size_t n = 0;
        ec = co_await br.read(dst, cap, n);
        if (into_overflow && n != 0) {
            ec = make_error_code(errc::response_too_large);
            break;
        }
        if (n != 0) {
            if (sink.type() == response_sink::kind::file) {
                if (auto e = pwrite_full(sink.fd(), dst, n, sink.file_offset() + total)) {
                    ec = e;
                    total += n;
                    break;
                }
            } else if (sink.type() == response_sink::kind::handler) {
                if (auto e = sink.on_chunk()(std::span<const std::uint8_t>(dst, n))) {
                    ec = e;
                    total += n;
                    break;
                }
            }
        }
        total += n;
        if (ec) break;
    }
    if (sink.type() == response_sink::kind::collect) res.body.resize(static_cast<std::size_t>(total));
    res.body_size = total;
    ar.bytes_received = total;
    co_return ec;
}

// Reads (the first max_error_body bytes of) a failure body into the connection's buffer.
inline asio::awaitable<error_code> read_error_body(const client_state& st, connection& c, body_reader& br,
                                                   bool& complete) {
    error_code ec;
    c.error_body.clear();
    const std::size_t limit = st.options.max_error_body;
    while (!br.done()) {
        const std::size_t have = c.error_body.size();
        if (have >= limit) {
            complete = false;
            co_return ec;
        }
        c.error_body.resize(std::min(limit, have + 4096));
        std::size_t n = 0;
        ec = co_await br.read(reinterpret_cast<std::uint8_t*>(c.error_body.data()) + have, c.error_body.size() - have,
                              n);
        c.error_body.resize(have + n);
        if (ec) break;
    }
    complete = !ec && br.done();
    co_return ec;
}

// Runs one exchange. Returns an aws_errc for a failure status (with res.diag filled), a
// transport error when the exchange broke, or success.
inline asio::awaitable<error_code> exchange(client_state& st, connection& c, const request& req,
                                            const request_plan& plan, response& res, attempt_result& ar,
                                            clock::time_point deadline) {
    const client_options& o = st.options;
    const stream::disarm_guard disarm(c.io);
    c.io.set_limits(o.timeouts.inactivity, deadline);
    c.read_buffer.clear();

    // Sign over the head as it will be sent.
    c.sign_headers.clear();
    c.sign_headers.push_back({"host", plan.host_header});
    for (const auto& f : req.headers)
        if (!iequals(f.name, "host") && !folded_into_framing(plan, f.name)) c.sign_headers.push_back(f);
    if (plan.frame == framing::aws_chunked) {
        c.sign_headers.push_back({"content-encoding", plan.content_encoding});
        c.sign_headers.push_back({"x-amz-decoded-content-length", plan.decoded_length_view});
        if (plan.trailer) c.sign_headers.push_back({"x-amz-trailer", crypto::checksum_header_name(*plan.trailer)});
    }
    auth::sigv4::signature_headers sig{};
    auth::sigv4::signing_params params{};
    if (plan.sign) {
        params.region = req.signing.region;
        params.service = req.signing.service;
        params.time = st.signing_now();
        params.rules = req.signing.rules;
        params.payload_hash = plan.payload_hash;
        params.content_sha256_header = req.signing.content_sha256_header;
        ar.signed_at = params.time;
        const auth::sigv4::request_view view{bhttp::to_string(req.method), req.path, req.query, c.sign_headers};
        if (req.signing.region_set.empty()) {
            if (auto e = c.signer.sign(view, *req.signing.credentials, params, sig)) co_return e;
        } else {
            if (plan.chunk_signatures) co_return make_error_code(cirrus::errc::unsupported);
            if (!c.sigv4a_signer) c.sigv4a_signer = std::make_unique<auth::sigv4a::signer>();
            auth::sigv4a::signature_headers v4a{};
            const auth::sigv4a::signing_params v4a_params{.region_set = req.signing.region_set,
                                                          .service = params.service,
                                                          .time = params.time,
                                                          .rules = params.rules,
                                                          .payload_hash = params.payload_hash,
                                                          .content_sha256_header = params.content_sha256_header};
            if (auto e = c.sigv4a_signer->sign(view, *req.signing.credentials, v4a_params, v4a)) co_return e;
            sig = {.authorization = v4a.authorization,
                   .amz_date = v4a.amz_date,
                   .content_sha256 = v4a.content_sha256,
                   .security_token = v4a.security_token,
                   .signature = v4a.signature};
        }
        const auto n = std::min(sig.amz_date.size(), ar.amz_date.size());
        std::copy_n(sig.amz_date.begin(), n, ar.amz_date.begin());
    }
    const std::string_view region_set = plan.sign ? req.signing.region_set : std::string_view{};
    if (auto e = build_head(c.head, req, plan, sig, o.user_agent, region_set)) co_return e;
    std::optional<auth::sigv4::chunk_signer> chunks;
    if (plan.chunk_signatures)
        chunks.emplace(auth::sigv4::make_chunk_signer(c.signer, *req.signing.credentials, params, sig.signature));

    error_code ec;
    std::optional<response_parser> parser;
    start_parser(parser, req, res, o);
    bool header_read = false;
    bool final_before_body = false;
    std::size_t interim = 0;

    const bool gather = plan.frame == framing::identity && !plan.expect_continue &&
                        req.body.type() == request_body::kind::memory;
    if (gather) {
        const auto bytes = req.body.memory_bytes();
        const std::array<asio::const_buffer, 2> pieces{asio::buffer(c.head.data(), c.head.size()),
                                                       asio::buffer(bytes.data(), bytes.size())};
        const std::size_t n = co_await asio::async_write(c.io, pieces, with_ec(ec));
        ar.bytes_sent += n > c.head.size() ? n - c.head.size() : 0;
    } else {
        co_await asio::async_write(c.io, asio::buffer(c.head.data(), c.head.size()), with_ec(ec));
        if (!ec && plan.expect_continue) {
            // Wait for "100 Continue" (or an early final answer), but not forever: servers
            // that ignore Expect get the body after continue_timeout.
            asio::steady_timer wait(c.io.get_executor(), o.continue_timeout);
            auto [order, read_ec, read_n, timer_ec] =
                co_await asio::experimental::make_parallel_group(bhttp::async_read_header(c.io, c.read_buffer, *parser,
                                                                                          asio::deferred),
                                                                 wait.async_wait(asio::deferred))
                    .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
            (void)read_n;
            (void)timer_ec;
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return make_error_code(asio::error::operation_aborted);
            if (order[0] == 0) {
                if (read_ec) {
                    ar.response_started = parser->got_some() || c.read_buffer.size() != 0;
                    co_return map_io_error(read_ec, c.io, ar.response_started);
                }
                ar.response_started = true;
                if (parser->status() == 100) {
                    ++interim;
                    start_parser(parser, req, res, o);
                } else {
                    header_read = true;
                    final_before_body = true;
                }
            }
        }
        if (!ec && !final_before_body) {
            ec = co_await write_body(st, c, req, plan, chunks ? &*chunks : nullptr, ar);
            res.trailer_checksum = ar.trailer_checksum;
        }
    }
    bool body_incomplete = false;
    if (ec) {
        if (ec.category() == http_category() || ec.category() == cirrus_category()) co_return ec; // body source
        // The server may have answered (and closed) before taking the whole body: read what it said.
        if (!(ec == asio::error::broken_pipe || ec == asio::error::connection_reset))
            co_return map_io_error(ec, c.io, c.read_buffer.size() != 0);
        ec = {};
        body_incomplete = true;
    }

    ec = co_await read_final_head(c, parser, header_read, interim, o.max_interim_responses,
                                  [&] { start_parser(parser, req, res, o); });
    ar.response_started = ar.response_started || interim != 0 || parser->got_some() || c.read_buffer.size() != 0;
    if (ec) co_return map_io_error(ec, c.io, ar.response_started);
    ar.response_started = true;
    const unsigned status = parser->status();
    res.status = status;

    bool complete = false;
    body_reader body(c, *parser, o.max_header_bytes);
    if (status >= 200 && status < 300) {
        // A HEAD response announces the length of a body it does not have: no limit applies.
        boost::optional<std::uint64_t> length;
        if (req.method != verb::head) length = parser->content_length();
        ec = co_await read_success_body(st, c, body, length, req, res, ar);
        complete = !ec && body.done();
    } else {
        ec = co_await read_error_body(st, c, body, complete);
        ar.bytes_received = c.error_body.size();
    }
    if (ec) co_return map_io_error(ec, c.io, true);

    // A server may answer an error before reading the request body and still keep the
    // connection open (versitygw's 411 to a chunked upload): the unread body would then
    // be taken for the next request, so such a connection is not reused.
    const bool error_after_body = status >= 400 && ar.bytes_sent != 0;
    ar.reusable = complete && parser->keep_alive() && !final_before_body && !body_incomplete && !error_after_body &&
                  c.read_buffer.size() == 0;
    if (status >= 200 && status < 300) co_return error_code{};

    // A caller that collects the body gets the error body too (up to max_error_body):
    // some envelopes carry more than a code and a message (DynamoDB's old item and
    // cancellation reasons).
    if (req.sink.type() == response_sink::kind::collect) res.body.assign(c.error_body);
    std::string_view request_id = res.header("x-amz-request-id");
    if (request_id.empty()) request_id = res.header("x-amzn-RequestId");
    std::string_view error_type = res.header("x-amzn-ErrorType");
    if (error_type.empty()) error_type = res.header("x-amzn-query-error");
    co_return parse_error_response({.status = status,
                                    .body = c.error_body,
                                    .request_id = request_id,
                                    .host_id = res.header("x-amz-id-2"),
                                    .error_type = error_type},
                                   res.diag);
}

} // namespace cirrus::http::detail
