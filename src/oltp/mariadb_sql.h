#pragma once
// MariaDB statements for the simulator's rows in the MariaDB flavour of the schema
// (schema/oltp_mariadb.sql, docs/oltp-schema.md "MariaDB flavour"): the same tables and rows,
// with money in major units (bets.stake_minor 150000 NGN -> stake 1500.00), statuses, types,
// channels and results as TINYINT codes, timestamps as DATETIME(6) text in UTC. A truncate is a
// DELETE of every row: MariaDB's TRUNCATE commits the open transaction (it is DDL).
#include <string>
#include <string_view>

#include "simulate/row_cells.h"
#include "simulate/table_def.h"

namespace tote {

class MariaDbSql {
public:
    // "INSERT INTO table (c1, c2, ...) VALUES " ready for append_row().
    // Opens a transaction (TransactionalSqlWriter).
    static constexpr std::string_view kBeginTransaction = "START TRANSACTION;\n";
    static void append_insert_head(std::string& out, const TableDef& table);
    // "(v1, v2, ...)" in column order. Throws Fatal for a value the MariaDB schema has no code
    // for, or money in a currency whose exponent is unknown.
    static void append_row(std::string& out, const RowCells& row);
    static void append_update(std::string& out, const RowCells& row);
    static void append_update_key(std::string& out, const RowCells& before, const RowCells& after);
    static void append_delete(std::string& out, const RowCells& row);
    static void append_truncate(std::string& out, TableId table);

    // The MariaDB column name of a simulator column (stake_minor -> stake, ...).
    static std::string_view column_name(const ColumnDef& column);
    // The code of a text value of a coded column (bets.status 'won' -> 2); -1 when the column
    // is not coded.
    static int code_of(TableId table, std::string_view column, std::string_view value);

private:
    static void append_value(std::string& out, const RowCells& row, size_t i);
    static void append_key_predicate(std::string& out, const RowCells& row);
};

}  // namespace tote
