// `tote report`'s SQL on both engines (compiled into test_facts_sql_18 and
// test_facts_sql_embedded): the scenario of tests/unit/report/report_scenario.h, and the report's
// parsed rows against the figures computed there by hand.
#include <gtest/gtest.h>

#include "../../unit/report/report_scenario.h"
#include "facts_scenario.h"
#include "report/kpi_report.h"
#include "report/report_renderer.h"

namespace tote {
namespace {

namespace sc = report_scenario;

TEST(ReportSql, HandComputedFiguresPerDayCountryAndTotals) {
    const std::string db = facts_database_prefix() + "report";
    sc::write(facts_connection(), db);
    KpiReport report(db);

    Report all = report.run(facts_connection(), {});
    EXPECT_EQ(all.from_day, sc::kD1);
    EXPECT_EQ(all.to_day, sc::kD2);
    std::vector<ReportRow> expected = {sc::d1_ke(), sc::d1_ng(), sc::d1_total(), sc::d2_unknown(),
                                       sc::d2_ke(), sc::d2_ng(), sc::d2_total(), sc::grand_total()};
    ASSERT_EQ(all.rows.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(all.rows[i], expected[i]) << "row " << i;

    ReportOptions ke_day1;
    ke_day1.from_day = sc::kD1;
    ke_day1.to_day = sc::kD1;
    ke_day1.country = "KE";
    EXPECT_EQ(render_csv(report.run(facts_connection(), ke_day1)),
              "kind,day,country,turnover_eur_cents,cash_turnover_eur_cents,"
              "settled_turnover_eur_cents,payouts_settled_eur_cents,payouts_cash_eur_cents,"
              "ggr_settled_eur_cents,ggr_cash_eur_cents,margin_settled_pct,bets,active_players,"
              "deposits_eur_cents,withdrawals_eur_cents,net_deposits_eur_cents,"
              "open_liability_eur_cents\n"
              "country,2025-11-24,KE,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n"
              "day_total,2025-11-24,TOTAL,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n"
              "grand_total,TOTAL,TOTAL,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n");

    // NG over both days: player 1 bet on both, so 1 active player in the total, not 2.
    ReportOptions ng;
    ng.country = "NG";
    Report ng_report = report.run(facts_connection(), ng);
    ASSERT_EQ(ng_report.rows.size(), 5u);
    EXPECT_EQ(ng_report.rows[4],
              sc::row(sc::kGrand, 0, "",
                      {1200, 1200, 1200, 150, 150, 1050, 1050, 2, 1, 5000, 0, 5000, 0}));
}

}  // namespace
}  // namespace tote
