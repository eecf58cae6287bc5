// Engine-independent facts/KPI assertions (compiled into both binaries): a bet that is settled,
// resettled across midnight and then voided, with its ledger rows, written batch by batch with
// the KPI contributions a fact builder would write; replays (same batching, one big batch, a
// crash between the KPI rows and the facts) change nothing; the KPI table equals the
// recomputation from the latest fact versions, and both equal hand-computed figures.
#include <gtest/gtest.h>

#include <map>

#include "facts_scenario.h"
#include "sink/fact_writer.h"
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

constexpr int64_t kMin = 60000000;         // µs
constexpr int64_t kHour = 60 * kMin;       // µs
constexpr int64_t kT0 = 1764000000000000;  // 2025-11-24T16:00:00Z, an hour start
constexpr int64_t kH0 = kT0 / 1000000;     // the same in seconds

std::string fresh_database(const std::string& name) {
    std::string db = facts_database_prefix() + name;
    facts_connection().query("DROP DATABASE IF EXISTS " + sql_identifier(db));
    Migrator(facts_connection(), db).apply();
    return db;
}

FactBet bet(int64_t id, uint64_t version, int64_t player, std::string country, std::string currency,
            std::string channel, std::vector<std::string> sports, int64_t stake, int64_t potential,
            int64_t stake_eur, int64_t placed_at, int64_t potential_eur) {
    FactBet b;
    b.bet_id = id;
    b.version = version;
    b.log_offset = static_cast<int64_t>(version);
    b.player_id = player;
    b.player_country = std::move(country);
    b.player_channel = "app";
    b.currency = currency;
    b.wallet_currency = std::move(currency);
    b.channel = std::move(channel);
    b.bet_type = sports.size() > 1 ? "accumulator" : "single";
    b.status = "open";
    b.stake_minor = stake;
    b.potential_payout_minor = potential;
    b.stake_eur_cents = stake_eur;
    b.potential_payout_eur_cents = potential_eur;
    b.legs = static_cast<uint32_t>(sports.size());
    b.competitions.assign(sports.size(), "league");
    b.sports = std::move(sports);
    b.placed_at_us = placed_at;
    return b;
}

FactBet settle(FactBet b, uint64_t version, std::string status, int64_t payout, int64_t payout_eur,
               int64_t at) {
    b.version = version;
    b.log_offset = static_cast<int64_t>(version);
    b.status = std::move(status);
    b.payout_minor = payout;
    b.payout_eur_cents = payout_eur;
    b.settled_at_us = at;
    b.ggr_minor = kpi_settled_status(b.status) ? b.stake_minor - payout : 0;
    return b;
}

FactWalletTransaction tx(int64_t id, uint64_t version, int64_t player, std::string country,
                         std::string currency, std::string type, std::string status, int64_t amount,
                         int64_t eur, int64_t bet_id, int64_t at) {
    FactWalletTransaction t;
    t.id = id;
    t.version = version;
    t.log_offset = static_cast<int64_t>(version);
    t.player_id = player;
    t.player_country = std::move(country);
    t.currency = std::move(currency);
    t.type = std::move(type);
    t.status = std::move(status);
    t.amount_minor = amount;
    t.amount_eur_cents = eur;
    t.bet_id = bet_id;
    t.created_at_us = at;
    return t;
}

// The batches, in log order.
std::vector<FactBatch> scenario() {
    std::vector<FactBatch> out(4);
    // 1: three bets placed in hour 0 with their stake debits; a deposit pending then completed;
    // bet 44 is placed and lost within the hour (its first version is already settled).
    FactBet b42 =
        bet(42, 1000, 5, "NG", "NGN", "web", {"football"}, 10000, 25000, 600, kT0 + kMin, 1500);
    FactBet b43 = bet(43, 1100, 6, "KE", "KES", "app", {"football", "tennis"}, 5000, 20000, 35,
                      kT0 + 10 * kMin, 140);
    FactBet b44 = bet(44, 1200, 7, "UG", "UGX", "ussd", {"basketball"}, 4000, 8000, 100,
                      kT0 + 20 * kMin, 200);
    b44 = settle(b44, 1200, "lost", 0, 0, kT0 + 50 * kMin);
    out[0].bets = {b42, b43, b44};
    out[0].legs = {FactBetLeg{42, 1, 1000, 1000, 900, 90, 9, "football", "league", "1X2", 25000, "",
                              false, false, false},
                   FactBetLeg{43, 1, 1100, 1100, 901, 91, 10, "football", "league", "1X2", 20000,
                              "", false, false, false},
                   FactBetLeg{43, 2, 1100, 1100, 902, 92, 11, "tennis", "league", "WINNER", 20000,
                              "", true, false, false}};
    out[0].wallet = {
        tx(9, 1001, 5, "NG", "NGN", "stake_debit", "completed", -10000, -600, 42, kT0 + kMin),
        tx(14, 1101, 6, "KE", "KES", "stake_debit", "completed", -5000, -35, 43, kT0 + 10 * kMin),
        tx(15, 1201, 7, "UG", "UGX", "stake_debit", "completed", -4000, -100, 44, kT0 + 20 * kMin),
        tx(10, 1010, 5, "NG", "NGN", "deposit", "pending", 50000, 3000, 0, kT0),
        tx(10, 1020, 5, "NG", "NGN", "deposit", "completed", 50000, 3000, 0, kT0)};
    out[0].log = {EtlLogEntry{"leg_selection_unknown", "warning", "bet", "{\"id\":43}", 1100, 1100,
                              "selection 902 not seen yet"}};
    // 2: bet 42 won in hour 3, payout credited.
    FactBet b42won = settle(b42, 2000, "won", 25000, 1500, kT0 + 3 * kHour + 5 * kMin);
    out[1].bets = {b42won};
    out[1].wallet = {tx(11, 2001, 5, "NG", "NGN", "payout_credit", "completed", 25000, 1500, 42,
                        kT0 + 3 * kHour + 5 * kMin)};
    // 3: a result correction the next day: bet 42 resettled as lost; the payout is reversed.
    FactBet b42lost = settle(b42won, 3000, "lost", 0, 0, kT0 + 27 * kHour);
    out[2].bets = {b42lost};
    out[2].wallet = {tx(12, 3001, 5, "NG", "NGN", "adjustment", "completed", -25000, -1500, 42,
                        kT0 + 27 * kHour)};
    // 4: bet 42 voided (event cancelled), stake refunded; bet 43 won in hour 2; the deposit is
    // charged back; a withdrawal.
    out[3].bets = {settle(b42lost, 4000, "void", 0, 0, kT0 + 30 * kHour),
                   settle(b43, 4100, "won", 20000, 140, kT0 + 2 * kHour)};
    out[3].wallet = {
        tx(13, 4001, 5, "NG", "NGN", "refund", "completed", 10000, 600, 42, kT0 + 30 * kHour),
        tx(16, 4101, 6, "KE", "KES", "payout_credit", "completed", 20000, 140, 43, kT0 + 2 * kHour),
        tx(10, 4200, 5, "NG", "NGN", "deposit", "reversed", 50000, 3000, 0, kT0),
        tx(17, 4300, 6, "KE", "KES", "withdrawal", "completed", -3000, -21, 0,
           kT0 + 2 * kHour + 30 * kMin)};
    out[3].legs = {FactBetLeg{43, 2, 4100, 4100, 902, 92, 11, "tennis", "league", "WINNER", 20000,
                              "win", true, false, false}};
    out[3].log = {EtlLogEntry{"leg_selection_unknown", "warning", "bet", "{\"id\":43}", 1100, 1100,
                              "selection 902 not seen yet"}};
    return out;
}

// What a fact builder does: remember each fact's latest version, write each new version's
// contribution and the retraction of the one before.
class Builder {
public:
    std::vector<KpiContribution> contributions(const FactBatch& batch) {
        std::vector<KpiContribution> out;
        for (const auto& b : batch.bets) {
            auto it = bets_.find(b.bet_id);
            auto rows = kpi_contributions(it == bets_.end() ? nullptr : &it->second, b);
            out.insert(out.end(), rows.begin(), rows.end());
            bets_[b.bet_id] = b;
        }
        for (const auto& w : batch.wallet) {
            auto it = wallet_.find(w.id);
            auto rows = kpi_contributions(it == wallet_.end() ? nullptr : &it->second, w);
            out.insert(out.end(), rows.begin(), rows.end());
            wallet_[w.id] = w;
        }
        return out;
    }
    void write(FactWriter& writer, const FactBatch& batch) {
        writer.write(batch, contributions(batch));
    }

private:
    std::map<int64_t, FactBet> bets_;
    std::map<int64_t, FactWalletTransaction> wallet_;
};

std::string q(const std::string& sql) {
    return facts_connection().query(sql);
}

// hour, country, currency, turnover, turnover_cash, settled_turnover, payouts_settled,
// payouts_cash, ggr_settled, ggr_cash, bet_count, deposits, withdrawals, net_deposits,
// open_liability, ggr_settled_eur_cents, ggr_cash_eur_cents, turnover_eur_cents
std::string report_line(int64_t hour_s, const std::string& country, const std::string& currency,
                        std::vector<int64_t> v) {
    std::string s = std::to_string(hour_s) + "\t" + country + "\t" + currency;
    for (auto x : v) s += "\t" + std::to_string(x);
    return s + "\n";
}

const std::string kFinalReport =
    report_line(kH0, "KE", "KES", {5000, 5000, 0, 0, 0, 0, 5000, 1, 0, 0, 0, 0, 0, 35, 35}) +
    report_line(kH0, "NG", "NGN", {0, 10000, 0, 0, 0, 0, 10000, 0, 0, 0, 0, 0, 0, 600, 0}) +
    report_line(kH0, "UG", "UGX",
                {4000, 4000, 4000, 0, 0, 4000, 4000, 1, 0, 0, 0, 0, 100, 100, 100}) +
    report_line(kH0 + 2 * 3600, "KE", "KES",
                {0, 0, 5000, 20000, 20000, -15000, -20000, 0, 0, 3000, -3000, 0, -105, -140, 0}) +
    report_line(kH0 + 3 * 3600, "NG", "NGN",
                {0, 0, 0, 0, 25000, 0, -25000, 0, 0, 0, 0, 0, 0, -1500, 0}) +
    report_line(kH0 + 27 * 3600, "NG", "NGN",
                {0, 0, 0, 0, -25000, 0, 25000, 0, 0, 0, 0, 0, 0, 1500, 0}) +
    report_line(kH0 + 30 * 3600, "NG", "NGN",
                {0, -10000, 0, 0, 0, 0, -10000, 0, 0, 0, 0, 0, 0, -600, 0});

// The KPI table equals the recomputation from the latest facts, and their difference is empty.
void expect_exact(const std::string& db, const std::string& when) {
    std::string kpi = q(KpiQueries::from_contributions(db));
    EXPECT_EQ(kpi, q(KpiQueries::recomputed_from_facts(db))) << when;
    EXPECT_EQ(q(KpiQueries::mismatches(db)), "") << when;
    EXPECT_NE(kpi, "") << when;
}

// Independent of KpiQueries: the settled view straight from fact_bet FINAL and the cash view
// from fact_wallet_transaction with argMax, per hour x country x currency (non-zero groups).
std::string settled_ggr_from_final(const std::string& db) {
    return q(
        "SELECT toInt64(intDiv(settled_at_us, 3600000000) * 3600) AS h, player_country, "
        "currency, sum(stake_minor), sum(payout_minor), sum(ggr_minor) FROM " +
        sql_table(db, "fact_bet") +
        " FINAL WHERE status IN ('won', 'lost', 'cashed_out') GROUP BY h, player_country, "
        "currency ORDER BY h, player_country, currency");
}
std::string settled_ggr_from_kpis(const std::string& db) {
    return q(
        "SELECT toInt64(toUInt32(hour)) AS h, country, currency, "
        "sum(sign * settled_turnover_minor) AS st, sum(sign * payouts_minor) AS p, "
        "sum(sign * ggr_minor) AS g FROM " +
        sql_table(db, "kpi_hourly_contrib") +
        " FINAL WHERE fact = 'bet' GROUP BY h, country, currency HAVING st != 0 OR p != 0 "
        "OR g != 0 ORDER BY h, country, currency");
}
std::string cash_from_argmax(const std::string& db) {
    return q(
        "SELECT toInt64(intDiv(at, 3600000000) * 3600) AS h, c, cur, "
        "sum(if(t IN ('stake_debit', 'refund'), -a, 0)) AS turnover, "
        "sum(if(t IN ('payout_credit', 'adjustment'), a, 0)) AS payouts, "
        "sum(if(t = 'deposit', a, 0)) AS deposits, sum(if(t = 'withdrawal', -a, 0)) AS w "
        "FROM (SELECT id, argMax(created_at_us, _version) AS at, argMax(player_country, "
        "_version) AS c, argMax(currency, _version) AS cur, argMax(type, _version) AS t, "
        "argMax(amount_minor, _version) AS a, argMax(status, _version) AS s, "
        "argMax(deleted, _version) AS d FROM " +
        sql_table(db, "fact_wallet_transaction") +
        " GROUP BY id) AS latest WHERE s = 'completed' AND d = 0 GROUP BY h, c, cur "
        "HAVING turnover != 0 OR payouts != 0 OR deposits != 0 OR w != 0 ORDER BY h, c, cur");
}
std::string cash_from_kpis(const std::string& db) {
    return q(
        "SELECT toInt64(toUInt32(hour)) AS h, country, currency, "
        "sum(sign * turnover_minor) AS t, sum(sign * payouts_minor) AS p, "
        "sum(sign * deposits_minor) AS d, sum(sign * withdrawals_minor) AS w FROM " +
        sql_table(db, "kpi_hourly_contrib") +
        " FINAL WHERE fact = 'wallet' GROUP BY h, country, currency HAVING t != 0 OR p != "
        "0 OR d != 0 OR w != 0 ORDER BY h, country, currency");
}

TEST(FactsSql, MigrationsCreateTheTablesOnce) {
    std::string db = fresh_database("migrate");
    auto again = Migrator(facts_connection(), db).apply();
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.already_done, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(q("SELECT name FROM system.tables WHERE database = " + sql_string(db) +
                " AND substring(name, 1, 1) != '_' ORDER BY name"),
              "dim_competition\ndim_event\ndim_fx_rate\ndim_market\ndim_player\ndim_selection\n"
              "dim_sport\netl_log\nfact_bet\nfact_bet_leg\nfact_wallet_transaction\n"
              "kpi_hourly_contrib\n");
    // The added column sits after payout_eur_cents, as FactWriter::bet_columns() lists it.
    std::string cols;
    for (const auto& c : parse_column_list(FactWriter::bet_columns())) cols += c.name + "\n";
    EXPECT_EQ(q("SELECT name FROM system.columns WHERE database = " + sql_string(db) +
                " AND table = 'fact_bet'"),
              cols);
}

// A warehouse that already has migrations 1 and 2 (and facts): migration 3 creates the
// dimension tables and adds fact_bet.potential_payout_eur_cents (ALTER, which 18.16 accepts);
// the old rows read 0 there; running it again after a crash before it was recorded is a no-op.
TEST(FactsSql, MigrationThreeUpgradesAnExistingWarehouse) {
    std::string db = facts_database_prefix() + "upgrade";
    q("DROP DATABASE IF EXISTS " + sql_identifier(db));
    auto all = Migrator::warehouse_migrations();
    std::vector<Migration> old(all.begin(), all.begin() + 2);
    Migrator(facts_connection(), db, old).apply();
    q("INSERT INTO " + sql_table(db, "fact_bet") +
      " (bet_id, _version, status, stake_minor, placed_at_us) VALUES (1, 10, 'open', 500, " +
      std::to_string(kT0) + ")");
    auto report = Migrator(facts_connection(), db).apply();
    EXPECT_EQ(report.applied, (std::vector<uint32_t>{3, 4, 5}));  // 4: nothing ingested yet
    FactBatch b;
    b.bets.push_back(bet(2, 20, 5, "NG", "NGN", "web", {"football"}, 10000, 25000, 600, kT0, 1500));
    FactWriter(facts_connection(), db).write(b);
    EXPECT_EQ(q("SELECT bet_id, stake_minor, potential_payout_eur_cents FROM " +
                sql_table(db, "fact_bet") + " FINAL ORDER BY bet_id"),
              "1\t500\t0\n2\t10000\t1500\n");
}

// A crash after migration 3's statements and ALTER ran but before it was recorded: the next
// apply() runs it again without error (the column is found in system.columns, no second ALTER).
TEST(FactsSql, MigrationThreeRepeatedAfterACrashIsHarmless) {
    std::string db = facts_database_prefix() + "upgrade_crash";
    q("DROP DATABASE IF EXISTS " + sql_identifier(db));
    auto all = Migrator::warehouse_migrations();
    Migrator(facts_connection(), db, {all[0], all[1]}).apply();
    for (const auto& s : all[2].statements) q(Migrator::render(s, db));
    for (const auto& c : all[2].added_columns) q(Migrator::add_column_sql(c, db));
    auto report = Migrator(facts_connection(), db).apply();
    EXPECT_EQ(report.applied, (std::vector<uint32_t>{3, 4, 5}));  // 4: nothing ingested yet
    EXPECT_EQ(q("SELECT count() FROM system.columns WHERE database = " + sql_string(db) +
                " AND table = 'fact_bet' AND name = 'potential_payout_eur_cents'"),
              "1\n");
}

// issue 12, case 5. A warehouse with migrations 1-3 and ETL log entries: migration 5 adds
// etl_log.provisional and etl_log.retracted (ALTER, idempotent as above); the old rows read 0 in
// both, so they stay in force. Then the retraction protocol of FactStage on this engine: a
// provisional entry, withdrawn by a later row with the same identity and retracted = 1, written
// again by a still later row. FINAL keeps the row inserted last (whatever merges ran), and the
// filter on retracted applies after FINAL.
TEST(FactsSql, MigrationFiveMakesEtlLogEntriesRetractable) {
    std::string db = facts_database_prefix() + "etl_retract";
    q("DROP DATABASE IF EXISTS " + sql_identifier(db));
    auto all = Migrator::warehouse_migrations();
    Migrator(facts_connection(), db, {all[0], all[1], all[2]}).apply();
    q("INSERT INTO " + sql_table(db, "etl_log") +
      " (rule, severity, entity, entity_key, version, log_offset, details) VALUES "
      "('payout_credited', 'error', 'bet', '{\"id\":1}', 10, 3, 'old entry')");
    // A crash after migration 5's ALTERs ran, before it was recorded.
    const Migration& five =
        *std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.version == 5; });
    for (const auto& c : five.added_columns) q(Migrator::add_column_sql(c, db));
    auto report = Migrator(facts_connection(), db).apply();
    EXPECT_EQ(report.applied, (std::vector<uint32_t>{4, 5}));  // 4: nothing ingested yet
    const std::string in_force = "SELECT entity_key, version, details, provisional FROM " +
                                 sql_table(db, "etl_log") +
                                 " FINAL WHERE retracted = 0 ORDER BY entity_key, version";
    EXPECT_EQ(q(in_force), "{\"id\":1}\t10\told entry\t0\n");

    FactWriter writer(facts_connection(), db);
    EtlLogEntry drained{"leg_selection_known", "error", "bet", "{\"id\":2}", 20, 5, "unknown"};
    drained.provisional = true;
    FactBatch b;
    b.log = {drained};
    writer.write(b);
    EXPECT_EQ(q(in_force), "{\"id\":1}\t10\told entry\t0\n{\"id\":2}\t20\tunknown\t1\n");
    EtlLogEntry retraction = drained;
    retraction.retracted = true;
    std::vector<EncodedInsert> inserts;
    writer.encode_log({retraction}, inserts);
    for (const auto& i : inserts) facts_connection().insert_row_binary(i.table, i.columns, i.rows);
    EXPECT_EQ(q(in_force), "{\"id\":1}\t10\told entry\t0\n");
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "etl_log") + " FINAL"), "2\n");
    writer.write(b);  // the next drain finds it again: in force again
    EXPECT_EQ(q(in_force), "{\"id\":1}\t10\told entry\t0\n{\"id\":2}\t20\tunknown\t1\n");
}

// Dimension rows land as versions; FINAL and argMax read the latest, deletes included.
TEST(FactsSql, DimensionRowsLandAndTheLatestVersionWins) {
    std::string db = fresh_database("dims");
    FactWriter writer(facts_connection(), db);
    FactBatch b1;
    b1.dims.sports.push_back({model::Sport{1, "Football"}, 100, 1, false});
    b1.dims.competitions.push_back(
        {model::Competition{2, 1, "NPFL", std::string("NG")}, 100, 1, false});
    b1.dims.events.push_back(
        {model::Event{3, 2, "Enyimba", "Rangers", kT0, model::EventStatus::Scheduled, std::nullopt},
         100, 1, false});
    b1.dims.markets.push_back(
        {model::Market{4, 3, "AH", -25, model::MarketStatus::Open}, 100, 1, false});
    b1.dims.selections.push_back(
        {model::Selection{5, 4, "home", 21700, std::nullopt, std::nullopt}, 100, 1, false});
    b1.dims.players.push_back(
        {model::Player{7, "NG", "NGN", model::Channel::Ussd, kT0, model::PlayerStatus::Active}, 100,
         1, false});
    b1.dims.fx_rates.push_back({model::FxRate{"NGN", 20758, 6000000}, 100, 1, false});
    writer.write(b1);
    FactBatch b2;
    b2.dims.selections.push_back(
        {model::Selection{5, 4, "home", 21700, model::LegResult::DeadHeat, int64_t{5000}}, 200, 2,
         false});
    b2.dims.events.push_back({model::Event{3, 2, "Enyimba", "Rangers", kT0,
                                           model::EventStatus::Finished, std::string("1-1")},
                              200, 2, false});
    model::Market gone;
    gone.id = 4;
    b2.dims.markets.push_back({gone, 300, 3, true});
    writer.write(b2);
    writer.write(b1);  // a replay of the older batch changes nothing
    EXPECT_EQ(q("SELECT selection_id, _version, result, dead_heat_factor_e4 FROM " +
                sql_table(db, "dim_selection") + " FINAL"),
              "5\t200\tdead_heat\t5000\n");
    EXPECT_EQ(q("SELECT event_id, argMax(status, _version), argMax(result, _version) FROM " +
                sql_table(db, "dim_event") + " GROUP BY event_id"),
              "3\tfinished\t1-1\n");
    EXPECT_EQ(
        q("SELECT market_id, deleted, line_e2 FROM " + sql_table(db, "dim_market") + " FINAL"),
        "4\t1\t\\N\n");
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "dim_market") + " FINAL WHERE deleted = 0"),
              "0\n");
    EXPECT_EQ(q("SELECT currency, toString(day), rate_e10 FROM " + sql_table(db, "dim_fx_rate") +
                " FINAL"),
              "NGN\t2026-11-01\t6000000\n");
    EXPECT_EQ(q("SELECT player_id, country, currency, channel, status FROM " +
                sql_table(db, "dim_player") + " FINAL"),
              "7\tNG\tNGN\tussd\tactive\n");
    EXPECT_EQ(q("SELECT competition_id, sport_id, name, country FROM " +
                sql_table(db, "dim_competition") + " FINAL"),
              "2\t1\tNPFL\tNG\n");
    EXPECT_EQ(q("SELECT sport_id, name FROM " + sql_table(db, "dim_sport") + " FINAL"),
              "1\tFootball\n");
}

TEST(FactsSql, FactsRoundTripThroughRowBinary) {
    std::string db = fresh_database("roundtrip");
    FactWriter writer(facts_connection(), db);
    auto batches = scenario();
    writer.write(batches[0]);
    EXPECT_EQ(q("SELECT bet_id, _version, player_country, status, stake_minor, sports, "
                "competitions, legs, placed_at_us, validation, violated_rules FROM " +
                sql_table(db, "fact_bet") + " FINAL ORDER BY bet_id"),
              "42\t1000\tNG\topen\t10000\t['football']\t['league']\t1\t" +
                  std::to_string(kT0 + kMin) + "\tok\t[]\n" +
                  "43\t1100\tKE\topen\t5000\t['football','tennis']\t['league','league']\t2\t" +
                  std::to_string(kT0 + 10 * kMin) + "\tok\t[]\n" +
                  "44\t1200\tUG\tlost\t4000\t['basketball']\t['league']\t1\t" +
                  std::to_string(kT0 + 20 * kMin) + "\tok\t[]\n");
    EXPECT_EQ(q("SELECT bet_id, leg_no, _version, sport, market_type, live_at_placement FROM " +
                sql_table(db, "fact_bet_leg") + " FINAL ORDER BY bet_id, leg_no"),
              "42\t1\t1000\tfootball\t1X2\t0\n43\t1\t1100\tfootball\t1X2\t0\n"
              "43\t2\t1100\ttennis\tWINNER\t1\n");
    EXPECT_EQ(q("SELECT id, _version, type, status, amount_minor, amount_eur_cents FROM " +
                sql_table(db, "fact_wallet_transaction") + " FINAL ORDER BY id"),
              "9\t1001\tstake_debit\tcompleted\t-10000\t-600\n"
              "10\t1020\tdeposit\tcompleted\t50000\t3000\n"
              "14\t1101\tstake_debit\tcompleted\t-5000\t-35\n"
              "15\t1201\tstake_debit\tcompleted\t-4000\t-100\n");
    EXPECT_EQ(q("SELECT rule, entity_key, version, details FROM " + sql_table(db, "etl_log") +
                " FINAL WHERE retracted = 0"),
              "leg_selection_unknown\t{\"id\":43}\t1100\tselection 902 not seen yet\n");
}

TEST(FactsSql, KpisRetractExactlyThroughSettleResettleVoidAndReplays) {
    std::string db = fresh_database("kpis");
    auto batches = scenario();
    {
        FactWriter writer(facts_connection(), db);
        Builder builder;
        for (size_t i = 0; i < batches.size(); ++i) {
            builder.write(writer, batches[i]);
            expect_exact(db, "after batch " + std::to_string(i + 1));
            EXPECT_EQ(settled_ggr_from_kpis(db), settled_ggr_from_final(db)) << i + 1;
            EXPECT_EQ(cash_from_kpis(db), cash_from_argmax(db)) << i + 1;
            if (i == 0) {
                // Open liability (potential payout - stake) of the two open bets; the pending
                // deposit counted once completed.
                EXPECT_EQ(q("SELECT country, sum(sign * open_liability_minor), "
                            "sum(sign * open_liability_eur_cents), "
                            "sum(sign * deposits_minor) FROM " +
                            sql_table(db, "kpi_hourly_contrib") +
                            " FINAL GROUP BY country ORDER BY country"),
                          "KE\t15000\t105\t0\nNG\t15000\t900\t50000\nUG\t0\t0\t0\n");
            }
            if (i == 1) {
                EXPECT_EQ(settled_ggr_from_kpis(db),
                          std::to_string(kH0) + "\tUG\tUGX\t4000\t0\t4000\n" +
                              std::to_string(kH0 + 3 * 3600) + "\tNG\tNGN\t10000\t25000\t-15000\n");
            }
            if (i == 2) {  // the resettlement moved bet 42's settlement to the next day
                EXPECT_EQ(settled_ggr_from_kpis(db),
                          std::to_string(kH0) + "\tUG\tUGX\t4000\t0\t4000\n" +
                              std::to_string(kH0 + 27 * 3600) + "\tNG\tNGN\t10000\t0\t10000\n");
            }
        }
    }
    EXPECT_EQ(q(KpiQueries::hourly_report(db)), kFinalReport);
    std::string kpi_rows =
        q("SELECT count() FROM " + sql_table(db, "kpi_hourly_contrib") + " FINAL");
    std::string final_rows = q("SELECT * FROM " + sql_table(db, "kpi_hourly_contrib") +
                               " FINAL ORDER BY hour, country, currency, sport, channel, fact, "
                               "fact_key, fact_version, sign");

    // Replay 1: a restarted consumer writes the same batches again (same builder state path).
    {
        FactWriter writer(facts_connection(), db);
        Builder builder;
        for (const auto& b : batches) builder.write(writer, b);
    }
    // Replay 2: the same changes in one batch (another batching of the log).
    {
        FactBatch all;
        for (const auto& b : batches) {
            all.bets.insert(all.bets.end(), b.bets.begin(), b.bets.end());
            all.legs.insert(all.legs.end(), b.legs.begin(), b.legs.end());
            all.wallet.insert(all.wallet.end(), b.wallet.begin(), b.wallet.end());
            all.log.insert(all.log.end(), b.log.begin(), b.log.end());
        }
        FactWriter writer(facts_connection(), db);
        Builder builder;
        builder.write(writer, all);
    }
    expect_exact(db, "after replays");
    EXPECT_EQ(q(KpiQueries::hourly_report(db)), kFinalReport);
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "kpi_hourly_contrib") + " FINAL"), kpi_rows);
    EXPECT_EQ(q("SELECT * FROM " + sql_table(db, "kpi_hourly_contrib") +
                " FINAL ORDER BY hour, country, currency, sport, channel, fact, fact_key, "
                "fact_version, sign"),
              final_rows);
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "fact_bet") + " FINAL"), "3\n");
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "fact_wallet_transaction") + " FINAL"),
              "9\n");
    EXPECT_EQ(q("SELECT count() FROM " + sql_table(db, "etl_log") + " FINAL WHERE retracted = 0"),
              "1\n");
    EXPECT_EQ(q(KpiQueries::active_players(db, kT0, kT0 + kHour)), "KE\t1\nUG\t1\n");
}

TEST(FactsSql, CrashBetweenKpiRowsAndFactsIsRepairedByTheReplay) {
    std::string db = fresh_database("crash");
    auto batches = scenario();
    FactWriter writer(facts_connection(), db);
    Builder builder;
    builder.write(writer, batches[0]);
    builder.write(writer, batches[1]);
    // Batch 3's KPI rows land, then the process dies before its facts (and _offsets).
    Builder crashed = builder;
    writer.write(FactBatch{}, crashed.contributions(batches[2]));
    EXPECT_NE(q(KpiQueries::mismatches(db)), "");  // visible to reconcile until repaired
    // Restart: the fact state is what fact_bet FINAL says (batch 2), batch 3 is replayed.
    builder.write(writer, batches[2]);
    builder.write(writer, batches[3]);
    expect_exact(db, "after the repair");
    EXPECT_EQ(q(KpiQueries::hourly_report(db)), kFinalReport);
}

}  // namespace
}  // namespace tote

namespace tote {
namespace {

// issue 12, case 1: a first load of many years of bets lands in one insert per table whose
// rows span more than 100 monthly partitions (the embedded engine's default
// max_partitions_per_insert_block); it must land whole, not fail (code 252) on every rerun.
TEST(FactsSql, OneInsertSpanningTenYearsOfMonthsLands) {
    std::string db = fresh_database("many_months");
    constexpr int64_t kMonthUs = int64_t{31} * 24 * kHour;  // every step is a new month
    FactBatch batch;
    for (int64_t i = 0; i < 130; ++i) {
        FactBet b = bet(1000 + i, 5000 + static_cast<uint64_t>(i), 5, "NG", "NGN", "web",
                        {"football"}, 100, 250, 6, kT0 - i * kMonthUs, 15);
        batch.bets.push_back(b);
        batch.wallet.push_back(tx(2000 + i, 5000 + static_cast<uint64_t>(i), 5, "NG", "NGN",
                                  "stake_debit", "completed", -100, -6, 1000 + i,
                                  kT0 - i * kMonthUs));
    }
    std::vector<KpiContribution> kpis;
    for (const auto& b : batch.bets) {
        auto rows = kpi_contributions(nullptr, b);
        kpis.insert(kpis.end(), rows.begin(), rows.end());
    }
    FactWriter writer(facts_connection(), db);
    writer.write(batch, kpis);
    EXPECT_EQ(q("SELECT count(), uniqExact(toYYYYMM(toDateTime(intDiv(placed_at_us, 1000000), "
                "'UTC'))), sum(stake_minor) FROM " +
                sql_table(db, "fact_bet") + " FINAL"),
              "130\t130\t13000\n");
    EXPECT_EQ(q("SELECT count(), sum(amount_minor) FROM " +
                sql_table(db, "fact_wallet_transaction") + " FINAL"),
              "130\t-13000\n");
    EXPECT_EQ(q("SELECT count(), sum(sign * turnover_minor) FROM " +
                sql_table(db, "kpi_hourly_contrib") + " FINAL"),
              "130\t13000\n");
}

// issue 12, case 6: a bet deleted in the source gets a version with status "deleted"; its KPI
// contribution is retracted, and the recomputation from the facts agrees (no turnover, no bet
// count, no active player).
TEST(FactsSql, DeletedBetRetractsItsKpiContribution) {
    std::string db = fresh_database("deleted_bet");
    FactWriter writer(facts_connection(), db);
    Builder builder;
    FactBatch placed;
    placed.bets = {
        bet(42, 1000, 5, "NG", "NGN", "web", {"football"}, 10000, 25000, 600, kT0 + kMin, 1500),
        bet(43, 1100, 6, "KE", "KES", "app", {"tennis"}, 5000, 20000, 35, kT0 + 2 * kMin, 140)};
    builder.write(writer, placed);
    FactBatch deleted;
    FactBet gone = placed.bets[0];
    gone.version = 2000;
    gone.log_offset = 2000;
    gone.status = "deleted";
    deleted.bets = {gone};
    builder.write(writer, deleted);
    expect_exact(db, "after the delete");
    EXPECT_EQ(q("SELECT country, sum(sign * turnover_minor), sum(sign * toInt64(bets)), "
                "sum(sign * open_liability_minor) FROM " +
                sql_table(db, "kpi_hourly_contrib") +
                " FINAL GROUP BY country HAVING sum(sign * toInt64(bets)) != 0 ORDER BY country"),
              "KE\t5000\t1\t15000\n");
    EXPECT_EQ(q(KpiQueries::active_players(db, kT0, kT0 + kHour)), "KE\t1\n");
    EXPECT_EQ(q("SELECT bet_id, _version, status FROM " + sql_table(db, "fact_bet") +
                " FINAL ORDER BY bet_id"),
              "42\t2000\tdeleted\n43\t1100\topen\n");
}

}  // namespace
}  // namespace tote
