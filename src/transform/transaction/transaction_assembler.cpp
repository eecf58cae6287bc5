#include "transform/transaction/transaction_assembler.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "core/error.h"

namespace tote {

namespace {

std::string describe(const OpenTransaction& tx) {
    std::string s = "transaction " + std::to_string(tx.tx_id()) + ": " +
                    std::to_string(tx.received()) + " distinct change(s) held";
    if (tx.prior_received() > 0)
        s += " (+" + std::to_string(tx.prior_received()) + " released earlier)";
    if (tx.end_seen())
        s += " of END's event_count " + std::to_string(tx.event_count());
    else
        s += ", END not seen";
    s += ", log offsets " + std::to_string(tx.first_offset()) + ".." +
         std::to_string(tx.last_offset());
    return s;
}

}  // namespace

TransactionAssembler::TransactionAssembler(TransactionAssemblerConfig config, Offset start_offset)
    : config_(config),
      next_offset_(start_offset.value),
      released_(config.remembered_transactions) {}

void TransactionAssembler::advance(Offset offset) {
    if (offset.value < next_offset_)
        throw ToteError(ErrorClass::Fatal,
                        "TransactionAssembler fed offset " + std::to_string(offset.value) +
                            " after offset " + std::to_string(next_offset_ - 1) +
                            " (or below its start offset): records must be fed in log order, "
                            "once; after a restart create a new assembler at the resume offset");
    next_offset_ = offset.value + 1;
}

OpenTransaction& TransactionAssembler::open_for(uint64_t tx_id, int64_t offset, bool continuation,
                                                uint64_t prior_received) {
    auto [it, inserted] = open_.try_emplace(tx_id, tx_id, offset, continuation, prior_received);
    if (inserted) {
        by_first_.emplace(offset, tx_id);
        by_last_.emplace(offset, tx_id);
    }
    return it->second;
}

void TransactionAssembler::reindex(OpenTransaction& tx, int64_t old_first, int64_t old_last) {
    tx.completed_mark = completed_total_;
    if (tx.first_offset() != old_first) {
        by_first_.erase({old_first, tx.tx_id()});
        by_first_.emplace(tx.first_offset(), tx.tx_id());
    }
    if (tx.last_offset() != old_last) {
        by_last_.erase({old_last, tx.tx_id()});
        by_last_.emplace(tx.last_offset(), tx.tx_id());
    }
}

void TransactionAssembler::add_change(ChangeEvent change, Offset offset) {
    advance(offset);
    const int64_t off = offset.value;
    if (change.source.snapshot) {
        // A snapshot read has no transaction block: it never waits for an END.
        ++stats_.snapshot_changes;
        emit_single(std::move(change), off, true, true);
    } else if (change.source.total_order == 0) {
        ++stats_.unmarked_changes;
        bool report = config_.unmarked == UnmarkedPolicy::ReportIncomplete;
        if (report) {
            IncompleteTransaction r;
            r.tx_id = change.source.tx_id;
            r.received = 1;
            r.first_offset = r.last_offset = off;
            r.cause = IncompleteCause::NoMetadata;
            r.reason = "change of table " + change.table + " key " + change.key +
                       " at log offset " + std::to_string(off) + " (txId " +
                       std::to_string(change.source.tx_id) +
                       ") has no transaction block: delivered alone; run the connector with "
                       "provide.transaction.metadata=true to deliver whole transactions";
            reports_.push_back(std::move(r));
            ++stats_.transactions_incomplete;
        }
        emit_single(std::move(change), off, false, !report);
    } else {
        const uint64_t id = change.source.tx_id;
        // Maxwell: the transaction's last row stands for its END (total_order rows in all).
        const bool last = change.source.tx_last;
        const uint64_t rows = change.source.total_order;
        const int64_t ts_ms = change.source.commit_ts_ms;
        auto it = open_.find(id);
        if (it == open_.end()) {
            const ReleasedTransactionMemory::Entry* done = released_.find(id);
            if (done && done->complete) {
                ++stats_.redelivered_changes;  // already delivered whole: a re-delivery
                enforce_limits();
                return;
            }
            OpenTransaction& tx = open_for(id, off, done != nullptr, done ? done->received : 0);
            if (done && done->end_seen) tx.inherit_end(done->event_count);
            it = open_.find(id);
        }
        OpenTransaction& tx = it->second;
        int64_t old_first = tx.first_offset(), old_last = tx.last_offset();
        if (tx.add(std::move(change), off))
            ++buffered_;
        else
            ++stats_.duplicate_changes;
        if (last && !tx.end_seen()) {
            // lsn 0: Maxwell's rows keep their own versions (binlog positions are commit order).
            tx.note_end(rows, off, ts_ms, 0);
            if (!tx.continuation()) ended_.emplace(off, id);
        }
        reindex(tx, old_first, old_last);
        settle(id);
    }
    enforce_limits();
}

// A MySQL/MariaDB DDL statement is a transaction of its own, which Debezium opens (BEGIN with
// its GTID) and never ends: its schema change event is its last record, so it ends the
// transaction with the changes it has (none, for a DDL). Anything else skips.
void TransactionAssembler::add_schema_change(const SchemaChange& change, Offset offset) {
    const uint64_t id = change.source.tx_id;
    auto it = id == 0 ? open_.end() : open_.find(id);
    if (it == open_.end() || it->second.end_seen() || it->second.continuation()) {
        skip(offset);
        return;
    }
    add_marker(TxMarker{false, id, it->second.received(), change.source.commit_ts_ms, 0}, offset);
}

void TransactionAssembler::add_marker(const TxMarker& marker, Offset offset) {
    advance(offset);
    const int64_t off = offset.value;
    const uint64_t id = marker.tx_id;
    auto it = open_.find(id);
    if (it == open_.end()) {
        if (ReleasedTransactionMemory::Entry* done = released_.find(id)) {
            if (done->complete) {
                ++stats_.redelivered_markers;
            } else if (!marker.begin && !done->end_seen) {
                // END of a transaction released incomplete before it: remember the count, so a
                // late rest of it can be accounted for.
                ReleasedTransactionMemory::Entry e = *done;
                e.end_seen = true;
                e.event_count = marker.event_count;
                released_.remember(id, e);
            }
            enforce_limits();
            return;
        }
        open_for(id, off, false, 0);
        it = open_.find(id);
    }
    OpenTransaction& tx = it->second;
    int64_t old_first = tx.first_offset(), old_last = tx.last_offset();
    if (marker.begin) {
        tx.note_begin(off, marker.ts_ms);
    } else {
        bool had_end = tx.end_seen();
        tx.note_end(marker.event_count, off, marker.ts_ms, marker.lsn);
        if (!had_end && !tx.continuation()) ended_.emplace(off, id);
    }
    reindex(tx, old_first, old_last);
    settle(id);
    enforce_limits();
}

void TransactionAssembler::skip(Offset offset) {
    advance(offset);
    enforce_limits();
}

void TransactionAssembler::add(DecodeResult&& result, Offset offset) {
    std::visit(
        [&](auto&& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, ChangeEvent>)
                add_change(std::move(v), offset);
            else if constexpr (std::is_same_v<T, TxMarker>)
                add_marker(v, offset);
            else if constexpr (std::is_same_v<T, SchemaChange>)
                add_schema_change(v, offset);
            else
                skip(offset);
        },
        std::move(result));
}

void TransactionAssembler::settle(uint64_t tx_id) {
    OpenTransaction& tx = open_.at(tx_id);
    if (auto why = tx.inconsistency()) {
        release(tx_id, IncompleteCause::Inconsistent, *why);
        return;
    }
    if (!tx.accounted()) return;
    if (tx.continuation()) {
        release(tx_id, IncompleteCause::Remainder,
                "the rest of a transaction already released incomplete; every change is now "
                "accounted for, delivered as a separate incomplete unit");
        return;
    }
    if (!tx.counted) {
        tx.counted = true;
        ++completed_total_;
    }
    deliver_ready();
}

void TransactionAssembler::deliver_ready() {
    // Deliver whole transactions in END order; one still waiting for changes holds the later
    // ones back until it is whole or released.
    while (!ended_.empty()) {
        auto [end_offset, id] = *ended_.begin();
        auto it = open_.find(id);
        if (it == open_.end() || it->second.continuation() ||
            it->second.end_offset() != end_offset) {
            ended_.erase(ended_.begin());  // released meanwhile
            continue;
        }
        if (!it->second.accounted()) break;
        ended_.erase(ended_.begin());
        finish_complete(it->second);
    }
}

void TransactionAssembler::finish_complete(OpenTransaction& tx) {
    const uint64_t id = tx.tx_id();
    ReleasedTransactionMemory::Entry e{true, true, tx.event_count(), tx.received()};
    if (tx.received() == 0) {
        ++stats_.transactions_empty;  // e.g. BEGIN/END around a TRUNCATE Debezium skipped
    } else {
        ++stats_.transactions_complete;
        buffered_ -= tx.received();
        output_.push_back(tx.take(true));
    }
    erase(id);
    released_.remember(id, e);
}

void TransactionAssembler::release(uint64_t tx_id, IncompleteCause cause, const std::string& why) {
    OpenTransaction& tx = open_.at(tx_id);
    IncompleteTransaction r;
    r.tx_id = tx_id;
    if (tx.end_seen()) r.expected = tx.event_count();
    r.received = tx.received();
    r.first_offset = tx.first_offset();
    r.last_offset = tx.last_offset();
    r.cause = cause;
    r.reason = describe(tx) + "; released incomplete (" + to_string(cause) + "): " + why +
               ". Its changes are delivered flagged complete=false; if changes are missing, "
               "check the connector and the consumer for lost records";
    ReleasedTransactionMemory::Entry e{false, tx.end_seen(), tx.event_count(),
                                       tx.prior_received() + tx.received()};
    buffered_ -= tx.received();
    output_.push_back(tx.take(false));
    reports_.push_back(std::move(r));
    ++stats_.transactions_incomplete;
    erase(tx_id);
    released_.remember(tx_id, e);
    deliver_ready();
}

void TransactionAssembler::erase(uint64_t tx_id) {
    auto it = open_.find(tx_id);
    if (it == open_.end()) return;
    by_first_.erase({it->second.first_offset(), tx_id});
    by_last_.erase({it->second.last_offset(), tx_id});
    open_.erase(it);
}

void TransactionAssembler::enforce_limits() {
    // Memory bound: release the oldest transaction that is not whole.
    while (buffered_ > config_.max_buffered_changes) {
        auto victim = std::find_if(by_first_.begin(), by_first_.end(),
                                   [&](const auto& e) { return !open_.at(e.second).accounted(); });
        if (victim == by_first_.end()) break;
        release(victim->second, IncompleteCause::BufferLimit,
                std::to_string(buffered_) + " changes buffered, above max_buffered_changes " +
                    std::to_string(config_.max_buffered_changes) +
                    "; raise the limit if transactions are this large");
    }
    // Watermarks in source position. by_last_ orders transactions by their last record, which
    // also orders their completed_mark, so the scan stops at the first one not yet due.
    const int64_t current = next_offset_ - 1;
    for (auto it = by_last_.begin(); it != by_last_.end();) {
        const OpenTransaction& tx = open_.at(it->second);
        if (tx.accounted()) {  // whole, only waiting for an earlier END: never released
            ++it;
            continue;
        }
        bool by_offset =
            config_.max_offset_lag > 0 && current - tx.last_offset() >= config_.max_offset_lag;
        bool by_count = config_.max_later_transactions > 0 &&
                        completed_total_ - tx.completed_mark >= config_.max_later_transactions;
        if (!by_offset && !by_count) break;
        std::string why = by_offset
                              ? "the log advanced " + std::to_string(current - tx.last_offset()) +
                                    " offsets past its last record (max_offset_lag " +
                                    std::to_string(config_.max_offset_lag) + ")"
                              : std::to_string(completed_total_ - tx.completed_mark) +
                                    " later transactions completed after its last record "
                                    "(max_later_transactions " +
                                    std::to_string(config_.max_later_transactions) + ")";
        release(it->second, IncompleteCause::Watermark, why);
        it = by_last_.begin();
    }
}

void TransactionAssembler::emit_single(ChangeEvent&& change, int64_t offset, bool snapshot,
                                       bool complete) {
    CompleteTransaction u;
    u.tx_id = change.source.tx_id;
    u.first_offset = u.last_offset = offset;
    u.commit_ts_ms = change.source.commit_ts_ms;
    u.snapshot = snapshot;
    u.transaction_metadata = false;
    u.complete = complete;
    u.changes.push_back(std::move(change));
    output_.push_back(std::move(u));
}

void TransactionAssembler::release_all(std::string_view why) {
    for (;;) {
        auto victim = std::find_if(by_first_.begin(), by_first_.end(),
                                   [&](const auto& e) { return !open_.at(e.second).accounted(); });
        if (victim == by_first_.end()) break;
        release(victim->second, IncompleteCause::EndOfInput, std::string(why));
    }
    deliver_ready();
}

bool TransactionAssembler::pop(CompleteTransaction& out) {
    if (output_.empty()) return false;
    out = std::move(output_.front());
    output_.pop_front();
    return true;
}

bool TransactionAssembler::pop_report(IncompleteTransaction& out) {
    if (reports_.empty()) return false;
    out = std::move(reports_.front());
    reports_.pop_front();
    return true;
}

Offset TransactionAssembler::safe_resume_offset() const {
    int64_t s = next_offset_;
    if (!by_first_.empty()) s = std::min(s, by_first_.begin()->first);
    for (const CompleteTransaction& u : output_) s = std::min(s, u.first_offset);
    return Offset{s};
}

}  // namespace tote
