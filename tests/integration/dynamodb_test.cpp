// The DynamoDB client against DynamoDB Local: every operation, condition failures,
// transactions with cancellation reasons, PartiQL, batches over the per-call limits,
// unicode, binary, 38-digit numbers, a 400 KB item, reserved words as attribute names, and
// the async shape (one-liners, every token kind, a throwing callback, diagnostics kept on
// the client, cancellation). Each test makes its own tables (random suffix) and deletes them.

#include "support/error_tuple.hpp"
#include "support/services.hpp"

#include <cirrus/dynamodb/dynamodb.hpp>
#include <cirrus/dynamodb/typed.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/describe/class.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace ddb = cirrus::dynamodb;
using namespace std::chrono_literals;
using cirrus::diagnostics;
using cirrus::error_code;
using ddb::attr;
using ddb::attribute_value;

namespace {

std::string random_suffix() {
    static std::mt19937_64 rng(std::random_device{}());
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (int i = 0; i < 10; ++i) s.push_back(digits[rng() % 36]);
    return s;
}

using cirrus::test::sync;

ddb::client_options local_options() {
    return {.region = "us-east-1",
            .endpoint = cirrus::test::dynamodb_endpoint(),
            .credentials = cirrus::auth::any_credentials_provider(cirrus::auth::static_provider("cirrus", "secret"))};
}

// The seed's rows: clients keyed by a numeric clientid, with a year and a month.
struct client_row {
    std::int64_t clientid = 0;
    std::string name;
    int year = 0;
    int month = 0;
    std::string status;
    std::optional<std::string> email;
    std::vector<std::string> tags;
    friend bool operator==(const client_row&, const client_row&) = default;
};
BOOST_DESCRIBE_STRUCT(client_row, (), (clientid, name, year, month, status, email, tags))

// The typed operations' rows: reserved words as attribute names, a 38-digit number, a
// nested struct, a list, a map, bytes and an optional.
struct typed_address {
    std::string city;
    int zip = 0;
    friend bool operator==(const typed_address&, const typed_address&) = default;
};
BOOST_DESCRIBE_STRUCT(typed_address, (), (city, zip))

struct typed_row {
    std::int64_t clientid = 0;
    std::string name;
    int year = 0;
    int month = 0;
    std::string status;
    ddb::decimal balance;
    double ratio = 0;
    bool active = false;
    std::optional<std::string> email;
    std::vector<std::string> tags;
    std::map<std::string, std::int64_t> counts;
    typed_address address;
    ddb::bytes blob;
    friend bool operator==(const typed_row&, const typed_row&) = default;
};
BOOST_DESCRIBE_STRUCT(typed_row, (),
                      (clientid, name, year, month, status, balance, ratio, active, email, tags, counts, address, blob))

struct typed_key {
    std::int64_t clientid = 0;
};
BOOST_DESCRIBE_STRUCT(typed_key, (), (clientid))

// The typed UpdateItem's rows: a counter, and reserved words (name, status).
struct typed_counter {
    std::int64_t clientid = 0;
    std::string name;
    std::string status;
    std::int64_t visits = 0;
    friend bool operator==(const typed_counter&, const typed_counter&) = default;
};
BOOST_DESCRIBE_STRUCT(typed_counter, (), (clientid, name, status, visits))

typed_counter sample_counter(std::int64_t id, std::string name) {
    return {.clientid = id, .name = std::move(name), .status = "open", .visits = 0};
}

// A struct the item does not fit: a field the item does not have.
struct typed_with_more {
    std::int64_t clientid = 0;
    std::string not_in_the_item;
};
BOOST_DESCRIBE_STRUCT(typed_with_more, (), (clientid, not_in_the_item))

// The typed Query and Scan rows: an events table's items, with reserved words (name, year,
// status) as attribute names.
struct typed_event {
    std::string pk;
    std::int64_t sk = 0;
    std::string status;
    std::string name;
    int year = 0;
    std::optional<std::string> note;
    std::vector<std::string> tags;
    friend bool operator==(const typed_event&, const typed_event&) = default;
};
BOOST_DESCRIBE_STRUCT(typed_event, (), (pk, sk, status, name, year, note, tags))

// A struct the events do not fit: "name" is a string in the items.
struct typed_event_mistyped {
    std::string pk;
    std::int64_t sk = 0;
    std::int64_t name = 0;
};
BOOST_DESCRIBE_STRUCT(typed_event_mistyped, (), (pk, sk, name))

typed_event sample_event(const std::string& pk, std::int64_t sk) {
    typed_event e{.pk = pk,
                  .sk = sk,
                  .status = sk % 3 == 0 ? "open" : "closed",
                  .name = "event \"" + std::to_string(sk) + "\"",
                  .year = 2000 + static_cast<int>(sk % 25),
                  .note = std::nullopt,
                  .tags = {"t" + std::to_string(sk % 4)}};
    if (sk % 5 == 0) e.note = "note " + std::to_string(sk);
    return e;
}

typed_row sample_typed_row(std::int64_t id) {
    return {.clientid = id,
            .name = "caf\xc3\xa9 \"quoted\" \\ line\nbreak",
            .year = 2024,
            .month = 3,
            .status = "open",
            .balance = {"-12345678901234567890123456789012345678"},
            .ratio = 0.125,
            .active = true,
            .email = std::nullopt,
            .tags = {"vip", "new"},
            .counts = {{"logins", 7}, {"orders", 12345678901234LL}},
            .address = {.city = "London", .zip = 10115},
            .blob = {std::string("\x00\x01\xff binary", 10)}};
}

class DynamoDB : public ::testing::Test {
protected:
    void SetUp() override { table_ = "cirrus-" + random_suffix(); }
    void TearDown() override {
        for (const auto& t : created_) {
            diagnostics d;
            (void)sync(ioc_, db_.async_delete_table({.table = t}, d));
        }
    }

    // A table keyed by a numeric clientid, with a GSI on (year, month).
    void create_clients_table(const std::string& name) {
        const std::array<ddb::global_secondary_index, 1> gsis = {ddb::global_secondary_index{
            .name = "by_date", .hash_key = {"year", ddb::scalar_type::n}, .range_key = ddb::key_attribute{"month", ddb::scalar_type::n}}};
        diagnostics d;
        auto [ec, t] = sync(ioc_, db_.async_create_table({.table = name, .hash_key = {"clientid", ddb::scalar_type::n},
                                                          .global_indexes = gsis},
                                                         d));
        ASSERT_FALSE(ec) << ec.message() << " " << d.what();
        created_.push_back(name);
        auto [we, w] = sync(ioc_, db_.async_wait_table_active({.table = name, .timeout = 30s}, d));
        ASSERT_FALSE(we) << we.message() << " " << d.what();
    }

    // A table with a hash and a range key and an LSI.
    void create_events_table(const std::string& name) {
        const std::array<ddb::local_secondary_index, 1> lsis = {ddb::local_secondary_index{
            .name = "by_status", .range_key = {"status", ddb::scalar_type::s}, .projection = {.type = ddb::projection_type::all}}};
        diagnostics d;
        auto [ec, t] = sync(ioc_, db_.async_create_table({.table = name,
                                                          .hash_key = {"pk", ddb::scalar_type::s},
                                                          .range_key = ddb::key_attribute{"sk", ddb::scalar_type::n},
                                                          .local_indexes = lsis},
                                                         d));
        ASSERT_FALSE(ec) << ec.message() << " " << d.what();
        created_.push_back(name);
        auto [we, w] = sync(ioc_, db_.async_wait_table_active({.table = name, .timeout = 30s}, d));
        ASSERT_FALSE(we) << we.message() << " " << d.what();
    }

    static ddb::item row(std::int64_t id, int year, int month) {
        return ddb::to_item(client_row{.clientid = id,
                                       .name = "client " + std::to_string(id),
                                       .year = year,
                                       .month = month,
                                       .status = id % 2 ? "open" : "closed",
                                       .email = std::nullopt,
                                       .tags = {"t" + std::to_string(id % 3)}});
    }

    asio::io_context ioc_;
    ddb::client<> db_{ioc_.get_executor(), local_options()};
    std::string table_;
    std::vector<std::string> created_;
};

} // namespace

// ============================================================================ control plane

TEST_F(DynamoDB, CreateDescribeListUpdateDeleteTables) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const std::string events = table_ + "-events";
    ASSERT_NO_FATAL_FAILURE(create_events_table(events));
    diagnostics d;

    auto [de, t] = sync(ioc_, db_.async_describe_table({.table = table_}, d));
    ASSERT_FALSE(de) << d.what();
    EXPECT_EQ(t.name, table_);
    EXPECT_EQ(t.status, ddb::table_status::active);
    EXPECT_EQ(t.hash_key(), "clientid");
    EXPECT_EQ(t.billing, ddb::billing_mode::pay_per_request);
    ASSERT_EQ(t.global_indexes.size(), 1u);
    EXPECT_EQ(t.global_indexes[0].name, "by_date");
    auto [ee, e] = sync(ioc_, db_.async_describe_table({.table = events}, d));
    ASSERT_FALSE(ee);
    EXPECT_EQ(e.range_key(), "sk");
    ASSERT_EQ(e.local_indexes.size(), 1u);
    EXPECT_EQ(e.local_indexes[0].name, "by_status");

    // ListTables one table per page: the pager walks them all.
    auto pages = db_.list_tables_pages({.limit = 1});
    std::set<std::string> names;
    while (!pages.done()) {
        auto [le, page] = sync(ioc_, pages.async_next_page());
        ASSERT_FALSE(le) << le.message();
        EXPECT_LE(page.tables.size(), 1u);
        names.insert(page.tables.begin(), page.tables.end());
    }
    EXPECT_TRUE(names.contains(table_));
    EXPECT_TRUE(names.contains(events));
    EXPECT_GE(pages.pages_fetched(), 2u);

    // Provisioned billing, then a new throughput.
    auto [ue, u] = sync(ioc_, db_.async_update_table({.table = events,
                                                      .billing = ddb::billing_mode::provisioned,
                                                      .provisioned = ddb::throughput{7, 3}},
                                                     d));
    ASSERT_FALSE(ue) << ue.message() << " " << d.what();
    auto [w1, wr1] = sync(ioc_, db_.async_wait_table_active({.table = events, .timeout = 30s}, d));
    ASSERT_FALSE(w1);
    ASSERT_TRUE(wr1.table.has_value());
    EXPECT_EQ(wr1.table->provisioned.read_capacity_units, 7);
    EXPECT_EQ(wr1.table->provisioned.write_capacity_units, 3);

    // Time to live.
    auto [te, ttl] = sync(ioc_, db_.async_update_time_to_live({.table = table_, .attribute = "expires", .enabled = true}, d));
    ASSERT_FALSE(te) << te.message() << " " << d.what();
    EXPECT_EQ(ttl.attribute, "expires");
    EXPECT_TRUE(ttl.enabled);
    auto [tde, tdesc] = sync(ioc_, db_.async_describe_time_to_live({.table = table_}, d));
    ASSERT_FALSE(tde) << d.what();
    EXPECT_TRUE(tdesc.enabled) << tdesc.status;

    // Delete, then wait until it is gone.
    auto [xe, gone] = sync(ioc_, db_.async_delete_table({.table = events}, d));
    ASSERT_FALSE(xe) << d.what();
    EXPECT_EQ(gone.name, events);
    auto [ne, nr] = sync(ioc_, db_.async_wait_table_not_exists({.table = events, .timeout = 30s}, d));
    ASSERT_FALSE(ne) << ne.message();
    EXPECT_GE(nr.attempts, 1u);
    created_.pop_back();
}

TEST_F(DynamoDB, WaiterTimesOutAndMissingTablesAreTyped) {
    diagnostics d;
    auto [we, w] = sync(ioc_, db_.async_wait_table_active({.table = table_, .timeout = 300ms, .min_delay = 20ms,
                                                           .max_delay = 50ms},
                                                          d));
    EXPECT_EQ(we, ddb::errc::wait_timeout);
    EXPECT_GE(w.attempts, 2u);
    auto [de, t] = sync(ioc_, db_.async_describe_table({.table = table_}, d));
    EXPECT_EQ(de, ddb::errc::resource_not_found);
    EXPECT_EQ(d.service_code, "ResourceNotFoundException");
    EXPECT_FALSE(d.message.empty());
    EXPECT_FALSE(d.request_id.empty());
    EXPECT_EQ(d.http_status, 400u);
    ddb::item key{{"clientid", 1}};
    auto [ge, g] = sync(ioc_, db_.async_get_item({.table = table_, .key = key}, d));
    EXPECT_EQ(ge, ddb::errc::resource_not_found);
    // A malformed request: ValidationException.
    auto [ce, c] = sync(ioc_, db_.async_create_table({.table = "x", .hash_key = {"k", ddb::scalar_type::s}}, d));
    EXPECT_EQ(ce, ddb::errc::validation) << ce.message();
    EXPECT_EQ(d.service_code, "ValidationException");
}

// ============================================================================ items

TEST_F(DynamoDB, PutGetUpdateDeleteWithExpressions) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    const ddb::item first = row(1, 2024, 5);
    auto only_new = ddb::attribute_not_exists(attr("clientid"));
    auto [pe, p] = sync(ioc_, db_.async_put_item({.table = table_, .item = first, .condition = only_new}, d));
    ASSERT_FALSE(pe) << pe.message() << " " << d.what();

    // The same key again: the condition fails, and the old item comes back when asked.
    ddb::item second = row(1, 2025, 6);
    auto [pe2, p2] = sync(ioc_, db_.async_put_item({.table = table_, .item = second, .condition = only_new,
                                                    .return_old_item_on_condition_failure = true},
                                                   d));
    EXPECT_EQ(pe2, ddb::errc::conditional_check_failed);
    EXPECT_EQ(d.service_code, "ConditionalCheckFailedException");
    EXPECT_FALSE(d.request_id.empty());
    EXPECT_EQ(p2.attributes, first);

    // Get, with a projection of reserved words.
    ddb::item key{{"clientid", 1}};
    auto proj = ddb::projection(attr("name"), attr("year"), attr("month"), attr("status"));
    auto [ge, g] = sync(ioc_, db_.async_get_item({.table = table_, .key = key, .projection = proj, .consistent_read = true}, d));
    ASSERT_FALSE(ge) << d.what();
    ASSERT_TRUE(g.item.has_value());
    EXPECT_EQ(g.item->size(), 4u);
    EXPECT_EQ(g.item->at("year"), attribute_value(2024));
    EXPECT_EQ(g.item->at("status"), attribute_value("open"));

    // Update: SET, increment, REMOVE, ADD to a set, with a condition; ALL_NEW back.
    auto upd = ddb::update()
                   .set(attr("status"), "closed")
                   .set_if_not_exists(attr("visits"), 0)
                   .remove(attr("tags"))
                   .add(attr("labels"), attribute_value::string_set({"vip"}));
    auto was_open = attr("status") == "open" && attr("year") == 2024;
    auto [ue, u] = sync(ioc_, db_.async_update_item({.table = table_, .key = key, .update = upd, .condition = was_open,
                                                     .returns = ddb::return_values::all_new},
                                                    d));
    ASSERT_FALSE(ue) << ue.message() << " " << d.what();
    EXPECT_EQ(u.attributes.at("status"), attribute_value("closed"));
    EXPECT_EQ(u.attributes.at("visits"), attribute_value(0));
    EXPECT_EQ(u.attributes.count("tags"), 0u);
    EXPECT_EQ(*u.attributes.at("labels").ss(), std::vector<std::string>{"vip"});
    auto inc = ddb::update().increment(attr("visits"), 5);
    auto [ue2, u2] = sync(ioc_, db_.async_update_item({.table = table_, .key = key, .update = inc,
                                                       .returns = ddb::return_values::updated_new},
                                                      d));
    ASSERT_FALSE(ue2) << d.what();
    EXPECT_EQ(u2.attributes.size(), 1u);
    EXPECT_EQ(u2.attributes.at("visits"), attribute_value(5));
    // The condition no longer holds.
    auto [ue3, u3] = sync(ioc_, db_.async_update_item({.table = table_, .key = key, .update = upd, .condition = was_open}, d));
    EXPECT_EQ(ue3, ddb::errc::conditional_check_failed);

    // Delete with a size() condition, returning the old item; then it is gone.
    auto has_labels = ddb::size(attr("labels")) >= 1;
    auto [xe, x] = sync(ioc_, db_.async_delete_item({.table = table_, .key = key, .condition = has_labels,
                                                     .returns = ddb::return_values::all_old},
                                                    d));
    ASSERT_FALSE(xe) << d.what();
    EXPECT_EQ(x.attributes.at("visits"), attribute_value(5));
    auto [ge2, g2] = sync(ioc_, db_.async_get_item({.table = table_, .key = key}, d));
    ASSERT_FALSE(ge2);
    EXPECT_FALSE(g2.item.has_value());
}

TEST_F(DynamoDB, ValuesSurviveTheRoundTrip) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    std::string binary(256, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i);
    ddb::item it{
        {"clientid", attribute_value::number("12345678901234567890123456789012345678")},
        {"unicode", "na\xc3\xafve \xe2\x82\xac \xf0\x9f\x98\x80 \"quoted\" back\\slash \n\t\x01"},
        {"binary", attribute_value::binary(binary)},
        {"small", attribute_value::number("-0.000000000000000000000000000000000001")},
        {"flag", true},
        {"nothing", attribute_value::null()},
        {"nested", attribute_value::map({{"list", attribute_value::list({1, "two", attribute_value::map({{"x", false}})})}})},
        {"ss", attribute_value::string_set({"a", "b"})},
        {"ns", attribute_value::number_set({"1", "2.5"})},
        {"bs", attribute_value::binary_set({std::string("\0\1", 2), std::string("\xff", 1)})},
        // a name with characters that need escaping, and reserved words
        {"we\"ird name", "x"},
        {"name", "n"},
        {"year", 1},
        {"month", 2},
        {"status", "s"},
    };
    auto [pe, p] = sync(ioc_, db_.async_put_item({.table = table_, .item = it}, d));
    ASSERT_FALSE(pe) << pe.message() << " " << d.what();
    ddb::item key{{"clientid", attribute_value::number("12345678901234567890123456789012345678")}};
    auto [ge, g] = sync(ioc_, db_.async_get_item({.table = table_, .key = key, .consistent_read = true}, d));
    ASSERT_FALSE(ge) << d.what();
    ASSERT_TRUE(g.item.has_value());
    EXPECT_EQ(g.item->at("unicode"), it.at("unicode"));
    EXPECT_EQ(g.item->at("binary"), it.at("binary"));
    EXPECT_EQ(g.item->at("nested"), it.at("nested"));
    EXPECT_EQ(g.item->at("nothing"), it.at("nothing"));
    EXPECT_EQ(g.item->at("we\"ird name"), it.at("we\"ird name"));
    EXPECT_EQ(*g.item->at("clientid").n(), "12345678901234567890123456789012345678");
    EXPECT_EQ(*g.item->at("small").n(), "-0.000000000000000000000000000000000001");
    EXPECT_EQ(g.item->at("ss").ss()->size(), 2u);
    EXPECT_EQ(g.item->at("bs").bs()->size(), 2u);

    // A 400 KB item (the limit counts names and values): accepted just under it.
    ddb::item big{{"clientid", 2}, {"blob", attribute_value::binary(std::string(400 * 1024 - 100, 'b'))}};
    auto [be, b] = sync(ioc_, db_.async_put_item({.table = table_, .item = big}, d));
    ASSERT_FALSE(be) << be.message() << " " << d.what();
    ddb::item big_key{{"clientid", 2}};
    auto [bge, bg] = sync(ioc_, db_.async_get_item({.table = table_, .key = big_key}, d));
    ASSERT_FALSE(bge);
    ASSERT_TRUE(bg.item.has_value());
    EXPECT_EQ(bg.item->at("blob").b()->size(), 400u * 1024 - 100);
    // Over it: ValidationException.
    ddb::item too_big{{"clientid", 3}, {"blob", attribute_value::binary(std::string(401 * 1024, 'b'))}};
    auto [tbe, tb] = sync(ioc_, db_.async_put_item({.table = table_, .item = too_big}, d));
    EXPECT_EQ(tbe, ddb::errc::validation);
}

// ============================================================================ reading many

TEST_F(DynamoDB, QueryAndScanWithPagination) {
    ASSERT_NO_FATAL_FAILURE(create_events_table(table_));
    diagnostics d;
    std::vector<ddb::item> items;
    for (int i = 0; i < 30; ++i)
        items.push_back(ddb::item{{"pk", i < 20 ? "a" : "b"},
                                  {"sk", i},
                                  {"status", i % 3 == 0 ? "open" : "closed"},
                                  {"name", "event " + std::to_string(i)}});
    auto [we, w] = sync(ioc_, db_.async_batch_write({.table = table_, .put = items}, d));
    ASSERT_FALSE(we) << d.what();
    EXPECT_EQ(w.written, 30u);

    // The seeds' operators on the sort key.
    auto run = [&](const ddb::condition& key, std::int64_t expected) {
        auto [qe, q] = sync(ioc_, db_.async_query({.table = table_, .key_condition = key}, d));
        ASSERT_FALSE(qe) << qe.message() << " " << d.what() << " " << key.expr().to_string();
        EXPECT_EQ(q.count, expected) << key.expr().to_string();
    };
    run(attr("pk") == "a", 20);
    run(attr("pk") == "a" && attr("sk") == 3, 1);
    run(attr("pk") == "a" && attr("sk") < 5, 5);
    run(attr("pk") == "a" && attr("sk") <= 5, 6);
    run(attr("pk") == "a" && attr("sk") > 15, 4);
    run(attr("pk") == "a" && attr("sk") >= 15, 5);
    run(attr("pk") == "a" && ddb::between(attr("sk"), 5, 9), 5);
    run(attr("pk") == "b", 10);

    // begins_with on the LSI's string sort key, a filter, a projection, newest first.
    auto key = attr("pk") == "a" && ddb::begins_with(attr("status"), "op");
    auto filter = attr("sk") > 5 && ddb::contains(attr("name"), "event");
    auto proj = ddb::projection(attr("sk"), attr("name"));
    auto [qe, q] = sync(ioc_, db_.async_query({.table = table_, .index = "by_status", .key_condition = key, .filter = filter,
                                               .projection = proj},
                                              d));
    ASSERT_FALSE(qe) << d.what();
    EXPECT_EQ(q.count, 5); // sk 6, 9, 12, 15, 18 of the open ones 0, 3 ... 18
    EXPECT_EQ(q.scanned_count, 7);
    for (const auto& i : q.items) EXPECT_EQ(i.size(), 2u);

    // Pages of 3, in descending order, through the pager.
    auto a = attr("pk") == "a";
    auto pages = db_.query_pages({.table = table_, .key_condition = a, .scan_forward = false, .limit = 3});
    std::vector<int> seen;
    for (;;) {
        auto [ne, next] = sync(ioc_, pages.async_next());
        ASSERT_FALSE(ne) << ne.message();
        if (!next) break;
        int sk = 0;
        ASSERT_TRUE(next->at("sk").get_number(sk));
        seen.push_back(sk);
    }
    ASSERT_EQ(seen.size(), 20u);
    EXPECT_EQ(seen.front(), 19);
    EXPECT_EQ(seen.back(), 0);
    EXPECT_GE(pages.pages_fetched(), 7u);

    // Select COUNT.
    auto [ce, c] = sync(ioc_, db_.async_query({.table = table_, .key_condition = a, .select = ddb::select::count}, d));
    ASSERT_FALSE(ce) << d.what();
    EXPECT_EQ(c.count, 20);
    EXPECT_TRUE(c.items.empty());

    // Scan, paged, with an IN filter.
    const std::vector<std::string> statuses = {"open"};
    auto open = ddb::in(attr("status"), statuses);
    auto scan_pages = db_.scan_pages({.table = table_, .filter = open, .limit = 7});
    std::size_t scanned = 0;
    while (!scan_pages.done()) {
        auto [se, page] = sync(ioc_, scan_pages.async_next_page());
        ASSERT_FALSE(se) << se.message();
        scanned += page.items.size();
    }
    EXPECT_EQ(scanned, 10u);

    // A parallel scan over 4 segments sees every item once.
    auto [pe, all] = sync(ioc_, db_.async_parallel_scan({.scan = {.table = table_, .limit = 4}, .total_segments = 4}, d));
    ASSERT_FALSE(pe) << pe.message() << " " << d.what();
    EXPECT_EQ(all.items.size(), 30u);
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& i : all.items) keys.insert({*i.at("pk").s(), *i.at("sk").n()});
    EXPECT_EQ(keys.size(), 30u);
}

// ============================================================================ batches

TEST_F(DynamoDB, IntoAResultTheCallerKeeps) {
    ASSERT_NO_FATAL_FAILURE(create_events_table(table_));
    std::vector<ddb::item> items;
    for (int i = 0; i < 5; ++i) items.push_back(ddb::item{{"pk", i < 3 ? "a" : "b"}, {"sk", i}, {"status", "open"}});
    diagnostics d;
    auto [we, w] = sync(ioc_, db_.async_batch_write({.table = table_, .put = items}, d));
    ASSERT_FALSE(we) << d.what();

    ddb::get_item_result got;
    ddb::query_result page;
    std::vector<error_code> ecs;
    std::vector<std::size_t> sizes;
    bool first_found = false, second_absent = false;
    auto fut = asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto tok = asio::as_tuple(asio::use_awaitable);
            const ddb::item present{{"pk", "a"}, {"sk", 1}};
            const ddb::item absent{{"pk", "a"}, {"sk", 99}};
            auto [e1] = co_await db_.async_get_item({.table = table_, .key = present}, got, d, tok);
            ecs.push_back(e1);
            first_found = got.item && got.item->at("sk") == ddb::attribute_value(1);
            // The same result again: nothing of the previous response remains.
            auto [e2] = co_await db_.async_get_item({.table = table_, .key = absent}, got, tok);
            ecs.push_back(e2);
            second_absent = !got.item.has_value();
            const auto a = attr("pk") == "a";
            const auto b = attr("pk") == "b";
            auto [e3] = co_await db_.async_query({.table = table_, .key_condition = a}, page, tok);
            ecs.push_back(e3);
            sizes.push_back(page.items.size());
            auto [e4] = co_await db_.async_query({.table = table_, .key_condition = b}, page, d, tok);
            ecs.push_back(e4);
            sizes.push_back(page.items.size());
            // A failure into a result is typed, with the service's diagnostics.
            auto [e5] = co_await db_.async_get_item({.table = "cirrus-missing-" + random_suffix(), .key = present}, got, d, tok);
            ecs.push_back(e5);
            // The default token throws on failure and returns nothing.
            co_await db_.async_get_item({.table = table_, .key = present}, got);
            sizes.push_back(got.item ? got.item->size() : 0);
        },
        asio::use_future);
    ioc_.restart();
    ioc_.run();
    fut.get();
    ASSERT_EQ(ecs.size(), 5u);
    EXPECT_FALSE(ecs[0]) << ecs[0].message();
    EXPECT_TRUE(first_found);
    EXPECT_FALSE(ecs[1]) << ecs[1].message();
    EXPECT_TRUE(second_absent);
    EXPECT_FALSE(ecs[2]);
    EXPECT_FALSE(ecs[3]);
    ASSERT_EQ(sizes.size(), 3u);
    EXPECT_EQ(sizes[0], 3u);
    EXPECT_EQ(sizes[1], 2u);
    EXPECT_EQ(page.count, 2);
    EXPECT_EQ(ecs[4], ddb::errc::resource_not_found) << ecs[4].message();
    EXPECT_EQ(d.service_code, "ResourceNotFoundException");
    EXPECT_EQ(sizes[2], 3u);
}

TEST_F(DynamoDB, BatchWriteAndGetOverTheLimits) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    std::vector<ddb::item> rows;
    for (int i = 0; i < 1000; ++i) rows.push_back(row(i, 2020 + i % 5, 1 + i % 12));
    auto [we, w] = sync(ioc_, db_.async_batch_write({.table = table_, .put = rows}, d));
    ASSERT_FALSE(we) << we.message() << " " << d.what();
    EXPECT_EQ(w.written, 1000u);
    EXPECT_EQ(w.unprocessed, 0u);
    EXPECT_EQ(w.calls, 40u);

    // 150 keys: two calls; the typed rows come back whole.
    std::vector<ddb::item> keys;
    for (int i = 0; i < 150; ++i) keys.push_back(ddb::item{{"clientid", i * 3}});
    auto [ge, g] = sync(ioc_, db_.async_batch_get({.table = table_, .keys = keys, .consistent_read = true}, d));
    ASSERT_FALSE(ge) << ge.message() << " " << d.what();
    EXPECT_EQ(g.items.size(), 150u);
    EXPECT_EQ(g.calls, 2u);
    std::set<std::int64_t> ids;
    for (const auto& i : g.items) {
        auto r = ddb::from_item<client_row>(i);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->name, "client " + std::to_string(r->clientid));
        ids.insert(r->clientid);
    }
    EXPECT_EQ(ids.size(), 150u);

    // Deletes in a batch, with a projection on the get.
    std::vector<ddb::item> gone(keys.begin(), keys.begin() + 30);
    auto [de, dr] = sync(ioc_, db_.async_batch_write({.table = table_, .delete_keys = gone}, d));
    ASSERT_FALSE(de) << d.what();
    EXPECT_EQ(dr.written, 30u);
    auto proj = ddb::projection(attr("clientid"));
    auto [ge2, g2] = sync(ioc_, db_.async_batch_get({.table = table_, .keys = keys, .projection = proj}, d));
    ASSERT_FALSE(ge2) << d.what();
    EXPECT_EQ(g2.items.size(), 120u);
    for (const auto& i : g2.items) EXPECT_EQ(i.size(), 1u);

    // The seed's reads: by id, then by year and month through the GSI.
    ddb::item k{{"clientid", 777}};
    auto [ie, one] = sync(ioc_, db_.async_get_item({.table = table_, .key = k}, d));
    ASSERT_FALSE(ie);
    ASSERT_TRUE(one.item.has_value());
    EXPECT_EQ(ddb::from_item<client_row>(*one.item)->year, 2022);
    auto by_date = attr("year") == 2022 && attr("month") == 10;
    auto pages = db_.query_pages({.table = table_, .index = "by_date", .key_condition = by_date});
    std::size_t n = 0;
    for (;;) {
        auto [qe, next] = sync(ioc_, pages.async_next());
        ASSERT_FALSE(qe) << qe.message();
        if (!next) break;
        auto r = ddb::from_item<client_row>(*next);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->year, 2022);
        EXPECT_EQ(r->month, 10);
        ++n;
    }
    EXPECT_EQ(n, 15u); // i % 5 == 2 and i % 12 == 9: i = 57 + 60k (16 of them), 57 deleted above
}

// ============================================================================ transactions

TEST_F(DynamoDB, TransactionsCommitOrCancelWithReasons) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    const ddb::item a = row(1, 2020, 1), b = row(2, 2020, 2);
    ddb::item key_a{{"clientid", 1}}, key_b{{"clientid", 2}}, key_c{{"clientid", 3}};
    auto absent = ddb::attribute_not_exists(attr("clientid"));
    const std::array<ddb::transact_write_item, 2> puts = {
        ddb::transact_write_item{.action = ddb::transact_action::put, .table = table_, .item = a, .condition = absent},
        ddb::transact_write_item{.action = ddb::transact_action::put, .table = table_, .item = b, .condition = absent}};
    auto [te, t] = sync(ioc_, db_.async_transact_write({.items = puts}, d));
    ASSERT_FALSE(te) << te.message() << " " << d.what();
    EXPECT_TRUE(t.cancellation_reasons.empty());

    // The second action's condition fails: all canceled, reasons per item, old item returned.
    auto upd = ddb::update().set(attr("status"), "moved");
    auto exists = ddb::attribute_exists(attr("clientid"));
    const std::array<ddb::transact_write_item, 3> mixed = {
        ddb::transact_write_item{.action = ddb::transact_action::update, .table = table_, .key = key_a, .update = upd},
        ddb::transact_write_item{.action = ddb::transact_action::condition_check, .table = table_, .key = key_b,
                                 .condition = absent, .return_old_item_on_condition_failure = true},
        ddb::transact_write_item{.action = ddb::transact_action::delete_item, .table = table_, .key = key_c,
                                 .condition = exists}};
    auto [ce, c] = sync(ioc_, db_.async_transact_write({.items = mixed, .client_request_token = "token-1"}, d));
    EXPECT_EQ(ce, ddb::errc::transaction_canceled) << ce.message();
    EXPECT_EQ(d.service_code, "TransactionCanceledException");
    ASSERT_EQ(c.cancellation_reasons.size(), 3u);
    EXPECT_FALSE(c.cancellation_reasons[0].failed());
    EXPECT_EQ(c.cancellation_reasons[1].code, "ConditionalCheckFailed");
    ASSERT_TRUE(c.cancellation_reasons[1].item.has_value());
    EXPECT_EQ(*c.cancellation_reasons[1].item, b);
    EXPECT_EQ(c.cancellation_reasons[2].code, "ConditionalCheckFailed");

    // Nothing changed; TransactGetItems reads both (and a missing one) in order.
    auto proj = ddb::projection(attr("status"));
    const std::array<ddb::transact_get_item, 3> gets = {ddb::transact_get_item{.table = table_, .key = key_a, .projection = proj},
                                                        ddb::transact_get_item{.table = table_, .key = key_c},
                                                        ddb::transact_get_item{.table = table_, .key = key_b}};
    auto [ge, g] = sync(ioc_, db_.async_transact_get({.items = gets}, d));
    ASSERT_FALSE(ge) << ge.message() << " " << d.what();
    ASSERT_EQ(g.items.size(), 3u);
    ASSERT_TRUE(g.items[0].has_value());
    EXPECT_EQ(g.items[0]->at("status"), attribute_value("open"));
    EXPECT_FALSE(g.items[1].has_value());
    EXPECT_EQ(g.items[2], b);
}

// ============================================================================ PartiQL

TEST_F(DynamoDB, PartiQLStatementsWithParameters) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    const std::string insert = "INSERT INTO \"" + table_ + "\" VALUE {'clientid': ?, 'name': ?, 'year': ?}";
    for (int i = 1; i <= 5; ++i) {
        const std::vector<attribute_value> params = {i, "p" + std::to_string(i), 2000 + i};
        auto [ie, r] = sync(ioc_, db_.async_execute_statement({.statement = insert, .parameters = params}, d));
        ASSERT_FALSE(ie) << ie.message() << " " << d.what();
    }
    const std::string select = "SELECT * FROM \"" + table_ + "\" WHERE clientid = ?";
    const std::vector<attribute_value> three = {3};
    auto [se, s] = sync(ioc_, db_.async_execute_statement({.statement = select, .parameters = three}, d));
    ASSERT_FALSE(se) << d.what();
    ASSERT_EQ(s.items.size(), 1u);
    EXPECT_EQ(s.items[0].at("name"), attribute_value("p3"));

    // All of them, two per page.
    const std::string all = "SELECT clientid FROM \"" + table_ + "\"";
    auto pages = db_.execute_statement_pages({.statement = all, .limit = 2});
    std::size_t n = 0;
    for (;;) {
        auto [ne, next] = sync(ioc_, pages.async_next());
        ASSERT_FALSE(ne) << ne.message();
        if (!next) break;
        ++n;
    }
    EXPECT_EQ(n, 5u);
    EXPECT_GE(pages.pages_fetched(), 3u);

    // A batch of writes: the insert of an existing key fails on its own. (DynamoDB does
    // not mix reads and writes in one batch.)
    const std::vector<attribute_value> dup = {1, "again", 1999};
    const std::vector<attribute_value> fresh = {6, "p6", 2006};
    const std::array<ddb::batch_statement, 2> writes = {ddb::batch_statement{.statement = insert, .parameters = fresh},
                                                        ddb::batch_statement{.statement = insert, .parameters = dup}};
    auto [be, b] = sync(ioc_, db_.async_batch_execute_statement({.statements = writes}, d));
    ASSERT_FALSE(be) << be.message() << " " << d.what();
    ASSERT_EQ(b.responses.size(), 2u);
    EXPECT_TRUE(b.responses[0].error_code.empty()) << b.responses[0].error_code;
    EXPECT_EQ(b.responses[1].error_code, "DuplicateItem") << b.responses[1].error_message;
    const std::vector<attribute_value> six = {6};
    const std::array<ddb::batch_statement, 2> reads = {ddb::batch_statement{.statement = select, .parameters = three},
                                                       ddb::batch_statement{.statement = select, .parameters = six}};
    auto [re, rb] = sync(ioc_, db_.async_batch_execute_statement({.statements = reads}, d));
    ASSERT_FALSE(re) << re.message() << " " << d.what();
    ASSERT_EQ(rb.responses.size(), 2u);
    ASSERT_TRUE(rb.responses[0].item.has_value());
    EXPECT_EQ(rb.responses[0].item->at("name"), attribute_value("p3"));
    ASSERT_TRUE(rb.responses[1].item.has_value());
    EXPECT_EQ(rb.responses[1].item->at("name"), attribute_value("p6"));

    // A failed statement: DuplicateItemException.
    auto [de, dr] = sync(ioc_, db_.async_execute_statement({.statement = insert, .parameters = dup}, d));
    EXPECT_EQ(de, ddb::errc::duplicate_item) << de.message() << " " << d.what();
}

// ============================================================================ typed items

TEST_F(DynamoDB, TypedPutAndGetRoundTripWithReservedWordsAndA38DigitNumber) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const typed_row row = sample_typed_row(11);
    diagnostics d;
    auto [pe] = sync(ioc_, db_.async_put(table_, row, d));
    ASSERT_FALSE(pe) << pe.message() << " " << d.what();

    // Read back into a struct, twice into the same one (its strings reused).
    typed_row back;
    for (int i = 0; i < 2; ++i) {
        auto [ge, found] = sync(ioc_, db_.async_get(table_, typed_key{11}, back, ddb::get_options{.consistent_read = true}, d));
        ASSERT_FALSE(ge) << ge.message() << " " << d.what();
        EXPECT_TRUE(found);
        EXPECT_EQ(back, row);
    }

    // What DynamoDB stored, through the item API: the reserved words are plain attribute
    // names, the number is exact, the empty optional is absent.
    ddb::item key{{"clientid", 11}};
    auto [ie, got] = sync(ioc_, db_.async_get_item({.table = table_, .key = key, .consistent_read = true}, d));
    ASSERT_FALSE(ie) << ie.message() << " " << d.what();
    ASSERT_TRUE(got.item.has_value());
    EXPECT_EQ(*got.item->at("balance").n(), "-12345678901234567890123456789012345678");
    EXPECT_EQ(*got.item->at("year").n(), "2024");
    EXPECT_EQ(*got.item->at("status").s(), "open");
    EXPECT_EQ(*got.item->at("name").s(), row.name);
    EXPECT_EQ(*got.item->at("blob").b(), row.blob.data);
    EXPECT_FALSE(got.item->contains("email"));
    auto mapped = ddb::from_item<typed_row>(*got.item);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(*mapped, row);

    // A key given as an item, and an optional that is set.
    typed_row second = sample_typed_row(12);
    second.email = "ada@example.com";
    auto [pe2] = sync(ioc_, db_.async_put(table_, second, d));
    ASSERT_FALSE(pe2) << pe2.message() << " " << d.what();
    ddb::item key12{{"clientid", 12}};
    auto [ge2, found2] = sync(ioc_, db_.async_get(table_, key12, back, ddb::get_options{.consistent_read = true}, d));
    ASSERT_FALSE(ge2) << ge2.message() << " " << d.what();
    EXPECT_TRUE(found2);
    EXPECT_EQ(back, second);
    EXPECT_EQ(back.email, "ada@example.com");

    // No item: found is false and the struct is untouched.
    auto [ge3, found3] = sync(ioc_, db_.async_get(table_, typed_key{999}, back, d));
    EXPECT_FALSE(ge3) << ge3.message() << " " << d.what();
    EXPECT_FALSE(found3);
    EXPECT_EQ(back, second);

    // An item that does not fit the struct is a validation error, typed.
    typed_with_more more;
    auto [ge4, found4] = sync(ioc_, db_.async_get(table_, typed_key{11}, more, d));
    EXPECT_EQ(ge4, ddb::errc::validation);
    EXPECT_NE(d.message.find("does not fit"), std::string::npos) << d.what();

    // A missing table: the service's error with its diagnostics.
    auto [ge5, found5] = sync(ioc_, db_.async_get("no-such-table", typed_key{11}, back, d));
    EXPECT_EQ(ge5, ddb::errc::resource_not_found);
    EXPECT_EQ(d.service_code, "ResourceNotFoundException");
    auto [pe5] = sync(ioc_, db_.async_put("no-such-table", row, d));
    EXPECT_EQ(pe5, ddb::errc::resource_not_found);
}

TEST_F(DynamoDB, TypedOneLinersInACoroutine) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const std::string t = table_;
    std::exception_ptr failure;
    typed_row got;
    bool found = false, missing = true;
    std::string thrown;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto o = local_options(); // options own strings: built in a statement of their own
            ddb::client<> db(co_await asio::this_coro::executor, o);
            // Temporaries everywhere: the table name, the struct, the key.
            co_await db.async_put(std::string(t), sample_typed_row(21));
            found = co_await db.async_get(std::string(t), typed_key{21}, got);
            missing = co_await db.async_get(t, typed_key{22}, got);
            try {
                co_await db.async_get(std::string("no-such-table"), typed_key{21}, got);
            } catch (const cirrus::error_with_diagnostics& e) {
                thrown = e.get_diagnostics().service_code;
            }
            auto [ec] = co_await db.async_put(t, sample_typed_row(23), asio::as_tuple(asio::use_awaitable));
            EXPECT_FALSE(ec);
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc_.restart();
    ioc_.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_TRUE(found);
    EXPECT_FALSE(missing);
    EXPECT_EQ(got, sample_typed_row(21));
    EXPECT_EQ(thrown, "ResourceNotFoundException");

    // deferred, started later: the table name, the key and the struct written were
    // temporaries, gone by then (the request was written when the operation was made).
    auto put = [&] {
        std::string table = t;
        typed_row r = sample_typed_row(24);
        return db_.async_put(table, r);
    }();
    typed_row back;
    auto get = [&] {
        std::string table = t;
        typed_key k{24};
        return db_.async_get(table, k, back, ddb::get_options{.consistent_read = true});
    }();
    auto [pe] = sync(ioc_, std::move(put));
    ASSERT_FALSE(pe) << pe.message();
    auto [ge, f] = sync(ioc_, std::move(get));
    ASSERT_FALSE(ge) << ge.message();
    EXPECT_TRUE(f);
    EXPECT_EQ(back, sample_typed_row(24));

    // A callback, with the client's last diagnostics on failure.
    std::optional<bool> via_callback;
    db_.async_get(std::string("no-such-table"), typed_key{1}, back,
                  [&](error_code ec, bool fnd) { via_callback = !ec && fnd; });
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(via_callback, false);
    EXPECT_EQ(db_.last_diagnostics().service_code, "ResourceNotFoundException");
}

// Typed conditional writes: PutItem with a condition (the item as it was read into a struct
// when asked), DeleteItem with and without a condition and on a missing key, UpdateItem
// whose new item is read into the struct, with reserved words (name, status) and a
// condition whose placeholders are numbered with the update's.
TEST_F(DynamoDB, TypedConditionalPutUpdateAndDelete) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    diagnostics d;
    const typed_row row = sample_typed_row(31);
    const auto only_new = ddb::attribute_not_exists(attr("clientid"));
    const ddb::put_options if_new{.condition = only_new};
    auto [pe] = sync(ioc_, db_.async_put(table_, row, if_new, d));
    ASSERT_FALSE(pe) << pe.message() << " " << d.what();

    // The same key again: the condition fails, typed, with the service's message and id.
    typed_row second = sample_typed_row(31);
    second.name = "second";
    auto [pe2] = sync(ioc_, db_.async_put(table_, second, if_new, d));
    EXPECT_EQ(pe2, ddb::errc::conditional_check_failed) << pe2.message() << " " << d.what();
    EXPECT_EQ(d.service_code, "ConditionalCheckFailedException");
    EXPECT_FALSE(d.message.empty());
    EXPECT_FALSE(d.request_id.empty());
    // And the item as it was, when asked for, read into a struct.
    typed_row old;
    auto [pe3] = sync(ioc_, db_.async_put(table_, second, if_new, old, d));
    EXPECT_EQ(pe3, ddb::errc::conditional_check_failed) << pe3.message() << " " << d.what();
    EXPECT_EQ(d.service_code, "ConditionalCheckFailedException");
    EXPECT_EQ(old, row);
    typed_row back;
    auto [ge, found] = sync(ioc_,
                            db_.async_get(table_, typed_key{31}, back, ddb::get_options{.consistent_read = true}, d));
    ASSERT_FALSE(ge) << d.what();
    EXPECT_TRUE(found);
    EXPECT_EQ(back, row);
    // A condition that holds, the old-item struct untouched.
    const auto is_open = attr("status") == "open";
    const ddb::put_options if_open{.condition = is_open};
    typed_row untouched;
    auto [pe4] = sync(ioc_, db_.async_put(table_, second, if_open, untouched, d));
    ASSERT_FALSE(pe4) << pe4.message() << " " << d.what();
    EXPECT_EQ(untouched, typed_row{});

    // UpdateItem: an increment and SETs of reserved words, the new item into the struct.
    const typed_counter start{.clientid = 32, .name = "Ada", .status = "open", .visits = 0};
    auto [pe5] = sync(ioc_, db_.async_put(table_, start, d));
    ASSERT_FALSE(pe5) << pe5.message() << " " << d.what();
    const auto upd =
        ddb::update().increment(attr("visits"), 1).set(attr("name"), "Grace").set(attr("status"), "closed");
    typed_counter counter;
    for (std::int64_t i = 1; i <= 2; ++i) {
        auto [ue] = sync(ioc_, db_.async_update(table_, typed_key{32}, upd, counter, d));
        ASSERT_FALSE(ue) << ue.message() << " " << d.what();
        EXPECT_EQ(counter, (typed_counter{.clientid = 32, .name = "Grace", .status = "closed", .visits = i}));
    }
    // A key given as an item, and a condition on the attributes the update names too.
    const ddb::item key32{{"clientid", 32}};
    const auto few_visits = attr("status") == "closed" && attr("visits") < 10;
    const ddb::update_options if_few{.condition = few_visits};
    auto [ue2] = sync(ioc_, db_.async_update(table_, key32, upd, counter, if_few, d));
    ASSERT_FALSE(ue2) << ue2.message() << " " << d.what();
    EXPECT_EQ(counter.visits, 3);

    // A failed condition: typed; `out` untouched, or the item as it was when asked for.
    const auto still_open = attr("status") == "open";
    typed_counter marker{.clientid = -1, .name = "marker", .status = "", .visits = -1};
    counter = marker;
    auto [ue3] = sync(ioc_, db_.async_update(table_, typed_key{32}, upd, counter,
                                             ddb::update_options{.condition = still_open}, d));
    EXPECT_EQ(ue3, ddb::errc::conditional_check_failed) << ue3.message() << " " << d.what();
    EXPECT_EQ(d.service_code, "ConditionalCheckFailedException");
    EXPECT_FALSE(d.request_id.empty());
    EXPECT_EQ(counter, marker);
    auto [ue4] = sync(ioc_, db_.async_update(table_, typed_key{32}, upd, counter,
                                             ddb::update_options{.condition = still_open,
                                                                 .return_old_item_on_condition_failure = true},
                                             d));
    EXPECT_EQ(ue4, ddb::errc::conditional_check_failed) << ue4.message() << " " << d.what();
    EXPECT_EQ(counter, (typed_counter{.clientid = 32, .name = "Grace", .status = "closed", .visits = 3}));
    // A new item that does not fit the struct: validation, with the field named.
    typed_with_more more;
    auto [ue5] = sync(ioc_, db_.async_update(table_, typed_key{32}, upd, more, d));
    EXPECT_EQ(ue5, ddb::errc::validation);
    EXPECT_NE(d.message.find("not_in_the_item"), std::string::npos) << d.what();

    // DeleteItem: whether an item was there.
    auto [xe, existed] = sync(ioc_, db_.async_delete(table_, typed_key{31}, d));
    ASSERT_FALSE(xe) << xe.message() << " " << d.what();
    EXPECT_TRUE(existed);
    auto [xe2, existed2] = sync(ioc_, db_.async_delete(table_, typed_key{31}, d));
    ASSERT_FALSE(xe2) << xe2.message() << " " << d.what();
    EXPECT_FALSE(existed2);
    // With a condition: one that fails (the item stays), one on a missing key, one that holds.
    const auto many_visits = attr("visits") > 100;
    auto [xe3, existed3] = sync(ioc_, db_.async_delete(table_, typed_key{32},
                                                       ddb::delete_options{.condition = many_visits}, d));
    EXPECT_EQ(xe3, ddb::errc::conditional_check_failed) << xe3.message() << " " << d.what();
    EXPECT_EQ(d.service_code, "ConditionalCheckFailedException");
    EXPECT_FALSE(existed3);
    const auto exists = ddb::attribute_exists(attr("clientid"));
    auto [xe4, existed4] = sync(ioc_,
                                db_.async_delete(table_, typed_key{999}, ddb::delete_options{.condition = exists}, d));
    EXPECT_EQ(xe4, ddb::errc::conditional_check_failed) << xe4.message() << " " << d.what();
    // (4 visits: the update read into typed_with_more was made, only its response did not fit.)
    const auto four = attr("visits") == 4 && attr("name") == "Grace";
    auto [xe5, existed5] = sync(ioc_, db_.async_delete(table_, key32, ddb::delete_options{.condition = four}, d));
    ASSERT_FALSE(xe5) << xe5.message() << " " << d.what();
    EXPECT_TRUE(existed5);
    auto [ge2, found2] = sync(ioc_, db_.async_get(table_, typed_key{32}, counter,
                                                  ddb::get_options{.consistent_read = true}, d));
    ASSERT_FALSE(ge2) << d.what();
    EXPECT_FALSE(found2);

    // A missing table: the service's error.
    auto [ue6] = sync(ioc_, db_.async_update("no-such-table", typed_key{32}, upd, counter, d));
    EXPECT_EQ(ue6, ddb::errc::resource_not_found);
    auto [xe6, existed6] = sync(ioc_, db_.async_delete("no-such-table", typed_key{32}, d));
    EXPECT_EQ(xe6, ddb::errc::resource_not_found);
}

// The typed writes as one-liners: temporaries for the table, the struct, the key, the
// update and the options (the request is written when the call is made), the default token
// throwing a failed condition with its diagnostics. The struct comes from a function, not a
// braced temporary: g++ 12 miscompiles braced temporaries with a non-trivial destructor
// inside a co_await full-expression (here ASan saw a bad free in ~typed_counter).
TEST_F(DynamoDB, TypedWritesOneLinersInACoroutine) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const std::string t = table_;
    std::exception_ptr failure;
    typed_counter row;
    bool existed = false, existed_again = true;
    std::string thrown;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto o = local_options();
            ddb::client<> db(co_await asio::this_coro::executor, o);
            const auto only_new = ddb::attribute_not_exists(attr("clientid"));
            co_await db.async_put(std::string(t), sample_counter(41, "Ada"), ddb::put_options{.condition = only_new});
            co_await db.async_update(t, typed_key{41}, ddb::update().increment(attr("visits"), 1), row);
            co_await db.async_update(std::string(t), typed_key{41},
                                     ddb::update().increment(attr("visits"), 2).set(attr("status"), "closed"), row);
            try {
                co_await db.async_put(t, sample_counter(41, "Bo"), ddb::put_options{.condition = only_new});
            } catch (const cirrus::error_with_diagnostics& e) {
                thrown = e.get_diagnostics().service_code;
            }
            existed = co_await db.async_delete(t, typed_key{41});
            existed_again = co_await db.async_delete(std::string(t), typed_key{41});
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc_.restart();
    ioc_.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_EQ(row, (typed_counter{.clientid = 41, .name = "Ada", .status = "closed", .visits = 3}));
    EXPECT_EQ(thrown, "ConditionalCheckFailedException");
    EXPECT_TRUE(existed);
    EXPECT_FALSE(existed_again);
}

// Typed Query and Scan: pages straight into a vector of structs, 300 items over many pages
// (Limit), forward and backward, through one page at a time, the pager's pages and its
// items; reserved words as attribute names; an item that does not fit the struct.
TEST_F(DynamoDB, TypedQueryAndScanPageByPage) {
    ASSERT_NO_FATAL_FAILURE(create_events_table(table_));
    diagnostics d;
    std::vector<ddb::item> items;
    for (std::int64_t i = 0; i < 300; ++i) items.push_back(ddb::to_item(sample_event(i < 250 ? "a" : "b", i)));
    auto [we, w] = sync(ioc_, db_.async_batch_write({.table = table_, .put = items}, d));
    ASSERT_FALSE(we) << we.message() << " " << d.what();
    ASSERT_EQ(w.written, 300u);

    // One page of 100, then the next one from its LastEvaluatedKey.
    auto a = attr("pk") == "a";
    std::vector<typed_event> rows;
    auto [qe, page] = sync(ioc_, db_.async_query({.table = table_, .key_condition = a, .limit = 100}, rows, d));
    ASSERT_FALSE(qe) << qe.message() << " " << d.what();
    ASSERT_EQ(rows.size(), 100u);
    EXPECT_EQ(page.count, 100);
    ASSERT_TRUE(page.more());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], sample_event("a", static_cast<std::int64_t>(i)));
    EXPECT_EQ(*page.last_evaluated_key.at("sk").n(), "99");
    auto [qe2, page2] = sync(ioc_, db_.async_query({.table = table_,
                                                    .key_condition = a,
                                                    .limit = 100,
                                                    .exclusive_start_key = page.last_evaluated_key},
                                                   rows, d));
    ASSERT_FALSE(qe2) << qe2.message() << " " << d.what();
    ASSERT_EQ(rows.size(), 100u);
    EXPECT_EQ(rows.front(), sample_event("a", 100));

    // Every page through the pager, newest first, into the same vector.
    auto pages = db_.query_pages<typed_event>(
        {.table = table_, .key_condition = a, .scan_forward = false, .limit = 40});
    std::vector<std::int64_t> seen;
    while (!pages.done()) {
        auto [pe] = sync(ioc_, pages.async_next_page(rows, d));
        ASSERT_FALSE(pe) << pe.message() << " " << d.what();
        EXPECT_LE(rows.size(), 40u);
        for (const auto& r : rows) {
            EXPECT_EQ(r, sample_event("a", r.sk));
            seen.push_back(r.sk);
        }
    }
    ASSERT_EQ(seen.size(), 250u);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 249 - static_cast<std::int64_t>(i));
    EXPECT_GE(pages.pages_fetched(), 7u);
    auto [after] = sync(ioc_, pages.async_next_page(rows)); // past the end: nothing more
    EXPECT_FALSE(after);
    EXPECT_TRUE(rows.empty());

    // Item by item, with a filter on a reserved word: the open ones of "b" (sk 252 ... 297).
    auto b = attr("pk") == "b";
    auto open = attr("status") == "open";
    auto items_of_b = db_.query_pages<typed_event>({.table = table_, .key_condition = b, .filter = open, .limit = 7});
    typed_event one;
    std::vector<std::int64_t> open_b;
    for (;;) {
        auto [ne, more] = sync(ioc_, items_of_b.async_next(one, d));
        ASSERT_FALSE(ne) << ne.message() << " " << d.what();
        if (!more) break;
        EXPECT_EQ(one, sample_event("b", one.sk));
        open_b.push_back(one.sk);
    }
    std::vector<std::int64_t> expected;
    for (std::int64_t i = 250; i < 300; ++i)
        if (i % 3 == 0) expected.push_back(i);
    EXPECT_EQ(open_b, expected);

    // A Scan of every page sees each of the 300 items once; one Scan page on its own.
    auto scan = db_.scan_pages<typed_event>({.table = table_, .limit = 70});
    std::set<std::pair<std::string, std::int64_t>> keys;
    while (!scan.done()) {
        auto [se] = sync(ioc_, scan.async_next_page(rows, d));
        ASSERT_FALSE(se) << se.message() << " " << d.what();
        for (const auto& r : rows) {
            EXPECT_EQ(r, sample_event(r.pk, r.sk));
            keys.insert({r.pk, r.sk});
        }
    }
    EXPECT_EQ(keys.size(), 300u);
    EXPECT_GE(scan.pages_fetched(), 5u);
    auto [se1, scanned] = sync(ioc_, db_.async_scan({.table = table_, .limit = 10}, rows, d));
    ASSERT_FALSE(se1) << se1.message() << " " << d.what();
    EXPECT_EQ(rows.size(), 10u);
    EXPECT_EQ(scanned.scanned_count, 10);
    EXPECT_TRUE(scanned.more());

    // Items that do not fit the struct: typed, naming the item and the field.
    std::vector<typed_event_mistyped> wrong;
    auto [me, mpage] = sync(ioc_, db_.async_query({.table = table_, .key_condition = a, .limit = 5}, wrong, d));
    EXPECT_EQ(me, ddb::errc::validation);
    EXPECT_NE(d.message.find(R"(item 0, field "name" has another type)"), std::string::npos) << d.what();
    auto wrong_pages = db_.scan_pages<typed_event_mistyped>({.table = table_, .limit = 50});
    auto [mpe] = sync(ioc_, wrong_pages.async_next_page(wrong));
    EXPECT_EQ(mpe, ddb::errc::validation);
    EXPECT_NE(wrong_pages.last_diagnostics().message.find(R"(field "name" has another type)"), std::string::npos)
        << wrong_pages.last_diagnostics().what();

    // A missing table: the service's error.
    auto [nte, ntpage] = sync(ioc_, db_.async_query({.table = "no-such-table", .key_condition = a}, rows, d));
    EXPECT_EQ(nte, ddb::errc::resource_not_found);
    EXPECT_EQ(d.service_code, "ResourceNotFoundException");
}

// The typed Query and Scan in a coroutine with the default token: braced requests, a page
// and a pager, a failure thrown with its diagnostics.
TEST_F(DynamoDB, TypedQueryOneLinersInACoroutine) {
    ASSERT_NO_FATAL_FAILURE(create_events_table(table_));
    const std::string t = table_;
    std::exception_ptr failure;
    std::size_t first_page = 0, all = 0, scanned = 0;
    bool more = false;
    std::string thrown;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto o = local_options();
            ddb::client<> db(co_await asio::this_coro::executor, o);
            for (std::int64_t i = 0; i < 25; ++i) {
                const typed_event e = sample_event("a", i); // named: no class temporary in a co_await
                co_await db.async_put(t, e);
            }
            auto key = attr("pk") == "a";
            std::vector<typed_event> rows;
            auto page =
                co_await db.async_query({.table = t, .key_condition = key, .consistent_read = true, .limit = 10}, rows);
            first_page = rows.size();
            more = page.more();
            auto pages = db.query_pages<typed_event>(
                {.table = t, .key_condition = key, .consistent_read = true, .limit = 10});
            while (!pages.done()) {
                co_await pages.async_next_page(rows);
                all += rows.size();
            }
            auto scan = db.scan_pages<typed_event>({.table = t, .consistent_read = true, .limit = 6});
            typed_event one;
            while (co_await scan.async_next(one)) ++scanned;
            try {
                co_await db.async_scan({.table = "no-such-table"}, rows);
            } catch (const cirrus::error_with_diagnostics& x) {
                thrown = x.get_diagnostics().service_code;
            }
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc_.restart();
    ioc_.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_EQ(first_page, 10u);
    EXPECT_TRUE(more);
    EXPECT_EQ(all, 25u);
    EXPECT_EQ(scanned, 25u);
    EXPECT_EQ(thrown, "ResourceNotFoundException");
}

// ============================================================================ async shape

TEST_F(DynamoDB, OneLinersInACoroutine) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const std::string t = table_;
    std::exception_ptr failure;
    std::string name, thrown, kept;
    error_code missing;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto o = local_options(); // options own strings: built in a statement of their own
            ddb::client<> db(co_await asio::this_coro::executor, o);
            ddb::item it{{"clientid", 5}, {"name", "one-liner"}};
            ddb::item key{{"clientid", 5}};
            co_await db.async_put_item({.table = t, .item = it});
            auto got = co_await db.async_get_item({.table = t, .key = key, .consistent_read = true});
            name = *got.item->at("name").s();
            try {
                co_await db.async_get_item({.table = "no-such-table", .key = key});
            } catch (const cirrus::error_with_diagnostics& e) {
                thrown = e.get_diagnostics().service_code + " | " + e.what();
            }
            auto [ec, r] = co_await db.async_describe_table({.table = "no-such-table"}, asio::as_tuple(asio::use_awaitable));
            missing = ec;
            kept = db.last_diagnostics().what();
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc_.restart();
    ioc_.run();
    if (failure) std::rethrow_exception(failure);
    EXPECT_EQ(name, "one-liner");
    EXPECT_TRUE(thrown.starts_with("ResourceNotFoundException | ResourceNotFoundException")) << thrown;
    EXPECT_EQ(missing, ddb::errc::resource_not_found);
    EXPECT_NE(kept.find("HTTP 400"), std::string::npos) << kept;
}

TEST_F(DynamoDB, EveryCompletionToken) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    const std::string t = table_;
    ddb::item it{{"clientid", 8}, {"name", "tokens"}};
    ddb::item key{{"clientid", 8}};
    auto [pe, p] = sync(ioc_, db_.async_put_item({.table = t, .item = it}));
    ASSERT_FALSE(pe);

    // use_awaitable, as_tuple(use_awaitable), deferred inside a coroutine.
    std::string got;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> {
            auto r = co_await db_.async_get_item({.table = t, .key = key}, asio::use_awaitable);
            got = *r.item->at("name").s();
            try {
                co_await db_.async_get_item({.table = "no-such-table", .key = key}, asio::use_awaitable);
                ADD_FAILURE() << "no exception";
            } catch (const boost::system::system_error& e) {
                EXPECT_EQ(e.code(), ddb::errc::resource_not_found);
            }
            auto r2 = co_await db_.async_get_item({.table = t, .key = key}, asio::deferred);
            got += *r2.item->at("name").s();
        },
        asio::detached);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(got, "tokenstokens");

    // A callback.
    std::optional<std::string> via_callback;
    db_.async_get_item({.table = t, .key = key}, [&](error_code ec, ddb::get_item_result r) {
        via_callback = ec ? "error" : *r.item->at("name").s();
    });
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(via_callback, "tokens");

    // use_future.
    auto fut = db_.async_get_item({.table = t, .key = key}, asio::use_future);
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(*fut.get().item->at("name").s(), "tokens");

    // deferred (the default token), started later: the table name, key and expression were
    // temporaries, and the operation owns its copies.
    auto op = [&] {
        std::string table = t;
        ddb::item k{{"clientid", 8}};
        auto proj = ddb::projection(attr("name"));
        return db_.async_get_item({.table = table, .key = k, .projection = proj});
    }();
    auto [ec, r] = sync(ioc_, std::move(op));
    EXPECT_FALSE(ec);
    ASSERT_TRUE(r.item.has_value());
    EXPECT_EQ(r.item->size(), 1u);
}

TEST_F(DynamoDB, AThrowingCallbackLeavesTheClientUsable) {
    ASSERT_NO_FATAL_FAILURE(create_clients_table(table_));
    ddb::item key{{"clientid", 1}};
    db_.async_get_item({.table = table_, .key = key}, [](error_code, ddb::get_item_result) {
        throw std::runtime_error("handler on fire");
    });
    ioc_.restart();
    EXPECT_THROW(ioc_.run(), std::runtime_error);
    diagnostics d;
    auto [ge, g] = sync(ioc_, db_.async_get_item({.table = table_, .key = key}, d));
    EXPECT_FALSE(ge) << d.what();
    EXPECT_FALSE(g.item.has_value());
}

TEST_F(DynamoDB, CancellationThroughABoundSlot) {
    // A waiter on a table that never comes, cancelled 100 ms in.
    asio::cancellation_signal signal;
    std::optional<error_code> result;
    db_.async_wait_table_active({.table = table_, .timeout = 60s, .min_delay = 20ms, .max_delay = 40ms},
                                asio::bind_cancellation_slot(signal.slot(),
                                                             [&](error_code ec, ddb::wait_result) { result = ec; }));
    asio::steady_timer timer(ioc_, 100ms);
    timer.async_wait([&](error_code) { signal.emit(asio::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    ioc_.restart();
    ioc_.run();
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, asio::error::operation_aborted) << result->message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(DynamoDB, EndpointFromTheEnvironment) {
    ::setenv("AWS_ENDPOINT_URL_DYNAMODB", cirrus::test::dynamodb_endpoint().c_str(), 1);
    ::setenv("AWS_ACCESS_KEY_ID", "cirrus", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    ::setenv("AWS_REGION", "eu-west-3", 1);
    ddb::client<> db(ioc_.get_executor());
    ::unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
    EXPECT_EQ(db.options().region, "eu-west-3");
    auto [le, l] = sync(ioc_, db.async_list_tables({}));
    EXPECT_FALSE(le) << le.message() << " " << db.last_diagnostics().what();
    ddb::client<> aws(ioc_.get_executor(), {.region = "ap-south-1"});
    EXPECT_EQ(aws.endpoint().host(), "dynamodb.ap-south-1.amazonaws.com");
}
