#pragma once
// The payout arithmetic of a bet, exact integers only (odds x 10^4), as the simulated book
// computes it (src/simulate/payout_calculator.h, docs/oltp-schema.md):
//   total_odds_e4      = round_half_up(Π odds_e4 / 10^(4(n-1)))      (4 decimals)
//   dead-heat leg odds = floor(odds_e4 x factor_e4 / 10^4)            (4 decimals)
//   void leg odds      = 1.0000
//   payout_minor       = floor(stake_minor x odds_e4 / 10^4)
#include <cstdint>
#include <optional>
#include <span>

namespace tote::validation {

class PayoutMath {
public:
    // The product of the 4-decimal odds, rounded half up to 4 decimals. nullopt when the list
    // is empty, an odds value is not positive, or the exact product overflows 128 bits.
    static std::optional<int64_t> product_e4(std::span<const int64_t> odds_e4);

    // floor(stake_minor x odds_e4 / 10^4) (floor also for a negative stake); nullopt when it
    // does not fit int64.
    static std::optional<int64_t> apply(int64_t stake_minor, int64_t odds_e4);

    // floor(odds_e4 x factor_e4 / 10^4): a dead-heat leg's effective odds.
    static int64_t dead_heat_odds_e4(int64_t odds_e4, int64_t factor_e4);
};

}  // namespace tote::validation
