// tote report: the KPIs per UTC day x country in EUR, as a table, CSV or JSON (docs/report.md).
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "report/kpi_report.h"
#include "report/report_date.h"
#include "report/report_renderer.h"

namespace tote {

namespace {
int64_t parse_day_option(const std::string& flag, const std::string& text) {
    auto day = parse_report_date(text);
    if (!day)
        throw CLI::ValidationError(flag, "'" + text +
                                             "' is not a date: use YYYY-MM-DD (a real UTC "
                                             "calendar day, e.g. 2025-11-24)");
    return *day;
}
}  // namespace

void add_report_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string from;
        std::string to;
        std::string format = "table";
        std::optional<std::string> country;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "report",
        "Print the KPIs per UTC day and country, with a TOTAL per day and for the range, in EUR.\n"
        "Money (EUR, converted per bet/ledger row at that day's FX rate):\n"
        "  turnover          stakes of non-void bets, on the placement day\n"
        "  cash_turnover     stakes debited minus void refunds, on the ledger day\n"
        "  settled_turnover  stakes of bets settled (won/lost/cashed out), on the settlement day\n"
        "  payouts_settled   payouts of those settled bets (returned stake included)\n"
        "  payouts_cash      payout credits and adjustments, on the ledger day\n"
        "  ggr_settled       settled_turnover - payouts_settled (corrections restate the day)\n"
        "  ggr_cash          cash_turnover - payouts_cash (corrections land on their own day)\n"
        "  margin_settled_pct  ggr_settled / settled_turnover of the row, '-' when 0\n"
        "  deposits, withdrawals, net_deposits  completed ledger rows (withdrawals positive)\n"
        "  open_liability    potential payout - stake of bets still open, by placement day\n"
        "Counts: bets = non-void bets placed; active_players = exact distinct players with a\n"
        "non-void bet placed that day (totals are distinct over all their rows, not sums).\n"
        "Definitions: docs/kpis.md. While `tote demo` holds the warehouse, it reads through it.");
    cmd->add_option("--from", opts->from,
                    "First UTC day, YYYY-MM-DD (default: the first day with KPI data)");
    cmd->add_option("--to", opts->to,
                    "Last UTC day, inclusive, YYYY-MM-DD (default: the last day with KPI data)");
    cmd->add_option(
           "--format", opts->format,
           "table (for people: EUR 1,234.56), csv or json (integer EUR cents, *_eur_cents)")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->capture_default_str();
    cmd->add_option("--country", opts->country,
                    "Only this country code (e.g. NG); \"(unknown)\" for players without one");
    cmd->callback([opts, &ctx] {
        ReportOptions options;
        if (!opts->from.empty()) options.from_day = parse_day_option("--from", opts->from);
        if (!opts->to.empty()) options.to_day = parse_day_option("--to", opts->to);
        if (options.from_day && options.to_day && *options.from_day > *options.to_day)
            throw CLI::ValidationError("--from",
                                       "--from " + opts->from + " is after --to " + opts->to);
        if (opts->country)
            options.country = *opts->country == "(unknown)" ? std::string() : *opts->country;
        auto conn = open_for_reading(ctx);
        Report report = KpiReport(ctx.database).run(*conn, options);
        if (opts->format == "csv")
            std::cout << render_csv(report);
        else if (opts->format == "json")
            std::cout << render_json(report);
        else
            std::cout << render_table(report);
        std::cout << std::flush;
    });
}

}  // namespace tote
