#pragma once
// What every DynamoDB operation shares: the AWS service core (aws/detail/service.hpp: the
// endpoint, the signing region, credentials, SigV4 signing, the transport's request loop,
// which retries throttling such as ProvisionedThroughputExceededException with backoff,
// and the error envelope) with failures mapped to dynamodb::errc, plus the response
// reader and one exchange: an awsJson1.0 POST with X-Amz-Target whose error body's details
// (old item, cancellation reasons) are read. Included by the .ipp files only.

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/options.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace cirrus::dynamodb::detail {

namespace asio = boost::asio;
using task = asio::awaitable<error_code>;

// One call, kept alive in the operation's frame.
struct exchange {
    std::string body;               // the request's JSON
    aws::detail::service_call call; // call.res.body: the response's JSON
    std::string target;             // "DynamoDB_20120810.<Operation>"
    error_details details;          // of a failure: old item, cancellation reasons

    void reset() {
        body.clear();
        call.res.clear();
        details = {};
    }
};

inline error_code map_service_error(error_code ec, const diagnostics& diag) {
    return to_dynamodb_error(ec, diag.service_code);
}

inline constexpr aws::detail::service_names service_names{.endpoint_id = "dynamodb",
                                                          .signing_name = "dynamodb",
                                                          .map_error = &map_service_error};

class core {
public:
    core(asio::any_io_executor ex, client_options opts, http::endpoint ep, std::string signing_region)
        : svc(std::move(ex), service_names, std::move(opts), std::move(ep), std::move(signing_region)) {}

    aws::detail::service svc;
    json_reader reader;

    // Sends x.body as the operation `op` ("PutItem" ...); on failure the diagnostics and
    // the details of the error body are filled.
    task send(exchange& x, std::string_view op, diagnostics& diag) {
        x.target = "DynamoDB_20120810.";
        x.target += op;
        x.call.body = x.body;
        x.call.content_type = "application/x-amz-json-1.0";
        x.call.target = x.target;
        const error_code ec = co_await svc.send(x.call, diag);
        if ((ec == errc::conditional_check_failed || ec == errc::transaction_canceled) && !x.call.res.body.empty())
            (void)reader.error(x.call.res.body, x.details); // the details are a bonus: a malformed body keeps the error
        co_return ec;
    }
};

} // namespace cirrus::dynamodb::detail
