#pragma once
// Where a change came from in the OLTP database, and the row version derived from it.
//
// Row version layout (one UInt64, the ReplacingMergeTree version column):
//   bit 63        1 = streamed change, 0 = snapshot read (a snapshot read ranks below every
//                 streamed change of the same key, whatever its LSN)
//   streamed:     bits 62..16 = LSN of the change record (47 bits: 128 TiB of WAL)
//                 bits 15..0  = transaction.total_order mod 2^16 (breaks ties between records
//                 that share an LSN: a primary-key update's delete and create, a truncate of
//                 several tables)
//   snapshot:     bits 62..0  = snapshot rank (the snapshot's LSN; all reads of one snapshot
//                 share it and differ by key, which the table's ORDER BY holds)
// An LSN above 2^47-1 cannot be packed: pack_version reports it and the record is dead-lettered.
#include <cstdint>
#include <optional>
#include <string>

namespace tote {

struct SourcePosition {
    uint64_t lsn = 0;          // source.lsn
    uint64_t tx_id = 0;        // source.txId (0 when absent)
    uint64_t total_order = 0;  // transaction.total_order (0 when no transaction block)
    bool snapshot = false;     // source.snapshot is anything but "false"/absent
    int64_t commit_ts_ms = 0;  // source.ts_ms: the commit time in the OLTP
    bool operator==(const SourcePosition&) const = default;
};

inline constexpr uint64_t kMaxPackableLsn = (uint64_t{1} << 47) - 1;

// nullopt when the LSN does not fit the layout above.
std::optional<uint64_t> pack_version(const SourcePosition& p);

// PostgreSQL text form "XXX/YYY" of an LSN, for messages.
std::string format_lsn(uint64_t lsn);

}  // namespace tote
