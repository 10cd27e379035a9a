#include <cirrus/core/hex.hpp>
#include <cirrus/crypto/checksum.hpp>
#include <cirrus/crypto/compare.hpp>
#include <cirrus/crypto/crc32.hpp>
#include <cirrus/crypto/crc32c.hpp>
#include <cirrus/crypto/crc64nvme.hpp>
#include <cirrus/crypto/hmac.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/crypto/sha1.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crypto = cirrus::crypto;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& digest) {
    return cirrus::hex::encode(digest);
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

} // namespace

// ---------------------------------------------------------------------------------------
// SHA-256: FIPS 180-2 examples

TEST(Sha256, Fips180Vectors) {
    EXPECT_EQ(hex(crypto::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(crypto::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hex(crypto::sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                 "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    EXPECT_EQ(hex(crypto::sha256("")), crypto::empty_sha256_hex);
}

TEST(Sha256, MillionAOneShotAndIncremental) {
    const std::string million(1'000'000, 'a');
    const auto expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    EXPECT_EQ(hex(crypto::sha256(million)), expected);

    crypto::sha256_hasher hasher;
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) hasher.update(thousand);
    EXPECT_EQ(hex(hasher.finish()), expected);
}

TEST(Sha256, IncrementalSplitAtEveryOffset) {
    // Long enough to cross a block boundary (64 bytes) from any split point.
    const std::string input = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                              "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    const auto expected = crypto::sha256(input);
    crypto::sha256_hasher hasher; // one hasher reused: finish() must reset it
    for (std::size_t split = 0; split <= input.size(); ++split) {
        hasher.update(std::string_view(input).substr(0, split));
        hasher.update(std::string_view(input).substr(split));
        EXPECT_EQ(hasher.finish(), expected) << "split at " << split;
    }
    for (std::size_t a = 0; a <= input.size(); a += 7) {
        for (std::size_t b = a; b <= input.size(); b += 5) {
            hasher.update(input.data(), a);
            hasher.update(input.data() + a, b - a);
            hasher.update(bytes_of(input).subspan(b));
            EXPECT_EQ(hasher.finish(), expected) << "splits at " << a << ", " << b;
        }
    }
}

TEST(Sha256, HasherResetDiscardsInput) {
    crypto::sha256_hasher hasher;
    hasher.update("garbage");
    hasher.reset();
    hasher.update("abc");
    EXPECT_EQ(hex(hasher.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // A moved-to hasher keeps working.
    crypto::sha256_hasher moved = std::move(hasher);
    moved.update("abc");
    EXPECT_EQ(moved.finish(), crypto::sha256("abc"));
}

TEST(Sha256, ReusedHasherAgreesWithOneShot) {
    crypto::sha256_hasher hasher;
    const auto data = random_bytes(1000, 9);
    for (std::size_t len : {0, 1, 55, 56, 63, 64, 65, 1000}) {
        hasher.update(data.data(), len);
        EXPECT_EQ(hasher.finish(), crypto::sha256(data.data(), len)) << len;
    }
}

// ---------------------------------------------------------------------------------------
// HMAC-SHA256: RFC 4231 test cases 1-7

namespace {
struct hmac_case {
    int number;
    std::string key;
    std::string data;
    std::string_view mac_hex; // truncated to 128 bits for case 5
};

std::vector<hmac_case> rfc4231_cases() {
    std::string key4;
    for (char c = 0x01; c <= 0x19; ++c) key4.push_back(c);
    return {
        {1, std::string(20, '\x0b'), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {2, "Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {3, std::string(20, '\xaa'), std::string(50, '\xdd'),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {4, key4, std::string(50, '\xcd'),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {5, std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
        {6, std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {7, std::string(131, '\xaa'),
         "This is a test using a larger than block-size key and a larger than block-size data. "
         "The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
}
} // namespace

TEST(HmacSha256, Rfc4231) {
    crypto::hmac_sha256_engine engine; // reused across every case, in both key forms
    for (const auto& c : rfc4231_cases()) {
        const std::string one_shot = hex(crypto::hmac_sha256(c.key, c.data)).substr(0, c.mac_hex.size());
        EXPECT_EQ(one_shot, c.mac_hex) << "RFC 4231 case " << c.number;
        const std::string from_engine = hex(engine.mac(bytes_of(c.key), c.data)).substr(0, c.mac_hex.size());
        EXPECT_EQ(from_engine, c.mac_hex) << "RFC 4231 case " << c.number << " (engine)";
    }
}

TEST(HmacSha256, KeyedWithAbsorbedPadsMatchesRfc4231) {
    // One object rekeyed through every case (including the 131-byte keys that are hashed
    // first), and each MAC computed twice: the pad states must survive a MAC.
    crypto::hmac_sha256_keyed keyed;
    for (const auto& c : rfc4231_cases()) {
        keyed.rekey(bytes_of(c.key));
        for (int round = 0; round < 2; ++round) {
            const std::string mac = hex(keyed.mac(c.data)).substr(0, c.mac_hex.size());
            EXPECT_EQ(mac, c.mac_hex) << "RFC 4231 case " << c.number << " round " << round;
        }
    }
    const std::string key(32, '\x42');
    crypto::hmac_sha256_keyed fresh(bytes_of(key));
    for (std::size_t len : {0, 1, 55, 56, 63, 64, 65, 200}) {
        const std::string msg(len, 'm');
        EXPECT_EQ(fresh.mac(msg), crypto::hmac_sha256(key, msg)) << len;
    }
}

TEST(HmacSha256, KeyOfExactlyOneBlockIsNotHashed) {
    // 64-byte key: used as is; 65 bytes: hashed. Both agree with the definition.
    const std::string key64(64, 'k');
    const std::string key65(65, 'k');
    EXPECT_NE(crypto::hmac_sha256(key64, "m"), crypto::hmac_sha256(key65, "m"));
    // A key longer than a block is equivalent to its SHA-256.
    const auto hashed = crypto::sha256(key65);
    EXPECT_EQ(crypto::hmac_sha256(key65, "m"), crypto::hmac_sha256(std::span<const std::uint8_t>(hashed), "m"));
}

// ---------------------------------------------------------------------------------------
// MD5: RFC 1321 test suite; SHA-1: FIPS 180 examples

TEST(Md5, Rfc1321Suite) {
    const std::pair<std::string, std::string_view> suite[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    crypto::md5_hasher hasher;
    for (const auto& [input, expected] : suite) {
        EXPECT_EQ(hex(crypto::md5(input)), expected) << input;
        for (char c : input) hasher.update(&c, 1);
        EXPECT_EQ(hex(hasher.finish()), expected) << input << " (byte by byte)";
    }
}

TEST(Sha1, Fips180Vectors) {
    EXPECT_EQ(hex(crypto::sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    crypto::sha1_hasher hasher;
    hasher.update("abcdbcdecdefdefgefghfghighijhijk");
    hasher.update("ijkljklmklmnlmnomnopnopq");
    EXPECT_EQ(hex(hasher.finish()), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

// ---------------------------------------------------------------------------------------
// CRCs

TEST(Crc, CheckValues) {
    EXPECT_EQ(crypto::crc32c("123456789"), 0xE3069283u);
    EXPECT_EQ(crypto::detail::crc32c_software("123456789", 9), 0xE3069283u);
    EXPECT_EQ(crypto::crc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(crypto::crc64nvme("123456789"), 0xAE8B14860A799888u);
    EXPECT_EQ(crypto::crc32c(""), 0u);
    EXPECT_EQ(crypto::crc32(""), 0u);
    EXPECT_EQ(crypto::crc64nvme(""), 0u);
}

TEST(Crc, KnownValues) {
    // Cross-checked with the AWS CRT's checksum functions.
    EXPECT_EQ(crypto::crc32c("hello world"), 0xC99465AAu);
    EXPECT_EQ(crypto::crc32("hello world"), 0x0D4A1185u);
    EXPECT_EQ(crypto::crc64nvme("hello world"), 0x8D29D5C3F6EA8EBEu);
    const auto fox = "The quick brown fox jumps over the lazy dog"sv;
    EXPECT_EQ(crypto::crc32c(fox), 0x22620404u);
    EXPECT_EQ(crypto::crc32(fox), 0x414FA339u);
    EXPECT_EQ(crypto::crc64nvme(fox), 0xD76C54054954C143u);
    std::vector<std::uint8_t> counting(1024);
    for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(crypto::crc32c(counting), 0x2CDF6E8Fu);
    EXPECT_EQ(crypto::crc32(counting), 0xB70B4C26u);
    EXPECT_EQ(crypto::crc64nvme(counting), 0x888D8D2F18D01447u);
}

TEST(Crc, IncrementalEqualsOneShot) {
    const auto data = random_bytes(3000, 1);
    const std::span<const std::uint8_t> all(data);
    const auto c32c = crypto::crc32c(all);
    const auto c32 = crypto::crc32(all);
    const auto c64 = crypto::crc64nvme(all);
    for (std::size_t split = 0; split <= data.size(); split += 13) {
        EXPECT_EQ(crypto::crc32c(all.subspan(split), crypto::crc32c(all.first(split))), c32c) << split;
        EXPECT_EQ(crypto::crc32(all.subspan(split), crypto::crc32(all.first(split))), c32) << split;
        EXPECT_EQ(crypto::crc64nvme(all.subspan(split), crypto::crc64nvme(all.first(split))), c64) << split;
    }
    crypto::crc32c_hasher h32c;
    crypto::crc32_hasher h32;
    crypto::crc64nvme_hasher h64;
    for (std::size_t pos = 0, step = 1; pos < data.size(); pos += step, step = step * 2 % 97 + 1) {
        auto piece = all.subspan(pos, std::min(step, data.size() - pos));
        h32c.update(piece);
        h32.update(piece.data(), piece.size());
        h64.update(piece);
    }
    EXPECT_EQ(h32c.value(), c32c);
    EXPECT_EQ(h32c.finish(), c32c);
    EXPECT_EQ(h32c.value(), 0u); // finish() resets
    EXPECT_EQ(h32.finish(), c32);
    EXPECT_EQ(h64.finish(), c64);
    h32c.update("123456789"sv);
    EXPECT_EQ(h32c.finish(), 0xE3069283u);
}

TEST(Crc, CombineMatchesConcatenation) {
    const auto data = random_bytes(70000, 2);
    const std::span<const std::uint8_t> all(data);
    for (std::size_t split : {0, 1, 7, 8, 100, 4096, 33333, 69999, 70000}) {
        auto a = all.first(split), b = all.subspan(split);
        EXPECT_EQ(crypto::crc32c_combine(crypto::crc32c(a), crypto::crc32c(b), b.size()), crypto::crc32c(all))
            << split;
        EXPECT_EQ(crypto::crc32_combine(crypto::crc32(a), crypto::crc32(b), b.size()), crypto::crc32(all)) << split;
        EXPECT_EQ(crypto::crc64nvme_combine(crypto::crc64nvme(a), crypto::crc64nvme(b), b.size()),
                  crypto::crc64nvme(all))
            << split;
    }
    // Combining is constexpr: zero-length appends change nothing.
    static_assert(crypto::crc32c_combine(0x12345678u, 0, 0) == 0x12345678u);
    static_assert(crypto::crc64nvme_combine(0xAE8B14860A799888u, 0, 0) == 0xAE8B14860A799888u);
}

TEST(Crc, CombineOfManyParts) {
    // A whole-object CRC from part CRCs, as for a multipart upload.
    const auto data = random_bytes(100000, 3);
    const std::span<const std::uint8_t> all(data);
    std::uint32_t whole32c = 0;
    std::uint64_t whole64 = 0;
    for (std::size_t pos = 0; pos < data.size(); pos += 8191) {
        auto part = all.subspan(pos, std::min<std::size_t>(8191, data.size() - pos));
        whole32c = crypto::crc32c_combine(whole32c, crypto::crc32c(part), part.size());
        whole64 = crypto::crc64nvme_combine(whole64, crypto::crc64nvme(part), part.size());
    }
    EXPECT_EQ(whole32c, crypto::crc32c(all));
    EXPECT_EQ(whole64, crypto::crc64nvme(all));
}

namespace {

// Checks hardware(p, n, previous) == software(p, n, previous) for every alignment 0..15
// and length 0..1024, then for long inputs around the block sizes the fast paths use.
template <class Hardware, class Software>
void expect_paths_agree(Hardware hardware, Software software, std::uint64_t seed) {
    const auto data = random_bytes(200000, seed);
    for (std::size_t offset = 0; offset < 16; ++offset) {
        for (std::size_t len = 0; len <= 1024; ++len) {
            const std::uint8_t* p = data.data() + offset;
            ASSERT_EQ(hardware(p, len, 0), software(p, len, 0)) << "offset " << offset << ", length " << len;
            ASSERT_EQ(hardware(p, len, 0xDEADBEEF), software(p, len, 0xDEADBEEF))
                << "offset " << offset << ", length " << len;
        }
    }
    std::mt19937_64 rng(seed + 1);
    std::vector<std::size_t> lengths = {767, 768, 769, 24575, 24576, 24577, 24576 + 768, 49152 + 767, 199990};
    for (int i = 0; i < 40; ++i) lengths.push_back(rng() % 199990);
    for (std::size_t len : lengths) {
        for (std::size_t offset : {0, 3, 8}) {
            ASSERT_EQ(hardware(data.data() + offset, len, 0), software(data.data() + offset, len, 0))
                << "offset " << offset << ", length " << len;
        }
    }
}

} // namespace

TEST(Crc32c, HardwareMatchesSoftware) {
    if (!crypto::detail::crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
    expect_paths_agree(
        [](const void* p, std::size_t n, std::uint32_t prev) { return crypto::detail::crc32c_hardware(p, n, prev); },
        [](const void* p, std::size_t n, std::uint32_t prev) { return crypto::detail::crc32c_software(p, n, prev); },
        4);
}

TEST(Crc32, PclmulMatchesSoftware) {
    if (!crypto::detail::pclmul_available()) GTEST_SKIP() << "no PCLMULQDQ on this CPU";
    using crypto::detail::crc32_engine;
    expect_paths_agree(crypto::detail::pclmul_crc<crc32_engine>, crypto::detail::software_crc<crc32_engine>, 5);
}

TEST(Crc64Nvme, PclmulMatchesSoftware) {
    if (!crypto::detail::pclmul_available()) GTEST_SKIP() << "no PCLMULQDQ on this CPU";
    using crypto::detail::crc64nvme_engine;
    expect_paths_agree(crypto::detail::pclmul_crc<crc64nvme_engine>, crypto::detail::software_crc<crc64nvme_engine>,
                       6);
}

TEST(Crc, SoftwarePathsGiveTheCheckValues) {
    const auto crc32_tables = crypto::detail::software_crc<crypto::detail::crc32_engine>;
    const auto crc64nvme_tables = crypto::detail::software_crc<crypto::detail::crc64nvme_engine>;
    EXPECT_EQ(crc32_tables("123456789", 9, 0), 0xCBF43926u);
    EXPECT_EQ(crc64nvme_tables("123456789", 9, 0), 0xAE8B14860A799888u);
    const std::string long_input(1000, 'x'); // long enough for the folding paths
    EXPECT_EQ(crypto::crc32(long_input), crc32_tables(long_input.data(), long_input.size(), 0));
    EXPECT_EQ(crypto::crc64nvme(long_input), crc64nvme_tables(long_input.data(), long_input.size(), 0));
}

// ---------------------------------------------------------------------------------------
// S3 checksum header values

TEST(Checksum, Base64OfBigEndianValues) {
    using crypto::checksum_algorithm;
    using crypto::compute_checksum;
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32c, ""), "AAAAAA==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32, ""), "AAAAAA==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc64nvme, ""), "AAAAAAAAAAA=");
    EXPECT_EQ(compute_checksum(checksum_algorithm::sha256, ""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    EXPECT_EQ(compute_checksum(checksum_algorithm::sha1, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");

    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32c, "hello world"), "yZRlqg==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32, "hello world"), "DUoRhQ==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc64nvme, "hello world"), "jSnVw/bqjr4=");
    EXPECT_EQ(compute_checksum(checksum_algorithm::sha256, "hello world"),
              "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
    EXPECT_EQ(compute_checksum(checksum_algorithm::sha1, "hello world"), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");

    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32c, "123456789"), "4waSgw==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc32, "123456789"), "y/Q5Jg==");
    EXPECT_EQ(compute_checksum(checksum_algorithm::crc64nvme, "123456789"), "rosUhgp5mIg=");

    EXPECT_EQ(crypto::checksum_value::from_crc32(0xE3069283u).view(), "4waSgw==");
    EXPECT_EQ(crypto::checksum_value::from_crc64(0xAE8B14860A799888u).str(), "rosUhgp5mIg=");
    EXPECT_TRUE(crypto::checksum_value().empty());
}

TEST(Checksum, HasherStreamsEveryAlgorithm) {
    const auto data = random_bytes(5000, 7);
    using crypto::checksum_algorithm;
    for (auto a : {checksum_algorithm::crc32, checksum_algorithm::crc32c, checksum_algorithm::crc64nvme,
                   checksum_algorithm::sha1, checksum_algorithm::sha256}) {
        crypto::checksum_hasher hasher(a);
        EXPECT_EQ(hasher.algorithm(), a);
        for (int round = 0; round < 2; ++round) { // finish() resets for the next message
            for (std::size_t pos = 0; pos < data.size(); pos += 777)
                hasher.update(std::span(data).subspan(pos, std::min<std::size_t>(777, data.size() - pos)));
            const auto value = hasher.finish();
            EXPECT_EQ(value, crypto::compute_checksum(a, data)) << crypto::algorithm_name(a);
            EXPECT_EQ(value.view().size(), cirrus::base64::encoded_size(crypto::checksum_size(a)));
        }
    }
}

TEST(Checksum, NamesAndParsing) {
    using crypto::checksum_algorithm;
    EXPECT_EQ(crypto::checksum_header_name(checksum_algorithm::crc32c), "x-amz-checksum-crc32c");
    EXPECT_EQ(crypto::checksum_header_name(checksum_algorithm::crc32), "x-amz-checksum-crc32");
    EXPECT_EQ(crypto::checksum_header_name(checksum_algorithm::crc64nvme), "x-amz-checksum-crc64nvme");
    EXPECT_EQ(crypto::checksum_header_name(checksum_algorithm::sha1), "x-amz-checksum-sha1");
    EXPECT_EQ(crypto::checksum_header_name(checksum_algorithm::sha256), "x-amz-checksum-sha256");
    EXPECT_EQ(crypto::algorithm_name(checksum_algorithm::crc64nvme), "CRC64NVME");
    EXPECT_EQ(crypto::parse_checksum_algorithm("crc32c"), checksum_algorithm::crc32c);
    EXPECT_EQ(crypto::parse_checksum_algorithm("CRC32"), checksum_algorithm::crc32);
    EXPECT_EQ(crypto::parse_checksum_algorithm("Crc64Nvme"), checksum_algorithm::crc64nvme);
    EXPECT_EQ(crypto::parse_checksum_algorithm("SHA256"), checksum_algorithm::sha256);
    EXPECT_FALSE(crypto::parse_checksum_algorithm("MD5"));
    EXPECT_FALSE(crypto::parse_checksum_algorithm("crc32cc"));
    EXPECT_FALSE(crypto::parse_checksum_algorithm(""));
    static_assert(crypto::parse_checksum_algorithm("sha1") == checksum_algorithm::sha1);
}

// ---------------------------------------------------------------------------------------
// Constant-time comparison

TEST(ConstantTimeEqual, ComparesContentAndLength) {
    EXPECT_TRUE(crypto::constant_time_equal("", ""));
    EXPECT_TRUE(crypto::constant_time_equal("signature", "signature"));
    EXPECT_FALSE(crypto::constant_time_equal("signature", "signaturf"));
    EXPECT_FALSE(crypto::constant_time_equal("signature", "Signature"));
    EXPECT_FALSE(crypto::constant_time_equal("signature", "signatur"));
    EXPECT_FALSE(crypto::constant_time_equal("", "x"));
    EXPECT_TRUE(crypto::constant_time_equal("a\0b"s, "a\0b"s));
    EXPECT_FALSE(crypto::constant_time_equal("a\0b"s, "a\0c"s));
    const auto d1 = crypto::sha256("x");
    auto d2 = d1;
    EXPECT_TRUE(crypto::constant_time_equal(std::span<const std::uint8_t>(d1), std::span<const std::uint8_t>(d2)));
    d2[31] ^= 1;
    EXPECT_FALSE(crypto::constant_time_equal(std::span<const std::uint8_t>(d1), std::span<const std::uint8_t>(d2)));
}
