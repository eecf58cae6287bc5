#include "oltp/oltp_figures.h"

#include "simulate/table_def.h"

namespace tote {
namespace {

std::string literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// The UTC day of a timestamptz column, as YYYY-MM-DD.
std::string utc_day(const std::string& column) {
    return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
}

}  // namespace

GroundTruth OltpFigures::read(PgConnection& db) {
    GroundTruth t;
    t.log_offset = -1;
    db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    struct Commit {
        PgConnection& db;
        ~Commit() {
            try {
                db.exec("COMMIT");
            } catch (...) {  // read only: nothing to lose; the connection reports itself
            }
        }
    } commit{db};
    for (size_t i = 0; i < kTableCount; ++i) {
        std::string name(table_def(i).name);
        t.table_rows[name] = db.exec("SELECT count(*) FROM " + name).int64(0, 0);
    }
    PgResult r = db.exec("SELECT " + utc_day("created_at") +
                         ", currency, type, status, count(*), coalesce(sum(amount_minor), 0) "
                         "FROM wallet_transactions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<int64_t, int64_t>> all;
    for (int i = 0; i < r.rows(); ++i) {
        LedgerFigure f{std::string(r.text(i, 0)),
                       std::string(r.text(i, 1)),
                       std::string(r.text(i, 2)),
                       std::string(r.text(i, 3)),
                       r.int64(i, 4),
                       r.int64(i, 5)};
        auto& a = all[{f.day, f.currency, f.type}];
        a.first += f.count;
        a.second += f.sum_minor;
        t.ledger_by_status.push_back(std::move(f));
    }
    for (const auto& [k, v] : all)
        t.ledger.push_back(
            LedgerFigure{std::get<0>(k), std::get<1>(k), std::get<2>(k), "", v.first, v.second});
    // Bet view (GroundTruth::compute_from): placement day of non-void bets; settlement day of
    // won, lost and cashed-out bets. Groups whose figures are all 0 are left out.
    t.has_bet_figures = true;
    r = db.exec("SELECT " + utc_day("placed_at") +
                ", currency, count(*), sum(stake_minor), "
                "coalesce(sum(potential_payout_minor - stake_minor) FILTER (WHERE status = "
                "'open'), 0) FROM bets WHERE status <> 'void' GROUP BY 1, 2 ORDER BY 1, 2");
    for (int i = 0; i < r.rows(); ++i)
        t.bets_by_placement.push_back(BetPlacementFigure{std::string(r.text(i, 0)),
                                                         std::string(r.text(i, 1)), r.int64(i, 2),
                                                         r.int64(i, 3), r.int64(i, 4)});
    r = db.exec("SELECT " + utc_day("settled_at") +
                ", currency, count(*), sum(stake_minor), sum(coalesce(payout_minor, 0)), "
                "sum(stake_minor - coalesce(payout_minor, 0)) FROM bets WHERE status IN ('won', "
                "'lost', 'cashed_out') GROUP BY 1, 2 ORDER BY 1, 2");
    for (int i = 0; i < r.rows(); ++i)
        t.bets_by_settlement.push_back(
            BetSettlementFigure{std::string(r.text(i, 0)), std::string(r.text(i, 1)), r.int64(i, 2),
                                r.int64(i, 3), r.int64(i, 4), r.int64(i, 5)});
    return t;
}

std::map<std::string, int64_t> OltpFigures::ledger_rows(PgConnection& db, const std::string& day,
                                                        const std::string& currency,
                                                        const std::string& type) {
    PgResult r = db.exec(
        "SELECT '{\"id\":' || id || '}', amount_minor FROM wallet_transactions "
        "WHERE " +
        utc_day("created_at") + " = " + literal(day) + " AND currency = " + literal(currency) +
        " AND type = " + literal(type));
    std::map<std::string, int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))] = r.int64(i, 1);
    return out;
}

std::map<std::string, std::string> OltpFigures::bet_fingerprints(PgConnection& db) {
    PgResult r = db.exec(
        "SELECT '{\"id\":' || id || '}', status || '|' || stake_minor || '|' || currency || '|' "
        "|| coalesce(payout_minor::text, 'NULL') || '|' || coalesce(to_char(settled_at AT TIME "
        "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'NULL') FROM bets");
    std::map<std::string, std::string> out;
    for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))] = std::string(r.text(i, 1));
    return out;
}

}  // namespace tote
