#pragma once
// The idempotent librdkafka producer of the test and bench tools that copy tote's log into Kafka
// (tests/integration/kafka/log_to_kafka, bench/kafka_bench_tool): its settings, the delivery
// count, topic creation and the send loop, in one place. Failures are printed to stderr as
// "<program>: <what failed>: <why>" and returned as false / nullopt; the tool picks its exit code.
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "source/kafka_handles.h"

namespace tote::testing {

// What the delivery reports said. With check_offsets, every record is sent with its expected
// Kafka offset as the message opaque, and a record delivered at another offset is counted.
struct Delivery {
    bool check_offsets = false;
    uint64_t delivered = 0;
    uint64_t wrong_offset = 0;
    uint64_t failed = 0;
    std::string first_problem;
};

class IdempotentProducer {
public:
    using Settings = std::vector<std::pair<const char*, std::string>>;

    // A producer to brokers with enable.idempotence=true (in order, once, even on retries), the
    // given settings on top; delivery reports go to delivery, which must outlive the producer.
    // nullopt (the problem printed) when a setting or the client is refused.
    static std::optional<IdempotentProducer> open(std::string program, const std::string& brokers,
                                                  const Settings& settings, Delivery& delivery);

    // Creates topic with one partition that keeps every message (no time or size retention,
    // records up to 10 MB). may_exist: a topic that is already there is fine; otherwise it is
    // a failure (the topic must be new).
    bool create_topic(const std::string& topic, bool may_exist);

    // Hands one record to partition 0 of topic (a null key or value stays null; timestamp_ms 0:
    // now), polling every full_poll_ms while the local queue is full.
    bool send(const std::string& topic, const void* key, size_t key_len, const void* value,
              size_t value_len, int64_t timestamp_ms, void* opaque, int full_poll_ms);

    void poll(int timeout_ms) { rd_kafka_poll(rk_.get(), timeout_ms); }

    // Waits until every record is delivered or failed; false (printed) after timeout_ms.
    bool flush(int timeout_ms);

private:
    IdempotentProducer(std::string program, kafka::Client rk)
        : program_(std::move(program)), rk_(std::move(rk)) {}

    std::string program_;
    kafka::Client rk_;
};

}  // namespace tote::testing
