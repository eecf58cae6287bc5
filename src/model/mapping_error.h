#pragma once
// A change of a model table that does not map to the model: a per-record problem, as a value.
#include <string>

namespace tote::model {

struct MappingError {
    std::string table;    // source table
    std::string key;      // the change's canonical key, e.g. {"id":5}
    std::string column;   // source column ("" when the problem is the whole row)
    std::string problem;  // what is wrong, e.g. "unknown value 'settled'"

    // "bets {"id":5} column 'status': unknown value 'settled' (...)"
    std::string message() const {
        std::string m = table + " " + key;
        if (!column.empty()) m += " column '" + column + "'";
        return m + ": " + problem;
    }
    bool operator==(const MappingError&) const = default;
};

}  // namespace tote::model
