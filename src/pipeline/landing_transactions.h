#pragma once
// Holds the changes of the OLTP transaction being read until its END arrives, so that they land
// with versions in commit order (core/commit_versions.h: END carries the commit LSN). Debezium
// writes a PostgreSQL transaction's records together (BEGIN, its changes, END) in the order of
// commits, so at most one transaction is open at a time in one ordered log.
//
// A transaction lands with its changes' own LSNs instead (the versions a decoder gives) when it
// cannot be held whole: BEGIN of another transaction arrives first, it outgrows `max_changes`
// (its changes from then on land at once), or the input ends (release). Each of these depends
// on the log alone, never on where a batch ends, so a replay lands the same rows.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"

namespace tote {

class LandingTransactions {
public:
    using Land = std::function<void(const ChangeEvent&, const LogRecord&)>;

    explicit LandingTransactions(size_t max_changes = 100'000) : max_changes_(max_changes) {}

    // BEGIN: opens the transaction (an open one of another id is landed first, as it is).
    void begin(const TxMarker& marker, const Land& land);
    // END: lands the open transaction's changes with commit-order versions when it is this one.
    void end(const TxMarker& marker, const Land& land);
    // A change: held when it belongs to the open transaction (true), else left to the caller.
    bool hold(const ChangeEvent& change, const LogRecord& record, const Land& land);
    // Lands whatever is held, as it is (the input ended inside a transaction).
    void release(const Land& land);

    // Nothing held, and a restart from here lands the same rows (no transaction open, or the
    // open one outgrew the limit and lands as it arrives): a commit may be taken here.
    bool at_boundary() const { return held_ == 0 && (!open_ || overflowed_); }
    size_t held() const { return held_; }
    uint64_t transactions_versioned() const { return versioned_; }
    uint64_t transactions_released() const { return released_; }

private:
    void land_all(const Land& land);

    size_t max_changes_;
    bool open_ = false;
    bool overflowed_ = false;  // the open transaction outgrew max_changes_
    uint64_t tx_id_ = 0;
    // The held changes are the first held_ slots; the slots after them keep the storage of
    // earlier transactions' changes (their strings and rows are assigned over, not allocated).
    static constexpr size_t kSlotsKept = 1024;
    size_t held_ = 0;
    std::vector<ChangeEvent> changes_;
    std::vector<LogRecord> records_;
    uint64_t versioned_ = 0;
    uint64_t released_ = 0;
};

}  // namespace tote
