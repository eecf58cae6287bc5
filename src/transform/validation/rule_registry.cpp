#include "transform/validation/rule_registry.h"

#include "transform/validation/bet_rules.h"
#include "transform/validation/ledger_rules.h"

namespace tote::validation {

namespace {

constexpr auto E = Severity::Error;
constexpr auto W = Severity::Warning;

// Descriptions are what docs/validation.md expands on; keep the two in step.
const BetRule kBetRules[] = {
    {"bet_has_stake_debit", E,
     "a bet with a stake has a completed stake_debit in the ledger (bet_id = the bet)",
     &check_bet_has_stake_debit, kCoversLedgerBetLink},
    {"stake_debit_matches_bet", E,
     "exactly one completed stake_debit per bet, amount = -stake_minor, same currency as the bet",
     &check_stake_debit_matches_bet, kCoversLedgerBetLink},
    {"winning_settlement_has_payout_credit", E,
     "a won or cashed-out bet: completed payout credits + refunds + adjustments of the bet sum to "
     "payout_minor",
     &check_winning_settlement_has_payout_credit, kCoversLedgerBetLink},
    {"settled_bet_net_credit_matches", E,
     "a lost bet nets 0 in completed credits; a void bet nets its stake (a refund)",
     &check_settled_bet_net_credit_matches, kCoversLedgerBetLink},
    {"payout_consistent_with_odds", E,
     "won: payout_minor = floor(stake x effective odds) (void legs 1.0, dead heats "
     "floor(odds x factor)); lost/void: 0; cashed out: 1..potential payout; open: no payout",
     &check_payout_consistent_with_odds},
    {"total_odds_consistent_with_legs", W,
     "total_odds = product of the legs' odds_taken rounded half-up to 4 decimals; "
     "potential_payout_minor = floor(stake x total_odds)",
     &check_total_odds_consistent_with_legs},
    {"settled_bet_has_all_legs_settled", E,
     "a won, lost or void bet has legs and every leg has a result",
     &check_settled_bet_has_all_legs_settled, kCoversLegResults},
    {"amounts_non_negative", E, "stake_minor, potential_payout_minor and payout_minor are >= 0",
     &check_amounts_non_negative},
    {"bet_currency_equals_wallet_currency", E,
     "the bet's currency is the wallet currency of its player",
     &check_bet_currency_equals_wallet_currency},
    {"no_bet_on_finished_event", E,
     "no leg was placed on an event that was already finished or cancelled at placement",
     &check_no_bet_on_finished_event, kCoversCatalogue},
    {"leg_selection_known", E,
     "every leg's selection exists (after the watermark; before it may be a late dimension)",
     &check_leg_selection_known, kCoversCatalogue},
};

const WalletRule kWalletRules[] = {
    {"debit_has_bet", E, "a stake_debit references a bet that exists", &check_debit_has_bet,
     kCoversLedgerBetLink},
    {"wallet_amount_sign_matches_type", E,
     "the amount's sign matches its type: deposit, payout_credit, refund, bonus_credit > 0; "
     "withdrawal, stake_debit < 0; adjustment != 0",
     &check_wallet_amount_sign_matches_type},
};

template <class R>
const R* find_in(std::span<const R> rules, std::string_view name) {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

// A rule the source schema cannot support: what is missing, as the mapping says.
CheckResult not_covered(unsigned missing) {
    std::string what;
    if (missing & kCoversCatalogue) what = "catalogue (sport .. selection: absent in the mapping)";
    if (missing & kCoversLedgerBetLink)
        what += (what.empty() ? "" : " and ") +
                std::string("ledger rows that name their bet (no wallet_transaction.bet_id)");
    if (missing & kCoversLegResults)
        what += (what.empty() ? "" : " and ") + std::string("leg results (no bet_leg.result)");
    return CheckResult::not_applicable("the source schema has no " + what);
}

template <class R, class C>
std::vector<RuleOutcome> run(std::span<const R> rules, const C& c) {
    std::vector<RuleOutcome> out;
    out.reserve(rules.size());
    for (const auto& r : rules) {
        if ((r.needs & c.coverage) != r.needs) {
            out.push_back(RuleOutcome{r.name, r.severity, not_covered(r.needs & ~c.coverage)});
            continue;
        }
        out.push_back(RuleOutcome{r.name, r.severity, r.check(c)});
    }
    return out;
}

}  // namespace

std::span<const BetRule> RuleRegistry::bet_rules() {
    return kBetRules;
}
std::span<const WalletRule> RuleRegistry::wallet_rules() {
    return kWalletRules;
}
const BetRule* RuleRegistry::find_bet_rule(std::string_view name) {
    return find_in(bet_rules(), name);
}
const WalletRule* RuleRegistry::find_wallet_rule(std::string_view name) {
    return find_in(wallet_rules(), name);
}
std::vector<RuleOutcome> RuleRegistry::check_all(const BetContext& c) {
    return run(bet_rules(), c);
}
std::vector<RuleOutcome> RuleRegistry::check_all(const WalletContext& c) {
    return run(wallet_rules(), c);
}

}  // namespace tote::validation
