#pragma once
// Turns one decoded change event into the betting model through a BettingMapping.
// Thread-safety: map() is const and may be called from several threads at once.
#include <string>
#include <unordered_map>

#include "core/change_event.h"
#include "model/betting_mapping.h"
#include "model/model_record.h"

namespace tote::model {

class ModelMapper {
public:
    // Throws ToteError(Fatal) listing BettingMapping::problems() when the mapping is unusable.
    explicit ModelMapper(BettingMapping mapping);

    // create/update/snapshot read: the entity from the after image, or a MappingError naming
    // table, key, column and problem; delete/truncate of a mapped table: RowRemoved; a table
    // the mapping does not name: NotModelTable.
    ModelRecord map(const ChangeEvent& change) const;

    const BettingMapping& mapping() const { return mapping_; }
    // True when the mapping names the table (map() of its changes is not NotModelTable).
    bool maps_table(const std::string& table) const { return tables_.count(table) != 0; }

private:
    ModelRecord map_row(EntityKind kind, const ChangeEvent& change, const RowImage& row) const;

    BettingMapping mapping_;
    std::unordered_map<std::string, EntityKind> tables_;
};

}  // namespace tote::model
