#pragma once
// The wide fact rows the transform stage writes (one row per business fact and version), the
// dimension rows (one per dimension change), and the ETL log entries. The contract between the
// FactBuilder (which makes them) and the FactWriter (which lands them in ClickHouse). See
// docs/facts-design.md.
//
// Versions: every row carries `version`, the packed source position (src/core/source_position.h)
// of the newest change that shaped it; a re-emission (late dimension, correction) has a higher
// version; a replay of the same changes produces identical rows (exactly once by idempotence).
// Money: int64 minor units of the row's currency, and *_eur_cents in the reporting currency
// (EUR, 2 decimals) converted at the FX rate of the placement (or transaction) day with
// round-half-even. Times: µs since the epoch, UTC.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/competition.h"
#include "model/event.h"
#include "model/fx_rate.h"
#include "model/market.h"
#include "model/player.h"
#include "model/selection.h"
#include "model/sport.h"

namespace tote::facts {

enum class ValidationStatus : uint8_t {
    Ok,         // every rule passed (or did not apply)
    Pending,    // some rule waits for rows not seen yet (before the watermark)
    Violation,  // some rule failed
};

struct FactBet {
    int64_t bet_id = 0;
    uint64_t version = 0;
    int64_t log_offset = 0;  // offset of the change that produced this version
    int64_t player_id = 0;
    std::string player_country;    // at placement; "" if the player is not known (inferred)
    std::string player_channel;    // registration channel at placement
    bool player_inferred = false;  // the player row had not arrived: re-emitted when it does
    std::string currency;          // the bet's currency
    std::string wallet_currency;   // the player's wallet currency ("" if unknown)
    std::string channel;           // the bet's channel
    std::string bet_type;          // single / accumulator
    std::string status;            // open / won / lost / void / cashed_out
    int64_t stake_minor = 0;
    int64_t potential_payout_minor = 0;
    int64_t payout_minor = 0;  // 0 while open
    int64_t stake_eur_cents = 0;
    int64_t payout_eur_cents = 0;
    int64_t potential_payout_eur_cents = 0;  // at the placement rate, like stake_eur_cents
    int64_t fx_rate_e10 = 0;  // EUR per major unit x 10^10 used (0 = no rate known: pending)
    int64_t total_odds_e4 = 0;
    uint32_t legs = 0;
    std::vector<std::string> sports;        // of the legs, in leg order ("" = unknown)
    std::vector<std::string> competitions;  // of the legs, in leg order ("" = unknown)
    bool live = false;                      // any leg's event was live at placement
    bool dimensions_inferred = false;       // some leg's selection/market/event was not known yet
    int64_t placed_at_us = 0;
    int64_t settled_at_us = 0;  // 0 while open
    int64_t ggr_minor = 0;      // settled basis: stake - payout for settled non-void bets, else 0
    ValidationStatus validation = ValidationStatus::Ok;
    std::vector<std::string> violated_rules;  // names of failed rules
    bool operator==(const FactBet&) const = default;
};

struct FactBetLeg {
    int64_t bet_id = 0;
    int32_t leg_no = 0;
    uint64_t version = 0;
    int64_t log_offset = 0;
    int64_t selection_id = 0;
    int64_t market_id = 0;  // 0 = unknown (inferred member)
    int64_t event_id = 0;
    std::string sport;  // "" = unknown
    std::string competition;
    std::string market_type;
    int64_t odds_taken_e4 = 0;
    std::string result;  // "" while unresulted
    bool live_at_placement = false;
    bool inferred = false;  // selection/market/event not known yet
    bool deleted = false;   // the leg row was deleted (e.g. renumbered)
    bool operator==(const FactBetLeg&) const = default;
};

struct FactWalletTransaction {
    int64_t id = 0;
    uint64_t version = 0;
    int64_t log_offset = 0;
    int64_t player_id = 0;
    std::string type;    // deposit, withdrawal, stake_debit, payout_credit, ...
    std::string status;  // pending, completed, failed, reversed
    std::string currency;
    int64_t amount_minor = 0;  // signed (docs/oltp-schema.md)
    int64_t amount_eur_cents = 0;
    int64_t bet_id = 0;          // 0 = none
    std::string player_country;  // "" if unknown
    int64_t created_at_us = 0;
    bool deleted = false;
    ValidationStatus validation = ValidationStatus::Ok;
    std::vector<std::string> violated_rules;
    bool operator==(const FactWalletTransaction&) const = default;
};

// One rule violation (or a transaction released incomplete, or a mapping error). Its identity in
// etl_log is (rule, entity, entity_key, version); a later row with that identity replaces it
// (ReplacingMergeTree, the last inserted row wins; docs/architecture.md, point 10).
struct EtlLogEntry {
    std::string rule;        // rule name, or "incomplete_transaction", "mapping_error"
    std::string severity;    // error / warning
    std::string entity;      // bet, wallet_transaction, transaction, ...
    std::string entity_key;  // e.g. {"id":123}
    uint64_t version = 0;    // source position of the fact version it was found on
    int64_t log_offset = 0;
    std::string details;
    // Found by the end-of-input drain of a finite run (FactStage::drain): the verdict was final
    // only because the input ended. The next run over the same warehouse retracts it before it
    // writes anything else, and writes it again only if the log still gives it.
    bool provisional = false;
    // Withdraws the entry with the same identity (readers skip retracted rows under FINAL).
    bool retracted = false;
    bool operator==(const EtlLogEntry&) const = default;
};

// One version of a dimension row (dim_* tables): the model row as the DimensionState holds it
// after the change, the change's packed version and log offset. A delete is a row with
// deleted = true whose `row` carries only the key (id, or currency + day for an FX rate).
template <class T>
struct DimRow {
    T row{};
    uint64_t version = 0;
    int64_t log_offset = 0;
    bool deleted = false;
    bool operator==(const DimRow&) const = default;
};

// The dimension rows of one batch, one vector per dimension, in the order the changes came.
struct DimensionRows {
    std::vector<DimRow<model::Player>> players;
    std::vector<DimRow<model::Sport>> sports;
    std::vector<DimRow<model::Competition>> competitions;
    std::vector<DimRow<model::Event>> events;
    std::vector<DimRow<model::Market>> markets;
    std::vector<DimRow<model::Selection>> selections;
    std::vector<DimRow<model::FxRate>> fx_rates;
    size_t size() const {
        return players.size() + sports.size() + competitions.size() + events.size() +
               markets.size() + selections.size() + fx_rates.size();
    }
    bool empty() const { return size() == 0; }
    void clear() {
        players.clear();
        sports.clear();
        competitions.clear();
        events.clear();
        markets.clear();
        selections.clear();
        fx_rates.clear();
    }
    bool operator==(const DimensionRows&) const = default;
};

// Everything one batch of transactions produced.
struct FactBatch {
    std::vector<FactBet> bets;
    std::vector<FactBetLeg> legs;
    std::vector<FactWalletTransaction> wallet;
    std::vector<EtlLogEntry> log;
    DimensionRows dims;
    void clear() {
        bets.clear();
        legs.clear();
        wallet.clear();
        log.clear();
        dims.clear();
    }
};

}  // namespace tote::facts
