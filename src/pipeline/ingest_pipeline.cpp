#include "pipeline/ingest_pipeline.h"

#include <algorithm>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/error.h"

namespace tote {

IngestPipeline::IngestPipeline(RecordSource& reader, Decoder& decoder, WarehouseWriter& writer,
                               IngestConfig config, FactStage* facts)
    : reader_(reader), decoder_(decoder), writer_(writer), config_(config), facts_(facts) {}

void IngestPipeline::replay_facts(const LogPosition& resume, IngestProgress& progress,
                                  const std::atomic<bool>& stop) {
    const auto started = std::chrono::steady_clock::now();
    facts_->set_replaying(true);
    reader_.seek(LogPosition{});
    std::vector<LogRecord> batch;
    DecodeResult result;
    std::vector<EncodedInsert> none;
    while (reader_.position().next_offset < resume.next_offset) {
        batch.clear();
        // A position advances by at least one per record: this never reads past `resume`.
        const auto left = static_cast<size_t>(resume.next_offset - reader_.position().next_offset);
        if (stop.load(std::memory_order_relaxed))
            throw ToteError(ErrorClass::Retriable,
                            "stopped while rebuilding the fact state (at log offset " +
                                std::to_string(reader_.position().next_offset) + " of " +
                                std::to_string(resume.next_offset) +
                                "); nothing was written: the next run starts the replay again");
        if (reader_.poll(batch, std::min<size_t>(left, 4096)) == 0) break;  // a shorter log
        for (const LogRecord& rec : batch) feed_facts(rec, result);
        facts_->collect(none);  // builds and throws away: the rows were written before
    }
    facts_->collect(none);
    facts_->set_replaying(false);
    progress.replayed_records = facts_->stats().replayed_records;
    progress.seconds_replaying =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void IngestPipeline::feed_facts(const LogRecord& rec, DecodeResult& decoded) {
    // The fact stage counts records from the start of the log: a source's own offsets need not
    // be one increasing sequence (a JSON-lines capture mixes topics and partitions).
    const Offset ordinal{fact_ordinal_++};
    if (facts_->replaying()) {
        facts_->count_replayed();
        if (rec.source_error.empty()) decoder_.decode_into(rec, decoded);
    }
    if (!rec.source_error.empty())
        facts_->skip(ordinal);
    else
        facts_->add(decoded, ordinal);  // may leave reusable storage in `decoded`
}

void IngestPipeline::fill_retry_progress(IngestProgress& progress) const {
    RetryStats r = writer_.retry_stats();
    progress.retries = r.retries;
    progress.last_retry_error = std::move(r.last_error);
}

void IngestPipeline::fill_fact_progress(IngestProgress& progress) const {
    if (!facts_) return;
    const auto& s = facts_->stats();
    progress.fact_units = s.units;
    progress.bet_versions = s.bet_versions;
    progress.wallet_versions = s.wallet_versions;
    progress.violations_logged = s.violations_logged;
    progress.incomplete_transactions = s.incomplete_reports;
    progress.pending_facts = facts_->builder().pending_facts();
}

IngestProgress IngestPipeline::run(const std::atomic<bool>& stop,
                                   const std::function<void(const IngestProgress&)>& on_commit,
                                   const std::function<void(const IngestProgress&)>& on_ready) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    IngestProgress progress;
    writer_.set_stop_flag(&stop);
    const LogPosition resume = writer_.resume_position().value_or(LogPosition{});
    if (facts_) replay_facts(resume, progress, stop);
    reader_.seek(resume);
    progress.next_offset = reader_.position().next_offset;
    progress.durable_offset = progress.next_offset;
    if (on_ready) on_ready(progress);

    std::vector<LogRecord> batch;
    batch.reserve(config_.batch_records);
    DecodeResult result;  // reused across records: the decoder keeps its storage
    size_t uncommitted = 0;
    auto last_commit = Clock::now();

    // Commits run in the background while the next batch is decoded; the position of each
    // becomes durable only after its data (see WarehouseWriter::commit_async).
    std::vector<EncodedInsert> fact_inserts;
    auto commit = [&](bool wait, bool drain = false) {
        const int64_t previous = progress.next_offset;
        if (facts_) {
            fact_inserts.clear();
            if (drain)
                facts_->drain(fact_inserts);
            else
                facts_->collect(fact_inserts);
            for (auto& ins : fact_inserts) writer_.add_insert(std::move(ins));
            fill_fact_progress(progress);
        }
        // The log first, then (in the commit) the data, then the position covering both.
        if (config_.sync_source) reader_.sync();
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
        fill_retry_progress(progress);
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
                    if (facts_) feed_facts(rec, result);
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
                if (facts_) feed_facts(rec, result);
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
    const bool drain = facts_ && !config_.follow && config_.drain_facts_at_end &&
                       !stop.load(std::memory_order_relaxed);
    if (uncommitted > 0 || drain) commit(true, drain);
    writer_.wait();
    progress.durable_offset = progress.next_offset;
    progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    progress.seconds_waiting = writer_.stats().seconds_waiting;
    fill_fact_progress(progress);
    fill_retry_progress(progress);
    return progress;
}

}  // namespace tote
