#pragma once
// The DynamoDB operations: one coroutine per operation over detail::core, defined in
// dynamodb/impl/operations.ipp (compiled once with CIRRUS_SEPARATE_COMPILATION), and what
// the client template needs of the core without seeing it.

#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/dynamodb/model.hpp>
#include <cirrus/dynamodb/options.hpp>
#include <cirrus/http/endpoint.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace cirrus::dynamodb::detail {

class core;
using task = boost::asio::awaitable<error_code>;

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
} // namespace ops

// operation<Request>: the coroutine of a request type and its result type.
template <class Request>
struct operation;

template <class Request, class Result, task (*Op)(core&, const Request&, Result&, diagnostics&)>
struct operation_fn {
    using request_type = Request;
    using result_type = Result;
    static task run(core& c, const Request& r, Result& out, diagnostics& d) { return Op(c, r, out, d); }
};

#define CIRRUS_DYNAMODB_OPERATION(REQ, RES, FN) \
    template <>                                 \
    struct operation<REQ> : operation_fn<REQ, RES, &ops::FN> {};
CIRRUS_DYNAMODB_OPERATION(create_table_request, table_description, create_table)
CIRRUS_DYNAMODB_OPERATION(describe_table_request, table_description, describe_table)
CIRRUS_DYNAMODB_OPERATION(update_table_request, table_description, update_table)
CIRRUS_DYNAMODB_OPERATION(delete_table_request, table_description, delete_table)
CIRRUS_DYNAMODB_OPERATION(list_tables_request, list_tables_result, list_tables)
CIRRUS_DYNAMODB_OPERATION(update_time_to_live_request, time_to_live_result, update_time_to_live)
CIRRUS_DYNAMODB_OPERATION(describe_time_to_live_request, time_to_live_result, describe_time_to_live)
CIRRUS_DYNAMODB_OPERATION(table_active_request, wait_result, table_active)
CIRRUS_DYNAMODB_OPERATION(table_not_exists_request, wait_result, table_not_exists)
CIRRUS_DYNAMODB_OPERATION(put_item_request, put_item_result, put_item)
CIRRUS_DYNAMODB_OPERATION(get_item_request, get_item_result, get_item)
CIRRUS_DYNAMODB_OPERATION(update_item_request, update_item_result, update_item)
CIRRUS_DYNAMODB_OPERATION(delete_item_request, delete_item_result, delete_item)
CIRRUS_DYNAMODB_OPERATION(query_request, query_result, query)
CIRRUS_DYNAMODB_OPERATION(scan_request, scan_result, scan)
CIRRUS_DYNAMODB_OPERATION(parallel_scan_request, parallel_scan_result, parallel_scan)
CIRRUS_DYNAMODB_OPERATION(batch_write_request, batch_write_result, batch_write)
CIRRUS_DYNAMODB_OPERATION(batch_get_request, batch_get_result, batch_get)
CIRRUS_DYNAMODB_OPERATION(transact_write_request, transact_write_result, transact_write)
CIRRUS_DYNAMODB_OPERATION(transact_get_request, transact_get_result, transact_get)
CIRRUS_DYNAMODB_OPERATION(execute_statement_request, execute_statement_result, execute_statement)
CIRRUS_DYNAMODB_OPERATION(batch_execute_statement_request, batch_execute_statement_result, batch_execute_statement)
#undef CIRRUS_DYNAMODB_OPERATION

template <class T>
concept dynamodb_request = requires { typename operation<T>::result_type; };

} // namespace cirrus::dynamodb::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/dynamodb/impl/operations.ipp>
#endif
