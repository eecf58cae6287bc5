#pragma once
// `tote ingest --kafka-group G`: the processes of one consumer group share the ordered topics
// (one per source database, each of one partition) between them, and each partition is ingested
// by exactly the same IngestJob as `tote ingest --kafka-topic T` (docs/architecture.md, "Kafka: a
// consumer group"). The group's coordinator decides who reads what (KafkaGroupMember, cooperative
// rebalancing); a partition given to this process gets a worker thread with its own warehouse
// connection, its own KafkaSource assigned at the position in `_offsets`, and its fact state
// restored from the newest checkpoint in the shared checkpoint folder. A partition taken away is
// stopped (its current commit finished) before the coordinator may give it to another process.
//
// Exactness needs nothing more than the single-process path: every write is idempotent by the
// source's version and the position is written after the data, so a second owner of a partition
// (a rebalance while the old owner still runs, a process that was thought dead) writes the same
// rows; a killed owner's successor restores the checkpoint and replays from it.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/ingest_job.h"
#include "source/kafka_group_member.h"

namespace tote {

struct GroupIngestConfig {
    KafkaGroupConfig group;
    // The warehouse database of each topic's source database (every topic of `group.topics`).
    std::map<std::string, std::string> databases;
    // What every partition's job runs with: source.kafka holds the brokers and the extra
    // properties (topic and partition are set per partition), writer.database and
    // writer.consumer are set per partition ("kafka:<topic>:<partition>"), ingest.follow is on.
    IngestJobConfig job;
    // Checkpoints of each partition's fact state, under checkpoint_root/<database>.<consumer>:
    // shared by the processes of the group, so the next owner of a partition restores from it
    // (empty: none; a new owner replays the partition from its start).
    std::filesystem::path checkpoint_root;
    // This process's own scratch folder for the state beyond the memory budget, per partition
    // under cold_root/<database>.<consumer>/cold (restored from the checkpoint at each start).
    std::filesystem::path cold_root;
    // After a retriable error, a partition's worker starts again after this long.
    std::chrono::milliseconds retry_backoff{2000};
};

// What happened to one partition of this process, for the log and the status.
struct PartitionEvent {
    enum class Kind {
        Assigned,   // given to this process: opening the warehouse, restoring its state
        Ready,      // state rebuilt; reading from progress.next_offset
        Committed,  // a commit (progress) while reading
        Retrying,   // a retriable error (error); the worker starts again after the backoff
        Revoked,    // taken away (lost: the session had timed out) and stopped
        Failed,     // a fatal error (error): the whole ingest stops
    };
    Kind kind = Kind::Assigned;
    TopicPartitionName partition;
    std::string database;
    std::string consumer;  // its resume position's name in `_offsets`
    bool lost = false;
    IngestProgress progress;
    std::string error;
};
const char* to_string(PartitionEvent::Kind kind);

class GroupIngest {
public:
    // A connection to the warehouse holding `database`, migrated and checked, ready for an
    // IngestJob (called on the partition's worker thread; a throw is handled like the job's).
    using ConnectionFactory =
        std::function<std::unique_ptr<ClickHouseConnection>(const std::string& database)>;
    // Called from the worker threads and the polling thread, serialised by GroupIngest.
    using EventHandler = std::function<void(const PartitionEvent&)>;

    GroupIngest(GroupIngestConfig config, ConnectionFactory connect, EventHandler on_event);
    ~GroupIngest();

    // Joins the group and serves it until `stop`; then stops every worker (each finishes its
    // commit) and leaves the group. Throws the first fatal error of a worker (after stopping the
    // others and leaving), or of the group membership. Returns the last progress of every
    // partition this process held, by partition.
    std::map<TopicPartitionName, IngestProgress> run(const std::atomic<bool>& stop);

    // The partitions held now, and the last progress of each.
    std::map<TopicPartitionName, IngestProgress> held() const;

    GroupIngest(const GroupIngest&) = delete;
    GroupIngest& operator=(const GroupIngest&) = delete;

private:
    class Worker;
    void assign(const std::vector<TopicPartitionName>& parts);
    void revoke(const std::vector<TopicPartitionName>& parts, bool lost);
    void emit(const PartitionEvent& event);
    IngestJobConfig job_config(const TopicPartitionName& tp) const;

    GroupIngestConfig cfg_;
    ConnectionFactory connect_;
    EventHandler on_event_;
    std::mutex event_mu_;
    mutable std::mutex mu_;  // workers_, finished_
    std::map<TopicPartitionName, std::unique_ptr<Worker>> workers_;
    std::map<TopicPartitionName, IngestProgress> finished_;
};

}  // namespace tote
