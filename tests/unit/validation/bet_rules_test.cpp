#include "transform/validation/bet_rules.h"

#include <gtest/gtest.h>

#include "contexts.h"

namespace tote::validation {
namespace {

using model::BetStatus;
using model::EventStatus;
using model::LegResult;
using test::leg;
using test::won_single;

// Bet 5: a won 3-leg accumulator, stake 1000 at 2.0000 x 1.5000 x 3.0000 = 9.0000.
BetContext won_acca() {
    auto c = won_single();
    c.bet.type = model::BetType::Accumulator;
    c.bet.total_odds_e4 = 90000;
    c.bet.potential_payout_minor = 9000;
    c.bet.payout_minor = 9000;
    c.legs = {leg(1, 11, 20000, LegResult::Win), leg(2, 12, 15000, LegResult::Win),
              leg(3, 13, 30000, LegResult::Win)};
    c.ledger[1].amount_minor = 9000;
    return c;
}

// ---- amounts_non_negative --------------------------------------------------------------

TEST(AmountsNonNegative, PassAndFail) {
    auto c = won_single();
    EXPECT_EQ(check_amounts_non_negative(c), CheckResult::pass());
    c.bet.stake_minor = 0;
    EXPECT_EQ(check_amounts_non_negative(c), CheckResult::pass());
    c.bet.stake_minor = -1;
    EXPECT_EQ(check_amounts_non_negative(c),
              CheckResult::fail("stake_minor -1 of bet 5 is negative"));
    c = won_single();
    c.bet.potential_payout_minor = -2;
    EXPECT_EQ(check_amounts_non_negative(c),
              CheckResult::fail("potential_payout_minor -2 of bet 5 is negative"));
    c = won_single();
    c.bet.payout_minor = -3;
    EXPECT_EQ(check_amounts_non_negative(c),
              CheckResult::fail("payout_minor -3 of bet 5 is negative"));
}

// ---- payout_consistent_with_odds -------------------------------------------------------

TEST(PayoutConsistentWithOdds, WonSingleAndAccumulator) {
    EXPECT_EQ(check_payout_consistent_with_odds(won_single()), CheckResult::pass());
    EXPECT_EQ(check_payout_consistent_with_odds(won_acca()), CheckResult::pass());
}

TEST(PayoutConsistentWithOdds, WrongPayoutIsPendingThenFails) {
    auto c = won_acca();
    c.bet.payout_minor = 9001;
    EXPECT_EQ(
        check_payout_consistent_with_odds(c),
        CheckResult::pending(
            "payout_minor 9001 of bet 5 != floor(stake 1000 x effective odds 9.0000) = 9000"));
    c.watermark_passed = true;
    EXPECT_EQ(check_payout_consistent_with_odds(c).verdict, Verdict::Fail);
}

TEST(PayoutConsistentWithOdds, VoidLegCountsAtOne) {
    auto c = won_acca();
    c.legs[1].leg.result = LegResult::Void;  // 2.0 x 1.0 x 3.0 = 6.0
    c.bet.payout_minor = 6000;
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::pass());
    c.bet.payout_minor = 9000;  // paid as if the void leg had won
    c.watermark_passed = true;
    EXPECT_EQ(
        check_payout_consistent_with_odds(c),
        CheckResult::fail(
            "payout_minor 9000 of bet 5 != floor(stake 1000 x effective odds 6.0000) = 6000"));
}

TEST(PayoutConsistentWithOdds, DeadHeatUsesTheSelectionFactorWithFloors) {
    auto c = won_acca();
    // leg 3 at 3.0001 dead heat 1/3: floor(3.0001 x 0.3333, 4dp) = floor(0.99993333) = 0.9999
    c.legs[2].leg.odds_taken_e4 = 30001;
    c.legs[2].leg.result = LegResult::DeadHeat;
    c.legs[2].selection->dead_heat_factor_e4 = 3333;
    // 2.0 x 1.5 x 0.9999 = 2.9997; stake 333 -> floor(998.9001) = 998
    c.bet.stake_minor = 333;
    c.bet.payout_minor = 998;
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::pass());
    c.bet.payout_minor = 999;  // rounded instead of floored
    c.watermark_passed = true;
    EXPECT_EQ(check_payout_consistent_with_odds(c).details,
              "payout_minor 999 of bet 5 != floor(stake 333 x effective odds 2.9997) = 998");
}

TEST(PayoutConsistentWithOdds, DeadHeatNeedsTheSelection) {
    auto c = won_single();
    c.legs[0].leg.result = LegResult::DeadHeat;
    c.legs[0].selection.reset();
    EXPECT_EQ(
        check_payout_consistent_with_odds(c),
        CheckResult::pending("dead-heat factor of leg 1 of bet 5: selection 11 not seen yet"));
    c.watermark_passed = true;
    EXPECT_EQ(
        check_payout_consistent_with_odds(c),
        CheckResult::not_applicable("dead-heat factor of leg 1 of bet 5: selection 11 never seen"));
    c = won_single();
    c.legs[0].leg.result = LegResult::DeadHeat;
    c.watermark_passed = true;
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("leg 1 of bet 5 is a dead heat but selection 11 has no "
                                "dead_heat_factor"));
}

TEST(PayoutConsistentWithOdds, WonWithALosingLeg) {
    auto c = won_acca();
    c.legs[2].leg.result = LegResult::Lose;
    c.watermark_passed = true;
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("won bet 5 has losing leg 3"));
}

TEST(PayoutConsistentWithOdds, LostVoidCashOutOpen) {
    auto c = won_single();
    c.bet.status = BetStatus::Lost;
    c.bet.payout_minor = 0;
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::pass());
    c.bet.payout_minor = 10;
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("lost bet 5 has payout_minor 10 (expected 0)"));
    c.bet.status = BetStatus::Void;
    c.bet.payout_minor.reset();
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::pass());
    c.bet.status = BetStatus::CashedOut;
    c.bet.payout_minor = 2500;  // = potential payout: allowed
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::pass());
    c.bet.payout_minor = 2501;
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("cash-out amount 2501 of bet 5 is outside 1..2500 (the potential "
                                "payout)"));
    c.bet.payout_minor = 0;
    EXPECT_EQ(check_payout_consistent_with_odds(c).verdict, Verdict::Fail);
    c.bet.status = BetStatus::Open;
    c.bet.payout_minor.reset();
    EXPECT_EQ(check_payout_consistent_with_odds(c), CheckResult::not_applicable("bet 5 is open"));
    c.bet.payout_minor = 5;
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("open bet 5 has payout_minor 5"));
}

TEST(PayoutConsistentWithOdds, NeedsLegsWithResults) {
    auto c = won_acca();
    c.legs[1].leg.result.reset();
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::not_applicable(
                  "leg 2 of bet 5 has no result (settled_bet_has_all_legs_settled reports it)"));
    c.legs.clear();
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::pending("no legs of bet 5 seen yet"));
    c.bet.payout_minor.reset();
    EXPECT_EQ(check_payout_consistent_with_odds(c),
              CheckResult::fail("won bet 5 has no payout_minor"));
}

// ---- total_odds_consistent_with_legs ---------------------------------------------------

TEST(TotalOddsConsistentWithLegs, PassAndFail) {
    auto c = won_acca();
    EXPECT_EQ(check_total_odds_consistent_with_legs(c), CheckResult::pass());
    c.bet.total_odds_e4 = 90001;
    EXPECT_EQ(check_total_odds_consistent_with_legs(c),
              CheckResult::pending("total_odds 9.0001 of bet 5 != product of odds_taken rounded "
                                   "half-up = 9.0000"));
    c = won_acca();
    c.bet.potential_payout_minor = 9001;
    EXPECT_EQ(check_total_odds_consistent_with_legs(c),
              CheckResult::fail("potential_payout_minor 9001 of bet 5 != floor(stake 1000 x "
                                "total_odds 9.0000) = 9000"));
    c.legs.clear();
    c.watermark_passed = true;
    EXPECT_EQ(check_total_odds_consistent_with_legs(c),
              CheckResult::not_applicable("no legs of bet 5 seen"));
}

// ---- settled_bet_has_all_legs_settled --------------------------------------------------

TEST(SettledBetHasAllLegsSettled, PassPendingFail) {
    auto c = won_acca();
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c), CheckResult::pass());
    c.bet.status = BetStatus::Lost;
    c.legs[0].leg.result = LegResult::Lose;
    c.legs[2].leg.result.reset();
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c),
              CheckResult::pending("bet 5 is lost but leg 3 has no result"));
    c.watermark_passed = true;
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c),
              CheckResult::fail("bet 5 is lost but leg 3 has no result"));
    c.legs.clear();
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c),
              CheckResult::fail("lost bet 5 has no legs"));
}

TEST(SettledBetHasAllLegsSettled, OpenAndCashedOutAreNotSettledByResults) {
    auto c = won_acca();
    c.legs[2].leg.result.reset();
    c.bet.status = BetStatus::CashedOut;
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c),
              CheckResult::not_applicable("bet 5 is cashed_out"));
    c.bet.status = BetStatus::Open;
    EXPECT_EQ(check_settled_bet_has_all_legs_settled(c),
              CheckResult::not_applicable("bet 5 is open"));
}

// ---- no_bet_on_finished_event ----------------------------------------------------------

TEST(NoBetOnFinishedEvent, PassOnScheduledOrLive) {
    auto c = won_acca();
    c.legs[1].event_status_at_placement = EventStatus::Live;  // in-play is allowed
    EXPECT_EQ(check_no_bet_on_finished_event(c), CheckResult::pass());
}

TEST(NoBetOnFinishedEvent, FailsOnFinishedOrCancelled) {
    auto c = won_acca();
    c.legs[1].event_status_at_placement = EventStatus::Finished;
    EXPECT_EQ(check_no_bet_on_finished_event(c),
              CheckResult::fail("leg 2 of bet 5 was placed at 2026-11-01T12:00:00.000000Z on "
                                "event 32 already finished"));
    c.legs[1].event_status_at_placement = EventStatus::Cancelled;
    EXPECT_EQ(check_no_bet_on_finished_event(c).details,
              "leg 2 of bet 5 was placed at 2026-11-01T12:00:00.000000Z on event 32 already "
              "cancelled");
}

TEST(NoBetOnFinishedEvent, UnknownEventIsPendingUntilTheWatermark) {
    auto c = won_acca();
    c.legs[0].event_status_at_placement.reset();
    EXPECT_EQ(check_no_bet_on_finished_event(c),
              CheckResult::pending("the event of a leg of bet 5 was not known at placement yet"));
    c.watermark_passed = true;
    EXPECT_EQ(
        check_no_bet_on_finished_event(c),
        CheckResult::not_applicable("the event of a leg of bet 5 was not known at placement"));
    c.legs[2].event_status_at_placement = EventStatus::Finished;  // known evidence still fails
    EXPECT_EQ(check_no_bet_on_finished_event(c).verdict, Verdict::Fail);
}

TEST(NoBetOnFinishedEvent, BetReadByASnapshotIsNotApplicableAtOnce) {
    auto c = won_acca();
    for (auto& l : c.legs) l.event_status_at_placement.reset();
    c.placed_before_stream = true;
    EXPECT_EQ(check_no_bet_on_finished_event(c),
              CheckResult::not_applicable("bet 5 was read by a snapshot (placed before the stream "
                                          "began): the status of its events at placement is not "
                                          "in the source"));
}

// ---- leg_selection_known ---------------------------------------------------------------

TEST(LegSelectionKnown, PassPendingFail) {
    auto c = won_acca();
    EXPECT_EQ(check_leg_selection_known(c), CheckResult::pass());
    c.legs[1].selection.reset();
    c.legs[1].leg.selection_id = 900000012;
    EXPECT_EQ(check_leg_selection_known(c),
              CheckResult::pending("leg 2 of bet 5: selection 900000012 unknown"));
    c.watermark_passed = true;
    EXPECT_EQ(check_leg_selection_known(c),
              CheckResult::fail("leg 2 of bet 5: selection 900000012 unknown"));
    c.legs.clear();
    EXPECT_EQ(check_leg_selection_known(c), CheckResult::not_applicable("no legs of bet 5 seen"));
}

}  // namespace
}  // namespace tote::validation
