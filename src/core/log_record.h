#pragma once
// One Kafka-shaped record: what a Kafka consumer or the embedded file log hands to a decoder.
#include <cstdint>
#include <optional>
#include <string>

namespace tote {

// Strong types for positions so a partition can never be passed as an offset.
struct Partition {
    int32_t value = 0;
    auto operator<=>(const Partition&) const = default;
};
struct Offset {
    int64_t value = 0;
    auto operator<=>(const Offset&) const = default;
};

struct LogRecord {
    std::string topic;
    Partition partition;
    Offset offset;
    int64_t timestamp_ms = 0;
    std::optional<std::string> key;    // exact bytes; nullopt = null key (truncate)
    std::optional<std::string> value;  // exact bytes; nullopt = tombstone
    std::string source_error;          // set when the source could not read the record itself
                                       // (value then holds the raw bytes it could not read)
};

// "topic/partition/offset" for error messages.
std::string describe_position(const LogRecord& r);

}  // namespace tote
