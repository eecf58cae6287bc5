#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "model/channel.h"

namespace tote::model {

enum class PlayerStatus : uint8_t { Active, SelfExcluded, Closed };

inline std::string_view to_text(PlayerStatus s) {
    switch (s) {
        case PlayerStatus::Active:
            return "active";
        case PlayerStatus::SelfExcluded:
            return "self_excluded";
        case PlayerStatus::Closed:
            return "closed";
    }
    return "?";
}

struct Player {
    int64_t id = 0;
    std::string country;   // ISO 3166-1 alpha-2
    std::string currency;  // wallet currency, ISO 4217
    Channel channel = Channel::Web;
    int64_t registered_at_us = 0;  // µs since the epoch, UTC
    PlayerStatus status = PlayerStatus::Active;
    bool operator==(const Player&) const = default;
};

}  // namespace tote::model
