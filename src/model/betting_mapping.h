#pragma once
// The seam between an operator's OLTP schema and tote's betting model: for each model entity,
// the source table, the source column of every model field, value maps for statuses and types,
// the unit of money columns and the sign convention of ledger amounts. Pure data, so a user can
// write their own (a later issue loads it from a file); simulator_default() is the schema the
// simulator writes (schema/oltp.sql), spelled out in the same form.
//
// A column name left empty means "the source has no such column"; that is allowed only for the
// optional model fields (marked "optional" below). Value maps are exact and case-sensitive: a
// source value not in the map is a mapping error naming the value.
#include <map>
#include <string>
#include <vector>

#include "model/bet.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/leg_result.h"
#include "model/market.h"
#include "model/player.h"
#include "model/wallet_transaction.h"

namespace tote::model {

template <class E>
using ValueMap = std::map<std::string, E, std::less<>>;

// How a money column is stored at the source.
enum class MoneyUnit : uint8_t {
    Minor,  // integer minor units (an int, or a decimal with no fraction)
    Major,  // decimal major units ("12.50"), converted exactly with the row currency's exponent
};

// One source value of the wallet transaction type column.
struct WalletTypeMapping {
    WalletTransactionType type = WalletTransactionType::Deposit;
    // 0: the source amount is already signed by the model convention and is taken as is;
    // +1 / -1: the source stores a magnitude, the model amount is sign x source amount
    // (a negative source amount then shows up as a sign violation in validation).
    int sign = 0;
};

struct PlayerMapping {
    std::string table;
    std::string id, country, currency, channel, registered_at, status;
    ValueMap<Channel> channels;
    ValueMap<PlayerStatus> statuses;
};

struct WalletTransactionMapping {
    std::string table;
    std::string id, player_id, type, amount, currency, bet_id /*optional*/, status, created_at;
    MoneyUnit amount_unit = MoneyUnit::Minor;
    ValueMap<WalletTypeMapping> types;
    ValueMap<WalletTransactionStatus> statuses;
};

struct SportMapping {
    std::string table;
    std::string id, name;
};

struct CompetitionMapping {
    std::string table;
    std::string id, sport_id, name, country /*optional*/;
};

struct EventMapping {
    std::string table;
    std::string id, competition_id, home, away, start_at, status, result /*optional*/;
    ValueMap<EventStatus> statuses;
};

struct MarketMapping {
    std::string table;
    std::string id, event_id, type, line /*optional*/, status;
    ValueMap<MarketStatus> statuses;
};

struct SelectionMapping {
    std::string table;
    std::string id, market_id, name, odds, result /*optional*/, dead_heat_factor /*optional*/;
    ValueMap<LegResult> results;
};

struct BetMapping {
    std::string table;
    std::string id, player_id, type, stake, currency, total_odds, potential_payout, status,
        payout /*optional*/, placed_at, settled_at /*optional*/, channel;
    MoneyUnit money_unit = MoneyUnit::Minor;  // stake, potential payout, payout
    ValueMap<BetType> types;
    ValueMap<BetStatus> statuses;
    ValueMap<Channel> channels;
};

struct BetLegMapping {
    std::string table;
    std::string bet_id, leg_no, selection_id, odds_taken, result /*optional*/;
    ValueMap<LegResult> results;
};

struct FxRateMapping {
    std::string table;
    std::string currency, day, rate;
};

struct BettingMapping {
    PlayerMapping players;
    WalletTransactionMapping wallet_transactions;
    SportMapping sports;
    CompetitionMapping competitions;
    EventMapping events;
    MarketMapping markets;
    SelectionMapping selections;
    BetMapping bets;
    BetLegMapping bet_legs;
    FxRateMapping fx_rates;

    // The simulator's OLTP schema (schema/oltp.sql, docs/oltp-schema.md).
    static BettingMapping simulator_default();

    // Every configuration problem (an empty table or required column name, a table mapped
    // twice, an empty value map, a sign other than -1/0/+1), as readable text; empty = usable.
    std::vector<std::string> problems() const;
};

}  // namespace tote::model
