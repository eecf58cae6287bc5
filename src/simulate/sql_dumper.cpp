#include "simulate/sql_dumper.h"

#include <string>

#include "simulate/postgres_sql.h"

namespace tote {
namespace {

class Batch {
public:
    Batch(std::ostream& out, TableId table) : out_(out), def_(table_def(table)) {}
    ~Batch() { flush(); }
    void add(const RowCells& row) {
        if (rows_ == 0) {
            buf_.clear();
            PostgresSql::append_insert_head(buf_, def_);
            buf_ += '\n';
        } else {
            buf_ += ",\n";
        }
        PostgresSql::append_row(buf_, row);
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
