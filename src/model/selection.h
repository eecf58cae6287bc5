#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "model/leg_result.h"

namespace tote::model {

struct Selection {
    int64_t id = 0;
    int64_t market_id = 0;
    std::string name;
    int64_t odds_e4 = 0;                         // decimal odds x 10^4, exact
    std::optional<LegResult> result;             // nullopt until resulted
    std::optional<int64_t> dead_heat_factor_e4;  // x 10^4, e.g. 0.5 -> 5000; nullopt = none
    bool operator==(const Selection&) const = default;
};

}  // namespace tote::model
