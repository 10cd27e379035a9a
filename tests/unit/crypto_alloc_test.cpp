// Counts OpenSSL's heap allocations of reused hashers and HMAC engines once warmed up:
// none on OpenSSL 3.1+, one per digest initialisation on 3.0 (see crypto/detail/evp.hpp). CRYPTO_set_mem_functions only works before OpenSSL
// allocates anything, so it is installed by a static initializer of this executable.

#include <cirrus/crypto/hmac.hpp>
#include <cirrus/crypto/md5.hpp>
#include <cirrus/crypto/sha256.hpp>

#include <openssl/crypto.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace {

std::atomic<long> allocations{0};

void* counting_malloc(std::size_t n, const char*, int) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n);
}
void* counting_realloc(void* p, std::size_t n, const char*, int) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, n);
}
void counting_free(void* p, const char*, int) { std::free(p); }

const bool counting_installed = CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free) == 1;

long count() { return allocations.load(std::memory_order_relaxed); }

} // namespace

TEST(CryptoAllocations, CountingAllocatorIsInstalled) {
    ASSERT_TRUE(counting_installed);
    const long before = count();
    cirrus::crypto::sha256("counting"); // one-shot EVP_Digest creates a context each time
    EXPECT_GT(count(), before);
}

TEST(CryptoAllocations, ReusedSha256HasherAllocatesOnlyWhatOpenSslRequires) {
    ASSERT_TRUE(counting_installed);
    cirrus::crypto::sha256_hasher hasher;
    const std::string message(1000, 'm');
    hasher.update(message);
    const auto first = hasher.finish();

    const long before = count();
    for (int i = 0; i < 1000; ++i) {
        hasher.update(message);
        hasher.update("tail");
        (void)hasher.finish();
        hasher.update("discarded");
        hasher.reset();
    }
    // Two initialisations per round: after finish() and after reset().
    EXPECT_EQ(count() - before, 2000 * cirrus::crypto::detail::evp_allocations_per_message())
        << "allocations per 1000 rounds";
    hasher.update(message);
    EXPECT_EQ(hasher.finish(), first);
}

TEST(CryptoAllocations, ReusedMd5HasherAllocatesOnlyWhatOpenSslRequires) {
    ASSERT_TRUE(counting_installed);
    cirrus::crypto::md5_hasher hasher;
    hasher.update("warm up");
    (void)hasher.finish();
    const long before = count();
    for (int i = 0; i < 1000; ++i) {
        hasher.update("message");
        (void)hasher.finish();
    }
    EXPECT_EQ(count() - before, 1000 * cirrus::crypto::detail::evp_allocations_per_message());
}

TEST(CryptoAllocations, ReusedHmacEngineAllocatesOnlyWhatOpenSslRequires) {
    ASSERT_TRUE(counting_installed);
    cirrus::crypto::hmac_sha256_engine engine;
    const std::string short_key = "AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const std::string long_key(131, '\xaa'); // hashed first: one more digest pass
    const std::string message = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                                "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
    const auto first_short = engine.mac(short_key, message);
    const auto first_long = engine.mac(long_key, message);

    const long before = count();
    for (int i = 0; i < 1000; ++i) {
        auto k = engine.mac(short_key, message);
        // The SigV4 key derivation chains MACs keyed by the previous MAC.
        k = engine.mac(std::span<const std::uint8_t>(k), "us-east-1");
        (void)engine.mac(long_key, message);
    }
    // Two digest passes per MAC, three with a key longer than a block: 7 per round.
    EXPECT_EQ(count() - before, 7000 * cirrus::crypto::detail::evp_allocations_per_message())
        << "allocations per 1000 rounds";
    EXPECT_EQ(engine.mac(short_key, message), first_short);
    EXPECT_EQ(engine.mac(long_key, message), first_long);
}

// The reinitialisation cost itself, on the OpenSSL this runs on.
TEST(CryptoAllocations, EvpReinitialisationCost) {
    ASSERT_TRUE(counting_installed);
    cirrus::crypto::sha256_hasher hasher;
    hasher.update("warm up");
    (void)hasher.finish();
    const long before = count();
    for (int i = 0; i < 100; ++i) {
        hasher.update("message");
        (void)hasher.finish();
    }
    const long per_message = (count() - before) / 100;
    EXPECT_EQ(per_message, OpenSSL_version_num() >= 0x30100000L ? 0 : 1);
    RecordProperty("evp_allocations_per_message", static_cast<int>(per_message));
}
