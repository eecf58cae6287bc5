#pragma once
// The ingest loop: log -> decode -> land (+ the fact stage), committing the resume position
// after the data it covers.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/histogram.h"
#include "decode/decoder.h"
#include "pipeline/fact_stage.h"
#include "sink/warehouse_writer.h"
#include "source/record_source.h"
#include "state/checkpoint_store.h"
#include "state/rocksdb_cold_state.h"

namespace tote {

struct IngestConfig {
    size_t batch_records = 250000;    // commit at least every this many records
    size_t batch_bytes = 256u << 20;  // ... or once the records read hold this many bytes (key +
                                      // value), so a batch of large rows stays bounded in memory
    std::chrono::milliseconds commit_interval{200};  // ... or this often when records arrive
    bool follow = false;  // false: stop at the end of the log; true: wait for more until stopped
    std::chrono::milliseconds idle_wait{20};  // how long to wait at the end of the log
    // follow = false: at the end of the log, finalise the verdicts of facts still waiting for
    // their watermark (FactStage::drain): the input is complete.
    bool drain_facts_at_end = true;
    // Stop once the position reaches this offset (-1: no limit). `tote repair` rebuilds up to
    // the position the ingest had committed.
    int64_t stop_at_offset = -1;
    // Before each commit, make the records it covers durable in the source (RecordSource::sync:
    // fdatasync of the embedded log), so the position is written only after them.
    bool sync_source = true;
    // A record whose key and value together exceed this many bytes is not decoded: it goes to
    // the dead-letter table with its raw bytes ("record of N bytes is above
    // --max-record-bytes"), so one huge message can neither exhaust memory nor stop ingest.
    size_t max_record_bytes = 64u << 20;
};

// What the pipeline is doing, for the progress line and `tote status`.
enum class IngestPhase {
    Starting,    // opening the source and the warehouse
    Restoring,   // rebuilding the fact state by replaying the log up to the committed position
    CatchingUp,  // reading a backlog: the log's end is ahead of the position
    Waiting,     // at the end of the log, waiting for input (follow)
    Done,        // stopped at the end of the input or on request
};
const char* to_string(IngestPhase phase);

struct IngestProgress {
    IngestPhase phase = IngestPhase::Starting;
    // Offset after the newest record the source holds (-1: the source cannot tell).
    int64_t log_end_offset = -1;
    // Restoring: records to replay in all (the committed resume offset).
    uint64_t restore_total = 0;
    int64_t next_offset = 0;     // position of the newest commit issued
    int64_t durable_offset = 0;  // position durable in the warehouse (data and offset written)
    uint64_t records = 0;        // records read in this run
    uint64_t changes = 0;
    uint64_t snapshot_reads = 0;  // of the changes, rows read by a snapshot (op r)
    uint64_t dead_letters = 0;
    uint64_t commits = 0;
    // Operator notes of the landing (WarehouseWriterStats::notes): declared type changes.
    std::vector<std::string> landing_notes;
    int64_t last_commit_ts_ms = 0;  // OLTP commit time of the newest landed change
    double seconds = 0;
    double seconds_waiting = 0;  // of which waiting for the warehouse engine
    // The fact stage (zero without one).
    uint64_t replayed_records = 0;  // replayed at start to rebuild the fact state
    double seconds_replaying = 0;
    uint64_t fact_units = 0;         // OLTP transactions built into facts
    uint64_t bet_versions = 0;       // fact_bet rows written
    uint64_t wallet_versions = 0;    // fact_wallet_transaction rows written
    uint64_t violations_logged = 0;  // rule violations written to etl_log
    uint64_t incomplete_transactions = 0;
    size_t pending_facts = 0;  // facts whose verdict waits for the watermark
    // The fact state held in memory (entries, for `tote status`).
    size_t state_bets = 0;
    size_t state_wallet_rows = 0;
    size_t state_dimension_rows = 0;
    size_t state_open_transactions = 0;
    // The memory budget (FactBuilderConfig::memory_budget_bytes; 0: none), the estimated bytes
    // of per-fact state held, and the states moved to / read back from the cold store.
    size_t state_budget_bytes = 0;
    size_t state_bytes = 0;
    uint64_t state_evicted = 0;
    uint64_t state_cold_reads = 0;
    // Transient warehouse errors retried in-process (WarehouseWriterConfig::retry).
    uint64_t retries = 0;
    std::string last_retry_error;  // "" when none
    // Checkpoints of the fact state (IngestPipeline::set_checkpoints).
    int64_t restored_checkpoint_offset = -1;  // the checkpoint restored at start (-1: none)
    uint64_t restored_checkpoint_bytes = 0;
    double seconds_loading_checkpoint = 0;   // reading, verifying and loading it
    std::vector<std::string> restore_notes;  // checkpoints found but not used, and why
    uint64_t checkpoints_written = 0;
    int64_t last_checkpoint_offset = -1;
    double seconds_checkpointing = 0;   // writing them (the ingest waits meanwhile)
    std::string last_checkpoint_error;  // "" when none (a failed write is retried N later)
    // Per commit, observed when it is durable (pipeline/ingest_metrics.h exposes them):
    // issue -> durable, in seconds;
    Histogram commit_seconds{Histogram::latency_bounds()};
    // the newest change's OLTP commit time -> durable in the warehouse (wall clocks of both
    // machines; 0 when the OLTP clock is ahead), in seconds;
    Histogram freshness_seconds{Histogram::latency_bounds()};
    // records the commit covers.
    Histogram batch_records{{1, 10, 100, 1'000, 10'000, 100'000, 1'000'000}};
};

class IngestPipeline {
public:
    // `facts` (optional): the transform stage, committed with the landing (nullptr: landing
    // only).
    IngestPipeline(RecordSource& reader, Decoder& decoder, WarehouseWriter& writer,
                   IngestConfig config, FactStage* facts = nullptr);

    // Runs until the end of the log (follow = false) or until `stop` becomes true (which also
    // ends the replay at start and any retry backoff: the run then throws). Calls
    // on_ready once the fact state is rebuilt and reading starts at the resume position, and
    // on_commit after each commit, once when the replay at start begins (a checkpoint, if one
    // was restored, is in IngestProgress::restored_checkpoint_offset) and a few times a second
    // during it (all from this thread; IngestProgress::phase says which). Returns the final
    // progress.
    IngestProgress run(const std::atomic<bool>& stop,
                       const std::function<void(const IngestProgress&)>& on_commit = {},
                       const std::function<void(const IngestProgress&)>& on_ready = {});

    // Checkpoints of the fact stage's state (issue 13; docs/architecture.md, "Checkpoints"):
    // run() restores the newest checkpoint in `store` at or before the warehouse's committed
    // position whose `fingerprint` matches (FactStage::state_fingerprint and the decoder's
    // settings) and replays only the log after it; while running it writes one every
    // `every_records` records (0: never), each after the commit of its position is durable, and
    // no sooner than 4x the last write's duration after it (writing stays under ~20% of the time).
    void set_checkpoints(std::unique_ptr<CheckpointStore> store, uint64_t every_records,
                         std::string fingerprint);
    // The store of the fact state beyond the memory budget (the FactStage writes to it; not
    // owned). Each checkpoint takes a copy of it (CheckpointStore::companion_dir) and a restore
    // puts that copy back; without a usable checkpoint it is emptied before the replay.
    void set_cold_state(RocksDbColdState* cold) { cold_ = cold; }

private:
    // Restores the newest usable checkpoint at or before `resume`; returns its position (the
    // log's start when none), with fact_ordinal_ set to match.
    LogPosition restore_checkpoint(const LogPosition& resume, IngestProgress& progress);
    // Rebuilds the fact stage's state: the log from `from` up to `resume` (exclusive). Throws a
    // Fatal ToteError naming the gap when a record in between cannot be read. Reports progress
    // through on_progress a few times a second; stops early when `stop`.
    void replay_facts(const LogPosition& from, const LogPosition& resume, IngestProgress& progress,
                      const std::atomic<bool>& stop,
                      const std::function<void(const IngestProgress&)>& on_progress);
    // Takes a checkpoint of the fact state at the reader's position (all of it committed and
    // durable): serialises the state and copies the cold store while the ingest waits, then
    // writes the file (fsync, rename) on a background thread while the ingest goes on; a
    // failure is noted in `progress` and retried later.
    void write_checkpoint(IngestProgress& progress);
    // Notes the background checkpoint write in `progress` once it is done (wait: until it is).
    void finish_checkpoint(IngestProgress& progress, bool wait);
    void fill_fact_progress(IngestProgress& progress) const;
    void fill_retry_progress(IngestProgress& progress) const;
    // Hands one record to the fact stage (decoding it first when replaying).
    void feed_facts(const LogRecord& rec, DecodeResult& decoded);
    // Why the record is not decoded (the source could not read it, or it is above
    // max_record_bytes); empty when it is.
    std::string undecodable(const LogRecord& rec) const;

    RecordSource& reader_;
    Decoder& decoder_;
    WarehouseWriter& writer_;
    IngestConfig config_;
    FactStage* facts_;
    int64_t fact_ordinal_ = 0;  // records read since the start of the log
    std::unique_ptr<CheckpointStore> checkpoints_;
    RocksDbColdState* cold_ = nullptr;
    uint64_t checkpoint_every_ = 0;
    std::string checkpoint_fingerprint_;
    int64_t checkpoint_ordinal_ = 0;  // fact_ordinal_ at the last checkpoint (or the restore)
    std::chrono::steady_clock::time_point checkpoint_written_at_{};
    std::chrono::steady_clock::duration checkpoint_duration_{};  // of the last write
    // The checkpoint file being written in the background ("" when written, else the error).
    // Last: destroyed (waited for) before the store it writes to.
    struct PendingCheckpoint {
        std::future<std::string> done;
        int64_t offset = -1;
        std::chrono::steady_clock::time_point started;
    };
    std::optional<PendingCheckpoint> pending_checkpoint_;
};

}  // namespace tote
