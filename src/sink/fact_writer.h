#pragma once
// Lands a facts::FactBatch (src/model/fact_rows.h) and its KPI contributions in the
// tables of migrations 2 and 3 (fact_bet, fact_bet_leg, fact_wallet_transaction, etl_log,
// kpi_hourly_contrib; dim_player, dim_sport, dim_competition, dim_event, dim_market,
// dim_selection, dim_fx_rate) as RowBinary through a ClickHouseConnection.
//
// Every row is idempotent (ReplacingMergeTree keyed by the fact or dimension key and its
// version), so a replay writes the same rows again and nothing doubles. Order of the inserts in
// write(): KPI contributions, then the dimension rows (players, sports, competitions, events,
// markets, selections, FX rates), then legs, wallet transactions and bets, then the ETL log; a
// fact version that has landed therefore has its dimension rows landed too. The caller inserts
// its resume position (_offsets) only after write() returned. So a fact version found in
// fact_bet FINAL (from which the fact state is rebuilt at start) always has its KPI rows landed
// (docs/kpis.md). Mappings: version -> _version, bool -> UInt8 0/1, ValidationStatus ->
// 'ok'/'pending'/'violation', vectors -> Array(String), hour -> DateTime (UTC seconds), enums ->
// their text, optionals -> Nullable, an FX day -> Date.
#include <string>
#include <string_view>
#include <vector>

#include "model/fact_rows.h"
#include "model/kpi_contribution.h"
#include "sink/clickhouse_connection.h"
#include "sink/encoded_insert.h"
#include "sink/row_binary_writer.h"

namespace tote {

class FactWriter {
public:
    FactWriter(ClickHouseConnection& conn, std::string database);

    // Inserts the non-empty parts of `batch` and `kpis` (one insert per table, order above).
    // Throws what the connection throws (Retriable / Fatal ToteError); a retry after an error
    // may write the whole batch again.
    void write(const facts::FactBatch& batch, const std::vector<KpiContribution>& kpis = {});

    // The same inserts, in the same order, encoded but not run: appended to `out` (for the
    // WarehouseWriter to run in its commit, before the resume position).
    void encode(const facts::FactBatch& batch, const std::vector<KpiContribution>& kpis,
                std::vector<EncodedInsert>& out) const;

    // ETL log rows alone (one insert, when `rows` is not empty), appended to `out`.
    void encode_log(const std::vector<facts::EtlLogEntry>& rows,
                    std::vector<EncodedInsert>& out) const;

    // The "name Type" lists in encoding order (the insert's columns).
    static const std::string& bet_columns();
    static const std::string& leg_columns();
    static const std::string& wallet_columns();
    static const std::string& etl_log_columns();
    static const std::string& kpi_columns();
    static const std::string& dim_player_columns();
    static const std::string& dim_sport_columns();
    static const std::string& dim_competition_columns();
    static const std::string& dim_event_columns();
    static const std::string& dim_market_columns();
    static const std::string& dim_selection_columns();
    static const std::string& dim_fx_rate_columns();

    // RowBinary encodings, appended to `out` (public for tests).
    static void encode(const facts::FactBet& row, RowBinaryWriter& out);
    static void encode(const facts::FactBetLeg& row, RowBinaryWriter& out);
    static void encode(const facts::FactWalletTransaction& row, RowBinaryWriter& out);
    static void encode(const facts::EtlLogEntry& row, RowBinaryWriter& out);
    static void encode(const KpiContribution& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Player>& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Sport>& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Competition>& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Event>& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Market>& row, RowBinaryWriter& out);
    static void encode(const facts::DimRow<model::Selection>& row, RowBinaryWriter& out);
    // Throws ToteError(Fatal) when the day does not fit ClickHouse Date (1970..2149).
    static void encode(const facts::DimRow<model::FxRate>& row, RowBinaryWriter& out);

    static std::string_view validation_name(facts::ValidationStatus s);

private:
    template <typename Row>
    void encode_rows(std::string_view table, const std::string& columns,
                     const std::vector<Row>& rows, std::vector<EncodedInsert>& out) const;

    ClickHouseConnection& conn_;
    std::string database_;
};

}  // namespace tote
