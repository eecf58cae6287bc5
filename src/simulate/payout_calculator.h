#pragma once
// The payout rules of the simulated book (documented in docs/oltp-schema.md):
//   total_odds = Π leg odds, rounded half-up to 4 decimals (what the bet row stores);
//   at settlement a void leg counts at 1.0000 and a dead-heat leg at floor(odds × factor, 4dp);
//   payout_minor = floor(stake_minor × effective_total_odds), in the bet's minor units.
#include <cstdint>
#include <vector>

#include "simulate/oltp_state.h"

namespace tote {

class PayoutCalculator {
public:
    // Rounded product of 4-decimal odds (each ×10^4), as ×10^4.
    static int64_t product_e4(const std::vector<int64_t>& odds_e4) {
        unsigned __int128 num = 1;
        unsigned __int128 den = 1;
        for (size_t i = 0; i < odds_e4.size(); ++i) {
            num *= static_cast<uint64_t>(odds_e4[i]);
            if (i > 0) den *= 10000;
        }
        return static_cast<int64_t>((num + den / 2) / den);
    }
    static int64_t apply(int64_t stake_minor, int64_t odds_e4) {
        return static_cast<int64_t>(static_cast<__int128>(stake_minor) * odds_e4 / 10000);
    }
    static int64_t total_odds_e4(const std::vector<BetLeg>& legs) {
        std::vector<int64_t> o;
        o.reserve(legs.size());
        for (const auto& l : legs) o.push_back(l.odds_e4);
        return product_e4(o);
    }
    // Effective odds of a bet whose legs are all resulted and none lost; dead_heat_e4 per leg
    // (0 where not a dead heat).
    static int64_t effective_odds_e4(const std::vector<BetLeg>& legs,
                                     const std::vector<int64_t>& dead_heat_e4) {
        std::vector<int64_t> o;
        o.reserve(legs.size());
        for (size_t i = 0; i < legs.size(); ++i) {
            const auto& l = legs[i];
            if (l.result == Outcome::Void)
                o.push_back(10000);
            else if (l.result == Outcome::DeadHeat)
                o.push_back(l.odds_e4 * dead_heat_e4[i] / 10000);
            else
                o.push_back(l.odds_e4);
        }
        return product_e4(o);
    }
};

}  // namespace tote
