// The FactBuilder on the simulator's real stream: simulate -> file log -> decode ->
// TransactionAssembler -> FactBuilder (watermark advanced after every unit, and past everything
// at the end). Every injected anomaly is found by its rule on its fact and logged; no fact the
// simulator did not make inconsistent ends as a Violation; nothing stays Pending; a replay of the
// same units into a fresh builder emits identical rows.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <tuple>

#include "decode/debezium_json_decoder.h"
#include "model/betting_mapping.h"
#include "model/mapping_file.h"
#include "simulate/betting_simulator.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"
#include "transform/facts/fact_builder.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote::facts {
namespace {

constexpr int64_t kWatermark = 2000;

struct SimRun {
    FactBatch all;
    std::vector<CompleteTransaction> units;
    std::vector<int64_t> advance_to;  // the advance() after each unit
    int64_t end_offset = 0;
    FactBuilderStats stats;
};

TEST(SimulatedFacts, FindsEveryAnomalyFlagsNothingCleanAndReplaysIdentically) {
    auto dir =
        std::filesystem::temp_directory_path() / ("tote-facts-sim-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    SimulatorConfig cfg;
    cfg.players = 400;
    cfg.events = 40;
    cfg.max_change_events = 100000;
    cfg.bets_per_sim_second = 0.1;  // long simulated days: many settlements
    cfg.anomaly_rate = 0.05;
    cfg.redelivery_rate = 0.01;
    std::vector<Anomaly> anomalies;
    {
        BettingSimulator sim(cfg);
        FileLogWriter w(dir);
        while (sim.step(w) > 0) {
        }
        anomalies = sim.ground_truth().anomalies;
    }

    SimRun run;
    {
        FileLogReader reader(dir);
        DebeziumJsonDecoder decoder;
        TransactionAssembler assembler;
        FactBuilder builder(model::MappingFile::builtin_simulator().mapping(),
                            FactBuilderConfig{kWatermark});
        std::vector<LogRecord> batch;
        CompleteTransaction unit;
        IncompleteTransaction report;
        auto drain = [&] {
            while (assembler.pop(unit)) {
                builder.add(unit, run.all);
                run.units.push_back(unit);
            }
            while (assembler.pop_report(report)) {
            }
        };
        while (reader.poll(batch, 4096) > 0) {
            for (auto& rec : batch) {
                run.end_offset = rec.offset.value + 1;
                assembler.add(decoder.decode(rec), rec.offset);
                drain();
            }
            batch.clear();
            // The log has reached the end of this batch, but a unit still held by the assembler
            // starts at safe_resume_offset(): advance no further than that.
            const int64_t to = assembler.safe_resume_offset().value;
            builder.advance(to, run.all);
            run.advance_to.push_back(to);
            run.units.push_back(CompleteTransaction{});  // marks where the advance happened
            run.units.back().tx_id = UINT64_MAX;
        }
        assembler.release_all("end of the simulated log");
        drain();
        builder.advance(run.end_offset + kWatermark, run.all);
        run.stats = builder.stats();
        EXPECT_EQ(builder.pending_facts(), 0u);
        std::cout << "units " << run.units.size() << ", changes " << run.stats.changes
                  << ", bet facts " << run.stats.bets_emitted << ", leg facts "
                  << run.stats.legs_emitted << ", wallet facts " << run.stats.wallet_emitted
                  << ", log entries " << run.stats.log_entries << ", bets held "
                  << builder.bets_held() << ", dimension rows " << builder.dimensions().size()
                  << ", anomalies " << anomalies.size() << "\n";
    }
    std::filesystem::remove_all(dir);
    EXPECT_EQ(run.stats.mapping_errors, 0u);

    // Latest version of every fact.
    std::map<int64_t, const FactBet*> bets;
    for (const auto& f : run.all.bets) {
        auto& b = bets[f.bet_id];
        if (!b || f.version > b->version) b = &f;
    }
    std::map<int64_t, const FactWalletTransaction*> wallet;
    for (const auto& f : run.all.wallet) {
        auto& w = wallet[f.id];
        if (!w || f.version > w->version) w = &f;
    }
    // (entity, key, rule) logged
    std::set<std::tuple<std::string, std::string, std::string>> logged;
    std::map<std::string, int> logged_rules;
    for (const auto& e : run.all.log) {
        logged.insert(std::make_tuple(e.entity, e.entity_key, e.rule));
        ++logged_rules[e.rule];
    }

    const std::map<std::string, std::string> rule_of = {
        {"payout_without_credit", "winning_settlement_has_payout_credit"},
        {"stake_debited_twice", "stake_debit_matches_bet"},
        {"leg_unknown_selection", "leg_selection_known"},
        {"currency_mismatch", "bet_currency_equals_wallet_currency"},
        {"settled_with_open_leg", "settled_bet_has_all_legs_settled"},
        {"bet_on_finished_event", "no_bet_on_finished_event"},
        {"negative_amount", "wallet_amount_sign_matches_type"},
    };
    std::set<int64_t> anomalous_bets, anomalous_wallet;
    std::set<std::string> kinds;
    for (const auto& a : anomalies) {
        ASSERT_TRUE(rule_of.count(a.kind)) << a.kind;
        kinds.insert(a.kind);
        const std::string& rule = rule_of.at(a.kind);
        if (a.table == "wallet_transactions") {
            int64_t id = std::stoll(a.key.substr(a.key.find(':') + 1));
            anomalous_wallet.insert(id);
            ASSERT_TRUE(wallet.count(id)) << a.kind << " " << a.key << ": no wallet fact";
            const auto& f = *wallet[id];
            EXPECT_EQ(f.validation, ValidationStatus::Violation) << a.kind << " " << a.key;
            EXPECT_NE(std::find(f.violated_rules.begin(), f.violated_rules.end(), rule),
                      f.violated_rules.end())
                << a.kind << " " << a.key;
            EXPECT_TRUE(
                logged.count({"wallet_transaction", "{\"id\":" + std::to_string(id) + "}", rule}))
                << a.kind << " " << a.key << " not logged";
            continue;
        }
        // bets {"id":N} or bet_legs {"bet_id":N,"leg_no":M}
        int64_t id = std::stoll(a.key.substr(a.key.find(':') + 1));
        anomalous_bets.insert(id);
        ASSERT_TRUE(bets.count(id)) << a.kind << " " << a.key << ": no bet fact";
        const auto& f = *bets[id];
        EXPECT_EQ(f.validation, ValidationStatus::Violation) << a.kind << " " << a.key;
        EXPECT_NE(std::find(f.violated_rules.begin(), f.violated_rules.end(), rule),
                  f.violated_rules.end())
            << a.kind << " on bet " << id << " not found by " << rule << "; violated "
            << ::testing::PrintToString(f.violated_rules);
        EXPECT_TRUE(logged.count({"bet", "{\"id\":" + std::to_string(id) + "}", rule}))
            << a.kind << " on bet " << id << " not logged";
    }
    EXPECT_EQ(kinds.size(), rule_of.size()) << "the run should realise every anomaly kind";

    // Nothing clean flagged, nothing left pending.
    size_t ok = 0, inferred_resolved = 0, converted = 0;
    for (const auto& [id, f] : bets) {
        EXPECT_NE(f->validation, ValidationStatus::Pending) << "bet " << id;
        if (f->validation == ValidationStatus::Violation && !anomalous_bets.count(id))
            ADD_FAILURE() << "clean bet " << id << " flagged "
                          << ::testing::PrintToString(f->violated_rules);
        ok += f->validation == ValidationStatus::Ok;
        converted += f->fx_rate_e10 != 0;
    }
    for (const auto& f : run.all.bets) inferred_resolved += f.dimensions_inferred;
    for (const auto& [id, f] : wallet) {
        EXPECT_NE(f->validation, ValidationStatus::Pending) << "wallet row " << id;
        if (f->validation == ValidationStatus::Violation && !anomalous_wallet.count(id))
            ADD_FAILURE() << "clean wallet row " << id << " flagged "
                          << ::testing::PrintToString(f->violated_rules);
    }
    std::cout << "bets " << bets.size() << " (ok " << ok << ", with an FX rate " << converted
              << "), wallet rows " << wallet.size() << ", inferred versions " << inferred_resolved
              << ", log:";
    for (const auto& [r, n] : logged_rules) std::cout << " " << r << "=" << n;
    std::cout << "\n";
    EXPECT_GT(bets.size(), 1000u);
    EXPECT_EQ(converted, bets.size());

    // Replay the same units (and advances) into a fresh builder: identical rows.
    FactBuilder fresh(model::MappingFile::builtin_simulator().mapping(),
                      FactBuilderConfig{kWatermark});
    FactBatch replay;
    size_t next_advance = 0;
    for (const auto& u : run.units) {
        if (u.tx_id == UINT64_MAX && u.changes.empty())
            fresh.advance(run.advance_to[next_advance++], replay);
        else
            fresh.add(u, replay);
    }
    fresh.advance(run.end_offset + kWatermark, replay);
    EXPECT_TRUE(replay.bets == run.all.bets);
    EXPECT_TRUE(replay.legs == run.all.legs);
    EXPECT_TRUE(replay.wallet == run.all.wallet);
    EXPECT_TRUE(replay.log == run.all.log);
    EXPECT_TRUE(replay.dims == run.all.dims);
    EXPECT_GT(run.all.dims.size(), 0u);
}

}  // namespace
}  // namespace tote::facts
