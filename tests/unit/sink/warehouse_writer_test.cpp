#include "sink/warehouse_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "core/error.h"
#include "fake_connection.h"

namespace tote {
namespace {

constexpr ColumnType kInt{ColumnKind::Int64, 0};
constexpr ColumnType kStr{ColumnKind::String, 0};

ChangeEvent change(std::string table, Op op, int64_t id, Value name) {
    ChangeEvent e;
    e.table = std::move(table);
    e.op = op;
    e.key = "{\"id\":" + std::to_string(id) + "}";
    e.version = 100 + static_cast<uint64_t>(id);
    RowImage img;
    img.fields = {Field{"id", kInt, id}, Field{"name", kStr, std::move(name)}};
    e.after = img;
    return e;
}

LogRecord record(int64_t offset) {
    return LogRecord{
        "tote.public.x", Partition{0}, Offset{offset}, 5, std::string("k"), std::string("v"), {}};
}

TEST(WarehouseWriter, CommitWritesDataThenThePosition) {
    FakeConnection conn;
    WarehouseWriter w(conn, WarehouseWriterConfig{});
    w.add_change(change("players", Op::Create, 1, std::string("ann")), record(0));
    w.add_change(change("bets", Op::Create, 2, std::string("b")), record(1));
    ChangeEvent trunc;
    trunc.table = "bets";
    trunc.op = Op::Truncate;
    trunc.version = 999;
    w.add_change(trunc, record(2));
    w.add_transaction(TxMarker{true, 700, 0, 1}, record(3));
    w.add_tombstone(record(4));
    w.add_dead_letter(record(5), "decode", "bad json");
    EXPECT_EQ(w.buffered_rows(), 5u);
    EXPECT_TRUE(conn.inserts.empty());  // nothing written before commit
    w.commit(LogPosition{6, 600});
    ASSERT_EQ(conn.inserts.size(), 6u);
    EXPECT_EQ(conn.inserts[5].table, "`tote`.`_offsets`");
    std::vector<std::string> first_five;
    for (size_t i = 0; i < 5; ++i) first_five.push_back(conn.inserts[i].table);
    std::sort(first_five.begin(), first_five.end());
    EXPECT_EQ(first_five,
              (std::vector<std::string>{"`tote`.`_dead_letters`", "`tote`.`_transactions`",
                                        "`tote`.`_truncates`", "`tote`.`land_bets`",
                                        "`tote`.`land_players`"}));
    EXPECT_EQ(w.buffered_rows(), 0u);
    EXPECT_EQ(w.stats().changes, 3u);
    EXPECT_EQ(w.stats().tombstones, 1u);
    EXPECT_EQ(w.stats().dead_letters, 1u);
    EXPECT_EQ(w.stats().transactions, 1u);
    EXPECT_EQ(w.stats().commits, 1u);
    // A second commit with nothing buffered writes only the position.
    w.commit(LogPosition{6, 600});
    EXPECT_EQ(conn.inserts.size(), 7u);
}

TEST(WarehouseWriter, TypeConflictGoesToDeadLettersNotTheTable) {
    FakeConnection conn;
    WarehouseWriter w(conn, WarehouseWriterConfig{});
    w.add_change(change("players", Op::Create, 1, std::string("ann")), record(0));
    w.add_change(change("players", Op::Update, 1, int64_t{42}), record(1));
    EXPECT_EQ(w.stats().changes, 1u);
    EXPECT_EQ(w.stats().dead_letters, 1u);
    w.commit(LogPosition{2, 0});
    ASSERT_EQ(conn.inserts.size(), 3u);
    const auto& dl = conn.inserts[1];
    EXPECT_EQ(dl.table, "`tote`.`_dead_letters`");
    EXPECT_NE(dl.rows.find("table players (land_players), column name: the column has type "
                           "Nullable(String) but the change carries a Int64 value, for row key "
                           "{\"id\":1}"),
              std::string::npos);
}

TEST(WarehouseWriter, NewColumnFlushesTheBatchThenAltersTheTable) {
    FakeConnection conn;
    WarehouseWriter w(conn, WarehouseWriterConfig{});
    w.add_change(change("players", Op::Create, 1, std::string("ann")), record(0));
    ChangeEvent c = change("players", Op::Create, 2, std::string("bob"));
    c.after->fields.push_back(Field{"country", kStr, std::string("UG")});
    w.add_change(c, record(1));
    ASSERT_EQ(conn.inserts.size(), 1u);  // the row with the old column set
    EXPECT_EQ(conn.inserts[0].columns.find("country"), std::string::npos);
    EXPECT_EQ(conn.statements.back(),
              "ALTER TABLE `tote`.`land_players` ADD COLUMN `country` Nullable(String)");
    w.commit(LogPosition{2, 0});
    ASSERT_EQ(conn.inserts.size(), 3u);
    EXPECT_NE(conn.inserts[1].columns.find("`country` Nullable(String)"), std::string::npos);
}

// issue 16, point 4: a declared type change of a landed column (ALTER COLUMN in the source) is
// reported once per run, in etl_log (rule landing_type_changed) and in the stats' notes.
TEST(WarehouseWriter, DeclaredTypeChangeIsReportedOnceInEtlLog) {
    FakeConnection conn;
    WarehouseWriter w(conn, WarehouseWriterConfig{});
    auto declared = [](int64_t id, ColumnType name_type, Value name) {
        ChangeEvent e = change("players", Op::Create, id, std::move(name));
        e.after->fields[1].type = name_type;
        for (auto& f : e.after->fields) f.declared = true;
        return e;
    };
    w.add_change(declared(1, kStr, std::string("ann")), record(0));
    EXPECT_TRUE(w.stats().notes.empty());
    w.add_change(declared(2, kInt, NullValue{}), record(1));  // the change: lands (null)
    w.add_change(declared(3, kInt, int64_t{42}), record(2));  // does not fit: dead letter
    w.add_change(declared(4, kInt, int64_t{43}), record(3));  // reported once only
    EXPECT_EQ(w.stats().changes, 2u);
    EXPECT_EQ(w.stats().dead_letters, 2u);
    ASSERT_EQ(w.stats().notes.size(), 1u);
    EXPECT_EQ(w.stats().notes[0].rfind("landing_type_changed: column name of land_players: the "
                                       "value schema declares Nullable(Int64) but the landed "
                                       "column has type Nullable(String)",
                                       0),
              0u)
        << w.stats().notes[0];
    EXPECT_NE(w.stats().notes[0].find("first at offset 1 of tote.public.x"), std::string::npos);
    w.commit(LogPosition{4, 0});
    const FakeConnection::Insert* log = nullptr;
    for (const auto& ins : conn.inserts)
        if (ins.table == "`tote`.`etl_log`") log = &ins;
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->columns,
              "rule String, severity String, entity String, entity_key String, version UInt64, "
              "log_offset Int64, details String, provisional UInt8, retracted UInt8");
    EXPECT_NE(log->rows.find("landing_type_changed"), std::string::npos);
    EXPECT_EQ(log->rows.find("landing_type_changed", log->rows.find("landing_type_changed") + 1),
              std::string::npos);  // one row
}

// A FakeConnection that stamps each insert with a sequence number shared by every connection
// (the lanes run on threads of their own), and can fail one table's insert.
class LaneConnection : public FakeConnection {
public:
    explicit LaneConnection(std::atomic<int>& seq) : seq_(seq) {}
    std::vector<int> order;  // sequence number of each insert, as `inserts`
    std::string fail_table;
    void insert_row_binary(std::string_view t, std::string_view c, std::string_view r) override {
        if (t == fail_table) throw ToteError(ErrorClass::Fatal, "lane insert refused");
        order.push_back(seq_.fetch_add(1));
        FakeConnection::insert_row_binary(t, c, r);
    }

private:
    std::atomic<int>& seq_;
};

TEST(WarehouseWriter, InsertLanesWriteTheDataOnceEachThenThePositionLast) {
    std::atomic<int> seq{0};
    LaneConnection conn(seq);
    std::vector<LaneConnection*> lanes;
    WarehouseWriterConfig cfg;
    cfg.insert_lanes = 3;
    cfg.open_lane = [&]() -> std::unique_ptr<ClickHouseConnection> {
        auto c = std::make_unique<LaneConnection>(seq);
        c->tables = conn.tables;
        lanes.push_back(c.get());
        return c;
    };
    WarehouseWriter w(conn, cfg);
    ASSERT_EQ(lanes.size(), 2u);
    for (int i = 0; i < 6; ++i)
        w.add_change(change(i % 2 ? "bets" : "players", Op::Create, i, std::string("x")),
                     record(i));
    w.add_dead_letter(record(6), "decode", "bad json");
    w.add_insert(EncodedInsert{"`tote`.`etl_log`", "rule", "first"});
    w.add_insert(EncodedInsert{"`tote`.`fact_bet`", "bet_id", std::string(100, 'b')});
    w.add_insert(EncodedInsert{"`tote`.`etl_log`", "rule", "second"});
    w.add_insert(EncodedInsert{"`tote`.`kpi_hourly_contrib`", "hour", std::string(50, 'k')});
    w.commit(LogPosition{7, 0});
    std::multiset<std::string> written;
    int last_data = -1;
    for (LaneConnection* c : {&conn, lanes[0], lanes[1]})
        for (size_t i = 0; i < c->inserts.size(); ++i) {
            written.insert(c->inserts[i].table);
            if (c->inserts[i].table != "`tote`.`_offsets`")
                last_data = std::max(last_data, c->order[i]);
        }
    EXPECT_EQ(written, (std::multiset<std::string>{
                           "`tote`.`_dead_letters`", "`tote`.`_offsets`", "`tote`.`etl_log`",
                           "`tote`.`etl_log`", "`tote`.`fact_bet`", "`tote`.`kpi_hourly_contrib`",
                           "`tote`.`land_bets`", "`tote`.`land_players`"}));
    // The position on the writer's own connection, after every data insert of every lane.
    ASSERT_FALSE(conn.inserts.empty());
    EXPECT_EQ(conn.inserts.back().table, "`tote`.`_offsets`");
    EXPECT_GT(conn.order.back(), last_data);
    // etl_log on the writer's connection, in the order added.
    std::vector<std::string> log_rows;
    for (const auto& ins : conn.inserts)
        if (ins.table == "`tote`.`etl_log`") log_rows.push_back(ins.rows);
    EXPECT_EQ(log_rows, (std::vector<std::string>{"first", "second"}));
    // The work was spread: the other lanes wrote something.
    EXPECT_FALSE(lanes[0]->inserts.empty());
    EXPECT_FALSE(lanes[1]->inserts.empty());
}

TEST(WarehouseWriter, AFailedLaneLeavesThePositionUnwritten) {
    std::atomic<int> seq{0};
    LaneConnection conn(seq);
    WarehouseWriterConfig cfg;
    cfg.insert_lanes = 2;
    conn.fail_table = "`tote`.`fact_bet`";  // wherever the plan puts it
    cfg.open_lane = [&]() -> std::unique_ptr<ClickHouseConnection> {
        auto c = std::make_unique<LaneConnection>(seq);
        c->fail_table = "`tote`.`fact_bet`";
        return c;
    };
    WarehouseWriter w(conn, cfg);
    w.add_change(change("players", Op::Create, 1, std::string("x")), record(0));
    w.add_insert(EncodedInsert{"`tote`.`fact_bet`", "bet_id", std::string(1000, 'b')});
    EXPECT_THROW(w.commit(LogPosition{1, 0}), ToteError);
    for (const auto& ins : conn.inserts) EXPECT_NE(ins.table, "`tote`.`_offsets`");
}

}  // namespace
}  // namespace tote
