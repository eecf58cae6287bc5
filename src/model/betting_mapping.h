#pragma once
// The seam between an operator's OLTP schema and tote's betting model: for each model entity,
// the source table, the source column of every model field, value maps for statuses and types,
// the unit of money columns and the sign convention of ledger amounts. Pure data, read from a
// mapping file (MappingFile, docs/mapping.md); the simulator's schema is mappings/simulator.yaml.
//
// A column name left empty means "the source has no such column"; that is allowed only for the
// optional model fields (marked "optional" below) and for fields that carry a constant or a
// derivation instead (the *_value / *_from_* members). Value maps are exact and case-sensitive:
// a source value not in the map is a mapping error naming the value.
//
// Entities: player, wallet_transaction (the ledger), bet and bet_leg are required. The catalogue
// (sport, competition, event, market, selection) is all mapped or all absent (an empty table),
// and so is fx_rate: rules that need an absent entity report not-applicable.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/bet.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/leg_result.h"
#include "model/local_time_zone.h"
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

// How values that are not self-describing are read, for the whole source schema.
struct SourceFormats {
    // Odds (selection odds, bet total odds, leg odds): -1 = exact decimals ("2.50" or a
    // Debezium decimal); N >= 0 = integers with N implied decimals (250 with N = 2 is 2.50).
    int32_t odds_integer_scale = -1;
    // A timestamp written without a zone ("2026-01-01 10:00:00", MySQL DATETIME) is in this
    // zone (a fixed offset or an IANA zone); nullopt = such a timestamp is a mapping error.
    std::optional<LocalTimeZone> naive_time_zone;
    // What a zone-less time that a daylight-saving change repeats means (Error: a mapping
    // error naming it).
    AmbiguousTime ambiguous_time = AmbiguousTime::Error;
    // An integer timestamp counts this many microseconds per unit since the epoch (1: Debezium
    // MicroTimestamp; 1000: Timestamp in ms; 1'000'000: seconds).
    int64_t integer_time_unit_us = 1;
    bool operator==(const SourceFormats&) const = default;
};

struct PlayerMapping {
    std::string table;
    std::string id, country, currency, channel, registered_at, status;
    ValueMap<Channel> channels;
    ValueMap<PlayerStatus> statuses;
    // The source has no channel / status column: every player has this value.
    std::optional<Channel> channel_value;
    std::optional<PlayerStatus> status_value;
};

struct WalletTransactionMapping {
    std::string table;
    std::string id, player_id, type, amount, currency, bet_id /*optional*/, status, created_at;
    MoneyUnit amount_unit = MoneyUnit::Minor;
    ValueMap<WalletTypeMapping> types;
    ValueMap<WalletTransactionStatus> statuses;
    std::optional<WalletTransactionStatus> status_value;  // no status column: every row's
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
    std::optional<Channel> channel_value;  // no channel column: every bet's channel
    // No type column: single with one live leg, accumulator with more (FactBuilder).
    bool type_from_legs = false;
    // No currency column: the currency of the bet's player (its wallet currency).
    bool currency_from_player = false;
    // No potential payout column: floor(stake x total odds).
    bool potential_payout_from_odds = false;
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
    SourceFormats formats;

    // The catalogue (sport .. selection) and the FX rates have source tables.
    bool has_catalogue() const { return !selections.table.empty(); }
    bool has_fx_rates() const { return !fx_rates.table.empty(); }
    // Ledger rows name their bet (wallet_transaction.bet_id is mapped).
    bool ledger_names_bets() const { return !wallet_transactions.bet_id.empty(); }

    // Every configuration problem (an empty table or required column name, a table mapped
    // twice, an empty value map, a sign other than -1/0/+1), as readable text; empty = usable.
    std::vector<std::string> problems() const;
};

}  // namespace tote::model
