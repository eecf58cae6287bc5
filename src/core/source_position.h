#pragma once
// Where a change came from in the OLTP database, and the row version derived from it.
//
// Row version layout 2 (one UInt64, the ReplacingMergeTree version column; docs/architecture.md
// "Row versions"):
//   bits 63..3  the position in commit order: a PostgreSQL LSN (WAL records start at 8-byte
//               boundaries, so the LSN's low three bits are always 0 and the whole 64-bit LSN
//               range is kept), a MySQL binlog position (file << 32 | offset) shifted by 3
//   bits  2..0  the rank of the row at that position (VersionRank)
// Which position: a change of a transaction whose END arrived carries the transaction's commit
// LSN (from END), so that a row's version follows commit order, the order in which snapshots
// see transactions (assign_commit_versions); any other change carries its own LSN; a snapshot
// read carries the snapshot's LSN.
#include <cstdint>
#include <string>

namespace tote {

// The low three bits of a version: what sits at one position, in the order it wins.
enum class VersionRank : uint8_t {
    SnapshotBoundary = 0,  // a complete snapshot of a table at this position: rows below it are
                           // gone (a marker in _truncates)
    SnapshotRead = 1,      // a row read by the snapshot taken at this position
    Superseded = 2,  // a change a later change of its transaction replaces (the same row again,
                     // or a truncate of its table)
    Truncate = 3,    // a truncate committed at this position (a marker in _truncates)
    Change = 4,      // a change committed at this position
};

struct SourcePosition {
    uint64_t lsn = 0;          // source.lsn; MySQL/MariaDB: binlog_position(file, pos, row) (below)
    uint64_t tx_id = 0;        // source.txId (0 when absent); MySQL/MariaDB: binlog_gtid_tx_id
    uint64_t total_order = 0;  // transaction.total_order (0 when no transaction block)
    bool snapshot = false;     // source.snapshot is anything but "false"/absent
    int64_t commit_ts_ms = 0;  // source.ts_ms: the commit time in the OLTP
    // source.snapshot is "last_in_data_collection" or "last": the last read of a table by a
    // complete (initial or blocking) snapshot. Not set for incremental snapshots, which may be
    // filtered and never say where a table ends.
    bool snapshot_table_end = false;
    // Maxwell's "commit": true: the last row of its transaction (xid), which has no END record:
    // the assembler completes the transaction with total_order rows.
    bool tx_last = false;
    bool operator==(const SourcePosition&) const = default;
};

// The version of `rank` at `position` (the position's low three bits are dropped).
constexpr uint64_t make_version(uint64_t position, VersionRank rank) {
    return (position & ~uint64_t{7}) | static_cast<uint64_t>(rank);
}

constexpr uint64_t version_position(uint64_t version) {
    return version & ~uint64_t{7};
}
constexpr VersionRank version_rank(uint64_t version) {
    return static_cast<VersionRank>(version & 7);
}

// The version a decoder gives a record on its own: a snapshot read at the snapshot's LSN, a
// truncate or a change at its own LSN. A transaction's changes get their final versions from
// assign_commit_versions once its END arrives.
constexpr uint64_t pack_version(const SourcePosition& p, bool truncate = false) {
    if (p.snapshot) return make_version(p.lsn, VersionRank::SnapshotRead);
    return make_version(p.lsn, truncate ? VersionRank::Truncate : VersionRank::Change);
}

// MySQL/MariaDB binlog positions (docs/architecture.md, "Row versions", "MySQL binlog"): the
// binlog writes a transaction when it commits, so binlog order is commit order and a row's own
// position orders it. The position in commit order packs, above the three rank bits,
//   bits 63..47  the binlog file's number (mariadb-bin.000004 -> 4; 17 bits)
//   bits 46..15  the offset of the row's event in that file (32 bits: binlogs are < 4 GiB)
//   bits 14..3   the row's index within its event + 1 (12 bits; Debezium source.row, Maxwell
//                xoffset); 0 is below every row of the event
// Returns false when a part does not fit.
constexpr uint64_t kBinlogMaxFile = (uint64_t{1} << 17) - 1;
constexpr uint64_t kBinlogMaxOffset = (uint64_t{1} << 32) - 1;
constexpr uint64_t kBinlogMaxRow = (uint64_t{1} << 12) - 2;
constexpr bool binlog_position(uint64_t file, uint64_t offset, uint64_t row, uint64_t& out) {
    if (file > kBinlogMaxFile || offset > kBinlogMaxOffset || row > kBinlogMaxRow) return false;
    out = ((((file << 32) | offset) << 12) | (row + 1)) << 3;
    return true;
}

// A MariaDB GTID "domain-server-sequence" as a transaction id: domain << 40 | sequence. The
// sequence is unique within its domain whichever server wrote it (gtid_strict_mode), so the
// server id is not needed. Returns false for domains >= 2^24 or sequences >= 2^40.
constexpr bool binlog_gtid_tx_id(uint64_t domain, uint64_t sequence, uint64_t& out) {
    if (domain >= (uint64_t{1} << 24) || sequence >= (uint64_t{1} << 40)) return false;
    out = (domain << 40) | sequence;
    return true;
}

// PostgreSQL text form "XXX/YYY" of an LSN, for messages.
std::string format_lsn(uint64_t lsn);

}  // namespace tote
