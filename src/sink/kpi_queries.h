#pragma once
// The SQL that reads KPIs from kpi_hourly_contrib and checks them against a recomputation from
// the latest fact versions (for tests and `tote reconcile`). Every statement runs on ClickHouse
// 18.16 and the embedded 26.x engine, never depends on merges, and returns TabSeparated rows
// ordered by the grouping columns. Definitions: docs/kpis.md.
#include <string>
#include <string_view>

namespace tote {

class KpiQueries {
public:
    // Rows: hour (UTC epoch seconds), country, currency, sport, channel, fact, then the 15
    // value columns of kpi_hourly_contrib in table order (value_columns()), each sum(sign * v)
    // over FINAL; groups whose values are all 0 are left out.
    static std::string from_contributions(std::string_view database);

    // The same shape, computed directly from the latest version of every fact in fact_bet and
    // fact_wallet_transaction (latest by ORDER BY key, _version DESC LIMIT 1 BY key, which
    // holds whatever partitions and merges did). Equal to from_contributions() when the
    // contributions are complete.
    static std::string recomputed_from_facts(std::string_view database);

    // The groups where the two differ: the grouping columns and, per value column, contributions
    // minus recomputation. Empty output = the KPI table is exact.
    static std::string mismatches(std::string_view database);

    // Per hour x country x currency, the named KPIs (see docs/kpis.md for each):
    // hour, country, currency, turnover, turnover_cash, settled_turnover, payouts_settled,
    // payouts_cash, ggr_settled, ggr_cash, bets, deposits, withdrawals, net_deposits,
    // open_liability (all in minor units of `currency`), then ggr_settled_eur_cents,
    // ggr_cash_eur_cents, turnover_eur_cents. Groups whose KPIs are all 0 are left out.
    static std::string hourly_report(std::string_view database);

    // Exact distinct players with at least one non-void bet placed in [from_us, to_us), from
    // the latest bet versions, per country: country, active_players.
    static std::string active_players(std::string_view database, int64_t from_us, int64_t to_us);

    // Active players (exact distinct) per UTC day (days since the epoch) x country: day,
    // country, players. From the KPI table (players whose bet counts of the day sum above zero,
    // kpi_hourly_contrib.player_id) and recomputed from the latest bet facts; equal when the KPI
    // table is exact.
    static std::string active_players_by_day_from_kpis(std::string_view database);
    static std::string active_players_by_day_from_facts(std::string_view database);

    // "turnover_minor, settled_turnover_minor, ..., open_liability_eur_cents".
    static const std::string& value_columns();
};

}  // namespace tote
