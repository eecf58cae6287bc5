#pragma once
// Lands a facts::FactBatch (src/transform/facts/fact_rows.h) and its KPI contributions in the
// tables of migration 2 (fact_bet, fact_bet_leg, fact_wallet_transaction, etl_log,
// kpi_hourly_contrib) as RowBinary through a ClickHouseConnection.
//
// Every row is idempotent (ReplacingMergeTree keyed by the fact and its version), so a replay
// writes the same rows again and nothing doubles. Order of the inserts in write(): KPI
// contributions, then legs, wallet transactions and bets, then the ETL log; the caller inserts
// its resume position (_offsets) only after write() returned. So a fact version found in
// fact_bet FINAL (from which the fact state is rebuilt at start) always has its KPI rows landed
// (docs/kpis.md). Mappings: version -> _version, bool -> UInt8 0/1, ValidationStatus ->
// 'ok'/'pending'/'violation', vectors -> Array(String), hour -> DateTime (UTC seconds).
#include <string>
#include <string_view>
#include <vector>

#include "sink/clickhouse_connection.h"
#include "sink/kpi_contribution.h"
#include "sink/row_binary_writer.h"
#include "transform/facts/fact_rows.h"

namespace tote {

class FactWriter {
public:
    FactWriter(ClickHouseConnection& conn, std::string database);

    // Inserts the non-empty parts of `batch` and `kpis` (one insert per table, order above).
    // Throws what the connection throws (Retriable / Fatal ToteError); a retry after an error
    // may write the whole batch again.
    void write(const facts::FactBatch& batch, const std::vector<KpiContribution>& kpis = {});

    // The "name Type" lists in encoding order (the insert's columns).
    static const std::string& bet_columns();
    static const std::string& leg_columns();
    static const std::string& wallet_columns();
    static const std::string& etl_log_columns();
    static const std::string& kpi_columns();

    // RowBinary encodings, appended to `out` (public for tests).
    static void encode(const facts::FactBet& row, RowBinaryWriter& out);
    static void encode(const facts::FactBetLeg& row, RowBinaryWriter& out);
    static void encode(const facts::FactWalletTransaction& row, RowBinaryWriter& out);
    static void encode(const facts::EtlLogEntry& row, RowBinaryWriter& out);
    static void encode(const KpiContribution& row, RowBinaryWriter& out);

    static std::string_view validation_name(facts::ValidationStatus s);

private:
    template <typename Row>
    void insert(std::string_view table, const std::string& columns, const std::vector<Row>& rows);

    ClickHouseConnection& conn_;
    std::string database_;
    RowBinaryWriter buf_;
};

}  // namespace tote
