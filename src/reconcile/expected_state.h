#pragma once
// What the warehouse must hold at a given log offset, from an independent source of truth
// (the simulator's OLTP state, or figures exported from an operator's ledger).
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace tote {

struct LedgerKey {
    std::string day;       // YYYY-MM-DD (UTC)
    std::string currency;  // ISO 4217
    std::string type;      // wallet transaction type
    auto operator<=>(const LedgerKey&) const = default;
};

struct LedgerFigures {
    uint64_t count = 0;
    int64_t sum_minor = 0;
    bool operator==(const LedgerFigures&) const = default;
};

struct ExpectedState {
    // The state after every record below this offset; kAtWarehouseEnd: the final state of an
    // OLTP database, compared with everything the warehouse holds.
    static constexpr int64_t kAtWarehouseEnd = -1;
    int64_t log_offset = 0;
    std::map<LedgerKey, LedgerFigures> ledger;
    std::map<std::string, uint64_t> live_rows;  // source table -> rows that exist
};

}  // namespace tote
