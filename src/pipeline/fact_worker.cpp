#include "pipeline/fact_worker.h"

#include <chrono>
#include <utility>

namespace tote {

namespace {
constexpr size_t kChunk = 4096;
}

FactWorker::FactWorker(FactStage& stage, RunInserts run_inserts, size_t max_queued_records)
    : stage_(stage),
      run_inserts_(std::move(run_inserts)),
      max_queued_records_(max_queued_records < kChunk ? kChunk : max_queued_records) {
    chunk_.reserve(kChunk);
    thread_ = std::thread([this] { run(); });
}

FactWorker::~FactWorker() {
    {
        std::lock_guard lock(mu_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void FactWorker::rethrow_locked() {
    if (failure_) std::rethrow_exception(failure_);
}

void FactWorker::push(Work&& w, bool is_commit) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    const size_t n = w.chunk.size();
    cv_.wait(lock, [&] {
        return failure_ || ((!is_commit || !commit_waiting_) &&
                            (queued_records_ == 0 || queued_records_ + n <= max_queued_records_));
    });
    seconds_waiting_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rethrow_locked();
    queued_records_ += n;
    if (is_commit) commit_waiting_ = true;
    queue_.push_back(std::move(w));
    cv_.notify_all();
}

void FactWorker::flush_chunk() {
    if (chunk_.empty()) return;
    Work w;
    w.chunk = std::move(chunk_);
    chunk_ = {};
    chunk_.reserve(kChunk);
    push(std::move(w), false);
}

void FactWorker::add(DecodeResult& result, Offset ordinal) {
    chunk_.push_back(Item{ordinal, false, stage_.take(result)});
    if (chunk_.size() >= kChunk) flush_chunk();
}

void FactWorker::skip(Offset ordinal) {
    chunk_.push_back(Item{ordinal, true, DecodeResult{}});
    if (chunk_.size() >= kChunk) flush_chunk();
}

void FactWorker::commit(std::vector<EncodedInsert> landing, int64_t next_offset, bool drain) {
    Work w;
    w.chunk = std::move(chunk_);
    chunk_ = {};
    chunk_.reserve(kChunk);
    w.commit = true;
    w.drain = drain;
    w.next_offset = next_offset;
    w.landing = std::move(landing);
    push(std::move(w), true);
}

void FactWorker::wait() {
    flush_chunk();
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return failure_ || (queue_.empty() && !busy_); });
    seconds_waiting_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rethrow_locked();
}

FactWorkerStatus FactWorker::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

void FactWorker::run() {
    std::vector<EncodedInsert> facts;
    while (true) {
        Work w;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return quit_ || !queue_.empty(); });
            if (quit_ || failure_) return;
            w = std::move(queue_.front());
            queue_.pop_front();
            busy_ = true;
        }
        try {
            for (Item& it : w.chunk) {
                if (it.skip)
                    stage_.skip(it.ordinal);
                else
                    stage_.add(it.result, it.ordinal);
            }
            if (w.commit) {
                facts.clear();
                if (w.drain)
                    stage_.drain(facts);
                else
                    stage_.collect(facts);
                // Landing rows, the stage's rows, then the resume position (the last landing
                // insert): a crash before the position replays the batch, identically.
                std::vector<EncodedInsert> all;
                all.reserve(w.landing.size() + facts.size());
                for (size_t i = 0; i + 1 < w.landing.size(); ++i)
                    all.push_back(std::move(w.landing[i]));
                for (auto& f : facts) all.push_back(std::move(f));
                if (!w.landing.empty()) all.push_back(std::move(w.landing.back()));
                run_inserts_(all);
            }
        } catch (...) {
            std::lock_guard lock(mu_);
            failure_ = std::current_exception();
            busy_ = false;
            cv_.notify_all();
            return;
        }
        std::lock_guard lock(mu_);
        queued_records_ -= w.chunk.size();
        if (w.commit) {
            commit_waiting_ = false;
            status_.durable_offset = w.next_offset;
            ++status_.commits;
        }
        status_.stats = stage_.stats();
        status_.pending_facts = stage_.builder().pending_facts();
        busy_ = false;
        cv_.notify_all();
    }
}

}  // namespace tote
