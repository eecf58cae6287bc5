#include "source/kafka_source_config.h"

#include <array>

#include "core/error.h"

namespace tote {
namespace {
// Set by KafkaSource because exactness depends on them: tote keeps its position with the data
// (never in the broker), stops on a retention gap instead of jumping, and sees the end.
constexpr std::array<std::string_view, 6> kReserved = {
    "enable.auto.commit",   "enable.auto.offset.store", "auto.offset.reset",
    "enable.partition.eof", "bootstrap.servers",        "metadata.broker.list"};
}  // namespace

std::string KafkaSourceConfig::describe() const {
    return "kafka://" + brokers + "/" + topic + "/" + std::to_string(partition.value);
}

void KafkaSourceConfig::validate() const {
    if (brokers.empty())
        throw ToteError(ErrorClass::Fatal,
                        "no Kafka brokers given: pass --kafka-brokers HOST:PORT[,HOST:PORT]");
    if (topic.empty())
        throw ToteError(ErrorClass::Fatal,
                        "no Kafka topic given: pass --kafka-topic (the one ordered topic Debezium "
                        "routes the database into, docs/operations.md)");
    if (partition.value < 0)
        throw ToteError(ErrorClass::Fatal, "Kafka partition " + std::to_string(partition.value) +
                                               " is negative: pass --kafka-partition N >= 0");
    for (const auto& [k, v] : properties) kafka_property(k + "=" + v);
}

std::pair<std::string, std::string> kafka_property(std::string_view text) {
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw ToteError(ErrorClass::Fatal, "Kafka property '" + std::string(text) +
                                               "' is not key=value (e.g. --kafka-property "
                                               "fetch.max.bytes=52428800)");
    std::string key(text.substr(0, eq));
    for (std::string_view r : kReserved)
        if (key == r)
            throw ToteError(ErrorClass::Fatal,
                            "Kafka property '" + key +
                                "' is set by tote itself (it keeps its position with the data "
                                "and stops on a retention gap): leave it out" +
                                (key == "bootstrap.servers" || key == "metadata.broker.list"
                                     ? std::string(" and pass --kafka-brokers")
                                     : std::string()));
    return {std::move(key), std::string(text.substr(eq + 1))};
}

std::string kafka_consumer_name(const KafkaSourceConfig& config) {
    return kafka_consumer_name(config.topic, config.partition.value);
}

std::string kafka_consumer_name(std::string_view topic, int32_t partition) {
    return "kafka:" + std::string(topic) + ":" + std::to_string(partition);
}

}  // namespace tote
