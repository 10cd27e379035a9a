#pragma once
// Batches, transactions and PartiQL.

#include <cirrus/core/views.hpp>
#include <cirrus/dynamodb/attribute_value.hpp>
#include <cirrus/dynamodb/expression.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb {

// BatchWriteItem over any number of items: sent 25 at a time, and what DynamoDB leaves
// unprocessed (UnprocessedItems, or a throttled call) is sent again with exponential
// backoff until done or until `timeout`, which completes with errc::unprocessed_items
// (the result then says how many were left).
struct batch_write_request {
    std::string_view table = {};
    list_view<item> put = {};
    list_view<item> delete_keys = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(2);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(50);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};

// BatchGetItem over any number of keys: 100 per call, UnprocessedKeys asked again with
// backoff until `timeout`.
struct batch_get_request {
    std::string_view table = {};
    list_view<item> keys = {};
    expression_view projection = {};
    bool consistent_read = false;
    std::chrono::milliseconds timeout = std::chrono::minutes(2);
    std::chrono::milliseconds min_delay = std::chrono::milliseconds(50);
    std::chrono::milliseconds max_delay = std::chrono::seconds(5);
};

// One action of TransactWriteItems.
enum class transact_action { put, update, delete_item, condition_check };

struct transact_write_item {
    transact_action action = transact_action::put;
    std::string_view table = {};
    item_view item = {};            // put: the item
    item_view key = {};             // update, delete_item, condition_check: the key
    expression_view update = {};    // update
    expression_view condition = {}; // required for condition_check
    bool return_old_item_on_condition_failure = false;
};

// TransactWriteItems (up to 100 actions, all or nothing). The token makes a retry within
// ten minutes idempotent; empty: the client makes one per call.
struct transact_write_request {
    list_view<transact_write_item> items = {};
    std::string_view client_request_token = {};
};

struct transact_get_item {
    std::string_view table = {};
    item_view key = {};
    expression_view projection = {};
};

struct transact_get_request {
    list_view<transact_get_item> items = {};
};

// PartiQL: one statement with ? parameters.
struct execute_statement_request {
    std::string_view statement = {};
    list_view<attribute_value> parameters = {};
    bool consistent_read = false;
    std::string_view next_token = {};
    std::optional<std::int32_t> limit = {};
};

struct batch_statement {
    std::string_view statement = {};
    list_view<attribute_value> parameters = {};
    bool consistent_read = false;
};

// Up to 25 statements, each succeeding or failing on its own.
struct batch_execute_statement_request {
    list_view<batch_statement> statements = {};
};

// ------------------------------------------------------------------------------ results

struct batch_write_result {
    std::size_t written = 0;     // puts and deletes DynamoDB accepted
    std::size_t unprocessed = 0; // left when the timeout passed
    unsigned calls = 0;          // BatchWriteItem calls made
};

struct batch_get_result {
    std::vector<item> items; // in no particular order
    std::size_t unprocessed = 0;
    unsigned calls = 0;
};

// Why one item of a canceled transaction failed: code "None" for the items that did not.
struct cancellation_reason {
    std::string code; // "None", "ConditionalCheckFailed", "TransactionConflict", ...
    std::string message;
    std::optional<dynamodb::item> item; // with return_old_item_on_condition_failure
    bool failed() const noexcept { return code != "None" && !code.empty(); }
};

// On errc::transaction_canceled, one reason per item of the request, in order.
struct transact_write_result {
    std::vector<cancellation_reason> cancellation_reasons;
};

struct transact_get_result {
    std::vector<std::optional<item>> items; // in the order of the request
    std::vector<cancellation_reason> cancellation_reasons;
};

struct execute_statement_result {
    std::vector<item> items;
    std::string next_token; // empty on the last page
    item last_evaluated_key;
};

struct batch_statement_response {
    std::optional<dynamodb::item> item;
    std::string table;
    std::string error_code; // empty on success ("ConditionalCheckFailed", "DuplicateItem", ...)
    std::string error_message;
};

struct batch_execute_statement_result {
    std::vector<batch_statement_response> responses; // in the order of the request
};

} // namespace cirrus::dynamodb
