#pragma once
// One unit the TransactionAssembler hands downstream: the changes of one OLTP transaction in
// their order within it, or one snapshot read, or one change without transaction metadata.
// See docs/transactions.md.
#include <cstdint>
#include <vector>

#include "core/change_event.h"

namespace tote {

struct CompleteTransaction {
    uint64_t tx_id = 0;                // source.txId (for a snapshot read: the snapshot's txId)
    std::vector<ChangeEvent> changes;  // ascending transaction.total_order, each order once
    int64_t first_offset = 0;          // smallest log offset of any record of the unit
    int64_t last_offset = 0;           // largest log offset of any record of the unit
    int64_t commit_ts_ms = 0;          // source.ts_ms of the changes (END's ts_ms if none)
    bool snapshot = false;             // a snapshot read (op 'r', no transaction block)
    bool transaction_metadata = true;  // false: not grouped by transaction metadata (a snapshot
                                       // read, or a change without a transaction block)
    // false: released before it was whole (watermark, buffer limit, inconsistent counts, or the
    // rest of a transaction released earlier). An IncompleteTransaction report says why.
    bool complete = true;
};

}  // namespace tote
