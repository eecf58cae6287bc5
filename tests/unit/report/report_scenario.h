#pragma once
// A small warehouse for `tote report` tests, shared by the embedded test (tests/unit/report) and
// the ClickHouse 18.16 test (tests/integration/facts_sql/report_sql_test.cpp): two countries (NG,
// KE) and unknown players, two UTC days (2025-11-24 = day 20416, 2025-11-25), written batch by
// batch with FactWriter and the KPI contributions a fact builder writes, including a resettlement
// across midnight, a void after settlement, a reversed deposit and a pending withdrawal. The
// expected report rows below are computed by hand from these facts (comments show the sums).
#include <string>
#include <vector>

#include "report/report_row.h"
#include "sink/clickhouse_connection.h"
#include "sink/fact_writer.h"
#include "sink/migrator.h"
#include "sink/sql_text.h"
#include "transform/facts/kpi_contributions.h"

namespace tote::report_scenario {

constexpr int64_t kD1 = 20416;  // 2025-11-24
constexpr int64_t kD2 = 20417;  // 2025-11-25

// µs at a UTC day + hour + minute.
constexpr int64_t at(int64_t day, int hour, int minute = 0) {
    return ((day * 24 + hour) * 60 + minute) * int64_t{60000000};
}

inline facts::FactBet bet(int64_t id, uint64_t version, int64_t player, const std::string& country,
                          int64_t stake_eur, int64_t potential_eur, int64_t placed_at) {
    facts::FactBet b;
    b.bet_id = id;
    b.version = version;
    b.log_offset = static_cast<int64_t>(version);
    b.player_id = player;
    b.player_country = country;
    b.currency = country == "KE" ? "KES" : "NGN";
    b.wallet_currency = b.currency;
    b.channel = "web";
    b.bet_type = "single";
    b.status = "open";
    b.stake_minor = stake_eur * 10;
    b.potential_payout_minor = potential_eur * 10;
    b.stake_eur_cents = stake_eur;
    b.potential_payout_eur_cents = potential_eur;
    b.legs = 1;
    b.sports = {"football"};
    b.competitions = {"league"};
    b.placed_at_us = placed_at;
    return b;
}

inline facts::FactBet settle(facts::FactBet b, uint64_t version, const std::string& status,
                             int64_t payout_eur, int64_t at_us) {
    b.version = version;
    b.log_offset = static_cast<int64_t>(version);
    b.status = status;
    b.payout_minor = payout_eur * 10;
    b.payout_eur_cents = payout_eur;
    b.settled_at_us = at_us;
    b.ggr_minor = kpi_settled_status(status) ? b.stake_minor - b.payout_minor : 0;
    return b;
}

inline facts::FactWalletTransaction tx(int64_t id, uint64_t version, int64_t player,
                                       const std::string& country, const std::string& type,
                                       const std::string& status, int64_t amount_eur,
                                       int64_t bet_id, int64_t created_at) {
    facts::FactWalletTransaction t;
    t.id = id;
    t.version = version;
    t.log_offset = static_cast<int64_t>(version);
    t.player_id = player;
    t.type = type;
    t.status = status;
    t.currency = country == "KE" ? "KES" : "NGN";
    t.amount_minor = amount_eur * 10;
    t.amount_eur_cents = amount_eur;
    t.bet_id = bet_id;
    t.player_country = country;
    t.created_at_us = created_at;
    return t;
}

// Adds `current` (with the retraction of `previous`, if any) to the batch and its KPI rows.
inline void add(facts::FactBatch& batch, std::vector<KpiContribution>& kpis,
                const facts::FactBet* previous, const facts::FactBet& current) {
    batch.bets.push_back(current);
    auto rows = kpi_contributions(previous, current);
    kpis.insert(kpis.end(), rows.begin(), rows.end());
}
inline void add(facts::FactBatch& batch, std::vector<KpiContribution>& kpis,
                const facts::FactWalletTransaction* previous,
                const facts::FactWalletTransaction& current) {
    batch.wallet.push_back(current);
    auto rows = kpi_contributions(previous, current);
    kpis.insert(kpis.end(), rows.begin(), rows.end());
}

// Creates `database` afresh (migrations applied) and writes the scenario in three batches.
inline void write(ClickHouseConnection& conn, const std::string& database) {
    conn.query("DROP DATABASE IF EXISTS " + sql_identifier(database));
    Migrator(conn, database).apply();
    FactWriter writer(conn, database);

    // Bets (EUR cents): 1 NG p1 1000 placed D1 10:00; 2 NG p2 500 D1 11:00; 3 KE p3 300
    // (potential 900) D1 12:00, stays open; 4 KE p3 700 D2 10:00; 5 NG p1 200 D2 13:00;
    // 6 unknown country p4 100 (potential 350) D2 15:00, open; 7 KE p1 (moved) 100 (potential
    // 400) D2 16:00, open.
    const auto b1 = bet(1, 100, 1, "NG", 1000, 2500, at(kD1, 10));
    const auto b2 = bet(2, 101, 2, "NG", 500, 1000, at(kD1, 11));
    const auto b3 = bet(3, 102, 3, "KE", 300, 900, at(kD1, 12));
    const auto b4 = bet(4, 103, 3, "KE", 700, 1400, at(kD2, 10));
    const auto b5 = bet(5, 104, 1, "NG", 200, 600, at(kD2, 13));
    const auto b6 = bet(6, 105, 4, "", 100, 350, at(kD2, 15));
    const auto b7 = bet(7, 106, 1, "KE", 100, 400, at(kD2, 16));
    // Ledger, completed unless said otherwise.
    const auto w1 = tx(11, 110, 1, "NG", "deposit", "completed", 5000, 0, at(kD1, 9));
    const auto w2 = tx(12, 111, 1, "NG", "stake_debit", "completed", -1000, 1, at(kD1, 10));
    const auto w3 = tx(13, 112, 2, "NG", "stake_debit", "completed", -500, 2, at(kD1, 11));
    const auto w4 = tx(14, 113, 3, "KE", "deposit", "completed", 3000, 0, at(kD1, 11, 30));
    const auto w5 = tx(15, 114, 3, "KE", "stake_debit", "completed", -300, 3, at(kD1, 12));
    const auto w6 = tx(16, 115, 3, "KE", "deposit", "completed", 999, 0, at(kD2, 7));
    const auto w7 = tx(17, 116, 3, "KE", "stake_debit", "completed", -700, 4, at(kD2, 10));
    const auto w8 = tx(18, 117, 1, "NG", "stake_debit", "completed", -200, 5, at(kD2, 13));
    const auto w9 = tx(19, 118, 4, "", "stake_debit", "completed", -100, 6, at(kD2, 15));
    const auto w10 = tx(20, 119, 1, "KE", "stake_debit", "completed", -100, 7, at(kD2, 16));
    const auto w11 = tx(21, 120, 1, "NG", "withdrawal", "pending", -100, 0, at(kD2, 17));
    const auto w12 = tx(22, 121, 3, "KE", "withdrawal", "completed", -800, 0, at(kD2, 18));
    {
        facts::FactBatch batch;
        std::vector<KpiContribution> kpis;
        for (const auto* b : {&b1, &b2, &b3, &b4, &b5, &b6, &b7}) add(batch, kpis, nullptr, *b);
        for (const auto* w : {&w1, &w2, &w3, &w4, &w5, &w6, &w7, &w8, &w9, &w10, &w11, &w12})
            add(batch, kpis, nullptr, *w);
        writer.write(batch, kpis);
    }
    // Settlements: 1 won 2500 at D1 20:00 (credit D1 20:00); 2 lost D1 12:00; 4 won 1400 D2
    // 11:00 (credit); 5 cashed out 150 D2 14:00 (credit).
    const auto b1_won = settle(b1, 200, "won", 2500, at(kD1, 20));
    const auto b2_lost = settle(b2, 201, "lost", 0, at(kD1, 12));
    const auto b4_won = settle(b4, 202, "won", 1400, at(kD2, 11));
    const auto b5_out = settle(b5, 203, "cashed_out", 150, at(kD2, 14));
    const auto w13 = tx(23, 210, 1, "NG", "payout_credit", "completed", 2500, 1, at(kD1, 20));
    const auto w14 = tx(24, 211, 3, "KE", "payout_credit", "completed", 1400, 4, at(kD2, 11));
    const auto w15 = tx(25, 212, 1, "NG", "payout_credit", "completed", 150, 5, at(kD2, 14));
    {
        facts::FactBatch batch;
        std::vector<KpiContribution> kpis;
        add(batch, kpis, &b1, b1_won);
        add(batch, kpis, &b2, b2_lost);
        add(batch, kpis, &b4, b4_won);
        add(batch, kpis, &b5, b5_out);
        for (const auto* w : {&w13, &w14, &w15}) add(batch, kpis, nullptr, *w);
        writer.write(batch, kpis);
    }
    // Corrections: bet 1 resettled lost on D2 09:00 (adjustment -2500 on D2); bet 2 voided on
    // D2 08:00 (refund +500 on D2); the D2 deposit of 999 reversed.
    const auto b1_lost = settle(b1_won, 300, "lost", 0, at(kD2, 9));
    const auto b2_void = settle(b2_lost, 301, "void", 0, at(kD2, 8));
    const auto w16 = tx(26, 310, 1, "NG", "adjustment", "completed", -2500, 1, at(kD2, 9));
    const auto w17 = tx(27, 311, 2, "NG", "refund", "completed", 500, 2, at(kD2, 8));
    auto w6_reversed = w6;
    w6_reversed.version = 312;
    w6_reversed.status = "reversed";
    {
        facts::FactBatch batch;
        std::vector<KpiContribution> kpis;
        add(batch, kpis, &b1_won, b1_lost);
        add(batch, kpis, &b2_lost, b2_void);
        add(batch, kpis, nullptr, w16);
        add(batch, kpis, nullptr, w17);
        add(batch, kpis, &w6, w6_reversed);
        writer.write(batch, kpis);
    }
}

// A row in field order: turnover, cash_turnover, settled_turnover, payouts_settled,
// payouts_cash, ggr_settled, ggr_cash, bets, active_players, deposits, withdrawals, net_deposits,
// open_liability.
inline ReportRow row(ReportRowKind kind, int64_t day, std::string country, std::vector<int64_t> v) {
    ReportRow r;
    r.kind = kind;
    r.day = day;
    r.country = std::move(country);
    r.turnover_eur_cents = v.at(0);
    r.cash_turnover_eur_cents = v.at(1);
    r.settled_turnover_eur_cents = v.at(2);
    r.payouts_settled_eur_cents = v.at(3);
    r.payouts_cash_eur_cents = v.at(4);
    r.ggr_settled_eur_cents = v.at(5);
    r.ggr_cash_eur_cents = v.at(6);
    r.bets = v.at(7);
    r.active_players = static_cast<uint64_t>(v.at(8));
    r.deposits_eur_cents = v.at(9);
    r.withdrawals_eur_cents = v.at(10);
    r.net_deposits_eur_cents = v.at(11);
    r.open_liability_eur_cents = v.at(12);
    return r;
}

constexpr auto kCountry = ReportRowKind::Country;
constexpr auto kDayTotal = ReportRowKind::DayTotal;
constexpr auto kGrand = ReportRowKind::GrandTotal;

// D1 KE: bet 3 placed (300, open: liability 900 - 300); stake debit 300; deposit 3000.
inline ReportRow d1_ke() {
    return row(kCountry, kD1, "KE", {300, 300, 0, 0, 0, 0, 300, 1, 1, 3000, 0, 3000, 600});
}
// D1 NG: bet 1 placed (1000; its settlement moved to D2); bet 2 void (restated: nothing);
// stake debits 1000 + 500; payout credit 2500 (cash GGR 1500 - 2500); deposit 5000; players {1}.
inline ReportRow d1_ng() {
    return row(kCountry, kD1, "NG", {1000, 1500, 0, 0, 2500, 0, -1000, 1, 1, 5000, 0, 5000, 0});
}
// D2 unknown: bet 6 placed (100, open: liability 250); its stake debit 100.
inline ReportRow d2_unknown() {
    return row(kCountry, kD2, "", {100, 100, 0, 0, 0, 0, 100, 1, 1, 0, 0, 0, 250});
}
// D2 KE: bets 4 (700, won 1400) and 7 (100, open: liability 300); debits 700 + 100; credit
// 1400 (cash GGR 800 - 1400); the 999 deposit reversed (nowhere); withdrawal 800; players {3, 1}.
inline ReportRow d2_ke() {
    return row(kCountry, kD2, "KE",
               {800, 800, 700, 1400, 1400, -700, -600, 2, 2, 0, 800, -800, 300});
}
// D2 NG: bet 5 placed (200), cashed out 150; bet 1 resettled lost here (settled 1000, payout
// 0); cash: debit 200 and refund 500 (cash turnover -300), credit 150 and adjustment -2500
// (payouts -2350, cash GGR -300 + 2350); the pending withdrawal counts nowhere; players {1}.
inline ReportRow d2_ng() {
    return row(kCountry, kD2, "NG", {200, -300, 1200, 150, -2350, 1050, 2050, 1, 1, 0, 0, 0, 0});
}
// The day totals: sums of the rows above, but players distinct over the day: D1 {1, 3},
// D2 {1, 3, 4} (player 1 bet in NG and KE).
inline ReportRow d1_total() {
    return row(kDayTotal, kD1, "", {1300, 1800, 0, 0, 2500, 0, -700, 2, 2, 8000, 0, 8000, 600});
}
inline ReportRow d2_total() {
    return row(kDayTotal, kD2, "",
               {1100, 600, 1900, 1550, -950, 350, 1550, 4, 3, 0, 800, -800, 550});
}
// The whole range: players {1, 3, 4}.
inline ReportRow grand_total() {
    return row(kGrand, 0, "",
               {2400, 2400, 1900, 1550, 1550, 350, 850, 6, 3, 8000, 800, 7200, 1150});
}

}  // namespace tote::report_scenario
