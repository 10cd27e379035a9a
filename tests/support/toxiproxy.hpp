#pragma once
// One Toxiproxy proxy for one test: created on an ephemeral loopback port in front of an
// upstream server through Toxiproxy's HTTP API (CIRRUS_TOXIPROXY_API), given toxics, and
// deleted with the object. Used by the HTTP, S3 and transfer fault tests.

#include "support/http_sync.hpp"
#include "support/services.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::test {

class toxiproxy_proxy {
public:
    // Creates the proxy `name` (unique per test) in front of `upstream` ("host:port").
    // Check `created()` before use.
    toxiproxy_proxy(std::string name, std::string_view upstream)
        : api_(parse_endpoint(toxiproxy_api())), name_(std::move(name)) {
        std::string body = R"({"name":")";
        body += name_;
        body += R"(","listen":"127.0.0.1:0","upstream":")";
        body += upstream;
        body += R"(","enabled":true})";
        auto r = http_exchange(api_, "POST", "/proxies", json_headers(), body);
        if (r.status != 201) {
            error_ = "Toxiproxy refused the proxy: " + std::to_string(r.status) + " " + r.body;
            return;
        }
        const auto at = r.body.find("\"listen\":\"");
        if (at == std::string::npos) {
            error_ = "Toxiproxy's answer has no listen address: " + r.body;
            return;
        }
        const auto start = at + 10;
        listen_ = r.body.substr(start, r.body.find('"', start) - start);
    }
    ~toxiproxy_proxy() {
        if (!listen_.empty()) (void)http_exchange(api_, "DELETE", "/proxies/" + name_, {{"Host", api_.host_header()}});
    }
    toxiproxy_proxy(const toxiproxy_proxy&) = delete;
    toxiproxy_proxy& operator=(const toxiproxy_proxy&) = delete;

    ::testing::AssertionResult created() const {
        if (listen_.empty()) return ::testing::AssertionFailure() << error_;
        return ::testing::AssertionSuccess();
    }
    // "127.0.0.1:port" and "http://127.0.0.1:port".
    const std::string& listen() const { return listen_; }
    std::string url() const { return "http://" + listen_; }

    // Adds the toxic `toxic` of `type` ("latency", "reset_peer", "limit_data", ...) on
    // `stream` ("downstream": server to client; "upstream": client to server) with the JSON
    // object `attributes`, at toxicity 1.
    ::testing::AssertionResult add_toxic(std::string_view toxic, std::string_view type, std::string_view attributes,
                                         std::string_view stream = "downstream") const {
        std::string body = R"({"name":")";
        body += toxic;
        body += R"(","type":")";
        body += type;
        body += R"(","stream":")";
        body += stream;
        body += R"(","toxicity":1.0,"attributes":)";
        body += attributes;
        body += "}";
        auto r = http_exchange(api_, "POST", "/proxies/" + name_ + "/toxics", json_headers(), body);
        if (r.status != 200)
            return ::testing::AssertionFailure() << "adding toxic " << toxic << ": " << r.status << " " << r.body;
        return ::testing::AssertionSuccess();
    }
    ::testing::AssertionResult remove_toxic(std::string_view toxic) const {
        std::string target = "/proxies/" + name_ + "/toxics/";
        target += toxic;
        auto r = http_exchange(api_, "DELETE", target, {{"Host", api_.host_header()}});
        if (r.status != 204)
            return ::testing::AssertionFailure() << "removing toxic " << toxic << ": " << r.status << " " << r.body;
        return ::testing::AssertionSuccess();
    }

private:
    std::vector<std::pair<std::string, std::string>> json_headers() const {
        return {{"Host", api_.host_header()}, {"Content-Type", "application/json"}};
    }

    endpoint api_;
    std::string name_;
    std::string listen_;
    std::string error_;
};

} // namespace cirrus::test
