#include "oltp/mariadb_sql.h"

#include <array>
#include <utility>

#include "core/error.h"
#include "simulate/json_text.h"
#include "simulate/oltp_state.h"

namespace tote {
namespace {

struct Codes {
    TableId table;
    std::string_view column;
    std::array<std::string_view, 7> values;  // code = index + 1
};

// The codes of schema/oltp_mariadb.sql (its header comment lists them).
constexpr std::array<Codes, 11> kCodes = {{
    {TableId::Players, "channel", {"web", "app", "ussd"}},
    {TableId::Players, "status", {"active", "self_excluded", "closed"}},
    {TableId::WalletTransactions,
     "type",
     {"deposit", "withdrawal", "stake_debit", "payout_credit", "refund", "bonus_credit",
      "adjustment"}},
    {TableId::WalletTransactions, "status", {"pending", "completed", "failed", "reversed"}},
    {TableId::Events, "status", {"scheduled", "live", "finished", "cancelled"}},
    {TableId::Markets, "status", {"open", "suspended", "settled", "voided"}},
    {TableId::Selections, "result", {"win", "lose", "void", "dead_heat"}},
    {TableId::BetLegs, "result", {"win", "lose", "void", "dead_heat"}},
    {TableId::Bets, "type", {"single", "accumulator"}},
    {TableId::Bets, "status", {"open", "won", "lost", "void", "cashed_out"}},
    {TableId::Bets, "channel", {"web", "app", "ussd"}},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kRenamed = {{
    {"stake_minor", "stake"},
    {"potential_payout_minor", "potential_payout"},
    {"payout_minor", "payout"},
    {"amount_minor", "amount"},
}};

bool is_money(const ColumnDef& c) {
    for (const auto& [from, to] : kRenamed)
        if (c.name == from) return true;
    return false;
}

// The exponent of the row's currency (its `currency` column).
int row_exponent(const RowCells& row) {
    const TableDef& def = table_def(row.table());
    for (size_t i = 0; i < def.column_count; ++i) {
        if (def.columns[i].name != "currency" || row[i].kind != CellKind::Text) continue;
        for (const auto& c : kCurrencies)
            if (c.code == row[i].s) return c.exponent;
        throw ToteError(ErrorClass::Fatal,
                        "simulator currency '" + std::string(row[i].s) + "' has no known exponent");
    }
    throw ToteError(ErrorClass::Fatal, "simulator bug: money in table " + std::string(def.name) +
                                           " without a currency");
}

// DECIMAL(20,2) major units of `minor` at exponent e (e <= 2): 150000 at 2 -> 1500.00,
// 1500 at 0 -> 1500.00.
void append_major(std::string& out, int64_t minor, int e) {
    int64_t unscaled = minor;
    for (int i = e; i < 2; ++i) unscaled *= 10;
    append_decimal(out, unscaled, 2);
}

}  // namespace

std::string_view MariaDbSql::column_name(const ColumnDef& column) {
    for (const auto& [from, to] : kRenamed)
        if (column.name == from) return to;
    return column.name;
}

int MariaDbSql::code_of(TableId table, std::string_view column, std::string_view value) {
    for (const auto& c : kCodes) {
        if (c.table != table || c.column != column) continue;
        for (size_t i = 0; i < c.values.size(); ++i)
            if (!c.values[i].empty() && c.values[i] == value) return static_cast<int>(i) + 1;
        throw ToteError(ErrorClass::Fatal, "the simulator wrote '" + std::string(value) +
                                               "' into " + std::string(table_def(table).name) +
                                               "." + std::string(column) +
                                               ", which has no code in schema/oltp_mariadb.sql");
    }
    return -1;
}

void MariaDbSql::append_value(std::string& out, const RowCells& row, size_t i) {
    const ColumnDef& column = table_def(row.table()).columns[i];
    const Cell& c = row[i];
    switch (c.kind) {
        case CellKind::Null:
        case CellKind::Unavailable:
            out += "NULL";
            return;
        case CellKind::Int:
            if (is_money(column)) {
                const int e = row_exponent(row);
                if (e > 2)
                    throw ToteError(ErrorClass::Fatal,
                                    "a currency with exponent " + std::to_string(e) +
                                        " does not fit DECIMAL(20,2) major units");
                append_major(out, c.i, e);
            } else {
                append_int(out, c.i);
            }
            return;
        case CellKind::Decimal:
            append_decimal(out, c.i, column.scale);
            return;
        case CellKind::Text: {
            const int code = code_of(row.table(), column.name, c.s);
            if (code >= 0) {
                append_int(out, code);
                return;
            }
            out += '\'';
            for (char ch : c.s) {
                if (ch == '\'' || ch == '\\') out += ch;
                out += ch;
            }
            out += '\'';
            return;
        }
        case CellKind::Timestamp: {
            // 2026-11-01T00:00:00.000000Z -> '2026-11-01 00:00:00.000000' (UTC, DATETIME(6))
            std::string t;
            append_timestamp(t, c.i);
            if (!t.empty() && t.back() == 'Z') t.pop_back();
            if (const size_t at = t.find('T'); at != std::string::npos) t[at] = ' ';
            out += '\'' + t + '\'';
            return;
        }
        case CellKind::Date:
            out += '\'';
            append_date(out, c.i);
            out += '\'';
            return;
    }
}

void MariaDbSql::append_insert_head(std::string& out, const TableDef& def) {
    out += "INSERT INTO ";
    out += def.name;
    out += " (";
    for (size_t i = 0; i < def.column_count; ++i) {
        if (i) out += ", ";
        out += column_name(def.columns[i]);
    }
    out += ") VALUES ";
}

void MariaDbSql::append_row(std::string& out, const RowCells& row) {
    out += '(';
    for (size_t i = 0; i < row.size(); ++i) {
        if (i) out += ", ";
        append_value(out, row, i);
    }
    out += ')';
}

void MariaDbSql::append_key_predicate(std::string& out, const RowCells& row) {
    const TableDef& def = table_def(row.table());
    out += " WHERE ";
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (!def.columns[i].key) continue;
        if (!first) out += " AND ";
        first = false;
        out += column_name(def.columns[i]);
        out += " = ";
        append_value(out, row, i);
    }
}

void MariaDbSql::append_update(std::string& out, const RowCells& row) {
    const TableDef& def = table_def(row.table());
    out += "UPDATE ";
    out += def.name;
    out += " SET ";
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (def.columns[i].key || row[i].kind == CellKind::Unavailable) continue;
        if (!first) out += ", ";
        first = false;
        out += column_name(def.columns[i]);
        out += " = ";
        append_value(out, row, i);
    }
    append_key_predicate(out, row);
    out += ";\n";
}

void MariaDbSql::append_update_key(std::string& out, const RowCells& before,
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
        out += column_name(def.columns[i]);
        out += " = ";
        append_value(out, after, i);
    }
    append_key_predicate(out, before);
    out += ";\n";
}

void MariaDbSql::append_delete(std::string& out, const RowCells& row) {
    out += "DELETE FROM ";
    out += table_def(row.table()).name;
    append_key_predicate(out, row);
    out += ";\n";
}

void MariaDbSql::append_truncate(std::string& out, TableId table) {
    out += "DELETE FROM ";
    out += table_def(table).name;
    out += ";\n";
}

}  // namespace tote
