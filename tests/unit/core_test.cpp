#include <cirrus/core/base64.hpp>
#include <cirrus/core/buffer.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/hex.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/core/uri.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace std::string_literals;

TEST(Hex, EncodesLowerCase) {
    EXPECT_EQ(cirrus::hex::encode("\x00\x01\xab\xff"s), "0001abff");
    EXPECT_EQ(cirrus::hex::encode(""), "");
}

TEST(Hex, EveryByteValueRoundTrips) {
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    const std::string encoded = cirrus::hex::encode(all);
    ASSERT_EQ(encoded.size(), 512u);
    for (int b = 0; b < 256; ++b) {
        EXPECT_EQ(encoded[2 * b], "0123456789abcdef"[b >> 4]) << b;
        EXPECT_EQ(encoded[2 * b + 1], "0123456789abcdef"[b & 15]) << b;
    }
    EXPECT_EQ(cirrus::hex::decode(encoded), all);
}

TEST(Hex, DecodesEitherCaseAndRejectsGarbage) {
    EXPECT_EQ(cirrus::hex::decode("0001ABff"), "\x00\x01\xab\xff"s);
    EXPECT_FALSE(cirrus::hex::decode("abc"));
    EXPECT_FALSE(cirrus::hex::decode("zz"));
}

TEST(Base64, Rfc4648Vectors) {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(cirrus::base64::encode(plain), encoded);
        EXPECT_EQ(cirrus::base64::decode(encoded), plain);
    }
}

TEST(Base64, RejectsMalformedInput) {
    EXPECT_FALSE(cirrus::base64::decode("Zg="));
    EXPECT_FALSE(cirrus::base64::decode("Z==="));
    EXPECT_FALSE(cirrus::base64::decode("Zm9v!A=="));
    EXPECT_FALSE(cirrus::base64::decode("Zg==Zg=="));
}

TEST(Uri, EncodesEverythingButUnreserved) {
    EXPECT_EQ(cirrus::uri::encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(cirrus::uri::encode("a b+c/d%e=f"), "a%20b%2Bc%2Fd%25e%3Df");
    EXPECT_EQ(cirrus::uri::encode("\xe1\x88\xb4"), "%E1%88%B4");
    EXPECT_EQ(cirrus::uri::encode_path("/my dir//key+1"), "/my%20dir//key%2B1");
}

TEST(Uri, DecodeKeepsPlusAndStrayPercent) {
    EXPECT_EQ(cirrus::uri::decode("a%20b+c%2"), "a b+c%2");
    EXPECT_EQ(cirrus::uri::decode("%zz%41"), "%zzA");
    EXPECT_EQ(cirrus::uri::decode("%"), "%");
}

TEST(Buffer, GrowsBeyondInlineStorageAndKeepsCapacity) {
    cirrus::basic_buffer<8> b;
    b.append("0123456789");
    b.push_back('x');
    EXPECT_EQ(b.view(), "0123456789x");
    auto cap = b.capacity();
    b.clear();
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(b.capacity(), cap);
    cirrus::basic_buffer<8> moved = std::move(b);
    moved.append("abc");
    EXPECT_EQ(moved.view(), "abc");
    cirrus::basic_buffer<8> small;
    small.append("hi");
    cirrus::basic_buffer<8> copy = small;
    EXPECT_EQ(copy.view(), "hi");
}

TEST(Error, CategoryAndMessages) {
    cirrus::error_code ec = cirrus::errc::expiry_out_of_range;
    EXPECT_EQ(ec.category().name(), std::string("cirrus"));
    EXPECT_NE(ec.message().find("7 days"), std::string::npos);
    cirrus::result<int> r = cirrus::error_code(cirrus::errc::invalid_argument);
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error(), cirrus::errc::invalid_argument);
}

TEST(Diagnostics, ReadableSummary) {
    cirrus::diagnostics d;
    d.service_code = "NoSuchKey";
    d.message = "The specified key does not exist.";
    d.http_status = 404;
    d.request_id = "4442587FB7D0A2F9";
    EXPECT_EQ(d.what(), "NoSuchKey: The specified key does not exist. (HTTP 404, request id 4442587FB7D0A2F9)");
    d.clear();
    EXPECT_TRUE(d.empty());
}
