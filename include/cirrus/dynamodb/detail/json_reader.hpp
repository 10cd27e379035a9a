#pragma once
// Reading DynamoDB responses (simdjson on demand, defined in dynamodb/impl/json_reader.ipp).
//
// Attribute data is copied once, from the response into the result's strings: strings
// without escapes straight from the input, others unescaped by simdjson first. The body
// string is padded in place (simdjson reads a few bytes past the end).
// Every function fails with errc::malformed_response on input that is not what DynamoDB
// sends, whatever the bytes; nesting deeper than max_depth is refused.

#include <cirrus/core/config.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/dynamodb/model.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::dynamodb::detail {

// DynamoDB allows 32 levels of nesting in an item.
inline constexpr int max_depth = 64;

// Unprocessed work of a BatchWriteItem or BatchGetItem call, for one table.
struct unprocessed_writes {
    std::vector<item> puts;
    std::vector<item> deletes;
};

// The details of an error body: the old item of ConditionalCheckFailedException and the
// reasons of TransactionCanceledException.
struct error_details {
    std::optional<dynamodb::item> item;
    std::vector<cancellation_reason> reasons;
};

class json_reader {
public:
    CIRRUS_DECL json_reader();
    CIRRUS_DECL ~json_reader();
    json_reader(const json_reader&) = delete;
    json_reader& operator=(const json_reader&) = delete;

    // {"name": {"S": "..."}, ...}
    CIRRUS_DECL error_code parse_item(std::string& json, item& out);
    // {"S": "..."}
    CIRRUS_DECL error_code parse_value(std::string& json, attribute_value& out);

    CIRRUS_DECL error_code get_item(std::string& body, get_item_result& out);
    // The "Attributes" of PutItem, UpdateItem, DeleteItem.
    CIRRUS_DECL error_code attributes(std::string& body, item& out);
    CIRRUS_DECL error_code query(std::string& body, query_result& out);
    // The "Table" or "TableDescription" of the table operations.
    CIRRUS_DECL error_code table(std::string& body, table_description& out);
    CIRRUS_DECL error_code list_tables(std::string& body, list_tables_result& out);
    CIRRUS_DECL error_code time_to_live(std::string& body, time_to_live_result& out);
    CIRRUS_DECL error_code batch_write(std::string& body, std::string_view table, unprocessed_writes& out);
    CIRRUS_DECL error_code batch_get(std::string& body, std::string_view table, std::vector<item>& items,
                                     std::vector<item>& unprocessed_keys);
    CIRRUS_DECL error_code transact_get(std::string& body, transact_get_result& out);
    CIRRUS_DECL error_code execute_statement(std::string& body, execute_statement_result& out);
    CIRRUS_DECL error_code batch_execute_statement(std::string& body, batch_execute_statement_result& out);
    CIRRUS_DECL error_code error(std::string& body, error_details& out);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace cirrus::dynamodb::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/dynamodb/impl/json_reader.ipp>
#endif
