// Fuzzes the response paths the transport owns: the status line and headers as the
// client reads them (Beast's parser with our limits), the headers we interpret (Date,
// request ids, error type), the error envelopes (XML and JSON), and the XML reader on
// its own. Any input must give a classification or an error, never a crash.

#include <cirrus/http/date.hpp>
#include <cirrus/http/detail/arena.hpp>
#include <cirrus/http/error_envelope.hpp>
#include <cirrus/http/headers.hpp>
#include <cirrus/xml/reader.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void walk_xml(std::string_view doc) {
    cirrus::xml::reader r(doc);
    std::string scratch;
    for (int steps = 0; steps < 100000; ++steps) {
        const auto t = r.next();
        if (t == cirrus::xml::token::end || t == cirrus::xml::token::error) return;
        if (t == cirrus::xml::token::start_element) {
            (void)r.attribute("xmlns");
            if (r.depth() % 2 == 0 && !r.read_text(scratch)) return;
        } else if (t == cirrus::xml::token::text && !r.is_cdata()) {
            scratch.clear();
            (void)cirrus::xml::decode_to(r.raw(), scratch);
        }
    }
}

void check_envelope(unsigned status, std::string_view body, std::string_view request_id,
                    std::string_view error_type) {
    cirrus::diagnostics diag;
    const auto ec = cirrus::http::parse_error_response(
        {.status = status, .body = body, .request_id = request_id, .host_id = {}, .error_type = error_type}, diag);
    if (!ec || ec.category() != cirrus::http::aws_category()) std::abort();
    if (diag.message.size() > cirrus::http::max_diagnostic_message) std::abort();
    for (char c : diag.message)
        if (static_cast<unsigned char>(c) < 0x20) std::abort();
    (void)diag.what();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace http = boost::beast::http;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // 1. The input as a whole response on the wire, parsed the way the client parses: the
    // fields in an arena (reused across inputs, as a connection reuses it), then copied
    // into a header_map.
    static cirrus::http::detail::header_arena arena;
    arena.reset();
    http::response_parser<http::string_body, cirrus::http::detail::arena_allocator<char>> parser(
        std::piecewise_construct, std::make_tuple(), std::make_tuple(cirrus::http::detail::arena_allocator<char>(arena)));
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < input.size() && !parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::const_buffer(input.data() + used, input.size() - used), ec);
        if (ec == http::error::need_more) break;
        if (ec) break;
        if (n == 0) break;
        used += n;
    }
    if (parser.is_header_done()) {
        const auto& msg = parser.get();
        const unsigned status = msg.result_int();
        if (auto d = msg.find(http::field::date); d != msg.end()) {
            if (auto t = cirrus::http::parse_http_date(d->value())) {
                const auto back = cirrus::http::format_http_date(*t);
                if (cirrus::http::parse_http_date(std::string_view(back.data(), back.size())) != t) std::abort();
            }
        }
        cirrus::http::header_map headers;
        for (const auto& f : msg) {
            const auto name = f.name_string();
            const auto value = f.value();
            headers.append(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
        }
        std::size_t fields = 0;
        for (const auto& f : headers) {
            // Every field reads back as Beast holds it, and the first of each name is found.
            if (headers.get(f.name()).data() == nullptr && !f.value().empty()) std::abort();
            ++fields;
        }
        if (fields != headers.size()) std::abort();
        auto header = [&](std::string_view name) -> std::string_view {
            const auto mine = headers.get(name);
            auto it = msg.find(name);
            const std::string_view theirs = it == msg.end() ? std::string_view{} : std::string_view(it->value());
            if (mine != theirs) std::abort();
            return mine;
        };
        std::string_view request_id = header("x-amz-request-id");
        if (request_id.empty()) request_id = header("x-amzn-RequestId");
        check_envelope(status < 300 ? 500 : status, msg.body(), request_id, header("x-amzn-ErrorType"));
    }

    // 2. The input as an error body and as an XML document of its own.
    check_envelope(400, input, {}, {});
    walk_xml(input);
    (void)cirrus::http::is_error_document(input);
    (void)cirrus::http::parse_http_date(input);
    return 0;
}
