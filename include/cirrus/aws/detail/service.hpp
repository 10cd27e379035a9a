#pragma once
// What every client of an AWS service other than S3 shares (DynamoDB, IAM, STS, Lambda):
// the executor and HTTP client state, the resolved endpoint and signing region, the
// credentials provider, the diagnostics of the last failure, and one send() that signs a
// request with SigV4 (header signing, the service's name and region), runs it, and turns a
// failure into a typed error whose diagnostics hold the service's code, message and
// request id (the envelope is read by the transport: http/error_envelope.hpp, JSON and
// XML).
//
//   auto svc = aws::detail::make_service<provider::aws>(ex, {.endpoint_id = "sts",
//                                                             .signing_name = "sts"}, options);
//   aws::detail::service_call call{.body = form, .content_type = "application/x-www-form-urlencoded"};
//   if (auto ec = co_await svc->send(call, diag)) ...
//   // call.res.body holds the response

#include <cirrus/auth/provider.hpp>
#include <cirrus/aws/options.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/http/client.hpp>
#include <cirrus/provider/provider.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::aws::detail {

namespace asio = boost::asio;

// Names of a service: the id of its endpoint (and of AWS_ENDPOINT_URL_<ID>), and the name
// its SigV4 scope uses; for most services they are the same.
struct service_names {
    std::string_view endpoint_id;  // "dynamodb", "sts", "iam", "lambda"
    std::string_view signing_name; // "dynamodb", "sts", "iam", "lambda"
    // Turns a failure (classified by the transport, diagnostics filled) into the
    // service's own error codes; null keeps the transport's classification.
    error_code (*map_error)(error_code ec, const diagnostics& diag) = nullptr;
};

// One request and its response, kept alive by the operation for the whole exchange. The
// request fields are views into the operation's storage.
struct service_call {
    http::verb method = http::verb::post;
    std::string_view path = "/";
    std::string_view query = {};
    std::string_view body = {};
    std::string_view content_type = {};         // "application/x-amz-json-1.0", "application/x-www-form-urlencoded"
    std::string_view target = {};               // X-Amz-Target (JSON protocols), when not empty
    std::span<const http::header> headers = {}; // any other headers
    unsigned max_attempts = 0;                  // the transport's attempts (0: the client's retry setting)
    bool anonymous = false; // unsigned, without asking the credentials provider (AssumeRoleWithWebIdentity)
    http::response res = {};

    std::vector<http::header> views = {}; // storage of send()
    auth::credentials_ptr creds = {};     // the snapshot the request was signed with
};

class service {
public:
    CIRRUS_DECL service(asio::any_io_executor ex, service_names names, service_options options, http::endpoint ep,
                        std::string signing_region);

    asio::any_io_executor executor;
    service_names names;
    service_options options;
    http::client http;
    http::endpoint endpoint; // empty when none could be resolved: send() then fails with invalid_endpoint
    std::string signing_region;
    auth::any_credentials_provider credentials;
    diagnostics last_diagnostics; // of the last failed operation started without its own

    // Signs (unless call.anonymous) and sends `call`; on failure `diag` has the service's code, message and
    // request id (never a secret) and the error is the service's.
    CIRRUS_DECL asio::awaitable<error_code> send(service_call& call, diagnostics& diag);

    // The provider's current snapshot (refreshed ahead of expiry by the cache).
    CIRRUS_DECL asio::awaitable<error_code> get_credentials(auth::credentials_ptr& out, diagnostics& diag) const;

    // What core/detail/request_op.hpp asks of a client's state.
    friend asio::any_io_executor executor_of(const service& s) noexcept { return s.executor; }
    friend const service_options& options_of(const service& s) noexcept { return s.options; }
    friend const http::endpoint& endpoint_of(const service& s) noexcept { return s.endpoint; }
    friend diagnostics& last_diagnostics_of(service& s) noexcept { return s.last_diagnostics; }
};

// Resolves the endpoint and signing region of `names.endpoint_id` for provider P
// (provider::config<P>, honouring AWS_ENDPOINT_URL_<SERVICE>) and builds the service.
template <provider::Provider P>
std::shared_ptr<service> make_service(asio::any_io_executor ex, service_names names, service_options o) {
    provider::config<P> cfg{.region = o.region, .endpoint = o.endpoint, .addressing_style = {}};
    o.region = cfg.resolved_region();
    cfg.region = o.region;
    http::endpoint ep;
    if (auto parsed = cfg.endpoint_for(names.endpoint_id)) ep = std::move(*parsed);
    std::string signing_region = cfg.signing_region(names.endpoint_id);
    return std::make_shared<service>(std::move(ex), names, std::move(o), std::move(ep), std::move(signing_region));
}

} // namespace cirrus::aws::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/aws/impl/service.ipp>
#endif
