#pragma once
// The members of the assembler's public value types as a checkpoint writes them
// (core/state_traits.h). A new member must be added here, and the checkpoint format version
// raised (src/state/checkpoint_store.h).
#include "core/change_event_state.h"
#include "transform/transaction/complete_transaction.h"
#include "transform/transaction/incomplete_transaction.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote {

template <class A>
void state_fields(A& a, CompleteTransaction& t) {
    a(t.tx_id, t.changes, t.first_offset, t.last_offset, t.commit_ts_ms, t.snapshot,
      t.transaction_metadata, t.complete);
}
template <class A>
void state_fields(A& a, IncompleteTransaction& t) {
    a(t.tx_id, t.expected, t.received, t.first_offset, t.last_offset, t.cause, t.reason);
}
template <class A>
void state_fields(A& a, TransactionAssemblerStats& s) {
    a(s.transactions_complete, s.transactions_empty, s.transactions_incomplete, s.snapshot_changes,
      s.unmarked_changes, s.duplicate_changes, s.redelivered_changes, s.redelivered_markers);
}

}  // namespace tote
