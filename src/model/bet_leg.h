#pragma once
#include <cstdint>
#include <optional>

#include "model/leg_result.h"

namespace tote::model {

struct BetLeg {
    int64_t bet_id = 0;
    int64_t leg_no = 0;
    int64_t selection_id = 0;
    int64_t odds_taken_e4 = 0;        // x 10^4, exact: the price when the bet was placed
    std::optional<LegResult> result;  // nullopt while open
    bool operator==(const BetLeg&) const = default;
};

}  // namespace tote::model
