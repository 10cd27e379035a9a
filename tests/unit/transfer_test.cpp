// Part-size planning for multipart transfers, against S3's limits; the checksums of a
// multipart object computed from its parts' (composite and full-object).
#include <cirrus/transfer/detail/common.hpp>
#include <cirrus/transfer/part_plan.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ct = cirrus::transfer;

namespace {
constexpr std::uint64_t mib = 1ull << 20;
constexpr std::uint64_t gib = 1ull << 30;
constexpr std::uint64_t tib = 1ull << 40;

void expect_covers(ct::part_plan const& p) {
    std::uint64_t total = 0;
    for (std::uint32_t n = 1; n <= p.part_count; ++n) {
        EXPECT_EQ(p.offset(n), total) << n;
        total += p.length(n);
        if (p.multipart && n < p.part_count) {
            EXPECT_GE(p.length(n), ct::min_part_size);
            EXPECT_LE(p.length(n), ct::max_part_size);
        }
    }
    EXPECT_EQ(total, p.object_size);
    EXPECT_LE(p.part_count, ct::max_parts);
}
} // namespace

TEST(transfer_plan, small_objects_use_one_put) {
    for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, 5 * mib, 16 * mib}) {
        auto p = ct::plan_parts(size);
        ASSERT_TRUE(p) << size;
        EXPECT_FALSE(p->multipart);
        EXPECT_EQ(p->part_count, 1u);
        EXPECT_EQ(p->length(1), size);
    }
}

TEST(transfer_plan, part_boundaries) {
    for (std::uint64_t size : {16 * mib + 1, 24 * mib - 1, 24 * mib, 24 * mib + 1}) {
        auto p = ct::plan_parts(size);
        ASSERT_TRUE(p) << size;
        EXPECT_TRUE(p->multipart);
        EXPECT_EQ(p->part_size, 8 * mib);
        EXPECT_EQ(p->part_count, (size + 8 * mib - 1) / (8 * mib));
        expect_covers(*p);
    }
}

TEST(transfer_plan, grows_the_part_size_to_stay_under_ten_thousand_parts) {
    auto p = ct::plan_parts(100 * gib);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->part_size % mib, 0u);
    EXPECT_GT(p->part_size, 8 * mib);
    expect_covers(*p);

    auto largest = ct::plan_parts(5 * tib);
    ASSERT_TRUE(largest);
    EXPECT_LE(largest->part_size, ct::max_part_size);
    expect_covers(*largest);

    EXPECT_FALSE(ct::plan_parts(5 * tib + 1));
}

TEST(transfer_plan, overrides_are_checked) {
    ct::part_options o;
    o.part_size = 5 * mib;
    auto p = ct::plan_parts(12 * mib, o);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->multipart);
    EXPECT_EQ(p->part_count, 3u);
    EXPECT_EQ(p->length(3), 2 * mib);
    expect_covers(*p);

    // A fixed part size makes even a small object a multipart upload, but not an empty one
    // (its one part would be empty).
    auto one = ct::plan_parts(1, o);
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->multipart);
    auto empty = ct::plan_parts(0, o);
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty->multipart);
    EXPECT_EQ(empty->part_count, 1u);
    EXPECT_EQ(empty->length(1), 0u);

    o.part_size = 5 * mib - 1;
    EXPECT_EQ(ct::plan_parts(12 * mib, o).error(), cirrus::errc::invalid_argument);
    o.part_size = ct::max_part_size + 1;
    EXPECT_FALSE(ct::plan_parts(12 * mib, o));
    o.part_size = 5 * mib;
    EXPECT_FALSE(ct::plan_parts(5 * mib * 10000 + 1, o)); // 10,001 parts
    EXPECT_TRUE(ct::plan_parts(5 * mib * 10000, o));

    ct::part_options tiny;
    tiny.preferred_part_size = 1; // clamped up to the 5 MiB minimum
    tiny.single_put_threshold = 0;
    auto q = ct::plan_parts(11 * mib, tiny);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->part_size, ct::min_part_size);
    expect_covers(*q);
}

namespace {
// `data` cut into parts of the given sizes, each with its checksum under `alg`.
std::vector<cirrus::s3::completed_part> parts_of(std::string_view data, const std::vector<std::uint64_t>& sizes,
                                                 cirrus::crypto::checksum_algorithm alg) {
    std::vector<cirrus::s3::completed_part> parts;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        cirrus::s3::completed_part p;
        p.part_number = static_cast<int>(i + 1);
        p.etag = "\"e\"";
        p.checksum =
            cirrus::s3::checksum{.algorithm = alg,
                                 .value = cirrus::crypto::compute_checksum(alg, data.substr(offset, sizes[i])).str()};
        parts.push_back(std::move(p));
        offset += sizes[i];
    }
    return parts;
}
} // namespace

// The full-object CRC combined from the parts' equals the CRC of the whole data in one
// piece, for the three CRCs, with parts of uneven sizes (a 1-byte and an empty part too).
TEST(transfer_checksum, full_object_combines_part_crcs) {
    using cirrus::crypto::checksum_algorithm;
    std::mt19937 rng(42);
    std::string data(3 * 65536 + 4099, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::vector<std::uint64_t> const sizes = {65536, 65535, 1, 0, 65537, 4098};
    for (auto alg : {checksum_algorithm::crc64nvme, checksum_algorithm::crc32c, checksum_algorithm::crc32}) {
        SCOPED_TRACE(std::string(cirrus::crypto::algorithm_name(alg)));
        auto parts = parts_of(data, sizes, alg);
        std::string const whole = cirrus::crypto::compute_checksum(alg, std::string_view(data)).str();
        EXPECT_EQ(ct::detail::full_object_checksum(alg, parts, sizes), whole);
        // One part: its own checksum.
        std::vector<std::uint64_t> const one = {data.size()};
        EXPECT_EQ(ct::detail::full_object_checksum(alg, parts_of(data, one, alg), one), whole);
        // A wrong size gives another value; sizes that do not match the parts give none.
        auto off = sizes;
        off[1] += 1;
        EXPECT_NE(ct::detail::full_object_checksum(alg, parts, off), whole);
        off.pop_back();
        EXPECT_EQ(ct::detail::full_object_checksum(alg, parts, off), "");
        // A part without a checksum, or with another algorithm's: nothing to combine.
        auto missing = parts;
        missing[2].checksum.reset();
        EXPECT_EQ(ct::detail::full_object_checksum(alg, missing, sizes), "");
        auto other = parts;
        other[0].checksum->algorithm = alg == checksum_algorithm::crc32 ? checksum_algorithm::crc32c
                                                                        : checksum_algorithm::crc32;
        EXPECT_EQ(ct::detail::full_object_checksum(alg, other, sizes), "");
    }
    // SHA-256 has no combination.
    auto sha = parts_of(data, sizes, checksum_algorithm::sha256);
    EXPECT_EQ(ct::detail::full_object_checksum(checksum_algorithm::sha256, sha, sizes), "");
    EXPECT_FALSE(ct::detail::combinable(checksum_algorithm::sha1));
}

// The composite checksum: the algorithm over the raw part checksums, then "-<parts>".
TEST(transfer_checksum, composite_of_part_checksums) {
    using cirrus::crypto::checksum_algorithm;
    std::string const data(10000, 'x');
    std::vector<std::uint64_t> const sizes = {6000, 4000};
    auto parts = parts_of(data, sizes, checksum_algorithm::crc32c);
    std::string raw;
    for (const auto& p : parts) raw += *cirrus::base64::decode(p.checksum->value);
    EXPECT_EQ(ct::detail::composite_checksum(checksum_algorithm::crc32c, parts),
              cirrus::crypto::compute_checksum(checksum_algorithm::crc32c, std::string_view(raw)).str() + "-2");
}

// Checking a COMPOSITE checksum over bytes as they arrive, in pieces that do not line up
// with the parts, gives what S3 computes from the part checksums.
TEST(transfer_checksum, composite_hasher_matches_the_parts) {
    using cirrus::crypto::checksum_algorithm;
    std::mt19937 rng(5);
    std::string data(25000, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::vector<std::uint64_t> const sizes = {10000, 10000, 5000};
    for (auto alg : {checksum_algorithm::crc32c, checksum_algorithm::crc32, checksum_algorithm::crc64nvme,
                     checksum_algorithm::sha1, checksum_algorithm::sha256}) {
        SCOPED_TRACE(static_cast<int>(alg));
        std::string const expected = ct::detail::composite_checksum(alg, parts_of(data, sizes, alg));
        ct::detail::composite_hasher h(alg, sizes);
        std::string_view rest = data;
        for (std::size_t step = 1; !rest.empty(); step = step * 3 + 1) {
            auto const n = std::min(step, rest.size());
            h.update(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), n));
            rest.remove_prefix(n);
        }
        EXPECT_EQ(h.finish(), expected);
        // Other boundaries give another value; too few bytes give none.
        ct::detail::composite_hasher other(alg, {10001, 9999, 5000});
        other.update(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
        EXPECT_NE(other.finish(), expected);
        ct::detail::composite_hasher short_of(alg, sizes);
        short_of.update(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size() - 1));
        EXPECT_EQ(short_of.finish(), "");
    }
}

TEST(transfer_checksum, composite_part_count_and_regular_sizes) {
    namespace s3 = cirrus::s3;
    using cirrus::crypto::checksum_algorithm;
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA==-12"}),
              12u);
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA=="}),
              0u);
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA==-x1"}),
              0u);
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA==-99999999999999999999"}),
              0u);
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA==-10000"}),
              10000u);
    // More parts than S3 allows: not a checksum to act on (each part could cost a HEAD).
    EXPECT_EQ(ct::detail::composite_part_count(
                  s3::checksum{.algorithm = checksum_algorithm::crc32c, .value = "AAAAAA==-10001"}),
              0u);
    EXPECT_EQ(ct::detail::regular_part_sizes(14, 6, 3), (std::vector<std::uint64_t>{6, 6, 2}));
    EXPECT_EQ(ct::detail::regular_part_sizes(18, 6, 3), (std::vector<std::uint64_t>{6, 6, 6}));
    EXPECT_EQ(ct::detail::regular_part_sizes(5, 6, 1), (std::vector<std::uint64_t>{5}));
    EXPECT_FALSE(ct::detail::regular_part_sizes(12, 6, 3)); // the last part would be empty
    EXPECT_FALSE(ct::detail::regular_part_sizes(19, 6, 3)); // more than three parts' worth
    EXPECT_FALSE(ct::detail::regular_part_sizes(0, 6, 0));
}
