#include "core/commit_versions.h"

#include <gtest/gtest.h>

#include <vector>

namespace tote {

namespace {

ChangeEvent change(std::string table, Op op, std::string key, uint64_t lsn, uint64_t order) {
    ChangeEvent c;
    c.table = std::move(table);
    c.op = op;
    c.key = std::move(key);
    c.source = SourcePosition{.lsn = lsn, .tx_id = 9, .total_order = order};
    c.version = pack_version(c.source, op == Op::Truncate);
    return c;
}

std::vector<VersionRank> ranks(const std::vector<ChangeEvent>& changes) {
    std::vector<VersionRank> out;
    for (const auto& c : changes) out.push_back(version_rank(c.version));
    return out;
}

}  // namespace

TEST(CommitVersions, EveryChangeTakesTheCommitPosition) {
    std::vector<ChangeEvent> tx{change("bets", Op::Create, R"({"id":1})", 800, 1),
                                change("bet_legs", Op::Create, R"({"id":1})", 808, 2),
                                change("players", Op::Update, R"({"id":5})", 816, 3)};
    assign_commit_versions(tx, 1024);
    for (const auto& c : tx) EXPECT_EQ(c.version, make_version(1024, VersionRank::Change));
}

TEST(CommitVersions, TheLastChangeOfARowWins) {
    std::vector<ChangeEvent> tx{change("bets", Op::Create, R"({"id":1})", 800, 1),
                                change("bets", Op::Update, R"({"id":1})", 808, 2),
                                change("bets", Op::Create, R"({"id":2})", 816, 3),
                                change("bets", Op::Delete, R"({"id":1})", 824, 4)};
    assign_commit_versions(tx, 2048);
    EXPECT_EQ(ranks(tx), (std::vector<VersionRank>{VersionRank::Superseded, VersionRank::Superseded,
                                                   VersionRank::Change, VersionRank::Change}));
    EXPECT_LT(tx[1].version, tx[3].version);
}

TEST(CommitVersions, ATruncateHidesTheChangesBeforeItAndNotThoseAfter) {
    std::vector<ChangeEvent> tx{change("bet_legs", Op::Create, R"({"id":1})", 800, 1),
                                change("bets", Op::Create, R"({"id":1})", 808, 2),
                                change("bet_legs", Op::Truncate, "", 816, 3),
                                change("bet_legs", Op::Create, R"({"id":1})", 824, 4)};
    assign_commit_versions(tx, 4096);
    EXPECT_EQ(ranks(tx), (std::vector<VersionRank>{VersionRank::Superseded, VersionRank::Change,
                                                   VersionRank::Truncate, VersionRank::Change}));
    // Read as `_version > max(truncate version)`: the leg created after the truncate stays.
    EXPECT_LT(tx[0].version, tx[2].version);
    EXPECT_GT(tx[3].version, tx[2].version);
}

TEST(CommitVersions, AnUnknownCommitPositionKeepsTheDecodersVersions) {
    std::vector<ChangeEvent> tx{change("bets", Op::Create, R"({"id":1})", 800, 1)};
    const uint64_t before = tx[0].version;
    assign_commit_versions(tx, 0);
    EXPECT_EQ(tx[0].version, before);
}

TEST(CommitVersions, ATransactionInFlightAtASnapshotRanksAboveIt) {
    // A transaction wrote a row at LSN 800, a snapshot was taken at 1000 without it, and the
    // transaction committed at 1200: by its own LSN the change would lose to the stale
    // snapshot read; by its commit position it wins.
    std::vector<ChangeEvent> tx{change("bets", Op::Update, R"({"id":1})", 800, 1)};
    const uint64_t snapshot = pack_version(SourcePosition{.lsn = 1000, .snapshot = true});
    EXPECT_LT(tx[0].version, snapshot);
    assign_commit_versions(tx, 1200);
    EXPECT_GT(tx[0].version, snapshot);
}

}  // namespace tote
