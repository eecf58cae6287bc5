#include "transform/transaction/open_transaction.h"

#include <algorithm>

#include "core/commit_versions.h"

namespace tote {

OpenTransaction::OpenTransaction(uint64_t tx_id, int64_t offset, bool continuation,
                                 uint64_t prior_received)
    : tx_id_(tx_id),
      continuation_(continuation || prior_received > 0),
      prior_received_(prior_received),
      first_offset_(offset),
      last_offset_(offset) {}

void OpenTransaction::touch(int64_t offset) {
    first_offset_ = std::min(first_offset_, offset);
    last_offset_ = std::max(last_offset_, offset);
}

bool OpenTransaction::add(ChangeEvent&& change, int64_t offset) {
    touch(offset);
    uint64_t order = change.source.total_order;
    auto [it, inserted] = changes_.try_emplace(order);
    if (inserted) it->second = std::move(change);
    return inserted;
}

void OpenTransaction::note_begin(int64_t offset, int64_t ts_ms) {
    touch(offset);
    if (marker_ts_ms_ == 0) marker_ts_ms_ = ts_ms;
}

void OpenTransaction::note_end(uint64_t event_count, int64_t offset, int64_t ts_ms,
                               uint64_t commit_lsn) {
    touch(offset);
    if (!end_seen_) {
        end_seen_ = true;
        event_count_ = event_count;
        end_offset_ = offset;
        commit_lsn_ = commit_lsn;
    }
    marker_ts_ms_ = ts_ms;
}

void OpenTransaction::inherit_end(uint64_t event_count) {
    end_seen_ = true;
    event_count_ = event_count;
}

bool OpenTransaction::accounted() const {
    if (!end_seen_) return false;
    if (prior_received_ + changes_.size() != event_count_) return false;
    return changes_.empty() || changes_.rbegin()->first <= event_count_;
}

std::optional<std::string> OpenTransaction::inconsistency() const {
    if (!end_seen_) return std::nullopt;
    if (!changes_.empty() && changes_.rbegin()->first > event_count_)
        return "a change with transaction.total_order " + std::to_string(changes_.rbegin()->first) +
               " is above END's event_count " + std::to_string(event_count_);
    if (prior_received_ + changes_.size() > event_count_)
        return std::to_string(prior_received_ + changes_.size()) +
               " distinct changes arrived, more than END's event_count " +
               std::to_string(event_count_);
    return std::nullopt;
}

CompleteTransaction OpenTransaction::take(bool complete) {
    CompleteTransaction out;
    out.tx_id = tx_id_;
    out.first_offset = first_offset_;
    out.last_offset = last_offset_;
    out.complete = complete;
    out.commit_ts_ms = marker_ts_ms_;
    out.changes.reserve(changes_.size());
    for (auto& [order, change] : changes_) out.changes.push_back(std::move(change));
    changes_.clear();
    if (!out.changes.empty()) out.commit_ts_ms = out.changes.front().source.commit_ts_ms;
    if (complete) assign_commit_versions(out.changes, commit_lsn_);
    return out;
}

}  // namespace tote
