#pragma once
// Builders for the transaction assembler tests.
#include <cstdint>
#include <string>
#include <vector>

#include "core/change_event.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote::test {

// A streamed change of transaction tx at position `order` within it (order 0 = no
// transaction block).
inline ChangeEvent change(uint64_t tx, uint64_t order, std::string table = "bets",
                          int64_t commit_ts_ms = 1'700'000'000'000) {
    ChangeEvent c;
    c.table = std::move(table);
    c.op = Op::Create;
    c.key = R"({"id":)" + std::to_string(tx * 100 + order) + "}";
    c.source.lsn = 1000 * tx + order;
    c.source.tx_id = tx;
    c.source.total_order = order;
    c.source.commit_ts_ms = commit_ts_ms;
    return c;
}

inline ChangeEvent snapshot_read(uint64_t tx, int64_t id) {
    ChangeEvent c;
    c.table = "players";
    c.op = Op::Read;
    c.key = R"({"id":)" + std::to_string(id) + "}";
    c.source.lsn = 5000;
    c.source.tx_id = tx;
    c.source.snapshot = true;
    return c;
}

inline TxMarker begin(uint64_t tx) {
    return TxMarker{true, tx, 0, 1'700'000'000'000};
}

inline TxMarker end(uint64_t tx, uint64_t event_count) {
    return TxMarker{false, tx, event_count, 1'700'000'000'000};
}

inline std::vector<CompleteTransaction> drain(TransactionAssembler& a) {
    std::vector<CompleteTransaction> out;
    CompleteTransaction u;
    while (a.pop(u)) out.push_back(std::move(u));
    return out;
}

inline std::vector<IncompleteTransaction> reports(TransactionAssembler& a) {
    std::vector<IncompleteTransaction> out;
    IncompleteTransaction r;
    while (a.pop_report(r)) out.push_back(std::move(r));
    return out;
}

inline std::vector<uint64_t> orders(const CompleteTransaction& u) {
    std::vector<uint64_t> out;
    for (const auto& c : u.changes) out.push_back(c.source.total_order);
    return out;
}

}  // namespace tote::test
