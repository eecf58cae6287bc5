#include "transform/transaction/transaction_assembler.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transaction_test_util.h"

namespace tote {
namespace {

using test::begin;
using test::change;
using test::drain;
using test::end;
using test::orders;
using test::reports;
using test::snapshot_read;

using Orders = std::vector<uint64_t>;

TransactionAssemblerConfig no_watermarks() {
    TransactionAssemblerConfig c;
    c.max_offset_lag = 0;
    c.max_later_transactions = 0;
    return c;
}

TEST(TransactionAssembler, CompleteTransactionInOrder) {
    TransactionAssembler a;
    a.add_marker(begin(7), Offset{0});
    a.add_change(change(7, 1, "bets"), Offset{1});
    a.add_change(change(7, 2, "bet_legs"), Offset{2});
    a.add_change(change(7, 3, "wallet_tx"), Offset{3});
    EXPECT_TRUE(drain(a).empty());
    EXPECT_EQ(a.buffered_changes(), 3u);
    a.add_marker(end(7, 3), Offset{4});

    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    const auto& u = units[0];
    EXPECT_EQ(u.tx_id, 7u);
    EXPECT_EQ(orders(u), (Orders{1, 2, 3}));
    EXPECT_EQ(u.changes[1].table, "bet_legs");
    EXPECT_EQ(u.first_offset, 0);
    EXPECT_EQ(u.last_offset, 4);
    EXPECT_EQ(u.commit_ts_ms, 1'700'000'000'000);
    EXPECT_TRUE(u.complete);
    EXPECT_FALSE(u.snapshot);
    EXPECT_TRUE(u.transaction_metadata);
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.buffered_changes(), 0u);
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{5});
    EXPECT_EQ(a.stats().transactions_complete, 1u);
}

TEST(TransactionAssembler, EndBeforeLastChangeWaitsForIt) {
    TransactionAssembler a;
    a.add_marker(begin(7), Offset{0});
    a.add_change(change(7, 1), Offset{1});
    a.add_marker(end(7, 3), Offset{2});
    a.add_change(change(7, 3), Offset{3});
    EXPECT_TRUE(drain(a).empty());
    a.add_change(change(7, 2), Offset{4});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2, 3}));
    EXPECT_EQ(units[0].first_offset, 0);
    EXPECT_EQ(units[0].last_offset, 4);
    EXPECT_TRUE(units[0].complete);
}

TEST(TransactionAssembler, ChangesBeforeBeginAreAccepted) {
    TransactionAssembler a;
    a.add_change(change(9, 2), Offset{10});
    a.add_change(change(9, 1), Offset{11});
    a.add_marker(begin(9), Offset{12});
    EXPECT_TRUE(drain(a).empty());
    a.add_marker(end(9, 2), Offset{13});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2}));
    EXPECT_EQ(units[0].first_offset, 10);
    EXPECT_EQ(units[0].last_offset, 13);
}

TEST(TransactionAssembler, InterleavedTransactionsAreDeliveredInEndOrder) {
    TransactionAssembler a(no_watermarks());
    a.add_marker(begin(10), Offset{0});
    a.add_marker(begin(11), Offset{1});
    a.add_change(change(10, 1), Offset{2});
    a.add_change(change(11, 1), Offset{3});
    a.add_marker(end(11, 1), Offset{4});  // 11 commits first and is whole
    auto first = drain(a);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].tx_id, 11u);
    a.add_change(change(10, 2), Offset{5});
    a.add_marker(end(10, 2), Offset{6});
    auto second = drain(a);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].tx_id, 10u);
    EXPECT_EQ(orders(second[0]), (Orders{1, 2}));
}

TEST(TransactionAssembler, WholeTransactionWaitsBehindAnEarlierEnd) {
    TransactionAssembler a(no_watermarks());
    a.add_marker(begin(20), Offset{0});
    a.add_change(change(20, 1), Offset{1});
    a.add_marker(end(20, 2), Offset{2});  // 20 committed first; its change 2 is late
    a.add_marker(begin(21), Offset{3});
    a.add_change(change(21, 1), Offset{4});
    a.add_marker(end(21, 1), Offset{5});  // 21 is whole but must not overtake 20
    EXPECT_TRUE(drain(a).empty());
    EXPECT_EQ(a.safe_resume_offset(), Offset{0});
    a.add_change(change(20, 2), Offset{6});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 2u);
    EXPECT_EQ(units[0].tx_id, 20u);
    EXPECT_EQ(units[1].tx_id, 21u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{7});
}

TEST(TransactionAssembler, DuplicateChangeInsideOpenTransactionCountsOnce) {
    TransactionAssembler a;
    a.add_marker(begin(7), Offset{0});
    a.add_change(change(7, 1), Offset{1});
    a.add_change(change(7, 1), Offset{2});  // re-delivered: same total_order
    a.add_marker(end(7, 2), Offset{3});
    EXPECT_TRUE(drain(a).empty()) << "the duplicate must not stand in for change 2";
    a.add_change(change(7, 2), Offset{4});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2}));
    EXPECT_TRUE(units[0].complete);
    EXPECT_EQ(a.stats().duplicate_changes, 1u);
    EXPECT_TRUE(reports(a).empty());
}

// Maxwell has no BEGIN/END records: each row carries xid and xoffset, and the last row of a
// transaction says commit: true (SourcePosition::tx_last), which completes it.
TEST(TransactionAssembler, MaxwellsCommitFlagCompletesTheTransaction) {
    TransactionAssembler a;
    auto last = [](ChangeEvent c) {
        c.source.tx_last = true;
        return c;
    };
    a.add_change(change(5001, 1, "bets"), Offset{0});
    a.add_change(change(5001, 2, "bet_legs"), Offset{1});
    EXPECT_TRUE(drain(a).empty());
    a.add_change(last(change(5001, 3, "wallet_tx")), Offset{2});
    a.add_change(last(change(5002, 1, "bets")), Offset{3});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 2u);
    EXPECT_EQ(units[0].tx_id, 5001u);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2, 3}));
    EXPECT_TRUE(units[0].complete);
    EXPECT_EQ(units[1].tx_id, 5002u);
    EXPECT_TRUE(units[1].complete);
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.stats().transactions_complete, 2u);
    // The same rows again (Maxwell restarted from an older position): not delivered twice.
    a.add_change(change(5001, 1, "bets"), Offset{4});
    a.add_change(last(change(5001, 3, "wallet_tx")), Offset{5});
    EXPECT_TRUE(drain(a).empty());
    EXPECT_EQ(a.stats().redelivered_changes, 2u);
}

// A commit flag on a transaction whose rows did not all arrive: released as incomplete by the
// watermark, never delivered as whole.
TEST(TransactionAssembler, MaxwellsCommitFlagWithARowMissingWaits) {
    TransactionAssemblerConfig c;
    c.max_offset_lag = 10;
    c.max_later_transactions = 0;
    TransactionAssembler a(c);
    ChangeEvent l = change(9, 3, "wallet_tx");
    l.source.tx_last = true;
    a.add_change(change(9, 1, "bets"), Offset{0});
    a.add_change(std::move(l), Offset{1});
    EXPECT_TRUE(drain(a).empty());
    a.skip(Offset{11});  // the log moves on
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_FALSE(units[0].complete);
    ASSERT_EQ(reports(a).size(), 1u);
}

TEST(TransactionAssembler, RedeliveredCompletedTransactionIsNotDeliveredTwice) {
    TransactionAssembler a;
    auto feed = [&](int64_t base) {
        a.add_marker(begin(7), Offset{base});
        a.add_change(change(7, 1), Offset{base + 1});
        a.add_change(change(7, 2), Offset{base + 2});
        a.add_marker(end(7, 2), Offset{base + 3});
    };
    feed(0);
    ASSERT_EQ(drain(a).size(), 1u);
    feed(4);  // Debezium after a crash: same tx_id, total_order, lsn; new offsets
    EXPECT_TRUE(drain(a).empty());
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.stats().redelivered_changes, 2u);
    EXPECT_EQ(a.stats().redelivered_markers, 2u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{8});
}

TEST(TransactionAssembler, SnapshotReadsPassThroughAtOnce) {
    TransactionAssembler a;
    a.add_marker(begin(30), Offset{0});  // an open transaction does not hold them back
    a.add_change(snapshot_read(555, 1), Offset{1});
    a.add_change(snapshot_read(555, 2), Offset{2});  // same txId: still separate units
    auto units = drain(a);
    ASSERT_EQ(units.size(), 2u);
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(units[i].snapshot);
        EXPECT_TRUE(units[i].complete);
        EXPECT_FALSE(units[i].transaction_metadata);
        EXPECT_EQ(units[i].tx_id, 555u);
        ASSERT_EQ(units[i].changes.size(), 1u);
        EXPECT_EQ(units[i].first_offset, i + 1);
        EXPECT_EQ(units[i].last_offset, i + 1);
    }
    EXPECT_EQ(units[1].changes[0].key, R"({"id":2})");
    EXPECT_EQ(a.stats().snapshot_changes, 2u);
    EXPECT_EQ(a.open_transactions(), 1u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{0});
}

TEST(TransactionAssembler, ChangeWithoutTransactionBlockPassesThrough) {
    TransactionAssembler a;
    a.add_change(change(40, 0), Offset{0});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_TRUE(units[0].complete);
    EXPECT_FALSE(units[0].transaction_metadata);
    EXPECT_FALSE(units[0].snapshot);
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.stats().unmarked_changes, 1u);
}

TEST(TransactionAssembler, ChangeWithoutTransactionBlockCanBeReported) {
    TransactionAssemblerConfig c;
    c.unmarked = UnmarkedPolicy::ReportIncomplete;
    TransactionAssembler a(c);
    a.add_change(change(40, 0), Offset{3});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_FALSE(units[0].complete);
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].cause, IncompleteCause::NoMetadata);
    EXPECT_EQ(r[0].tx_id, 40u);
    EXPECT_EQ(r[0].first_offset, 3);
    EXPECT_NE(r[0].reason.find("provide.transaction.metadata"), std::string::npos);
}

TEST(TransactionAssembler, EndThatNeverComesIsReleasedAfterOffsetWatermark) {
    TransactionAssemblerConfig c;
    c.max_offset_lag = 10;
    c.max_later_transactions = 0;
    TransactionAssembler a(c);
    a.add_marker(begin(7), Offset{0});
    a.add_change(change(7, 1), Offset{1});
    a.add_change(change(7, 2), Offset{2});
    for (int64_t o = 3; o <= 11; ++o) a.skip(Offset{o});  // 11 - 2 = 9 < 10
    EXPECT_TRUE(drain(a).empty());
    EXPECT_EQ(a.open_transactions(), 1u);
    a.skip(Offset{12});  // 12 - 2 = 10: due

    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_FALSE(units[0].complete);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2}));
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].tx_id, 7u);
    EXPECT_FALSE(r[0].expected.has_value());
    EXPECT_EQ(r[0].received, 2u);
    EXPECT_EQ(r[0].first_offset, 0);
    EXPECT_EQ(r[0].last_offset, 2);
    EXPECT_EQ(r[0].cause, IncompleteCause::Watermark);
    EXPECT_EQ(r[0].reason,
              "transaction 7: 2 distinct change(s) held, END not seen, log offsets 0..2; "
              "released incomplete (watermark): the log advanced 10 offsets past its last "
              "record (max_offset_lag 10). Its changes are delivered flagged complete=false; if "
              "changes are missing, check the connector and the consumer for lost records");
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.buffered_changes(), 0u);
    EXPECT_EQ(a.stats().transactions_incomplete, 1u);
}

TEST(TransactionAssembler, MissingChangeIsReleasedAfterLaterTransactionsComplete) {
    TransactionAssemblerConfig c;
    c.max_offset_lag = 0;
    c.max_later_transactions = 2;
    TransactionAssembler a(c);
    a.add_marker(begin(1), Offset{0});
    a.add_change(change(1, 1), Offset{1});
    a.add_marker(end(1, 2), Offset{2});  // change 2 never comes
    int64_t o = 3;
    for (uint64_t tx : {2, 3}) {
        a.add_marker(begin(tx), Offset{o++});
        a.add_change(change(tx, 1), Offset{o++});
        a.add_marker(end(tx, 1), Offset{o++});
    }
    // 2 and 3 completed after 1's last record: 1 is released, then 2 and 3 follow in order.
    auto units = drain(a);
    ASSERT_EQ(units.size(), 3u);
    EXPECT_EQ(units[0].tx_id, 1u);
    EXPECT_FALSE(units[0].complete);
    EXPECT_EQ(units[1].tx_id, 2u);
    EXPECT_TRUE(units[1].complete);
    EXPECT_EQ(units[2].tx_id, 3u);
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].tx_id, 1u);
    EXPECT_EQ(r[0].expected, std::optional<uint64_t>(2));
    EXPECT_EQ(r[0].received, 1u);
    EXPECT_EQ(r[0].first_offset, 0);
    EXPECT_EQ(r[0].last_offset, 2);
    EXPECT_EQ(r[0].cause, IncompleteCause::Watermark);
    EXPECT_NE(r[0].reason.find("2 later transactions completed"), std::string::npos);

    // The late change arrives after all: the rest is delivered on its own, flagged, reported.
    a.add_change(change(1, 2), Offset{o++});
    auto rest = drain(a);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].tx_id, 1u);
    EXPECT_FALSE(rest[0].complete);
    EXPECT_EQ(orders(rest[0]), (Orders{2}));
    auto r2 = reports(a);
    ASSERT_EQ(r2.size(), 1u);
    EXPECT_EQ(r2[0].cause, IncompleteCause::Remainder);
    EXPECT_EQ(r2[0].expected, std::optional<uint64_t>(2));
    EXPECT_EQ(r2[0].received, 1u);
    EXPECT_EQ(a.open_transactions(), 0u);
}

TEST(TransactionAssembler, EmptyTransactionOfSkippedTruncateDeliversNothing) {
    TransactionAssembler a;
    a.add_marker(begin(50), Offset{0});
    a.add_marker(end(50, 0), Offset{1});
    EXPECT_TRUE(drain(a).empty());
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.stats().transactions_empty, 1u);
    EXPECT_EQ(a.stats().transactions_complete, 0u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{2});
    // Re-delivered, it is recognised too.
    a.add_marker(begin(50), Offset{2});
    a.add_marker(end(50, 0), Offset{3});
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.stats().transactions_empty, 1u);
    EXPECT_EQ(a.stats().redelivered_markers, 2u);
}

TEST(TransactionAssembler, BufferLimitReleasesOldestOpenTransaction) {
    TransactionAssemblerConfig c = no_watermarks();
    c.max_buffered_changes = 3;
    TransactionAssembler a(c);
    a.add_change(change(1, 1), Offset{0});
    a.add_change(change(1, 2), Offset{1});
    a.add_change(change(2, 1), Offset{2});
    EXPECT_TRUE(drain(a).empty());
    a.add_change(change(2, 2), Offset{3});  // 4 > 3: transaction 1 (first offset 0) goes
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].tx_id, 1u);
    EXPECT_FALSE(units[0].complete);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2}));
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].cause, IncompleteCause::BufferLimit);
    EXPECT_EQ(r[0].received, 2u);
    EXPECT_NE(r[0].reason.find("4 changes buffered, above max_buffered_changes 3"),
              std::string::npos);
    EXPECT_EQ(a.buffered_changes(), 2u);
    EXPECT_EQ(a.open_transactions(), 1u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{2});
}

TEST(TransactionAssembler, SafeResumeOffsetIsFirstOffsetOfAnythingHeld) {
    TransactionAssembler a(no_watermarks(), Offset{100});
    EXPECT_EQ(a.safe_resume_offset(), Offset{100});
    a.add_marker(begin(1), Offset{100});
    a.add_change(change(1, 1), Offset{101});
    a.add_marker(begin(2), Offset{102});
    a.add_change(change(2, 1), Offset{103});
    a.add_marker(end(2, 1), Offset{104});
    EXPECT_EQ(a.safe_resume_offset(), Offset{100});  // 1 is open
    ASSERT_EQ(drain(a).size(), 1u);
    a.add_marker(end(1, 1), Offset{105});
    EXPECT_EQ(a.safe_resume_offset(), Offset{100});  // 1 is whole but not popped yet
    ASSERT_EQ(drain(a).size(), 1u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{106});
    a.skip(Offset{110});
    EXPECT_EQ(a.safe_resume_offset(), Offset{111});
}

TEST(TransactionAssembler, ResumingFromSafeOffsetRebuildsTheOpenTransaction) {
    // First run: transaction 2 is open when the process stops.
    TransactionAssembler first(no_watermarks());
    first.add_marker(begin(1), Offset{0});
    first.add_change(change(1, 1), Offset{1});
    first.add_marker(end(1, 1), Offset{2});
    first.add_marker(begin(2), Offset{3});
    first.add_change(change(2, 1), Offset{4});
    ASSERT_EQ(drain(first).size(), 1u);
    Offset resume = first.safe_resume_offset();
    EXPECT_EQ(resume, Offset{3});
    // Second run from the committed position.
    TransactionAssembler second(no_watermarks(), resume);
    second.add_marker(begin(2), Offset{3});
    second.add_change(change(2, 1), Offset{4});
    second.add_change(change(2, 2), Offset{5});
    second.add_marker(end(2, 2), Offset{6});
    auto units = drain(second);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].tx_id, 2u);
    EXPECT_TRUE(units[0].complete);
    EXPECT_EQ(orders(units[0]), (Orders{1, 2}));
}

TEST(TransactionAssembler, TotalOrderAboveEventCountIsReleasedAsInconsistent) {
    TransactionAssembler a;
    a.add_change(change(8, 1), Offset{0});
    a.add_change(change(8, 3), Offset{1});
    a.add_marker(end(8, 2), Offset{2});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_FALSE(units[0].complete);
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].cause, IncompleteCause::Inconsistent);
    EXPECT_NE(r[0].reason.find("total_order 3 is above END's event_count 2"), std::string::npos);
}

TEST(TransactionAssembler, ReleaseAllDrainsEverything) {
    TransactionAssembler a(no_watermarks());
    a.add_change(change(1, 1), Offset{0});
    a.add_marker(end(1, 2), Offset{1});
    a.add_change(change(2, 1), Offset{2});
    a.add_marker(end(2, 1), Offset{3});  // whole, waiting behind 1
    a.release_all("test input ended");
    auto units = drain(a);
    ASSERT_EQ(units.size(), 2u);
    EXPECT_EQ(units[0].tx_id, 1u);
    EXPECT_FALSE(units[0].complete);
    EXPECT_EQ(units[1].tx_id, 2u);
    EXPECT_TRUE(units[1].complete);
    auto r = reports(a);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].cause, IncompleteCause::EndOfInput);
    EXPECT_EQ(a.open_transactions(), 0u);
}

TEST(TransactionAssembler, OffsetsGoingBackwardsAreACallerBug) {
    TransactionAssembler a;
    a.add_marker(begin(1), Offset{5});
    try {
        a.add_change(change(1, 1), Offset{5});
        FAIL() << "expected ToteError";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("fed offset 5 after offset 5"), std::string::npos);
    }
}

TEST(TransactionAssembler, DecodeResultsAreDispatched) {
    TransactionAssembler a;
    a.add(DecodeResult{begin(3)}, Offset{0});
    a.add(DecodeResult{change(3, 1)}, Offset{1});
    a.add(DecodeResult{Tombstone{}}, Offset{2});
    a.add(DecodeResult{DecodeFailure{"x"}}, Offset{3});
    a.add(DecodeResult{end(3, 1)}, Offset{4});
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].first_offset, 0);
    EXPECT_EQ(units[0].last_offset, 4);
    EXPECT_EQ(a.safe_resume_offset(), Offset{5});
}

// MariaDB: Debezium opens a DDL statement's transaction (BEGIN with its GTID) and never ends
// it; its schema change event is its last record and ends it. A schema change of no open
// transaction (the snapshot's) only moves the watermark.
TEST(TransactionAssembler, SchemaChangeEndsItsDdlTransaction) {
    TransactionAssembler a;
    SchemaChange snapshot_ddl;
    snapshot_ddl.ddl = "CREATE TABLE t (id INT)";
    a.add(DecodeResult{snapshot_ddl}, Offset{0});
    a.add(DecodeResult{begin(157)}, Offset{1});
    SchemaChange ddl;
    ddl.ddl = "ALTER TABLE players ADD COLUMN vip TINYINT";
    ddl.source.tx_id = 157;
    a.add(DecodeResult{ddl}, Offset{2});
    a.add(DecodeResult{begin(158)}, Offset{3});
    a.add(DecodeResult{change(158, 1)}, Offset{4});
    a.add(DecodeResult{end(158, 1)}, Offset{5});
    // The DDL transaction completes with no change (nothing to hand out) and is not reported
    // incomplete; the next one is delivered as usual.
    auto units = drain(a);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].tx_id, 158u);
    EXPECT_TRUE(units[0].complete);
    EXPECT_TRUE(reports(a).empty());
    EXPECT_EQ(a.stats().transactions_incomplete, 0u);
    EXPECT_EQ(a.open_transactions(), 0u);
    EXPECT_EQ(a.safe_resume_offset(), Offset{6});
}

}  // namespace
}  // namespace tote
