#pragma once
// Versioned, idempotent migrations of the warehouse database.
//
// `<db>._migrations` records each applied migration (version, name, checksum of its statement
// templates). apply() creates the database and that table if needed, refuses (Fatal) when an
// applied migration's statements changed since (the checksum differs), and runs the pending
// ones in version order, recording each after its statements succeeded. Every statement is
// itself idempotent (CREATE ... IF NOT EXISTS), so a crash between running and recording a
// migration is repaired by the next apply(). All SQL runs on ClickHouse 18.16 and 26.x.
#include <cstdint>
#include <string>
#include <vector>

#include "sink/clickhouse_connection.h"

namespace tote {

struct Migration {
    uint32_t version = 0;
    std::string name;
    // Statement templates; "{db}" is replaced by the backquoted database name.
    std::vector<std::string> statements;
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

    // The warehouse's own migrations (version 2: fact tables, etl_log, kpi_hourly_contrib;
    // version 1: _offsets, _dead_letters, _transactions,
    // _truncates).
    static std::vector<Migration> warehouse_migrations();

    // Hex FNV-1a 64 of the name and statement templates (database independent).
    static std::string checksum(const Migration& m);

    // A template with {db} replaced.
    static std::string render(const std::string& statement, const std::string& database);

private:
    ClickHouseConnection& conn_;
    std::string database_;
    std::vector<Migration> migrations_;
};

}  // namespace tote
