#include "model/betting_mapping.h"
#include "model/mapping_file.h"

#include <gtest/gtest.h>

namespace tote::model {
namespace {

TEST(BettingMapping, SimulatorDefaultIsComplete) {
    EXPECT_EQ(MappingFile::builtin_simulator().mapping().problems(), std::vector<std::string>{});
}

TEST(BettingMapping, SimulatorDefaultNamesTheOltpSchema) {
    auto m = MappingFile::builtin_simulator().mapping();
    EXPECT_EQ(m.wallet_transactions.table, "wallet_transactions");
    EXPECT_EQ(m.wallet_transactions.amount, "amount_minor");
    EXPECT_EQ(m.wallet_transactions.amount_unit, MoneyUnit::Minor);
    EXPECT_EQ(m.wallet_transactions.types.size(), 7u);
    for (const auto& [text, t] : m.wallet_transactions.types) EXPECT_EQ(t.sign, 0) << text;
    EXPECT_EQ(m.bets.stake, "stake_minor");
    EXPECT_EQ(m.fx_rates.rate, "rate_to_eur");
    EXPECT_EQ(m.selections.results.at("dead_heat"), LegResult::DeadHeat);
}

TEST(BettingMapping, ReportsEveryProblem) {
    BettingMapping m = MappingFile::builtin_simulator().mapping();
    m.players.table.clear();
    m.wallet_transactions.types["refund_x"] = {WalletTransactionType::Refund, 2};
    m.fx_rates.day.clear();
    EXPECT_EQ(m.problems(), (std::vector<std::string>{
                                "player: no source table configured",
                                "wallet_transaction: type value 'refund_x' has sign 2 (use -1, 0 "
                                "or +1)",
                                "fx_rate: no source column configured for required field 'day'",
                            }));
}

}  // namespace
}  // namespace tote::model
