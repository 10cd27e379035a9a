#pragma once
// The operation of one request, for core/async_op.hpp, the same for every client: a copy
// of the request, with everything it names, lives here until the operation completes, and
// the client's state is kept alive by the shared pointer (the client may go away).
//
// Operation<Request> is the client's table entry for the request type: result_type
// (void for none) and `static awaitable<error_code> run(Core&, const Request&, Result&,
// diagnostics&)`.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace cirrus::detail {

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

// Results the caller reuses start from a value-initialised result unless the client says
// otherwise (Reset: a callable on the result).
struct reset_by_assignment {
    template <class Result>
    void operator()(Result& r) const {
        r = Result{};
    }
};

// The same, into a result the caller keeps (completion void(error_code)).
template <class Core, template <class> class Operation, class Request, class Reset = reset_by_assignment>
struct request_into_op {
    using result_type = void;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cancellation_mode::forward;

    std::shared_ptr<Core> c;
    owned_copy<Request> request;
    typename Operation<Request>::result_type* out;

    boost::asio::awaitable<error_code> start(diagnostics& d) {
        Reset{}(*out);
        return Operation<Request>::run(*c, request.get(), *out, d);
    }
};

} // namespace cirrus::detail
