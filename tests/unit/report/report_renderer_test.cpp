#include "report/report_renderer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <limits>

#include "report/report_date.h"

namespace tote {
namespace {

TEST(ReportDate, ParsesRealDatesOnly) {
    EXPECT_EQ(parse_report_date("1970-01-01"), 0);
    EXPECT_EQ(parse_report_date("2025-11-24"), 20416);
    EXPECT_EQ(parse_report_date("2024-02-29"), 19782);
    EXPECT_EQ(parse_report_date("2025-02-29"), std::nullopt);  // not a leap year
    EXPECT_EQ(parse_report_date("2025-13-01"), std::nullopt);
    EXPECT_EQ(parse_report_date("2025-04-31"), std::nullopt);
    EXPECT_EQ(parse_report_date("2025-1-01"), std::nullopt);
    EXPECT_EQ(parse_report_date("2025/11/24"), std::nullopt);
    EXPECT_EQ(parse_report_date("2025-11-24T00"), std::nullopt);
    EXPECT_EQ(parse_report_date("1969-12-31"), std::nullopt);
    EXPECT_EQ(parse_report_date(""), std::nullopt);
    EXPECT_EQ(parse_report_date("+025-11-24"), std::nullopt);
}

TEST(ReportDate, FormatsDays) {
    EXPECT_EQ(format_report_date(0), "1970-01-01");
    EXPECT_EQ(format_report_date(20416), "2025-11-24");
    EXPECT_EQ(format_report_date(19782), "2024-02-29");
    for (int64_t d : {0, 59, 19782, 20416, 2932896})
        EXPECT_EQ(parse_report_date(format_report_date(d)), d);
}

TEST(ReportFormat, MoneyWithAndWithoutSeparators) {
    EXPECT_EQ(format_eur(0, true), "0.00");
    EXPECT_EQ(format_eur(5, true), "0.05");
    EXPECT_EQ(format_eur(-5, true), "-0.05");
    EXPECT_EQ(format_eur(-100, true), "-1.00");
    EXPECT_EQ(format_eur(99999, true), "999.99");
    EXPECT_EQ(format_eur(100000, true), "1,000.00");
    EXPECT_EQ(format_eur(123456, true), "1,234.56");
    EXPECT_EQ(format_eur(-123456789, true), "-1,234,567.89");
    EXPECT_EQ(format_eur(-123456789, false), "-1234567.89");
    EXPECT_EQ(format_eur(std::numeric_limits<int64_t>::min(), true), "-92,233,720,368,547,758.08");
    EXPECT_EQ(format_eur(std::numeric_limits<int64_t>::max(), false), "92233720368547758.07");
}

TEST(ReportFormat, PercentRoundsHalfAwayFromZeroAndIsUndefinedForZero) {
    EXPECT_EQ(format_percent(1050, 1200), "87.50");
    EXPECT_EQ(format_percent(-700, 700), "-100.00");
    EXPECT_EQ(format_percent(1, 3), "33.33");
    EXPECT_EQ(format_percent(2, 3), "66.67");
    EXPECT_EQ(format_percent(1, 8000), "0.01");   // 0.0125 -> 0.01
    EXPECT_EQ(format_percent(1, 40000), "0.00");  // 0.0025 -> 0.00, never "-0.00"
    EXPECT_EQ(format_percent(-1, 40000), "0.00");
    EXPECT_EQ(format_percent(-1, 20000), "-0.01");  // -0.005 -> -0.01 (half away from zero)
    EXPECT_EQ(format_percent(1, 20000), "0.01");
    EXPECT_EQ(format_percent(5, -10), "-50.00");
    EXPECT_EQ(format_percent(0, 10), "0.00");
    EXPECT_EQ(format_percent(10, 0), std::nullopt);
    EXPECT_EQ(format_percent(std::numeric_limits<int64_t>::min(), 1), "-922337203685477580800.00");
}

ReportRow country_row(int64_t day, std::string country) {
    ReportRow r;
    r.day = day;
    r.country = std::move(country);
    return r;
}

// Two country rows (one unknown), a day total, a grand total.
Report small_report() {
    Report rep;
    rep.from_day = 20416;
    rep.to_day = 20416;
    ReportRow a = country_row(20416, "");
    a.turnover_eur_cents = 123456789;
    a.cash_turnover_eur_cents = -5;
    a.bets = 3;
    a.active_players = 2;
    ReportRow b = country_row(20416, "NG");
    b.settled_turnover_eur_cents = 1200;
    b.payouts_settled_eur_cents = 150;
    b.ggr_settled_eur_cents = 1050;
    b.deposits_eur_cents = 100;
    b.withdrawals_eur_cents = 300;
    b.net_deposits_eur_cents = -200;
    b.open_liability_eur_cents = 7;
    b.bets = 1;
    b.active_players = 1;
    ReportRow day = b;
    day.kind = ReportRowKind::DayTotal;
    day.country = "";
    day.turnover_eur_cents = a.turnover_eur_cents;
    day.cash_turnover_eur_cents = a.cash_turnover_eur_cents;
    day.bets = 4;
    day.active_players = 2;
    ReportRow grand = day;
    grand.kind = ReportRowKind::GrandTotal;
    grand.day = 0;
    rep.rows = {a, b, day, grand};
    return rep;
}

TEST(ReportRender, CsvIsExactInCentsNamedSo) {
    EXPECT_EQ(render_csv(small_report()),
              "kind,day,country,turnover_eur_cents,cash_turnover_eur_cents,"
              "settled_turnover_eur_cents,payouts_settled_eur_cents,payouts_cash_eur_cents,"
              "ggr_settled_eur_cents,ggr_cash_eur_cents,margin_settled_pct,bets,active_players,"
              "deposits_eur_cents,withdrawals_eur_cents,net_deposits_eur_cents,"
              "open_liability_eur_cents\n"
              "country,2025-11-24,(unknown),123456789,-5,0,0,0,0,0,,3,2,0,0,0,0\n"
              "country,2025-11-24,NG,0,0,1200,150,0,1050,0,87.50,1,1,100,300,-200,7\n"
              "day_total,2025-11-24,TOTAL,123456789,-5,1200,150,0,1050,0,87.50,4,2,100,300,-200,"
              "7\n"
              "grand_total,TOTAL,TOTAL,123456789,-5,1200,150,0,1050,0,87.50,4,2,100,300,-200,7\n");
}

TEST(ReportRender, TableShowsMajorUnitsWithTheCurrencyAlignedAndDashForNoMargin) {
    Report rep = small_report();
    rep.rows.erase(rep.rows.begin() + 1, rep.rows.begin() + 3);  // the unknown row and the total
    rep.rows[1].turnover_eur_cents = -100000;
    rep.filtered = true;  // a --country "(unknown)" report
    std::string t = render_table(rep);
    const std::string header =
        "day         country            turnover  cash_turnover  settled_turnover  "
        "payouts_settled  payouts_cash  ggr_settled  ggr_cash  margin_settled_pct  bets  "
        "active_players  deposits  withdrawals  net_deposits  open_liability";
    const std::string rule(header.size(), '-');  // as wide as the table
    const std::string expected =
        "KPIs 2025-11-24 .. 2025-11-24 (UTC days), country: (unknown), money in EUR (major "
        "units)\n" +
        header + "\n" + rule + "\n" +
        "2025-11-24  (unknown)  EUR 1,234,567.89      EUR -0.05          EUR 0.00         EUR "
        "0.00      EUR 0.00     EUR 0.00  EUR 0.00                   -     3               2  "
        "EUR 0.00     EUR 0.00      EUR 0.00        EUR 0.00\n" +
        rule + "\n" +
        "TOTAL       TOTAL         EUR -1,000.00      EUR -0.05         EUR 12.00         EUR "
        "1.50      EUR 0.00    EUR 10.50  EUR 0.00              87.50%     4               2  "
        "EUR 1.00     EUR 3.00     EUR -2.00        EUR 0.07\n";
    EXPECT_EQ(t, expected);
}

TEST(ReportRender, JsonParsesWithExactCents) {
    std::string text = render_json(small_report());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
    EXPECT_EQ(std::string_view(doc["from"]), "2025-11-24");
    EXPECT_EQ(std::string_view(doc["to"]), "2025-11-24");
    EXPECT_EQ(std::string_view(doc["currency"]), "EUR");
    EXPECT_TRUE(doc["country"].is_null());
    simdjson::dom::array rows = doc["rows"];
    ASSERT_EQ(rows.size(), 4u);
    auto r0 = rows.at(0);
    EXPECT_EQ(std::string_view(r0["kind"]), "country");
    EXPECT_EQ(std::string_view(r0["day"]), "2025-11-24");
    EXPECT_EQ(std::string_view(r0["country"]), "(unknown)");
    EXPECT_EQ(int64_t(r0["turnover_eur_cents"]), 123456789);
    EXPECT_EQ(int64_t(r0["cash_turnover_eur_cents"]), -5);
    EXPECT_TRUE(r0["margin_settled_pct"].is_null());
    EXPECT_EQ(int64_t(r0["bets"]), 3);
    EXPECT_EQ(int64_t(r0["active_players"]), 2);
    auto r1 = rows.at(1);
    EXPECT_EQ(double(r1["margin_settled_pct"]), 87.5);
    EXPECT_EQ(int64_t(r1["net_deposits_eur_cents"]), -200);
    EXPECT_EQ(int64_t(r1["open_liability_eur_cents"]), 7);
    EXPECT_EQ(std::string_view(rows.at(2)["kind"]), "day_total");
    EXPECT_TRUE(rows.at(2)["country"].is_null());
    EXPECT_EQ(std::string_view(rows.at(3)["kind"]), "grand_total");
    EXPECT_TRUE(rows.at(3)["day"].is_null());
    EXPECT_EQ(int64_t(rows.at(3)["bets"]), 4);

    Report filtered = small_report();
    filtered.filtered = true;
    filtered.country_filter = "NG";
    ASSERT_EQ(parser.parse(render_json(filtered)).get(doc), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(doc["country"]), "NG");
}

}  // namespace
}  // namespace tote
