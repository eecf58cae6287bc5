#pragma once
// A change of a model table that does not map to the model: a per-record problem, as a value.
#include <cstdint>
#include <optional>
#include <string>

namespace tote::model {

struct MappingError {
    std::string table;    // source table
    std::string key;      // the change's canonical key, e.g. {"id":5}
    std::string column;   // source column ("" when the problem is the whole row)
    std::string problem;  // what is wrong, e.g. "unknown value 'settled'"
    // Set when the row maps once this player is known (a bet that takes its player's
    // currency): the fact builder holds the change until the player arrives.
    std::optional<int64_t> awaits_player = std::nullopt;

    // "bets {"id":5} column 'status': unknown value 'settled' (...)"
    std::string message() const {
        std::string m = table + " " + key;
        if (!column.empty()) m += " column '" + column + "'";
        return m + ": " + problem;
    }
    bool operator==(const MappingError&) const = default;
};

}  // namespace tote::model
