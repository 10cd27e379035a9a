#pragma once
// The operation object every client over aws::detail::service starts with async_op: the
// request (copied with everything its views name) and the service, kept alive by the
// operation. Operation<Request> supplies result_type and run(service&, request, result&,
// diagnostics&).

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>

#include <memory>

namespace cirrus::aws::detail {

template <template <class> class Operation, class Request>
struct service_op {
    using result_type = typename Operation<Request>::result_type;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<service> svc;
    cirrus::detail::owned_copy<Request> request;

    asio::awaitable<error_code> start(diagnostics& d, result_type& out) {
        return Operation<Request>::run(*svc, request.get(), out, d);
    }
};

} // namespace cirrus::aws::detail
