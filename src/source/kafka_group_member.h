#pragma once
// Membership of a Kafka consumer group, and nothing else (librdkafka): `tote ingest
// --kafka-group G` subscribes to the ordered topics with it, and the group's coordinator spreads
// their partitions over the processes of the group. The member reads no message: every partition
// it is given is paused at once, and the partition is read by a KafkaSource of its own, assigned at
// the position tote keeps with the data in `_offsets` (docs/architecture.md, "Kafka: a consumer
// group"). Nothing is committed to the broker.
//
// The rebalance protocol is cooperative (cooperative-sticky): a rebalance revokes only the
// partitions that move, and a partition is handed to another member only after the revoke
// handler of its previous owner returned, i.e. after that owner stopped reading and writing it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tote {

struct TopicPartitionName {
    std::string topic;
    int32_t partition = 0;

    std::string describe() const { return topic + "/" + std::to_string(partition); }
    friend bool operator==(const TopicPartitionName&, const TopicPartitionName&) = default;
    friend auto operator<=>(const TopicPartitionName&, const TopicPartitionName&) = default;
};

struct KafkaGroupConfig {
    std::string brokers;              // bootstrap.servers
    std::string group;                // group.id
    std::vector<std::string> topics;  // subscribed (exact names)
    // Extra librdkafka properties (key, value), after tote's own (kafka_property() checks them).
    std::vector<std::pair<std::string, std::string>> properties;
    // A member that stops answering (killed, hung) loses its partitions after this long; the
    // broker's group.min.session.timeout.ms (6 s by default) is the lowest it accepts.
    std::chrono::milliseconds session_timeout{10000};

    // Throws ToteError(Fatal) naming the missing or bad setting.
    void validate() const;
};

class KafkaGroupMember {
public:
    // Called from poll() (on its thread) when the coordinator gives partitions to this member.
    using AssignHandler = std::function<void(const std::vector<TopicPartitionName>&)>;
    // Called from poll() or close() before partitions leave this member; `lost` when the member
    // was already out of the group (its session timed out), so another one may own them by now.
    // When it returns, the partitions must no longer be read or written here.
    using RevokeHandler = std::function<void(const std::vector<TopicPartitionName>&, bool lost)>;

    // Creates the consumer and subscribes (the group is joined by poll()); a bad setting is a
    // Fatal ToteError.
    KafkaGroupMember(KafkaGroupConfig config, AssignHandler on_assign, RevokeHandler on_revoke);
    // close(), then the client.
    ~KafkaGroupMember();

    // Serves the group for up to `wait`: heartbeats, rebalances (the handlers run inside). An
    // exception of a handler is rethrown here. A fatal client error throws a Fatal ToteError; a
    // topic that does not exist yet is logged once (a warning) and taken when it appears; a
    // broker that cannot be reached is only noted (last_error()): the member rejoins once it
    // answers.
    void poll(std::chrono::milliseconds wait);
    // Leaves the group: the revoke handler runs for what this member holds. Idempotent.
    void close();

    // The partitions held now.
    std::vector<TopicPartitionName> assignment() const;
    // The newest transient client error ("" when none since the last assignment).
    std::string last_error() const;
    std::string describe() const;

    KafkaGroupMember(const KafkaGroupMember&) = delete;
    KafkaGroupMember& operator=(const KafkaGroupMember&) = delete;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
