#pragma once
// What a message or event from the consumer queue means for KafkaSource, by its librdkafka
// error code (rd_kafka_resp_err_t), decided by class and never by parsing text.
namespace tote {

enum class KafkaMessageKind {
    Record,          // a message: hand it on
    Unreadable,      // a message at an offset the client could not read (corrupt, too large,
                     // bad compression): a record with source_error (dead-lettered, raw bytes kept)
    EndOfPartition,  // the consumer reached the partition's current end
    OffsetGone,      // the requested offset is no longer (or not yet) in the partition: Fatal,
                     // never skipped
    Transient,       // the connection or a broker is down, a timeout: librdkafka retries; tote
                     // gives up (Retriable) only when it lasts longer than the stall timeout
    Fatal,           // configuration, authorisation, a missing topic: stop and tell the operator
};

KafkaMessageKind kafka_message_kind(int rd_kafka_resp_err);

}  // namespace tote
