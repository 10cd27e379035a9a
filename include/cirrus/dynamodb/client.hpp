#pragma once
// The DynamoDB client (awsJson1.0).
//
//   namespace ddb = cirrus::dynamodb;
//   ddb::client<> db(co_await asio::this_coro::executor);
//   ddb::item row{{"clientid", 42}, {"name", "Ada"}, {"year", 2024}};
//   co_await db.async_put_item({.table = "clients", .item = row});
//   ddb::item key{{"clientid", 42}};
//   auto got = co_await db.async_get_item({.table = "clients", .key = key});
//
// Every operation is async_<name>(request, [diagnostics&,] [token]) (or
// async_execute(request, ...)) and completes with void(error_code, <name>_result), or
// async_<name>(request, result&, [diagnostics&,] [token]), completing with
// void(error_code) into a result the caller keeps.
// Operations start the way every cirrus operation does (core/async_op.hpp,
// docs/async.md): any Asio completion token, and cirrus::default_token when none is given,
// which throws error_with_diagnostics when co_awaited. The result reaches the handler with
// the error too: a failed condition's old item (put/update/delete_item_result::attributes,
// when asked for) and a canceled transaction's reasons (cancellation_reasons).
//
// Requests are views, copied when the operation starts (items, keys and expressions
// included); the client may be destroyed while operations run. Operations run on the
// client's executor; use a strand for a multi-threaded io_context.

#include <cirrus/auth/provider.hpp>
#include <cirrus/core/async_op.hpp>
#include <cirrus/core/detail/client_handle.hpp>
#include <cirrus/core/detail/owned_copy.hpp>
#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/dynamodb/detail/operations.hpp>
#include <cirrus/dynamodb/detail/paging.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/model.hpp>
#include <cirrus/dynamodb/options.hpp>
#include <cirrus/dynamodb/typed_pager.hpp>
#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/provider.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::dynamodb {

namespace detail {

// Before a call into a result the caller keeps (core/detail/request_op.hpp): nothing of the
// previous response remains; a page's vector keeps its capacity.
inline void reset_for_reuse(const core&, query_result& r) {
    r.items.clear();
    r.count = 0;
    r.scanned_count = 0;
    r.last_evaluated_key.clear();
}
// A typed operation (dynamodb/typed.hpp): the request is already written in the leased
// exchange. Result is bool (GetItem: whether the item was there; DeleteItem: whether one
// was deleted), void (PutItem, UpdateItem) or page_info (a Query or Scan page, read with a
// typed_page_parse into the vector `out`). `failed`, when not null, reads the item as it
// was into `out` after a failed condition.
template <class Result, class Parse = typed_parse>
struct typed_op {
    using result_type = Result;
    using diagnostics_type = diagnostics;
    static constexpr auto cancellation = cirrus::detail::cancellation_mode::forward;

    std::shared_ptr<core> c; // declared before the lease, which gives the exchange back to it
    exchange_lease x;
    std::string_view op; // a literal
    Parse parse;
    void* out;
    typed_parse failed = nullptr;
    std::string last_key = {}; // of a page: its LastEvaluatedKey's JSON

    task start(diagnostics& d) { return ops::typed_call(*c, *x, op, parse, out, nullptr, failed, d); }
    task start(diagnostics& d, bool& found) { return ops::typed_call(*c, *x, op, parse, out, &found, failed, d); }
    task start(diagnostics& d, page_info& info) {
        return ops::typed_page_call(*c, *x, op, parse, out, &info, last_key, d);
    }
};

// The state of a client of provider P, with the endpoint resolved for the options.
template <provider::Provider Provider>
std::shared_ptr<core> make_client_core(boost::asio::any_io_executor ex, client_options o) {
    provider::config<Provider> cfg{.region = o.region, .endpoint = o.endpoint, .addressing_style = {}};
    o.region = cfg.resolved_region();
    cfg.region = o.region;
    http::endpoint ep; // stays empty when unusable: every operation then fails with invalid_endpoint
    if (auto parsed = cfg.endpoint_for("dynamodb")) ep = std::move(*parsed);
    std::string signing_region = cfg.signing_region("dynamodb");
    return make_core(std::move(ex), std::move(o), std::move(ep), std::move(signing_region));
}

// A token, and not the options of a typed operation (which other overloads take there).
template <class T>
concept typed_token = cirrus::detail::completion_token<T> && !std::is_same_v<std::remove_cvref_t<T>, get_options> &&
                      !std::is_same_v<std::remove_cvref_t<T>, put_options> &&
                      !std::is_same_v<std::remove_cvref_t<T>, delete_options> &&
                      !std::is_same_v<std::remove_cvref_t<T>, update_options>;

} // namespace detail

// The pages of a Query, Scan, ListTables or ExecuteStatement as an async range
// (core/pager.hpp), without LastEvaluatedKey or NextToken handling. Keep the pager alive
// and call one async_next* at a time.
//
//   auto pages = db.query_pages({.table = "clients", .key_condition = key});
//   while (!pages.done()) for (auto& i : (co_await pages.async_next_page()).items) ...
//   // or, item by item (Query, Scan, ExecuteStatement):
//   while (auto i = co_await pages.async_next()) use(*i);
template <class Request>
using pager = cirrus::pager<detail::paging<Request>>;

using query_pager = pager<query_request>;
using scan_pager = pager<scan_request>;
using list_tables_pager = pager<list_tables_request>;
using execute_statement_pager = pager<execute_statement_request>;

template <provider::Provider Provider = provider::aws>
class client : public cirrus::detail::client_handle<Provider, detail::core, client_options,
                                                    &detail::make_client_core<Provider>> {
public:
    // Constructors (core/detail/client_handle.hpp): client(executor, [options,
    // [credentials]]). The endpoint comes from options.endpoint,
    // $AWS_ENDPOINT_URL_DYNAMODB, $AWS_ENDPOINT_URL or the provider's regional endpoint.
    using client::client_handle::client_handle;

    // Runs the operation of any request type: async_execute(put_item_request{...}).
    template <detail::dynamodb_request Request, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const Request& r, Token&& token = {}) {
        return start(r, nullptr, std::forward<Token>(token));
    }
    template <detail::dynamodb_request Request, class Token = default_token>
    auto async_execute(const Request& r, diagnostics& diag, Token&& token = {}) {
        return start(r, &diag, std::forward<Token>(token));
    }
    // Into a result the caller keeps, completion void(error_code): every field is
    // rewritten by each call; a reused query_result keeps its vector's capacity.
    //   dynamodb::get_item_result got;
    //   co_await db.async_get_item({.table = "t", .key = k}, got);
    template <detail::dynamodb_request Request, cirrus::detail::completion_token Token = default_token>
    auto async_execute(const Request& r, typename detail::operation<Request>::result_type& out, Token&& token = {}) {
        return start_into(r, out, nullptr, std::forward<Token>(token));
    }
    template <detail::dynamodb_request Request, class Token = default_token>
    auto async_execute(const Request& r, typename detail::operation<Request>::result_type& out, diagnostics& diag,
                       Token&& token = {}) {
        return start_into(r, out, &diag, std::forward<Token>(token));
    }

    // ------------------------------------------------------------------ tables
    template <class... Args>
    auto async_create_table(const create_table_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_describe_table(const describe_table_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_update_table(const update_table_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_table(const delete_table_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    // One page; list_tables_pages() walks them all.
    template <class... Args>
    auto async_list_tables(const list_tables_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_update_time_to_live(const update_time_to_live_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_describe_time_to_live(const describe_time_to_live_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    // Waiters: the table exists and is ACTIVE (with its GSIs); the table is gone.
    template <class... Args>
    auto async_wait_table_active(const table_active_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_wait_table_not_exists(const table_not_exists_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // ------------------------------------------------------------------ items
    template <class... Args>
    auto async_put_item(const put_item_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_get_item(const get_item_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_update_item(const update_item_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_delete_item(const delete_item_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

    // ------------------------------------------------------------------ typed items
    // GetItem into a described struct, PutItem of one, UpdateItem and DeleteItem by key,
    // without an item map; declared here, usable with #include <cirrus/dynamodb/typed.hpp>.
    // The key is a described struct of the key attributes (or an item).
    // - async_get completes with void(error_code, bool): false when no item has the key
    //   (out untouched); a field missing from the item or of another type is
    //   errc::validation.
    // - async_put completes with void(error_code); with put_options, under a condition.
    //   Given a struct `old` too, a failed condition reads the item as it was into it
    //   (ReturnValuesOnConditionCheckFailure ALL_OLD; untouched when there was none).
    // - async_update sends the update (and update_options' condition, their placeholders
    //   numbered together) with ReturnValues ALL_NEW and reads the new item into `out`;
    //   void(error_code). With return_old_item_on_condition_failure, a failed condition
    //   reads the item as it was into `out` (untouched when there was none).
    // - async_delete completes with void(error_code, bool): whether an item was deleted
    //   (ReturnValues ALL_OLD: the old item comes back over the wire, and is not read).
    // A failed condition is errc::conditional_check_failed with the service's message and
    // request id in the diagnostics. The request (table, key, struct, update, condition)
    // is written when the call is made; `out` and `old` must live until the completion.
    // The options name their condition (a view, like the item API's requests).
    //   bool found = co_await db.async_get("clients", client_key{42}, row);
    //   co_await db.async_put("clients", row);
    //   co_await db.async_put("clients", row, ddb::put_options{.condition = only_new});
    //   co_await db.async_update("clients", client_key{42}, ddb::update().increment(attr("visits"), 1), row);
    //   bool existed = co_await db.async_delete("clients", client_key{42});
    template <class Key, class T, detail::typed_token Token = default_token>
    auto async_get(std::string_view table, const Key& key, T& out, Token&& token = {}) {
        return start_get(table, key, out, get_options{}, nullptr, std::forward<Token>(token));
    }
    template <class Key, class T, class Token = default_token>
    auto async_get(std::string_view table, const Key& key, T& out, diagnostics& diag, Token&& token = {}) {
        return start_get(table, key, out, get_options{}, &diag, std::forward<Token>(token));
    }
    template <class Key, class T, cirrus::detail::completion_token Token = default_token>
    auto async_get(std::string_view table, const Key& key, T& out, const get_options& o, Token&& token = {}) {
        return start_get(table, key, out, o, nullptr, std::forward<Token>(token));
    }
    template <class Key, class T, class Token = default_token>
    auto async_get(std::string_view table, const Key& key, T& out, const get_options& o, diagnostics& diag,
                   Token&& token = {}) {
        return start_get(table, key, out, o, &diag, std::forward<Token>(token));
    }
    template <class T, detail::typed_token Token = default_token>
    auto async_put(std::string_view table, const T& value, Token&& token = {}) {
        return start_put(table, value, nullptr, static_cast<T*>(nullptr), nullptr, std::forward<Token>(token));
    }
    template <class T, class Token = default_token>
    auto async_put(std::string_view table, const T& value, diagnostics& diag, Token&& token = {}) {
        return start_put(table, value, nullptr, static_cast<T*>(nullptr), &diag, std::forward<Token>(token));
    }
    template <class T, cirrus::detail::completion_token Token = default_token>
    auto async_put(std::string_view table, const T& value, const put_options& o, Token&& token = {}) {
        return start_put(table, value, &o, static_cast<T*>(nullptr), nullptr, std::forward<Token>(token));
    }
    template <class T, class Token = default_token>
    auto async_put(std::string_view table, const T& value, const put_options& o, diagnostics& diag,
                   Token&& token = {}) {
        return start_put(table, value, &o, static_cast<T*>(nullptr), &diag, std::forward<Token>(token));
    }
    template <class T, cirrus::detail::completion_token Token = default_token>
    auto async_put(std::string_view table, const T& value, const put_options& o, T& old, Token&& token = {}) {
        return start_put(table, value, &o, &old, nullptr, std::forward<Token>(token));
    }
    template <class T, class Token = default_token>
    auto async_put(std::string_view table, const T& value, const put_options& o, T& old, diagnostics& diag,
                   Token&& token = {}) {
        return start_put(table, value, &o, &old, &diag, std::forward<Token>(token));
    }
    template <class Key, detail::typed_token Token = default_token>
    auto async_delete(std::string_view table, const Key& key, Token&& token = {}) {
        return start_delete(table, key, nullptr, nullptr, std::forward<Token>(token));
    }
    template <class Key, class Token = default_token>
    auto async_delete(std::string_view table, const Key& key, diagnostics& diag, Token&& token = {}) {
        return start_delete(table, key, nullptr, &diag, std::forward<Token>(token));
    }
    template <class Key, cirrus::detail::completion_token Token = default_token>
    auto async_delete(std::string_view table, const Key& key, const delete_options& o, Token&& token = {}) {
        return start_delete(table, key, &o, nullptr, std::forward<Token>(token));
    }
    template <class Key, class Token = default_token>
    auto async_delete(std::string_view table, const Key& key, const delete_options& o, diagnostics& diag,
                      Token&& token = {}) {
        return start_delete(table, key, &o, &diag, std::forward<Token>(token));
    }
    template <class Key, class T, detail::typed_token Token = default_token>
    auto async_update(std::string_view table, const Key& key, const update& u, T& out, Token&& token = {}) {
        return start_update(table, key, u, out, nullptr, nullptr, std::forward<Token>(token));
    }
    template <class Key, class T, class Token = default_token>
    auto async_update(std::string_view table, const Key& key, const update& u, T& out, diagnostics& diag,
                      Token&& token = {}) {
        return start_update(table, key, u, out, nullptr, &diag, std::forward<Token>(token));
    }
    template <class Key, class T, cirrus::detail::completion_token Token = default_token>
    auto async_update(std::string_view table, const Key& key, const update& u, T& out, const update_options& o,
                      Token&& token = {}) {
        return start_update(table, key, u, out, &o, nullptr, std::forward<Token>(token));
    }
    template <class Key, class T, class Token = default_token>
    auto async_update(std::string_view table, const Key& key, const update& u, T& out, const update_options& o,
                      diagnostics& diag, Token&& token = {}) {
        return start_update(table, key, u, out, &o, &diag, std::forward<Token>(token));
    }

    // ------------------------------------------------------------------ typed Query and Scan
    // One page of a Query or Scan straight into a std::vector of described structs (resized
    // to the page's items, existing elements overwritten in place), without item maps;
    // declared here, usable with #include <cirrus/dynamodb/typed.hpp>. Completes with
    // void(error_code, page_info): the counts and the LastEvaluatedKey (empty on the last
    // page). An item that does not fit the struct is errc::validation, the diagnostics
    // naming the item and the field. The request is written when the call is made; `out`
    // must live until the completion. query_pages<T>() and scan_pages<T>() walk every page.
    //   std::vector<client_row> rows;
    //   auto page = co_await db.async_query({.table = "clients", .key_condition = key}, rows);
    template <class T, cirrus::detail::completion_token Token = default_token>
    auto async_query(const query_request& r, std::vector<T>& out, Token&& token = {}) {
        return start_page(r, out, nullptr, std::forward<Token>(token));
    }
    template <class T, class Token = default_token>
    auto async_query(const query_request& r, std::vector<T>& out, diagnostics& diag, Token&& token = {}) {
        return start_page(r, out, &diag, std::forward<Token>(token));
    }
    template <class T, cirrus::detail::completion_token Token = default_token>
    auto async_scan(const scan_request& r, std::vector<T>& out, Token&& token = {}) {
        return start_page(r, out, nullptr, std::forward<Token>(token));
    }
    template <class T, class Token = default_token>
    auto async_scan(const scan_request& r, std::vector<T>& out, diagnostics& diag, Token&& token = {}) {
        return start_page(r, out, &diag, std::forward<Token>(token));
    }
    // Every page, into the caller's vector or struct (dynamodb/typed_pager.hpp).
    template <class T>
    typed_query_pager<T> query_pages(const query_request& r) const {
        return {core_, r};
    }
    template <class T>
    typed_scan_pager<T> scan_pages(const scan_request& r) const {
        return {core_, r};
    }

    // ------------------------------------------------------------------ reading many
    // One page each; query_pages() and scan_pages() walk them all.
    template <class... Args>
    auto async_query(const query_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_scan(const scan_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    // Every page of every segment, total_segments Scans in flight.
    template <class... Args>
    auto async_parallel_scan(const parallel_scan_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    query_pager query_pages(const query_request& r) const { return {core_, r}; }
    scan_pager scan_pages(const scan_request& r) const { return {core_, r}; }
    list_tables_pager list_tables_pages(const list_tables_request& r = {}) const { return {core_, r}; }
    execute_statement_pager execute_statement_pages(const execute_statement_request& r) const { return {core_, r}; }

    // ------------------------------------------------------------------ batches, transactions, PartiQL
    template <class... Args>
    auto async_batch_write(const batch_write_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_batch_get(const batch_get_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_transact_write(const transact_write_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_transact_get(const transact_get_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_execute_statement(const execute_statement_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }
    template <class... Args>
    auto async_batch_execute_statement(const batch_execute_statement_request& r, Args&&... args) {
        return async_execute(r, std::forward<Args>(args)...);
    }

private:
    template <class Request, class Token>
    auto start(const Request& r, diagnostics* diag, Token&& token) {
        return cirrus::detail::start_request<detail::operation>(core_, r, diag, std::forward<Token>(token));
    }
    template <class Request, class Token>
    auto start_into(const Request& r, typename detail::operation<Request>::result_type& out, diagnostics* diag,
                    Token&& token) {
        return cirrus::detail::start_request_into<detail::operation>(core_, r, out, diag, std::forward<Token>(token));
    }

    template <class Key, class T, class Token>
    auto start_get(std::string_view table, const Key& key, T& out, const get_options& o, diagnostics* diag,
                   Token&& token) {
        static_assert(detail::complete_type<detail::typed_codec<T>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::typed_codec<T>::write_get(detail::request_body(*x), table, key, o);
        return cirrus::detail::async_op(
            detail::executor_of(*core_), std::forward<Token>(token),
            detail::typed_op<bool>{core_, std::move(x), "GetItem", &detail::typed_codec<T>::parse_get, &out}, diag,
            &detail::last_diagnostics_of(*core_));
    }

    // old: where a failed condition reads the item as it was (not null: asked for).
    template <class T, class Token>
    auto start_put(std::string_view table, const T& value, const put_options* o, T* old, diagnostics* diag,
                   Token&& token) {
        static_assert(detail::complete_type<detail::typed_codec<T>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::typed_codec<T>::write_put(detail::request_body(*x), table, value, o, old != nullptr);
        detail::typed_parse failed = old != nullptr ? &detail::typed_codec<T>::parse_get : nullptr;
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token),
                                        detail::typed_op<void>{core_, std::move(x), "PutItem", nullptr, old, failed},
                                        diag, &detail::last_diagnostics_of(*core_));
    }

    template <class Key, class Token>
    auto start_delete(std::string_view table, const Key& key, const delete_options* o, diagnostics* diag,
                      Token&& token) {
        static_assert(detail::complete_type<detail::typed_delete_codec<Key>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::typed_delete_codec<Key>::write(detail::request_body(*x), table, key, o);
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token),
                                        detail::typed_op<bool>{core_, std::move(x), "DeleteItem",
                                                               &detail::typed_delete_codec<Key>::parse, nullptr},
                                        diag, &detail::last_diagnostics_of(*core_));
    }

    template <class Key, class T, class Token>
    auto start_update(std::string_view table, const Key& key, const update& u, T& out, const update_options* o,
                      diagnostics* diag, Token&& token) {
        static_assert(detail::complete_type<detail::typed_codec<T>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::typed_codec<T>::write_update(detail::request_body(*x), table, key, u, o);
        detail::typed_parse failed = o != nullptr && o->return_old_item_on_condition_failure
                                         ? &detail::typed_codec<T>::parse_get
                                         : nullptr;
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token),
                                        detail::typed_op<void>{core_, std::move(x), "UpdateItem",
                                                               &detail::typed_codec<T>::parse_attributes, &out, failed},
                                        diag, &detail::last_diagnostics_of(*core_));
    }

    template <class Request, class T, class Token>
    auto start_page(const Request& r, std::vector<T>& out, diagnostics* diag, Token&& token) {
        static_assert(detail::complete_type<detail::typed_codec<T>>,
                      "the typed operations need #include <cirrus/dynamodb/typed.hpp>");
        using page_op = detail::typed_op<page_info, detail::typed_page_parse>;
        detail::exchange_lease x = detail::acquire_exchange(*core_);
        detail::write(detail::request_body(*x), r);
        return cirrus::detail::async_op(detail::executor_of(*core_), std::forward<Token>(token),
                                        page_op{core_, std::move(x), detail::page_operation<Request>,
                                                &detail::typed_codec<T>::parse_page, &out},
                                        diag, &detail::last_diagnostics_of(*core_));
    }

    using client::client_handle::core_; // the client's state
};

// dynamodb::client<> db(executor, [options, [credentials]]) is a client of provider::aws.
// clang-format off
client(boost::asio::any_io_executor) -> client<>;
client(boost::asio::any_io_executor, client_options) -> client<>;
client(boost::asio::any_io_executor, client_options, auth::credentials) -> client<>;
// clang-format on

} // namespace cirrus::dynamodb
