#pragma once
// Versioned, idempotent migrations of the warehouse database.
//
// `<db>._migrations` records each applied migration (version, name, checksum of its statement
// templates). apply() creates the database and that table if needed, refuses (Fatal) when an
// applied migration's statements changed since (the checksum differs), and runs the pending
// ones in version order, recording each after its statements succeeded. Every statement is
// itself idempotent (CREATE ... IF NOT EXISTS; an added column is checked in system.columns
// first), so a crash between running and recording a migration is repaired by the next apply().
// All SQL runs on ClickHouse 18.16 and 26.x.
#include <cstdint>
#include <string>
#include <vector>

#include "sink/clickhouse_connection.h"

namespace tote {

// A column added to an existing table. ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS, so the
// migrator asks system.columns first and runs `ALTER TABLE {db}.<table> ADD COLUMN <column>
// <type> AFTER <after>` only when the column is missing: idempotent on both engines.
struct AddedColumn {
    std::string table;
    std::string column;
    std::string type;
    std::string after;  // "" = at the end
    bool operator==(const AddedColumn&) const = default;
};

struct Migration {
    uint32_t version = 0;
    std::string name;
    // Statement templates; "{db}" is replaced by the backquoted database name.
    std::vector<std::string> statements;
    // Run after the statements, in order.
    std::vector<AddedColumn> added_columns = {};
    // A migration that changes what stored rows mean and cannot convert them: apply() refuses
    // (Fatal, with `refusal`) while this table ("_offsets") holds any row, i.e. when the
    // database was written to before the migration.
    std::string refuse_if_rows_in = {};
    std::string refusal = {};
};

struct MigrationReport {
    std::vector<uint32_t> applied;       // run by this call
    std::vector<uint32_t> already_done;  // found in _migrations with the right checksum
};

class Migrator {
public:
    Migrator(ClickHouseConnection& conn, std::string database,
             std::vector<Migration> migrations = warehouse_migrations());

    MigrationReport apply();

    // Runs the statements and added columns of every migration again, applied or not (each is
    // idempotent): re-creates tables that are missing. Used by `tote repair`.
    void recreate_tables();

    // The warehouse's own migrations (version 6: dim_event.finished_at_us; version 5:
    // etl_log.provisional and etl_log.retracted;
    // version 4: row-version layout 2, refused on a database written with layout 1; version 3:
    // dim_* tables and fact_bet.potential_payout_eur_cents; version 2: fact tables, etl_log,
    // kpi_hourly_contrib; version 1: _offsets, _dead_letters, _transactions, _truncates).
    static std::vector<Migration> warehouse_migrations();

    // Hex FNV-1a 64 of the name, statement templates and added columns (database independent;
    // a migration without added columns hashes as before they existed).
    static std::string checksum(const Migration& m);

    // A template with {db} replaced.
    static std::string render(const std::string& statement, const std::string& database);

    // The ALTER statement of an added column (for `database`).
    static std::string add_column_sql(const AddedColumn& c, const std::string& database);

private:
    void ensure_added_columns(const Migration& m);

    ClickHouseConnection& conn_;
    std::string database_;
    std::vector<Migration> migrations_;
};

}  // namespace tote
