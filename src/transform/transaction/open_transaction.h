#pragma once
// The buffered state of one transaction the TransactionAssembler has not released yet.
// Internal to the assembler; not thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/change_event.h"
#include "transform/transaction/complete_transaction.h"

namespace tote {

class StateReader;
class StateWriter;

class OpenTransaction {
public:
    // prior_received > 0 (or continuation) marks the rest of a transaction already released
    // incomplete: it can be accounted for, but never delivered as complete.
    OpenTransaction(uint64_t tx_id, int64_t offset, bool continuation, uint64_t prior_received);

    // Records one change at offset. false when its total_order was already held (a duplicate,
    // which is not kept).
    bool add(ChangeEvent&& change, int64_t offset);
    void note_begin(int64_t offset, int64_t ts_ms);
    void note_end(uint64_t event_count, int64_t offset, int64_t ts_ms, uint64_t commit_lsn = 0);
    // A continuation learns the END that arrived for the part released before.
    void inherit_end(uint64_t event_count);

    uint64_t tx_id() const { return tx_id_; }
    bool continuation() const { return continuation_; }
    bool end_seen() const { return end_seen_; }
    uint64_t event_count() const { return event_count_; }
    uint64_t commit_lsn() const { return commit_lsn_; }  // END's LSN (0: none)
    int64_t end_offset() const { return end_offset_; }
    uint64_t received() const { return changes_.size(); }
    uint64_t prior_received() const { return prior_received_; }
    int64_t first_offset() const { return first_offset_; }
    int64_t last_offset() const { return last_offset_; }

    // END arrived and every total_order 1..event_count is here (or was released before).
    bool accounted() const;
    // Why the counts can never add up (a total_order above event_count, or more distinct
    // changes than event_count), or nullopt.
    std::optional<std::string> inconsistency() const;

    // Moves the buffered changes out into a unit. The object is empty afterwards. A complete
    // transaction's changes get their commit-order versions (core/commit_versions.h).
    CompleteTransaction take(bool complete);

    // Bookkeeping the assembler keeps on the transaction (its activity marks).
    uint64_t completed_mark = 0;  // assembler's completed-transaction count at last activity
    bool counted = false;         // already counted as completed

    // Everything above, for a checkpoint (TransactionAssembler::save_state).
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);

private:
    void touch(int64_t offset);

    uint64_t tx_id_;
    bool continuation_;
    uint64_t prior_received_;
    std::map<uint64_t, ChangeEvent> changes_;  // by total_order
    int64_t first_offset_;
    int64_t last_offset_;
    bool end_seen_ = false;
    uint64_t event_count_ = 0;
    int64_t end_offset_ = -1;
    int64_t marker_ts_ms_ = 0;
    uint64_t commit_lsn_ = 0;
};

}  // namespace tote
