#pragma once
// The members of the betting model rows, the fact rows and the fact builder's per-bet and
// per-dimension state as a checkpoint writes them (core/state_traits.h). A new member of any of
// these types must be added here, and the checkpoint format version raised
// (src/state/checkpoint_store.h); the round-trip tests (tests/unit/facts/fact_state_test.cpp)
// compare what a restored builder emits with what the original emits.
#include "core/change_event_state.h"
#include "model/bet.h"
#include "model/bet_leg.h"
#include "model/competition.h"
#include "model/event.h"
#include "model/fact_rows.h"
#include "model/fx_rate.h"
#include "model/market.h"
#include "model/player.h"
#include "model/selection.h"
#include "model/sport.h"
#include "model/wallet_transaction.h"
#include "transform/facts/bet_state.h"
#include "transform/facts/dimension_state.h"
#include "transform/facts/fact_builder.h"

namespace tote {

template <class A>
void state_fields(A& a, KpiBetBase& b) {
    a(b.version, b.player_id, b.player_country, b.currency, b.sport, b.channel, b.status,
      b.stake_minor, b.potential_payout_minor, b.payout_minor, b.ggr_minor, b.stake_eur_cents,
      b.payout_eur_cents, b.potential_payout_eur_cents, b.placed_at_us, b.settled_at_us);
}

template <class A>
void state_fields(A& a, KpiWalletBase& b) {
    a(b.version, b.player_id, b.player_country, b.currency, b.type, b.status, b.amount_minor,
      b.amount_eur_cents, b.created_at_us, b.deleted);
}

}  // namespace tote

namespace tote::model {

template <class A>
void state_fields(A& a, Bet& b) {
    a(b.id, b.player_id, b.type, b.stake_minor, b.currency, b.total_odds_e4,
      b.potential_payout_minor, b.status, b.payout_minor, b.placed_at_us, b.settled_at_us,
      b.channel);
}
template <class A>
void state_fields(A& a, BetLeg& l) {
    a(l.bet_id, l.leg_no, l.selection_id, l.odds_taken_e4, l.result);
}
template <class A>
void state_fields(A& a, Competition& c) {
    a(c.id, c.sport_id, c.name, c.country);
}
template <class A>
void state_fields(A& a, Event& e) {
    a(e.id, e.competition_id, e.home, e.away, e.start_at_us, e.status, e.result, e.finished_at_us);
}
template <class A>
void state_fields(A& a, FxRate& f) {
    a(f.currency, f.day, f.rate_e10);
}
template <class A>
void state_fields(A& a, Market& m) {
    a(m.id, m.event_id, m.type, m.line_e2, m.status);
}
template <class A>
void state_fields(A& a, Player& p) {
    a(p.id, p.country, p.currency, p.channel, p.registered_at_us, p.status);
}
template <class A>
void state_fields(A& a, Selection& s) {
    a(s.id, s.market_id, s.name, s.odds_e4, s.result, s.dead_heat_factor_e4);
}
template <class A>
void state_fields(A& a, Sport& s) {
    a(s.id, s.name);
}
template <class A>
void state_fields(A& a, WalletTransaction& w) {
    a(w.id, w.player_id, w.type, w.amount_minor, w.currency, w.bet_id, w.status, w.created_at_us);
}

}  // namespace tote::model

namespace tote::facts {

template <class A>
void state_fields(A& a, FactBet& f) {
    a(f.bet_id, f.version, f.log_offset, f.player_id, f.player_country, f.player_channel,
      f.player_inferred, f.currency, f.wallet_currency, f.channel, f.bet_type, f.status,
      f.stake_minor, f.potential_payout_minor, f.payout_minor, f.stake_eur_cents,
      f.payout_eur_cents, f.potential_payout_eur_cents, f.fx_rate_e10, f.total_odds_e4, f.legs,
      f.sports, f.competitions, f.live, f.dimensions_inferred, f.placed_at_us, f.settled_at_us,
      f.ggr_minor, f.validation, f.violated_rules);
}
template <class A>
void state_fields(A& a, FactBetLeg& f) {
    a(f.bet_id, f.leg_no, f.version, f.log_offset, f.selection_id, f.market_id, f.event_id, f.sport,
      f.competition, f.market_type, f.odds_taken_e4, f.result, f.live_at_placement, f.inferred,
      f.deleted);
}
template <class A>
void state_fields(A& a, FactWalletTransaction& f) {
    a(f.id, f.version, f.log_offset, f.player_id, f.type, f.status, f.currency, f.amount_minor,
      f.amount_eur_cents, f.bet_id, f.player_country, f.created_at_us, f.deleted, f.validation,
      f.violated_rules);
}
template <class A>
void state_fields(A& a, DimKey& k) {
    a(k.kind, k.id, k.currency);
}
template <class A, class T>
void state_fields(A& a, VersionedRow<T>& r) {
    a(r.row, r.version, r.deleted);
}
template <class A, class T>
void state_fields(A& a, SourceRow<T>& r) {
    a(r.row, r.version, r.live);
}
template <class A>
void state_fields(A& a, LegState& s) {
    a(s.leg, s.emitted);
}
template <class A>
void state_fields(A& a, BetState& s) {
    a(s.bet, s.legs, s.ledger, s.status_at_placement, s.placed_before_stream, s.player_at_placement,
      s.player_at_placement_version, s.emitted, s.last_input_offset, s.pending_at, s.waiting,
      s.logged, s.kpi);
}
template <class A>
void state_fields(A& a, WalletState& s) {
    a(s.tx, s.emitted, s.last_input_offset, s.pending_at, s.waiting, s.logged, s.kpi);
}
template <class A>
void state_fields(A& a, FactBuilderStats& s) {
    a(s.transactions, s.incomplete_transactions, s.changes, s.mapping_errors, s.stale_changes,
      s.bets_emitted, s.legs_emitted, s.wallet_emitted, s.log_entries, s.dims_emitted,
      s.evicted_bets, s.evicted_wallet, s.cold_reads, s.awaiting_player, s.awaiting_player_logged);
}

template <class A>
void state_fields(A& a, AwaitingPlayer& w) {
    a(w.change, w.offset, w.logged);
}

}  // namespace tote::facts
