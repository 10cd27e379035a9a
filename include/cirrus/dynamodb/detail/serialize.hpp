#pragma once
// Writing DynamoDB requests (awsJson1.0 bodies), defined in dynamodb/impl/serialize.ipp.
// Each function appends the body of one call to `out` (a buffer the caller reuses).

#include <cirrus/core/config.hpp>
#include <cirrus/dynamodb/model.hpp>

#include <span>
#include <string>
#include <string_view>

namespace cirrus::dynamodb::detail {

CIRRUS_DECL void write(std::string& out, const create_table_request& r);
CIRRUS_DECL void write(std::string& out, const describe_table_request& r);
CIRRUS_DECL void write(std::string& out, const delete_table_request& r);
CIRRUS_DECL void write(std::string& out, const update_table_request& r);
CIRRUS_DECL void write(std::string& out, const list_tables_request& r);
CIRRUS_DECL void write(std::string& out, const update_time_to_live_request& r);
CIRRUS_DECL void write(std::string& out, const describe_time_to_live_request& r);
CIRRUS_DECL void write(std::string& out, const put_item_request& r);
CIRRUS_DECL void write(std::string& out, const get_item_request& r);
CIRRUS_DECL void write(std::string& out, const update_item_request& r);
CIRRUS_DECL void write(std::string& out, const delete_item_request& r);
CIRRUS_DECL void write(std::string& out, const query_request& r);
CIRRUS_DECL void write(std::string& out, const scan_request& r);
// The same, starting after `start_key` (the LastEvaluatedKey of the page before, as the
// response's JSON) instead of r.exclusive_start_key when it is not empty.
CIRRUS_DECL void write(std::string& out, const query_request& r, std::string_view start_key);
CIRRUS_DECL void write(std::string& out, const scan_request& r, std::string_view start_key);
// A transaction with its idempotency token (the request's, or `token`).
CIRRUS_DECL void write(std::string& out, const transact_write_request& r, std::string_view token);
CIRRUS_DECL void write(std::string& out, const transact_get_request& r);
CIRRUS_DECL void write(std::string& out, const execute_statement_request& r);
CIRRUS_DECL void write(std::string& out, const batch_execute_statement_request& r);
// One BatchWriteItem call (up to 25 puts and deletes together).
CIRRUS_DECL void write_batch_write(std::string& out, std::string_view table, std::span<const item* const> puts,
                                   std::span<const item* const> deletes);
// One BatchGetItem call (up to 100 keys).
CIRRUS_DECL void write_batch_get(std::string& out, const batch_get_request& r, std::span<const item* const> keys);

} // namespace cirrus::dynamodb::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/dynamodb/impl/serialize.ipp>
#endif
