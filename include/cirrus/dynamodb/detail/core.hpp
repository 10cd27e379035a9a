#pragma once
// What every DynamoDB operation shares: the AWS service core (aws/detail/service.hpp: the
// endpoint, the signing region, credentials, SigV4 signing, the transport's request loop,
// which retries throttling such as ProvisionedThroughputExceededException with backoff,
// and the error envelope) with failures mapped to dynamodb::errc, plus the response
// reader and one exchange: an awsJson1.0 POST with X-Amz-Target whose error body's details
// (old item, cancellation reasons) are read. Included by the .ipp files only.

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/detail/exchange_pool.hpp>
#include <cirrus/dynamodb/detail/exchange_lease.hpp>
#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/options.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::dynamodb::detail {

namespace asio = boost::asio;
using task = asio::awaitable<error_code>;

// One call, leased from the core's pool (exchange_lease) for the operation.
struct exchange {
    std::string body;               // the request's JSON
    aws::detail::service_call call; // call.res.body: the response's JSON
    std::string target;             // "DynamoDB_20120810.<Operation>"
    error_details details;          // of a failure: old item, cancellation reasons

    // Room for a typical request from the start, so that a request a few bytes longer
    // than the ones before (a key's number one digit longer) does not grow the buffer.
    static constexpr std::size_t initial_body = 1024;
    exchange() { body.reserve(initial_body); }

    // For the next call of the same operation.
    void reset() {
        body.clear();
        call.res.clear();
        details = {};
    }

    // Back to a fresh exchange for the pool, keeping the storage of the strings and the
    // response's header map, but not bodies past max_kept_body (a 1 MB Query page or a
    // 400 KB item does not stay pinned in a pooled exchange).
    static constexpr std::size_t max_kept_body = 256 * 1024;
    void clear() noexcept {
        body.clear();
        if (body.capacity() > max_kept_body) std::string().swap(body);
        call.res.clear();
        if (call.res.body.capacity() > max_kept_body) std::string().swap(call.res.body);
        call.body = {};
        call.target = {};
        call.views.clear();
        call.creds.reset();
        details.item.reset();
        details.reasons.clear();
    }
};

// Exchanges kept for the later operations of the same client (core/detail/exchange_pool.hpp;
// a lease is taken where the operation is started).
using exchange_pool = cirrus::detail::exchange_pool<exchange>;

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
    dynamodb::typed_reader typed; // of the typed operations (dynamodb/typed.hpp)
    exchange_pool exchanges;

    exchange_lease lease() { return exchange_lease(exchanges.take().release(), exchange_returner{this}); }

    // Sends x.body as the operation `op` ("PutItem" ...); on failure the diagnostics and
    // the details of the error body are filled.
    task send(exchange& x, std::string_view op, diagnostics& diag) {
        prepare(x, op);
        co_return after(co_await svc.send(x.call, diag), x);
    }

    // send() in two halves, for an operation that awaits svc.send itself (one coroutine
    // frame fewer per request).
    void prepare(exchange& x, std::string_view op) {
        x.target = "DynamoDB_20120810.";
        x.target += op;
        x.call.body = x.body;
        x.call.content_type = "application/x-amz-json-1.0";
        x.call.target = x.target;
    }
    error_code after(error_code ec, exchange& x) {
        if ((ec == errc::conditional_check_failed || ec == errc::transaction_canceled) && !x.call.res.body.empty())
            (void)reader.error(x.call.res.body, x.details); // the details are a bonus: a malformed body keeps the error
        return ec;
    }
};

} // namespace cirrus::dynamodb::detail
