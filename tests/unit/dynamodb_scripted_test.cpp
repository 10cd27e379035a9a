// The DynamoDB retry paths that DynamoDB Local and moto never take: a scripted server
// (tests/unit/http_test_server.hpp) answers with ProvisionedThroughputExceededException
// and with UnprocessedItems / UnprocessedKeys, and the client must send exactly the
// unprocessed work again until it is done, or stop at the batch's timeout.

#include "unit/http_test_server.hpp"
#include "support/error_tuple.hpp"

#include <cirrus/dynamodb/dynamodb.hpp>
#include <cirrus/dynamodb/typed.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace ddb = cirrus::dynamodb;
using cirrus::diagnostics;
using cirrus::test::server_action;
using namespace std::chrono_literals;

namespace {

using cirrus::test::sync;

server_action json(std::string body, unsigned status = 200) {
    server_action a;
    a.status = status;
    a.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"x-amzn-RequestId", "RID-" + std::to_string(status)}};
    a.body = std::move(body);
    return a;
}

server_action throttled() {
    return json(R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",)"
                R"("message":"The level of configured provisioned throughput for the table was exceeded."})",
                400);
}

ddb::client_options scripted_options(const cirrus::test::test_server& s) {
    ddb::client_options o{.region = "us-east-1",
                          .endpoint = s.url(),
                          .credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider("k", "s"))};
    o.http.retry.base_delay = 1ms;
    o.http.retry.max_backoff = 5ms;
    return o;
}

// How many PutRequest entries a BatchWriteItem body holds, and whether it names `key`.
std::size_t count_of(const std::string& body, std::string_view what) {
    std::size_t n = 0;
    for (auto at = body.find(what); at != std::string::npos; at = body.find(what, at + 1)) ++n;
    return n;
}

} // namespace

TEST(DynamodbScripted, BatchWriteSendsUnprocessedItemsAgain) {
    cirrus::test::test_server server;
    // Call 1 (25 items): throttled twice by the transport's retries, then 3 left unprocessed.
    server.push(throttled());
    server.push(throttled());
    server.push(json(R"({"UnprocessedItems":{"t1":[)"
                     R"({"PutRequest":{"Item":{"k":{"N":"0"}}}},{"PutRequest":{"Item":{"k":{"N":"1"}}}},)"
                     R"({"PutRequest":{"Item":{"k":{"N":"2"}}}}]}})"));
    server.set_default(json(R"({"UnprocessedItems":{}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    std::vector<ddb::item> items;
    for (int i = 0; i < 30; ++i) items.push_back(ddb::item{{"k", i}});
    diagnostics d;
    auto [ec, r] = sync(ioc, db.async_batch_write({.table = "t1", .put = items, .min_delay = 1ms, .max_delay = 4ms}, d));
    ASSERT_FALSE(ec) << ec.message() << " " << d.what();
    EXPECT_EQ(r.written, 30u);
    EXPECT_EQ(r.unprocessed, 0u);
    EXPECT_EQ(r.calls, 2u); // 25 + (3 returned + 5 left)
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 4u);
    for (const auto& q : reqs) {
        EXPECT_EQ(q.headers.at("x-amz-target"), "DynamoDB_20120810.BatchWriteItem");
        EXPECT_EQ(q.headers.at("content-type"), "application/x-amz-json-1.0");
        EXPECT_NE(q.headers.at("authorization").find("/us-east-1/dynamodb/aws4_request"), std::string::npos);
    }
    EXPECT_EQ(count_of(reqs[0].body, "PutRequest"), 25u);
    EXPECT_EQ(reqs[2].body, reqs[0].body); // the transport's retries send the same call
    EXPECT_EQ(count_of(reqs[3].body, "PutRequest"), 8u);
    EXPECT_NE(reqs[3].body.find(R"({"PutRequest":{"Item":{"k":{"N":"0"}}}})"), std::string::npos);
    EXPECT_NE(reqs[3].body.find(R"({"PutRequest":{"Item":{"k":{"N":"29"}}}})"), std::string::npos);
}

TEST(DynamodbScripted, BatchWriteStopsAtItsTimeout) {
    cirrus::test::test_server server;
    server.set_default(json(R"({"UnprocessedItems":{"t1":[{"PutRequest":{"Item":{"k":{"N":"0"}}}}]}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    std::vector<ddb::item> items = {ddb::item{{"k", 0}}, ddb::item{{"k", 1}}};
    diagnostics d;
    const auto start = std::chrono::steady_clock::now();
    auto [ec, r] = sync(ioc, db.async_batch_write({.table = "t1", .put = items, .timeout = 200ms, .min_delay = 5ms,
                                                   .max_delay = 20ms},
                                                  d));
    EXPECT_EQ(ec, ddb::errc::unprocessed_items);
    EXPECT_EQ(r.unprocessed, 1u);
    EXPECT_EQ(r.written, 1u);
    EXPECT_GE(r.calls, 3u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_NE(d.message.find("unprocessed"), std::string::npos) << d.message;
}

TEST(DynamodbScripted, ThrottlingPastTheRetriesIsTyped) {
    cirrus::test::test_server server;
    server.set_default(throttled());
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    ddb::item key{{"k", 1}};
    diagnostics d;
    auto [ec, r] = sync(ioc, db.async_get_item({.table = "t1", .key = key}, d));
    EXPECT_EQ(ec, ddb::errc::provisioned_throughput_exceeded) << ec.message();
    EXPECT_EQ(d.service_code, "ProvisionedThroughputExceededException");
    EXPECT_EQ(d.request_id, "RID-400");
    EXPECT_EQ(server.requests().size(), 3u); // max_attempts
}

TEST(DynamodbScripted, BatchGetAsksForUnprocessedKeysAgain) {
    cirrus::test::test_server server;
    server.push(json(R"({"Responses":{"t1":[{"k":{"N":"5"}}]},"UnprocessedKeys":{"t1":{"Keys":[{"k":{"N":"6"}}]}}})"));
    server.push(json(R"({"Responses":{"t1":[]},"UnprocessedKeys":{"t1":{"Keys":[{"k":{"N":"6"}}]}}})"));
    server.push(json(R"({"Responses":{"t1":[{"k":{"N":"6"}}]},"UnprocessedKeys":{}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    std::vector<ddb::item> keys = {ddb::item{{"k", 5}}, ddb::item{{"k", 6}}};
    diagnostics d;
    auto [ec, r] = sync(ioc, db.async_batch_get({.table = "t1", .keys = keys, .min_delay = 1ms, .max_delay = 4ms}, d));
    ASSERT_FALSE(ec) << ec.message() << " " << d.what();
    EXPECT_EQ(r.items.size(), 2u);
    EXPECT_EQ(r.calls, 3u);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[1].body, R"({"RequestItems":{"t1":{"Keys":[{"k":{"N":"6"}}]}}})");
}

TEST(DynamodbScripted, MalformedResponsesAreTyped) {
    cirrus::test::test_server server;
    server.push(json(R"({"Item":{"k":{"Q":"1"}}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    ddb::item key{{"k", 1}};
    diagnostics d;
    auto [ec, r] = sync(ioc, db.async_get_item({.table = "t1", .key = key}, d));
    EXPECT_EQ(ec, ddb::errc::malformed_response);
    EXPECT_NE(d.message.find("GetItem"), std::string::npos) << d.message;
}

// A server whose LastEvaluatedKey goes A, B, A: the pager ends with protocol_error after
// the third page instead of asking for B, A, B ... forever; the second request starts at A.
TEST(DynamodbScripted, AQueryWhoseKeysCycleEnds) {
    cirrus::test::test_server server;
    server.push(json(R"({"Items":[{"k":{"N":"1"}}],"Count":1,"LastEvaluatedKey":{"k":{"N":"1"}}})"));
    server.push(json(R"({"Items":[{"k":{"N":"2"}}],"Count":1,"LastEvaluatedKey":{"k":{"N":"2"}}})"));
    server.push(json(R"({"Items":[{"k":{"N":"3"}}],"Count":1,"LastEvaluatedKey":{"k":{"N":"1"}}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    const auto key = ddb::attr("k") == 0;
    auto pages = db.query_pages({.table = "t1", .key_condition = key});
    std::size_t items = 0;
    cirrus::error_code last;
    for (int i = 0; i < 10 && !pages.done(); ++i) {
        auto [ec, page] = sync(ioc, pages.async_next_page());
        if (ec) {
            last = ec;
            break;
        }
        items += page.items.size();
    }
    EXPECT_EQ(last, cirrus::errc::protocol_error) << last.message();
    EXPECT_TRUE(pages.done());
    EXPECT_EQ(pages.pages_fetched(), 3u);
    EXPECT_EQ(items, 2u);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_NE(reqs[1].body.find(R"("ExclusiveStartKey":{"k":{"N":"1"}})"), std::string::npos) << reqs[1].body;
    EXPECT_NE(reqs[2].body.find(R"("ExclusiveStartKey":{"k":{"N":"2"}})"), std::string::npos) << reqs[2].body;
}

struct keyed {
    std::int64_t k = 0;
};
BOOST_DESCRIBE_STRUCT(keyed, (), (k))

// The same through the typed pager, which writes each page's LastEvaluatedKey back as the
// response's JSON: the keys as the server sent them, and the cycle ends the range.
TEST(DynamodbScripted, ATypedQueryWhoseKeysCycleEnds) {
    cirrus::test::test_server server;
    server.push(json(R"({"Items":[{"k":{"N":"1"}}],"Count":1,"LastEvaluatedKey":{"k": {"N":"1"}}})"));
    server.push(json(R"({"Items":[{"k":{"N":"2"}}],"Count":1,"LastEvaluatedKey":{"k":{"N":"2"}}})"));
    server.push(json(R"({"Items":[{"k":{"N":"3"}}],"Count":1,"LastEvaluatedKey":{"k": {"N":"1"}}})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    const auto key = ddb::attr("k") == 0;
    auto pages = db.query_pages<keyed>({.table = "t1", .key_condition = key});
    std::vector<keyed> rows;
    std::vector<std::int64_t> seen;
    cirrus::error_code last;
    for (int i = 0; i < 10 && !pages.done(); ++i) {
        auto [ec] = sync(ioc, pages.async_next_page(rows));
        if (ec) {
            last = ec;
            break;
        }
        for (const auto& r : rows) seen.push_back(r.k);
    }
    EXPECT_EQ(last, cirrus::errc::protocol_error) << last.message();
    EXPECT_TRUE(pages.done());
    EXPECT_EQ(pages.pages_fetched(), 3u);
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2}));
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].body.find("ExclusiveStartKey"), std::string::npos) << reqs[0].body;
    EXPECT_NE(reqs[1].body.find(R"("ExclusiveStartKey":{"k": {"N":"1"}})"), std::string::npos) << reqs[1].body;
    EXPECT_NE(reqs[2].body.find(R"("ExclusiveStartKey":{"k":{"N":"2"}})"), std::string::npos) << reqs[2].body;
}

// The same for ListTables, whose pages move on by table name.
TEST(DynamodbScripted, AListingWhoseTableNamesCycleEnds) {
    cirrus::test::test_server server;
    server.push(json(R"({"TableNames":["a"],"LastEvaluatedTableName":"a"})"));
    server.push(json(R"({"TableNames":["b"],"LastEvaluatedTableName":"a"})"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    auto pages = db.list_tables_pages();
    auto [ec1, p1] = sync(ioc, pages.async_next_page());
    ASSERT_FALSE(ec1) << ec1.message();
    EXPECT_FALSE(pages.done());
    auto [ec2, p2] = sync(ioc, pages.async_next_page());
    EXPECT_EQ(ec2, cirrus::errc::protocol_error) << ec2.message();
    EXPECT_TRUE(pages.done());
}

struct counter_row {
    std::int64_t k = 0;
    std::string name;
    std::string status;
    std::int64_t visits = 0;
    friend bool operator==(const counter_row&, const counter_row&) = default;
};
BOOST_DESCRIBE_STRUCT(counter_row, (), (k, name, status, visits))

// The typed conditional writes' requests, byte for byte: the condition's placeholders
// numbered after the update's (a name both use shares one), ReturnValues and
// ReturnValuesOnConditionCheckFailure; the responses read into the struct, the item as it
// was read from a ConditionalCheckFailedException's body.
TEST(DynamodbScripted, TypedWritesSendTheirConditionsAndUpdates) {
    cirrus::test::test_server server;
    server.push(json("{}"));
    server.push(json(R"x({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)x"
                     R"x("message":"The conditional request failed",)x"
                     R"x("Item":{"k":{"N":"7"},"name":{"S":"Old"},"status":{"S":"x"},"visits":{"N":"9"}}})x",
                     400));
    server.push(
        json(R"x({"Attributes":{"visits":{"N":"3"},"k":{"N":"7"},"name":{"S":"Ada"},"status":{"S":"open"}}})x"));
    server.push(json(R"x({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)x"
                     R"x("message":"The conditional request failed",)x"
                     R"x("Item":{"k":{"N":"7"},"name":{"S":"Old"},"status":{"S":"x"},"visits":{"N":"9"}}})x",
                     400));
    server.push(json(R"x({"Attributes":{"k":{"N":"7"},"name":{"S":"Ada"}}})x"));
    server.push(json("{}"));
    asio::io_context ioc;
    ddb::client<> db(ioc.get_executor(), scripted_options(server));
    diagnostics d;

    const counter_row row{.k = 7, .name = "Ada", .status = "open", .visits = 0};
    const auto only_new = ddb::attribute_not_exists(ddb::attr("k"));
    const ddb::put_options if_new{.condition = only_new};
    auto [e1] = sync(ioc, db.async_put("t1", row, if_new, d));
    EXPECT_FALSE(e1) << e1.message();
    counter_row old;
    auto [e2] = sync(ioc, db.async_put("t1", row, if_new, old, d));
    EXPECT_EQ(e2, ddb::errc::conditional_check_failed);
    EXPECT_NE(d.message.find("The conditional request failed"), std::string::npos) << d.what();
    EXPECT_EQ(d.request_id, "RID-400");
    EXPECT_EQ(old, (counter_row{.k = 7, .name = "Old", .status = "x", .visits = 9}));

    const auto upd = ddb::update().set(ddb::attr("name"), "Ada").increment(ddb::attr("visits"), 1);
    const auto cond = ddb::attr("status") == "open" && ddb::attr("visits") < 10;
    counter_row out;
    auto [e3] = sync(ioc, db.async_update("t1", keyed{7}, upd, out, d));
    EXPECT_FALSE(e3) << e3.message();
    EXPECT_EQ(out, (counter_row{.k = 7, .name = "Ada", .status = "open", .visits = 3}));
    const ddb::update_options if_open{.condition = cond, .return_old_item_on_condition_failure = true};
    auto [e4] = sync(ioc, db.async_update("t1", keyed{7}, upd, out, if_open, d));
    EXPECT_EQ(e4, ddb::errc::conditional_check_failed);
    EXPECT_EQ(out, (counter_row{.k = 7, .name = "Old", .status = "x", .visits = 9}));

    const ddb::delete_options if_cond{.condition = cond};
    auto [e5, existed] = sync(ioc, db.async_delete("t1", keyed{7}, if_cond, d));
    EXPECT_FALSE(e5) << e5.message();
    EXPECT_TRUE(existed);
    auto [e6, existed2] = sync(ioc, db.async_delete("t1", keyed{8}, d));
    EXPECT_FALSE(e6) << e6.message();
    EXPECT_FALSE(existed2);

    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 6u);
    EXPECT_EQ(reqs[0].body, R"x({"TableName":"t1","Item":{"k":{"N":"7"},"name":{"S":"Ada"},"status":{"S":"open"},)x"
                            R"x("visits":{"N":"0"}},"ConditionExpression":"attribute_not_exists(#n0)",)x"
                            R"x("ExpressionAttributeNames":{"#n0":"k"}})x");
    EXPECT_EQ(reqs[1].body,
              R"x({"TableName":"t1","Item":{"k":{"N":"7"},"name":{"S":"Ada"},"status":{"S":"open"},)x"
              R"x("visits":{"N":"0"}},"ConditionExpression":"attribute_not_exists(#n0)",)x"
              R"x("ExpressionAttributeNames":{"#n0":"k"},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"})x");
    EXPECT_EQ(reqs[2].body,
              R"x({"TableName":"t1","Key":{"k":{"N":"7"}},"UpdateExpression":"SET #n0 = :v0, #n1 = #n1 + :v1",)x"
              R"x("ExpressionAttributeNames":{"#n0":"name","#n1":"visits"},)x"
              R"x("ExpressionAttributeValues":{":v0":{"S":"Ada"},":v1":{"N":"1"}},"ReturnValues":"ALL_NEW"})x");
    EXPECT_EQ(reqs[3].body,
              R"x({"TableName":"t1","Key":{"k":{"N":"7"}},"UpdateExpression":"SET #n0 = :v0, #n1 = #n1 + :v1",)x"
              R"x("ConditionExpression":"(#n2 = :v2) AND (#n1 < :v3)",)x"
              R"x("ExpressionAttributeNames":{"#n0":"name","#n1":"visits","#n2":"status"},)x"
              R"x("ExpressionAttributeValues":{":v0":{"S":"Ada"},":v1":{"N":"1"},":v2":{"S":"open"},)x"
              R"x(":v3":{"N":"10"}},"ReturnValues":"ALL_NEW","ReturnValuesOnConditionCheckFailure":"ALL_OLD"})x");
    EXPECT_EQ(reqs[4].body,
              R"x({"TableName":"t1","Key":{"k":{"N":"7"}},"ConditionExpression":"(#n0 = :v0) AND (#n1 < :v1)",)x"
              R"x("ExpressionAttributeNames":{"#n0":"status","#n1":"visits"},)x"
              R"x("ExpressionAttributeValues":{":v0":{"S":"open"},":v1":{"N":"10"}},"ReturnValues":"ALL_OLD"})x");
    EXPECT_EQ(reqs[5].body, R"x({"TableName":"t1","Key":{"k":{"N":"8"}},"ReturnValues":"ALL_OLD"})x");
}
