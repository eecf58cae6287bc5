#include "transform/validation/payout_math.h"

#include <gtest/gtest.h>

#include <vector>

namespace tote::validation {
namespace {

TEST(PayoutMath, ProductRoundsHalfUpOnce) {
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{25000}), 25000);
    // 1.5 x 1.5 = 2.25 exactly
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{15000, 15000}), 22500);
    // 1.2345 x 1.1111 = 1.37165295 -> 1.3717 (half up at the 5th decimal: 1.37165 -> 1.3717)
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{12345, 11111}), 13717);
    // 1.0001 x 1.00005 is not 4-decimal input; 1.0001 x 1.0001 = 1.00020001 -> 1.0002
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{10001, 10001}), 10002);
    // exactly half: 1.5 x 1.0001 = 1.50015 -> 1.5002 (half up)
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{15000, 10001}), 15002);
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{}), std::nullopt);
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>{15000, 0}), std::nullopt);
    // 11 legs at 1000.0000 overflow the exact 128-bit product
    EXPECT_EQ(PayoutMath::product_e4(std::vector<int64_t>(11, 10'000'000)), std::nullopt);
}

TEST(PayoutMath, ApplyFloors) {
    EXPECT_EQ(PayoutMath::apply(1000, 25000), 2500);
    EXPECT_EQ(PayoutMath::apply(333, 15001), 499);  // 499.5333 -> 499
    EXPECT_EQ(PayoutMath::apply(1, 9999), 0);
    EXPECT_EQ(PayoutMath::apply(-1, 15000), -2);  // floor, not truncation
    EXPECT_EQ(PayoutMath::apply(INT64_MAX, 20000), std::nullopt);
}

TEST(PayoutMath, DeadHeatOddsFloorToFourDecimals) {
    EXPECT_EQ(PayoutMath::dead_heat_odds_e4(21000, 5000), 10500);
    EXPECT_EQ(PayoutMath::dead_heat_odds_e4(21001, 5000), 10500);  // 1.05005 -> 1.0500
    EXPECT_EQ(PayoutMath::dead_heat_odds_e4(30000, 3333), 9999);
}

}  // namespace
}  // namespace tote::validation
