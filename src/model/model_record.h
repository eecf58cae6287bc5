#pragma once
// What one change event means in the betting model.
#include <string>
#include <variant>

#include "model/bet.h"
#include "model/bet_leg.h"
#include "model/competition.h"
#include "model/event.h"
#include "model/fx_rate.h"
#include "model/mapping_error.h"
#include "model/market.h"
#include "model/player.h"
#include "model/selection.h"
#include "model/sport.h"
#include "model/wallet_transaction.h"

namespace tote::model {

enum class EntityKind : uint8_t {
    Player,
    WalletTransaction,
    Sport,
    Competition,
    Event,
    Market,
    Selection,
    Bet,
    BetLeg,
    FxRate
};

// The change's table is not mapped to any entity (e.g. odds_staging): nothing to do.
struct NotModelTable {
    std::string table;
    bool operator==(const NotModelTable&) const = default;
};

// A delete (key = the row's canonical key) or a truncate (key empty: every row of the entity).
struct RowRemoved {
    EntityKind kind = EntityKind::Player;
    std::string key;
    bool operator==(const RowRemoved&) const = default;
};

using ModelRecord = std::variant<NotModelTable, MappingError, RowRemoved, Player, WalletTransaction,
                                 Sport, Competition, Event, Market, Selection, Bet, BetLeg, FxRate>;

}  // namespace tote::model
