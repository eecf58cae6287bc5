#pragma once
// What the fact stage remembers per fact to retract its KPI rows later: the inputs of the
// version whose contribution was written last (kpi_contributions.h). Held in the fact's
// BetState / WalletState, so it leaves memory and comes back with them (bet_state.h).
#include <cstdint>
#include <string>

#include "model/fact_rows.h"

namespace tote {

// The fields of a fact version that its KPI rows (kpi_contributions) are made of, and nothing
// else: what FactStage remembers per fact to retract that version's rows later. to_fact() gives
// a fact whose KPI rows equal those of the version it was taken from.
// Every field kpi_contributions() reads must be here (to_fact() rebuilds the fact from it).
struct KpiBetBase {
    uint64_t version = 0;
    int64_t player_id = 0;
    std::string player_country, currency, sport, channel, status;
    int64_t stake_minor = 0, potential_payout_minor = 0, payout_minor = 0, ggr_minor = 0;
    int64_t stake_eur_cents = 0, payout_eur_cents = 0, potential_payout_eur_cents = 0;
    int64_t placed_at_us = 0, settled_at_us = 0;

    static KpiBetBase of(const facts::FactBet& f);
    // Same KPI inputs (the version aside): the same rows apart from fact_version.
    bool same_inputs(const facts::FactBet& f) const;
    facts::FactBet to_fact(int64_t bet_id) const;
};

struct KpiWalletBase {
    uint64_t version = 0;
    int64_t player_id = 0;
    std::string player_country, currency, type, status;
    int64_t amount_minor = 0, amount_eur_cents = 0, created_at_us = 0;
    bool deleted = false;

    static KpiWalletBase of(const facts::FactWalletTransaction& f);
    bool same_inputs(const facts::FactWalletTransaction& f) const;
    facts::FactWalletTransaction to_fact(int64_t id) const;
};

}  // namespace tote
