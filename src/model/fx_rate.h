#pragma once
#include <cstdint>
#include <string>

namespace tote::model {

struct FxRate {
    std::string currency;
    int32_t day = 0;       // UTC days since 1970-01-01
    int64_t rate_e10 = 0;  // reporting currency per ONE MAJOR unit x 10^10, exact
    bool operator==(const FxRate&) const = default;
};

}  // namespace tote::model
