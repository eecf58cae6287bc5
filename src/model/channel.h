#pragma once
// The channel a player registered or a bet was placed through.
#include <cstdint>
#include <string_view>

namespace tote::model {

// Unknown: the source does not record the channel (a mapping constant, docs/mapping.md).
enum class Channel : uint8_t { Web, App, Ussd, Retail, Unknown };

inline std::string_view to_text(Channel c) {
    switch (c) {
        case Channel::Web:
            return "web";
        case Channel::App:
            return "app";
        case Channel::Ussd:
            return "ussd";
        case Channel::Retail:
            return "retail";
        case Channel::Unknown:
            return "unknown";
    }
    return "?";
}

}  // namespace tote::model
