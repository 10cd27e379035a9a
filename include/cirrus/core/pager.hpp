#pragma once
// A listing as an async range, for every client: pages, or items one at a time, without
// continuation tokens or markers. Keep the pager alive and call one async_next* at a time.
//
//   auto pages = s3.list_objects_pages({.bucket = "logs", .prefix = "2024/"});
//   while (!pages.done())
//       for (auto& o : (co_await pages.async_next_page()).objects) ...
//   // or, item by item:
//   while (auto o = co_await pages.async_next()) use(*o);
//
// Every marker a listing has used is remembered, so a server that names no next marker on
// a page it calls incomplete, or returns to an earlier one (A, B, A ...), ends the range
// with errc::protocol_error instead of making the pager ask for the same pages forever.
//
// A client describes one listing with a paging policy P:
//   P::core_type, request_type, result_type, and item_type (void when pages have no items)
//   P::state_type                     what the pager keeps between pages (its markers)
//   static state_type start(const request_type&)
//   static any_io_executor executor(core_type&)
//   static awaitable<error_code> fetch(core_type&, const request_type&, result_type&, diagnostics&)
//   static page_step advance(request_type&, const result_type&, state_type&)
//       moves the request on to the page after this one
//   static std::vector<item_type>& items(result_type&)      (when item_type is not void)

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cirrus {

// What a page says about the listing: it was the last one, the request now asks for the
// next one, or it names no marker that moves on (the range ends with protocol_error).
enum class page_step { last, next, stuck };

namespace detail {

// The markers of one listing, page after page. The request views the current markers,
// which live here; every marker seen is remembered (as a 64-bit hash of its one or two
// parts).
class page_markers {
public:
    page_markers() = default;
    // The request's own starting markers count as seen.
    explicit page_markers(std::string_view first, std::string_view second = {}) {
        if (!first.empty()) seen_.insert(hash(first, second));
    }

    // Moves the request's views on to the markers of the page just read: stuck when they
    // are missing or were seen before.
    page_step advance(std::string_view next_first, std::string_view next_second, std::string_view& first,
                      std::string_view& second) {
        if (next_first.empty() || !seen_.insert(hash(next_first, next_second)).second) return page_step::stuck;
        first_.assign(next_first);
        second_.assign(next_second);
        first = first_;
        second = second_;
        return page_step::next;
    }
    page_step advance(std::string_view next, std::string_view& current) {
        std::string_view unused;
        return advance(next, {}, current, unused);
    }

private:
    static std::uint64_t hash(std::string_view a, std::string_view b) noexcept {
        std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a over a, a separator, b
        auto mix = [&](std::string_view s) {
            for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        };
        mix(a);
        h = (h ^ 0xffu) * 0x100000001b3ull;
        mix(b);
        return h;
    }

    std::string first_, second_;
    std::unordered_set<std::uint64_t> seen_;
};

inline error_code pagination_stuck(diagnostics& diag) {
    diag.message = "a listing page that is not the last names no next marker that moves on";
    return make_error_code(errc::protocol_error);
}

} // namespace detail

template <class Paging>
class pager {
public:
    using core_type = typename Paging::core_type;
    using request_type = typename Paging::request_type;
    using result_type = typename Paging::result_type;
    using item_type = typename Paging::item_type;

    pager(std::shared_ptr<core_type> c, const request_type& req)
        : core_(std::move(c)), req_(req), state_(Paging::start(req_.get())) {}
    pager(const pager&) = delete;
    pager& operator=(const pager&) = delete;
    // Not movable either: the request views the markers the pager keeps.
    pager(pager&&) = delete;
    pager& operator=(pager&&) = delete;

    bool done() const noexcept { return done_ && next_ >= buffered_.size(); }
    std::size_t pages_fetched() const noexcept { return pages_; }

    // Completes with void(error_code, result_type); after the last page done() is true.
    template <detail::completion_token Token = default_token>
    auto async_next_page(Token&& token = {}) {
        return detail::async_op(Paging::executor(*core_), std::forward<Token>(token), page_op{this}, nullptr, &diag_);
    }
    template <class Token = default_token>
    auto async_next_page(diagnostics& diag, Token&& token = {}) {
        return detail::async_op(Paging::executor(*core_), std::forward<Token>(token), page_op{this}, &diag, &diag_);
    }

    // Completes with void(error_code, std::optional<item_type>): the next item, or nullopt
    // after the last one.
    template <detail::completion_token Token = default_token>
        requires(!std::is_void_v<item_type>)
    auto async_next(Token&& token = {}) {
        return detail::async_op(Paging::executor(*core_), std::forward<Token>(token), item_op{this}, nullptr, &diag_);
    }
    template <class Token = default_token>
        requires(!std::is_void_v<item_type>)
    auto async_next(diagnostics& diag, Token&& token = {}) {
        return detail::async_op(Paging::executor(*core_), std::forward<Token>(token), item_op{this}, &diag, &diag_);
    }

    // What the server said about the last failed page.
    const diagnostics& last_diagnostics() const noexcept { return diag_; }

private:
    using task = boost::asio::awaitable<error_code>;
    using buffered_item = std::conditional_t<std::is_void_v<item_type>, char, item_type>;

    struct page_op {
        using result_type = typename Paging::result_type;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = detail::cancellation_mode::forward;
        pager* self;
        task start(diagnostics& d, result_type& out) { return self->next_page(d, out); }
    };
    struct item_op {
        using result_type = std::optional<buffered_item>;
        using diagnostics_type = diagnostics;
        static constexpr auto cancellation = detail::cancellation_mode::forward;
        pager* self;
        task start(diagnostics& d, result_type& out) { return self->next_item(d, out); }
    };

    task next_page(diagnostics& diag, result_type& page) {
        if (done_) co_return error_code{};
        error_code ec = co_await Paging::fetch(*core_, req_.get(), page, diag);
        if (ec) co_return ec;
        ++pages_;
        switch (Paging::advance(req_.get(), page, state_)) {
        case page_step::next: break;
        case page_step::last: done_ = true; break;
        case page_step::stuck:
            done_ = true;
            ec = detail::pagination_stuck(diag);
            break;
        }
        co_return ec;
    }

    task next_item(diagnostics& diag, std::optional<buffered_item>& out) {
        while (next_ >= buffered_.size()) {
            if (done_) co_return error_code{};
            result_type page;
            if (auto ec = co_await next_page(diag, page)) co_return ec;
            buffered_ = std::move(Paging::items(page));
            next_ = 0;
        }
        out = std::move(buffered_[next_++]);
        co_return error_code{};
    }

    std::shared_ptr<core_type> core_;
    detail::owned_copy<request_type> req_;
    typename Paging::state_type state_;
    bool done_ = false;
    std::size_t pages_ = 0;
    std::vector<buffered_item> buffered_;
    std::size_t next_ = 0;
    diagnostics diag_;
};

} // namespace cirrus
