#pragma once
// The result of a selection, and of a bet leg on it.
#include <cstdint>
#include <string_view>

namespace tote::model {

enum class LegResult : uint8_t { Win, Lose, Void, DeadHeat };

inline std::string_view to_text(LegResult r) {
    switch (r) {
        case LegResult::Win:
            return "win";
        case LegResult::Lose:
            return "lose";
        case LegResult::Void:
            return "void";
        case LegResult::DeadHeat:
            return "dead_heat";
    }
    return "?";
}

}  // namespace tote::model
