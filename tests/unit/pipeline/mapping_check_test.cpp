// MappingCheck against a warehouse (a fake connection answering system.columns and the distinct
// values): each problem with the line of the mapping file; tables not landed yet are notes.
#include "pipeline/mapping_check.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../sink/fake_connection.h"

namespace tote {
namespace {

using model::MappingFile;
using model::MappingProblem;

// The simulator's players and bets as landed, with a few things wrong.
std::string landed_columns() {
    return "land_players\tid\tNullable(Int64)\n"
           "land_players\tcountry\tNullable(String)\n"
           "land_players\tcurrency\tNullable(String)\n"
           "land_players\tchannel\tNullable(String)\n"
           "land_players\tregistered_at\tNullable(String)\n"
           "land_players\tstatus\tNullable(String)\n"
           "land_players\t_version\tUInt64\n"
           "land_bets\tid\tNullable(Int64)\n"
           "land_bets\tplayer_id\tNullable(Int64)\n"
           "land_bets\ttype\tNullable(String)\n"
           "land_bets\tstake_minor\tNullable(Decimal(38, 2))\n"  // minor units with decimals
           "land_bets\tcurrency\tNullable(String)\n"
           "land_bets\ttotal_odds\tNullable(Float64)\n"  // odds in floating point
           "land_bets\tpotential_payout_minor\tNullable(Int64)\n"
           "land_bets\tstatus\tNullable(String)\n"
           "land_bets\tpayout_minor\tNullable(Int64)\n"
           "land_bets\tplaced_at\tNullable(String)\n";  // no settled_at, no channel
}

TEST(MappingCheck, ReportsColumnsTypesAndValuesWithTheirLines) {
    FakeConnection conn;
    conn.answer = [](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("FROM system.columns") != std::string::npos) return landed_columns();
        if (sql.find("DISTINCT toString(`status`) AS v FROM `tote`.`land_bets`") !=
            std::string::npos)
            return std::string("open\nsettled\nwon\nWON\n");
        if (sql.find("DISTINCT toString(`status`) AS v FROM `tote`.`land_players`") !=
            std::string::npos)
            return std::string("active\n");
        if (sql.find("DISTINCT") != std::string::npos) return std::string();
        if (sql == "SELECT count() FROM `tote`.`land_bets` WHERE _deleted = 0")
            return std::string("3\n");
        return std::nullopt;
    };
    const auto file = MappingFile::builtin_simulator();
    const auto report = MappingCheck(conn, "tote").run(file);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.errors,
              (std::vector<MappingProblem>{
                  {97,
                   "column 'stake_minor' of bets has landed as Decimal(38, 2), but the mapping "
                   "says money: minor (whole minor units): set money: major if the column holds "
                   "major units"},
                  {99,
                   "column 'total_odds' of bets has landed as Float64: floating point is not "
                   "exact (use decimal.handling.mode=string or precise)"},
                  {108,
                   "the value map of bet.status does not cover 'settled', 'WON', seen in "
                   "bets.status: add each one (source value: model value) under "
                   "bet.values.status"},
                  {105,
                   "unknown column 'channel' in table 'bets' (mapped to bet.channel); the "
                   "landed columns are: currency, id, payout_minor, placed_at, player_id, "
                   "potential_payout_minor, stake_minor, status, total_odds, type"},
              }));
    // Every other table has not landed: one note each, at its `table:` line; an optional
    // column that has not landed may have been null so far: a note too.
    ASSERT_EQ(report.notes.size(), 9u);
    EXPECT_EQ(report.notes[6],
              (MappingProblem{104,
                              "column 'settled_at' (bet.settled_at) has not landed in table "
                              "'bets': it has held no value yet, or the source has no such "
                              "column"}));
    EXPECT_EQ(report.notes[0],
              (MappingProblem{27,
                              "table 'wallet_transactions' (wallet_transaction) has not "
                              "landed in database 'tote' yet: its columns and values are "
                              "checked once its first change has landed"}));
    EXPECT_EQ(report.format("m.yaml").substr(0, 35), "m.yaml:97: column 'stake_minor' of ");
}

TEST(MappingCheck, AFreshWarehouseHasOnlyNotes) {
    FakeConnection conn;
    conn.answer = [](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("FROM system.columns") != std::string::npos) return std::string();
        return std::nullopt;
    };
    const auto report = MappingCheck(conn, "tote").run(MappingFile::builtin_simulator());
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.notes.size(), 10u);  // one per mapped table
}

TEST(MappingCheck, DeclaredSourceTypesMustMatchWhatLanded) {
    FakeConnection conn;
    conn.answer = [](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("FROM system.columns") != std::string::npos)
            return std::string(
                "land_bets\tid\tNullable(Int64)\n"
                "land_bets\tplayer_id\tNullable(String)\n"  // typed by a first value "5"
                "land_bets\tstake\tNullable(Decimal(38, 2))\n");
        if (sql.find("DISTINCT") != std::string::npos) return std::string();
        if (sql.find("SELECT count()") != std::string::npos) return std::string("0\n");
        return std::nullopt;
    };
    std::string text(MappingFile::builtin_simulator_text());
    text += "source_types:\n  bets: {id: bigint, player_id: bigint, stake: \"numeric(18,2)\"}\n";
    const int line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    const auto report = MappingCheck(conn, "tote").run(MappingFile::parse(text, "m.yaml"));
    std::vector<MappingProblem> declared;
    for (const auto& e : report.errors)
        if (e.message.rfind("source_types.", 0) == 0) declared.push_back(e);
    EXPECT_EQ(declared,
              (std::vector<MappingProblem>{
                  {line,
                   "source_types.bets.player_id declares int64 (landing type Nullable(Int64)) "
                   "but land_bets.player_id has landed as Nullable(String): fix the "
                   "declaration, or change the column (ALTER TABLE ... MODIFY COLUMN, "
                   "docs/operations.md) and ingest again under a new consumer"}}));
}

}  // namespace
}  // namespace tote
