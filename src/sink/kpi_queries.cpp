#include "sink/kpi_queries.h"

#include <array>

#include "sink/sql_text.h"

namespace tote {
namespace {

constexpr std::array<const char*, 15> kValues = {"turnover_minor",
                                                 "settled_turnover_minor",
                                                 "payouts_minor",
                                                 "ggr_minor",
                                                 "bets",
                                                 "deposits_minor",
                                                 "withdrawals_minor",
                                                 "open_liability_minor",
                                                 "turnover_eur_cents",
                                                 "settled_turnover_eur_cents",
                                                 "payouts_eur_cents",
                                                 "ggr_eur_cents",
                                                 "deposits_eur_cents",
                                                 "withdrawals_eur_cents",
                                                 "open_liability_eur_cents"};

constexpr const char* kGroup = "k_hour, country, currency, sport, channel, fact";

std::string numbered(const char* prefix, size_t i) {
    return prefix + std::to_string(i + 1);
}

// " HAVING p1 != 0 OR p2 != 0 ..."
std::string having_nonzero(const char* prefix) {
    std::string s = " HAVING ";
    for (size_t i = 0; i < kValues.size(); ++i) {
        if (i) s += " OR ";
        s += numbered(prefix, i) + " != 0";
    }
    return s;
}

// One branch of the recomputation: the grouping expressions and the 15 value expressions.
std::string branch(const std::string& hour, const std::string& country, const std::string& sport,
                   const std::string& channel, const std::string& fact,
                   const std::array<std::string, 15>& values, const std::string& from,
                   const std::string& where) {
    std::string s = "SELECT toInt64(" + hour + ") AS k_hour, " + country + " AS country, " +
                    "currency, " + sport + " AS sport, " + channel + " AS channel, '" + fact +
                    "' AS fact";
    for (size_t i = 0; i < values.size(); ++i)
        s += ", toInt64(" + (values[i].empty() ? std::string("0") : values[i]) + ") AS " +
             numbered("v", i);
    s += " FROM " + from;
    if (!where.empty()) s += " WHERE " + where;
    return s;
}

std::string latest_bets(std::string_view db) {
    return "(SELECT * FROM " + sql_table(db, "fact_bet") +
           " ORDER BY bet_id, _version DESC LIMIT 1 BY bet_id)";
}

std::string latest_wallet(std::string_view db) {
    return "(SELECT * FROM " + sql_table(db, "fact_wallet_transaction") +
           " ORDER BY id, _version DESC LIMIT 1 BY id)";
}

// Inner select of the contributions: grouping columns and s1..s15 (no ORDER BY).
std::string contributions_body(std::string_view db) {
    std::string s =
        "SELECT toInt64(toUInt32(hour)) AS k_hour, country, currency, sport, channel, fact";
    for (size_t i = 0; i < kValues.size(); ++i)
        s += ", sum(sign * toInt64(" + std::string(kValues[i]) + ")) AS " + numbered("s", i);
    s += " FROM " + sql_table(db, "kpi_hourly_contrib") + " FINAL GROUP BY " + kGroup +
         having_nonzero("s");
    return s;
}

std::string recomputed_body(std::string_view db) {
    const std::string sport =
        "if(length(sports) = 0 OR has(sports, ''), '', "
        "if(arrayAll(x -> x = sports[1], sports), sports[1], 'multiple'))";
    const std::string bets = latest_bets(db);
    const std::string wallet = latest_wallet(db);
    // Placement: accepted turnover, bet count and open liability in the placement hour.
    std::array<std::string, 15> placed;
    placed[0] = "if((status != 'void' AND status != 'deleted'), stake_minor, 0)";
    placed[4] = "(status != 'void' AND status != 'deleted')";
    placed[7] = "if(status = 'open', potential_payout_minor - stake_minor, 0)";
    placed[8] = "if((status != 'void' AND status != 'deleted'), stake_eur_cents, 0)";
    placed[14] = "if(status = 'open', potential_payout_eur_cents - stake_eur_cents, 0)";
    // Settlement: the settled view in the hour of the (latest) settlement.
    std::array<std::string, 15> settled;
    settled[1] = "stake_minor";
    settled[2] = "payout_minor";
    settled[3] = "ggr_minor";
    settled[9] = "stake_eur_cents";
    settled[10] = "payout_eur_cents";
    settled[11] = "stake_eur_cents - payout_eur_cents";
    // The ledger (cash view) in the hour it was recorded.
    const std::string turnover = "if(type IN ('stake_debit', 'refund'), -amount_minor, 0)";
    const std::string payouts = "if(type IN ('payout_credit', 'adjustment'), amount_minor, 0)";
    const std::string turnover_eur = "if(type IN ('stake_debit', 'refund'), -amount_eur_cents, 0)";
    const std::string payouts_eur =
        "if(type IN ('payout_credit', 'adjustment'), amount_eur_cents, 0)";
    std::array<std::string, 15> ledger;
    ledger[0] = turnover;
    ledger[2] = payouts;
    ledger[3] = turnover + " - " + payouts;
    ledger[5] = "if(type = 'deposit', amount_minor, 0)";
    ledger[6] = "if(type = 'withdrawal', -amount_minor, 0)";
    ledger[8] = turnover_eur;
    ledger[10] = payouts_eur;
    ledger[11] = turnover_eur + " - " + payouts_eur;
    ledger[12] = "if(type = 'deposit', amount_eur_cents, 0)";
    ledger[13] = "if(type = 'withdrawal', -amount_eur_cents, 0)";

    std::string s = "SELECT " + std::string(kGroup);
    for (size_t i = 0; i < kValues.size(); ++i)
        s += ", sum(" + numbered("v", i) + ") AS " + numbered("s", i);
    s += " FROM (" +
         branch("intDiv(placed_at_us, 3600000000) * 3600", "player_country", sport, "channel",
                "bet", placed, bets, "") +
         " UNION ALL " +
         branch("intDiv(settled_at_us, 3600000000) * 3600", "player_country", sport, "channel",
                "bet", settled, bets, "status IN ('won', 'lost', 'cashed_out')") +
         " UNION ALL " +
         branch("intDiv(created_at_us, 3600000000) * 3600", "player_country", "''", "''", "wallet",
                ledger, wallet, "status = 'completed' AND deleted = 0") +
         ") GROUP BY " + kGroup + having_nonzero("s");
    return s;
}

}  // namespace

const std::string& KpiQueries::value_columns() {
    static const std::string c = [] {
        std::string s;
        for (size_t i = 0; i < kValues.size(); ++i) s += (i ? ", " : "") + std::string(kValues[i]);
        return s;
    }();
    return c;
}

std::string KpiQueries::from_contributions(std::string_view database) {
    return contributions_body(database) + " ORDER BY " + kGroup;
}

std::string KpiQueries::recomputed_from_facts(std::string_view database) {
    return recomputed_body(database) + " ORDER BY " + kGroup;
}

std::string KpiQueries::mismatches(std::string_view database) {
    std::string first = "SELECT " + std::string(kGroup);
    std::string second = first;
    for (size_t i = 0; i < kValues.size(); ++i) {
        first += ", " + numbered("s", i) + " AS " + numbered("m", i);
        second += ", -" + numbered("s", i) + " AS " + numbered("m", i);
    }
    std::string s = "SELECT " + std::string(kGroup);
    for (size_t i = 0; i < kValues.size(); ++i)
        s += ", sum(" + numbered("m", i) + ") AS " + numbered("d", i);
    s += " FROM (" + first + " FROM (" + contributions_body(database) + ") UNION ALL " + second +
         " FROM (" + recomputed_body(database) + ")) GROUP BY " + kGroup + having_nonzero("d") +
         " ORDER BY " + kGroup;
    return s;
}

std::string KpiQueries::hourly_report(std::string_view database) {
    auto bet = [](const char* v) {
        return "sumIf(sign * toInt64(" + std::string(v) + "), fact = 'bet')";
    };
    auto cash = [](const char* v) {
        return "sumIf(sign * toInt64(" + std::string(v) + "), fact = 'wallet')";
    };
    auto all = [](const char* v) { return "sum(sign * toInt64(" + std::string(v) + "))"; };
    return "SELECT toInt64(toUInt32(hour)) AS k_hour, country, currency, " + bet("turnover_minor") +
           " AS turnover, " + cash("turnover_minor") + " AS turnover_cash, " +
           bet("settled_turnover_minor") + " AS settled_turnover, " + bet("payouts_minor") +
           " AS payouts_settled, " + cash("payouts_minor") + " AS payouts_cash, " +
           bet("ggr_minor") + " AS ggr_settled, " + cash("ggr_minor") + " AS ggr_cash, " +
           bet("bets") + " AS bet_count, " + cash("deposits_minor") + " AS deposits, " +
           cash("withdrawals_minor") + " AS withdrawals, " +
           "deposits - withdrawals AS net_deposits, " + all("open_liability_minor") +
           " AS open_liability, " + bet("ggr_eur_cents") + " AS ggr_settled_eur_cents, " +
           cash("ggr_eur_cents") + " AS ggr_cash_eur_cents, " + bet("turnover_eur_cents") +
           " AS turnover_eur_cents FROM " + sql_table(database, "kpi_hourly_contrib") +
           " FINAL GROUP BY k_hour, country, currency HAVING turnover != 0 OR turnover_cash != "
           "0 OR settled_turnover != 0 OR payouts_settled != 0 OR payouts_cash != 0 OR "
           "ggr_settled != 0 OR ggr_cash != 0 OR bet_count != 0 OR deposits != 0 OR "
           "withdrawals != 0 OR open_liability != 0 OR ggr_settled_eur_cents != 0 OR "
           "ggr_cash_eur_cents != 0 OR turnover_eur_cents != 0 "
           "ORDER BY k_hour, country, currency";
}

std::string KpiQueries::active_players(std::string_view database, int64_t from_us, int64_t to_us) {
    return "SELECT player_country, uniqExact(player_id) FROM " + latest_bets(database) +
           " WHERE (status != 'void' AND status != 'deleted') AND placed_at_us >= " +
           std::to_string(from_us) + " AND placed_at_us < " + std::to_string(to_us) +
           " GROUP BY player_country ORDER BY player_country";
}

std::string KpiQueries::active_players_by_day_from_kpis(std::string_view database) {
    // A player is active on a day in a country when the +1/-1 bet counts of their bets placed
    // that day still sum above zero: exact distinct, with voids retracted (docs/kpis.md).
    return "SELECT day, country, count() FROM (SELECT intDiv(toUInt32(hour), 86400) AS day, "
           "country, player_id, sum(sign * toInt64(bets)) AS b FROM " +
           sql_table(database, "kpi_hourly_contrib") +
           " FINAL WHERE fact = 'bet' GROUP BY day, country, player_id HAVING b > 0) "
           "GROUP BY day, country ORDER BY day, country";
}

std::string KpiQueries::active_players_by_day_from_facts(std::string_view database) {
    return "SELECT intDiv(placed_at_us, 86400000000) AS day, player_country, "
           "uniqExact(player_id) FROM " +
           latest_bets(database) +
           " WHERE (status != 'void' AND status != 'deleted') GROUP BY day, player_country ORDER "
           "BY day, "
           "player_country";
}

}  // namespace tote
