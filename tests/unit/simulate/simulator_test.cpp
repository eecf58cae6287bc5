#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.h"
#include "sim_test_util.h"
#include "simulate/catalogue_builder.h"
#include "simulate/json_text.h"

namespace tote {
namespace {

using namespace simtest;

TEST(BettingSimulator, SameConfigGivesByteIdenticalLogs) {
    auto a = temp_dir("det-a"), b = temp_dir("det-b");
    BettingSimulator s1(small_config(30000)), s2(small_config(30000));
    run(s1, a);
    run(s2, b);
    std::string x = file_bytes(a / "records.log"), y = file_bytes(b / "records.log");
    EXPECT_GT(x.size(), 1000000u);
    EXPECT_TRUE(x == y) << "logs of two runs with the same seed differ";
    EXPECT_EQ(s1.records_emitted(), s2.records_emitted());

    SimulatorConfig other = small_config(30000);
    other.seed = 7;
    auto c = temp_dir("det-c");
    BettingSimulator s3(other);
    run(s3, c);
    EXPECT_FALSE(file_bytes(c / "records.log") == x);
    std::filesystem::remove_all(a);
    std::filesystem::remove_all(b);
    std::filesystem::remove_all(c);
}

TEST(BettingSimulator, StoppedFastForwardedAndContinuedEqualsUninterrupted) {
    auto whole = temp_dir("ff-whole"), parts = temp_dir("ff-parts");
    SimulatorConfig cfg = small_config(40000);
    cfg.redelivery_rate = 0.01;  // re-deliveries must be regenerated identically too
    BettingSimulator full(cfg);
    run(full, whole);
    {
        BettingSimulator first(cfg);
        run(first, parts, 3000);  // stopped after 3000 steps (a transaction boundary)
    }
    int64_t cut = static_cast<int64_t>(read_all(parts).size());
    BettingSimulator resumed(cfg);
    resumed.fast_forward(cut);
    EXPECT_EQ(static_cast<int64_t>(resumed.records_emitted()), cut);
    run(resumed, parts);
    EXPECT_TRUE(file_bytes(whole / "records.log") == file_bytes(parts / "records.log"));
    EXPECT_EQ(full.ground_truth().ledger, resumed.ground_truth().ledger);

    BettingSimulator wrong(cfg);
    EXPECT_THROW(wrong.fast_forward(cut + 1), ToteError);  // not a step boundary
    std::filesystem::remove_all(whole);
    std::filesystem::remove_all(parts);
}

TEST(BettingSimulator, LedgerGroundTruthEqualsIndependentRecount) {
    SimulatorConfig cfg = small_config(80000);
    cfg.anomaly_rate = 0.05;
    BettingSimulator sim(cfg);
    auto dir = temp_dir("gt");
    run(sim, dir);
    std::filesystem::remove_all(dir);
    GroundTruth gt = sim.ground_truth();
    // Recount: day text × currency × type × status straight from the rows.
    std::map<std::string, std::pair<int64_t, int64_t>> by_status, all;
    int64_t live = 0;
    for (const WalletTx& w : sim.state().wallet) {
        if (w.deleted) continue;
        ++live;
        std::string day;
        append_date(day, floor_div(w.created_at, kMicrosPerDay));
        std::string k = day + "|" + std::string(kCurrencies[w.currency].code) + "|" +
                        std::string(to_text(w.type));
        all[k].first++;
        all[k].second += w.amount_minor;
        auto& s = by_status[k + "|" + std::string(to_text(w.status))];
        s.first++;
        s.second += w.amount_minor;
    }
    ASSERT_EQ(gt.ledger.size(), all.size());
    for (const auto& f : gt.ledger) {
        auto it = all.find(f.day + "|" + f.currency + "|" + f.type);
        ASSERT_NE(it, all.end()) << f.day << " " << f.currency << " " << f.type;
        EXPECT_EQ(it->second.first, f.count);
        EXPECT_EQ(it->second.second, f.sum_minor);
    }
    ASSERT_EQ(gt.ledger_by_status.size(), by_status.size());
    for (const auto& f : gt.ledger_by_status) {
        auto it = by_status.find(f.day + "|" + f.currency + "|" + f.type + "|" + f.status);
        ASSERT_NE(it, by_status.end());
        EXPECT_EQ(it->second.first, f.count);
        EXPECT_EQ(it->second.second, f.sum_minor);
    }
    EXPECT_EQ(gt.table_rows.at("wallet_transactions"), live);
    int64_t legs = 0;
    for (const auto& b : sim.state().bets) legs += static_cast<int64_t>(b.legs.size());
    EXPECT_EQ(gt.table_rows.at("bet_legs"), legs);
    EXPECT_EQ(gt.table_rows.at("bets"), static_cast<int64_t>(sim.state().bets.size()));
    EXPECT_EQ(gt.log_offset, static_cast<int64_t>(sim.records_emitted()));
    std::set<std::string> types;
    for (const auto& f : gt.ledger_by_status) types.insert(f.type);
    EXPECT_GE(types.size(), 5u);
}

TEST(BettingSimulator, CleanPlayersBalancesNeverNegativeAndMatchLedger) {
    SimulatorConfig cfg = small_config(80000);
    cfg.anomaly_rate = 0.02;
    BettingSimulator sim(cfg);
    auto dir = temp_dir("bal");
    run(sim, dir);
    std::filesystem::remove_all(dir);
    std::map<int64_t, int64_t> ledger_balance;
    for (const WalletTx& w : sim.state().wallet) {
        if (w.deleted) continue;
        if (w.status == WalletStatus::Completed ||
            (w.status == WalletStatus::Pending && w.amount_minor < 0))
            ledger_balance[w.player_id] += w.amount_minor;
    }
    size_t clean = 0, excused = 0;
    for (const Player& p : sim.state().players) {
        EXPECT_EQ(p.balance, ledger_balance[p.id]) << "player " << p.id;
        if (!p.clean) continue;
        if (p.negative_after_resettlement) {
            ++excused;
            continue;
        }
        ++clean;
        EXPECT_GE(ledger_balance[p.id], 0) << "clean player " << p.id;
    }
    EXPECT_GT(clean, 400u);
    EXPECT_LT(excused, 20u);
}

TEST(BettingSimulator, EveryAnomalyKindAppearsWhenTheRateIsHigh) {
    SimulatorConfig cfg = small_config(60000);
    cfg.anomaly_rate = 0.2;
    cfg.bets_per_sim_second = 0.1;  // more events finish per change event: more settlements
    BettingSimulator sim(cfg);
    auto dir = temp_dir("anom");
    run(sim, dir);
    std::filesystem::remove_all(dir);
    std::map<std::string, int> kinds;
    for (const auto& a : sim.ground_truth().anomalies) ++kinds[a.kind];
    for (size_t k = 0; k < kAnomalyKindCount; ++k)
        EXPECT_GT(kinds[std::string(to_text(static_cast<AnomalyKind>(k)))], 0)
            << to_text(static_cast<AnomalyKind>(k));
    // The rows are really in the OLTP state.
    for (const auto& a : sim.ground_truth().anomalies) {
        if (a.kind == "stake_debited_twice") {
            int64_t bet = std::stoll(a.key.substr(6));
            int debits = 0;
            for (const auto& w : sim.state().wallet)
                debits += w.bet_id == bet && w.type == WalletType::StakeDebit;
            EXPECT_EQ(debits, 2);
        }
        if (a.kind == "negative_amount") {
            int64_t id = std::stoll(a.key.substr(6));
            EXPECT_LT(sim.state().wallet[id - 1].amount_minor, 0);
            EXPECT_EQ(sim.state().wallet[id - 1].type, WalletType::Deposit);
        }
    }
}

TEST(BettingSimulator, DefaultAnomalyRateIsSmall) {
    BettingSimulator sim(small_config(60000));
    auto dir = temp_dir("anom-default");
    run(sim, dir);
    std::filesystem::remove_all(dir);
    size_t bets = sim.state().bets.size();
    EXPECT_LT(sim.ground_truth().anomalies.size(), bets / 100 + 5);
}

TEST(BettingSimulator, GroundTruthJsonRoundTrips) {
    SimulatorConfig cfg = small_config(20000);
    cfg.anomaly_rate = 0.1;
    BettingSimulator sim(cfg);
    auto dir = temp_dir("gtjson");
    run(sim, dir);
    GroundTruth gt = sim.ground_truth();
    write_ground_truth(gt, dir / "ground_truth.json");
    GroundTruth back = read_ground_truth(dir / "ground_truth.json");
    EXPECT_EQ(back.ledger, gt.ledger);
    EXPECT_EQ(back.ledger_by_status, gt.ledger_by_status);
    EXPECT_EQ(back.anomalies, gt.anomalies);
    EXPECT_EQ(back.table_rows, gt.table_rows);
    EXPECT_EQ(back.log_offset, gt.log_offset);
    EXPECT_EQ(back.change_events_emitted, gt.change_events_emitted);
    EXPECT_EQ(back.config.seed, cfg.seed);
    EXPECT_EQ(back.config.anomaly_rate, cfg.anomaly_rate);
    EXPECT_EQ(back.sim_time, gt.sim_time);
    EXPECT_THROW(read_ground_truth(dir / "missing.json"), ToteError);
    std::filesystem::remove_all(dir);
}

TEST(BettingSimulator, MarketsCarryABookmakerMargin) {
    BettingSimulator sim(small_config(5000));
    int checked = 0;
    for (const Market& m : sim.state().markets) {
        if (m.type == MarketType::Winner && m.selection_count > 2)
            continue;  // outrights carry more
        double inv = 0;
        for (int64_t k = 0; k < m.selection_count; ++k)
            inv += 1e4 / sim.state().selections[m.first_selection - 1 + k].odds_e4;
        EXPECT_GT(inv, 1.03) << "market " << m.id;
        EXPECT_LT(inv, 1.13) << "market " << m.id;
        ++checked;
    }
    EXPECT_GT(checked, 40);
}

TEST(BettingSimulator, WorkloadRealism) {
    SimulatorConfig cfg = small_config(0);
    cfg.bets_per_sim_second = 0.2;  // a multi-day run: midnight crossings
    cfg.max_change_events = 300000;
    BettingSimulator sim(cfg);
    auto dir = temp_dir("real");
    run(sim, dir);
    std::filesystem::remove_all(dir);
    const OltpState& s = sim.state();
    std::set<std::string> currencies;
    for (const auto& p : s.players) currencies.insert(std::string(kCurrencies[p.currency].code));
    EXPECT_GE(currencies.size(), 5u);
    EXPECT_TRUE(currencies.count("UGX"));
    std::map<BetStatus, int> status;
    std::map<size_t, int> legs;
    for (const auto& b : s.bets) ++status[b.status], ++legs[b.legs.size()];
    for (auto st :
         {BetStatus::Open, BetStatus::Won, BetStatus::Lost, BetStatus::Void, BetStatus::CashedOut})
        EXPECT_GT(status[st], 0) << to_text(st);
    for (size_t n = 1; n <= 6; ++n) EXPECT_GT(legs[n], 0) << n << " legs";
    GroundTruth gt = sim.ground_truth();
    std::set<std::string> types, statuses;
    for (const auto& f : gt.ledger_by_status) types.insert(f.type), statuses.insert(f.status);
    EXPECT_EQ(types.size(), kWalletTypeCount);
    EXPECT_EQ(statuses.size(), kWalletStatusCount);
    int dead_heats = 0, void_legs = 0;
    for (const auto& b : s.bets)
        for (const auto& l : b.legs)
            dead_heats += l.result == Outcome::DeadHeat, void_legs += l.result == Outcome::Void;
    EXPECT_GT(dead_heats, 0);
    EXPECT_GT(void_legs, 0);
    // Resettlements: a reversal (adjustment) on another day than the payout it reverses.
    std::map<int64_t, int64_t> first_credit_day;
    int reversals = 0, across_midnight = 0;
    for (const auto& w : s.wallet) {
        int64_t day = floor_div(w.created_at, kMicrosPerDay);
        if ((w.type == WalletType::PayoutCredit || w.type == WalletType::Refund) &&
            !first_credit_day.count(w.bet_id))
            first_credit_day[w.bet_id] = day;
        if (w.type == WalletType::Adjustment) {
            ++reversals;
            EXPECT_LT(w.amount_minor, 0);
            if (first_credit_day.count(w.bet_id) && first_credit_day[w.bet_id] != day)
                ++across_midnight;
        }
    }
    EXPECT_GT(reversals, 0);
    EXPECT_GT(across_midnight, 0);
    // Popular events draw far more bets (Zipf).
    std::vector<size_t> per_event;
    for (const auto& e : s.events) per_event.push_back(e.bets.size());
    std::sort(per_event.rbegin(), per_event.rend());
    EXPECT_GT(per_event[0], 10 * std::max<size_t>(1, per_event[per_event.size() / 2]));
}

}  // namespace
}  // namespace tote
