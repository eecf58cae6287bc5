#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::model {

enum class MarketStatus : uint8_t { Open, Suspended, Settled, Voided };

inline std::string_view to_text(MarketStatus s) {
    switch (s) {
        case MarketStatus::Open:
            return "open";
        case MarketStatus::Suspended:
            return "suspended";
        case MarketStatus::Settled:
            return "settled";
        case MarketStatus::Voided:
            return "voided";
    }
    return "?";
}

struct Market {
    int64_t id = 0;
    int64_t event_id = 0;
    std::string type;                // the operator's market type code, e.g. "1X2", "OU2.5"
    std::optional<int64_t> line_e2;  // handicap line x 10^2 (e.g. -0.25 -> -25); nullopt = none
    MarketStatus status = MarketStatus::Open;
    bool operator==(const Market&) const = default;
};

}  // namespace tote::model
