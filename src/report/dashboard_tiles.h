#pragma once
// The sportsbook dashboard's tiles (docs/operations.md, "The dashboard"): what each tile shows,
// its KPI definitions (the formulas of docs/kpis.md, shown on the page) and the one SQL
// statement that computes it. Every money figure is EUR cents from kpi_hourly_contrib, read
// with the same SQL as `tote report` (KpiReport), so a day's tile equals the report's day.
//
// Times are UTC. "Now" is the data's clock: the newest bet placement or ledger row in the
// warehouse (the `as_of` tile), so a simulated sportsbook shows its own today. Every other
// tile depends on it: "today" is the UTC day of as_of; "yesterday" runs from yesterday's
// midnight to the end of as_of's hour one day earlier (hours are the KPI table's unit).
//
// All SQL runs on ClickHouse 18.16 and the embedded 26.x engine; output is TabSeparated.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tote {

// The moment the tiles are computed for, from the as_of tile's single value.
struct DashboardClock {
    explicit DashboardClock(int64_t as_of_us);

    int64_t as_of_us = 0;  // newest fact time (UTC µs since the epoch); 0 = no facts yet
    int64_t today = 0;     // UTC days since the epoch
    int64_t hour_s = 0;    // start of as_of's hour (epoch seconds)
    int64_t cut_s = 0;     // yesterday's hours before this one are "same time yesterday"

    // "hour >= today AND hour < tomorrow" as a condition on kpi_hourly_contrib.hour.
    std::string today_condition() const;
    // Today, or yesterday until cut_s.
    std::string today_and_yesterday_condition() const;
};

struct DashboardTile {
    std::string id;     // used in URLs and metrics: /api/v1/tiles/<id>
    std::string title;  // shown on the page
    std::string note;   // what the tile shows and from which table (shown under the title)
    std::vector<std::string> columns;  // names of the TabSeparated output's columns
};

// A KPI shown as a card: its value is a column of the `today_vs_yesterday` tile summed over
// countries (or a ratio of two such sums), or the `players` tile's per-day figure.
struct DashboardKpi {
    std::string id;
    std::string label;      // "GGR (settled basis)"
    std::string unit;       // "EUR", "count" or "%"
    std::string numerator;  // column summed; for "%": 100 * numerator / denominator
    std::string denominator;
    std::string formula;  // from docs/kpis.md
};

class DashboardTiles {
public:
    explicit DashboardTiles(std::string database);

    // Every tile, as_of first (the others depend on it).
    static const std::vector<DashboardTile>& tiles();
    static const std::vector<DashboardKpi>& kpis();
    // nullptr when no tile has this id.
    static const DashboardTile* find(std::string_view id);

    // One row, one column: the newest bet placement / ledger time in µs (0 when empty).
    std::string as_of_sql() const;
    // The SQL of tile `id` at `clock` (not as_of). Throws ToteError (Fatal) for an unknown id.
    std::string sql(std::string_view id, const DashboardClock& clock) const;

private:
    std::string liability_sql() const;
    // Settled bets (won or lost) with settled_at in [from_us, to_us): settled_at − when the last
    // of their legs' events first finished, in seconds (count, p50, p90, max).
    std::string settlement_lag_sql(int64_t from_us, int64_t to_us) const;

    std::string database_;
};

}  // namespace tote
