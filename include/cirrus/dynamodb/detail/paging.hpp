#pragma once
// What a pager (core/pager.hpp) needs to know about a DynamoDB listing: Query and Scan
// move on by LastEvaluatedKey, ListTables by LastEvaluatedTableName, ExecuteStatement by
// NextToken. Every key or token of the listing is remembered, so a server that returns to
// an earlier one ends the range with errc::protocol_error instead of looping.

#include <cirrus/core/pager.hpp>
#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/detail/operations.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::dynamodb::detail {

template <class Request>
struct paging {
    static constexpr bool by_table_name = std::is_same_v<Request, list_tables_request>;
    static constexpr bool by_token = std::is_same_v<Request, execute_statement_request>;

    using core_type = core;
    using request_type = Request;
    using result_type = typename operation<Request>::result_type;
    using item_type = std::conditional_t<by_table_name, void, item>;
    struct state_type {
        cirrus::detail::page_markers markers;
        item key;         // the LastEvaluatedKey the request views
        std::string text; // that key as JSON, to remember it
    };

    static state_type start(const Request& r) {
        if constexpr (by_table_name) return {cirrus::detail::page_markers(r.exclusive_start_table), {}, {}};
        else if constexpr (by_token) return {cirrus::detail::page_markers(r.next_token), {}, {}};
        else return state_type{cirrus::detail::page_markers(), {}, {}};
    }
    static boost::asio::any_io_executor executor(core& c) noexcept { return executor_of(c); }
    static task fetch(core& c, const Request& r, result_type& out, diagnostics& diag) {
        return operation<Request>::run(c, r, out, diag);
    }
    static page_step advance(Request& r, const result_type& page, state_type& s) {
        if constexpr (by_table_name) {
            if (page.last_evaluated_table.empty()) return page_step::last;
            return s.markers.advance(page.last_evaluated_table, r.exclusive_start_table);
        } else if constexpr (by_token) {
            if (page.next_token.empty()) return page_step::last;
            return s.markers.advance(page.next_token, r.next_token);
        } else {
            if (!page.more()) return page_step::last;
            s.text.clear();
            json_writer(s.text).map(page.last_evaluated_key);
            std::string_view unused;
            if (s.markers.advance(s.text, unused) == page_step::stuck) return page_step::stuck;
            s.key = page.last_evaluated_key;
            r.exclusive_start_key = s.key;
            return page_step::next;
        }
    }
    static std::vector<item>& items(result_type& page) noexcept requires(!by_table_name) { return page.items; }
};

} // namespace cirrus::dynamodb::detail
