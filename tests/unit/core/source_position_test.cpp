#include <gtest/gtest.h>

#include "core/source_position.h"

namespace tote {

namespace {
constexpr uint64_t kTopLsn = ~uint64_t{0} & ~uint64_t{7};  // the highest 8-byte aligned LSN
}

TEST(PackVersion, KeepsTheWholeLsnRange) {
    // Layout 1 kept 47 bits: a change past 2^47 could not be packed. Layout 2 keeps all 64.
    SourcePosition past47{.lsn = (uint64_t{1} << 47) + 8};
    SourcePosition top{.lsn = kTopLsn};
    EXPECT_EQ(pack_version(past47), ((uint64_t{1} << 47) + 8) | 4);
    EXPECT_EQ(pack_version(top), ~uint64_t{0} - 3);
    EXPECT_LT(pack_version(past47), pack_version(top));
    EXPECT_EQ(version_position(pack_version(top)), kTopLsn);
    EXPECT_EQ(version_rank(pack_version(top)), VersionRank::Change);
}

TEST(PackVersion, ASnapshotReadRanksByItsPosition) {
    // A re-snapshot at S replaces rows committed before S and loses to those committed after.
    SourcePosition before{.lsn = 4096 - 8, .tx_id = 7, .total_order = 1};
    SourcePosition snap{.lsn = 4096, .tx_id = 9, .snapshot = true};
    SourcePosition at{.lsn = 4096, .tx_id = 10, .total_order = 1};
    SourcePosition after{.lsn = 4096 + 8, .tx_id = 10, .total_order = 1};
    EXPECT_LT(pack_version(before), pack_version(snap));
    EXPECT_LT(pack_version(snap), pack_version(at));  // committed at S: seen after the snapshot
    EXPECT_LT(pack_version(snap), pack_version(after));
    EXPECT_EQ(version_rank(pack_version(snap)), VersionRank::SnapshotRead);
}

TEST(PackVersion, RanksAtOnePosition) {
    const uint64_t s = 1 << 20;
    EXPECT_LT(make_version(s, VersionRank::SnapshotBoundary),
              make_version(s, VersionRank::SnapshotRead));
    EXPECT_LT(make_version(s, VersionRank::SnapshotRead), make_version(s, VersionRank::Superseded));
    EXPECT_LT(make_version(s, VersionRank::Superseded), make_version(s, VersionRank::Truncate));
    EXPECT_LT(make_version(s, VersionRank::Truncate), make_version(s, VersionRank::Change));
    // Every rank at a position is above every rank at the position before it.
    EXPECT_LT(make_version(s - 8, VersionRank::Change),
              make_version(s, VersionRank::SnapshotBoundary));
    // A truncate's own version, from its LSN.
    EXPECT_EQ(pack_version(SourcePosition{.lsn = s}, true), s | 3);
}

TEST(PackVersion, DropsTheLowBitsOfAnUnalignedPosition) {
    EXPECT_EQ(make_version(4099, VersionRank::Change), make_version(4096, VersionRank::Change));
}

TEST(FormatLsn, PostgresTextForm) {
    EXPECT_EQ(format_lsn(0x1A2B3C4Dull), "0/1A2B3C4D");
    EXPECT_EQ(format_lsn(0x100000000ull), "1/0");
    EXPECT_EQ(format_lsn(~uint64_t{0}), "FFFFFFFF/FFFFFFFF");
}

TEST(BinlogPosition, PacksFileOffsetAndRowInCommitOrder) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    ASSERT_TRUE(binlog_position(4, 19070, 0, a));
    ASSERT_TRUE(binlog_position(4, 19070, 1, b));  // the next row of the same event
    ASSERT_TRUE(binlog_position(4, 19352, 0, c));  // the next event
    ASSERT_TRUE(binlog_position(5, 4, 0, d));      // the next file
    EXPECT_EQ(a, (((uint64_t{4} << 32 | 19070) << 12) | 1) << 3);
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
    EXPECT_LT(c, d);
    EXPECT_EQ(version_position(make_version(a, VersionRank::Change)), a);
}

TEST(BinlogPosition, LimitsAreKeptAndRefusedPastThem) {
    uint64_t top = 0, out = 0;
    ASSERT_TRUE(binlog_position(kBinlogMaxFile, kBinlogMaxOffset, kBinlogMaxRow, top));
    EXPECT_EQ(top, ~uint64_t{0} & ~uint64_t{7});  // every position bit set: row + 1 = 4095
    EXPECT_EQ(make_version(top, VersionRank::Change) & 7, 4u);
    EXPECT_FALSE(binlog_position(kBinlogMaxFile + 1, 0, 0, out));
    EXPECT_FALSE(binlog_position(0, kBinlogMaxOffset + 1, 0, out));
    EXPECT_FALSE(binlog_position(0, 0, kBinlogMaxRow + 1, out));
}

TEST(BinlogGtid, DomainAndSequence) {
    uint64_t id = 0;
    ASSERT_TRUE(binlog_gtid_tx_id(0, 150, id));
    EXPECT_EQ(id, 150u);
    ASSERT_TRUE(binlog_gtid_tx_id(2, 7, id));
    EXPECT_EQ(id, (uint64_t{2} << 40) | 7);
    EXPECT_FALSE(binlog_gtid_tx_id(uint64_t{1} << 24, 1, id));
    EXPECT_FALSE(binlog_gtid_tx_id(0, uint64_t{1} << 40, id));
}

}  // namespace tote
