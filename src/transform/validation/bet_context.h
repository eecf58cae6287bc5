#pragma once
// Everything the bet rules may look at for one bet, gathered by the caller (the fact builder)
// from the latest versions it has seen. Nothing here is looked up by the rules themselves.
#include <optional>
#include <vector>

#include "model/bet.h"
#include "model/bet_leg.h"
#include "model/event.h"
#include "model/market.h"
#include "model/player.h"
#include "model/selection.h"
#include "model/wallet_transaction.h"

namespace tote::validation {

struct LegContext {
    model::BetLeg leg;
    // The leg's selection, its market and the market's event, latest versions; nullopt = not
    // seen (yet): catalogue rows can arrive late.
    std::optional<model::Selection> selection;
    std::optional<model::Market> market;
    std::optional<model::Event> event;
    // The event's status as of the bet's placement in SOURCE order: the status of the latest
    // event version whose source position precedes the change that created the bet. nullopt =
    // the event was not known at placement.
    std::optional<model::EventStatus> event_status_at_placement;
};

struct BetContext {
    model::Bet bet;                // latest version
    std::vector<LegContext> legs;  // every live leg of the bet, by leg_no
    // Latest version of every live ledger row whose bet_id is this bet, any type and status.
    std::vector<model::WalletTransaction> ledger;
    std::optional<model::Player> player;  // the bet's player; nullopt = not seen (yet)
    // True once enough of the stream has been seen that a counterpart row still missing will
    // never arrive (see docs/validation.md): Pending verdicts become Pass or Fail.
    bool watermark_passed = false;
    // The bet's legs were first read by a snapshot (placed before the stream began): what the
    // catalogue was at placement is not in the source.
    bool placed_before_stream = false;
    // What the source schema has (SourceCoverage bits, from the mapping): rules that need more
    // are not applicable.
    uint8_t coverage = 7;
};

}  // namespace tote::validation
