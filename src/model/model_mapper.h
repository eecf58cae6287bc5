#pragma once
// Turns one decoded change event into the betting model through a BettingMapping.
// Thread-safety: map() is const and may be called from several threads at once.
#include <string>
#include <unordered_map>

#include "core/change_event.h"
#include "model/betting_mapping.h"
#include "model/model_record.h"

namespace tote::model {

// The wallet currency of the players known so far (the fact builder's dimensions), for a
// mapping whose bets carry no currency of their own (BetMapping::currency_from_player).
class PlayerCurrencies {
public:
    virtual ~PlayerCurrencies() = default;
    // nullptr: the player is not known (yet).
    virtual const std::string* currency_of(int64_t player_id) const = 0;
};

class ModelMapper {
public:
    // Throws ToteError(Fatal) listing BettingMapping::problems() when the mapping is unusable.
    explicit ModelMapper(BettingMapping mapping);

    // create/update/snapshot read: the entity from the after image, or a MappingError naming
    // table, key, column and problem; delete/truncate of a mapped table: RowRemoved; a table
    // the mapping does not name: NotModelTable. `players` gives a bet its player's currency when
    // the mapping says so (a bet whose player is unknown then is a MappingError with awaits_player
    // set: the caller holds it until the player arrives).
    ModelRecord map(const ChangeEvent& change, const PlayerCurrencies* players = nullptr) const;

    const BettingMapping& mapping() const { return mapping_; }
    // True when the mapping names the table (map() of its changes is not NotModelTable).
    bool maps_table(const std::string& table) const { return tables_.count(table) != 0; }

private:
    ModelRecord map_row(EntityKind kind, const ChangeEvent& change, const RowImage& row,
                        const PlayerCurrencies* players) const;

    BettingMapping mapping_;
    std::unordered_map<std::string, EntityKind> tables_;
};

}  // namespace tote::model
