#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace tote::model {

struct Competition {
    int64_t id = 0;
    int64_t sport_id = 0;
    std::string name;
    std::optional<std::string> country;  // nullopt = international
    bool operator==(const Competition&) const = default;
};

}  // namespace tote::model
