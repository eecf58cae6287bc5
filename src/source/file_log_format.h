#pragma once
// On-disk framing of the embedded append-only log (one file, `DIR/records.log`).
//
// record := u32 payload_length | u32 crc32c(payload) | payload        (little-endian)
// payload := i64 offset | i64 timestamp_ms | i32 partition
//            | u16 topic_length | topic bytes
//            | i32 key_length (-1 = null)   | key bytes
//            | i32 value_length (-1 = null) | value bytes
// Offsets start at 0 and grow by one per record across all topics. A record whose frame is
// cut short or whose checksum fails at the tail is a torn write: the writer truncates it
// away on open and the reader waits for it to be completed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/log_record.h"

namespace tote {

inline constexpr uint32_t kMaxLogPayload = 64u << 20;

uint32_t crc32c(std::string_view data);

// Appends one framed record to out.
void encode_log_record(std::string& out, const LogRecord& r);
void encode_log_record(std::string& out, std::string_view topic, Partition partition, Offset offset,
                       int64_t timestamp_ms, std::optional<std::string_view> key,
                       std::optional<std::string_view> value);

enum class FrameStatus { Ok, Incomplete, Corrupt };

struct FrameResult {
    FrameStatus status = FrameStatus::Incomplete;
    size_t frame_size = 0;  // bytes consumed when Ok
    std::string error;      // when Corrupt
};

// Decodes the frame at the start of data into out.
FrameResult decode_log_frame(std::string_view data, LogRecord& out);

}  // namespace tote
