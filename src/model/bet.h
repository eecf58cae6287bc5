#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/channel.h"

namespace tote::model {

enum class BetType : uint8_t { Single, Accumulator };
enum class BetStatus : uint8_t { Open, Won, Lost, Void, CashedOut };

inline std::string_view to_text(BetType t) {
    switch (t) {
        case BetType::Single:
            return "single";
        case BetType::Accumulator:
            return "accumulator";
    }
    return "?";
}

inline std::string_view to_text(BetStatus s) {
    switch (s) {
        case BetStatus::Open:
            return "open";
        case BetStatus::Won:
            return "won";
        case BetStatus::Lost:
            return "lost";
        case BetStatus::Void:
            return "void";
        case BetStatus::CashedOut:
            return "cashed_out";
    }
    return "?";
}

struct Bet {
    int64_t id = 0;
    int64_t player_id = 0;
    BetType type = BetType::Single;
    int64_t stake_minor = 0;
    std::string currency;
    int64_t total_odds_e4 = 0;  // x 10^4, exact
    int64_t potential_payout_minor = 0;
    BetStatus status = BetStatus::Open;
    std::optional<int64_t> payout_minor;  // nullopt while open
    int64_t placed_at_us = 0;             // µs since the epoch, UTC
    std::optional<int64_t> settled_at_us;
    Channel channel = Channel::Web;
    bool operator==(const Bet&) const = default;
};

}  // namespace tote::model
