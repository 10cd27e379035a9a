#pragma once
// The STS operations over the shared AWS service core, defined in sts/impl/operations.ipp
// (compiled once with CIRRUS_SEPARATE_COMPILATION).

#include <cirrus/aws/detail/operation.hpp>
#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/sts/model.hpp>

#include <boost/asio/awaitable.hpp>

namespace cirrus::sts::detail {

using task = boost::asio::awaitable<error_code>;
using aws::detail::service;

CIRRUS_DECL aws::detail::service_names names() noexcept;

namespace ops {
CIRRUS_DECL task get_caller_identity(service& s, const get_caller_identity_request& r, caller_identity& out,
                                     diagnostics& diag);
CIRRUS_DECL task assume_role(service& s, const assume_role_request& r, assume_role_result& out, diagnostics& diag);
CIRRUS_DECL task assume_role_with_web_identity(service& s, const assume_role_with_web_identity_request& r,
                                               assume_role_result& out, diagnostics& diag);
CIRRUS_DECL task get_session_token(service& s, const get_session_token_request& r, session_token_result& out,
                                   diagnostics& diag);
} // namespace ops

// Parsers of the response documents (also used by the unit tests on canned bytes).
CIRRUS_DECL error_code parse_caller_identity(std::string_view xml, caller_identity& out);
CIRRUS_DECL error_code parse_assume_role(std::string_view xml, assume_role_result& out);
CIRRUS_DECL error_code parse_session_token(std::string_view xml, session_token_result& out);

template <class Request>
struct operation;
#define CIRRUS_STS_OPERATION(name, fn, result)                                                                         \
    template <>                                                                                                        \
    struct operation<name> : aws::detail::bound_operation<name, result, &ops::fn> {};
CIRRUS_STS_OPERATION(get_caller_identity_request, get_caller_identity, caller_identity)
CIRRUS_STS_OPERATION(assume_role_request, assume_role, assume_role_result)
CIRRUS_STS_OPERATION(assume_role_with_web_identity_request, assume_role_with_web_identity, assume_role_result)
CIRRUS_STS_OPERATION(get_session_token_request, get_session_token, session_token_result)
#undef CIRRUS_STS_OPERATION

} // namespace cirrus::sts::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/sts/impl/operations.ipp>
#endif
