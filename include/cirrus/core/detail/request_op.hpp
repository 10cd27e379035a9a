#pragma once
// The operation of one request, for core/async_op.hpp, the same for every client: a copy
// of the request, with everything it names, lives here until the operation completes, and
// the client's state is kept alive by the shared pointer (the client may go away).
//
// Operation<Request> is the client's table entry for the request type: result_type
// (void for none) and `static awaitable<error_code> run(Core&, const Request&, Result&,
// diagnostics&)`; bound_operation<&coroutine> makes one from the coroutine of the request.
// Core, the client's state, is found by argument-dependent lookup to give
// executor_of(const Core&) and last_diagnostics_of(Core&), and, where a result reused by
// the caller keeps storage, reset_for_reuse(const Core&, Result&).
//
//   return cirrus::detail::start_request<detail::operation>(core_, request, diag, token);

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace cirrus::detail {

// The table entry of the request a coroutine takes: Run(core, request, result, diagnostics),
// or Run(core, request, diagnostics) for a request with no result.
template <auto Run>
struct bound_operation;
template <class Core, class Request, class Result,
          boost::asio::awaitable<error_code> (*Run)(Core&, const Request&, Result&, diagnostics&)>
struct bound_operation<Run> {
    using result_type = Result;
    static boost::asio::awaitable<error_code> run(Core& c, const Request& r, Result& out, diagnostics& d) {
        return Run(c, r, out, d);
    }
};
template <class Core, class Request, boost::asio::awaitable<error_code> (*Run)(Core&, const Request&, diagnostics&)>
struct bound_operation<Run> {
    using result_type = void;
    static boost::asio::awaitable<error_code> run(Core& c, const Request& r, no_result&, diagnostics& d) {
        return Run(c, r, d);
    }
};

template <class Core, template <class> class Operation, class Request>
struct request_op {
    using result_type = typename Operation<Request>::result_type;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cancellation_mode::forward;

    std::shared_ptr<Core> c;
    owned_copy<Request> request;
    no_result none = {};

    boost::asio::awaitable<error_code> start(diagnostics& d) {
        return Operation<Request>::run(*c, request.get(), none, d);
    }
    boost::asio::awaitable<error_code> start(diagnostics& d, result_storage_t<result_type>& out) {
        return Operation<Request>::run(*c, request.get(), out, d);
    }
};

// Before an operation writes into a result the caller reused: the client's
// reset_for_reuse(core, result) where it has one (a result that keeps its storage), else a
// value-initialised result, so that nothing of the previous response remains.
template <class Core, class Result>
void reset_result(const Core& c, Result& r) {
    if constexpr (requires { reset_for_reuse(c, r); }) {
        reset_for_reuse(c, r);
    } else {
        r = Result{};
    }
}

// The same, into a result the caller keeps (completion void(error_code)).
template <class Core, template <class> class Operation, class Request>
struct request_into_op {
    using result_type = void;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cancellation_mode::forward;

    std::shared_ptr<Core> c;
    owned_copy<Request> request;
    typename Operation<Request>::result_type* out;

    boost::asio::awaitable<error_code> start(diagnostics& d) {
        reset_result(*c, *out);
        return Operation<Request>::run(*c, request.get(), *out, d);
    }
};

// Starts the operation of `r` on the client's state `c` (core/async_op.hpp): completion
// void(error_code, result), or void(error_code) for a request with no result.
template <template <class> class Operation, class Core, class Request, class Token>
auto start_request(const std::shared_ptr<Core>& c, const Request& r, diagnostics* diag, Token&& token) {
    static_assert(std::is_trivially_destructible_v<Request>,
                  "requests are views, safe as braced temporaries in co_await");
    return async_op(executor_of(*c), std::forward<Token>(token),
                    request_op<Core, Operation, Request>{c, owned_copy<Request>(r)}, diag, &last_diagnostics_of(*c));
}
// The same into `out`, a result the caller keeps: completion void(error_code).
template <template <class> class Operation, class Core, class Request, class Token>
auto start_request_into(const std::shared_ptr<Core>& c, const Request& r, typename Operation<Request>::result_type& out,
                        diagnostics* diag, Token&& token) {
    static_assert(std::is_trivially_destructible_v<Request>,
                  "requests are views, safe as braced temporaries in co_await");
    return async_op(executor_of(*c), std::forward<Token>(token),
                    request_into_op<Core, Operation, Request>{c, owned_copy<Request>(r), &out}, diag,
                    &last_diagnostics_of(*c));
}

} // namespace cirrus::detail
