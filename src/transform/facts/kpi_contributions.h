#pragma once
// The KPI contributions of a fact version (the rows of kpi_hourly_contrib it writes, and the
// retraction of its previous version's): pure functions of the fact versions, so a replay writes
// identical rows. Definitions: docs/kpis.md.
#include <string>
#include <vector>

#include "model/fact_rows.h"
#include "model/kpi_contribution.h"

namespace tote {

// A bet's KPI slice: "" if it has no legs or a leg's sport is unknown, the sport when every leg
// shares it, else "multiple".
std::string kpi_sport(const facts::FactBet& bet);

// Statuses of a settled, non-void bet (the settled view).
bool kpi_settled_status(const std::string& status);

// The rows of `current` (+1) and the retraction of `previous` (-1), if given. `previous` must be
// the version this fact had before `current` (nullptr for the first). The same version again
// (a re-emission) writes only its own rows; an older `current` than `previous` is a caller bug
// (ToteError Fatal). Rows whose values are all zero are left out. Ordered by sign (+ first),
// then hour.
std::vector<KpiContribution> kpi_contributions(const facts::FactBet* previous,
                                               const facts::FactBet& current);
std::vector<KpiContribution> kpi_contributions(const facts::FactWalletTransaction* previous,
                                               const facts::FactWalletTransaction& current);

}  // namespace tote
