#pragma once
// PostgreSQL statements for the simulator's rows (schema/oltp.sql): literals, multi-row
// INSERTs, and the UPDATE / DELETE / TRUNCATE an OLTP service commits. Shared by the SQL dump
// (tests) and the SQL change writer of `tote simulate --oltp`. Literals assume
// standard_conforming_strings=on (PostgreSQL's default since 9.1).
#include <string>
#include <string_view>

#include "simulate/row_cells.h"
#include "simulate/table_def.h"

namespace tote {

class PostgresSql {
public:
    // One value as a SQL literal (NULL, 12, 1.2500, 'text', '2026-11-01T00:00:00.000000Z').
    // An Unavailable cell (unchanged TOAST) has no literal: it is written as NULL here, and
    // update() leaves such columns out.
    static void append_value(std::string& out, const Cell& cell, const ColumnDef& column);
    // "INSERT INTO table (c1, c2, ...) VALUES " ready for append_row().
    // Opens a transaction (TransactionalSqlWriter).
    static constexpr std::string_view kBeginTransaction = "BEGIN;\n";
    static void append_insert_head(std::string& out, const TableDef& table);
    // "(v1, v2, ...)" in column order.
    static void append_row(std::string& out, const RowCells& row);
    // "UPDATE t SET <non-key columns> WHERE <key> = <key of row>;"
    static void append_update(std::string& out, const RowCells& row);
    // "UPDATE t SET <every column of after> WHERE <key> = <key of before>;" (a primary-key change)
    static void append_update_key(std::string& out, const RowCells& before, const RowCells& after);
    static void append_delete(std::string& out, const RowCells& row);
    static void append_truncate(std::string& out, TableId table);

private:
    static void append_key_predicate(std::string& out, const RowCells& row);
};

}  // namespace tote
