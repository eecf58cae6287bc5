// Checkpoint state of the fact builder and its dimension state (save_state / load_state).
// Kept apart from the processing code: it lists every member, in one order, for both ways.
#include "core/state_reader.h"
#include "core/state_writer.h"
#include "transform/facts/fact_state_fields.h"

namespace tote::facts {

void DimensionState::save_state(StateWriter& out) const {
    out(players_, sports_, competitions_, events_, markets_, selections_, fx_, truncated_at_);
}

void DimensionState::load_state(StateReader& in) {
    in(players_, sports_, competitions_, events_, markets_, selections_, fx_, truncated_at_);
}

void FactBuilder::save_state(StateWriter& out) const {
    dims_.save_state(out);
    out(bets_, wallet_, bet_waiters_, wallet_waiters_, pending_bets_, pending_wallet_, dirty_bets_,
        dirty_wallet_, stats_);
}

void FactBuilder::load_state(StateReader& in) {
    dims_.load_state(in);
    in(bets_, wallet_, bet_waiters_, wallet_waiters_, pending_bets_, pending_wallet_, dirty_bets_,
       dirty_wallet_, stats_);
}

}  // namespace tote::facts
