#pragma once
// One line of a KPI report (docs/report.md): a day x country, a day's total over all countries,
// or the range's grand total. Money in EUR cents (exact integers); definitions: docs/kpis.md.
#include <cstdint>
#include <string>
#include <vector>

namespace tote {

enum class ReportRowKind : uint8_t {
    Country,     // one UTC day x one country ("" = unknown player)
    DayTotal,    // one UTC day, every country (or the --country filter)
    GrandTotal,  // the whole range
};

struct ReportRow {
    ReportRowKind kind = ReportRowKind::Country;
    int64_t day = 0;      // UTC days since 1970-01-01 (Country, DayTotal); 0 for GrandTotal
    std::string country;  // Country rows only ("" = unknown); empty for totals
    int64_t turnover_eur_cents = 0;          // accepted, bet view, placement day
    int64_t cash_turnover_eur_cents = 0;     // ledger: stakes debited - void refunds
    int64_t settled_turnover_eur_cents = 0;  // bet view, settlement day
    int64_t payouts_settled_eur_cents = 0;   // bet view, settlement day
    int64_t payouts_cash_eur_cents = 0;      // ledger: payout credits + adjustments
    int64_t ggr_settled_eur_cents = 0;       // settled turnover - settled payouts
    int64_t ggr_cash_eur_cents = 0;          // cash turnover - cash payouts
    int64_t bets = 0;                        // non-void bets placed
    uint64_t active_players = 0;             // exact distinct, never summed
    int64_t deposits_eur_cents = 0;
    int64_t withdrawals_eur_cents = 0;  // positive
    int64_t net_deposits_eur_cents = 0;
    int64_t open_liability_eur_cents = 0;
    bool operator==(const ReportRow&) const = default;
};

// A whole report: the inclusive UTC day range and its rows, ordered by day, then country with
// each day's DayTotal after its countries, and the GrandTotal last (always present).
struct Report {
    int64_t from_day = 0;
    int64_t to_day = 0;
    std::string country_filter;  // "" = all countries
    bool filtered = false;       // a --country filter was given (country_filter may be "")
    std::vector<ReportRow> rows;
};

}  // namespace tote
