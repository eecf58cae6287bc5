#pragma once
// The channel a player registered or a bet was placed through.
#include <cstdint>
#include <string_view>

namespace tote::model {

enum class Channel : uint8_t { Web, App, Ussd, Retail };

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
    }
    return "?";
}

}  // namespace tote::model
