// The real Debezium capture of one transaction over four tables, through the real reader and
// decoder, must come out as exactly one whole transaction.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "decode/debezium_json_decoder.h"
#include "source/jsonl_record_reader.h"
#include "transaction_test_util.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote {
namespace {

// Feeds every record of the capture with consecutive offsets from `base` (the order of the
// lines is the order a single consumer saw them); returns the next offset.
int64_t feed_capture(TransactionAssembler& a, DebeziumJsonDecoder& decoder, int64_t base) {
    JsonlRecordReader reader(std::string(TOTE_TX_TEST_DATA) + "/c_transaction.jsonl");
    LogRecord record;
    std::string error;
    int64_t offset = base;
    while (reader.next(record, error) == JsonlRecordReader::Status::Record) {
        DecodeResult r = decoder.decode(record);
        EXPECT_FALSE(std::holds_alternative<DecodeFailure>(r)) << std::get<DecodeFailure>(r).reason;
        a.add(std::move(r), Offset{offset++});
    }
    EXPECT_TRUE(error.empty()) << error;
    return offset;
}

TEST(TransactionAssemblerRealCapture, OneTransactionOverFourTables) {
    DebeziumJsonDecoder decoder;
    TransactionAssembler a;
    int64_t next = feed_capture(a, decoder, 0);
    EXPECT_EQ(next, 7);  // BEGIN, 5 changes, END

    auto units = test::drain(a);
    ASSERT_EQ(units.size(), 1u);
    const CompleteTransaction& u = units[0];
    EXPECT_EQ(u.tx_id, 741u);
    EXPECT_TRUE(u.complete);
    EXPECT_FALSE(u.snapshot);
    ASSERT_EQ(u.changes.size(), 5u);  // END's event_count
    EXPECT_EQ(test::orders(u), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
    std::set<std::string> tables;
    for (const auto& c : u.changes) tables.insert(c.table);
    EXPECT_EQ(tables, (std::set<std::string>{"bets", "bet_legs", "wallet_tx", "players"}));
    EXPECT_EQ(u.changes[0].table, "bets");
    EXPECT_EQ(u.changes[4].table, "players");
    EXPECT_EQ(u.changes[4].op, Op::Update);
    EXPECT_EQ(u.first_offset, 0);
    EXPECT_EQ(u.last_offset, 6);
    EXPECT_EQ(u.commit_ts_ms, u.changes[0].source.commit_ts_ms);
    EXPECT_TRUE(test::reports(a).empty());
    EXPECT_EQ(a.safe_resume_offset(), Offset{7});

    // Debezium re-delivers the same records after a connector crash: nothing new comes out.
    feed_capture(a, decoder, next);
    EXPECT_TRUE(test::drain(a).empty());
    EXPECT_TRUE(test::reports(a).empty());
    EXPECT_EQ(a.stats().redelivered_changes, 5u);
    EXPECT_EQ(a.stats().redelivered_markers, 2u);
    EXPECT_EQ(a.stats().transactions_complete, 1u);
}

}  // namespace
}  // namespace tote
