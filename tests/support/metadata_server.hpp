#pragma once
// A small credentials server on 127.0.0.1 that follows the documented endpoints of the
// EC2 instance metadata service (IMDSv2) and of the ECS/EKS container credentials
// endpoint, for the tests of imds_provider and container_provider:
//   PUT /latest/api/token                               X-aws-ec2-metadata-token-ttl-seconds
//                                                       (1..21600) -> a session token
//   GET /latest/meta-data/iam/security-credentials/      the role (token required, else 401)
//   GET /latest/meta-data/iam/security-credentials/<role> the credentials document
//   GET <container_path>                                 the container credentials document,
//                                                       Authorization checked when required
// What it answers (credentials, expired ones, an error status, a Code other than
// Success, a delay) is set between requests; every request is recorded. Blocking Beast
// I/O on its own threads (threaded_listener).

#include "support/threaded_listener.hpp"

#include <cirrus/auth/credentials.hpp>
#include <cirrus/core/iso8601.hpp>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cirrus::test {

class metadata_server {
public:
    struct request_record {
        std::string method, target;
        std::map<std::string, std::string> headers; // lower-case names
    };

    // What the server answers; change it through configure().
    struct behaviour {
        std::string role = "cirrus-instance-role"; // empty: no role attached (404)
        auth::credentials credentials{"ASIAMETADATAEXAMPLE", "metadata/Secret+Key/EXAMPLEKEYVALUE",
                                      "metadata-session-token-EXAMPLE", {}};
        std::string code = "Success";         // IMDS document's Code
        unsigned credentials_status = 200;    // status of the credentials GETs
        unsigned token_status = 200;          // status of the token PUT
        std::chrono::milliseconds delay{0};   // before every answer
        std::string container_path = "/v2/credentials/task-1234";
        std::string required_authorization;   // container endpoint: empty = none
        std::string body_override;            // credentials GETs answer this body when set
    };

    metadata_server() {
        listener_.start([this](boost::asio::ip::tcp::socket& s, std::size_t) { serve(s); });
    }
    ~metadata_server() { listener_.stop(); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port()); }
    std::uint16_t port() const { return listener_.port(); }

    template <class F>
    void configure(F&& f) {
        std::lock_guard lock(mutex_);
        f(behaviour_);
    }
    // The server forgets the tokens it gave out: the next use is answered 401.
    void revoke_tokens() {
        std::lock_guard lock(mutex_);
        tokens_.clear();
    }
    std::vector<request_record> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::size_t count(std::string_view method, std::string_view target_prefix) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& r : requests_)
            if (r.method == method && std::string_view(r.target).starts_with(target_prefix)) ++n;
        return n;
    }
    std::vector<std::string> issued_tokens() const {
        std::lock_guard lock(mutex_);
        return issued_;
    }

private:
    using response_t = boost::beast::http::response<boost::beast::http::string_body>;

    static std::string document(const behaviour& b, bool imds) {
        std::string body = "{";
        if (imds) body += R"("Code":")" + b.code + R"(","LastUpdated":"2024-05-01T11:00:00Z","Type":"AWS-HMAC",)";
        body += R"("AccessKeyId":")" + b.credentials.access_key_id + R"(","SecretAccessKey":")" +
                b.credentials.secret_access_key + R"(","Token":")" + b.credentials.session_token + "\"";
        if (b.credentials.expiration) body += R"(,"Expiration":")" + iso8601::format(*b.credentials.expiration) + "\"";
        if (!imds) body += R"(,"RoleArn":"arn:aws:iam::123456789012:role/task-role")";
        return body + "}";
    }

    // The answer to one request, and whether the connection stays open.
    response_t answer(const request_record& r) {
        std::lock_guard lock(mutex_);
        const behaviour& b = behaviour_;
        response_t res;
        res.version(11);
        res.set(boost::beast::http::field::content_type, "text/plain");
        auto status = [&](unsigned code, std::string body) {
            res.result(code);
            res.body() = std::move(body);
        };
        auto header = [&](const char* name) {
            auto it = r.headers.find(name);
            return it == r.headers.end() ? std::string() : it->second;
        };
        constexpr std::string_view creds_path = "/latest/meta-data/iam/security-credentials/";
        if (r.method == "PUT" && r.target == "/latest/api/token") {
            const std::string ttl = header("x-aws-ec2-metadata-token-ttl-seconds");
            int seconds = 0;
            try {
                seconds = std::stoi(ttl);
            } catch (...) {
            }
            if (b.token_status != 200) {
                status(b.token_status, "token refused");
            } else if (seconds < 1 || seconds > 21600) {
                status(400, "missing or invalid X-aws-ec2-metadata-token-ttl-seconds");
            } else {
                std::string token = "imds-session-token-" + std::to_string(issued_.size() + 1) + "-SECRET";
                issued_.push_back(token);
                tokens_.insert(token);
                res.set("X-aws-ec2-metadata-token-ttl-seconds", ttl);
                status(200, token);
            }
        } else if (r.method == "GET" && std::string_view(r.target).starts_with(creds_path)) {
            const std::string role(std::string_view(r.target).substr(creds_path.size()));
            if (!tokens_.contains(header("x-aws-ec2-metadata-token"))) {
                status(401, "");
            } else if (b.role.empty()) {
                status(404, "not found");
            } else if (role.empty()) {
                status(200, b.role + "\n");
            } else if (role != b.role) {
                status(404, "not found");
            } else if (b.credentials_status != 200) {
                status(b.credentials_status, "error");
            } else {
                res.set(boost::beast::http::field::content_type, "application/json");
                status(200, b.body_override.empty() ? document(b, true) : b.body_override);
            }
        } else if (r.method == "GET" && r.target == b.container_path) {
            if (!b.required_authorization.empty() && header("authorization") != b.required_authorization) {
                status(401, R"({"code":"AccessDenied","message":"bad token"})");
            } else if (b.credentials_status != 200) {
                status(b.credentials_status, R"({"code":"InternalError","message":"failure"})");
            } else {
                res.set(boost::beast::http::field::content_type, "application/json");
                status(200, b.body_override.empty() ? document(b, false) : b.body_override);
            }
        } else {
            status(404, "not found");
        }
        return res;
    }

    void serve(boost::asio::ip::tcp::socket& socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            boost::system::error_code ec;
            http::read(socket, buffer, req, ec);
            if (ec) return;
            request_record r{std::string(req.method_string()), std::string(req.target()), {}};
            for (const auto& f : req) {
                std::string name(f.name_string());
                for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                r.headers[name] = std::string(f.value());
            }
            std::chrono::milliseconds delay;
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(r);
                delay = behaviour_.delay;
            }
            for (auto waited = std::chrono::milliseconds(0); waited < delay && !listener_.stopped();
                 waited += std::chrono::milliseconds(10))
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            auto res = answer(r);
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            http::write(socket, res, ec);
            if (ec || !req.keep_alive()) return;
        }
    }

    mutable std::mutex mutex_;
    behaviour behaviour_;
    std::set<std::string> tokens_;
    std::vector<std::string> issued_;
    std::vector<request_record> requests_;
    threaded_listener listener_; // last: stopped (and its threads joined) first
};

} // namespace cirrus::test
