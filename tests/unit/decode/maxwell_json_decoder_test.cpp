#include "decode/maxwell_json_decoder.h"

#include <gtest/gtest.h>

#include "decode_test_util.h"

namespace tote {
namespace {

using test::change;
using test::failure;
using test::record;
using test::value_of;

MaxwellDecoderConfig config() {
    MaxwellDecoderConfig c;
    c.primary_keys = {{"bet_legs", {"bet_id", "leg_no"}}};
    c.decimal_scales = {{"bets.stake", 2}};
    c.money_columns = {"bets.stake", "bets.payout"};
    return c;
}

LogRecord maxwell(const std::string& value) {
    return record("maxwell", std::nullopt, value);
}

TEST(MaxwellJsonDecoder, InsertWithExactDecimalAndPosition) {
    MaxwellJsonDecoder d(config());
    auto e = change(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bets","type":"insert","ts":1700000000,"xid":9001,"xoffset":0,"position":"mysql-bin.000003:1234","data":{"id":5,"stake":1234567890123456.78,"status":"open","odds":1.5}})")));
    EXPECT_EQ(e.op, Op::Create);
    EXPECT_EQ(e.table, "sportsbook.bets");  // MySQL has no default schema: always qualified
    EXPECT_EQ(e.key, R"({"id":5})");
    EXPECT_EQ(e.source.lsn, (uint64_t{3} << 32) | 1234);
    EXPECT_EQ(e.source.tx_id, 9001u);
    EXPECT_EQ(e.source.total_order, 1u);
    EXPECT_EQ(e.source.commit_ts_ms, 1700000000000);
    EXPECT_FALSE(e.source.snapshot);
    // file 3, offset 1234, xoffset+1, rank Change (core/source_position.h).
    EXPECT_EQ(e.version, (((((uint64_t{3} << 32) | 1234) << 12) | 1) << 3) | 4);
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(e.after, "stake"))), "1234567890123456.78");
    EXPECT_EQ(value_of(e.after, "odds"), Value(1.5));
    EXPECT_FALSE(e.before.has_value());
}

TEST(MaxwellJsonDecoder, UpdateRebuildsTheBeforeImageFromOld) {
    MaxwellJsonDecoder d(config());
    auto e = change(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bets","type":"update","ts":1700000001,"xid":9002,"xoffset":1,"position":"mysql-bin.000003:2000","data":{"id":5,"stake":10.1,"status":"won"},"old":{"status":"open"}})")));
    EXPECT_EQ(e.op, Op::Update);
    EXPECT_EQ(value_of(e.after, "status"), Value(std::string("won")));
    EXPECT_EQ(value_of(e.before, "status"), Value(std::string("open")));
    EXPECT_EQ(value_of(e.before, "stake"), Value(Decimal{1010, 2}));
    EXPECT_EQ(e.source.total_order, 2u);
}

TEST(MaxwellJsonDecoder, DeleteCompositeKeyAndBootstrap) {
    MaxwellJsonDecoder d(config());
    auto del = change(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bet_legs","type":"delete","ts":1700000002,"xid":9003,"xoffset":0,"position":"mysql-bin.000003:3000","data":{"leg_no":2,"bet_id":1,"selection_id":7}})")));
    EXPECT_EQ(del.op, Op::Delete);
    EXPECT_EQ(del.key, R"({"bet_id":1,"leg_no":2})");
    EXPECT_TRUE(del.before.has_value());
    EXPECT_FALSE(del.after.has_value());

    auto boot = change(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bets","type":"bootstrap-insert","ts":1700000003,"data":{"id":9,"status":"open"}})")));
    EXPECT_EQ(boot.op, Op::Read);
    EXPECT_TRUE(boot.source.snapshot);
    EXPECT_LT(boot.version, del.version);
    EXPECT_TRUE(std::holds_alternative<Tombstone>(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bets","type":"bootstrap-start","ts":1700000003,"data":{}})"))));
    EXPECT_TRUE(std::holds_alternative<Tombstone>(d.decode(maxwell(
        R"({"database":"sportsbook","table":"bets","type":"bootstrap-complete","ts":1700000004,"data":{}})"))));
}

TEST(MaxwellJsonDecoder, LaterBinlogPositionsGiveHigherVersions) {
    MaxwellJsonDecoder d(config());
    auto at = [&](const std::string& pos, int xoffset) {
        return change(
                   d.decode(maxwell(
                       R"({"database":"db","table":"t","type":"insert","ts":1,"xid":1,"xoffset":)" +
                       std::to_string(xoffset) + R"(,"position":")" + pos +
                       R"(","data":{"id":1}})")))
            .version;
    };
    EXPECT_LT(at("bin.000001:4294967295", 0), at("bin.000002:4", 0));
    EXPECT_LT(at("bin.000002:4", 0), at("bin.000002:4", 1));
    EXPECT_LT(at("bin.000002:4", 1), at("bin.000002:5", 0));
}

TEST(MaxwellJsonDecoder, Failures) {
    MaxwellJsonDecoder d(config());
    auto reason = [&](const std::string& v) { return failure(d.decode(maxwell(v))); };
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"bets","type":"insert","ts":1,"position":"b.1:1","data":{"id":1,"payout":2.5}})"),
        "column db.bets.payout in data: money column arrived as the non-integer number 2.5 and has "
        "no scale in decimal_scales: list it there to decode the exact text as a decimal");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"bets","type":"insert","ts":1,"position":"b.1:1","data":{"id":1,"stake":2.555}})"),
        "column db.bets.stake in data: '2.555' has more than 2 decimals: it would be rounded");
    EXPECT_EQ(reason(R"({"database":"db","table":"t","type":"insert","ts":1,"data":{"id":1}})"),
              "position missing (enable Maxwell's output_binlog_position)");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":1,"position":"nonsense","data":{"id":1}})"),
        "position 'nonsense' is not <binlog file>.<number>:<offset>");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":1,"position":"b.999999:1","data":{"id":1}})"),
        "position 'b.999999:1': binlog file number 999999 is above 131071 and cannot be packed "
        "into the row version");
    EXPECT_EQ(reason(R"({"database":"db","table":"t","type":"upsert","ts":1})"),
              "unknown type 'upsert' (expected insert, update, delete, bootstrap-insert, "
              "bootstrap-start or bootstrap-complete)");
    EXPECT_EQ(reason(R"({"database":"db","table":"t","ts":1})"), "type missing");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":1,"position":"b.1:1","data":{"name":"x"}})"),
        "primary key column id missing from data of table db.t (configure primary_keys)");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":1,"position":"b.1:1","data":{"id":null}})"),
        "primary key column db.t.id is null");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":"1","position":"b.1:1","data":{"id":1}})"),
        "ts is not an integer");
    EXPECT_EQ(
        reason(
            R"({"database":"db","table":"t","type":"insert","ts":1,"position":"b.1:1","data":[1]})"),
        "data is not an object");
    EXPECT_EQ(reason("[1]"), "value is not a JSON object");
    EXPECT_EQ(reason(R"({"database":"db","ta)").rfind("value: malformed JSON", 0), 0u);
    // Found by fuzz_maxwell_decoder: a malformed member after the ones looked up must not
    // reach On-Demand's out-of-order lookup (undefined behaviour there).
    EXPECT_EQ(
        reason(
            R"({"data":{"id":8,"country":"KE",":cata{u":{"database":"x"},"type":"update","table":"t"})")
            .rfind("value: malformed JSON", 0),
        0u);
}

// issue 12, case 10: the database is part of the table's identity; a configured default
// database keeps its tables' bare names. Keys and column rules configured by bare table name
// still apply.
TEST(MaxwellJsonDecoder, TableIdentityIncludesTheDatabase) {
    auto cfg = config();
    MaxwellJsonDecoder d(cfg);
    const std::string leg =
        R"("table":"bet_legs","type":"insert","ts":1700000000,"xid":9001,"xoffset":0,"position":"mysql-bin.000003:1234","data":{"bet_id":1,"leg_no":2}})";
    auto a = change(d.decode(maxwell(R"({"database":"shop_a",)" + leg)));
    auto b = change(d.decode(maxwell(R"({"database":"shop_b",)" + leg)));
    EXPECT_EQ(a.table, "shop_a.bet_legs");
    EXPECT_EQ(b.table, "shop_b.bet_legs");
    EXPECT_EQ(a.key, R"({"bet_id":1,"leg_no":2})");
    cfg.default_database = "shop_a";
    MaxwellJsonDecoder with_default(cfg);
    EXPECT_EQ(change(with_default.decode(maxwell(R"({"database":"shop_a",)" + leg))).table,
              "bet_legs");
    EXPECT_EQ(change(with_default.decode(maxwell(R"({"database":"shop_b",)" + leg))).table,
              "shop_b.bet_legs");
}

}  // namespace
}  // namespace tote
