#pragma once
// The building blocks of a service's operation table (Operation<Request>, see
// aws/detail/client_base.hpp) and of its pagers (core/pager.hpp), shared by IAM, STS,
// Lambda and API Gateway:
//
//   template <> struct operation<get_user_request>
//       : aws::detail::bound_operation<get_user_request, user, &ops::get_user> {};
//
//   struct pages {
//       static auto next(const auto& page) { return aws::detail::next_marker(page.next_marker); }
//       static auto& items(auto& page) noexcept { return page.items; }
//   };
//   template <class Request>
//   using paging = aws::detail::marker_paging<operation<Request>, Request, &Request::marker, pages>;

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/pager.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::aws::detail {

// The operation of Request: one coroutine, Run, that fills a Result
// (core/detail/request_op.hpp).
template <class Request, class Result,
          boost::asio::awaitable<error_code> (*Run)(service&, const Request&, Result&, diagnostics&)>
using bound_operation = cirrus::detail::bound_operation<Run>;

// The marker of the next page as a listing's page gives it: none when the page is the last.
inline std::optional<std::string_view> next_marker(std::string_view marker) noexcept {
    if (marker.empty()) return std::nullopt;
    return marker;
}

// What a pager needs of a listing that moves on by one marker. RequestMarker is the
// request's marker member (a string_view the pager points at the next marker).
// Pages::next(page) gives the next marker, or nullopt when the page is the last (a next
// marker that is empty or seen before ends the range with protocol_error);
// Pages::items(page) is the page's vector of items. (Pages is a type rather than lambdas:
// g++ 12 rejects lambdas in the arguments of an alias template.)
template <class Operation, class Request, auto RequestMarker, class Pages>
struct marker_paging {
    using core_type = service;
    using request_type = Request;
    using result_type = typename Operation::result_type;
    using item_type =
        typename std::remove_reference_t<decltype(Pages::items(std::declval<result_type&>()))>::value_type;
    using state_type = cirrus::detail::page_markers;

    static state_type start(const Request& r) { return state_type(r.*RequestMarker); }
    static boost::asio::any_io_executor executor(service& s) noexcept { return s.executor; }
    static boost::asio::awaitable<error_code> fetch(service& s, const Request& r, result_type& out,
                                                    diagnostics& diag) {
        return Operation::run(s, r, out, diag);
    }
    static page_step advance(Request& r, const result_type& page, state_type& markers) {
        std::optional<std::string_view> next = Pages::next(page);
        if (!next) return page_step::last;
        return markers.advance(*next, r.*RequestMarker);
    }
    static std::vector<item_type>& items(result_type& page) noexcept { return Pages::items(page); }
};

} // namespace cirrus::aws::detail
