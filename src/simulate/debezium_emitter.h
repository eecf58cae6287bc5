#pragma once
// Turns OLTP row changes into Kafka records shaped exactly like the Debezium 3.7 PostgreSQL
// connector's JSON output (see /work/shared/real-debezium/ and docs/simulator.md): snapshot
// reads, transactions with BEGIN/END on <prefix>.transaction, creates, updates, deletes with
// tombstones, primary-key updates, truncates, and re-deliveries of earlier transactions.
// Not thread-safe; one emitter per simulator.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simulate/change_sink.h"
#include "simulate/row_cells.h"
#include "simulate/simulator_config.h"
#include "simulate/table_def.h"

namespace tote {

class FileLogWriter;

class DebeziumEmitter {
public:
    explicit DebeziumEmitter(const SimulatorConfig& config);

    // Where records go; nullptr = generate and count only (fast-forward).
    void set_writer(FileLogWriter* writer) { writer_ = writer; }
    // Where the same changes go as database operations (see change_sink.h); nullptr = nowhere.
    // Re-deliveries are Debezium's, not the database's: they never reach the sink.
    void set_change_sink(ChangeSink* sink) { sink_ = sink; }

    // One snapshot read (op "r"); marker is source.snapshot ("first", "true", ...).
    void snapshot_read(const RowCells& row, std::string_view marker, int64_t snapshot_us);

    // A streamed transaction: begin, changes, commit (BEGIN and END records included).
    void begin(int64_t commit_us);
    void create(const RowCells& after);
    void update(const RowCells& after);
    void remove(const RowCells& row);  // delete + tombstone
    void primary_key_update(const RowCells& before,
                            const RowCells& after);  // delete + tombstone + create
    void truncate(TableId table);
    void commit();

    // Appends again the records of the last `transactions` committed transactions with new
    // offsets and Kafka timestamps (what Debezium does after a crash). Returns records appended.
    size_t redeliver(size_t transactions);

    uint64_t records_emitted() const { return records_; }
    uint64_t change_events_emitted() const { return change_events_; }
    // Change events appended again by redeliver() (a subset of change_events_emitted()).
    uint64_t redelivered_change_events() const { return redelivered_changes_; }
    int64_t last_commit_us() const { return commit_us_; }

    static constexpr std::string_view kToastPlaceholder = "__debezium_unavailable_value";
    static constexpr size_t kHistoryTransactions = 64;

private:
    struct StoredRecord {
        uint8_t topic = 0;  // table index, or kTableCount for the transaction topic
        bool has_key = false, has_value = false;
        std::string key, value;
    };
    struct StoredTx {
        std::vector<StoredRecord> records;
        size_t count = 0;
    };

    void change(char op, const RowCells* before, const RowCells* after, const RowCells& key_row,
                bool same_lsn);
    void append_row(std::string& out, const RowCells& row) const;
    void append_delete_before(std::string& out, const RowCells& row) const;
    void append_key(std::string& out, const RowCells& row) const;
    void append_value(std::string& out, const Cell& c, const ColumnDef& col) const;
    void append_source(std::string& out, TableId table, std::string_view snapshot, uint64_t tx_id,
                       uint64_t lsn, int64_t ts_us, bool first_committed_null) const;
    void append_envelope_tail(std::string& out, char op, int64_t processed_us);
    void write(uint8_t topic, int64_t ts_ms, const std::string* key, const std::string* value,
               bool is_change);
    void build_schemas();

    SimulatorConfig config_;
    bool precise_ = false;
    FileLogWriter* writer_ = nullptr;
    ChangeSink* sink_ = nullptr;
    std::array<std::string, kTableCount + 1> topics_;
    std::array<std::string, kTableCount> key_schema_, value_schema_;
    std::array<uint8_t, kTableCount> java_bucket_{};
    std::string tx_key_schema_, tx_value_schema_;

    uint64_t lsn_ = 26'214'400;  // next record's LSN
    uint64_t tx_id_ = 760;
    uint64_t last_committed_lsn_ = 0;  // 0 = none yet (sequence shows null)
    uint64_t record_lsn_ = 0;
    int64_t commit_us_ = 0;
    bool in_tx_ = false;
    uint64_t total_order_ = 0;
    std::array<uint32_t, kTableCount> per_table_{};
    std::array<uint8_t, kTableCount> appearance_{};
    uint8_t tables_seen_ = 0;
    uint64_t records_ = 0, change_events_ = 0, tx_count_ = 0;
    uint64_t redelivered_changes_ = 0;

    std::vector<StoredTx> history_;
    size_t history_next_ = 0, history_size_ = 0;
    StoredTx* current_ = nullptr;

    std::string key_buf_, value_buf_, payload_buf_;
};

}  // namespace tote
