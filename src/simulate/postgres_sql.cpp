#include "simulate/postgres_sql.h"

#include "simulate/json_text.h"

namespace tote {

void PostgresSql::append_value(std::string& out, const Cell& c, const ColumnDef& column) {
    switch (c.kind) {
        case CellKind::Null:
        case CellKind::Unavailable:
            out += "NULL";
            break;
        case CellKind::Int:
            append_int(out, c.i);
            break;
        case CellKind::Decimal:
            append_decimal(out, c.i, column.scale);
            break;
        case CellKind::Text:
            out += '\'';
            for (char ch : c.s) {
                if (ch == '\'') out += '\'';
                out += ch;
            }
            out += '\'';
            break;
        case CellKind::Timestamp:
            out += '\'';
            append_timestamp(out, c.i);
            out += '\'';
            break;
        case CellKind::Date:
            out += '\'';
            append_date(out, c.i);
            out += '\'';
            break;
    }
}

void PostgresSql::append_insert_head(std::string& out, const TableDef& def) {
    out += "INSERT INTO ";
    out += def.name;
    out += " (";
    for (size_t i = 0; i < def.column_count; ++i) {
        if (i) out += ", ";
        out += def.columns[i].name;
    }
    out += ") VALUES ";
}

void PostgresSql::append_row(std::string& out, const RowCells& row) {
    const TableDef& def = table_def(row.table());
    out += '(';
    for (size_t i = 0; i < row.size(); ++i) {
        if (i) out += ", ";
        append_value(out, row[i], def.columns[i]);
    }
    out += ')';
}

void PostgresSql::append_key_predicate(std::string& out, const RowCells& row) {
    const TableDef& def = table_def(row.table());
    out += " WHERE ";
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (!def.columns[i].key) continue;
        if (!first) out += " AND ";
        first = false;
        out += def.columns[i].name;
        out += " = ";
        append_value(out, row[i], def.columns[i]);
    }
}

void PostgresSql::append_update(std::string& out, const RowCells& row) {
    const TableDef& def = table_def(row.table());
    out += "UPDATE ";
    out += def.name;
    out += " SET ";
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (def.columns[i].key || row[i].kind == CellKind::Unavailable) continue;
        if (!first) out += ", ";
        first = false;
        out += def.columns[i].name;
        out += " = ";
        append_value(out, row[i], def.columns[i]);
    }
    append_key_predicate(out, row);
    out += ";\n";
}

void PostgresSql::append_update_key(std::string& out, const RowCells& before,
                                    const RowCells& after) {
    const TableDef& def = table_def(after.table());
    out += "UPDATE ";
    out += def.name;
    out += " SET ";
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (after[i].kind == CellKind::Unavailable) continue;
        if (!first) out += ", ";
        first = false;
        out += def.columns[i].name;
        out += " = ";
        append_value(out, after[i], def.columns[i]);
    }
    append_key_predicate(out, before);
    out += ";\n";
}

void PostgresSql::append_delete(std::string& out, const RowCells& row) {
    out += "DELETE FROM ";
    out += table_def(row.table()).name;
    append_key_predicate(out, row);
    out += ";\n";
}

void PostgresSql::append_truncate(std::string& out, TableId table) {
    out += "TRUNCATE ";
    out += table_def(table).name;
    out += ";\n";
}

}  // namespace tote
