#include "report/dashboard_tiles.h"

#include <optional>

#include "core/error.h"
#include "report/kpi_report.h"
#include "report/report_date.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

constexpr int64_t kUsPerSecond = 1000000;
constexpr int64_t kSeriesMinutes = 120;  // the per-minute series: the last two hours

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

const std::vector<std::string> kKpiColumns = {
    "day",           "country",          "turnover",
    "cash_turnover", "settled_turnover", "payouts_settled",
    "payouts_cash",  "ggr_settled",      "ggr_cash",
    "bets",          "deposits",         "withdrawals",
    "open_liability"};

// Per key of a breakdown, today, from kpi_hourly_contrib FINAL like the report's sums.
std::string breakdown_sql(const std::string& table, const std::string& key,
                          const std::string& condition, bool bets_only) {
    auto bet = [](const char* v) {
        return "sumIf(sign * toInt64(" + std::string(v) + "), fact = 'bet')";
    };
    std::string s = "SELECT " + key + " AS k, " + bet("turnover_eur_cents") + " AS b_turnover, " +
                    bet("settled_turnover_eur_cents") + " AS b_settled_turnover, " +
                    bet("ggr_eur_cents") + " AS b_ggr_settled, ";
    if (!bets_only) s += "sumIf(sign * toInt64(ggr_eur_cents), fact = 'wallet') AS b_ggr_cash, ";
    s += bet("bets") + " AS b_bets FROM " + table + " FINAL WHERE (" + condition + ")";
    if (bets_only) s += " AND fact = 'bet'";
    s += " GROUP BY k HAVING b_turnover != 0 OR b_settled_turnover != 0 OR b_ggr_settled != 0 OR "
         "b_bets != 0";
    if (!bets_only) s += " OR b_ggr_cash != 0";
    s += " ORDER BY b_turnover DESC, k";
    return s;
}

// The latest version of every bet placed in [from_us, to_us) (placement never changes for a
// bet, so filtering before LIMIT BY is exact), non-void: the turnover definition of
// docs/kpis.md (stake of every non-void bet on its placement time).
std::string accepted_bets(const std::string& table, int64_t from_us, int64_t to_us) {
    return "(SELECT bet_id, _version, placed_at_us, stake_eur_cents, status, live FROM " + table +
           " WHERE placed_at_us >= " + std::to_string(from_us) + " AND placed_at_us < " +
           std::to_string(to_us) +
           " ORDER BY bet_id, _version DESC LIMIT 1 BY bet_id) WHERE status != 'void' AND status "
           "!= 'deleted'";
}

}  // namespace

DashboardClock::DashboardClock(int64_t as_of) : as_of_us(as_of) {
    today = floor_div(as_of_us, kSecondsPerDay * kUsPerSecond);
    hour_s = floor_div(as_of_us, 3600 * kUsPerSecond) * 3600;
    cut_s = hour_s + 3600 - kSecondsPerDay;
}

std::string DashboardClock::today_condition() const {
    return "toUInt32(hour) >= " + std::to_string(today * kSecondsPerDay) +
           " AND toUInt32(hour) < " + std::to_string((today + 1) * kSecondsPerDay);
}

std::string DashboardClock::today_and_yesterday_condition() const {
    return "(" + today_condition() +
           ") OR (toUInt32(hour) >= " + std::to_string((today - 1) * kSecondsPerDay) +
           " AND toUInt32(hour) < " + std::to_string(cut_s) + ")";
}

DashboardTiles::DashboardTiles(std::string database) : database_(std::move(database)) {}

// ClickHouse 18.16 joins two tables per SELECT: the selections' liability first, then their
// names, one join at a time (each dimension at its latest version, FINAL).
std::string DashboardTiles::liability_sql() const {
    const std::string open_bets =
        "(SELECT bet_id, potential_payout_eur_cents, stake_eur_cents FROM (SELECT bet_id, status, "
        "potential_payout_eur_cents, stake_eur_cents FROM " +
        sql_table(database_, "fact_bet") +
        " ORDER BY bet_id, _version DESC LIMIT 1 BY bet_id) WHERE status = 'open')";
    const std::string live_legs =
        "(SELECT bet_id, event_id, market_id, selection_id FROM (SELECT bet_id, leg_no, "
        "event_id, market_id, selection_id, deleted FROM " +
        sql_table(database_, "fact_bet_leg") +
        " ORDER BY bet_id, leg_no, _version DESC LIMIT 1 BY bet_id, leg_no) WHERE deleted = 0)";
    const std::string by_selection =
        "(SELECT event_id, market_id, selection_id, sum(potential_payout_eur_cents - "
        "stake_eur_cents) AS liability, count() AS bets FROM " +
        open_bets + " AS b ALL INNER JOIN " + live_legs +
        " AS l USING bet_id GROUP BY event_id, market_id, selection_id ORDER BY liability DESC, "
        "selection_id LIMIT 20)";
    auto named = [&](const std::string& inner, const std::string& dim, const std::string& key,
                     const std::string& name_sql, const std::string& as, const std::string& keep) {
        return "(SELECT " + keep + ", " + as + " FROM " + inner + " AS q ANY LEFT JOIN (SELECT " +
               key + ", " + name_sql + " AS " + as + " FROM " + sql_table(database_, dim) +
               " FINAL WHERE deleted = 0) AS d USING " + key + ")";
    };
    const std::string cols = "event_id, market_id, selection_id, liability, bets";
    std::string q =
        named(by_selection, "dim_event", "event_id", "concat(home, ' v ', away)", "event", cols);
    q = named(q, "dim_market", "market_id", "type", "market", cols + ", event");
    q = named(q, "dim_selection", "selection_id", "name", "selection", cols + ", event, market");
    return "SELECT event_id, event, market_id, market, selection_id, selection, liability, bets "
           "FROM " +
           q + " ORDER BY liability DESC, selection_id";
}

// ClickHouse 18.16 joins two tables per SELECT: each bet's legs with their events first, then
// the settled bets.
std::string DashboardTiles::settlement_lag_sql(int64_t from_us, int64_t to_us) const {
    const std::string settled =
        "(SELECT bet_id, settled_at_us FROM (SELECT bet_id, status, settled_at_us FROM " +
        sql_table(database_, "fact_bet") +
        " ORDER BY bet_id, _version DESC LIMIT 1 BY bet_id) WHERE status IN ('won', 'lost') AND "
        "settled_at_us >= " +
        std::to_string(from_us) + " AND settled_at_us < " + std::to_string(to_us) + ")";
    const std::string legs =
        "(SELECT bet_id, event_id FROM (SELECT bet_id, leg_no, event_id, deleted FROM " +
        sql_table(database_, "fact_bet_leg") +
        " ORDER BY bet_id, leg_no, _version DESC LIMIT 1 BY bet_id, leg_no) WHERE deleted = 0)";
    const std::string finished =
        "(SELECT bet_id, max(finished_at_us) AS last_us, min(finished_at_us) AS first_us FROM " +
        legs + " AS l ANY LEFT JOIN (SELECT event_id, finished_at_us FROM " +
        sql_table(database_, "dim_event") +
        " FINAL WHERE deleted = 0) AS e USING event_id GROUP BY bet_id HAVING first_us > 0)";
    return "SELECT count() AS bets, quantileExact(0.5)(lag_s) AS p50_s, "
           "quantileExact(0.9)(lag_s) AS p90_s, max(lag_s) AS max_s FROM (SELECT "
           "intDiv(settled_at_us - last_us, 1000000) AS lag_s FROM " +
           settled + " AS b ALL INNER JOIN " + finished + " AS f USING bet_id)";
}

const std::vector<DashboardTile>& DashboardTiles::tiles() {
    static const std::vector<DashboardTile> t = {
        {"as_of",
         "Data as of",
         "newest bet placement or ledger row in the warehouse (fact_bet, "
         "fact_wallet_transaction), UTC",
         {"as_of_us"}},
        {"today_vs_yesterday", "Today vs the same time yesterday",
         "per UTC day x country, EUR cents, from kpi_hourly_contrib (the SQL of tote report); "
         "yesterday until the end of the same hour",
         kKpiColumns},
        {"players",
         "Active players",
         "exact distinct players with a non-void bet placed (kpi_hourly_contrib.player_id, as "
         "tote report); level 0 per day x country, 1 per day, 2 both days together",
         {"level", "day", "country", "players"}},
        {"series",
         "Turnover per minute",
         "stake of non-void bets by placement minute (latest fact_bet versions), EUR cents, the "
         "last 120 minutes",
         {"minute_s", "turnover", "bets"}},
        {"by_country",
         "Today by country",
         "player's country at placement / of the ledger row, EUR cents",
         {"country", "turnover", "settled_turnover", "ggr_settled", "ggr_cash", "bets"}},
        {"by_sport",
         "Today by sport",
         "the legs' sport (multiple: legs differ), bet view, EUR cents",
         {"sport", "turnover", "settled_turnover", "ggr_settled", "bets"}},
        {"by_channel",
         "Today by channel",
         "the bet's channel, bet view, EUR cents",
         {"channel", "turnover", "settled_turnover", "ggr_settled", "bets"}},
        {"by_phase",
         "Today: pre-match vs in-play",
         "in-play = any leg's event was live at placement (fact_bet.live); stake of non-void "
         "bets placed today, EUR cents",
         {"phase", "turnover", "bets"}},
        {"first_deposits",
         "First-time depositors",
         "players whose first completed deposit ever (latest fact_wallet_transaction versions, "
         "not deleted) is on the day; yesterday until the end of the same hour",
         {"day", "ftd"}},
        {"liability",
         "Trader view: open liability by selection",
         "potential payout − stake of open bets (latest fact_bet versions, EUR cents) with a "
         "live leg on the selection (latest fact_bet_leg versions); an accumulator counts in "
         "full on each of its selections (its worst case if that selection wins): the 20 "
         "largest",
         {"event_id", "event", "market_id", "market", "selection_id", "selection", "liability",
          "bets"}},
        {"settlement_lag",
         "Settlement lag, today",
         "bets won or lost with settled_at today (latest fact_bet versions): settled_at − when "
         "the last of their legs' events first finished (dim_event.finished_at_us, the source's "
         "commit time), in seconds; bets with a leg whose event has not finished are left out",
         {"bets", "p50_s", "p90_s", "max_s"}},
    };
    return t;
}

const std::vector<DashboardKpi>& DashboardTiles::kpis() {
    static const std::vector<DashboardKpi> k = {
        {"turnover", "Turnover (accepted)", "EUR", "turnover", "",
         "stake of every non-void bet, on its placement hour (bet view)"},
        {"bets", "Bets", "count", "bets", "", "1 per non-void bet, on its placement hour"},
        {"payouts_settled", "Payouts (settled basis)", "EUR", "payouts_settled", "",
         "payout of settled bets (won, lost, cashed out), on the settlement hour"},
        {"payouts_cash", "Payouts (cash basis)", "EUR", "payouts_cash", "",
         "amount of completed payout_credit and adjustment ledger rows, on the ledger hour"},
        {"ggr_settled", "GGR (settled basis, accountants')", "EUR", "ggr_settled", "",
         "settled turnover − settled payouts: stake − payout of settled bets, settlement hour"},
        {"ggr_cash", "GGR (cash basis, regulators')", "EUR", "ggr_cash", "",
         "cash turnover − cash payouts: stakes debited − void refunds − payouts paid, ledger "
         "hour"},
        {"margin_settled", "Margin (settled)", "%", "ggr_settled", "settled_turnover",
         "ggr_settled / settled_turnover, each summed over the period first"},
        {"margin_cash", "Margin (cash)", "%", "ggr_cash", "cash_turnover",
         "ggr_cash / cash_turnover, each summed over the period first"},
        {"active_players", "Active players", "count", "players", "",
         "exact distinct player_id of non-void bets placed in the period (never summed)"},
        {"deposits", "Deposits", "EUR", "deposits", "",
         "amount of completed deposit ledger rows (a reversed deposit counts nowhere)"},
        {"withdrawals", "Withdrawals", "EUR", "withdrawals", "",
         "−amount of completed withdrawal ledger rows (positive)"},
        {"net_deposits", "Net deposits", "EUR", "deposits", "withdrawals",
         "deposits − withdrawals"},
        {"first_deposits", "First-time depositors", "count", "ftd", "",
         "players whose first completed deposit ever falls in the period (never summed)"},
    };
    return k;
}

const DashboardTile* DashboardTiles::find(std::string_view id) {
    for (const auto& t : tiles())
        if (t.id == id) return &t;
    return nullptr;
}

std::string DashboardTiles::as_of_sql() const {
    return "SELECT toInt64(max(t)) FROM (SELECT max(placed_at_us) AS t FROM " +
           sql_table(database_, "fact_bet") + " UNION ALL SELECT max(created_at_us) AS t FROM " +
           sql_table(database_, "fact_wallet_transaction") + ")";
}

std::string DashboardTiles::sql(std::string_view id, const DashboardClock& clock) const {
    const std::string kpi = sql_table(database_, "kpi_hourly_contrib");
    const std::string bets = sql_table(database_, "fact_bet");
    const KpiReport report(database_);
    if (id == "today_vs_yesterday")
        return report.kpi_sql_where(clock.today_and_yesterday_condition(), std::nullopt);
    if (id == "players")
        return report.active_players_sql_where(clock.today_and_yesterday_condition(), std::nullopt);
    if (id == "series") {
        const int64_t end_us = (clock.as_of_us / (60 * kUsPerSecond) + 1) * 60 * kUsPerSecond;
        return "SELECT intDiv(placed_at_us, 60000000) * 60 AS minute_s, sum(stake_eur_cents), "
               "count() FROM " +
               accepted_bets(bets, end_us - kSeriesMinutes * 60 * kUsPerSecond, end_us) +
               " GROUP BY minute_s ORDER BY minute_s";
    }
    if (id == "by_country") return breakdown_sql(kpi, "country", clock.today_condition(), false);
    if (id == "by_sport") return breakdown_sql(kpi, "sport", clock.today_condition(), true);
    if (id == "by_channel") return breakdown_sql(kpi, "channel", clock.today_condition(), true);
    if (id == "by_phase") {
        const int64_t day_us = kSecondsPerDay * kUsPerSecond;
        return "SELECT if(live = 1, 'in-play', 'pre-match') AS phase, sum(stake_eur_cents), "
               "count() FROM " +
               accepted_bets(bets, clock.today * day_us, (clock.today + 1) * day_us) +
               " GROUP BY phase ORDER BY phase";
    }
    if (id == "first_deposits") {
        const int64_t day_us = kSecondsPerDay * kUsPerSecond;
        const int64_t today_us = clock.today * day_us;
        return "SELECT toInt64(intDiv(first_us, " + std::to_string(day_us) +
               ")) AS day, count() AS ftd FROM (SELECT player_id, min(created_at_us) AS first_us "
               "FROM (SELECT id, player_id, type, status, created_at_us, deleted FROM " +
               sql_table(database_, "fact_wallet_transaction") +
               " ORDER BY id, _version DESC LIMIT 1 BY id) WHERE type = 'deposit' AND status = "
               "'completed' AND deleted = 0 GROUP BY player_id) WHERE (first_us >= " +
               std::to_string(today_us) + " AND first_us < " + std::to_string(today_us + day_us) +
               ") OR (first_us >= " + std::to_string(today_us - day_us) + " AND first_us < " +
               std::to_string(clock.cut_s * kUsPerSecond) + ") GROUP BY day ORDER BY day";
    }
    if (id == "liability") return liability_sql();
    if (id == "settlement_lag") {
        const int64_t day_us = kSecondsPerDay * kUsPerSecond;
        return settlement_lag_sql(clock.today * day_us, (clock.today + 1) * day_us);
    }
    if (id == "as_of") return as_of_sql();
    throw ToteError(ErrorClass::Fatal, "dashboard: no tile named '" + std::string(id) +
                                           "' (see GET /api/v1/dashboard for the list)");
}

}  // namespace tote
