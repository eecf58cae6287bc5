#include "transform/validation/rule_registry.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "contexts.h"

namespace tote::validation {
namespace {

TEST(RuleRegistry, ListsEveryRuleOnceWithADescription) {
    std::vector<std::string> names;
    for (const auto& r : RuleRegistry::bet_rules()) {
        names.emplace_back(r.name);
        EXPECT_FALSE(r.description.empty()) << r.name;
        EXPECT_NE(r.check, nullptr) << r.name;
    }
    for (const auto& r : RuleRegistry::wallet_rules()) {
        names.emplace_back(r.name);
        EXPECT_FALSE(r.description.empty()) << r.name;
        EXPECT_NE(r.check, nullptr) << r.name;
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{
                  "bet_has_stake_debit", "stake_debit_matches_bet",
                  "winning_settlement_has_payout_credit", "settled_bet_net_credit_matches",
                  "payout_consistent_with_odds", "total_odds_consistent_with_legs",
                  "settled_bet_has_all_legs_settled", "amounts_non_negative",
                  "bet_currency_equals_wallet_currency", "no_bet_on_finished_event",
                  "leg_selection_known", "debit_has_bet", "wallet_amount_sign_matches_type"}));
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST(RuleRegistry, FindsByName) {
    ASSERT_NE(RuleRegistry::find_bet_rule("leg_selection_known"), nullptr);
    EXPECT_EQ(RuleRegistry::find_bet_rule("leg_selection_known")->severity, Severity::Error);
    EXPECT_EQ(RuleRegistry::find_bet_rule("total_odds_consistent_with_legs")->severity,
              Severity::Warning);
    EXPECT_EQ(RuleRegistry::find_bet_rule("debit_has_bet"), nullptr);
    ASSERT_NE(RuleRegistry::find_wallet_rule("debit_has_bet"), nullptr);
    EXPECT_EQ(RuleRegistry::find_wallet_rule("nope"), nullptr);
}

TEST(RuleRegistry, ACleanWonBetPassesEveryRule) {
    auto c = test::won_single();
    c.watermark_passed = true;
    for (const auto& o : RuleRegistry::check_all(c)) {
        if (o.rule == "settled_bet_net_credit_matches")  // only for lost and void bets
            EXPECT_EQ(o.result, CheckResult::not_applicable("bet 5 is won"));
        else
            EXPECT_EQ(o.result, CheckResult::pass()) << o.rule;
    }
    for (const auto& o :
         RuleRegistry::check_all(test::wallet(model::WalletTransactionType::StakeDebit, -1000)))
        EXPECT_EQ(o.result, CheckResult::pass()) << o.rule;
}

TEST(RuleRegistry, CheckAllReportsTheFailingRule) {
    auto c = test::won_single();
    c.watermark_passed = true;
    c.ledger.pop_back();  // no payout credit
    std::vector<std::string> failing;
    for (const auto& o : RuleRegistry::check_all(c))
        if (o.result.verdict == Verdict::Fail) failing.emplace_back(o.rule);
    EXPECT_EQ(failing, std::vector<std::string>{"winning_settlement_has_payout_credit"});
}

// A source without a catalogue, leg results or a ledger bet_id (mappings/real_debezium.yaml):
// the rules that need them are not applicable, whatever the bet looks like; the others run.
TEST(RuleRegistry, RulesTheSourceCannotSupportAreNotApplicable) {
    auto c = test::won_single();
    c.watermark_passed = true;
    c.ledger.clear();             // would fail bet_has_stake_debit and the payout rules
    c.legs[0].selection.reset();  // would fail leg_selection_known
    c.coverage = kCoversNothing;
    std::map<std::string, CheckResult> got;
    for (const auto& o : RuleRegistry::check_all(c)) got[std::string(o.rule)] = o.result;
    const std::string ledger =
        "the source schema has no ledger rows that name their bet (no "
        "wallet_transaction.bet_id)";
    EXPECT_EQ(got.at("bet_has_stake_debit"), CheckResult::not_applicable(ledger));
    EXPECT_EQ(got.at("stake_debit_matches_bet"), CheckResult::not_applicable(ledger));
    EXPECT_EQ(got.at("winning_settlement_has_payout_credit"), CheckResult::not_applicable(ledger));
    EXPECT_EQ(got.at("settled_bet_net_credit_matches"), CheckResult::not_applicable(ledger));
    EXPECT_EQ(got.at("settled_bet_has_all_legs_settled"),
              CheckResult::not_applicable("the source schema has no leg results (no "
                                          "bet_leg.result)"));
    const std::string catalogue =
        "the source schema has no catalogue (sport .. selection: absent in the mapping)";
    EXPECT_EQ(got.at("leg_selection_known"), CheckResult::not_applicable(catalogue));
    EXPECT_EQ(got.at("no_bet_on_finished_event"), CheckResult::not_applicable(catalogue));
    EXPECT_EQ(got.at("payout_consistent_with_odds"), CheckResult::pass());
    EXPECT_EQ(got.at("amounts_non_negative"), CheckResult::pass());
    for (const auto& [rule, r] : got) EXPECT_NE(r.verdict, Verdict::Fail) << rule;

    auto w = test::wallet(model::WalletTransactionType::StakeDebit, -1000);
    w.transaction.bet_id.reset();
    EXPECT_EQ(RuleRegistry::check_all(w)[0].result.verdict, Verdict::Fail);  // no bet_id
    w.coverage = kCoversCatalogue | kCoversLegResults;
    EXPECT_EQ(RuleRegistry::check_all(w)[0].result, CheckResult::not_applicable(ledger));
}

}  // namespace
}  // namespace tote::validation
