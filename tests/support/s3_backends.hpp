#pragma once
// The S3 servers the integration tests run against, as types for typed test suites:
// versitygw (provider versitygw, path style, strict signature checks), moto (provider aws
// with an endpoint override) and Garage (provider garage), which runs only in the extended
// run (`scripts/services.sh start --extended`; `scripts/test.sh --extended` requires it
// with CIRRUS_REQUIRE_GARAGE=1).
//
// The backends are in a named namespace (not an anonymous one) so that CTest names read
// <suite>.<Test><backend::versitygw>.

#include "support/services.hpp"

#include <cirrus/auth/credentials.hpp>
#include <cirrus/http/endpoint.hpp>
#include <cirrus/provider/all.hpp>
#include <cirrus/s3/options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backend {

// A server of its own credentials: Service has the endpoint, access_key, secret_key and
// region (cirrus::test::s3_service, garage_service).
template <class Service, class Provider>
struct keyed_server {
    using provider = Provider;
    // What the SDKs read (AWS_ENDPOINT_URL_S3 ...) for a client built without options.
    static std::vector<std::pair<std::string, std::string>> environment() {
        Service svc;
        return {{"AWS_ENDPOINT_URL_S3", svc.endpoint}, {"AWS_ACCESS_KEY_ID", svc.access_key},
                {"AWS_SECRET_ACCESS_KEY", svc.secret_key}, {"AWS_REGION", svc.region}};
    }
    static cirrus::s3::client_options options() {
        Service svc;
        return {.region = svc.region,
                .endpoint = svc.endpoint,
                .credentials = cirrus::auth::any_credentials_provider(
                    cirrus::auth::static_provider(svc.access_key, svc.secret_key))};
    }
};

struct versitygw : keyed_server<cirrus::test::s3_service, cirrus::provider::versitygw> {
    static constexpr const char* name = "versitygw";
};

struct moto {
    using provider = cirrus::provider::aws;
    static constexpr const char* name = "moto";
    static std::vector<std::pair<std::string, std::string>> environment() {
        return {{"AWS_ENDPOINT_URL_S3", cirrus::test::moto_endpoint()}, {"AWS_ACCESS_KEY_ID", "testing"},
                {"AWS_SECRET_ACCESS_KEY", "testing"}, {"AWS_REGION", "us-east-1"}};
    }
    static cirrus::s3::client_options options() {
        return {.region = "us-east-1",
                .endpoint = cirrus::test::moto_endpoint(),
                .credentials = cirrus::auth::any_credentials_provider(
                    cirrus::auth::static_provider("testing", "testing"))};
    }
};

struct garage : keyed_server<cirrus::test::garage_service, cirrus::provider::garage> {
    static constexpr const char* name = "garage";
    static constexpr bool extended = true; // present only in the extended run
};

} // namespace backend

namespace cirrus::test {

// True when something accepts TCP connections at the endpoint's host and port.
inline bool reachable(const std::string& endpoint) {
    const auto http = cirrus::http::endpoint::parse(endpoint);
    if (!http) return false;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket sock(ioc);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(http->host(), ec);
    if (ec) return false;
    sock.connect({address, http->port()}, ec);
    return !ec;
}

// Why a test on `Backend` cannot run here: empty when it can. A backend of the extended
// run that does not answer is skipped, unless CIRRUS_REQUIRE_GARAGE=1 asks for it
// (`required` is then set: the caller fails instead of skipping).
template <class Backend>
std::string backend_absent(bool& required) {
    required = false;
    if constexpr (requires { Backend::extended; }) {
        if (!reachable(Backend::options().endpoint)) {
            required = env_or("CIRRUS_REQUIRE_GARAGE", "0") == "1";
            return std::string(Backend::name) +
                   (required ? " is required (CIRRUS_REQUIRE_GARAGE=1) but does not answer"
                             : " is not running (scripts/services.sh start --extended garage)");
        }
    }
    return {};
}

} // namespace cirrus::test
