// Fuzzes the response paths the transport owns: the status line, headers and body as the
// client reads them (cirrus' response_parser, checked against Beast's own parser), the
// headers we interpret (Date, request ids, error type), the error envelopes (XML and
// JSON), and the XML reader on its own. Any input must give a classification or an
// error, never a crash, and no secret value in a kept message.

#include <cirrus/http/date.hpp>
#include <cirrus/http/detail/response_parser.hpp>
#include <cirrus/http/detail/secrets.hpp>
#include <cirrus/http/error_envelope.hpp>
#include <cirrus/http/headers.hpp>
#include <cirrus/xml/reader.hpp>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
    // Every secret name the message still carries is followed by the redaction (or as much
    // of it as the length cap left), never by a value.
    const std::string_view message = diag.message;
    const std::string_view redacted = cirrus::http::detail::redacted_value;
    for (auto at = cirrus::http::detail::next_secret_value(message, 0); at != std::string_view::npos;
         at = cirrus::http::detail::next_secret_value(message, at)) {
        while (at < message.size() && message[at] == ' ') ++at;
        const std::string_view value = message.substr(at);
        if (!(value.size() < redacted.size() ? redacted.starts_with(value) : value.starts_with(redacted))) std::abort();
    }
    (void)diag.what();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace http = boost::beast::http;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // 1. The input as a whole response on the wire, parsed the way the client parses it
    // (cirrus' response_parser: fields into a header_map, the body into small pieces),
    // and by Beast's own string_body parser: both must agree on everything.
    static cirrus::http::header_map headers; // reused across inputs, as a response is
    cirrus::http::detail::response_parser mine(headers);
    http::response_parser<http::string_body> theirs;
    mine.header_limit(16 * 1024); // cirrus' own: it also bounds the sum of the fields
    theirs.header_limit(16 * 1024);
    for (auto* p : {static_cast<http::basic_parser<false>*>(&mine), static_cast<http::basic_parser<false>*>(&theirs)})
        p->body_limit(1024 * 1024);
    boost::beast::error_code ec_mine, ec_theirs;
    std::string body;
    char piece[7];
    for (std::string_view rest = input; !rest.empty() && !mine.is_done();) {
        mine.body_buffer(piece, sizeof piece);
        const std::size_t n = mine.put(boost::asio::const_buffer(rest.data(), rest.size()), ec_mine);
        body.append(piece, sizeof piece - mine.body_space());
        rest.remove_prefix(n);
        if (ec_mine == http::error::need_buffer) ec_mine = {};
        if (ec_mine || (n == 0 && mine.body_space() == sizeof piece)) break;
    }
    for (std::string_view rest = input; !rest.empty() && !theirs.is_done();) {
        const std::size_t n = theirs.put(boost::asio::const_buffer(rest.data(), rest.size()), ec_theirs);
        rest.remove_prefix(n);
        if (ec_theirs || n == 0) break;
    }
    if (mine.is_header_done() != theirs.is_header_done()) std::abort();
    if (mine.is_header_done()) {
        const auto& msg = theirs.get();
        const unsigned status = mine.status();
        if (status != msg.result_int() || mine.keep_alive() != theirs.keep_alive()) std::abort();
        // The same fields with the same values; Beast groups repeated names together
        // while the header_map keeps the order received, so compare per name.
        using field_list = std::vector<std::pair<std::string, std::string>>;
        auto by_name = [](field_list v) {
            for (auto& f : v)
                for (auto& c : f.first) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            return v;
        };
        field_list a, b;
        for (const auto& f : headers) a.emplace_back(f.name(), f.value());
        for (const auto& f : msg) b.emplace_back(std::string_view(f.name_string()), std::string_view(f.value()));
        if (by_name(std::move(a)) != by_name(std::move(b))) std::abort();
        if (mine.is_done() != theirs.is_done()) std::abort();
        if (mine.is_done() && body != msg.body()) std::abort();
        if (auto t = cirrus::http::parse_http_date(headers.get("Date"))) {
            const auto back = cirrus::http::format_http_date(*t);
            if (cirrus::http::parse_http_date(std::string_view(back.data(), back.size())) != t) std::abort();
        }
        std::string_view request_id = headers.get("x-amz-request-id");
        if (request_id.empty()) request_id = headers.get("x-amzn-RequestId");
        check_envelope(status < 300 ? 500 : status, body, request_id, headers.get("x-amzn-ErrorType"));
    }

    // 2. The input as an error body and as an XML document of its own.
    check_envelope(400, input, {}, {});
    walk_xml(input);
    (void)cirrus::http::is_error_document(input);
    (void)cirrus::http::parse_http_date(input);
    return 0;
}
