#pragma once
// Rules over a bet's own fields and its legs: amounts, odds and payout arithmetic, leg results,
// the catalogue rows behind the legs.
#include "transform/validation/bet_context.h"
#include "transform/validation/check_result.h"

namespace tote::validation {

CheckResult check_amounts_non_negative(const BetContext& c);
CheckResult check_payout_consistent_with_odds(const BetContext& c);
CheckResult check_total_odds_consistent_with_legs(const BetContext& c);
CheckResult check_settled_bet_has_all_legs_settled(const BetContext& c);
CheckResult check_no_bet_on_finished_event(const BetContext& c);
CheckResult check_leg_selection_known(const BetContext& c);

}  // namespace tote::validation
