#pragma once
// A small HTTP/1.1 server for transport tests, on 127.0.0.1 with an ephemeral port, that
// answers each request with the next scripted action: a normal answer, a 503/SlowDown, a
// truncated body, a close or a reset without an answer, a delay. Plain or TLS (with a CA
// and certificate made at test time through OpenSSL's API). Blocking Beast I/O on its own
// threads, so it shares nothing with the client under test.

#include "support/test_pki.hpp"
#include "support/threaded_listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cirrus::test {

struct recorded_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers; // lower-case names
    std::vector<std::pair<std::string, std::string>> header_lines; // as received, repeats kept
    std::string body;
    std::size_t connection = 0; // index of the connection it came on
};

struct server_action {
    enum class kind {
        respond,              // status, headers, body (Content-Length or chunked)
        close_without_answer, // read the request, then close
        reset,                // read the request, then reset the connection (RST)
        truncate,             // announce the full body, send truncate_at bytes, close
        respond_then_close,   // answer with keep-alive, then close the connection anyway
        answer_before_body,   // answer without reading the body (and ignore Expect)
        raw_then_close,       // send `body` as the whole answer, bytes as they are, then close
        trickle,              // like raw_then_close, one byte every `byte_interval`
        raw_paused,           // like raw_then_close, with a pause of `byte_interval` after `pause_at` bytes
    };
    kind what = kind::respond;
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers = {};
    std::string body = "ok";
    bool chunked = false;
    std::size_t truncate_at = 0;
    std::chrono::milliseconds delay{0}; // before answering
    bool send_continue = true;          // answer "Expect: 100-continue" with 100
    std::chrono::milliseconds byte_interval{0}; // trickle, raw_paused
    std::size_t pause_at = 0;                   // raw_paused

    static server_action ok(std::string body = "ok") { return {.body = std::move(body)}; }
    static server_action s3_error(unsigned status, std::string code, std::string message = "message",
                                  std::string request_id = "REQ123") {
        server_action a;
        a.status = status;
        a.headers = {{"Content-Type", "application/xml"}, {"x-amz-request-id", request_id}};
        a.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message +
                 "</Message><RequestId>" + request_id + "</RequestId></Error>";
        return a;
    }
};

class test_server {
public:
    // Plain HTTP when `pki` is null.
    explicit test_server(const test_pki* pki = nullptr) {
        if (pki != nullptr) tls_.emplace(pki->server_context());
        listener_.start([this](tcp::socket& sock, std::size_t index) { serve(sock, index); });
    }

    ~test_server() { stop(); }

    void stop() { listener_.stop(); }

    std::uint16_t port() const noexcept { return listener_.port(); }
    std::string url() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()); }

    // Actions are used in order; when none is queued, the default answers.
    void push(server_action a) {
        std::lock_guard lock(mutex_);
        script_.push_back(std::move(a));
    }
    void set_default(server_action a) {
        std::lock_guard lock(mutex_);
        default_ = std::move(a);
    }
    std::vector<recorded_request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::size_t connections() const noexcept { return listener_.accepted(); }
    // The SNI host name of each TLS connection ("" when none was sent).
    std::vector<std::string> server_names() const {
        std::lock_guard lock(mutex_);
        return server_names_;
    }
    // Connections currently open on the server side.
    std::size_t open_connections() const { return listener_.open_connections(); }
    // Waits until the server side has no connection open (the client closed them all).
    bool wait_all_closed(std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) const {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (open_connections() == 0) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }

private:
    using tcp = boost::asio::ip::tcp;

    server_action next_action() {
        std::lock_guard lock(mutex_);
        if (script_.empty()) return default_;
        server_action a = std::move(script_.front());
        script_.pop_front();
        return a;
    }

    void serve(tcp::socket& sock, std::size_t index) {
        if (tls_) {
            boost::asio::ssl::stream<tcp::socket&> s(sock, *tls_);
            boost::system::error_code ec;
            s.handshake(boost::asio::ssl::stream_base::server, ec);
            if (!ec) {
                const char* sni = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name);
                {
                    std::lock_guard lock(mutex_);
                    server_names_.push_back(sni != nullptr ? sni : "");
                }
                serve_stream(s, sock, index);
            }
        } else {
            serve_stream(sock, sock, index);
        }
    }

    template <class Stream>
    void serve_stream(Stream& s, tcp::socket& raw, std::size_t index) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buf;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(boost::none); // a test may announce a body it never sends
            boost::system::error_code ec;
            http::read_header(s, buf, parser, ec);
            if (ec) return;
            server_action a = next_action();
            auto& req = parser.get();
            const bool expects = req[http::field::expect] == "100-continue";
            const bool head = req.method() == http::verb::head;
            if (a.what == server_action::kind::answer_before_body) {
                record(req, index);
                respond(s, a, true, false);
                return;
            }
            if (expects && a.send_continue) {
                const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
                boost::asio::write(s, boost::asio::buffer(cont), ec);
                if (ec) return;
            }
            http::read(s, buf, parser, ec);
            if (ec) return;
            record(req, index);
            if (a.delay.count() > 0) std::this_thread::sleep_for(a.delay);
            switch (a.what) {
            case server_action::kind::close_without_answer: return;
            case server_action::kind::reset: {
                const linger l{1, 0};
                ::setsockopt(raw.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
                return;
            }
            case server_action::kind::truncate: {
                std::string head = "HTTP/1.1 " + std::to_string(a.status) + " X\r\nContent-Length: " +
                                   std::to_string(a.body.size()) + "\r\n\r\n";
                head += a.body.substr(0, a.truncate_at);
                boost::asio::write(s, boost::asio::buffer(head), ec);
                return;
            }
            case server_action::kind::raw_then_close:
                boost::asio::write(s, boost::asio::buffer(a.body), ec);
                return;
            case server_action::kind::trickle:
                for (std::size_t i = 0; i < a.body.size() && !ec && !listener_.stopped(); ++i) {
                    boost::asio::write(s, boost::asio::buffer(a.body.data() + i, 1), ec);
                    std::this_thread::sleep_for(a.byte_interval);
                }
                return;
            case server_action::kind::raw_paused:
                boost::asio::write(s, boost::asio::buffer(a.body.data(), a.pause_at), ec);
                std::this_thread::sleep_for(a.byte_interval);
                if (!ec) boost::asio::write(s, boost::asio::buffer(a.body.data() + a.pause_at, a.body.size() - a.pause_at), ec);
                return;
            case server_action::kind::respond_then_close:
                respond(s, a, false, head);
                return;
            default:
                if (!respond(s, a, false, head)) return;
            }
        }
    }

    template <class Stream>
    bool respond(Stream& s, const server_action& a, bool close, bool head) {
        namespace http = boost::beast::http;
        http::response<http::string_body> res{static_cast<http::status>(a.status), 11};
        for (const auto& [n, v] : a.headers) res.set(n, v);
        if (res.find(http::field::date) == res.end()) {
            const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            const std::time_t t = std::chrono::system_clock::to_time_t(now);
            std::tm tm{};
            gmtime_r(&t, &tm);
            char date[64];
            std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
            res.set(http::field::date, date);
        }
        if (head) {
            res.content_length(a.body.size()); // a HEAD answer announces the body it omits
        } else {
            res.body() = a.body;
            if (a.chunked) res.chunked(true);
            else res.prepare_payload();
        }
        if (close) res.keep_alive(false);
        boost::system::error_code ec;
        http::write(s, res, ec);
        return !ec;
    }

    template <class Request>
    void record(const Request& req, std::size_t index) {
        recorded_request r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        for (const auto& f : req) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = std::string(f.value());
            r.header_lines.emplace_back(std::move(name), std::string(f.value()));
        }
        r.body = req.body();
        r.connection = index;
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(r));
    }

    std::optional<boost::asio::ssl::context> tls_;
    mutable std::mutex mutex_;
    std::deque<server_action> script_;
    server_action default_ = server_action::ok();
    std::vector<recorded_request> requests_;
    std::vector<std::string> server_names_;
    threaded_listener listener_; // last: its threads stop before the state above goes
};

} // namespace cirrus::test
