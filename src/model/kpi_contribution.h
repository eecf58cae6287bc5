#pragma once
// One row of kpi_hourly_contrib (a row type shared by the transform that computes it,
// src/transform/facts/kpi_contributions.h, and the sink that writes it). The rows of
// kpi_hourly_contrib that one fact version writes: its own contribution (sign +1,
// keyed by its version) and the retraction of the previous version's contribution (sign -1,
// keyed by the previous version, the same values). Both halves are pure functions of one fact
// version each, so whoever writes them (the first run or a replay, in any batching) writes
// identical rows, which ReplacingMergeTree collapses; KPI = sum(sign * value) over FINAL equals
// a recomputation from the latest fact versions (KpiQueries). Definitions: docs/kpis.md.
#include <cstdint>
#include <string>

namespace tote {

struct KpiContribution {
    int64_t hour_s = 0;  // start of the UTC hour, seconds since the epoch
    std::string country;
    std::string currency;
    std::string sport;     // kpi_sport() for bets, "" for the ledger
    std::string channel;   // the bet's channel, "" for the ledger
    std::string fact;      // "bet" or "wallet"
    std::string fact_key;  // decimal id of the bet / wallet transaction
    uint64_t fact_version = 0;
    int8_t sign = 1;
    int64_t turnover_minor = 0;
    int64_t settled_turnover_minor = 0;
    int64_t payouts_minor = 0;
    int64_t ggr_minor = 0;
    uint64_t bets = 0;
    int64_t deposits_minor = 0;
    int64_t withdrawals_minor = 0;
    int64_t open_liability_minor = 0;
    int64_t turnover_eur_cents = 0;
    int64_t settled_turnover_eur_cents = 0;
    int64_t payouts_eur_cents = 0;
    int64_t ggr_eur_cents = 0;
    int64_t deposits_eur_cents = 0;
    int64_t withdrawals_eur_cents = 0;
    int64_t open_liability_eur_cents = 0;
    int64_t player_id = 0;  // the fact's player (active players: exact distinct per slice)
    bool operator==(const KpiContribution&) const = default;
};

// Hour start (seconds) of a time in µs since the epoch (truncating division, as the SQL's intDiv).
inline int64_t kpi_hour_s(int64_t us) {
    return us / 3600000000 * 3600;
}

}  // namespace tote
