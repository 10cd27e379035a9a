#pragma once
// A scripted PostgreSQL server for client tests, on 127.0.0.1 with an ephemeral port, for
// what a real server will not do: ask for a cleartext password over unverified TLS, break
// a TLS handshake, flood ParameterStatus, demand ten million SCRAM iterations, stream rows
// without end. Each accepted connection plays the next script (answer the SSLRequest, send
// bytes, expect messages and answer them, stream until a CancelRequest arrives ...) and
// records what the client sent; CancelRequests are counted, not scripted. Blocking I/O on
// threads of its own (support/threaded_listener.hpp), so a client that blocks its
// executor cannot stall it.
//
//   pg_script_server server(&pki);
//   server.add(pg_script_server::script{}
//                  .on_ssl_request(pg_script_server::ssl_answer::accept)
//                  .send(pg_wire::auth_cleartext())
//                  .expect('p')
//                  .send(pg_wire::auth_ok() + pg_wire::ready()));
//   ... connect to 127.0.0.1:server.port() ...
//   server.connections()[0].messages   // what the client sent

#include "support/test_pki.hpp"
#include "support/threaded_listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::test {

// Backend messages, for scripts.
namespace pg_wire {

inline std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
inline std::string u16(std::uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }

inline std::string message(char type, std::string_view body) {
    return std::string(1, type) + u32(static_cast<std::uint32_t>(body.size() + 4)) + std::string(body);
}

inline std::string auth(std::uint32_t code, std::string_view data = {}) {
    return message('R', u32(code) + std::string(data));
}
inline std::string auth_ok() { return auth(0); }
inline std::string auth_cleartext() { return auth(3); }
inline std::string auth_md5(std::string_view salt = "s4lt") { return auth(5, salt); }
inline std::string auth_sasl(std::initializer_list<std::string_view> mechanisms) {
    std::string data;
    for (auto m : mechanisms) data.append(m).push_back('\0');
    data.push_back('\0');
    return auth(10, data);
}
inline std::string sasl_continue(std::string_view data) { return auth(11, data); }
inline std::string sasl_final(std::string_view data) { return auth(12, data); }

inline std::string parameter_status(std::string_view name, std::string_view value) {
    return message('S', std::string(name) + '\0' + std::string(value) + '\0');
}
inline std::string backend_key(std::uint32_t pid = 4242, std::uint32_t secret = 0x5ec2e7) {
    return message('K', u32(pid) + u32(secret));
}
inline std::string ready(char status = 'I') { return message('Z', std::string(1, status)); }

// Text columns.
inline std::string row_description(const std::vector<std::string>& names) {
    std::string body = u16(static_cast<std::uint16_t>(names.size()));
    for (const auto& n : names) body += n + '\0' + u32(0) + u16(0) + u32(25) + u16(0xffff) + u32(0xffffffff) + u16(0);
    return message('T', body);
}
inline std::string data_row(const std::vector<std::string>& values) {
    std::string body = u16(static_cast<std::uint16_t>(values.size()));
    for (const auto& v : values) body += u32(static_cast<std::uint32_t>(v.size())) + v;
    return message('D', body);
}
inline std::string command_complete(std::string_view tag) { return message('C', std::string(tag) + '\0'); }
inline std::string error_response(std::string_view sqlstate, std::string_view text,
                                  std::string_view severity = "ERROR") {
    std::string body;
    for (auto [code, value] : {std::pair{'S', severity}, std::pair{'V', severity}, std::pair{'C', sqlstate},
                               std::pair{'M', text}})
        body += std::string(1, code) + std::string(value) + '\0';
    return message('E', body + '\0');
}

// The attributes of a SCRAM client-first-message or other "k=v,k=v" text.
inline std::string scram_attribute(std::string_view text, char key) {
    std::string_view rest = text;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto attr = rest.substr(0, comma);
        if (attr.size() >= 2 && attr[0] == key && attr[1] == '=') return std::string(attr.substr(2));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return {};
}

} // namespace pg_wire

// One message the client sent after its startup packet.
struct pg_client_message {
    char type = 0;
    std::string body;
};

// What one connection saw.
struct pg_connection_log {
    bool ssl_requested = false;
    bool tls = false; // the TLS handshake completed
    std::map<std::string, std::string> startup;
    std::vector<pg_client_message> messages;
    bool script_completed = false; // every step ran (an expect() that failed stops it)
};

class pg_script_server {
public:
    enum class ssl_answer {
        refuse,          // 'N': the client goes on without TLS (or gives up)
        accept,          // 'S' and a TLS handshake with the test PKI's certificate
        break_handshake, // 'S', then bytes that are not TLS, then close
    };

    class script {
    public:
        script& on_ssl_request(ssl_answer a) {
            ssl_ = a;
            return *this;
        }
        script& send(std::string bytes) { return add(step(step::kind::send, std::move(bytes))); }
        // Reads one message; a message of another type ends the script (and the connection).
        script& expect(char type) { return add(step(step::kind::expect, {}, type)); }
        // Reads one message of `type` and sends what `answer` makes of it.
        script& answer(char type, std::function<std::string(const pg_client_message&)> answer) {
            step s(step::kind::expect, {}, type);
            s.answer = std::move(answer);
            return add(std::move(s));
        }
        // Sends `chunk` again and again until a CancelRequest arrives, then `on_cancel`; or,
        // once `limit` bytes went out without one, `on_limit`.
        script& stream_until_cancel(std::string chunk, std::size_t limit, std::string on_cancel,
                                    std::string on_limit) {
            step s(step::kind::stream, std::move(chunk));
            s.limit = limit;
            s.on_cancel = std::move(on_cancel);
            s.on_limit = std::move(on_limit);
            return add(std::move(s));
        }
        // Hangs up (otherwise the server reads until the client does).
        script& close() { return add(step(step::kind::close)); }

    private:
        friend class pg_script_server;
        struct step {
            enum class kind { send, expect, stream, close };
            explicit step(kind k, std::string b = {}, char t = 0) : what(k), bytes(std::move(b)), type(t) {}
            kind what;
            std::string bytes;
            char type;
            std::function<std::string(const pg_client_message&)> answer;
            std::size_t limit = 0;
            std::string on_cancel, on_limit;
        };
        script& add(step s) {
            steps_.push_back(std::move(s));
            return *this;
        }
        ssl_answer ssl_ = ssl_answer::refuse;
        std::vector<step> steps_;
    };

    // TLS needs `pki` (the server certificate); without it an SSLRequest is refused.
    explicit pg_script_server(const test_pki* pki = nullptr) {
        if (pki != nullptr) tls_.emplace(pki->server_context());
        listener_.start([this](tcp::socket& sock, std::size_t) { serve_connection(sock); });
    }
    ~pg_script_server() { stop(); }

    void stop() { listener_.stop(); }

    std::uint16_t port() const noexcept { return listener_.port(); }

    // Scripts are played in order, one per connection (CancelRequests aside); a
    // connection beyond them is closed after its first packet.
    void add(script s) {
        std::lock_guard lock(mutex_);
        scripts_.push_back(std::move(s));
    }

    std::vector<pg_connection_log> connections() const {
        std::lock_guard lock(mutex_);
        return logs_;
    }
    std::size_t cancel_requests() const noexcept { return cancels_.load(); }

private:
    using tcp = boost::asio::ip::tcp;
    static constexpr std::uint32_t ssl_request_code = 80877103;
    static constexpr std::uint32_t cancel_request_code = 80877102;
    static constexpr std::uint32_t max_packet = 64u << 20;

    static std::uint32_t load32(const char* p) {
        auto b = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])); };
        return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
    }

    // A length-prefixed packet without a type byte (startup, SSLRequest, CancelRequest).
    template <class Stream>
    static bool read_packet(Stream& s, std::string& body) {
        char len[4];
        boost::system::error_code ec;
        boost::asio::read(s, boost::asio::buffer(len), ec);
        std::uint32_t n = ec ? 0 : load32(len);
        if (n < 8 || n > max_packet) return false;
        body.assign(n - 4, '\0');
        boost::asio::read(s, boost::asio::buffer(body), ec);
        return !ec;
    }

    template <class Stream>
    static bool read_message(Stream& s, pg_client_message& m) {
        char header[5];
        boost::system::error_code ec;
        boost::asio::read(s, boost::asio::buffer(header), ec);
        std::uint32_t n = ec ? 0 : load32(header + 1);
        if (n < 4 || n > max_packet) return false;
        m.type = header[0];
        m.body.assign(n - 4, '\0');
        boost::asio::read(s, boost::asio::buffer(m.body), ec);
        return !ec;
    }

    template <class Stream>
    static bool write(Stream& s, std::string_view bytes) {
        boost::system::error_code ec;
        boost::asio::write(s, boost::asio::buffer(bytes.data(), bytes.size()), ec);
        return !ec;
    }

    void serve_connection(tcp::socket& sock) {
        std::string packet;
        if (!read_packet(sock, packet)) return;
        const std::uint32_t code = load32(packet.data());
        if (code == cancel_request_code) {
            ++cancels_;
            return;
        }
        script sc;
        std::size_t index = 0;
        {
            std::lock_guard lock(mutex_);
            if (scripts_.empty()) return;
            sc = std::move(scripts_.front());
            scripts_.pop_front();
            index = logs_.size();
            logs_.emplace_back();
        }
        if (code != ssl_request_code) {
            play(sock, packet, sc, index);
            return;
        }
        update(index, [](pg_connection_log& log) { log.ssl_requested = true; });
        if (sc.ssl_ == ssl_answer::break_handshake) {
            write(sock, "Snot a TLS server hello\r\n");
            return;
        }
        if (sc.ssl_ == ssl_answer::refuse || !tls_) {
            if (!write(sock, "N") || !read_packet(sock, packet)) return;
            play(sock, packet, sc, index);
            return;
        }
        if (!write(sock, "S")) return;
        boost::asio::ssl::stream<tcp::socket&> tls(sock, *tls_);
        boost::system::error_code ec;
        tls.handshake(boost::asio::ssl::stream_base::server, ec);
        if (ec || !read_packet(tls, packet)) return;
        update(index, [](pg_connection_log& log) { log.tls = true; });
        play(tls, packet, sc, index);
    }

    template <class Stream>
    void play(Stream& s, const std::string& startup, const script& sc, std::size_t index) {
        update(index, [&](pg_connection_log& log) {
            // protocol version, then name\0value\0 ... \0
            std::string_view rest = std::string_view(startup).substr(4);
            while (!rest.empty() && rest.front() != '\0') {
                auto name_end = rest.find('\0');
                auto value_end = rest.find('\0', name_end + 1);
                if (name_end == std::string_view::npos || value_end == std::string_view::npos) break;
                log.startup[std::string(rest.substr(0, name_end))] =
                    std::string(rest.substr(name_end + 1, value_end - name_end - 1));
                rest.remove_prefix(value_end + 1);
            }
        });
        for (const auto& step : sc.steps_) {
            if (!run_step(s, step, index)) return;
        }
        update(index, [](pg_connection_log& log) { log.script_completed = true; });
        if (!sc.steps_.empty() && sc.steps_.back().what == script::step::kind::close) return;
        pg_client_message m;
        while (read_message(s, m)) update(index, [&](pg_connection_log& log) { log.messages.push_back(m); });
    }

    template <class Stream>
    bool run_step(Stream& s, const script::step& step, std::size_t index) {
        using kind = script::step::kind;
        switch (step.what) {
        case kind::send: return write(s, step.bytes);
        case kind::close: return true;
        case kind::expect: {
            pg_client_message m;
            if (!read_message(s, m)) return false;
            update(index, [&](pg_connection_log& log) { log.messages.push_back(m); });
            if (m.type != step.type) return false;
            return !step.answer || write(s, step.answer(m));
        }
        case kind::stream: {
            const std::size_t cancels_before = cancels_.load();
            for (std::size_t sent = 0; sent < step.limit; sent += step.bytes.size()) {
                if (cancels_.load() != cancels_before) return write(s, step.on_cancel);
                if (!write(s, step.bytes)) return false;
            }
            return write(s, step.on_limit);
        }
        }
        return false;
    }

    template <class F>
    void update(std::size_t index, F f) {
        std::lock_guard lock(mutex_);
        f(logs_[index]);
    }

    std::optional<boost::asio::ssl::context> tls_;
    std::atomic<std::size_t> cancels_{0};
    mutable std::mutex mutex_;
    std::deque<script> scripts_;
    std::vector<pg_connection_log> logs_;
    threaded_listener listener_; // last: its threads stop before the state above goes
};

} // namespace cirrus::test
