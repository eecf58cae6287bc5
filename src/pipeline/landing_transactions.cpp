#include "pipeline/landing_transactions.h"

#include <span>

#include "core/commit_versions.h"

namespace tote {

void LandingTransactions::land_all(const Land& land) {
    for (size_t i = 0; i < held_; ++i) land(changes_[i], records_[i]);
    held_ = 0;
    if (changes_.size() > kSlotsKept) {  // after a large transaction: keep a bounded pool
        changes_.resize(kSlotsKept);
        records_.resize(kSlotsKept);
    }
}

void LandingTransactions::begin(const TxMarker& marker, const Land& land) {
    if (open_) release(land);
    open_ = true;
    overflowed_ = false;
    tx_id_ = marker.tx_id;
}

void LandingTransactions::end(const TxMarker& marker, const Land& land) {
    if (!open_ || marker.tx_id != tx_id_) return;
    if (!overflowed_) {
        assign_commit_versions(std::span<ChangeEvent>(changes_.data(), held_), marker.lsn);
        ++versioned_;
    } else {
        ++released_;
    }
    land_all(land);
    open_ = false;
    overflowed_ = false;
}

bool LandingTransactions::hold(const ChangeEvent& change, const LogRecord& record,
                               const Land& land) {
    if (!open_ || overflowed_ || change.source.snapshot || change.source.total_order == 0 ||
        change.source.tx_id != tx_id_)
        return false;
    if (held_ >= max_changes_) {
        overflowed_ = true;
        land_all(land);
        return false;
    }
    if (held_ < changes_.size()) {
        changes_[held_] = change;
        records_[held_] = record;
    } else {
        changes_.push_back(change);
        records_.push_back(record);
    }
    ++held_;
    return true;
}

void LandingTransactions::release(const Land& land) {
    if (open_ && !overflowed_ && held_ > 0) ++released_;
    land_all(land);
    open_ = false;
    overflowed_ = false;
}

}  // namespace tote
