#pragma once
// Proves that the facts and KPI tables are exact (issue 3, `tote reconcile`), in three checks:
//  (a) the KPI table (kpi_hourly_contrib, sum of signed contributions) equals a full
//      recomputation from the latest fact versions, per hour x country x currency x sport x
//      channel x fact (KpiQueries::mismatches must be empty);
//  (b) the KPI table equals the simulator's ground truth (its OLTP state, never the events) per
//      UTC day x currency: the cash view against the completed ledger rows (ledger_by_status),
//      the bet view against the bet figures (placement day: bets, turnover, open liability;
//      settlement day: settled turnover, payouts, GGR). Definitions: docs/kpis.md;
//  (c) the ETL log against the injected anomalies: every anomaly's rule is logged for its entity
//      and the latest fact version is 'violation' with that rule (else "missed", or "pending"
//      while the log end is within the watermark); every latest 'violation' fact whose key has
//      no anomaly is a "false flag".
// Every difference is one line saying what, where (hour or day, currency, key) and both numbers.
// Reads only: latest versions with FINAL or `ORDER BY key, _version DESC LIMIT 1 BY key`; all SQL
// runs on ClickHouse 18.16 and the embedded 26.x engine; nothing depends on merges.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "simulate/ground_truth.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct AnomalyTally {
    uint64_t injected = 0;
    uint64_t found = 0;
    uint64_t missed = 0;
    uint64_t pending = 0;
    // Not decidable from the stream: a bet on a finished event that tote only saw through a
    // snapshot (placed before the stream began: the event's status at placement is not in it).
    uint64_t not_judged = 0;
    bool operator==(const AnomalyTally&) const = default;
};

struct FactReconcileReport {
    uint64_t active_player_days_checked = 0;  // day x country groups of active players
    uint64_t kpi_groups_checked = 0;          // (a): groups in the KPI table or the recomputation
    uint64_t cash_days_checked = 0;           // (b): day x currency of the cash view
    uint64_t bet_days_checked = 0;  // (b): day x currency of the bet view (both day kinds)
    AnomalyTally anomalies;         // (c), all kinds
    std::map<std::string, AnomalyTally> by_kind;
    uint64_t false_flags = 0;
    std::vector<std::string> differences;  // empty = exact
    std::vector<std::string> notes;
    bool ok() const { return differences.empty(); }
};

class FactReconciler {
public:
    FactReconciler(ClickHouseConnection& conn, std::string database);

    // Why the facts cannot be checked ("" when they can): the fact tables are missing or
    // fact_bet is empty (the facts were never built).
    std::string not_built_reason();

    // `watermark_offsets`: the ingest's (--watermark-offsets); a fact still 'pending' that far
    // behind the truth's log offset is a difference (0: not checked). An anomaly whose fact is
    // pending within the watermark is a note: not decidable yet.
    // `hold_back_offsets`: how far an open transaction may hold the builder's watermark back
    // (the builder advances only to the assembler's safe position; an open transaction is
    // released as incomplete after TransactionAssemblerConfig::max_offset_lag records).
    FactReconcileReport run(const GroundTruth& truth, int64_t watermark_offsets = 100'000,
                            int64_t hold_back_offsets = 100'000);

    // (a) and (b) only, for a truth that does not know the anomalies (the OLTP database's own
    // figures, `tote reconcile --oltp`): the ETL log is not judged.
    FactReconcileReport run_figures(const GroundTruth& truth);

    // The rule that must find each anomaly kind (docs/simulator.md -> docs/validation.md);
    // an unknown kind is reported as a difference.
    static const std::map<std::string, std::string>& rule_of_kind();

private:
    void check_stuck_pending(int64_t log_offset, int64_t watermark_offsets,
                             int64_t hold_back_offsets, FactReconcileReport& report);
    void check_kpis_against_facts(FactReconcileReport& report);
    void check_active_players(FactReconcileReport& report);
    void check_kpis_against_truth(const GroundTruth& truth, FactReconcileReport& report);
    void check_anomalies(const GroundTruth& truth, FactReconcileReport& report);
    std::vector<std::vector<std::string>> rows(const std::string& sql);

    ClickHouseConnection& conn_;
    std::string db_;
};

}  // namespace tote
