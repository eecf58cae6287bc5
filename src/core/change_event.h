#pragma once
// The one internal representation of what a decoder makes of a record.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/log_record.h"
#include "core/source_position.h"
#include "core/value.h"

namespace tote {

enum class Op : char {
    Create = 'c',
    Update = 'u',
    Delete = 'd',
    Read = 'r',      // snapshot read
    Truncate = 't',  // whole table; key is empty
};

// A row change of one OLTP table.
struct ChangeEvent {
    std::string table;  // the table's identity (core/table_identity.h): "bets", "sales.bets"
    Op op = Op::Create;
    std::string key;  // canonical key: compact JSON of the key fields in message order,
                      // e.g. {"id":5}; empty for a truncate
    std::optional<RowImage> before;
    std::optional<RowImage> after;
    SourcePosition source;
    uint64_t version = 0;  // pack_version(source), then assign_commit_versions at END
    std::vector<std::string> unavailable;  // columns that arrived as the TOAST placeholder
};

// Debezium transaction metadata (BEGIN/END on <prefix>.transaction).
struct TxMarker {
    bool begin = true;
    uint64_t tx_id = 0;  // PostgreSQL: the part of the transaction id before ':'; MySQL/MariaDB:
                         // the GTID packed by binlog_gtid_tx_id (core/source_position.h)
    uint64_t event_count = 0;  // END only
    int64_t ts_ms = 0;
    // The LSN part of the id ("<txId>:<lsn>"): for END the transaction's commit LSN, which
    // orders it among snapshots and other transactions. 0 when the id has none.
    uint64_t lsn = 0;
};

// A null value after a delete: nothing to land, the offset still advances.
struct Tombstone {};

// A schema change event (Debezium's MySQL/MariaDB connectors with include.schema.changes: the
// DDL text, no row). Nothing lands: a landing table takes a new column from the first row whose
// value schema has it (docs/decoding.md); counted and skipped like a tombstone.
struct SchemaChange {
    std::string database;  // databaseName of the key/payload ("" for a server-wide statement)
    std::string table;     // source.table when the statement names one, else ""
    std::string ddl;       // the statement as the connector reports it
    SourcePosition source;
};

// Anything that could not be decoded exactly. Never dropped: it goes to the dead-letter table.
struct DecodeFailure {
    std::string reason;  // what failed and what to do, e.g. "decimal 'stake' in double mode ..."
};

using DecodeResult = std::variant<ChangeEvent, TxMarker, Tombstone, SchemaChange, DecodeFailure>;

}  // namespace tote
