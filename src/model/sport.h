#pragma once
#include <cstdint>
#include <string>

namespace tote::model {

struct Sport {
    int64_t id = 0;
    std::string name;
    bool operator==(const Sport&) const = default;
};

}  // namespace tote::model
