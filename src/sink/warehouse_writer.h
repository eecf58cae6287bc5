#pragma once
// The exactly-once landing of a change stream into ClickHouse.
//
// Every OLTP table lands as `<database>.land_<table>`, typed from the change events (columns
// are added as they appear), one row per change, versioned by the source position
// (ReplacingMergeTree(_version)); deletes land as rows with _deleted = 1; truncates land as
// versioned markers in `_truncates`. Records that cannot be decoded or landed go to
// `_dead_letters` with their raw bytes, log position, stage and reason. BEGIN/END markers go to
// `_transactions`. The consumer's resume position goes to `_offsets` after the data it covers,
// so a crash at any instant replays at most the last uncommitted batch, whose rows are
// identical (same key, same version) and collapse in ReplacingMergeTree.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"
#include "sink/clickhouse_connection.h"
#include "sink/encoded_insert.h"
#include "sink/retrying_connection.h"
#include "source/record_source.h"

namespace tote {

struct WarehouseWriterConfig {
    std::string database = "tote";
    std::string consumer = "ingest";  // name under which the resume position is kept
    // Refuse to start (Fatal, naming each problem and `tote repair`) when a table of the
    // migrations is missing or damaged (SchemaCheck). Off only for `tote repair` itself.
    bool check_schema = true;
    // Every statement and insert of the writer (and the migrations it runs) goes through a
    // RetryingConnection with this policy: transient errors are retried in-process.
    RetryPolicy retry;
    // Durable before the position: every MergeTree table of the database (landing tables
    // created later included) fsyncs an inserted part and its directory before the insert
    // returns (fsync_after_insert, fsync_part_directory), where the engine has these settings
    // (the embedded 26.x engine; not ClickHouse 18.16). Cost: docs/benchmarks.md.
    bool sync_parts = true;
    // Insert lanes (a ClickHouse server, `--insert-lanes N`): the data inserts of a commit run
    // over N connections at once, this writer's and N-1 opened with open_lane, largest first;
    // `_offsets` is still written last, after every one of them succeeded, so the order that
    // makes a commit exact is unchanged. etl_log's inserts stay in order on one lane (its rows
    // of one identity: the one inserted last wins). 1 (or no open_lane): one connection.
    size_t insert_lanes = 1;
    std::function<std::unique_ptr<ClickHouseConnection>()> open_lane;
};

struct WarehouseWriterStats {
    uint64_t changes = 0;
    uint64_t snapshot_reads = 0;  // of the changes, rows read by a snapshot (op r)
    uint64_t dead_letters = 0;
    uint64_t transactions = 0;
    uint64_t tombstones = 0;
    uint64_t commits = 0;
    double seconds_waiting = 0;  // time callers spent waiting for the engine (backpressure)
    // For the operator, in order: each change of a landed column's declared type (ALTER COLUMN
    // in the source), once per run; also written to etl_log (rule landing_type_changed).
    std::vector<std::string> notes;
};

class WarehouseWriter {
public:
    WarehouseWriter(ClickHouseConnection& conn, WarehouseWriterConfig config);
    ~WarehouseWriter();

    // The position after the last committed batch; nullopt when the consumer never committed.
    std::optional<LogPosition> resume_position();

    void add_change(const ChangeEvent& change, const LogRecord& record);
    void add_transaction(const TxMarker& marker, const LogRecord& record);
    void add_tombstone(const LogRecord& record);
    void add_dead_letter(const LogRecord& record, std::string_view stage, std::string_view reason);
    // Another stage's rows (e.g. facts): run in the next commit after the landing rows and
    // before the resume position, in the order added.
    void add_insert(EncodedInsert insert);

    // Writes every buffered row, then the resume position `through`. Returns after both
    // are durable in the warehouse.
    void commit(const LogPosition& through);

    // Like commit(), but the inserts run on a background thread while the caller goes on
    // adding rows (decoding and encoding overlap the engine's work). At most one commit is in
    // flight: the next commit_async() or wait() first waits for it and rethrows its error, so
    // positions become durable in order, each after the data it covers.
    void commit_async(const LogPosition& through);
    // Waits for the commit in flight (if any); rethrows its error.
    void wait();

    size_t buffered_rows() const;
    const WarehouseWriterStats& stats() const;

    // True when inserted parts are fsynced before an insert returns (sync_parts and the engine
    // can).
    bool parts_synced() const;

    // The flag (Ctrl-C) that ends a retry's backoff early; nullptr: none.
    void set_stop_flag(const std::atomic<bool>* stop);
    // Retries of transient errors so far (any thread may read it).
    RetryStats retry_stats() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace tote
