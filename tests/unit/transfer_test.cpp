// Part-size planning for multipart transfers, against S3's limits.
#include <cirrus/transfer/part_plan.hpp>

#include <gtest/gtest.h>

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
