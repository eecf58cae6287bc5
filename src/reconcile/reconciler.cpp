#include "reconcile/reconciler.h"

#include <fmt/format.h>

#include <set>
#include <sstream>

#include "core/error.h"
#include "model/currency.h"

namespace tote {
namespace {

std::vector<std::vector<std::string>> parse_tsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        size_t start = 0;
        while (true) {
            size_t tab = line.find('\t', start);
            cells.push_back(
                line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        rows.push_back(std::move(cells));
    }
    return rows;
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

std::string describe(const LedgerKey& k) {
    return k.day + " " + k.currency + " " + k.type;
}

}  // namespace

Reconciler::Reconciler(ClickHouseConnection& conn, std::string database, LedgerMapping ledger,
                       std::string consumer)
    : conn_(conn),
      db_(std::move(database)),
      ledger_(std::move(ledger)),
      consumer_(std::move(consumer)) {}

bool Reconciler::table_exists(const std::string& table) {
    auto out = conn_.query(
        fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = {}",
                    quote(db_), quote("land_" + table)));
    return out.rfind("1", 0) == 0;
}

std::vector<std::string> Reconciler::landed_tables() {
    std::vector<std::string> out;
    for (auto& row : parse_tsv(conn_.query(fmt::format(
             "SELECT name FROM system.tables WHERE database = {} ORDER BY name", quote(db_)))))
        if (!row.empty() && row[0].rfind("land_", 0) == 0) out.push_back(row[0].substr(5));
    return out;
}

// Latest version per key among rows landed below the offset, minus deletes and truncated rows.
static std::string latest_rows_sql(const std::string& db, const std::string& table,
                                   const std::string& columns, int64_t offset) {
    return fmt::format(
        "SELECT _key, max(_version) AS v, argMax(_deleted, _version) AS deleted{} "
        "FROM {}.land_{} WHERE _offset < {} GROUP BY _key "
        "HAVING deleted = 0 AND v > (SELECT max(version) FROM {}._truncates "
        "WHERE table_name = '{}' AND offset < {})",
        columns, db, table, offset, db, table, offset);
}

// The ledger as the model reads it, from the source's own columns (LedgerMapping): the UTC day
// (from ISO text, or an integer timestamp), the model's type name, signed integer minor units.
// For the simulator's schema these are the columns themselves.
std::string Reconciler::ledger_columns() {
    const auto& m = ledger_;
    // Columns used inside another column's expression are qualified, so that they are never
    // read as the output aliases (day, currency, type, amount).
    const auto col = [&](const std::string& c) { return "land_" + m.table + "." + c; };
    std::string day = fmt::format("substring(ifNull({}, ''), 1, 10)", m.day_column);
    const std::string day_type = conn_.query(fmt::format(
        "SELECT type FROM system.columns WHERE database = {} AND table = {} AND name = {}",
        quote(db_), quote("land_" + m.table), quote(m.day_column)));
    if (day_type.find("Int") != std::string::npos)
        day =
            fmt::format("toString(toDate(toDateTime(intDiv(ifNull({}, 0) * {}, 1000000), 'UTC')))",
                        col(m.day_column), m.integer_time_unit_us);
    std::string type = fmt::format("ifNull({}, '')", m.type_column);
    std::string amount = fmt::format("ifNull({}, 0)", m.amount_column);
    if (m.amount_major) {
        // x 10^exponent of each currency the table holds (one not known keeps its major units
        // and shows as a difference).
        std::string codes, factors;
        for (auto& row : parse_tsv(conn_.query(
                 fmt::format("SELECT DISTINCT ifNull({}, '') FROM {}.land_{} ORDER BY 1",
                             m.currency_column, db_, m.table)))) {
            if (row.empty()) continue;
            auto e = model::Currency::exponent(row[0]);
            if (!e) continue;
            int64_t f = 1;
            for (int i = 0; i < *e; ++i) f *= 10;
            codes += (codes.empty() ? "" : ", ") + quote(row[0]);
            factors += (factors.empty() ? "" : ", ") + std::to_string(f);
        }
        // Decimal strings (decimal.handling.mode=string) are read exactly as Decimal128(6).
        const std::string amount_type = conn_.query(fmt::format(
            "SELECT type FROM system.columns WHERE database = {} AND table = {} AND name = {}",
            quote(db_), quote("land_" + m.table), quote(m.amount_column)));
        const std::string major =
            amount_type.find("String") != std::string::npos
                ? fmt::format("toDecimal128(ifNull({}, '0'), 6)", col(m.amount_column))
                : fmt::format("assumeNotNull({})", col(m.amount_column));
        amount = codes.empty()
                     ? fmt::format("toInt64({})", major)
                     : fmt::format("toInt64({} * transform(ifNull({}, ''), [{}], [{}], 1))", major,
                                   col(m.currency_column), codes, factors);
    }
    if (!m.types.empty()) {
        const std::string source = fmt::format("toString(assumeNotNull({}))", col(m.type_column));
        std::string from, to, signs;
        bool signed_types = false;
        for (const auto& [value, t] : m.types) {
            from += (from.empty() ? "" : ", ") + quote(value);
            to += (to.empty() ? "" : ", ") + quote(t.first);
            signs += (signs.empty() ? "" : ", ") + std::to_string(t.second == 0 ? 1 : t.second);
            signed_types = signed_types || t.second != 0;
        }
        type = fmt::format("transform({}, [{}], [{}], {})", source, from, to, source);
        if (signed_types)
            amount =
                fmt::format("({}) * transform({}, [{}], [{}], 1)", amount, source, from, signs);
    }
    return fmt::format(
        ", argMax({}, _version) AS day"
        ", argMax(ifNull({}, ''), _version) AS currency"
        ", argMax({}, _version) AS type"
        ", argMax({}, _version) AS amount",
        day, m.currency_column, type, amount);
}

std::map<LedgerKey, LedgerFigures> Reconciler::ledger_as_of(int64_t offset) {
    std::map<LedgerKey, LedgerFigures> out;
    if (!table_exists(ledger_.table)) return out;
    std::string sql = fmt::format(
        "SELECT day, currency, type, count(), sum(amount) FROM ({}) AS latest "
        "GROUP BY day, currency, type ORDER BY day, currency, type",
        latest_rows_sql(db_, ledger_.table, ledger_columns(), offset));
    for (auto& row : parse_tsv(conn_.query(sql))) {
        if (row.size() != 5)
            throw ToteError(ErrorClass::Fatal, "unexpected ledger query result shape");
        out[LedgerKey{row[0], row[1], row[2]}] =
            LedgerFigures{std::stoull(row[3]), std::stoll(row[4])};
    }
    return out;
}

uint64_t Reconciler::live_rows_as_of(const std::string& table, int64_t offset) {
    if (!table_exists(table)) return 0;
    auto out = conn_.query(
        fmt::format("SELECT count() FROM ({}) AS latest", latest_rows_sql(db_, table, "", offset)));
    return std::stoull(out);
}

std::vector<std::string> Reconciler::locate_ledger_difference(
    const LedgerKey& key, int64_t offset, const std::map<std::string, int64_t>& source_rows,
    size_t limit) {
    std::map<std::string, int64_t> have;
    if (table_exists(ledger_.table)) {
        std::string sql = fmt::format(
            "SELECT _key, amount FROM ({}) AS latest WHERE day = {} AND currency = {} AND type "
            "= {} ORDER BY _key",
            latest_rows_sql(db_, ledger_.table, ledger_columns(), offset), quote(key.day),
            quote(key.currency), quote(key.type));
        for (auto& row : parse_tsv(conn_.query(sql)))
            if (row.size() == 2) have[row[0]] = std::stoll(row[1]);
    }
    std::vector<std::string> lines;
    size_t more = 0;
    auto add = [&](std::string line) {
        if (lines.size() < limit)
            lines.push_back(std::move(line));
        else
            ++more;
    };
    const std::string where = describe(key);
    for (const auto& [k, amount] : source_rows) {
        auto it = have.find(k);
        if (it == have.end())
            add(fmt::format("ledger {}: {} {} (amount {}) is in the source, not in the warehouse",
                            where, ledger_.table, k, amount));
        else if (it->second != amount)
            add(fmt::format("ledger {}: {} {} has amount {} in the source, {} in the warehouse",
                            where, ledger_.table, k, amount, it->second));
    }
    for (const auto& [k, amount] : have)
        if (!source_rows.count(k))
            add(fmt::format("ledger {}: {} {} (amount {}) is in the warehouse, not in the source",
                            where, ledger_.table, k, amount));
    if (more) lines.push_back(fmt::format("ledger {}: {} more rows differ", where, more));
    return lines;
}

std::vector<std::string> Reconciler::locate_bets(
    const std::string& table, const std::string& id_column,
    const std::map<std::string, std::string>& source_rows, size_t limit) {
    std::map<std::string, std::string> have;
    const bool built = std::stoull(conn_.query(fmt::format(
                           "SELECT count() FROM system.tables WHERE database = {} AND name = "
                           "'fact_bet'",
                           quote(db_)))) != 0;
    if (built) {
        const std::string sql = fmt::format(
            "SELECT toString(bet_id), concat(status, '|', toString(stake_minor), '|', currency, "
            "'|', toString(payout_minor), '|', if(settled_at_us = 0, '', "
            "toString(toDate(toDateTime(intDiv(settled_at_us, 1000000), 'UTC'))))) "
            "FROM {}.fact_bet FINAL WHERE status != 'deleted'",
            db_);
        for (auto& row : parse_tsv(conn_.query(sql)))
            if (row.size() == 2) have["{\"" + id_column + "\":" + row[0] + "}"] = row[1];
    }
    std::vector<std::string> lines;
    size_t more = 0;
    auto add = [&](std::string line) {
        if (lines.size() < limit)
            lines.push_back(std::move(line));
        else
            ++more;
    };
    for (const auto& [k, fp] : source_rows) {
        auto it = have.find(k);
        if (it == have.end())
            add(fmt::format("{} {} ({}) is in the source, not in the warehouse", table, k, fp));
        else if (it->second != fp)
            add(fmt::format("{} {} is {} in the source, {} in the warehouse", table, k, fp,
                            it->second));
    }
    for (const auto& [k, fp] : have)
        if (!source_rows.count(k))
            add(fmt::format("{} {} ({}) is in the warehouse, not in the source", table, k, fp));
    if (more) lines.push_back(fmt::format("{}: {} more bets differ", table, more));
    return lines;
}

ReconcileReport Reconciler::run(const ExpectedState& expected_in) {
    ReconcileReport report;
    auto pos = parse_tsv(conn_.query(fmt::format(
        "SELECT next_offset FROM {}._offsets FINAL WHERE consumer = {}", db_, quote(consumer_))));
    report.warehouse_offset = pos.empty() ? 0 : std::stoll(pos[0][0]);
    ExpectedState expected = expected_in;
    if (expected.log_offset == ExpectedState::kAtWarehouseEnd) {
        // The OLTP database itself (tote simulate --oltp) has no position in tote's input: its
        // final state is compared with everything the warehouse holds.
        expected.log_offset = report.warehouse_offset;
        report.notes.push_back(fmt::format(
            "the ground truth is an OLTP database's state (simulate --oltp, reconcile --oltp): "
            "compared "
            "with all the warehouse holds (offset {}); stop the simulator and let ingest read "
            "everything Debezium wrote first",
            report.warehouse_offset));
    }
    if (report.warehouse_offset < expected.log_offset) {
        report.differences.push_back(fmt::format(
            "ingest is behind: the warehouse holds the log up to offset {}, the expected state is "
            "at "
            "offset {}; run `tote ingest` (or wait for the running one) and reconcile again",
            report.warehouse_offset, expected.log_offset));
        return report;
    }
    if (report.warehouse_offset > expected.log_offset) {
        // Background merges keep only the newest version of a key, so the state at an earlier
        // offset is no longer fully in the warehouse: comparing would not be exact.
        report.differences.push_back(fmt::format(
            "the warehouse has landed the log past the ground truth (offset {} > {}): reconcile "
            "at a quiet point (stop the simulator and let ingest catch up, or run it against a "
            "running tote demo, which pauses for the check)",
            report.warehouse_offset, expected.log_offset));
        return report;
    }

    // Ledger per day x currency x type, both directions.
    auto actual = ledger_as_of(expected.log_offset);
    std::set<LedgerKey> keys;
    for (auto& [k, _] : expected.ledger) keys.insert(k);
    for (auto& [k, _] : actual) keys.insert(k);
    for (const auto& k : keys) {
        auto e = expected.ledger.count(k) ? expected.ledger.at(k) : LedgerFigures{};
        auto a = actual.count(k) ? actual.at(k) : LedgerFigures{};
        ++report.ledger_rows_checked;
        if (e != a)
            report.differences.push_back(
                fmt::format("ledger {}: expected {} rows summing {} minor units, warehouse has {} "
                            "rows summing {} "
                            "(difference {} rows, {} minor units)",
                            describe(k), e.count, e.sum_minor, a.count, a.sum_minor,
                            static_cast<int64_t>(a.count) - static_cast<int64_t>(e.count),
                            a.sum_minor - e.sum_minor));
    }

    // Live rows per table.
    for (const auto& [table, rows] : expected.live_rows) {
        ++report.tables_checked;
        uint64_t have = live_rows_as_of(table, expected.log_offset);
        if (have != rows)
            report.differences.push_back(fmt::format(
                "table {}: expected {} live rows, warehouse has {} (difference {})", table, rows,
                have, static_cast<int64_t>(have) - static_cast<int64_t>(rows)));
    }

    // No key may survive twice in the latest state of any landed table.
    auto tables =
        parse_tsv(conn_.query(fmt::format("SELECT name FROM system.tables WHERE database = {} AND "
                                          "name LIKE 'land\\\\_%' ORDER BY name",
                                          quote(db_))));
    for (auto& row : tables) {
        auto dup = conn_.query(
            fmt::format("SELECT count() - uniqExact(_key) FROM {}.{} FINAL", db_, row[0]));
        if (std::stoll(dup) != 0)
            report.differences.push_back(
                fmt::format("table {}: {} keys appear more than once after FINAL", row[0], dup));
    }

    auto dl = conn_.query(fmt::format(
        "SELECT count() FROM {}._dead_letters FINAL WHERE offset < {}", db_, expected.log_offset));
    report.notes.push_back(
        fmt::format("{} records are in the dead-letter table (`tote query \"SELECT "
                    "offset, stage, reason FROM {}._dead_letters FINAL\"`)",
                    std::stoull(dl), db_));
    return report;
}

}  // namespace tote
