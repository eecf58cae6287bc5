#pragma once
// Checks the warehouse's own tables against its migrations: every table a migration creates
// must exist with every column it declares (and the type declared). Run at every start of a
// command that writes (WarehouseWriter) and by `tote status`; `tote repair` fixes what it finds.
// Landing tables (land_*) are not from migrations: they are created as their source tables
// appear.
#include <string>
#include <vector>

#include "sink/clickhouse_connection.h"
#include "sink/migrator.h"
#include "sink/sql_text.h"

namespace tote {

struct SchemaProblem {
    std::string table;     // unqualified, e.g. "fact_bet"
    std::string what;      // e.g. "is missing", "has no column stake_minor (Int64)"
    bool missing = false;  // the whole table is missing
};

struct ExpectedTable {
    std::string name;
    std::vector<ColumnSpec> columns;
};

class SchemaCheck {
public:
    SchemaCheck(ClickHouseConnection& conn, std::string database,
                std::vector<Migration> migrations = Migrator::warehouse_migrations());

    // The problems found (empty: every table as its migrations declare it).
    std::vector<SchemaProblem> run();

    // The tables the migrations create, with their columns (added columns included).
    static std::vector<ExpectedTable> expected(const std::vector<Migration>& migrations);

    // One message for people: what is wrong, and the command that repairs it.
    static std::string describe(const std::vector<SchemaProblem>& problems,
                                const std::string& database, const std::string& where);

private:
    ClickHouseConnection& conn_;
    std::string database_;
    std::vector<Migration> migrations_;
};

}  // namespace tote
