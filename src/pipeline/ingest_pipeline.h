#pragma once
// The ingest loop: log -> decode -> land, committing the resume position with the data.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "decode/decoder.h"
#include "sink/warehouse_writer.h"
#include "source/record_source.h"

namespace tote {

struct IngestConfig {
    size_t batch_records = 250000;                   // commit at least every this many records
    std::chrono::milliseconds commit_interval{200};  // ... or this often when records arrive
    bool follow = false;  // false: stop at the end of the log; true: wait for more until stopped
    std::chrono::milliseconds idle_wait{20};  // how long to wait at the end of the log
};

struct IngestProgress {
    int64_t next_offset = 0;     // position of the newest commit issued
    int64_t durable_offset = 0;  // position durable in the warehouse (data and offset written)
    uint64_t records = 0;        // records read in this run
    uint64_t changes = 0;
    uint64_t dead_letters = 0;
    uint64_t commits = 0;
    int64_t last_commit_ts_ms = 0;  // OLTP commit time of the newest landed change
    double seconds = 0;
    double seconds_waiting = 0;  // of which waiting for the warehouse engine
};

class IngestPipeline {
public:
    IngestPipeline(RecordSource& reader, Decoder& decoder, WarehouseWriter& writer,
                   IngestConfig config);

    // Runs until the end of the log (follow = false) or until `stop` becomes true. Calls
    // on_commit after each commit (from this thread). Returns the final progress.
    IngestProgress run(const std::atomic<bool>& stop,
                       const std::function<void(const IngestProgress&)>& on_commit = {});

private:
    RecordSource& reader_;
    Decoder& decoder_;
    WarehouseWriter& writer_;
    IngestConfig config_;
};

}  // namespace tote
