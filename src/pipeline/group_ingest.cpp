#include "pipeline/group_ingest.h"

#include <condition_variable>
#include <exception>
#include <thread>

#include "core/error.h"

namespace tote {

const char* to_string(PartitionEvent::Kind kind) {
    switch (kind) {
        case PartitionEvent::Kind::Assigned:
            return "assigned";
        case PartitionEvent::Kind::Ready:
            return "ready";
        case PartitionEvent::Kind::Committed:
            return "committed";
        case PartitionEvent::Kind::Retrying:
            return "retrying";
        case PartitionEvent::Kind::Revoked:
            return "revoked";
        case PartitionEvent::Kind::Failed:
            return "failed";
    }
    return "?";
}

// One partition held by this process: an IngestJob on a thread of its own, started again after
// a retriable error, until stopped.
class GroupIngest::Worker {
public:
    Worker(GroupIngest& owner, TopicPartitionName tp, IngestJobConfig config)
        : owner_(owner), tp_(std::move(tp)), cfg_(std::move(config)) {}
    ~Worker() { stop_and_join(); }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void start() {
        thread_ = std::thread([this] { body(); });
    }

    // Asks the job to stop (it finishes the commit under way) and waits for it.
    void stop_and_join() {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    IngestProgress progress() const {
        std::lock_guard lock(mu_);
        return progress_;
    }
    std::exception_ptr fatal() const {
        std::lock_guard lock(mu_);
        return fatal_;
    }

    PartitionEvent event(PartitionEvent::Kind kind) const {
        PartitionEvent e;
        e.kind = kind;
        e.partition = tp_;
        e.database = cfg_.writer.database;
        e.consumer = cfg_.writer.consumer;
        e.progress = progress();
        return e;
    }

private:
    void set_progress(const IngestProgress& p) {
        std::lock_guard lock(mu_);
        progress_ = p;
    }

    void body() {
        while (!stop_) {
            std::string error;
            try {
                auto conn = owner_.connect_(cfg_.writer.database);
                IngestJob job(*conn, cfg_);
                const IngestProgress done = job.run(
                    stop_,
                    [this](const IngestProgress& p) {
                        set_progress(p);
                        if (p.phase != IngestPhase::Restoring)
                            owner_.emit(event(PartitionEvent::Kind::Committed));
                    },
                    [this](const IngestProgress& p) {
                        set_progress(p);
                        owner_.emit(event(PartitionEvent::Kind::Ready));
                    });
                set_progress(done);
                return;
            } catch (const ToteError& e) {
                if (stop_) return;  // a run stopped in its replay or backoff throws
                if (!e.retriable()) {
                    fail(e.what());
                    return;
                }
                error = e.what();
            } catch (const std::exception& e) {
                if (stop_) return;
                fail(e.what());
                return;
            }
            PartitionEvent e = event(PartitionEvent::Kind::Retrying);
            e.error = error;
            owner_.emit(e);
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, owner_.cfg_.retry_backoff, [this] { return stop_.load(); });
        }
    }

    void fail(const std::string& what) {
        {
            std::lock_guard lock(mu_);
            fatal_ = std::make_exception_ptr(
                ToteError(ErrorClass::Fatal, "partition " + tp_.describe() + " (database " +
                                                 cfg_.writer.database + "): " + what));
        }
        PartitionEvent e = event(PartitionEvent::Kind::Failed);
        e.error = what;
        owner_.emit(e);
    }

    GroupIngest& owner_;
    const TopicPartitionName tp_;
    const IngestJobConfig cfg_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::atomic<bool> stop_{false};
    IngestProgress progress_;
    std::exception_ptr fatal_;
    std::thread thread_;  // last: started once every member above exists
};

GroupIngest::GroupIngest(GroupIngestConfig config, ConnectionFactory connect, EventHandler on_event)
    : cfg_(std::move(config)), connect_(std::move(connect)), on_event_(std::move(on_event)) {
    cfg_.group.validate();
    for (const auto& t : cfg_.group.topics)
        if (!cfg_.databases.contains(t))
            throw ToteError(ErrorClass::Fatal, "topic " + t + " has no warehouse database");
}

GroupIngest::~GroupIngest() {
    std::map<TopicPartitionName, std::unique_ptr<Worker>> workers;
    {
        std::lock_guard lock(mu_);
        workers.swap(workers_);
    }
    workers.clear();  // each stops and joins
}

void GroupIngest::emit(const PartitionEvent& event) {
    if (!on_event_) return;
    std::lock_guard lock(event_mu_);
    on_event_(event);
}

IngestJobConfig GroupIngest::job_config(const TopicPartitionName& tp) const {
    IngestJobConfig c = cfg_.job;
    c.source.kind = SourceKind::Kafka;
    c.source.kafka.brokers = cfg_.group.brokers;
    c.source.kafka.topic = tp.topic;
    c.source.kafka.partition = Partition{tp.partition};
    c.source.kafka.properties = cfg_.group.properties;
    c.writer.database = cfg_.databases.at(tp.topic);
    c.writer.consumer = kafka_consumer_name(c.source.kafka);
    c.ingest.follow = true;
    c.ingest.drain_facts_at_end = false;  // a group never ends its input
    const std::string name = c.writer.database + "." + c.writer.consumer;
    c.checkpoints.dir =
        cfg_.checkpoint_root.empty() ? std::filesystem::path() : cfg_.checkpoint_root / name;
    c.cold_state_dir = cfg_.cold_root / name / "cold";
    return c;
}

void GroupIngest::assign(const std::vector<TopicPartitionName>& parts) {
    for (const auto& tp : parts) {
        auto worker = std::make_unique<Worker>(*this, tp, job_config(tp));
        Worker* w = worker.get();
        {
            std::lock_guard lock(mu_);
            workers_[tp] = std::move(worker);
        }
        emit(w->event(PartitionEvent::Kind::Assigned));
        w->start();
    }
}

void GroupIngest::revoke(const std::vector<TopicPartitionName>& parts, bool lost) {
    for (const auto& tp : parts) {
        std::unique_ptr<Worker> worker;
        {
            std::lock_guard lock(mu_);
            auto it = workers_.find(tp);
            if (it == workers_.end()) continue;
            worker = std::move(it->second);
            workers_.erase(it);
        }
        worker->stop_and_join();
        PartitionEvent e = worker->event(PartitionEvent::Kind::Revoked);
        e.lost = lost;
        {
            std::lock_guard lock(mu_);
            finished_[tp] = e.progress;
        }
        emit(e);
    }
}

std::map<TopicPartitionName, IngestProgress> GroupIngest::held() const {
    std::map<TopicPartitionName, IngestProgress> out;
    std::lock_guard lock(mu_);
    for (const auto& [tp, w] : workers_) out[tp] = w->progress();
    return out;
}

std::map<TopicPartitionName, IngestProgress> GroupIngest::run(const std::atomic<bool>& stop) {
    std::exception_ptr fatal;
    {
        KafkaGroupMember member(
            cfg_.group, [this](const std::vector<TopicPartitionName>& p) { assign(p); },
            [this](const std::vector<TopicPartitionName>& p, bool lost) { revoke(p, lost); });
        try {
            while (!stop && !fatal) {
                member.poll(std::chrono::milliseconds(100));
                std::lock_guard lock(mu_);
                for (const auto& [tp, w] : workers_)
                    if (auto f = w->fatal()) {
                        fatal = f;
                        break;
                    }
            }
            member.close();  // the revoke handler stops every worker
        } catch (...) {
            if (!fatal) fatal = std::current_exception();
        }
    }  // leaves the group (if an error skipped close)
    std::map<TopicPartitionName, std::unique_ptr<Worker>> rest;
    {
        std::lock_guard lock(mu_);
        rest.swap(workers_);
    }
    for (auto& [tp, w] : rest) {
        w->stop_and_join();
        std::lock_guard lock(mu_);
        finished_[tp] = w->progress();
    }
    if (fatal) std::rethrow_exception(fatal);
    std::lock_guard lock(mu_);
    return finished_;
}

}  // namespace tote
