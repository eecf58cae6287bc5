#pragma once
// What a Kafka source reads: one partition of one topic (the first slice of the deployed path:
// one ordered topic per source database, docs/architecture.md "Kafka: one ordered topic").
// Pure settings and their parsing; the consumer itself is KafkaSource.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log_record.h"

namespace tote {

struct KafkaSourceConfig {
    std::string brokers;  // bootstrap.servers, "host:port[,host:port...]"
    std::string topic;
    Partition partition{0};
    // Extra librdkafka consumer properties (key, value), applied after tote's own defaults
    // (a property tote relies on, such as enable.auto.commit, is refused: kafka_property).
    std::vector<std::pair<std::string, std::string>> properties;
    // true: the end of the input is the partition's high watermark at seek() (`tote ingest`
    // without --follow stops there, even if more messages arrive meanwhile). false: poll()
    // returns what arrived within poll_wait and the caller polls again (--follow).
    bool stop_at_end = true;
    std::chrono::milliseconds poll_wait{100};  // longest poll() wait when no message arrives
    // No message for this long while the partition holds unread messages (or while the broker
    // connection reports errors): a Retriable error naming brokers, topic, partition, offset.
    std::chrono::milliseconds stall_timeout{30000};
    std::chrono::milliseconds metadata_timeout{10000};  // watermark queries at seek()

    // "topic/partition" for messages.
    std::string describe() const;
    // Throws ToteError(Fatal) naming the missing or bad setting.
    void validate() const;
};

// "key=value" of --kafka-property into (key, value). Throws ToteError(Fatal) when there is no
// '=' or no key, or when the key is one tote sets itself because exactness depends on it.
std::pair<std::string, std::string> kafka_property(std::string_view text);

// The default name of a Kafka ingest's resume position in `_offsets`: "kafka:<topic>:<partition>",
// so the positions of different sources (the embedded log's "ingest", another topic) never mix.
std::string kafka_consumer_name(const KafkaSourceConfig& config);
std::string kafka_consumer_name(std::string_view topic, int32_t partition);

}  // namespace tote
