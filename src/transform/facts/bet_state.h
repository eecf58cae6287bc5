#pragma once
// What the fact builder remembers about one bet, and about one ledger row: the latest version
// of every source row that shapes the bet's facts, what was emitted last (to emit only when
// something changed, with a higher version), the failures already logged, and the dimensions
// the facts wait for.
//
// Memory (64-bit, libstdc++): a single with one stake debit and a payout credit, its legs and
// emitted facts held, is about 1.3 KB (Bet ~150 B, one LegState ~120 B + its last FactBetLeg
// ~200 B, two ledger rows ~2 x 130 B, the last FactBet ~350 B with its arrays, map/node
// overhead); each further accumulator leg adds ~350 B. A ledger row (WalletState) without a bet
// is ~400 B with its last fact. This version keeps every bet and ledger row it has seen (state
// is unbounded, see FactBuilder).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/bet.h"
#include "model/bet_leg.h"
#include "model/event.h"
#include "model/player.h"
#include "model/wallet_transaction.h"
#include "transform/facts/dimension_state.h"
#include "transform/facts/fact_rows.h"

namespace tote::facts {

// A source row (latest version) or its deletion (live = false).
template <class T>
struct SourceRow {
    T row{};
    uint64_t version = 0;
    bool live = false;
};

struct LegState {
    SourceRow<model::BetLeg> leg;
    std::optional<FactBetLeg> emitted;  // last FactBetLeg emitted for this leg_no
};

struct BetState {
    std::optional<SourceRow<model::Bet>> bet;  // nullopt until the bet row arrives
    std::map<int64_t, LegState> legs;          // by leg_no (deleted legs stay, live = false)
    std::map<int64_t, SourceRow<model::WalletTransaction>> ledger;  // by wallet id
    // (selection id) -> the event's status when a leg on that selection was first seen
    // (nullopt: the selection/market/event was not known then). Keyed by selection, not leg_no,
    // so a renumbered leg keeps it.
    std::map<int64_t, std::optional<model::EventStatus>> status_at_placement;
    // The player as of placement: captured when the bet row is first seen, or when the player
    // row arrives if it was not known then.
    std::optional<model::Player> player_at_placement;
    uint64_t player_at_placement_version = 0;

    std::optional<FactBet> emitted;  // last FactBet emitted
    int64_t last_input_offset = 0;   // log offset of the latest input
    // The offset it is filed under in the pending index (emitted with a Pending verdict or an
    // unknown FX rate before its watermark); nullopt when not filed.
    std::optional<int64_t> pending_at;
    std::vector<DimKey> waiting;                // dimensions its facts wait for
    std::map<std::string, std::string> logged;  // rule -> details of the last logged Fail
};

struct WalletState {
    SourceRow<model::WalletTransaction> tx;
    std::optional<FactWalletTransaction> emitted;
    int64_t last_input_offset = 0;
    std::optional<int64_t> pending_at;
    std::vector<DimKey> waiting;
    std::map<std::string, std::string> logged;
};

}  // namespace tote::facts
