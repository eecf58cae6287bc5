#pragma once
// Groups decoded change events into whole OLTP transactions, so that nothing downstream ever
// sees half of one. Fed in log order with every record's offset; delivers units in commit order
// through a pull queue (pop) and files a report (pop_report) for every transaction it has to
// release before it is whole. All limits are in source position (log offsets, completed
// transactions, buffered changes), never wall-clock time. docs/transactions.md has the rules.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/change_event.h"
#include "core/log_record.h"
#include "transform/transaction/complete_transaction.h"
#include "transform/transaction/incomplete_transaction.h"
#include "transform/transaction/open_transaction.h"
#include "transform/transaction/released_transaction_memory.h"

namespace tote {

class StateReader;
class StateWriter;

// What to do with a streamed change that has no transaction block (the connector runs without
// provide.transaction.metadata, or the change is not part of a transaction).
enum class UnmarkedPolicy {
    PassThrough,       // deliver it at once as its own unit, complete, transaction_metadata=false
    ReportIncomplete,  // deliver it at once as its own unit, complete=false, with a report
};

struct TransactionAssemblerConfig {
    // Watermark 1: release a transaction that is not whole once the log has advanced this many
    // offsets past its last record (offset - last_offset >= max_offset_lag). 0 = off.
    int64_t max_offset_lag = 100'000;
    // Watermark 2: release it once this many other transactions have completed (END arrived
    // and every change counted) since its last record. 0 = off.
    uint64_t max_later_transactions = 10'000;
    // Memory bound: at most this many changes buffered in open transactions; above it the
    // oldest open transaction (by first offset) is released incomplete ("buffer limit").
    size_t max_buffered_changes = 200'000;
    // How many released transaction ids to remember to drop re-deliveries (last N, FIFO).
    size_t remembered_transactions = 100'000;
    UnmarkedPolicy unmarked = UnmarkedPolicy::PassThrough;
};

struct TransactionAssemblerStats {
    uint64_t transactions_complete = 0;    // delivered whole (excluding empty ones)
    uint64_t transactions_empty = 0;       // END with event_count 0 and no change: not delivered
    uint64_t transactions_incomplete = 0;  // released incomplete (each has a report)
    uint64_t snapshot_changes = 0;         // delivered as snapshot units
    uint64_t unmarked_changes = 0;         // delivered without transaction metadata
    uint64_t duplicate_changes = 0;        // same total_order again inside an open transaction
    uint64_t redelivered_changes = 0;      // changes of a transaction already delivered whole
    uint64_t redelivered_markers = 0;      // BEGIN/END of a transaction already delivered whole
};

class TransactionAssembler {
public:
    // start_offset: the offset the caller starts feeding from (its committed resume position);
    // safe_resume_offset() returns it until something is fed.
    explicit TransactionAssembler(TransactionAssemblerConfig config = {},
                                  Offset start_offset = Offset{0});

    // Feed one record, in log order. Offsets must strictly increase; a smaller or repeated
    // offset is a caller bug and throws ToteError (Fatal). Not thread-safe.
    void add_change(ChangeEvent change, Offset offset);
    void add_marker(const TxMarker& marker, Offset offset);
    void add_schema_change(const SchemaChange& change, Offset offset);
    // A record the assembler does not take (tombstone, decode failure): the watermark moves.
    void skip(Offset offset);
    // Dispatches a decoder result to add_change / add_marker / skip.
    void add(DecodeResult&& result, Offset offset);

    // Releases every transaction not yet whole as incomplete (cause EndOfInput), then delivers
    // every whole one. For a final drain only: a live log does not end.
    void release_all(std::string_view why);

    // The next unit, in commit order (END order); false when none is ready.
    bool pop(CompleteTransaction& out);
    // The next incomplete-release report; false when none.
    bool pop_report(IncompleteTransaction& out);

    // The smallest offset that is safe to commit as the resume position: the first offset of
    // any transaction still held (open, waiting behind an earlier END, or not yet popped), else
    // the offset after the last record fed. Restarting from it with a fresh assembler loses
    // nothing; units delivered after it may be delivered again (downstream writes are
    // idempotent).
    Offset safe_resume_offset() const;

    size_t buffered_changes() const { return buffered_; }
    size_t open_transactions() const { return open_.size(); }
    const TransactionAssemblerStats& stats() const { return stats_; }
    const TransactionAssemblerConfig& config() const { return config_; }

    // The whole state (everything fed so far: open transactions, indexes, the released-ids
    // memory, queued output, counters) for a checkpoint; load_state() into an assembler made
    // with the same config continues exactly as this one would (src/state/).
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);

private:
    using Index = std::set<std::pair<int64_t, uint64_t>>;  // (offset, tx_id)

    void advance(Offset offset);
    OpenTransaction& open_for(uint64_t tx_id, int64_t offset, bool continuation,
                              uint64_t prior_received);
    void reindex(OpenTransaction& tx, int64_t old_first, int64_t old_last);
    void settle(uint64_t tx_id);
    void deliver_ready();
    void enforce_limits();
    void release(uint64_t tx_id, IncompleteCause cause, const std::string& why);
    void finish_complete(OpenTransaction& tx);
    void erase(uint64_t tx_id);
    void emit_single(ChangeEvent&& change, int64_t offset, bool snapshot, bool complete);

    TransactionAssemblerConfig config_;
    int64_t next_offset_;  // offset after the last record fed
    uint64_t completed_total_ = 0;
    size_t buffered_ = 0;

    std::map<uint64_t, OpenTransaction> open_;
    Index by_first_;  // open transactions by first offset (resume, buffer limit)
    Index by_last_;   // open transactions by last activity (watermarks)
    Index ended_;     // (END offset, tx_id): END order, waiting to be delivered
    ReleasedTransactionMemory released_;

    std::deque<CompleteTransaction> output_;
    std::deque<IncompleteTransaction> reports_;
    TransactionAssemblerStats stats_;
};

}  // namespace tote
