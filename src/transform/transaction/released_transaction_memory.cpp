#include "transform/transaction/released_transaction_memory.h"

namespace tote {

ReleasedTransactionMemory::Entry* ReleasedTransactionMemory::find(uint64_t tx_id) {
    auto it = entries_.find(tx_id);
    return it == entries_.end() ? nullptr : &it->second.entry;
}

void ReleasedTransactionMemory::remember(uint64_t tx_id, const Entry& entry) {
    if (capacity_ == 0) return;
    uint64_t seq = ++next_sequence_;
    entries_[tx_id] = Slot{entry, seq};
    order_.emplace_back(tx_id, seq);
    // Forget the oldest ids. An order entry whose id was remembered again later is stale: it is
    // skipped (an id is re-remembered only when a late part of it is released again, so stale
    // entries stay few).
    auto live = [&](const std::pair<uint64_t, uint64_t>& e) {
        auto it = entries_.find(e.first);
        return it != entries_.end() && it->second.sequence == e.second;
    };
    while (!order_.empty() && (entries_.size() > capacity_ || !live(order_.front()))) {
        if (live(order_.front())) entries_.erase(order_.front().first);
        order_.pop_front();
    }
}

}  // namespace tote
