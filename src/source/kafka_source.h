#pragma once
// A Kafka consumer of one topic-partition as a record source (librdkafka): `tote ingest
// --kafka-brokers B --kafka-topic T`. The partition is assigned (never subscribed) at the
// position tote keeps with the data in `_offsets`; no offset is committed to the broker. Offsets
// are Kafka's own, so one partition of one ordered topic is read exactly like the embedded log.
//
// Errors: a broker that cannot be reached, or no message while the partition holds unread ones,
// for longer than the stall timeout is Retriable; an offset below the partition's low watermark
// (retention deleted it) or a missing topic is Fatal and names the gap: nothing is skipped. A
// message the client cannot read is handed on with source_error (and is dead-lettered).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/kafka_source_config.h"
#include "source/record_source.h"

namespace tote {

class KafkaSource final : public RecordSource {
public:
    // Creates the consumer (connects lazily); a bad setting is a Fatal ToteError.
    explicit KafkaSource(KafkaSourceConfig config);
    ~KafkaSource() override;

    // Assigns the partition at pos.next_offset after checking it against the partition's
    // watermarks (Fatal when below the low watermark or above the high one).
    void seek(const LogPosition& pos) override;
    // Appends up to max_records messages in offset order. Without follow (stop_at_end) it waits
    // until it has max_records or the position reaches the high watermark seen at seek(); with
    // follow it returns what arrived within poll_wait. 0 = at the end.
    size_t poll(std::vector<LogRecord>& out, size_t max_records) override;
    // Next offset to read; byte_position is always 0.
    LogPosition position() const override;
    std::string describe() const override;
    // The partition's high watermark as last seen (fetch responses, or the query at seek()).
    std::optional<int64_t> end_offset() override;

    // The partition's low and high watermarks now, asked from the broker (Retriable when it
    // cannot be reached within the metadata timeout).
    std::pair<int64_t, int64_t> query_watermarks();

    KafkaSource(const KafkaSource&) = delete;
    KafkaSource& operator=(const KafkaSource&) = delete;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
