// The bet figures of the ground truth (format tote-ground-truth/2): computed from the OLTP bet
// rows, written and read back unchanged; a /1 file (no bet figures) is still read.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "core/error.h"
#include "sim_test_util.h"
#include "simulate/ground_truth.h"
#include "simulate/json_text.h"
#include "simulate/oltp_state.h"

namespace tote {
namespace {

using simtest::run;
using simtest::small_config;
using simtest::temp_dir;

GroundTruth simulated(const std::filesystem::path& dir) {
    SimulatorConfig cfg = small_config(20000);
    cfg.bets_per_sim_second = 0.1;  // long simulated days: settlements on several days
    cfg.anomaly_rate = 0.05;
    BettingSimulator sim(cfg);
    run(sim, dir);
    return sim.ground_truth();
}

TEST(GroundTruthBets, FiguresFollowTheKpiDefinitions) {
    // A hand-made state: the figures by the rules of docs/kpis.md.
    OltpState s;
    auto add = [&](int64_t id, uint8_t currency, BetStatus status, int64_t stake, int64_t potential,
                   bool has_payout, int64_t payout, int64_t placed, int64_t settled) {
        Bet b{};
        b.id = id;
        b.currency = currency;
        b.status = status;
        b.stake_minor = stake;
        b.potential_payout_minor = potential;
        b.has_payout = has_payout;
        b.payout_minor = payout;
        b.placed_at = placed;
        b.settled_at = settled;
        s.bets.push_back(b);
    };
    const int64_t d0 = 20'000 * kMicrosPerDay;  // 2024-10-04
    const int64_t d1 = d0 + kMicrosPerDay;
    add(1, 0, BetStatus::Open, 100, 250, false, 0, d0 + 5, 0);
    add(2, 0, BetStatus::Won, 200, 500, true, 500, d0 + 6, d1 + 1);  // settled next day
    add(3, 0, BetStatus::Lost, 300, 900, true, 0, d0 + 7, d0 + 8);
    add(4, 0, BetStatus::Void, 400, 800, true, 400, d0 + 9, d0 + 10);  // counts nowhere
    add(5, 0, BetStatus::CashedOut, 50, 200, true, 70, d1 + 2, d1 + 3);
    add(6, 3, BetStatus::Lost, 1000, 3000, false, 0, d0 + 11, d1 + 4);  // UGX, no payout
    GroundTruth t;
    t.compute_from(s);
    ASSERT_TRUE(t.has_bet_figures);
    std::vector<BetPlacementFigure> placed = {
        {"2024-10-04", "NGN", 3, 600, 150},
        {"2024-10-04", "UGX", 1, 1000, 0},
        {"2024-10-05", "NGN", 1, 50, 0},
    };
    std::vector<BetSettlementFigure> settled = {
        {"2024-10-04", "NGN", 1, 300, 0, 300},
        {"2024-10-05", "NGN", 2, 250, 570, -320},
        {"2024-10-05", "UGX", 1, 1000, 0, 1000},
    };
    EXPECT_EQ(t.bets_by_placement, placed);
    EXPECT_EQ(t.bets_by_settlement, settled);
}

TEST(GroundTruthBets, RoundTripsThroughTheFile) {
    auto dir = temp_dir("gtbets");
    GroundTruth gt = simulated(dir);
    ASSERT_TRUE(gt.has_bet_figures);
    EXPECT_GT(gt.bets_by_placement.size(), 2u);
    EXPECT_GT(gt.bets_by_settlement.size(), 2u);
    write_ground_truth(gt, dir / "ground_truth.json");
    GroundTruth back = read_ground_truth(dir / "ground_truth.json");
    EXPECT_TRUE(back.has_bet_figures);
    EXPECT_EQ(back.bets_by_placement, gt.bets_by_placement);
    EXPECT_EQ(back.bets_by_settlement, gt.bets_by_settlement);
    EXPECT_EQ(back.ledger_by_status, gt.ledger_by_status);
    EXPECT_EQ(back.anomalies, gt.anomalies);
    std::ifstream in(dir / "ground_truth.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"format\":\"tote-ground-truth/2\""), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(GroundTruthBets, FormatOneIsStillReadWithoutBetFigures) {
    auto dir = temp_dir("gtv1");
    GroundTruth gt = simulated(dir);
    gt.has_bet_figures = false;  // written as /1, without the bet lists
    write_ground_truth(gt, dir / "v1.json");
    std::ifstream in(dir / "v1.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"format\":\"tote-ground-truth/1\""), std::string::npos);
    EXPECT_EQ(text.find("bets_by_placement"), std::string::npos);
    GroundTruth back = read_ground_truth(dir / "v1.json");
    EXPECT_FALSE(back.has_bet_figures);
    EXPECT_TRUE(back.bets_by_placement.empty());
    EXPECT_TRUE(back.bets_by_settlement.empty());
    EXPECT_EQ(back.ledger, gt.ledger);
    EXPECT_EQ(back.anomalies, gt.anomalies);

    // An unknown format is refused with its name.
    std::string bad = text;
    bad.replace(bad.find("tote-ground-truth/1"), 19, "tote-ground-truth/9");
    std::ofstream(dir / "v9.json") << bad;
    try {
        read_ground_truth(dir / "v9.json");
        ADD_FAILURE() << "format /9 was accepted";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown format \"tote-ground-truth/9\""),
                  std::string::npos)
            << e.what();
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tote
