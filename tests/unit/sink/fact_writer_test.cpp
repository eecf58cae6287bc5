#include "sink/fact_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "core/error.h"
#include "fake_connection.h"
#include "sink/kpi_queries.h"
#include "sink/migrator.h"
#include "sink/sql_text.h"
#include "transform/facts/kpi_contributions.h"

namespace tote {
namespace {

using facts::EtlLogEntry;
using facts::FactBatch;
using facts::FactBet;
using facts::FactBetLeg;
using facts::FactWalletTransaction;
using facts::ValidationStatus;

// Expected bytes, built by hand (independent of RowBinaryWriter).
struct Bytes {
    std::string s;
    template <typename T>
    Bytes& le(T v) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof v);
        s.append(b, sizeof b);
        return *this;
    }
    Bytes& str(const std::string& v) {
        s.push_back(static_cast<char>(v.size()));  // < 128 in these tests
        s += v;
        return *this;
    }
    Bytes& arr(const std::vector<std::string>& v) {
        s.push_back(static_cast<char>(v.size()));
        for (const auto& x : v) str(x);
        return *this;
    }
};

constexpr int64_t kHour = 3600000000;      // µs
constexpr int64_t kT0 = 1764000000000000;  // 2025-11-24T16:00:00Z in µs (an hour start)
static_assert(kT0 % kHour == 0);

FactBet open_bet() {
    FactBet b;
    b.bet_id = 42;
    b.version = 1000;
    b.log_offset = 7;
    b.player_id = 5;
    b.player_country = "NG";
    b.player_channel = "app";
    b.currency = "NGN";
    b.wallet_currency = "NGN";
    b.channel = "web";
    b.bet_type = "single";
    b.status = "open";
    b.stake_minor = 10000;
    b.potential_payout_minor = 25000;
    b.stake_eur_cents = 600;
    b.potential_payout_eur_cents = 1500;
    b.fx_rate_e10 = 6000000;
    b.total_odds_e4 = 25000;
    b.legs = 1;
    b.sports = {"football"};
    b.competitions = {"NPFL"};
    b.placed_at_us = kT0 + 60000000;  // 16:01
    return b;
}

FactBet settled(FactBet b, uint64_t version, const std::string& status, int64_t payout,
                int64_t payout_eur, int64_t at_us) {
    b.version = version;
    b.status = status;
    b.payout_minor = payout;
    b.payout_eur_cents = payout_eur;
    b.settled_at_us = at_us;
    b.ggr_minor = (status == "void") ? 0 : b.stake_minor - payout;
    return b;
}

TEST(FactWriter, EncodesABetExactly) {
    FactBet b = open_bet();
    b.player_inferred = true;
    b.live = true;
    b.validation = ValidationStatus::Violation;
    b.violated_rules = {"stake_debit_missing"};
    RowBinaryWriter w;
    FactWriter::encode(b, w);
    Bytes e;
    e.le<int64_t>(42).le<uint64_t>(1000).le<int64_t>(7).le<int64_t>(5).str("NG").str("app");
    e.le<uint8_t>(1).str("NGN").str("NGN").str("web").str("single").str("open");
    e.le<int64_t>(10000).le<int64_t>(25000).le<int64_t>(0).le<int64_t>(600).le<int64_t>(0);
    e.le<int64_t>(1500)
        .le<int64_t>(6000000)
        .le<int64_t>(25000)
        .le<uint32_t>(1)
        .arr({"football"})
        .arr({"NPFL"});
    e.le<uint8_t>(1).le<uint8_t>(0).le<int64_t>(kT0 + 60000000).le<int64_t>(0).le<int64_t>(0);
    e.str("violation").arr({"stake_debit_missing"});
    EXPECT_EQ(w.data(), e.s);
}

TEST(FactWriter, EncodesLegWalletAndLogExactly) {
    FactBetLeg leg{42, 2, 1000, 7, 900, 80, 70, "", "", "1X2", 18500, "win", true, true, false};
    FactWalletTransaction tx;
    tx.id = 9;
    tx.version = 1001;
    tx.log_offset = 8;
    tx.player_id = 5;
    tx.type = "stake_debit";
    tx.status = "completed";
    tx.currency = "NGN";
    tx.amount_minor = -10000;
    tx.amount_eur_cents = -600;
    tx.bet_id = 42;
    tx.player_country = "NG";
    tx.created_at_us = kT0;
    tx.deleted = true;
    tx.validation = ValidationStatus::Pending;
    EtlLogEntry log{"payout_missing", "error", "bet", "{\"id\":42}", 1000, 7, "no credit"};
    RowBinaryWriter w;
    FactWriter::encode(leg, w);
    Bytes e;
    e.le<int64_t>(42).le<int32_t>(2).le<uint64_t>(1000).le<int64_t>(7).le<int64_t>(900);
    e.le<int64_t>(80).le<int64_t>(70).str("").str("").str("1X2").le<int64_t>(18500).str("win");
    e.le<uint8_t>(1).le<uint8_t>(1).le<uint8_t>(0);
    EXPECT_EQ(w.data(), e.s);
    w.clear();
    e.s.clear();
    FactWriter::encode(tx, w);
    e.le<int64_t>(9).le<uint64_t>(1001).le<int64_t>(8).le<int64_t>(5).str("stake_debit");
    e.str("completed").str("NGN").le<int64_t>(-10000).le<int64_t>(-600).le<int64_t>(42);
    e.str("NG").le<int64_t>(kT0).le<uint8_t>(1).str("pending").arr({});
    EXPECT_EQ(w.data(), e.s);
    w.clear();
    e.s.clear();
    FactWriter::encode(log, w);
    e.str("payout_missing").str("error").str("bet").str("{\"id\":42}").le<uint64_t>(1000);
    e.le<int64_t>(7).str("no credit").le<uint8_t>(0).le<uint8_t>(0);
    EXPECT_EQ(w.data(), e.s);
    w.clear();
    e.s.clear();
    log.retracted = true;  // a retraction of a provisional entry
    log.provisional = true;
    FactWriter::encode(log, w);
    e.str("payout_missing").str("error").str("bet").str("{\"id\":42}").le<uint64_t>(1000);
    e.le<int64_t>(7).str("no credit").le<uint8_t>(1).le<uint8_t>(1);
    EXPECT_EQ(w.data(), e.s);
}

TEST(FactWriter, EncodesAKpiRowExactly) {
    KpiContribution k;
    k.hour_s = kT0 / 1000000;
    k.country = "NG";
    k.currency = "NGN";
    k.sport = "football";
    k.channel = "web";
    k.fact = "bet";
    k.fact_key = "42";
    k.fact_version = 1000;
    k.sign = -1;
    k.turnover_minor = 10000;
    k.bets = 1;
    k.open_liability_eur_cents = -3;
    k.player_id = 5;
    RowBinaryWriter w;
    FactWriter::encode(k, w);
    Bytes e;
    e.le<uint32_t>(static_cast<uint32_t>(kT0 / 1000000)).str("NG").str("NGN").str("football");
    e.str("web").str("bet").str("42").le<uint64_t>(1000).le<int8_t>(-1).le<int64_t>(10000);
    for (int i = 0; i < 3; ++i) e.le<int64_t>(0);
    e.le<uint64_t>(1);
    for (int i = 0; i < 9; ++i) e.le<int64_t>(0);
    e.le<int64_t>(-3).le<int64_t>(5);
    EXPECT_EQ(w.data(), e.s);

    k.hour_s = -3600;
    EXPECT_THROW(FactWriter::encode(k, w), ToteError);
}

// The insert column lists are exactly the tables of migrations 2 and later (names, order,
// types), with the added columns (migrations 3 and 5) where their AFTER puts them.
TEST(FactWriter, ColumnsMatchTheMigrations) {
    auto migrations = Migrator::warehouse_migrations();
    ASSERT_GE(migrations.size(), 4u);
    ASSERT_EQ(migrations[1].version, 2u);
    ASSERT_EQ(migrations[2].version, 3u);
    std::map<std::string, std::vector<ColumnSpec>> tables;
    for (size_t m = 1; m < migrations.size(); ++m) {
        for (const auto& st : migrations[m].statements) {
            const std::string head = "CREATE TABLE IF NOT EXISTS {db}.";
            if (st.rfind(head, 0) != 0) continue;  // not a table of the facts
            size_t open = st.find(" (");
            size_t close = st.find(") ENGINE");
            tables[st.substr(head.size(), open - head.size())] =
                parse_column_list(st.substr(open + 2, close - open - 2));
        }
        for (const auto& add : migrations[m].added_columns) {
            ASSERT_TRUE(tables.count(add.table)) << add.table;
            auto& cols = tables[add.table];
            auto at = std::find_if(cols.begin(), cols.end(),
                                   [&](const ColumnSpec& c) { return c.name == add.after; });
            ASSERT_NE(at, cols.end()) << add.after;
            cols.insert(at + 1, ColumnSpec{add.column, add.type});
        }
    }
    auto same = [&](const std::string& table, const std::string& columns) {
        ASSERT_TRUE(tables.count(table)) << table;
        auto want = tables.at(table);
        auto have = parse_column_list(columns);
        ASSERT_EQ(want.size(), have.size()) << table;
        for (size_t i = 0; i < want.size(); ++i) {
            EXPECT_EQ(want[i].name, have[i].name) << table;
            std::string t = want[i].type == "DateTime('UTC')" ? "DateTime" : want[i].type;
            EXPECT_EQ(t, have[i].type) << table << "." << want[i].name;
        }
    };
    same("fact_bet", FactWriter::bet_columns());
    same("fact_bet_leg", FactWriter::leg_columns());
    same("fact_wallet_transaction", FactWriter::wallet_columns());
    same("etl_log", FactWriter::etl_log_columns());
    same("kpi_hourly_contrib", FactWriter::kpi_columns());
    same("dim_player", FactWriter::dim_player_columns());
    same("dim_sport", FactWriter::dim_sport_columns());
    same("dim_competition", FactWriter::dim_competition_columns());
    same("dim_event", FactWriter::dim_event_columns());
    same("dim_market", FactWriter::dim_market_columns());
    same("dim_selection", FactWriter::dim_selection_columns());
    same("dim_fx_rate", FactWriter::dim_fx_rate_columns());
    EXPECT_EQ(tables.size(), 12u);
    EXPECT_EQ(KpiQueries::value_columns(),
              "turnover_minor, settled_turnover_minor, payouts_minor, ggr_minor, bets, "
              "deposits_minor, withdrawals_minor, open_liability_minor, turnover_eur_cents, "
              "settled_turnover_eur_cents, payouts_eur_cents, ggr_eur_cents, "
              "deposits_eur_cents, withdrawals_eur_cents, open_liability_eur_cents");
    std::string kpi_cols = FactWriter::kpi_columns();
    EXPECT_NE(kpi_cols.find("turnover_minor Int64, settled_turnover_minor Int64"),
              std::string::npos);
}

TEST(FactWriter, WritesKpisFirstThenFactsThenLogAndSkipsEmptyParts) {
    FakeConnection conn;
    FactWriter writer(conn, "tote");
    FactBatch batch;
    batch.bets.push_back(open_bet());
    batch.bets.push_back(settled(open_bet(), 1001, "lost", 0, 0, kT0 + 2 * kHour));
    batch.log.push_back({"r", "warning", "bet", "{\"id\":42}", 1000, 7, ""});
    auto kpis = kpi_contributions(nullptr, batch.bets[0]);
    writer.write(batch, kpis);
    ASSERT_EQ(conn.inserts.size(), 3u);
    EXPECT_EQ(conn.inserts[0].table, "`tote`.`kpi_hourly_contrib`");
    EXPECT_EQ(conn.inserts[0].columns, FactWriter::kpi_columns());
    EXPECT_EQ(conn.inserts[1].table, "`tote`.`fact_bet`");
    EXPECT_EQ(conn.inserts[1].columns, FactWriter::bet_columns());
    RowBinaryWriter two;
    FactWriter::encode(batch.bets[0], two);
    FactWriter::encode(batch.bets[1], two);
    EXPECT_EQ(conn.inserts[1].rows, two.data());
    EXPECT_EQ(conn.inserts[2].table, "`tote`.`etl_log`");
    EXPECT_TRUE(conn.statements.empty());

    conn.inserts.clear();
    writer.write(FactBatch{});
    EXPECT_TRUE(conn.inserts.empty());
    batch.clear();
    batch.legs.push_back(FactBetLeg{});
    batch.wallet.push_back(FactWalletTransaction{});
    writer.write(batch);
    ASSERT_EQ(conn.inserts.size(), 2u);
    EXPECT_EQ(conn.inserts[0].table, "`tote`.`fact_bet_leg`");
    EXPECT_EQ(conn.inserts[1].table, "`tote`.`fact_wallet_transaction`");
}

TEST(FactWriter, EncodesDimensionRowsExactly) {
    RowBinaryWriter w;
    model::Player p{7, "UG", "UGX", model::Channel::Ussd, 1000, model::PlayerStatus::SelfExcluded};
    FactWriter::encode(facts::DimRow<model::Player>{p, 900, 12, false}, w);
    Bytes e;
    e.le<int64_t>(7).le<uint64_t>(900).le<int64_t>(12).le<uint8_t>(0).str("UG").str("UGX");
    e.str("ussd").le<int64_t>(1000).str("self_excluded");
    EXPECT_EQ(w.take(), e.s);

    model::Competition c{3, 1, "NPFL", std::nullopt};
    FactWriter::encode(facts::DimRow<model::Competition>{c, 901, 13, false}, w);
    e = Bytes{};
    e.le<int64_t>(3).le<uint64_t>(901).le<int64_t>(13).le<uint8_t>(0).le<int64_t>(1).str("NPFL");
    e.le<uint8_t>(1);  // NULL country
    EXPECT_EQ(w.take(), e.s);

    model::Event ev{9, 3, "Home FC", "Away FC", 5000, model::EventStatus::Finished, "2-1", 7000};
    FactWriter::encode(facts::DimRow<model::Event>{ev, 902, 14, false}, w);
    e = Bytes{};
    e.le<int64_t>(9).le<uint64_t>(902).le<int64_t>(14).le<uint8_t>(0).le<int64_t>(3);
    e.str("Home FC").str("Away FC").le<int64_t>(5000).str("finished").le<uint8_t>(0).str("2-1");
    e.le<int64_t>(7000);  // finished_at_us
    EXPECT_EQ(w.take(), e.s);

    model::Market m{90, 9, "AH", -25, model::MarketStatus::Suspended};
    FactWriter::encode(facts::DimRow<model::Market>{m, 903, 15, false}, w);
    e = Bytes{};
    e.le<int64_t>(90).le<uint64_t>(903).le<int64_t>(15).le<uint8_t>(0).le<int64_t>(9).str("AH");
    e.le<uint8_t>(0).le<int64_t>(-25).str("suspended");
    EXPECT_EQ(w.take(), e.s);

    model::Selection sel{900, 90, "Home", 21700, model::LegResult::DeadHeat, 5000};
    FactWriter::encode(facts::DimRow<model::Selection>{sel, 904, 16, false}, w);
    e = Bytes{};
    e.le<int64_t>(900).le<uint64_t>(904).le<int64_t>(16).le<uint8_t>(0).le<int64_t>(90);
    e.str("Home").le<int64_t>(21700).le<uint8_t>(0).str("dead_heat").le<uint8_t>(0);
    e.le<int64_t>(5000);
    EXPECT_EQ(w.take(), e.s);

    // A deleted sport: key only.
    model::Sport sp;
    sp.id = 1;
    FactWriter::encode(facts::DimRow<model::Sport>{sp, 905, 17, true}, w);
    e = Bytes{};
    e.le<int64_t>(1).le<uint64_t>(905).le<int64_t>(17).le<uint8_t>(1).str("");
    EXPECT_EQ(w.take(), e.s);

    // FX day as Date (UInt16 days).
    model::FxRate fx{"UGX", 20758, 2500000};
    FactWriter::encode(facts::DimRow<model::FxRate>{fx, 906, 18, false}, w);
    e = Bytes{};
    e.str("UGX").le<uint16_t>(20758).le<uint64_t>(906).le<int64_t>(18).le<uint8_t>(0);
    e.le<int64_t>(2500000);
    EXPECT_EQ(w.take(), e.s);
    fx.day = 70000;
    EXPECT_THROW(FactWriter::encode(facts::DimRow<model::FxRate>{fx, 906, 18, false}, w),
                 ToteError);
}

TEST(FactWriter, WritesDimensionsAfterKpisAndBeforeFactsInWriteAndEncode) {
    FakeConnection conn;
    FactWriter writer(conn, "tote");
    FactBatch batch;
    batch.bets.push_back(open_bet());
    model::Sport sp{1, "Football"};
    batch.dims.sports.push_back({sp, 10, 1, false});
    model::FxRate fx{"NGN", 20758, 6000000};
    batch.dims.fx_rates.push_back({fx, 11, 1, false});
    auto kpis = kpi_contributions(nullptr, batch.bets[0]);
    writer.write(batch, kpis);
    ASSERT_EQ(conn.inserts.size(), 4u);
    EXPECT_EQ(conn.inserts[0].table, "`tote`.`kpi_hourly_contrib`");
    EXPECT_EQ(conn.inserts[1].table, "`tote`.`dim_sport`");
    EXPECT_EQ(conn.inserts[1].columns, FactWriter::dim_sport_columns());
    EXPECT_EQ(conn.inserts[2].table, "`tote`.`dim_fx_rate`");
    EXPECT_EQ(conn.inserts[2].columns, FactWriter::dim_fx_rate_columns());
    EXPECT_EQ(conn.inserts[3].table, "`tote`.`fact_bet`");

    std::vector<EncodedInsert> encoded;
    writer.encode(batch, kpis, encoded);
    ASSERT_EQ(encoded.size(), conn.inserts.size());
    for (size_t i = 0; i < encoded.size(); ++i) {
        EXPECT_EQ(encoded[i].table, conn.inserts[i].table);
        EXPECT_EQ(encoded[i].columns, conn.inserts[i].columns);
        EXPECT_EQ(encoded[i].rows, conn.inserts[i].rows);
    }
    batch.clear();
    EXPECT_TRUE(batch.dims.empty());
}

TEST(KpiContribution, SportOfABet) {
    FactBet b;
    EXPECT_EQ(kpi_sport(b), "");
    b.sports = {"football", "football"};
    EXPECT_EQ(kpi_sport(b), "football");
    b.sports = {"football", "tennis"};
    EXPECT_EQ(kpi_sport(b), "multiple");
    b.sports = {"football", ""};
    EXPECT_EQ(kpi_sport(b), "");
}

KpiContribution row(int64_t hour_us, uint64_t version, int8_t sign) {
    KpiContribution k;
    k.hour_s = hour_us / 1000000;
    k.country = "NG";
    k.currency = "NGN";
    k.sport = "football";
    k.channel = "web";
    k.fact = "bet";
    k.fact_key = "42";
    k.fact_version = version;
    k.sign = sign;
    k.player_id = 5;  // open_bet()'s player
    return k;
}

TEST(KpiContribution, OpenBetContributesTurnoverCountAndLiabilityAtPlacement) {
    auto rows = kpi_contributions(nullptr, open_bet());
    auto want = row(kT0, 1000, 1);
    want.turnover_minor = 10000;
    want.turnover_eur_cents = 600;
    want.bets = 1;
    want.open_liability_minor = 15000;
    want.open_liability_eur_cents = 900;  // potential 1500 - stake 600, EUR cents
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], want);
}

TEST(KpiContribution, SettlementAddsTheSettledViewAndRetractsTheOpenVersion) {
    FactBet v1 = open_bet();
    FactBet v2 = settled(v1, 2000, "won", 25000, 1500, kT0 + 3 * kHour + 5);
    auto rows = kpi_contributions(&v1, v2);
    ASSERT_EQ(rows.size(), 3u);
    auto placed = row(kT0, 2000, 1);
    placed.turnover_minor = 10000;
    placed.turnover_eur_cents = 600;
    placed.bets = 1;
    auto settle = row(kT0 + 3 * kHour, 2000, 1);
    settle.settled_turnover_minor = 10000;
    settle.payouts_minor = 25000;
    settle.ggr_minor = -15000;
    settle.settled_turnover_eur_cents = 600;
    settle.payouts_eur_cents = 1500;
    settle.ggr_eur_cents = -900;
    auto back = row(kT0, 1000, -1);
    back.turnover_minor = 10000;
    back.turnover_eur_cents = 600;
    back.bets = 1;
    back.open_liability_minor = 15000;
    back.open_liability_eur_cents = 900;
    EXPECT_EQ(rows[0], placed);
    EXPECT_EQ(rows[1], settle);
    EXPECT_EQ(rows[2], back);
}

TEST(KpiContribution, SettlementInThePlacementHourIsOneRow) {
    FactBet v1 = open_bet();
    FactBet v2 = settled(v1, 2000, "lost", 0, 0, kT0 + 30 * 60000000LL);
    auto rows = kpi_contributions(&v1, v2);
    ASSERT_EQ(rows.size(), 2u);
    auto one = row(kT0, 2000, 1);
    one.turnover_minor = 10000;
    one.turnover_eur_cents = 600;
    one.bets = 1;
    one.settled_turnover_minor = 10000;
    one.ggr_minor = 10000;
    one.settled_turnover_eur_cents = 600;
    one.ggr_eur_cents = 600;
    EXPECT_EQ(rows[0], one);
    EXPECT_EQ(rows[1].sign, -1);
}

TEST(KpiContribution, VoidRetractsEverythingAndAddsNothing) {
    FactBet v2 = settled(open_bet(), 2000, "won", 25000, 1500, kT0 + 3 * kHour);
    FactBet v3 = settled(v2, 3000, "void", 0, 0, kT0 + 5 * kHour);
    auto rows = kpi_contributions(&v2, v3);
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& r : rows) {
        EXPECT_EQ(r.sign, -1);
        EXPECT_EQ(r.fact_version, 2000u);
    }
    // The retraction is exactly v2's own contribution with the sign flipped.
    auto own = kpi_contributions(nullptr, v2);
    ASSERT_EQ(own.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        own[i].sign = -1;
        EXPECT_EQ(rows[i], own[i]);
    }
}

TEST(KpiContribution, SameVersionAgainWritesOnlyItsOwnRowsAndOlderIsRefused) {
    FactBet v1 = open_bet();
    EXPECT_EQ(kpi_contributions(&v1, v1), kpi_contributions(nullptr, v1));
    FactBet v2 = settled(v1, 2000, "lost", 0, 0, kT0 + kHour);
    EXPECT_THROW(kpi_contributions(&v2, v1), ToteError);
    FactBet other = v2;
    other.bet_id = 43;
    EXPECT_THROW(kpi_contributions(&v1, other), ToteError);
}

TEST(KpiContribution, LedgerRowsByType) {
    FactWalletTransaction t;
    t.id = 9;
    t.version = 50;
    t.currency = "UGX";
    t.player_country = "UG";
    t.status = "completed";
    t.created_at_us = kT0 + 10;
    auto one = [&](const std::string& type, int64_t amount, int64_t eur) {
        t.type = type;
        t.amount_minor = amount;
        t.amount_eur_cents = eur;
        auto rows = kpi_contributions(nullptr, t);
        EXPECT_EQ(rows.size(), 1u) << type;
        return rows.empty() ? KpiContribution{} : rows[0];
    };
    auto r = one("stake_debit", -4000, -100);
    EXPECT_EQ(r.fact, "wallet");
    EXPECT_EQ(r.fact_key, "9");
    EXPECT_EQ(r.hour_s, kT0 / 1000000);
    EXPECT_EQ(r.sport, "");
    EXPECT_EQ(r.channel, "");
    EXPECT_EQ(r.turnover_minor, 4000);
    EXPECT_EQ(r.ggr_minor, 4000);
    EXPECT_EQ(r.ggr_eur_cents, 100);
    r = one("refund", 4000, 100);
    EXPECT_EQ(r.turnover_minor, -4000);
    EXPECT_EQ(r.ggr_minor, -4000);
    r = one("payout_credit", 9000, 225);
    EXPECT_EQ(r.payouts_minor, 9000);
    EXPECT_EQ(r.ggr_minor, -9000);
    r = one("adjustment", -9000, -225);
    EXPECT_EQ(r.payouts_minor, -9000);
    EXPECT_EQ(r.ggr_eur_cents, 225);
    r = one("deposit", 50000, 1250);
    EXPECT_EQ(r.deposits_minor, 50000);
    EXPECT_EQ(r.ggr_minor, 0);
    r = one("withdrawal", -20000, -500);
    EXPECT_EQ(r.withdrawals_minor, 20000);
    EXPECT_EQ(r.withdrawals_eur_cents, 500);
    t.type = "bonus_credit";
    EXPECT_TRUE(kpi_contributions(nullptr, t).empty());
    t.type = "deposit";
    t.amount_minor = 50000;
    t.status = "pending";
    EXPECT_TRUE(kpi_contributions(nullptr, t).empty());
    // pending -> completed: only the completed version contributes, nothing to retract.
    FactWalletTransaction done = t;
    done.version = 60;
    done.status = "completed";
    auto rows = kpi_contributions(&t, done);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].sign, 1);
    // completed -> reversed (chargeback): the deposit is retracted from its own hour.
    FactWalletTransaction reversed = done;
    reversed.version = 70;
    reversed.status = "reversed";
    rows = kpi_contributions(&done, reversed);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].sign, -1);
    EXPECT_EQ(rows[0].fact_version, 60u);
    EXPECT_EQ(rows[0].deposits_minor, 50000);
}

TEST(KpiQueries, StatementsNameTheDatabaseAndTables) {
    EXPECT_NE(KpiQueries::from_contributions("w").find("FROM `w`.`kpi_hourly_contrib` FINAL"),
              std::string::npos);
    auto r = KpiQueries::recomputed_from_facts("w");
    EXPECT_NE(r.find("`w`.`fact_bet` ORDER BY bet_id, _version DESC LIMIT 1 BY bet_id"),
              std::string::npos);
    EXPECT_NE(r.find("`w`.`fact_wallet_transaction` ORDER BY id, _version DESC LIMIT 1 BY id"),
              std::string::npos);
    EXPECT_NE(KpiQueries::mismatches("w").find("HAVING d1 != 0"), std::string::npos);
}

}  // namespace
}  // namespace tote
