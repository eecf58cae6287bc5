#include "oltp/mariadb_figures.h"

#include "core/error.h"
#include "simulate/oltp_state.h"
#include "simulate/table_def.h"

namespace tote {
namespace {

// The model's names of schema/oltp_mariadb.sql's codes, as SQL.
constexpr const char* kWalletType =
    "ELT(type, 'deposit', 'withdrawal', 'stake_debit', 'payout_credit', 'refund', "
    "'bonus_credit', 'adjustment')";
constexpr const char* kWalletStatus = "ELT(status, 'pending', 'completed', 'failed', 'reversed')";

std::string text(const std::optional<std::string>& v) {
    return v ? *v : std::string();
}

int64_t integer(const std::optional<std::string>& v) {
    if (!v) return 0;
    try {
        return std::stoll(*v);
    } catch (const std::exception&) {
        throw ToteError(ErrorClass::Fatal, "MariaDB returned '" + *v + "' for a count");
    }
}

// A DECIMAL sum in major units ("-1234.50", NULL = 0) as integer minor units of `currency`.
int64_t minor(const std::optional<std::string>& v, const std::string& currency) {
    if (!v) return 0;
    int exponent = -1;
    for (const auto& c : kCurrencies)
        if (c.code == currency) exponent = c.exponent;
    if (exponent < 0)
        throw ToteError(ErrorClass::Fatal, "MariaDB holds money in currency '" + currency +
                                               "', whose minor-unit exponent tote does not know");
    const std::string& s = *v;
    size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) ++i;
    int64_t out = 0;
    int decimals = -1;
    for (; i < s.size(); ++i) {
        if (s[i] == '.') {
            decimals = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            throw ToteError(ErrorClass::Fatal, "MariaDB returned '" + s + "' for a money sum");
        if (decimals >= 0 && ++decimals > exponent) {
            if (s[i] != '0')
                throw ToteError(ErrorClass::Fatal,
                                "a " + currency + " sum of " + s + " has more decimals than " +
                                    std::to_string(exponent) + ": not exact in minor units");
            continue;
        }
        out = out * 10 + (s[i] - '0');
    }
    for (int d = std::max(decimals, 0); d < exponent; ++d) out *= 10;
    return negative ? -out : out;
}

}  // namespace

GroundTruth MariaDbFigures::read(MariaDbConnection& db) {
    GroundTruth t;
    t.log_offset = -1;
    db.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    struct Commit {
        MariaDbConnection& db;
        ~Commit() {
            try {
                db.exec("COMMIT");
            } catch (...) {  // read only: nothing to lose
            }
        }
    } commit{db};
    for (size_t i = 0; i < kTableCount; ++i) {
        const std::string name(table_def(i).name);
        t.table_rows[name] = integer(db.query("SELECT COUNT(*) FROM " + name).at(0).at(0));
    }
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<int64_t, int64_t>> all;
    for (const auto& r :
         db.query(std::string("SELECT DATE_FORMAT(created_at, '%Y-%m-%d'), currency, ") +
                  kWalletType + ", " + kWalletStatus +
                  ", COUNT(*), SUM(amount) FROM wallet_transactions GROUP BY 1, 2, 3, 4 "
                  "ORDER BY 1, 2, 3, 4")) {
        LedgerFigure f{text(r[0]), text(r[1]),    text(r[2]),
                       text(r[3]), integer(r[4]), minor(r[5], text(r[1]))};
        auto& a = all[{f.day, f.currency, f.type}];
        a.first += f.count;
        a.second += f.sum_minor;
        t.ledger_by_status.push_back(std::move(f));
    }
    for (const auto& [k, v] : all)
        t.ledger.push_back(
            LedgerFigure{std::get<0>(k), std::get<1>(k), std::get<2>(k), "", v.first, v.second});
    // Bet view (GroundTruth::compute_from): status codes 1 open, 2 won, 3 lost, 4 void,
    // 5 cashed_out.
    t.has_bet_figures = true;
    for (const auto& r : db.query(
             "SELECT DATE_FORMAT(placed_at, '%Y-%m-%d'), currency, COUNT(*), SUM(stake), "
             "COALESCE(SUM(CASE WHEN status = 1 THEN potential_payout - stake END), 0) FROM bets "
             "WHERE status <> 4 GROUP BY 1, 2 ORDER BY 1, 2"))
        t.bets_by_placement.push_back(BetPlacementFigure{text(r[0]), text(r[1]), integer(r[2]),
                                                         minor(r[3], text(r[1])),
                                                         minor(r[4], text(r[1]))});
    for (const auto& r :
         db.query("SELECT DATE_FORMAT(settled_at, '%Y-%m-%d'), currency, COUNT(*), SUM(stake), "
                  "SUM(COALESCE(payout, 0)), SUM(stake - COALESCE(payout, 0)) FROM bets "
                  "WHERE status IN (2, 3, 5) GROUP BY 1, 2 ORDER BY 1, 2"))
        t.bets_by_settlement.push_back(
            BetSettlementFigure{text(r[0]), text(r[1]), integer(r[2]), minor(r[3], text(r[1])),
                                minor(r[4], text(r[1])), minor(r[5], text(r[1]))});
    return t;
}

}  // namespace tote
