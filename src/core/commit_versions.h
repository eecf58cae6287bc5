#pragma once
// The final row versions of one OLTP transaction's changes, once its commit position is known
// (Debezium's END record: its id is "<txId>:<commit LSN>"). See core/source_position.h.
#include <cstdint>
#include <span>

#include "core/change_event.h"

namespace tote {

// `changes`: the transaction's changes in their order within it (transaction.total_order).
// Each gets make_version(commit_position, rank): Truncate for a truncate; Change for the last
// change of its row, unless a later truncate of its table in the same transaction removes it;
// Superseded for every other change. Two changes of one row in one transaction thus never share
// a version, and the row's latest state wins. commit_position 0 (unknown) leaves every version
// as the decoder set it.
void assign_commit_versions(std::span<ChangeEvent> changes, uint64_t commit_position);

}  // namespace tote
