#include "sink/fact_writer.h"

#include <limits>

#include "core/error.h"
#include "sink/sql_text.h"

namespace tote {

FactWriter::FactWriter(ClickHouseConnection& conn, std::string database)
    : conn_(conn), database_(std::move(database)) {}

const std::string& FactWriter::bet_columns() {
    static const std::string c =
        "bet_id Int64, _version UInt64, log_offset Int64, player_id Int64, "
        "player_country String, player_channel String, player_inferred UInt8, currency String, "
        "wallet_currency String, channel String, bet_type String, status String, "
        "stake_minor Int64, potential_payout_minor Int64, payout_minor Int64, "
        "stake_eur_cents Int64, payout_eur_cents Int64, potential_payout_eur_cents Int64, "
        "fx_rate_e10 Int64, total_odds_e4 Int64, "
        "legs UInt32, sports Array(String), competitions Array(String), live UInt8, "
        "dimensions_inferred UInt8, placed_at_us Int64, settled_at_us Int64, ggr_minor Int64, "
        "validation String, violated_rules Array(String)";
    return c;
}

const std::string& FactWriter::leg_columns() {
    static const std::string c =
        "bet_id Int64, leg_no Int32, _version UInt64, log_offset Int64, selection_id Int64, "
        "market_id Int64, event_id Int64, sport String, competition String, "
        "market_type String, odds_taken_e4 Int64, result String, live_at_placement UInt8, "
        "inferred UInt8, deleted UInt8";
    return c;
}

const std::string& FactWriter::wallet_columns() {
    static const std::string c =
        "id Int64, _version UInt64, log_offset Int64, player_id Int64, type String, "
        "status String, currency String, amount_minor Int64, amount_eur_cents Int64, "
        "bet_id Int64, player_country String, created_at_us Int64, deleted UInt8, "
        "validation String, violated_rules Array(String)";
    return c;
}

const std::string& FactWriter::etl_log_columns() {
    static const std::string c =
        "rule String, severity String, entity String, entity_key String, version UInt64, "
        "log_offset Int64, details String, provisional UInt8, retracted UInt8";
    return c;
}

const std::string& FactWriter::kpi_columns() {
    // hour is DateTime('UTC') in the table; the insert structure says DateTime (same UInt32).
    static const std::string c =
        "hour DateTime, country String, currency String, sport String, channel String, "
        "fact String, fact_key String, fact_version UInt64, sign Int8, turnover_minor Int64, "
        "settled_turnover_minor Int64, payouts_minor Int64, ggr_minor Int64, bets UInt64, "
        "deposits_minor Int64, withdrawals_minor Int64, open_liability_minor Int64, "
        "turnover_eur_cents Int64, settled_turnover_eur_cents Int64, payouts_eur_cents Int64, "
        "ggr_eur_cents Int64, deposits_eur_cents Int64, withdrawals_eur_cents Int64, "
        "open_liability_eur_cents Int64, player_id Int64";
    return c;
}

const std::string& FactWriter::dim_player_columns() {
    static const std::string c =
        "player_id Int64, _version UInt64, log_offset Int64, deleted UInt8, country String, "
        "currency String, channel String, registered_at_us Int64, status String";
    return c;
}

const std::string& FactWriter::dim_sport_columns() {
    static const std::string c =
        "sport_id Int64, _version UInt64, log_offset Int64, deleted UInt8, name String";
    return c;
}

const std::string& FactWriter::dim_competition_columns() {
    static const std::string c =
        "competition_id Int64, _version UInt64, log_offset Int64, deleted UInt8, "
        "sport_id Int64, name String, country Nullable(String)";
    return c;
}

const std::string& FactWriter::dim_event_columns() {
    static const std::string c =
        "event_id Int64, _version UInt64, log_offset Int64, deleted UInt8, "
        "competition_id Int64, home String, away String, start_at_us Int64, status String, "
        "result Nullable(String), finished_at_us Int64";
    return c;
}

const std::string& FactWriter::dim_market_columns() {
    static const std::string c =
        "market_id Int64, _version UInt64, log_offset Int64, deleted UInt8, event_id Int64, "
        "type String, line_e2 Nullable(Int64), status String";
    return c;
}

const std::string& FactWriter::dim_selection_columns() {
    static const std::string c =
        "selection_id Int64, _version UInt64, log_offset Int64, deleted UInt8, "
        "market_id Int64, name String, odds_e4 Int64, result Nullable(String), "
        "dead_heat_factor_e4 Nullable(Int64)";
    return c;
}

const std::string& FactWriter::dim_fx_rate_columns() {
    static const std::string c =
        "currency String, day Date, _version UInt64, log_offset Int64, deleted UInt8, "
        "rate_e10 Int64";
    return c;
}

std::string_view FactWriter::validation_name(facts::ValidationStatus s) {
    switch (s) {
        case facts::ValidationStatus::Ok:
            return "ok";
        case facts::ValidationStatus::Pending:
            return "pending";
        case facts::ValidationStatus::Violation:
            return "violation";
    }
    return "unknown";
}

void FactWriter::encode(const facts::FactBet& r, RowBinaryWriter& w) {
    w.int64(r.bet_id);
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.int64(r.player_id);
    w.string(r.player_country);
    w.string(r.player_channel);
    w.uint8(r.player_inferred ? 1 : 0);
    w.string(r.currency);
    w.string(r.wallet_currency);
    w.string(r.channel);
    w.string(r.bet_type);
    w.string(r.status);
    w.int64(r.stake_minor);
    w.int64(r.potential_payout_minor);
    w.int64(r.payout_minor);
    w.int64(r.stake_eur_cents);
    w.int64(r.payout_eur_cents);
    w.int64(r.potential_payout_eur_cents);
    w.int64(r.fx_rate_e10);
    w.int64(r.total_odds_e4);
    w.uint32(r.legs);
    w.string_array(r.sports);
    w.string_array(r.competitions);
    w.uint8(r.live ? 1 : 0);
    w.uint8(r.dimensions_inferred ? 1 : 0);
    w.int64(r.placed_at_us);
    w.int64(r.settled_at_us);
    w.int64(r.ggr_minor);
    w.string(validation_name(r.validation));
    w.string_array(r.violated_rules);
}

void FactWriter::encode(const facts::FactBetLeg& r, RowBinaryWriter& w) {
    w.int64(r.bet_id);
    w.int32(r.leg_no);
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.int64(r.selection_id);
    w.int64(r.market_id);
    w.int64(r.event_id);
    w.string(r.sport);
    w.string(r.competition);
    w.string(r.market_type);
    w.int64(r.odds_taken_e4);
    w.string(r.result);
    w.uint8(r.live_at_placement ? 1 : 0);
    w.uint8(r.inferred ? 1 : 0);
    w.uint8(r.deleted ? 1 : 0);
}

void FactWriter::encode(const facts::FactWalletTransaction& r, RowBinaryWriter& w) {
    w.int64(r.id);
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.int64(r.player_id);
    w.string(r.type);
    w.string(r.status);
    w.string(r.currency);
    w.int64(r.amount_minor);
    w.int64(r.amount_eur_cents);
    w.int64(r.bet_id);
    w.string(r.player_country);
    w.int64(r.created_at_us);
    w.uint8(r.deleted ? 1 : 0);
    w.string(validation_name(r.validation));
    w.string_array(r.violated_rules);
}

void FactWriter::encode(const facts::EtlLogEntry& r, RowBinaryWriter& w) {
    w.string(r.rule);
    w.string(r.severity);
    w.string(r.entity);
    w.string(r.entity_key);
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.string(r.details);
    w.uint8(r.provisional ? 1 : 0);
    w.uint8(r.retracted ? 1 : 0);
}

void FactWriter::encode(const KpiContribution& r, RowBinaryWriter& w) {
    if (r.hour_s < 0 || r.hour_s > std::numeric_limits<uint32_t>::max())
        throw ToteError(ErrorClass::Fatal,
                        "KPI contribution of " + r.fact + " " + r.fact_key + " version " +
                            std::to_string(r.fact_version) + " falls in hour " +
                            std::to_string(r.hour_s) +
                            " s, outside ClickHouse DateTime (1970..2106): check the fact's "
                            "placed/settled/created time");
    w.uint32(static_cast<uint32_t>(r.hour_s));
    w.string(r.country);
    w.string(r.currency);
    w.string(r.sport);
    w.string(r.channel);
    w.string(r.fact);
    w.string(r.fact_key);
    w.uint64(r.fact_version);
    w.uint8(static_cast<uint8_t>(r.sign));
    w.int64(r.turnover_minor);
    w.int64(r.settled_turnover_minor);
    w.int64(r.payouts_minor);
    w.int64(r.ggr_minor);
    w.uint64(r.bets);
    w.int64(r.deposits_minor);
    w.int64(r.withdrawals_minor);
    w.int64(r.open_liability_minor);
    w.int64(r.turnover_eur_cents);
    w.int64(r.settled_turnover_eur_cents);
    w.int64(r.payouts_eur_cents);
    w.int64(r.ggr_eur_cents);
    w.int64(r.deposits_eur_cents);
    w.int64(r.withdrawals_eur_cents);
    w.int64(r.open_liability_eur_cents);
    w.int64(r.player_id);
}

namespace {

template <class T>
void dim_head(const facts::DimRow<T>& r, RowBinaryWriter& w) {
    w.int64(r.row.id);
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.uint8(r.deleted ? 1 : 0);
}

}  // namespace

void FactWriter::encode(const facts::DimRow<model::Player>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.string(r.row.country);
    w.string(r.row.currency);
    w.string(model::to_text(r.row.channel));
    w.int64(r.row.registered_at_us);
    w.string(model::to_text(r.row.status));
}

void FactWriter::encode(const facts::DimRow<model::Sport>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.string(r.row.name);
}

void FactWriter::encode(const facts::DimRow<model::Competition>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.int64(r.row.sport_id);
    w.string(r.row.name);
    w.nullable_string(r.row.country);
}

void FactWriter::encode(const facts::DimRow<model::Event>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.int64(r.row.competition_id);
    w.string(r.row.home);
    w.string(r.row.away);
    w.int64(r.row.start_at_us);
    w.string(model::to_text(r.row.status));
    w.nullable_string(r.row.result);
    w.int64(r.row.finished_at_us);
}

void FactWriter::encode(const facts::DimRow<model::Market>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.int64(r.row.event_id);
    w.string(r.row.type);
    w.nullable_int64(r.row.line_e2);
    w.string(model::to_text(r.row.status));
}

void FactWriter::encode(const facts::DimRow<model::Selection>& r, RowBinaryWriter& w) {
    dim_head(r, w);
    w.int64(r.row.market_id);
    w.string(r.row.name);
    w.int64(r.row.odds_e4);
    if (r.row.result)
        w.nullable_string(std::string(model::to_text(*r.row.result)));
    else
        w.null();
    w.nullable_int64(r.row.dead_heat_factor_e4);
}

void FactWriter::encode(const facts::DimRow<model::FxRate>& r, RowBinaryWriter& w) {
    if (r.row.day < 0 || r.row.day > std::numeric_limits<uint16_t>::max())
        throw ToteError(ErrorClass::Fatal,
                        "FX rate " + r.row.currency + " of day " + std::to_string(r.row.day) +
                            " (days since 1970-01-01) at version " + std::to_string(r.version) +
                            " does not fit ClickHouse Date (1970..2149): check the source's "
                            "fx_rates day");
    w.string(r.row.currency);
    uint16_t day = static_cast<uint16_t>(r.row.day);
    w.uint8(static_cast<uint8_t>(day & 0xFF));
    w.uint8(static_cast<uint8_t>(day >> 8));
    w.uint64(r.version);
    w.int64(r.log_offset);
    w.uint8(r.deleted ? 1 : 0);
    w.int64(r.row.rate_e10);
}

template <typename Row>
void FactWriter::encode_rows(std::string_view table, const std::string& columns,
                             const std::vector<Row>& rows, std::vector<EncodedInsert>& out) const {
    if (rows.empty()) return;
    RowBinaryWriter buf;
    for (const auto& r : rows) encode(r, buf);
    out.push_back({sql_table(database_, table), columns, buf.take()});
}

void FactWriter::encode(const facts::FactBatch& batch, const std::vector<KpiContribution>& kpis,
                        std::vector<EncodedInsert>& out) const {
    // Every row is encoded before anything is written: a row that cannot be encoded fails first.
    // Order: KPI rows, dimensions, legs, wallet, bets, then the ETL log (docs/kpis.md, "Exact
    // retraction"; docs/facts-design.md, "Dimension tables").
    encode_rows("kpi_hourly_contrib", kpi_columns(), kpis, out);
    const auto& d = batch.dims;
    encode_rows("dim_player", dim_player_columns(), d.players, out);
    encode_rows("dim_sport", dim_sport_columns(), d.sports, out);
    encode_rows("dim_competition", dim_competition_columns(), d.competitions, out);
    encode_rows("dim_event", dim_event_columns(), d.events, out);
    encode_rows("dim_market", dim_market_columns(), d.markets, out);
    encode_rows("dim_selection", dim_selection_columns(), d.selections, out);
    encode_rows("dim_fx_rate", dim_fx_rate_columns(), d.fx_rates, out);
    encode_rows("fact_bet_leg", leg_columns(), batch.legs, out);
    encode_rows("fact_wallet_transaction", wallet_columns(), batch.wallet, out);
    encode_rows("fact_bet", bet_columns(), batch.bets, out);
    encode_rows("etl_log", etl_log_columns(), batch.log, out);
}

void FactWriter::encode_log(const std::vector<facts::EtlLogEntry>& rows,
                            std::vector<EncodedInsert>& out) const {
    encode_rows("etl_log", etl_log_columns(), rows, out);
}

void FactWriter::write(const facts::FactBatch& batch, const std::vector<KpiContribution>& kpis) {
    std::vector<EncodedInsert> inserts;
    encode(batch, kpis, inserts);
    for (const auto& ins : inserts) conn_.insert_row_binary(ins.table, ins.columns, ins.rows);
}

}  // namespace tote
