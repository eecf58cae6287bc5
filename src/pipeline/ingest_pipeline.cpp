#include "pipeline/ingest_pipeline.h"

#include <algorithm>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace tote {

IngestPipeline::IngestPipeline(RecordSource& reader, Decoder& decoder, WarehouseWriter& writer,
                               IngestConfig config)
    : reader_(reader), decoder_(decoder), writer_(writer), config_(config) {}

IngestProgress IngestPipeline::run(const std::atomic<bool>& stop,
                                   const std::function<void(const IngestProgress&)>& on_commit) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    IngestProgress progress;
    reader_.seek(writer_.resume_position().value_or(LogPosition{}));
    progress.next_offset = reader_.position().next_offset;
    progress.durable_offset = progress.next_offset;

    std::vector<LogRecord> batch;
    batch.reserve(config_.batch_records);
    DecodeResult result;  // reused across records: the decoder keeps its storage
    size_t uncommitted = 0;
    auto last_commit = Clock::now();

    // Commits run in the background while the next batch is decoded; the position of each
    // becomes durable only after its data (see WarehouseWriter::commit_async).
    auto commit = [&](bool wait) {
        const int64_t previous = progress.next_offset;
        writer_.commit_async(reader_.position());  // returns once the previous one is durable
        progress.durable_offset = previous;
        if (wait) {
            writer_.wait();
            progress.durable_offset = reader_.position().next_offset;
        }
        const auto& s = writer_.stats();
        progress.next_offset = reader_.position().next_offset;
        progress.changes = s.changes;
        progress.dead_letters = s.dead_letters;
        progress.commits = s.commits;
        progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        uncommitted = 0;
        last_commit = Clock::now();
        if (on_commit) on_commit(progress);
    };

    while (!stop.load(std::memory_order_relaxed)) {
        size_t room = config_.batch_records - uncommitted;
        size_t got = 0;
        bool short_chunk = false;
        // Poll in cache-sized chunks (the same commit points as one poll of `room`).
        while (got < room && !short_chunk) {
            batch.clear();
            size_t want = std::min<size_t>(room - got, 4096);
            size_t n = reader_.poll(batch, want);
            got += n;
            short_chunk = n < want;
            for (const LogRecord& rec : batch) {
                if (!rec.source_error.empty()) {  // the source could not even read it
                    writer_.add_dead_letter(rec, "source", rec.source_error);
                    continue;
                }
                decoder_.decode_into(rec, result);
                std::visit(
                    [&](auto& r) {
                        using T = std::decay_t<decltype(r)>;
                        if constexpr (std::is_same_v<T, ChangeEvent>) {
                            if (r.source.commit_ts_ms > progress.last_commit_ts_ms)
                                progress.last_commit_ts_ms = r.source.commit_ts_ms;
                            writer_.add_change(r, rec);
                        } else if constexpr (std::is_same_v<T, TxMarker>) {
                            writer_.add_transaction(r, rec);
                        } else if constexpr (std::is_same_v<T, Tombstone>) {
                            writer_.add_tombstone(rec);
                        } else {
                            writer_.add_dead_letter(rec, "decode", r.reason);
                        }
                    },
                    result);
            }
        }
        progress.records += got;
        uncommitted += got;
        const bool at_end = got < room;
        const bool due = uncommitted >= config_.batch_records ||
                         (uncommitted > 0 && Clock::now() - last_commit >= config_.commit_interval);
        // Caught up with the log: commit and wait, so the newest changes are visible at once.
        if (due || (at_end && uncommitted > 0)) commit(at_end);
        if (at_end) {
            if (!config_.follow) break;
            std::this_thread::sleep_for(config_.idle_wait);  // end of log: wait for the writer
        }
    }
    if (uncommitted > 0) commit(true);
    writer_.wait();
    progress.durable_offset = progress.next_offset;
    progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    progress.seconds_waiting = writer_.stats().seconds_waiting;
    return progress;
}

}  // namespace tote
