#include "sink/warehouse_writer.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tote
