#pragma once
// A bounded memory of the transactions the TransactionAssembler has already released: the last
// `capacity` transaction ids (first in, first out), each with what is known of it. It lets the
// assembler drop Debezium re-deliveries of a transaction it already delivered whole, and
// recognise late changes of a transaction it released incomplete. Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>

namespace tote {

class StateReader;
class StateWriter;

class ReleasedTransactionMemory {
public:
    struct Entry {
        bool complete = false;     // delivered whole (re-deliveries are dropped)
        bool end_seen = false;     // END arrived (before or after the release)
        uint64_t event_count = 0;  // END's event_count when end_seen
        uint64_t received = 0;     // distinct changes delivered so far over all releases
    };

    explicit ReleasedTransactionMemory(size_t capacity) : capacity_(capacity) {}

    // nullptr when tx_id is not (or no longer) remembered. Valid until the next remember().
    Entry* find(uint64_t tx_id);
    // Records (or replaces) what is known of tx_id, and forgets the oldest id over capacity.
    void remember(uint64_t tx_id, const Entry& entry);

    size_t size() const { return entries_.size(); }
    size_t capacity() const { return capacity_; }

    // The remembered ids in their order, for a checkpoint; load_state() into a memory of the
    // same capacity forgets the same ids next.
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);

private:
    struct Slot {
        Entry entry;
        uint64_t sequence = 0;  // which remember() wrote it, to skip stale order entries
    };
    size_t capacity_;
    uint64_t next_sequence_ = 0;
    std::unordered_map<uint64_t, Slot> entries_;
    std::deque<std::pair<uint64_t, uint64_t>> order_;  // (tx_id, sequence), oldest first
};

}  // namespace tote
