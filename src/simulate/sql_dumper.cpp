#include "simulate/sql_dumper.h"

#include <string>

#include "simulate/json_text.h"

namespace tote {
namespace {

class Batch {
public:
    Batch(std::ostream& out, TableId table) : out_(out), def_(table_def(table)) {}
    ~Batch() { flush(); }
    void add(const RowCells& row) {
        if (rows_ == 0) {
            buf_ = "INSERT INTO ";
            buf_ += def_.name;
            buf_ += " (";
            for (size_t i = 0; i < def_.column_count; ++i) {
                if (i) buf_ += ", ";
                buf_ += def_.columns[i].name;
            }
            buf_ += ") VALUES\n";
        } else {
            buf_ += ",\n";
        }
        buf_ += '(';
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) buf_ += ", ";
            const Cell& c = row[i];
            switch (c.kind) {
                case CellKind::Null:
                case CellKind::Unavailable:
                    buf_ += "NULL";
                    break;
                case CellKind::Int:
                    append_int(buf_, c.i);
                    break;
                case CellKind::Decimal:
                    append_decimal(buf_, c.i, def_.columns[i].scale);
                    break;
                case CellKind::Text:
                    buf_ += '\'';
                    for (char ch : c.s) {
                        if (ch == '\'') buf_ += '\'';
                        buf_ += ch;
                    }
                    buf_ += '\'';
                    break;
                case CellKind::Timestamp:
                    buf_ += '\'';
                    append_timestamp(buf_, c.i);
                    buf_ += '\'';
                    break;
                case CellKind::Date:
                    buf_ += '\'';
                    append_date(buf_, c.i);
                    buf_ += '\'';
                    break;
            }
        }
        buf_ += ')';
        if (++rows_ == 500) flush();
    }
    void flush() {
        if (rows_ == 0) return;
        out_ << buf_ << ";\n";
        rows_ = 0;
    }

private:
    std::ostream& out_;
    const TableDef& def_;
    std::string buf_;
    size_t rows_ = 0;
};

}  // namespace

void SqlDumper::write_inserts(const OltpState& s, std::ostream& out) {
    out << "BEGIN;\n";
    RowCells row;
    {
        Batch b(out, TableId::Sports);
        for (const auto& r : s.sports) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Competitions);
        for (const auto& r : s.competitions) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Events);
        for (const auto& r : s.events) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Markets);
        for (const auto& r : s.markets) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Selections);
        for (const auto& r : s.selections) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Players);
        for (const auto& r : s.players) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::WalletTransactions);
        for (const auto& r : s.wallet)
            if (!r.deleted) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::FxRates);
        for (const auto& r : s.fx_rates) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::Bets);
        for (const auto& r : s.bets) OltpState::cells(r, row), b.add(row);
    }
    {
        Batch b(out, TableId::BetLegs);
        for (const auto& bet : s.bets)
            for (const auto& leg : bet.legs) OltpState::cells(bet, leg, row), b.add(row);
    }
    {
        Batch b(out, TableId::OddsStaging);
        for (size_t i = s.odds_staging_first_live; i < s.odds_staging.size(); ++i)
            if (!s.odds_staging[i].deleted) OltpState::cells(s.odds_staging[i], row), b.add(row);
    }
    out << "COMMIT;\n";
}

}  // namespace tote
