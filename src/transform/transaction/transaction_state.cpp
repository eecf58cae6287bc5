// Checkpoint state of the transaction assembler and its parts (save_state / load_state).
// Kept apart from the processing code: it lists every member, in one order, for both ways.
#include "transform/transaction/transaction_state.h"

#include <algorithm>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "transform/transaction/open_transaction.h"
#include "transform/transaction/released_transaction_memory.h"

namespace tote {

namespace {

template <class A>
void entry_fields(A& a, ReleasedTransactionMemory::Entry& e) {
    a(e.complete, e.end_seen, e.event_count, e.received);
}

}  // namespace

void OpenTransaction::save_state(StateWriter& out) const {
    out(tx_id_, continuation_, prior_received_, changes_, first_offset_, last_offset_, end_seen_,
        event_count_, end_offset_, marker_ts_ms_, commit_lsn_, completed_mark, counted);
}

void OpenTransaction::load_state(StateReader& in) {
    in(tx_id_, continuation_, prior_received_, changes_, first_offset_, last_offset_, end_seen_,
       event_count_, end_offset_, marker_ts_ms_, commit_lsn_, completed_mark, counted);
}

void ReleasedTransactionMemory::save_state(StateWriter& out) const {
    out(static_cast<uint64_t>(capacity_), next_sequence_, static_cast<uint64_t>(entries_.size()));
    std::vector<std::pair<uint64_t, const Slot*>> sorted;  // in id order: equal bytes
    sorted.reserve(entries_.size());
    for (const auto& [id, slot] : entries_) sorted.emplace_back(id, &slot);
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [id, slot] : sorted) {
        out(id, slot->sequence);
        entry_fields(out, const_cast<Entry&>(slot->entry));
    }
    out(order_);
}

void ReleasedTransactionMemory::load_state(StateReader& in) {
    uint64_t capacity = 0, n = 0;
    in(capacity, next_sequence_, n);
    if (capacity != capacity_)
        in.fail("remembered_transactions was " + std::to_string(capacity) + ", now " +
                std::to_string(capacity_));
    entries_.clear();
    entries_.reserve(static_cast<size_t>(std::min<uint64_t>(n, in.remaining())));
    for (uint64_t i = 0; i < n; ++i) {
        uint64_t id = 0;
        Slot slot;
        in(id, slot.sequence);
        entry_fields(in, slot.entry);
        entries_.emplace(id, slot);
    }
    in(order_);
}

void TransactionAssembler::save_state(StateWriter& out) const {
    out(next_offset_, completed_total_, static_cast<uint64_t>(buffered_),
        static_cast<uint64_t>(open_.size()));
    for (const auto& [id, tx] : open_) {
        out(id);
        tx.save_state(out);
    }
    out(by_first_, by_last_, ended_);
    released_.save_state(out);
    out(output_, reports_, stats_);
}

void TransactionAssembler::load_state(StateReader& in) {
    uint64_t buffered = 0, n = 0;
    in(next_offset_, completed_total_, buffered, n);
    buffered_ = static_cast<size_t>(buffered);
    open_.clear();
    for (uint64_t i = 0; i < n; ++i) {
        uint64_t id = 0;
        in(id);
        auto it = open_.emplace_hint(open_.end(), id, OpenTransaction(id, 0, false, 0));
        it->second.load_state(in);
    }
    in(by_first_, by_last_, ended_);
    released_.load_state(in);
    in(output_, reports_, stats_);
}

}  // namespace tote
