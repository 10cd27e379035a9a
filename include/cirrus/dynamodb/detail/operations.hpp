#pragma once
// The DynamoDB operations: one coroutine per operation over detail::core, defined in
// dynamodb/impl/operations.ipp (compiled once with CIRRUS_SEPARATE_COMPILATION), and what
// the client template needs of the core without seeing it.

#include <cirrus/core/config.hpp>
#include <cirrus/core/detail/request_op.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/dynamodb/detail/exchange_lease.hpp>
#include <cirrus/dynamodb/model.hpp>
#include <cirrus/dynamodb/options.hpp>
#include <cirrus/http/endpoint.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace cirrus::dynamodb {
class typed_reader;
}

namespace cirrus::dynamodb::detail {

using task = boost::asio::awaitable<error_code>;

CIRRUS_DECL exchange_lease acquire_exchange(core& c);
// The buffer the request's JSON is written to (empty in a new lease).
CIRRUS_DECL std::string& request_body(exchange& x) noexcept;

// Reads a typed response body into *out (found: GetItem's item was there). Instantiated
// per struct type by the typed operations (dynamodb/typed.hpp).
using typed_parse = error_code (*)(typed_reader& reader, std::string& body, void* out, bool& found);
// Reads a typed Query or Scan page into *items (a std::vector of the struct), its counts,
// and its LastEvaluatedKey as JSON (empty on the last page).
using typed_page_parse = error_code (*)(typed_reader& reader, std::string& body, void* items, std::int64_t& count,
                                        std::int64_t& scanned_count, std::string& last_key);

CIRRUS_DECL std::shared_ptr<core> make_core(boost::asio::any_io_executor ex, client_options options,
                                            http::endpoint endpoint, std::string signing_region);
CIRRUS_DECL boost::asio::any_io_executor executor_of(const core& c) noexcept;
CIRRUS_DECL diagnostics& last_diagnostics_of(core& c) noexcept;
CIRRUS_DECL const client_options& options_of(const core& c) noexcept;
CIRRUS_DECL const http::endpoint& endpoint_of(const core& c) noexcept;

namespace ops {
CIRRUS_DECL task create_table(core& c, const create_table_request& r, table_description& out, diagnostics& diag);
CIRRUS_DECL task describe_table(core& c, const describe_table_request& r, table_description& out, diagnostics& diag);
CIRRUS_DECL task update_table(core& c, const update_table_request& r, table_description& out, diagnostics& diag);
CIRRUS_DECL task delete_table(core& c, const delete_table_request& r, table_description& out, diagnostics& diag);
CIRRUS_DECL task list_tables(core& c, const list_tables_request& r, list_tables_result& out, diagnostics& diag);
CIRRUS_DECL task update_time_to_live(core& c, const update_time_to_live_request& r, time_to_live_result& out,
                                     diagnostics& diag);
CIRRUS_DECL task describe_time_to_live(core& c, const describe_time_to_live_request& r, time_to_live_result& out,
                                       diagnostics& diag);
CIRRUS_DECL task table_active(core& c, const table_active_request& r, wait_result& out, diagnostics& diag);
CIRRUS_DECL task table_not_exists(core& c, const table_not_exists_request& r, wait_result& out, diagnostics& diag);
CIRRUS_DECL task put_item(core& c, const put_item_request& r, put_item_result& out, diagnostics& diag);
CIRRUS_DECL task get_item(core& c, const get_item_request& r, get_item_result& out, diagnostics& diag);
CIRRUS_DECL task update_item(core& c, const update_item_request& r, update_item_result& out, diagnostics& diag);
CIRRUS_DECL task delete_item(core& c, const delete_item_request& r, delete_item_result& out, diagnostics& diag);
CIRRUS_DECL task query(core& c, const query_request& r, query_result& out, diagnostics& diag);
CIRRUS_DECL task scan(core& c, const scan_request& r, scan_result& out, diagnostics& diag);
CIRRUS_DECL task parallel_scan(core& c, const parallel_scan_request& r, parallel_scan_result& out, diagnostics& diag);
CIRRUS_DECL task batch_write(core& c, const batch_write_request& r, batch_write_result& out, diagnostics& diag);
CIRRUS_DECL task batch_get(core& c, const batch_get_request& r, batch_get_result& out, diagnostics& diag);
CIRRUS_DECL task transact_write(core& c, const transact_write_request& r, transact_write_result& out,
                                diagnostics& diag);
CIRRUS_DECL task transact_get(core& c, const transact_get_request& r, transact_get_result& out, diagnostics& diag);
CIRRUS_DECL task execute_statement(core& c, const execute_statement_request& r, execute_statement_result& out,
                                   diagnostics& diag);
CIRRUS_DECL task batch_execute_statement(core& c, const batch_execute_statement_request& r,
                                         batch_execute_statement_result& out, diagnostics& diag);
// A typed operation: sends the body already written in x as `op` ("GetItem", "PutItem"),
// then hands the response body to `parse` (when not null) with `out`. After a failed
// condition, `failed` (when not null) reads the error body's item as it was into `out`.
CIRRUS_DECL task typed_call(core& c, exchange& x, std::string_view op, typed_parse parse, void* out, bool* found,
                            typed_parse failed, diagnostics& diag);
// A typed Query or Scan page: sends the body already written in x as `op`, then reads the
// response into *items with `parse`, the LastEvaluatedKey's JSON into last_key, and, when
// info is not null, the counts and that key (as an item) into *info.
CIRRUS_DECL task typed_page_call(core& c, exchange& x, std::string_view op, typed_page_parse parse, void* items,
                                 page_info* info, std::string& last_key, diagnostics& diag);
} // namespace ops

// operation<Request>: the coroutine of a request type and its result type.
template <class Request>
struct operation;

template <auto Op>
using operation_fn = cirrus::detail::bound_operation<Op>;

template <>
struct operation<create_table_request> : operation_fn<&ops::create_table> {};
template <>
struct operation<describe_table_request> : operation_fn<&ops::describe_table> {};
template <>
struct operation<update_table_request> : operation_fn<&ops::update_table> {};
template <>
struct operation<delete_table_request> : operation_fn<&ops::delete_table> {};
template <>
struct operation<list_tables_request> : operation_fn<&ops::list_tables> {};
template <>
struct operation<update_time_to_live_request> : operation_fn<&ops::update_time_to_live> {};
template <>
struct operation<describe_time_to_live_request> : operation_fn<&ops::describe_time_to_live> {};
template <>
struct operation<table_active_request> : operation_fn<&ops::table_active> {};
template <>
struct operation<table_not_exists_request> : operation_fn<&ops::table_not_exists> {};
template <>
struct operation<put_item_request> : operation_fn<&ops::put_item> {};
template <>
struct operation<get_item_request> : operation_fn<&ops::get_item> {};
template <>
struct operation<update_item_request> : operation_fn<&ops::update_item> {};
template <>
struct operation<delete_item_request> : operation_fn<&ops::delete_item> {};
template <>
struct operation<query_request> : operation_fn<&ops::query> {};
template <>
struct operation<scan_request> : operation_fn<&ops::scan> {};
template <>
struct operation<parallel_scan_request> : operation_fn<&ops::parallel_scan> {};
template <>
struct operation<batch_write_request> : operation_fn<&ops::batch_write> {};
template <>
struct operation<batch_get_request> : operation_fn<&ops::batch_get> {};
template <>
struct operation<transact_write_request> : operation_fn<&ops::transact_write> {};
template <>
struct operation<transact_get_request> : operation_fn<&ops::transact_get> {};
template <>
struct operation<execute_statement_request> : operation_fn<&ops::execute_statement> {};
template <>
struct operation<batch_execute_statement_request> : operation_fn<&ops::batch_execute_statement> {};

template <class T>
concept dynamodb_request = requires {
    typename operation<T>::result_type;
};

} // namespace cirrus::dynamodb::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/dynamodb/impl/operations.ipp>
#endif
