#include "transform/validation/ledger_rules.h"

#include <gtest/gtest.h>

#include "contexts.h"

namespace tote::validation {
namespace {

using model::BetStatus;
using test::ledger;
using test::wallet;
using test::won_single;
using WT = model::WalletTransactionType;
using WS = model::WalletTransactionStatus;

// ---- stake_debit_matches_bet -----------------------------------------------------------

TEST(StakeDebitMatchesBet, PassesOnOneMatchingDebit) {
    EXPECT_EQ(check_stake_debit_matches_bet(won_single()), CheckResult::pass());
}

TEST(StakeDebitMatchesBet, FailsOnASecondDebit) {
    auto c = won_single();
    c.ledger.push_back(ledger(102, WT::StakeDebit, -1000));
    EXPECT_EQ(check_stake_debit_matches_bet(c),
              CheckResult::fail("stake debited twice: completed stake debits 100, 102 for bet 5"));
    c.ledger.push_back(ledger(103, WT::StakeDebit, -1000));
    EXPECT_EQ(check_stake_debit_matches_bet(c).details,
              "stake debited 3 times: completed stake debits 100, 102, 103 for bet 5");
}

TEST(StakeDebitMatchesBet, IgnoresDebitsThatAreNotCompleted) {
    auto c = won_single();
    c.ledger.push_back(ledger(102, WT::StakeDebit, -1000, 5, WS::Failed));
    c.ledger.push_back(ledger(103, WT::StakeDebit, -1000, 5, WS::Reversed));
    EXPECT_EQ(check_stake_debit_matches_bet(c), CheckResult::pass());
}

TEST(StakeDebitMatchesBet, FailsOnAmountOrCurrency) {
    auto c = won_single();
    c.ledger[0].amount_minor = -900;
    EXPECT_EQ(check_stake_debit_matches_bet(c),
              CheckResult::fail("stake debit 100 amount -900 != -stake_minor -1000 of bet 5"));
    c = won_single();
    c.ledger[0].amount_minor = 1000;  // wrong sign is a wrong amount
    EXPECT_EQ(check_stake_debit_matches_bet(c).verdict, Verdict::Fail);
    c = won_single();
    c.ledger[0].currency = "KES";
    EXPECT_EQ(check_stake_debit_matches_bet(c),
              CheckResult::fail("stake debit 100 currency KES != bet currency NGN of bet 5"));
}

TEST(StakeDebitMatchesBet, NotApplicableWithoutDebit) {
    auto c = won_single();
    c.ledger.erase(c.ledger.begin());
    EXPECT_EQ(check_stake_debit_matches_bet(c),
              CheckResult::not_applicable(
                  "no completed stake debit for bet 5 (bet_has_stake_debit reports it)"));
}

// ---- bet_has_stake_debit ---------------------------------------------------------------

TEST(BetHasStakeDebit, PassPendingFail) {
    auto c = won_single();
    EXPECT_EQ(check_bet_has_stake_debit(c), CheckResult::pass());
    c.ledger.erase(c.ledger.begin());
    EXPECT_EQ(check_bet_has_stake_debit(c),
              CheckResult::pending("bet 5 has no completed stake debit in the ledger"));
    c.watermark_passed = true;
    EXPECT_EQ(check_bet_has_stake_debit(c),
              CheckResult::fail("bet 5 has no completed stake debit in the ledger"));
    c.ledger.push_back(ledger(102, WT::StakeDebit, -1000, 5, WS::Failed));
    EXPECT_EQ(check_bet_has_stake_debit(c).verdict, Verdict::Fail);
    c.bet.stake_minor = 0;
    EXPECT_EQ(check_bet_has_stake_debit(c),
              CheckResult::not_applicable("bet 5 has stake 0: no debit expected"));
}

// ---- winning_settlement_has_payout_credit ----------------------------------------------

TEST(WinningSettlementHasPayoutCredit, PassesWhenCreditsSumToPayout) {
    EXPECT_EQ(check_winning_settlement_has_payout_credit(won_single()), CheckResult::pass());
}

TEST(WinningSettlementHasPayoutCredit, PendingThenFailWithoutCredit) {
    auto c = won_single();
    c.ledger.pop_back();
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::pending("won bet 5 has no completed payout credit (payout_minor 2500)"));
    c.watermark_passed = true;
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::fail("won bet 5 has no completed payout credit (payout_minor 2500)"));
}

TEST(WinningSettlementHasPayoutCredit, ResettlementReversesTheEarlierCredit) {
    // Settled won 2500, corrected to a dead heat: the 2500 is reversed by an adjustment and the
    // new payout 1250 credited; the bet now shows 1250.
    auto c = won_single();
    c.bet.payout_minor = 1250;
    c.ledger.push_back(ledger(102, WT::Adjustment, -2500));
    c.ledger.push_back(ledger(103, WT::PayoutCredit, 1250));
    c.watermark_passed = true;
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c), CheckResult::pass());
    // Without the reversal the player was paid twice.
    c.ledger.erase(c.ledger.begin() + 2);
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::fail("won bet 5: net credited 3750 (payout credits 3750, refunds 0, "
                                "adjustments 0) != payout_minor 1250"));
}

TEST(WinningSettlementHasPayoutCredit, ReversedCreditsDoNotCount) {
    auto c = won_single();
    c.bet.payout_minor = 1250;
    c.ledger[1].status = WS::Reversed;
    c.ledger.push_back(ledger(103, WT::PayoutCredit, 1250));
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c), CheckResult::pass());
}

TEST(WinningSettlementHasPayoutCredit, VoidToWonResettlement) {
    auto c = won_single();
    c.ledger = {ledger(100, WT::StakeDebit, -1000), ledger(101, WT::Refund, 1000),
                ledger(102, WT::Adjustment, -1000), ledger(103, WT::PayoutCredit, 2500)};
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c), CheckResult::pass());
}

TEST(WinningSettlementHasPayoutCredit, CashOutAndOtherStatuses) {
    auto c = won_single();
    c.bet.status = BetStatus::CashedOut;
    c.bet.payout_minor = 700;
    c.ledger[1].amount_minor = 700;
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c), CheckResult::pass());
    c.ledger[1].amount_minor = 600;
    c.watermark_passed = true;
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::fail("cashed-out bet 5: net credited 600 (payout credits 600, refunds "
                                "0, adjustments 0) != payout_minor 700"));
    c.bet.payout_minor.reset();
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::fail("cashed-out bet 5 has no payout_minor"));
    c.bet.status = BetStatus::Lost;
    EXPECT_EQ(check_winning_settlement_has_payout_credit(c),
              CheckResult::not_applicable("bet 5 is lost"));
}

// ---- settled_bet_net_credit_matches ----------------------------------------------------

TEST(SettledBetNetCreditMatches, LostNetsZero) {
    auto c = won_single();
    c.bet.status = BetStatus::Lost;
    c.bet.payout_minor = 0;
    c.ledger.pop_back();
    EXPECT_EQ(check_settled_bet_net_credit_matches(c), CheckResult::pass());
    // won then corrected to lost: credit and its reversal
    c.ledger.push_back(ledger(101, WT::PayoutCredit, 2500));
    c.ledger.push_back(ledger(102, WT::Adjustment, -2500));
    EXPECT_EQ(check_settled_bet_net_credit_matches(c), CheckResult::pass());
    c.ledger.pop_back();
    EXPECT_EQ(check_settled_bet_net_credit_matches(c),
              CheckResult::pending("lost bet 5: net credited 2500 (payout credits 2500, refunds 0, "
                                   "adjustments 0) != 0"));
    c.watermark_passed = true;
    EXPECT_EQ(check_settled_bet_net_credit_matches(c).verdict, Verdict::Fail);
}

TEST(SettledBetNetCreditMatches, VoidIsRefunded) {
    auto c = won_single();
    c.bet.status = BetStatus::Void;
    c.bet.payout_minor = 0;
    c.ledger[1] = ledger(101, WT::Refund, 1000);
    EXPECT_EQ(check_settled_bet_net_credit_matches(c), CheckResult::pass());
    c.ledger.pop_back();
    c.watermark_passed = true;
    EXPECT_EQ(check_settled_bet_net_credit_matches(c),
              CheckResult::fail("void bet 5 has no completed refund (stake 1000)"));
    c.bet.status = BetStatus::Open;
    EXPECT_EQ(check_settled_bet_net_credit_matches(c),
              CheckResult::not_applicable("bet 5 is open"));
}

// ---- bet_currency_equals_wallet_currency -----------------------------------------------

TEST(BetCurrencyEqualsWalletCurrency, ComparesWithThePlayer) {
    auto c = won_single();
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c), CheckResult::pass());
    c.bet.currency = "KES";
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c),
              CheckResult::fail("bet 5 currency KES != wallet currency NGN of player 7"));
}

TEST(BetCurrencyEqualsWalletCurrency, FallsBackToTheLedgerThenWaits) {
    auto c = won_single();
    c.player.reset();
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c), CheckResult::pass());
    c.bet.currency = "KES";
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c),
              CheckResult::pending("bet 5 currency KES != wallet currency NGN of its ledger entry "
                                   "100"));
    c.ledger.clear();
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c),
              CheckResult::pending("player 7 of bet 5 not seen yet"));
    c.watermark_passed = true;
    EXPECT_EQ(check_bet_currency_equals_wallet_currency(c),
              CheckResult::not_applicable(
                  "player 7 of bet 5 unknown and no ledger entry: wallet currency unknown"));
}

// ---- debit_has_bet ---------------------------------------------------------------------

TEST(DebitHasBet, PassPendingFail) {
    auto c = wallet(WT::StakeDebit, -1000);
    EXPECT_EQ(check_debit_has_bet(c), CheckResult::pass());
    c.bet_seen = false;
    EXPECT_EQ(check_debit_has_bet(c),
              CheckResult::pending("stake debit 100 references bet 5, which never appeared"));
    c.watermark_passed = true;
    EXPECT_EQ(check_debit_has_bet(c),
              CheckResult::fail("stake debit 100 references bet 5, which never appeared"));
    c.transaction.bet_id.reset();
    EXPECT_EQ(check_debit_has_bet(c), CheckResult::fail("stake debit 100 has no bet_id"));
    EXPECT_EQ(check_debit_has_bet(wallet(WT::Deposit, 500)),
              CheckResult::not_applicable("not a stake debit"));
}

// ---- wallet_amount_sign_matches_type ---------------------------------------------------

TEST(WalletAmountSignMatchesType, FollowsTheSignConvention) {
    for (auto [type, amount] : std::vector<std::pair<WT, int64_t>>{{WT::Deposit, 1},
                                                                   {WT::Withdrawal, -1},
                                                                   {WT::StakeDebit, -1},
                                                                   {WT::PayoutCredit, 1},
                                                                   {WT::Refund, 1},
                                                                   {WT::BonusCredit, 1},
                                                                   {WT::Adjustment, -1},
                                                                   {WT::Adjustment, 1}})
        EXPECT_EQ(check_wallet_amount_sign_matches_type(wallet(type, amount)), CheckResult::pass())
            << to_text(type);
}

TEST(WalletAmountSignMatchesType, FailsOnWrongSignOrZero) {
    EXPECT_EQ(
        check_wallet_amount_sign_matches_type(wallet(WT::Deposit, -5000)),
        CheckResult::fail("deposit 100 amount -5000 is not > 0 (sign convention: deposit +)"));
    EXPECT_EQ(
        check_wallet_amount_sign_matches_type(wallet(WT::Withdrawal, 5000)),
        CheckResult::fail("withdrawal 100 amount 5000 is not < 0 (sign convention: withdrawal -)"));
    EXPECT_EQ(check_wallet_amount_sign_matches_type(wallet(WT::StakeDebit, 0)).details,
              "stake_debit 100 amount 0 is not < 0 (sign convention: stake_debit -)");
    EXPECT_EQ(check_wallet_amount_sign_matches_type(wallet(WT::Adjustment, 0)).details,
              "adjustment 100 amount 0 is not != 0 (sign convention: adjustment either sign, "
              "never 0)");
}

}  // namespace
}  // namespace tote::validation
