// `tote report` on the embedded engine: the scenario of report_scenario.h written with FactWriter
// and its KPI contributions into a temporary warehouse; the report's SQL, parsed rows, CSV and
// JSON against figures computed by hand. One process, one EmbeddedClickHouse.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "core/error.h"
#include "report/kpi_report.h"
#include "report/report_renderer.h"
#include "report_scenario.h"
#include "sink/embedded_clickhouse.h"

namespace tote {
namespace {

namespace sc = report_scenario;

std::filesystem::path g_dir;
std::unique_ptr<EmbeddedClickHouse> g_engine;
constexpr const char* kDb = "report_test";

class EngineEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        char tmpl[] = "/tmp/tote-report-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        g_dir = tmpl;
        g_engine = std::make_unique<EmbeddedClickHouse>(g_dir / "warehouse");
        sc::write(*g_engine, kDb);
    }
    void TearDown() override {
        g_engine.reset();
        std::error_code ec;
        std::filesystem::remove_all(g_dir, ec);
    }
};

Report run(std::optional<int64_t> from = {}, std::optional<int64_t> to = {},
           std::optional<std::string> country = {}) {
    ReportOptions options;
    options.from_day = from;
    options.to_day = to;
    options.country = std::move(country);
    return KpiReport(kDb).run(*g_engine, options);
}

TEST(ReportEngine, WholeRangeByDefaultWithHandComputedFigures) {
    Report r = run();
    EXPECT_EQ(r.from_day, sc::kD1);
    EXPECT_EQ(r.to_day, sc::kD2);
    std::vector<ReportRow> expected = {sc::d1_ke(), sc::d1_ng(), sc::d1_total(), sc::d2_unknown(),
                                       sc::d2_ke(), sc::d2_ng(), sc::d2_total(), sc::grand_total()};
    ASSERT_EQ(r.rows.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(r.rows[i], expected[i]) << "row " << i;
}

TEST(ReportEngine, OneDayRange) {
    Report r = run(sc::kD2, sc::kD2);
    ReportRow grand = sc::d2_total();
    grand.kind = ReportRowKind::GrandTotal;
    grand.day = 0;
    std::vector<ReportRow> expected = {sc::d2_unknown(), sc::d2_ke(), sc::d2_ng(), sc::d2_total(),
                                       grand};
    EXPECT_EQ(r.rows, expected);
}

TEST(ReportEngine, CountryFilterCountsPlayersInThatCountryOnly) {
    Report r = run({}, {}, "NG");
    ASSERT_EQ(r.rows.size(), 5u);
    EXPECT_EQ(r.rows[0], sc::d1_ng());
    ReportRow d1 = sc::d1_ng();
    d1.kind = ReportRowKind::DayTotal;
    d1.country = "";
    EXPECT_EQ(r.rows[1], d1);
    EXPECT_EQ(r.rows[2], sc::d2_ng());
    // NG over both days: player 1 on both days, so 1 active player, not 2.
    ReportRow grand = sc::row(sc::kGrand, 0, "",
                              {1200, 1200, 1200, 150, 150, 1050, 1050, 2, 1, 5000, 0, 5000, 0});
    EXPECT_EQ(r.rows[4], grand);
}

TEST(ReportEngine, UnknownCountryFilter) {
    Report r = run({}, {}, "");
    EXPECT_EQ(r.from_day, sc::kD2);  // the default range: the days with figures for that country
    EXPECT_EQ(r.to_day, sc::kD2);
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0], sc::d2_unknown());
    EXPECT_EQ(r.rows[2].active_players, 1u);
    EXPECT_EQ(r.rows[2].open_liability_eur_cents, 250);
}

TEST(ReportEngine, ARangeWithoutDataGivesAZeroGrandTotal) {
    Report r = run(sc::kD2 + 1, sc::kD2 + 3);
    ASSERT_EQ(r.rows.size(), 1u);
    ReportRow zero;
    zero.kind = ReportRowKind::GrandTotal;
    EXPECT_EQ(r.rows[0], zero);
}

TEST(ReportEngine, CsvOfASmallCaseIsExact) {
    // KE on day 1: bet 3 (300, open, potential 900), its debit, a 3000 deposit; player 3.
    Report r = run(sc::kD1, sc::kD1, "KE");
    EXPECT_EQ(render_csv(r),
              "kind,day,country,turnover_eur_cents,cash_turnover_eur_cents,"
              "settled_turnover_eur_cents,payouts_settled_eur_cents,payouts_cash_eur_cents,"
              "ggr_settled_eur_cents,ggr_cash_eur_cents,margin_settled_pct,bets,active_players,"
              "deposits_eur_cents,withdrawals_eur_cents,net_deposits_eur_cents,"
              "open_liability_eur_cents\n"
              "country,2025-11-24,KE,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n"
              "day_total,2025-11-24,TOTAL,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n"
              "grand_total,TOTAL,TOTAL,300,300,0,0,0,0,300,,1,1,3000,0,3000,600\n");
}

TEST(ReportEngine, JsonParsesWithTheRightCents) {
    std::string text = render_json(run());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
    EXPECT_EQ(std::string_view(doc["from"]), "2025-11-24");
    EXPECT_EQ(std::string_view(doc["to"]), "2025-11-25");
    EXPECT_EQ(std::string_view(doc["currency"]), "EUR");
    simdjson::dom::array rows = doc["rows"];
    ASSERT_EQ(rows.size(), 8u);
    auto ng2 = rows.at(5);  // D2 NG
    EXPECT_EQ(std::string_view(ng2["country"]), "NG");
    EXPECT_EQ(std::string_view(ng2["day"]), "2025-11-25");
    EXPECT_EQ(int64_t(ng2["cash_turnover_eur_cents"]), -300);
    EXPECT_EQ(int64_t(ng2["payouts_cash_eur_cents"]), -2350);
    EXPECT_EQ(int64_t(ng2["ggr_settled_eur_cents"]), 1050);
    EXPECT_EQ(double(ng2["margin_settled_pct"]), 87.5);
    auto unknown = rows.at(3);
    EXPECT_EQ(std::string_view(unknown["country"]), "(unknown)");
    EXPECT_TRUE(unknown["margin_settled_pct"].is_null());
    auto grand = rows.at(7);
    EXPECT_EQ(std::string_view(grand["kind"]), "grand_total");
    EXPECT_EQ(int64_t(grand["ggr_cash_eur_cents"]), 850);
    EXPECT_EQ(int64_t(grand["net_deposits_eur_cents"]), 7200);
    EXPECT_EQ(int64_t(grand["active_players"]), 3);
}

TEST(ReportEngine, MissingTablesAndEmptyRangesAreClearErrors) {
    g_engine->query("CREATE DATABASE IF NOT EXISTS report_empty");
    try {
        KpiReport("report_empty").run(*g_engine, {});
        FAIL() << "no error for a database without KPI tables";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("report_empty.kpi_hourly_contrib does not exist"),
                  std::string::npos)
            << e.what();
    }
    Migrator(*g_engine, "report_no_rows").apply();
    try {
        KpiReport("report_no_rows").run(*g_engine, {});
        FAIL() << "no error for an empty KPI table without a range";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("holds no KPI figures yet"), std::string::npos)
            << e.what();
    }
    ReportOptions given;
    given.from_day = sc::kD1;
    given.to_day = sc::kD1;
    Report empty = KpiReport("report_no_rows").run(*g_engine, given);
    ASSERT_EQ(empty.rows.size(), 1u);
    EXPECT_EQ(empty.rows[0].kind, ReportRowKind::GrandTotal);
    try {
        run(sc::kD2, sc::kD1);
        FAIL() << "no error for from > to";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("from 2025-11-25 is after to 2025-11-24"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EngineEnvironment);
    return RUN_ALL_TESTS();
}
