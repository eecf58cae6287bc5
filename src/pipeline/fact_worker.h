#pragma once
// Runs the FactStage and the commits on a thread of its own, so the ingest thread decodes and
// encodes the landing rows of the next records while the facts of the previous ones are built
// (the two cores work at once). Commits stay in log order and keep the exactly-once order of
// IngestPipeline: landing rows, then the fact stage's rows, then the resume position.
//
// The ingest thread hands over records in order (add/skip, batched into chunks) and, at a
// commit point, the landing inserts of the batch ending there (commit). The worker feeds the
// chunks to the stage, and on a commit collects the stage's inserts and runs: landing inserts
// (all but the last), fact inserts, then the last landing insert (the resume position). At most
// max_queued_records records and one commit wait in the queue; add and commit block beyond that
// (backpressure). An error on the worker is rethrown by the next add/commit/wait.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"
#include "pipeline/fact_stage.h"
#include "sink/encoded_insert.h"

namespace tote {

// What the worker reports back (a snapshot, safe to read from the ingest thread).
struct FactWorkerStatus {
    FactStageStats stats;
    size_t pending_facts = 0;
    int64_t durable_offset = -1;  // next_offset of the newest commit whose position is written
    uint64_t commits = 0;
};

class FactWorker {
public:
    using RunInserts = std::function<void(const std::vector<EncodedInsert>&)>;

    FactWorker(FactStage& stage, RunInserts run_inserts, size_t max_queued_records = 65536);
    ~FactWorker();  // stops the thread; work still queued is dropped (not committed)

    void add(DecodeResult& result, Offset ordinal);  // takes what the stage needs (FactStage::take)
    void skip(Offset ordinal);
    // Queues a commit: `landing` ends with the resume-position insert for `next_offset`.
    // Returns once the previous commit has finished (at most one waits).
    void commit(std::vector<EncodedInsert> landing, int64_t next_offset, bool drain);
    // Waits until everything queued is done.
    void wait();

    FactWorkerStatus status() const;
    double seconds_waiting() const { return seconds_waiting_; }

private:
    struct Item {
        Offset ordinal{0};
        bool skip = false;
        DecodeResult result;
    };
    struct Work {
        std::vector<Item> chunk;
        bool commit = false;
        bool drain = false;
        int64_t next_offset = 0;
        std::vector<EncodedInsert> landing;
    };

    void push(Work&& w, bool is_commit);
    void flush_chunk();
    void run();
    void rethrow_locked();

    FactStage& stage_;
    RunInserts run_inserts_;
    size_t max_queued_records_;
    std::vector<Item> chunk_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Work> queue_;
    size_t queued_records_ = 0;
    bool commit_waiting_ = false;  // a commit is queued or running
    bool busy_ = false;
    bool quit_ = false;
    std::exception_ptr failure_;
    FactWorkerStatus status_;
    double seconds_waiting_ = 0;
    std::thread thread_;
};

}  // namespace tote
