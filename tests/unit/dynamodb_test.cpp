// DynamoDB without a server: the JSON writer and reader against canned bytes, the
// expression builder, request bodies, and the typed mapping.

#include <cirrus/dynamodb/detail/json_reader.hpp>
#include <cirrus/dynamodb/detail/json_writer.hpp>
#include <cirrus/dynamodb/detail/serialize.hpp>
#include <cirrus/dynamodb/errors.hpp>
#include <cirrus/dynamodb/expression.hpp>
#include <cirrus/dynamodb/mapping.hpp>
#include <cirrus/dynamodb/typed_reader.hpp>
#include <cirrus/core/detail/owned_copy.hpp>

#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ddb = cirrus::dynamodb;
using ddb::attr;
using ddb::attribute_value;

namespace {

std::string write_value(const attribute_value& v) {
    std::string out;
    ddb::detail::json_writer w(out);
    w.value(v);
    return out;
}

attribute_value read_value(std::string json) {
    ddb::detail::json_reader r;
    attribute_value v;
    EXPECT_FALSE(r.parse_value(json, v)) << json;
    return v;
}

} // namespace

TEST(DynamodbJson, WritesEveryType) {
    EXPECT_EQ(write_value(attribute_value::string("a\"b\\c\n\x01é")), R"({"S":"a\"b\\c\n\u0001é"})");
    EXPECT_EQ(write_value(attribute_value::number("12345678901234567890123456789012345678")),
              R"({"N":"12345678901234567890123456789012345678"})");
    EXPECT_EQ(write_value(attribute_value::number(42)), R"({"N":"42"})");
    EXPECT_EQ(write_value(attribute_value::binary(std::string("\x00\xff", 2))), R"({"B":"AP8="})");
    EXPECT_EQ(write_value(attribute_value::boolean(false)), R"({"BOOL":false})");
    EXPECT_EQ(write_value(attribute_value::null()), R"({"NULL":true})");
    EXPECT_EQ(write_value(attribute_value::list({1, "x"})), R"({"L":[{"N":"1"},{"S":"x"}]})");
    EXPECT_EQ(write_value(attribute_value::map({{"b", 2}, {"a", true}})), R"({"M":{"a":{"BOOL":true},"b":{"N":"2"}}})");
    EXPECT_EQ(write_value(attribute_value::string_set({"x", "y"})), R"({"SS":["x","y"]})");
    EXPECT_EQ(write_value(attribute_value::number_set({"1", "2.5"})), R"({"NS":["1","2.5"]})");
    EXPECT_EQ(write_value(attribute_value::binary_set({"a", "bc"})), R"({"BS":["YQ==","YmM="]})");
    // A reused buffer keeps what it had and appends.
    std::string buf = "x";
    ddb::detail::json_writer w(buf);
    w.begin_object();
    w.field("k", "\t");
    w.field("n", std::int64_t{-3});
    w.end_object();
    EXPECT_EQ(buf, R"(x{"k":"\t","n":-3})");
}

TEST(DynamodbJson, RoundTripsEveryType) {
    ddb::item nested{{"deep", attribute_value::list({attribute_value::map({{"x", attribute_value::null()}})})}};
    const std::vector<attribute_value> values = {
        attribute_value::string(""),
        attribute_value::string("unicode: \xe2\x82\xac \xf0\x9f\x98\x80 and \"quotes\" \\ / \x1f"),
        attribute_value::number("-1.5E-130"),
        attribute_value::number("99999999999999999999999999999999999999"),
        attribute_value::binary(std::string("\x00\x01\x02\xfe\xff", 5)),
        attribute_value::boolean(true),
        attribute_value::null(),
        attribute_value::map(nested),
        attribute_value::list({}),
        attribute_value::string_set({"a", "b"}),
        attribute_value::number_set({"1", "-2"}),
        attribute_value::binary_set({std::string("\0", 1), "zz"}),
    };
    for (const auto& v : values) EXPECT_EQ(read_value(write_value(v)), v) << write_value(v);
}

TEST(DynamodbJson, ReadsEscapesAndWhitespace) {
    EXPECT_EQ(read_value(R"( { "S" : "a\u00e9\n\/" } )"), attribute_value::string("a\xc3\xa9\n/"));
    EXPECT_EQ(read_value(R"({"B":"AP\/8"})"), attribute_value::binary(std::string("\x00\xff\xfc", 3)));
    // Names with and without escapes.
    ddb::detail::json_reader r;
    std::string json = R"({"plain":{"N":"1"},"quo\"te\u00e9":{"S":"x"},"":{"NULL":true}})";
    ddb::item i;
    ASSERT_FALSE(r.parse_item(json, i));
    EXPECT_EQ(i, (ddb::item{{"plain", 1}, {"quo\"te\xc3\xa9", "x"}, {"", attribute_value::null()}}));
}

TEST(DynamodbJson, RejectsMalformedValues) {
    ddb::detail::json_reader r;
    for (std::string bad : {R"({})", R"({"S":"a","N":"1"})", R"({"X":"a"})", R"({"S":1})", R"({"B":"%%%"})",
                            R"({"BOOL":"true"})", R"({"L":{}})", R"({"M":[]})", R"({"SS":[1]})", R"([])",
                            R"({"S":"a")", ""}) {
        attribute_value v;
        EXPECT_EQ(r.parse_value(bad, v), ddb::errc::malformed_response) << bad;
    }
    // Nesting deeper than the limit is refused, not recursed into.
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += R"({"L":[)";
    deep += R"({"NULL":true})";
    for (int i = 0; i < 200; ++i) deep += "]}";
    attribute_value v;
    EXPECT_EQ(r.parse_value(deep, v), ddb::errc::malformed_response);
}

TEST(DynamodbJson, ParsesQueryResponse) {
    std::string body = R"({"Count":2,"Items":[{"clientid":{"N":"1"},"name":{"S":"Ada"}},)"
                       R"({"clientid":{"N":"2"},"name":{"S":"Bob"},"tags":{"SS":["x"]}}],)"
                       R"("LastEvaluatedKey":{"clientid":{"N":"2"}},"ScannedCount":5})";
    ddb::detail::json_reader r;
    ddb::query_result q;
    ASSERT_FALSE(r.query(body, q));
    EXPECT_EQ(q.count, 2);
    EXPECT_EQ(q.scanned_count, 5);
    ASSERT_EQ(q.items.size(), 2u);
    EXPECT_EQ(*q.items[1].at("name").s(), "Bob");
    EXPECT_EQ(*q.items[1].at("tags").ss(), std::vector<std::string>{"x"});
    EXPECT_TRUE(q.more());
    EXPECT_EQ(*q.last_evaluated_key.at("clientid").n(), "2");
}

TEST(DynamodbJson, ParsesTableDescription) {
    std::string body = R"({"TableDescription":{"AttributeDefinitions":[{"AttributeName":"clientid","AttributeType":"N"},)"
                       R"({"AttributeName":"year","AttributeType":"N"}],"TableName":"clients",)"
                       R"("KeySchema":[{"AttributeName":"clientid","KeyType":"HASH"}],"TableStatus":"ACTIVE",)"
                       R"("CreationDateTime":1.7E9,"ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":0},)"
                       R"("TableSizeBytes":10,"ItemCount":1,"TableArn":"arn:aws:dynamodb:x:1:table/clients",)"
                       R"("BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},)"
                       R"("GlobalSecondaryIndexes":[{"IndexName":"by_year","KeySchema":[{"AttributeName":"year","KeyType":"HASH"}],)"
                       R"("Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["name"]},"IndexStatus":"ACTIVE"}]}})";
    ddb::detail::json_reader r;
    ddb::table_description t;
    ASSERT_FALSE(r.table(body, t));
    EXPECT_EQ(t.name, "clients");
    EXPECT_EQ(t.status, ddb::table_status::active);
    EXPECT_EQ(t.billing, ddb::billing_mode::pay_per_request);
    EXPECT_EQ(t.hash_key(), "clientid");
    EXPECT_EQ(t.range_key(), "");
    EXPECT_EQ(t.item_count, 1);
    ASSERT_EQ(t.global_indexes.size(), 1u);
    EXPECT_EQ(t.global_indexes[0].projection, ddb::projection_type::include);
    EXPECT_EQ(t.global_indexes[0].non_key_attributes, std::vector<std::string>{"name"});
    std::string none = R"({"Other":{}})";
    EXPECT_EQ(r.table(none, t), ddb::errc::malformed_response);
}

TEST(DynamodbJson, ParsesBatchAndTransactionResponses) {
    ddb::detail::json_reader r;
    std::string bw = R"({"UnprocessedItems":{"t1":[{"PutRequest":{"Item":{"k":{"S":"a"}}}},{"DeleteRequest":{"Key":{"k":{"S":"b"}}}}]}})";
    ddb::detail::unprocessed_writes u;
    ASSERT_FALSE(r.batch_write(bw, "t1", u));
    EXPECT_EQ(u.puts.size(), 1u);
    EXPECT_EQ(u.deletes.size(), 1u);

    std::string bg = R"({"Responses":{"t1":[{"k":{"S":"a"}}]},"UnprocessedKeys":{"t1":{"Keys":[{"k":{"S":"b"}}]}}})";
    std::vector<ddb::item> items, keys;
    ASSERT_FALSE(r.batch_get(bg, "t1", items, keys));
    EXPECT_EQ(items.size(), 1u);
    EXPECT_EQ(keys.size(), 1u);

    std::string err = R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"canceled",)"
                      R"("CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed",)"
                      R"("Item":{"k":{"S":"a"},"v":{"N":"1"}}}]})";
    ddb::detail::error_details d;
    ASSERT_FALSE(r.error(err, d));
    ASSERT_EQ(d.reasons.size(), 2u);
    EXPECT_FALSE(d.reasons[0].failed());
    EXPECT_TRUE(d.reasons[1].failed());
    EXPECT_EQ(*d.reasons[1].item->at("v").n(), "1");

    std::string tg = R"({"Responses":[{"Item":{"k":{"S":"a"}}},{}]})";
    ddb::transact_get_result g;
    ASSERT_FALSE(r.transact_get(tg, g));
    ASSERT_EQ(g.items.size(), 2u);
    EXPECT_TRUE(g.items[0].has_value());
    EXPECT_FALSE(g.items[1].has_value());

    std::string be = R"({"Responses":[{"TableName":"t","Item":{"k":{"S":"a"}}},{"Error":{"Code":"DuplicateItem","Message":"dup"}}]})";
    ddb::batch_execute_statement_result b;
    ASSERT_FALSE(r.batch_execute_statement(be, b));
    ASSERT_EQ(b.responses.size(), 2u);
    EXPECT_TRUE(b.responses[0].item.has_value());
    EXPECT_EQ(b.responses[1].error_code, "DuplicateItem");
}

TEST(DynamodbExpression, ComparisonsAndFunctions) {
    EXPECT_EQ((attr("year") == 2020).expr().to_string(), "#0 = :0");
    EXPECT_EQ((attr("a") < 1).expr().to_string(), "#0 < :0");
    EXPECT_EQ((attr("a") <= 1).expr().to_string(), "#0 <= :0");
    EXPECT_EQ((attr("a") > 1).expr().to_string(), "#0 > :0");
    EXPECT_EQ((attr("a") >= 1).expr().to_string(), "#0 >= :0");
    EXPECT_EQ((attr("a") != 1).expr().to_string(), "#0 <> :0");
    EXPECT_EQ(ddb::begins_with(attr("name"), "A").expr().to_string(), "begins_with(#0, :0)");
    EXPECT_EQ(ddb::between(attr("month"), 1, 6).expr().to_string(), "#0 BETWEEN :0 AND :1");
    EXPECT_EQ(ddb::attribute_exists(attr("a").member("b")[3]).expr().to_string(), "attribute_exists(#0.#1[3])");
    EXPECT_EQ(ddb::attribute_not_exists(attr("a")).expr().to_string(), "attribute_not_exists(#0)");
    EXPECT_EQ(ddb::contains(attr("tags"), "x").expr().to_string(), "contains(#0, :0)");
    EXPECT_EQ((ddb::size(attr("tags")) > 3).expr().to_string(), "size(#0) > :0");
    EXPECT_EQ(ddb::has_type(attr("a"), ddb::attribute_type::n).expr().to_string(), "attribute_type(#0, :0)");
    const std::vector<std::string> statuses = {"open", "closed"};
    EXPECT_EQ(ddb::in(attr("status"), statuses).expr().to_string(), "#0 IN (:0, :1)");
    EXPECT_EQ((attr("a") == attr("b")).expr().to_string(), "#0 = #1");
}

TEST(DynamodbExpression, LogicalOperatorsRenumber) {
    auto c = attr("clientid") == 1 && (attr("year") > 2000 || !ddb::attribute_exists(attr("year")));
    EXPECT_EQ(c.expr().to_string(), "(#0 = :0) AND ((#1 > :1) OR (NOT (attribute_exists(#2))))");
    EXPECT_EQ(c.expr().names(), (std::vector<std::string>{"clientid", "year", "year"}));
    EXPECT_EQ(c.expr().values().size(), 2u);
    EXPECT_EQ(c.expr().values()[1], attribute_value(2000));
    // An empty side leaves the other one.
    EXPECT_EQ((ddb::condition{} && (attr("a") == 1)).expr().to_string(), "#0 = :0");
}

TEST(DynamodbExpression, UpdatesAndProjections) {
    auto u = ddb::update()
                 .set(attr("name"), "x")
                 .increment(attr("visits"), 1)
                 .set_if_not_exists(attr("created"), 7)
                 .append(attr("log"), attribute_value::list({"e"}))
                 .remove(attr("draft"))
                 .add(attr("tags"), attribute_value::string_set({"t"}))
                 .delete_elements(attr("old"), attribute_value::string_set({"o"}));
    EXPECT_EQ(u.expr().to_string(),
              "SET #0 = :0, #1 = #2 + :1, #3 = if_not_exists(#4, :2), #5 = list_append(#6, :3) REMOVE #7 ADD #8 :4 "
              "DELETE #9 :5");
    auto p = ddb::projection(attr("clientid"), attr("address").member("city"));
    EXPECT_EQ(p.expr().to_string(), "#0, #1.#2");
}

TEST(DynamodbSerialize, RequestBodiesShareNumberedPlaceholders) {
    auto key = attr("clientid") == 7 && ddb::begins_with(attr("name"), "A");
    auto filter = attr("year") >= 2020 && attr("name") != "Al";
    auto proj = ddb::projection(attr("name"), attr("year"));
    std::string out;
    ddb::detail::write(out, ddb::query_request{.table = "clients",
                                               .index = "by_name",
                                               .key_condition = key,
                                               .filter = filter,
                                               .projection = proj,
                                               .scan_forward = false,
                                               .limit = 10,
                                               .select = ddb::select::specific_attributes});
    EXPECT_EQ(out, R"x({"TableName":"clients","IndexName":"by_name",)x"
                   R"x("KeyConditionExpression":"(#n0 = :v0) AND (begins_with(#n1, :v1))",)x"
                   R"x("FilterExpression":"(#n2 >= :v2) AND (#n1 <> :v3)","ProjectionExpression":"#n1, #n2",)x"
                   R"x("ExpressionAttributeNames":{"#n0":"clientid","#n1":"name","#n2":"year"},)x"
                   R"x("ExpressionAttributeValues":{":v0":{"N":"7"},":v1":{"S":"A"},":v2":{"N":"2020"},":v3":{"S":"Al"}},)x"
                   R"x("ScanIndexForward":false,"Limit":10,"Select":"SPECIFIC_ATTRIBUTES"})x");
}

TEST(DynamodbSerialize, CreateTableDefinesEachKeyOnce) {
    const std::array<ddb::global_secondary_index, 1> gsis = {
        ddb::global_secondary_index{.name = "by_date",
                                    .hash_key = {"year", ddb::scalar_type::n},
                                    .range_key = ddb::key_attribute{"month", ddb::scalar_type::n}}};
    const std::array<ddb::local_secondary_index, 1> lsis = {
        ddb::local_secondary_index{.name = "by_month", .range_key = {"month", ddb::scalar_type::n},
                                   .projection = {.type = ddb::projection_type::keys_only}}};
    std::string out;
    ddb::detail::write(out, ddb::create_table_request{.table = "t",
                                                      .hash_key = {"clientid", ddb::scalar_type::n},
                                                      .range_key = ddb::key_attribute{"sk", ddb::scalar_type::s},
                                                      .global_indexes = gsis,
                                                      .local_indexes = lsis});
    EXPECT_NE(out.find(R"("AttributeDefinitions":[{"AttributeName":"clientid","AttributeType":"N"},)"
                       R"({"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"year","AttributeType":"N"},)"
                       R"({"AttributeName":"month","AttributeType":"N"}])"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(R"("BillingMode":"PAY_PER_REQUEST")"), std::string::npos);
    EXPECT_NE(out.find(R"("LocalSecondaryIndexes":[{"IndexName":"by_month","KeySchema":[{"AttributeName":"clientid","KeyType":"HASH"},)"
                       R"({"AttributeName":"month","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}])"),
              std::string::npos)
        << out;
}

TEST(DynamodbSerialize, RequestsAreViewsCopiedWhole) {
    static_assert(std::is_trivially_destructible_v<ddb::put_item_request>);
    static_assert(std::is_trivially_destructible_v<ddb::transact_write_request>);
    static_assert(std::is_trivially_destructible_v<ddb::batch_write_request>);
    static_assert(std::is_trivially_destructible_v<ddb::query_request>);
    std::optional<cirrus::detail::owned_copy<ddb::put_item_request>> copy;
    {
        ddb::item it{{"k", "v"}};
        auto cond = ddb::attribute_not_exists(attr("k"));
        std::string table = "table-name";
        copy.emplace(ddb::put_item_request{.table = table, .item = it, .condition = cond});
        it.clear();
        cond = ddb::condition{};
        table.assign(10, 'x');
    }
    std::string out;
    ddb::detail::write(out, copy->get());
    EXPECT_EQ(out, R"x({"TableName":"table-name","Item":{"k":{"S":"v"}},"ConditionExpression":"attribute_not_exists(#n0)",)x"
                   R"x("ExpressionAttributeNames":{"#n0":"k"}})x");
}

namespace mapping {
struct address {
    std::string city;
    int zip = 0;
    friend bool operator==(const address&, const address&) = default;
};
BOOST_DESCRIBE_STRUCT(address, (), (city, zip))

enum class tier { free = 0, paid = 2 };

struct client_row {
    std::int64_t clientid = 0;
    std::string name;
    std::optional<std::string> email;
    std::vector<std::string> tags;
    std::map<std::string, double> scores;
    std::set<std::string> labels;
    address home;
    std::vector<address> previous;
    std::optional<address> office;
    bool active = false;
    tier level = tier::free;
    ddb::bytes avatar;
    double balance = 0;
    friend bool operator==(const client_row&, const client_row&) = default;
};
BOOST_DESCRIBE_STRUCT(client_row, (),
                      (clientid, name, email, tags, scores, labels, home, previous, office, active, level, avatar, balance))
} // namespace mapping

TEST(DynamodbMapping, StructsRoundTrip) {
    mapping::client_row row{.clientid = 9007199254740993,
                            .name = "Ada",
                            .email = std::nullopt,
                            .tags = {"a", "b"},
                            .scores = {{"x", 1.5}},
                            .labels = {"l1", "l2"},
                            .home = {"Paris", 75001},
                            .previous = {{"Lyon", 69001}},
                            .office = mapping::address{"Nice", 6000},
                            .active = true,
                            .level = mapping::tier::paid,
                            .avatar = {std::string("\x89PNG", 4)},
                            .balance = -0.25};
    ddb::item i = ddb::to_item(row);
    EXPECT_EQ(i.count("email"), 0u);
    EXPECT_EQ(*i.at("clientid").n(), "9007199254740993");
    EXPECT_EQ(*i.at("level").n(), "2");
    EXPECT_EQ(i.at("home").m()->at("city"), attribute_value("Paris"));
    EXPECT_NE(i.at("labels").ss(), nullptr);
    // Through the wire format and back.
    std::string json;
    ddb::detail::json_writer w(json);
    w.map(i);
    ddb::detail::json_reader r;
    ddb::item parsed;
    ASSERT_FALSE(r.parse_item(json, parsed));
    EXPECT_EQ(parsed, i);
    auto back = ddb::from_item<mapping::client_row>(parsed);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, row);
}

TEST(DynamodbMapping, MissingAndMistypedFieldsAreErrors) {
    ddb::item i = ddb::to_item(mapping::address{"Paris", 1});
    i.erase("zip");
    mapping::address a;
    std::string field;
    EXPECT_EQ(ddb::from_item(i, a, &field), ddb::errc::validation);
    EXPECT_EQ(field, "zip");
    i["zip"] = "not a number";
    field.clear();
    EXPECT_EQ(ddb::from_item(i, a, &field), ddb::errc::validation);
    EXPECT_EQ(field, "zip");
    i["zip"] = attribute_value::number("1.5");
    EXPECT_EQ(ddb::from_item(i, a), ddb::errc::validation); // not an int
    i["zip"] = attribute_value::number("12");
    EXPECT_FALSE(ddb::from_item(i, a));
    EXPECT_EQ(a.zip, 12);
}

// The typed reader gives what the item reader and from_item give, without the maps, and
// reuses what the caller keeps.
TEST(DynamodbTypedReader, ReadsWhatFromItemReads) {
    mapping::client_row row{.clientid = 9007199254740993,
                            .name = "A\"da \xc3\xa9",
                            .email = std::nullopt,
                            .tags = {"a", "b"},
                            .scores = {{"x", 1.5}},
                            .labels = {"l1", "l2"},
                            .home = {"Paris", 75001},
                            .previous = {{"Lyon", 69001}, {"Caen", 14000}},
                            .office = mapping::address{"Nice", 6000},
                            .active = true,
                            .level = mapping::tier::paid,
                            .avatar = {std::string("\x89PNG\0x", 6)},
                            .balance = -0.25};
    mapping::client_row second = row;
    second.clientid = 2;
    second.previous.clear();
    second.office.reset();
    ddb::item first_item = ddb::to_item(row);
    ddb::item second_item = ddb::to_item(second);
    second_item["nullable"] = attribute_value::null(); // an attribute the struct does not name
    std::string json = R"({"Items":[)";
    ddb::detail::json_writer w(json);
    w.map(first_item);
    w.map(second_item); // the writer separates the two
    json += R"(],"Count":2,"ScannedCount":5})";

    ddb::typed_reader reader;
    std::vector<mapping::client_row> rows(3); // one more than the page: resized down
    std::int64_t count = 0, scanned = 0;
    std::string body = json;
    ASSERT_FALSE(reader.query_items(body, rows, &count, &scanned)) << json;
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], row);
    EXPECT_EQ(rows[1], second);
    EXPECT_EQ(count, 2);
    EXPECT_EQ(scanned, 5);
    // The same through the item reader and from_item.
    ddb::detail::json_reader items_reader;
    ddb::query_result page;
    body = json;
    ASSERT_FALSE(items_reader.query(body, page));
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(ddb::from_item<mapping::client_row>(page.items[0]).value(), rows[0]);
    // Again into the same vector: same result.
    body = json;
    ASSERT_FALSE(reader.query_items(body, rows));
    EXPECT_EQ(rows[0], row);
    EXPECT_EQ(rows[1], second);

    // GetItem, with and without an item.
    mapping::address a;
    bool found = false;
    body = R"({"Item":{"zip":{"N":"+12"},"city":{"S":"Caen"}}})";
    ASSERT_FALSE(reader.get_item(body, a, found));
    EXPECT_TRUE(found);
    EXPECT_EQ(a, (mapping::address{"Caen", 12}));
    body = "{}";
    ASSERT_FALSE(reader.get_item(body, a, found));
    EXPECT_FALSE(found);
}

TEST(DynamodbTypedReader, MissingMistypedAndMalformedAreErrors) {
    ddb::typed_reader reader;
    mapping::address a;
    bool found = false;
    std::string body = R"({"Item":{"city":{"S":"Caen"}}})"; // zip missing
    EXPECT_EQ(reader.get_item(body, a, found), ddb::errc::validation);
    body = R"({"Item":{"city":{"S":"Caen"},"zip":{"S":"12"}}})"; // zip not an N
    EXPECT_EQ(reader.get_item(body, a, found), ddb::errc::validation);
    body = R"({"Item":{"city":{"S":"Caen"},"zip":{"N":"1.5"}}})"; // not an int
    EXPECT_EQ(reader.get_item(body, a, found), ddb::errc::validation);
    // Items that are not what DynamoDB sends: two types in one value, no type, not a map.
    for (std::string bad : {R"({"city":{"S":"Caen","N":"1"},"zip":{"N":"1"}})", R"({"city":{},"zip":{"N":"1"}})",
                            R"([1])", R"({"city":{"S":"Caen"},"zip":)"}) {
        std::vector<mapping::address> rows;
        std::string get = R"({"Item":)" + bad + "}";
        std::string query = R"({"Items":[)" + bad + "]}";
        EXPECT_EQ(reader.get_item(get, a, found), ddb::errc::malformed_response) << get;
        EXPECT_EQ(reader.query_items(query, rows), ddb::errc::malformed_response) << query;
    }
    std::vector<mapping::address> rows;
    body = R"({"Items":{}})";
    EXPECT_EQ(reader.query_items(body, rows), ddb::errc::malformed_response);
    body = "nul";
    EXPECT_EQ(reader.query_items(body, rows), ddb::errc::malformed_response);
}

// Which item and which field did not fit, for the diagnostics of the typed operations:
// a missing field, a value of another type in a nested struct, a list and a map.
TEST(DynamodbTypedReader, NamesTheFieldThatDoesNotFit) {
    ddb::typed_reader reader;
    mapping::address a;
    bool found = false;
    std::string body = R"({"Item":{"city":{"S":"Caen"}}})";
    EXPECT_EQ(reader.get_item(body, a, found), ddb::errc::validation);
    EXPECT_EQ(reader.mismatch(), R"(field "zip" is missing)");

    mapping::client_row fits;
    fits.name = "Ada";
    fits.home = {"Paris", 75001};
    mapping::client_row with_previous;
    with_previous.previous = {{"Lyon", 1}, {"Caen", 2}};
    auto page = [&](const ddb::item& second) {
        std::string json = R"({"Items":[)";
        ddb::detail::json_writer w(json);
        w.map(ddb::to_item(fits));
        w.map(second);
        return json + R"(],"Count":2})";
    };
    ddb::item bad = ddb::to_item(with_previous);
    bad["home"] = attribute_value::map({{"city", "Paris"}, {"zip", "75001"}});
    std::vector<mapping::client_row> rows;
    std::string json = page(bad);
    EXPECT_EQ(reader.query_items(json, rows), ddb::errc::validation);
    EXPECT_EQ(reader.mismatch(), R"(item 1, field "home.zip" has another type)");

    bad = ddb::to_item(with_previous);
    (*bad["previous"].l())[1] = attribute_value::map({{"zip", 2}});
    json = page(bad);
    EXPECT_EQ(reader.query_items(json, rows), ddb::errc::validation);
    EXPECT_EQ(reader.mismatch(), R"(item 1, field "previous[1].city" is missing)");

    bad = ddb::to_item(fits);
    bad["scores"] = attribute_value::map({{"x", true}});
    json = page(bad);
    EXPECT_EQ(reader.query_items(json, rows), ddb::errc::validation);
    EXPECT_EQ(reader.mismatch(), R"(item 1, field "scores.x" has another type)");
}

namespace typed_keys {
struct wide {
    std::string a;
    std::string exactly8;
    std::string nine_char;
    std::string a_longer_name_1;
    std::string a_longer_name_2;
    std::int64_t big = 0;
    std::int32_t mid = 0;
    std::uint8_t small = 0;
    std::uint64_t unsigned_big = 0;
    double real = 0;
    friend bool operator==(const wide&, const wide&) = default;
};
BOOST_DESCRIBE_STRUCT(wide, (),
                      (a, exactly8, nine_char, a_longer_name_1, a_longer_name_2, big, mid, small, unsigned_big, real))
} // namespace typed_keys

// Each member is found by its whole name whatever its length (names that share a prefix,
// keys with escapes), and numbers read as std::from_chars reads them, limits and all.
TEST(DynamodbTypedReader, FindsEveryNameAndReadsIntegersAsFromChars) {
    ddb::typed_reader reader;
    const std::string all = R"("a":{"S":"1"},"exactly8":{"S":"2"},"nine\u005fchar":{"S":"3"},)"
                            R"("a_longer_name_1":{"S":"4"},"a_longer_name_2":{"S":"5"},"a_longer_name_":{"S":"x"},)"
                            R"("a_longer_name_12":{"S":"x"},"exactly":{"S":"x"},"":{"S":"x"},"A":{"S":"x"},)"
                            R"("big":{"N":"-9223372036854775808"},"mid":{"N":"12345678"},"small":{"N":"255"},)"
                            R"("unsigned_big":{"N":"18446744073709551615"},"real":{"N":"-0.375"})";
    typed_keys::wide w;
    bool found = false;
    std::string body = R"({"Item":{)" + all + "}}";
    ASSERT_FALSE(reader.get_item(body, w, found)) << reader.mismatch();
    EXPECT_EQ(w, (typed_keys::wide{"1", "2", "3", "4", "5", INT64_MIN, 12345678, 255, UINT64_MAX, -0.375}));

    // One member's value replaced: read into w, or errc::validation.
    auto read = [&](std::string_view member, std::string_view n) {
        std::string item = R"({"Item":{)" + all + R"(,")" + std::string(member) + R"(":{"N":")" + std::string(n) +
                           R"("}}})";
        return reader.get_item(item, w, found);
    };
    struct int_case {
        std::string_view member, text;
        bool fits;
        std::int64_t value;
    };
    const int_case cases[] = {
        {"mid", "99999999", true, 99999999},
        {"mid", "123456789", true, 123456789},
        {"mid", "2147483647", true, INT32_MAX},
        {"mid", "2147483648", false, 0},
        {"mid", "-2147483648", true, INT32_MIN},
        {"mid", "-2147483649", false, 0},
        {"mid", "+7", true, 7},
        {"mid", "007", true, 7},
        {"mid", "-0", true, 0},
        {"mid", "1234567a", false, 0},
        {"mid", "12:45678", false, 0},
        {"mid", "1/345678", false, 0},
        {"mid", "1.0", false, 0},
        {"mid", "1e3", false, 0},
        {"mid", "", false, 0},
        {"mid", "-", false, 0},
        {"mid", "\\u0031\\u0032", true, 12},
        {"mid", "0000000000000000000042", true, 42},
        {"small", "256", false, 0},
        {"small", "-1", false, 0},
        {"small", "-0", false, 0},
        {"big", "9223372036854775807", true, INT64_MAX},
        {"big", "9223372036854775808", false, 0},
        {"big", "999999999999999999", true, 999999999999999999},
        {"big", "-999999999999999999", true, -999999999999999999},
        {"big", "1000000000000000000", true, 1000000000000000000},
    };
    for (const int_case& c : cases) {
        const auto ec = read(c.member, c.text);
        if (!c.fits) {
            EXPECT_EQ(ec, ddb::errc::validation) << c.member << " " << c.text;
            continue;
        }
        ASSERT_FALSE(ec) << c.member << " " << c.text;
        const std::int64_t got = c.member == "mid" ? w.mid : c.member == "small" ? w.small : w.big;
        EXPECT_EQ(got, c.value) << c.member << " " << c.text;
    }
    // Doubles, rounded once to the nearest (as the literals are).
    struct double_case {
        std::string_view text;
        double value;
    };
    const double_case doubles[] = {{"0.1", 0.1},
                                   {"0.3", 0.3},
                                   {"12345678901234.5", 12345678901234.5},
                                   {"3.14159265358979", 3.14159265358979},
                                   {"1234567890123456789", 1234567890123456789.0},
                                   {"0.30000000000000004", 0.30000000000000004},
                                   {"1.", 1.0},
                                   {"5e-3", 5e-3},
                                   {"-0", -0.0}};
    for (const double_case& c : doubles) {
        ASSERT_FALSE(read("real", c.text)) << c.text;
        EXPECT_EQ(w.real, c.value) << c.text;
        EXPECT_EQ(std::signbit(w.real), std::signbit(c.value)) << c.text;
    }
    EXPECT_EQ(read("real", "1e400"), ddb::errc::validation);
    EXPECT_EQ(read("real", "1.2.3"), ddb::errc::validation);
    EXPECT_EQ(read("real", "--1"), ddb::errc::validation);
}

// query_page: the LastEvaluatedKey as the response's JSON, written back as it came by the
// next request of a typed pager.
TEST(DynamodbTypedReader, QueryPageKeepsTheLastKeyAsJson) {
    ddb::typed_reader reader;
    std::vector<mapping::address> rows;
    std::int64_t count = 0, scanned = 0;
    std::string key;
    std::string body = R"({"Count":1,"Items":[{"city":{"S":"Caen"},"zip":{"N":"14000"}}],)"
                       R"("LastEvaluatedKey":{"pk":{"S":"a\"b"}, "sk":{"N":"3"}},"ScannedCount":4})";
    ASSERT_FALSE(reader.query_page(body, rows, count, scanned, key));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], (mapping::address{"Caen", 14000}));
    EXPECT_EQ(count, 1);
    EXPECT_EQ(scanned, 4);
    EXPECT_EQ(key, R"({"pk":{"S":"a\"b"}, "sk":{"N":"3"}})");
    body = R"({"Count":0,"Items":[],"ScannedCount":0})";
    ASSERT_FALSE(reader.query_page(body, rows, count, scanned, key));
    EXPECT_TRUE(rows.empty());
    EXPECT_TRUE(key.empty());
    body = R"({"Items":[],"LastEvaluatedKey":[1]})";
    EXPECT_EQ(reader.query_page(body, rows, count, scanned, key), ddb::errc::malformed_response);

    // The next request starts after that key, as it came.
    auto k = attr("pk") == "a";
    std::string out;
    ddb::detail::write(out, ddb::query_request{.table = "t", .key_condition = k, .limit = 2},
                       R"({"pk":{"S":"a"},"sk":{"N":"3"}})");
    EXPECT_EQ(out, R"x({"TableName":"t","KeyConditionExpression":"#n0 = :v0",)x"
                   R"x("ExpressionAttributeNames":{"#n0":"pk"},"ExpressionAttributeValues":{":v0":{"S":"a"}},)x"
                   R"x("Limit":2,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"3"}}})x");
    out.clear();
    ddb::detail::write(out, ddb::scan_request{.table = "t"}, R"({"pk":{"S":"a"}})");
    EXPECT_EQ(out, R"({"TableName":"t","ExclusiveStartKey":{"pk":{"S":"a"}}})");
}

TEST(DynamodbErrors, CodesFromTheEnvelope) {
    EXPECT_EQ(ddb::errc_from_code("ConditionalCheckFailedException"), ddb::errc::conditional_check_failed);
    EXPECT_EQ(ddb::errc_from_code("ResourceNotFoundException"), ddb::errc::resource_not_found);
    EXPECT_EQ(ddb::errc_from_code("ValidationException"), ddb::errc::validation);
    EXPECT_EQ(ddb::errc_from_code("ProvisionedThroughputExceededException"), ddb::errc::provisioned_throughput_exceeded);
    EXPECT_EQ(ddb::errc_from_code("TransactionCanceledException"), ddb::errc::transaction_canceled);
    EXPECT_EQ(ddb::errc_from_code("NoSuchThing"), ddb::errc::ok);
    EXPECT_EQ(cirrus::error_code(ddb::errc::validation).category().name(), std::string("cirrus.dynamodb"));
}
