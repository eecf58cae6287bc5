#include "sink/migrator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "sink/sql_text.h"

namespace tote {

Migrator::Migrator(ClickHouseConnection& conn, std::string database,
                   std::vector<Migration> migrations)
    : conn_(conn), database_(std::move(database)), migrations_(std::move(migrations)) {
    std::sort(migrations_.begin(), migrations_.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (size_t i = 1; i < migrations_.size(); ++i)
        if (migrations_[i].version == migrations_[i - 1].version)
            throw ToteError(ErrorClass::Fatal, "two migrations share version " +
                                                   std::to_string(migrations_[i].version));
}

std::vector<Migration> Migrator::warehouse_migrations() {
    return {
        {1,
         "warehouse bookkeeping tables",
         {
             "CREATE TABLE IF NOT EXISTS {db}._offsets (consumer String, next_offset Int64, "
             "byte_position Int64, version UInt64) "
             "ENGINE = ReplacingMergeTree(version) ORDER BY consumer",
             "CREATE TABLE IF NOT EXISTS {db}._dead_letters (topic String, partition Int32, "
             "offset Int64, timestamp_ms Int64, key Nullable(String), value Nullable(String), "
             "stage String, reason String) "
             "ENGINE = ReplacingMergeTree ORDER BY (topic, partition, offset)",
             "CREATE TABLE IF NOT EXISTS {db}._transactions (tx_id UInt64, kind String, "
             "event_count UInt64, ts_ms Int64, topic String, partition Int32, offset Int64) "
             "ENGINE = ReplacingMergeTree ORDER BY (tx_id, kind)",
             "CREATE TABLE IF NOT EXISTS {db}._truncates (table_name String, version UInt64, "
             "lsn UInt64, tx_id UInt64, ts_ms Int64, offset Int64) "
             "ENGINE = ReplacingMergeTree(version) ORDER BY (table_name, version)",
         }},
        {2,
         "facts, etl log and retracting KPI contributions",
         {
             // One row per fact and version (src/model/fact_rows.h; _version = the
             // row's version). Partitioned by the month of the immutable placement/creation
             // time, so every version of a key shares a partition (FINAL collapses within one).
             "CREATE TABLE IF NOT EXISTS {db}.fact_bet (bet_id Int64, _version UInt64, "
             "log_offset Int64, player_id Int64, player_country String, player_channel String, "
             "player_inferred UInt8, currency String, wallet_currency String, channel String, "
             "bet_type String, status String, stake_minor Int64, potential_payout_minor Int64, "
             "payout_minor Int64, stake_eur_cents Int64, payout_eur_cents Int64, "
             "fx_rate_e10 Int64, total_odds_e4 Int64, legs UInt32, sports Array(String), "
             "competitions Array(String), live UInt8, dimensions_inferred UInt8, "
             "placed_at_us Int64, settled_at_us Int64, ggr_minor Int64, validation String, "
             "violated_rules Array(String)) "
             "ENGINE = ReplacingMergeTree(_version) "
             "PARTITION BY toYYYYMM(toDateTime(intDiv(placed_at_us, 1000000), 'UTC')) "
             "ORDER BY bet_id",
             "CREATE TABLE IF NOT EXISTS {db}.fact_bet_leg (bet_id Int64, leg_no Int32, "
             "_version UInt64, log_offset Int64, selection_id Int64, market_id Int64, "
             "event_id Int64, sport String, competition String, market_type String, "
             "odds_taken_e4 Int64, result String, live_at_placement UInt8, inferred UInt8, "
             "deleted UInt8) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY (bet_id, leg_no)",
             "CREATE TABLE IF NOT EXISTS {db}.fact_wallet_transaction (id Int64, "
             "_version UInt64, log_offset Int64, player_id Int64, type String, status String, "
             "currency String, amount_minor Int64, amount_eur_cents Int64, bet_id Int64, "
             "player_country String, created_at_us Int64, deleted UInt8, validation String, "
             "violated_rules Array(String)) "
             "ENGINE = ReplacingMergeTree(_version) "
             "PARTITION BY toYYYYMM(toDateTime(intDiv(created_at_us, 1000000), 'UTC')) "
             "ORDER BY id",
             "CREATE TABLE IF NOT EXISTS {db}.etl_log (rule String, severity String, "
             "entity String, entity_key String, version UInt64, log_offset Int64, "
             "details String) "
             "ENGINE = ReplacingMergeTree ORDER BY (rule, entity, entity_key, version)",
             // docs/kpis.md: KPI = sum(sign * value) over FINAL.
             "CREATE TABLE IF NOT EXISTS {db}.kpi_hourly_contrib (hour DateTime('UTC'), "
             "country String, currency String, sport String, channel String, fact String, "
             "fact_key String, fact_version UInt64, sign Int8, turnover_minor Int64, "
             "settled_turnover_minor Int64, payouts_minor Int64, ggr_minor Int64, bets UInt64, "
             "deposits_minor Int64, withdrawals_minor Int64, open_liability_minor Int64, "
             "turnover_eur_cents Int64, settled_turnover_eur_cents Int64, "
             "payouts_eur_cents Int64, ggr_eur_cents Int64, deposits_eur_cents Int64, "
             "withdrawals_eur_cents Int64, open_liability_eur_cents Int64) "
             "ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(hour) "
             "ORDER BY (hour, country, currency, sport, channel, fact, fact_key, fact_version, "
             "sign)",
         }},
        {3,
         "dimension tables, the EUR potential payout of bets, the player of KPI rows",
         {
             // One row per dimension change (src/model/fact_rows.h DimRow): the row
             // as held after the change, or a key-only row with deleted = 1. Read the latest
             // version with FINAL or argMax(x, _version) and drop deleted = 1.
             "CREATE TABLE IF NOT EXISTS {db}.dim_player (player_id Int64, _version UInt64, "
             "log_offset Int64, deleted UInt8, country String, currency String, channel String, "
             "registered_at_us Int64, status String) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY player_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_sport (sport_id Int64, _version UInt64, "
             "log_offset Int64, deleted UInt8, name String) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY sport_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_competition (competition_id Int64, "
             "_version UInt64, log_offset Int64, deleted UInt8, sport_id Int64, name String, "
             "country Nullable(String)) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY competition_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_event (event_id Int64, _version UInt64, "
             "log_offset Int64, deleted UInt8, competition_id Int64, home String, away String, "
             "start_at_us Int64, status String, result Nullable(String)) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY event_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_market (market_id Int64, _version UInt64, "
             "log_offset Int64, deleted UInt8, event_id Int64, type String, "
             "line_e2 Nullable(Int64), status String) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY market_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_selection (selection_id Int64, "
             "_version UInt64, log_offset Int64, deleted UInt8, market_id Int64, name String, "
             "odds_e4 Int64, result Nullable(String), dead_heat_factor_e4 Nullable(Int64)) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY selection_id",
             "CREATE TABLE IF NOT EXISTS {db}.dim_fx_rate (currency String, day Date, "
             "_version UInt64, log_offset Int64, deleted UInt8, rate_e10 Int64) "
             "ENGINE = ReplacingMergeTree(_version) ORDER BY (currency, day)",
         },
         // Open liability in EUR (docs/kpis.md): fact_bet rows written before this migration
         // read 0 here.
         // Active players per KPI slice (exact distinct with retraction): the player of the
         // fact, on every contribution row (docs/kpis.md).
         {{"fact_bet", "potential_payout_eur_cents", "Int64", "payout_eur_cents"},
          {"kpi_hourly_contrib", "player_id", "Int64", "open_liability_eur_cents"}}},
        {4,
         "row-version layout 2: 64-bit LSNs, commit order, snapshot ranks",
         {},
         {},
         "_offsets",
         "its rows carry versions of layout 1 (47-bit LSN, snapshot reads below every streamed "
         "change), which cannot be converted exactly to layout 2 (commit order; "
         "docs/architecture.md, \"Row versions\"). Rebuild the warehouse from the log into a "
         "new database (the --database option of tote ingest) or a new data folder, then switch "
         "readers to it"},
        {5,
         "retractable etl_log entries: the provisional and retracted flags",
         {},
         // docs/architecture.md, point 10: an entry the end-of-input drain wrote is provisional;
         // a later row with the same identity (rule, entity, entity_key, version) and
         // retracted = 1 withdraws it. Rows written before this migration read 0 in both.
         {{"etl_log", "provisional", "UInt8", "details"},
          {"etl_log", "retracted", "UInt8", "provisional"}}},
        {6,
         "settlement lag: when each event first finished (dim_event.finished_at_us)",
         {},
         // The source's commit time of the first version showing the event finished; rows
         // written before this migration read 0 (not finished as far as the lag knows).
         {{"dim_event", "finished_at_us", "Int64", "result"}}},
    };
}

std::string Migrator::checksum(const Migration& m) {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xFF;  // separator, so ("ab","c") and ("a","bc") differ
        h *= 1099511628211ULL;
    };
    mix(m.name);
    for (const auto& s : m.statements) mix(s);
    if (!m.refuse_if_rows_in.empty()) {
        mix("REFUSE IF ROWS IN");
        mix(m.refuse_if_rows_in);
    }
    for (const auto& c : m.added_columns) {
        mix("ADD COLUMN");
        mix(c.table);
        mix(c.column);
        mix(c.type);
        mix(c.after);
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string Migrator::render(const std::string& statement, const std::string& database) {
    std::string out;
    std::string db = sql_identifier(database);
    size_t pos = 0;
    while (true) {
        size_t at = statement.find("{db}", pos);
        out.append(statement, pos, at == std::string::npos ? std::string::npos : at - pos);
        if (at == std::string::npos) break;
        out += db;
        pos = at + 4;
    }
    return out;
}

std::string Migrator::add_column_sql(const AddedColumn& c, const std::string& database) {
    std::string s = "ALTER TABLE " + sql_table(database, c.table) + " ADD COLUMN " +
                    sql_identifier(c.column) + " " + c.type;
    if (!c.after.empty()) s += " AFTER " + sql_identifier(c.after);
    return s;
}

void Migrator::recreate_tables() {
    conn_.query("CREATE DATABASE IF NOT EXISTS " + sql_identifier(database_));
    for (const auto& m : migrations_) {
        for (const auto& s : m.statements) conn_.query(render(s, database_));
        ensure_added_columns(m);
    }
}

void Migrator::ensure_added_columns(const Migration& m) {
    for (const auto& c : m.added_columns) {
        bool present = false;
        for (auto& row :
             parse_tsv(conn_.query("SELECT name FROM system.columns WHERE database = " +
                                   sql_string(database_) + " AND table = " + sql_string(c.table))))
            present = present || (!row.empty() && row[0] == c.column);
        if (!present) conn_.query(add_column_sql(c, database_));
    }
}

MigrationReport Migrator::apply() {
    const std::string db = sql_identifier(database_);
    conn_.query("CREATE DATABASE IF NOT EXISTS " + db);
    conn_.query("CREATE TABLE IF NOT EXISTS " + db +
                "._migrations (version UInt32, name String, checksum String, applied_ms Int64) "
                "ENGINE = ReplacingMergeTree ORDER BY version");
    std::map<uint32_t, std::pair<std::string, std::string>> done;  // version -> (name, checksum)
    for (auto& row : parse_tsv(conn_.query("SELECT version, name, checksum FROM " + db +
                                           "._migrations FINAL ORDER BY version"))) {
        if (row.size() != 3)
            throw ToteError(ErrorClass::Fatal,
                            "unexpected row shape in " + database_ + "._migrations");
        done[static_cast<uint32_t>(std::stoul(row[0]))] = {row[1], row[2]};
    }
    for (const auto& [version, entry] : done) {
        bool known = std::any_of(migrations_.begin(), migrations_.end(),
                                 [v = version](const Migration& m) { return m.version == v; });
        if (!known)
            throw ToteError(ErrorClass::Fatal,
                            "database " + database_ + " has migration " + std::to_string(version) +
                                " (" + entry.first +
                                ") that this build does not know: it was written by a newer tote; "
                                "upgrade tote");
    }
    MigrationReport report;
    for (const auto& m : migrations_) {
        std::string sum = checksum(m);
        if (auto it = done.find(m.version); it != done.end()) {
            if (it->second.second != sum)
                throw ToteError(
                    ErrorClass::Fatal,
                    "migration " + std::to_string(m.version) + " (" + m.name + ") of database " +
                        database_ + " was applied with checksum " + it->second.second +
                        " but this build's migration has checksum " + sum +
                        ": an applied migration must never change; add a new migration instead "
                        "(or rebuild the warehouse from the log into a fresh database)");
            report.already_done.push_back(m.version);
            continue;
        }
        if (!m.refuse_if_rows_in.empty()) {
            auto rows = parse_tsv(
                conn_.query("SELECT count() FROM " + sql_table(database_, m.refuse_if_rows_in)));
            if (!rows.empty() && !rows[0].empty() && rows[0][0] != "0")
                throw ToteError(ErrorClass::Fatal, "database " + database_ + ": migration " +
                                                       std::to_string(m.version) + " (" + m.name +
                                                       ") cannot be applied: " + m.refusal);
        }
        for (const auto& s : m.statements) conn_.query(render(s, database_));
        ensure_added_columns(m);
        int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        conn_.query("INSERT INTO " + db +
                    "._migrations (version, name, checksum, applied_ms) VALUES (" +
                    std::to_string(m.version) + ", " + sql_string(m.name) + ", " + sql_string(sum) +
                    ", " + std::to_string(now_ms) + ")");
        report.applied.push_back(m.version);
    }
    return report;
}

}  // namespace tote
