// FactReconciler on the embedded engine, with facts made offline from the simulator's real
// stream: simulate (~100k change events, anomaly rate 0.05) -> file log -> decode ->
// TransactionAssembler -> FactBuilder (advanced past everything at the end) -> KPI contributions
// per emitted fact version (kpi_contributions(previous, current)) -> FactWriter into a migrated
// database. The untouched warehouse reconciles exactly (every anomaly found, no false flag);
// each tampering (on its own copy of the database) shows as exactly the expected diff lines.
// The same tests run on the embedded engine and on a ClickHouse 18.16 server: each binary's main
// defines reconcile_connection() (fact_reconciler_world.h).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "decode/debezium_json_decoder.h"
#include "fact_reconciler_world.h"
#include "model/betting_mapping.h"
#include "model/mapping_file.h"
#include "reconcile/fact_reconciler.h"
#include "simulate/betting_simulator.h"
#include "simulate/json_text.h"
#include "sink/fact_writer.h"
#include "sink/migrator.h"
#include "sink/sql_text.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"
#include "transform/facts/fact_builder.h"
#include "transform/facts/kpi_contributions.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote {
namespace {

constexpr int64_t kWatermark = 2000;
const char* const kBase = "recon_base";
const char* const kTables[] = {"fact_bet", "fact_bet_leg", "fact_wallet_transaction", "etl_log",
                               "kpi_hourly_contrib"};

// Everything the tests share: the engine, the ground truth, the facts and KPI rows written.
struct World {
    std::filesystem::path dir;
    ClickHouseConnection* engine = nullptr;
    GroundTruth truth;
    facts::FactBatch all;
    std::vector<KpiContribution> kpis;
    std::map<int64_t, facts::FactBet> latest_bets;
};
World* g_world = nullptr;

void build_world(World& w) {
    char tmpl[] = "/tmp/tote-fact-reconcile-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    w.dir = tmpl;
    const auto log_dir = w.dir / "log";

    SimulatorConfig cfg;
    cfg.players = 400;
    cfg.events = 40;
    cfg.max_change_events = 100000;
    cfg.bets_per_sim_second = 0.1;  // long simulated days: many settlements
    cfg.anomaly_rate = 0.05;
    cfg.redelivery_rate = 0.01;
    {
        BettingSimulator sim(cfg);
        FileLogWriter writer(log_dir);
        while (sim.step(writer) > 0) {
        }
        w.truth = sim.ground_truth();
    }

    {
        FileLogReader reader(log_dir);
        DebeziumJsonDecoder decoder;
        TransactionAssembler assembler;
        facts::FactBuilder builder(model::MappingFile::builtin_simulator().mapping(),
                                   facts::FactBuilderConfig{kWatermark});
        std::vector<LogRecord> batch;
        CompleteTransaction unit;
        IncompleteTransaction incomplete;
        int64_t end_offset = 0;
        auto drain = [&] {
            while (assembler.pop(unit)) builder.add(unit, w.all);
            while (assembler.pop_report(incomplete)) {
            }
        };
        while (reader.poll(batch, 4096) > 0) {
            for (auto& rec : batch) {
                end_offset = rec.offset.value + 1;
                assembler.add(decoder.decode(rec), rec.offset);
                drain();
            }
            batch.clear();
            builder.advance(assembler.safe_resume_offset().value, w.all);
        }
        assembler.release_all("end of the simulated log");
        drain();
        builder.advance(end_offset + kWatermark, w.all);
        ASSERT_EQ(builder.pending_facts(), 0u);
    }

    // KPI rows per emitted version, chained through every version of each fact.
    std::map<int64_t, facts::FactBet> prev_bet;
    for (const auto& f : w.all.bets) {
        auto it = prev_bet.find(f.bet_id);
        auto rows = kpi_contributions(it == prev_bet.end() ? nullptr : &it->second, f);
        w.kpis.insert(w.kpis.end(), rows.begin(), rows.end());
        prev_bet[f.bet_id] = f;
    }
    w.latest_bets = prev_bet;
    std::map<int64_t, facts::FactWalletTransaction> prev_wallet;
    for (const auto& f : w.all.wallet) {
        auto it = prev_wallet.find(f.id);
        auto rows = kpi_contributions(it == prev_wallet.end() ? nullptr : &it->second, f);
        w.kpis.insert(w.kpis.end(), rows.begin(), rows.end());
        prev_wallet[f.id] = f;
    }

    w.engine = &reconcile_connection();
    w.engine->query(std::string("DROP DATABASE IF EXISTS ") + kBase);
    Migrator(*w.engine, kBase).apply();
    FactWriter(*w.engine, kBase).write(w.all, w.kpis);
}

class WorldEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        g_world = new World;
        build_world(*g_world);
    }
    void TearDown() override {
        std::filesystem::path dir = g_world->dir;
        delete g_world;
        g_world = nullptr;
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

// A fresh copy of the base database (each tampering test works on its own).
std::string clone(const std::string& name) {
    auto& conn = *g_world->engine;
    conn.query("DROP DATABASE IF EXISTS " + sql_identifier(name));
    Migrator(conn, name).apply();
    for (const char* t : kTables)
        conn.query("INSERT INTO " + sql_table(name, t) + " SELECT * FROM " + sql_table(kBase, t));
    return name;
}

FactReconcileReport reconcile(const std::string& db, int64_t watermark_offsets = 100'000,
                              int64_t hold_back_offsets = 100'000) {
    return FactReconciler(*g_world->engine, db)
        .run(g_world->truth, watermark_offsets, hold_back_offsets);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

std::string hour_text(int64_t s) {
    std::string day;
    int64_t days = s / 86400;
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    char buf[64];
    snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:00Z", static_cast<long long>(y), m, d,
             static_cast<long long>((s - days * 86400) / 3600));
    return buf;
}

std::string day_of_us(int64_t us) {
    std::string s;
    append_date(s, us / kMicrosPerDay);
    return s;
}

// The ids of bets with exactly one anomaly, and of every anomalous bet.
std::set<int64_t> anomalous_bets() {
    std::set<int64_t> out;
    for (const auto& a : g_world->truth.anomalies)
        if (a.table == "bets" || a.table == "bet_legs")
            out.insert(std::stoll(a.key.substr(a.key.find(':') + 1)));
    return out;
}

TEST(FactReconciler, UntouchedWarehouseIsExact) {
    FactReconciler r(*g_world->engine, kBase);
    EXPECT_EQ(r.not_built_reason(), "");
    auto report = r.run(g_world->truth);
    EXPECT_TRUE(report.ok()) << joined(report.differences);
    EXPECT_GT(g_world->truth.anomalies.size(), 20u);
    EXPECT_EQ(report.anomalies.injected, g_world->truth.anomalies.size());
    EXPECT_EQ(report.anomalies.found, g_world->truth.anomalies.size());
    EXPECT_EQ(report.anomalies.missed, 0u);
    EXPECT_EQ(report.anomalies.pending, 0u);
    EXPECT_EQ(report.false_flags, 0u);
    EXPECT_EQ(report.by_kind.size(), FactReconciler::rule_of_kind().size());
    EXPECT_GT(report.kpi_groups_checked, 100u);
    EXPECT_GT(report.cash_days_checked, 5u);
    EXPECT_GT(report.bet_days_checked, 5u);
    ASSERT_FALSE(report.notes.empty());
    EXPECT_EQ(report.notes[0], "anomalies: " + std::to_string(g_world->truth.anomalies.size()) +
                                   " injected, " + std::to_string(g_world->truth.anomalies.size()) +
                                   " found, 0 missed, 0 pending; 0 false flags");
    std::cout << joined(report.notes);
}

TEST(FactReconciler, NotBuiltWhenTablesAreMissingOrEmpty) {
    auto& conn = *g_world->engine;
    conn.query("DROP DATABASE IF EXISTS recon_empty");
    conn.query("CREATE DATABASE recon_empty");
    EXPECT_EQ(FactReconciler(conn, "recon_empty").not_built_reason(),
              "database recon_empty has 0 of the 4 fact tables (fact_bet, "
              "fact_wallet_transaction, etl_log, kpi_hourly_contrib): run `tote ingest` with "
              "migration 2 applied");
    Migrator(conn, "recon_empty").apply();
    EXPECT_EQ(FactReconciler(conn, "recon_empty").not_built_reason(),
              "recon_empty.fact_bet is empty: no facts were built from the landed changes");
}

TEST(FactReconciler, ExtraKpiRowOfOneMinorUnitShowsInBothKpiChecks) {
    const std::string db = clone("recon_extra_kpi");
    // A group of the cash view with deposits: its sums from the rows written.
    const KpiContribution* some = nullptr;
    for (const auto& c : g_world->kpis)
        if (c.fact == "wallet" && c.deposits_minor != 0) {
            some = &c;
            break;
        }
    ASSERT_NE(some, nullptr);
    int64_t group_deposits = 0;
    for (const auto& c : g_world->kpis)
        if (c.hour_s == some->hour_s && c.country == some->country &&
            c.currency == some->currency && c.sport == "" && c.channel == "" && c.fact == "wallet")
            group_deposits += c.sign * c.deposits_minor;
    const std::string day = day_of_us(some->hour_s * 1000000);
    int64_t truth_deposits = 0;
    for (const auto& f : g_world->truth.ledger_by_status)
        if (f.day == day && f.currency == some->currency && f.type == "deposit" &&
            f.status == "completed")
            truth_deposits += f.sum_minor;

    KpiContribution extra;
    extra.hour_s = some->hour_s;
    extra.country = some->country;
    extra.currency = some->currency;
    extra.fact = "wallet";
    extra.fact_key = "999999999";
    extra.fact_version = 1;
    extra.sign = 1;
    extra.deposits_minor = 1;
    FactWriter(*g_world->engine, db).write(facts::FactBatch{}, {extra});

    auto report = reconcile(db);
    std::vector<std::string> expected = {
        "KPI table vs facts: hour " + hour_text(some->hour_s) + " country=" + some->country +
            " currency=" + some->currency +
            " sport= channel= fact=wallet: deposits_minor contributions " +
            std::to_string(group_deposits + 1) + ", recomputed from facts " +
            std::to_string(group_deposits) + " (difference +1)",
        "cash view " + day + " " + some->currency +
            " deposits: ground truth (OLTP ledger, completed) " + std::to_string(truth_deposits) +
            ", KPI table " + std::to_string(truth_deposits + 1) + " (difference +1)",
    };
    EXPECT_EQ(report.differences, expected);
    EXPECT_EQ(report.anomalies.found, g_world->truth.anomalies.size());
}

TEST(FactReconciler, FakeViolationOnACleanBetIsAFalseFlag) {
    const std::string db = clone("recon_false_flag");
    auto anomalous = anomalous_bets();
    const facts::FactBet* clean = nullptr;
    for (const auto& [id, f] : g_world->latest_bets)
        if (!anomalous.count(id) && f.validation == facts::ValidationStatus::Ok) {
            clean = &f;
            break;
        }
    ASSERT_NE(clean, nullptr);
    facts::FactBet fake = *clean;
    fake.version = clean->version + 1;
    fake.validation = facts::ValidationStatus::Violation;
    fake.violated_rules = {"stake_debit_matches_bet"};
    facts::FactBatch batch;
    batch.bets.push_back(fake);
    FactWriter(*g_world->engine, db).write(batch, {});

    auto report = reconcile(db);
    std::vector<std::string> expected = {
        "false flag: latest fact_bet version " + std::to_string(fake.version) +
        " of {\"id\":" + std::to_string(fake.bet_id) +
        "} is 'violation' violating [stake_debit_matches_bet], but no anomaly was injected on it"};
    EXPECT_EQ(report.differences, expected);
    EXPECT_EQ(report.false_flags, 1u);
    EXPECT_EQ(report.anomalies.found, g_world->truth.anomalies.size());
}

// The first anomaly on a bet that carries only that one anomaly.
const Anomaly* single_bet_anomaly() {
    std::map<int64_t, int> per_bet;
    for (const auto& a : g_world->truth.anomalies)
        if (a.table == "bets") ++per_bet[std::stoll(a.key.substr(a.key.find(':') + 1))];
    for (const auto& a : g_world->truth.anomalies)
        if (a.table == "bets" && per_bet[std::stoll(a.key.substr(a.key.find(':') + 1))] == 1)
            return &a;
    return nullptr;
}

void overwrite_verdict(const std::string& db, const Anomaly& a, facts::ValidationStatus status,
                       facts::FactBet& written) {
    int64_t id = std::stoll(a.key.substr(a.key.find(':') + 1));
    ASSERT_TRUE(g_world->latest_bets.count(id));
    written = g_world->latest_bets.at(id);
    written.version += 1;
    written.validation = status;
    written.violated_rules.clear();
    facts::FactBatch batch;
    batch.bets.push_back(written);
    FactWriter(*g_world->engine, db).write(batch, {});
}

TEST(FactReconciler, ClearedViolationOfARealAnomalyIsMissed) {
    const std::string db = clone("recon_missed");
    const Anomaly* a = single_bet_anomaly();
    ASSERT_NE(a, nullptr);
    facts::FactBet written;
    overwrite_verdict(db, *a, facts::ValidationStatus::Ok, written);

    auto report = reconcile(db);
    const std::string rule = FactReconciler::rule_of_kind().at(a->kind);
    std::vector<std::string> expected = {
        "anomaly " + a->kind + " on bets " + a->key + ": missed: expected rule " + rule +
        " logged in etl_log and the latest version 'violation' with it; latest fact_bet version " +
        std::to_string(written.version) + " of " + a->key +
        " is 'ok' violating []; etl_log has the rule"};
    EXPECT_EQ(report.differences, expected);
    EXPECT_EQ(report.anomalies.missed, 1u);
    EXPECT_EQ(report.anomalies.found, g_world->truth.anomalies.size() - 1);
    EXPECT_EQ(report.by_kind.at(a->kind).missed, 1u);
}

// Pending within the watermark: not decidable yet, a note. Pending beyond it: a stuck verdict.
TEST(FactReconciler, PendingVerdictOfARealAnomalySaysPending) {
    const std::string db = clone("recon_pending");
    const Anomaly* a = single_bet_anomaly();
    ASSERT_NE(a, nullptr);
    facts::FactBet written;
    overwrite_verdict(db, *a, facts::ValidationStatus::Pending, written);

    const std::string rule = FactReconciler::rule_of_kind().at(a->kind);
    const std::string note = "anomaly " + a->kind + " on bets " + a->key +
                             ": pending (log end within the watermark): expected rule " + rule +
                             "; latest fact_bet version " + std::to_string(written.version) +
                             " of " + a->key + " is 'pending' violating []; etl_log has the rule";
    // The watermark is longer than the log: the verdict may still come.
    auto report = reconcile(db, g_world->truth.log_offset + 1);
    EXPECT_TRUE(report.differences.empty()) << joined(report.differences);
    EXPECT_NE(std::find(report.notes.begin(), report.notes.end(), note), report.notes.end())
        << joined(report.notes);
    EXPECT_EQ(report.anomalies.pending, 1u);
    EXPECT_EQ(report.anomalies.missed, 0u);

    // The log is past the watermark of the fact's newest input: a difference.
    const int64_t behind = g_world->truth.log_offset - written.log_offset;
    ASSERT_GT(behind, 0);
    const int64_t lag = behind / 2;  // watermark + hold-back = exactly how far behind it is
    auto stuck = reconcile(db, behind - lag, lag);
    std::vector<std::string> expected = {fmt::format(
        "fact_bet bet_id={}: still 'pending' although the log (offset {}) is {} or more records "
        "past its newest input (offset {}; watermark {} + the longest an open transaction may "
        "hold it back): its verdict should be final",
        written.bet_id, g_world->truth.log_offset, behind, written.log_offset, behind - lag)};
    EXPECT_EQ(stuck.differences, expected);
}

// A restated stake with its KPI rows written correctly: the KPI table still equals the facts,
// but no longer the OLTP bets (the ground truth is independent of the facts).
TEST(FactReconciler, RestatedStakeDiffersFromTheOltpBets) {
    const std::string db = clone("recon_stake");
    auto anomalous = anomalous_bets();
    const facts::FactBet* open = nullptr;
    for (const auto& [id, f] : g_world->latest_bets)
        if (!anomalous.count(id) && f.status == "open" &&
            f.validation == facts::ValidationStatus::Ok) {
            open = &f;
            break;
        }
    ASSERT_NE(open, nullptr);
    facts::FactBet changed = *open;
    changed.version += 1;
    changed.stake_minor += 1;
    facts::FactBatch batch;
    batch.bets.push_back(changed);
    FactWriter(*g_world->engine, db).write(batch, kpi_contributions(open, changed));

    const std::string day = day_of_us(open->placed_at_us);
    const BetPlacementFigure* fig = nullptr;
    for (const auto& f : g_world->truth.bets_by_placement)
        if (f.day == day && f.currency == open->currency) fig = &f;
    ASSERT_NE(fig, nullptr);
    auto report = reconcile(db);
    const std::string where = "bet view " + day + " " + open->currency + " ";
    std::vector<std::string> expected = {
        where + "turnover: ground truth (OLTP bets, placement day) " +
            std::to_string(fig->turnover_minor) + ", KPI table " +
            std::to_string(fig->turnover_minor + 1) + " (difference +1)",
        where + "open_liability: ground truth (OLTP bets, placement day) " +
            std::to_string(fig->open_liability_minor) + ", KPI table " +
            std::to_string(fig->open_liability_minor - 1) + " (difference -1)",
    };
    EXPECT_EQ(report.differences, expected);
}

}  // namespace

::testing::Environment* new_reconcile_world() {
    return new WorldEnvironment;
}

}  // namespace tote
