#include "report/kpi_report.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace tote {
namespace {

// Fields: day, country, turnover, cash_turnover, settled_turnover, payouts_settled,
// payouts_cash, ggr_settled, ggr_cash, bets, deposits, withdrawals, open_liability.
constexpr const char* kKpis =
    "20416\t\t100\t100\t0\t0\t0\t0\t100\t1\t0\t0\t250\n"
    "20416\tNG\t1000\t1500\t0\t0\t2500\t0\t-1000\t1\t5000\t200\t0\n"
    "20417\tKE\t800\t800\t700\t1400\t1400\t-700\t-600\t2\t0\t800\t300\n";
// level, day, country, players. Day 20417 has players in NG but no money there (a zero stake).
constexpr const char* kPlayers =
    "0\t20416\t\t1\n"
    "0\t20416\tNG\t2\n"
    "0\t20417\tKE\t2\n"
    "0\t20417\tNG\t1\n"
    "1\t20416\t\t3\n"
    "1\t20417\t\t2\n"
    "2\t0\t\t4\n";

TEST(KpiReport, AssemblesRowsDayTotalsAndGrandTotalWithoutSummingPlayers) {
    Report r = KpiReport::assemble(20416, 20417, std::nullopt, kKpis, kPlayers);
    EXPECT_EQ(r.from_day, 20416);
    EXPECT_EQ(r.to_day, 20417);
    EXPECT_FALSE(r.filtered);
    ASSERT_EQ(r.rows.size(), 7u);
    // Day 1: (unknown), NG, total.
    EXPECT_EQ(r.rows[0].kind, ReportRowKind::Country);
    EXPECT_EQ(r.rows[0].country, "");
    EXPECT_EQ(r.rows[0].open_liability_eur_cents, 250);
    EXPECT_EQ(r.rows[0].active_players, 1u);
    EXPECT_EQ(r.rows[1].country, "NG");
    EXPECT_EQ(r.rows[1].net_deposits_eur_cents, 4800);
    EXPECT_EQ(r.rows[1].ggr_cash_eur_cents, -1000);
    EXPECT_EQ(r.rows[2].kind, ReportRowKind::DayTotal);
    EXPECT_EQ(r.rows[2].day, 20416);
    EXPECT_EQ(r.rows[2].turnover_eur_cents, 1100);
    EXPECT_EQ(r.rows[2].cash_turnover_eur_cents, 1600);
    EXPECT_EQ(r.rows[2].bets, 2);
    EXPECT_EQ(r.rows[2].active_players, 3u);  // from level 1, not 1 + 2
    // Day 2: KE, NG (players only), total.
    EXPECT_EQ(r.rows[3].country, "KE");
    EXPECT_EQ(r.rows[3].ggr_settled_eur_cents, -700);
    EXPECT_EQ(r.rows[4].country, "NG");
    EXPECT_EQ(r.rows[4].day, 20417);
    EXPECT_EQ(r.rows[4].turnover_eur_cents, 0);
    EXPECT_EQ(r.rows[4].active_players, 1u);
    EXPECT_EQ(r.rows[5].kind, ReportRowKind::DayTotal);
    EXPECT_EQ(r.rows[5].active_players, 2u);
    EXPECT_EQ(r.rows[5].net_deposits_eur_cents, -800);
    // Grand total.
    const ReportRow& g = r.rows[6];
    EXPECT_EQ(g.kind, ReportRowKind::GrandTotal);
    EXPECT_EQ(g.turnover_eur_cents, 1900);
    EXPECT_EQ(g.cash_turnover_eur_cents, 2400);
    EXPECT_EQ(g.settled_turnover_eur_cents, 700);
    EXPECT_EQ(g.payouts_settled_eur_cents, 1400);
    EXPECT_EQ(g.payouts_cash_eur_cents, 3900);
    EXPECT_EQ(g.ggr_settled_eur_cents, -700);
    EXPECT_EQ(g.ggr_cash_eur_cents, -1500);
    EXPECT_EQ(g.bets, 4);
    EXPECT_EQ(g.active_players, 4u);
    EXPECT_EQ(g.deposits_eur_cents, 5000);
    EXPECT_EQ(g.withdrawals_eur_cents, 1000);
    EXPECT_EQ(g.net_deposits_eur_cents, 4000);
    EXPECT_EQ(g.open_liability_eur_cents, 550);
}

TEST(KpiReport, EmptyOutputGivesAZeroGrandTotal) {
    Report r = KpiReport::assemble(1, 2, std::string("NG"), "", "2\t0\t\t0\n");
    ASSERT_EQ(r.rows.size(), 1u);
    ReportRow zero;
    zero.kind = ReportRowKind::GrandTotal;
    EXPECT_EQ(r.rows[0], zero);
    EXPECT_TRUE(r.filtered);
    EXPECT_EQ(r.country_filter, "NG");
}

TEST(KpiReport, RejectsOutputOfAnotherShape) {
    EXPECT_THROW(KpiReport::assemble(1, 2, std::nullopt, "1\tNG\t5\n", ""), ToteError);
    EXPECT_THROW(KpiReport::assemble(1, 2, std::nullopt, "", "0\t1\tNG\tx\n"), ToteError);
}

TEST(KpiReport, SqlFiltersTheRangeAndQuotesTheCountry) {
    KpiReport rep("my db");
    std::string kpi = rep.kpi_sql(20416, 20417, std::string("N'G"));
    EXPECT_NE(kpi.find("FROM `my db`.`kpi_hourly_contrib` FINAL"), std::string::npos) << kpi;
    EXPECT_NE(kpi.find("toUInt32(hour) >= 1763942400 AND toUInt32(hour) < 1764115200"),
              std::string::npos)
        << kpi;
    EXPECT_NE(kpi.find("country = 'N\\'G'"), std::string::npos) << kpi;
    EXPECT_EQ(rep.kpi_sql(1, 1, std::nullopt).find("country ="), std::string::npos);
    std::string players = rep.active_players_sql(20416, 20416, std::nullopt);
    EXPECT_NE(players.find("toUInt32(hour) >= 1763942400 AND toUInt32(hour) < 1764028800"),
              std::string::npos)
        << players;
    EXPECT_NE(players.find("HAVING b > 0"), std::string::npos);
    EXPECT_EQ(players.find("country = "), std::string::npos);
    EXPECT_NE(rep.active_players_sql(1, 1, std::string("")).find("country = ''"),
              std::string::npos);
}

}  // namespace
}  // namespace tote
