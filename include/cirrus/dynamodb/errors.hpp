#pragma once
// DynamoDB error codes.
//
// A failure whose error envelope ({"__type": "com.amazonaws.dynamodb.v20120810#Code",
// "message": "..."}) names a code listed here becomes a cirrus::dynamodb::errc; the
// service's code string, message and request id stay in cirrus::diagnostics. Throttling
// (ProvisionedThroughputExceededException, RequestLimitExceeded, ThrottlingException) is
// retried by the transport with backoff; when the retries run out it completes with
// errc::provisioned_throughput_exceeded (or http::aws_errc::throttling for the others).
// Failures without a DynamoDB meaning (5xx, transport errors, AccessDeniedException and
// the other authentication failures) keep the transport's code (http::aws_errc ...).
//
// Details that do not fit an error code travel in the operation's result, which the
// completion handler receives with the error: the old item of a failed condition (when
// the request asked for it) and the cancellation reason of each item of a transaction.

#include <cirrus/core/error.hpp>
#include <cirrus/http/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace cirrus::dynamodb {

enum class errc {
    ok = 0,
    conditional_check_failed = 1,        // ConditionalCheckFailedException
    resource_not_found,                  // ResourceNotFoundException (table or index)
    resource_in_use,                     // ResourceInUseException (table exists, is being created...)
    validation,                          // ValidationException, SerializationException
    provisioned_throughput_exceeded,     // ProvisionedThroughputExceededException after the retries
    transaction_canceled,                // TransactionCanceledException (reasons in the result)
    transaction_conflict,                // TransactionConflictException
    transaction_in_progress,             // TransactionInProgressException
    idempotent_parameter_mismatch,       // IdempotentParameterMismatchException
    item_collection_size_limit_exceeded, // ItemCollectionSizeLimitExceededException
    request_limit_exceeded,              // RequestLimitExceeded after the retries
    limit_exceeded,                      // LimitExceededException
    duplicate_item,                      // DuplicateItemException (PartiQL INSERT)
    unprocessed_items,                   // a batch still had unprocessed items at its deadline
    wait_timeout,                        // a waiter's deadline passed before the table got there
    malformed_response,                  // the response body is not the JSON DynamoDB sends
};

namespace detail {

class dynamodb_category final : public boost::system::error_category {
public:
    constexpr dynamodb_category() noexcept : error_category(0x6369727275736401ULL) {}
    const char* name() const noexcept override { return "cirrus.dynamodb"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::conditional_check_failed: return "the condition of the request was not met";
        case errc::resource_not_found: return "the table or index does not exist";
        case errc::resource_in_use: return "the table is in use (it exists, or is being created or deleted)";
        case errc::validation: return "the request was not valid";
        case errc::provisioned_throughput_exceeded: return "the table's provisioned throughput was exceeded";
        case errc::transaction_canceled: return "the transaction was canceled";
        case errc::transaction_conflict: return "another transaction holds an item of this one";
        case errc::transaction_in_progress: return "a transaction with this token is still running";
        case errc::idempotent_parameter_mismatch: return "the token was used with a different request";
        case errc::item_collection_size_limit_exceeded: return "an item collection is over its size limit";
        case errc::request_limit_exceeded: return "the account's request limit was exceeded";
        case errc::limit_exceeded: return "too many table operations at once";
        case errc::duplicate_item: return "an item with this key already exists";
        case errc::unprocessed_items: return "unprocessed items remained when the batch's deadline passed";
        case errc::wait_timeout: return "the table did not reach the state in time";
        case errc::malformed_response: return "the response is not a DynamoDB response";
        }
        return "unknown DynamoDB error";
    }
};

} // namespace detail

inline const boost::system::error_category& dynamodb_category() noexcept {
    static constexpr detail::dynamodb_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), dynamodb_category()}; }

// The errc of a DynamoDB error code ("ConditionalCheckFailedException"); errc::ok when it
// has no DynamoDB meaning of its own.
constexpr errc errc_from_code(std::string_view code) noexcept {
    struct entry {
        std::string_view code;
        errc value;
    };
    constexpr entry table[] = {
        {"ConditionalCheckFailedException", errc::conditional_check_failed},
        {"ResourceNotFoundException", errc::resource_not_found},
        {"ResourceInUseException", errc::resource_in_use},
        {"ValidationException", errc::validation},
        {"SerializationException", errc::validation},
        {"ProvisionedThroughputExceededException", errc::provisioned_throughput_exceeded},
        {"TransactionCanceledException", errc::transaction_canceled},
        {"TransactionConflictException", errc::transaction_conflict},
        {"TransactionInProgressException", errc::transaction_in_progress},
        {"IdempotentParameterMismatchException", errc::idempotent_parameter_mismatch},
        {"ItemCollectionSizeLimitExceededException", errc::item_collection_size_limit_exceeded},
        {"RequestLimitExceeded", errc::request_limit_exceeded},
        {"LimitExceededException", errc::limit_exceeded},
        {"DuplicateItemException", errc::duplicate_item},
        {"DuplicateItem", errc::duplicate_item}, // DynamoDB Local
    };
    for (const auto& e : table)
        if (e.code == code) return e.value;
    return errc::ok;
}

namespace detail {

// Turns what the transport reported into the DynamoDB vocabulary.
inline error_code to_dynamodb_error(error_code ec, std::string_view service_code) noexcept {
    if (!ec || ec.category() != http::aws_category()) return ec;
    if (const errc e = errc_from_code(service_code); e != errc::ok) return make_error_code(e);
    return ec;
}

} // namespace detail

} // namespace cirrus::dynamodb

template <>
struct boost::system::is_error_code_enum<cirrus::dynamodb::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::dynamodb::errc> : std::true_type {};
