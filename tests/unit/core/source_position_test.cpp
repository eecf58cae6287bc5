#include <gtest/gtest.h>

#include "core/source_position.h"

namespace tote {

TEST(PackVersion, SnapshotRanksBelowAnyStreamedChange) {
    SourcePosition snap{.lsn = kMaxPackableLsn, .tx_id = 9, .total_order = 0, .snapshot = true};
    SourcePosition streamed{.lsn = 0, .tx_id = 1, .total_order = 0, .snapshot = false};
    EXPECT_LT(*pack_version(snap), *pack_version(streamed));
}

TEST(PackVersion, OrdersByLsnThenTotalOrder) {
    SourcePosition a{.lsn = 100, .total_order = 7};
    SourcePosition b{.lsn = 100, .total_order = 8};
    SourcePosition c{.lsn = 101, .total_order = 1};
    EXPECT_LT(*pack_version(a), *pack_version(b));
    EXPECT_LT(*pack_version(b), *pack_version(c));
}

TEST(PackVersion, LimitsOfTheLayout) {
    SourcePosition top{.lsn = kMaxPackableLsn, .total_order = 0xFFFF};
    EXPECT_EQ(*pack_version(top), ~uint64_t{0});
    SourcePosition over{.lsn = kMaxPackableLsn + 1};
    EXPECT_FALSE(pack_version(over).has_value());
    // total_order wraps at 2^16: only ties within one LSN use it.
    SourcePosition wrap{.lsn = 5, .total_order = 0x10001};
    EXPECT_EQ(*pack_version(wrap), (uint64_t{1} << 63) | (uint64_t{5} << 16) | 1);
}

TEST(FormatLsn, PostgresTextForm) {
    EXPECT_EQ(format_lsn(0x1A2B3C4Dull), "0/1A2B3C4D");
    EXPECT_EQ(format_lsn(0x100000000ull), "1/0");
}

}  // namespace tote
