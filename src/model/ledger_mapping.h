#pragma once
// The wallet ledger as the landing reconciliation reads it (`tote reconcile`): the columns of the
// source table that the mapping file names the ledger (its wallet_transaction entity,
// docs/mapping.md). Derived from the BettingMapping, never written separately.
#include <string>

#include "model/betting_mapping.h"

namespace tote {

struct LedgerMapping {
    std::string table;            // landed as <db>.land_<table>
    std::string day_column;       // ISO-8601 text; its first 10 chars are the UTC day
    std::string currency_column;  //
    std::string type_column;      // the source's type values
    std::string amount_column;    // as stored (the simulator's: signed integer minor units)

    static LedgerMapping of(const model::BettingMapping& m) {
        const auto& w = m.wallet_transactions;
        return {w.table, w.created_at, w.currency, w.type, w.amount};
    }
};

}  // namespace tote
