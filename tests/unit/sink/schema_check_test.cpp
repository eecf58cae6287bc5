#include "sink/schema_check.h"

#include <gtest/gtest.h>

#include "fake_connection.h"

namespace tote {
namespace {

TEST(SchemaCheck, ExpectsEveryTableOfTheMigrationsWithAddedColumns) {
    auto tables = SchemaCheck::expected(Migrator::warehouse_migrations());
    std::vector<std::string> names;
    for (const auto& t : tables) names.push_back(t.name);
    for (const char* n : {"_offsets", "_dead_letters", "fact_bet", "etl_log", "kpi_hourly_contrib",
                          "dim_player", "dim_fx_rate"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    for (const auto& t : tables)
        if (t.name == "fact_bet") {
            EXPECT_EQ(t.columns.front().name, "bet_id");
            EXPECT_EQ(t.columns.back().name, "potential_payout_eur_cents");  // added by #3
        }
}

TEST(SchemaCheck, AMigratedWarehouseHasNoProblems) {
    FakeConnection conn;
    Migrator(conn, "tote").apply();
    EXPECT_TRUE(SchemaCheck(conn, "tote").run().empty());
}

TEST(SchemaCheck, FindsAMissingTableAMissingColumnAndAWrongType) {
    FakeConnection conn;
    Migrator(conn, "tote").apply();
    conn.tables.erase("fact_bet_leg");
    auto& etl = conn.tables["etl_log"];
    etl.erase(etl.begin());  // rule
    for (auto& c : conn.tables["dim_sport"])
        if (c.name == "name") c.type = "UInt8";
    auto problems = SchemaCheck(conn, "tote").run();
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0].table, "fact_bet_leg");
    EXPECT_TRUE(problems[0].missing);
    EXPECT_EQ(problems[1].table, "etl_log");
    EXPECT_EQ(problems[1].what, "has no column rule String");
    EXPECT_FALSE(problems[1].missing);
    EXPECT_EQ(problems[2].table, "dim_sport");
    EXPECT_EQ(problems[2].what, "column name is UInt8, not String");
    const std::string text = SchemaCheck::describe(problems, "tote", "fake");
    EXPECT_NE(text.find("table tote.fact_bet_leg is missing"), std::string::npos) << text;
    EXPECT_NE(text.find("`tote repair`"), std::string::npos) << text;
}

TEST(SchemaCheck, TypesCompareWithoutSpaces) {
    FakeConnection conn;
    std::vector<Migration> ms = {{1,
                                  "t",
                                  {"CREATE TABLE IF NOT EXISTS {db}.t (x Decimal(18,2), y "
                                   "Nullable(String)) ENGINE = Memory"}}};
    Migrator(conn, "w", ms).apply();
    conn.tables["t"][0].type = "Decimal(18, 2)";  // as the engine prints it
    EXPECT_TRUE(SchemaCheck(conn, "w", ms).run().empty());
}

TEST(SchemaCheck, RecreateTablesBringsBackADroppedOne) {
    FakeConnection conn;
    Migrator migrator(conn, "tote");
    migrator.apply();
    conn.tables.erase("kpi_hourly_contrib");
    ASSERT_EQ(SchemaCheck(conn, "tote").run().size(), 1u);
    migrator.recreate_tables();
    auto problems = SchemaCheck(conn, "tote").run();
    EXPECT_TRUE(problems.empty()) << problems.front().table << " " << problems.front().what;
}

}  // namespace
}  // namespace tote
