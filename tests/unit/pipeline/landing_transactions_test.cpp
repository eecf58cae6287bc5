#include "pipeline/landing_transactions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tote {

namespace {

struct Landed {
    std::string key;
    uint64_t version;
    int64_t offset;
};

class LandingTransactionsTest : public ::testing::Test {
protected:
    LandingTransactions::Land land = [this](const ChangeEvent& c, const LogRecord& r) {
        landed.push_back({c.key, c.version, r.offset.value});
    };
    std::vector<Landed> landed;

    static LogRecord record(int64_t offset) {
        LogRecord r;
        r.topic = "tote.public.bets";
        r.offset = Offset{offset};
        r.value = "{}";
        return r;
    }
    static ChangeEvent change(uint64_t tx, uint64_t lsn, uint64_t order, std::string key) {
        ChangeEvent c;
        c.table = "bets";
        c.op = Op::Update;
        c.key = std::move(key);
        c.source = SourcePosition{.lsn = lsn, .tx_id = tx, .total_order = order};
        c.version = pack_version(c.source);
        return c;
    }
    static TxMarker begin(uint64_t tx) { return TxMarker{true, tx, 0, 0, 0}; }
    static TxMarker end(uint64_t tx, uint64_t count, uint64_t lsn) {
        return TxMarker{false, tx, count, 0, lsn};
    }
};

}  // namespace

TEST_F(LandingTransactionsTest, HoldsATransactionUntilItsEndAndVersionsItByCommit) {
    LandingTransactions t;
    EXPECT_TRUE(t.at_boundary());
    t.begin(begin(7), land);
    EXPECT_FALSE(t.at_boundary());  // a commit here would split the transaction
    EXPECT_TRUE(t.hold(change(7, 800, 1, "a"), record(1), land));
    EXPECT_TRUE(t.hold(change(7, 808, 2, "a"), record(2), land));
    EXPECT_TRUE(landed.empty());
    t.end(end(7, 2, 1024), land);
    EXPECT_TRUE(t.at_boundary());
    ASSERT_EQ(landed.size(), 2u);
    EXPECT_EQ(landed[0].version, make_version(1024, VersionRank::Superseded));
    EXPECT_EQ(landed[1].version, make_version(1024, VersionRank::Change));
    EXPECT_EQ(landed[1].offset, 2);
    EXPECT_EQ(t.transactions_versioned(), 1u);
}

TEST_F(LandingTransactionsTest, ChangesOutsideTheOpenTransactionLandAtOnce) {
    LandingTransactions t;
    EXPECT_FALSE(t.hold(change(7, 800, 1, "a"), record(1), land));  // no BEGIN seen
    t.begin(begin(8), land);
    EXPECT_FALSE(t.hold(change(9, 808, 1, "b"), record(2), land));  // another transaction
    ChangeEvent unmarked = change(8, 816, 0, "c");                  // no transaction block
    EXPECT_FALSE(t.hold(unmarked, record(3), land));
    EXPECT_TRUE(landed.empty());  // the caller lands those
}

TEST_F(LandingTransactionsTest, ABeginBeforeTheEndLandsTheOpenOneAsItIs) {
    LandingTransactions t;
    t.begin(begin(7), land);
    ASSERT_TRUE(t.hold(change(7, 800, 1, "a"), record(1), land));
    t.begin(begin(8), land);
    ASSERT_EQ(landed.size(), 1u);
    EXPECT_EQ(landed[0].version, make_version(800, VersionRank::Change));
    EXPECT_EQ(t.transactions_released(), 1u);
    t.end(end(7, 1, 1024), land);  // END of the one already landed: nothing more
    EXPECT_EQ(landed.size(), 1u);
}

TEST_F(LandingTransactionsTest, ATransactionAboveTheLimitLandsAsItArrives) {
    LandingTransactions t(2);
    t.begin(begin(7), land);
    EXPECT_TRUE(t.hold(change(7, 800, 1, "a"), record(1), land));
    EXPECT_TRUE(t.hold(change(7, 808, 2, "b"), record(2), land));
    EXPECT_FALSE(t.hold(change(7, 816, 3, "c"), record(3), land));  // lands the two held
    EXPECT_EQ(landed.size(), 2u);
    EXPECT_TRUE(t.at_boundary());  // a restart from here lands the rest the same way
    EXPECT_FALSE(t.hold(change(7, 824, 4, "d"), record(4), land));
    t.end(end(7, 4, 1024), land);
    EXPECT_EQ(landed.size(), 2u);
    EXPECT_EQ(landed[0].version, make_version(800, VersionRank::Change));
}

TEST_F(LandingTransactionsTest, ReleaseLandsWhatIsHeld) {
    LandingTransactions t;
    t.begin(begin(7), land);
    ASSERT_TRUE(t.hold(change(7, 800, 1, "a"), record(1), land));
    t.release(land);
    EXPECT_TRUE(t.at_boundary());
    ASSERT_EQ(landed.size(), 1u);
    EXPECT_EQ(landed[0].version, make_version(800, VersionRank::Change));
}

}  // namespace tote
