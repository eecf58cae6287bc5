#include "report/kpi_report.h"

#include <charconv>
#include <map>
#include <utility>

#include "core/error.h"
#include "report/report_date.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

constexpr int64_t kUsPerDay = kSecondsPerDay * 1000000;

template <typename T>
T parse_number(const std::string& field, std::string_view what) {
    T v{};
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || end != field.data() + field.size())
        throw ToteError(ErrorClass::Fatal, "report: unexpected value '" + field + "' for " +
                                               std::string(what) +
                                               " in the warehouse's answer (not an integer)");
    return v;
}

void add_into(ReportRow& total, const ReportRow& r) {
    total.turnover_eur_cents += r.turnover_eur_cents;
    total.cash_turnover_eur_cents += r.cash_turnover_eur_cents;
    total.settled_turnover_eur_cents += r.settled_turnover_eur_cents;
    total.payouts_settled_eur_cents += r.payouts_settled_eur_cents;
    total.payouts_cash_eur_cents += r.payouts_cash_eur_cents;
    total.ggr_settled_eur_cents += r.ggr_settled_eur_cents;
    total.ggr_cash_eur_cents += r.ggr_cash_eur_cents;
    total.bets += r.bets;
    total.deposits_eur_cents += r.deposits_eur_cents;
    total.withdrawals_eur_cents += r.withdrawals_eur_cents;
    total.net_deposits_eur_cents += r.net_deposits_eur_cents;
    total.open_liability_eur_cents += r.open_liability_eur_cents;
}

}  // namespace

KpiReport::KpiReport(std::string database) : database_(std::move(database)) {}

std::string KpiReport::table_exists_sql() const {
    return "SELECT count() FROM system.tables WHERE database = " + sql_string(database_) +
           " AND name = 'kpi_hourly_contrib'";
}

std::string KpiReport::range_sql(const std::optional<std::string>& country) const {
    return "SELECT count(), min(k_day), max(k_day) FROM (" + grouped_sql(country, "") + ")";
}

std::string KpiReport::kpi_sql(int64_t from_day, int64_t to_day,
                               const std::optional<std::string>& country) const {
    return grouped_sql(country, "toUInt32(hour) >= " + std::to_string(from_day * kSecondsPerDay) +
                                    " AND toUInt32(hour) < " +
                                    std::to_string((to_day + 1) * kSecondsPerDay)) +
           " ORDER BY k_day, country";
}

std::string KpiReport::kpi_sql_where(const std::string& hour_condition,
                                     const std::optional<std::string>& country) const {
    return grouped_sql(country, "(" + hour_condition + ")") + " ORDER BY k_day, country";
}

std::string KpiReport::grouped_sql(const std::optional<std::string>& country,
                                   const std::string& where) const {
    auto bet = [](const char* v) {
        return "sumIf(sign * toInt64(" + std::string(v) + "), fact = 'bet')";
    };
    auto cash = [](const char* v) {
        return "sumIf(sign * toInt64(" + std::string(v) + "), fact = 'wallet')";
    };
    std::string s = "SELECT intDiv(toUInt32(hour), 86400) AS k_day, country, " +
                    bet("turnover_eur_cents") + " AS r_turnover, " + cash("turnover_eur_cents") +
                    " AS r_cash_turnover, " + bet("settled_turnover_eur_cents") +
                    " AS r_settled_turnover, " + bet("payouts_eur_cents") +
                    " AS r_payouts_settled, " + cash("payouts_eur_cents") + " AS r_payouts_cash, " +
                    bet("ggr_eur_cents") + " AS r_ggr_settled, " + cash("ggr_eur_cents") +
                    " AS r_ggr_cash, " + bet("bets") + " AS r_bets, " + cash("deposits_eur_cents") +
                    " AS r_deposits, " + cash("withdrawals_eur_cents") + " AS r_withdrawals, " +
                    "sum(sign * toInt64(open_liability_eur_cents)) AS r_open_liability FROM " +
                    sql_table(database_, "kpi_hourly_contrib") + " FINAL";
    std::string filter = where;
    if (country) filter += (filter.empty() ? "" : " AND ") + ("country = " + sql_string(*country));
    if (!filter.empty()) s += " WHERE " + filter;
    s += " GROUP BY k_day, country HAVING r_turnover != 0 OR r_cash_turnover != 0 OR "
         "r_settled_turnover != 0 OR r_payouts_settled != 0 OR r_payouts_cash != 0 OR "
         "r_ggr_settled != 0 OR r_ggr_cash != 0 OR r_bets != 0 OR r_deposits != 0 OR "
         "r_withdrawals != 0 OR r_open_liability != 0";
    return s;
}

std::string KpiReport::active_players_sql(int64_t from_day, int64_t to_day,
                                          const std::optional<std::string>& country) const {
    return active_players_sql_where("toUInt32(hour) >= " + std::to_string(from_day * 86400) +
                                        " AND toUInt32(hour) < " +
                                        std::to_string((to_day + 1) * 86400),
                                    country);
}

std::string KpiReport::active_players_sql_where(const std::string& hour_condition,
                                                const std::optional<std::string>& country) const {
    // From the KPI table: a player is active on a day in a country when the +1/-1 bet counts of
    // their bets placed then still sum above zero (a void retracts it). One row per player, day
    // and country; distinct counts over them are exact at every level (docs/kpis.md).
    std::string where = " WHERE fact = 'bet' AND (" + hour_condition + ")";
    if (country) where += " AND country = " + sql_string(*country);
    const std::string active =
        "(SELECT toInt64(intDiv(toUInt32(hour), 86400)) AS d, country, player_id, "
        "sum(sign * toInt64(bets)) AS b FROM " +
        sql_table(database_, "kpi_hourly_contrib") + " FINAL" + where +
        " GROUP BY d, country, player_id HAVING b > 0)";
    return "SELECT r_level, r_day, r_country, r_players FROM (SELECT toUInt8(0) AS r_level, "
           "d AS r_day, toString(country) AS r_country, toUInt64(uniqExact(player_id)) AS "
           "r_players FROM " +
           active +
           " GROUP BY r_day, r_country UNION ALL SELECT toUInt8(1) AS r_level, d AS r_day, "
           "toString('') AS r_country, toUInt64(uniqExact(player_id)) AS r_players FROM " +
           active +
           " GROUP BY r_day UNION ALL SELECT toUInt8(2) AS r_level, toInt64(0) AS r_day, "
           "toString('') AS r_country, toUInt64(uniqExact(player_id)) AS r_players FROM " +
           active + ") ORDER BY r_level, r_day, r_country";
}

Report KpiReport::assemble(int64_t from_day, int64_t to_day,
                           const std::optional<std::string>& country, std::string_view kpi_tsv,
                           std::string_view players_tsv) {
    std::map<std::pair<int64_t, std::string>, ReportRow> by_day_country;
    for (const auto& f : parse_tsv(kpi_tsv)) {
        if (f.size() != 13)
            throw ToteError(ErrorClass::Fatal, "report: the KPI query returned a row of " +
                                                   std::to_string(f.size()) +
                                                   " fields, expected 13");
        ReportRow r;
        r.day = parse_number<int64_t>(f[0], "day");
        r.country = f[1];
        r.turnover_eur_cents = parse_number<int64_t>(f[2], "turnover");
        r.cash_turnover_eur_cents = parse_number<int64_t>(f[3], "cash turnover");
        r.settled_turnover_eur_cents = parse_number<int64_t>(f[4], "settled turnover");
        r.payouts_settled_eur_cents = parse_number<int64_t>(f[5], "settled payouts");
        r.payouts_cash_eur_cents = parse_number<int64_t>(f[6], "cash payouts");
        r.ggr_settled_eur_cents = parse_number<int64_t>(f[7], "settled GGR");
        r.ggr_cash_eur_cents = parse_number<int64_t>(f[8], "cash GGR");
        r.bets = parse_number<int64_t>(f[9], "bets");
        r.deposits_eur_cents = parse_number<int64_t>(f[10], "deposits");
        r.withdrawals_eur_cents = parse_number<int64_t>(f[11], "withdrawals");
        r.net_deposits_eur_cents = r.deposits_eur_cents - r.withdrawals_eur_cents;
        r.open_liability_eur_cents = parse_number<int64_t>(f[12], "open liability");
        auto key = std::make_pair(r.day, r.country);
        by_day_country[key] = std::move(r);
    }
    std::map<int64_t, uint64_t> day_players;
    uint64_t range_players = 0;
    for (const auto& f : parse_tsv(players_tsv)) {
        if (f.size() != 4)
            throw ToteError(ErrorClass::Fatal,
                            "report: the active players query returned a row "
                            "of " +
                                std::to_string(f.size()) + " fields, expected 4");
        auto level = parse_number<int>(f[0], "level");
        auto day = parse_number<int64_t>(f[1], "day");
        auto players = parse_number<uint64_t>(f[3], "active players");
        if (level == 0) {
            ReportRow& r = by_day_country[{day, f[2]}];  // a row with players but no money
            r.day = day;
            r.country = f[2];
            r.active_players = players;
        } else if (level == 1) {
            day_players[day] = players;
        } else {
            range_players = players;
        }
    }

    Report report;
    report.from_day = from_day;
    report.to_day = to_day;
    report.filtered = country.has_value();
    report.country_filter = country.value_or("");
    ReportRow grand;
    grand.kind = ReportRowKind::GrandTotal;
    grand.active_players = range_players;
    for (auto it = by_day_country.begin(); it != by_day_country.end();) {
        const int64_t day = it->first.first;
        ReportRow day_total;
        day_total.kind = ReportRowKind::DayTotal;
        day_total.day = day;
        day_total.active_players = day_players.count(day) ? day_players[day] : 0;
        for (; it != by_day_country.end() && it->first.first == day; ++it) {
            add_into(day_total, it->second);
            report.rows.push_back(it->second);
        }
        add_into(grand, day_total);
        report.rows.push_back(std::move(day_total));
    }
    report.rows.push_back(std::move(grand));
    return report;
}

Report KpiReport::run(ClickHouseConnection& conn, const ReportOptions& options) const {
    auto exists = parse_tsv(conn.query(table_exists_sql()));
    if (exists.empty() || exists[0].empty() || exists[0][0] != "1")
        throw ToteError(ErrorClass::Fatal,
                        "report: table " + database_ + ".kpi_hourly_contrib does not exist on " +
                            conn.describe() +
                            ": the warehouse has no KPI tables yet; run `tote ingest` (or the "
                            "demo) first, or pass the right --database");
    int64_t from_day = 0, to_day = 0;
    if (!options.from_day || !options.to_day) {
        auto range = parse_tsv(conn.query(range_sql(options.country)));
        if (range.size() != 1 || range[0].size() != 3)
            throw ToteError(ErrorClass::Fatal, "report: unexpected answer to the range query");
        if (parse_number<uint64_t>(range[0][0], "row count") == 0)
            throw ToteError(ErrorClass::Fatal,
                            "report: " + database_ + ".kpi_hourly_contrib on " + conn.describe() +
                                " holds no KPI figures" +
                                (options.country ? " for country " + (options.country->empty()
                                                                          ? std::string("(unknown)")
                                                                          : *options.country)
                                                 : std::string()) +
                                " yet, so there is no range to default to: ingest first, or "
                                "give both --from and --to");
        from_day = parse_number<int64_t>(range[0][1], "first day");
        to_day = parse_number<int64_t>(range[0][2], "last day");
    }
    if (options.from_day) from_day = *options.from_day;
    if (options.to_day) to_day = *options.to_day;
    if (from_day > to_day)
        throw ToteError(ErrorClass::Fatal, "report: the range is empty: from " +
                                               format_report_date(from_day) + " is after to " +
                                               format_report_date(to_day));
    std::string kpis = conn.query(kpi_sql(from_day, to_day, options.country));
    std::string players = conn.query(active_players_sql(from_day, to_day, options.country));
    return assemble(from_day, to_day, options.country, kpis, players);
}

}  // namespace tote
