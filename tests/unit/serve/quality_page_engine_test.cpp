// The data-quality checks' SQL on the embedded engine, over a warehouse with known rows: two
// landing tables (one stale), a bet with versions in two partitions, ETL-log entries of which
// one is retracted, dead letters with non-UTF-8 and with UTF-8 bytes, and a failed
// reconciliation; and a second database whose tables' sort keys are wider than the business
// key, where FINAL keeps repeated keys (the duplicate checks fail). Every check's JSON is
// asserted exactly, as are the drill-downs, a quote in a drill-down parameter, the
// once-per-version statements and the status history. One process, one EmbeddedClickHouse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "core/error.h"
#include "serve/quality_page.h"
#include "serve/tile_cache.h"
#include "sink/embedded_clickhouse.h"
#include "sink/migrator.h"

namespace tote {
namespace {

std::filesystem::path g_dir;
std::unique_ptr<EmbeddedClickHouse> g_engine;
constexpr const char* kDb = "quality_test";
constexpr const char* kBroken = "quality_broken";

constexpr int64_t kT = 1795962600000;  // 2026-11-29 14:30:00 UTC: the newest commit (ms)
constexpr int64_t kH = 1795960800000;  // 14:00, the start of its hour
constexpr int64_t kMin = 60'000;
constexpr int64_t kWeek = 7 * 86'400'000LL;

void sql(const std::string& s) {
    g_engine->query(s);
}

void land(const std::string& table) {
    sql(std::string("CREATE TABLE ") + kDb + ".`land_" + table +
        "` (_key String, _version UInt64, _op String, _deleted UInt8, _ts_ms Int64, "
        "amount Nullable(Int64)) ENGINE = ReplacingMergeTree(_version) ORDER BY _key");
}

class EngineEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        char tmpl[] = "/tmp/tote-quality-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        g_dir = tmpl;
        g_engine = std::make_unique<EmbeddedClickHouse>(g_dir / "warehouse");
        Migrator(*g_engine, kDb).apply();
        const std::string db = kDb;
        land("bets");
        // id 1: created 3 h before the hour, updated at 14:20; id 2: a week and 10 min before the
        // newest commit; id 3: created at 14:05, deleted at 14:30 (the newest commit); id 4:
        // created at 14:01.
        sql("INSERT INTO " + db + ".land_bets (_key, _version, _op, _deleted, _ts_ms) VALUES " +
            "('{\"id\":1}', 8, 'c', 0, " + std::to_string(kH - 180 * kMin) + ")," +
            "('{\"id\":1}', 16, 'u', 0, " + std::to_string(kT - 10 * kMin) + ")," +
            "('{\"id\":2}', 24, 'c', 0, " + std::to_string(kT - kWeek - 10 * kMin) + ")," +
            "('{\"id\":3}', 32, 'c', 0, " + std::to_string(kH + 5 * kMin) + ")," +
            "('{\"id\":3}', 40, 'd', 1, " + std::to_string(kT) + ")," +
            "('{\"id\":4}', 48, 'c', 0, " + std::to_string(kH + kMin) + ")");
        land("wallet.rows");  // a name with a dot; 30 h behind
        sql("INSERT INTO " + db + ".`land_wallet.rows` (_key, _version, _op, _deleted, _ts_ms) " +
            "VALUES ('{\"id\":9}', 8, 'c', 0, " + std::to_string(kT - 30 * 60 * kMin) + ")");
        // Bet 7 in October and (a later version) in November: FINAL keeps the later one, even
        // across partitions.
        sql("INSERT INTO " + db + ".fact_bet (bet_id, _version, placed_at_us) VALUES " +
            "(7, 1, 1791000000000000), (7, 2, 1795962600000000), (8, 1, 1795962600000000)");
        sql("INSERT INTO " + db + ".fact_wallet_transaction (id, _version, created_at_us) " +
            "VALUES (1, 1, 1795962600000000)");
        // etl_log: odds_range of key 9 was retracted by a later row of the same version.
        sql("INSERT INTO " + db + ".etl_log (rule, severity, entity, entity_key, version, " +
            "log_offset, details, provisional, retracted) VALUES " +
            "('stake_positive', 'error', 'fact_bet', '7', 16, 100, 'stake 0', 0, 0)," +
            "('stake_positive', 'error', 'fact_bet', '8', 24, 130, 'stake -1', 1, 0)," +
            "('odds_range', 'warning', 'fact_bet', '9', 8, 90, 'odds 1.0001', 0, 0)," +
            "('odds_range', 'warning', 'fact_bet', '10', 8, 95, 'odds 999', 0, 0)," +
            "('landing_type_changed', 'warning', 'land_bets', 'amount', 0, 80, " +
            "'Int64 -> String', 0, 0)");
        sql("INSERT INTO " + db + ".etl_log (rule, severity, entity, entity_key, version, " +
            "log_offset, details, provisional, retracted) VALUES " +
            "('odds_range', 'warning', 'fact_bet', '9', 8, 90, 'odds 1.0001', 0, 1)");
        // Dead letters: bytes that are not UTF-8 (and a NUL), and UTF-8 with a quote and newline.
        sql("INSERT INTO " + db + "._dead_letters SELECT 'tote' AS topic, 0 AS partition, " +
            "42 AS offset, 1000 AS timestamp_ms, '{\"id\":5}' AS key, unhex('fffe616200') AS " +
            "value, 'land' AS stage, 'type conflict' AS reason");
        sql("INSERT INTO " + db + "._dead_letters SELECT 'tote', 0, 43, 2000, NULL, " +
            "concat('caf', unhex('c3a9'), ' \"q\"\\n'), 'decode', 'bad json'");
        // A warehouse whose tables were created with sort keys wider than the business key
        // (as a wrong migration could): FINAL keeps every version, so keys repeat.
        sql(std::string("CREATE DATABASE ") + kBroken);
        const std::string b = kBroken;
        sql("CREATE TABLE " + b + ".fact_bet (bet_id Int64, _version UInt64) ENGINE = " +
            "ReplacingMergeTree(_version) ORDER BY (bet_id, _version)");
        sql("CREATE TABLE " + b + ".fact_bet_leg (bet_id Int64, leg_no Int32, _version UInt64, " +
            "deleted UInt8) ENGINE = ReplacingMergeTree(_version) ORDER BY (bet_id, leg_no, " +
            "_version)");
        sql("CREATE TABLE " + b + ".fact_wallet_transaction (id Int64, _version UInt64, " +
            "deleted UInt8) ENGINE = ReplacingMergeTree(_version) ORDER BY (id, _version)");
        sql("CREATE TABLE " + b + ".land_bets (_key String, _version UInt64, _deleted UInt8, " +
            "_ts_ms Int64) ENGINE = ReplacingMergeTree(_version) ORDER BY (_key, _version)");
        sql("INSERT INTO " + b + ".fact_bet VALUES (7, 1), (7, 2), (8, 1), (9, 1), (9, 2), (9, 3)");
        sql("INSERT INTO " + b + ".fact_bet_leg VALUES (7, 1, 1, 0), (7, 1, 2, 1)");
        sql("INSERT INTO " + b + ".fact_wallet_transaction VALUES (1, 1, 0), (1, 2, 0)");
        sql("INSERT INTO " + b +
            ".land_bets VALUES ('{\"id\":1}', 8, 0, 1), ('{\"id\":1}', 16, 0, 2)");
        std::ofstream(g_dir / "reconcile-latest.json")
            << "{\"finished_at\":\"2026-11-29T14:31:00Z\",\"warehouse_offset\":500,"
               "\"truth_offset\":500,\"exact\":false,\"differences\":2,\"first_differences\":["
               "\"ledger 2026-11-29 EUR deposit: count 3 vs 4\",\"table bets: \\\"live\\\" 2 "
               "vs 3\"]}\n";
    }
    void TearDown() override {
        g_engine.reset();
        std::error_code ec;
        std::filesystem::remove_all(g_dir, ec);
    }
};

struct Page {
    TileCache cache;
    std::map<std::string, int> statements;  // per check
    QualityPage page{kDb, cache,
                     [this](const std::string& check, const std::string& s) {
                         ++statements[check];
                         return g_engine->query_trusted_readonly(s, "TabSeparated");
                     },
                     (g_dir / "reconcile-latest.json").string()};
};

// The JSON from its status on (the id, title, rule and version before it are fixed text).
std::string from_status(const std::string& json) {
    const auto at = json.find(",\"status\":");
    return at == std::string::npos ? json : json.substr(at + 1);
}

TEST(QualityPageEngine, EveryCheckOnKnownRows) {
    Page p;
    EXPECT_EQ(from_status(p.page.check_json("freshness", 1)),
              "\"status\":\"warn\",\"summary\":\"2 source tables, newest commit at 1795962600000 "
              "ms; 1 more than 24 h behind\",\"columns\":[\"source_table\",\"live_keys\","
              "\"last_commit_ms\",\"last_visible_ms\",\"behind_newest_ms\",\"status\"],\"rows\":"
              "[[\"bets\",3,1795962600000,1795962000000,0,\"pass\"],"
              "[\"wallet.rows\",1,1795854600000,1795854600000,108000000,\"warn\"]]}");
    EXPECT_EQ(from_status(p.page.check_json("volume", 1)),
              "\"status\":\"warn\",\"summary\":\"from 1795960800000 to 1795962600000 (UTC ms) "
              "against 7 days earlier; 1 of 4 tables have data that old\",\"columns\":["
              "\"table\",\"this_hour\",\"week_earlier\",\"status\"],\"rows\":["
              "[\"fact_bet\",2,0,\"n/a\"],[\"fact_wallet_transaction\",1,0,\"n/a\"],"
              "[\"land_bets\",3,1,\"warn\"],[\"land_wallet.rows\",0,0,\"n/a\"]]}");
    EXPECT_EQ(from_status(p.page.check_json("etl_log", 1)),
              "\"status\":\"warn\",\"summary\":\"4 entries in force under 3 rules\",\"columns\":"
              "[\"rule\",\"severities\",\"entries\",\"entities\",\"provisional\"],\"rows\":["
              "[\"landing_type_changed\",\"warning\",1,1,0],[\"odds_range\",\"warning\",1,1,0],"
              "[\"stake_positive\",\"error\",2,2,1]]}");
    EXPECT_EQ(from_status(p.page.check_json("schema", 1)),
              "\"status\":\"warn\",\"summary\":\"2 source tables; 1 type changes seen\","
              "\"columns\":[\"source_table\",\"columns\",\"source_columns\",\"type_changes\"],"
              "\"rows\":[[\"bets\",6,1,1],[\"wallet.rows\",6,1,0]]}");
    EXPECT_EQ(from_status(p.page.check_json("dead_letters", 1)),
              "\"status\":\"fail\",\"summary\":\"2 dead letters in 2 stage x reason groups\","
              "\"columns\":[\"stage\",\"reason\",\"letters\",\"first_offset\",\"last_offset\"],"
              "\"rows\":[[\"decode\",\"bad json\",1,43,43],[\"land\",\"type conflict\",1,42,42]]}");
    EXPECT_EQ(from_status(p.page.check_json("fact_duplicates", 1)),
              "\"status\":\"pass\",\"summary\":\"0 duplicate business keys\",\"columns\":["
              "\"table\",\"business_key\",\"duplicate_keys\"],\"rows\":["
              "[\"fact_bet\",\"bet_id\",0],[\"fact_bet_leg\",\"bet_id, leg_no\",0],"
              "[\"fact_wallet_transaction\",\"id\",0]]}");
    EXPECT_EQ(from_status(p.page.check_json("landing_duplicates", 1)),
              "\"status\":\"pass\",\"summary\":\"0 duplicate keys in 2 tables\",\"columns\":["
              "\"source_table\",\"duplicate_keys\"],\"rows\":[[\"bets\",0],[\"wallet.rows\",0]]}");
    EXPECT_EQ(from_status(p.page.check_json("reconciliation", 1)),
              "\"status\":\"fail\",\"summary\":\"finished at 2026-11-29T14:31:00Z (UTC), "
              "warehouse offset 500, truth offset 500: 2 differences\",\"columns\":["
              "\"day\",\"currency\",\"status\",\"ledger_rows_source_warehouse\","
              "\"net_minor_source_warehouse\",\"differences\",\"first_difference\"],\"rows\":["
              "[\"\",\"\",\"fail\",\"\",\"\",\"\",\"ledger 2026-11-29 EUR deposit: count 3 vs "
              "4\"],[\"\",\"\",\"fail\",\"\",\"\",\"\",\"table bets: \\\"live\\\" 2 vs 3\"]]}");
    // A result with its rows per day x currency shows them.
    std::ofstream(g_dir / "reconcile-latest.json")
        << "{\"finished_at\":\"2026-11-29T14:31:00Z\",\"warehouse_offset\":500,"
           "\"truth_offset\":500,\"exact\":false,\"differences\":1,\"first_differences\":["
           "\"ledger 2026-11-29 EUR deposit: count 3 vs 4\"],\"day_currency\":[[\"2026-11-28\","
           "\"EUR\",\"pass\",\"4 / 4\",\"-100 / -100\",\"0\",\"\"],[\"2026-11-29\",\"EUR\","
           "\"fail\",\"3 / 4\",\"50 / 60\",\"1\",\"ledger 2026-11-29 EUR deposit: count 3 vs "
           "4\"]]}\n";
    const std::string rows = p.page.check_json("reconciliation", 2);
    EXPECT_NE(rows.find("\"rows\":[[\"2026-11-28\",\"EUR\",\"pass\",\"4 / 4\",\"-100 / -100\","
                        "\"0\",\"\"],[\"2026-11-29\",\"EUR\",\"fail\",\"3 / 4\",\"50 / 60\",\"1\","
                        "\"ledger 2026-11-29 EUR deposit: count 3 vs 4\"]]"),
              std::string::npos)
        << rows;
    EXPECT_THROW(p.page.check_json("nope", 1), ToteError);
}

TEST(QualityPageEngine, DuplicateKeysAreFoundWhereFinalKeepsThem) {
    TileCache cache;
    QualityPage page(kBroken, cache, [](const std::string&, const std::string& s) {
        return g_engine->query_trusted_readonly(s, "TabSeparated");
    });
    // bet 7 twice, bet 9 three times: 2 keys; the leg's second row is deleted: not live.
    EXPECT_EQ(from_status(page.check_json("fact_duplicates", 1)),
              "\"status\":\"fail\",\"summary\":\"3 duplicate business keys\",\"columns\":["
              "\"table\",\"business_key\",\"duplicate_keys\"],\"rows\":["
              "[\"fact_bet\",\"bet_id\",2],[\"fact_bet_leg\",\"bet_id, leg_no\",0],"
              "[\"fact_wallet_transaction\",\"id\",1]]}");
    EXPECT_EQ(from_status(page.check_json("landing_duplicates", 1)),
              "\"status\":\"fail\",\"summary\":\"1 duplicate keys in 1 tables\",\"columns\":["
              "\"source_table\",\"duplicate_keys\"],\"rows\":[[\"bets\",1]]}");
    EXPECT_EQ(from_status(page.check_json("reconciliation", 1)),
              "\"status\":\"n/a\",\"summary\":\"no reconciliation recorded (run `tote "
              "reconcile`)\",\"columns\":[\"day\",\"currency\",\"status\","
              "\"ledger_rows_source_warehouse\",\"net_minor_source_warehouse\",\"differences\","
              "\"first_difference\"],\"rows\":[]}");
}

TEST(QualityPageEngine, DrillDownsShowEntitiesPositionsAndRawBytesSafely) {
    Page p;
    EXPECT_EQ(p.page.etl_entries_json(1, "stake_positive", 0),
              "{\"version\":1,\"rule\":\"stake_positive\",\"page\":0,\"page_rows\":50,"
              "\"columns\":[\"entity\",\"entity_key\",\"severity\",\"version\",\"log_offset\","
              "\"provisional\",\"details\"],\"rows\":["
              "[\"fact_bet\",\"7\",\"error\",16,100,0,\"stake 0\"],"
              "[\"fact_bet\",\"8\",\"error\",24,130,1,\"stake -1\"]]}");
    // The retracted entry is not in force.
    EXPECT_NE(p.page.etl_entries_json(1, "odds_range", 0).find("[[\"fact_bet\",\"10\","),
              std::string::npos);
    EXPECT_EQ(p.page.etl_entries_json(1, "odds_range", 0).find("\"9\""), std::string::npos);
    EXPECT_EQ(p.page.dead_letters_json(1, "land", "type conflict", 0),
              "{\"version\":1,\"stage\":\"land\",\"reason\":\"type conflict\",\"page\":0,"
              "\"page_rows\":50,\"columns\":[\"topic\",\"partition\",\"offset\",\"timestamp_ms\","
              "\"key\",\"value\"],\"rows\":[[\"tote\",0,42,1000,{\"text\":\"{\\\"id\\\":5}\"},"
              "{\"hex\":\"fffe616200\"}]]}");
    EXPECT_EQ(p.page.dead_letters_json(1, "decode", "bad json", 0),
              "{\"version\":1,\"stage\":\"decode\",\"reason\":\"bad json\",\"page\":0,"
              "\"page_rows\":50,\"columns\":[\"topic\",\"partition\",\"offset\",\"timestamp_ms\","
              "\"key\",\"value\"],\"rows\":[[\"tote\",0,43,2000,null,"
              "{\"text\":\"caf\xc3\xa9 \\\"q\\\"\\n\"}]]}");
    // A quote in a parameter is a value, not SQL: no rows, no error.
    EXPECT_EQ(p.page.etl_entries_json(1, "x' OR 1=1 OR rule = '", 0),
              "{\"version\":1,\"rule\":\"x' OR 1=1 OR rule = '\",\"page\":0,\"page_rows\":50,"
              "\"columns\":[\"entity\",\"entity_key\",\"severity\",\"version\",\"log_offset\","
              "\"provisional\",\"details\"],\"rows\":[]}");
    EXPECT_NE(p.page.etl_entries_json(1, "stake_positive", 1).find("\"rows\":[]"),
              std::string::npos);  // page 2 of 2 entries
}

TEST(QualityPageEngine, OneStatementPerCheckPerVersionAndAHistory) {
    Page p;
    for (int i = 0; i < 3; ++i) p.page.page_json(5, 0);
    EXPECT_EQ(p.statements, (std::map<std::string, int>{{"tables", 1},
                                                        {"freshness", 1},
                                                        {"volume", 1},
                                                        {"schema", 1},
                                                        {"etl_log", 1},
                                                        {"dead_letters", 1},
                                                        {"fact_duplicates", 1},
                                                        {"landing_duplicates", 1}}));
    const std::string at6 = p.page.page_json(6, 0);
    EXPECT_EQ(p.statements.at("etl_log"), 2);
    // dead_letters (fail at both versions) is the first check failing at both.
    EXPECT_NE(at6.find("\"history\":[[5,\"fail\"],[6,\"fail\"]]"), std::string::npos) << at6;
    EXPECT_EQ(p.page.history("etl_log"),
              (std::vector<std::pair<int64_t, std::string>>{{5, "warn"}, {6, "warn"}}));
    for (int64_t v = 7; v < 7 + static_cast<int64_t>(QualityPage::kHistory); ++v)
        p.page.check_json("etl_log", v);
    const auto h = p.page.history("etl_log");
    ASSERT_EQ(h.size(), QualityPage::kHistory);
    EXPECT_EQ(h.front().first, 7);
}

TEST(QualityPageEngine, Utf8Validation) {
    EXPECT_TRUE(QualityPage::valid_utf8("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb2"));
    EXPECT_FALSE(QualityPage::valid_utf8("\xff"));
    EXPECT_FALSE(QualityPage::valid_utf8("\xc3"));              // truncated
    EXPECT_FALSE(QualityPage::valid_utf8("\xc0\xaf"));          // overlong
    EXPECT_FALSE(QualityPage::valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(QualityPage::valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

}  // namespace
}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EngineEnvironment);
    return RUN_ALL_TESTS();
}
