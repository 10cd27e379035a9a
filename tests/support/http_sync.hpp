#pragma once
// A deliberately plain, synchronous HTTP/1.1 exchange over Beast, for tests that must
// put exact bytes on the wire (signatures, chunk framing) without the cirrus transport.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::test {

struct http_response {
    unsigned status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
};

struct endpoint {
    std::string host; // "127.0.0.1"
    std::string port; // "7070"
    std::string host_header() const { return host + ":" + port; }
};

// "http://127.0.0.1:7070" -> {127.0.0.1, 7070}
inline endpoint parse_endpoint(std::string_view url) {
    if (url.starts_with("http://")) url.remove_prefix(7);
    while (url.ends_with("/")) url.remove_suffix(1);
    auto colon = url.rfind(':');
    return {std::string(url.substr(0, colon)), std::string(url.substr(colon + 1))};
}

inline http_response http_exchange(const endpoint& ep, std::string_view method, std::string_view target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   std::string_view body = {}) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    boost::asio::ip::tcp::resolver resolver(ioc);
    stream.connect(resolver.resolve(ep.host, ep.port));

    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    bool has_length = false;
    for (const auto& [name, value] : headers) {
        req.insert(name, value);
        if (beast::iequals(name, "content-length")) has_length = true;
    }
    req.body() = std::string(body);
    if (!has_length && (!body.empty() || method == "PUT" || method == "POST")) req.prepare_payload();
    http::write(stream, req);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    http_response out;
    out.status = res.result_int();
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    out.body = std::move(res.body());
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return out;
}

} // namespace cirrus::test
