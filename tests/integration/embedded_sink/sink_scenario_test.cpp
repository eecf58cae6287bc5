// Engine-independent sink assertions (compiled into both integration binaries).
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "core/commit_versions.h"
#include "core/error.h"
#include "sink/migrator.h"
#include "sink/sql_text.h"
#include "sink/warehouse_reader.h"
#include "sink/warehouse_writer.h"
#include "sink_scenario.h"

namespace tote {
namespace {

constexpr ColumnType kInt{ColumnKind::Int64, 0};
constexpr ColumnType kStr{ColumnKind::String, 0};
constexpr ColumnType kDec2{ColumnKind::Decimal, 2};
constexpr ColumnType kF64{ColumnKind::Float64, 0};
constexpr ColumnType kBool{ColumnKind::Bool, 0};

std::string fresh_database(const std::string& name) {
    std::string db = scenario_database_prefix() + name;
    scenario_connection().query("DROP DATABASE IF EXISTS " + sql_identifier(db));
    return db;
}

// One input of the scenario: what the decoder would have produced for one log record.
struct Input {
    enum Kind { Change, Begin, End, Tombstone, DeadLetter } kind;
    ChangeEvent change;
    LogRecord record;
};

SourcePosition streamed(uint64_t lsn, uint64_t tx, uint64_t order) {
    return SourcePosition{lsn, tx, order, false, 1764000000000 + static_cast<int64_t>(lsn)};
}

ChangeEvent event(std::string table, Op op, std::string key, SourcePosition pos,
                  std::vector<Field> fields) {
    ChangeEvent e;
    e.table = std::move(table);
    e.op = op;
    e.key = std::move(key);
    e.source = pos;
    e.version = pack_version(pos, op == Op::Truncate);
    RowImage img{std::move(fields)};
    if (op == Op::Delete)
        e.before = std::move(img);
    else if (op != Op::Truncate)
        e.after = std::move(img);
    return e;
}

// A record whose bytes do not matter (the tests that build change events themselves).
LogRecord plain_record(int64_t offset) {
    return LogRecord{"t", Partition{0}, Offset{offset}, 0, std::string("k"), std::string("v"), {}};
}

std::vector<Input> scenario() {
    std::vector<Input> in;
    int64_t offset = 0;
    auto rec = [&](std::string topic, std::optional<std::string> key,
                   std::optional<std::string> value) {
        return LogRecord{std::move(topic),
                         Partition{0},
                         Offset{offset++},
                         1764000000000 + offset,
                         std::move(key),
                         std::move(value),
                         {}};
    };
    auto change = [&](ChangeEvent e) {
        std::string topic = "tote.public." + e.table;
        std::string key = e.key;
        in.push_back({Input::Change, std::move(e), rec(topic, key, std::string("{...}"))});
    };
    // 0: a snapshot read of a player.
    SourcePosition snap{1000, 600, 0, true, 1764000000000};
    change(event(
        "players", Op::Read, "{\"id\":1}", snap,
        {{"id", kInt, int64_t{1}}, {"name", kStr, std::string("ann")}, {"vip", kBool, true}}));
    // 1..4: transaction 700: BEGIN, create bet 5, update bet 5 (note TOASTed), END.
    ChangeEvent begin;
    in.push_back({Input::Begin, begin, rec("tote.transaction", "{\"id\":\"700\"}", "{}")});
    change(event("bets", Op::Create, "{\"id\":5}", streamed(2000, 700, 1),
                 {{"id", kInt, int64_t{5}},
                  {"stake", kDec2, Decimal{1000, 2}},
                  {"odds", kF64, 1.5},
                  {"note", kStr, std::string("first")}}));
    ChangeEvent upd = event("bets", Op::Update, "{\"id\":5}", streamed(2100, 700, 2),
                            {{"id", kInt, int64_t{5}},
                             {"stake", kDec2, Decimal{125, 1}},
                             {"odds", kF64, 2.25},
                             {"note", kStr, UnavailableValue{}}});
    upd.unavailable = {"note"};
    change(upd);
    in.push_back({Input::End, ChangeEvent{}, rec("tote.transaction", "{\"id\":\"700\"}", "{}")});
    // 5: a new column appears (ALTER TABLE ADD COLUMN in the source).
    change(event("bets", Op::Create, "{\"id\":6}", streamed(2200, 701, 1),
                 {{"id", kInt, int64_t{6}},
                  {"stake", kDec2, Decimal{-250, 2}},
                  {"odds", kF64, NullValue{}},
                  {"note", kStr, std::string("tab\there")},
                  {"channel", kStr, std::string("mobile")}}));
    // 6: a value whose type conflicts with the column: dead-lettered, not coerced.
    change(event("bets", Op::Create, "{\"id\":7}", streamed(2300, 702, 1),
                 {{"id", kInt, int64_t{7}}, {"stake", kStr, std::string("abc")}}));
    // 7, 8: delete of bet 6 (its before image has values: they must not land), tombstone.
    change(event("bets", Op::Delete, "{\"id\":6}", streamed(2400, 703, 1),
                 {{"id", kInt, int64_t{6}}, {"stake", kDec2, Decimal{9900, 2}}}));
    in.push_back(
        {Input::Tombstone, ChangeEvent{}, rec("tote.public.bets", "{\"id\":6}", std::nullopt)});
    // 9: truncate of players, 10: a player created after it.
    change(event("players", Op::Truncate, "", streamed(2500, 704, 1), {}));
    change(event(
        "players", Op::Create, "{\"id\":2}", streamed(2600, 705, 1),
        {{"id", kInt, int64_t{2}}, {"name", kStr, std::string("bob")}, {"vip", kBool, false}}));
    // 11: a record the decoder could not read; raw bytes kept exactly (binary included).
    in.push_back({Input::DeadLetter, ChangeEvent{},
                  rec("tote.public.bets", std::string("k\n\n\0", 4), std::nullopt)});
    return in;
}

constexpr LogPosition kThrough{12, 4096};

void land(WarehouseWriter& w, const std::vector<Input>& inputs) {
    for (const auto& i : inputs) {
        switch (i.kind) {
            case Input::Change:
                w.add_change(i.change, i.record);
                break;
            case Input::Begin:
                w.add_transaction(TxMarker{true, 700, 0, 1764000002000}, i.record);
                break;
            case Input::End:
                w.add_transaction(TxMarker{false, 700, 2, 1764000002000}, i.record);
                break;
            case Input::Tombstone:
                w.add_tombstone(i.record);
                break;
            case Input::DeadLetter:
                w.add_dead_letter(i.record, "decode", "value is not JSON: unexpected end of input");
                break;
        }
    }
    w.commit(kThrough);
}

// The whole landed state, FINAL, in a form both engines print identically.
std::string dump(const std::string& db) {
    auto& c = scenario_connection();
    std::string out;
    out += c.query(
        "SELECT _key, _version, _op, _deleted, _lsn, _tx_id, _tx_order, _snapshot, _ts_ms, "
        "_unavailable, _topic, _partition, _offset, id, "
        "if(isNull(stake), 'NULL', toString(toInt64(assumeNotNull(stake) * 100))), "
        "odds, note, channel FROM " +
        sql_table(db, "land_bets") + " FINAL ORDER BY _key");
    out += "--\n";
    out += c.query("SELECT _key, _version, _op, _deleted, _snapshot, id, name, vip FROM " +
                   sql_table(db, "land_players") + " FINAL ORDER BY _key");
    out += "--\n";
    out +=
        c.query("SELECT topic, partition, offset, timestamp_ms, key, value, stage, reason FROM " +
                sql_table(db, "_dead_letters") + " FINAL ORDER BY offset");
    out += "--\n";
    out += c.query("SELECT tx_id, kind, event_count, ts_ms, topic, partition, offset FROM " +
                   sql_table(db, "_transactions") + " FINAL ORDER BY tx_id, kind");
    out += "--\n";
    out += c.query("SELECT table_name, version, lsn, tx_id, ts_ms, offset FROM " +
                   sql_table(db, "_truncates") + " FINAL ORDER BY table_name, version");
    out += "--\n";
    out += c.query("SELECT consumer, next_offset, byte_position, version FROM " +
                   sql_table(db, "_offsets") + " FINAL ORDER BY consumer");
    return out;
}

const char* const kExpectedDump =
    "{\"id\":5}\t2100\tu\t0\t2100\t700\t2\t0\t1764000002100\t['note']\t"
    "tote.public.bets\t0\t3\t5\t1250\t2.25\t\\N\t\\N\n"
    "{\"id\":6}\t2404\td\t1\t2400\t703\t1\t0\t1764000002400\t[]\t"
    "tote.public.bets\t0\t7\t\\N\tNULL\t\\N\t\\N\t\\N\n"
    "--\n"
    "{\"id\":1}\t1001\tr\t0\t1\t1\tann\t1\n"
    "{\"id\":2}\t2604\tc\t0\t0\t2\tbob\t0\n"
    "--\n"
    "tote.public.bets\t0\t6\t1764000000007\t{\"id\":7}\t{...}\tland\t"
    "table bets (land_bets), column stake: the column has type Nullable(Decimal(38, 2)) but the "
    "change carries a String value, for row key {\"id\":7}; values are never coerced: fix the "
    "source or land this table into a fresh database\n"
    "tote.public.bets\t0\t11\t1764000000012\tk\\n\\n\\0\t\\N\tdecode\t"
    "value is not JSON: unexpected end of input\n"
    "--\n"
    "700\tBEGIN\t0\t1764000002000\ttote.transaction\t0\t1\n"
    "700\tEND\t2\t1764000002000\ttote.transaction\t0\t4\n"
    "--\n"
    "players\t2499\t2500\t704\t1764000002500\t9\n"
    "--\n"
    "ingest\t12\t4096\t12\n";

TEST(SinkScenario, MigrationsAreIdempotentAndGuarded) {
    auto& c = scenario_connection();
    std::string db = fresh_database("migrations");
    auto first = Migrator(c, db).apply();
    EXPECT_EQ(first.applied, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
    auto second = Migrator(c, db).apply();
    EXPECT_TRUE(second.applied.empty());
    EXPECT_EQ(second.already_done, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(c.query("SELECT name FROM system.tables WHERE database = " + sql_string(db) +
                      " ORDER BY name"),
              "_dead_letters\n_migrations\n_offsets\n_transactions\n_truncates\n"
              "dim_competition\ndim_event\ndim_fx_rate\ndim_market\ndim_player\n"
              "dim_selection\ndim_sport\netl_log\nfact_bet\nfact_bet_leg\n"
              "fact_wallet_transaction\nkpi_hourly_contrib\n");
    EXPECT_EQ(c.query("SELECT count() FROM " + sql_table(db, "_migrations")), "5\n");
    auto changed = Migrator::warehouse_migrations();
    changed[0].statements[0] += " SETTINGS index_granularity = 4096";
    try {
        Migrator(c, db, changed).apply();
        FAIL() << "a changed migration must be refused";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("an applied migration must never change"),
                  std::string::npos);
    }
}

TEST(SinkScenario, LandsEveryShapeExactlyAndReplaysIdentically) {
    auto& c = scenario_connection();
    std::string db = fresh_database("scenario");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    auto inputs = scenario();
    {
        WarehouseWriter w(c, cfg);
        EXPECT_EQ(w.resume_position(), std::nullopt);
        land(w, inputs);
        EXPECT_EQ(w.stats().changes, 7u);  // 6 rows + 1 truncate
        EXPECT_EQ(w.stats().dead_letters, 2u);
        EXPECT_EQ(w.stats().transactions, 2u);
        EXPECT_EQ(w.stats().tombstones, 1u);
        EXPECT_EQ(w.resume_position(), kThrough);
    }
    std::string once = dump(db);
    EXPECT_EQ(once, kExpectedDump);
    WarehouseReader r(c, db);
    EXPECT_EQ(r.landed_tables(), (std::vector<std::string>{"bets", "players"}));
    EXPECT_EQ(r.live_rows("bets"), 1u);     // 5 live, 6 deleted, 7 dead-lettered
    EXPECT_EQ(r.live_rows("players"), 1u);  // 1 before the truncate, 2 after it
    EXPECT_EQ(r.dead_letter_count(), 2u);
    EXPECT_EQ(r.truncate_count("players"), 1u);
    EXPECT_EQ(r.transaction_marker_count(), 2u);
    // The column added by schema evolution is there with its type.
    EXPECT_EQ(c.query("SELECT type FROM system.columns WHERE database = " + sql_string(db) +
                      " AND table = 'land_bets' AND name = 'channel'"),
              "Nullable(String)\n");

    // A crash after the data but before (or after) the position: a new writer (it reads the
    // column sets back from system.columns) replays the same records.
    {
        WarehouseWriter w(c, cfg);
        EXPECT_EQ(w.resume_position(), kThrough);
        land(w, inputs);
    }
    EXPECT_EQ(dump(db), once);
    EXPECT_EQ(r.duplicate_versions("bets"), 0u);  // stored twice (until a merge), read once
    EXPECT_EQ(r.duplicate_versions("players"), 0u);
    EXPECT_EQ(r.live_rows("bets"), 1u);
    EXPECT_EQ(r.live_rows("players"), 1u);
    EXPECT_EQ(r.dead_letter_count(), 2u);
}

// issue 12, case 10: same-named tables of two schemas land apart (the table's identity names the
// landing table, core/table_identity.h), with keys that would collide; a restarted writer finds
// them again by their names; a truncate of one leaves the other alone.
TEST(SinkScenario, SameNamedTablesOfTwoSchemasLandApart) {
    auto& c = scenario_connection();
    std::string db = fresh_database("schemas");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    auto row = [](std::string table, int64_t lsn, std::vector<Field> fields) {
        return event(std::move(table), Op::Create, "{\"id\":1}", streamed(lsn, 900, 1),
                     std::move(fields));
    };
    {
        WarehouseWriter w(c, cfg);
        w.add_change(row("bets", 100, {{"id", kInt, int64_t{1}}, {"stake", kInt, int64_t{5}}}),
                     plain_record(0));
        w.add_change(
            row("sales.bets", 200, {{"id", kInt, int64_t{1}}, {"region", kStr, std::string("EU")}}),
            plain_record(1));
        w.add_change(row("public.a%2Eb", 300, {{"id", kInt, int64_t{1}}}), plain_record(2));
        w.commit(LogPosition{3, 30});
    }
    {
        WarehouseWriter w(c, cfg);  // reads the landed tables back
        w.add_change(
            row("sales.bets", 400, {{"id", kInt, int64_t{1}}, {"region", kStr, std::string("US")}}),
            plain_record(3));
        ChangeEvent trunc = event("sales.bets", Op::Truncate, "", streamed(500, 901, 1), {});
        w.add_change(trunc, plain_record(4));
        w.commit(LogPosition{5, 50});
    }
    WarehouseReader r(c, db);
    EXPECT_EQ(r.landed_tables(), (std::vector<std::string>{"bets", "public.a%2Eb", "sales.bets"}));
    EXPECT_EQ(c.query("SELECT stake FROM " + sql_table(db, "land_bets") + " FINAL"), "5\n");
    EXPECT_EQ(c.query("SELECT region FROM " + sql_table(db, "land_sales.bets") + " FINAL"), "US\n");
    EXPECT_EQ(c.query("SELECT count() FROM " + sql_table(db, "land_public.a%2Eb") + " FINAL"),
              "1\n");
    EXPECT_EQ(r.truncate_count("sales.bets"), 1u);
    EXPECT_EQ(r.truncate_count("bets"), 0u);
    EXPECT_EQ(r.live_rows("bets"), 1u);
    EXPECT_EQ(r.live_rows("sales.bets"), 0u);  // truncated after its rows
}

// issue 12, case 8: where the engine can (the embedded 26.x; 18.16 has no such setting), every
// table of the warehouse, landing tables created later included, fsyncs an inserted part and its
// directory before the insert returns, so the parts a position covers are on disk before the
// position is written.
// Issue 12, point 3: a re-snapshot corrects rows changed or deleted while nothing watched; a
// complete one removes the rows it did not read, an incremental one removes nothing; a
// transaction in flight at the snapshot, committed after it, still wins.
TEST(SinkScenario, AReSnapshotReplacesOlderRowsAndACompleteOneRemovesTheMissing) {
    auto& c = scenario_connection();
    std::string db = fresh_database("resnapshot");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    auto player = [](int64_t id, std::string name, SourcePosition pos, Op op = Op::Create) {
        return event("players", op, "{\"id\":" + std::to_string(id) + "}", pos,
                     {{"id", kInt, id}, {"name", kStr, std::move(name)}, {"vip", kBool, false}});
    };
    auto read = [&](int64_t id, std::string name, uint64_t lsn, bool table_end) {
        SourcePosition pos{.lsn = lsn,
                           .tx_id = 50,
                           .snapshot = true,
                           .commit_ts_ms = 1,
                           .snapshot_table_end = table_end};
        return player(id, std::move(name), pos, Op::Read);
    };
    // Streamed before the snapshot: players 1, 2, 3 (ann, bob, cy), and 4 (dee) at LSN 1000+.
    // In flight at the snapshot (LSN 5000): player 5 written at LSN 4000, committed at 6000.
    // The snapshot at 5000 sees 1 renamed (while nothing watched) and 2; 3 was deleted while
    // nothing watched; it does not see 5.
    {
        WarehouseWriter w(c, cfg);
        int64_t off = 0;
        w.add_change(player(1, "ann", streamed(1000, 10, 1)), plain_record(off++));
        w.add_change(player(2, "bob", streamed(1100, 11, 1)), plain_record(off++));
        w.add_change(player(3, "cy", streamed(1200, 12, 1)), plain_record(off++));
        w.add_change(player(4, "dee", streamed(1300, 13, 1)), plain_record(off++));
        // An incremental snapshot at 2000 reads 1 only: it removes nothing.
        w.add_change(read(1, "ann", 2000, false), plain_record(off++));
        // The complete snapshot at 5000: reads 1 and 2, the last of them ends the table.
        w.add_change(read(1, "anne", 5000, false), plain_record(off++));
        w.add_change(read(2, "bob", 5000, true), plain_record(off++));
        // Then the stream: player 5's transaction, versioned by its commit at 6000.
        std::vector<ChangeEvent> tx{player(5, "eve", streamed(4000, 20, 1))};
        assign_commit_versions(tx, 6000);
        w.add_change(tx[0], plain_record(off++));
        w.commit(LogPosition{off, off * 10});
    }
    const std::string live = "SELECT id, name FROM " + sql_table(db, "land_players") +
                             " FINAL WHERE _deleted = 0 AND _version > (SELECT max(version) FROM " +
                             sql_table(db, "_truncates") +
                             " FINAL WHERE table_name = 'players') ORDER BY id";
    EXPECT_EQ(c.query(live), "1\tanne\n2\tbob\n5\teve\n");
    WarehouseReader r(c, db);
    EXPECT_EQ(r.live_rows("players"), 3u);
    EXPECT_EQ(r.truncate_count("players"), 0u);  // the snapshot's marker is not a truncate
    EXPECT_EQ(c.query("SELECT version FROM " + sql_table(db, "_truncates") + " FINAL"),
              std::to_string(make_version(5000, VersionRank::SnapshotBoundary)) + "\n");
}

// A snapshot taken after a truncate shows its rows (layout 1 ranked every snapshot read below
// every streamed change, so they stayed hidden behind the truncate's marker for good).
TEST(SinkScenario, SnapshotReadsAfterATruncateAreVisible) {
    auto& c = scenario_connection();
    std::string db = fresh_database("truncate_snapshot");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    {
        WarehouseWriter w(c, cfg);
        w.add_change(event("players", Op::Create, "{\"id\":1}", streamed(1000, 10, 1),
                           {{"id", kInt, int64_t{1}}, {"name", kStr, std::string("ann")}}),
                     plain_record(0));
        w.add_change(event("players", Op::Truncate, "", streamed(2000, 11, 1), {}),
                     plain_record(1));
        SourcePosition snap{.lsn = 3000, .tx_id = 12, .snapshot = true, .commit_ts_ms = 1};
        w.add_change(event("players", Op::Read, "{\"id\":2}", snap,
                           {{"id", kInt, int64_t{2}}, {"name", kStr, std::string("bob")}}),
                     plain_record(2));
        w.commit(LogPosition{3, 30});
    }
    WarehouseReader r(c, db);
    EXPECT_EQ(r.live_rows("players"), 1u);  // bob, read after the truncate; not ann
    EXPECT_EQ(r.truncate_count("players"), 1u);
}

// A warehouse written before row-version layout 2 is refused with what to do, not mixed.
TEST(SinkScenario, AWarehouseOfVersionLayoutOneIsRefused) {
    auto& c = scenario_connection();
    std::string db = fresh_database("layout1");
    auto layout1 = Migrator::warehouse_migrations();
    layout1.resize(3);  // migrations 1..3: before layout 2
    ASSERT_EQ(layout1.back().version, 3u);
    Migrator(c, db, layout1).apply();
    c.query("INSERT INTO " + sql_table(db, "_offsets") +
            " (consumer, next_offset, byte_position, version) VALUES ('ingest', 10, 100, 10)");
    try {
        Migrator(c, db).apply();
        FAIL() << "a layout-1 warehouse must be refused";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("cannot be applied"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Rebuild the warehouse from the log"),
                  std::string::npos)
            << e.what();
    }
    // An empty one (nothing ingested yet) takes the migration.
    std::string empty = fresh_database("layout1_empty");
    Migrator(c, empty, layout1).apply();
    EXPECT_EQ(Migrator(c, empty).apply().applied, (std::vector<uint32_t>{4, 5}));
}

TEST(SinkScenario, InsertedPartsAreSyncedWhereTheEngineCan) {
    auto& c = scenario_connection();
    std::string db = fresh_database("fsync");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    WarehouseWriter w(c, cfg);
    w.add_change(
        event("players", Op::Create, "{\"id\":1}", streamed(100, 900, 1),
              {{"id", kInt, int64_t{1}}}),
        LogRecord{"t", Partition{0}, Offset{0}, 0, std::string("k"), std::string("v"), {}});
    w.commit(LogPosition{1, 10});
    const bool can = c.server_version().substr(0, 3) != "18.";
    EXPECT_EQ(w.parts_synced(), can);
    const std::string tables =
        "FROM system.tables WHERE database = " + sql_string(db) + " AND engine LIKE '%MergeTree'";
    EXPECT_EQ(c.query("SELECT countIf(name = 'land_players') " + tables), "1\n");
    if (can) {
        EXPECT_EQ(c.query("SELECT name " + tables +
                          " AND NOT (engine_full LIKE '%fsync_after_insert = 1%' AND "
                          "engine_full LIKE '%fsync_part_directory = 1%') ORDER BY name"),
                  "");
    }
    // Turned off, the settings go back to 0 (they live in the tables' metadata).
    WarehouseWriterConfig off = cfg;
    off.sync_parts = false;
    WarehouseWriter unsynced(c, off);
    EXPECT_FALSE(unsynced.parts_synced());
    if (can) {
        EXPECT_EQ(c.query("SELECT name " + tables +
                          " AND engine_full LIKE '%fsync_after_insert = 1%' ORDER BY name"),
                  "");
    }
}

TEST(SinkScenario, ResumePositionRoundTrips) {
    auto& c = scenario_connection();
    std::string db = fresh_database("offsets");
    WarehouseWriterConfig a;
    a.database = db;
    a.consumer = "a";
    WarehouseWriterConfig b = a;
    b.consumer = "b";
    WarehouseWriter wa(c, a), wb(c, b);
    EXPECT_EQ(wa.resume_position(), std::nullopt);
    wa.commit(LogPosition{5, 500});
    wa.commit(LogPosition{9, 900});
    wb.commit(LogPosition{1, 100});
    EXPECT_EQ(wa.resume_position(), (LogPosition{9, 900}));
    EXPECT_EQ(wb.resume_position(), (LogPosition{1, 100}));
    EXPECT_EQ(WarehouseReader(c, db).resume_position("a"), (LogPosition{9, 900}));
}

TEST(SinkScenario, SqlErrorsAreFatalWithTheServerMessage) {
    try {
        scenario_connection().query("SELECT * FROM tote_no_such_db.no_such_table");
        FAIL() << "expected an error";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("Code: "), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
    }
}

// Figures, not a timed test: run with --gtest_also_run_disabled_tests. 1M changes of a
// bets-like table (10 business columns) through WarehouseWriter, committed every 100k.
TEST(SinkScenario, DISABLED_MeasureLandingRate) {
    auto& c = scenario_connection();
    std::string db = fresh_database("perf");
    WarehouseWriterConfig cfg;
    cfg.database = db;
    WarehouseWriter w(c, cfg);
    const size_t n = 1000000, batch = 100000;
    std::vector<ChangeEvent> events;
    events.reserve(batch);
    for (size_t i = 0; i < batch; ++i) {
        int64_t id = static_cast<int64_t>(i);
        events.push_back(
            event("bets", Op::Create, "{\"id\":" + std::to_string(id) + "}",
                  streamed(10000 + i, 9000 + i / 4, i % 4 + 1),
                  {{"id", kInt, id},
                   {"player_id", kInt, id % 5000},
                   {"stake", kDec2, Decimal{1000 + id, 2}},
                   {"payout", kDec2, NullValue{}},
                   {"total_odds", ColumnType{ColumnKind::Decimal, 4}, Decimal{25000, 4}},
                   {"currency", kStr, std::string("UGX")},
                   {"status", kStr, std::string("OPEN")},
                   {"is_live", kBool, (i & 1) != 0},
                   {"placed_at", kStr, std::string("2026-11-25T10:00:00.000000Z")},
                   {"note", kStr, NullValue{}}}));
    }
    LogRecord rec{"tote.public.bets", Partition{0}, Offset{0}, 0, std::nullopt, std::nullopt, {}};
    double encode_s = 0, commit_s = 0;
    for (size_t done = 0; done < n; done += batch) {
        auto t0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < batch; ++i) {
            rec.offset.value = static_cast<int64_t>(done + i);
            w.add_change(events[i], rec);
        }
        auto t1 = std::chrono::steady_clock::now();
        w.commit(LogPosition{static_cast<int64_t>(done + batch), 0});
        auto t2 = std::chrono::steady_clock::now();
        encode_s += std::chrono::duration<double>(t1 - t0).count();
        commit_s += std::chrono::duration<double>(t2 - t1).count();
    }
    std::cout << c.describe() << ": landed " << n << " changes: encode " << encode_s
              << " s, commit " << commit_s << " s, total " << n / (encode_s + commit_s)
              << " changes/s\n";
    EXPECT_EQ(WarehouseReader(c, db).live_rows("bets"), batch);
}

}  // namespace
}  // namespace tote
