// Mapping files: the shipped ones load into the BettingMapping they describe; every problem of a
// bad file is reported with its line.
#include "model/mapping_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "model/ledger_mapping.h"

namespace tote::model {
namespace {

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string kMappings = std::string(TOTE_SOURCE_DIR) + "/mappings/";

TEST(MappingFile, BuiltInSimulatorMappingIsTheShippedFile) {
    EXPECT_EQ(MappingFile::builtin_simulator_text(), read(kMappings + "simulator.yaml"));
    const auto f = MappingFile::load(kMappings + "simulator.yaml");
    EXPECT_EQ(f.digest(), MappingFile::builtin_simulator().digest());
}

TEST(MappingFile, SimulatorMappingNamesTheOltpSchema) {
    const auto file = MappingFile::builtin_simulator();
    const auto& m = file.mapping();
    EXPECT_EQ(m.problems(), std::vector<std::string>{});
    EXPECT_EQ(m.players.table, "players");
    EXPECT_EQ(m.players.channels.size(), 3u);
    EXPECT_EQ(m.wallet_transactions.table, "wallet_transactions");
    EXPECT_EQ(m.wallet_transactions.amount, "amount_minor");
    EXPECT_EQ(m.wallet_transactions.amount_unit, MoneyUnit::Minor);
    EXPECT_EQ(m.wallet_transactions.types.size(), 7u);
    for (const auto& [text, t] : m.wallet_transactions.types) EXPECT_EQ(t.sign, 0) << text;
    EXPECT_EQ(m.wallet_transactions.types.at("stake_debit").type,
              WalletTransactionType::StakeDebit);
    EXPECT_EQ(m.bets.stake, "stake_minor");
    EXPECT_EQ(m.bets.money_unit, MoneyUnit::Minor);
    EXPECT_EQ(m.bets.statuses.at("cashed_out"), BetStatus::CashedOut);
    EXPECT_FALSE(m.bets.currency_from_player);
    EXPECT_EQ(m.fx_rates.rate, "rate_to_eur");
    EXPECT_EQ(m.selections.results.at("dead_heat"), LegResult::DeadHeat);
    EXPECT_EQ(m.markets.line, "line");
    EXPECT_EQ(m.formats, SourceFormats{});
    EXPECT_TRUE(m.has_catalogue());
    EXPECT_TRUE(m.has_fx_rates());
    EXPECT_TRUE(m.ledger_names_bets());
    EXPECT_EQ(file.line_of("bet.columns.stake"), 97);
    EXPECT_EQ(file.where("bet.values.status"), "mappings/simulator.yaml (built in):108");
}

TEST(MappingFile, TheLedgerIsTheWalletTransactionEntity) {
    const auto l = LedgerMapping::of(MappingFile::builtin_simulator().mapping());
    EXPECT_EQ(l.table, "wallet_transactions");
    EXPECT_EQ(l.day_column, "created_at");
    EXPECT_EQ(l.currency_column, "currency");
    EXPECT_EQ(l.type_column, "type");
    EXPECT_EQ(l.amount_column, "amount_minor");
    const auto r = LedgerMapping::of(MappingFile::load(kMappings + "real_debezium.yaml").mapping());
    EXPECT_EQ(r.table, "wallet_tx");
    EXPECT_EQ(r.type_column, "kind");
}

TEST(MappingFile, RealDebeziumMappingSaysWhatTheSourceLacks) {
    const auto f = MappingFile::load(kMappings + "real_debezium.yaml");
    const auto& m = f.mapping();
    EXPECT_FALSE(m.has_catalogue());
    EXPECT_FALSE(m.has_fx_rates());
    EXPECT_FALSE(m.ledger_names_bets());
    EXPECT_EQ(m.players.channel_value, Channel::Unknown);
    EXPECT_EQ(m.players.status_value, PlayerStatus::Active);
    EXPECT_EQ(m.players.registered_at, "created_at");
    EXPECT_EQ(m.wallet_transactions.table, "wallet_tx");
    EXPECT_EQ(m.wallet_transactions.status_value, WalletTransactionStatus::Completed);
    EXPECT_EQ(m.wallet_transactions.types.at("bet_debit").type, WalletTransactionType::StakeDebit);
    EXPECT_EQ(m.bets.money_unit, MoneyUnit::Major);
    EXPECT_TRUE(m.bets.type_from_legs);
    EXPECT_TRUE(m.bets.currency_from_player);
    EXPECT_TRUE(m.bets.potential_payout_from_odds);
    EXPECT_EQ(m.bets.channel_value, Channel::Unknown);
    EXPECT_EQ(m.bet_legs.odds_taken, "odds");
    EXPECT_EQ(m.bet_legs.result, "");
    EXPECT_NE(f.digest(), MappingFile::builtin_simulator().digest());
}

TEST(MappingFile, SourceTypesDeclareTheColumnsWithTheirLines) {
    const auto f = MappingFile::load(kMappings + "real_debezium.yaml");
    ASSERT_EQ(f.source_types().size(), 23u);
    const auto& stake = f.source_types()[12];
    EXPECT_EQ(stake.table, "bets");
    EXPECT_EQ(stake.column, "stake");
    EXPECT_EQ(stake.type.text(), "decimal(18,2)");
    EXPECT_EQ(stake.line, f.line_of("source_types.bets.stake"));
    EXPECT_GT(stake.line, 0);
    EXPECT_EQ(f.source_types()[20].type.text(), "int32");  // bet_legs.leg_no: integer
    EXPECT_TRUE(MappingFile::builtin_simulator().source_types().empty());
}

TEST(MappingFile, BadSourceTypesAreProblemsAtTheirLine) {
    std::string text(MappingFile::builtin_simulator_text());
    text += "source_types:\n  bets: {stake: \"numeric(40,2)\", id: varchar}\n  legs: [a, b]\n";
    const int first = static_cast<int>(std::count(text.begin(), text.end(), '\n')) - 1;
    const auto p = MappingFile::problems(text);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0], (MappingProblem{first,
                                    "source_types.bets.stake: 'numeric(40,2)': precision "
                                    "must be 1..38 and scale 0..precision"}));
    EXPECT_EQ(p[1].line, first);
    EXPECT_EQ(p[1].message.rfind("source_types.bets.id: unknown type 'varchar'", 0), 0u)
        << p[1].message;
    EXPECT_EQ(p[2], (MappingProblem{first + 1,
                                    "source_types.legs must map columns to types, "
                                    "e.g. {stake: decimal(18,2)}"}));
}

std::vector<MappingProblem> problems_of(const std::string& text) {
    return MappingFile::problems(text);
}

// The simulator's file with one line replaced.
std::string simulator_with(const std::string& from, const std::string& to) {
    std::string s(MappingFile::builtin_simulator_text());
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

TEST(MappingFile, ReportsEachProblemWithItsLine) {
    auto p = problems_of(simulator_with("    stake: stake_minor\n", "    stakes: stake_minor\n"));
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].line, 97);
    EXPECT_EQ(p[0].message,
              "unknown key 'stakes' in bet.columns (allowed: channel, currency, id, payout, "
              "placed_at, player_id, potential_payout, settled_at, stake, status, total_odds, "
              "type)");
    EXPECT_EQ(p[1].message,
              "bet: missing required field 'stake' under columns (its source column)");

    p = problems_of(simulator_with("won: won,", "WON: winner,"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].line, 108);
    EXPECT_EQ(p[0].message,
              "bet.values.status.WON: 'winner' is not a model value (one of open, won, lost, "
              "void, cashed_out)");

    p = problems_of(simulator_with("  money: minor             # stake_minor", "  # stake_minor"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].message.substr(0, 22), "bet: missing 'money' (");
}

TEST(MappingFile, RefusesDuplicateKeysAndValues) {
    auto p = problems_of(
        simulator_with("    stake: stake_minor\n", "    stake: stake_minor\n    stake: stake\n"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], (MappingProblem{98,
                                    "duplicate key 'stake' in bet.columns: keep one (the file "
                                    "would be ambiguous)"}));
    p = problems_of(simulator_with("won: won,", "won: won, won: lost,"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], (MappingProblem{108,
                                    "bet.values.status: source value 'won' is mapped twice: "
                                    "keep one"}));
}

TEST(MappingFile, RefusesConstantsWhereTheModelNeedsAColumn) {
    auto p = problems_of(simulator_with("    stake: stake_minor\n", "    stake: {value: 5}\n"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].line, 97);
    EXPECT_EQ(p[0].message, "bet.columns.stake must be a source column name");
    p = problems_of(
        simulator_with("    type: type\n    stake", "    type: {from: odds}\n    stake"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].message,
              "bet.columns.type: {from: odds} is not supported for this field (docs/mapping.md)");
}

TEST(MappingFile, AnAbsentEntityIsStatedNotOmitted) {
    std::string text = simulator_with("fx_rate:\n  table: fx_rates\n", "fx_rate_x:\n  table: fx\n");
    auto p = problems_of(text);
    ASSERT_GE(p.size(), 2u);
    EXPECT_EQ(p[0].message.substr(0, 25), "unknown key 'fx_rate_x' (");
    EXPECT_EQ(p[1].message,
              "missing entity 'fx_rate': map it to a source table, or list it under 'absent' if "
              "the source has no such table");
    p = problems_of(simulator_with("tote_mapping: 1\n", "tote_mapping: 1\nabsent: [selection]\n"));
    ASSERT_GE(p.size(), 1u);
    EXPECT_EQ(p[0].message,
              "the catalogue is all or nothing: selection is absent, so list 'sport' under "
              "absent too");
}

TEST(MappingFile, ParseThrowsEveryProblemWithFileAndLine) {
    try {
        MappingFile::parse("tote_mapping: 2\n", "x.yaml");
        FAIL() << "no exception";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        const std::string w = e.what();
        EXPECT_EQ(w.substr(0, 87),
                  "the mapping x.yaml is not usable:\n  x.yaml:1: tote_mapping must be 1 (the only "
                  "version ");
        EXPECT_NE(w.find("x.yaml:1: missing entity 'bet'"), std::string::npos) << w;
        EXPECT_NE(w.find("Fix the mapping file"), std::string::npos);
    }
    EXPECT_THROW(MappingFile::load("/nonexistent/m.yaml"), ToteError);
    auto p = problems_of("player: [\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].message.substr(0, 15), "not valid YAML:");
}

TEST(MappingFile, FormatsOfOddsAndTimes) {
    const auto text = simulator_with("  integer_time: micros", "  integer_time: seconds");
    const auto f = MappingFile::parse(
        simulator_with("  odds: decimal ", "  odds: {integer_scale: 2}\n  time_zone: \"+03:00\" #"),
        "t");
    EXPECT_EQ(f.mapping().formats.odds_integer_scale, 2);
    EXPECT_EQ(f.mapping().formats.naive_time_zone->fixed_offset_s(), 3 * 3600);
    EXPECT_EQ(MappingFile::parse(text, "t").mapping().formats.integer_time_unit_us, 1'000'000);
    // IANA zones (daylight saving included) and the choice for repeated local times.
    const auto cairo = MappingFile::parse(
        simulator_with("  odds: decimal ",
                       "  time_zone: Africa/Cairo\n  ambiguous_time: earlier\n  odds: decimal #"),
        "t");
    EXPECT_EQ(cairo.mapping().formats.naive_time_zone->name(), "Africa/Cairo");
    EXPECT_EQ(cairo.mapping().formats.naive_time_zone->fixed_offset_s(), std::nullopt);
    EXPECT_EQ(cairo.mapping().formats.ambiguous_time, AmbiguousTime::Earlier);
    auto p = problems_of(simulator_with("  odds: decimal ", "  time_zone: Africa/Atlantis #"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], (MappingProblem{8,
                                    "formats.time_zone: unknown time zone 'Africa/Atlantis': "
                                    "not in the system's time zone database (tzdata, "
                                    "/usr/share/zoneinfo)"}));
    p = problems_of(simulator_with("  odds: decimal ", "  ambiguous_time: first #"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0],
              (MappingProblem{8, "formats.ambiguous_time 'first' is not error, earlier or later"}));
}

}  // namespace
}  // namespace tote::model
