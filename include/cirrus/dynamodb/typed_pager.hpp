#pragma once
// The pages of a typed Query or Scan (dynamodb/typed.hpp), read straight into the caller's
// std::vector of described structs without item maps: client::query_pages<T>(request) and
// client::scan_pages<T>(request).
//
//   auto pages = db.query_pages<client_row>({.table = "clients", .key_condition = key, .limit = 100});
//   std::vector<client_row> rows;           // keep it: its elements are overwritten in place
//   while (!pages.done()) {
//       co_await pages.async_next_page(rows);
//       for (auto& r : rows) use(r);
//   }
//   // or, item by item, into one struct:
//   client_row row;
//   while (co_await pages.async_next(row)) use(row);
//
// Each page is one request, written into a pooled exchange when the page is asked for;
// the LastEvaluatedKey of a page goes into the next request as the response's JSON, never
// through an item. Every key is remembered, so a server that returns to an earlier one
// ends the range with errc::protocol_error instead of looping (core/pager.hpp). Keep the
// pager alive and call one async_next* at a time, either pages or items.

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/pager.hpp>
#include <cirrus/dynamodb/detail/operations.hpp>
#include <cirrus/dynamodb/detail/serialize.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::dynamodb {

namespace detail {
// Defined in dynamodb/typed.hpp.
template <class T>
struct typed_codec;
template <class Key>
struct typed_delete_codec;
template <class T>
concept complete_type = requires {
    sizeof(T);
};

template <class Request>
inline constexpr std::string_view page_operation = std::is_same_v<Request, query_request> ? "Query" : "Scan";
} // namespace detail

template <class Request, class T>
class typed_pager {
    static_assert(std::is_same_v<Request, query_request> || std::is_same_v<Request, scan_request>,
                  "typed pages are those of a Query or a Scan");

public:
    typed_pager(std::shared_ptr<detail::core> c, const Request& r) : core_(std::move(c)), req_(r) {}
    typed_pager(const typed_pager&) = delete;
    typed_pager& operator=(const typed_pager&) = delete;
    // Not movable either: the request views the key the pager keeps.
    typed_pager(typed_pager&&) = delete;
    typed_pager& operator=(typed_pager&&) = delete;

    bool done() const noexcept { return done_ && next_ >= buffered_.size(); }
    std::size_t pages_fetched() const noexcept { return pages_; }

    // The next page's items into `out` (resized to them, existing elements overwritten in
    // place), completion void(error_code); after the last page done() is true, and a call
    // after that leaves `out` empty. An item that does not fit T is errc::validation, the
    // diagnostics naming the item and the field.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_next_page(std::vector<T>& out, Token&& token = {}) {
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token), page_op{this, &out},
                                        nullptr, &diag_);
    }
    template <class Token = default_token>
    auto async_next_page(std::vector<T>& out, diagnostics& diag, Token&& token = {}) {
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token), page_op{this, &out},
                                        &diag, &diag_);
    }

    // The next item into `out` (swapped with the pager's own, so strings keep their
    // storage), completion void(error_code, bool): false after the last item.
    template <cirrus::detail::completion_token Token = default_token>
    auto async_next(T& out, Token&& token = {}) {
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token), item_op{this, &out},
                                        nullptr, &diag_);
    }
    template <class Token = default_token>
    auto async_next(T& out, diagnostics& diag, Token&& token = {}) {
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token), item_op{this, &out},
                                        &diag, &diag_);
    }

    // What the server (or the client) said about the last failed page.
    const diagnostics& last_diagnostics() const noexcept { return diag_; }

private:
    using task = boost::asio::awaitable<error_code>;

    struct page_op {
        using result_type = void;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;
        typed_pager* self;
        std::vector<T>* out;
        task start(diagnostics& d) { return self->next_page(d, *out); }
    };
    struct item_op {
        using result_type = bool;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;
        typed_pager* self;
        T* out;
        task start(diagnostics& d, bool& found) { return self->next_item(d, *out, found); }
    };

    task next_page(diagnostics& diag, std::vector<T>& out) {
        static_assert(detail::complete_type<detail::typed_codec<T>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        if (done_) {
            out.clear();
            co_return error_code{};
        }
        const detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::write(detail::request_body(*x), req_.get(), start_key_);
        error_code ec = co_await detail::ops::typed_page_call(*core_, *x, detail::page_operation<Request>,
                                                              &detail::typed_codec<T>::parse_page, &out, nullptr,
                                                              next_key_, diag);
        if (ec) co_return ec; // the same page again on the next call
        ++pages_;
        if (next_key_.empty()) {
            done_ = true;
        } else if (markers_.advance(next_key_, start_key_) == page_step::stuck) {
            done_ = true;
            ec = cirrus::detail::pagination_stuck(diag);
        }
        co_return ec;
    }

    task next_item(diagnostics& diag, T& out, bool& found) {
        found = false;
        while (next_ >= buffered_.size()) {
            if (done_) co_return error_code{};
            next_ = 0;
            if (auto ec = co_await next_page(diag, buffered_)) {
                next_ = buffered_.size(); // the page is asked for again by the next call
                co_return ec;
            }
        }
        using std::swap;
        swap(out, buffered_[next_++]);
        found = true;
        co_return error_code{};
    }

    std::shared_ptr<detail::core> core_;
    cirrus::detail::owned_copy<Request> req_;
    cirrus::detail::page_markers markers_;
    std::string_view start_key_; // the JSON of the key after which the next page starts (in markers_)
    std::string next_key_;       // the LastEvaluatedKey of the page just read
    bool done_ = false;
    std::size_t pages_ = 0;
    std::vector<T> buffered_; // of async_next
    std::size_t next_ = 0;
    diagnostics diag_;
};

template <class T>
using typed_query_pager = typed_pager<query_request, T>;
template <class T>
using typed_scan_pager = typed_pager<scan_request, T>;

} // namespace cirrus::dynamodb
