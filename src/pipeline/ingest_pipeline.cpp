#include "pipeline/ingest_pipeline.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/state_reader.h"
#include "core/state_writer.h"
#include "pipeline/landing_transactions.h"

namespace tote {

IngestPipeline::IngestPipeline(RecordSource& reader, Decoder& decoder, WarehouseWriter& writer,
                               IngestConfig config, FactStage* facts)
    : reader_(reader), decoder_(decoder), writer_(writer), config_(config), facts_(facts) {}

const char* to_string(IngestPhase phase) {
    switch (phase) {
        case IngestPhase::Starting:
            return "starting";
        case IngestPhase::Restoring:
            return "restoring state";
        case IngestPhase::CatchingUp:
            return "catching up";
        case IngestPhase::Waiting:
            return "waiting for input";
        case IngestPhase::Done:
            return "done";
    }
    return "starting";
}

void IngestPipeline::set_checkpoints(std::unique_ptr<CheckpointStore> store, uint64_t every_records,
                                     std::string fingerprint) {
    checkpoints_ = std::move(store);
    checkpoint_every_ = every_records;
    checkpoint_fingerprint_ = std::move(fingerprint);
}

LogPosition IngestPipeline::restore_checkpoint(const LogPosition& resume,
                                               IngestProgress& progress) {
    if (!checkpoints_) {
        if (cold_) cold_->reset();
        return LogPosition{};
    }
    for (const auto& [offset, path] : checkpoints_->list()) {
        const std::string name = path.string();
        if (offset > resume.next_offset) {
            // Written after a commit the warehouse no longer holds (a replaced warehouse).
            progress.restore_notes.push_back("checkpoint " + name + " is at offset " +
                                             std::to_string(offset) +
                                             ", ahead of the warehouse's committed offset " +
                                             std::to_string(resume.next_offset) + ": not used");
            continue;
        }
        const auto started = std::chrono::steady_clock::now();
        std::string why;
        auto cp = checkpoints_->read(path, why);
        if (cp && cp->meta.fingerprint != checkpoint_fingerprint_)
            why = "it was taken with another configuration (" + cp->meta.fingerprint + "; now " +
                  checkpoint_fingerprint_ + ")";
        if (cp && why.empty() && cold_) {
            // The fact state that had left memory, as of this checkpoint.
            const auto copy = CheckpointStore::companion_dir(path);
            if (!std::filesystem::is_directory(copy)) {
                why = "the copy of its cold fact state store (" + copy.string() + ") is missing";
            } else {
                try {
                    cold_->restore_from(copy);
                } catch (const ToteError& e) {
                    why = e.what();
                }
            }
        }
        if (cp && why.empty()) {
            try {
                StateReader in(cp->state, name);
                facts_->load_state(in);  // all or nothing
            } catch (const ToteError& e) {
                why = e.what();
            }
        }
        if (!why.empty()) {
            progress.restore_notes.push_back("checkpoint " + name + " not used: " + why +
                                             "; trying an older one");
            continue;
        }
        fact_ordinal_ = cp->meta.records_fed;
        checkpoint_ordinal_ = fact_ordinal_;
        progress.restored_checkpoint_offset = cp->meta.position.next_offset;
        progress.restored_checkpoint_bytes = cp->file_bytes;
        progress.seconds_loading_checkpoint =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return cp->meta.position;
    }
    if (cold_) cold_->reset();  // the state is rebuilt from the log's start
    return LogPosition{};
}

void IngestPipeline::write_checkpoint(IngestProgress& progress) {
    const auto started = std::chrono::steady_clock::now();
    checkpoint_ordinal_ = fact_ordinal_;  // a failure is retried `every` records later
    finish_checkpoint(progress, true);    // one file at a time
    try {
        StateWriter out;
        facts_->save_state(out);
        // The cold store's copy first: a checkpoint file is only ever there with its copy.
        const LogPosition at = reader_.position();
        if (cold_) cold_->checkpoint_to(checkpoints_->companion_dir_for(at.next_offset));
        auto bytes = std::make_shared<const std::string>(out.take());
        CheckpointMeta meta{at, fact_ordinal_, checkpoint_fingerprint_};
        CheckpointStore* store = checkpoints_.get();
        pending_checkpoint_ =
            PendingCheckpoint{std::async(std::launch::async,
                                         [store, meta = std::move(meta), bytes]() -> std::string {
                                             try {
                                                 store->write(meta, *bytes);
                                                 return {};
                                             } catch (const std::exception& e) {
                                                 return e.what();
                                             }
                                         }),
                              at.next_offset, started};
    } catch (const ToteError& e) {
        progress.last_checkpoint_error = e.what();
    } catch (const std::bad_alloc&) {
        progress.last_checkpoint_error = "out of memory while serialising the fact state";
    }
    progress.seconds_checkpointing +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void IngestPipeline::finish_checkpoint(IngestProgress& progress, bool wait) {
    if (!pending_checkpoint_) return;
    auto& pending = *pending_checkpoint_;
    if (!wait && pending.done.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return;
    const std::string error = pending.done.get();
    if (error.empty()) {
        ++progress.checkpoints_written;
        progress.last_checkpoint_offset = pending.offset;
        progress.last_checkpoint_error.clear();
    } else {
        progress.last_checkpoint_error = error;
    }
    // The time guard counts the whole checkpoint, the background write included.
    checkpoint_written_at_ = std::chrono::steady_clock::now();
    checkpoint_duration_ = checkpoint_written_at_ - pending.started;
    pending_checkpoint_.reset();
}

void IngestPipeline::replay_facts(const LogPosition& from, const LogPosition& resume,
                                  IngestProgress& progress, const std::atomic<bool>& stop,
                                  const std::function<void(const IngestProgress&)>& on_progress) {
    const auto started = std::chrono::steady_clock::now();
    auto last_report = started;
    progress.phase = IngestPhase::Restoring;
    progress.restore_total = static_cast<uint64_t>(resume.next_offset - from.next_offset);
    facts_->set_replaying(true);
    const std::string needed =
        "cannot rebuild the fact state: log records " + std::to_string(from.next_offset) + ".." +
        std::to_string(resume.next_offset - 1) + " are needed (from " +
        (progress.restored_checkpoint_offset >= 0
             ? "the checkpoint at offset " + std::to_string(from.next_offset)
             : std::string("the start of the log")) +
        " up to the warehouse's committed offset " + std::to_string(resume.next_offset) + ") but ";
    std::string what_to_do =
        ". Nothing was written. Restore the log records from offset " +
        std::to_string(from.next_offset) +
        " on (or the checkpoint files of a later offset), or rebuild the warehouse into a new "
        "database from a log that holds every record";
    std::string notes;
    for (const auto& n : progress.restore_notes) notes += "; " + n;
    what_to_do += notes;
    const bool nothing_to_replay = from.next_offset >= resume.next_offset;
    try {
        // Nothing to replay (a fresh consumer, or a checkpoint at the committed position): no
        // read, so a source that does not exist yet (a Kafka topic before its first message)
        // is met by the ingest itself, with what it says there.
        if (!nothing_to_replay) reader_.seek(from);
    } catch (const ToteError& e) {
        throw ToteError(ErrorClass::Fatal, needed + e.what() + what_to_do);
    }
    std::vector<LogRecord> batch;
    DecodeResult result;
    std::vector<EncodedInsert> none;
    while (!nothing_to_replay && reader_.position().next_offset < resume.next_offset) {
        if (stop.load(std::memory_order_relaxed)) break;  // Ctrl-C: nothing was written
        const auto now = std::chrono::steady_clock::now();
        if (on_progress && now - last_report >= std::chrono::milliseconds(250)) {
            last_report = now;
            progress.replayed_records = facts_->stats().replayed_records;
            progress.seconds_replaying = std::chrono::duration<double>(now - started).count();
            on_progress(progress);
        }
        reader_.recycle(batch);
        // A position advances by at least one per record: this never reads past `resume`.
        const auto left = static_cast<size_t>(resume.next_offset - reader_.position().next_offset);
        if (stop.load(std::memory_order_relaxed))
            throw ToteError(ErrorClass::Retriable,
                            "stopped while rebuilding the fact state (at log offset " +
                                std::to_string(reader_.position().next_offset) + " of " +
                                std::to_string(resume.next_offset) +
                                "); nothing was written: the next run starts the replay again");
        size_t got = 0;
        try {
            got = reader_.poll(batch, std::min<size_t>(left, 4096));
        } catch (const ToteError& e) {
            throw ToteError(ErrorClass::Fatal,
                            needed + "the record at offset " +
                                std::to_string(reader_.position().next_offset) +
                                " cannot be read (" + e.what() +
                                "; removed by retention, or the log was replaced)" + what_to_do);
        }
        if (got == 0) {
            // A following source (a Kafka partition of a group) returns nothing when no message
            // arrived within its poll wait although it holds more: wait while it says so (its
            // stall timeout ends a wait that lasts). Only a source at its end is short.
            const std::optional<int64_t> end = reader_.end_offset();
            if (end && *end > reader_.position().next_offset) continue;
        }
        if (got == 0)  // never silently a shorter state
            throw ToteError(ErrorClass::Fatal,
                            needed + "the record at offset " +
                                std::to_string(reader_.position().next_offset) +
                                " cannot be read from " + reader_.describe() +
                                " (removed by retention, or the log was replaced)" + what_to_do);
        for (const LogRecord& rec : batch) feed_facts(rec, result);
        facts_->collect(none);  // builds and throws away: the rows were written before
    }
    facts_->collect(none);
    facts_->set_replaying(false);
    progress.replayed_records = facts_->stats().replayed_records;
    progress.seconds_replaying =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::string IngestPipeline::undecodable(const LogRecord& rec) const {
    if (!rec.source_error.empty()) return rec.source_error;
    const size_t size = (rec.key ? rec.key->size() : 0) + (rec.value ? rec.value->size() : 0);
    if (size > config_.max_record_bytes)
        return "record of " + std::to_string(size) + " bytes (key and value) is above " +
               "--max-record-bytes " + std::to_string(config_.max_record_bytes) +
               ": not decoded; raise the limit if such rows are expected, then re-ingest "
               "under a new --consumer to land them";
    return {};
}

void IngestPipeline::feed_facts(const LogRecord& rec, DecodeResult& decoded) {
    // The fact stage counts records from the start of the log: a source's own offsets need not
    // be one increasing sequence (a JSON-lines capture mixes topics and partitions).
    const Offset ordinal{fact_ordinal_++};
    const bool skipped = !undecodable(rec).empty();  // the same rule as the landing
    if (facts_->replaying()) {
        facts_->count_replayed();
        if (!skipped) decoder_.decode_into(rec, decoded);
    }
    if (skipped)
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
    progress.state_bets = facts_->builder().bets_held();
    progress.state_wallet_rows = facts_->builder().wallet_rows_held();
    progress.state_dimension_rows = facts_->builder().dimensions().size();
    progress.state_open_transactions = facts_->assembler().open_transactions();
    const auto& b = facts_->builder();
    progress.state_budget_bytes = b.memory_budget_bytes();
    progress.state_bytes = b.held_state_bytes();
    progress.state_evicted = b.stats().evicted_bets + b.stats().evicted_wallet;
    progress.state_cold_reads = b.stats().cold_reads;
}

IngestProgress IngestPipeline::run(const std::atomic<bool>& stop,
                                   const std::function<void(const IngestProgress&)>& on_commit,
                                   const std::function<void(const IngestProgress&)>& on_ready) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    IngestProgress progress;
    writer_.set_stop_flag(&stop);
    const LogPosition resume = writer_.resume_position().value_or(LogPosition{});
    progress.next_offset = resume.next_offset;
    progress.durable_offset = resume.next_offset;
    if (facts_) {
        const LogPosition from = restore_checkpoint(resume, progress);
        progress.phase = IngestPhase::Restoring;
        progress.restore_total = static_cast<uint64_t>(resume.next_offset - from.next_offset);
        if (on_commit) on_commit(progress);  // says at once what was restored
        replay_facts(from, resume, progress, stop, on_commit);
    }
    if (stop.load(std::memory_order_relaxed)) {
        progress.phase = IngestPhase::Done;
        return progress;  // stopped while restoring: nothing written, nothing lost
    }
    reader_.seek(resume);
    progress.next_offset = reader_.position().next_offset;
    progress.durable_offset = progress.next_offset;
    progress.log_end_offset = reader_.end_offset().value_or(-1);
    progress.phase = progress.log_end_offset > progress.next_offset ? IngestPhase::CatchingUp
                                                                    : IngestPhase::Waiting;
    if (on_ready) on_ready(progress);

    std::vector<LogRecord> batch;
    batch.reserve(config_.batch_records);
    DecodeResult result;  // reused across records: the decoder keeps its storage
    size_t uncommitted = 0;
    size_t uncommitted_bytes = 0;  // key + value bytes of the records since the last commit
    uint64_t bytes_seen = 0, records_seen = 0;  // for the average record size
    auto last_commit = Clock::now();

    // Commits run in the background while the next batch is decoded; the position of each
    // becomes durable only after its data (see WarehouseWriter::commit_async).
    std::vector<EncodedInsert> fact_inserts;
    // The commit issued and not yet known durable, for the metrics.
    struct Issued {
        Clock::time_point at;
        int64_t newest_ts_ms = 0;
        bool pending = false;
    } issued;
    int64_t batch_newest_ts_ms = 0;  // newest OLTP commit time among the changes read since
    auto observe_durable = [&](const Issued& c) {
        if (!c.pending) return;
        const auto now = Clock::now();
        progress.commit_seconds.observe(std::chrono::duration<double>(now - c.at).count());
        if (c.newest_ts_ms > 0) {
            const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();
            progress.freshness_seconds.observe(
                static_cast<double>(std::max<int64_t>(now_ms - c.newest_ts_ms, 0)) / 1000.0);
        }
    };
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
        progress.batch_records.observe(static_cast<double>(uncommitted));
        const Issued now_issued{Clock::now(), batch_newest_ts_ms, true};
        batch_newest_ts_ms = 0;
        writer_.commit_async(reader_.position());  // returns once the previous one is durable
        observe_durable(issued);
        issued = now_issued;
        progress.durable_offset = previous;
        if (wait) {
            writer_.wait();
            observe_durable(issued);
            issued.pending = false;
            progress.durable_offset = reader_.position().next_offset;
        }
        const auto& s = writer_.stats();
        progress.next_offset = reader_.position().next_offset;
        progress.changes = s.changes;
        progress.snapshot_reads = s.snapshot_reads;
        progress.dead_letters = s.dead_letters;
        progress.commits = s.commits;
        if (progress.landing_notes.size() != s.notes.size()) progress.landing_notes = s.notes;
        fill_retry_progress(progress);
        progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        progress.log_end_offset = reader_.end_offset().value_or(-1);
        progress.phase = progress.log_end_offset > progress.next_offset ? IngestPhase::CatchingUp
                                                                        : IngestPhase::Waiting;
        uncommitted = 0;
        uncommitted_bytes = 0;
        last_commit = Clock::now();
        if (on_commit) on_commit(progress);
    };

    // A change of the transaction being read lands once its END gives the commit position
    // (pipeline/landing_transactions.h); a commit is taken only at a transaction boundary.
    LandingTransactions landing;
    const LandingTransactions::Land land = [&](const ChangeEvent& c, const LogRecord& rec) {
        writer_.add_change(c, rec);
    };
    auto process = [&](const LogRecord& rec) {
        const size_t size = (rec.key ? rec.key->size() : 0) + (rec.value ? rec.value->size() : 0);
        uncommitted_bytes += size;
        bytes_seen += size;
        ++records_seen;
        if (std::string why = undecodable(rec); !why.empty()) {
            // The source could not even read it, or it is too large to decode.
            writer_.add_dead_letter(rec, "source", why);
            if (facts_) feed_facts(rec, result);
            return;
        }
        decoder_.decode_into(rec, result);
        std::visit(
            [&](auto& r) {
                using T = std::decay_t<decltype(r)>;
                if constexpr (std::is_same_v<T, ChangeEvent>) {
                    if (r.source.commit_ts_ms > progress.last_commit_ts_ms)
                        progress.last_commit_ts_ms = r.source.commit_ts_ms;
                    batch_newest_ts_ms = std::max(batch_newest_ts_ms, r.source.commit_ts_ms);
                    if (!landing.hold(r, rec, land)) writer_.add_change(r, rec);
                } else if constexpr (std::is_same_v<T, TxMarker>) {
                    writer_.add_transaction(r, rec);
                    if (r.begin)
                        landing.begin(r, land);
                    else
                        landing.end(r, land);
                } else if constexpr (std::is_same_v<T, SchemaChange>) {
                    writer_.add_tombstone(rec);  // nothing lands; the offset advances
                    // A MySQL/MariaDB DDL statement is a transaction of its own that Debezium
                    // opens (BEGIN with its GTID) and never ends: its schema change is its last
                    // record (docs/decoding.md, "MariaDB").
                    if (r.source.tx_id != 0)
                        landing.end(TxMarker{false, r.source.tx_id, 0, r.source.commit_ts_ms, 0},
                                    land);
                } else if constexpr (std::is_same_v<T, Tombstone>) {
                    writer_.add_tombstone(rec);
                } else {
                    writer_.add_dead_letter(rec, "decode", r.reason);
                }
            },
            result);
        if (facts_) feed_facts(rec, result);
    };

    while (!stop.load(std::memory_order_relaxed)) {
        size_t room = uncommitted < config_.batch_records ? config_.batch_records - uncommitted : 0;
        bool at_limit = false;
        if (config_.stop_at_offset >= 0) {
            const int64_t left = config_.stop_at_offset - reader_.position().next_offset;
            if (left <= static_cast<int64_t>(room)) {
                room = static_cast<size_t>(std::max<int64_t>(left, 0));
                at_limit = true;
            }
        }
        size_t got = 0;
        bool short_chunk = false;
        // Poll in cache-sized chunks, fewer records a chunk when records are large, until the
        // batch holds batch_records records or batch_bytes bytes.
        while (got < room && !short_chunk && uncommitted_bytes < config_.batch_bytes) {
            reader_.recycle(batch);
            size_t want = std::min<size_t>(room - got, 4096);
            if (records_seen == 0) {
                want = 1;  // learn the record size before reading a whole chunk
            } else {
                const uint64_t average = std::max<uint64_t>(bytes_seen / records_seen, 1);
                want = std::clamp<size_t>((config_.batch_bytes - uncommitted_bytes) / average, 1,
                                          want);
            }
            size_t n = reader_.poll(batch, want);
            got += n;
            short_chunk = n < want;
            for (const LogRecord& rec : batch) process(rec);
        }
        bool due = uncommitted + got >= config_.batch_records ||
                   uncommitted_bytes >= config_.batch_bytes ||
                   (uncommitted + got > 0 && Clock::now() - last_commit >= config_.commit_interval);
        // A commit is due inside a transaction: read on, a record at a time, to its END.
        if ((due || short_chunk) && !at_limit && !landing.at_boundary()) {
            while (!landing.at_boundary() && !stop.load(std::memory_order_relaxed)) {
                reader_.recycle(batch);
                if (reader_.poll(batch, 1) == 0) {
                    short_chunk = true;
                    break;
                }
                ++got;
                process(batch.front());
            }
        }
        progress.records += got;
        uncommitted += got;
        const bool at_end = short_chunk || (at_limit && got == room);
        // The input ends inside a transaction (a finite run, or the stop offset): land what
        // was read of it with its own positions. Following a live log, wait for its END.
        if (at_end && !landing.at_boundary() && (!config_.follow || at_limit))
            landing.release(land);
        const bool boundary = landing.at_boundary();
        due = due && boundary;
        // Caught up with the log: commit and wait, so the newest changes are visible at once.
        if (boundary && (due || (at_end && uncommitted > 0))) commit(at_end);
        // A checkpoint covers a commit position whose commit is durable: the warehouse's
        // position is never behind a checkpoint (restore uses one only at or before it).
        // At most ~1/5 of the time goes to checkpoints: the next one waits until 4x the last
        // write's duration has passed since it (a growing state takes longer to write).
        if (boundary && checkpoints_ && checkpoint_every_ > 0 &&
            static_cast<uint64_t>(fact_ordinal_ - checkpoint_ordinal_) >= checkpoint_every_ &&
            Clock::now() - checkpoint_written_at_ >= 4 * checkpoint_duration_ &&
            !pending_checkpoint_ && !stop.load(std::memory_order_relaxed)) {
            if (uncommitted > 0)
                commit(true);
            else
                writer_.wait();
            progress.durable_offset = reader_.position().next_offset;
            write_checkpoint(progress);
            if (!pending_checkpoint_) checkpoint_written_at_ = Clock::now();  // it failed
        }
        finish_checkpoint(progress, false);
        if (at_end) {
            if (!config_.follow || at_limit) break;
            std::this_thread::sleep_for(config_.idle_wait);  // end of log: wait for the writer
        }
    }
    // Stopped inside a transaction: what was read since the last commit is not committed (the
    // next run reads it again), so the warehouse's position stays at a transaction boundary.
    if (!landing.at_boundary()) uncommitted = 0;
    const bool drain = facts_ && !config_.follow && config_.drain_facts_at_end &&
                       !stop.load(std::memory_order_relaxed);
    if (uncommitted > 0 || drain) commit(true, drain);
    writer_.wait();
    finish_checkpoint(progress, true);
    progress.durable_offset = progress.next_offset;
    progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    progress.seconds_waiting = writer_.stats().seconds_waiting;
    progress.landing_notes = writer_.stats().notes;
    progress.phase = IngestPhase::Done;
    fill_fact_progress(progress);
    fill_retry_progress(progress);
    return progress;
}

}  // namespace tote
