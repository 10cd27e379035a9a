#pragma once
// Where a request goes: scheme, host and port. An endpoint owns its strings; requests
// refer to one through an endpoint_view, so building a request copies nothing.

#include <cirrus/core/result.hpp>
#include <cirrus/http/error.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace cirrus::http {

enum class scheme { http, https };

constexpr std::uint16_t default_port(scheme s) noexcept { return s == scheme::https ? 443 : 80; }

struct endpoint_view {
    http::scheme scheme = http::scheme::https;
    std::string_view host = {}; // name or address, IPv6 without brackets
    std::uint16_t port = 443;
    std::string_view host_header = {}; // the Host header value: host, or host:port off the default

    friend bool operator==(const endpoint_view& a, const endpoint_view& b) noexcept {
        return a.scheme == b.scheme && a.port == b.port && a.host == b.host;
    }
};

class endpoint {
public:
    endpoint() = default;
    endpoint(http::scheme s, std::string host, std::uint16_t port) : scheme_(s), host_(std::move(host)), port_(port) {
        build_host_header();
    }

    // "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:7070", "http://[::1]:9000/".
    // A path after the authority is not part of an endpoint and is rejected.
    static result<endpoint> parse(std::string_view url) {
        endpoint e;
        if (url.starts_with("https://")) {
            e.scheme_ = scheme::https;
            url.remove_prefix(8);
        } else if (url.starts_with("http://")) {
            e.scheme_ = scheme::http;
            url.remove_prefix(7);
        } else {
            return make_error_code(errc::invalid_endpoint);
        }
        while (url.ends_with('/')) url.remove_suffix(1);
        if (url.empty() || url.find_first_of("/?#@ \t\r\n") != std::string_view::npos)
            return make_error_code(errc::invalid_endpoint);
        std::string_view host;
        std::string_view port;
        if (url.front() == '[') {
            const auto close = url.find(']');
            if (close == std::string_view::npos || close == 1) return make_error_code(errc::invalid_endpoint);
            host = url.substr(1, close - 1);
            const std::string_view rest = url.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') return make_error_code(errc::invalid_endpoint);
                port = rest.substr(1);
            }
        } else {
            const auto colon = url.find(':');
            host = url.substr(0, colon);
            if (colon != std::string_view::npos) port = url.substr(colon + 1);
        }
        if (host.empty()) return make_error_code(errc::invalid_endpoint);
        e.port_ = default_port(e.scheme_);
        if (!port.empty() || url.ends_with(':')) {
            unsigned value = 0;
            const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
            if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535)
                return make_error_code(errc::invalid_endpoint);
            e.port_ = static_cast<std::uint16_t>(value);
        }
        e.host_.assign(host);
        e.build_host_header();
        return e;
    }

    http::scheme scheme() const noexcept { return scheme_; }
    const std::string& host() const noexcept { return host_; }
    std::uint16_t port() const noexcept { return port_; }
    const std::string& host_header() const noexcept { return host_header_; }
    endpoint_view view() const noexcept { return {scheme_, host_, port_, host_header_}; }
    operator endpoint_view() const noexcept { return view(); }

    // "http://127.0.0.1:7070"
    std::string url() const { return std::string(scheme_ == scheme::https ? "https://" : "http://") + host_header_; }

private:
    void build_host_header() {
        const bool ipv6 = host_.find(':') != std::string::npos;
        host_header_.clear();
        if (ipv6) host_header_ += '[';
        host_header_ += host_;
        if (ipv6) host_header_ += ']';
        if (port_ != default_port(scheme_)) {
            host_header_ += ':';
            host_header_ += std::to_string(port_);
        }
    }

    http::scheme scheme_ = http::scheme::https;
    std::string host_;
    std::uint16_t port_ = 443;
    std::string host_header_;
};

} // namespace cirrus::http
