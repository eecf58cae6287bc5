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

}  // namespace tote
