// Fuzzes the transport's own read loop (http/detail/exchange.hpp: read_final_head, which
// skips interim responses, then basic_body_reader, straight copies for a Content-Length
// body and the parser for chunked and close-delimited ones) through an in-memory stream
// that hands the response over in pieces whose sizes the input chooses. The http_response
// target parses whole inputs and cannot see what depends on where reads end, or what the
// loop keeps buffered between them.
//
// Input: [flags] [n] [n read sizes] [the bytes the server sends]
//   flags bit 0: a HEAD request; bits 1-2: max_header_bytes of 256, 1024, 4096 or 65536.
//   Read sizes are used in turn for the stream's reads (0: all that is asked for) and,
//   plus one, for the room given to each body read.
//
// Checks: nothing read is ever held beyond the limit (the reads stop first), the fields
// kept stay within it too, the loop ends, and a response the loop reads to its end is the
// one Beast's own parser finds in the same bytes taken whole.

#include <cirrus/http/detail/exchange.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using cirrus::error_code;
using cirrus::http::detail::basic_body_reader;
using cirrus::http::detail::response_parser;

// The input's read sizes, used in turn.
class schedule {
public:
    explicit schedule(std::string_view sizes) : sizes_(sizes) {}
    std::size_t next() noexcept {
        if (sizes_.empty()) return 0;
        const auto v = static_cast<unsigned char>(sizes_[at_++ % sizes_.size()]);
        return v;
    }

private:
    std::string_view sizes_;
    std::size_t at_ = 0;
};

struct fake_connection;

// The server's bytes, delivered a piece at a time; then end of stream.
class memory_stream {
public:
    memory_stream(asio::io_context& ioc, fake_connection& owner, std::string_view wire, schedule& reads,
                  std::size_t limit)
        : ioc_(ioc), owner_(owner), wire_(wire), reads_(reads), limit_(limit) {}

    template <class MutableBuffer, class Token>
    auto async_read_some(const MutableBuffer& buffer, Token&& token);

    std::size_t reads() const noexcept { return reads_made_; }

private:
    asio::io_context& ioc_;
    fake_connection& owner_;
    std::string_view wire_;
    schedule& reads_;
    std::size_t limit_;
    std::size_t reads_made_ = 0;
};

// What the read loop needs of the pool's connection.
struct fake_connection {
    memory_stream io;
    boost::beast::flat_buffer read_buffer;
};

template <class MutableBuffer, class Token>
auto memory_stream::async_read_some(const MutableBuffer& buffer, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const MutableBuffer& b) {
            // The loop reads only when what it holds cannot be parsed yet, and it must stop
            // holding more at the limit, whatever the server sends.
            if (owner_.read_buffer.size() > limit_) std::abort();
            ++reads_made_;
            error_code ec;
            std::size_t n = 0;
            if (wire_.empty()) {
                ec = asio::error::eof;
            } else {
                const std::size_t want = reads_.next();
                n = std::min({b.size(), wire_.size(), want == 0 ? b.size() : want});
                std::copy_n(wire_.data(), n, static_cast<char*>(b.data()));
                wire_.remove_prefix(n);
            }
            asio::post(ioc_, asio::append(std::move(handler), ec, n));
        },
        token, buffer);
}

struct outcome {
    bool finished = false; // the coroutine ran to its end
    error_code ec;
    bool body_done = false;
    std::size_t interim = 0;
    unsigned status = 0;
    std::string body;
};

asio::awaitable<void> read_response(fake_connection& c, bool head, std::size_t limit, schedule& caps,
                                    std::size_t wire_size, outcome& out) {
    cirrus::http::header_map headers;
    std::optional<response_parser> parser;
    auto restart = [&] {
        parser.reset();
        parser.emplace(headers);
        parser->header_limit(static_cast<std::uint32_t>(limit));
        parser->body_limit(boost::none);
        if (head) parser->skip(true);
    };
    restart();
    out.ec = co_await cirrus::http::detail::read_final_head(c, parser, false, out.interim, 5, restart);
    if (!out.ec) {
        out.status = parser->status();
        // The fields kept stay within the limit, however the head was cut into reads.
        std::size_t field_bytes = 0;
        for (const auto& f : headers) field_bytes += f.name().size() + f.value().size() + 3;
        if (field_bytes > limit) std::abort();
        basic_body_reader<fake_connection> body(c, *parser, limit);
        std::uint8_t piece[256];
        // Each call stores a byte or reads from the stream: it can make no more calls than that.
        for (std::size_t calls = 0; !body.done(); ++calls) {
            if (calls > 2 * wire_size + 16) std::abort();
            std::size_t n = 0;
            out.ec = co_await body.read(piece, 1 + caps.next(), n);
            out.body.append(reinterpret_cast<const char*>(piece), n);
            if (out.ec) break;
        }
        out.body_done = body.done();
    }
    out.finished = true;
}

// Beast's parser over the whole input, at once.
struct whole_parse {
    bool done = false;
    unsigned status = 0;
    std::string body;
};

// Beast's limit applies to what one put() leaves unconsumed, so it is not the transport's
// (which also bounds the sum of the fields): this parse has none, and the transport's is
// checked on its own.
whole_parse parse_whole(std::string_view wire, bool head) {
    bhttp::response_parser<bhttp::string_body> p;
    p.header_limit(UINT32_MAX);
    p.body_limit(boost::none);
    if (head) p.skip(true);
    error_code ec;
    std::string_view rest = wire;
    while (!rest.empty() && !p.is_done()) {
        const std::size_t n = p.put(asio::const_buffer(rest.data(), rest.size()), ec);
        rest.remove_prefix(n);
        if (ec || n == 0) break;
    }
    if (!ec && !p.is_done() && p.is_header_done()) p.put_eof(ec);
    whole_parse out;
    out.done = !ec && p.is_done();
    if (out.done) {
        out.status = p.get().result_int();
        out.body = p.get().body();
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto flags = static_cast<unsigned char>(input[0]);
    const bool head = (flags & 1) != 0;
    constexpr std::size_t limits[] = {256, 1024, 4096, 65536};
    const std::size_t limit = limits[(flags >> 1) & 3];
    const std::size_t count = std::min<std::size_t>(static_cast<unsigned char>(input[1]), size - 2);
    const std::string_view sizes = input.substr(2, count);
    const std::string_view wire = input.substr(2 + count);

    static asio::io_context ioc; // one for every input, as a client keeps its executor
    schedule reads(sizes);
    schedule caps(sizes);
    fake_connection c{memory_stream(ioc, c, wire, reads, limit), {}};
    outcome out;
    asio::co_spawn(ioc, read_response(c, head, limit, caps, wire.size(), out), asio::detached);
    ioc.restart();
    ioc.run();
    if (!out.finished) std::abort();
    if (c.io.reads() > wire.size() + 2) std::abort(); // every read but the last brings a byte

    if (!out.ec && out.body_done && out.interim == 0) {
        const whole_parse theirs = parse_whole(wire, head);
        if (!theirs.done || theirs.status != out.status || theirs.body != out.body) std::abort();
    }
    return 0;
}
