#include "pipeline/landing_transactions.h"

#include "core/commit_versions.h"

namespace tote {

void LandingTransactions::land_all(const Land& land) {
    for (size_t i = 0; i < changes_.size(); ++i) land(changes_[i], records_[i]);
    changes_.clear();
    records_.clear();
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
        assign_commit_versions(changes_, marker.lsn);
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
    if (changes_.size() >= max_changes_) {
        overflowed_ = true;
        land_all(land);
        return false;
    }
    changes_.push_back(change);
    records_.push_back(record);
    return true;
}

void LandingTransactions::release(const Land& land) {
    if (open_ && !overflowed_ && !changes_.empty()) ++released_;
    land_all(land);
    open_ = false;
    overflowed_ = false;
}

}  // namespace tote
