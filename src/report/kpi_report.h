#pragma once
// `tote report`: the KPIs of docs/kpis.md per UTC day x country in the reporting currency (EUR
// cents), with a total per day and a grand total for the range (docs/report.md).
//
// Money and counts are sum(sign * value) over kpi_hourly_contrib FINAL, grouped by the UTC day
// of the hour; totals are sums of those integers (exact). Active players are exact distinct
// player_id of non-void bets placed in the day / range, from the latest fact_bet versions, counted
// separately per row and per total (never summed). All SQL runs on ClickHouse 18.16 and the
// embedded 26.x engine and returns TabSeparated rows.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "report/report_row.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct ReportOptions {
    std::optional<int64_t> from_day;     // UTC days since the epoch; default: first day with data
    std::optional<int64_t> to_day;       // inclusive; default: last day with data
    std::optional<std::string> country;  // only this country ("" = unknown); default: all
};

class KpiReport {
public:
    explicit KpiReport(std::string database);

    // Fetches and assembles the report. Throws ToteError (Fatal) when the KPI table does not
    // exist, when from > to, or when no range is given and the table holds no rows; what the
    // connection throws otherwise.
    Report run(ClickHouseConnection& conn, const ReportOptions& options) const;

    // One row: 1 if the KPI table exists in the database, else 0.
    std::string table_exists_sql() const;
    // One row: the number of day x country groups with a non-zero figure (in EUR) and the first
    // and last such UTC day (days since the epoch), of `country` only if given: the default
    // range.
    std::string range_sql(const std::optional<std::string>& country) const;
    // Per day x country in [from_day, to_day]: day, country, turnover, cash_turnover,
    // settled_turnover, payouts_settled, payouts_cash, ggr_settled, ggr_cash, bets, deposits,
    // withdrawals, open_liability (EUR cents; bets a count). Groups whose values are all 0 are
    // left out. Ordered by day, country.
    std::string kpi_sql(int64_t from_day, int64_t to_day,
                        const std::optional<std::string>& country) const;
    // Exact distinct players with a non-void bet placed in the range (latest bet versions):
    // level, day, country, players; level 0 = per day x country, 1 = per day (country ""),
    // 2 = the whole range (day 0, country "", always one row).
    std::string active_players_sql(int64_t from_day, int64_t to_day,
                                   const std::optional<std::string>& country) const;

    // kpi_sql() and active_players_sql() over the hours that satisfy `hour_condition`, a
    // condition on `hour` (UTC epoch seconds, e.g. "hour >= 1764374400 AND hour < 1764460800")
    // built by the caller from integers only: the dashboard's "today" and "yesterday until the
    // same hour" (src/report/dashboard_tiles.h). Same columns and order as the two above.
    std::string kpi_sql_where(const std::string& hour_condition,
                              const std::optional<std::string>& country) const;
    std::string active_players_sql_where(const std::string& hour_condition,
                                         const std::optional<std::string>& country) const;

    // Builds the report from the outputs of kpi_sql() and active_players_sql(): country rows,
    // a DayTotal after each day's countries (money summed, players from level 1) and the
    // GrandTotal (level 2). Throws ToteError (Fatal) on output of an unexpected shape.
    static Report assemble(int64_t from_day, int64_t to_day,
                           const std::optional<std::string>& country, std::string_view kpi_tsv,
                           std::string_view players_tsv);

private:
    // SELECT k_day, country and the 11 sums ... GROUP BY ... HAVING any non-zero (no ORDER BY),
    // filtered by `where` (may be empty) and the country.
    std::string grouped_sql(const std::optional<std::string>& country,
                            const std::string& where) const;

    std::string database_;
};

}  // namespace tote
